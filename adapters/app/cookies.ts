// Cookies: the Cookie header parsed on first read (RFC 6265 §4.2), Set-Cookie
// serialized with every attribute (RFC 6265 §4.1, plus SameSite and
// Partitioned), and signed cookies: the value and an HMAC-SHA256 of
// name=value under the app's secret (the first signs, all verify, so secrets
// rotate), checked in constant time.
// Not the `cookie` package (1.1): its parse keeps the quotes of a quoted value (RFC 6265 §4.1.1 allows them)
// and an empty name, and its serialize orders attributes differently and has no 4096-byte, SameSite=None or
// Partitioned-without-Secure checks: what this file promises and its tests pin.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface CookieOptions {
  /** Expires attribute (a Date, or milliseconds since the epoch). */
  expires?: Date | number;
  /** Max-Age in seconds (0 or less: delete now). */
  maxAge?: number;
  domain?: string;
  /** Default "/". */
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'strict' | 'lax' | 'none' | 'Strict' | 'Lax' | 'None';
  /** CHIPS: a cookie partitioned by the top-level site (needs secure). */
  partitioned?: boolean;
  priority?: 'low' | 'medium' | 'high';
  /** Sign the value with the app's cookie secret (read it back with c.signedCookie). */
  signed?: boolean;
}

export interface CookieSettings {
  /** The secret(s) signed cookies use: the first signs, every one verifies (rotation). At least 32 characters. */
  secret?: string | readonly string[];
}

/** RFC 6265 §6.1: user agents keep at least 4096 bytes per cookie; larger ones are dropped silently, so they are refused here. */
export const MAX_COOKIE_BYTES = 4096;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// cookie-octet (RFC 6265 §4.1.1) once percent-encoded; attribute values: no CTLs and no ";".
const ATTRIBUTE_VALUE = /^[^\x00-\x1f\x7f;]*$/;

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `a=1; b="2"` → { a: '1', b: '2' }; the first of repeated names wins (the most specific path comes first); malformed pairs are skipped. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (header === undefined || header === '') return out;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end) {
      const name = header.slice(start, eq).trim();
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22) value = value.slice(1, -1);
      if (name !== '' && !(name in out)) out[name] = decode(value);
    }
    start = end + 1;
  }
  return out;
}

/** One Set-Cookie value. Throws a TypeError naming what is wrong (a bad name, an attribute with ";", an oversized cookie). */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw new TypeError(`cookie name ${JSON.stringify(name)} is not a token (RFC 6265 §4.1.1)`);
  const encoded = encodeURIComponent(value);
  if (name.length + 1 + encoded.length > MAX_COOKIE_BYTES) {
    throw new TypeError(`cookie "${name}" would be ${name.length + 1 + encoded.length} bytes; browsers keep at most ${MAX_COOKIE_BYTES} (RFC 6265 §6.1)`);
  }
  let out = `${name}=${encoded}`;
  if (options.maxAge !== undefined) {
    if (!Number.isFinite(options.maxAge)) throw new TypeError(`cookie "${name}": maxAge must be a finite number of seconds`);
    out += `; Max-Age=${Math.floor(options.maxAge)}`;
  }
  if (options.expires !== undefined) {
    const date = typeof options.expires === 'number' ? new Date(options.expires) : options.expires;
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`cookie "${name}": expires is not a valid date`);
    out += `; Expires=${date.toUTCString()}`;
  }
  if (options.domain !== undefined) {
    if (!/^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(options.domain)) throw new TypeError(`cookie "${name}": domain ${JSON.stringify(options.domain)} is not a domain name`);
    out += `; Domain=${options.domain}`;
  }
  const path = options.path ?? '/';
  if (!ATTRIBUTE_VALUE.test(path)) throw new TypeError(`cookie "${name}": path ${JSON.stringify(path)} has a control character or ";"`);
  out += `; Path=${path}`;
  const sameSite = options.sameSite?.toLowerCase();
  const secure = options.secure === true;
  if (sameSite === 'none' && !secure) throw new TypeError(`cookie "${name}": SameSite=None needs secure: true (browsers drop it otherwise)`);
  if (options.partitioned === true && !secure) throw new TypeError(`cookie "${name}": partitioned needs secure: true`);
  if (secure) out += '; Secure';
  if (options.httpOnly === true) out += '; HttpOnly';
  if (sameSite !== undefined) {
    if (sameSite !== 'strict' && sameSite !== 'lax' && sameSite !== 'none') throw new TypeError(`cookie "${name}": sameSite must be strict, lax or none`);
    out += `; SameSite=${sameSite === 'strict' ? 'Strict' : sameSite === 'lax' ? 'Lax' : 'None'}`;
  }
  if (options.partitioned === true) out += '; Partitioned';
  if (options.priority !== undefined) {
    const p = options.priority.toLowerCase();
    if (p !== 'low' && p !== 'medium' && p !== 'high') throw new TypeError(`cookie "${name}": priority must be low, medium or high`);
    out += `; Priority=${p[0]!.toUpperCase()}${p.slice(1)}`;
  }
  return out;
}

/** Signs and verifies cookie values with HMAC-SHA256 over "name=value". */
export class CookieSigner {
  private readonly secrets: readonly string[];

  constructor(secret: string | readonly string[]) {
    const list = typeof secret === 'string' ? [secret] : [...secret];
    if (list.length === 0 || list.some((s) => typeof s !== 'string' || s.length < 32)) throw new TypeError('wirecore/app: cookies.secret must be a string (or a list) of at least 32 characters');
    this.secrets = list;
  }

  private mac(secret: string, name: string, value: string): string {
    return createHmac('sha256', secret).update(`${name}=${value}`).digest('base64url');
  }

  sign(name: string, value: string): string {
    return `${value}.${this.mac(this.secrets[0]!, name, value)}`;
  }

  /** The value when its signature verifies under any secret, else undefined. */
  unsign(name: string, signed: string): string | undefined {
    const dot = signed.lastIndexOf('.');
    if (dot === -1) return undefined;
    const value = signed.slice(0, dot);
    const given = Buffer.from(signed.slice(dot + 1));
    let ok = false;
    for (const secret of this.secrets) {
      const expected = Buffer.from(this.mac(secret, name, value));
      // The length of a SHA-256 MAC is public; only equal lengths are compared in constant time.
      if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
    }
    return ok ? value : undefined;
  }
}
