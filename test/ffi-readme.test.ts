// The C code of adapters/ffi/README.md, compiled as written (strict C11,
// warnings as errors) and served: the hello, the stream, the method check
// with HEAD, and the typed destructor behind a wrapper; and the header's
// compiler notes (-std=c11 and POSIX calls, casts of free functions) checked.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDispatch, type NativeDispatch } from 'wirecore/ffi';
import { INCLUDE_DIR, compileC, sharedLibraryName } from '../examples/ffi/build.js';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const README = new URL('../adapters/ffi/README.md', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'wirecore-ffi-readme-'));
let dispatch: NativeDispatch;

/** The README's C blocks that are whole source files (they include the header). */
function sourceBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```c\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.includes('#include "wirecore_ffi.h"'));
}

beforeAll(async () => {
  const blocks = sourceBlocks(readFileSync(README, 'utf8'));
  const files = blocks.map((code, i) => {
    const file = join(dir, `block-${i}.c`);
    writeFileSync(file, code);
    return file;
  });
  const library = compileC(files, join(dir, sharedLibraryName('readme')), ['-Wpedantic', '-Werror']);
  dispatch = await toDispatch({ library, routes: { '/': 'hello', '/count': 'count', '/greeting': 'greeting', '/report': 'report_handler' } });
});

afterAll(async () => {
  await dispatch?.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (method: string, path: string) => `${method} ${path} HTTP/1.1\r\nHost: ffi\r\nContent-Length: 0\r\n\r\n`;

it('has the C blocks this test serves', () => {
  const blocks = sourceBlocks(readFileSync(README, 'utf8'));
  for (const symbol of ['int32_t hello(', 'int32_t count(', 'int32_t greeting(', 'int32_t report_handler(']) expect(blocks.some((b) => b.includes(symbol))).toBe(true);
});

describe.each(RUNTIMES)('the README C code on %s', (runtime) => {
  it('answers the hello and the stream', async () => {
    const server = await start(runtime, null, dispatch);
    expect((await rawRequest(server.port, request('GET', '/'), { responses: 1 })).responses[0]!.body.toString()).toBe('hello from C\n');
    expect((await rawRequest(server.port, request('GET', '/count'), { responses: 1 })).responses[0]!.body.toString()).toBe('1\n2\n3\n4\n5\n');
  });

  it('routes by path only: any method reaches the handler, which answers 405 with Allow itself', async () => {
    const server = await start(runtime, null, dispatch);
    // hello does not look at the method.
    expect((await rawRequest(server.port, request('DELETE', '/'), { responses: 1 })).responses[0]!.body.toString()).toBe('hello from C\n');
    const refused = (await rawRequest(server.port, request('POST', '/greeting'), { responses: 1 })).responses[0]!;
    expect(refused.status).toBe(405);
    expect(header(refused, 'allow')).toBe('GET, HEAD');
    expect((await rawRequest(server.port, request('GET', '/greeting'), { responses: 1 })).responses[0]!.body.toString()).toBe('hello\n');
  });

  it('answers HEAD with the head of the body the handler sets, without the body', async () => {
    const server = await start(runtime, null, dispatch);
    const { responses } = await rawRequest(server.port, 'HEAD /greeting HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1, headRequests: [0] });
    // greeting answers 200 to GET and HEAD only (test/ffi.test.ts shows C sees "HEAD" itself).
    expect(responses[0]!.status).toBe(200);
    expect(header(responses[0]!, 'content-length')).toBe('6');
    expect(responses[0]!.body.length).toBe(0);
  });

  it('frees a typed struct through its wrapper', async () => {
    const server = await start(runtime, null, dispatch);
    const { responses } = await rawRequest(server.port, request('GET', '/report'), { responses: 1 });
    expect(responses[0]!.body.toString()).toMatch(/^request \d+\n$/);
  });
});

describe("what the header says about the compiler, checked with this machine's gcc", () => {
  /** gcc -fsyntax-only on `code`; the diagnostics, or '' when it compiles. */
  function syntax(code: string, flags: string[]): { ok: boolean; output: string } {
    const file = join(dir, `syntax-${Math.random().toString(36).slice(2)}.c`);
    writeFileSync(file, code);
    const run = spawnSync('gcc', [...flags, '-Wall', '-Wextra', '-fsyntax-only', '-I', INCLUDE_DIR, file], { encoding: 'utf8' });
    return { ok: run.status === 0, output: run.stderr };
  }

  const sleeper = `#include <time.h>
#include "wirecore_ffi.h"
WIRECORE_FFI_EXPORT int32_t nap(const wc_request *req, wc_response *res) {
  (void)req; (void)res;
  struct timespec delay = { 0, 1000 };
  return nanosleep(&delay, NULL);
}
`;

  it('-std=c11 hides nanosleep; -std=gnu11 or _POSIX_C_SOURCE shows it', () => {
    const strict = syntax(sleeper, ['-std=c11', '-Werror=implicit-function-declaration']);
    expect(strict.ok).toBe(false);
    expect(strict.output).toMatch(/implicit declaration of function .nanosleep./);
    expect(syntax(sleeper, ['-std=gnu11', '-Werror'])).toEqual({ ok: true, output: '' });
    expect(syntax(`#define _POSIX_C_SOURCE 200809L\n${sleeper}`, ['-std=c11', '-Werror'])).toEqual({ ok: true, output: '' });
  });

  it('a typed destructor is refused as a wc_free_fn, and a cast would hide it (hence the wrapper)', () => {
    const typed = (assign: string) => `#include <stdlib.h>
#include "wirecore_ffi.h"
typedef struct report { int n; } report;
static void report_destroy(report *r) { free(r); }
WIRECORE_FFI_EXPORT int32_t h(const wc_request *req, wc_response *res) {
  (void)req;
  res->release_data = malloc(sizeof(report));
  ${assign};
  return 0;
}
`;
    const direct = syntax(typed('res->release = report_destroy'), ['-std=c11', '-Werror']);
    expect(direct.ok).toBe(false);
    expect(direct.output).toMatch(/incompatible-pointer-types/);
    // The cast compiles without a word: the compiler cannot catch the undefined call it makes.
    expect(syntax(typed('res->release = (wc_free_fn)report_destroy'), ['-std=c11', '-Werror'])).toEqual({ ok: true, output: '' });
  });
});
