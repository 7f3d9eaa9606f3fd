// wirecore/app middleware, hooks, typed errors and request ids over real
// sockets on every runtime.
import { describe, expect, it } from 'vitest';
import { Conflict, createApp, Forbidden, HttpError, MethodNotAllowed, TooManyRequests, Type, Unauthorized, UnprocessableEntity, type AppLogger, type Written } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { RUNTIMES } from './helpers/servers.js';

function onionApp() {
  const order: string[] = [];
  const app = createApp({ logger: recordingLogger() });
  app.use(async (c, next) => {
    order.push('app>');
    await next();
    order.push('<app');
    c.header('x-after', `status ${c.statusCode}`);
  });
  const group = app.group('/g', {
    middleware: [
      async (_c, next) => {
        order.push('group>');
        await next();
        order.push('<group');
      },
    ],
  });
  const routeMiddleware = async (_c: unknown, next: () => Promise<void>) => {
    order.push('route>');
    await next();
    order.push('<route');
  };
  group.get('/x', { middleware: [routeMiddleware] }, () => {
    order.push('handler');
    return { ok: true };
  });
  group.get('/guarded', {
    middleware: [
      (c, next) => {
        order.push('guard');
        if (c.req.headers.get('authorization') !== 'Bearer good') return void c.reply(401, { error: 'who are you' });
        return next();
      },
    ],
  }, () => {
    order.push('never');
    return 'secret';
  });
  group.get('/thrown', { middleware: [() => { throw new Forbidden('not you'); }] }, () => 'never');
  group.get('/forgot', { middleware: [() => {}] }, () => 'never');
  return { app, order };
}

