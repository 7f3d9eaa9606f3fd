// Security schemes (the OpenAPI kinds): HTTP bearer with JWTs verified by
// jose (a secret, a public key, or a JWKS from a file or a URL), API keys in
// a header, the query or a cookie, and HTTP basic. A route's requirements
// become one authenticate step: 401 with WWW-Authenticate when credentials
// are missing or wrong, 403 when valid ones lack a scope. Secrets are
// compared in constant time (HMAC digests and timingSafeEqual).
import { createHmac, createPublicKey, randomBytes, timingSafeEqual, type KeyObject, type webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Forbidden, HttpError, ServiceUnavailable, Unauthorized } from './errors.js';
import type { AuthInfo, Principal, SecurityRequirements } from './model.js';
import type { AnyContext } from './context.js';

export type { AuthInfo, Principal, SecurityRequirements } from './model.js';

/** What a verify function returns: the principal, `true` (valid, a principal with no claims), or null / undefined / false for "not valid". */
export type Verified = Principal | true | null | undefined | false;
type MaybePromise<T> = T | Promise<T>;

export interface JwtOptions {
  /** Shared secret for HS256 (HS384/HS512 with `algorithms`). */
  secret?: string | Uint8Array;
  /** A public key: PEM (SPKI or certificate) or a KeyObject; its type picks the algorithm (RS256, ES256, EdDSA). */
  publicKey?: string | KeyObject;
  /**
   * A JWK Set: a local file path, an https URL (fetched and cached by jose; http only on a loopback host, where
   * nothing can change the keys on the way), or the `{ keys }` object itself.
   */
  jwks?: string | URL | JSONWebKeySet;
  /** Accepted `alg` values. Default: HS256 for a secret, the key's own for a public key, RS256 and ES256 for a JWKS. `none` is never accepted. */
  algorithms?: readonly string[];
  issuer?: string | readonly string[];
  audience?: string | readonly string[];
  /** Refuse a token without an `exp` claim (jose alone accepts it forever). Default true. */
  requireExp?: boolean;
  /** Seconds of clock skew tolerated on exp and nbf. Default 0. */
  clockToleranceSec?: number;
  /** The scopes a payload grants. Default: the space-separated `scope` claim, else `scp` (list or string). */
  scopes?: (payload: JWTPayload) => readonly string[];
  /** The principal made from a verified payload. Default: the payload. */
  principal?: (payload: JWTPayload) => MaybePromise<Principal>;
  /**
   * Verified tokens are remembered by their exact text until they expire, and at
   * most `maxAgeMs` (default 60 s; 1000 tokens), so a client's repeated token is
   * not verified again on every request. false: verify every time.
   */
  cache?: false | { size?: number; maxAgeMs?: number };
  /** JWKS over HTTP: how long a fetch may take (default 5000 ms). */
  jwksTimeoutMs?: number;
}

interface SchemeCommon {
  description?: string;
  /** The scopes a principal holds (default: its `scopes` field when that is a list of strings). */
  scopes?: (principal: Principal) => readonly string[];
  /** The realm named in WWW-Authenticate. Default "api". */
  realm?: string;
}

export interface BearerSchemeConfig extends SchemeCommon {
  type: 'http';
  scheme: 'bearer';
  bearerFormat?: string;
  jwt?: JwtOptions;
  /** Verifies an opaque token instead of a JWT. */
  verify?: (token: string, c: AnyContext) => MaybePromise<Verified>;
}

export interface BasicSchemeConfig extends SchemeCommon {
  type: 'http';
  scheme: 'basic';
  /** username → password, compared in constant time; the principal is `{ username }`. */
  users?: Readonly<Record<string, string>>;
  verify?: (username: string, password: string, c: AnyContext) => MaybePromise<Verified>;
}

export interface ApiKeySchemeConfig extends SchemeCommon {
  type: 'apiKey';
  in: 'header' | 'query' | 'cookie';
  name: string;
  /** Accepted keys (the principal is `{ key: index }`), or key → principal; compared in constant time. */
  keys?: readonly string[] | Readonly<Record<string, Principal>>;
  verify?: (key: string, c: AnyContext) => MaybePromise<Verified>;
}

/** OAuth 2 and OpenID Connect access tokens arrive as bearer tokens: verify them as JWTs or with `verify`. */
export interface OAuthSchemeConfig extends SchemeCommon {
  type: 'oauth2' | 'openIdConnect';
  flows?: Record<string, unknown>;
  openIdConnectUrl?: string;
  jwt?: JwtOptions;
  verify?: (token: string, c: AnyContext) => MaybePromise<Verified>;
}

