// wirecore/fetch on the wire, on every runtime, with the LightResponse that
// serveFetch installs and with the platform Response: what real Hono apps'
// answers carry (Content-Type, Content-Length, framing), HEAD, when a
// stream's head leaves, extension methods and empty request bodies (issue 17).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { streamSSE } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger, RuntimeName } from 'wirecore';
import { installLightResponse, toDispatch } from 'wirecore/fetch';
import { inject, parseResponses } from 'wirecore/testing';
import { supports } from '../parity/divergences.js';
import { header, rawRequest, waitForBytes, type RawResult } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const FILE = 'static file contents\n';
const root = mkdtempSync(join(tmpdir(), 'wirecore-fetch-'));
mkdirSync(join(root, 'static'));
writeFileSync(join(root, 'static', 'file.txt'), FILE);
const GZIPPED = gzipSync(FILE);
writeFileSync(join(root, 'static', 'file.txt.gz'), GZIPPED);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const encoder = new TextEncoder();
/** Past the size LightResponse reads whole: streamed with its length. */
const BIG = new Uint8Array(2 * 1024 * 1024 + 3).map((_, i) => i % 251);

/** A stream of `parts`, each after a timer tick, so the head has left before the body ends. */
function trickle(parts: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 2));
      if (i < parts.length) controller.enqueue(encoder.encode(parts[i++]!));
      else controller.close();
    },
  });
}

function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { open, wait };
}

function recorder(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const describe = (error: unknown): string => (error instanceof Error ? `${error.message} ${describe(error.cause)}` : '');
  return { errors, error: (message, error) => errors.push(`${message} ${describe(error)}`), warn: () => {} };
}

function makeApp() {
  const sseGate = gate();
  const reached: string[] = [];
  const app = new Hono();
  // Item 1 and 3: the Content-Type each body implies, and Content-Length for every body of known length.
  app.get('/text', (c) => c.text('hello'));
  app.get('/text-typed', (c) => c.text('a,b', 200, { 'Content-Type': 'text/csv' }));
  app.get('/json', (c) => c.json({ ok: true }));
  app.get('/response-json', () => Response.json({ ok: true }));
  app.get('/form', () => new Response(new URLSearchParams({ a: '1', b: 'two' })));
  app.get('/formdata', () => {
    const form = new FormData();
    form.set('field', 'value');
    return new Response(form);
  });
  app.get('/blob', (c) => c.body(new Blob(['<svg/>'], { type: 'image/svg+xml' })));
  app.get('/blob-untyped', (c) => c.body(new Blob(['raw blob'])));
  app.get('/bytes', (c) => c.body(new Uint8Array([104, 105])));
  app.get('/big-blob', (c) => c.body(new Blob([BIG])));
  app.get('/arraybuffer', (c) => c.body(new Uint8Array([1, 2, 3]).buffer));
  app.use('/etag/*', etag());
  app.get('/etag/text', (c) => c.text('tagged body'));
  // A header set after next(): Hono re-wraps the finished Response around its body stream.
  app.use('/late/*', async (c, next) => {
    await next();
    c.header('X-Late', 'yes');
  });
  app.get('/late/json', (c) => c.json({ late: true }));
  // Item 2: lengths the app states.
  app.get('/sized', (c) => (c.req.method === 'HEAD' ? c.body(null, 200, { 'Content-Length': '17' }) : c.text('seventeen bytes!!')));
  app.get('/stated-stream', (c) => c.body(trickle(['a', 'bb', 'ccc']), 200, { 'Content-Length': '6' }));
  app.get('/stated-too-long', (c) => c.body(trickle(['a', 'bb', 'ccc']), 200, { 'Content-Length': '3' }));
  app.get('/stated-too-short', (c) => c.body(trickle(['a', 'bb', 'ccc']), 200, { 'Content-Length': '10' }));
  app.get('/stated-wrong-text', (c) => c.text('short', 200, { 'Content-Length': '17' }));
  app.get('/stated-null', (c) => c.body(null, 200, { 'Content-Length': '17' }));
  app.use('/static/*', serveStatic({ root, precompressed: true }));
  app.get('/chunky', (c) => c.body(trickle(['one ', 'two ', 'three'])));
  // Item 4: a stream whose first event waits.
  app.get('/sse-held', (c) =>
    streamSSE(c, async (stream) => {
      await sseGate.wait;
      await stream.writeSSE({ data: 'first' });
    }),
  );
  // Item 5: extension methods.
  app.on(['PURGE', 'MKCOL', 'REPORT'], '/dav', (c) => {
    reached.push(c.req.method);
    return c.text(`${c.req.method} ok`);
  });
  app.on('TRACE', '/trace', (c) => c.text(`${c.req.raw.body === null} ${c.req.raw.method}`));
  // Item 6: what request.body is.
  app.on(['POST', 'DELETE'], '/body-kind', async (c) => {
    const body = c.req.raw.body;
    if (body === null) return c.text('null');
    let size = 0;
    for await (const chunk of body) size += chunk.byteLength;
    return c.text(`stream of ${size} bytes`);
  });
  app.get('/body-kind', (c) => c.text(c.req.raw.body === null ? 'null' : 'stream'));
  app.post('/cancel', async (c) => {
    await c.req.raw.body!.cancel();
    return c.text('cancelled');
  });
  return { app, sseGate, reached };
}

