// PROXY protocol on every runtime, over real sockets: the client's address
// reaches the handler, the balancer's is kept apart, and anything but a whole
// valid header from a trusted peer closes the connection with a warning,
// never reaching a handler.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { DispatchFn, RuntimeName, ServeOptions } from 'wirecore';
import { encodeProxyHeader, parseResponses } from 'wirecore/testing';
import { rawRequest } from './helpers/raw.js';
import { start } from './helpers/servers.js';

const key = readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url));
const cert = readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url));

const GET = 'GET /who HTTP/1.1\r\nHost: a\r\n\r\n';
const GET_CLOSE = 'GET /who HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';
const v1 = encodeProxyHeader({ version: 1, source: { address: '203.0.113.7', port: 40001 }, destination: { address: '127.0.0.1', port: 80 } });
const v2tcp4 = encodeProxyHeader({ version: 2, source: { address: '203.0.113.8', port: 40002 }, destination: { address: '127.0.0.1', port: 80 } });
const v2tcp6 = encodeProxyHeader({ version: 2, source: { address: '2001:db8::9', port: 40003 }, destination: { address: '::1', port: 80 } });
const v2local = encodeProxyHeader({ version: 2, local: true });

interface Seen {
  remoteAddress: string;
  remotePort: number;
  proxy: { address: string } | null;
}

async function serve(runtime: RuntimeName, extra: ServeOptions<null> = {}) {
  const seen: Seen[] = [];
  const warnings: string[] = [];
  const dispatch: DispatchFn<null> = (_ctx, req, res) => {
    seen.push({ remoteAddress: req.remoteAddress, remotePort: req.remotePort, proxy: req.proxy });
    return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: req.remoteAddress }) });
  };
  const server = await start(runtime, null, dispatch, {
    proxyProtocol: { from: ['loopback'] },
    logger: { error: () => {}, warn: (m) => void warnings.push(m) },
    ...extra,
  });
  return { server, seen, warnings };
}

/** Writes each byte on its own (no Nagle, each write flushed before the next), then collects the answer until close. */
function byteByByte(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.once('connect', async () => {
      for (const byte of bytes) {
        await new Promise<void>((done) => socket.write(Buffer.from([byte]), () => done()));
        await new Promise((done) => setImmediate(done));
      }
    });
  });
}

/** Registers the test only where it applies (a runtime-specific case is not a skipped test). */
const onlyIf = (applies: boolean) => (applies ? it : () => undefined);

const addressOf = (body: Buffer) => (JSON.parse(body.toString()) as { address: string }).address;

