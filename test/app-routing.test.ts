// wirecore/app routing over real sockets on every runtime: params (decoded,
// regex-constrained, several per segment), wildcard, 404, 405 with Allow,
// OPTIONS, HEAD from GET, trailing-slash and case policy, groups and mounts.
import { describe, expect, it } from 'vitest';
import { createApp, Type } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';

function makeApp() {
  const app = createApp({ state: { name: 'routing' }, logger: recordingLogger() });
  app.get('/hello', () => ({ hello: 'world' }));
  app.get('/users/:id', (c) => ({ id: c.params.id }));
  app.get('/users/:id/posts/:postId', (c) => ({ id: c.params.id, postId: c.params.postId }));
  app.post('/users', () => ({ created: true }));
  app.get('/orders/:id(^\\d+)', (c) => ({ order: c.params.id }));
  app.get('/near/:lat-:lng', (c) => ({ lat: c.params.lat, lng: c.params.lng }));
  app.get('/files/*', (c) => ({ rest: c.params['*'] }));
  app.get('/explicit-head', () => 'from GET');
  app.head('/explicit-head', (c) => c.header('x-from', 'HEAD').reply(200));
  app.get('/query', (c) => c.query);
  app.get('/state', (c) => ({ name: c.state.name }));
  return app;
}

