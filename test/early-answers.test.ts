// Early answers: the server answers (413, 411, or a handler's own answer)
// and closes while the client is still sending its body. The client must
// read the whole answer and see the connection end with a FIN, not a reset:
// every runtime keeps reading and dropping what arrives (net and node-http
// after their FIN, uws by holding the answer until the body has arrived).
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseResponses, type ParsedResponse } from 'wirecore/testing';
import { RUNTIMES, start } from './helpers/servers.js';
import { supports } from '../parity/divergences.js';

const MAX_BODY = 1024 * 1024;
const OVER = MAX_BODY + 10;
const PIECE = 64 * 1024;
/** Each case runs this many times: an answer lost one time in four must fail it. */
const ROUNDS = 5;

interface Upload {
  responses: ParsedResponse[];
  /** The socket error the client saw (EPIPE, ECONNRESET), or null for a clean end. */
  error: string | null;
  /** Body bytes the client wrote before the connection ended. */
  sent: number;
}

/**
 * Sends `head`, then `total` body bytes (chunk-framed when `chunked`) in
 * pieces, whatever the server answers meanwhile, like a client that reads
 * only once its upload is done. Resolves when the connection has closed.
 */
function upload(port: number, head: string, total: number, chunked: boolean, sentSoFar?: (sent: number) => void): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    let error: string | null = null;
    let sent = 0;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`upload did not end; received ${JSON.stringify(Buffer.concat(received).toString('latin1').slice(0, 300))}`));
    }, 20_000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => {
      clearTimeout(guard);
      const parsed = parseResponses(Buffer.concat(received), { eof: true, isHeadRequest: () => false });
      resolve({ responses: parsed.responses, error, sent });
    });
    const piece = Buffer.alloc(PIECE, 0x61);
    const next = () => {
      if (socket.destroyed || !socket.writable) return;
      if (sent >= total) {
        if (chunked) socket.end('0\r\n\r\n');
        else socket.end();
        return;
      }
      const n = Math.min(PIECE, total - sent);
      sent += n;
      const data = chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), piece.subarray(0, n), Buffer.from('\r\n')]) : piece.subarray(0, n);
      // One piece at a time, each once the last has left: the body keeps arriving after the answer.
      socket.write(data, () => {
        sentSoFar?.(sent);
        setImmediate(next);
      });
    };
    socket.write(head, () => setImmediate(next));
  });
}

const post = (path: string, framing: string) => `POST ${path} HTTP/1.1\r\nHost: early\r\n${framing}\r\n\r\n`;

describe.each(RUNTIMES)('early answers reach a client that keeps sending (%s)', (runtime) => {
  /** Opened by the client once it has sent a good part of its body: /late answers then. */
  let gate: Promise<void> = Promise.resolve();
  const readWhole = async (_ctx: null, req: import('wirecore').WireRequest, res: import('wirecore').ResponseWriter) => {
    if (req.path === '/ignore') return res.send({ status: 401, body: 'no upload for you\n' });
    if (req.path === '/late') {
      await gate;
      return res.send({ status: 401, body: 'no upload for you\n' });
    }
    const body = await req.body.bytes();
    return res.send({ status: 200, body: String(body.length) });
  };

  async function expectAnswered(head: string, chunked: boolean, status: number, body: string): Promise<void> {
    const server = await start(runtime, null, readWhole, { maxBodyBytes: MAX_BODY });
    for (let round = 0; round < ROUNDS; round++) {
      let open = () => {};
      gate = new Promise((resolve) => (open = resolve));
      const result = await upload(server.port, head, OVER, chunked, (sent) => sent >= 256 * 1024 && open());
      expect({ round, error: result.error }).toEqual({ round, error: null });
      expect(result.responses.length).toBe(1);
      const answer = result.responses[0]!;
      expect(answer.status).toBe(status);
      expect(answer.body.toString('latin1')).toBe(body);
      // The answer closes: a header says so.
      expect(answer.headers.some((v, i) => i % 2 === 1 && /^close$/i.test(v) && /^connection$/i.test(answer.headers[i - 1]!))).toBe(true);
    }
  }

  it('413 for a declared Content-Length over maxBodyBytes, answered before the body is read', async () => {
    await expectAnswered(post('/read', `Content-Length: ${OVER}`), false, 413, `Request body over ${MAX_BODY} bytes\n`);
  });

  it('413 for a chunked body that grows over maxBodyBytes (uws: 411, it takes no chunked bodies)', async () => {
    if (runtime === 'uws') await expectAnswered(post('/read', 'Transfer-Encoding: chunked'), true, 411, 'A request body needs a Content-Length on this server\n');
    else await expectAnswered(post('/read', 'Transfer-Encoding: chunked'), true, 413, `Request body over ${MAX_BODY} bytes\n`);
  });

  it("a handler's answer that leaves over 64 KiB of the body unread", async () => {
    await expectAnswered(post('/ignore', `Content-Length: ${OVER}`), false, 401, 'no upload for you\n');
  });

  it('an answer given once the unread body has filled what is buffered (reading paused)', async () => {
    await expectAnswered(post('/late', `Content-Length: ${OVER}`), false, 401, 'no upload for you\n');
  });

  // uws has no body timeout of its own to answer with (parity/divergences.ts: timeouts).
  if (supports(runtime, 'timeouts')) {
    it('408 for a body that stalls, then the client sends the rest', async () => {
      const server = await start(runtime, null, readWhole, { requestTimeoutMs: 200, headersTimeoutMs: 200 });
      for (let round = 0; round < ROUNDS; round++) {
        const result = await new Promise<{ answer: string; error: string | null }>((resolve, reject) => {
          const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
          let answer = '';
          let error: string | null = null;
          const guard = setTimeout(() => reject(new Error(`no end; received ${JSON.stringify(answer)}`)), 20_000);
          socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
          socket.on('close', () => {
            clearTimeout(guard);
            resolve({ answer, error });
          });
          socket.on('data', (chunk) => {
            const first = answer === '';
            answer += chunk.toString('latin1');
            // The 408 is in: now the stalled client wakes up and sends the rest of its body.
            if (first) socket.end(Buffer.alloc(256 * 1024, 0x61));
          });
          socket.write(post('/read', `Content-Length: ${256 * 1024 + 10}`) + 'first bytes');
        });
        expect({ round, error: result.error }).toEqual({ round, error: null });
        expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(result.answer).toMatch(/\r\nconnection: close\r\n/i);
      }
    });
  }
});