export type SecuritySchemeConfig = BearerSchemeConfig | BasicSchemeConfig | ApiKeySchemeConfig | OAuthSchemeConfig;

/** The verification half of a scheme whose OpenAPI half comes from a spec (fromSpec's `security` option). */
export type SchemeVerification = Omit<BearerSchemeConfig, 'type' | 'scheme'> &
  Omit<BasicSchemeConfig, 'type' | 'scheme'> &
  Omit<ApiKeySchemeConfig, 'type' | 'in' | 'name'> &
  Omit<OAuthSchemeConfig, 'type'>;

type Outcome =
  | { readonly ok: true; readonly principal: Principal; readonly scopes: readonly string[] }
  | { readonly ok: false; readonly present: boolean; readonly reason: string };

const MISSING: Outcome = { ok: false, present: false, reason: 'no credentials' };

interface CompiledScheme {
  readonly name: string;
  /** The OpenAPI Security Scheme Object. */
  readonly openapi: Record<string, unknown>;
  check(c: AnyContext): Outcome | Promise<Outcome>;
  /** The WWW-Authenticate challenge, with the failure when the credentials were wrong. */
  challenge(outcome: Outcome | null, scope?: readonly string[]): string | null;
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

// Constant-time equality of secrets of any length: both sides through one HMAC, then timingSafeEqual.
const DIGEST_KEY = randomBytes(32);
function digest(value: string): Buffer {
  return createHmac('sha256', DIGEST_KEY).update(value).digest();
}
/** True when `presented` equals one of `stored` (digests); every entry is compared, so the time does not say which. */
function findDigest(presented: string, stored: readonly Buffer[]): number {
  const d = digest(presented);
  let found = -1;
  for (let i = 0; i < stored.length; i++) if (timingSafeEqual(d, stored[i]!) && found === -1) found = i;
  return found;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;
}

function defaultScopes(principal: Principal): readonly string[] {
  const scopes = principal.scopes;
  return Array.isArray(scopes) && scopes.every((s) => typeof s === 'string') ? (scopes as string[]) : [];
}

function jwtScopes(payload: JWTPayload): readonly string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  const scp = payload.scp;
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  if (typeof scp === 'string') return scp.split(' ').filter(Boolean);
  return [];
}

async function fromVerify(result: MaybePromise<Verified>, scopes: (p: Principal) => readonly string[], reason: string): Promise<Outcome> {
  const principal = await result;
  if (principal === null || principal === undefined || principal === false) return { ok: false, present: true, reason };
  // Principal may be narrowed by declaration merging; `true` vouches for the credentials, not for claims.
  if (principal === true) return { ok: true, principal: {} as Principal, scopes: [] };
  if (typeof principal !== 'object') throw new TypeError('a security verify function must return a principal object, true, or null/false');
  return { ok: true, principal, scopes: scopes(principal) };
}

