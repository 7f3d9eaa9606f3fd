// Refusals over real sockets on every runtime: what must never reach a
// handler (issue 24), and answers that carry each framing field once.
import { describe, expect, it } from 'vitest';
import type { DispatchFn } from 'wirecore';
import { parseResponses } from 'wirecore/testing';
import { supports } from '../parity/divergences.js';
import { KNOWN_HOLES } from '../parity/holes.js';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

/** A handler that records every request it is given. */
function recording(calls: string[]): DispatchFn<unknown> {
  return async (_c, req, res) => {
    calls.push(`${req.method} ${req.target}`);
    await req.body.bytes();
    if (req.path === '/close') return res.send({ headers: { connection: 'close' }, body: 'bye' });
    if (req.path === '/stream-close') {
      res.startChunked(200, { connection: 'close', 'content-type': 'text/plain' });
      await res.writeChunk('abc');
      return res.endChunked();
    }
    return res.send({ body: 'ok' });
  };
}

const utf8Target = (path: string) => Buffer.from(path, 'utf8').toString('latin1');

/** How often a field appears in an answer. */
function count(fields: string[], name: string): number {
  let n = 0;
  for (let i = 0; i < fields.length; i += 2) if (fields[i]!.toLowerCase() === name) n++;
  return n;
}

describe.each(RUNTIMES)('refusals on %s', (runtime) => {
  it.each([
    ['raw UTF-8 (the issue\'s target)', `${utf8Target('/δ¶/δt/pope')}?q=1`],
    ['a byte over 0x7f', '/a\x80b'],
    ['DEL', '/a\x7fb'],
    ['UTF-8 in the query only', `/a?q=${utf8Target('é')}`],
  ])('refuses a request-target with %s before dispatch: 400 and close', async (_what, target) => {
    const calls: string[] = [];
    const server = await start(runtime, null, recording(calls));
    const r = await rawRequest(server.port, `GET ${target} HTTP/1.1\r\nHost: t\r\n\r\n`);
    expect(r.responses.map((x) => x.status)).toEqual([400]);
    expect(r.closed).toBe(true);
    // A request in the same write after it is never read either (uws then loses the 400 too: close-then-pipelined).
    const then = await rawRequest(server.port, `GET ${target} HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n`);
    expect(then.closed).toBe(true);
    if (supports(runtime, 'close-then-pipelined')) expect(then.responses.map((x) => x.status)).toEqual([400]);
    expect(calls).toEqual([]);
  });

  it('takes every visible ASCII character in a target, percent-encoded UTF-8 included', async () => {
    const calls: string[] = [];
    const server = await start(runtime, null, recording(calls));
    const target = "/%CE%B4/a-._~!$&'()*+,;=:@[]{}|^`\"<>\\?q=%C3%A9#frag";
    const r = await rawRequest(server.port, `GET ${target} HTTP/1.1\r\nHost: t\r\n\r\n`, { responses: 1 });
    expect(r.responses[0]!.status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  const emptyName = 'POST /public HTTP/1.1\r\nHost: x\r\n:\r\nContent-Length: 43\r\n\r\nGET /admin-smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
  const hole = KNOWN_HOLES['empty-field-name']!.targets.includes(runtime);
  it(`a field line with an empty name: ${hole ? 'the documented hole (README, PARITY.md): the block is cut and the body becomes a request' : '400, nothing dispatched'}`, async () => {
    const calls: string[] = [];
    const server = await start(runtime, null, recording(calls));
    const r = await rawRequest(server.port, emptyName, hole ? { responses: 2 } : {});
    if (hole) {
      // If this fails, uWS no longer cuts the block: remove the hole from parity/holes.ts and the README.
      expect(calls).toEqual(['POST /public', 'GET /admin-smuggled']);
    } else {
      expect(r.responses.map((x) => x.status)).toEqual([400]);
      expect(calls).toEqual([]);
    }
  });

  const refusesChunked = !supports(runtime, 'chunked-request-body');
  it.each([
    ['two Host fields (400)', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', true],
    [`a chunked POST (${refusesChunked ? '411' : '200'})`, 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', refusesChunked],
    ['a request that asks to close', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', true],
    ['a request that asks to close among other options', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close, te\r\n\r\n', true],
    ['an answer whose handler asks to close', 'GET /close HTTP/1.1\r\nHost: a\r\n\r\n', true],
    ['a streamed answer whose handler asks to close', 'GET /stream-close HTTP/1.1\r\nHost: a\r\n\r\n', true],
  ])('%s: the answer carries each framing field once, and its framing parses', async (_what, bytes, closes) => {
    const server = await start(runtime, null, recording([]));
    const r = await rawRequest(server.port, bytes, { responses: 1, timeoutMs: 3000 });
    const parsed = parseResponses(r.raw, {});
    expect(parsed.error).toBeNull();
    const answer = r.responses[0]!;
    // node:http says keep-alive out loud; the others leave it implied.
    if (closes) expect(header(answer, 'connection')).toBe('close');
    else expect(header(answer, 'connection')).not.toBe('close');
    for (const name of ['connection', 'content-length', 'transfer-encoding']) expect(count(answer.headers, name)).toBeLessThanOrEqual(1);
    if (bytes.startsWith('GET /stream-close')) expect(answer.body.toString()).toBe('abc');
  });
});
