// options.tracing with the real OpenTelemetry SDK, on every runtime, with a
// raw dispatch: one SERVER span per request with the HTTP semantic
// conventions' attributes, a trace joined from traceparent and continued by
// a user span inside the handler, error spans, spans for static hits and
// refused messages, and the http.server.request.duration histogram.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { connect } from 'node:net';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createStatic, OptionError, toFetchHandler, WireError, type DispatchFn } from 'wirecore';
import { exchangeBytes } from 'wirecore/testing';
import { DURATION_BUCKETS, loadTracing } from '../src/runtime/tracing.js';
import { createOtel, metricPoints, registerOtel } from './helpers/otel.js';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const otel = registerOtel();
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

const dispatch: DispatchFn<null> = async (_ctx, req, res) => {
  if (req.path.startsWith('/things/')) req.route = '/things/:id';
  if (req.path === '/boom') throw new Error('boom');
  if (req.path === '/unavailable') throw new WireError(503, 'down for a moment');
  if (req.path === '/missing') return res.send({ status: 404, body: 'no' });
  if (req.path === '/nested') {
    // After an await: the server span is still the active one.
    await new Promise((resolve) => setImmediate(resolve));
    trace.getTracer('user').startActiveSpan('user work', (span) => span.end());
  }
  if (req.path === '/hang') {
    // Answers only once the client has gone.
    await new Promise((resolve) => req.signal.addEventListener('abort', resolve));
    return res.send({ status: 200, body: 'too late' });
  }
  if (req.path === '/stream') {
    res.startChunked(200);
    await res.writeChunk('a');
    await new Promise((resolve) => setImmediate(resolve));
    await res.writeChunk('b');
    return res.endChunked();
  }
  return res.send({ status: 200, body: `hello ${req.path}` });
};

