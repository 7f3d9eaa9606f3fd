// The one request pipeline. Every runtime, whatever parses its bytes, turns
// a request head into an Exchange and calls prepare() then start(): a static
// hit is written as it is, a refused head gets its status, anything else is
// dispatched with a body stream and a request object; every way a dispatch
// can end (an answer, a throw before or after the head, no answer, a
// timeout) is handled here, once. A runtime's binding only says how bytes
// and answers reach its transport.
import { PeerGoneError, WireError, codeForStatus } from '../errors.js';
import { BODY_NONE, type ParsedHead, type Rejection } from '../parser/head.js';
import type { RequestBody, ResponseWriter, StaticResponse, Written } from '../types.js';
import type { WebSocketHub } from '../websocket/hub.js';
import type { UpgradeOptions } from '../websocket/types.js';
import { asksToUpgrade } from '../websocket/handshake.js';
import { judgeUpgrade, type AcceptedUpgrade, type UpgradeSide } from '../websocket/upgrade.js';
import type { WrittenRecord } from '../writer/written.js';
import { BodyStream, EMPTY_BODY, type BodyOwner } from './body.js';
import type { ServerCore } from './core.js';
import { WireRequestImpl, type PeerInfo } from './request.js';
import type { RequestTrace } from './tracing.js';

/** What the pipeline needs of a writer, beyond the public ResponseWriter. */
export interface ExchangeWriter extends ResponseWriter {
  readonly record: WrittenRecord;
  readonly done: boolean;
  /** The answer failed after its head: it is reported as 'error'. */
  fail(): void;
}

const KIND_DISPATCH = 0;
const KIND_STATIC = 1;
const KIND_REJECT = 2;

/**
 * The rest of a body the handler did not read is read and dropped after the
 * answer when it is at most this long (the connection is kept); a longer or
 * unbounded (chunked) rest makes the answer close the connection instead
 * (RFC 9112 §9.6), so neither side waits on bytes nobody wants.
 */
export const UNREAD_BODY_DRAIN_LIMIT = 64 * 1024;

const TEXT_PLAIN = { 'content-type': 'text/plain; charset=utf-8' } as const;

/** The body of an error answer: a reason for 4xx, nothing internal for 5xx. */
export function errorBody(status: number, message: string): string {
  return status >= 500 ? `${statusText(status)}\n` : message + '\n';
}

function statusText(status: number): string {
  return status === 503 ? 'Service Unavailable' : status === 501 ? 'Not Implemented' : status === 505 ? 'HTTP Version Not Supported' : 'Internal Server Error';
}

/** A status a thrown WireError may answer with. */
function answerable(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599;
}

const NO_FIELDS: readonly string[] = [];

export abstract class Exchange implements BodyOwner, UpgradeSide {
  /** Null for static hits and refusals: no request object is built for them. */
  request: WireRequestImpl | null = null;
  body: BodyStream | null = null;
  private kind = KIND_DISPATCH;
  private staticHit: StaticResponse | null = null;
  private rejection: Rejection | null = null;
  dispatched = false;
  /** The request asked to keep the connection (RFC 9112 §9.3). */
  keepAliveAsked = false;
  expectContinue = false;
  continueSent = false;
  /** This answer must end the connection (framing can't be trusted after it). */
  forceClose = false;
  /** The request asks to switch protocols: unless it does, its answer ends the connection, so no byte after its head is read as HTTP. */
  upgradeAsked = false;
  private reported = false;
  /** When the dispatch began (core clock), for responseTimeoutMs. */
  startedAt = 0;
  readonly isHead: boolean;
  /** The request's span and measurement, when options.tracing is on and something listens. */
  private trace: RequestTrace | null = null;

  abstract readonly writer: ExchangeWriter;
  /** The peer left, or this side ended the connection: nothing more reaches the peer. */
  abstract readonly gone: boolean;

  /** The head prepare() was given, when the runtime passed no fields of its own. */
  private head: ParsedHead | null = null;

  constructor(
    readonly core: ServerCore<unknown>,
    readonly method: string,
    /** The request's header fields as received; null: the head's, once prepared (read only when asked for). */
    private readonly fields: readonly string[] | null,
  ) {
    this.isHead = method === 'HEAD';
  }

