// wirecore/app validation and body parsing over real sockets on every
// runtime: coercion of params, query and headers; every failing path named
// in one RFC 9457 problem; JSON, text, forms and bytes; 400 for malformed
// JSON, 415 for an unsupported or missing Content-Type, 413 past the limit.
import { describe, expect, it } from 'vitest';
import { createApp, Type, type ValidationIssue } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';

const NewUser = Type.Object({
  name: Type.String({ minLength: 2 }),
  email: Type.String({ format: 'email' }),
  age: Type.Optional(Type.Integer({ minimum: 0 })),
  tags: Type.Optional(Type.Array(Type.String(), { maxItems: 3 })),
});

function makeApp() {
  const app = createApp({ logger: recordingLogger() });
  app.get('/users/:id', { schema: { params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } }, (c) => ({ id: c.params.id, type: typeof c.params.id }));
  app.get(
    '/search',
    { schema: { query: Type.Object({ limit: Type.Integer({ maximum: 100, default: 10 }), tags: Type.Optional(Type.Array(Type.String())), exact: Type.Optional(Type.Boolean()) }) } },
    (c) => ({ limit: c.query.limit, tags: c.query.tags ?? null, exact: c.query.exact ?? null }),
  );
  app.get('/secret', { schema: { headers: Type.Object({ 'x-api-key': Type.String({ minLength: 8 }), 'x-version': Type.Optional(Type.Integer()) }) } }, (c) => ({ key: c.headers['x-api-key'], version: c.headers['x-version'] ?? null }));
  app.post('/users', { schema: { body: NewUser } }, (c) => c.reply(201, { got: c.body }));
  app.post('/any', (c) => ({ type: c.body instanceof Uint8Array ? 'bytes' : typeof c.body, body: c.body instanceof Uint8Array ? Buffer.from(c.body).toString('hex') : c.body }));
  app.post('/json-only', { consumes: ['application/json'] }, (c) => ({ body: c.body }));
  app.post('/raw', { parseBody: false }, async (c) => ({ length: (await c.req.body.bytes()).length }));
  return app;
}

async function problem(res: Response): Promise<{ status: number; detail: string; errors?: ValidationIssue[]; [k: string]: unknown }> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return res.json() as never;
}

