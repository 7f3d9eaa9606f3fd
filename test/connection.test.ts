// The connection state machine's output batching, seen through the memory transport's writes.
import { describe, expect, it } from 'vitest';
import type { DispatchFn, ServeOptions } from 'wirecore';
import { parseResponses } from 'wirecore/testing';
import { resolveOptions } from '../src/options.js';
import { ServerCore } from '../src/runtime/core.js';
import { Connection } from '../src/runtime/stream/connection.js';
import { MemoryTransport } from '../src/runtime/memory.js';

function pipeline(count: number): Buffer {
  return Buffer.from(Array.from({ length: count }, (_, i) => `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`).join(''));
}

async function run(dispatch: DispatchFn<null>, bytes: Buffer, options: ServeOptions<null> = {}): Promise<{ writes: number; paths: string[]; incomplete: boolean }> {
  const core = new ServerCore<null>(null, dispatch, resolveOptions(options));
  const transport = new MemoryTransport();
  const connection = new Connection(core as ServerCore<unknown>, transport);
  transport.connection = connection;
  transport.feed(bytes);
  await new Promise((resolve) => setImmediate(resolve));
  connection.destroy();
  const parsed = parseResponses(Buffer.concat(transport.output));
  return { writes: transport.output.length, paths: parsed.responses.map((r) => r.body.toString()), incomplete: parsed.incomplete };
}

describe('connection output', () => {
  it('answers a pipeline that arrived in one chunk with one write, in order', async () => {
    const r = await run((_c, req, res) => res.send({ body: req.path }), pipeline(16));
    expect(r.paths).toEqual(Array.from({ length: 16 }, (_, i) => `/${i}`));
    expect(r.writes).toBe(1);
  });

  it('sends a stream written after an await, head to last chunk, in one write', async () => {
    const r = await run(async (_c, req, res) => {
      await Promise.resolve();
      res.startChunked(200);
      for (let i = 0; i < 8; i++) res.writeChunk(`${req.path}:${i};`);
      res.endChunked();
    }, pipeline(1));
    expect(r.paths).toEqual(['/0:0;/0:1;/0:2;/0:3;/0:4;/0:5;/0:6;/0:7;']);
    expect(r.writes).toBe(1);
  });

  it('still sends the answers before one whose handler failed after its head (the connection then drops)', async () => {
    const outcomes: string[] = [];
    // Synchronous handlers: both run while the chunk is handled, so /0's answer is still in the batch when /1 fails.
    const r = await run((_c, req, res) => {
      if (req.path === '/0') return res.send({ body: req.path });
      res.startChunked(200);
      throw new Error('handler failed mid-stream');
    }, pipeline(3), { logger: { error: () => {}, warn: () => {} }, onResponse: (w, req) => outcomes.push(`${req?.path} ${w.outcome}`) });
    expect(r.paths).toEqual(['/0']);
    expect(r.incomplete).toBe(true);
    // /2 is never started: the connection ends after /1's partial answer.
    expect(outcomes).toEqual(['/0 complete', '/1 error']);
  });
});

describe('pipelining limit', () => {
  it('stops parsing at maxPipelinedRequests and resumes as answers go, answering 20 requests in order', async () => {
    const limit = 4;
    const total = 20;
    let inFlight = 0;
    let maxInFlight = 0;
    let reported = 0;
    let allReported!: () => void;
    const done = new Promise<void>((resolve) => (allReported = resolve));
    // Later requests finish first, so answers wait behind the head of the line.
    const dispatch: DispatchFn<null> = async (_c, req, res) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const n = Number(req.path.slice(1));
      for (let tick = 0; tick < (total - n) % limit; tick++) await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      res.send({ body: req.path });
    };
    const onResponse = () => {
      if (++reported === total) allReported();
    };
    const core = new ServerCore<null>(null, dispatch, resolveOptions({ maxPipelinedRequests: limit, onResponse }));
    const transport = new MemoryTransport();
    const connection = new Connection(core as ServerCore<unknown>, transport);
    transport.connection = connection;
    transport.feed(pipeline(total));
    await done;
    connection.destroy();
    const parsed = parseResponses(Buffer.concat(transport.output));
    expect(parsed.error).toBeNull();
    expect(parsed.responses.map((r) => r.body.toString())).toEqual(Array.from({ length: total }, (_, i) => `/${i}`));
    expect(maxInFlight).toBe(limit);
  });
});
