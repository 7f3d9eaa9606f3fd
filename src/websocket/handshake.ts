// The opening handshake's rules (RFC 6455 §4.2), judged once by wirecore for
// every runtime before any codec sees the socket: a request that fails them
// gets its 4xx (and the connection closes), never a 101.
import { createHash } from 'node:crypto';
import type { WireHeaders, WireRequest } from '../types.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** 16 bytes in base64: 22 characters, then "==". */
const KEY_RE = /^[A-Za-z0-9+/]{21}[AQgw]==$/;
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A handshake that fails: its status, reason and the fields the status calls for. */
export interface HandshakeRefusal {
  status: number;
  reason: string;
  headers: Record<string, string>;
}

/** A handshake that passes. */
export interface Handshake {
  key: string;
  /** The subprotocols offered, in the client's order. */
  protocols: string[];
  /** The Sec-WebSocket-Extensions offer as received ('' for none). */
  extensions: string;
}

/** Comma-separated tokens of a field (all its lines), trimmed, lower-cased. */
function tokens(headers: WireHeaders, name: string): string[] {
  const value = headers.get(name);
  if (value === undefined) return [];
  return value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

/** The request asks to switch protocols (Connection: upgrade and an Upgrade field), as llhttp and node:http read it. */
export function asksToUpgrade(headers: readonly string[]): boolean {
  let upgrade = false;
  let connection = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === 7 && name.toLowerCase() === 'upgrade') upgrade = true;
    else if (name.length === 10 && name.toLowerCase() === 'connection' && /(?:^|,)[ \t]*upgrade[ \t]*(?:,|$)/i.test(headers[i + 1]!)) connection = true;
  }
  return upgrade && connection;
}

/** The subprotocols a WebSocket upgrade request offers, in its order ([] for none). */
export function offeredProtocols(req: WireRequest): string[] {
  const value = req.headers.get('sec-websocket-protocol');
  if (value === undefined) return [];
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function refuse(status: number, reason: string, headers: Record<string, string> = {}): HandshakeRefusal {
  return { status, reason, headers };
}

/** Judges a WebSocket upgrade request; `hasBody` is whether it carries a body. */
export function checkHandshake(req: WireRequest, hasBody: boolean): Handshake | HandshakeRefusal {
  const headers = req.headers;
  if (req.method !== 'GET') return refuse(405, 'A WebSocket upgrade must be a GET request', { allow: 'GET' });
  if (req.httpVersion !== '1.1') return refuse(400, 'A WebSocket upgrade needs HTTP/1.1');
  if (!tokens(headers, 'upgrade').includes('websocket')) {
    return refuse(426, 'This resource needs a WebSocket upgrade (Upgrade: websocket)', { upgrade: 'websocket', 'sec-websocket-version': '13' });
  }
  if (!tokens(headers, 'connection').includes('upgrade')) return refuse(400, 'A WebSocket upgrade needs Connection: upgrade');
  const keys = headers.getAll('sec-websocket-key');
  if (keys.length !== 1 || !KEY_RE.test(keys[0]!.trim())) return refuse(400, 'Sec-WebSocket-Key must be one base64-encoded 16-byte value');
  const versions = headers.getAll('sec-websocket-version');
  if (versions.length !== 1 || versions[0]!.trim() !== '13') {
    return refuse(426, 'Only WebSocket version 13 is supported', { 'sec-websocket-version': '13' });
  }
  if (hasBody) return refuse(400, 'A WebSocket upgrade request cannot carry a body');
  const protocols = offeredProtocols(req);
  if (protocols.some((p) => !TOKEN_RE.test(p)) || new Set(protocols).size !== protocols.length) return refuse(400, 'Invalid Sec-WebSocket-Protocol');
  return { key: keys[0]!.trim(), protocols, extensions: headers.get('sec-websocket-extensions') ?? '' };
}

export function isRefusal(result: Handshake | HandshakeRefusal): result is HandshakeRefusal {
  return 'status' in result;
}

/** Sec-WebSocket-Accept for a key. */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}
