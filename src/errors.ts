/** An error that carries the HTTP status the wire layer answers with. */
export class WireError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The request's framing is unusable: close the connection after answering. */
    readonly closeConnection = false,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** The peer went away while its request body was being read. */
export class PeerGoneError extends Error {
  readonly code = 'ECONNRESET';
  constructor() {
    super('The client closed the connection');
    this.name = 'PeerGoneError';
  }
}

/** A value for an error message: strings quoted, everything with its type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}
