// HTTP bearer tokens (and OAuth 2 / OpenID Connect access tokens): a JWT
// verified by jose, or an opaque token checked by verify().
import type { AnyContext } from '../context.js';
import type { BearerSchemeConfig, OAuthSchemeConfig } from './config.js';
import { jwtVerifier } from './jwt.js';
import { MISSING, defaultScopes, fromVerify, quote, type CompiledScheme, type Outcome } from './outcome.js';

function bearerToken(c: AnyContext): string | null | undefined {
  const header = c.req.headers.get('authorization');
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space === -1 ? header.toLowerCase() !== 'bearer' : header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = space === -1 ? '' : header.slice(space + 1).trim();
  // RFC 6750 §2.1: b64token.
  return /^[A-Za-z0-9\-._~+/]+=*$/.test(token) ? token : null;
}

export function compileBearer(name: string, config: BearerSchemeConfig | OAuthSchemeConfig): CompiledScheme {
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
