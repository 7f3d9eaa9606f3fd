// Bodies given as bytes arrive byte for byte and in order on every runtime,
// small ones (net joins those to its batch's text as latin1) beside large
// ones and strings, in pipelined answers and in a stream's chunks.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseResponses } from 'wirecore/testing';
import { RUNTIMES, start } from './helpers/servers.js';

const EVERY_BYTE = Uint8Array.from({ length: 256 }, (_, i) => i);
const LARGE = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff);

function bodyFor(path: string): Uint8Array | string {
  if (path === '/small') return EVERY_BYTE;
  if (path === '/large') return LARGE;
  return 'text é';
}

describe.each(RUNTIMES)('bodies given as bytes on %s', (runtime) => {
  it('arrive byte for byte, in order, whole or streamed', async () => {
    const server = await start(runtime, null, async (_ctx, req, res) => {
      if (req.path === '/stream') {
        res.startChunked(200);
        for (const part of [EVERY_BYTE, 'mid', LARGE, EVERY_BYTE.subarray(250)]) {
          const wait = res.writeChunk(part);
          if (wait !== true) await wait;
        }
        return res.endChunked();
      }
      return res.send({ status: 200, body: bodyFor(req.path) });
    });
    const paths = ['/small', '/text', '/large', '/small', '/stream'];
    // uWS closes a connection that pipelines past an unanswered request: one connection per request there.
    const batches = runtime === 'uws' ? paths.map((p) => [p]) : [paths];
    const bodies: Buffer[] = [];
    for (const batch of batches) {
      const text = batch.map((p, i) => `GET ${p} HTTP/1.1\r\nHost: t\r\n${i === batch.length - 1 ? 'Connection: close\r\n' : ''}\r\n`).join('');
      const bytes = await new Promise<Buffer>((resolve, reject) => {
        const socket = net.connect(server.port, '127.0.0.1', () => socket.write(text));
        const got: Buffer[] = [];
        socket.on('data', (c: Buffer) => got.push(c));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(got)));
      });
      const parsed = parseResponses(bytes, { eof: true });
      expect(parsed.error).toBeNull();
      bodies.push(...parsed.responses.map((r) => r.body));
    }
    const streamed = Buffer.concat([EVERY_BYTE, Buffer.from('mid'), LARGE, EVERY_BYTE.subarray(250)]);
    expect(bodies).toEqual([Buffer.from(EVERY_BYTE), Buffer.from('text é'), Buffer.from(LARGE), Buffer.from(EVERY_BYTE), streamed]);
    await server.close();
  });
});