describe.each(['net', 'node-http', 'uws'] as const)('PROXY protocol on %s', (runtime) => {
  // uWS reads v2 itself and knows no v1 (see README): those cases run where wirecore parses.
  const ours = runtime !== 'uws';

  onlyIf(ours)('v1: the client is the remote address, the balancer is req.proxy', async () => {
    const { server, seen } = await serve(runtime);
    const result = await rawRequest(server.port, [Buffer.concat([v1, Buffer.from(GET_CLOSE)])]);
    expect(result.responses.map((r) => r.status)).toEqual([200]);
    expect(seen).toEqual([{ remoteAddress: '203.0.113.7', remotePort: 40001, proxy: { address: '127.0.0.1', port: expect.any(Number) } }]);
  });

  it('v2 TCP4 and TCP6: the client is the remote address', async () => {
    const { server, seen } = await serve(runtime);
    const four = await rawRequest(server.port, [Buffer.concat([v2tcp4, Buffer.from(GET_CLOSE)])]);
    const six = await rawRequest(server.port, [Buffer.concat([v2tcp6, Buffer.from(GET_CLOSE)])]);
    expect([four, six].map((r) => addressOf(r.responses[0]!.body))).toEqual(['203.0.113.8', '2001:db8::9']);
    expect(seen.map((s) => s.proxy?.address)).toEqual(['127.0.0.1', '127.0.0.1']);
    if (ours) expect(seen.map((s) => s.remotePort)).toEqual([40002, 40003]);
  });

  it('v2 LOCAL (a health check) keeps the balancer\'s own address', async () => {
    const { server, seen } = await serve(runtime);
    const result = await rawRequest(server.port, [Buffer.concat([v2local, Buffer.from(GET_CLOSE)])]);
    expect(addressOf(result.responses[0]!.body)).toBe('127.0.0.1');
    expect(seen[0]!.proxy?.address).toBe('127.0.0.1');
  });

  it('a header followed at once by pipelined requests: each is answered, each from the client', async () => {
    const { server, seen } = await serve(runtime);
    // uWS closes a connection whose second request arrives before the first answer (README): one request there.
    const requests = ours ? GET + GET + GET_CLOSE : GET_CLOSE;
    const result = await rawRequest(server.port, [Buffer.concat([v2tcp4, Buffer.from(requests)])]);
    expect(result.responses.map((r) => addressOf(r.body))).toEqual(ours ? ['203.0.113.8', '203.0.113.8', '203.0.113.8'] : ['203.0.113.8']);
    expect(seen).toHaveLength(ours ? 3 : 1);
  });

  it('a header and request split byte by byte', async () => {
    const { server, seen } = await serve(runtime);
    const raw = await byteByByte(server.port, Buffer.concat([ours ? v1 : v2tcp4, Buffer.from(GET_CLOSE)]));
    const parsed = parseResponses(raw, { eof: true });
    expect(parsed.responses.map((r) => addressOf(r.body))).toEqual([ours ? '203.0.113.7' : '203.0.113.8']);
    expect(seen).toHaveLength(1);
  });

  it('from a peer outside proxyProtocol.from: closed and logged, never dispatched', async () => {
    const { server, seen, warnings } = await serve(runtime, { proxyProtocol: { from: ['10.0.0.0/8'] } });
    const result = await rawRequest(server.port, [Buffer.concat([v2tcp4, Buffer.from(GET_CLOSE)])]);
    expect(result.closed).toBe(true);
    expect(result.responses).toEqual([]);
    expect(seen).toEqual([]);
    expect(warnings.join('\n')).toMatch(/127\.0\.0\.1.*not in proxyProtocol\.from/);
  });

  onlyIf(ours)('close() ends within its grace period while a client has not sent its PROXY header yet', async () => {
    // The header timeout is far longer than the test's own: only the grace period can end this close().
    const { server } = await serve(runtime, { proxyProtocol: { from: ['127.0.0.0/8'], timeoutMs: 60_000 } });
    const stalled = await new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    });
    stalled.on('error', () => {});
    const closedByServer = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    await server.close({ graceMs: 200 });
    await closedByServer;
    expect(stalled.destroyed).toBe(true);
  });

  onlyIf(ours)('truncated, malformed, missing or late headers close the connection with a warning', async () => {
    const { server, seen, warnings } = await serve(runtime, { proxyProtocol: { from: ['127.0.0.0/8'], timeoutMs: 200 } });
    const truncated = await rawRequest(server.port, [v2tcp4.subarray(0, 20)], { between: () => undefined }).catch(() => null);
    // (the client never ends: the server's timeout closes it)
    const cutShort = await new Promise<boolean>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end(v1.subarray(0, 10)));
      socket.on('error', () => {});
      socket.on('close', () => resolve(true));
      socket.resume();
    });
    const malformed = await rawRequest(server.port, [Buffer.from('PROXY TCP4 1.2.3.4 nonsense\r\n' + GET)]);
    const missing = await rawRequest(server.port, [Buffer.from(GET)]);
    const tooLong = await rawRequest(server.port, [Buffer.from(`PROXY TCP4 ${'9'.repeat(200)}`)]);
    expect(truncated?.closed).toBe(true);
    expect(cutShort).toBe(true);
    for (const r of [malformed, missing, tooLong]) expect([r.closed, r.responses.length]).toEqual([true, 0]);
    expect(seen).toEqual([]);
    const log = warnings.join('\n');
    expect(log).toMatch(/no complete header within 200 ms/);
    expect(log).toMatch(/cut short/);
    expect(log).toMatch(/malformed v1 header/);
    expect(log).toMatch(/not a PROXY protocol header/);
    expect(log).toMatch(/longer than 107/);
  });

  onlyIf(!ours)('uws: a malformed v2 header or a v1 header never reaches a handler', async () => {
    const { server, seen } = await serve(runtime);
    const bad = Buffer.from(v2tcp4);
    bad[12] = 0x31;
    const sockets = [bad, v1].map((header) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(Buffer.concat([header, Buffer.from(GET)])));
      socket.on('error', () => {});
      return socket;
    });
    // A good request after them, answered: the bad ones were read first and never dispatched.
    const good = await rawRequest(server.port, [Buffer.concat([v2tcp4, Buffer.from(GET_CLOSE)])]);
    sockets.forEach((s) => s.destroy());
    expect(good.responses.map((r) => r.status)).toEqual([200]);
    expect(seen.map((s) => s.remoteAddress)).toEqual(['203.0.113.8']);
  });
});