describe.each(RUNTIMES)('tracing on %s', (runtime) => {
  it('makes one SERVER span per request with the HTTP attributes and wirecore figures', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    const res = await fetch(`${server.url}/things/42?color=red`, { headers: { 'user-agent': 'otel-test/1' } });
    expect(await res.text()).toBe('hello /things/42');
    await fetch(`${server.url}/plain`).then((r) => r.text());
    const [span, plain] = await otel.serverSpans(2);
    expect(span!.name).toBe('GET /things/:id');
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/things/42',
      'url.query': 'color=red',
      'url.scheme': 'http',
      'http.route': '/things/:id',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'client.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'user_agent.original': 'otel-test/1',
      'http.response.body.size': 'hello /things/42'.length,
      'wirecore.outcome': 'complete',
    });
    expect(span!.attributes['wirecore.time_to_first_byte_ms']).toBeGreaterThanOrEqual(0);
    expect(span!.attributes['wirecore.response.header_bytes']).toBeGreaterThan(0);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.instrumentationScope.name).toBe('wirecore');
    // No route known: the method alone, no http.route, no url.query.
    expect(plain!.name).toBe('GET');
    expect(plain!.attributes['http.route']).toBeUndefined();
    expect(plain!.attributes['url.query']).toBeUndefined();
  });

  it('names the forwarded client behind a trusted proxy, and keeps the socket peer as network.peer.address', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true, trustProxy: ['loopback'] });
    await fetch(`${server.url}/plain`, { headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } }).then((r) => r.text());
    const [span] = await otel.serverSpans(1);
    expect(span!.attributes).toMatchObject({ 'client.address': '203.0.113.9', 'url.scheme': 'https', 'network.peer.address': '127.0.0.1' });
  });

  it('ignores forwarding headers for the span when no proxy is trusted', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    await fetch(`${server.url}/plain`, { headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } }).then((r) => r.text());
    const [span] = await otel.serverSpans(1);
    expect(span!.attributes).toMatchObject({ 'client.address': '127.0.0.1', 'url.scheme': 'http' });
  });

  it('joins the trace of a traceparent header, and a user span inside the handler is its child', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    await fetch(`${server.url}/nested`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } }).then((r) => r.text());
    const [serverSpan] = await otel.serverSpans(1);
    const user = otel.spans().find((s) => s.name === 'user work');
    expect(serverSpan!.spanContext().traceId).toBe(TRACE_ID);
    expect(serverSpan!.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(serverSpan!.parentSpanContext?.isRemote).toBe(true);
    expect(user).toBeDefined();
    expect(user!.spanContext().traceId).toBe(TRACE_ID);
    expect(user!.parentSpanContext?.spanId).toBe(serverSpan!.spanContext().spanId);
  });

  it('marks 5xx answers and thrown errors as errors, with the exception recorded; a 404 is not an error', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    expect((await fetch(`${server.url}/boom`)).status).toBe(500);
    expect((await fetch(`${server.url}/unavailable`)).status).toBe(503);
    expect((await fetch(`${server.url}/missing`)).status).toBe(404);
    const spans = await otel.serverSpans(3);
    const byPath = (path: string) => spans.find((s) => s.attributes['url.path'] === path)!;
    const boom = byPath('/boom');
    expect(boom.status.code).toBe(SpanStatusCode.ERROR);
    expect(boom.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'Error' });
    const exception = boom.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('boom');
    const unavailable = byPath('/unavailable');
    expect(unavailable.status.code).toBe(SpanStatusCode.ERROR);
    expect(unavailable.attributes['http.response.status_code']).toBe(503);
    const missing = byPath('/missing');
    expect(missing.status.code).toBe(SpanStatusCode.UNSET);
    expect(missing.attributes['error.type']).toBeUndefined();
  });

  it('ends a streamed answer\'s span after its last chunk', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    expect(await (await fetch(`${server.url}/stream`)).text()).toBe('ab');
    const [span] = await otel.serverSpans(1);
    expect(span!.attributes['http.response.body.size']).toBe(2);
    expect(span!.attributes['wirecore.outcome']).toBe('complete');
  });

  it('ends the span of a request whose client left before the answer as aborted', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /hang HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect.poll(() => server.stats.inFlight).toBe(1);
    socket.destroy();
    const [span] = await otel.serverSpans(1);
    expect(span!.attributes).toMatchObject({ 'url.path': '/hang', 'wirecore.outcome': 'aborted', 'error.type': 'aborted' });
    expect(span!.attributes['http.response.status_code']).toBeUndefined();
  });

  it('gives a message refused before any request a span of its own', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    const raw = await rawRequest(server.port, 'GET /things/1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    expect(raw.responses[0]!.status).toBe(400);
    const [span] = await otel.serverSpans(1);
    // net's parser refuses it before the method is taken; uws and node-http check the head after their parser read the method.
    expect(span!.name).toBe(runtime === 'net' ? 'HTTP' : 'GET');
    expect(span!.attributes).toMatchObject({ 'http.request.method': runtime === 'net' ? '_OTHER' : 'GET', 'http.response.status_code': 400 });
    expect(typeof span!.attributes['wirecore.refused']).toBe('string');
  });

  it('gives a static hit a span', async () => {
    const hello = createStatic({ status: 200, body: 'static' });
    const server = await start(runtime, null, dispatch, { tracing: true, tryStatic: (_ctx, _method, path) => (path === '/static' ? hello : undefined) });
    expect(await (await fetch(`${server.url}/static`)).text()).toBe('static');
    const [span] = await otel.serverSpans(1);
    expect(span!.attributes).toMatchObject({ 'url.path': '/static', 'http.response.status_code': 200 });
  });

  it('records http.server.request.duration in seconds with the convention\'s buckets', async () => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    await fetch(`${server.url}/things/1`).then((r) => r.text());
    await fetch(`${server.url}/things/2`).then((r) => r.text());
    await fetch(`${server.url}/boom`).then((r) => r.text());
    await otel.serverSpans(3);
    const { descriptors, points } = metricPoints(await otel.collect(), 'http.server.request.duration');
    expect(descriptors[0]).toMatchObject({ unit: 's' });
    const things = points.find((p) => p.attributes['http.route'] === '/things/:id' && p.attributes['http.response.status_code'] === 200);
    expect(things).toBeDefined();
    const value = things!.value as { count: number; sum: number; buckets: { boundaries: number[] } };
    expect(value.count).toBeGreaterThanOrEqual(2);
    expect(value.sum).toBeGreaterThan(0);
    expect(value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(things!.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.scheme': 'http', 'network.protocol.version': '1.1' });
    const failed = points.find((p) => p.attributes['http.response.status_code'] === 500);
    expect(failed?.attributes['error.type']).toBe('Error');
  });
});

