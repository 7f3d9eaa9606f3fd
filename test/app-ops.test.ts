// Running behind a load balancer: /healthz and /readyz (readiness false as
// soon as a graceful close begins), and /metrics in the Prometheus text
// format, scraped and parsed, fed by every answer's Written figures.
import { describe, expect, it } from 'vitest';
import { Counter, Registry } from 'prom-client';
import { Type, Unauthorized, createApp } from 'wirecore/app';
import { loadPromClient } from '../adapters/app/metrics.js';
import { recordingLogger, serveApp } from './helpers/app.js';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser of the exposition format (0.0.4): HELP/TYPE lines, then name{labels} value. */
function parseMetrics(text: string): { samples: Sample[]; types: Record<string, string> } {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types[type[1]!] = type[2]!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe.each(RUNTIMES)('health probes on %s', (runtime) => {
  it('answers /healthz and /readyz outside the app middleware, and turns readiness off when close begins', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.use(async (c, next) => {
      if (c.req.headers.get('authorization') === undefined) throw new Unauthorized();
      await next();
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    app.get('/slow', async () => {
      entered();
      await held;
      return 'done';
    });
    app.health();
    const server = await serveApp(runtime, app);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${server.url}/slow`)).status).toBe(401);

    const slow = fetch(`${server.url}/slow`, { headers: { authorization: 'x' } }).then((r) => r.text());
    await inside;
    const closing = server.close({ graceMs: 5000 });
    expect(server.closing).toBe(true);
    const draining = await app.inject({ url: '/readyz' });
    expect(draining.status).toBe(503);
    expect(draining.json()).toMatchObject({ detail: 'Draining: the server is closing' });
    expect((await app.inject({ url: '/healthz' })).status).toBe(200);
    release();
    expect(await slow).toBe('done');
    await closing;
  });
});

describe('readiness checks', () => {
  it('asks the check function', async () => {
    let up = false;
    const app = createApp({ logger: recordingLogger() }).health({ live: '/live', ready: '/ready', check: async () => up });
    expect((await app.inject({ url: '/ready' })).status).toBe(503);
    up = true;
    expect((await app.inject({ url: '/ready' })).status).toBe(200);
    expect((await app.inject({ url: '/live' })).status).toBe(200);
    expect(app.openapi({ title: 't', version: '1' }).paths).toEqual({});
  });
});

describe.each(RUNTIMES)('metrics on %s', (runtime) => {
  it('counts answers by route template, method and status, with durations, bytes, aborted and errored answers', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/users/:id', { schema: { params: Type.Object({ id: Type.Integer() }) } }, (c) => ({ id: c.params.id }));
    app.get('/stream', async function* (c) {
      for (let i = 0; !c.res.aborted; i++) {
        yield `chunk ${i}\n`;
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    app.get('/broken', async function* () {
      yield 'partial';
      throw new Error('broken after the head');
    });
    app.metrics();
    const server = await serveApp(runtime, app);
    await fetch(`${server.url}/users/1`);
    await fetch(`${server.url}/users/2`);
    await fetch(`${server.url}/users/abc`);
    await fetch(`${server.url}/nope`);
    await fetch(`${server.url}/broken`).then((r) => r.text()).catch(() => 'dropped');
    const controller = new AbortController();
    const streaming = await fetch(`${server.url}/stream`, { signal: controller.signal });
    const reader = streaming.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => {});
    // A message refused before any request was built.
    await rawRequest(server.port, 'GET /users/1 HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n');

    let parsed = parseMetrics('');
    await expect
      .poll(async () => {
        const scrape = await fetch(`${server.url}/metrics`);
        expect(scrape.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
        parsed = parseMetrics(await scrape.text());
        return value(parsed.samples, 'http_server_responses_aborted_total', { route: '/stream' });
      })
      .toBe(1);
    const { samples, types } = parsed;
    expect(types).toMatchObject({
      http_server_request_duration_seconds: 'histogram',
      http_server_response_body_bytes_total: 'counter',
      http_server_response_header_bytes_total: 'counter',
      http_server_responses_aborted_total: 'counter',
      http_server_responses_errored_total: 'counter',
    });
    // Answers are counted by the histogram's _count, by method, route template and status.
    const answers = 'http_server_request_duration_seconds_count';
    expect(value(samples, answers, { method: 'GET', route: '/users/:id', status: '200' })).toBe(2);
    expect(value(samples, answers, { route: '/users/:id', status: '400' })).toBe(1);
    expect(value(samples, answers, { route: '(unmatched)', status: '404' })).toBe(1);
    expect(value(samples, 'http_server_response_body_bytes_total', { route: '/users/:id', status: '200' })).toBe('{"id":1}'.length * 2);
    expect(value(samples, 'http_server_response_header_bytes_total', { route: '/users/:id', status: '200' })).toBeGreaterThan(0);
    expect(value(samples, 'http_server_responses_errored_total', { route: '/broken' })).toBe(1);
    expect(value(samples, answers, { route: '(refused)', method: 'other', status: '400' })).toBe(1);
    // The histogram of one route and status: cumulative buckets, +Inf equal to the count.
    const buckets = samples.filter((s) => s.name === 'http_server_request_duration_seconds_bucket' && s.labels.route === '/users/:id' && s.labels.status === '200');
    expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(buckets.at(-1)!.value).toBe(2);
    expect(value(samples, 'http_server_request_duration_seconds_sum', { route: '/users/:id', status: '200' })).toBeGreaterThan(0);
  });
});

describe('metrics through prom-client', () => {
  it("serves the user's own prom-client metrics from the registry they pass, beside wirecore's", async () => {
    const registry = new Registry();
    const jobs = new Counter({ name: 'jobs_done_total', help: 'Jobs done.', registers: [registry] });
    const app = createApp({ logger: recordingLogger() });
    app.post('/jobs', () => (jobs.inc(), { ok: true }));
    app.metrics({ registry, prefix: 'api_' });
    await app.inject({ method: 'POST', url: '/jobs' });
    await app.inject({ method: 'POST', url: '/jobs' });
    const scrape = await app.inject({ url: '/metrics' });
    expect(scrape.headers.get('content-type')).toBe(registry.contentType);
    const { samples, types } = parseMetrics(scrape.text());
    expect(value(samples, 'jobs_done_total', {})).toBe(2);
    expect(types.api_request_duration_seconds).toBe('histogram');
    expect(value(samples, 'api_request_duration_seconds_count', { method: 'POST', route: '/jobs', status: '200' })).toBe(2);
    // A second app in the same registry under the same names is a clear error, not a silent merge.
    expect(() => createApp().metrics({ registry, prefix: 'api_' })).toThrow(/could not register in the registry.*another prefix/);
  });

  it('names prom-client when it is not installed', () => {
    expect(() => loadPromClient('prom-client-not-installed')).toThrow('wirecore/app: metrics() needs the package prom-client (an optional peer dependency): npm install prom-client');
  });
});
