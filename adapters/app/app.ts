// createApp: routes, groups, mounted apps, middleware, hooks and the entry
// points (dispatch, listen, inject, fetch). Registration compiles each
// route's schemas at once; compile() builds the table the host serves.
import { serveGeneric, toFetchHandler, type DispatchFn, type FetchHandlerOptions, type FetchPeer, type ServeOptions, type Server } from 'wirecore';
import type { InjectRequest, InjectResponse } from 'wirecore/testing';
import { BodyParsers, type BodyParser } from './body.js';
import { compileTable, type AppDefinition, type Mount, type RouterOptions } from './compile.js';
import { compileCompression, type CompressionOptions } from './compress.js';
import type { AnyContext } from './context.js';
import { CookieSigner, type CookieSettings } from './cookies.js';
import { compileCors, type CorsOptions } from './cors.js';
import { ServiceUnavailable } from './errors.js';
import { jsonLogger, wireLogger, type AppLogger } from './logger.js';
import { MetricsRegistry, PROMETHEUS_TYPE, type MetricsOptions } from './metrics.js';
import { docsPage, generateDocument, type DocumentBase, type DocumentExtras, type OpenApiDocument, type OpenApiInfo } from './openapi.js';
import { prepareRoutes, type Definition, type RouteSource } from './prepare.js';
import { compileTrust, type TrustProxy } from './proxy.js';
import { Registrar, callerSite, type RouteOwner } from './registrar.js';
import { Scope, type AppSettings, type RegisteredRoute, type RouteInfo } from './route.js';
import { SchemaCompiler, type SchemaOptions } from './schema.js';
import { SecurityRegistry, type SecuritySchemeConfig } from './security/index.js';
import { AppHost, dispatchApp, type RouteTable } from './table.js';

export { Group, type GroupOptions, type MethodRegistrar } from './registrar.js';
export type { RouteSource } from './prepare.js';

export interface AppOptions<State> {
  /** Shared application state: `c.state` in every handler, middleware and hook. */
  state?: State;
  /** pino or anything with error/warn/info/debug(fields, message); default: JSON lines on stderr, level info. */
  logger?: AppLogger;
  /** The header a request id is read from (and echoed in, with exposeRequestId). Default "x-request-id". */
  requestIdHeader?: string;
  /** Echo the request id on every response. Default false. */
  exposeRequestId?: boolean;
  /** Trailing slash, case and regex policy (see RouterOptions). */
  router?: RouterOptions;
  /** ajv options and plugins. */
  schema?: SchemaOptions;
  /** Security schemes routes name in `security` (bearer JWT, API key, basic, OAuth 2 / OpenID Connect tokens). */
  security?: Readonly<Record<string, SecuritySchemeConfig>>;
  /** CORS: preflights answered, Access-Control-* headers on answers to allowed origins. */
  cors?: CorsOptions;
  /** Compress answers (gzip, brotli) by Accept-Encoding; true for the defaults. */
  compression?: CompressionOptions | boolean;
  /** The secret(s) of signed cookies. */
  cookies?: CookieSettings;
  /** Believe X-Forwarded-For/-Proto/-Host from these peers (c.ip, c.protocol, c.host). Default false. */
  trustProxy?: TrustProxy;
}

export interface OpenApiServeOptions {
  /** Where the JSON document is served. Default "/openapi.json". */
  path?: string;
  /** Where a docs page is served (a page with no outside assets that reads the document). Default: none. */
  docs?: string;
  info?: OpenApiInfo;
  extras?: DocumentExtras;
}

export interface HealthOptions {
  /** Liveness: 200 while the process answers. Default "/healthz". */
  live?: string;
  /** Readiness: 200, or 503 from the moment a graceful close begins (and while `ready` says false). Default "/readyz". */
  ready?: string;
  /** More readiness conditions (a database reachable…). */
  check?: () => boolean | Promise<boolean>;
}

/** @internal A loaded spec's document, without its paths, re-emitted by app.openapi(). */
export type SpecBase = DocumentBase;

