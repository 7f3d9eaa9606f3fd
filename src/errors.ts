// The error catalogue: every error wirecore raises has a stable code, and
// the ones that become answers carry their status. Classes are branded with
// a registered symbol, so `instanceof` holds across two loaded copies of the
// package (an app and a library each bundling wirecore).

/** Stable codes, with the status an error of that code answers with (null: raised at start-up, never answered). */
export const ERROR_CODES = {
  /** A WireError thrown by a handler with a status of its own choosing. */
  WIRE_ERR_HTTP: 500,
  WIRE_ERR_BAD_REQUEST: 400,
  WIRE_ERR_INVALID_JSON: 400,
  WIRE_ERR_NO_BODY: 400,
  WIRE_ERR_TIMEOUT: 408,
  WIRE_ERR_BODY_TOO_LARGE: 413,
  WIRE_ERR_URI_TOO_LONG: 414,
  WIRE_ERR_LENGTH_REQUIRED: 411,
  WIRE_ERR_EXPECTATION: 417,
  WIRE_ERR_HEADERS_TOO_LARGE: 431,
  WIRE_ERR_NOT_IMPLEMENTED: 501,
  WIRE_ERR_VERSION: 505,
  /** The client left while its request was read: nothing more can be said to it. */
  WIRE_ERR_PEER_GONE: 400,
  /** A response header name or value that would break the response. */
  WIRE_ERR_INVALID_HEADER: 500,
  /** A response body of a type the writer does not send. */
  WIRE_ERR_INVALID_BODY: 500,
  /** A status outside 100–599. */
  WIRE_ERR_INVALID_STATUS: 500,
  /** The writer used out of order (started twice, written after the end …). */
  WIRE_ERR_RESPONSE_STATE: 500,
  /** A stream that did not carry the length it declared. */
  WIRE_ERR_LENGTH_MISMATCH: 500,
  /** A serveGeneric option (or a runtime's requirement) refused at start-up: no answer, the server does not start. */
  WIRE_ERR_INVALID_OPTION: null,
} as const;

export type WireErrorCode = keyof typeof ERROR_CODES;

const KINDS = Symbol.for('wirecore.error.kinds');

type Branded = { [KINDS]?: readonly string[] };

function brand(error: Error, kinds: readonly string[]): void {
  Object.defineProperty(error, KINDS, { value: kinds, enumerable: false, configurable: true });
}

function hasKind(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && ((value as Branded)[KINDS]?.includes(kind) ?? false);
}

export interface WireErrorOptions {
  code?: WireErrorCode;
  /** The request's framing is unusable: close the connection after answering. */
  close?: boolean;
  cause?: unknown;
}

/** An error that carries the HTTP status the wire layer answers with. */
export class WireError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'WireError');
  }

  readonly status: number;
  readonly code: WireErrorCode;
  readonly closeConnection: boolean;

  constructor(status: number, message: string, options: WireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WireError';
    this.status = status;
    this.code = options.code ?? 'WIRE_ERR_HTTP';
    this.closeConnection = options.close ?? false;
    brand(this, ['WireError']);
  }
}

/** A response header that would break the response (invalid name, CR/LF in a value). */
export class HeaderError extends WireError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'HeaderError');
  }

  constructor(message: string) {
    super(500, message, { code: 'WIRE_ERR_INVALID_HEADER' });
    this.name = 'HeaderError';
    brand(this, ['WireError', 'HeaderError']);
  }
}

/** The peer went away while its request body was being read. */
export class PeerGoneError extends WireError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'PeerGoneError');
  }

  readonly errno = 'ECONNRESET';

  constructor() {
    super(400, 'The client closed the connection', { code: 'WIRE_ERR_PEER_GONE' });
    this.name = 'PeerGoneError';
    brand(this, ['WireError', 'PeerGoneError']);
  }
}

/** The ResponseWriter used in a way it cannot honour: a wrong body type, a bad status, out of order. */
export class ResponseUsageError extends TypeError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'ResponseUsageError');
  }

  readonly code: WireErrorCode;

  constructor(code: 'WIRE_ERR_INVALID_BODY' | 'WIRE_ERR_INVALID_STATUS' | 'WIRE_ERR_RESPONSE_STATE' | 'WIRE_ERR_LENGTH_MISMATCH', message: string) {
    super(message);
    this.name = 'ResponseUsageError';
    this.code = code;
    brand(this, ['ResponseUsageError']);
  }
}

/** An option serveGeneric (or a runtime) refuses at start-up. */
export class OptionError extends TypeError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'OptionError');
  }

  readonly code = 'WIRE_ERR_INVALID_OPTION' as const;

  constructor(message: string) {
    super(`wirecore: ${message}`);
    this.name = 'OptionError';
    brand(this, ['OptionError']);
  }
}

/** A value for an error message: strings quoted, everything with its type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  if (typeof value === 'function') return 'a function';
  return `the ${typeof value} ${String(value)}`;
}

/** The code of a refusal the wire layer answers itself, by its status. */
export function codeForStatus(status: number): WireErrorCode {
  switch (status) {
    case 400:
      return 'WIRE_ERR_BAD_REQUEST';
    case 408:
      return 'WIRE_ERR_TIMEOUT';
    case 413:
      return 'WIRE_ERR_BODY_TOO_LARGE';
    case 411:
      return 'WIRE_ERR_LENGTH_REQUIRED';
    case 414:
      return 'WIRE_ERR_URI_TOO_LONG';
    case 417:
      return 'WIRE_ERR_EXPECTATION';
    case 431:
      return 'WIRE_ERR_HEADERS_TOO_LARGE';
    case 501:
      return 'WIRE_ERR_NOT_IMPLEMENTED';
    case 505:
      return 'WIRE_ERR_VERSION';
    default:
      return 'WIRE_ERR_HTTP';
  }
}
