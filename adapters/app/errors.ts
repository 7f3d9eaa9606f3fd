// Typed HTTP errors and their RFC 9457 problem details.
import { STATUS_CODES } from 'node:http';
import { WireError } from 'wirecore';

/** One failing value of a validated request part. */
export interface ValidationIssue {
  /** The request part: "params", "query", "headers", "cookies" or "body". */
  in: 'params' | 'query' | 'headers' | 'cookies' | 'body';
  /** JSON Pointer (RFC 6901) into that part; "" is the part itself. */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed. */
  keyword: string;
}

/** An RFC 9457 problem details object. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export interface HttpErrorOptions {
  /** Response headers sent with the problem (e.g. WWW-Authenticate). */
  headers?: Record<string, string>;
  /** A URI naming the problem type; default "about:blank". */
  type?: string;
  /** Extra members of the problem object. */
  extensions?: Record<string, unknown>;
  /** Whether `message` may reach the client; default: status < 500. */
  expose?: boolean;
  cause?: unknown;
}

/** Throw one to answer with its status and a problem+json body. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string> | undefined;
  readonly type: string;
  readonly extensions: Record<string, unknown> | undefined;
  readonly expose: boolean;

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`HttpError status must be 400-599, got ${status}`);
    super(message ?? STATUS_CODES[status] ?? 'Error', options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.headers = options.headers;
    this.type = options.type ?? 'about:blank';
    this.extensions = options.extensions;
    this.expose = options.expose ?? status < 500;
  }

  /** The problem body for this error (detail only when exposed). */
  toProblem(instance?: string): ProblemDetails {
    const problem: ProblemDetails = { type: this.type, title: STATUS_CODES[this.status] ?? 'Error', status: this.status };
    if (this.expose && this.message !== problem.title) problem.detail = this.message;
    if (instance !== undefined) problem.instance = instance;
    if (this.extensions !== undefined) Object.assign(problem, this.extensions);
    return problem;
  }
}

type Options = HttpErrorOptions;

export class BadRequest extends HttpError {
  constructor(message?: string, options?: Options) {
    super(400, message, options);
  }
}
export class Unauthorized extends HttpError {
  constructor(message?: string, options?: Options) {
    super(401, message, options);
  }
}
export class Forbidden extends HttpError {
  constructor(message?: string, options?: Options) {
    super(403, message, options);
  }
}
export class NotFound extends HttpError {
  constructor(message?: string, options?: Options) {
    super(404, message, options);
  }
}
export class MethodNotAllowed extends HttpError {
  /** `allow` becomes the Allow header the status requires (RFC 9110 §15.5.6). */
  constructor(
    readonly allow: readonly string[],
    message?: string,
    options: Options = {},
  ) {
    super(405, message, { ...options, headers: { ...options.headers, allow: allow.join(', ') } });
  }
}
export class Conflict extends HttpError {
  constructor(message?: string, options?: Options) {
    super(409, message, options);
  }
}
export class PayloadTooLarge extends HttpError {
  constructor(message?: string, options?: Options) {
    super(413, message, options);
  }
}
export class UnsupportedMediaType extends HttpError {
  constructor(message?: string, options?: Options) {
    super(415, message, options);
  }
}
export class UnprocessableEntity extends HttpError {
  constructor(message?: string, options?: Options) {
    super(422, message, options);
  }
}
export class TooManyRequests extends HttpError {
  /** `retryAfterSeconds` becomes the Retry-After header. */
  constructor(message?: string, options: Options & { retryAfterSeconds?: number } = {}) {
    const headers = options.retryAfterSeconds === undefined ? options.headers : { ...options.headers, 'retry-after': String(options.retryAfterSeconds) };
    super(429, message, { ...options, headers });
  }
}
export class InternalServerError extends HttpError {
  constructor(message?: string, options?: Options) {
    super(500, message, options);
  }
}
export class NotImplemented extends HttpError {
  constructor(message?: string, options?: Options) {
    super(501, message, options);
  }
}
export class ServiceUnavailable extends HttpError {
  constructor(message?: string, options?: Options) {
    super(503, message, options);
  }
}

/** 400 for a request that fails its route's schemas: names every failing path. */
export class ValidationError extends BadRequest {
  constructor(readonly issues: ValidationIssue[]) {
    const list = issues.map((i) => `${i.in}${i.path} ${i.message}`).join('; ');
    super(`Request validation failed: ${list}`, { extensions: { errors: issues } });
    this.name = 'ValidationError';
  }
}

/** Anything thrown, as the HttpError it answers with (unknown throws: a 500 that exposes nothing). */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  // The wire layer's body helpers throw these (400, 408, 413 …); one whose framing is unusable closes the connection.
  if (error instanceof WireError && error.status >= 400 && error.status <= 599) {
    const extensions = error.status < 500 && error.code !== 'WIRE_ERR_HTTP' ? { code: error.code } : undefined;
    return new HttpError(error.status, error.message, { cause: error, extensions, headers: error.closeConnection ? { connection: 'close' } : undefined });
  }
  return new HttpError(500, 'Internal Server Error', { cause: error, expose: false });
}
