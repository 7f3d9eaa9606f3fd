// Message framing (RFC 9112 §6-7): Content-Length, chunked, extensions, trailers, sizes.
import { chunked, ok, post, type Case } from '../case.js';

const TEN_MIB = 10 * 1024 * 1024;
const big = 'x'.repeat(TEN_MIB);
const bigChunked = (() => {
  const piece = 'y'.repeat(64 * 1024);
  let out = '';
  for (let i = 0; i < TEN_MIB / piece.length; i++) out += `10000\r\n${piece}\r\n`;
  return out + '0\r\n\r\n';
})();

const cl = (id: string, title: string, header: string, body: string, expectBody: string | null): Case => ({
  id,
  category: 'framing: Content-Length',
  title,
  send: [`POST {P}/echo HTTP/1.1\r\nHost: parity\r\n${header}\r\n\r\n${body}`],
  expect: expectBody === null ? { kind: 'reject', status: 400 } : { kind: 'accept', responses: [ok({ body: expectBody })] },
  ...(expectBody === null ? { features: ['reject-status' as const] } : {}),
});

export const framingCases: Case[] = [
  { id: 'cl-zero', category: 'framing: Content-Length', title: 'a 0-byte body', send: [post('')], expect: { kind: 'accept', responses: [ok({ body: '', bodyLength: 0 })] } },
  { id: 'cl-small', category: 'framing: Content-Length', title: 'a small body', send: [post('hello')], expect: { kind: 'accept', responses: [ok({ body: 'hello' })] } },
  {
    id: 'cl-split',
    category: 'framing: Content-Length',
    title: 'head and body in separate writes',
    send: ['POST {P}/echo HTTP/1.1\r\nHost: parity\r\nContent-Length: 11\r\n\r\nhello', { pauseMs: 30 }, ' world'],
    expect: { kind: 'accept', responses: [ok({ body: 'hello world' })] },
  },
  { id: 'cl-10mib', category: 'framing: Content-Length', title: 'a 10 MiB body', send: [post(big)], expect: { kind: 'accept', responses: [ok({ bodyLength: TEN_MIB })] }, timeoutMs: 8000 },
  cl('cl-leading-zeros', 'leading zeros ("005")', 'Content-Length: 005', 'hello', 'hello'),
  cl('cl-ows', 'optional whitespace around the value', 'Content-Length:   5  ', 'hello', 'hello'),
  { ...cl('cl-tab-ows', 'tabs around the value (OWS is SP or HTAB)', 'Content-Length:\t5\t', 'hello', 'hello'), features: ['framing-ows'] },
  { ...cl('cl-tab-after', 'a tab after the value', 'Content-Length: 5\t', 'hello', 'hello'), features: ['framing-ows'] },
  cl('cl-tab-inside', 'a tab inside the value ("4<TAB>2")', 'Content-Length: 4\t2', 'hello', null),
  cl('cl-negative', 'a negative value', 'Content-Length: -5', 'hello', null),
  cl('cl-plus', 'a leading plus sign', 'Content-Length: +5', 'hello', null),
  cl('cl-hex', 'a hex value', 'Content-Length: 0x5', 'hello', null),
  cl('cl-empty', 'an empty value', 'Content-Length:', 'hello', null),
  cl('cl-letters', 'digits followed by letters', 'Content-Length: 5a', 'hello', null),
  cl('cl-overflow', 'a value past 2^64', 'Content-Length: 99999999999999999999999', 'hello', null),
  { ...cl('cl-list', 'a comma list of equal values ("5, 5")', 'Content-Length: 5, 5', 'hello', null), category: 'smuggling' },
  { ...cl('cl-dup-same', 'two equal Content-Length fields', 'Content-Length: 5\r\nContent-Length: 5', 'hello', null), category: 'smuggling', features: [] },
  { ...cl('cl-dup-diff', 'two different Content-Length fields', 'Content-Length: 5\r\nContent-Length: 6', 'hello!', null), category: 'smuggling', features: [] },

  { id: 'ch-simple', category: 'framing: chunked', title: 'one chunk', send: [chunked('5\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: 'hello', trailers: null })] } },
  { id: 'ch-many', category: 'framing: chunked', title: 'several chunks', send: [chunked('1\r\na\r\n2\r\nbc\r\n3\r\ndef\r\n0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: 'abcdef' })] } },
  { id: 'ch-empty', category: 'framing: chunked', title: 'only the last chunk (0 bytes)', send: [chunked('0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: '', bodyLength: 0 })] } },
  { id: 'ch-upper-hex', category: 'framing: chunked', title: 'upper-case hex size', send: [chunked('A\r\n0123456789\r\n0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: '0123456789' })] } },
  { id: 'ch-leading-zeros', category: 'framing: chunked', title: 'leading zeros in the size', send: [chunked('0005\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: 'hello' })] } },
  { id: 'ch-ext', category: 'framing: chunked', title: 'a chunk extension', send: [chunked('5;name\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: 'hello' })] }, features: ['chunk-extensions'] },
  { id: 'ch-ext-value', category: 'framing: chunked', title: 'a chunk extension with a value', send: [chunked('5;name=value\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: 'hello' })] }, features: ['chunk-extensions'] },
  { id: 'ch-ext-quoted', category: 'framing: chunked', title: 'a chunk extension with a quoted value', send: [chunked('5;name="a b"\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: 'hello' })] }, features: ['chunk-extensions'] },
  { id: 'ch-trailers', category: 'framing: chunked', title: 'trailer fields', send: [chunked('5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-Other: two\r\n\r\n')], expect: { kind: 'accept', responses: [ok({ body: 'hello', trailers: [['X-Sum', '1'], ['X-Other', 'two']] })] }, features: ['request-trailers'] },
  {
    id: 'ch-split',
    category: 'framing: chunked',
    title: 'chunks split across writes',
    send: [chunked('5\r\nhel'), { pauseMs: 20 }, 'lo\r\n6\r\n wo', { pauseMs: 20 }, 'rld\r\n0\r\n\r\n'],
    expect: { kind: 'accept', responses: [ok({ body: 'hello world' })] },
  },
  { id: 'ch-bytewise', category: 'framing: chunked', title: 'a chunked request one byte at a time', send: [chunked('5\r\nhello\r\n0\r\n\r\n')], oneByteAtATime: true, expect: { kind: 'accept', responses: [ok({ body: 'hello' })] } },
  { id: 'ch-10mib', category: 'framing: chunked', title: 'a 10 MiB chunked body', send: [chunked(bigChunked)], expect: { kind: 'accept', responses: [ok({ bodyLength: TEN_MIB })] }, timeoutMs: 8000 },
  { id: 'ch-bad-size', category: 'framing: chunked', title: 'a size that is not hex', send: [chunked('zz\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'reject', status: 400, headSeen: true }, features: ['reject-status'] },
  { id: 'ch-size-space', category: 'framing: chunked', title: 'whitespace after the size', send: [chunked('5 \r\nhello\r\n0\r\n\r\n')], expect: { kind: 'reject', status: 400, headSeen: true }, features: ['reject-status'] },
  { id: 'ch-size-plus', category: 'framing: chunked', title: 'a plus sign before the size', send: [chunked('+5\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'reject', status: 400, headSeen: true }, features: ['reject-status'] },
  { id: 'ch-size-overflow', category: 'smuggling', title: 'an over-long chunk size', send: [chunked('10000000000000005\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'reject', status: 400, headSeen: true }, features: ['reject-status'] },
  { id: 'ch-missing-crlf', category: 'framing: chunked', title: 'chunk data longer than its size', send: [chunked('3\r\nhello\r\n0\r\n\r\n')], expect: { kind: 'reject', status: 400, headSeen: true }, features: ['reject-status'] },
  { id: 'ch-lf-only', category: 'framing: chunked', title: 'a bare LF after the chunk size', send: [chunked('5\nhello\r\n0\r\n\r\n')], expect: { kind: 'reject', status: 400, headSeen: true }, features: ['reject-status'] },
];
