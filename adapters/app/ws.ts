// app.ws(path, options): a WebSocket route. It is a GET route like any other
// (middleware, hooks, security and params/query/headers validation run at
// the upgrade, so a refusal is a 4xx before any 101); its handler answers
// through res.upgrade. Messages are JSON text checked against
// schema.message; one that is not closes the socket with 1007.
import type { Static, TSchema } from '@sinclair/typebox';
import type { ServerWebSocket, WebSocketHandlers, Written } from 'wirecore';
import { parseJsonText } from './body.js';
import type { Locals } from './context.js';
import type { AnyContext, HookOptions, Middleware, RouteContext, RouteDefinition, RouteMeta } from './route.js';
import type { PartValidator, SchemaCompiler } from './schema.js';
import type { AuthInfo } from './security/index.js';
import type { HeadersOf, ParamsOf, QueryOf } from './types.js';

/** The parts of a WebSocket route's schema: what the upgrade request carries, and what each message must be. */
export interface WsSchema {
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly headers?: TSchema;
  /** Every message: JSON text matching this schema (a message that is not closes the socket with 1007). */
  readonly message?: TSchema;
}

/** What a WebSocket route's socket carries (ws.data): the upgrade request's checked parts and who it authenticated. */
export interface WsData<State, Params, Query, Headers> {
  readonly params: Params;
  readonly query: Query;
  readonly headers: Headers;
  /** Who the route's security authenticated (null without security). */
  readonly auth: AuthInfo | null;
  /** c.locals as the middleware left them at the upgrade. */
  readonly locals: Locals;
  readonly state: State;
  readonly requestId: string;
}

export type AppWebSocket<State, Path extends string, S extends WsSchema> = ServerWebSocket<WsData<State, ParamsOf<Path, S>, QueryOf<S>, HeadersOf<S>>>;

/** A message as the handler gets it: the schema's type, or (without a message schema) text as a string and binary as a Buffer. */
export type MessageOf<S> = S extends { message: infer M extends TSchema } ? Static<M> : string | Buffer;

export interface WsRouteOptions<State, Path extends string, S extends WsSchema> extends RouteMeta, HookOptions<RouteContext<State, Path, S>> {
  schema?: S;
  /** Run around the upgrade, inside the app's and group's middleware. */
  middleware?: ReadonlyArray<Middleware<State>>;
  /** Subprotocols the route speaks: the client's first offer in this list is chosen; none in common answers without one. */
  protocols?: readonly string[];
  open?(ws: AppWebSocket<State, Path, S>): void | Promise<void>;
  /** A message: with schema.message, parsed JSON that passed it; else text as a string, binary as a Buffer. */
  message?(ws: AppWebSocket<State, Path, S>, message: MessageOf<S>, isBinary: boolean): void | Promise<void>;
  /** A send that reported 'queued' has gone out. */
  drain?(ws: AppWebSocket<State, Path, S>): void;
  /** Once per socket, however it ended. */
  close?(ws: AppWebSocket<State, Path, S>, code: number, reason: string): void;
}

/** A close reason is at most 123 bytes (RFC 6455 §5.5): longer text is cut on a character boundary. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let cut = text.slice(0, 123);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return `${cut}...`;
}

type AnyOptions = WsRouteOptions<unknown, string, WsSchema>;
type AnySocket = ServerWebSocket<WsData<unknown, unknown, unknown, unknown>>;

/** The socket handlers of one route: messages parsed and checked when the route has a message schema. */
function socketHandlers(options: AnyOptions, validate: PartValidator | null): WebSocketHandlers<WsData<unknown, unknown, unknown, unknown>> {
  const onMessage = options.message as ((ws: AnySocket, message: unknown, isBinary: boolean) => void | Promise<void>) | undefined;
  const handlers: WebSocketHandlers<WsData<unknown, unknown, unknown, unknown>> = {
    open: options.open as WebSocketHandlers<WsData<unknown, unknown, unknown, unknown>>['open'],
    drain: options.drain as WebSocketHandlers<WsData<unknown, unknown, unknown, unknown>>['drain'],
    close: options.close as WebSocketHandlers<WsData<unknown, unknown, unknown, unknown>>['close'],
  };
  if (validate === null) {
    if (onMessage !== undefined) handlers.message = onMessage;
    return handlers;
  }
  handlers.message = (ws, raw, isBinary) => {
    // 1003: "a type of data it cannot accept (e.g. text only, binary received)".
    if (isBinary) return ws.close(1003, 'This route takes JSON text messages, not binary');
    let value: unknown;
    try {
      value = parseJsonText(raw as string);
    } catch (error) {
      return ws.close(1007, closeReason((error as Error).message.replace('JSON body', 'JSON message')));
    }
    const issues = validate(value);
    if (issues !== null) return ws.close(1007, closeReason(`Invalid message: ${issues.map((i) => `${i.path === '' ? '(message)' : i.path} ${i.message}`).join('; ')}`));
    return onMessage?.(ws, value, false);
  };
  return handlers;
}

