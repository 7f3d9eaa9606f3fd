// wirecore/app: an application framework on the wire layer's public door
// (serveGeneric, ResponseWriter, Written): a radix router, TypeBox schemas
// driving validation, serialization and types, onion middleware, hooks,
// typed errors, and listen / inject / fetch entry points.
export { createApp, App, Group, type AppOptions, type GroupOptions, type MethodRegistrar } from './app.js';
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
export type { BodyOf, HeadersOf, ParamsOf, PathParams, QueryOf, ResponsesOf, RouteSchema, SuccessBody } from './types.js';
// The wire types a raw handler meets.
export type { ResponseWriter, WireRequest, Written } from 'wirecore';
// One install: the schema builder whose schemas drive validation, serialization and types.
export { Type, type Static, type TSchema } from '@sinclair/typebox';
