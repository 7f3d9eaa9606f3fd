// options.tracing under each consumer, with the real OpenTelemetry SDK: the
// span is named by the consumer's route template (wirecore/app's router,
// wirecore/ssr's page table, wirecore/ffi's routes, Hono through
// wirecore/fetch's honoRoute), and a user span inside a handler is its child.
import { trace } from '@opentelemetry/api';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGeneric, type Server } from 'wirecore';
import { Type, createApp } from 'wirecore/app';
import { toDispatch, type NativeDispatch } from 'wirecore/ffi';
import { honoRoute, serveFetch, setRoute } from 'wirecore/fetch';
import { dispatchSite, loadSite, tryPrerendered, type BuildResult } from 'wirecore/ssr';
import { recordingLogger, serveApp } from './helpers/app.js';
import { buildExample, type ExampleLibrary } from './helpers/ffi.js';
import { registerOtel } from './helpers/otel.js';
import { RUNTIMES, start } from './helpers/servers.js';
import { FIXTURE_SITE, buildFixture, recordingLogger as siteLogger } from './helpers/ssr.js';

const otel = registerOtel();
const quiet = { error: () => {}, warn: () => {} };
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function userSpan(): void {
  trace.getTracer('user').startActiveSpan('user work', (span) => span.end());
}

async function expectNested(): Promise<void> {
  const [server] = await otel.serverSpans(1);
  const user = otel.spans().find((s) => s.name === 'user work');
  expect(server!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  expect(user?.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
}

const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

describe.each(RUNTIMES)('wirecore/fetch with Hono on %s', (runtime) => {
  let server: Server;
  beforeAll(async () => {
    const hono = new Hono();
    hono.use(honoRoute());
    hono.get('/users/:id', async (c) => {
      await new Promise((resolve) => setImmediate(resolve));
      userSpan();
      return c.text(`user ${c.req.param('id')}`);
    });
    hono.get('/files/*', (c) => {
      // Named from the handler: the template the app chooses.
      setRoute(c.req.raw, '/files/{path}');
      return c.text('file');
    });
    server = await serveFetch(hono.fetch, { runtime, port: 0, logger: quiet, tracing: true });
    closing.push(() => server.close({ graceMs: 100 }));
  });

  it("names the span from Hono's route path, and a handler's span nests under it", async () => {
    expect(await (await fetch(`${server.url}/users/7`, { headers: { traceparent: TRACEPARENT } })).text()).toBe('user 7');
    const [span] = await otel.serverSpans(1);
    expect(span!.name).toBe('GET /users/:id');
    expect(span!.attributes).toMatchObject({ 'http.route': '/users/:id', 'url.path': '/users/7', 'http.response.status_code': 200 });
    await expectNested();
  });

  it('takes the template a handler sets, and names no route for a 404', async () => {
    await fetch(`${server.url}/files/a/b.txt`).then((r) => r.text());
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    const spans = await otel.serverSpans(2);
    expect(spans.map((s) => s.name).sort()).toEqual(['GET', 'GET /files/{path}']);
    expect(spans.find((s) => s.name === 'GET')!.attributes['http.route']).toBeUndefined();
  });
});

describe.each(RUNTIMES)('wirecore/app on %s', (runtime) => {
  it("names the span from the app's route template", async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/users/:id', { schema: { params: Type.Object({ id: Type.Integer() }) } }, (c) => {
      userSpan();
      return { id: c.params.id };
    });
    const server = await serveApp(runtime, app, { tracing: true });
    expect(await (await fetch(`${server.url}/users/5`, { headers: { traceparent: TRACEPARENT } })).json()).toEqual({ id: 5 });
    expect((await fetch(`${server.url}/users/x`)).status).toBe(400);
    expect((await fetch(`${server.url}/none`)).status).toBe(404);
    const spans = await otel.serverSpans(3);
    const byPath = (path: string) => spans.find((s) => s.attributes['url.path'] === path)!;
    expect(byPath('/users/5').name).toBe('GET /users/:id');
    expect(byPath('/users/5').attributes['http.route']).toBe('/users/:id');
    expect(byPath('/users/x').attributes).toMatchObject({ 'http.route': '/users/:id', 'http.response.status_code': 400 });
    expect(byPath('/none').name).toBe('GET');
    const user = otel.spans().find((s) => s.name === 'user work');
    expect(user?.parentSpanContext?.spanId).toBe(byPath('/users/5').spanContext().spanId);
  });
});

describe('wirecore/ssr', () => {
  let built: BuildResult;
  beforeAll(async () => {
    built = await buildFixture('preact');
  });

  it.each(RUNTIMES)("names the span from the page's route pattern on %s; a prerendered page is a static hit", async (runtime) => {
    const site = await loadSite({ root: FIXTURE_SITE, outDir: built.outDir, logger: siteLogger() });
    const server = await serveGeneric(site, dispatchSite, { runtime, port: 0, tryStatic: tryPrerendered, logger: quiet, tracing: true });
    closing.push(async () => (site.close(), server.close({ graceMs: 100 })));
    expect((await fetch(`${server.url}/blog/hello`)).status).toBe(200);
    expect((await fetch(`${server.url}/posts/1`)).status).toBe(200);
    const spans = await otel.serverSpans(2);
    const blog = spans.find((s) => s.attributes['url.path'] === '/blog/hello')!;
    expect(blog.name).toBe('GET /blog/[slug]');
    expect(blog.attributes['http.route']).toBe('/blog/[slug]');
    const prerendered = spans.find((s) => s.attributes['url.path'] === '/posts/1')!;
    expect(prerendered.attributes['http.response.status_code']).toBe(200);
  });
});

describe('wirecore/ffi', () => {
  let lib: ExampleLibrary;
  let native: NativeDispatch;
  beforeAll(async () => {
    lib = buildExample();
    native = await toDispatch({ library: lib.path, mode: 'inline', routes: { '/hello': 'hello', '/c/*': 'parity' } });
  });
  afterAll(async () => {
    await native.close();
    lib.remove();
  });

  it('names the span from the route key', async () => {
    const server = await start('net', null, native, { tracing: true });
    expect((await fetch(`${server.url}/hello`)).status).toBe(200);
    await fetch(`${server.url}/c/anything`).then((r) => r.text());
    const spans = await otel.serverSpans(2);
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /c/*', 'GET /hello']);
  });
});
