// API keys in a header, the query or a cookie: a key list (or key → principal)
// compared in constant time, or verify().
import type { AnyContext } from '../context.js';
import type { Principal } from '../model.js';
import type { ApiKeySchemeConfig } from './config.js';
import { MISSING, defaultScopes, digest, findDigest, fromVerify, quote, type CompiledScheme, type Outcome } from './outcome.js';

export function compileApiKey(name: string, config: ApiKeySchemeConfig): CompiledScheme {
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
