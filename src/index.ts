// wirecore: the public entry point.
export { serveGeneric } from './serve.js';
export { createStatic } from './writer/static.js';
export { redirectLocation, type RedirectOptions } from './writer/redirect.js';
export { SERVE_OPTION_NAMES, checkOptionNames } from './options.js';
export { ERROR_CODES, HeaderError, OptionError, PeerGoneError, ResponseUsageError, WireError, type WireErrorCode, type WireErrorOptions } from './errors.js';
export { toFetchHandler, type FetchHandlerOptions, type FetchPeer } from './runtime/fetch.js';
export { offeredProtocols } from './websocket/handshake.js';
export { redisPubSub, type RedisPubSubOptions } from './websocket/redis.js';
export type { PubSubAdapter, SendOptions, SendStatus, ServerWebSocket, UpgradeOptions, WebSocketData, WebSocketHandlers, WebSocketOptions } from './websocket/types.js';
export type {
  BodyLimit,
  DispatchFn,
  HeaderValue,
  Logger,
  Outcome,
  RequestBody,
  ResponseBody,
  ResponseHeaders,
  ResponseWriter,
  RuntimeName,
  SendInit,
  ServeOptions,
  Server,
  ServerStats,
  StaticOptions,
  StaticResponse,
  StreamOptions,
  TlsOptions,
  WireHeaders,
  WireRequest,
  Written,
} from './types.js';
