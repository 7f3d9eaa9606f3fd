// res.abort(): an answer ends as failed on every runtime. What was written
// before it reaches the client, then the connection closes without the end
// of the body, so no client takes the answer for whole.
import { describe, expect, it } from 'vitest';
import { toFetchHandler, type Outcome } from 'wirecore';
import { rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const GET = (target = '/') => `GET ${target} HTTP/1.1\r\nHost: t\r\n\r\n`;

describe.each(RUNTIMES)('res.abort() on %s', (runtime) => {
  it('after the head: flushes what was written, then closes without the last chunk; reported as error', async () => {
    const outcomes: Outcome[] = [];
    const server = await start(runtime, null, async (_c, _r, res) => {
      res.startChunked(200, { 'content-type': 'text/plain' });
      res.writeChunk('written just before the failure');
      res.abort();
      return undefined as never;
    }, { onResponse: (w) => void outcomes.push(w.outcome) });
    const r = await rawRequest(server.port, GET());
    expect(r.closed).toBe(true);
    expect(r.responses.length).toBe(0);
    expect(r.raw.toString()).toContain('written just before the failure');
    expect(r.raw.toString()).not.toContain('\r\n0\r\n\r\n');
    await waitForBytes(() => Buffer.from(outcomes.join()), (b) => b.length > 0);
    expect(outcomes).toEqual(['error']);
  });

  it('with a declared length: the client sees a short body and a close', async () => {
    const server = await start(runtime, null, async (_c, _r, res) => {
      res.startChunked(200, {}, { length: 100 });
      await res.writeChunk('only ten b');
      res.abort();
      return undefined as never;
    });
    const r = await rawRequest(server.port, GET());
    expect(r.closed).toBe(true);
    expect(r.responses.length).toBe(0);
    expect(r.raw.toString()).toContain('only ten b');
  });

  it('before the head: closes without an answer, and the next connection is served', async () => {
    const server = await start(runtime, null, async (_c, req, res) => {
      if (req.path === '/drop') {
        res.abort();
        return undefined as never;
      }
      return res.send({ body: 'ok' });
    });
    const dropped = await rawRequest(server.port, GET('/drop'));
    expect(dropped.closed).toBe(true);
    expect(dropped.raw.length).toBe(0);
    const next = await rawRequest(server.port, GET('/'), { responses: 1 });
    expect(next.responses[0]!.status).toBe(200);
  });

  it('takes a per-read body limit instead of maxBodyBytes', async () => {
    const server = await start(runtime, null, async (_c, req, res) => res.send({ body: String((await req.body.bytes({ maxBytes: req.path === '/big' ? 4096 : 8 })).length) }), { maxBodyBytes: 16 });
    const body = 'x'.repeat(1000);
    const big = await rawRequest(server.port, `POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n${body}`, { responses: 1 });
    expect(big.responses[0]!.body.toString()).toBe('1000');
    const small = await rawRequest(server.port, `POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789`);
    expect(small.responses[0]!.status).toBe(413);
  });
});

describe('res.abort() through toFetchHandler', () => {
  it('delivers what was written, then errors the body', async () => {
    const fetch = toFetchHandler(null, async (_c, _r, res) => {
      res.startChunked(200);
      res.writeChunk('first part');
      res.abort();
      return undefined as never;
    });
    const response = await fetch(new Request('http://t/'));
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first part');
    await expect(reader.read()).rejects.toThrow('failed after its head');
  });
});