/** The client's first offered subprotocol that the route speaks, or undefined. */
function chooseProtocol(c: AnyContext, spoken: readonly string[] | undefined): string | undefined {
  if (spoken === undefined || spoken.length === 0) return undefined;
  const offered = c.req.headers.get('sec-websocket-protocol');
  if (offered === undefined) return undefined;
  return offered
    .split(',')
    .map((p) => p.trim())
    .find((p) => spoken.includes(p));
}

/** A JSON copy of a schema for the OpenAPI document (TypeBox's symbol keys left behind). */
function plain(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema)) as unknown;
}

const WS_OPTION_KEYS = new Set(['schema', 'protocols', 'open', 'message', 'drain', 'close']);

/**
 * The GET route app.ws registers: its handler upgrades, with the checked
 * params, query, headers, auth and locals on ws.data. The OpenAPI document
 * lists it as GET with a 101 response and `x-websocket` (message schema, subprotocols).
 */
export function webSocketRoute(path: string, options: AnyOptions, schemas: SchemaCompiler, site: string): RouteDefinition<unknown, string, WsSchema> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`wirecore/app: app.ws(${JSON.stringify(path)}, options) takes an options object (at ${site})`);
  for (const name of ['open', 'message', 'drain', 'close'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`wirecore/app: the ${name} handler of WS ${path} is not a function (at ${site})`);
  }
  const protocols = options.protocols;
  if (protocols !== undefined && (!Array.isArray(protocols) || protocols.some((p) => typeof p !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p)))) {
    throw new TypeError(`wirecore/app: the protocols of WS ${path} must be a list of subprotocol tokens (at ${site})`);
  }
  const { message: messageSchema, ...requestSchema } = options.schema ?? {};
  let validate: PartValidator | null = null;
  if (messageSchema !== undefined) {
    try {
      validate = schemas.validator('body', messageSchema);
    } catch (error) {
      throw new Error(`wirecore/app: invalid message schema for WS ${path} (at ${site}): ${(error as Error).message}`);
    }
  }
  const handlers = socketHandlers(options, validate);
  const routeOptions = Object.fromEntries(Object.entries(options).filter(([key]) => !WS_OPTION_KEYS.has(key)));
  const overlay = (options.openapi ?? {}) as Record<string, unknown>;
  const upgradeDoc = {
    responses: { 101: { description: 'Switching Protocols: the connection becomes a WebSocket' }, ...(overlay.responses as object | undefined) },
    'x-websocket': {
      ...(messageSchema === undefined ? {} : { message: plain(messageSchema) }),
      ...(protocols === undefined ? {} : { protocols: [...protocols] }),
      ...(overlay['x-websocket'] as object | undefined),
    },
  };
  return {
    ...routeOptions,
    method: 'GET',
    path,
    schema: requestSchema,
    openapi: { ...overlay, ...upgradeDoc },
    handler: (c): Written => {
      const data: WsData<unknown, unknown, unknown, unknown> = {
        params: c.params,
        query: c.query,
        headers: c.headers,
        auth: c.auth,
        locals: c.locals,
        state: c.state,
        requestId: c.requestId,
      };
      const headers: Array<[string, string]> = [];
      if (c.route.settings.exposeRequestId) headers.push([c.route.settings.requestIdHeader, c.requestId]);
      if (c.responseHeaders !== null) headers.push(...c.responseHeaders);
      return c.res.upgrade(data, { protocol: chooseProtocol(c, protocols), headers, handlers });
    },
  };
}