export class App<State = undefined> extends Registrar<State, ''> implements RouteOwner {
  /** The app's DispatchFn for serveGeneric, with `app.ctx` as its ctx. */
  readonly dispatch: DispatchFn<AppHost> = dispatchApp;
  /**
   * The same app on fetch platforms (Deno, Bun, workers, serverless, tests): `(request) => Promise<Response>`,
   * streaming included. Bound, so `export default { fetch: app.fetch }` works.
   */
  readonly fetch: (request: Request, peer?: FetchPeer) => Promise<Response>;
  readonly settings: AppSettings;
  private readonly registered: RegisteredRoute[] = [];
  private readonly mounts: Mount[] = [];
  /** The state given to createApp (c.state in this app's routes). */
  readonly state: State;
  /** @internal What the compiler reads. */
  readonly definition: AppDefinition;
  private readonly routerOptions: RouterOptions;
  private notFoundHandler: ((c: AnyContext) => unknown) | null = null;
  private host: AppHost | null = null;
  private fetchHandler: ((request: Request, peer?: FetchPeer) => Promise<Response>) | null = null;
  private fetchOptions: FetchHandlerOptions<AppHost> = {};
  /** @internal ajv options, for the compilers of loaded specs. */
  readonly schemaOptions: SchemaOptions | undefined;
  private metricsRegistry: MetricsRegistry | null = null;
  /** @internal The spec this app was loaded from (spec-first), re-emitted by openapi(). */
  specBase: SpecBase | null = null;
  private readonly documents = new WeakMap<RouteTable, string>();
  /** Bumped by every registration; compile() rebuilds when it moved (here or in a mounted app). */
  private version = 0;
  private compiledAt = -1;