  /** The request's header fields as received (for conditional static answers). */
  get requestHeaders(): readonly string[] {
    return this.fields ?? this.head?.headers ?? NO_FIELDS;
  }

  // ---- what a binding provides

  /** Sends "100 Continue" ahead of the answer. */
  protected abstract writeContinue(): void;
  /** No request after this one is read from the connection. */
  protected abstract stopReading(): void;
  /** Drops the connection: the head is out, so no answer can follow. */
  abstract destroy(): void;
  abstract pauseReading(): void;
  abstract resumeReading(): void;
  /** The handshake passed: answer 101 and hand the socket to the WebSocket codec. */
  abstract switchProtocols(accepted: AcceptedUpgrade): Written;

  get hub(): WebSocketHub {
    return this.core.webSockets;
  }

  get serverClosing(): boolean {
    return this.core.closing;
  }

  get hasBody(): boolean {
    return this.body !== null;
  }

  get headersSent(): boolean {
    return this.writer.headersSent;
  }

  /** res.upgrade(): the rules are judged here, once, for every runtime. */
  upgrade(data: unknown, options: UpgradeOptions<unknown> | undefined): Written {
    return judgeUpgrade(this, data, options);
  }

  /** A refused handshake: an ordinary answer, and the connection ends after it. */
  refuseUpgrade(status: number, reason: string, headers: Record<string, string>): Written {
    this.forceClose = true;
    this.stopReading();
    return this.writer.send({ status, headers: { ...TEXT_PLAIN, ...headers }, body: errorBody(status, reason) });
  }

  // ---- the pipeline

  /** Decides what a well-formed head gets: a static hit, or a dispatch with its body and request. */
  prepare(head: ParsedHead, peer: PeerInfo): void {
    const core = this.core;
    if (core.tracing !== null) this.trace = core.tracing.start(head.method, head.target, head.versionMinor, head.headers, peer, this.writer.record);
    this.head = head;
    this.keepAliveAsked = head.keepAlive;
    this.upgradeAsked = head.noUpgrade !== true && asksToUpgrade(head.headers);
    let body: RequestBody = EMPTY_BODY;
    if (head.bodyKind !== BODY_NONE) {
      body = this.body = new BodyStream(this, head.contentLength, core.options.maxBodyBytes);
      this.expectContinue = head.expectContinue;
    }
    const hit = core.askStatic(head);
    if (hit !== undefined) {
      this.kind = KIND_STATIC;
      this.staticHit = hit;
      this.body?.discard();
      return;
    }
    this.request = new WireRequestImpl(head.method, head.target, head.versionMinor === 1 ? '1.1' : '1.0', head, head.keepAlive, body, peer, core.options.trustProxy);
  }

  /** A head the wire layer answers itself (and closes after). */
  refuse(rejection: Rejection): void {
    this.kind = KIND_REJECT;
    this.rejection = rejection;
  }

  /** Writes the static hit or the refusal, or runs the dispatch. */
  start(): void {
    if (this.gone) return;
    if (this.kind === KIND_STATIC) this.writer.sendStatic(this.staticHit!);
    else if (this.kind === KIND_REJECT) {
      if (this.core.tracing !== null) this.trace = this.core.tracing.startRefused(this.method, this.rejection!.reason, this.writer.record, null);
      this.sendError(this.rejection!.status, this.rejection!.reason, true);
    }
    else this.dispatch();
  }

  /** Plain-text error answer; `close` ends the connection after it, and no request after it is read. */
  sendError(status: number, message: string, close: boolean): void {
    if (close) {
      this.forceClose = true;
      this.stopReading();
    }
    this.writer.send({ status, headers: TEXT_PLAIN, body: errorBody(status, message) });
  }

  /** Whether the answer must end the connection, for reasons every runtime shares. */
  closeRequired(): boolean {
    if (this.forceClose || !this.keepAliveAsked || this.upgradeAsked) return true;
    const body = this.body;
    if (body === null || body.complete) return false;
    // A client waiting for a 100 Continue it never got may or may not send its body.
    if (this.expectContinue && !this.continueSent) return true;
    const left = body.remaining;
    return left < 0 || left > UNREAD_BODY_DRAIN_LIMIT;
  }

