// Trust-proxy: which peers may tell us the client's address, scheme and host
// through X-Forwarded-For / -Proto / -Host. Off by default: the headers are
// then ignored, since any client can send them.
import { BlockList, isIP } from 'node:net';

/**
 * true: trust every hop; a number: trust that many hops next to the server;
 * a list: addresses, CIDR ranges ("10.0.0.0/8") or the presets "loopback",
 * "linklocal", "uniquelocal"; a function: (address, hop) => trusted.
 */
export type TrustProxy = boolean | number | readonly string[] | ((address: string, hop: number) => boolean);

/** Decides, hop by hop, whether a peer's forwarding headers are believed. */
export type TrustFn = (address: string, hop: number) => boolean;

const PRESETS: Record<string, readonly string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** "::ffff:10.0.0.1" → "10.0.0.1", so one IPv4 rule covers both forms. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function compileTrust(option: TrustProxy | undefined): TrustFn | null {
  if (option === undefined || option === false) return null;
  if (option === true) return () => true;
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0) throw new TypeError(`wirecore/app: trustProxy as a number is a count of hops, got ${option}`);
    return (_address, hop) => hop < option;
  }
  if (typeof option === 'function') return option;
  if (!Array.isArray(option)) throw new TypeError('wirecore/app: trustProxy is true, a hop count, a list of addresses/CIDRs, or a function');
  const list = new BlockList();
  for (const entry of option.flatMap((e) => PRESETS[e] ?? [e])) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(address);
    if (family === 0) throw new TypeError(`wirecore/app: trustProxy entry ${JSON.stringify(entry)} is not an address, a CIDR range or a preset (loopback, linklocal, uniquelocal)`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new TypeError(`wirecore/app: trustProxy entry ${JSON.stringify(entry)} has a bad prefix length`);
      list.addSubnet(address, prefix, type);
    }
  }
  return (address) => {
    const plain = plainAddress(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** The addresses a request passed through, the nearest first: the peer, then X-Forwarded-For right to left. */
export function forwardedChain(remoteAddress: string, forwardedFor: string | undefined): string[] {
  const chain = [plainAddress(remoteAddress)];
  if (forwardedFor === undefined) return chain;
  const hops = forwardedFor.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim();
    if (hop !== '') chain.push(plainAddress(hop));
  }
  return chain;
}

/** The client address: the first hop, walking away from the server, that is not a trusted proxy. */
export function clientAddress(chain: readonly string[], trust: TrustFn | null): string {
  if (trust === null) return chain[0]!;
  let i = 0;
  while (i < chain.length - 1 && trust(chain[i]!, i)) i++;
  return chain[i]!;
}

/** The last value of a forwarding header a proxy may have appended to ("https, http" → "http" from the nearest proxy). */
export function nearestValue(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const comma = header.lastIndexOf(',');
  const value = (comma === -1 ? header : header.slice(comma + 1)).trim();
  return value === '' ? undefined : value;
}