  constructor(options: AppOptions<State> = {}) {
    super('', new Scope(null));
    const logger = options.logger ?? jsonLogger();
    for (const level of ['error', 'warn', 'info', 'debug'] as const) {
      if (typeof logger[level] !== 'function') throw new TypeError(`wirecore/app: options.logger has no ${level}() method`);
    }
    const requestIdHeader = (options.requestIdHeader ?? 'x-request-id').toLowerCase();
    if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(requestIdHeader)) throw new TypeError(`wirecore/app: options.requestIdHeader ${JSON.stringify(options.requestIdHeader)} is not a header name`);
    const security = new SecurityRegistry();
    for (const [name, config] of Object.entries(options.security ?? {})) security.add(name, config);
    this.settings = {
      logger,
      requestIdHeader,
      exposeRequestId: options.exposeRequestId ?? false,
      parsers: BodyParsers.defaults(),
      schemas: new SchemaCompiler(options.schema),
      security,
      cors: options.cors === undefined ? null : compileCors(options.cors),
      compression: options.compression === undefined || options.compression === false ? null : compileCompression(options.compression),
      cookieSigner: options.cookies?.secret === undefined ? null : new CookieSigner(options.cookies.secret),
      trust: compileTrust(options.trustProxy),
      secure: false,
    };
    this.schemaOptions = options.schema;
    this.state = options.state as State;
    this.routerOptions = { ...options.router };
    this.fetch = (request, peer) => {
      const ctx = this.ctx;
      this.fetchHandler ??= toFetchHandler(ctx, dispatchApp, this.serveOptions(this.fetchOptions) as FetchHandlerOptions<AppHost>);
      return this.fetchHandler(request, peer);
    };
    const self = this;
    this.definition = {
      registered: this.registered,
      mounts: this.mounts,
      scope: this.scope,
      settings: this.settings,
      state: this.state,
      routerOptions: this.routerOptions,
      get notFoundHandler() {
        return self.notFoundHandler;
      },
      get version() {
        return self.totalVersion();
      },
    };
  }

  protected get owner(): App<unknown> {
    return this as App<unknown>;
  }

  /** Adds (or replaces) the parser for a media type ("type/subtype" or "type/*"). */
  addBodyParser(mediaType: string, parser: BodyParser): this {
    this.settings.parsers.add(mediaType, parser);
    this.changed();
    return this;
  }

  /** Answers requests no route matches (405 and OPTIONS are still answered for paths that exist under other methods). */
  setNotFoundHandler(handler: (c: AnyContext<State>) => unknown): this {
    this.notFoundHandler = handler as (c: AnyContext) => unknown;
    this.changed();
    return this;
  }

  /** @internal */
  changed(): void {
    this.version++;
  }

  /** @internal */
  mountApp(prefix: string, app: unknown, scope: Scope): void {
    if (!(app instanceof App)) throw new TypeError('wirecore/app: mount() takes an app made by createApp()');
    this.addMount({ prefix, app: app.definition, scope });
  }

  /** @internal */
  addMount(mount: Mount): void {
    this.mounts.push(mount);
    this.changed();
  }

  private totalVersion(): number {
    let sum = this.version;
    for (const m of this.mounts) sum += m.app.version;
    return sum;
  }

  /** @internal Compiles a definition's schemas at once, so a bad schema fails here, naming the route. */
  register(definition: Definition, prefix: string, scope: Scope, site: string, source?: RouteSource): void {
    this.registered.push(...this.prepare(definition, prefix, scope, site, source));
    this.changed();
  }

  /** @internal The registrations of one definition (one per method), schemas compiled; nothing is added yet. */
  prepare(definition: Definition, prefix: string, scope: Scope, site: string, source?: RouteSource): RegisteredRoute[] {
    return prepareRoutes(this.settings, this.state, definition, prefix, scope, site, source);
  }

  /**
   * @internal Replaces the routes a spec load registered (`origin`) with `routes`,
   * and compiles: on any error the old routes stay and the error is thrown.
   */
  replaceRoutes(origin: object | null, routes: readonly RegisteredRoute[], base: SpecBase): RouteTable {
    const before = [...this.registered];
    const beforeBase = this.specBase;
    const kept = before.filter((r) => r.origin === undefined || r.origin !== origin);
    this.registered.splice(0, this.registered.length, ...routes, ...kept);
    this.specBase = base;
    this.changed();
    try {
      return this.compile();
    } catch (error) {
      this.registered.splice(0, this.registered.length, ...before);
      this.specBase = beforeBase;
      this.changed();
      throw error;
    }
  }

  /** Declares a security scheme routes may name in `security`. */
  securityScheme(name: string, config: SecuritySchemeConfig): this {
    this.settings.security.add(name, config);
    this.changed();
    return this;
  }

  /**
   * The OpenAPI document of every route: 3.1 generated from the schemas and
   * metadata (code-first), or the loaded spec again with any routes added in
   * code (spec-first). Hidden routes, wildcard paths and methods OpenAPI has
   * no field for are left out.
   */
  openapi(info?: OpenApiInfo, extras?: DocumentExtras): OpenApiDocument {
    return this.documentFor(this.ctx.table, info, extras);
  }

  private documentFor(table: RouteTable, info?: OpenApiInfo, extras?: DocumentExtras): OpenApiDocument {
    // A loaded spec's own schemes are in its components already; these are the app's.
    const securitySchemes = this.settings.security.openapi();
    return generateDocument(table.info(), { ...(info ? { info } : {}), ...(extras ? { extras } : {}), ...(this.specBase ? { base: this.specBase } : {}), securitySchemes });
  }

  /** Serves the OpenAPI document (and optionally a docs page); both are hidden from the document. */
  serveOpenapi(options: OpenApiServeOptions = {}): this {
    const path = options.path ?? '/openapi.json';
    const site = callerSite();
    const detached = new Scope(null);
    this.register(
      {
        method: 'GET',
        path,
        hidden: true,
        handler: (c) => {
          const table = this.ctx.table;
          let text = this.documents.get(table);
          if (text === undefined) this.documents.set(table, (text = JSON.stringify(this.documentFor(table, options.info, options.extras))));
          c.header('content-type', 'application/json; charset=utf-8');
          return text;
        },
      },
      '',
      detached,
      site,
    );
    if (options.docs !== undefined) {
      const page = docsPage(path, options.info?.title ?? this.specBase?.info.title ?? 'API');
      this.register({ method: 'GET', path: options.docs, hidden: true, handler: (c) => (c.header('content-type', 'text/html; charset=utf-8'), page) }, '', detached, site);
    }
    return this;
  }

  /** /healthz and /readyz for load balancers and Kubernetes: outside the app's middleware, hooks and security. */
  health(options: HealthOptions = {}): this {
    const site = callerSite();
    const detached = new Scope(null);
    const check = options.check;
    this.register({ method: 'GET', path: options.live ?? '/healthz', hidden: true, compress: false, handler: () => ({ status: 'ok' }) }, '', detached, site);
    this.register(
      {
        method: 'GET',
        path: options.ready ?? '/readyz',
        hidden: true,
        compress: false,
        handler: async () => {
          if (this.ctx.draining) throw new ServiceUnavailable('Draining: the server is closing', { expose: true });
          if (check !== undefined && !(await check())) throw new ServiceUnavailable('Not ready', { expose: true });
          return { status: 'ready' };
        },
      },
      '',
      detached,
      site,
    );
    return this;
  }

  /** Prometheus metrics at /metrics from every answer's Written figures (each worker copy counts its own). */
  metrics(options: MetricsOptions = {}): this {
    if (this.metricsRegistry !== null) throw new Error('wirecore/app: metrics() is already on');
    const registry = (this.metricsRegistry = new MetricsRegistry(options));
    this.register(
      { method: 'GET', path: options.path ?? '/metrics', hidden: true, compress: false, handler: (c) => (c.header('content-type', PROMETHEUS_TYPE), registry.render()) },
      '',
      new Scope(null),
      callerSite(),
    );
    return this;
  }

  /** @internal The metrics registry, when metrics() is on. */
  get metricsOn(): MetricsRegistry | null {
    return this.metricsRegistry;
  }

  /**
   * Builds the route table and serves it from the next request on. Start-up
   * errors (duplicate routes, bad patterns) are thrown here. Called by
   * listen/inject/fetch; call it again after adding routes to a running app:
   * the swap is atomic (requests in flight keep the table they started with).
   */
  compile(): RouteTable {
    const table = compileTable(this.definition);
    this.compiledAt = this.totalVersion();
    if (this.host === null) this.host = new AppHost(table);
    else this.host.swap(table);
    return table;
  }

  /** serveGeneric's ctx: the host of the current table (compiled on first use). */
  get ctx(): AppHost {
    if (this.host === null || this.compiledAt !== this.totalVersion()) this.compile();
    return this.host!;
  }

  /** Every route as generators (OpenAPI) read it. */
  routes(): RouteInfo[] {
    return this.ctx.table.info();
  }

  /** Options to pass to serveGeneric beside `app.ctx` and `app.dispatch`: the app's logger, and answer timing when onResponse hooks need it. */
  serveOptions(options: ServeOptions<AppHost> = {}): ServeOptions<AppHost> {
    const out: ServeOptions<AppHost> = { logger: wireLogger(this.settings.logger), ...options };
    const host = this.ctx;
    const registry = this.metricsRegistry;
    if (registry !== null) {
      // Every answer, including those the wire layer refused and those that failed after their head.
      host.templates ??= new WeakMap();
      const user = out.onResponse;
      const observe = (written: Parameters<NonNullable<typeof user>>[0], req: Parameters<NonNullable<typeof user>>[1]) => registry.observe(host.routeTemplate(req), req?.method ?? 'other', written);
      out.onResponse = user === undefined ? observe : (written, req) => (user(written, req), observe(written, req));
    } else if (out.onResponse === undefined && host.table.reportsResponses) {
      // The wire layer times answers only when someone listens to onResponse.
      out.onResponse = () => {};
    }
    const userClosing = out.onClosing;
    out.onClosing = () => {
      // Readiness turns false at once, so a balancer stops sending before the server is gone.
      host.draining = true;
      userClosing?.();
    };
    if (options.tls !== undefined) this.settings.secure = true;
    return out;
  }

  /** Compiles, then serves on any runtime (net, uws, node-http; workers need a module exporting ctx and dispatch). */
  async listen(options: ServeOptions<AppHost> = {}): Promise<Server> {
    const ctx = this.ctx;
    return serveGeneric(ctx, dispatchApp, this.serveOptions(options));
  }

  /** Options for app.fetch (body limit, tryStatic, onResponse, logger); takes effect on the next request. */
  configureFetch(options: FetchHandlerOptions<AppHost>): this {
    this.fetchOptions = { ...options };
    this.fetchHandler = null;
    return this;
  }

  /** One request in-process on the memory runtime (wirecore/testing's inject): the whole wire path, no socket. */
  async inject(request: InjectRequest = {}, options: ServeOptions<AppHost> = {}): Promise<InjectResponse> {
    const ctx = this.ctx;
    const { inject } = await import('wirecore/testing');
    return inject(ctx, dispatchApp, request, this.serveOptions(options));
  }
}

export function createApp<State = undefined>(options: AppOptions<State> = {}): App<State> {
  return new App<State>(options);
}
