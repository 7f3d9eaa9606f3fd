// The route model: what is registered (method, path, one schema per part,
// OpenAPI metadata, handler, scoped middleware and hooks) and what it
// compiles to. RouteInfo is the part a generator (OpenAPI) reads.
import type { Written } from 'wirecore';
import type { BodyParsers } from './body.js';
import type { CompressionPolicy } from './compress.js';
import type { AnyContext, Context, Replied } from './context.js';
import type { PartValidator, SchemaCompiler, Serializer } from './schema.js';
import type { Authenticate, SecurityRegistry } from './security/index.js';
import type { ContextRoute, ContextSettings, CorsPolicy, Payload, RouteFeatures, RouteInfo, RouteMeta } from './model.js';
import type { BodyOf, CookiesOf, HeadersOf, ParamsOf, QueryOf, ResponsesOf, RouteSchema, BareReturn } from './types.js';

export type { Payload, RouteFeatures, RouteInfo, RouteMeta } from './model.js';

export type { AnyContext } from './context.js';

/** Onion middleware: call `await next()` to go on, or reply / throw instead to stop. */
export type Middleware<State = unknown> = (c: AnyContext<State>, next: () => Promise<void>) => void | Promise<void>;

export interface HookFunctions<C> {
  /** Before the middleware chain, body parsing and validation. */
  onRequest: (c: C) => void | Promise<void>;
  /** After validation, just before the handler. */
  preHandler: (c: C) => void | Promise<void>;
  /** The serialized payload on its way out; return it (or a replacement). */
  onSend: (c: C, payload: Payload) => Payload | Promise<Payload>;
  /** After the answer is written, with the wire layer's figures. */
  onResponse: (c: C, written: Written) => void;
  /** When a request fails, before the error handler answers. */
  onError: (c: C, error: unknown) => void | Promise<void>;
}
export type HookName = keyof HookFunctions<unknown>;
export const HOOK_NAMES: readonly HookName[] = ['onRequest', 'preHandler', 'onSend', 'onResponse', 'onError'];

export type HookLists<C = AnyContext> = { [K in HookName]: Array<HookFunctions<C>[K]> };
export type HookOptions<C> = { [K in HookName]?: HookFunctions<C>[K] | Array<HookFunctions<C>[K]> };

/** Answers a failed request: return a value (as a handler would) or throw to fall back to the default problem answer. */
export type ErrorHandler<State = unknown> = (error: unknown, c: AnyContext<State>) => unknown;

/** The context a route's handler gets: its params, query, headers, body and replies typed by its schema. */
export type RouteContext<State, Path extends string, S> = Context<State, ParamsOf<Path, S>, QueryOf<S>, HeadersOf<S>, BodyOf<S>, ResponsesOf<S>, CookiesOf<S>>;

/**
 * What a handler may return: with response schemas, a bare value sent as 200 (so the 200 type), `undefined` for
 * 204 where 204 is declared, a reply (`c.reply(status, body)`, typed by that status), or the raw writer's Written;
 * anything without response schemas.
 */
export type HandlerResult<S> = [ResponsesOf<S>] extends [never] ? unknown : BareReturn<ResponsesOf<S>> | Replied | Written;

export type Handler<State, Path extends string, S> = (c: RouteContext<State, Path, S>) => HandlerResult<S> | Promise<HandlerResult<S>>;

export interface RouteOptions<State, Path extends string, S extends RouteSchema> extends RouteMeta, HookOptions<RouteContext<State, Path, S>> {
  schema?: S;
  /** Run around this route's handler, inside the app's and group's middleware. */
  middleware?: ReadonlyArray<Middleware<State>>;
  /** Media types the body may have, listed in the OpenAPI document. Default: application/json (and +json types) for a route with a body schema, every registered parser for one without. */
  consumes?: readonly string[];
  /** false: no parsing; read `c.req.body` (a stream) yourself. Default true. */
  parseBody?: boolean;
  /** With a body schema: whether a request without a body is refused (400). Default true. */
  bodyRequired?: boolean;
  /** false: never compress this route's answers (when the app compresses). */
  compress?: boolean;
}

