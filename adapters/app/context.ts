// The per-request context handed to middleware, hooks and handlers: one
// class instance with prototype methods, its fields filled once.
import { isIP } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import { redirectLocation, type RedirectOptions, type ResponseWriter, type WireRequest, type Written } from 'wirecore';
import { parseCookies, serializeCookie, type CookieOptions } from './cookies.js';
import { BadRequest, Unauthorized } from './errors.js';
import { requestIdFrom, type AppLogger } from './logger.js';
import { sseHeaders } from './answer.js';
import { clientAddress, forwardedChain, nearestValue } from './proxy.js';
import type { AuthInfo, ContextRoute, Principal } from './model.js';
import { writeEvents, type SseEvent, type SseOptions } from './sse.js';
import type { Static, TSchema } from '@sinclair/typebox';

declare const repliedBrand: unique symbol;
/** What `c.reply()` returns: the reply is set on the context; return it from the handler. */
export interface Replied {
  readonly [repliedBrand]: true;
}
export const REPLIED = Object.freeze({}) as Replied;

/**
 * Per-request values middleware hands to handlers. Add fields by declaration merging:
 * `declare module 'wirecore/app' { interface Locals { user: User } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Locals {}

type ReplyArgs<R, S extends number> = [R] extends [never] ? [body?: unknown] : S extends keyof R ? (R[S] extends TSchema ? [body: Static<R[S]>] : [body?: unknown]) : [body?: unknown];

export type HeaderInput = string | number | readonly string[];

/** A logger that adds the request id to every line, made only when `c.log` is read. */
function requestLogger(log: AppLogger, reqId: string): AppLogger {
  if (typeof log.child === 'function') return log.child({ reqId });
  const bind =
    (fn: AppLogger['error']): AppLogger['error'] =>
    (fields, message) =>
      fn({ reqId, ...fields }, message);
  return { error: bind(log.error), warn: bind(log.warn), info: bind(log.info), debug: bind(log.debug) };
}

// The loosest context a scope-wide function can count on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyContext<State = any> = Context<State, any, any, any, any, any, any>;

export class Context<
  State = unknown,
  Params = Record<string, string | undefined>,
  Query = Record<string, string | string[] | undefined>,
  Headers = Record<string, string | undefined>,
  Body = unknown,
  Responses = {},
  Cookies = Record<string, string | undefined>,
