// startChunked(status, headers, { length }): a streamed body of known length
// is framed with Content-Length on every runtime, and a body that does not
// match its declared length never reaches the peer as a whole answer.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { DispatchFn } from 'wirecore';
import { header, rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const GET = (target = '/', method = 'GET') => `${method} ${target} HTTP/1.1\r\nHost: t\r\n\r\n`;

/** Streams `parts`, declaring `declared` bytes. */
function streaming(parts: string[], declared: number): DispatchFn<null> {
  return async (_c, _req, res) => {
    res.startChunked(200, { 'content-type': 'text/plain' }, { length: declared });
    for (const part of parts) await res.writeChunk(part);
    return res.endChunked();
  };
}

describe.each(RUNTIMES)('streams with a declared length on %s', (runtime) => {
  it('frames the body with Content-Length, not chunked, and keeps the connection', async () => {
    const server = await start(runtime, null, streaming(['hello ', 'world'], 11));
    const r = await rawRequest(server.port, [GET('/a'), GET('/b')], { responses: 2, between: (_i, got) => waitForBytes(got, (b) => b.includes('hello world')) });
    expect(r.responses.map((x) => x.body.toString())).toEqual(['hello world', 'hello world']);
    for (const response of r.responses) {
      expect(header(response, 'content-length')).toBe('11');
      expect(header(response, 'transfer-encoding')).toBeUndefined();
    }
  });

  it('answers HEAD with the declared length and no body', async () => {
    const server = await start(runtime, null, streaming(['hello ', 'world'], 11));
    const r = await rawRequest(server.port, GET('/', 'HEAD'), { responses: 1, headRequests: [0] });
    expect(r.responses[0]!.status).toBe(200);
    expect(header(r.responses[0]!, 'content-length')).toBe('11');
    expect(r.responses[0]!.body.length).toBe(0);
  });

  it('sends an empty declared body as Content-Length: 0', async () => {
    const server = await start(runtime, null, streaming([], 0));
    const r = await rawRequest(server.port, GET(), { responses: 1 });
    expect(header(r.responses[0]!, 'content-length')).toBe('0');
    expect(r.responses[0]!.body.length).toBe(0);
  });

  it('drops the connection when the handler writes more than it declared', async () => {
    const errors: string[] = [];
    const server = await start(runtime, null, streaming(['hello ', 'world, and more'], 11), { logger: { error: (m) => errors.push(m), warn: () => {} } });
    const r = await rawRequest(server.port, GET());
    expect(r.closed).toBe(true);
    expect(r.responses.length).toBe(0);
    expect(r.raw.toString('latin1')).not.toContain('and more');
    expect(errors.some((m) => m.includes('GET /'))).toBe(true);
  });

  it('survives a write past the declared length after the whole body has gone out, and serves the next request', async () => {
    const errors: string[] = [];
    const server = await start(runtime, null, async (_c, req, res) => {
      if (req.path === '/next') return res.send({ body: 'next' });
      res.startChunked(200, {}, { length: 3 });
      await res.writeChunk('abc');
      // The whole declared body is out (uWS has ended the response); this write is one too many.
      await new Promise((resolve) => setImmediate(resolve));
      await res.writeChunk('d');
      return res.endChunked();
    }, { logger: { error: (m) => errors.push(m), warn: () => {} } });
    // The client has the whole declared answer either way; the connection then drops (uws: it cannot, the answer was over).
    const first = await rawRequest(server.port, GET('/over'), { responses: 1 });
    expect(first.responses[0]!.body.toString()).toBe('abc');
    const next = await rawRequest(server.port, GET('/next'), { responses: 1 });
    expect(next.responses[0]!.body.toString()).toBe('next');
    expect(errors.some((m) => m.includes('GET /over'))).toBe(true);
  });

  it('drops the connection when the handler ends short of what it declared', async () => {
    const errors: string[] = [];
    const server = await start(runtime, null, streaming(['hello'], 11), { logger: { error: (m) => errors.push(m), warn: () => {} } });
    const r = await rawRequest(server.port, GET());
    expect(r.closed).toBe(true);
    expect(r.responses.length).toBe(0);
    expect(errors.length).toBe(1);
  });

  it('refuses a length that is not a whole number of bytes, before anything is sent', async () => {
    const errors: string[] = [];
    const server = await start(runtime, null, streaming(['x'], -1), { logger: { error: (m) => errors.push(m), warn: () => {} } });
    const r = await rawRequest(server.port, GET(), { responses: 1 });
    expect(r.responses[0]!.status).toBe(500);
    expect(errors.some((m) => m.includes('GET /'))).toBe(true);
  });

  it('waits for a slow reader and delivers every byte of a large declared body', async () => {
    const total = 16 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024, 0x61);
    let stalled!: () => void;
    const firstStall = new Promise<void>((resolve) => (stalled = resolve));
    const server = await start(runtime, null, async (_c, _r, res) => {
      res.startChunked(200, {}, { length: total });
      for (let sent = 0; sent < total; sent += block.length) {
        const wait = res.writeChunk(block);
        if (wait !== true) {
          stalled();
          await wait;
        }
      }
      return res.endChunked();
    });
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(GET()));
    socket.pause();
    await firstStall;
    let received = 0;
    let head = '';
    const done = new Promise<void>((resolve, reject) => {
      socket.on('data', (c: Buffer) => {
        if (head === '' || !head.includes('\r\n\r\n')) {
          head += c.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end !== -1) received += Buffer.byteLength(head, 'latin1') - end - 4;
        } else received += c.length;
        if (received >= total) resolve();
      });
      socket.on('close', () => (received >= total ? resolve() : reject(new Error(`closed after ${received} bytes`))));
    });
    socket.resume();
    await done;
    socket.destroy();
    expect(head).toMatch(new RegExp(`content-length: ${total}\\r\\n`, 'i'));
    expect(received).toBe(total);
  });
});
