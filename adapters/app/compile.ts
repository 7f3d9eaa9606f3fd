// Builds a RouteTable from an app's registrations: mounts flattened, scopes
// resolved, duplicates refused naming both, find-my-way compiled.
import { METHODS } from 'node:http';
import FindMyWay from 'find-my-way';
import { BadRequest, MethodNotAllowed, NotFound } from './errors.js';
import { paramRegexes, regexRefusal } from './route-regex.js';
import { CompiledRoute, type AnyContext, type AppSettings, type RegisteredRoute, type Scope } from './route.js';
import { RouteTable, allowOrder } from './table.js';

export interface RouterOptions {
  /** Default true (RFC 3986: paths are case-sensitive). false matches static parts case-insensitively; params keep their case. */
  caseSensitive?: boolean;
  /** Default false: "/users/" and "/users" are different routes. true serves both from either. */
  ignoreTrailingSlash?: boolean;
  /** Default false. true serves "//a//b" from "/a/b". */
  ignoreDuplicateSlashes?: boolean;
  /** Longest parameter value (default 100); a longer one does not match. */
  maxParamLength?: number;
  /**
   * Accept parameter regexes that could backtrack catastrophically. Default false: refused at start-up, naming the
   * route, when recheck finds matching them exponential, or polynomial of a degree that costs more than 10^6 steps
   * on a value of maxParamLength characters (see route-regex.ts).
   */
  allowUnsafeRegex?: boolean;
}

export interface Mount {
  readonly prefix: string;
  readonly app: AppDefinition;
  /** The scope it was mounted from (the parent's app or group). */
  readonly scope: Scope;
}

/** What an app hands the compiler. */
export interface AppDefinition {
  readonly registered: readonly RegisteredRoute[];
  readonly mounts: readonly Mount[];
  readonly scope: Scope;
  readonly settings: AppSettings;
  readonly state: unknown;
  readonly routerOptions: RouterOptions;
  readonly notFoundHandler: ((c: AnyContext) => unknown) | null;
  /** Moves with every registration here or in a mounted app. */
  readonly version: number;
}

const NO_QUERY = Object.freeze({}) as Record<string, string>;

export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '*') return prefix + '/*';
  return path === '/' ? prefix : prefix + path;
}

function describe(route: CompiledRoute): string {
  return `${route.method} ${route.path}${route.operationId ? ` (${route.operationId})` : ''} at ${route.site}`;
}

function synthetic(root: AppDefinition, method: string, handler: (c: AnyContext) => unknown, site: string): CompiledRoute {
  const registered: RegisteredRoute = {
    method,
    path: '*',
    schema: {},
    meta: {},
    handler,
    middleware: [],
    hooks: { onRequest: [], preHandler: [], onSend: [], onResponse: [], onError: [] },
    parseBody: false,
    parsers: root.settings.parsers,
    validators: {},
    serializers: {},
    scope: root.scope,
    settings: root.settings,
    state: root.state,
    site,
    declaredConsumes: undefined,
    bodyRequired: false,
    compress: true,
  };
  return new CompiledRoute(registered, '*', [root.scope]);
}

