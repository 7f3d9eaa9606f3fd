// PROXY protocol on uws: uWebSockets.js reads v2 headers itself (this build
// has getProxiedRemoteAddress*), from any peer, and lets a connection without
// one through. wirecore adds the trust list: a request on a connection from a
// peer outside proxyProtocol.from is never dispatched; its connection closes.
import type { Logger, ProxyPeer } from '../types.js';
import type { ProxyProtocolConfig } from './gate.js';
import { ipv6 } from './protocol.js';
import { listed } from './trust.js';

export interface UwsPeer {
  remoteAddress: string;
  proxy: ProxyPeer | null;
}

/** uWS writes IPv6 uncompressed ("2001:0db8:0000:…"): the form Node reports instead. */
function nodeForm(address: string): string {
  if (!address.includes(':')) return address;
  const groups = address.split(':');
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return address;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return ipv6(bytes, 0);
}

const text = (buffer: ArrayBuffer) => Buffer.from(buffer).toString('latin1');

/**
 * uWS asks per request, not per connection, and BlockList.check builds a
 * native SocketAddress each time: remember the answer for the few balancer
 * addresses a server sees (bounded, so many peers cannot grow it).
 */
const trustedPeers = new WeakMap<ProxyProtocolConfig, Map<string, boolean>>();
const TRUST_CACHE_SIZE = 256;

function trusted(config: ProxyProtocolConfig, peer: string): boolean {
  let known = trustedPeers.get(config);
  if (known === undefined) trustedPeers.set(config, (known = new Map()));
  let answer = known.get(peer);
  if (answer === undefined) {
    answer = listed(config.from, peer);
    if (known.size >= TRUST_CACHE_SIZE) known.clear();
    known.set(peer, answer);
  }
  return answer;
}

/**
 * The request's peer under proxyProtocol, or null when the connection must
 * close (the peer is not trusted: logged).
 */
export function uwsProxiedPeer(
  config: ProxyProtocolConfig,
  logger: Logger,
  own: ArrayBuffer,
  proxied: ArrayBuffer,
): UwsPeer | null {
  const peer = nodeForm(text(own));
  if (!trusted(config, peer)) {
    try {
      logger.warn(`PROXY protocol: closed a connection from ${peer}: the peer is not in proxyProtocol.from`);
    } catch {
      // a logger that throws must not keep the connection open
    }
    return null;
  }
  const client = text(proxied);
  // No header, or LOCAL (a health check): the balancer speaks for itself.
  if (client === '') return { remoteAddress: peer, proxy: { address: peer, port: 0 } };
  return { remoteAddress: nodeForm(client), proxy: { address: peer, port: 0 } };
}
