// The same hello and streamed counter written in Rust (a cdylib with no
// crates, built with cargo --offline) answer the same checks as the C ones.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDispatch, type NativeDispatch, type NativeMode } from 'wirecore/ffi';
import { buildRust, hasCargo } from '../examples/ffi/build.js';
import { until } from './helpers/ffi.js';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';
import { needTool } from './helpers/system-tool.js';

const CARGO = needTool('cargo', hasCargo(), 'the Rust toolchain: rustup, or Debian\'s cargo');
let dir: string;
let stateFrees: () => number;
let liveStates: () => number;
const dispatches = new Map<NativeMode, NativeDispatch>();

describe.runIf(CARGO)('the Rust example', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirecore-ffi-rust-'));
    const library = buildRust(dir);
    const lib = koffi.load(library);
    const frees = lib.func('rust_state_frees', 'uint64_t', []);
    const live = lib.func('rust_live_states', 'uint64_t', []);
    stateFrees = () => Number(frees());
    liveStates = () => Number(live());
    for (const mode of ['inline', 'pooled'] as const) dispatches.set(mode, await toDispatch({ library, mode, threads: 2, routes: { '/hello': 'hello', '/count': 'counter' } }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...dispatches.values()].map((d) => d.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(RUNTIMES)('on %s', (runtime) => {
    describe.each(['inline', 'pooled'] as const)('%s', (mode) => {
      const serve = () => start(runtime, null, dispatches.get(mode)!);

      it('answers hello whole', async () => {
        const server = await serve();
        const { responses } = await rawRequest(server.port, 'GET /hello HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
        expect(responses[0]!.status).toBe(200);
        expect(responses[0]!.body.toString()).toBe('ok');
        expect(header(responses[0]!, 'content-type')).toBe('text/plain');
        expect(header(responses[0]!, 'content-length')).toBe('2');
      });

      it('streams the counter and frees its Box once', async () => {
        const server = await serve();
        const frees = stateFrees();
        const { responses } = await rawRequest(server.port, 'GET /count?n=4 HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
        expect(responses[0]!.chunked).toBe(true);
        expect(responses[0]!.body.toString()).toBe('1\n2\n3\n4\n');
        await until(() => stateFrees() === frees + 1, 'counter_free');
      });

      it('answers HEAD without a body', async () => {
        const server = await serve();
        const frees = stateFrees();
        const { responses } = await rawRequest(server.port, 'HEAD /count HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1, headRequests: [0] });
        expect(responses[0]!.status).toBe(200);
        expect(responses[0]!.body.length).toBe(0);
        await until(() => stateFrees() === frees + 1, 'counter_free');
      });

      it('frees the state when the client leaves mid-stream', async () => {
        const server = await serve();
        const frees = stateFrees();
        const live = liveStates();
        const socket = net.connect(server.port, '127.0.0.1');
        socket.on('error', () => {});
        let received = 0;
        socket.on('data', (c: Buffer) => (received += c.length));
        socket.write('GET /count?n=100000000 HTTP/1.1\r\nHost: ffi\r\n\r\n');
        await until(() => received > 16 * 1024, 'the stream to start');
        socket.destroy();
        await until(() => stateFrees() === frees + 1, 'counter_free after the client left');
        expect(liveStates()).toBe(live);
      });
    });
  });
});
