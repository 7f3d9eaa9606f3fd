// Mutated requests against a running server (fast-check, seeded): the
// process survives, every connection gets valid answers or a close, the
// server closes every socket within its own timeouts, and a valid request
// afterwards still gets 200. Shared by test/fuzz.test.ts (a few hundred
// cases) and `npm run fuzz` (as many as asked).
import net from 'node:net';
import fc from 'fast-check';
import { serveGeneric, type DispatchFn, type RuntimeName, type Server } from 'wirecore';
import { parseResponses } from 'wirecore/testing';

export interface FuzzCase {
  bytes: Buffer;
  /** Where the bytes are cut into separate writes. */
  cuts: number[];
  head: boolean;
}

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PURGE', 'get', 'CONNECT', 'PRI'];
const TARGETS = ['/echo', '/echo?x=1&y=%20', '/', '*', 'http://a/echo', '/e%00cho', '/' + 'a'.repeat(300), '/echo#frag'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'http/1.1', 'HTTP/1.1 ', ''];
/** Bytes that break framing in interesting ways. */
const SHARP = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x7f, 0x80, 0xff, 0x30, 0x41, 0x66];

const field = fc.oneof(
  fc.constantFrom('Host: fuzz', 'Host: a:1', 'Host:', 'Host: a b', 'Connection: close', 'Connection: keep-alive', 'Connection: close\t', 'Expect: 100-continue', 'Expect: magic', 'Upgrade: websocket', 'Connection: Upgrade'),
  fc.nat({ max: 70000 }).map((n) => `Content-Length: ${n}`),
  fc.constantFrom('Content-Length: 0', 'Content-Length: -1', 'Content-Length: 1, 1', 'Content-Length: +3', 'Content-Length: 99999999999999999999', 'Content-Length:\t3\t'),
  fc.constantFrom('Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: chunked, identity', 'Transfer-Encoding: xchunked', 'Transfer-Encoding: chunked\t', ' Transfer-Encoding: chunked'),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/), fc.string({ maxLength: 24 })).map(([n, v]) => `${n}: ${v}`),
);

const chunkedBody = fc
  .array(fc.tuple(fc.nat({ max: 40 }), fc.constantFrom('', ';ext', ';a="b"', ' ', '\t')), { maxLength: 4 })
  .map((chunks) => chunks.map(([n, ext]) => `${n.toString(16)}${ext}\r\n${'z'.repeat(n)}\r\n`).join('') + '0\r\n\r\n');

const message = fc
  .record({
    method: fc.constantFrom(...METHODS),
    target: fc.constantFrom(...TARGETS),
    version: fc.constantFrom(...VERSIONS),
    fields: fc.array(field, { maxLength: 6 }),
    withHost: fc.boolean(),
    body: fc.oneof(fc.constant(''), fc.string({ maxLength: 64 }), chunkedBody),
  })
  .map(({ method, target, version, fields, withHost, body }) => {
    const lines = [`${method} ${target} ${version}`.trimEnd(), ...(withHost ? ['Host: fuzz'] : []), ...fields];
    return { head: method === 'HEAD', text: lines.join('\r\n') + '\r\n\r\n' + body };
  });

type Mutation = { at: number; op: 'flip' | 'insert' | 'delete' | 'repeat'; byte: number; span: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat({ max: 400 }),
  op: fc.constantFrom('flip', 'insert', 'delete', 'repeat'),
  byte: fc.oneof(fc.constantFrom(...SHARP), fc.nat({ max: 255 })),
  span: fc.integer({ min: 1, max: 8 }),
});

function mutate(bytes: Buffer, mutations: Mutation[]): Buffer {
  let out = bytes;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.op === 'flip' && at < out.length) {
      out = Buffer.from(out);
      out[at] = m.byte;
    } else if (m.op === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from([m.byte]), out.subarray(at)]);
    else if (m.op === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.span)]);
    else if (m.op === 'repeat') out = Buffer.concat([out.subarray(0, at + m.span), out.subarray(at)]);
  }
  return out;
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    first: message,
    mutations: fc.array(mutation, { maxLength: 3 }),
    second: fc.option(fc.constant('GET /echo?second HTTP/1.1\r\nHost: fuzz\r\n\r\n'), { nil: undefined }),
    cuts: fc.array(fc.nat({ max: 500 }), { maxLength: 3 }),
  })
  .map(({ first, mutations, second, cuts }) => {
    const bytes = Buffer.concat([mutate(Buffer.from(first.text, 'latin1'), mutations), Buffer.from(second ?? '', 'latin1')]);
    return { bytes, cuts: [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b), head: first.head };
  });

