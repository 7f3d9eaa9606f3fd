// The request body as a stream the handler pulls. Bytes are kept only while
// unread; past a high-water mark the connection stops reading the socket.
import secureJson from 'secure-json-parse';
import { WireError, describeValue } from '../errors.js';
import type { BodyLimit, RequestBody, WireHeaders } from '../types.js';
import { WireHeadersImpl } from './headers.js';

export const BODY_HIGH_WATER = 64 * 1024;

export interface BodyOwner {
  /** The handler started reading: time for 100 Continue if the client waits for it. */
  bodyRequested(): void;
  pauseReading(): void;
  resumeReading(): void;
}

const EMPTY_BYTES = new Uint8Array(0);

export class BodyStream implements RequestBody, AsyncIterator<Uint8Array> {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private failure: Error | null = null;
  private waiting: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: Error) => void } | null = null;
  private consumed = false;
  private requested = false;
  private discarding = false;
  private paused = false;
  /** Bytes received so far, read or not. */
  private received = 0;
  private trailerFields: string[] | null = null;

  constructor(
    private readonly owner: BodyOwner,
    readonly length: number,
    private readonly maxBodyBytes: number,
  ) {}

  get complete(): boolean {
    return this.ended;
  }

  /** Bytes still to arrive, or -1 when unknown (chunked). */
  get remaining(): number {
    if (this.ended) return 0;
    return this.length < 0 ? -1 : this.length - this.received;
  }

  get trailers(): WireHeaders | null {
    return this.trailerFields === null ? null : new WireHeadersImpl(this.trailerFields);
  }

  push(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.discarding) return;
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      waiting.resolve({ done: false, value: chunk });
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered >= BODY_HIGH_WATER && !this.paused) {
      this.paused = true;
      this.owner.pauseReading();
    }
  }

  end(trailers: string[] | null): void {
    this.ended = true;
    this.trailerFields = trailers;
    const waiting = this.waiting;
    if (waiting !== null && this.chunks.length === 0) {
      this.waiting = null;
      waiting.resolve({ done: true, value: undefined });
    }
  }

  fail(error: Error): void {
    if (this.ended || this.failure !== null) return;
    this.failure = error;
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      waiting.reject(error);
    }
  }

  /** Drops what is buffered and what is still to come. */
  discard(): void {
    this.discarding = true;
    this.chunks = [];
    this.buffered = 0;
    if (this.paused) {
      this.paused = false;
      this.owner.resumeReading();
    }
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (!this.requested) {
      this.requested = true;
      if (!this.ended) this.owner.bodyRequested();
    }
    if (this.chunks.length > 0) {
      const chunk = this.chunks.shift()!;
      this.buffered -= chunk.length;
      if (this.paused && this.buffered < BODY_HIGH_WATER / 2) {
        this.paused = false;
        this.owner.resumeReading();
      }
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.consumed) throw new TypeError('The request body was already consumed');
    this.consumed = true;
    return this;
  }

  async bytes(limit?: BodyLimit): Promise<Uint8Array> {
    const max = limitOf(limit, this.maxBodyBytes);
    if (this.length > max) throw tooLarge(max);
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this) {
      total += chunk.length;
      if (total > max) {
        this.discard();
        throw tooLarge(max);
      }
      parts.push(chunk);
    }
    if (parts.length === 0) return EMPTY_BYTES;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }

  async text(limit?: BodyLimit): Promise<string> {
    const bytes = await this.bytes(limit);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  async json<T = unknown>(limit?: BodyLimit): Promise<T> {
    const text = await this.text(limit);
    try {
      // secure-json-parse: a `__proto__` or `constructor.prototype` key, escaped or not, is refused like malformed text.
      return secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' }) as T;
    } catch (error) {
      if ((error as Error).message === 'Object contains forbidden prototype property') {
        throw new WireError(400, 'Request body has a forbidden "__proto__" or "constructor.prototype" key', { code: 'WIRE_ERR_INVALID_JSON' });
      }
      throw new WireError(400, 'Request body is not valid JSON', { code: 'WIRE_ERR_INVALID_JSON' });
    }
  }
}

function limitOf(limit: BodyLimit | undefined, fallback: number): number {
  const max = limit?.maxBytes;
  if (max === undefined) return fallback;
  if (!Number.isSafeInteger(max) || max < 0) throw new TypeError(`body limit: maxBytes must be a whole number of bytes, got ${describeValue(max)}`);
  return max;
}

function tooLarge(max: number): WireError {
  return new WireError(413, `Request body over ${max} bytes`, { code: 'WIRE_ERR_BODY_TOO_LARGE', close: true });
}

/** The body of a request that has none. */
export const EMPTY_BODY: RequestBody = {
  length: 0,
  trailers: null,
  bytes: () => Promise.resolve(EMPTY_BYTES),
  text: () => Promise.resolve(''),
  json: () => Promise.reject(new WireError(400, 'Request has no body', { code: 'WIRE_ERR_NO_BODY' })),
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
};
