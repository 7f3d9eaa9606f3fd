// The llhttp build itself: undici's pinned wasm, request mode, strict.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { lenientFlagNames, methodNames, usesSimd } from '../src/parser/llhttp.js';
import { PARSE_OK, PARSE_REJECTED, RequestParser, type ParsedHead } from '../src/parser/request-parser.js';

const require = createRequire(import.meta.url);

/** A head by the ParsedHead contract, as a plain object (a fast-path head makes its fields from a getter). */
function headView(head: ParsedHead): ParsedHead {
  const { method, target, versionMinor, headers, keepAlive, bodyKind, contentLength, expectContinue } = head;
  return { method, target, versionMinor, headers, keepAlive, bodyKind, contentLength, expectContinue };
}

function parse(bytes: string | string[]) {
  return parseWith(bytes, { maxHeaderBytes: 16384, maxTargetBytes: 8192 });
}

function parseWith(bytes: string | string[], limits: { maxHeaderBytes: number; maxTargetBytes: number }) {
  const heads: ParsedHead[] = [];
  const bodies: string[] = [];
  const parser = new RequestParser(
    {
      onRequestHead: (h) => void heads.push(headView(h)),
      onRequestBody: (c) => void bodies.push(c.toString('latin1')),
      onRequestEnd: () => false,
    },
    limits,
  );
  let code = PARSE_OK;
  for (const part of Array.isArray(bytes) ? bytes : [bytes]) {
    code = parser.execute(Buffer.from(part, 'latin1'));
    if (code !== PARSE_OK) break;
  }
  const result = { code, heads, bodies, rejection: parser.rejection };
  parser.destroy();
  return result;
}

