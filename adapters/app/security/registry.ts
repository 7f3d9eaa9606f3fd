// The security schemes of an app (the OpenAPI kinds): HTTP bearer with JWTs verified by
// jose (a secret, a public key, or a JWKS from a file or a URL), API keys in
// a header, the query or a cookie, and HTTP basic. A route's requirements
// become one authenticate step: 401 with WWW-Authenticate when credentials
// are missing or wrong, 403 when valid ones lack a scope. Secrets are
// compared in constant time (HMAC digests and timingSafeEqual).
import type { AnyContext } from '../context.js';
import { Forbidden, HttpError, Unauthorized } from '../errors.js';
import type { AuthInfo, SecurityRequirements } from '../model.js';
import { compileApiKey } from './api-key.js';
import { compileBasic } from './basic.js';
import { compileBearer } from './bearer.js';
import type { BasicSchemeConfig, BearerSchemeConfig, SecuritySchemeConfig } from './config.js';
import { isThenable, type CompiledScheme, type Outcome } from './outcome.js';

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
