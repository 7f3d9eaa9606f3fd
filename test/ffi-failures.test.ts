// Every way wirecore/ffi can be misused or a library can misbehave has a
// clear answer: a start-up error naming the problem, or a 500 (or a closed
// connection, once the head is out) with a log line, and the library's
// release / state_free still called exactly once.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveNative, toDispatch, type NativeDispatch, type NativeOptions } from 'wirecore/ffi';
import { compileC, sharedLibraryName } from '../examples/ffi/build.js';
import { loadKoffi } from '../adapters/ffi/koffi-loader.js';
import { buildExample, recordingLogger, until, type ExampleLibrary } from './helpers/ffi.js';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ffi');
let lib: ExampleLibrary;
let wrongAbi: string;
let noAbi: string;
const open: NativeDispatch[] = [];

beforeAll(() => {
  lib = buildExample();
  const dir = dirname(lib.path);
  wrongAbi = compileC([join(fixtures, 'wrong_abi.c')], join(dir, sharedLibraryName('wrong_abi')));
  noAbi = compileC([join(fixtures, 'no_abi.c')], join(dir, sharedLibraryName('no_abi')));
});

afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  lib.remove();
});

describe('start-up errors', () => {
  it('names koffi when it is not installed', async () => {
    await expect(loadKoffi('koffi-is-not-installed')).rejects.toThrow(/needs the "koffi" package .*npm install koffi@3/);
  });

  it('names a library that does not exist', async () => {
    await expect(toDispatch({ library: '/nowhere/libmissing.so', symbol: 'hello' })).rejects.toThrow('wirecore/ffi: library /nowhere/libmissing.so does not exist');
  });

  it('names a file that is not a loadable library', async () => {
    const notALibrary = join(dirname(lib.path), 'not-a-library.so');
    writeFileSync(notALibrary, 'plain text');
    await expect(toDispatch({ library: notALibrary, symbol: 'hello' })).rejects.toThrow(`wirecore/ffi: cannot load library ${notALibrary}`);
  });

  it('names a symbol the library does not export', async () => {
    await expect(toDispatch({ library: lib.path, routes: { '/': 'hello', '/x': 'no_such_handler' } })).rejects.toThrow(`wirecore/ffi: symbol "no_such_handler" not found in ${lib.path}`);
  });

  it('refuses a library built for another ABI version', async () => {
    await expect(toDispatch({ library: wrongAbi, symbol: 'hello' })).rejects.toThrow(/built for ABI version 99; this wirecore\/ffi speaks version 1/);
  });

  it('refuses a library that does not declare its ABI version', async () => {
    await expect(toDispatch({ library: noAbi, symbol: 'hello' })).rejects.toThrow(/does not export wirecore_ffi_abi_version\(\).*WIRECORE_FFI_DECLARE_ABI/);
  });

  it('serveNative fails before listening', async () => {
    await expect(serveNative({ library: '/nowhere/libmissing.so', symbol: 'hello' })).rejects.toThrow(/does not exist/);
  });

  it.each<[string, Partial<NativeOptions>, RegExp]>([
    ['symbol and routes', { symbol: 'hello', routes: { '/': 'hello' } }, /options\.symbol .* or options\.routes .*, not both/],
    ['neither symbol nor routes', {}, /options\.symbol .* or options\.routes/],
    ['an unknown mode', { symbol: 'hello', mode: 'turbo' as 'inline' }, /options\.mode must be 'inline' or 'pooled', got "turbo"/],
    ['a timeout on an inline route', { routes: { '/': { symbol: 'hello', timeoutMs: 10 } } }, /options\.routes\["\/"\]\.timeoutMs needs mode 'pooled'/],
    ['a timeout with no pooled route', { symbol: 'hello', timeoutMs: 10 }, /options\.timeoutMs applies to pooled routes/],
    ['no threads', { symbol: 'hello', threads: 0 }, /options\.threads must be an integer from 1 to 256, got 0/],
    ['a route without a leading slash', { routes: { hello: 'hello' } }, /route "hello" must start with "\/" or be "\*"/],
    ['a symbol that is not a C name', { symbol: 'hello world' }, /options\.symbol must be the name of an exported C function/],
    ['an unknown route option', { routes: { '/': { symbol: 'hello', threads: 2 } as never } }, /options\.routes\["\/"\] has an unknown option "threads"/],
  ])('rejects %s', async (_what, options, message) => {
    await expect(toDispatch({ library: lib.path, ...options })).rejects.toThrow(message);
  });
});

const broken = { '/bad-status': 'bad_status', '/null-body': 'null_body', '/fails': 'fails', '/bad-header': 'bad_header', '/stream-fails': 'stream_fails', '/null-chunk': 'null_chunk', '/hello': 'hello' };

describe.each(RUNTIMES)('invalid answers on %s', (runtime) => {
  describe.each(['inline', 'pooled'] as const)('%s', (mode) => {
    let dispatch: NativeDispatch;
    beforeAll(async () => {
      dispatch = await toDispatch({ library: lib.path, mode, threads: 2, routes: broken });
      open.push(dispatch);
    });

    async function answer(path: string) {
      const log = recordingLogger();
      const server = await start(runtime, null, dispatch, { logger: log.logger });
      const result = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: ffi\r\n\r\n`, { responses: 1, timeoutMs: 3000 });
      return { result, log };
    }

    it.each([
      ['/bad-status', /answered an invalid response: status 999 is not in 200\.\.599/, 1, 0],
      ['/null-body', /answered an invalid response: body is NULL with length 5/, 1, 0],
      ['/fails', /handler "fails" \(GET \/fails\) returned -7/, 1, 1],
      ['/bad-header', /Invalid characters in response header x-split/, 0, 0],
    ] as const)('%s: 500, a log line, and release / state_free still called', async (path, logged, releases, stateFrees) => {
      const before = { releases: lib.releases(), stateFrees: lib.stateFrees(), live: lib.live() };
      const { result, log } = await answer(path);
      expect(result.responses[0]!.status).toBe(500);
      expect(result.responses[0]!.body.toString()).toBe('Internal Server Error\n');
      await until(() => log.errors.length > 0, 'the log line');
      expect(log.errors.join('\n')).toMatch(logged);
      expect(lib.releases() - before.releases).toBe(releases);
      expect(lib.stateFrees() - before.stateFrees).toBe(stateFrees);
      expect(lib.live()).toBe(before.live);
    });

    it.each([
      ['/stream-fails', /the stream of handler "stream_fails" \(GET \/stream-fails\) reported -2; the connection closes/],
      ['/null-chunk', /the stream of handler "null_chunk" \(GET \/null-chunk\) sent an invalid chunk: chunk is NULL with length 3/],
    ] as const)('%s: after the head, the connection closes; a log line; the state is freed', async (path, logged) => {
      const before = { stateFrees: lib.stateFrees(), live: lib.live() };
      const log = recordingLogger();
      const server = await start(runtime, null, dispatch, { logger: log.logger });
      const result = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: ffi\r\n\r\n`, { timeoutMs: 3000 });
      expect(result.closed).toBe(true);
      expect(result.responses).toHaveLength(0);
      // res.abort() flushes what was written before it closes: the head reaches the client on every runtime.
      expect(result.raw.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      await until(() => log.errors.length > 0, 'the log line');
      expect(log.errors.join('\n')).toMatch(logged);
      await until(() => lib.stateFrees() === before.stateFrees + 1, 'the state to be freed');
      expect(lib.live()).toBe(before.live);
    });
  });
});