/** `Full` is the path with its group prefix, which the types are computed from. */
export interface RouteDefinition<State, Path extends string, S extends RouteSchema, Full extends string = Path> extends RouteOptions<State, Full, S> {
  method: string | readonly string[];
  path: Path;
  handler: Handler<State, Full, S>;
}

/** Settings of the app a route belongs to. */
export interface AppSettings extends ContextSettings {
  readonly parsers: BodyParsers;
  readonly schemas: SchemaCompiler;
  /** Security schemes routes may require. */
  readonly security: SecurityRegistry;
  readonly cors: CorsPolicy | null;
  readonly compression: CompressionPolicy | null;
  /** Set when the app is served over TLS (see ContextSettings.secure). */
  secure: boolean;
}

/** Middleware, hooks and the error handler of an app, a group or a mounted app. */
export class Scope {
  readonly middleware: Middleware<never>[] = [];
  readonly hooks: HookLists = { onRequest: [], preHandler: [], onSend: [], onResponse: [], onError: [] };
  errorHandler: ErrorHandler<never> | null = null;

  constructor(readonly parent: Scope | null) {}

  /** This scope and its parents, outermost first. */
  chain(): Scope[] {
    const out: Scope[] = [];
    for (let s: Scope | null = this; s !== null; s = s.parent) out.unshift(s);
    return out;
  }
}

/** A route as registered: schemas compiled, scopes not yet resolved (middleware may still be added). */
export interface RegisteredRoute {
  readonly method: string;
  /** The path within its app (group prefixes included, mount prefixes not). */
  readonly path: string;
  readonly schema: RouteSchema;
  readonly meta: RouteMeta;
  readonly handler: (c: AnyContext) => unknown;
  readonly middleware: readonly Middleware<never>[];
  readonly hooks: HookLists;
  readonly parseBody: boolean;
  readonly parsers: BodyParsers;
  readonly validators: Readonly<Partial<Record<'params' | 'query' | 'headers' | 'cookies' | 'body', PartValidator>>>;
  readonly serializers: Readonly<Record<number, Serializer>>;
  readonly scope: Scope;
  readonly settings: AppSettings;
  readonly state: unknown;
  /** Where it was registered (file:line), for start-up errors. */
  readonly site: string;
  /** Media types declared with `consumes` (undefined: the defaults). */
  readonly declaredConsumes: readonly string[] | undefined;
  readonly bodyRequired: boolean;
  /** false: not compressed. */
  readonly compress: boolean;
  /** The schemes its security names (a loaded spec's own; else the app's). */
  readonly securitySchemes?: SecurityRegistry;
  /** The OpenAPI path template it came from (spec-first). */
  readonly openapiPath?: string;
  /** Which spec load registered it (spec-first hot reload replaces these). */
  readonly origin?: object;
}

/** A route ready to serve: everything resolved once, nothing left to decide per request but the request. */
export class CompiledRoute implements ContextRoute {
  readonly method: string;
  readonly path: string;
  readonly schema: RouteSchema;
  readonly consumes: readonly string[];
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly security?: NonNullable<RouteInfo['security']>;
  readonly deprecated?: boolean;
  readonly hidden?: boolean;
  readonly openapi?: NonNullable<RouteInfo['openapi']>;
  readonly requestTypes: readonly string[];
  readonly bodyRequired: boolean;
  readonly openapiPath?: string;

