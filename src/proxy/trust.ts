// Which peers are believed when they speak for someone else: the PROXY
// protocol's `from` list and trustProxy (Forwarded / X-Forwarded-*) both
// compile to a TrustFn here, so there is one implementation of addresses,
// CIDR ranges and presets.
import { BlockList, isIP } from 'node:net';
import { OptionError } from '../errors.js';

/**
 * true: trust every hop; a number: trust that many hops next to the server;
 * a list: addresses, CIDR ranges ("10.0.0.0/8") or the presets "loopback",
 * "linklocal", "uniquelocal", "private" (the three); a function: (address, hop) => trusted.
 */
export type TrustProxy = boolean | number | readonly string[] | ((address: string, hop: number) => boolean);

/** Decides, hop by hop (0 is the peer), whether an address's forwarding headers are believed. */
export type TrustFn = (address: string, hop: number) => boolean;

const PRESETS: Record<string, readonly string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};
PRESETS.private = [...PRESETS.loopback!, ...PRESETS.linklocal!, ...PRESETS.uniquelocal!];

/** "::ffff:10.0.0.1" → "10.0.0.1", so one IPv4 rule covers both forms. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** A BlockList from addresses, CIDR ranges and presets; `key` names the option in errors. */
export function addressList(entries: readonly unknown[], key: string): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    if (typeof raw !== 'string') throw new OptionError(`${key} entries must be strings (addresses, CIDR ranges or presets), got ${JSON.stringify(raw)}`);
    for (const entry of PRESETS[raw] ?? [raw]) {
      const [address, bits, extra] = entry.split('/') as [string, string | undefined, string | undefined];
      const family = isIP(address);
      if (family === 0 || extra !== undefined) {
        throw new OptionError(`${key} entry ${JSON.stringify(entry)} is not an address, a CIDR range or a preset (${Object.keys(PRESETS).join(', ')})`);
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) list.addAddress(address, type);
      else {
        const prefix = Number(bits);
        if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new OptionError(`${key} entry ${JSON.stringify(entry)} has a bad prefix length`);
        list.addSubnet(address, prefix, type);
      }
    }
  }
  return list;
}

/** Whether `address` (any form Node reports, v4-mapped included) is in the list. */
export function listed(list: BlockList, address: string): boolean {
  const plain = plainAddress(address);
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Compiles a trustProxy option; null when nothing is trusted. */
export function compileTrust(option: unknown, key = 'options.trustProxy'): TrustFn | null {
  if (option === undefined || option === false) return null;
  if (option === true) return () => true;
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0) throw new OptionError(`${key} as a number is a count of hops (a non-negative integer), got ${option}`);
    return option === 0 ? null : (_address, hop) => hop < option;
  }
  if (typeof option === 'function') return option as TrustFn;
  if (!Array.isArray(option)) throw new OptionError(`${key} must be true, a hop count, a list of addresses/CIDR ranges/presets, or a function (address, hop) => boolean`);
  const list = addressList(option, key);
  return (address) => listed(list, address);
}