describe('llhttp (wasm)', () => {
  it('is the build undici ships, pinned', () => {
    const pkg = require('../package.json') as { dependencies: Record<string, string> };
    expect(pkg.dependencies.undici).toMatch(/^\d+\.\d+\.\d+$/);
    expect(require('undici/package.json').version).toBe(pkg.dependencies.undici);
  });

  it('uses the SIMD build when the engine validates it', () => {
    const simd: Uint8Array = require('undici/lib/llhttp/llhttp_simd-wasm.js');
    expect(usesSimd).toBe(WebAssembly.validate(simd));
  });

  it('knows the request methods of the build', () => {
    expect(methodNames[1]).toBe('GET');
    expect(methodNames).toContain('QUERY');
  });

  it('parses requests (TYPE.REQUEST): a response line is an error', () => {
    expect(parse('GET /x HTTP/1.1\r\nHost: a\r\n\r\n').heads[0]!.target).toBe('/x');
    expect(parse('HTTP/1.1 200 OK\r\n\r\n').code).toBe(PARSE_REJECTED);
  });

  it('has lenient switches but none is on: each one they would loosen is refused', () => {
    expect(lenientFlagNames).toEqual(expect.arrayContaining(['headers', 'chunked_length', 'transfer_encoding', 'optional_cr_before_lf']));
    const strictOnly = [
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n', // headers
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', // chunked_length
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n', // transfer_encoding
      'GET / HTTP/1.1\nHost: a\n\n', // optional_cr_before_lf
      'GET / HTTP/1.1\r\nHost: a\r\n\rX: 1\r\n\r\n', // optional_lf_after_cr
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXX0\r\n\r\n', // optional_crlf_after_chunk
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\na\r\n0\r\n\r\n', // spaces_after_chunk_size
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n', // data_after_close is not read
    ];
    const results = strictOnly.map((bytes) => parse(bytes));
    expect(results.slice(0, -1).map((r) => r.code)).toEqual(Array(strictOnly.length - 1).fill(PARSE_REJECTED));
    expect(results.at(-1)!.heads.length).toBe(1);
  });

  it('gives the same head wherever the bytes are split', () => {
    const request =
      'GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nX-Empty:\r\nUser-Agent: t/1  \r\nAccept: */*\r\nX-Long: ' + 'v'.repeat(200) + '\r\n\r\n';
    const whole = parse(request).heads[0]!;
    expect(whole.headers).toEqual(['Host', 'example.com', 'X-Empty', '', 'User-Agent', 't/1', 'Accept', '*/*', 'X-Long', 'v'.repeat(200)]);
    for (let cut = 1; cut < request.length; cut++) {
      const split = parse([request.slice(0, cut), request.slice(cut)]).heads[0];
      expect(split, `split at ${cut}`).toEqual(whole);
    }
  });

  it('refuses an over-long target or head the same however the bytes arrive', () => {
    const limits = { maxHeaderBytes: 256, maxTargetBytes: 64 };
    const longTarget = `GET /${'t'.repeat(64)} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const longHead = `GET / HTTP/1.1\r\nHost: a\r\n${'X-F: ' + 'v'.repeat(40) + '\r\n'}`.repeat(1) + 'X-G: '.concat('w'.repeat(240), '\r\n\r\n');
    const doubleSpace = 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n';
    const fits = `GET /${'t'.repeat(63)} HTTP/1.1\r\nHost: a\r\nX-F: ${'v'.repeat(200)}\r\n\r\n`;
    for (const [request, status] of [[longTarget, 414], [longHead, 431], [doubleSpace, 400], [fits, 0]] as const) {
      for (const parts of [[request], [...request], [request.slice(0, 9), request.slice(9)]]) {
        const r = parseWith(parts, limits);
        expect(r.rejection?.status ?? 0, `${status} in ${parts.length} parts`).toBe(status);
        expect(r.heads.length).toBe(status === 0 ? 1 : 0);
      }
    }
  });

  it('streams body chunks as views and finds trailers', () => {
    const r = parse(['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab', 'c\r\n0\r\n\r\n']);
    expect(r.bodies).toEqual(['ab', 'c']);
  });
});

describe('whitespace around framing values (RFC 9110 §5.5, §5.6.1)', () => {
  /** Every way to cut `bytes` in two, plus whole and one byte at a time. */
  function splits(bytes: string): string[][] {
    const ways = [[bytes], [...bytes]];
    for (let i = 1; i < bytes.length; i++) ways.push([bytes.slice(0, i), bytes.slice(i)]);
    return ways;
  }

  const accepted: Array<[string, string, string]> = [
    ['Content-Length:\t5\t', 'hello', '5'],
    ['content-length: \t5 \t', 'hello', '5'],
    ['Transfer-Encoding:\tchunked\t', '5\r\nhello\r\n0\r\n\r\n', 'chunked'],
    ['Transfer-Encoding: ,chunked', '5\r\nhello\r\n0\r\n\r\n', ',chunked'],
    ['Transfer-Encoding: chunked ,', '5\r\nhello\r\n0\r\n\r\n', 'chunked ,'],
    ['Transfer-Encoding: chunked\t, ,', '5\r\nhello\r\n0\r\n\r\n', 'chunked\t, ,'],
  ];

  it.each(accepted)('%j frames the body however the bytes are cut; the value reaches the application as sent', (field, body, value) => {
    for (const parts of splits(`POST / HTTP/1.1\r\nHost: a\r\n${field}\r\n\r\n${body}`)) {
      const r = parse(parts);
      expect({ parts, code: r.code }).toEqual({ parts, code: PARSE_OK });
      expect(r.bodies.join('')).toBe('hello');
      expect(r.heads[0]!.headers[3]).toBe(value);
    }
  });

  it('is no licence for whitespace inside a value, a coding after the empty elements, or a list with no coding', () => {
    const refused = ['Content-Length: 4\t2', 'Transfer-Encoding: chunked\tgzip', 'Transfer-Encoding: chunked, gzip', 'Transfer-Encoding: chunked ,gzip', 'Transfer-Encoding: ,'];
    for (const field of [...refused, 'X-Content-Length:\t5\t\r\nContent-Length: 5 x']) {
      for (const parts of splits(`POST / HTTP/1.1\r\nHost: a\r\n${field}\r\n\r\n5\r\nhello\r\n0\r\n\r\n`)) {
        const r = parse(parts);
        expect({ parts, status: r.rejection?.status }).toEqual({ parts, status: 400 });
      }
    }
  });
});
