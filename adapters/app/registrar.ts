// What apps and groups share: registering routes (app.get/post/… and
// app.route), middleware, hooks, error handlers, groups and mounts, into the
// app that owns them.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTP_METHODS, joinPath, type AppDefinition } from './compile.js';
import type { AnyContext } from './context.js';
import { list, type Definition } from './prepare.js';
import { HOOK_NAMES, Scope, type AppSettings, type ErrorHandler, type Handler, type HookFunctions, type HookName, type HookOptions, type Middleware, type RouteDefinition, type RouteOptions } from './route.js';
import type { RouteSchema } from './types.js';
import { webSocketRoute, type WsRouteOptions, type WsSchema } from './ws.js';

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
export function callerSite(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  for (const line of lines) {
    const frame = line.trim().replace(/^at /, '');
    if (!frame.includes(HERE) && !frame.startsWith('node:') && !frame.includes('(node:')) return frame;
  }
  return 'an unknown place';
}

function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) throw new TypeError(`wirecore/app: a prefix must start with "/", got ${JSON.stringify(prefix)}`);
  return prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix === '/' ? '' : prefix;
}

/** @internal What registrars register into: the app. */
export interface RouteOwner {
  /** The app's settings (app.ws compiles its message schema with them). */
  readonly settings: AppSettings;
  register(definition: Definition, prefix: string, scope: Scope, site: string): void;
  changed(): void;
  /** Mounts `app` (checked to be an app made by createApp()) under `prefix`, inside `scope`. */
  mountApp(prefix: string, app: unknown, scope: Scope): void;
}

/** An app made by createApp(), as mount() takes it. */
export interface MountableApp {
  /** @internal */
  readonly definition: AppDefinition;
}

/** What apps and groups share: registering routes, middleware, hooks, groups and mounts. */
export abstract class Registrar<State, Prefix extends string> {
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
  protected abstract get owner(): RouteOwner;

  /** The general form: one definition (method(s), path, schema, metadata, hooks, handler). */
  route<const Path extends string, S extends RouteSchema = {}>(definition: RouteDefinition<State, Path, S, `${Prefix}${Path}`>): this {
    this.owner.register(definition as unknown as Definition, this.prefix, this.scope, callerSite());
    return this;
  }

  /** A WebSocket route (ws.ts): a GET that upgrades once this scope's middleware, hooks and the route's security pass. */
  ws<const Path extends string, S extends WsSchema = {}>(path: Path, options: WsRouteOptions<State, `${Prefix}${Path}`, S>): this {
    const site = callerSite();
    this.owner.register(webSocketRoute(path, options as never, this.owner.settings.schemas, site) as unknown as Definition, this.prefix, this.scope, site);
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
  mount(prefix: string, app: MountableApp): this {
    this.owner.mountApp(joinPath(this.prefix, checkPrefix(prefix)), app, this.scope);
    return this;
  }
}

export class Group<State, Prefix extends string> extends Registrar<State, Prefix> {
  /** @internal */
  constructor(
    private readonly app: RouteOwner,
    prefix: string,
    scope: Scope,
  ) {
    super(prefix, scope);
  }

  protected get owner(): RouteOwner {
    return this.app;
  }
}
