// What every scheme shares: the outcome of a check, the compiled scheme's
// shape, constant-time comparison of secrets, and the principal and scopes
// made from what a verify function returned.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AnyContext } from '../context.js';
import type { Principal } from '../model.js';
import type { MaybePromise, Verified } from './config.js';

export type Outcome =
  | { readonly ok: true; readonly principal: Principal; readonly scopes: readonly string[] }
  | { readonly ok: false; readonly present: boolean; readonly reason: string };

export const MISSING: Outcome = { ok: false, present: false, reason: 'no credentials' };

export interface CompiledScheme {
  readonly name: string;
  /** The OpenAPI Security Scheme Object. */
  readonly openapi: Record<string, unknown>;
  check(c: AnyContext): Outcome | Promise<Outcome>;
  /** The WWW-Authenticate challenge, with the failure when the credentials were wrong. */
  challenge(outcome: Outcome | null, scope?: readonly string[]): string | null;
}

export function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

// Constant-time equality of secrets of any length: both sides through one HMAC, then timingSafeEqual.
const DIGEST_KEY = randomBytes(32);
export function digest(value: string): Buffer {
  return createHmac('sha256', DIGEST_KEY).update(value).digest();
}
/** True when `presented` equals one of `stored` (digests); every entry is compared, so the time does not say which. */
export function findDigest(presented: string, stored: readonly Buffer[]): number {
  const d = digest(presented);
  let found = -1;
  for (let i = 0; i < stored.length; i++) if (timingSafeEqual(d, stored[i]!) && found === -1) found = i;
  return found;
}

export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;
}

export function defaultScopes(principal: Principal): readonly string[] {
  const scopes = principal.scopes;
  return Array.isArray(scopes) && scopes.every((s) => typeof s === 'string') ? (scopes as string[]) : [];
}


export async function fromVerify(result: MaybePromise<Verified>, scopes: (p: Principal) => readonly string[], reason: string): Promise<Outcome> {
  const principal = await result;
  if (principal === null || principal === undefined || principal === false) return { ok: false, present: true, reason };
  // Principal may be narrowed by declaration merging; `true` vouches for the credentials, not for claims.
  if (principal === true) return { ok: true, principal: {} as Principal, scopes: [] };
  if (typeof principal !== 'object') throw new TypeError('a security verify function must return a principal object, true, or null/false');
  return { ok: true, principal, scopes: scopes(principal) };
}
