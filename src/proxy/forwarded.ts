// req.client: who the client is, decided once for every runtime and consumer
// from the peer's address, the trustProxy option and the forwarding headers
// (RFC 7239 Forwarded first, else X-Forwarded-For/-Proto/-Host). Headers from
// a peer that is not trusted are never read.
import type { ClientInfo, WireHeaders } from '../types.js';
import { plainAddress, type TrustFn } from './trust.js';

interface ForwardedElement {
  for?: string;
  proto?: string;
  host?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A host as a client may name it: a name or IPv4 with an optional port, or [IPv6] with one. */
const HOST = /^(?:[A-Za-z0-9._~!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Forwarded's elements in order (the client's first), or null when it is malformed (then it is ignored whole). */
export function parseForwarded(value: string): ForwardedElement[] | null {
  const elements: ForwardedElement[] = [];
  let element: ForwardedElement = {};
  let i = 0;
  const n = value.length;
  const skipSpace = () => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  for (;;) {
    skipSpace();
    const eq = value.indexOf('=', i);
    if (eq === -1) return null;
    const name = value.slice(i, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) return null;
    i = eq + 1;
    let text = '';
    if (value[i] === '"') {
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\') i++;
        text += value[i] ?? '';
        i++;
      }
      if (i >= n) return null;
      i++;
    } else {
      const start = i;
      while (i < n && value[i] !== ';' && value[i] !== ',' && value[i] !== ' ' && value[i] !== '\t') i++;
      text = value.slice(start, i);
      if (!TOKEN.test(text)) return null;
    }
    if (name === 'for' || name === 'proto' || name === 'host') {
      if (element[name] !== undefined) return null;
      element[name] = text;
    }
    skipSpace();
    if (i >= n) {
      elements.push(element);
      return elements;
    }
    if (value[i] === ',') {
      elements.push(element);
      element = {};
    } else if (value[i] !== ';') return null;
    i++;
  }
}

/** A Forwarded node ("192.0.2.1", "192.0.2.1:80", "[2001:db8::1]:80", "unknown", "_hidden") as an address. */
export function nodeAddress(node: string): string {
  if (node.startsWith('[')) {
    const close = node.indexOf(']');
    return close === -1 ? node : node.slice(1, close);
  }
  const colon = node.indexOf(':');
  return colon !== -1 && node.indexOf(':', colon + 1) === -1 ? node.slice(0, colon) : node;
}

/** The last value of a header a proxy may have appended to ("https, http" → "http", from the nearest proxy). */
export function nearestValue(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const comma = header.lastIndexOf(',');
  const value = (comma === -1 ? header : header.slice(comma + 1)).trim();
  return value === '' ? undefined : value;
}

function protocolOf(value: string | undefined): 'http' | 'https' | undefined {
  const lower = value?.toLowerCase();
  return lower === 'http' || lower === 'https' ? lower : undefined;
}

function hostOf(value: string | undefined): string | undefined {
  return value !== undefined && HOST.test(value) ? value : undefined;
}

/** Walks from the server outwards while hops are trusted; the first untrusted one (or the farthest) is the client. */
function firstUntrusted(chain: readonly string[], trust: TrustFn): number {
  let i = 0;
  while (i < chain.length - 1 && trust(chain[i]!, i)) i++;
  return i;
}

/** The addresses a request passed through, the nearest first: the peer, then the forwarded hops right to left. */
export function forwardedChain(remoteAddress: string, hops: readonly string[]): string[] {
  const chain = [plainAddress(remoteAddress)];
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim();
    if (hop !== '') chain.push(plainAddress(hop));
  }
  return chain;
}

/** Who the client is. `secure`: the connection to us is TLS. */
export function resolveClient(remoteAddress: string, secure: boolean, headers: WireHeaders, trust: TrustFn | null): ClientInfo {
  const own: ClientInfo = { address: plainAddress(remoteAddress), protocol: secure ? 'https' : 'http', host: headers.get('host') };
  if (trust === null || !trust(own.address, 0)) return own;
  const forwarded = headers.get('forwarded');
  if (forwarded !== undefined) {
    const elements = parseForwarded(forwarded);
    if (elements === null) return own;
    const chain = forwardedChain(remoteAddress, elements.map((e) => (e.for === undefined ? 'unknown' : nodeAddress(e.for))));
    const at = firstUntrusted(chain, trust);
    // The element the outermost trusted proxy wrote describes the request as the client made it.
    const element = at === 0 ? undefined : elements[elements.length - at];
    return {
      address: chain[at]!,
      protocol: protocolOf(element?.proto) ?? own.protocol,
      host: hostOf(element?.host) ?? own.host,
    };
  }
  const forwardedFor = headers.get('x-forwarded-for');
  const chain = forwardedChain(remoteAddress, forwardedFor === undefined ? [] : forwardedFor.split(','));
  return {
    address: chain[firstUntrusted(chain, trust)]!,
    protocol: protocolOf(nearestValue(headers.get('x-forwarded-proto'))) ?? own.protocol,
    host: hostOf(nearestValue(headers.get('x-forwarded-host'))) ?? own.host,
  };
}
