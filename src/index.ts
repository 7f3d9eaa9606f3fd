// wirecore: the public entry point.
export { serveGeneric, type WorkersServeOptions } from './serve.js';
export { createStatic } from './writer/static.js';
export { redirectLocation, type RedirectOptions } from './writer/redirect.js';
export { SERVE_OPTION_NAMES, checkOptionNames } from './options.js';
export { ERROR_CODES, HeaderError, OptionError, PeerGoneError, ResponseUsageError, WireError, type WireErrorCode, type WireErrorOptions } from './errors.js';
export { toFetchHandler, type FetchHandlerOptions, type FetchPeer } from './runtime/fetch.js';
export type {
  AccessLogOptions,
  AccessLogger,
  BodyLimit,
  DispatchFn,
  HeaderValue,
  Logger,
  OtelMeterProvider,
  OtelTracerProvider,
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
  TracingOptions,
  WireHeaders,
  WireRequest,
  Written,
} from './types.js';