type Mode = 'LightResponse' | 'platform Response';
const CASES: Array<[Mode, RuntimeName]> = (['LightResponse', 'platform Response'] as const).flatMap((mode) => RUNTIMES.map((runtime): [Mode, RuntimeName] => [mode, runtime]));

function request(method: string, path: string, extra = '', body = ''): string {
  return `${method} ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n${body}`;
}

async function one(port: number, method: string, path: string, extra = '', body = ''): Promise<RawResult['responses'][number]> {
  const result = await rawRequest(port, request(method, path, extra, body), { responses: 1, headRequests: method === 'HEAD' ? [0] : [] });
  expect(result.parseError).toBeNull();
  expect(result.responses).toHaveLength(1);
  return result.responses[0]!;
}

/** Every value of a field, names compared case-insensitively. */
function all(response: RawResult['responses'][number], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < response.headers.length; i += 2) if (response.headers[i]!.toLowerCase() === name) values.push(response.headers[i + 1]!);
  return values;
}

describe.each(CASES)('wirecore/fetch with the %s (%s)', (mode, runtime) => {
  let undo: () => void = () => {};
  beforeAll(() => {
    if (mode === 'LightResponse') undo = installLightResponse();
  });
  afterAll(() => undo());

  async function serve(logger?: Logger) {
    const parts = makeApp();
    const server = await start(runtime, null, toDispatch(parts.app.fetch), logger ? { logger } : {});
    return { ...parts, port: server.port };
  }

  describe('1: the Content-Type a body implies', () => {
    it.each([
      ['/text', 'text/plain;charset=UTF-8', 'hello'],
      ['/text-typed', 'text/csv', 'a,b'],
      ['/json', 'application/json', '{"ok":true}'],
      ['/response-json', 'application/json', '{"ok":true}'],
      ['/form', 'application/x-www-form-urlencoded;charset=UTF-8', 'a=1&b=two'],
      ['/blob', 'image/svg+xml', '<svg/>'],
    ])('GET %s: Content-Type %s, once', async (path, type, body) => {
      const { port } = await serve();
      const r = await one(port, 'GET', path);
      expect(r.status).toBe(200);
      expect(all(r, 'content-type')).toEqual([type]);
      expect(r.body.toString()).toBe(body);
    });

    it('GET /formdata: multipart/form-data with its boundary, and Content-Length', async () => {
      const { port } = await serve();
      const r = await one(port, 'GET', '/formdata');
      const type = all(r, 'content-type');
      expect(type).toHaveLength(1);
      const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(type[0]!)?.[1];
      expect(boundary).toBeDefined();
      expect([r.chunked, header(r, 'content-length')]).toEqual([false, String(r.body.length)]);
      expect(r.body.toString()).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n--${boundary}--`);
    });

    it.each(['/bytes', '/arraybuffer', '/blob-untyped'])('GET %s: no Content-Type, as the Response has none', async (path) => {
      const { port } = await serve();
      const r = await one(port, 'GET', path);
      expect(r.status).toBe(200);
      expect(all(r, 'content-type')).toEqual([]);
    });
  });

  describe('3: a body of known length goes out with Content-Length, not chunked', () => {
    it.each([
      ['/text', 5],
      ['/json', 11],
      ['/form', 9],
      ['/blob', 6],
      ['/blob-untyped', 8],
      ['/bytes', 2],
      ['/arraybuffer', 3],
      ['/late/json', 13],
    ])('GET %s', async (path, length) => {
      const { port } = await serve();
      const r = await one(port, 'GET', path);
      expect(r.chunked).toBe(false);
      expect(all(r, 'content-length')).toEqual([String(length)]);
      expect(r.body.length).toBe(length);
      if (path === '/late/json') expect(header(r, 'x-late')).toBe('yes');
    });

    it('a Blob of 2 MiB goes out with its length, whole', async () => {
      const { port } = await serve();
      const r = await one(port, 'GET', '/big-blob');
      expect([r.chunked, header(r, 'content-length')]).toEqual([false, String(BIG.length)]);
      expect(r.body.equals(BIG)).toBe(true);
    });

    it('a Response the ETag middleware cloned keeps its length; a matching If-None-Match gets 304', async () => {
      const { port } = await serve();
      const r = await one(port, 'GET', '/etag/text');
      expect(r.chunked).toBe(false);
      expect(header(r, 'content-length')).toBe('11');
      expect(r.body.toString()).toBe('tagged body');
      const tag = header(r, 'etag')!;
      expect(tag).toMatch(/^"[0-9a-f]+"$/);
      const cached = await one(port, 'GET', '/etag/text', `If-None-Match: ${tag}\r\n`);
      expect(cached.status).toBe(304);
      expect(cached.body.length).toBe(0);
      expect(header(cached, 'etag')).toBe(tag);
    });

    it('a stream the app writes over time stays chunked', async () => {
      const { port } = await serve();
      const r = await one(port, 'GET', '/chunky');
      expect(r.chunked).toBe(true);
      expect(header(r, 'content-length')).toBeUndefined();
      expect(r.body.toString()).toBe('one two three');
    });
  });

  describe('2: a Content-Length the app states', () => {
    it('HEAD with a null body sends the stated length as it is', async () => {
      const { port } = await serve();
      const r = await one(port, 'HEAD', '/sized');
      expect(r.status).toBe(200);
      expect(all(r, 'content-length')).toEqual(['17']);
      expect(r.chunked).toBe(false);
      expect(r.body.length).toBe(0);
    });

    it('a stream with a stated length goes out with it, not chunked', async () => {
      const { port } = await serve();
      const r = await one(port, 'GET', '/stated-stream');
      expect(r.chunked).toBe(false);
      expect(all(r, 'content-length')).toEqual(['6']);
      expect(r.body.toString()).toBe('abbccc');
    });

    it('serve-static: a file, its HEAD, a Range (206), an unsatisfiable Range (416), a precompressed file', async () => {
      const { port } = await serve();
      const whole = await one(port, 'GET', '/static/file.txt');
      expect(whole.status).toBe(200);
      expect([whole.chunked, header(whole, 'content-length'), whole.body.toString()]).toEqual([false, String(FILE.length), FILE]);
      const head = await one(port, 'HEAD', '/static/file.txt');
      expect([head.status, header(head, 'content-length'), head.body.length]).toEqual([200, String(FILE.length), 0]);
      const range = await one(port, 'GET', '/static/file.txt', 'Range: bytes=2-7\r\n');
      expect(range.status).toBe(206);
      expect([range.chunked, header(range, 'content-length'), header(range, 'content-range'), range.body.toString()]).toEqual([false, '6', `bytes 2-7/${FILE.length}`, FILE.slice(2, 8)]);
      const unsatisfiable = await one(port, 'GET', '/static/file.txt', 'Range: bytes=100-\r\n');
      expect([unsatisfiable.status, header(unsatisfiable, 'content-range'), header(unsatisfiable, 'content-length')]).toEqual([416, `bytes */${FILE.length}`, '0']);
      const gzipped = await one(port, 'GET', '/static/file.txt', 'Accept-Encoding: gzip\r\n');
      expect([gzipped.chunked, header(gzipped, 'content-encoding'), header(gzipped, 'content-length')]).toEqual([false, 'gzip', String(GZIPPED.length)]);
      expect(gzipped.body.equals(GZIPPED)).toBe(true);
    });

    it.each([
      ['/stated-too-long', 'longer', '3', 'a'],
      ['/stated-too-short', 'shorter', '10', 'abbccc'],
    ])('GET %s: a stream %s than its stated length drops the connection short of it, and the error is logged', async (path, _how, stated, sent) => {
      const logger = recorder();
      const { port } = await serve(logger);
      const r = await rawRequest(port, request('GET', path));
      expect(r.closed).toBe(true);
      // No whole answer: the client cannot take a wrong body for the right one.
      expect(r.responses).toHaveLength(0);
      const raw = r.raw.toString('latin1');
      expect(raw).toMatch(new RegExp(`content-length: ${stated}\\r\\n`, 'i'));
      expect(raw.endsWith(`\r\n\r\n${sent}`)).toBe(true);
      await waitForBytes(() => Buffer.from(logger.errors.join('\n')), (b) => b.includes(`states Content-Length: ${stated}`));
    });

    it.each(['/stated-wrong-text', '/stated-null'])('GET %s: bytes that do not match the stated length are a 500 and a log line', async (path) => {
      const logger = recorder();
      const { port } = await serve(logger);
      const r = await one(port, 'GET', path);
      expect(r.status).toBe(500);
      expect(logger.errors.join('\n')).toContain('states Content-Length: 17');
    });
  });

  describe('HEAD', () => {
    it('HEAD of a GET answer (Hono runs GET, then new Response(null, answer)) has no body and the connection goes on', async () => {
      const { port } = await serve();
      const r = await one(port, 'HEAD', '/json');
      expect([r.status, header(r, 'content-type'), r.body.length]).toEqual([200, 'application/json', 0]);
      // The LightResponse carries the GET answer's length; the platform Response cannot.
      if (mode === 'LightResponse') expect(header(r, 'content-length')).toBe('11');
      else expect(header(r, 'content-length')).toBeUndefined();
      const next = await one(port, 'GET', '/text');
      expect(next.body.toString()).toBe('hello');
    });
  });

  describe('4: the head of a stream leaves when the app returns the Response', () => {
    if (supports(runtime, 'stream-head-delay')) {
      it('an SSE client gets 200 and its head before the first event', async () => {
        const { port, sseGate } = await serve();
        const socketBytes: Buffer[] = [];
        const socket = net.connect(port, '127.0.0.1');
        socket.on('data', (chunk) => socketBytes.push(chunk));
        socket.write(request('GET', '/sse-held'));
        await waitForBytes(() => Buffer.concat(socketBytes), (b) => b.includes('\r\n\r\n'));
        const head = Buffer.concat(socketBytes).toString('latin1');
        expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(head).toMatch(/content-type: text\/event-stream\r\n/i);
        expect(head).toMatch(/transfer-encoding: chunked\r\n/i);
        expect(head.endsWith('\r\n\r\n')).toBe(true);
        sseGate.open();
        await waitForBytes(() => Buffer.concat(socketBytes), (b) => b.includes('0\r\n\r\n'));
        socket.destroy();
        const parsed = parseResponses(Buffer.concat(socketBytes));
        expect(parsed.responses.map((r) => r.body.toString())).toEqual(['data: first\n\n']);
      });
    } else {
      it('uws: the status line and fields leave at once, the end of the head only with the first event (stream-head-delay)', async () => {
        const { port, sseGate } = await serve();
        const socketBytes: Buffer[] = [];
        const socket = net.connect(port, '127.0.0.1');
        socket.on('data', (chunk) => socketBytes.push(chunk));
        socket.write(request('GET', '/sse-held'));
        await waitForBytes(() => Buffer.concat(socketBytes), (b) => b.includes('text/event-stream\r\n'));
        // A full round trip on another connection: uWS has had its turn to flush anything it would.
        expect((await one(port, 'GET', '/text')).body.toString()).toBe('hello');
        expect(Buffer.concat(socketBytes).includes('\r\n\r\n')).toBe(false);
        sseGate.open();
        await waitForBytes(() => Buffer.concat(socketBytes), (b) => b.includes('data: first'));
        expect(Buffer.concat(socketBytes).toString('latin1')).toMatch(/transfer-encoding: chunked\r\n\r\nd\r\ndata: first\n\n\r\n/i);
        socket.destroy();
      });
    }
  });

  describe('5: extension methods', () => {
    it.each(['PURGE', 'MKCOL', 'REPORT'])('%s', async (method) => {
      const { port, reached } = await serve();
      if (supports(runtime, 'extension-methods')) {
        const r = await one(port, method, '/dav');
        expect([r.status, r.body.toString()]).toEqual([200, `${method} ok`]);
        expect(reached).toEqual([method]);
      } else {
        // uWS closes without an answer, before wirecore sees the request (extension-methods).
        const r = await rawRequest(port, request(method, '/dav'));
        expect([r.closed, r.raw.length]).toEqual([true, 0]);
        expect(reached).toEqual([]);
      }
    });

    it('a lower-case method never reaches the app: 501 on net and node-http, a closed connection on uws', async () => {
      const { port, reached } = await serve();
      const r = await rawRequest(port, request('purge', '/dav'));
      expect(r.closed).toBe(true);
      if (runtime === 'uws') expect(r.raw.length).toBe(0);
      else expect(r.responses.map((x) => x.status)).toEqual([501]);
      expect(reached).toEqual([]);
    });

    it('TRACE reaches the app; its Request is usable (no body) and says TRACE', async () => {
      const { port } = await serve();
      const r = await one(port, 'TRACE', '/trace');
      expect([r.status, r.body.toString()]).toEqual([200, 'true TRACE']);
    });
  });

  describe('6: request.body', () => {
    it.each([
      ['POST with Content-Length: 0', 'POST', 'Content-Length: 0\r\n', '', 'stream of 0 bytes'],
      ['POST without a body', 'POST', '', '', 'stream of 0 bytes'],
      ['DELETE without a body', 'DELETE', '', '', 'stream of 0 bytes'],
      ['POST with 3 bytes', 'POST', 'Content-Length: 3\r\n', 'abc', 'stream of 3 bytes'],
      ['GET', 'GET', '', '', 'null'],
    ])('%s: %s', async (_name, method, extra, body, expected) => {
      const { port } = await serve();
      const r = await one(port, method, '/body-kind', extra, body);
      expect(r.body.toString()).toBe(expected);
    });

    it('request.body.cancel() on an empty POST works', async () => {
      const { port } = await serve();
      const r = await one(port, 'POST', '/cancel', 'Content-Length: 0\r\n');
      expect([r.status, r.body.toString()]).toEqual([200, 'cancelled']);
    });
  });
});

describe('wirecore/fetch through inject (wirecore/testing)', () => {
  let undo: () => void;
  beforeAll(() => {
    undo = installLightResponse();
  });
  afterAll(() => undo());

  it('gives the same headers, HEAD length and request bodies', async () => {
    const dispatch = toDispatch(makeApp().app.fetch);
    const text = await inject(null, dispatch, { url: '/text' });
    expect([text.headers.get('content-type'), text.headers.get('content-length'), text.text()]).toEqual(['text/plain;charset=UTF-8', '5', 'hello']);
    const head = await inject(null, dispatch, { method: 'HEAD', url: '/sized' });
    expect([head.headers.get('content-length'), head.body.length]).toEqual(['17', 0]);
    const stated = await inject(null, dispatch, { url: '/stated-stream' });
    expect([stated.headers.get('content-length'), stated.headers.get('transfer-encoding'), stated.text()]).toEqual(['6', undefined, 'abbccc']);
    const empty = await inject(null, dispatch, { method: 'POST', url: '/body-kind', body: '' });
    expect(empty.text()).toBe('stream of 0 bytes');
  });
});
