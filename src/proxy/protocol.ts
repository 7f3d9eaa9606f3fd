// The PROXY protocol (HAProxy's spec, v1 text and v2 binary): a header a load
// balancer writes before the client's bytes, naming the client. Parsed from
// whatever has arrived so far, so a header split across reads (byte by byte)
// is read as well as a whole one; strict, and bounded.
//
// Our own parser rather than an npm one: the packages there parse a complete
// buffer and throw, while what matters here is knowing from a prefix whether
// more bytes are needed, where the header ends, and refusing early; that
// framing is most of the work, and the decoding beside it is ~60 lines.
import { isIPv6 } from 'node:net';

/** An address and port as Node writes them ("10.0.0.1", "2001:db8::1"). */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface ProxyHeader {
  readonly version: 1 | 2;
  /** Bytes the header took; what follows is the client's. */
  readonly length: number;
  /** 'local': the proxy speaks for itself (health checks); the connection's own address stands. */
  readonly command: 'proxy' | 'local';
  /** The client (source) and the address it connected to (destination); null for LOCAL, UNSPEC/UNKNOWN, UDP and UNIX. */
  readonly source: Endpoint | null;
  readonly destination: Endpoint | null;
}

export type ParseResult = ProxyHeader | 'incomplete' | { readonly error: string };

/** v1's limit from the spec; v2 allows 64 KiB of TLVs, far more than any balancer sends. */
export const MAX_V1_LENGTH = 107;
export const MAX_V2_LENGTH = 16 + 2048;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** Whether `bytes` starts like `prefix` as far as both go. */
function startsLike(bytes: Uint8Array, prefix: Uint8Array): boolean {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Parses the header at the start of `bytes`. */
export function parseProxyHeader(bytes: Uint8Array): ParseResult {
  if (bytes.length === 0) return 'incomplete';
  if (bytes[0] === 0x50) return startsLike(bytes, V1_PREFIX) ? parseV1(bytes) : { error: 'not a PROXY protocol header' };
  if (bytes[0] === 0x0d) return startsLike(bytes, V2_SIGNATURE) ? parseV2(bytes) : { error: 'not a PROXY protocol header' };
  return { error: 'not a PROXY protocol header' };
}

// ---- v1: "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const PORT = /^(?:0|[1-9]\d{0,4})$/;

function parseV1(bytes: Uint8Array): ParseResult {
  const end = Math.min(bytes.length, MAX_V1_LENGTH);
  let cr = -1;
  for (let i = V1_PREFIX.length; i < end; i++) {
    if (bytes[i] === 0x0d) {
      cr = i;
      break;
    }
    if (bytes[i] === 0x0a) return { error: 'v1 header has a bare LF' };
  }
  if (cr === -1) return bytes.length >= MAX_V1_LENGTH ? { error: `v1 header longer than ${MAX_V1_LENGTH} bytes` } : 'incomplete';
  if (cr + 1 >= bytes.length) return 'incomplete';
  if (bytes[cr + 1] !== 0x0a) return { error: 'v1 header line does not end in CRLF' };
  const line = Buffer.from(bytes.buffer, bytes.byteOffset, cr).toString('latin1');
  const length = cr + 2;
  const parts = line.split(' ');
  if (parts[1] === 'UNKNOWN') return { version: 1, length, command: 'proxy', source: null, destination: null };
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) return { error: `malformed v1 header ${JSON.stringify(line)}` };
  const [, family, src, dst, sport, dport] = parts as [string, string, string, string, string, string];
  const valid = family === 'TCP4' ? (a: string) => IPV4.test(a) : (a: string) => isIPv6(a);
  if (!valid(src) || !valid(dst) || !PORT.test(sport) || !PORT.test(dport) || Number(sport) > 65535 || Number(dport) > 65535) {
    return { error: `malformed v1 header ${JSON.stringify(line)}` };
  }
  return { version: 1, length, command: 'proxy', source: { address: src, port: Number(sport) }, destination: { address: dst, port: Number(dport) } };
}