> {
  /** Path parameters (decoded; coerced and checked when the route has a params schema). */
  params: Params;
  /** The parsed body (checked when the route has a body schema); undefined for a request without one. */
  body: Body = undefined as Body;

  /** @internal The status to answer with. */
  statusCode = 200;
  /** @internal The status was set explicitly (a handler returning nothing then keeps it). */
  statusSet = false;
  /** @internal What the handler (or a middleware, or c.reply) chose to answer. */
  payload: unknown = undefined;
  /** @internal c.reply() or c.redirect() was called. */
  replied = false;
  /** @internal The handler ran (a middleware chain that ends without it and without a reply is a bug). */
  handled = false;
  /** @internal Content-Type set by c.header(). */
  contentType: string | null = null;
  /** @internal Response headers set by c.header(), in order. */
  responseHeaders: Array<[string, string]> | null = null;
  /** @internal The error path has run once (a second failure answers a bare 500). */
  failed = false;
  /** @internal */
  queryValue: Query | undefined = undefined;
  /** @internal */
  headersValue: Headers | undefined = undefined;
  /** @internal */
  cookiesValue: Cookies | undefined = undefined;
  /** Who the route's security step authenticated (null on a route without security, or an anonymous request where security is optional). */
  auth: AuthInfo | null = null;
  private requestIdValue: string | undefined = undefined;
  private logValue: AppLogger | undefined = undefined;
  private localsValue: Locals | undefined = undefined;

  constructor(
    /** The route being served (its path pattern, schemas and metadata). */
    readonly route: ContextRoute,
    /** The request as the wire layer parsed it: raw headers, the body stream, the abort signal. */
    readonly req: WireRequest,
    /** The raw ResponseWriter, for full control: return what its send/endChunked/sendStatic returns. */
    readonly res: ResponseWriter,
    params: Params,
  ) {
    this.params = params;
  }

  /** The application state given to createApp (of the app this route was registered on). */
  get state(): State {
    return this.route.state as State;
  }

  /** The query string, parsed (coerced and checked when the route has a query schema). */
  get query(): Query {
    if (this.queryValue === undefined) {
      const query = parseQueryString(this.req.query);
      // ?__proto__=a&__proto__=b is an own "__proto__" holding an array: a naive merge would walk into Object.prototype.
      if (Object.hasOwn(query, '__proto__')) throw new BadRequest('The query has a forbidden "__proto__" parameter');
      this.queryValue = query as Query;
    }
    return this.queryValue;
  }

  /** Request headers by lower-case name (coerced and checked when the route has a headers schema). */
  get headers(): Headers {
    return (this.headersValue ??= headerObject(this.req) as Headers);
  }

  /** The request's cookies by name (parsed on first read; coerced and checked when the route has a cookies schema). */
  get cookies(): Cookies {
    return (this.cookiesValue ??= parseCookies(this.req.headers.get('cookie')) as Cookies);
  }

  /** A signed cookie's value when its signature verifies under the app's cookie secret, else undefined. */
  signedCookie(name: string): string | undefined {
    const signer = this.route.settings.cookieSigner;
    if (signer === null) throw new TypeError('wirecore/app: signed cookies need createApp({ cookies: { secret } })');
    const raw = (this.cookies as Record<string, string | undefined>)[name];
    return raw === undefined ? undefined : signer.unsign(name, raw);
  }

  /** Adds a Set-Cookie header (every RFC 6265 attribute; `signed: true` signs it with the app's cookie secret). */
  setCookie(name: string, value: string, options: CookieOptions = {}): this {
    let text = value;
    if (options.signed === true) {
      const signer = this.route.settings.cookieSigner;
      if (signer === null) throw new TypeError('wirecore/app: signed cookies need createApp({ cookies: { secret } })');
      text = signer.sign(name, value);
    }
    return this.header('set-cookie', serializeCookie(name, text, options));
  }

  /** Tells the client to drop a cookie (same path and domain as it was set with). */
  clearCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'sameSite' | 'partitioned'> = {}): this {
    return this.header('set-cookie', serializeCookie(name, '', { ...options, expires: 0, maxAge: 0 }));
  }

  /** The verified principal; only on routes with security (else a 401). */
  get principal(): Principal {
    if (this.auth === null) throw new Unauthorized('This request is not authenticated');
    return this.auth.principal;
  }

  /**
   * The client's address: the peer's, or (with trustProxy) the first untrusted hop of X-Forwarded-For;
   * an IPv4 or IPv6 address ("::ffff:" taken off), or null when that hop is not one (a forged "unknown", a name).
   */
  get ip(): string | null {
    const address = clientAddress(this.ips, this.route.settings.trust);
    return isIP(address) === 0 ? null : address;
  }

  /** The addresses the request passed through, the nearest first (X-Forwarded-For counts only with trustProxy). */
  get ips(): string[] {
    const trust = this.route.settings.trust;
    return forwardedChain(this.req.remoteAddress, trust === null ? undefined : this.req.headers.get('x-forwarded-for'));
  }

  /** "http" or "https": X-Forwarded-Proto from a trusted proxy, else how the app is served. */
  get protocol(): string {
    const trust = this.route.settings.trust;
    if (trust !== null && trust(this.req.remoteAddress, 0)) {
      const forwarded = nearestValue(this.req.headers.get('x-forwarded-proto'))?.toLowerCase();
      if (forwarded === 'http' || forwarded === 'https') return forwarded;
    }
    return this.route.settings.secure ? 'https' : 'http';
  }

  /** The host the client asked for: X-Forwarded-Host from a trusted proxy, else the Host header. */
  get host(): string | undefined {
    const trust = this.route.settings.trust;
    if (trust !== null && trust(this.req.remoteAddress, 0)) {
      const forwarded = nearestValue(this.req.headers.get('x-forwarded-host'));
      if (forwarded !== undefined) return forwarded;
    }
    return this.req.headers.get('host');
  }

  /** The Last-Event-ID an EventSource sends when it reconnects, or null. */
  get lastEventId(): string | null {
    return this.req.headers.get('last-event-id') ?? null;
  }

  /**
   * Answers with server-sent events from `source` (strings or SseEvent objects):
   * return what it returns. Ends when the source does or the client leaves.
   */
  sse(source: AsyncIterable<SseEvent | string>, options?: SseOptions): Promise<Written> {
    return writeEvents(this.req, this.res, sseHeaders(this.route, this), source, options);
  }

  /** The client's x-request-id when sane, else a generated one. */
  get requestId(): string {
    return (this.requestIdValue ??= requestIdFrom(this.req.headers.get(this.route.settings.requestIdHeader)));
  }

  /** The app's logger with this request's id on every line. */
  get log(): AppLogger {
    return (this.logValue ??= requestLogger(this.route.settings.logger, this.requestId));
  }

  /** Per-request values (see Locals). */
  get locals(): Locals {
    return (this.localsValue ??= {} as Locals);
  }

  /** Sets the status a returned value is sent with. */
  status(code: number): this {
    this.statusCode = code;
    this.statusSet = true;
    return this;
  }

  /** Sets a response header (Set-Cookie is appended instead). */
  header(name: string, value: HeaderInput): this {
    const lower = name.toLowerCase();
    if (lower === 'content-type') {
      this.contentType = String(value);
      return this;
    }
    let list = this.responseHeaders;
    if (list === null) list = this.responseHeaders = [];
    else if (lower !== 'set-cookie') {
      for (let i = list.length - 1; i >= 0; i--) if (list[i]![0].toLowerCase() === lower) list.splice(i, 1);
    }
    if (typeof value === 'string' || typeof value === 'number') list.push([name, String(value)]);
    else for (const v of value) list.push([name, v]);
    return this;
  }

  /**
   * Answers with `status` and `body` (typed by the route's response schema for that status).
   * Return its result from a handler; a middleware may call it instead of next() to short-circuit.
   */
  reply<const S extends number>(status: S, ...body: ReplyArgs<Responses, S>): Replied {
    this.statusCode = status;
    this.statusSet = true;
    this.payload = body[0];
    this.replied = true;
    return REPLIED;
  }

  /**
   * Redirects to `location` (302 unless told). Only relative, http and https locations, unless
   * `options.schemes` names more: a TypeError (a 500) otherwise, so `redirect(userInput)` cannot send a browser to "javascript:".
   */
  redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 302, options?: RedirectOptions): Replied {
    this.header('location', redirectLocation(location, options));
    this.statusCode = status;
    this.statusSet = true;
    this.payload = undefined;
    this.replied = true;
    return REPLIED;
  }
}

function headerObject(req: WireRequest): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const raw = req.headers.raw;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

/** @internal The request's headers as an object, for a headers schema. */
export const headersAsObject = headerObject;
