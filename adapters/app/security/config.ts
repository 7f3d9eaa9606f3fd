// The settings of each security scheme kind (the OpenAPI kinds plus how
// each verifies), and what a verify function returns.
import type { KeyObject } from 'node:crypto';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { AnyContext } from '../context.js';
import type { Principal } from '../model.js';

/** What a verify function returns: the principal, `true` (valid, a principal with no claims), or null / undefined / false for "not valid". */
export type Verified = Principal | true | null | undefined | false;
export type MaybePromise<T> = T | Promise<T>;

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
