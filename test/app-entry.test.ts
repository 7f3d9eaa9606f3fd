// wirecore/app entry points and start-up: the same app through listen (every
// runtime), inject (memory runtime) and fetch; an atomic table swap with a
// request in flight; clear start-up errors naming the route.
import { describe, expect, it } from 'vitest';
import { createApp, Type } from 'wirecore/app';
import { recordingLogger } from './helpers/app.js';
import { RUNTIMES } from './helpers/servers.js';
import type { Server } from 'wirecore';
import { afterEach } from 'vitest';

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close({ graceMs: 100 })));
});

function makeApp() {
  const app = createApp({ state: { store: new Map<number, string>([[1, 'Ada']]) }, logger: recordingLogger() });
  const User = Type.Object({ id: Type.Integer(), name: Type.String() });
  app.get('/users/:id', { schema: { params: Type.Object({ id: Type.Integer() }), response: { 200: User } } }, (c) => {
    const name = c.state.store.get(c.params.id);
    if (name === undefined) return c.reply(404, { missing: c.params.id });
    return { id: c.params.id, name };
  });
  app.post('/users', { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }), response: { 201: User } } }, (c) => {
    const id = c.state.store.size + 1;
    c.state.store.set(id, c.body.name);
    return c.reply(201, { id, name: c.body.name });
  });
  app.get('/stream', async function* () {
    yield 'a';
    yield 'b';
  });
  return app;
}

describe('wirecore/app entry points', () => {
  it.each(RUNTIMES)('listen() serves the app on %s', async (runtime) => {
    const app = makeApp();
    const server = await app.listen({ runtime, port: 0 });
    open.push(server);
    expect(server.runtime).toBe(runtime);
    expect(await (await fetch(`${server.url}/users/1`)).json()).toEqual({ id: 1, name: 'Ada' });
  });

  it('gives the same answers through inject and fetch on the same app', async () => {
    const app = makeApp();
    const viaInject = await app.inject({ url: '/users/1' });
    const viaFetch = await app.fetch(new Request('http://app.test/users/1'));
    expect(viaInject.status).toBe(200);
    expect(viaFetch.status).toBe(200);
    expect(viaInject.text()).toBe(await viaFetch.text());
    expect(viaInject.headers.get('content-type')).toBe(viaFetch.headers.get('content-type'));

    const created = await app.fetch(new Request('http://app.test/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Grace"}' }));
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 2, name: 'Grace' });
    // The state is shared: inject sees what fetch stored.
    expect((await app.inject({ url: '/users/2' })).json()).toEqual({ id: 2, name: 'Grace' });

    const invalidInject = await app.inject({ method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: '{"name":""}' });
    const invalidFetch = await app.fetch(new Request('http://app.test/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":""}' }));
    expect(invalidInject.status).toBe(400);
    expect(invalidFetch.status).toBe(400);
    expect(invalidInject.json()).toEqual(await invalidFetch.json());

    expect((await app.inject({ url: '/users/9' })).json()).toEqual({ missing: 9 });
    expect((await app.fetch(new Request('http://app.test/nope'))).status).toBe(404);
    expect((await app.inject({ url: '/stream' })).text()).toBe('ab');
    expect(await (await app.fetch(new Request('http://app.test/stream'))).text()).toBe('ab');
  });

  it('swaps the route table atomically: a request in flight finishes on the table it started with', async () => {
    const app = createApp({ logger: recordingLogger() });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    app.get('/version', async () => {
      entered();
      await held;
      return 'v1';
    });
    const server = await app.listen({ port: 0 });
    open.push(server);
    const first = fetch(`${server.url}/version`).then((r) => r.text());
    await inside;
    const oldTable = app.ctx.table;
    app.get('/added', () => 'new route');
    const newTable = app.compile();
    expect(app.ctx.table).toBe(newTable);
    expect(newTable).not.toBe(oldTable);
    expect(await (await fetch(`${server.url}/added`)).text()).toBe('new route');
    release();
    expect(await first).toBe('v1');
  });
});

describe('wirecore/app start-up errors', () => {
  it('refuses a duplicate route, naming both registrations', () => {
    const app = createApp();
    app.get('/users/:id', () => 'first');
    app.get('/users/:userId', { operationId: 'second' }, () => 'second');
    expect(() => app.compile()).toThrow(/GET \/users\/:userId is registered twice: first GET \/users\/:id at .*app-entry\.test\.ts:\d+:\d+.*, again GET \/users\/:userId \(second\) at .*app-entry\.test\.ts:\d+/);
  });

  it('refuses duplicates that come from a mounted app', async () => {
    const app = createApp();
    app.get('/admin/stats', () => 'parent');
    const admin = createApp();
    admin.get('/stats', () => 'child');
    app.mount('/admin', admin);
    await expect(app.listen({ port: 0 })).rejects.toThrow(/GET \/admin\/stats is registered twice/);
  });

  it('refuses an invalid schema at registration, naming the route and part', () => {
    const app = createApp();
    expect(() => app.post('/users', { schema: { body: Type.Object({ name: Type.String({ minLenght: 2 }) }) } }, () => 'x')).toThrow(/invalid body schema for POST \/users \(at .*app-entry\.test\.ts:\d+:\d+\): strict mode: unknown keyword: "minLenght"/);
    expect(() => app.get('/x', { schema: { response: { 99: Type.String() } } }, () => 'x')).toThrow(/response schema key "99" of GET \/x is not a status code/);
  });

  it('refuses a params schema naming a param the path does not declare', () => {
    const app = createApp();
    app.get('/users/:userId', { schema: { params: Type.Object({ id: Type.Integer() }) } }, () => 'x');
    expect(() => app.compile()).toThrow(/the params schema of GET \/users\/:userId at .* names "id", which the path does not declare \(it declares "userId"\)/);
  });

  it('refuses a body schema where no body is read, an unsafe regex, a bad path, an unknown hook', () => {
    const app = createApp();
    expect(() => app.get('/x', { schema: { body: Type.Object({}) } }, () => 'x')).toThrow(/GET \/x has a body schema, but GET and HEAD bodies are not read/);
    expect(() => app.post('/x', { schema: { body: Type.Object({}) }, parseBody: false }, () => 'x')).toThrow(/body schema and parseBody: false/);
    expect(() => app.get('no-slash', () => 'x')).toThrow(/must start with "\/"/);
    expect(() => app.addHook('onWhatever' as 'onRequest', () => {})).toThrow(/unknown hook "onWhatever"/);
    app.get('/bad/:x(^(a+)+$)', () => 'x');
    expect(() => app.compile()).toThrow(/the parameter regex \(\^\(a\+\)\+\$\) of GET \/bad\/:x\(\^\(a\+\)\+\$\) at .* is refused: matching can take exponential time/);
  });

  it('refuses consumes naming a type no parser reads', () => {
    const app = createApp();
    expect(() => app.post('/x', { consumes: ['application/xml'] }, () => 'x')).toThrow(/no body parser for "application\/xml" .*POST \/x/);
    app.addBodyParser('application/xml', async (req) => ({ xml: await req.body.text() }));
    app.post('/x', { consumes: ['application/xml'] }, (c) => c.body);
  });

  it('runs an added body parser', async () => {
    const app = createApp();
    app.addBodyParser('application/xml', async (req) => ({ xml: await req.body.text() }));
    app.post('/x', (c) => c.body);
    const res = await app.inject({ method: 'POST', url: '/x', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect(res.json()).toEqual({ xml: '<a/>' });
  });
});
