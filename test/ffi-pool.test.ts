// Pooled mode: native calls that block do so on pool threads, never on the
// event loop; a call over its route's timeout is answered 503 while its thread
// finishes, and what it returns is still freed. Calls are held in C by the
// example's gate, so each claim is an order of events, not a time bound.
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

const GATED = 'GET /gated HTTP/1.1\r\nHost: ffi\r\n\r\n';

describe.each(RUNTIMES)('pooled native calls on %s', (runtime) => {
  // The meaning of "within a few ms" without a clock: every answer of the fast route arrives while
  // both pool threads are held inside C and two more calls wait in the queue (the latency figures
  // are bench rows: bench/suites/ffi.ts, scenario ffi-busy-pool).
  it('answers a fast inline route while every pool thread is held in a call and more calls queue', async () => {
    const d = await dispatch({ library: lib.path, threads: 2, routes: { '/hello': 'hello', '/gated': { symbol: 'gated', mode: 'pooled' } } });
    const server = await start(runtime, null, d);
    lib.gate.close();
    try {
      let answered = 0;
      const held = Array.from({ length: 4 }, () => rawRequest(server.port, GATED, { responses: 1 }).then((r) => (answered++, r)));
      await until(() => lib.gate.waiting() === 2 && server.stats.inFlight === 4, 'two calls held in C and two queued');
      const fast = keepAlive(server.port);
      for (let i = 0; i < 20; i++) expect(await fast.get('/hello')).toBe(200);
      fast.close();
      expect(answered).toBe(0);
      expect(lib.gate.waiting()).toBe(2);
      lib.gate.open();
      expect((await Promise.all(held)).map((r) => r.responses[0]!.status)).toEqual([200, 200, 200, 200]);
    } finally {
      lib.gate.open();
    }
  });
});

describe('inline versus pooled', () => {
  it('a 200 ms native call in inline mode blocks the event loop for the whole call', async () => {
    const d = await dispatch({ library: lib.path, symbol: 'slow', mode: 'inline' });
    const server = await start('net', null, d);
    const stalls = loopWatch();
    const { responses } = await rawRequest(server.port, 'GET /slow?ms=200 HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
    const longestStall = stalls();
    expect(responses[0]!.status).toBe(200);
    // A lower bound only: the loop cannot turn while C sleeps on it (pooled: the test below).
    expect(longestStall).toBeGreaterThanOrEqual(190);
  });

  it('keeps the event loop turning while a pooled call is held in C', async () => {
    const d = await dispatch({ library: lib.path, routes: { '/gated': { symbol: 'gated', mode: 'pooled' }, '/hello': 'hello' } });
    const server = await start('net', null, d);
    lib.gate.close();
    try {
      const held = rawRequest(server.port, GATED, { responses: 1 });
      await until(() => lib.gate.waiting() === 1, 'the call to be in C');
      // Timers fire and other requests are answered with the call still running.
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect((await rawRequest(server.port, 'GET /hello HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 })).responses[0]!.status).toBe(200);
      expect(lib.gate.waiting()).toBe(1);
      lib.gate.open();
      expect((await held).responses[0]!.body.toString()).toBe('opened\n');
    } finally {
      lib.gate.open();
    }
  });

  it('runs at most `threads` pooled calls at once', async () => {
    const d = await dispatch({ library: lib.path, routes: { '/gated': { symbol: 'gated', mode: 'pooled' }, '/hello': 'hello' }, threads: 2 });
    const server = await start('net', null, d);
    lib.gate.close();
    try {
      const answers = Array.from({ length: 4 }, () => rawRequest(server.port, GATED, { responses: 1 }));
      await until(() => server.stats.inFlight === 4 && lib.gate.waiting() === 2, 'four calls dispatched, two of them in C');
      // Round trips on the loop give a third thread every chance to start one; none does.
      for (let i = 0; i < 5; i++) await rawRequest(server.port, 'GET /hello HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
      expect(lib.gate.waiting()).toBe(2);
      lib.gate.open();
      expect((await Promise.all(answers)).map((a) => a.responses[0]!.status)).toEqual([200, 200, 200, 200]);
    } finally {
      lib.gate.open();
    }
  });
});

describe.each(RUNTIMES)('pooled timeouts on %s', (runtime) => {
  it('answers 503 when a call takes longer than timeoutMs, and frees its result when the thread finishes', async () => {
    const log = recordingLogger();
    const d = await dispatch({ library: lib.path, logger: log.logger, threads: 2, routes: { '/slow': { symbol: 'gated', mode: 'pooled', timeoutMs: 30 }, '/hello': 'hello' } });
    const server = await start(runtime, null, d);
    const releases = lib.releases();
    const live = lib.live();
    lib.gate.close();
    try {
      // The call is held in C until the gate opens: the 503 can only come from the timeout.
      const { responses } = await rawRequest(server.port, 'GET /slow HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
      expect(responses[0]!.status).toBe(503);
      expect(responses[0]!.body.toString()).toBe('Service Unavailable\n');
      expect(log.warnings.join('\n')).toMatch(/handler "gated" \(GET \/slow\) took longer than 30 ms: answered 503/);
      // The thread is still in the call; the server answers meanwhile.
      expect(lib.gate.waiting()).toBe(1);
      expect(lib.releases()).toBe(releases);
      expect((await rawRequest(server.port, 'GET /hello HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 })).responses[0]!.status).toBe(200);
    } finally {
      lib.gate.open();
    }
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
