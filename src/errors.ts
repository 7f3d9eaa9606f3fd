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
