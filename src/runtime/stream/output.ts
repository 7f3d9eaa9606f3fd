// A connection's outgoing bytes. Writes collect into one batch and leave in
// one socket write: while one read is handled, until its end; otherwise
// (async answers, streams) until the current tick's promise chain has run,
// as node:http's cork does. A socket that pushed back gets writes at once,
// so writers keep seeing its backpressure.
import type { Transport } from '../transport.js';

/** Past this many bytes a batch goes out at once. */
const BATCH_LIMIT = 16 * 1024;

/** Bytes up to this size join the batch's text (copied as latin1, which writes back byte for byte). */
const SMALL_BYTES = 1024;
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

function flushDeferred(output: Output): void {
  output.endDeferredBatch();
}

/** Told when a batch deferred to the end of the tick has gone out and nothing is left. */
export interface OutputOwner {
  outputIdle(): void;
}

export class Output {
  /** Writes join the batch instead of going out (a read is being handled, or a flush is scheduled). */
  private batching = false;
  private flushScheduled = false;
  /** The last write was refused (over the high-water mark) and no drain has come since. */
  private congested = false;
  private directCorks = 0;
  private batchText = '';
  private batchParts: Array<string | Uint8Array> | null = null;
  private batchBytes = 0;
  private drainWaiters: Array<() => void> | null = null;
  /** The transport is gone: writes are dropped. */
  closed = false;

  constructor(
    private transport: Transport,
    private owner: OutputOwner | null,
  ) {}

  /** Nothing batched, scheduled, refused or awaited: another connection may take it over. */
  get idle(): boolean {
    return !this.batching && !this.flushScheduled && !this.congested && this.directCorks === 0 && this.batchText === '' && this.batchParts === null && this.drainWaiters === null && !this.closed;
  }

  /** Writes to `transport` for `owner` from now on (an idle output changing connections). */
  attach(transport: Transport, owner: OutputOwner | null): void {
    this.transport = transport;
    this.owner = owner;
  }

  /** A read is being handled: its answers join one batch until endRead(). */
  beginRead(): void {
    this.batching = true;
  }

  endRead(): void {
    this.batching = false;
    this.flush();
  }

  /**
   * Strings are joined into one write (cheaper than a writev of many); past
   * BATCH_LIMIT the batch goes out at once. Returns like transport.write().
   */
  write(data: string | Uint8Array): boolean {
    if (!this.batching) {
      if (this.congested) {
        const ok = this.transport.write(data);
        this.congested = !ok;
        return ok;
      }
      this.batching = true;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        process.nextTick(flushDeferred, this);
      }
    }
    if (typeof data === 'string') {
      this.batchText += data;
      this.batchBytes += data.length;
    } else if (data.byteLength <= SMALL_BYTES) {
      // As latin1 text it joins the batch's string: one write, where a part of its own would make a writev.
      this.batchText += latin1Slice.call(data, 0, data.byteLength);
      this.batchBytes += data.byteLength;
    } else {
      const parts = (this.batchParts ??= []);
      if (this.batchText !== '') parts.push(this.batchText);
      this.batchText = '';
      parts.push(data);
      this.batchBytes += data.byteLength;
    }
    return this.batchBytes < BATCH_LIMIT || this.flush();
  }

  /** The deferred batch's turn (process.nextTick). */
  endDeferredBatch(): void {
    this.flushScheduled = false;
    this.batching = false;
    this.flush();
    if (this.owner !== null && this.idle) this.owner.outputIdle();
  }

  /** Writes what the batch holds (drops it once the transport is gone); returns like transport.write(). */
  flush(): boolean {
    const parts = this.batchParts;
    const text = this.batchText;
    this.batchParts = null;
    this.batchText = '';
    this.batchBytes = 0;
    if (this.closed) return true;
    let ok = true;
    if (parts === null) {
      if (text !== '') ok = this.transport.write(text);
    } else {
      if (text !== '') parts.push(text);
      this.transport.cork();
      for (const data of parts) ok = this.transport.write(data);
      this.transport.uncork();
    }
    // The peer is slow: the rest goes straight out, so writers see backpressure.
    if (!ok) {
      this.batching = false;
      this.congested = true;
    }
    return ok;
  }

  /** Head and body written together: a batch holds them together; only writes that go straight out cork the socket. */
  cork(): void {
    if (this.batching || !this.congested) return;
    this.transport.cork();
    this.directCorks++;
  }

  uncork(): void {
    if (this.directCorks === 0) return;
    this.directCorks--;
    this.transport.uncork();
  }

  /** The transport drained (or is gone): wake the writers waiting for room. */
  drained(): void {
    this.congested = false;
    const waiters = this.drainWaiters;
    if (waiters === null) return;
    this.drainWaiters = null;
    for (const resolve of waiters) resolve();
  }

  waitDrain(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }
}
