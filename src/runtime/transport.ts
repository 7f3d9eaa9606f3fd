import type { Duplex } from 'node:stream';
// What the connection state machine needs from a byte stream. A runtime
// (node:net, node:tls, in-memory, …) implements this and nothing more.

export interface Transport {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The stream is TLS. */
  readonly secure?: boolean;
  /** Strings are written as latin1. Returns false when the caller should wait for onDrain. */
  write(data: string | Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  /** Flushes what was written, then half-closes. */
  end(): void;
  /** Closes at once. */
  destroy(): void;
  pause(): void;
  resume(): void;
  /** Optional: told when nothing is being read or answered any more. */
  idle?(): void;
  /**
   * Optional: the connection leaves HTTP (a 101): stop delivering events and
   * give the byte stream to its new owner. A transport without it (memory)
   * ends the connection after the 101 instead.
   */
  takeOver?(): Duplex;
}

/** The connection's side: the runtime calls these. */
export interface TransportEvents {
  onData(chunk: Buffer): void;
  onDrain(): void;
  /** The peer sent FIN: like Node's http server, taken as the client leaving. */
  onEnd(): void;
  /** The stream is gone (either side). */
  onClose(): void;
}