// ---------------------------------------------------------------------------
// JWT

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
function jwtVerifier(name: string, options: JwtOptions): (token: string) => Outcome | Promise<Outcome> {
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

// ---------------------------------------------------------------------------
// Schemes

function bearerToken(c: AnyContext): string | null | undefined {
  const header = c.req.headers.get('authorization');
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space === -1 ? header.toLowerCase() !== 'bearer' : header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = space === -1 ? '' : header.slice(space + 1).trim();
  // RFC 6750 §2.1: b64token.
  return /^[A-Za-z0-9\-._~+/]+=*$/.test(token) ? token : null;
}

function compileBearer(name: string, config: BearerSchemeConfig | OAuthSchemeConfig): CompiledScheme {
  const realm = config.realm ?? 'api';
  const scopesOf = config.scopes ?? defaultScopes;
  let checkToken: (token: string, c: AnyContext) => Outcome | Promise<Outcome>;
  if (config.jwt !== undefined && config.verify !== undefined) throw new TypeError(`wirecore/app: security scheme "${name}" has both jwt and verify; one or the other`);
  if (config.jwt !== undefined) {
    const verifyJwt = jwtVerifier(name, config.jwt);
    checkToken = (token) => verifyJwt(token);
  } else if (config.verify !== undefined) {
    const verify = config.verify;
    checkToken = (token, c) => fromVerify(verify(token, c), scopesOf, 'The token is not valid');
  } else {
    throw new TypeError(`wirecore/app: security scheme "${name}" (${config.type === 'http' ? 'bearer' : config.type}) needs jwt: { secret | publicKey | jwks } or verify(token)`);
  }
  const openapi: Record<string, unknown> =
    config.type === 'http'
      ? { type: 'http', scheme: 'bearer', ...(config.bearerFormat !== undefined ? { bearerFormat: config.bearerFormat } : config.jwt ? { bearerFormat: 'JWT' } : {}) }
      : config.type === 'oauth2'
        ? { type: 'oauth2', flows: config.flows ?? {} }
        : { type: 'openIdConnect', openIdConnectUrl: config.openIdConnectUrl };
  if (config.type === 'oauth2' && config.flows === undefined) throw new TypeError(`wirecore/app: security scheme "${name}" (oauth2) needs its flows`);
  if (config.type === 'openIdConnect' && typeof config.openIdConnectUrl !== 'string') throw new TypeError(`wirecore/app: security scheme "${name}" (openIdConnect) needs openIdConnectUrl`);
  if (config.description !== undefined) openapi.description = config.description;
  return {
    name,
    openapi,
    check(c) {
      const token = bearerToken(c);
      if (token === undefined) return MISSING;
      if (token === null) return { ok: false, present: true, reason: 'The Authorization header is not "Bearer <token>"' };
      return checkToken(token, c);
    },
    challenge(outcome, scope) {
      let value = `Bearer realm=${quote(realm)}`;
      if (scope !== undefined) value += `, error="insufficient_scope", scope=${quote(scope.join(' '))}`;
      else if (outcome !== null && !outcome.ok && outcome.present) value += `, error="invalid_token", error_description=${quote(outcome.reason)}`;
      return value;
    },
  };
}

function compileBasic(name: string, config: BasicSchemeConfig): CompiledScheme {
  const realm = config.realm ?? 'api';
  const scopesOf = config.scopes ?? defaultScopes;
  if ((config.users === undefined) === (config.verify === undefined)) throw new TypeError(`wirecore/app: security scheme "${name}" (basic) needs users or verify(username, password); one of them`);
  let verify: (username: string, password: string, c: AnyContext) => Outcome | Promise<Outcome>;
  if (config.users !== undefined) {
    const names = Object.keys(config.users);
    const userDigests = names.map(digest);
    const passwordDigests = names.map((n) => digest(config.users![n]!));
    verify = (username, password) => {
      const u = digest(username);
      const p = digest(password);
      let found = -1;
      for (let i = 0; i < names.length; i++) {
        // Both compared for every entry: the time says neither which user exists nor which part was wrong.
        const match = timingSafeEqual(u, userDigests[i]!) && timingSafeEqual(p, passwordDigests[i]!);
        if (match && found === -1) found = i;
      }
      if (found === -1) return { ok: false, present: true, reason: 'Wrong username or password' };
      // Principal says what the app's schemes produce; a users list produces { username } (see Principal).
      const principal = { username: names[found]! } as unknown as Principal;
      return { ok: true, principal, scopes: scopesOf(principal) };
    };
  } else {
    const custom = config.verify!;
    verify = (username, password, c) => fromVerify(custom(username, password, c), scopesOf, 'Wrong username or password');
  }
  const openapi: Record<string, unknown> = { type: 'http', scheme: 'basic' };
  if (config.description !== undefined) openapi.description = config.description;
  return {
    name,
    openapi,
    check(c) {
      const header = c.req.headers.get('authorization');
      if (header === undefined || !/^basic(?: |$)/i.test(header)) return MISSING;
      const encoded = header.slice(6).trim();
      const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (colon === -1) return { ok: false, present: true, reason: 'The Authorization header is not "Basic base64(user:password)"' };
      return verify(decoded.slice(0, colon), decoded.slice(colon + 1), c);
    },
    challenge() {
      return `Basic realm=${quote(realm)}, charset="UTF-8"`;
    },
  };
}

function compileApiKey(name: string, config: ApiKeySchemeConfig): CompiledScheme {
  const realm = config.realm ?? 'api';
  const scopesOf = config.scopes ?? defaultScopes;
  if (!['header', 'query', 'cookie'].includes(config.in)) throw new TypeError(`wirecore/app: security scheme "${name}" (apiKey): in must be header, query or cookie, got ${JSON.stringify(config.in)}`);
  if (typeof config.name !== 'string' || config.name === '') throw new TypeError(`wirecore/app: security scheme "${name}" (apiKey) needs the name of its ${config.in}`);
  if ((config.keys === undefined) === (config.verify === undefined)) throw new TypeError(`wirecore/app: security scheme "${name}" (apiKey) needs keys or verify(key); one of them`);
  let verify: (key: string, c: AnyContext) => Outcome | Promise<Outcome>;
  if (config.keys !== undefined) {
    // A list of keys produces { key: index } (see Principal).
    const entries: Array<[string, Principal]> = Array.isArray(config.keys) ? (config.keys as string[]).map((k, i) => [k, { key: i } as unknown as Principal]) : Object.entries(config.keys as Record<string, Principal>);
    const digests = entries.map(([k]) => digest(k));
    verify = (key) => {
      const found = findDigest(key, digests);
      if (found === -1) return { ok: false, present: true, reason: 'The API key is not valid' };
      const principal = entries[found]![1];
      return { ok: true, principal, scopes: scopesOf(principal) };
    };
  } else {
    const custom = config.verify!;
    verify = (key, c) => fromVerify(custom(key, c), scopesOf, 'The API key is not valid');
  }
  const headerName = config.name.toLowerCase();
  const read: (c: AnyContext) => string | undefined =
    config.in === 'header'
      ? (c) => c.req.headers.get(headerName)
      : config.in === 'query'
        ? (c) => {
            const value = (c.query as Record<string, unknown>)[config.name];
            return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
          }
        : (c) => c.cookies[config.name];
  const openapi: Record<string, unknown> = { type: 'apiKey', in: config.in, name: config.name };
  if (config.description !== undefined) openapi.description = config.description;
  return {
    name,
    openapi,
    check(c) {
      const key = read(c);
      if (key === undefined || key === '') return MISSING;
      return verify(key, c);
    },
    challenge() {
      return `ApiKey realm=${quote(realm)}, in=${quote(config.in)}, name=${quote(config.name)}`;
    },
  };
}

function compileScheme(name: string, config: SecuritySchemeConfig): CompiledScheme {
  if (config === null || typeof config !== 'object') throw new TypeError(`wirecore/app: security scheme "${name}" must be an object`);
  switch (config.type) {
    case 'http': {
      const scheme = String((config as { scheme?: string }).scheme ?? '').toLowerCase();
      if (scheme === 'bearer') return compileBearer(name, config as BearerSchemeConfig);
      if (scheme === 'basic') return compileBasic(name, config as BasicSchemeConfig);
      throw new TypeError(`wirecore/app: security scheme "${name}": HTTP scheme "${(config as { scheme?: string }).scheme}" is not supported (bearer or basic)`);
    }
    case 'apiKey':
      return compileApiKey(name, config);
    case 'oauth2':
    case 'openIdConnect':
      return compileBearer(name, config);
    default:
      throw new TypeError(`wirecore/app: security scheme "${name}" has type ${JSON.stringify((config as { type?: unknown }).type)}; one of http, apiKey, oauth2, openIdConnect (mutualTLS is not supported)`);
  }
}

/** Runs a route's security requirements; sets c.auth, or throws 401/403. Synchronous when every check is (a cached JWT, a key list). */
export type Authenticate = (c: AnyContext) => void | Promise<void>;

/** The security schemes of an app (or of one loaded spec). */
export class SecurityRegistry {
  private readonly schemes = new Map<string, CompiledScheme>();

  add(name: string, config: SecuritySchemeConfig): this {
    if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) throw new TypeError(`wirecore/app: a security scheme name must match [A-Za-z0-9._-]+, got ${JSON.stringify(name)}`);
    if (this.schemes.has(name)) throw new TypeError(`wirecore/app: security scheme "${name}" is declared twice`);
    this.schemes.set(name, compileScheme(name, config));
    return this;
  }

  get names(): string[] {
    return [...this.schemes.keys()];
  }

  get size(): number {
    return this.schemes.size;
  }

  /** The OpenAPI components.securitySchemes. */
  openapi(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [name, scheme] of this.schemes) out[name] = scheme.openapi;
    return out;
  }

  /** The authenticate step for `requirements`; throws at start-up naming an undeclared scheme. */
  authenticator(requirements: SecurityRequirements, routeName: string): Authenticate | null {
    if (requirements.length === 0) return null;
    const alternatives = requirements.map((requirement) =>
      Object.entries(requirement).map(([name, scopes]) => {
        const scheme = this.schemes.get(name);
        if (scheme === undefined) {
          throw new Error(`wirecore/app: ${routeName} requires security scheme "${name}", which is not declared (declared: ${this.names.map((n) => `"${n}"`).join(', ') || 'none'}; add it with createApp({ security }) or app.securityScheme())`);
        }
        if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) throw new TypeError(`wirecore/app: ${routeName}: the scopes of "${name}" must be a list of strings`);
        return { scheme, scopes };
      }),
    );
    const anonymousAllowed = alternatives.some((a) => a.length === 0);
    const required = alternatives.filter((a) => a.length > 0);
    const only = required.length === 1 && required[0]!.length === 1 && !anonymousAllowed ? required[0]![0]! : null;
    if (only !== null) {
      // The common case, synchronous when the check is.
      const { scheme, scopes } = only;
      const decide = (c: AnyContext, outcome: Outcome): void => {
        if (!outcome.ok) throw unauthorized([scheme], new Map([[scheme, outcome]]));
        if (scopes.length !== 0 && !scopes.every((s) => outcome.scopes.includes(s))) throw forbidden(scheme, scopes, outcome.scopes);
        c.auth = { scheme: scheme.name, principal: outcome.principal, scopes: outcome.scopes };
      };
      return (c) => {
        const outcome = scheme.check(c);
        if (isThenable(outcome)) return outcome.then((o) => decide(c, o));
        decide(c, outcome);
      };
    }
    return async (c) => {
      const seen = new Map<CompiledScheme, Outcome>();
      const outcomeOf = async (scheme: CompiledScheme) => {
        let outcome = seen.get(scheme);
        if (outcome === undefined) seen.set(scheme, (outcome = await scheme.check(c)));
        return outcome;
      };
      let scopeFailure: { scheme: CompiledScheme; needed: readonly string[]; held: readonly string[] } | null = null;
      for (const alternative of required) {
        let first: AuthInfo | null = null;
        let passed = true;
        for (const { scheme, scopes } of alternative) {
          const outcome = await outcomeOf(scheme);
          if (!outcome.ok) {
            passed = false;
            break;
          }
          if (!scopes.every((s) => outcome.scopes.includes(s))) {
            scopeFailure ??= { scheme, needed: scopes, held: outcome.scopes };
            passed = false;
            break;
          }
          first ??= { scheme: scheme.name, principal: outcome.principal, scopes: outcome.scopes };
        }
        if (passed) {
          c.auth = first;
          return;
        }
      }
      if (anonymousAllowed) {
        // Optional security: no credentials is fine; wrong ones are still refused.
        for (const alternative of required) for (const { scheme } of alternative) await outcomeOf(scheme);
        if ([...seen.values()].every((o) => !o.ok && !o.present)) return;
      }
      if (scopeFailure !== null) throw forbidden(scopeFailure.scheme, scopeFailure.needed, scopeFailure.held);
      throw unauthorized([...new Set(required.flat().map((r) => r.scheme))], seen);
    };
  }
}

function unauthorized(schemes: readonly CompiledScheme[], outcomes: ReadonlyMap<CompiledScheme, Outcome>): HttpError {
  const challenges = schemes.map((s) => s.challenge(outcomes.get(s) ?? null)).filter((v): v is string => v !== null);
  const failed = [...outcomes.values()].find((o): o is Extract<Outcome, { ok: false }> => !o.ok && o.present);
  const detail = failed !== undefined ? failed.reason : `This route needs credentials (${schemes.map((s) => s.name).join(' or ')})`;
  return new Unauthorized(detail, { headers: { 'www-authenticate': challenges.join(', ') } });
}

function forbidden(scheme: CompiledScheme, needed: readonly string[], held: readonly string[]): HttpError {
  const missing = needed.filter((s) => !held.includes(s));
  // RFC 6750 §3.1: a bearer token without the scope is told so; other schemes have no such challenge.
  const bearer = scheme.challenge(null, needed);
  const challenge = bearer !== null && bearer.startsWith('Bearer ') ? bearer : null;
  return new Forbidden(`Missing scope${missing.length === 1 ? '' : 's'}: ${missing.join(' ')}`, { headers: challenge === null ? undefined : { 'www-authenticate': challenge }, extensions: { missingScopes: missing } });
}
