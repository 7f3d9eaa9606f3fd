// wirecore/app: an application framework on the wire layer's public door
// (serveGeneric, ResponseWriter, Written): a radix router, TypeBox schemas
// driving validation, serialization, types and OpenAPI (both ways), onion
// middleware, hooks, typed errors, security schemes, SSE, CORS, cookies,
// compression, health and metrics, and listen / inject / fetch entry points.
export { createApp, App, Group, type AppOptions, type GroupOptions, type HealthOptions, type MethodRegistrar, type OpenApiServeOptions } from './app.js';
export { fromSpec, SpecApp, type SpecHandler, type SpecOptions } from './spec/app.js';
export { generateDocument, type DocumentExtras, type OpenApiDocument, type OpenApiInfo } from './openapi.js';
export {
  SecurityRegistry,
  type ApiKeySchemeConfig,
  type AuthInfo,
  type BasicSchemeConfig,
  type BearerSchemeConfig,
  type JwtOptions,
  type OAuthSchemeConfig,
  type Principal,
  type SchemeVerification,
  type SecurityRequirements,
  type SecuritySchemeConfig,
  type Verified,
} from './security/index.js';
export { parseCookies, serializeCookie, CookieSigner, MAX_COOKIE_BYTES, type CookieOptions, type CookieSettings } from './cookies.js';
export type { CorsOptions } from './cors.js';
export { parseAcceptEncoding, type CompressionOptions, type Encoding } from './compress.js';
export type { TrustProxy } from 'wirecore';
export { formatEvent, type SseEvent, type SseOptions } from './sse.js';
export type { AppWebSocket, MessageOf, WsData, WsRouteOptions, WsSchema } from './ws.js';
export { MetricsRegistry, PROMETHEUS_TYPE, type MetricsOptions, type PromRegistry } from './metrics.js';
export { Context, type Locals, type Replied, type HeaderInput } from './context.js';
export {
  HttpError,
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  MethodNotAllowed,
  Conflict,
  PayloadTooLarge,
  UnsupportedMediaType,
  UnprocessableEntity,
  TooManyRequests,
  InternalServerError,
  NotImplemented,
  ServiceUnavailable,
  ValidationError,
  toHttpError,
  type HttpErrorOptions,
  type ProblemDetails,
  type ValidationIssue,
} from './errors.js';
export { jsonLogger, type AppLogger, type LogLevel } from './logger.js';
export { BodyParsers, parseJsonText, type BodyParser } from './body.js';
export type { RouterOptions } from './compile.js';
export type { SchemaOptions } from './schema.js';
export { AppHost, RouteTable } from './table.js';
export type {
  AnyContext,
  ErrorHandler,
  Handler,
  HandlerResult,
  HookFunctions,
  HookName,
  HookOptions,
  Middleware,
  Payload,
  RouteContext,
  RouteDefinition,
  RouteInfo,
  RouteMeta,
  RouteOptions,
} from './route.js';
export type { BareReturn, BodyOf, CookiesOf, HeadersOf, ParamsOf, PathParams, QueryOf, ResponsesOf, RouteSchema, SuccessBody } from './types.js';
// The wire types a raw handler meets.
export type { RedirectOptions, ResponseWriter, WireRequest, Written } from 'wirecore';
// One install: the schema builder whose schemas drive validation, serialization and types.
export { Type, type Static, type TSchema } from '@sinclair/typebox';