describe.each(RUNTIMES)('wirecore/app middleware and hooks (%s)', (runtime) => {
  it('runs middleware as an onion: app, group, route, handler, and back out', async () => {
    const { app, order } = onionApp();
    const server = await serveApp(runtime, app);
    const res = await fetch(`${server.url}/g/x`);
    expect(await res.json()).toEqual({ ok: true });
    expect(order).toEqual(['app>', 'group>', 'route>', 'handler', '<route', '<group', '<app']);
    // What the outer middleware sets after next() is on the answer.
    expect(res.headers.get('x-after')).toBe('status 200');
  });

  it('lets a middleware short-circuit with a reply or a throw', async () => {
    const { app, order } = onionApp();
    const server = await serveApp(runtime, app);
    const denied = await fetch(`${server.url}/g/guarded`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: 'who are you' });
    const allowed = await fetch(`${server.url}/g/guarded`, { headers: { authorization: 'Bearer good' } });
    expect(await allowed.text()).toBe('secret');
    expect(order.filter((o) => o === 'never' || o === 'guard')).toEqual(['guard', 'guard', 'never']);
    const thrown = await fetch(`${server.url}/g/thrown`);
    expect(thrown.status).toBe(403);
    expect((await thrown.json()).detail).toBe('not you');
  });

  it('answers 500 and logs when a middleware neither calls next() nor replies', async () => {
    const log = recordingLogger();
    const app = createApp({ logger: log });
    app.get('/forgot', { middleware: [() => {}] }, () => 'never');
    const server = await serveApp(runtime, app);
    expect((await fetch(`${server.url}/forgot`)).status).toBe(500);
    expect(log.entries).toHaveLength(1);
    expect(String((log.entries[0]!.fields.err as Error).message)).toMatch(/GET \/forgot returned without calling next\(\) or replying/);
  });

  it('runs the hooks in order, onResponse with the Written figures', async () => {
    const seen: string[] = [];
    let written: Written | undefined;
    const app = createApp({ logger: recordingLogger() });
    app.addHook('onRequest', (c) => void seen.push(`onRequest body=${String(c.body)}`));
    app.addHook('preHandler', (c) => void seen.push(`preHandler body=${JSON.stringify(c.body)}`));
    app.addHook('onSend', (c, payload) => {
      seen.push(`onSend ${String(payload)}`);
      c.header('x-length', String(typeof payload === 'string' ? payload.length : -1));
      return typeof payload === 'string' ? payload.toUpperCase() : payload;
    });
    app.addHook('onResponse', (_c, w) => {
      seen.push('onResponse');
      written = w;
    });
    app.post('/echo', { schema: { body: Type.Object({ n: Type.Integer() }) } }, (c) => {
      seen.push('handler');
      return { n: c.body.n };
    });
    const server = await serveApp(runtime, app);
    const res = await fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":5}' });
    expect(await res.text()).toBe('{"N":5}');
    expect(res.headers.get('x-length')).toBe('7');
    expect(seen).toEqual(['onRequest body=undefined', 'preHandler body={"n":5}', 'handler', 'onSend {"n":5}', 'onResponse']);
    expect(written).toMatchObject({ status: 200, bodyBytes: 7, outcome: 'complete' });
    expect(written!.headerBytes).toBeGreaterThan(0);
    expect(written!.timeToFirstByteMs).toBeGreaterThanOrEqual(0);
    expect(written!.timeToLastByteMs).toBeGreaterThanOrEqual(written!.timeToFirstByteMs);
  });

  it('runs app-wide hooks for 404 and 405 answers too, and lets onRequest short-circuit', async () => {
    const statuses: number[] = [];
    const app = createApp({ logger: recordingLogger() });
    app.addHook('onResponse', (_c, w) => void statuses.push(w.status));
    app.addHook('onRequest', (c) => {
      if (c.req.path === '/maintenance') c.reply(503, { down: true });
    });
    app.get('/here', () => 'here');
    const server = await serveApp(runtime, app);
    await (await fetch(`${server.url}/missing`)).text();
    await (await fetch(`${server.url}/here`, { method: 'PUT' })).text();
    const down = await fetch(`${server.url}/maintenance`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ down: true });
    expect(statuses).toEqual([404, 405, 503]);
  });

  it('answers HttpError subclasses with their status, headers and problem body', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/401', () => {
      throw new Unauthorized('token expired', { headers: { 'www-authenticate': 'Bearer' } });
    });
    app.get('/409', () => {
      throw new Conflict('name taken', { type: 'https://example.com/problems/name-taken', extensions: { name: 'ada' } });
    });
    app.get('/422', () => {
      throw new UnprocessableEntity();
    });
    app.get('/429', () => {
      throw new TooManyRequests('slow down', { retryAfterSeconds: 30 });
    });
    app.get('/405', () => {
      throw new MethodNotAllowed(['GET', 'POST']);
    });
    app.get('/503', () => {
      throw new HttpError(503, 'database is down, password=hunter2');
    });
    const server = await serveApp(runtime, app);
    const unauthorized = await fetch(`${server.url}/401`);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
    expect(await unauthorized.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'token expired', instance: '/401' });
    expect(await (await fetch(`${server.url}/409`)).json()).toEqual({ type: 'https://example.com/problems/name-taken', title: 'Conflict', status: 409, detail: 'name taken', instance: '/409', name: 'ada' });
    expect((await fetch(`${server.url}/422`)).status).toBe(422);
    expect((await fetch(`${server.url}/429`)).headers.get('retry-after')).toBe('30');
    expect((await fetch(`${server.url}/405`)).headers.get('allow')).toBe('GET, POST');
    const unavailable = await fetch(`${server.url}/503`);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).not.toContain('hunter2');
  });

  it('answers an unknown throw with 500, no stack on the wire, one log line with the request id', async () => {
    const log = recordingLogger();
    const app = createApp({ logger: log });
    app.get('/boom', () => {
      throw new Error('secret detail');
    });
    const server = await serveApp(runtime, app);
    const res = await fetch(`${server.url}/boom`, { headers: { 'x-request-id': 'req-abc-123' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret detail');
    expect(text).not.toContain('at ');
    expect(JSON.parse(text)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/boom', requestId: 'req-abc-123' });
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ level: 'error', message: 'request failed', fields: { reqId: 'req-abc-123', method: 'GET', url: '/boom' } });
    expect((log.entries[0]!.fields.err as Error).message).toBe('secret detail');
  });

  it('lets a custom error handler answer, scoped to its app or group, with onError hooks before it', async () => {
    const log = recordingLogger();
    const observed: string[] = [];
    const app = createApp({ logger: log });
    app.addHook('onError', (_c, error) => void observed.push((error as Error).message));
    app.setErrorHandler((error, c) => c.reply(418, { teapot: (error as Error).message }));
    const strict = app.group('/strict');
    strict.setErrorHandler(() => {
      throw new Error('the handler itself failed');
    });
    app.get('/a', () => {
      throw new Error('plain');
    });
    strict.get('/b', () => {
      throw new Error('inner');
    });
    const server = await serveApp(runtime, app);
    const a = await fetch(`${server.url}/a`);
    expect(a.status).toBe(418);
    expect(await a.json()).toEqual({ teapot: 'plain' });
    const b = await fetch(`${server.url}/strict/b`);
    expect(b.status).toBe(500);
    expect(observed).toEqual(['plain', 'inner']);
    expect(log.entries.map((e) => (e.fields.err as Error).message)).toEqual(['the handler itself failed']);
  });

  it('honours a sane x-request-id, generates one otherwise, and can echo it', async () => {
    const app = createApp({ logger: recordingLogger(), exposeRequestId: true });
    app.get('/id', (c) => ({ id: c.requestId }));
    const server = await serveApp(runtime, app);
    const given = await fetch(`${server.url}/id`, { headers: { 'x-request-id': 'abc-123' } });
    expect(await given.json()).toEqual({ id: 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const generated = await (await fetch(`${server.url}/id`)).json();
    const again = await (await fetch(`${server.url}/id`)).json();
    expect(generated.id).toMatch(/^[\w-]+-[0-9a-z]+$/);
    expect(again.id).not.toBe(generated.id);
    const insane = await (await fetch(`${server.url}/id`, { headers: { 'x-request-id': 'has space' } })).json();
    expect(insane.id).not.toBe('has space');
  });

  it('gives handlers a logger that stamps the request id (pino child or a plain logger)', async () => {
    const lines: Array<{ fields: object; message?: string }> = [];
    const plain: AppLogger = { error: () => {}, warn: () => {}, debug: () => {}, info: (fields, message) => void lines.push({ fields, message }) };
    const app = createApp({ logger: plain });
    app.get('/log', (c) => {
      c.log.info({ step: 1 }, 'working');
      return 'ok';
    });
    const server = await serveApp(runtime, app);
    await (await fetch(`${server.url}/log`, { headers: { 'x-request-id': 'r-1' } })).text();
    expect(lines).toEqual([{ fields: { reqId: 'r-1', step: 1 }, message: 'working' }]);
  });
});
