// Regressions for the holes found from outside (issue 16): each names a
// rule and checks it on every runtime it applies to, over real sockets.
import net from 'node:net';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OptionError, serveGeneric, type DispatchFn, type Logger } from 'wirecore';
import { inject } from 'wirecore/testing';
import { supports } from '../parity/divergences.js';
import { header, rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const GET = (target = '/', extra = '') => `GET ${target} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

function recorder(): Logger & { errors: Array<[string, unknown]> } {
  const errors: Array<[string, unknown]> = [];
  return { errors, error: (m, e) => void errors.push([m, e]), warn: () => {} };
}

/** Sends `bytes`, then ends the socket; resolves with what came back and how the server closed. */
function sendAndWatch(port: number, bytes: Buffer | string, halfClose = false): Promise<{ raw: string; reset: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
    let raw = '';
    let reset = false;
    socket.on('data', (d) => (raw += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (reset = e.code === 'ECONNRESET'));
    socket.on('close', () => resolve({ raw, reset }));
  });
}

describe.each(RUNTIMES)('hardening on %s', (runtime) => {
  const can = (feature: Parameters<typeof supports>[1]) => supports(runtime, feature);

  it('survives a large body the handler never reads, and answers the next client', async () => {
    const server = await start(runtime, null, (_c, _req, res) => res.send({ body: 'answered without reading' }));
    const body = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const head = `POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n`;
    const first = await sendAndWatch(server.port, Buffer.concat([Buffer.from(head), body]));
    expect(first.raw).toContain('answered without reading');
    // More than the drain bound is left unread: the answer says close, rather than make the client wait or reset.
    expect(first.raw.toLowerCase()).toContain('connection: close');
    const next = await rawRequest(server.port, GET(), { responses: 1 });
    expect(next.responses[0]!.status).toBe(200);
  });

  it('drains a small unread body and keeps the connection for the next request', async () => {
    const server = await start(runtime, null, (_c, req, res) => res.send({ body: `answered ${req.path}` }));
    const body = 'x'.repeat(1024);
    const r = await rawRequest(server.port, `POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n${body}` + GET('/b'), { responses: 2 });
    expect(r.responses.map((x) => x.body.toString())).toEqual(['answered /a', 'answered /b']);
    expect(r.closed).toBe(false);
  });

  const smuggles: Array<[string, string]> = [
    ['duplicate Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 31\r\n\r\n'],
    ['empty Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n'],
    ['Content-Length beside Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['a coding after chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n'],
    ['a request that asked to close', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
  ];
  for (const [name, first] of smuggles) {
    it(`never hands the bytes after ${name} to a handler`, async () => {
      const seen: string[] = [];
      const server = await start(runtime, null, (_c, req, res) => (seen.push(req.path), res.send({ body: 'ok' })));
      const r = await sendAndWatch(server.port, first + 'GET /evil HTTP/1.1\r\nHost: a\r\n\r\n');
      expect(seen).not.toContain('/evil');
      expect(r.raw).not.toContain('HTTP/1.1 200 OK\r\n'.repeat(2));
    });
  }

  it('holds maxHeaderBytes: a 20 KiB field under a 16 KiB limit never reaches the handler', async () => {
    let calls = 0;
    const server = await start(runtime, null, (_c, _r, res) => (calls++, res.send({ body: 'ok' })), { maxHeaderBytes: 16 * 1024 });
    const r = await sendAndWatch(server.port, GET('/', `X-Big: ${'b'.repeat(20 * 1024)}\r\n`));
    expect(calls).toBe(0);
    if (can('header-limit')) expect(r.raw).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('closes a socket whose client half-closed in the middle of a body, and stops counting it', async () => {
    const server = await start(runtime, null, async (_c, req, res) => res.send({ body: await req.body.text() }), { requestTimeoutMs: 2000 });
    const r = await sendAndWatch(server.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhel', true);
    expect(r.raw).not.toContain('200 OK');
    // The kernel may report the socket a moment after both sides closed.
    for (let i = 0; i < 100 && server.stats.connections > 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(server.stats.connections).toBe(0);
  });

  it('reports a message the parser refuses to onResponse, with no request, and tells plain from TLS', async () => {
    const seen: Array<[number, boolean]> = [];
    const server = await start(runtime, null, (_c, req, res) => res.send({ body: `secure=${req.secure}` }), { onResponse: (w, req) => void seen.push([w.status, req === undefined]) });
    const plain = await rawRequest(server.port, GET(), { responses: 1 });
    expect(plain.responses[0]!.body.toString()).toBe('secure=false');
    await sendAndWatch(server.port, 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab');
    await waitForBytes(() => Buffer.from(String(seen.length)), (b) => b.toString() === '2');
    expect(seen).toEqual([[200, false], [400, true]]);
  });

  it('counts open sockets, not requests, in stats.connections', async () => {
    const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'ok' }));
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(GET());
    await new Promise((resolve) => socket.once('data', resolve));
    // Answered and idle, the socket is still open.
    expect(server.stats.inFlight).toBe(0);
    expect(server.stats.connections).toBe(1);
    socket.destroy();
  });

  it('reads Connection: close followed by a tab as close', async () => {
    const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'ok' }));
    const r = await rawRequest(server.port, GET('/', 'Connection: close\t\r\n'));
    expect(r.responses.length).toBe(1);
    expect(header(r.responses[0]!, 'connection')).toBe('close');
    expect(r.closed).toBe(true);
  });

  it('refuses CONNECT: no consumer is given a tunnel', async () => {
    let calls = 0;
    const server = await start(runtime, null, (_c, _r, res) => (calls++, res.send({ body: 'ok' })));
    if (can('strict-parsing')) {
      const r = await sendAndWatch(server.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
      expect(r.raw).toMatch(/^HTTP\/1\.1 501 /);
    } else {
      // uWS neither answers nor closes: a request on another connection, answered after, shows CONNECT never reached the handler.
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'));
      await new Promise((resolve) => socket.once('connect', resolve));
      await rawRequest(server.port, GET(), { responses: 1 });
      socket.destroy();
    }
    expect(calls).toBe(can('strict-parsing') ? 0 : 1);
  });

  it('answers a body of the wrong type with a 500 and a TypeError naming the type, never a hang', async () => {
    const logger = recorder();
    const server = await start(runtime, null, ((_c: null, req, res) => res.send({ body: req.path === '/n' ? 123 : { a: 1 } } as never)) as DispatchFn<null>, { logger });
    const r = await rawRequest(server.port, GET('/o') + GET('/n'), { responses: 2 });
    expect(r.responses.map((x) => x.status)).toEqual([500, 500]);
    const messages = logger.errors.map(([, e]) => (e as Error).message);
    expect(messages.some((m) => m.includes('got an object (Object)') && m.includes('JSON.stringify'))).toBe(true);
    expect(messages.some((m) => m.includes('got the number 123'))).toBe(true);
    expect((logger.errors[0]![1] as { code: string }).code).toBe('WIRE_ERR_INVALID_BODY');
    expect(server.stats.inFlight).toBe(0);
  });

  it('survives a logger whose error() throws', async () => {
    const server = await start(runtime, null, () => {
      throw new Error('handler failed');
    }, { logger: { error: () => { throw new Error('logger failed'); }, warn: () => {} } });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const r = await rawRequest(server.port, GET() + GET(), { responses: 2 });
      expect(r.responses.map((x) => x.status)).toEqual([500, 500]);
    } finally {
      console.error = original;
    }
    expect(errors.length).toBe(2);
  });

  it('survives onResponse and tryStatic that throw', async () => {
    const logger = recorder();
    const server = await start(runtime, null, (_c, _r, res) => res.send({ body: 'ok' }), {
      logger,
      onResponse: () => {
        throw new Error('hook failed');
      },
      tryStatic: () => {
        throw new Error('lookup failed');
      },
    });
    const r = await rawRequest(server.port, GET() + GET(), { responses: 2 });
    expect(r.responses.map((x) => x.status)).toEqual([200, 200]);
    expect(logger.errors.filter(([m]) => m.includes('onResponse threw')).length).toBe(2);
    expect(logger.errors.filter(([m]) => m.includes('tryStatic threw')).length).toBe(2);
  });

  it('answers 503 when no response comes within responseTimeoutMs, and drops a stalled stream', async () => {
    const logger = recorder();
    let aborted = 0;
    const server = await start(runtime, null, async (_c, req, res) => {
      req.signal.addEventListener('abort', () => aborted++);
      if (req.path === '/stall') {
        res.startChunked(200);
        await res.writeChunk('partial');
      }
      return new Promise(() => {}) as never;
    }, { logger, responseTimeoutMs: 150 });
    const silent = await rawRequest(server.port, GET('/never'), { responses: 1 });
    expect(silent.responses[0]!.status).toBe(503);
    const stalled = await sendAndWatch(server.port, GET('/stall'));
    expect(stalled.raw).toContain('partial');
    expect(stalled.raw).not.toContain('0\r\n\r\n');
    expect(logger.errors.some(([m]) => m.includes('responseTimeoutMs') && m.includes('GET /never'))).toBe(true);
    expect(logger.errors.some(([m]) => m.includes('responseTimeoutMs') && m.includes('GET /stall'))).toBe(true);
    expect(aborted).toBe(2);
  });
});

describe('hardening, net only', () => {
  it('refuses an HTTP/0.9 request line at once, and protocols other than HTTP', async () => {
    const server = await start('net', null, (_c, _r, res) => res.send({ body: 'ok' }));
    const http09 = await sendAndWatch(server.port, 'GET /\r\n');
    expect(http09.raw).toMatch(/^HTTP\/1\.1 505 /);
    for (const line of ['GET / RTSP/1.0\r\nHost: a\r\n\r\n', 'SOURCE / ICE/1.0\r\nHost: a\r\n\r\n']) {
      const r = await sendAndWatch(server.port, line);
      expect(r.raw).toMatch(/^HTTP\/1\.1 400 /);
    }
    // The same verdict with the request line cut right after its target.
    const split = await rawRequest(server.port, ['GET /', ' RTSP/1.0\r\nHost: a\r\n\r\n']);
    expect(split.responses[0]!.status).toBe(400);
  });
});

describe('bad input at start-up', () => {
  const dispatch: DispatchFn<null> = (_c, _r, res) => res.send({ body: 'ok' });
  const refuse = async (options: unknown, message: RegExp) => {
    const error = await serveGeneric(null, dispatch, options as never).then(
      (server) => server.close().then(() => null),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toMatch(message);
  };

  it('names unknown keys, wrong types and received values', async () => {
    await refuse({ prot: 3000 }, /unknown option 'prot' \(did you mean 'port'\?\)/);
    await refuse({ port: '3000' }, /options\.port must be an integer from 0 to 65535, got the string "3000"/);
    await refuse({ port: null }, /options\.port .* got null/);
    await refuse(null, /options must be an object, got null/);
    await refuse({ runtime: 'bun' }, /options\.runtime must be one of 'net', 'uws', 'node-http', got the string "bun"/);
    await refuse({ maxBodyBytes: -1 }, /options\.maxBodyBytes must be a positive integer, got the number -1/);
    await refuse({ logger: { warn: () => {} } }, /options\.logger must be an object with error/);
    await refuse({ workers: 2, workerModule: '/nonexistent/app.js', port: 70000 }, /options\.port must be an integer/);
  });

  it('checks TLS material and names the field', async () => {
    const key = readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url));
    const cert = readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url));
    await refuse({ tls: {} }, /options\.tls\.key must be a PEM private key/);
    await refuse({ tls: { key } }, /options\.tls\.cert must be a PEM certificate/);
    await refuse({ tls: { key: 'not a key', cert } }, /options\.tls\.key does not load as a private key/);
    await refuse({ tls: { key, cert: 'not a cert' } }, /options\.tls\.cert does not load as a certificate/);
  });

  it('leaves no private key on disk once a uws TLS server has started', async () => {
    const key = readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url));
    const cert = readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url));
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('wirecore-uws-tls-')).length;
    const server = await serveGeneric(null, dispatch, { runtime: 'uws', tls: { key, cert } });
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('wirecore-uws-tls-')).length).toBe(before);
    await server.close();
  });

  it('inject settles with a 500 for a body of the wrong type', async () => {
    const logger = recorder();
    const r = await inject(null, ((_c: null, _r, res) => res.send({ body: { a: 1 } } as never)) as DispatchFn<null>, {}, { logger });
    expect(r.status).toBe(500);
  });
});
