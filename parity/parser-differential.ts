// The parser's fast path against plain llhttp: generated and mutated
// requests, cut into chunks at random, fed to a RequestParser with the fast
// path and to one without. Every return code, head, body byte, trailer and
// refusal must be the same. test/parser-differential.test.ts runs a few
// thousand; `npm run fuzz:parser` runs as many as asked.
import fc from 'fast-check';
import type { ParsedHead } from '../src/parser/head.js';
import { PARSE_PAUSED, PARSE_CLOSED, PARSE_REJECTED, RequestParser } from '../src/parser/request-parser.js';
import { fuzzCase } from './fuzz.js';

const LIMITS = { maxHeaderBytes: 2048, maxTargetBytes: 512 };

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}$/);
const printable = fc.stringMatching(/^[\x20-\x7e\t]{0,40}$/);
const targetText = fc.stringMatching(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]{0,60}$/);

/** A canonical request, as clients send them: what the fast path is for. */
const canonical = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH'),
    target: targetText,
    minor: fc.constantFrom('1', '1', '1', '0'),
    host: fc.constantFrom('Host: a', 'Host: example.com:8080', 'host: x', ''),
    fields: fc.array(
      fc.oneof(
        { weight: 5, arbitrary: fc.tuple(token, printable).map(([n, v]) => `${n}:${v}`) },
        { weight: 1, arbitrary: fc.constantFrom('Connection: close', 'Connection: keep-alive', 'connection: Keep-Alive', 'Connection: upgrade', 'Expect: 100-continue', 'Content-Length: 0', 'Content-Length: 00', 'Transfer-Encoding: chunked', 'Upgrade: h2c', 'Content-Length:\t0\t', 'Transfer-Encoding: ,chunked', 'Transfer-Encoding: chunked\t, ,') },
      ),
      { maxLength: 6 },
    ),
    body: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
  })
  .map(({ method, target, minor, host, fields, body }) => {
    const lines = [`${method} ${target} HTTP/1.${minor}`, ...(host ? [host] : []), ...fields];
    if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
    return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + (body ?? ''), 'latin1');
  });

const mutated = fc.tuple(canonical, fc.nat({ max: 300 }), fc.nat({ max: 255 })).map(([bytes, at, byte]) => {
  const copy = Buffer.from(bytes);
  if (copy.length > 0) copy[at % copy.length] = byte;
  return copy;
});

export const differentialInput = fc.record({
  messages: fc.array(fc.oneof({ weight: 6, arbitrary: canonical }, { weight: 2, arbitrary: mutated }, { weight: 1, arbitrary: fuzzCase.map((c) => c.bytes) }), { minLength: 1, maxLength: 4 }),
  // Half the inputs arrive whole, as most reads do; the rest are cut anywhere.
  cuts: fc.oneof(fc.constant<number[]>([]), fc.array(fc.nat({ max: 600 }), { minLength: 1, maxLength: 4 })),
  pauseEvery: fc.boolean(),
});

type Input = { messages: Buffer[]; cuts: readonly number[]; pauseEvery: boolean };

/** Everything a parser reports for one input. */
/** What a head says, by the ParsedHead contract (a fast-path head makes its fields on first read, from a getter). */
function describeHead(head: ParsedHead): string {
  const { method, target, versionMinor, headers, keepAlive, bodyKind, contentLength, expectContinue } = head;
  return JSON.stringify({ method, target, versionMinor, headers, keepAlive, bodyKind, contentLength, expectContinue });
}

function trace(input: Input, fastPath: boolean, counted?: { fastHeads: number }): string[] {
  const bytes = Buffer.concat(input.messages);
  const log: string[] = [];
  let body = '';
  const parser = new RequestParser(
    {
      onRequestHead: (head: ParsedHead) => void log.push(`head ${describeHead(head)}`),
      onRequestBody: (chunk) => void (body += chunk.toString('latin1')),
      onRequestEnd: (trailers) => {
        log.push(`end ${JSON.stringify(body)} ${JSON.stringify(trailers)}`);
        body = '';
        return input.pauseEvery;
      },
    },
    LIMITS,
    { fastPath },
  );
  const cuts = [...new Set(input.cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  try {
    for (const cut of [...cuts, bytes.length]) {
      if (cut <= from) continue;
      let code = parser.execute(bytes.subarray(from, cut));
      from = cut;
      log.push(`code ${code}`);
      while (code === PARSE_PAUSED) {
        code = parser.resume();
        log.push(`resume ${code}`);
      }
      if (code === PARSE_REJECTED) {
        log.push(`rejected ${JSON.stringify(parser.rejection)}`);
        break;
      }
      if (code === PARSE_CLOSED) break;
    }
    log.push(`after midMessage=${parser.midMessage} inHead=${parser.inHead}`);
    if (counted) counted.fastHeads += parser.fastHeads;
  } finally {
    parser.destroy();
  }
  return log;
}

export interface DifferentialReport {
  runs: number;
  /** Heads the fast path read (the rest went to llhttp in both runs). */
  fastHeads: number;
  mismatches: Array<{ index: number; bytes: string; fast: string[]; llhttp: string[] }>;
}

/** Runs `runs` seeded inputs through both paths. */
export function runDifferential(runs: number, seed: number, onProgress?: (done: number) => void): DifferentialReport {
  const report: DifferentialReport = { runs: 0, fastHeads: 0, mismatches: [] };
  const batch = 10_000;
  for (let start = 0; start < runs; start += batch) {
    const inputs = fc.sample(differentialInput, { numRuns: Math.min(batch, runs - start), seed: seed + start });
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      const fast = trace(input, true, report);
      const reference = trace(input, false);
      report.runs++;
      if (fast.length !== reference.length || fast.some((line, n) => line !== reference[n])) {
        if (report.mismatches.length < 20) report.mismatches.push({ index: start + i, bytes: JSON.stringify(Buffer.concat(input.messages).toString('latin1')), fast, llhttp: reference });
      }
    }
    onProgress?.(report.runs);
  }
  return report;
}