  /** The body failed to arrive whole (a parse error in it, a timeout): the handler's read throws. */
  bodyFailed(rejection: Rejection): void {
    this.forceClose = true;
    this.body?.fail(new WireError(rejection.status, rejection.reason, { code: codeForStatus(rejection.status), close: true }));
  }

  /** The handler started reading: time for 100 Continue if the client waits for it. */
  bodyRequested(): void {
    if (this.expectContinue && !this.continueSent && !this.writer.headersSent && !this.gone) {
      this.continueSent = true;
      this.writeContinue();
    }
  }

  /** The peer is gone: wake what waits on this request. */
  abort(): void {
    this.request?.abort();
    this.body?.fail(new PeerGoneError());
    // A static hit cut short never reaches report(): its span ends here.
    if (this.trace !== null && !this.dispatched) this.endTrace();
  }

  private endTrace(): void {
    const trace = this.trace!;
    this.trace = null;
    this.core.tracing!.end(trace, this.writer.record, this.request);
  }

  /** onResponse, once per exchange, with the inFlight count kept. */
  report(): void {
    if (this.reported) return;
    this.reported = true;
    const core = this.core;
    if (this.dispatched) {
      core.inFlight--;
      if (core.timedExchanges !== null) core.timedExchanges.delete(this);
    }
    if (this.trace !== null) this.endTrace();
    core.report(this.writer.record.token, this.request ?? undefined);
  }

  // ---- the dispatch and every way it ends

  private dispatch(): void {
    const core = this.core;
    core.inFlight++;
    this.dispatched = true;
    if (core.timedExchanges !== null) {
      this.startedAt = core.now;
      core.timedExchanges.add(this);
    }
    let result: unknown;
    const trace = this.trace;
    try {
      result = trace === null ? core.dispatch(core.ctx, this.request!, this.writer) : core.tracing!.run(trace, core.dispatch, core.ctx, this.request!, this.writer);
    } catch (error) {
      this.dispatchFailed(error);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
      // Answered before its promise settles (the usual async handler): only a rejection is left to hear of.
      const settled = this.writer.headersSent ? undefined : () => this.dispatchSettled();
      (result as Promise<unknown>).then(settled, (error: unknown) => this.dispatchFailed(error));
    } else {
      this.dispatchSettled();
    }
  }

  private dispatchSettled(): void {
    if (this.writer.headersSent || this.gone) return;
    this.core.logError(`dispatch settled without a response: ${this.describe()}`);
    this.sendError(500, 'Internal Server Error', false);
  }

  private dispatchFailed(error: unknown): void {
    if (this.trace !== null) this.core.tracing!.failed(this.trace, error);
    if (this.gone) return;
    const wire = error instanceof WireError && answerable(error.status) ? error : null;
    const writer = this.writer;
    if (!writer.headersSent) {
      if (wire === null || wire.status >= 500) this.core.logError(`dispatch failed: ${this.describe()}`, error);
      this.sendError(wire?.status ?? 500, wire?.message ?? 'Internal Server Error', wire?.closeConnection ?? false);
    } else if (!writer.done) {
      this.core.logError(`dispatch failed after the response head: ${this.describe()}`, error);
      writer.fail();
      this.destroy();
    } else {
      this.core.logError(`dispatch threw after its response: ${this.describe()}`, error);
    }
  }

  /** responseTimeoutMs passed: 503 if nothing was written, else the connection drops. */
  timedOut(): void {
    if (this.gone || this.writer.done) return;
    const limit = this.core.options.responseTimeoutMs;
    this.request?.abort();
    if (!this.writer.headersSent) {
      this.core.logError(`no response within responseTimeoutMs (${limit} ms): ${this.describe()}; answered 503`);
      this.sendError(503, 'Service Unavailable', false);
    } else {
      this.core.logError(`response not finished within responseTimeoutMs (${limit} ms): ${this.describe()}; connection dropped`);
      this.writer.fail();
      this.destroy();
    }
  }

  private describe(): string {
    return this.request === null ? this.method : `${this.request.method} ${this.request.target}`;
  }
}