describe.each(RUNTIMES)('tracing over TLS on %s', (runtime) => {
  it('says https, and the port from the Host header', async () => {
    const cert = readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url));
    const key = readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url));
    const server = await start(runtime, null, dispatch, { tracing: true, tls: { key, cert } });
    await new Promise<void>((resolve, reject) => {
      https.get(`${server.url}/things/8`, { ca: cert, agent: false, servername: 'localhost', headers: { host: 'api.test' } }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    const [span] = await otel.serverSpans(1);
    expect(span!.attributes).toMatchObject({ 'url.scheme': 'https', 'server.address': 'api.test', 'server.port': 443, 'http.response.status_code': 200 });
  });
});

describe('tracing options', () => {
  it('works on the memory runtime too', async () => {
    const bytes = await exchangeBytes(null, dispatch, Buffer.from('GET /things/7 HTTP/1.1\r\nHost: mem\r\nConnection: close\r\n\r\n'), { tracing: true });
    expect(bytes.toString()).toContain('hello /things/7');
    const [span] = await otel.serverSpans(1);
    expect(span!.name).toBe('GET /things/:id');
    expect(span!.attributes['server.address']).toBe('mem');
    expect(span!.attributes['server.port']).toBe(80);
  });

  it('uses the providers it is given instead of the global ones', async () => {
    const own = createOtel();
    const server = await start('net', null, dispatch, { tracing: { tracerProvider: own.tracerProvider, meterProvider: own.meterProvider } });
    await fetch(`${server.url}/things/3`).then((r) => r.text());
    await expect.poll(() => own.exporter.getFinishedSpans().length).toBe(1);
    expect(own.exporter.getFinishedSpans()[0]!.name).toBe('GET /things/:id');
    expect(otel.spans()).toEqual([]);
    await own.tracerProvider.shutdown();
    await own.meterProvider.shutdown();
  });

  it('refuses a bad tracing option, and names the package when it is missing', async () => {
    await expect(start('net', null, dispatch, { tracing: 'yes' as never })).rejects.toThrow(/options.tracing must be true, false or an object/);
    await expect(start('net', null, dispatch, { tracing: { tracer: {} } as never })).rejects.toThrow(/unknown option 'tracing.tracer'/);
    await expect(start('net', null, dispatch, { tracing: { tracerProvider: {} } as never })).rejects.toThrow(/options.tracing.tracerProvider must be/);
    expect(() => toFetchHandler(null, dispatch, { tracing: true } as never)).toThrow(/options.tracing is not available on toFetchHandler/);
    const missing = loadTracing({}, false, () => {}, '@opentelemetry/api-not-installed');
    await expect(missing).rejects.toBeInstanceOf(OptionError);
    await expect(missing).rejects.toThrow('options.tracing needs the package @opentelemetry/api (an optional peer dependency): npm install @opentelemetry/api');
  });

  it('records nothing and starts no span without the option', async () => {
    const server = await start('net', null, dispatch);
    await fetch(`${server.url}/things/4`).then((r) => r.text());
    expect(otel.spans()).toEqual([]);
  });
});