  /** @internal */ readonly handler: (c: AnyContext) => unknown;
  /** @internal */ readonly state: unknown;
  /** @internal */ readonly settings: AppSettings;
  /** @internal */ readonly middleware: readonly Middleware<never>[];
  /** @internal */ readonly hooks: HookLists;
  /** @internal */ readonly errorHandler: ErrorHandler<never> | null;
  /** @internal Parsers for its body, or null when the body is left to the handler. */
  readonly parsers: BodyParsers | null;
  /** @internal */ readonly validateParams: PartValidator | null;
  /** @internal */ readonly validateQuery: PartValidator | null;
  /** @internal */ readonly validateHeaders: PartValidator | null;
  /** @internal */ readonly validateCookies: PartValidator | null;
  /** @internal */ readonly validateBody: PartValidator | null;
  /** @internal */ readonly serializers: Readonly<Record<number, Serializer>>;
  /** @internal Its security requirements as one step (null: none). */
  readonly authenticate: Authenticate | null;
  /** @internal CORS and compression for its answers (null: neither, the plain write). */
  readonly features: RouteFeatures | null;
  /** @internal No onRequest or preHandler hooks, no middleware, no security, no body: the synchronous path. */
  readonly direct: boolean;
  /** @internal As direct, but with a body to read first. */
  readonly bodyOnly: boolean;
  /** @internal As direct or bodyOnly, after the security step. */
  readonly authThenPlain: boolean;
  /** @internal */ readonly site: string;

  constructor(registered: RegisteredRoute, path: string, scopes: readonly Scope[]) {
    const info = registered.meta;
    this.method = registered.method;
    this.path = path;
    this.schema = registered.schema;
    if (info.operationId !== undefined) this.operationId = info.operationId;
    if (info.summary !== undefined) this.summary = info.summary;
    if (info.description !== undefined) this.description = info.description;
    if (info.tags !== undefined) this.tags = info.tags;
    if (info.security !== undefined) this.security = info.security;
    if (info.deprecated !== undefined) this.deprecated = info.deprecated;
    if (info.hidden !== undefined) this.hidden = info.hidden;
    if (info.openapi !== undefined) this.openapi = info.openapi;
    if (registered.openapiPath !== undefined) this.openapiPath = registered.openapiPath;
    this.handler = registered.handler;
    this.state = registered.state;
    this.settings = registered.settings;
    this.middleware = [...scopes.flatMap((s) => s.middleware), ...registered.middleware];
    const hooks = {} as HookLists;
    for (const name of HOOK_NAMES) (hooks as Record<HookName, unknown[]>)[name] = [...scopes.flatMap((s): unknown[] => s.hooks[name]), ...registered.hooks[name]];
    this.hooks = hooks;
    this.errorHandler = [...scopes].reverse().find((s) => s.errorHandler !== null)?.errorHandler ?? null;
    const bodyless = registered.method === 'GET' || registered.method === 'HEAD';
    this.parsers = registered.parseBody && !bodyless ? registered.parsers : null;
    this.consumes = this.parsers?.mediaTypes ?? [];
    this.requestTypes = this.parsers === null ? [] : (registered.declaredConsumes ?? ['application/json']);
    this.bodyRequired = registered.schema.body !== undefined && registered.bodyRequired;
    this.validateParams = registered.validators.params ?? null;
    this.validateQuery = registered.validators.query ?? null;
    this.validateHeaders = registered.validators.headers ?? null;
    this.validateCookies = registered.validators.cookies ?? null;
    this.validateBody = registered.validators.body ?? null;
    this.serializers = registered.serializers;
    this.site = registered.site;
    const settings = registered.settings;
    const name = `${registered.method} ${path} (at ${registered.site})`;
    this.authenticate = info.security === undefined ? null : (registered.securitySchemes ?? settings.security).authenticator(info.security, name);
    const compression = registered.compress ? settings.compression : null;
    this.features = settings.cors === null && compression === null ? null : { cors: settings.cors, compression };
    const plain = this.middleware.length === 0 && hooks.onRequest.length === 0 && hooks.preHandler.length === 0;
    this.direct = plain && this.authenticate === null && this.parsers === null;
    this.bodyOnly = plain && this.authenticate === null && this.parsers !== null;
    this.authThenPlain = plain && this.authenticate !== null;
  }
}
