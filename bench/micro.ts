// Micro benchmarks (tinybench): the parser beside Node's own, the writer's
// head and chunk framing, and static lookup. Returns rows for BENCH.md.
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import { createStatic } from 'wirecore';
import { ParserType, execute, llhttp, spans } from '../src/parser/llhttp.js';
import { RequestParser, type ParsedHead } from '../src/parser/request-parser.js';
import { normalizeHeaders } from '../src/writer/headers.js';
import { CONN_DEFAULT, FRAME_LENGTH, serializeHead } from '../src/writer/head.js';

export interface MicroRow {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  /** Requests parsed per second (parser rows). */
  requestsPerSec?: number;
}

const GET_300 = Buffer.from(
  'GET /api/v1/items?page=2&sort=name HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) bench/1.0\r\n' +
    'Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.9\r\nAccept-Encoding: gzip, deflate\r\n' +
    'Connection: keep-alive\r\nCookie: session=abcdef0123456789\r\n\r\n',
);
const JSON_1K = '{"data":"' + 'x'.repeat(1000) + '"}';
const POST_1K = Buffer.from(`POST /echo HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\nContent-Length: ${JSON_1K.length}\r\n\r\n${JSON_1K}`);
const CHUNKED_64 = Buffer.from('POST /up HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n' + '10\r\n0123456789abcdef\r\n'.repeat(64) + '0\r\n\r\n');
const PIPELINED_16 = Buffer.concat(Array.from({ length: 16 }, () => GET_300));
const BYTES_OF_GET = [...GET_300].map((b) => Buffer.from([b]));

/** `readFields`: every field string is made, as Node's binding makes them (a fast-path head makes them only when read). */
function wirecoreParser(readFields: boolean): { parser: RequestParser; count: () => number } {
  let n = 0;
  const parser = new RequestParser(
    {
      onRequestHead: (h: ParsedHead) => void (n += readFields ? h.headers.length : 1),
      onRequestBody: () => {},
      onRequestEnd: () => false,
    },
    { maxHeaderBytes: 16384, maxTargetBytes: 8192 },
  );
  return { parser, count: () => n };
}

/** Node's own llhttp binding (native), reached through its internal module. */
function nodeParser(): ((b: Buffer) => void) | null {
  try {
    const { HTTPParser } = createRequire(import.meta.url)('_http_common') as {
      HTTPParser: { new (): { initialize(t: number, r: object): void; execute(b: Buffer): unknown; [k: number]: unknown }; REQUEST: number; kOnHeadersComplete: number; kOnMessageComplete: number; kOnBody: number };
    };
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {});
    parser[HTTPParser.kOnHeadersComplete] = () => 0;
    parser[HTTPParser.kOnMessageComplete] = () => 0;
    parser[HTTPParser.kOnBody] = () => 0;
    return (b) => void parser.execute(b);
  } catch {
    return null;
  }
}

export async function runMicro(timeMs: number): Promise<MicroRow[]> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs) });
  const requestsPerOp = new Map<string, number>();
  const parserCase = (name: string, input: Buffer | Buffer[], requests: number, readFields = true) => {
    const { parser } = wirecoreParser(readFields);
    const parts = Array.isArray(input) ? input : [input];
    bench.add(name, () => {
      for (const part of parts) parser.execute(part);
    });
    requestsPerOp.set(name, requests);
  };
  parserCase('parser: 300-byte GET', GET_300, 1);
  parserCase('parser: 300-byte GET, no field read', GET_300, 1, false);
  parserCase('parser: 16 pipelined GETs in one buffer', PIPELINED_16, 16);
  parserCase('parser: 1 KiB JSON POST', POST_1K, 1);
  parserCase('parser: chunked body of 64 chunks', CHUNKED_64, 1);
  parserCase('parser: a GET one byte per call', BYTES_OF_GET, 1);
  // The floor under the parser rows: undici's llhttp build with nothing done per callback.
  const bare = llhttp.llhttp_alloc(ParserType.REQUEST);
  const noCallbacks = { onMessageBegin: () => 0, onHeadersComplete: () => 0, onBody: () => 0, onMessageComplete: () => 0 };
  const bareName = 'llhttp alone (spans recorded, no strings): 300-byte GET';
  bench.add(bareName, () => {
    execute(bare, noCallbacks, GET_300);
    spans.count = 0;
  });
  requestsPerOp.set(bareName, 1);
  const node = nodeParser();
  if (node) {
    bench.add("node's parser (native llhttp): 300-byte GET", () => node(GET_300));
    requestsPerOp.set("node's parser (native llhttp): 300-byte GET", 1);
    bench.add("node's parser (native llhttp): 16 pipelined GETs", () => node(PIPELINED_16));
    requestsPerOp.set("node's parser (native llhttp): 16 pipelined GETs", 16);
  }
  const headers = normalizeHeaders({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  bench.add('writer: head serialization (2 headers)', () => serializeHead(200, headers, FRAME_LENGTH, 1234, CONN_DEFAULT));
  bench.add('writer: header normalization (2 headers)', () => normalizeHeaders({ 'content-type': 'application/json', 'cache-control': 'no-store' }));
  const data = 'x'.repeat(4096);
  bench.add('writer: chunk framing (4 KiB)', () => data.length.toString(16) + '\r\n' + data + '\r\n');
  const statics = new Map([['/a', createStatic({ body: 'a' })], ['/health', createStatic({ body: 'ok' })]]);
  bench.add('static lookup (tryStatic map hit)', () => statics.get('/health'));
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result as { throughput?: { mean: number } } | undefined;
    const ops = result?.throughput?.mean ?? 0;
    const per = requestsPerOp.get(task.name);
    return { name: task.name, opsPerSec: ops, nsPerOp: ops > 0 ? 1e9 / ops : 0, ...(per ? { requestsPerSec: ops * per } : {}) };
  });
}
