// A route definition compiled at registration, one registration per method:
// path and handler checked, each part's validator and each status's
// serializer compiled (so a bad schema fails here, naming the route and where
// it was registered), parsers narrowed to what the route takes, hooks and
// middleware checked.
import { HTTP_METHODS, joinPath } from './compile.js';
import type { AnyContext } from './context.js';
import { HOOK_NAMES, type AppSettings, type HookLists, type Middleware, type RegisteredRoute, type RouteOptions, type Scope } from './route.js';
import type { PartValidator, SchemaCompiler, Serializer } from './schema.js';
import type { SecurityRegistry } from './security/index.js';
import type { RouteSchema } from './types.js';

/** @internal What a loaded spec adds to a registration: its own compiled schemas and schemes. */
export interface RouteSource {
  /** The schema compiler holding the spec's shared schemas. */
  compiler: SchemaCompiler;
  /** The schemas to compile (references made absolute); `definition.schema` keeps them as written, for the document. */
  compileSchema: RouteSchema;
  security: SecurityRegistry;
  openapiPath: string;
  origin: object;
  /** Runs on params, query or headers before their validators: renamed params, delimited arrays, deep objects. */
  prepare?: Partial<Record<'params' | 'query' | 'headers', ((value: Record<string, unknown>) => void) | undefined>>;
}

/** A route definition as registration reads it (the typed forms erased). */
export type Definition = { method: string | readonly string[]; path: string; handler: (c: AnyContext) => unknown } & RouteOptions<unknown, string, RouteSchema>;

const JSON_ONLY = ['application/json'];

export function list<T>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** The registrations of one definition (one per method), schemas compiled; nothing is added yet. */
export function prepareRoutes(settings: AppSettings, state: unknown, definition: Definition, prefix: string, scope: Scope, site: string, source?: RouteSource): RegisteredRoute[] {
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

  const schemas = source?.compiler ?? settings.schemas;
  const compileSchema = source?.compileSchema ?? schema;
  const validators: Partial<Record<'params' | 'query' | 'headers' | 'cookies' | 'body', PartValidator>> = {};
  for (const part of ['params', 'query', 'headers', 'cookies', 'body'] as const) {
    const partSchema = compileSchema[part];
    if (partSchema === undefined) continue;
    let validate: PartValidator;
    try {
      validate = schemas.validator(part, partSchema);
    } catch (error) {
      throw new Error(`wirecore/app: invalid ${part} schema for ${name} (at ${site}): ${(error as Error).message}`);
    }
    const prepare = part === 'params' || part === 'query' || part === 'headers' ? source?.prepare?.[part] : undefined;
    validators[part] = prepare === undefined ? validate : (value) => (prepare(value as Record<string, unknown>), validate(value));
  }
  const serializers: Record<number, Serializer> = {};
  for (const [key, responseSchema] of Object.entries(compileSchema.response ?? {})) {
    const status = Number(key);
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`wirecore/app: response schema key ${JSON.stringify(key)} of ${name} is not a status code (at ${site})`);
    try {
      serializers[status] = schemas.serializer(responseSchema);
    } catch (error) {
      throw new Error(`wirecore/app: invalid response schema ${status} for ${name} (at ${site}): ${(error as Error).message}`);
    }
  }
  let parsers = settings.parsers;
  // A body schema takes JSON unless `consumes` says more: what the OpenAPI document lists (a spec's routes say their own).
  const accepted = consumes ?? (schema.body !== undefined && source === undefined ? JSON_ONLY : undefined);
  if (accepted !== undefined) {
    try {
      parsers = parsers.only(accepted);
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
  if (definition.security !== undefined && !Array.isArray(definition.security)) throw new TypeError(`wirecore/app: the security of ${name} must be a list of requirements ([{ scheme: [scopes] }]) (at ${site})`);
  const meta = {
    operationId: definition.operationId,
    summary: definition.summary,
    description: definition.description,
    tags: definition.tags,
    security: definition.security,
    deprecated: definition.deprecated,
    hidden: definition.hidden,
    openapi: definition.openapi,
  };
  const extra = source === undefined ? {} : { securitySchemes: source.security, openapiPath: source.openapiPath, origin: source.origin };
  return methods.map((m) => ({
    method: m,
    path: fullPath,
    schema,
    meta,
    handler,
    middleware: routeMiddleware,
    hooks,
    parseBody,
    parsers,
    validators,
    serializers,
    scope,
    settings: settings,
    state: state,
    site,
    declaredConsumes: consumes,
    bodyRequired: definition.bodyRequired ?? true,
    compress: definition.compress ?? true,
    ...extra,
  }));
}
