// The wire rules of DESIGN.md over real sockets, for every runtime.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createStatic, WireError, type DispatchFn, type WireRequest, type Written } from 'wirecore';
import { header, rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';
import { DIVERGENCES, supports, type Feature } from '../parity/divergences.js';

interface Seen {
  method: string;
  target: string;
  path: string;
  query: string;
  version: string;
  headers: string[];
  body: string;
  trailers: string[] | null;
}

async function describeRequest(req: WireRequest): Promise<Seen> {
  const body = await req.body.text();
  return {
    method: req.method,
    target: req.target,
    path: req.path,
    query: req.query,
    version: req.httpVersion,
    headers: [...req.headers.raw],
    body,
    trailers: req.body.trailers ? [...req.body.trailers.raw] : null,
  };
}

function echo(calls: Seen[] = []): DispatchFn<unknown> {
  return async (_ctx, req, res) => {
    const seen = await describeRequest(req);
    calls.push(seen);
    return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(seen) });
  };
}

const GET = (target = '/', extra = '') => `GET ${target} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

/**
 * Sends `bytes` on one connection, then a request on a second one and
 * waits for its answer (the server has read the first by then): what came
 * back on the first so far. For runtimes that neither answer nor close.
 */
async function sendThenProbe(port: number, bytes: string): Promise<{ raw: string }> {
  const socket = net.connect(port, '127.0.0.1');
  let raw = '';
  socket.on('data', (d) => (raw += d.toString('latin1')));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  await new Promise((resolve) => socket.write(bytes, 'latin1', resolve));
  const probe = await rawRequest(port, GET('/probe'), { responses: 1 });
  expect(probe.responses[0]!.status).toBe(200);
  socket.destroy();
  return { raw };
}

describe.each(RUNTIMES)('wire rules on %s', (runtime) => {
  const can = (feature: Feature) => supports(runtime, feature);
  /** A rule this runtime cannot honour is left out here and waived, with its reason, in parity/divergences.ts. */
  const rule = (features: Feature[], name: string, fn: () => Promise<void>) => {
    if (features.every(can)) it(name, fn);
  };
  describe('requests', () => {
    it('hands the handler method, target, path, query, version and headers in wire order', async () => {
      const calls: Seen[] = [];
      const server = await start(runtime, null, echo(calls));
      const r = await rawRequest(server.port, 'GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: t\r\nX-One: 1\r\nx-two:  two  \r\nX-Empty:\r\n\r\n', { responses: 1 });
      expect(r.responses[0]!.status).toBe(200);
      expect(calls).toEqual([
        {
          method: 'GET',
          target: '/a/b?x=1&y=2',
          path: '/a/b',
          query: 'x=1&y=2',
          version: '1.1',
          headers: can('header-name-case') ? ['Host', 't', 'X-One', '1', 'x-two', 'two', 'X-Empty', ''] : ['host', 't', 'x-one', '1', 'x-two', 'two', 'x-empty', ''],
          body: '',
          trailers: null,
        },
      ]);
    });

    it('looks headers up case-insensitively and joins repeats', async () => {
      const server = await start(runtime, null, (_c, req, res) =>
        res.send({ body: JSON.stringify([req.headers.get('ACCEPT'), req.headers.getAll('x-a'), req.headers.has('X-Missing')]) }),
      );
      const r = await rawRequest(server.port, GET('/', 'accept: text/html\r\nX-A: 1\r\nx-a: 2\r\n'), { responses: 1 });
      expect(JSON.parse(r.responses[0]!.body.toString())).toEqual(['text/html', ['1', '2'], false]);
    });

    it('reads a Content-Length body', async () => {
      const calls: Seen[] = [];
      const server = await start(runtime, null, echo(calls));
      await rawRequest(server.port, 'POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world', { responses: 1 });
      expect(calls[0]!.body).toBe('hello world');
    });

    rule(['chunked-request-body'], 'reads a chunked body with extensions and trailers', async () => {
      const calls: Seen[] = [];
      const server = await start(runtime, null, echo(calls));
      const extension = can('chunk-extensions') ? ';name=v' : '';
      const r = await rawRequest(
        server.port,
        `POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5${extension}\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n`,
        { responses: 1 },
      );
      expect(r.responses[0]!.status).toBe(200);
      expect(calls[0]!.body).toBe('hello world');
      if (can('request-trailers')) expect(calls[0]!.trailers).toEqual(['X-Sum', '42']);
    });

    it('streams the body to the handler before it has all arrived', async () => {
      let firstChunk = '';
      const server = await start(runtime, null, async (_c, req, res) => {
        for await (const chunk of req.body) {
          firstChunk = Buffer.from(chunk).toString();
          break;
        }
        return res.send({ body: `got ${firstChunk}` });
      });
      // The body is never finished: the answer can only come from the first chunk.
      const r = await rawRequest(server.port, 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nfirst', { responses: 1 });
      expect(r.responses[0]!.body.toString()).toBe('got first');
    });

    it('answers 413 and closes when bytes() passes maxBodyBytes', async () => {
      let reached = false;
      const server = await start(runtime, null, async (_c, req, res) => {
        await req.body.bytes();
        reached = true;
        return res.send({ body: 'no' });
      }, { maxBodyBytes: 10 });
      const r = await rawRequest(server.port, 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 20\r\n\r\n01234567890123456789');
      expect(r.responses[0]!.status).toBe(413);
      expect(r.closed).toBe(true);
      expect(reached).toBe(false);
      const chunked = await rawRequest(server.port, 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n');
      // uws refuses chunked request bodies before any handler runs (parity/divergences.ts).
      expect(chunked.responses[0]!.status).toBe(can('chunked-request-body') ? 413 : 411);
      expect(chunked.closed).toBe(true);
    });

    it('answers 411 for a chunked request body where the runtime cannot check chunk framing', async () => {
      let calls = 0;
      const server = await start(runtime, null, async (_c, req, res) => (calls++, res.send({ body: await req.body.text() })));
      const r = await rawRequest(server.port, 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', { responses: 1 });
      expect(r.responses[0]!.status).toBe(can('chunked-request-body') ? 200 : 411);
      expect(calls).toBe(can('chunked-request-body') ? 1 : 0);
    });

    it('parses a request that arrives one byte at a time', async () => {
      const calls: Seen[] = [];
      const server = await start(runtime, null, echo(calls));
      const bytes = 'POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc';
      await rawRequest(server.port, bytes.split(''), { responses: 1 });
      expect(calls[0]!.target).toBe('/slow');
      expect(calls[0]!.body).toBe('abc');
    });
  });

  describe('rejects', () => {
    const cases: Array<[string, string, number, Feature[]]> = [
      ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, ['reject-status']],
      ['duplicate Content-Length', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc', 400, []],
      ['comma-separated Content-Length', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3, 3\r\n\r\nabc', 400, ['reject-status']],
      ['invalid Content-Length', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc', 400, ['reject-status']],
      ['invalid chunk size', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', 400, ['chunked-request-body']],
      ['over-long chunk size', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\na\r\n0\r\n\r\n', 400, ['chunked-request-body']],
      ['obs-fold', 'GET / HTTP/1.1\r\nHost: t\r\nX-A: one\r\n two\r\n\r\n', 400, ['strict-parsing']],
      ['bare LF', 'GET / HTTP/1.1\nHost: t\n\n', 400, ['strict-parsing']],
      ['bare CR', 'GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n', 400, ['strict-parsing']],
      ['whitespace before the colon', 'GET / HTTP/1.1\r\nHost : t\r\n\r\n', 400, ['strict-parsing']],
      ['invalid header name token', 'GET / HTTP/1.1\r\nHost: t\r\nX(y): 1\r\n\r\n', 400, ['strict-parsing']],
      ['NUL in a header value', 'GET / HTTP/1.1\r\nHost: t\r\nX: a\x00b\r\n\r\n', 400, ['strict-parsing']],
      ['missing Host on HTTP/1.1', 'GET / HTTP/1.1\r\nX: 1\r\n\r\n', 400, ['reject-status']],
      ['duplicate Host', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, []],
      ['invalid Host', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 400, []],
      ['Transfer-Encoding not ending in chunked', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n', 400, []],
      ['Transfer-Encoding on HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, ['strict-parsing']],
      ['an unknown transfer coding', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', 501, []],
      ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: t\r\n\r\n', 505, ['strict-parsing']],
      ['HTTP/2.0 in HTTP/1 syntax', 'GET / HTTP/2.0\r\nHost: t\r\n\r\n', 505, ['strict-parsing']],
      ['a malformed version', 'GET / HTTP/1.x\r\nHost: t\r\n\r\n', 400, ['strict-parsing']],
      ['an unsupported Expect', 'GET / HTTP/1.1\r\nHost: t\r\nExpect: magic\r\n\r\n', 417, []],
    ];
    // Where a waiver applies, what it allows is pinned instead (parity/divergences.ts: 'no-answer'): no status, and the message never reaches the handler.
    for (const [name, bytes, status, features] of cases) {
      const honoured = features.every(can);
      it(`${name}: dispatch never called, ${honoured ? `answers ${status} and closes` : 'no answer (the waived behaviour)'}`, async () => {
        const calls: Seen[] = [];
        const server = await start(runtime, null, echo(calls));
        if (honoured) {
          const r = await rawRequest(server.port, bytes);
          expect(r.responses.map((x) => x.status)).toEqual([status]);
          expect(header(r.responses[0]!, 'connection')).toBe('close');
          expect(r.closed).toBe(true);
        } else {
          const allowed = features.filter((f) => !can(f)).flatMap((f): readonly string[] => DIVERGENCES[f].allows);
          const r = await sendThenProbe(server.port, bytes);
          const answered = /^HTTP\/1\.1 (\d{3}) /.exec(r.raw)?.[1];
          expect(allowed).toContain(answered === undefined ? 'no-answer' : `status ${answered}`);
        }
        expect(calls.filter((c) => c.path !== '/probe')).toEqual([]);
      });
    }

    it(`431${can('header-limit') ? '' : ' (or a dropped connection, the waived behaviour, where uWS\'s own limit is hit first)'} for a header block over maxHeaderBytes`, async () => {
      const calls: Seen[] = [];
      const server = await start(runtime, null, echo(calls), { maxHeaderBytes: 1024 });
      const r = await rawRequest(server.port, GET('/', `X-Big: ${'a'.repeat(2000)}\r\n`));
      if (can('header-limit') || r.raw.length > 0) expect(r.responses.map((x) => x.status)).toEqual([431]);
      else expect(DIVERGENCES['header-limit'].allows).toContain('no-answer');
      expect(r.closed).toBe(true);
      expect(calls).toEqual([]);
      const fits = await rawRequest(server.port, GET('/', `X-Big: ${'a'.repeat(900)}\r\n`), { responses: 1 });
      expect(fits.responses[0]!.status).toBe(200);
    });

    it('414 for a target over maxTargetBytes', async () => {
      const server = await start(runtime, null, echo(), { maxTargetBytes: 100 });
      const r = await rawRequest(server.port, GET('/' + 'a'.repeat(200)));
      expect(r.responses[0]!.status).toBe(414);
      expect(r.closed).toBe(true);
    });

    it('answers the requests before a bad one, then rejects it', async () => {
      const calls: Seen[] = [];
      const server = await start(runtime, null, echo(calls));
      const r = await rawRequest(server.port, GET('/1') + 'GET /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n');
      expect(r.responses.map((x) => x.status)).toEqual([200, 400]);
      expect(calls.map((c) => c.target)).toEqual(['/1']);
      expect(r.closed).toBe(true);
    });
  });

  describe('connections', () => {
    rule(['async-pipelining'], 'answers a pipeline of 3 in order though the first handler is slowest', async () => {
      const server = await start(runtime, null, async (_c, req, res) => {
        if (req.path === '/1') await new Promise((resolve) => setTimeout(resolve, 100));
        return res.send({ body: req.path });
      });
      const r = await rawRequest(server.port, GET('/1') + GET('/2') + GET('/3'), { responses: 3 });
      expect(r.responses.map((x) => x.body.toString())).toEqual(['/1', '/2', '/3']);
    });

    it('answers a pipeline split across writes in order', async () => {
      const server = await start(runtime, null, (_c, req, res) => res.send({ body: req.path }));
      const all = GET('/a') + GET('/b') + GET('/c');
      const r = await rawRequest(server.port, [all.slice(0, 10), all.slice(10, 45), all.slice(45)], { responses: 3 });
      expect(r.responses.map((x) => x.body.toString())).toEqual(['/a', '/b', '/c']);
    });

    it('keeps HTTP/1.1 alive unless Connection: close', async () => {
      const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'ok' }));
      const kept = await rawRequest(server.port, GET() + GET(), { responses: 2 });
      expect(kept.closed).toBe(false);
      expect(header(kept.responses[0]!, 'connection') ?? 'keep-alive').toBe('keep-alive');
      const closed = await rawRequest(server.port, GET('/', 'Connection: close\r\n'));
      expect(closed.responses.length).toBe(1);
      expect(header(closed.responses[0]!, 'connection')).toBe('close');
      expect(closed.closed).toBe(true);
    });

    rule(['http10'], 'closes HTTP/1.0 unless Connection: keep-alive', async () => {
      const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'ok' }));
      const closed = await rawRequest(server.port, 'GET / HTTP/1.0\r\n\r\n');
      expect(closed.responses[0]!.status).toBe(200);
      expect(closed.closed).toBe(true);
      const kept = await rawRequest(server.port, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { responses: 2 });
      expect(header(kept.responses[1]!, 'connection')?.toLowerCase()).toBe('keep-alive');
      expect(kept.closed).toBe(false);
    });

    rule(['expect-continue'], 'sends 100 Continue only when the handler reads the body', async () => {
      const server = await start(runtime, null, async (_c, req, res) => {
        if (req.path === '/ignore') return res.send({ status: 403, body: 'no' });
        return res.send({ body: await req.body.text() });
      });
      const head = 'POST /read HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n';
      const r = await rawRequest(server.port, [head, 'data'], {
        responses: 1,
        between: (_i, received) => waitForBytes(received, (b) => b.toString().startsWith('HTTP/1.1 100 Continue\r\n\r\n')),
      });
      expect(r.raw.toString().startsWith('HTTP/1.1 100 Continue\r\n\r\n')).toBe(true);
      expect(r.responses.map((x) => [x.status, x.body.toString()])).toEqual([[200, 'data']]);

      const ignored = await rawRequest(server.port, 'POST /ignore HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n');
      expect(ignored.raw.toString()).not.toContain('100 Continue');
      expect(ignored.responses[0]!.status).toBe(403);
      // Without the body the connection cannot be reused safely.
      expect(ignored.closed).toBe(true);
    });

    rule(['timeouts'], 'answers 408 and closes when the head is too slow', async () => {
      const server = await start(runtime, null, echo(), { headersTimeoutMs: 150 });
      const r = await rawRequest(server.port, 'GET / HTTP/1.1\r\nHost: t\r\n');
      expect(r.responses[0]!.status).toBe(408);
      expect(r.closed).toBe(true);
    });

    rule(['timeouts'], 'closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
      const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'ok' }), { keepAliveTimeoutMs: 150 });
      const started = Date.now();
      const r = await rawRequest(server.port, GET());
      expect(r.responses.length).toBe(1);
      expect(r.closed).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    rule(['abort-detection'], 'fires the request signal when the peer goes away, and writes become no-ops', async () => {
      let resolveAborted!: (v: [boolean, true | Promise<void>]) => void;
      const aborted = new Promise<[boolean, true | Promise<void>]>((r) => (resolveAborted = r));
      const server = await start(runtime, null, async (_c, req, res) => {
        res.startChunked(200);
        await res.writeChunk('first');
        if (!req.signal.aborted) await new Promise((r) => req.signal.addEventListener('abort', r));
        resolveAborted([res.aborted, res.writeChunk('late')]);
        return res.endChunked();
      });
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(GET()));
      socket.once('data', () => socket.destroy());
      const [isAborted, writeResult] = await aborted;
      expect(isAborted).toBe(true);
      expect(writeResult).toBe(true);
    });
  });

  describe('handler failures', () => {
    it('a throw before the head is a 500 without the stack; the connection goes on', async () => {
      const errors: string[] = [];
      const server = await start(runtime, null, async (_c, req, res) => {
        if (req.path === '/throw') throw new Error('secret detail');
        return res.send({ body: 'fine' });
      }, { logger: { error: (m) => errors.push(m), warn: () => {} } });
      const r = await rawRequest(server.port, GET('/throw') + GET('/ok'), { responses: 2 });
      expect(r.responses.map((x) => x.status)).toEqual([500, 200]);
      expect(r.raw.toString()).not.toContain('secret detail');
      expect(r.raw.toString()).not.toContain('at ');
      expect(errors.some((m) => m.includes('GET /throw'))).toBe(true);
    });

    it('a throw after the head drops the connection', async () => {
      const server = await start(runtime, null, async (_c, _r, res) => {
        res.startChunked(200);
        await res.writeChunk('partial');
        throw new Error('mid-stream');
      });
      // uWS closes at once on a request pipelined behind an unanswered one (async-pipelining): one request there.
      const r = await rawRequest(server.port, can('async-pipelining') ? GET() + GET() : GET());
      expect(r.closed).toBe(true);
      expect(r.responses.length).toBe(0);
      expect(r.raw.toString()).toContain('partial');
    });

    it('a dispatch that settles without answering gets a 500 and a log line', async () => {
      const errors: string[] = [];
      const server = await start(runtime, null, (async () => undefined) as unknown as DispatchFn<null>, {
        logger: { error: (m) => errors.push(m), warn: () => {} },
      });
      const r = await rawRequest(server.port, GET('/forgot'), { responses: 1 });
      expect(r.responses[0]!.status).toBe(500);
      expect(errors).toEqual(['dispatch settled without a response: GET /forgot']);
    });

    it('a WireError thrown by the handler sets the status', async () => {
      const server = await start(runtime, null, () => {
        throw new WireError(404, 'No such thing');
      });
      const r = await rawRequest(server.port, GET(), { responses: 1 });
      expect(r.responses[0]!.status).toBe(404);
      expect(r.responses[0]!.body.toString()).toBe('No such thing\n');
    });
  });

  describe('writer', () => {
    it('owns framing: user Content-Length, Transfer-Encoding and Connection are not copied', async () => {
      const server = await start(runtime, null, (_c, _r, res) =>
        res.send({ headers: { 'Content-Length': '999', 'Transfer-Encoding': 'chunked', Connection: 'keep-alive', 'X-Kept': 'yes' }, body: 'four' }),
      );
      const r = await rawRequest(server.port, GET(), { responses: 1 });
      const res = r.responses[0]!;
      expect(res.body.toString()).toBe('four');
      expect(header(res, 'content-length')).toBe('4');
      expect(header(res, 'transfer-encoding')).toBeUndefined();
      expect(header(res, 'x-kept')).toBe('yes');
    });

    it('honours a handler asking for Connection: close: the request pipelined after it never reaches a handler', async () => {
      let calls = 0;
      const server = await start(runtime, null, (_c, _r, res) => (calls++, res.send({ headers: { connection: 'close' }, body: 'bye' })));
      const r = await rawRequest(server.port, GET() + GET());
      // uWS closes without the answer when a request follows it in the same read (parity/divergences.ts).
      expect(r.responses.length).toBe(can('close-then-pipelined') ? 1 : 0);
      expect(r.closed).toBe(true);
      expect(calls).toBe(1);
    });

    it('HEAD gets the headers and length without a body', async () => {
      const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'twelve bytes' }));
      const r = await rawRequest(server.port, 'HEAD / HTTP/1.1\r\nHost: t\r\n\r\n' + GET(), { responses: 2, headRequests: [0] });
      expect(header(r.responses[0]!, 'content-length')).toBe('12');
      expect(r.responses[0]!.body.length).toBe(0);
      expect(r.responses[1]!.body.toString()).toBe('twelve bytes');
    });

    it.each([204, 304])('%i has no body and no length', async (status) => {
      const server = await start(runtime, null, (_c, _r, res) => res.send({ status, body: 'dropped' }));
      const r = await rawRequest(server.port, GET() + GET(), { responses: 2 });
      expect(r.responses.map((x) => x.status)).toEqual([status, status]);
      expect(header(r.responses[0]!, 'content-length')).toBeUndefined();
      expect(r.raw.toString()).not.toContain('dropped');
    });

    it('streams chunked on HTTP/1.1 with trailers', async () => {
      const server = await start(runtime, null, async (_c, _r, res) => {
        res.startChunked(200, { 'content-type': 'text/plain' });
        await res.writeChunk('one ');
        await res.writeChunk(Buffer.from('two'));
        await res.writeChunk('');
        return res.endChunked({ 'X-Checksum': 'abc' });
      });
      const r = await rawRequest(server.port, GET(), { responses: 1 });
      const res = r.responses[0]!;
      expect(header(res, 'transfer-encoding')).toBe('chunked');
      expect(res.body.toString()).toBe('one two');
      if (can('response-trailers')) expect(res.trailers).toEqual(['X-Checksum', 'abc']);
    });

    it('holds a stream back while the reader does not read (backpressure), then finishes it', async () => {
      const total = 64 * 1024 * 1024;
      const block = Buffer.alloc(64 * 1024, 0x62);
      let written = 0;
      let stalledAt = -1;
      let stalled!: () => void;
      const firstStall = new Promise<void>((resolve) => (stalled = resolve));
      const server = await start(runtime, null, async (_c, _r, res) => {
        res.startChunked(200);
        while (written < total) {
          const wait = res.writeChunk(block);
          written += block.length;
          if (wait !== true) {
            if (stalledAt < 0) {
              stalledAt = written;
              stalled();
            }
            await wait;
          }
        }
        return res.endChunked();
      });
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(GET()));
      socket.pause();
      await firstStall;
      // Kernel buffers plus the writer's own high-water mark: far below the 64 MiB asked for.
      expect(stalledAt).toBeLessThan(24 * 1024 * 1024);
      let received = 0;
      let tail = '';
      const ended = new Promise<void>((resolve) => {
        socket.on('data', (c: Buffer) => {
          received += c.length;
          tail = (tail + c.subarray(-8).toString('latin1')).slice(-8);
          if (tail.endsWith('\r\n0\r\n\r\n')) resolve();
        });
      });
      socket.resume();
      await ended;
      socket.destroy();
      expect(received).toBeGreaterThan(total);
    });

    rule(['http10'], 'streams close-delimited on HTTP/1.0', async () => {
      const server = await start(runtime, null, async (_c, _r, res) => {
        res.startChunked(200);
        await res.writeChunk('a');
        await res.writeChunk('b');
        return res.endChunked();
      });
      const r = await rawRequest(server.port, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      expect(r.closed).toBe(true);
      expect(header(r.responses[0]!, 'transfer-encoding')).toBeUndefined();
      expect(header(r.responses[0]!, 'connection')).toBe('close');
      expect(r.responses[0]!.body.toString()).toBe('ab');
    });

    it('sends UTF-8 bodies with their byte length', async () => {
      const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'héllo ✓' }));
      const r = await rawRequest(server.port, GET(), { responses: 1 });
      expect(r.responses[0]!.body.toString('utf8')).toBe('héllo ✓');
      expect(header(r.responses[0]!, 'content-length')).toBe(String(Buffer.byteLength('héllo ✓')));
    });

    it('refuses header values that would split the response', async () => {
      const server = await start(runtime, null, (_c, _r, res) => res.send({ headers: { 'x-evil': 'a\r\nSet-Cookie: owned=1' }, body: 'x' }));
      const r = await rawRequest(server.port, GET(), { responses: 1 });
      expect(r.responses[0]!.status).toBe(500);
      expect(r.raw.toString()).not.toContain('owned=1');
    });

    it('serves static responses from tryStatic and sendStatic, HEAD without the body', async () => {
      const hello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static!' });
      const seen: string[] = [];
      const server = await start(runtime, { hello }, (ctx, req, res) => {
        seen.push(req.path);
        return req.path === '/via-writer' ? res.sendStatic(ctx.hello) : res.send({ body: 'dynamic' });
      }, { tryStatic: (ctx, _m, path) => (path === '/s' ? ctx.hello : undefined) });
      const r = await rawRequest(server.port, GET('/s?q=1') + GET('/via-writer') + 'HEAD /s HTTP/1.1\r\nHost: t\r\n\r\n' + GET('/d'), {
        responses: 4,
        headRequests: [2],
      });
      expect(r.responses.map((x) => x.body.toString())).toEqual(['static!', 'static!', '', 'dynamic']);
      expect(header(r.responses[2]!, 'content-length')).toBe('7');
      expect(seen).toEqual(['/via-writer', '/d']);
      const date = Date.parse(header(r.responses[0]!, 'date')!);
      expect(Math.abs(date - Date.now())).toBeLessThan(3000);
    });

    it('reports every response to onResponse with its figures', async () => {
      const reports: Array<[Written, WireRequest | undefined]> = [];
      const server = await start(runtime, null, async (_c, req, res) => {
        if (req.path === '/stream') {
          res.startChunked(201);
          await res.writeChunk('12345');
          return res.endChunked();
        }
        return res.send({ status: 202, body: 'abc' });
      }, { onResponse: (w, req) => reports.push([w, req]) });
      await rawRequest(server.port, GET('/a') + GET('/stream'), { responses: 2 });
      await rawRequest(server.port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
      const rows = reports.map(([w, req]) => [req?.path, w.status, w.bodyBytes, w.outcome]);
      expect(rows).toEqual([
        ['/a', 202, 3, 'complete'],
        ['/stream', 201, 5, 'complete'],
        [undefined, 400, expect.any(Number), 'complete'],
      ]);
      for (const [w] of reports) {
        expect(w.headerBytes).toBeGreaterThan(20);
        expect(w.timeToLastByteMs).toBeGreaterThanOrEqual(w.timeToFirstByteMs);
        expect(w.timeToFirstByteMs).toBeGreaterThanOrEqual(0);
      }
    });
  });

  describe('close()', () => {
    rule(['close-idle'], 'closes idle connections at once and lets in-flight requests finish with Connection: close', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inHandler = new Promise<void>((r) => (entered = r));
      const server = await start(runtime, null, async (_c, req, res) => {
        if (req.path === '/slow') {
          entered();
          await gate;
        }
        return res.send({ body: req.path });
      });
      const idle = rawRequest(server.port, GET('/idle'));
      const busy = rawRequest(server.port, GET('/slow'));
      await inHandler;
      expect(server.stats.inFlight).toBe(1);
      const closing = server.close({ graceMs: 5000 });
      const idleResult = await idle;
      expect(idleResult.closed).toBe(true);
      release();
      const busyResult = await busy;
      expect(busyResult.responses[0]!.body.toString()).toBe('/slow');
      expect(header(busyResult.responses[0]!, 'connection')).toBe('close');
      await closing;
      expect(server.stats.connections).toBe(0);
    });

    it('destroys what is still open after graceMs', async () => {
      const server = await start(runtime, null, () => new Promise<Written>(() => {}));
      const hung = rawRequest(server.port, GET());
      await new Promise<void>((resolve) => {
        const check = () => (server.stats.inFlight === 1 ? resolve() : setTimeout(check, 2));
        check();
      });
      await server.close({ graceMs: 50 });
      expect((await hung).closed).toBe(true);
    });
  });
});
