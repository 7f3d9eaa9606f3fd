// The states every ResponseWriter goes through, and the checks between
// them, shared by the byte-stream writer and the self-framing one. Misuse
// throws a ResponseUsageError at the call, before anything is written, so a
// handler's mistake becomes a 500 and a log line, never a hung client.
import { ResponseUsageError, describeValue } from '../errors.js';
import type { ResponseBody, SendInit, StreamOptions } from '../types.js';
import { WrittenRecord } from './written.js';

export const IDLE = 0;
export const STREAMING = 1;
export const DONE = 2;

export function checkStatus(status: unknown): asserts status is number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new ResponseUsageError('WIRE_ERR_INVALID_STATUS', `Invalid response status: ${describeValue(status)}; use an integer from 100 to 599`);
  }
}

const BODY_TYPES = 'a string, a Uint8Array (Buffer), null or undefined';

/** A body the writer sends as it is; anything else (an object, a number) is a mistake named at the call. */
export function checkBody(body: unknown, call: string): asserts body is ResponseBody {
  if (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array) return;
  const hint = typeof body === 'object' ? ' (to send JSON, pass JSON.stringify(value) and a content-type)' : '';
  throw new ResponseUsageError('WIRE_ERR_INVALID_BODY', `${call}: the body must be ${BODY_TYPES}, got ${describeValue(body)}${hint}`);
}

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

  protected begin(status: unknown): asserts status is number {
    if (this.state !== IDLE) throw new ResponseUsageError('WIRE_ERR_RESPONSE_STATE', 'A response was already started for this request');
    checkStatus(status);
    this.record.status = status;
  }

  /** send(init) takes an object whose body is sendable. */
  protected checkInit(init: unknown): asserts init is SendInit {
    if (typeof init !== 'object' || init === null) {
      throw new ResponseUsageError('WIRE_ERR_INVALID_BODY', `send: expected { status, headers, body }, got ${describeValue(init)}`);
    }
    checkBody((init as SendInit).body, 'send');
  }

  /** The declared length of a stream, or -1 for none. */
  protected declaredLength(options: StreamOptions | undefined): number {
    const length = options?.length;
    if (length === undefined) return -1;
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new ResponseUsageError('WIRE_ERR_LENGTH_MISMATCH', `startChunked: options.length must be a whole number of bytes, got ${describeValue(length)}`);
    }
    return length;
  }

  /** A length-framed stream may not carry more than it declared. */
  protected checkOverrun(declared: number, written: number): void {
    if (declared >= 0 && written > declared) {
      throw new ResponseUsageError('WIRE_ERR_LENGTH_MISMATCH', `writeChunk: ${written} bytes written, more than the declared length of ${declared}`);
    }
  }

  /** Nor end before it has carried all of it. */
  protected checkShort(declared: number, written: number): void {
    if (declared >= 0 && written < declared) {
      throw new ResponseUsageError('WIRE_ERR_LENGTH_MISMATCH', `endChunked: ${written} bytes written, fewer than the declared length of ${declared}`);
    }
  }

  /** writeChunk and endChunked are for a started stream only, and take sendable data. */
  protected assertStreaming(call: 'writeChunk' | 'endChunked', data?: unknown): void {
    if (this.state !== STREAMING) {
      const why = this.state === IDLE ? `${call} before startChunked` : call === 'endChunked' ? 'endChunked called twice' : 'writeChunk after the response ended';
      throw new ResponseUsageError('WIRE_ERR_RESPONSE_STATE', why);
    }
    if (call === 'writeChunk' && typeof data !== 'string' && !(data instanceof Uint8Array)) {
      throw new ResponseUsageError('WIRE_ERR_INVALID_BODY', `writeChunk: the chunk must be a string or a Uint8Array (Buffer), got ${describeValue(data)}`);
    }
  }
}
