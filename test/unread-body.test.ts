// The unread-body rule as the README states it: whether an answer that left
// the body unread keeps the connection depends on the part of the body not
// yet received. At most 64 KiB still to come is read and dropped and the
// connection goes on; more makes the answer close the connection. A body
// that has arrived but was never read holds nothing up.
import { describe, expect, it } from 'vitest';
import type { RuntimeName } from 'wirecore';
import { header, rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const KiB = 1024;

const upload = (length: number) => `POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: ${length}\r\n\r\n`;
const NEXT = 'GET /next HTTP/1.1\r\nHost: t\r\n\r\n';

/** Sends `first`, then (once its answer is in) `then`, by default the next request, on the same connection. */
function thenNext(port: number, first: string, then = NEXT) {
  return rawRequest(port, [first, then], { responses: 2, between: (_i, received) => waitForBytes(received, (b) => b.includes('POST /upload\n')) });
}

const connection = (r: Awaited<ReturnType<typeof rawRequest>>, i: number) => header(r.responses[i]!, 'connection')?.toLowerCase();

describe.each(RUNTIMES)('a body the handler never reads (%s)', (runtime: RuntimeName) => {
  /** Answers without reading; `settle` first lets the runtime hand over what has arrived. */
  const ignoreBody = (settle: boolean) =>
    start(runtime, null, async (_ctx, req, res) => {
      if (settle) await new Promise((resolve) => setImmediate(resolve));
      return res.send({ body: `${req.method} ${req.path}\n` });
    });

  it('70 KiB that has arrived whole is dropped, and the next request on the connection is answered', async () => {
    const server = await ignoreBody(true);
    const r = await thenNext(server.port, upload(70 * KiB) + 'b'.repeat(70 * KiB));
    expect(r.responses.map((x) => x.body.toString())).toEqual(['POST /upload\n', 'GET /next\n']);
    expect(connection(r, 0)).not.toBe('close');
  });

  it('answered before any await: net counts what came with the head, node-http and uws have handed over none of it yet', async () => {
    const server = await ignoreBody(false);
    const body = upload(70 * KiB) + 'b'.repeat(70 * KiB);
    if (runtime === 'net') {
      const r = await thenNext(server.port, body);
      expect(r.responses.map((x) => x.body.toString())).toEqual(['POST /upload\n', 'GET /next\n']);
      return;
    }
    const r = await rawRequest(server.port, body);
    expect(r.responses.map((x) => x.body.toString())).toEqual(['POST /upload\n']);
    expect(connection(r, 0)).toBe('close');
    expect(r.closed).toBe(true);
  });

  it('over 64 KiB still to come: the answer closes the connection', async () => {
    const server = await ignoreBody(true);
    // Only the head is sent: the whole declared body is yet to arrive.
    const r = await rawRequest(server.port, upload(70 * KiB));
    expect(r.responses.length).toBe(1);
    expect(r.responses[0]!.status).toBe(200);
    expect(connection(r, 0)).toBe('close');
    expect(r.closed).toBe(true);
  });

  it('at most 64 KiB still to come: read and dropped, the connection goes on', async () => {
    const server = await ignoreBody(true);
    // The body is sent once the answer is in: none of it had arrived when it was answered.
    const r = await thenNext(server.port, upload(60 * KiB), 'r'.repeat(60 * KiB) + NEXT);
    expect(r.responses.map((x) => x.body.toString())).toEqual(['POST /upload\n', 'GET /next\n']);
    expect(connection(r, 0)).not.toBe('close');
  });
});
