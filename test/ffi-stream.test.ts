// Streams from native iterators: `next` waits while the socket pushes back,
// and a client that leaves stops the iteration and frees its state.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDispatch, type NativeDispatch, type NativeMode } from 'wirecore/ffi';
import { buildExample, until, type ExampleLibrary } from './helpers/ffi.js';
import { RUNTIMES, start } from './helpers/servers.js';

let lib: ExampleLibrary;
const dispatches = new Map<NativeMode, NativeDispatch>();

beforeAll(async () => {
  lib = buildExample();
  for (const mode of ['inline', 'pooled'] as const) {
    dispatches.set(mode, await toDispatch({ library: lib.path, mode, threads: 2, routes: { '/count': 'counter', '/empty-chunks': 'empty_chunks', '/hello': 'hello' } }));
  }
});

afterAll(async () => {
  await Promise.all([...dispatches.values()].map((d) => d.close()));
  lib.remove();
});

/** A client that sends one request and reads only when told to. */
function connect(port: number, path: string) {
  const socket = net.connect(port, '127.0.0.1');
  let received = 0;
  let tail = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    tail = Buffer.concat([tail, chunk]).subarray(-64);
  });
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ffi\r\n\r\n`);
  const ended = () => tail.toString('latin1').endsWith('\r\n0\r\n\r\n');
  return { socket, received: () => received, ended };
}

/** Resolves when `read()` has not changed for `quietMs` (checked every 10 ms). */
async function settled(read: () => number, quietMs = 150): Promise<number> {
  let last = read();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return now;
  }
}

describe.each(RUNTIMES)('native streams on %s', (runtime) => {
  describe.each(['inline', 'pooled'] as const)('%s', (mode) => {
    it('does not call next while the socket pushes back, and finishes once the client reads', async () => {
      const server = await start(runtime, null, dispatches.get(mode)!);
      const lines = 4000;
      const size = 8192; // 32 MiB in all: far more than the socket buffers hold
      const calls = lib.counterCalls();
      const frees = lib.stateFrees();
      const client = connect(server.port, `/count?n=${lines}&size=${size}`);
      client.socket.pause();
      const whilePaused = (await settled(() => lib.counterCalls())) - calls;
      expect(whilePaused).toBeGreaterThan(0);
      expect(whilePaused).toBeLessThan(lines / 2);
      client.socket.resume();
      await until(client.ended, 'the whole stream', 10_000);
      expect(client.received()).toBeGreaterThan(lines * size);
      // Every line, then the call that reported the end.
      expect(lib.counterCalls() - calls).toBe(lines + 1);
      await until(() => lib.stateFrees() === frees + 1, 'the state to be freed');
      client.socket.destroy();
    });

    it('stops iterating and frees the state when the client leaves mid-stream', async () => {
      const server = await start(runtime, null, dispatches.get(mode)!);
      const frees = lib.stateFrees();
      const live = lib.live();
      const client = connect(server.port, `/count?n=1000000000&size=1024${mode === 'pooled' ? '&ms=1' : ''}`);
      await until(() => client.received() > 64 * 1024, 'the stream to start');
      client.socket.destroy();
      await until(() => lib.stateFrees() === frees + 1, 'state_free after the client left');
      expect(lib.live()).toBe(live);
      const calls = lib.counterCalls();
      await settled(() => lib.counterCalls(), 50);
      expect(lib.counterCalls()).toBe(calls);
    });

    it('lets the event loop run while an iterator yields only empty chunks, and frees it when the client leaves', async () => {
      const server = await start(runtime, null, dispatches.get(mode)!);
      const frees = lib.stateFrees();
      const client = connect(server.port, '/empty-chunks');
      await until(() => client.received() > 0, 'the head and the first bytes');
      // Another client is answered meanwhile: the iteration does not hold the loop.
      const other = connect(server.port, '/hello');
      await until(() => other.received() > 0, 'an answer to another client');
      other.socket.destroy();
      client.socket.destroy();
      await until(() => lib.stateFrees() === frees + 1, 'state_free after the client left');
    });
  });
});
