// The start line, field lines and Host (RFC 9112 §3, §5; RFC 9110 §7.2).
import { get, ok, type Case, type ExpectedSeen } from '../case.js';

const accept = (id: string, category: string, title: string, bytes: string, seen: ExpectedSeen, features: Case['features'] = []): Case => ({
  id,
  category,
  title,
  send: [bytes],
  expect: { kind: 'accept', responses: [ok(seen)] },
  features,
});
const reject = (id: string, category: string, title: string, bytes: string, status: number, features: Case['features'] = ['strict-parsing']): Case => ({
  id,
  category,
  title,
  send: [bytes],
  expect: { kind: 'reject', status },
  features,
});

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'QUERY', 'PROPFIND'];
const badNameChars = ['(', ')', ',', '/', ';', '<', '=', '>', '?', '@', '[', '\\', ']', '{', '}', '"'];

export const messageCases: Case[] = [
  ...methods.map((m) =>
    accept(`method-${m.toLowerCase()}`, 'start line', `method ${m}`, `${m} {P}/echo HTTP/1.1\r\nHost: parity\r\n\r\n`, { method: m, target: '{P}/echo' }, m === 'QUERY' || m === 'PROPFIND' ? ['extension-methods'] : []),
  ),
  reject('method-unknown', 'start line', 'an unknown method token (501)', 'FROB {P}/echo HTTP/1.1\r\nHost: parity\r\n\r\n', 501, ['strict-parsing']),
  reject('method-lower', 'start line', 'a lower-case method (methods are case-sensitive: 501)', 'get {P}/echo HTTP/1.1\r\nHost: parity\r\n\r\n', 501),
  reject('method-bad-token', 'start line', 'a method that is not a token', 'G@T {P}/echo HTTP/1.1\r\nHost: parity\r\n\r\n', 400),
  reject('line-double-space', 'start line', 'two spaces after the method', 'GET  {P}/echo HTTP/1.1\r\nHost: parity\r\n\r\n', 400, ['strict-parsing']),
  reject('line-no-target', 'start line', 'no request-target', 'GET HTTP/1.1\r\nHost: parity\r\n\r\n', 400),
  reject('target-space', 'start line', 'a space inside the target', 'GET {P}/a b HTTP/1.1\r\nHost: parity\r\n\r\n', 400),
  reject('target-ctl', 'start line', 'a control byte inside the target', 'GET {P}/a\x01b HTTP/1.1\r\nHost: parity\r\n\r\n', 400),
  accept('target-query', 'start line', 'a target with a query', 'GET {P}/echo?a=1&b=%20 HTTP/1.1\r\nHost: parity\r\n\r\n', { target: '{P}/echo?a=1&b=%20' }),
  accept('target-absolute', 'start line', 'absolute-form target', 'GET http://parity{P}/echo?x=1 HTTP/1.1\r\nHost: parity\r\n\r\n', { target: 'http://parity{P}/echo?x=1' }, ['absolute-form']),
  {
    id: 'target-asterisk',
    category: 'start line',
    title: 'asterisk-form target with OPTIONS',
    send: ['OPTIONS * HTTP/1.1\r\nHost: parity\r\n\r\n'],
    expect: { kind: 'accept', responses: [{ status: 200 }] },
    features: ['asterisk-form'],
  },
  reject('target-asterisk-get', 'start line', 'asterisk-form target with GET', 'GET * HTTP/1.1\r\nHost: parity\r\n\r\n', 400, ['asterisk-form']),
  reject('version-09', 'start line', 'an HTTP/0.9 simple request', 'GET {P}/echo\r\n\r\n', 505),
  reject('version-09-line', 'start line', 'an HTTP/0.9 request line alone: refused at once, not left waiting', 'GET {P}/echo\r\n', 505, ['strict-parsing', 'request-line-hidden']),
  reject('proto-rtsp', 'start line', 'RTSP/1.0, which llhttp also parses: only HTTP/1.x is served', 'GET {P}/echo RTSP/1.0\r\nHost: parity\r\n\r\n', 400, ['strict-parsing', 'request-line-hidden']),
  reject('proto-ice', 'start line', 'ICE/1.0, which llhttp also parses', 'SOURCE {P}/echo ICE/1.0\r\nHost: parity\r\n\r\n', 400, ['strict-parsing', 'request-line-hidden']),
  reject('method-connect', 'start line', 'CONNECT: no consumer is given a tunnel', 'CONNECT parity:443 HTTP/1.1\r\nHost: parity:443\r\n\r\n', 501),
  accept('version-10', 'start line', 'HTTP/1.0', 'GET {P}/echo HTTP/1.0\r\n\r\n', { version: '1.0' }, ['http10']),
  accept('version-11', 'start line', 'HTTP/1.1', get(), { version: '1.1' }),
  reject('version-12', 'start line', 'HTTP/1.2', 'GET {P}/echo HTTP/1.2\r\nHost: parity\r\n\r\n', 505),
  reject('version-20', 'start line', 'HTTP/2.0 in HTTP/1 syntax', 'GET {P}/echo HTTP/2.0\r\nHost: parity\r\n\r\n', 505),
  reject('version-30', 'start line', 'HTTP/3.0', 'GET {P}/echo HTTP/3.0\r\nHost: parity\r\n\r\n', 505),
  reject('version-lower', 'start line', 'a lower-case "http/1.1"', 'GET {P}/echo http/1.1\r\nHost: parity\r\n\r\n', 400),
  reject('version-no-minor', 'start line', 'HTTP/1 without a minor version', 'GET {P}/echo HTTP/1\r\nHost: parity\r\n\r\n', 400),
  reject('version-letters', 'start line', 'HTTP/1.x', 'GET {P}/echo HTTP/1.x\r\nHost: parity\r\n\r\n', 400),
  reject('version-trailing-space', 'start line', 'a space after the version', 'GET {P}/echo HTTP/1.1 \r\nHost: parity\r\n\r\n', 400),
  reject('pri-preface', 'start line', 'the HTTP/2 connection preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505),

  accept('fields-order', 'field lines', 'field names keep their case and wire order', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-B: 2\r\nx-a: 1\r\nX-B: 3\r\n\r\n', {
    headers: [['Host', 'parity'], ['X-B', '2'], ['x-a', '1'], ['X-B', '3']],
  }, ['header-name-case']),
  accept('fields-ows', 'field lines', 'leading and trailing whitespace is not part of a value', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-A: \t spaced \t \r\n\r\n', {
    headers: [['Host', 'parity'], ['X-A', 'spaced']],
  }, ['header-name-case']),
  accept('fields-empty', 'field lines', 'an empty value', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-Empty:\r\n\r\n', { headers: [['Host', 'parity'], ['X-Empty', '']] }, ['header-name-case']),
  accept('fields-obs-text', 'field lines', 'obs-text (bytes 0x80-0xff) in a value', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX-A: caf\xe9\r\n\r\n', { headers: [['Host', 'parity'], ['X-A', 'caf\xe9']] }, ['header-name-case', 'obs-text-values']),
  accept('fields-underscore', 'field lines', 'a field name with "_" (a token character, e.g. api_key)', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\napi_key: k1\r\n\r\n', {
    headers: [['Host', 'parity'], ['api_key', 'k1']],
  }, ['header-name-case', 'header-name-underscore']),
  accept('fields-many', 'field lines', '100 fields', `GET {P}/echo HTTP/1.1\r\nHost: parity\r\n${Array.from({ length: 100 }, (_, i) => `X-F${i}: ${i}\r\n`).join('')}\r\n`, {}, ['header-count']),
  ...badNameChars.map((c, i) =>
    reject(`name-char-${i}`, 'field lines', `a field name with ${JSON.stringify(c)}`, `GET {P}/echo HTTP/1.1\r\nHost: parity\r\nX${c}A: 1\r\n\r\n`, 400),
  ),
  reject('name-empty', 'field lines', 'an empty field name', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\n: value\r\n\r\n', 400),
  reject('name-no-colon', 'field lines', 'a field line without a colon', 'GET {P}/echo HTTP/1.1\r\nHost: parity\r\nNoColon\r\n\r\n', 400),

  reject('host-missing', 'Host', 'no Host on HTTP/1.1', 'GET {P}/echo HTTP/1.1\r\nX: 1\r\n\r\n', 400, ['reject-status']),
  accept('host-missing-10', 'Host', 'no Host on HTTP/1.0 is allowed', 'GET {P}/echo HTTP/1.0\r\n\r\n', { version: '1.0' }, ['http10']),
  reject('host-duplicate', 'Host', 'two Host fields', 'GET {P}/echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, []),
  reject('host-duplicate-same', 'Host', 'two equal Host fields', 'GET {P}/echo HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n', 400, []),
  reject('host-space', 'Host', 'a space inside Host', 'GET {P}/echo HTTP/1.1\r\nHost: a b\r\n\r\n', 400, []),
  reject('host-userinfo', 'Host', 'userinfo in Host', 'GET {P}/echo HTTP/1.1\r\nHost: user@parity\r\n\r\n', 400, []),
  reject('host-slash', 'Host', 'a slash in Host', 'GET {P}/echo HTTP/1.1\r\nHost: parity/x\r\n\r\n', 400, []),
  accept('host-port', 'Host', 'Host with a port', 'GET {P}/echo HTTP/1.1\r\nHost: parity:8080\r\n\r\n', {}),
  accept('host-ipv6', 'Host', 'an IPv6 literal Host', 'GET {P}/echo HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n', {}),
  accept('host-empty', 'Host', 'an empty Host (allowed by RFC 9112 §3.2)', 'GET {P}/echo HTTP/1.1\r\nHost:\r\n\r\n', {}),
];
