// JWT bearer tokens verified by jose: a secret (HS256/384/512), a public key
// (its type picks the algorithm) or a JWK Set (a file, an object, or an https
// URL fetched and cached by jose; http only on loopback); verified tokens are
// remembered until they expire (at most maxAgeMs).
import { createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ServiceUnavailable } from '../errors.js';
import type { Principal } from '../model.js';
import type { JwtOptions } from './config.js';
import type { Outcome } from './outcome.js';

function jwtScopes(payload: JWTPayload): readonly string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  const scp = payload.scp;
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  if (typeof scp === 'string') return scp.split(' ').filter(Boolean);
  return [];
}

/** localhost, 127.0.0.0/8, [::1]: a JWKS there is reached without a network in between. */
function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

const JOSE_REASONS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'The token has expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The token signature does not verify',
  ERR_JOSE_ALG_NOT_ALLOWED: 'The token algorithm is not accepted',
  ERR_JOSE_NOT_SUPPORTED: 'The token algorithm is not accepted',
  ERR_JWS_INVALID: 'The token is malformed',
  ERR_JWT_INVALID: 'The token is malformed',
  ERR_JWKS_NO_MATCHING_KEY: 'No known key verifies the token',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'No known key verifies the token',
};

interface CachedToken {
  readonly outcome: Outcome;
  readonly expiresAt: number;
  readonly notBefore: number;
}

/** Verifies JWTs; returns a check function for one scheme. */
export function jwtVerifier(name: string, options: JwtOptions): (token: string) => Outcome | Promise<Outcome> {
  const where = `security scheme "${name}"`;
  const sources = [options.secret, options.publicKey, options.jwks].filter((s) => s !== undefined).length;
  if (sources !== 1) throw new TypeError(`wirecore/app: ${where}: jwt needs exactly one of secret, publicKey or jwks`);
  let algorithms = options.algorithms ? [...options.algorithms] : undefined;
  if (algorithms?.some((a) => a.toLowerCase() === 'none')) throw new TypeError(`wirecore/app: ${where}: the "none" algorithm is never accepted`);
  let key: Uint8Array | KeyObject | webcrypto.CryptoKey | JWTVerifyGetKey;
  let importing: Promise<webcrypto.CryptoKey> | null = null;
  if (options.secret !== undefined) {
    const bytes = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (bytes.length < 32) throw new TypeError(`wirecore/app: ${where}: a JWT secret must have at least 32 bytes (RFC 7518 §3.2 for HS256)`);
    key = bytes;
    algorithms ??= ['HS256'];
    const hashes: Record<string, string> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };
    if (algorithms.some((a) => hashes[a] === undefined)) throw new TypeError(`wirecore/app: ${where}: a secret verifies only HS256/HS384/HS512`);
    // One algorithm: the key is imported once (jose would import raw bytes on every verification).
    if (algorithms.length === 1) {
      importing = crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: hashes[algorithms[0]!]! }, false, ['verify']);
      // Awaited by the first verification, which reports a failure.
      importing.catch(() => {});
    }
  } else if (options.publicKey !== undefined) {
    let keyObject: KeyObject;
    try {
      keyObject = typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
    } catch (error) {
      throw new TypeError(`wirecore/app: ${where}: the public key does not load: ${(error as Error).message}`);
    }
    if (keyObject.type !== 'public') throw new TypeError(`wirecore/app: ${where}: publicKey must be a public key`);
    const type = keyObject.asymmetricKeyType;
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const own = type === 'rsa' ? 'RS256' : type === 'ec' ? ({ prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' } as Record<string, string>)[curve ?? ''] : type === 'ed25519' ? 'EdDSA' : undefined;
    if (own === undefined && algorithms === undefined) throw new TypeError(`wirecore/app: ${where}: cannot tell the algorithm of a ${type} key; set jwt.algorithms`);
    algorithms ??= [own!];
    key = keyObject;
  } else {
    const jwks = options.jwks!;
    algorithms ??= ['RS256', 'ES256'];
    if (jwks instanceof URL || (typeof jwks === 'string' && /^https?:\/\//i.test(jwks))) {
      const url = jwks instanceof URL ? jwks : new URL(jwks);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
        throw new TypeError(`wirecore/app: ${where}: the JWKS URL ${url.href} is not https; keys fetched over plain http can be replaced on the way (http is accepted only for a loopback host)`);
      }
      key = createRemoteJWKSet(url, { timeoutDuration: options.jwksTimeoutMs ?? 5000 });
    } else {
      let set: JSONWebKeySet;
      if (typeof jwks === 'string') {
        try {
          set = JSON.parse(readFileSync(jwks, 'utf8')) as JSONWebKeySet;
        } catch (error) {
          throw new TypeError(`wirecore/app: ${where}: cannot read the JWKS file ${jwks}: ${(error as Error).message}`);
        }
      } else set = jwks;
      try {
        key = createLocalJWKSet(set);
      } catch (error) {
        throw new TypeError(`wirecore/app: ${where}: the JWKS is not valid: ${(error as Error).message}`);
      }
    }
  }
  const verifyOptions = {
    algorithms,
    ...(options.issuer !== undefined ? { issuer: options.issuer as string | string[] } : {}),
    ...(options.audience !== undefined ? { audience: options.audience as string | string[] } : {}),
    clockTolerance: options.clockToleranceSec ?? 0,
    ...(options.requireExp !== false ? { requiredClaims: ['exp'] } : {}),
  };
  const scopesOf = options.scopes ?? jwtScopes;
  const toPrincipal = options.principal;
  const cacheSize = options.cache === false ? 0 : (options.cache?.size ?? 1000);
  const cacheAge = options.cache === false ? 0 : (options.cache?.maxAgeMs ?? 60_000);
  const cache = new Map<string, CachedToken>();
  const tolerance = verifyOptions.clockTolerance * 1000;

  const verify = async (token: string): Promise<Outcome> => {
    if (importing !== null) {
      key = await importing;
      importing = null;
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, verifyOptions));
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
        const { claim, reason } = error as { claim?: string; reason?: string };
        return { ok: false, present: true, reason: reason === 'missing' ? `The token has no "${claim}" claim` : `The token's "${claim}" claim is not accepted` };
      }
      const reason = JOSE_REASONS[code];
      if (reason !== undefined) return { ok: false, present: true, reason };
      if (code.startsWith('ERR_JWKS') || (error as Error).name === 'TypeError' || (error as Error).name === 'AbortError') {
        throw new ServiceUnavailable('The keys that verify tokens cannot be fetched now', { cause: error, expose: true });
      }
      throw error;
    }
    const principal = toPrincipal ? await toPrincipal(payload) : (payload as Principal);
    const outcome: Outcome = { ok: true, principal, scopes: scopesOf(payload) };
    if (cacheSize > 0) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      const now = Date.now();
      const exp = typeof payload.exp === 'number' ? payload.exp * 1000 + tolerance : Infinity;
      cache.set(token, { outcome, expiresAt: Math.min(exp, now + cacheAge), notBefore: typeof payload.nbf === 'number' ? payload.nbf * 1000 - tolerance : 0 });
    }
    return outcome;
  };

  return (token) => {
    if (cacheSize > 0) {
      const hit = cache.get(token);
      if (hit !== undefined) {
        const now = Date.now();
        if (now < hit.expiresAt && now >= hit.notBefore) return hit.outcome;
        cache.delete(token);
      }
    }
    return verify(token);
  };
}