describe.each(['net', 'node-http'] as const)('PROXY protocol before TLS on %s', (runtime) => {
  it('the header comes first, the handshake after it, the request inside', async () => {
    const { server, seen } = await serve(runtime, { tls: { key, cert } });
    const body = await new Promise<string>((resolve, reject) => {
      const raw = net.connect(server.port, '127.0.0.1', () => {
        raw.write(v2tcp6);
        const secure = tls.connect({ socket: raw, ca: cert, servername: 'localhost', checkServerIdentity: () => undefined }, () => secure.write(GET_CLOSE));
        const chunks: Buffer[] = [];
        secure.on('data', (c) => chunks.push(c));
        secure.on('error', reject);
        secure.on('close', () => resolve(Buffer.concat(chunks).toString()));
      });
    });
    expect(body).toMatch(/^HTTP\/1\.1 200/);
    expect(seen).toEqual([{ remoteAddress: '2001:db8::9', remotePort: 40003, proxy: { address: '127.0.0.1', port: expect.any(Number) } }]);
  });
});

describe('proxyProtocol, trustProxy and signals options', () => {
  const dispatch: DispatchFn<null> = (_c, _r, res) => res.send({ body: 'x' });
  it('are checked at start-up, naming what is wrong', async () => {
    const { serveGeneric } = await import('wirecore');
    await expect(serveGeneric(null, dispatch, { proxyProtocol: { from: [] } })).rejects.toThrow(/proxyProtocol\.from must be a non-empty list/);
    await expect(serveGeneric(null, dispatch, { proxyProtocol: { from: ['10.0.0.0/33'] } })).rejects.toThrow(/"10\.0\.0\.0\/33" has a bad prefix length/);
    await expect(serveGeneric(null, dispatch, { proxyProtocol: { from: ['example.com'] } })).rejects.toThrow(/not an address, a CIDR range or a preset/);
    await expect(serveGeneric(null, dispatch, { proxyProtocol: { from: ['loopback'], timeoutMs: -1 } })).rejects.toThrow(/proxyProtocol\.timeoutMs must be a positive number/);
    await expect(serveGeneric(null, dispatch, { proxyProtocol: { from: ['loopback'], form: 1 } as never })).rejects.toThrow(/unknown option 'proxyProtocol\.form'/);
    await expect(serveGeneric(null, dispatch, { trustProxy: -2 })).rejects.toThrow(/trustProxy as a number is a count of hops/);
    await expect(serveGeneric(null, dispatch, { trustProxy: 'yes' as never })).rejects.toThrow(/trustProxy must be true, a hop count/);
    await expect(serveGeneric(null, dispatch, { signals: { graceMs: 0 } })).rejects.toThrow(/signals\.graceMs must be a positive number/);
    // uWS reads the header inside TLS, where balancers never send it.
    await expect(serveGeneric(null, dispatch, { runtime: 'uws', tls: { key, cert }, proxyProtocol: { from: ['loopback'] } })).rejects.toThrow(/runtime 'uws' cannot take a PROXY protocol header before TLS/);
  });
});
