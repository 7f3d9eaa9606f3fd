// wirecore/ffi answers from the C example library (compiled here with gcc):
// every kind of answer, on every runtime, inline and pooled.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDispatch, type NativeDispatch, type NativeMode } from 'wirecore/ffi';
import { RouteTable } from '../adapters/ffi/routes.js';
import { supports } from '../parity/divergences.js';
import { buildExample, until, type ExampleLibrary } from './helpers/ffi.js';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

let lib: ExampleLibrary;
const dispatches = new Map<NativeMode, NativeDispatch>();

beforeAll(async () => {
  lib = buildExample();
  for (const mode of ['inline', 'pooled'] as const) {
    dispatches.set(
      mode,
      await toDispatch({
        library: lib.path,
        mode,
        threads: 2,
        routes: { '/hello': 'hello', '/echo': 'echo', '/json': 'json', '/count': 'counter', '/headers': 'headers', '/empty': 'empty', '/status': 'status', '/c/*': 'parity' },
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all([...dispatches.values()].map((d) => d.close()));
  lib.remove();
});

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: ffi\r\n${extra}\r\n`;

/** Header values by name (case-insensitive), every occurrence in order. */
function values(headers: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) out.push(headers[i + 1]!);
  return out;
}

describe.each(RUNTIMES)('wirecore/ffi on %s', (runtime) => {
  describe.each(['inline', 'pooled'] as const)('%s', (mode) => {
    const serve = () => start(runtime, null, dispatches.get(mode)!);

    it('answers a whole body with its content type', async () => {
      const server = await serve();
      const { responses } = await rawRequest(server.port, get('/hello'), { responses: 1 });
      expect(responses[0]!.status).toBe(200);
      expect(responses[0]!.body.toString()).toBe('ok');
      expect(header(responses[0]!, 'content-type')).toBe('text/plain');
      expect(header(responses[0]!, 'content-length')).toBe('2');
      expect(responses[0]!.chunked).toBe(false);
    });

    it('echoes a binary body without a copy in C, with headers the library built', async () => {
      const server = await serve();
      const body = Buffer.alloc(300 * 1024);
      for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
      const head = `POST /echo HTTP/1.1\r\nHost: ffi\r\nContent-Type: application/x-test\r\nContent-Length: ${body.length}\r\n\r\n`;
      const { responses } = await rawRequest(server.port, [Buffer.concat([Buffer.from(head), body])], { responses: 1 });
      const r = responses[0]!;
      expect(r.status).toBe(200);
      expect(r.body.equals(body)).toBe(true);
      expect(header(r, 'content-type')).toBe('application/x-test');
      expect(header(r, 'x-method')).toBe('POST');
      expect(header(r, 'x-request-id')).toMatch(/^[1-9]\d*$/);
    });

    it('answers JSON the library built per request, then releases it', async () => {
      const server = await serve();
      const releases = lib.releases();
      const { responses } = await rawRequest(server.port, get('/json?a=1', 'X-One: 1\r\n'), { responses: 1 });
      expect(header(responses[0]!, 'content-type')).toBe('application/json');
      expect(JSON.parse(responses[0]!.body.toString())).toMatchObject({ method: 'GET', path: '/json', headers: 2 });
      await until(() => lib.releases() === releases + 1, 'the JSON body to be released');
    });

    it('sends extra headers (two Set-Cookie kept apart) and the status the library chose', async () => {
      const server = await serve();
      const { responses } = await rawRequest(server.port, get('/headers'), { responses: 1 });
      const r = responses[0]!;
      expect(r.status).toBe(201);
      expect(values(r.headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
      expect(header(r, 'x-native')).toBe('yes');
      expect(header(r, 'cache-control')).toBe('no-store');
      expect(header(r, 'content-type')).toBe('text/plain; charset=utf-8');
      expect(r.body.toString()).toBe('with headers\n');
    });

    it('answers an empty body with Content-Length 0 and no content type', async () => {
      const server = await serve();
      const { responses } = await rawRequest(server.port, get('/empty'), { responses: 1 });
      expect(responses[0]!.status).toBe(200);
      expect(header(responses[0]!, 'content-length')).toBe('0');
      expect(header(responses[0]!, 'content-type')).toBeUndefined();
      expect(responses[0]!.body.length).toBe(0);
    });

    it('streams an iterator as chunks and frees its state once', async () => {
      const server = await serve();
      const frees = lib.stateFrees();
      const { responses } = await rawRequest(server.port, get('/count?n=5'), { responses: 1 });
      const r = responses[0]!;
      expect(r.status).toBe(200);
      expect(r.chunked).toBe(true);
      expect(header(r, 'content-type')).toBe('text/plain');
      expect(r.body.toString()).toBe('1\n2\n3\n4\n5\n');
      await until(() => lib.stateFrees() === frees + 1, 'the counter state to be freed');
    });

    it('answers HEAD without a body, whole or streamed, and never iterates for it', async () => {
      const server = await serve();
      const whole = await rawRequest(server.port, 'HEAD /hello HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1, headRequests: [0] });
      expect(whole.responses[0]!.status).toBe(200);
      expect(header(whole.responses[0]!, 'content-length')).toBe('2');
      expect(whole.responses[0]!.body.length).toBe(0);

      const calls = lib.counterCalls();
      const frees = lib.stateFrees();
      const streamed = await rawRequest(server.port, 'HEAD /count?n=3 HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1, headRequests: [0] });
      expect(streamed.responses[0]!.status).toBe(200);
      expect(streamed.responses[0]!.body.length).toBe(0);
      await until(() => lib.stateFrees() === frees + 1, 'the HEAD stream state to be freed');
      expect(lib.counterCalls()).toBe(calls);
    });

    it('routes by path only and hands C the method as sent: HEAD as "HEAD" (its body dropped), DELETE, OPTIONS', async () => {
      const server = await serve();
      for (const method of ['HEAD', 'DELETE', 'OPTIONS', 'GET']) {
        const head = method === 'HEAD';
        const { responses } = await rawRequest(server.port, `${method} /echo HTTP/1.1\r\nHost: ffi\r\nContent-Length: 0\r\n\r\n`, { responses: 1, headRequests: head ? [0] : [] });
        expect(responses[0]!.status).toBe(200);
        expect(header(responses[0]!, 'x-method')).toBe(method);
      }
      // The JSON answer names the method C saw; for HEAD its length goes out, its bytes do not.
      const get = await rawRequest(server.port, 'GET /json HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1 });
      const head = await rawRequest(server.port, 'HEAD /json HTTP/1.1\r\nHost: ffi\r\n\r\n', { responses: 1, headRequests: [0] });
      expect(head.responses[0]!.body.length).toBe(0);
      const seenByGet = get.responses[0]!.body.toString();
      const id = Number(/"id":(\d+)/.exec(seenByGet)![1]);
      const seenByHead = seenByGet.replace(`"id":${id}`, `"id":${id + 1}`).replace('"method":"GET"', '"method":"HEAD"');
      expect(Number(header(head.responses[0]!, 'content-length'))).toBe(seenByHead.length);
    });

    it.each([204, 304])('answers %i with neither body nor length', async (status) => {
      const server = await serve();
      // A request pipelined behind it shows no stray body bytes; uWS closes on a request pipelined
      // behind a pending answer (parity/divergences.ts: async-pipelining), so it gets its own connection there.
      const follow = runtime === 'uws' && mode === 'pooled' ? [] : [get('/hello')];
      const { responses } = await rawRequest(server.port, [get(`/status?code=${status}`) + follow.join('')], { responses: 1 + follow.length });
      expect(responses[0]!.status).toBe(status);
      expect(responses[0]!.body.length).toBe(0);
      expect(header(responses[0]!, 'content-length')).toBeUndefined();
      if (follow.length > 0) expect(responses[1]!.body.toString()).toBe('ok');
    });

    it('hands C the request as received: method, target, query, version, header fields in wire order, body', async () => {
      const server = await serve();
      const body = 'é body \u0001';
      const request = `PUT /c/wire/echo?x=1&y=%20 HTTP/1.1\r\nHost: ffi\r\nX-B: 2\r\nx-a: 1\r\nX-B: 3\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
      const { responses } = await rawRequest(server.port, request, { responses: 1 });
      const seen = JSON.parse(responses[0]!.body.toString('utf8')) as Record<string, unknown>;
      const names = (pairs: Array<[string, string]>) => (runtime === 'uws' ? pairs.map(([n, v]) => [n.toLowerCase(), v]) : pairs);
      expect(seen).toMatchObject({ method: 'PUT', target: '/c/wire/echo?x=1&y=%20', version: '1.1', body, bodyLength: body.length, trailers: null });
      expect(seen.headers).toEqual(names([['Host', 'ffi'], ['X-B', '2'], ['x-a', '1'], ['X-B', '3'], ['Content-Length', String(body.length)]]));
      expect(seen.bodySha256).toBe(createHash('sha256').update(Buffer.from(body, 'latin1')).digest('hex'));
    });

    it('hands C a chunked body whole, with its trailer fields', async () => {
      const server = await serve();
      const request = 'POST /c/chunks/echo HTTP/1.1\r\nHost: ffi\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n';
      const { responses } = await rawRequest(server.port, request, { responses: 1 });
      // uws refuses chunked request bodies before any handler runs (parity/divergences.ts: chunked-request-body).
      if (!supports(runtime, 'chunked-request-body')) {
        expect(responses[0]!.status).toBe(411);
        return;
      }
      const seen = JSON.parse(responses[0]!.body.toString('utf8')) as Record<string, unknown>;
      expect(seen.body).toBe('hello world');
      expect(seen.trailers).toEqual([['X-Sum', '11']]);
    });

    it('answers 404 for a path no route serves', async () => {
      const server = await serve();
      const { responses } = await rawRequest(server.port, get('/nowhere'), { responses: 1 });
      expect(responses[0]!.status).toBe(404);
    });
  });
});

describe('route keys', () => {
  it('match exact paths first, then patterns in the order given, then "*"', () => {
    const table = new RouteTable([{ key: '/files/*' }, { key: '/c/*/slow' }, { key: '/c/x/slow' }, { key: '/a.b' }, { key: '*' }]);
    const keyOf = (path: string) => table.match(path)?.key;
    expect(keyOf('/c/x/slow')).toBe('/c/x/slow');
    expect(keyOf('/c/y/slow')).toBe('/c/*/slow');
    expect(keyOf('/c/y/z/slow')).toBe('*');
    expect(keyOf('/files/')).toBe('/files/*');
    expect(keyOf('/files/a/b.txt')).toBe('/files/*');
    expect(keyOf('/files')).toBe('*');
    expect(keyOf('/a.b')).toBe('/a.b');
    expect(keyOf('/aXb')).toBe('*');
  });

  it('leave a path without a route when there is no "*"', () => {
    const table = new RouteTable([{ key: '/x' }, { key: '/y/*' }]);
    expect(table.match('/z')).toBeUndefined();
    expect(table.single).toBeUndefined();
  });
});
