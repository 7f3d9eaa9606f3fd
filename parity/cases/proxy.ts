// PROXY protocol cases (issue 22): a balancer's header before the client's
// bytes. Only the proxy/<runtime> targets run them (wirecore's echo with
// proxyProtocol from loopback); the "peer" action answers
// "<remoteAddress> <proxy address>".
import { CRLF, type Case } from '../case.js';
import { encodeProxyHeader } from 'wirecore/testing';

const latin1 = (bytes: Buffer) => bytes.toString('latin1');
const v1 = latin1(encodeProxyHeader({ version: 1, source: { address: '203.0.113.7', port: 40001 }, destination: { address: '127.0.0.1', port: 80 } }));
const v2tcp4 = latin1(encodeProxyHeader({ version: 2, source: { address: '203.0.113.8', port: 40002 }, destination: { address: '127.0.0.1', port: 80 } }));
const v2tcp6 = latin1(encodeProxyHeader({ version: 2, source: { address: '2001:db8::9', port: 40003 }, destination: { address: '::1', port: 80 } }));
const v2local = latin1(encodeProxyHeader({ version: 2, local: true }));

const peer = (close = true) => `GET {P}/peer HTTP/1.1${CRLF}Host: parity${CRLF}${close ? `Connection: close${CRLF}` : ''}${CRLF}`;
const answered = (body: string, count = 1) => ({ kind: 'accept' as const, responses: Array.from({ length: count }, () => ({ status: 200, body })), closed: true });

const proxyCase = (id: string, title: string, send: Case['send'], expect: Case['expect'], extra: Partial<Case> = {}): Case => ({
  id,
  category: 'PROXY protocol',
  title,
  send,
  expect,
  consumer: 'proxy',
  ...extra,
});

export const proxyCases: Case[] = [
  proxyCase('proxy-v1-tcp4', 'v1 TCP4: the client is the remote address, the balancer is kept apart', [v1 + peer()], answered('203.0.113.7 127.0.0.1'), { features: ['proxy-protocol-v1'] }),
  proxyCase('proxy-v2-tcp4', 'v2 TCP4', [v2tcp4 + peer()], answered('203.0.113.8 127.0.0.1')),
  proxyCase('proxy-v2-tcp6', 'v2 TCP6', [v2tcp6 + peer()], answered('2001:db8::9 127.0.0.1')),
  proxyCase('proxy-v2-local', 'v2 LOCAL (a health check) keeps the connection\'s own address', [v2local + peer()], answered('127.0.0.1 127.0.0.1')),
  proxyCase('proxy-v2-pipelined', 'a header followed at once by pipelined requests', [v2tcp4 + peer(false) + peer()], answered('203.0.113.8 127.0.0.1', 2)),
  proxyCase('proxy-v2-split', 'a header and its request one byte at a time', [v2tcp4 + peer()], answered('203.0.113.8 127.0.0.1'), { oneByteAtATime: true }),
  // Not on uws, which lets such a connection through as plain HTTP (the proxy-protocol-strict divergence): only the targets that run 'proxy-strict'.
  proxyCase('proxy-missing', 'no header from a peer that must send one: closed, never dispatched', [peer()], { kind: 'drop' }, { consumer: 'proxy-strict' }),
  proxyCase('proxy-v1-malformed', 'a malformed v1 header: closed, never dispatched', [`PROXY TCP4 203.0.113.7 nonsense${CRLF}` + peer()], { kind: 'drop' }),
  proxyCase('proxy-v2-bad-version', 'a v2 header with version 3: closed, never dispatched', [`${v2tcp4.slice(0, 12)}\x31${v2tcp4.slice(13)}` + peer()], { kind: 'drop' }),
  proxyCase('proxy-v2-truncated', 'a truncated v2 header: closed when proxyProtocol.timeoutMs passes, never dispatched', [v2tcp4.slice(0, 20)], { kind: 'drop' }),
];
