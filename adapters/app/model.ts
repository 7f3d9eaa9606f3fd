// The types the route, the context, security, CORS and the answer writer
// share, in one module that imports none of them back: what a route is to a
// generator (RouteInfo), who a request is (AuthInfo), and the policies an
// answer is written with.
import type { WireRequest } from 'wirecore';
import type { CompressionPolicy } from './compress.js';
import type { CookieSigner } from './cookies.js';
import type { AppLogger } from './logger.js';
import type { TrustFn } from './proxy.js';
import type { RouteSchema } from './types.js';

/** OpenAPI operation metadata carried by a route. */
export interface RouteMeta {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: readonly string[];
  /** OpenAPI security requirements: `[{ bearer: [] }]`. */
  security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
  deprecated?: boolean;
  /** Left out of the OpenAPI document (health probes, metrics, the document itself). */
  hidden?: boolean;
  /**
   * OpenAPI operation fields the schemas do not say, merged into the generated
   * operation: `parameters` entries matched by `in` and `name` (description,
   * style, examples…), `requestBody` and `responses` merged by media type and
   * status (descriptions, headers, examples, more content), any other field as is.
   */
  openapi?: Readonly<Record<string, unknown>>;
}

/** A registered route as generators see it. */
export interface RouteInfo extends RouteMeta {
  readonly method: string;
  /** The full path in router syntax (":id", ":id(^\\d+)", "*"). */
  readonly path: string;
  readonly schema: RouteSchema;
  /** Media types its body may have ([] when it reads no body or reads it raw). */
  readonly consumes: readonly string[];
  /** The media types an OpenAPI document lists for its body schema: `consumes` when declared, else application/json. */
  readonly requestTypes: readonly string[];
  /** Whether a body is required (a body schema makes it required unless `bodyRequired: false`). */
  readonly bodyRequired: boolean;
  /** The OpenAPI path template when the route came from one ("/pets/{petId}"). */
  readonly openapiPath?: string;
}

/** What a streamed, serialized or raw answer is just before it is written. */
export type Payload = string | Uint8Array | AsyncIterable<string | Uint8Array> | null;

/**
 * The verified identity of a request: a JWT's claims, what a verify function
 * returned, `{ username }` from a basic `users` list, `{ key: index }` from an
 * API key list. Name its fields by declaration merging, for what your schemes
 * produce: `declare module 'wirecore/app' { interface Principal { sub: string; role: 'admin' | 'user' } }`.
 */
export interface Principal {
  [claim: string]: unknown;
}

/** Who a request was authenticated as, and by which scheme. */
export interface AuthInfo {
  readonly scheme: string;
  readonly principal: Principal;
  readonly scopes: readonly string[];
}

/** OpenAPI security requirements: alternatives, each a set of schemes with the scopes they need. */
export type SecurityRequirements = ReadonlyArray<Readonly<Record<string, readonly string[]>>>;

export interface CorsPolicy {
  /** The Access-Control-* headers for an actual answer (none when the origin is not allowed). */
  headers(c: AnswerContext, out: Array<[string, string]>): void;
  /** Whether the answer varies by Origin (so caches must key on it). */
  readonly varies: boolean;
  /** The headers of a preflight answer for `allowed` methods, or null when the origin is not allowed. */
  preflight(c: AnswerContext, allowed: readonly string[]): Array<[string, string]> | null;
}

/** What the writer adds to a route's answers: CORS headers, compression. Null on a route with neither. */
export interface RouteFeatures {
  readonly cors: CorsPolicy | null;
  readonly compression: CompressionPolicy | null;
}


/** What the answer writer and the CORS policy read from a request's context (the Context class has it all). */
export interface AnswerContext {
  readonly req: WireRequest;
  /** Response headers set by c.header(), in order. */
  readonly responseHeaders: ReadonlyArray<[string, string]> | null;
  readonly requestId: string;
}

/** The settings of the app a route belongs to that a request's context reads. */
export interface ContextSettings {
  readonly logger: AppLogger;
  readonly requestIdHeader: string;
  /** Echo the request id on every response. */
  readonly exposeRequestId: boolean;
  readonly cookieSigner: CookieSigner | null;
  /** Which peers' X-Forwarded-* headers are believed (null: none). */
  readonly trust: TrustFn | null;
  /** Served over TLS (c.protocol is then "https" without a trusted proxy saying otherwise). */
  readonly secure: boolean;
}

/** The route a context serves, as the context and the answer writer see it (a compiled route is one). */
export interface ContextRoute extends RouteInfo {
  /** The state given to createApp (of the app the route was registered on). */
  readonly state: unknown;
  readonly settings: ContextSettings;
  /** CORS and compression for its answers (null: neither). */
  readonly features: RouteFeatures | null;
}