describe.each(RUNTIMES)('wirecore/app routing (%s)', (runtime) => {
  it('serves static routes and decoded path params', async () => {
    const server = await serveApp(runtime, makeApp());
    expect(await (await fetch(`${server.url}/hello`)).json()).toEqual({ hello: 'world' });
    expect(await (await fetch(`${server.url}/users/j%C3%B6rg`)).json()).toEqual({ id: 'jörg' });
    expect(await (await fetch(`${server.url}/users/7/posts/99`)).json()).toEqual({ id: '7', postId: '99' });
    expect(await (await fetch(`${server.url}/near/52.5-13.4`)).json()).toEqual({ lat: '52.5', lng: '13.4' });
    expect(await (await fetch(`${server.url}/state`)).json()).toEqual({ name: 'routing' });
  });

  it('matches regex-constrained params only when the regex does', async () => {
    const server = await serveApp(runtime, makeApp());
    expect(await (await fetch(`${server.url}/orders/123`)).json()).toEqual({ order: '123' });
    expect((await fetch(`${server.url}/orders/abc`)).status).toBe(404);
  });

  it('gives a wildcard the rest of the path', async () => {
    const server = await serveApp(runtime, makeApp());
    expect(await (await fetch(`${server.url}/files/a/b/c.txt`)).json()).toEqual({ rest: 'a/b/c.txt' });
  });

  it('parses the query string, repeated keys as arrays', async () => {
    const server = await serveApp(runtime, makeApp());
    expect(await (await fetch(`${server.url}/query?a=1&a=2&b=x%20y`)).json()).toEqual({ a: ['1', '2'], b: 'x y' });
  });

  it('answers an unknown path with 404 problem+json', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route for GET /nope', instance: '/nope' });
  });

  it('answers a known path under another method with 405 and Allow', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/users/1`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect((await res.json()).title).toBe('Method Not Allowed');
    const post = await fetch(`${server.url}/hello`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(405);
    const both = await fetch(`${server.url}/users`, { method: 'PUT' });
    expect(both.headers.get('allow')).toBe('POST');
  });

  it('answers OPTIONS on a known path with 204 and Allow', async () => {
    const server = await serveApp(runtime, makeApp());
    const res = await fetch(`${server.url}/users/1`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves HEAD from GET with the GET length and no body, unless a HEAD route exists', async () => {
    const server = await serveApp(runtime, makeApp());
    const [head] = (await rawRequest(server.port, 'HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n', { headRequests: [0], responses: 1 })).responses;
    const [get] = (await rawRequest(server.port, 'GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')).responses;
    expect(head!.status).toBe(200);
    expect(head!.body.length).toBe(0);
    expect(header(head!, 'content-length')).toBe(String(get!.body.length));
    expect(get!.body.toString()).toBe('{"hello":"world"}');
    const explicit = await fetch(`${server.url}/explicit-head`, { method: 'HEAD' });
    expect(explicit.headers.get('x-from')).toBe('HEAD');
  });

  it('answers a target that does not decode with 400', async () => {
    const server = await serveApp(runtime, makeApp());
    const got = await rawRequest(server.port, 'GET /users/%E0%A4%A HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    expect(got.responses[0]!.status).toBe(400);
    expect(header(got.responses[0]!, 'content-type')).toBe('application/problem+json');
  });

  it('is strict about trailing slashes and case by default', async () => {
    const server = await serveApp(runtime, makeApp());
    expect((await fetch(`${server.url}/hello/`)).status).toBe(404);
    expect((await fetch(`${server.url}/HELLO`)).status).toBe(404);
  });

  it('can ignore trailing slashes and case (params keep theirs)', async () => {
    const app = createApp({ router: { ignoreTrailingSlash: true, caseSensitive: false } });
    app.get('/Hello/:Name', (c) => c.params);
    const server = await serveApp(runtime, app);
    expect(await (await fetch(`${server.url}/hello/Ada/`)).json()).toEqual({ Name: 'Ada' });
    expect(await (await fetch(`${server.url}/HELLO/Bob`)).json()).toEqual({ Name: 'Bob' });
  });

  it('serves groups under their prefix with their own middleware, and mounted apps with their own state', async () => {
    const app = createApp({ state: { who: 'parent' } });
    const order: string[] = [];
    app.use(async (c, next) => {
      order.push(`app ${c.req.path}`);
      await next();
    });
    const api = app.group('/api/:version', {
      middleware: [
        async (c, next) => {
          c.header('x-group', 'api');
          await next();
        },
      ],
    });
    api.get('/items/:id', (c) => ({ version: c.params.version, id: c.params.id }));
    api.get('/', () => 'api root');
    app.get('/outside', (c) => ({ who: c.state.who }));

    const admin = createApp({ state: { who: 'admin' } });
    admin.use(async (c, next) => {
      order.push(`admin ${c.req.path}`);
      c.header('x-admin', '1');
      await next();
    });
    admin.get('/stats', (c) => ({ who: c.state.who }));
    app.mount('/admin', admin);

    const server = await serveApp(runtime, app);
    const item = await fetch(`${server.url}/api/v2/items/5`);
    expect(await item.json()).toEqual({ version: 'v2', id: '5' });
    expect(item.headers.get('x-group')).toBe('api');
    expect(await (await fetch(`${server.url}/api/v2`)).text()).toBe('api root');
    const outside = await fetch(`${server.url}/outside`);
    expect(outside.headers.get('x-group')).toBeNull();
    expect(await outside.json()).toEqual({ who: 'parent' });
    const stats = await fetch(`${server.url}/admin/stats`);
    expect(await stats.json()).toEqual({ who: 'admin' });
    expect(stats.headers.get('x-admin')).toBe('1');
    // The parent's app-wide middleware runs around the mounted app's.
    expect(order).toEqual(['app /api/v2/items/5', 'app /api/v2', 'app /outside', 'app /admin/stats', 'admin /admin/stats']);
  });
});

describe('wirecore/app routing without a runtime', () => {
  it('answers OPTIONS * with the methods the app serves', async () => {
    const app = makeApp();
    const res = await app.inject({ method: 'OPTIONS', url: '*' });
    expect(res.status).toBe(200);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('lists every route with its schema and metadata for generators', () => {
    const app = createApp({ security: { bearer: { type: 'http', scheme: 'bearer', verify: () => null } } });
    const Id = Type.Object({ id: Type.Integer() });
    app.get('/things/:id', { schema: { params: Id }, operationId: 'getThing', summary: 'One thing', tags: ['things'], deprecated: true, security: [{ bearer: [] }] }, (c) => c.params.id);
    app.post('/things', { schema: { body: Id }, consumes: ['application/json'] }, () => undefined);
    const routes = app.routes().map((r) => ({ method: r.method, path: r.path, operationId: r.operationId, tags: r.tags, deprecated: r.deprecated, security: r.security, consumes: r.consumes, params: r.schema.params === Id, body: r.schema.body === Id }));
    expect(routes).toEqual([
      { method: 'GET', path: '/things/:id', operationId: 'getThing', tags: ['things'], deprecated: true, security: [{ bearer: [] }], consumes: [], params: true, body: false },
      { method: 'POST', path: '/things', operationId: undefined, tags: undefined, deprecated: undefined, security: undefined, consumes: ['application/json'], params: false, body: true },
    ]);
  });
});
