// Cases only wirecore/app targets run, code-first (targets/app.ts) and
// spec-first (targets/app-spec.ts) alike: what an application framework must
// answer on top of the wire rules (404, 405 with Allow, 400 and 415 as
// problem+json, 413 past the body limit, schema serialization, HEAD), and
// the production features: bearer JWTs (401 with WWW-Authenticate), CORS,
// compression, cookies, server-sent events, health probes.
import { createHmac } from 'node:crypto';
import type { Case, ExpectedResponse } from '../case.js';
import { PARITY_JWT_SECRET, PARITY_ORIGIN } from '../targets/app-shared.js';

/** An HS256 JWT without expiry (so the case bytes never change). */
function jwt(payload: object, secret: string): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const GOOD_TOKEN = jwt({ sub: 'parity' }, PARITY_JWT_SECRET);
const FORGED_TOKEN = jwt({ sub: 'parity' }, 'another-secret-that-is-32-bytes!');
const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: parity\r\n${headers}\r\n`;

const PROBLEM = { 'content-type': 'application/problem+json' };
const next = 'GET /app/users/1 HTTP/1.1\r\nHost: parity\r\n\r\n';
const nextOk: ExpectedResponse = { status: 200, body: '{"id":1,"name":"Ada"}' };
const json = (body: string, type = 'application/json') => `POST /app/users HTTP/1.1\r\nHost: parity\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const app = (id: string, title: string, request: string, first: ExpectedResponse, extra: Partial<Case> = {}): Case => ({
  id,
  category: 'wirecore/app',
  title,
  send: [request + next],
  expect: { kind: 'accept', responses: [first, nextOk] },
  consumer: 'app',
  ...extra,
});

