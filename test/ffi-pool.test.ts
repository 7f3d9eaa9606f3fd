// Pooled mode: native calls that block do so on pool threads, never on the
// event loop; a call over its route's timeout is answered 503 while its thread
// finishes, and what it returns is still freed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResponses } from 'wirecore/testing';
import { toDispatch, type NativeDispatch } from 'wirecore/ffi';
import { buildExample, recordingLogger, until, type ExampleLibrary } from './helpers/ffi.js';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

let lib: ExampleLibrary;
const open: NativeDispatch[] = [];

beforeAll(() => {
  lib = buildExample();
});

afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  lib.remove();
});

async function dispatch(...args: Parameters<typeof toDispatch>): Promise<NativeDispatch> {
  const d = await toDispatch(...args);
  open.push(d);
  return d;
}

/** One keep-alive connection sending requests one after another. */
function keepAlive(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let buffered = Buffer.alloc(0);
  let waiting: ((status: number) => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const parsed = parseResponses(buffered);
    if (parsed.responses.length > 0 && !parsed.incomplete && waiting) {
      buffered = Buffer.alloc(0);
      const done = waiting;
      waiting = null;
      done(parsed.responses[0]!.status);
    }
  });
  return {
    get(path: string): Promise<number> {
      return new Promise((resolve) => {
        waiting = resolve;
        socket.write(`GET ${path} HTTP/1.1\r\nHost: ffi\r\n\r\n`);
      });
    },
    close: () => socket.destroy(),
  };
}

/** The longest gap between 1 ms timer ticks while it runs: how long the event loop was blocked. */
function loopWatch() {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    return longest;
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe.each(RUNTIMES)('pooled native calls on %s', (runtime) => {
  it('keeps a fast route answering within 5 ms while 50 ms native calls keep the pool busy', async () => {
    const d = await dispatch({ library: lib.path, threads: 2, routes: { '/hello': 'hello', '/slow': { symbol: 'slow', mode: 'pooled' } } });
    const server = await start(runtime, null, d);
    let running = true;
    let slowAnswers = 0;
    // Four clients for two threads: the pool is never idle and calls queue.
    const load = Array.from({ length: 4 }, async () => {
      const client = keepAlive(server.port);
      while (running) if ((await client.get('/slow?ms=50')) === 200) slowAnswers++;
      client.close();
    });
    const fast = keepAlive(server.port);
    // Warm up (JIT, pool threads) and let the load reach its steady state before measuring.
    for (let i = 0; i < 20; i++) await fast.get('/hello');
    await until(() => slowAnswers >= 4, 'the slow load to run');
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      expect(await fast.get('/hello')).toBe(200);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    running = false;
    await Promise.all(load);
    fast.close();
    expect(slowAnswers).toBeGreaterThanOrEqual(8);
    expect(percentile(latencies, 90)).toBeLessThan(5);
    // None waited for a 50 ms call.
    expect(Math.max(...latencies)).toBeLessThan(45);
  });
});

describe('inline versus pooled', () => {
  it.each([
    ['inline', true],
    ['pooled', false],
  ] as const)('a 200 ms native call in %s mode blocks the event loop: %s', async (mode, blocks) => {
    const d = await dispatch({ library: lib.path, symbol: 'slow', mode });
    const server = await start('net', null, d);
    const stalls = loopWatch();
    const { responses } = await rawRequest(server.port, 'GET /slow?ms=200 HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
    const longestStall = stalls();
    expect(responses[0]!.status).toBe(200);
    // Inline, the loop stops for the whole call; pooled, never for anything near it.
    if (blocks) expect(longestStall).toBeGreaterThanOrEqual(190);
    else expect(longestStall).toBeLessThan(100);
  });

  it('runs at most `threads` pooled calls at once', async () => {
    const d = await dispatch({ library: lib.path, symbol: 'slow', mode: 'pooled', threads: 2 });
    const server = await start('net', null, d);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 4 }, () => rawRequest(server.port, 'GET /slow?ms=60 HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 })));
    expect(answers.map((a) => a.responses[0]!.status)).toEqual([200, 200, 200, 200]);
    // Two rounds of two calls.
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe.each(RUNTIMES)('pooled timeouts on %s', (runtime) => {
  it('answers 503 when a call takes longer than timeoutMs, and frees its result when the thread finishes', async () => {
    const log = recordingLogger();
    const d = await dispatch({ library: lib.path, logger: log.logger, threads: 2, routes: { '/slow': { symbol: 'slow', mode: 'pooled', timeoutMs: 30 }, '/hello': 'hello' } });
    const server = await start(runtime, null, d);
    const releases = lib.releases();
    const live = lib.live();
    const started = performance.now();
    const { responses } = await rawRequest(server.port, 'GET /slow?ms=250 HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
    expect(responses[0]!.status).toBe(503);
    expect(responses[0]!.body.toString()).toBe('Service Unavailable\n');
    expect(performance.now() - started).toBeLessThan(200);
    expect(log.warnings.join('\n')).toMatch(/handler "slow" \(GET \/slow\?ms=250\) took longer than 30 ms: answered 503/);
    // The thread is still in the call; the server answers meanwhile.
    expect(lib.releases()).toBe(releases);
    expect((await rawRequest(server.port, 'GET /hello HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 })).responses[0]!.status).toBe(200);
    await until(() => lib.releases() === releases + 1, 'the late answer to be released');
    expect(lib.live()).toBe(live);
  });

  it('closes a stream whose next call takes longer than timeoutMs, and frees the state once it returns', async () => {
    const log = recordingLogger();
    const d = await dispatch({ library: lib.path, threads: 2, routes: { '/count': { symbol: 'counter', mode: 'pooled', timeoutMs: 30 } } });
    const server = await start(runtime, null, d, { logger: log.logger });
    const frees = lib.stateFrees();
    const live = lib.live();
    const result = await rawRequest(server.port, 'GET /count?n=3&ms=150 HTTP/1.1\r\nHost: ffi\r\n\r\n');
    expect(result.closed).toBe(true);
    expect(result.responses).toHaveLength(0);
    expect(result.raw.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(log.errors.join('\n')).toMatch(/took longer than 30 ms for one chunk/);
    await until(() => lib.stateFrees() === frees + 1, 'the state to be freed after the late next');
    expect(lib.live()).toBe(live);
  });
});
