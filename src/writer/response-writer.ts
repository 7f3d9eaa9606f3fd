// The ResponseWriter of the byte-stream runtimes (net, memory): it owns
// framing and hands bytes, in order, to the exchange it answers.
import type { ResponseHeaders, ResponseWriter, SendInit, StaticResponse, StreamOptions, Written } from '../types.js';
import type { UpgradeOptions } from '../websocket/types.js';
import { AS_LINES, NO_HEADERS, normalizeHeaders } from './headers.js';
import { CONN_CLOSE, FRAME_CHUNKED, FRAME_CLOSE, FRAME_LENGTH, FRAME_NONE, serializeHead, statusHasNoBody } from './head.js';
import { DONE, STREAMING, WriterLifecycle } from './lifecycle.js';
import { StaticResponseImpl } from './static.js';
import type { WrittenRecord } from './written.js';

/** The side of an exchange that a writer writes into. */
export interface WriteTarget {
  readonly isHead: boolean;
  readonly method: string;
  /** The request's header fields as received, for conditional static answers. */
  readonly requestHeaders: readonly string[];
  readonly versionMinor: number;
  /** The peer is gone: writes are dropped. */
  readonly gone: boolean;
  /** Strings are written as latin1. Returns false when the caller should wait for drain(). */
  write(data: string | Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  drain(): Promise<void>;
  /** Decides keep-alive for this response and returns the CONN_* to announce. */
  connectionFor(mustClose: boolean): number;
  finished(record: WrittenRecord): void;
  /** Flushes what was written, then closes the connection. */
  destroy(): void;
  /** res.upgrade(): judged by the exchange, which answers through switchProtocols() or send(). */
  upgrade(data: unknown, options: UpgradeOptions<unknown> | undefined): Written;
}

export function isAsciiString(s: string): boolean {
  return Buffer.byteLength(s, 'utf8') === s.length;
}

/** A body as something write() takes: ASCII strings stay strings, the rest become bytes. */
function toWireBody(body: string | Uint8Array): string | Uint8Array {
  if (typeof body !== 'string') return body;
  return isAsciiString(body) ? body : Buffer.from(body, 'utf8');
}

export class ResponseWriterImpl extends WriterLifecycle implements ResponseWriter {
  private frame = FRAME_LENGTH;
  /** A streamed body's declared length, or -1. */
  private declared = -1;

  constructor(
    private readonly target: WriteTarget,
    timed: boolean,
  ) {
    super(timed);
  }

  get aborted(): boolean {
    return this.target.gone;
  }

  send(init: SendInit): Written {
    this.checkInit(init);
    const status = init.status ?? 200;
    this.begin(status);
    const headers = normalizeHeaders(init.headers, AS_LINES);
    const target = this.target;
    const noBody = statusHasNoBody(status);
    const body = noBody || init.body == null ? '' : toWireBody(init.body);
    const length = typeof body === 'string' ? body.length : body.byteLength;
    const head = serializeHead(status, headers, noBody ? FRAME_NONE : FRAME_LENGTH, length, target.connectionFor(headers.close || status < 200));
    this.state = DONE;
    if (!target.gone) {
      if (target.isHead || length === 0) target.write(head);
      else if (typeof body === 'string' && !headers.nonAscii) target.write(head + body);
      else {
        target.cork();
        target.write(head);
        target.write(body);
        target.uncork();
      }
    }
    return this.complete(head.length, target.isHead ? 0 : length);
  }

  sendStatic(response: StaticResponse): Written {
    if (!(response instanceof StaticResponseImpl)) throw new TypeError('sendStatic takes a response made by createStatic()');
    const target = this.target;
    const form = response.formFor(target.method, target.requestHeaders);
    this.begin(form.status);
    const variant = form.variants[target.connectionFor(false)]!;
    const bytes = target.isHead ? variant.bytes.subarray(0, variant.headLength) : variant.bytes;
    this.state = DONE;
    if (!target.gone) target.write(bytes);
    return this.complete(variant.headLength, bytes.length - variant.headLength);
  }

  startChunked(status: number, headers?: ResponseHeaders, options?: StreamOptions): void {
    this.begin(status);
    const normalized = headers === undefined ? NO_HEADERS : normalizeHeaders(headers, AS_LINES);
    const declared = this.declaredLength(options);
    const target = this.target;
    const noBody = statusHasNoBody(status);
    this.frame = noBody ? FRAME_NONE : declared >= 0 ? FRAME_LENGTH : target.versionMinor === 0 ? FRAME_CLOSE : FRAME_CHUNKED;
    this.declared = noBody ? -1 : declared;
    const connection = target.connectionFor(normalized.close || this.frame === FRAME_CLOSE || status < 200);
    const head = serializeHead(status, normalized, this.frame, declared, connection);
    if (connection !== CONN_CLOSE && this.frame === FRAME_CLOSE) throw new Error('unreachable: close-delimited body on a kept connection');
    this.state = STREAMING;
    this.record.headerBytes = head.length;
    if (!target.gone) {
      target.write(head);
      this.record.firstByte();
    }
    if (target.isHead) {
      this.frame = FRAME_NONE;
      this.declared = -1;
    }
  }

  writeChunk(data: string | Uint8Array): true | Promise<void> {
    this.assertStreaming('writeChunk', data);
    const target = this.target;
    if (target.gone || this.frame === FRAME_NONE) return true;
    const body = toWireBody(data);
    const length = typeof body === 'string' ? body.length : body.byteLength;
    if (length === 0) return true;
    this.checkOverrun(this.declared, this.record.bodyBytes + length);
    this.record.bodyBytes += length;
    let ok: boolean;
    if (this.frame === FRAME_CLOSE || this.frame === FRAME_LENGTH) ok = target.write(body);
    else if (typeof body === 'string') ok = target.write(length.toString(16) + '\r\n' + body + '\r\n');
    else {
      target.cork();
      target.write(length.toString(16) + '\r\n');
      target.write(body);
      ok = target.write('\r\n');
      target.uncork();
    }
    return ok ? true : target.drain();
  }

  endChunked(trailers?: ResponseHeaders): Written {
    this.assertStreaming('endChunked');
    if (!this.target.gone) this.checkShort(this.declared, this.record.bodyBytes);
    this.state = DONE;
    if (this.frame === FRAME_CHUNKED && !this.target.gone) {
      const lines = trailers === undefined ? '' : normalizeHeaders(trailers, AS_LINES).lines;
      this.target.write('0\r\n' + lines + '\r\n');
    }
    return this.complete(this.record.headerBytes, this.record.bodyBytes);
  }

  upgrade<D>(data: D, options?: UpgradeOptions<D>): Written {
    return this.target.upgrade(data, options as UpgradeOptions<unknown> | undefined);
  }

  /** The 101 that ends HTTP on this connection: `head` is written as it is. */
  switchProtocols(head: string): Written {
    this.begin(101);
    this.state = DONE;
    const target = this.target;
    if (!target.gone) target.write(head);
    return this.complete(head.length, 0);
  }

  abort(): void {
    if (this.state === DONE) return;
    this.fail();
    this.target.destroy();
  }

  /** Marks the response failed (the connection is going down with it). */
  fail(): void {
    if (this.state === DONE) return;
    this.state = DONE;
    this.record.outcome = 'error';
  }

  private complete(headerBytes: number, bodyBytes: number): Written {
    const record = this.record;
    record.headerBytes = headerBytes;
    record.bodyBytes = bodyBytes;
    if (this.target.gone) record.outcome = 'aborted';
    else record.lastByte();
    this.target.finished(record);
    return record.token;
  }
}