// ---- v2: 12-byte signature, version/command, family/transport, length, addresses, TLVs

function parseV2(bytes: Uint8Array): ParseResult {
  if (bytes.length < 16) return 'incomplete';
  const versionCommand = bytes[12]!;
  if (versionCommand >> 4 !== 2) return { error: `v2 header with version ${versionCommand >> 4}` };
  const command = versionCommand & 0x0f;
  if (command > 1) return { error: `v2 header with unknown command ${command}` };
  const family = bytes[13]!;
  const declared = (bytes[14]! << 8) | bytes[15]!;
  const length = 16 + declared;
  if (length > MAX_V2_LENGTH) return { error: `v2 header of ${length} bytes, more than ${MAX_V2_LENGTH}` };
  if (bytes.length < length) return 'incomplete';
  const local = command === 0;
  let source: Endpoint | null = null;
  let destination: Endpoint | null = null;
  switch (family) {
    case 0x11: // TCP over IPv4
      if (declared < 12) return { error: 'v2 TCP4 header too short for its addresses' };
      if (!local) {
        source = { address: ipv4(bytes, 16), port: port(bytes, 24) };
        destination = { address: ipv4(bytes, 20), port: port(bytes, 26) };
      }
      break;
    case 0x21: // TCP over IPv6
      if (declared < 36) return { error: 'v2 TCP6 header too short for its addresses' };
      if (!local) {
        source = { address: ipv6(bytes, 16), port: port(bytes, 48) };
        destination = { address: ipv6(bytes, 32), port: port(bytes, 50) };
      }
      break;
    case 0x00: // UNSPEC
    case 0x12: // UDP4, UDP6, UNIX stream and datagram: nothing a TCP peer can be; the connection's address stands
    case 0x22:
    case 0x31:
    case 0x32:
      break;
    default:
      return { error: `v2 header with unknown address family 0x${family.toString(16).padStart(2, '0')}` };
  }
  return { version: 2, length, command: local ? 'local' : 'proxy', source, destination };
}

function port(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function ipv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** RFC 5952 text, as Node reports addresses ("::1", "2001:db8::1", "::ffff:10.0.0.1"). */
export function ipv6(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(port(bytes, at + i * 2));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${ipv4(bytes, at + 12)}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

// ---- writing one (tests, the parity harness and the bench client speak as a balancer)

export interface ProxyHeaderInit {
  version: 1 | 2;
  /** v2 only: a LOCAL header (no addresses). */
  local?: boolean;
  source?: Endpoint;
  destination?: Endpoint;
}

function ipv6Bytes(address: string): Buffer {
  const out = Buffer.alloc(16);
  let text = address;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** The bytes of a PROXY header (addresses as text; IPv6 when they contain ':'). */
export function encodeProxyHeader(init: ProxyHeaderInit): Buffer {
  const source = init.source ?? { address: '127.0.0.1', port: 0 };
  const destination = init.destination ?? { address: source.address.includes(':') ? '::1' : '127.0.0.1', port: 0 };
  const six = source.address.includes(':');
  if (init.version === 1) {
    return Buffer.from(`PROXY ${six ? 'TCP6' : 'TCP4'} ${source.address} ${destination.address} ${source.port} ${destination.port}\r\n`, 'latin1');
  }
  if (init.local === true) return Buffer.concat([V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
  const addresses = six
    ? Buffer.concat([ipv6Bytes(source.address), ipv6Bytes(destination.address)])
    : Buffer.from([...source.address.split('.').map(Number), ...destination.address.split('.').map(Number)]);
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(source.port, 0);
  ports.writeUInt16BE(destination.port, 2);
  const length = addresses.length + 4;
  return Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, six ? 0x21 : 0x11, length >> 8, length & 0xff]), addresses, ports]);
}
