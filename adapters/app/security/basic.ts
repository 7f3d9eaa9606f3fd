// HTTP basic: a users list compared in constant time, or verify().
import { timingSafeEqual } from 'node:crypto';
import type { AnyContext } from '../context.js';
import type { Principal } from '../model.js';
import type { BasicSchemeConfig } from './config.js';
import { MISSING, defaultScopes, digest, fromVerify, quote, type CompiledScheme, type Outcome } from './outcome.js';

export function compileBasic(name: string, config: BasicSchemeConfig): CompiledScheme {
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
