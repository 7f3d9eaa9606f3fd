// createApp: routes, groups, mounted apps, middleware, hooks and the entry
// points (dispatch, listen, inject, fetch). Registration compiles each
// route's schemas at once; compile() builds the table the host serves.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveGeneric, toFetchHandler, type DispatchFn, type FetchHandlerOptions, type FetchPeer, type ServeOptions, type Server } from 'wirecore';
import type { InjectRequest, InjectResponse } from 'wirecore/testing';
import { BodyParsers, type BodyParser } from './body.js';
import { HTTP_METHODS, compileTable, joinPath, type AppDefinition, type Mount, type RouterOptions } from './compile.js';
import { jsonLogger, wireLogger, type AppLogger } from './logger.js';
import {
  HOOK_NAMES,
  Scope,
  type AnyContext,
  type AppSettings,
  type ErrorHandler,
  type Handler,
  type HookFunctions,
  type HookLists,
  type HookName,
  type HookOptions,
  type Middleware,
  type RegisteredRoute,
  type RouteDefinition,
  type RouteInfo,
  type RouteOptions,
} from './route.js';
import { SchemaCompiler, type PartValidator, type SchemaOptions, type Serializer } from './schema.js';
import { AppHost, dispatchApp, type RouteTable } from './table.js';
import type { RouteSchema } from './types.js';

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
}

export interface GroupOptions<State> extends HookOptions<AnyContext<State>> {
  middleware?: ReadonlyArray<Middleware<State>>;
}

/** app.get(path, [options], handler) and friends, with params typed from the path (and group prefix). */
export interface MethodRegistrar<State, Prefix extends string, Self> {
  <const Path extends string, S extends RouteSchema = {}>(path: Path, options: RouteOptions<State, `${Prefix}${Path}`, S>, handler: Handler<State, `${Prefix}${Path}`, S>): Self;
  <const Path extends string>(path: Path, handler: Handler<State, `${Prefix}${Path}`, {}>): Self;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** The first stack frame outside this package folder: where the user registered something. */
function callerSite(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  for (const line of lines) {
    const frame = line.trim().replace(/^at /, '');
    if (!frame.includes(HERE) && !frame.startsWith('node:') && !frame.includes('(node:')) return frame;
  }
  return 'an unknown place';
}

function list<T>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) throw new TypeError(`wirecore/app: a prefix must start with "/", got ${JSON.stringify(prefix)}`);
  return prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix === '/' ? '' : prefix;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyApp = App<any>;

type Definition = { method: string | readonly string[]; path: string; handler: (c: AnyContext) => unknown } & RouteOptions<unknown, string, RouteSchema>;

/** What apps and groups share: registering routes, middleware, hooks, groups and mounts. */
abstract class Registrar<State, Prefix extends string> {
  readonly get: MethodRegistrar<State, Prefix, this>;
  readonly post: MethodRegistrar<State, Prefix, this>;
  readonly put: MethodRegistrar<State, Prefix, this>;
  readonly patch: MethodRegistrar<State, Prefix, this>;
  readonly delete: MethodRegistrar<State, Prefix, this>;
  readonly head: MethodRegistrar<State, Prefix, this>;
  readonly options: MethodRegistrar<State, Prefix, this>;
  /** Every method the router knows (node:http's METHODS). */
  readonly all: MethodRegistrar<State, Prefix, this>;

  protected constructor(
    protected readonly prefix: string,
    /** @internal */ readonly scope: Scope,
  ) {
    const shorthand = (methods: string | readonly string[]) =>
      ((path: string, a: unknown, b?: unknown) => {
        const [options, handler] = b === undefined ? [{}, a] : [a, b];
        return this.route({ ...(options as object), method: methods, path, handler } as never);
      }) as MethodRegistrar<State, Prefix, this>;
    this.get = shorthand('GET');
    this.post = shorthand('POST');
    this.put = shorthand('PUT');
    this.patch = shorthand('PATCH');
    this.delete = shorthand('DELETE');
    this.head = shorthand('HEAD');
    this.options = shorthand('OPTIONS');
    this.all = shorthand(HTTP_METHODS);
  }

  /** @internal The app routes are registered into. */
  protected abstract get owner(): App<unknown>;

  /** The general form: one definition (method(s), path, schema, metadata, hooks, handler). */
  route<const Path extends string, S extends RouteSchema = {}>(definition: RouteDefinition<State, Path, S, `${Prefix}${Path}`>): this {
    this.owner.register(definition as unknown as Definition, this.prefix, this.scope, callerSite());
    return this;
  }

  /** Middleware for every route of this app or group (also those registered before). */
  use(...middleware: Array<Middleware<State>>): this {
    for (const m of middleware) if (typeof m !== 'function') throw new TypeError('wirecore/app: use() takes middleware functions');
    this.scope.middleware.push(...(middleware as Middleware<never>[]));
    this.owner.changed();
    return this;
  }

  addHook<K extends HookName>(name: K, hook: HookFunctions<AnyContext<State>>[K]): this {
    if (!HOOK_NAMES.includes(name)) throw new TypeError(`wirecore/app: unknown hook "${name}" (one of ${HOOK_NAMES.join(', ')})`);
    if (typeof hook !== 'function') throw new TypeError(`wirecore/app: the ${name} hook must be a function`);
    (this.scope.hooks[name] as unknown[]).push(hook);
    this.owner.changed();
    return this;
  }

  /** Answers failures of this scope's routes; return a value as a handler would, or throw for the default problem answer. */
  setErrorHandler(handler: ErrorHandler<State>): this {
    this.scope.errorHandler = handler as ErrorHandler<never>;
    this.owner.changed();
    return this;
  }

