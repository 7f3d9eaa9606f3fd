// Cases only wirecore/app targets run: what an application framework must
// answer on top of the wire rules (404, 405 with Allow, 400 and 415 as
// problem+json, 413 past the body limit, schema serialization, HEAD).
import type { Case, ExpectedResponse } from '../case.js';

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
  app('app-415', 'an unsupported Content-Type is 415 problem+json', json('<user/>', 'application/xml'), { status: 415, headers: PROBLEM }),
  app('app-201', 'a valid body is answered through its response schema', json('{"name":"Grace","extra":true}'), { status: 201, body: '{"id":1,"name":"Grace"}', headers: { 'content-type': 'application/json; charset=utf-8' } }),
  app('app-head', 'HEAD is answered from GET with its length and no body', 'HEAD /app/users/1 HTTP/1.1\r\nHost: parity\r\n\r\n', { status: 200, body: '', headers: { 'content-length': '21' } }, { headRequests: [0], features: ['head-pipelining'] }),
  {
    id: 'app-413',
    category: 'wirecore/app',
    title: 'a body over maxBodyBytes is 413 problem+json, then close',
    send: [`POST /app/users HTTP/1.1\r\nHost: parity\r\nContent-Type: application/json\r\nContent-Length: ${17 * 1024 * 1024}\r\n\r\n`],
    expect: { kind: 'reject', status: 413, headSeen: true },
    consumer: 'app',
  },
];
