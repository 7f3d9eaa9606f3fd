// What a byte-stream connection is waiting for, and until when. One kind at
// a time; the server's ticker calls the connection once it has passed.
import type { ResolvedOptions } from '../../options.js';

export const DEADLINE_NONE = 0;
/** Between requests on a kept connection: keepAliveTimeoutMs, then close. */
export const DEADLINE_IDLE = 1;
/** From a request's first byte to the end of its head: headersTimeoutMs, then 408. */
export const DEADLINE_HEADERS = 2;
/** From the end of a head to the end of its body: requestTimeoutMs, then 408. */
export const DEADLINE_BODY = 3;
/** A closing connection keeps reading (and dropping) this long, so the peer gets a FIN and not a reset. */
export const DEADLINE_LINGER = 4;

/** How long a closing connection keeps reading and dropping what the peer still sends (every runtime that can). */
export const LINGER_MS = 2000;

/** Epoch ms at which a deadline of `kind` set at `now` passes; 0 for none. */
export function deadlineAt(kind: number, now: number, options: ResolvedOptions<unknown>): number {
  switch (kind) {
    case DEADLINE_IDLE:
      return now + options.keepAliveTimeoutMs;
    case DEADLINE_HEADERS:
      return now + options.headersTimeoutMs;
    case DEADLINE_BODY:
      return now + options.requestTimeoutMs;
    case DEADLINE_LINGER:
      return now + LINGER_MS;
    default:
      return 0;
  }
}
