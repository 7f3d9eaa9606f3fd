// CORS (the Fetch standard's CORS protocol): preflights answered before any
// middleware runs (a preflight carries no credentials, so auth must not see
// it), and the Access-Control-* headers on every answer to an allowed
// origin, error answers included.
import type { AnyContext } from './context.js';
import type { AnswerContext, CorsPolicy } from './model.js';

export type { CorsPolicy } from './model.js';

export interface CorsOptions {
  /**
   * Allowed origins: "*" (any, never with credentials), a list of exact
   * origins or RegExps, or a synchronous function returning true / false (or
   * the origin to answer with). It runs as the headers are written. A RegExp
   * must match the whole origin, scheme included ("https://a.example.com"), as
   * if written between ^ and $: /\.example\.com$/ matches no origin at all;
   * write /^https:\/\/[a-z0-9-]+\.example\.com$/.
   */
  origin: '*' | ReadonlyArray<string | RegExp> | ((origin: string, c: AnyContext) => boolean | string);
  /** Access-Control-Allow-Credentials: true (cookies and Authorization cross-origin). */
  credentials?: boolean;
  /** Methods a preflight may ask for. Default: those the path has routes for. */
  methods?: readonly string[];
  /**
   * Request headers a preflight may ask for (case-insensitive). Default: Content-Type only. A preflight is
   * answered with the requested headers found here, so a browser refuses a request with any other. "*" grants
   * every requested header, and is refused with credentials.
   */
  allowedHeaders?: readonly string[];
  /** Response headers scripts may read (Access-Control-Expose-Headers). */
  exposedHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight (Access-Control-Max-Age). */
  maxAge?: number;
}

export function compileCors(options: CorsOptions): CorsPolicy {
  const { origin } = options;
  const credentials = options.credentials === true;
  if (origin === '*' && credentials) throw new TypeError('wirecore/app: cors: origin "*" cannot go with credentials (browsers refuse it); list the origins');
  if (origin !== '*' && typeof origin !== 'function' && !Array.isArray(origin)) throw new TypeError('wirecore/app: cors.origin is "*", a list of origins (strings or RegExps), or a function');
  if (options.maxAge !== undefined && (!Number.isInteger(options.maxAge) || options.maxAge < 0)) throw new TypeError('wirecore/app: cors.maxAge is a whole number of seconds');
  const exact = new Set(Array.isArray(origin) ? origin.filter((o): o is string => typeof o === 'string') : []);
  // Whole-origin matches: each pattern wrapped in ^(?: … )$, its flags kept (but g and y, which carry state).
  const patterns = Array.isArray(origin) ? origin.filter((o): o is RegExp => o instanceof RegExp).map((p) => new RegExp(`^(?:${p.source})$`, p.flags.replace(/[gy]/g, ''))) : [];
  const exposed = options.exposedHeaders?.join(', ');
  const methods = options.methods?.map((m) => m.toUpperCase());
  const allowedHeaders = new Set((options.allowedHeaders ?? ['content-type']).map((h) => h.toLowerCase()));
  // "*": any request header, as the Fetch standard allows only without credentials.
  const anyHeader = allowedHeaders.has('*');
  if (anyHeader && credentials) throw new TypeError('wirecore/app: cors: allowedHeaders "*" cannot go with credentials (browsers do not read it as a wildcard then); list the headers');

  /** The value of Access-Control-Allow-Origin for this request, or null. */
  const allow = (c: AnswerContext, requestOrigin: string): string | null => {
    if (origin === '*') return '*';
    if (typeof origin === 'function') {
      // Every context the policy is given is a Context (AnswerContext is the part the writer needs).
      const verdict = origin(requestOrigin, c as AnyContext);
      return verdict === true ? requestOrigin : typeof verdict === 'string' && verdict !== '' ? verdict : null;
    }
    if (exact.has(requestOrigin)) return requestOrigin;
    for (const pattern of patterns) if (pattern.test(requestOrigin)) return requestOrigin;
    return null;
  };

  return {
    varies: origin !== '*',
    headers(c, out) {
      const requestOrigin = c.req.headers.get('origin');
      if (requestOrigin === undefined) return;
      const value = allow(c, requestOrigin);
      if (value === null) return;
      out.push(['access-control-allow-origin', value]);
      if (credentials) out.push(['access-control-allow-credentials', 'true']);
      if (exposed !== undefined) out.push(['access-control-expose-headers', exposed]);
    },
    preflight(c, allowed) {
      const requestOrigin = c.req.headers.get('origin')!;
      const value = allow(c, requestOrigin);
      if (value === null) return null;
      const out: Array<[string, string]> = [['access-control-allow-origin', value]];
      if (credentials) out.push(['access-control-allow-credentials', 'true']);
      const offered = methods === undefined ? allowed : allowed.filter((m) => methods.includes(m));
      out.push(['access-control-allow-methods', offered.join(', ')]);
      const asked = c.req.headers.get('access-control-request-headers');
      const granted = asked === undefined ? [] : asked.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '' && (anyHeader || allowedHeaders.has(h)));
      if (granted.length !== 0) out.push(['access-control-allow-headers', granted.join(', ')]);
      if (options.maxAge !== undefined) out.push(['access-control-max-age', String(options.maxAge)]);
      return out;
    },
  };
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(c: AnswerContext): boolean {
  return c.req.method === 'OPTIONS' && c.req.headers.has('origin') && c.req.headers.has('access-control-request-method');
}