  /** Routes under `prefix` sharing middleware and hooks; `register` may fill it in place. */
  group<const P extends string>(prefix: P, options: GroupOptions<State> = {}, register?: (group: Group<State, `${Prefix}${P}`>) => void): Group<State, `${Prefix}${P}`> {
    const group = new Group<State, `${Prefix}${P}`>(this.owner, joinPath(this.prefix, checkPrefix(prefix)), new Scope(this.scope));
    if (options.middleware) group.use(...options.middleware);
    for (const name of HOOK_NAMES) for (const hook of list(options[name])) group.addHook(name, hook as never);
    register?.(group);
    return group;
  }

  /** Serves `app`'s routes under `prefix`, inside this scope's middleware and hooks; it keeps its own state and settings. */
  mount(prefix: string, app: AnyApp): this {
    if (!(app instanceof App)) throw new TypeError('wirecore/app: mount() takes an app made by createApp()');
    this.owner.addMount({ prefix: joinPath(this.prefix, checkPrefix(prefix)), app: app.definition, scope: this.scope });
    return this;
  }
}

export class Group<State, Prefix extends string> extends Registrar<State, Prefix> {
  /** @internal */
  constructor(
    private readonly app: App<unknown>,
    prefix: string,
    scope: Scope,
  ) {
    super(prefix, scope);
  }

  protected get owner(): App<unknown> {
    return this.app;
  }
}

export class App<State = undefined> extends Registrar<State, ''> {
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
    this.settings = {
      logger,
      requestIdHeader,
      exposeRequestId: options.exposeRequestId ?? false,
      parsers: BodyParsers.defaults(),
      schemas: new SchemaCompiler(options.schema),
    };
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
  register(definition: Definition, prefix: string, scope: Scope, site: string): void {
    const { method, path, handler, schema = {}, middleware, consumes, parseBody = true } = definition;
    if (typeof path !== 'string' || (path !== '*' && !path.startsWith('/'))) throw new TypeError(`wirecore/app: a route path must start with "/" (or be "*"), got ${JSON.stringify(path)} at ${site}`);
    const fullPath = joinPath(prefix, path);
    const methods = list(method).map((m) => String(m).toUpperCase());
    const name = `${methods.length > 3 ? 'ALL' : methods.join(',')} ${fullPath}`;
    if (methods.length === 0) throw new TypeError(`wirecore/app: ${fullPath} has no method (at ${site})`);
    for (const m of methods) if (!HTTP_METHODS.includes(m)) throw new TypeError(`wirecore/app: ${m} is not a method the router knows (${name} at ${site})`);
    if (typeof handler !== 'function') throw new TypeError(`wirecore/app: ${name} has no handler function (at ${site})`);
    if (schema.body !== undefined && !parseBody) throw new TypeError(`wirecore/app: ${name} has a body schema and parseBody: false; one or the other (at ${site})`);
    if (schema.body !== undefined && methods.every((m) => m === 'GET' || m === 'HEAD')) throw new TypeError(`wirecore/app: ${name} has a body schema, but GET and HEAD bodies are not read (at ${site})`);

    const schemas = this.settings.schemas;
    const validators: Partial<Record<'params' | 'query' | 'headers' | 'body', PartValidator>> = {};
    for (const part of ['params', 'query', 'headers', 'body'] as const) {
      const partSchema = schema[part];
      if (partSchema === undefined) continue;
      try {
        validators[part] = schemas.validator(part, partSchema);
      } catch (error) {
        throw new Error(`wirecore/app: invalid ${part} schema for ${name} (at ${site}): ${(error as Error).message}`);
      }
    }
    const serializers: Record<number, Serializer> = {};
    for (const [key, responseSchema] of Object.entries(schema.response ?? {})) {
      const status = Number(key);
      if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`wirecore/app: response schema key ${JSON.stringify(key)} of ${name} is not a status code (at ${site})`);
      try {
        serializers[status] = schemas.serializer(responseSchema);
      } catch (error) {
        throw new Error(`wirecore/app: invalid response schema ${status} for ${name} (at ${site}): ${(error as Error).message}`);
      }
    }
    let parsers = this.settings.parsers;
    if (consumes !== undefined) {
      try {
        parsers = parsers.only(consumes);
      } catch (error) {
        throw new Error(`${(error as Error).message} (${name} at ${site})`);
      }
    }
    const hooks = {} as HookLists;
    for (const hookName of HOOK_NAMES) {
      const fns = list(definition[hookName]);
      for (const fn of fns) if (typeof fn !== 'function') throw new TypeError(`wirecore/app: the ${hookName} hook of ${name} is not a function (at ${site})`);
      (hooks[hookName] as unknown[]) = fns;
    }
    const routeMiddleware = list(middleware) as Middleware<never>[];
    for (const m of routeMiddleware) if (typeof m !== 'function') throw new TypeError(`wirecore/app: a middleware of ${name} is not a function (at ${site})`);
    const meta = { operationId: definition.operationId, summary: definition.summary, description: definition.description, tags: definition.tags, security: definition.security, deprecated: definition.deprecated };
    for (const m of methods) {
      this.registered.push({ method: m, path: fullPath, schema, meta, handler, middleware: routeMiddleware, hooks, parseBody, parsers, validators, serializers, scope, settings: this.settings, state: this.state, site });
    }
    this.changed();
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
    // The wire layer times answers only when someone listens to onResponse.
    if (out.onResponse === undefined && this.ctx.table.reportsResponses) out.onResponse = () => {};
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
