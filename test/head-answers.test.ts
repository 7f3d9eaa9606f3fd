// A HEAD answer reports its GET's length and sends no body, a 204 or 304
// sends neither, and the connection then behaves as after any other answer,
// on every runtime: a later request on it is served, a close the client asked
// for or this side decided is said (and done, except on uws). uWS's own
// endWithoutBody(length) keeps the response open, owing the length: the next
// request was refused and no close came.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseResponses, type ParsedResponse } from 'wirecore/testing';
import { RUNTIMES, start } from './helpers/servers.js';

/** Sends `text`, then `later` once `expected` answers arrived; resolves when the connection closes (or after `waitMs`, still open). */
function exchange(port: number, text: string, expected: number, heads: number[], later?: string, waitMs = 2000): Promise<{ responses: ParsedResponse[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let received = Buffer.alloc(0);
    let sentLater = false;
    const read = (eof: boolean) => parseResponses(received, { eof, isHeadRequest: (i) => heads.includes(i) }).responses;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (later !== undefined && !sentLater && read(false).length >= expected) {
        sentLater = true;
        socket.write(later);
      }
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ responses: read(false), closed: false });
    }, waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ responses: read(true), closed: true });
    });
  });
}

function header(r: ParsedResponse, name: string): string | undefined {
  for (let i = 0; i < r.headers.length; i += 2) if (r.headers[i]!.toLowerCase() === name) return r.headers[i + 1];
  return undefined;
}

describe.each(RUNTIMES)('HEAD answers on %s', (runtime) => {
  const serve = (onHeld?: (release: () => void) => void) =>
    start(runtime, null, async (_ctx, req, res) => {
      if (req.path === '/204' || req.path === '/304') return res.send({ status: Number(req.path.slice(1)) });
      if (req.path === '/held') await new Promise<void>((release) => onHeld!(release));
      if (req.path === '/stream') {
        res.startChunked(200, { 'content-type': 'text/plain' }, { length: 5 });
        await res.writeChunk('hello');
        return res.endChunked();
      }
      return res.send({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hi' });
    });

  it('a request after a HEAD answer on the same connection is served', async () => {
    const server = await serve();
    for (const path of ['/', '/stream']) {
      const got = await exchange(server.port, `HEAD ${path} HTTP/1.1\r\nHost: t\r\n\r\n`, 1, [0], `GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      expect(got.responses.map((r) => r.status)).toEqual([200, 200]);
      const [head, get] = got.responses;
      expect(head!.body.length).toBe(0);
      expect(header(head!, 'content-length')).toBe(String(get!.body.length));
      expect(got.closed).toBe(true);
    }
    await server.close();
  });

  it('a HEAD answer the client asked to close after closes the connection', async () => {
    const server = await serve();
    const got = await exchange(server.port, 'HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', 1, [0]);
    expect(got.responses.map((r) => [r.status, header(r, 'content-length'), r.body.length])).toEqual([[200, '2', 0]]);
    expect(got.closed).toBe(true);
    await server.close();
  });

  it('a 204 or 304 the client asked to close after carries no Content-Length and closes', async () => {
    const server = await serve();
    for (const status of [204, 304]) {
      const got = await exchange(server.port, `GET /${status} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`, 1, []);
      expect(got.responses.map((r) => [r.status, header(r, 'content-length'), r.body.length])).toEqual([[status, undefined, 0]]);
      expect(got.closed).toBe(true);
    }
    await server.close();
  });

  it('a HEAD answer given while the server drains says Connection: close and closes', async () => {
    let release: () => void = () => {};
    let held: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (held = resolve));
    const server = await serve((r) => {
      release = r;
      held();
    });
    const got = exchange(server.port, 'HEAD /held HTTP/1.1\r\nHost: t\r\n\r\n', 1, [0], undefined, runtime === 'uws' ? 300 : 2000);
    await arrived;
    const closing = server.close();
    release();
    const { responses, closed } = await got;
    expect(responses.map((r) => [r.status, header(r, 'content-length'), header(r, 'connection')?.toLowerCase(), r.body.length])).toEqual([[200, '2', 'close', 0]]);
    // uWS closes after an ended answer only when the client asked; otherwise the client closes (PARITY.md).
    expect(closed).toBe(runtime !== 'uws');
    await closing;
  });
});
