// The states every ResponseWriter goes through, and the checks between
// them, shared by the byte-stream writer and the self-framing runtimes.
import { describeValue } from '../errors.js';
import type { StreamOptions } from '../types.js';
import { checkStatus } from './head.js';
import { WrittenRecord } from './written.js';

export const IDLE = 0;
export const STREAMING = 1;
export const DONE = 2;

export abstract class WriterLifecycle {
  protected state = IDLE;
  readonly record: WrittenRecord;

  /** `timed`: someone listens to onResponse, so the clock is read. */
  constructor(timed: boolean) {
    this.record = new WrittenRecord(timed);
  }

  abstract get aborted(): boolean;

  get headersSent(): boolean {
    return this.state !== IDLE;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  protected begin(status: number): void {
    if (this.state !== IDLE) throw new Error('A response was already started for this request');
    checkStatus(status);
    this.record.status = status;
  }

  /** The declared length of a stream, or -1 for none. */
  protected declaredLength(options: StreamOptions | undefined): number {
    const length = options?.length;
    if (length === undefined) return -1;
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`startChunked: options.length must be a whole number of bytes, got ${describeValue(length)}`);
    }
    return length;
  }

  /** A length-framed stream may not carry more than it declared. */
  protected checkOverrun(declared: number, written: number): void {
    if (declared >= 0 && written > declared) {
      throw new RangeError(`writeChunk: ${written} bytes written, more than the declared length of ${declared}`);
    }
  }

  /** Nor end before it has carried all of it. */
  protected checkShort(declared: number, written: number): void {
    if (declared >= 0 && written < declared) {
      throw new RangeError(`endChunked: ${written} bytes written, fewer than the declared length of ${declared}`);
    }
  }

  /** writeChunk and endChunked are for a started stream only. */
  protected assertStreaming(call: 'writeChunk' | 'endChunked'): void {
    if (this.state === STREAMING) return;
    if (this.state === IDLE) throw new Error(`${call} before startChunked`);
    throw new Error(call === 'endChunked' ? 'endChunked called twice' : 'writeChunk after the response ended');
  }
}