export const appCases: Case[] = [
  app('app-404', 'an unknown path is 404 problem+json, the connection goes on', 'GET /app/nope HTTP/1.1\r\nHost: parity\r\n\r\n', { status: 404, headers: PROBLEM }),
  app('app-405', 'a known path under another method is 405 with Allow', 'DELETE /app/users/1 HTTP/1.1\r\nHost: parity\r\n\r\n', { status: 405, headers: { ...PROBLEM, allow: 'GET, HEAD' } }),
  app('app-400-params', 'a param failing its schema is 400 problem+json naming it', 'GET /app/users/abc HTTP/1.1\r\nHost: parity\r\n\r\n', {
    status: 400,
    headers: PROBLEM,
    body: '{"type":"about:blank","title":"Bad Request","status":400,"detail":"Request validation failed: params/id must be integer","instance":"/app/users/abc","errors":[{"in":"params","path":"/id","message":"must be integer","keyword":"type"}]}',
  }),
  app('app-400-json', 'malformed JSON is 400 problem+json', json('{"name":'), { status: 400, headers: PROBLEM }),
  // Escaped, so a text search for "__proto__" misses it: the parsed object is what is checked (secure-json-parse).
  app('app-400-proto', 'a JSON body with an escaped __proto__ key is 400 problem+json', json(String.raw`{"name":"Eve","\u005f_proto__":{"isAdmin":true}}`), {
    status: 400,
    headers: PROBLEM,
    body: '{"type":"about:blank","title":"Bad Request","status":400,"detail":"JSON body has a forbidden \\"__proto__\\" key","instance":"/app/users"}',
  }),
  app('app-415', 'an unsupported Content-Type is 415 problem+json', json('<user/>', 'application/xml'), { status: 415, headers: PROBLEM }),
  app('app-201', 'a valid body is answered through its response schema', json('{"name":"Grace","extra":true}'), { status: 201, body: '{"id":1,"name":"Grace"}', headers: { 'content-type': 'application/json; charset=utf-8' } }),
  app('app-head', 'HEAD is answered from GET with its length and no body', 'HEAD /app/users/1 HTTP/1.1\r\nHost: parity\r\n\r\n', { status: 200, body: '', headers: { 'content-length': '21' } }, { headRequests: [0] }),
  // A token seen for the first time is verified asynchronously (WebCrypto): the next request waits for the answer,
  // since uWS closes on a request pipelined behind a pending one.
  app('app-jwt-ok', 'a valid bearer JWT reaches the handler, its claims on the context', get('/app/secure', `Authorization: Bearer ${GOOD_TOKEN}\r\n`), { status: 200, body: '{"sub":"parity"}' }, { send: [get('/app/secure', `Authorization: Bearer ${GOOD_TOKEN}\r\n`), { waitFor: '{"sub":"parity"}' }, next] }),
  app('app-jwt-missing', 'no credentials: 401 with a Bearer challenge', get('/app/secure'), { status: 401, headers: { ...PROBLEM, 'www-authenticate': 'Bearer realm="api"' } }),
  app(
    'app-jwt-forged',
    'a token signed with another key: 401 invalid_token',
    get('/app/secure', `Authorization: Bearer ${FORGED_TOKEN}\r\n`),
    { status: 401, headers: { ...PROBLEM, 'www-authenticate': 'Bearer realm="api", error="invalid_token", error_description="The token signature does not verify"' } },
    { send: [get('/app/secure', `Authorization: Bearer ${FORGED_TOKEN}\r\n`), { waitFor: '"instance":"/app/secure"}' }, next] },
  ),
  app('app-cors-preflight', 'a CORS preflight is answered 204 with the allowed methods', `OPTIONS /app/users/1 HTTP/1.1\r\nHost: parity\r\nOrigin: ${PARITY_ORIGIN}\r\nAccess-Control-Request-Method: GET\r\n\r\n`, {
    status: 204,
    headers: { 'access-control-allow-origin': PARITY_ORIGIN, 'access-control-allow-credentials': 'true', 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': null },
  }),
  app('app-cors-actual', 'an answer to an allowed origin carries Access-Control-Allow-Origin and Vary', get('/app/users/1', `Origin: ${PARITY_ORIGIN}\r\n`), { status: 200, headers: { 'access-control-allow-origin': PARITY_ORIGIN, vary: 'Origin' } }),
  app('app-cors-other', 'an answer to another origin has no CORS grant', get('/app/users/1', 'Origin: https://elsewhere.test\r\n'), { status: 200, headers: { 'access-control-allow-origin': null, vary: 'Origin' } }),
  app('app-gzip', 'a JSON answer over the threshold is gzipped for a client that accepts it', get('/app/items', 'Accept-Encoding: gzip\r\n'), { status: 200, headers: { 'content-encoding': 'gzip', vary: 'Origin, Accept-Encoding', 'content-type': 'application/json; charset=utf-8' } }),
  app('app-identity', 'the same answer to a client without Accept-Encoding is not compressed, and says it varies', get('/app/items'), { status: 200, headers: { 'content-encoding': null, vary: 'Origin, Accept-Encoding' } }),
  app('app-cookies', 'a cookie is read (checked by its schema) and one is set', get('/app/session', 'Cookie: theme=dark; session=abc\r\n'), { status: 200, body: '{"session":"abc"}', headers: { 'set-cookie': 'visited=1; Path=/; HttpOnly; SameSite=Lax' } }),
  app('app-sse', 'server-sent events stream as text/event-stream, one chunk per event', get('/app/events'), {
    status: 200,
    chunked: true,
    body: 'id: 1\ndata: one\n\nid: 2\nevent: update\ndata: {"n":2}\n\ndata: three\ndata: lines\ndata: here\n\n',
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  }),
  app('app-healthz', 'the liveness probe answers outside the routes of the document', get('/healthz'), { status: 200, body: '{"status":"ok"}' }),
  {
    id: 'app-413',
    category: 'wirecore/app',
    title: 'a body over maxBodyBytes is 413 problem+json, then close',
    send: [`POST /app/users HTTP/1.1\r\nHost: parity\r\nContent-Type: application/json\r\nContent-Length: ${17 * 1024 * 1024}\r\n\r\n`],
    expect: { kind: 'reject', status: 413, headSeen: true },
    consumer: 'app',
  },
];
