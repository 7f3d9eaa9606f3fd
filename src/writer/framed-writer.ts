// The ResponseWriter of runtimes that frame responses themselves (uWS,
// node:http, fetch platforms): the contract, its lifecycle and figures,
// written once over a FrameSink that says how a head, a whole answer, a
// chunk and an end reach that runtime.
import type { ResponseHeaders, ResponseWriter, SendInit, StaticResponse, StreamOptions, Written } from '../types.js';
import type { UpgradeOptions } from '../websocket/types.js';
import { AS_PAIRS, NO_HEADERS, normalizeHeaders, type NormalizedHeaders } from './headers.js';
import { statusHasNoBody } from './head.js';
import { DONE, IDLE, STREAMING, WriterLifecycle } from './lifecycle.js';
import { StaticResponseImpl } from './static.js';

export interface FrameSink {
  readonly isHead: boolean;
  readonly method: string;
  readonly requestHeaders: readonly string[];
  /** The peer is gone: nothing is written. */
  readonly gone: boolean;
  /** Whether this answer must end the connection; `asked` is the handler's Connection: close. */
  mustClose(asked: boolean, status: number): boolean;
  /** Whole answer: status, headers (framing fields already removed), body. */
  writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean, close: boolean): void;
  /** `length` is the declared body length (Content-Length framing), or -1 for chunked. */
  writeStreamHead(status: number, headers: NormalizedHeaders, close: boolean, length: number): void;
  /** Returns true, or a promise that settles when the runtime has room again. */
  writeStreamChunk(data: string | Uint8Array, declared: number): true | Promise<void>;
  writeStreamEnd(trailers: NormalizedHeaders | null, declared: number, noBody: boolean): void;
  /** The answer is over (complete, aborted or failed): its figures are final. */
  answered(): void;
  /** Flushes what was written, then closes the connection. */
  destroy(): void;
  /** res.upgrade(): judged by the exchange, which answers through switchProtocols() or send(). */
  upgrade(data: unknown, options: UpgradeOptions<unknown> | undefined): Written;
}

export class FramedWriter extends WriterLifecycle implements ResponseWriter {
  private noBody = false;
  /** A streamed body's declared length, or -1. */
  private declared = -1;

  constructor(
    private readonly sink: FrameSink,
    timed: boolean,
  ) {
    super(timed);
  }

  get aborted(): boolean {
    return this.sink.gone;
  }

  send(init: SendInit): Written {
    this.checkInit(init);
    const status = init.status ?? 200;
    this.begin(status);
    const headers = normalizeHeaders(init.headers, AS_PAIRS);
    const noBody = statusHasNoBody(status);
    return this.whole(status, headers, noBody || init.body == null ? '' : init.body, noBody);
  }

  sendStatic(response: StaticResponse): Written {
    if (!(response instanceof StaticResponseImpl)) throw new TypeError('sendStatic takes a response made by createStatic()');
    const form = response.formFor(this.sink.method, this.sink.requestHeaders);
    this.begin(form.status);
    const headers: NormalizedHeaders = { ...NO_HEADERS, pairs: form.headerPairs as Array<[string, string]> };
    return this.whole(form.status, headers, form.body, statusHasNoBody(form.status));
  }

  private whole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean): Written {
    const sink = this.sink;
    const close = sink.mustClose(headers.close, status);
    this.state = DONE;
    if (sink.gone) return this.end('aborted');
    sink.writeWhole(status, headers, body, noBody, close);
    this.record.bodyBytes = noBody || sink.isHead ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    this.record.lastByte();
    return this.end('complete');
  }

  startChunked(status: number, headers?: ResponseHeaders, options?: StreamOptions): void {
    this.begin(status);
    const normalized = headers === undefined ? NO_HEADERS : normalizeHeaders(headers, AS_PAIRS);
    const declared = statusHasNoBody(status) ? -1 : this.declaredLength(options);
    const sink = this.sink;
    this.noBody = statusHasNoBody(status) || sink.isHead;
    this.declared = declared;
    this.state = STREAMING;
    if (sink.gone) return;
    sink.writeStreamHead(status, normalized, sink.mustClose(normalized.close, status), declared);
  }

  writeChunk(data: string | Uint8Array): true | Promise<void> {
    // After the peer is gone every write is a no-op (res.aborted says why).
    if (this.sink.gone && this.state !== IDLE) return true;
    this.assertStreaming('writeChunk', data);
    if (this.noBody) return true;
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (length === 0) return true;
    this.checkOverrun(this.declared, this.record.bodyBytes + length);
    this.record.bodyBytes += length;
    const result = this.sink.writeStreamChunk(data, this.declared);
    this.record.firstByte();
    return result;
  }

  endChunked(trailers?: ResponseHeaders): Written {
    if (this.sink.gone && this.state !== IDLE) return this.record.token;
    this.assertStreaming('endChunked');
    if (!this.noBody) this.checkShort(this.declared, this.record.bodyBytes);
    this.state = DONE;
    this.sink.writeStreamEnd(trailers === undefined ? null : normalizeHeaders(trailers, AS_PAIRS), this.declared, this.noBody);
    this.record.lastByte();
    return this.end('complete');
  }

  upgrade<D>(data: D, options?: UpgradeOptions<D>): Written {
    return this.sink.upgrade(data, options as UpgradeOptions<unknown> | undefined);
  }

  /** The 101 that ends HTTP on this connection: `write` puts it out and returns the head's size. */
  switchProtocols(write: () => number): Written {
    this.begin(101);
    this.state = DONE;
    if (this.sink.gone) return this.end('aborted');
    this.record.headerBytes = write();
    this.record.lastByte();
    return this.end('complete');
  }

  /** The peer left mid-answer: the answer ends as aborted. */
  peerGone(): void {
    if (this.state === DONE) return;
    this.state = DONE;
    this.end('aborted');
  }

  fail(): void {
    if (this.state === DONE) return;
    this.state = DONE;
    this.end('error');
  }

  abort(): void {
    if (this.state === DONE) return;
    this.fail();
    this.sink.destroy();
  }

  private end(outcome: 'complete' | 'aborted' | 'error'): Written {
    if (outcome !== 'complete') this.record.outcome = outcome;
    this.sink.answered();
    return this.record.token;
  }
}