/** The server's timeouts in a fuzz run: short, so a stuck connection shows. */
export const FUZZ_TIMEOUTS = { headersTimeoutMs: 150, requestTimeoutMs: 300, keepAliveTimeoutMs: 150 };

export interface FuzzFailure {
  index: number;
  why: string;
  bytes: string;
}

export interface FuzzReport {
  runtime: RuntimeName;
  cases: number;
  /** Connections the server closed itself (within its timeouts). */
  closedByServer: number;
  /** Connections the client gave up on (uws keeps its own ~10 s idle timeout). */
  cutByClient: number;
  responses: number;
  statuses: Record<string, number>;
  failures: FuzzFailure[];
  /** A valid request after the run got 200. */
  healthyAfter: boolean;
  /** Sockets the server still had open once every client had gone. */
  leftOpen: number;
}

const echo: DispatchFn<null> = async (_ctx, req, res) => {
  const body = await req.body.bytes();
  return res.send({ headers: { 'content-type': 'text/plain' }, body: `${req.method} ${req.target} ${body.length}` });
};

/** One case over a fresh connection; resolves with what came back. */
function exchange(port: number, c: FuzzCase, giveUpMs: number): Promise<{ raw: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ raw: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    socket.once('connect', async () => {
      let from = 0;
      for (const cut of [...c.cuts, c.bytes.length]) {
        if (cut > from) socket.write(c.bytes.subarray(from, cut));
        from = cut;
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}

function judge(raw: Buffer, closed: boolean, head: boolean): { why: string | null; statuses: number[] } {
  // A refused message may not have been read far enough to know it was HEAD: its answer may carry a body.
  let parsed = parseResponses(raw, { eof: closed, isHeadRequest: (i) => i === 0 && head });
  if (head && parsed.error !== null) parsed = parseResponses(raw, { eof: closed });
  const statuses = parsed.responses.map((r) => r.status);
  if (parsed.error !== null) return { why: `invalid answer bytes: ${parsed.error}`, statuses };
  if (statuses.some((s) => s >= 500 && s !== 501 && s !== 505)) return { why: `answered ${statuses.join(', ')}`, statuses };
  return { why: null, statuses };
}

export async function fuzzRuntime(runtime: RuntimeName, options: { runs: number; seed: number; concurrency: number; onProgress?: (done: number) => void }): Promise<FuzzReport> {
  const server: Server = await serveGeneric(null, echo, { runtime, ...FUZZ_TIMEOUTS, maxBodyBytes: 64 * 1024, maxHeaderBytes: 4096, maxTargetBytes: 1024, logger: { error: () => {}, warn: () => {} } });
  // net and node-http close every connection within their timeouts; uWS keeps its own fixed idle timeout, so the client gives up sooner there.
  const giveUpMs = runtime === 'uws' ? 400 : 3000;
  const report: FuzzReport = { runtime, cases: 0, closedByServer: 0, cutByClient: 0, responses: 0, statuses: {}, failures: [], healthyAfter: false, leftOpen: 0 };
  const cases = fc.sample(fuzzCase, { numRuns: options.runs, seed: options.seed });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < cases.length) {
          const index = next++;
          const c = cases[index]!;
          const { raw, closed } = await exchange(server.port, c, giveUpMs);
          const verdict = judge(raw, closed, c.head);
          report.cases++;
          if (closed) report.closedByServer++;
          else report.cutByClient++;
          report.responses += verdict.statuses.length;
          for (const s of verdict.statuses) report.statuses[s] = (report.statuses[s] ?? 0) + 1;
          if (verdict.why === null && !closed && runtime !== 'uws') verdict.why = `the server kept the connection past ${giveUpMs} ms`;
          if (verdict.why !== null) report.failures.push({ index, why: verdict.why, bytes: JSON.stringify(c.bytes.toString('latin1')).slice(0, 300) });
          if (report.cases % 1000 === 0) options.onProgress?.(report.cases);
        }
      }),
    );
    const after = await exchange(server.port, { bytes: Buffer.from('GET /echo HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n'), cuts: [], head: false }, 3000);
    report.healthyAfter = parseResponses(after.raw, { eof: after.closed }).responses[0]?.status === 200;
    if (runtime !== 'uws') {
      // Every client has gone: the server's side closes at once, or at the latest at its linger deadline.
      const until = Date.now() + 3000;
      while (server.stats.connections > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      report.leftOpen = server.stats.connections;
    }
  } finally {
    await server.close({ graceMs: 100 });
  }
  return report;
}
