// One request on a runtime that frames responses itself (uWS, node:http):
// the ResponseWriter contract, its lifecycle and reporting, written once.
// A subclass says how a head, a whole answer, a chunk and an end are written.
import { PeerGoneError } from '../errors.js';
import type { ResponseHeaders, ResponseWriter, SendInit, StaticResponse, StreamOptions, Written } from '../types.js';
import { NO_HEADERS, normalizeHeaders, type NormalizedHeaders } from '../writer/headers.js';
import { statusHasNoBody } from '../writer/head.js';
import { DONE, IDLE, STREAMING, WriterLifecycle } from '../writer/lifecycle.js';
import { StaticResponseImpl } from '../writer/static.js';
import type { BodyStream, BodyOwner } from './body.js';
import type { OpenConnection, ServerCore } from './core.js';
import { errorBody, type DispatchSite } from './dispatch.js';
import type { WireRequestImpl } from './request.js';

export abstract class FramedExchange extends WriterLifecycle implements ResponseWriter, DispatchSite, BodyOwner, OpenConnection {
  request: WireRequestImpl | null = null;
  body: BodyStream | null = null;
  gone = false;
  deadline = 0;
  readonly isHead: boolean;
  private noBody = false;
  /** A streamed body's declared length, or -1. */
  protected declared = -1;

  constructor(
    protected readonly core: ServerCore<unknown>,
    readonly method: string,
    /** The request's header fields as received, for conditional static answers. */
    readonly requestHeaders: readonly string[],
  ) {
    super(core.options.onResponse !== undefined);
    this.isHead = method === 'HEAD';
    core.connections.add(this);
  }

  /** Whole answer: status, headers (framing fields already removed), body. */
  protected abstract writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean, close: boolean): void;
  /** `length` is the declared body length (Content-Length framing), or -1 for chunked. */
  protected abstract writeStreamHead(status: number, headers: NormalizedHeaders, close: boolean, length: number): void;
  /** Returns true, or a promise that settles when the runtime has room again. */
  protected abstract writeStreamChunk(data: string | Uint8Array): true | Promise<void>;
  protected abstract writeStreamEnd(trailers: NormalizedHeaders | null): void;
  /** Whether this answer must end the connection; `asked` is the handler's Connection: close. */
  protected abstract mustClose(asked: boolean, status: number): boolean;
  protected abstract closeConnection(): void;
  abstract shutdown(): void;
  abstract pauseReading(): void;
  abstract resumeReading(): void;

  get req(): WireRequestImpl {
    return this.request!;
  }

  get writer(): this {
    return this;
  }

  get aborted(): boolean {
    return this.gone;
  }

  send(init: SendInit): Written {
    const status = init.status ?? 200;
    this.begin(status);
    const headers = normalizeHeaders(init.headers);
    const noBody = statusHasNoBody(status);
    return this.whole(status, headers, noBody || init.body == null ? '' : init.body, noBody);
  }

  sendStatic(response: StaticResponse): Written {
    if (!(response instanceof StaticResponseImpl)) throw new TypeError('sendStatic takes a response made by createStatic()');
    const form = response.formFor(this.method, this.requestHeaders);
    this.begin(form.status);
    const headers: NormalizedHeaders = { ...NO_HEADERS, pairs: form.headerPairs as Array<[string, string]> };
    return this.whole(form.status, headers, form.body, statusHasNoBody(form.status));
  }

  private whole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean): Written {
    const close = this.mustClose(headers.close, status);
    this.state = DONE;
    if (this.gone) return this.finishAborted();
    this.writeWhole(status, headers, body, noBody, close);
    this.record.bodyBytes = noBody || this.isHead ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    this.record.lastByte();
    return this.finish();
  }

  startChunked(status: number, headers?: ResponseHeaders, options?: StreamOptions): void {
    this.begin(status);
    const normalized = headers === undefined ? NO_HEADERS : normalizeHeaders(headers);
    const declared = statusHasNoBody(status) ? -1 : this.declaredLength(options);
    this.noBody = statusHasNoBody(status) || this.isHead;
    this.declared = declared;
    this.state = STREAMING;
    if (this.gone) return;
    this.writeStreamHead(status, normalized, this.mustClose(normalized.close, status), declared);
  }

  writeChunk(data: string | Uint8Array): true | Promise<void> {
    // After the peer is gone every write is a no-op (res.aborted says why).
    if (this.gone && this.state !== IDLE) return true;
    this.assertStreaming('writeChunk');
    if (this.noBody) return true;
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (length === 0) return true;
    this.checkOverrun(this.declared, this.record.bodyBytes + length);
    this.record.bodyBytes += length;
    const result = this.writeStreamChunk(data);
    this.record.firstByte();
    return result;
  }

  endChunked(trailers?: ResponseHeaders): Written {
    if (this.gone && this.state !== IDLE) return this.record.token;
    this.assertStreaming('endChunked');
    if (!this.noBody) this.checkShort(this.declared, this.record.bodyBytes);
    this.state = DONE;
    this.writeStreamEnd(trailers === undefined ? null : normalizeHeaders(trailers));
    this.record.lastByte();
    return this.finish();
  }

  /** The peer left: abort the signal and the body, report the answer once. */
  protected peerGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.request?.abort();
    this.body?.fail(new PeerGoneError());
    if (this.state !== DONE) {
      this.state = DONE;
      this.finishAborted();
    }
  }

  fail(): void {
    if (this.state === DONE) return;
    this.state = DONE;
    this.record.outcome = 'error';
    this.finish();
  }

  private finishAborted(): Written {
    this.record.outcome = 'aborted';
    return this.finish();
  }

  protected finish(): Written {
    if (this.core.connections.delete(this)) {
      if (this.request !== null) this.core.inFlight--;
      this.core.report(this.record.token, this.request ?? undefined);
      this.core.connectionClosed(this);
    }
    return this.record.token;
  }

  sendError(status: number, message: string, close: boolean): void {
    if (close) this.closeAfterAnswer();
    this.send({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: errorBody(status, message) });
  }

  /** Makes mustClose() say yes for this answer. */
  protected abstract closeAfterAnswer(): void;

  destroy(): void {
    if (this.gone) return;
    this.closeConnection();
    this.peerGone();
  }

  onDeadline(): void {}

  bodyRequested(): void {}
}