const json = (body: unknown, type = 'application/json'): RequestInit => ({ method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe.each(RUNTIMES)('wirecore/app validation (%s)', (runtime) => {
  it('coerces params to their schema types', async () => {
    const server = await serveApp(runtime, makeApp());
    expect(await (await fetch(`${server.url}/users/42`)).json()).toEqual({ id: 42, type: 'number' });
  });

  it('answers a failing param with 400 naming its path', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/users/abc`);
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.errors).toEqual([{ in: 'params', path: '/id', message: 'must be integer', keyword: 'type' }]);
    expect(body.detail).toBe('Request validation failed: params/id must be integer');
  });

  it('coerces query values, fills defaults and wraps single values into arrays', async () => {
    const server = await serveApp(runtime, makeApp());
    expect(await (await fetch(`${server.url}/search?tags=a&exact=true`)).json()).toEqual({ limit: 10, tags: ['a'], exact: true });
    expect(await (await fetch(`${server.url}/search?limit=5&tags=a&tags=b`)).json()).toEqual({ limit: 5, tags: ['a', 'b'], exact: null });
    const bad = await fetch(`${server.url}/search?limit=500&exact=maybe`);
    expect(bad.status).toBe(400);
    expect((await problem(bad)).errors!.map((e) => `${e.in}${e.path}`)).toEqual(['query/limit', 'query/exact']);
  });

  it('checks and coerces headers', async () => {
    const server = await serveApp(runtime, makeApp());
    const ok = await fetch(`${server.url}/secret`, { headers: { 'X-Api-Key': 'abcdefgh', 'x-version': '3' } });
    expect(await ok.json()).toEqual({ key: 'abcdefgh', version: 3 });
    const missing = await fetch(`${server.url}/secret`);
    expect(missing.status).toBe(400);
    expect((await problem(missing)).errors).toEqual([{ in: 'headers', path: '/x-api-key', message: "must have required property 'x-api-key'", keyword: 'required' }]);
  });

  it('names every failing path of a body in one problem', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/users`, json({ name: 'x', email: 'not-an-email', age: -1, tags: ['a', 'b', 'c', 'd'] }));
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.errors!.map((e) => `${e.in}${e.path} ${e.keyword}`)).toEqual(['body/name minLength', 'body/email format', 'body/age minimum', 'body/tags maxItems']);
    const missing = await fetch(`${server.url}/users`, json({ name: 'Ada' }));
    expect((await problem(missing)).errors).toEqual([{ in: 'body', path: '/email', message: "must have required property 'email'", keyword: 'required' }]);
    const none = await fetch(`${server.url}/users`, { method: 'POST' });
    expect(none.status).toBe(400);
    expect((await problem(none)).errors).toEqual([{ in: 'body', path: '', message: 'is required', keyword: 'required' }]);
  });

  it('passes a valid body through, exactly (no coercion of bodies)', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/users`, json({ name: 'Ada', email: 'ada@example.com', age: 36 }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: { name: 'Ada', email: 'ada@example.com', age: 36 } });
    const stringAge = await fetch(`${server.url}/users`, json({ name: 'Ada', email: 'ada@example.com', age: '36' }));
    expect(stringAge.status).toBe(400);
  });

  it('answers malformed JSON with 400 and the parser message', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/users`, json('{"name": "Ada",'));
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toMatch(/^Malformed JSON body: /);
  });

  it('refuses prototype-poisoning keys', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/any`, json('{"a":{"__proto__":{"admin":true}}}'));
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toBe('JSON body has a forbidden "__proto__" key');
    const ctor = await fetch(`${server.url}/any`, json('{"constructor":{"prototype":{"admin":true}}}'));
    expect(ctor.status).toBe(400);
    const harmless = await fetch(`${server.url}/any`, json({ constructor: 'fine' }));
    expect(await harmless.json()).toEqual({ type: 'object', body: { constructor: 'fine' } });
  });

  it('parses text, urlencoded forms, bytes and +json types', async () => {
    const server = await serveApp(runtime, makeApp());
    expect(await (await fetch(`${server.url}/any`, json('plain words', 'text/plain; charset=utf-8'))).json()).toEqual({ type: 'string', body: 'plain words' });
    expect(await (await fetch(`${server.url}/any`, json('a=1&b=x+y&a=2', 'application/x-www-form-urlencoded'))).json()).toEqual({ type: 'object', body: { a: ['1', '2'], b: 'x y' } });
    const bytes = await fetch(`${server.url}/any`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 1, 254, 255]) });
    expect(await bytes.json()).toEqual({ type: 'bytes', body: '0001feff' });
    expect(await (await fetch(`${server.url}/any`, json({ op: 'add' }, 'application/merge-patch+json'))).json()).toEqual({ type: 'object', body: { op: 'add' } });
  });

  it('answers an unsupported or missing Content-Type with 415 listing what is accepted', async () => {
    const server = await serveApp(runtime, makeApp());
    const xml = await fetch(`${server.url}/any`, json('<user/>', 'application/xml'));
    expect(xml.status).toBe(415);
    const body = await problem(xml);
    expect(body.accepted).toEqual(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']);
    // A body schema takes JSON only, as its OpenAPI document says.
    const form = await fetch(`${server.url}/users`, json('name=Eve', 'application/x-www-form-urlencoded'));
    expect(form.status).toBe(415);
    expect((await problem(form)).accepted).toEqual(['application/json']);
    const onlyJson = await fetch(`${server.url}/json-only`, json('hi', 'text/plain'));
    expect(onlyJson.status).toBe(415);
    expect((await problem(onlyJson)).accepted).toEqual(['application/json']);
    const untyped = await rawRequest(server.port, 'POST /any HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi', { responses: 1 });
    expect(untyped.responses[0]!.status).toBe(415);
  });

  it('answers a body over maxBodyBytes with 413 and closes', async () => {
    const server = await serveApp(runtime, makeApp(), { maxBodyBytes: 1024 });
    const big = JSON.stringify({ name: 'x'.repeat(2000), email: 'a@b.co' });
    const got = await rawRequest(server.port, `POST /users HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n${big}`);
    expect(got.responses[0]!.status).toBe(413);
    expect(header(got.responses[0]!, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(got.responses[0]!.body.toString())).toMatchObject({ status: 413, title: 'Payload Too Large', code: 'WIRE_ERR_BODY_TOO_LARGE' });
    expect(got.closed).toBe(true);
    const raw = await fetch(`${server.url}/raw`, { method: 'POST', body: 'y'.repeat(1025) });
    expect(raw.status).toBe(413);
  });

  it('leaves the body to the handler with parseBody: false', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/raw`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(300) });
    expect(await res.json()).toEqual({ length: 300 });
  });
});