export function compileTable(root: AppDefinition): RouteTable {
  const routes: CompiledRoute[] = [];
  const visiting = new Set<AppDefinition>();
  const collect = (app: AppDefinition, prefix: string, outer: Scope[]) => {
    if (visiting.has(app)) throw new Error('wirecore/app: an app is mounted inside itself');
    visiting.add(app);
    for (const r of app.registered) routes.push(new CompiledRoute(r, joinPath(prefix, r.path), [...outer, ...r.scope.chain()]));
    for (const m of app.mounts) collect(m.app, joinPath(prefix, m.prefix), [...outer, ...m.scope.chain()]);
    visiting.delete(app);
  };
  collect(root, '', []);

  const options = root.routerOptions;
  const router = FindMyWay({
    caseSensitive: options.caseSensitive ?? true,
    ignoreTrailingSlash: options.ignoreTrailingSlash ?? false,
    ignoreDuplicateSlashes: options.ignoreDuplicateSlashes ?? false,
    maxParamLength: options.maxParamLength ?? 100,
    // recheck decides (checkRegexes below): safe-regex2's star-height rule refuses safe regexes such as
    // ^[a-z0-9]+(?:-[a-z0-9]+)*$ and passes exponential ones such as ^(a|a)*$.
    allowUnsafeRegex: true,
    // The context parses the wire's query only when it is read.
    querystringParser: () => NO_QUERY,
    // A target that does not decode finds a null store: answered 400 by the table.
    onBadUrl: () => {},
  });
  const noop = () => {};
  for (const route of routes) {
    const method = route.method as FindMyWay.HTTPMethod;
    const existing = router.findRoute(method, route.path);
    if (existing !== null) {
      throw new Error(`wirecore/app: ${route.method} ${route.path} is registered twice: first ${describe(existing.store as CompiledRoute)}, again ${describe(route)}`);
    }
    if (options.allowUnsafeRegex !== true) checkRegexes(route, options.maxParamLength ?? 100);
    try {
      router.on(method, route.path, noop, route);
    } catch (error) {
      throw new Error(`wirecore/app: cannot route ${describe(route)}: ${(error as Error).message}`);
    }
    // A route from a spec may hold aliases for names the router cannot (renamed back before validation).
    checkParamsSchema(route, route.openapiPath !== undefined ? [...route.openapiPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!) : router.findRoute(method, route.path)!.params);
  }
  // HEAD is answered from GET wherever no HEAD route was registered.
  for (const route of routes) {
    if (route.method === 'GET' && router.findRoute('HEAD', route.path) === null) router.on('HEAD', route.path, noop, route);
  }
  router.compile();

  const methods = allowOrder(routes.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method])));
  let table: RouteTable | undefined;
  const custom = root.notFoundHandler;
  // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7); any other "*" target is malformed.
  const asterisk = (c: AnyContext) => {
    if (c.req.method !== 'OPTIONS') throw new BadRequest('The request target cannot be decoded');
    c.header('allow', methods.join(', '));
    return c.reply(200);
  };
  const notFound = synthetic(
    root,
    '*',
    (c) => {
      if (c.req.target === '*') return asterisk(c);
      const allow = table!.allowed(c.req.method, c.req.target);
      if (allow.length === 0) {
        if (custom !== null) return custom(c);
        throw new NotFound(`No route for ${c.req.method} ${c.req.path}`);
      }
      if (c.req.method === 'OPTIONS') {
        c.header('allow', allow.join(', '));
        return c.reply(204);
      }
      throw new MethodNotAllowed(allow, `${c.req.method} is not allowed on ${c.req.path}`);
    },
    'the not-found handler',
  );
  const badTarget = synthetic(
    root,
    '*',
    (c) => {
      if (c.req.target === '*') return asterisk(c);
      throw new BadRequest('The request target cannot be decoded');
    },
    'the bad-target handler',
  );
  const reports = [...routes, notFound].some((r) => r.hooks.onResponse.length !== 0);
  table = new RouteTable(router, routes, notFound, badTarget, methods, reports, routes.some((r) => r.settings.cors !== null));
  return table;
}

/** Refuses a parameter regex that could stall the event loop, naming the route. */
function checkRegexes(route: CompiledRoute, maxLength: number): void {
  for (const regex of paramRegexes(route.path)) {
    const refusal = regexRefusal(regex, maxLength);
    if (refusal !== null) throw new Error(`wirecore/app: the parameter regex ${regex} of ${describe(route)} is refused: ${refusal}; simplify it, or set router.allowUnsafeRegex`);
  }
}

/** A params schema naming a property the path does not declare can never pass: refuse it at start-up. */
function checkParamsSchema(route: CompiledRoute, pathParams: readonly string[]): void {
  const schema = route.schema.params as { properties?: Record<string, unknown> } | undefined;
  if (schema?.properties === undefined) return;
  const unknown = Object.keys(schema.properties).filter((name) => !pathParams.includes(name));
  if (unknown.length > 0) {
    throw new Error(`wirecore/app: the params schema of ${describe(route)} names ${unknown.map((n) => `"${n}"`).join(', ')}, which the path does not declare (it declares ${pathParams.map((n) => `"${n}"`).join(', ') || 'none'})`);
  }
}

export const HTTP_METHODS: readonly string[] = METHODS;
