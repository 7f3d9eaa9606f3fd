// Request marshalling: what a consumer that copies the request into native
// memory (wirecore/ffi) could get wrong, held to the same echo on every target.
import { ok, post, type Case } from '../case.js';

const everyByte = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
const fields = Array.from({ length: 30 }, (_, i) => [`x-f${i % 7}`, `v${i}`] as [string, string]);

export const ffiCases: Case[] = [
  {
    id: 'marshal-every-byte',
    category: 'request marshalling',
    title: 'a body with every byte value arrives intact',
    send: [post(everyByte)],
    expect: { kind: 'accept', responses: [ok({ body: everyByte, bodyLength: 256 })] },
  },
  {
    id: 'marshal-large-body',
    category: 'request marshalling',
    title: 'a 1 MiB body arrives whole',
    send: [post('z'.repeat(1024 * 1024))],
    expect: { kind: 'accept', responses: [ok({ bodyLength: 1024 * 1024 })] },
  },
  {
    id: 'marshal-repeated-fields',
    category: 'request marshalling',
    title: '30 fields, names repeated, in wire order',
    send: [`GET {P}/echo HTTP/1.1\r\nhost: parity\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`],
    expect: { kind: 'accept', responses: [ok({ headers: [['host', 'parity'], ...fields] })] },
  },
  {
    id: 'marshal-empty-value',
    category: 'request marshalling',
    title: 'a field with an empty value, then one with a long value',
    send: [`GET {P}/echo HTTP/1.1\r\nhost: parity\r\nx-empty:\r\nx-long: ${'l'.repeat(4000)}\r\n\r\n`],
    expect: { kind: 'accept', responses: [ok({ headers: [['host', 'parity'], ['x-empty', ''], ['x-long', 'l'.repeat(4000)]] })] },
  },
  {
    id: 'marshal-long-target',
    category: 'request marshalling',
    title: 'a target just under the limit, query included',
    send: [`GET {P}/echo?${'q'.repeat(1900)} HTTP/1.1\r\nHost: parity\r\n\r\n`],
    expect: { kind: 'accept', responses: [ok({ target: `{P}/echo?${'q'.repeat(1900)}` })] },
  },
];
