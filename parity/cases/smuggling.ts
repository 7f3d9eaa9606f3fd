// Request smuggling vectors (RFC 9112 §6.1, §6.3, §11.2), each its own case.
import { ok, type Case } from '../case.js';

const te = (id: string, title: string, value: string, status: number | null, features: Case['features'] = []): Case => ({
  id,
  category: 'smuggling',
  title,
  send: [`POST {P}/echo HTTP/1.1\r\nHost: parity\r\nTransfer-Encoding: ${value}\r\n\r\n5\r\nhello\r\n0\r\n\r\n`],
  expect: status === null ? { kind: 'accept', responses: [ok({ body: 'hello' })] } : { kind: 'reject', status },
  features,
});

const line = (id: string, title: string, bytes: string, status = 400, features: Case['features'] = ['strict-parsing']): Case => ({
  id,
  category: 'smuggling',
  title,
  send: [bytes],
  expect: { kind: 'reject', status },
  features,
});

const controlBytes = [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f, 0x7f];

export const smugglingCases: Case[] = [
  {
    id: 'cl-te',
    category: 'smuggling',
    title: 'Content-Length and Transfer-Encoding together',
    send: ['POST {P}/echo HTTP/1.1\r\nHost: parity\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET {P}/smuggled HTTP/1.1\r\nHost: parity\r\n\r\n'],
    expect: { kind: 'reject', status: 400 },
    features: ['reject-status'],
  },
  {
    id: 'te-cl',
    category: 'smuggling',
    title: 'Transfer-Encoding before Content-Length',
    send: ['POST {P}/echo HTTP/1.1\r\nHost: parity\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n'],
    expect: { kind: 'reject', status: 400 },
    features: ['reject-status'],
  },
  te('te-chunked', 'Transfer-Encoding: chunked', 'chunked', null),
  te('te-case', 'Transfer-Encoding: Chunked (codings are case-insensitive)', 'Chunked', null),
  te('te-chunked-identity', 'Transfer-Encoding: chunked, identity', 'chunked, identity', 400),
  te('te-identity-chunked', 'Transfer-Encoding: identity, chunked (a coding we do not decode)', 'identity, chunked', 501),
  te('te-gzip-chunked', 'Transfer-Encoding: gzip, chunked (a coding we do not decode)', 'gzip, chunked', 501),
  te('te-xchunked', 'Transfer-Encoding: xchunked', 'xchunked', 400, ['reject-status']),
  te('te-chunkedx', 'Transfer-Encoding: chunkedx', 'chunkedx', 400, ['reject-status']),
  te('te-gzip', 'Transfer-Encoding: gzip (final coding not chunked)', 'gzip', 400, ['reject-status']),
  te('te-double', 'Transfer-Encoding: chunked, chunked', 'chunked, chunked', 400),
  te('te-empty', 'an empty Transfer-Encoding', '', 400, ['reject-status']),
  // A list field (RFC 9110 §5.6.1): OWS is SP or HTAB, and empty elements are ignored.
  te('te-comma', 'Transfer-Encoding: ,chunked (an empty element first)', ',chunked', null),
  te('te-comma-space', 'Transfer-Encoding: , chunked', ', chunked', null),
  te('te-comma-only', 'Transfer-Encoding: , (no coding at all)', ',', 400),
  te('te-tab-after', 'a tab after chunked (optional whitespace)', 'chunked\t', null, ['framing-ows']),
  te('te-tab-around', 'tabs around chunked', '\tchunked\t', null, ['framing-ows']),
  te('te-comma-after', 'Transfer-Encoding: chunked , (an empty element last)', 'chunked ,', null, ['framing-ows']),
  te('te-commas-after', 'Transfer-Encoding: chunked,, (empty elements last)', 'chunked,,', null, ['framing-ows']),
  te('te-empty-element', 'Transfer-Encoding: gzip, , chunked (a coding we do not decode, an empty element)', 'gzip, , chunked', 501),
  te('te-chunked-tab-gzip', 'Transfer-Encoding: chunked<TAB>gzip (not a list: one unknown coding)', 'chunked\tgzip', 400),
  te('te-quoted', 'Transfer-Encoding: "chunked"', '"chunked"', 400, ['reject-status']),
  {
    id: 'te-two-fields',
    category: 'smuggling',
    title: 'two Transfer-Encoding fields, both chunked',
    send: ['POST {P}/echo HTTP/1.1\r\nHost: parity\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    expect: { kind: 'reject', status: 400 },
    features: ['reject-status'],
  },
  {
    id: 'te-http10',
    category: 'smuggling',
    title: 'Transfer-Encoding on HTTP/1.0',
    send: ['POST {P}/echo HTTP/1.0\r\nHost: parity\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    expect: { kind: 'reject', status: 400 },
    features: ['http10'],
  },
  line('te-space-colon', 'whitespace between Transfer-Encoding and the colon', 'POST {P}/echo HTTP/1.1\r\nHost: parity\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n'),
  line('te-obs-fold', 'Transfer-Encoding continued by obs-fold', 'POST {P}/echo HTTP/1.1\r\nHost: parity\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n'),
  line('obs-fold', 'obs-fold in a field', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-A: one\r\n two\r\n\r\n'),
  line('obs-fold-tab', 'obs-fold with a tab', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-A: one\r\n\ttwo\r\n\r\n'),
  line('bare-lf-line', 'a bare LF ending the request line', 'GET {P}/echo HTTP/1.1\nHost: parity\r\n\r\n'),
  line('bare-lf-field', 'a bare LF ending a field line', 'GET {P}/echo HTTP/1.1\r\nHost: parity\nX: 1\r\n\r\n'),
  line('bare-lf-end', 'bare LFs ending the head', 'GET {P}/echo HTTP/1.1\r\nHost: parity\n\n'),
  line('bare-cr-field', 'a bare CR inside the field block', 'GET {P}/echo HTTP/1.1\r\nHost: parity\rX: 1\r\n\r\n'),
  line('bare-cr-value', 'a bare CR inside a value', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX: a\rb\r\n\r\n'),
  line('bare-cr-line', 'a bare CR in the request line', 'GET {P}/echo\r HTTP/1.1\r\nHost: parity\r\n\r\n'),
  line('ws-before-colon', 'whitespace before the colon', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-A : 1\r\n\r\n'),
  line('tab-before-colon', 'a tab before the colon', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-A\t: 1\r\n\r\n'),
  line('ws-first-field', 'whitespace before the first field line', 'GET {P}/echo HTTP/1.1\r\n Host: parity\r\n\r\n'),
  line('nul-in-name', 'NUL in a field name', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX\x00A: 1\r\n\r\n'),
  ...controlBytes.map((byte) =>
    line(
      `ctl-value-${byte.toString(16)}`,
      `control byte 0x${byte.toString(16).padStart(2, '0')} in a value`,
      `GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-A: a${String.fromCharCode(byte)}b\r\n\r\n`,
    ),
  ),
];
