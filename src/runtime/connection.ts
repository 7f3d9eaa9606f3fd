// The connection state machine shared by every byte-stream runtime (net,
// tls, memory). It parses, dispatches in order, answers strictly in order,
// and owns keep-alive, limits, timeouts and closing.
import { PeerGoneError, WireError } from '../errors.js';
import { errorBody, runDispatch, type DispatchSite } from './dispatch.js';
import { BODY_NONE, PARSE_CLOSED, PARSE_PAUSED, PARSE_REJECTED, RequestParser, type ParsedHead, type RequestParserSink } from '../parser/request-parser.js';
import type { Rejection } from '../parser/validate.js';
import type { StaticResponse } from '../types.js';
import { CONN_CLOSE, CONN_DEFAULT, CONN_KEEP_ALIVE } from '../writer/head.js';
import { ResponseWriterImpl, type WriteTarget } from '../writer/response-writer.js';
import type { WrittenRecord } from '../writer/written.js';
import { BodyStream, EMPTY_BODY, type BodyOwner } from './body.js';
import type { OpenConnection, ServerCore } from './core.js';
import { WireRequestImpl } from './request.js';
import type { Transport, TransportEvents } from './transport.js';

const PAUSE_BODY = 1;
const PAUSE_PIPELINE = 2;

const DEADLINE_NONE = 0;
const DEADLINE_IDLE = 1;
const DEADLINE_HEADERS = 2;
const DEADLINE_BODY = 3;
const DEADLINE_LINGER = 4;

/** How long a closing connection keeps reading (and dropping) before it is destroyed. */
const LINGER_MS = 2000;
const PENDING_HIGH_WATER = 64 * 1024;
const BATCH_LIMIT = 16 * 1024;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

const NO_FIELDS: readonly string[] = [];

const KIND_DISPATCH = 0;
const KIND_STATIC = 1;
const KIND_REJECT = 2;

class Exchange implements WriteTarget, BodyOwner, DispatchSite {
  readonly writer: ResponseWriterImpl;
  /** Null for static hits and rejections: no request object is built for them. */
  request: WireRequestImpl | null = null;
  body: BodyStream | null = null;
  kind = KIND_DISPATCH;
  staticHit: StaticResponse | null = null;
  rejection: Rejection | null = null;
  keepAlive = false;
  /** This exchange's answer must end the connection (framing can't be trusted after it). */
  forceClose = false;
  dispatched = false;
  done = false;
  reported = false;
  expectContinue = false;
  continueSent = false;
  /** The next exchange on this connection, in request order. */
  next: Exchange | null = null;
  /** Still in the connection's queue (not yet answered and advanced past). */
  queued = false;
  /** Output held back while an earlier response is still being written. */
  private pending: Array<string | Uint8Array> | null = null;
  private pendingBytes = 0;
  private holWaiters: Array<() => void> | null = null;

  readonly isHead: boolean;

  constructor(
    private readonly conn: Connection,
    readonly method: string,
    readonly versionMinor: number,
    readonly wantsKeepAlive: boolean,
    readonly requestHeaders: readonly string[],
  ) {
    this.isHead = method === 'HEAD';
    this.writer = new ResponseWriterImpl(this, conn.core.options.onResponse !== undefined);
  }

  get req(): WireRequestImpl {
    return this.request!;
  }

  /** The peer left, or this side ended the connection: nothing more reaches the peer. */
  get gone(): boolean {
    return this.conn.gone || this.conn.ending;
  }

  private get isHol(): boolean {
    return this.conn.first === this;
  }

  write(data: string | Uint8Array): boolean {
    if (this.isHol) return this.conn.writeOut(data);
    (this.pending ??= []).push(data);
    this.pendingBytes += typeof data === 'string' ? data.length : data.byteLength;
    return this.pendingBytes < PENDING_HIGH_WATER;
  }

  cork(): void {
    if (this.isHol) this.conn.corkOut();
  }

  uncork(): void {
    if (this.isHol) this.conn.uncorkOut();
  }

  drain(): Promise<void> {
    if (this.gone) return Promise.resolve();
    if (this.isHol) return this.conn.waitDrain();
    return new Promise((resolve) => (this.holWaiters ??= []).push(resolve));
  }

  /** This exchange's turn to write: flush what it held back. */
  becomeHol(): void {
    let ok = true;
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      this.pendingBytes = 0;
      const conn = this.conn;
      conn.corkOut();
      for (const data of pending) ok = conn.writeOut(data);
      conn.uncorkOut();
    }
    const waiters = this.holWaiters;
    if (waiters !== null) {
      this.holWaiters = null;
      const release = () => waiters.forEach((resolve) => resolve());
      if (ok) release();
      else void this.conn.waitDrain().then(release);
    }
  }

  connectionFor(mustClose: boolean): number {
    const keep =
      !mustClose &&
      !this.forceClose &&
      this.wantsKeepAlive &&
      // A client waiting for 100 Continue that never came may or may not send its body.
      !(this.expectContinue && !this.continueSent && !(this.body?.complete ?? true)) &&
      // A draining connection says close on its last answer only.
      !(this.conn.draining && this.conn.isLast(this));
    this.keepAlive = keep;
    if (!keep) return CONN_CLOSE;
    return this.versionMinor === 0 ? CONN_KEEP_ALIVE : CONN_DEFAULT;
  }

  finished(_record: WrittenRecord): void {
    this.done = true;
    this.conn.exchangeFinished(this);
  }

  sendError(status: number, message: string, close: boolean): void {
    if (close) {
      this.forceClose = true;
      this.conn.stopReading();
    }
    this.writer.send({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: errorBody(status, message) });
  }

  /**
   * The answer failed after its head went out, so the peer must see the
   * connection end. Answers before it are already written in full: they go
   * out first, and the peer gets a FIN after them, not a reset.
   */
  destroy(): void {
    this.conn.closeNow();
  }

  bodyRequested(): void {
    if (this.expectContinue && !this.continueSent && !this.writer.headersSent && !this.gone) {
      this.continueSent = true;
      this.write(CONTINUE);
    }
  }

  pauseReading(): void {
    this.conn.pauseReading(PAUSE_BODY);
  }

  resumeReading(): void {
    this.conn.resumeReading(PAUSE_BODY);
  }

  /** The peer is gone: wake everything that waits on this exchange. */
  abort(): void {
    this.request?.abort();
    this.body?.fail(new PeerGoneError());
    const waiters = this.holWaiters;
    this.holWaiters = null;
    waiters?.forEach((resolve) => resolve());
  }
}

function flushDeferred(conn: Connection): void {
  conn.endDeferredBatch();
}

export class Connection implements RequestParserSink, TransportEvents, OpenConnection {
  private readonly parser: RequestParser;
  /**
   * Exchanges in request order, answered strictly from `first`; those not yet
   * started are the tail from `unstarted`. A linked list: an idle connection
   * keeps no arrays alive.
   */
  first: Exchange | null = null;
  private last: Exchange | null = null;
  private unstarted: Exchange | null = null;
  private queueLength = 0;
  /** The message whose body is arriving. */
  private current: Exchange | null = null;
  private readPauses = 0;
  private parserPaused = false;
  /** No more requests are read from this connection. */
  private stopped = false;
  private pumping = false;
  /**
   * Output collects here and leaves in one write: while one chunk is handled,
   * until its end; otherwise (async answers, streams) until the current
   * tick's promise chain has run, as node:http's cork does.
   */
  private batching = false;
  private flushScheduled = false;
  /** The last write was refused (over the high-water mark) and no drain has come since. */
  private congested = false;
  private directCorks = 0;
  private batchText = '';
  private batchParts: Array<string | Uint8Array> | null = null;
  private batchBytes = 0;
  private drainWaiters: Array<() => void> | null = null;
  private deadlineKind = DEADLINE_NONE;
  gone = false;
  /** This side ended the connection (closeNow): nothing more is started or written. */
  ending = false;
  /** server.close() was called: answer what was read, then close. */
  draining = false;
  deadline = 0;

  constructor(
    readonly core: ServerCore<unknown>,
    readonly transport: Transport,
  ) {
    this.parser = new RequestParser(this, core.options);
    core.connections.add(this);
    this.setDeadline(DEADLINE_IDLE);
  }

  /** True when nothing is being read or answered: safe to close now. */
  get idle(): boolean {
    return this.first === null && !this.parser.midMessage;
  }

  private enqueue(ex: Exchange): void {
    ex.queued = true;
    if (this.last === null) this.first = ex;
    else this.last.next = ex;
    this.last = ex;
    this.unstarted ??= ex;
    this.queueLength++;
  }

  // ---- transport events

  onData(chunk: Buffer): void {
    if (this.stopped) return;
    this.batching = true;
    try {
      const code = this.parser.execute(chunk);
      this.afterParse(code);
      this.pump();
    } finally {
      this.batching = false;
      this.flushOut();
    }
  }

  /**
   * Output joins the open batch (strings are joined into one write, which
   * costs less than a writev of many); past BATCH_LIMIT the batch goes out at
   * once. Outside onData a write opens a batch that the next tick flushes.
   */
  writeOut(data: string | Uint8Array): boolean {
    if (!this.batching) {
      // A congested socket gets writes at once, so writers keep seeing its backpressure.
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
    } else {
      const parts = (this.batchParts ??= []);
      if (this.batchText !== '') parts.push(this.batchText);
      this.batchText = '';
      parts.push(data);
      this.batchBytes += data.byteLength;
    }
    return this.batchBytes < BATCH_LIMIT || this.flushOut();
  }

  /** The deferred batch's turn (process.nextTick). */
  endDeferredBatch(): void {
    this.flushScheduled = false;
    this.batching = false;
    this.flushOut();
  }

  /** Writes what the batch holds (drops it once the socket is gone); returns like transport.write(). */
  private flushOut(): boolean {
    const parts = this.batchParts;
    const text = this.batchText;
    this.batchParts = null;
    this.batchText = '';
    this.batchBytes = 0;
    if (this.gone) return true;
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

  /**
   * Head and body written together: a batch holds them together; only
   * writes that go straight out (congested socket) cork the socket.
   */
  corkOut(): void {
    if (this.batching || !this.congested) return;
    this.transport.cork();
    this.directCorks++;
  }

  uncorkOut(): void {
    if (this.directCorks === 0) return;
    this.directCorks--;
    this.transport.uncork();
  }

  onDrain(): void {
    this.congested = false;
    const waiters = this.drainWaiters;
    if (waiters === null) return;
    this.drainWaiters = null;
    for (const resolve of waiters) resolve();
  }

  onEnd(): void {
    this.stopped = true;
    this.flushOut();
    // Unanswered requests are aborted (as node:http does without allowHalfOpen).
    if (!this.idle) this.onClose();
    this.transport.end();
  }

  onClose(): void {
    if (this.gone) return;
    this.gone = true;
    this.stopped = true;
    this.deadline = 0;
    this.core.connectionClosed(this);
    this.parser.destroy();
    this.onDrain();
    for (let ex = this.first; ex !== null; ex = ex.next) {
      ex.abort();
      ex.queued = false;
      if (!ex.reported && ex.dispatched) {
        // A failed answer stays 'error'; one cut short by the peer is 'aborted'.
        if (!ex.done && ex.writer.record.outcome === 'complete') ex.writer.record.outcome = 'aborted';
        this.finishReport(ex);
      }
    }
    this.first = this.last = this.unstarted = null;
    this.queueLength = 0;
    this.current = null;
  }

  onDeadline(): void {
    const kind = this.deadlineKind;
    this.deadline = 0;
    this.deadlineKind = DEADLINE_NONE;
    switch (kind) {
      case DEADLINE_IDLE:
        this.transport.end();
        this.stopped = true;
        this.setDeadline(DEADLINE_LINGER);
        break;
      case DEADLINE_HEADERS:
        this.reject({ status: 408, reason: 'Request header timeout' });
        this.pump();
        break;
      case DEADLINE_BODY: {
        const current = this.current;
        this.current = null;
        this.stopped = true;
        if (current === null) break;
        current.forceClose = true;
        current.body?.fail(new WireError(408, 'Request body timeout', true));
        if (!current.queued) this.closeNow();
        break;
      }
      case DEADLINE_LINGER:
        this.transport.destroy();
        break;
    }
  }

  // ---- parser events (synchronous, inside llhttp: no user code runs here)

  onRequestHead(head: ParsedHead): void {
    const core = this.core;
    const ex = new Exchange(this, head.method, head.versionMinor, head.keepAlive, head.headers);
    ex.staticHit = core.askStatic(head.method, head.target, head.headers) ?? null;
    let body = EMPTY_BODY;
    if (head.bodyKind !== BODY_NONE) {
      body = ex.body = new BodyStream(ex, head.contentLength, core.options.maxBodyBytes);
      ex.expectContinue = head.expectContinue;
      this.setDeadline(DEADLINE_BODY);
    } else {
      this.setDeadline(DEADLINE_NONE);
    }
    if (ex.staticHit !== null) {
      ex.kind = KIND_STATIC;
      ex.body?.discard();
    } else {
      ex.request = new WireRequestImpl(head.method, head.target, head.versionMinor === 1 ? '1.1' : '1.0', head.headers, head.keepAlive, body, this.transport);
    }
    this.current = ex;
    this.enqueue(ex);
  }

  onRequestBody(chunk: Buffer): void {
    this.current?.body?.push(chunk);
  }

  onRequestEnd(trailers: string[] | null): boolean {
    const current = this.current;
    if (current !== null) {
      current.body?.end(trailers);
      this.current = null;
    }
    this.setDeadline(DEADLINE_NONE);
    if (this.draining) {
      // The server is closing: answer what was read, read no more.
      this.stopped = true;
      return true;
    }
    return this.queueLength >= this.core.options.maxPipelinedRequests;
  }

  // ---- dispatch and ordering

  private afterParse(code: number): void {
    if (code === PARSE_PAUSED) {
      this.parserPaused = true;
      this.pauseReading(PAUSE_PIPELINE);
    } else if (code === PARSE_REJECTED) {
      this.reject(this.parser.rejection!);
    } else if (code === PARSE_CLOSED) {
      // Bytes after a "Connection: close" request are not read.
      this.stopped = true;
    } else if (this.parser.inHead) {
      if (this.deadlineKind !== DEADLINE_HEADERS) this.setDeadline(DEADLINE_HEADERS);
    }
  }

  /** Starts parsed exchanges in order; resumes a paused parser once there is room. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        while (this.unstarted !== null) {
          const ex = this.unstarted;
          this.unstarted = ex.next;
          this.start(ex);
        }
        if (this.parserPaused && !this.stopped && this.queueLength < this.core.options.maxPipelinedRequests) {
          this.parserPaused = false;
          this.afterParse(this.parser.resume());
          if (!this.parserPaused) this.resumeReading(PAUSE_PIPELINE);
          continue;
        }
        break;
      }
    } finally {
      this.pumping = false;
    }
  }

  private start(ex: Exchange): void {
    if (this.gone || this.ending) return;
    if (ex.kind === KIND_STATIC) {
      ex.writer.sendStatic(ex.staticHit!);
    } else if (ex.kind === KIND_REJECT) {
      const { status, reason } = ex.rejection!;
      ex.sendError(status, reason, true);
    } else {
      ex.dispatched = true;
      runDispatch(this.core, ex);
    }
  }

  stopReading(): void {
    this.stopped = true;
  }

  isLast(ex: Exchange): boolean {
    return this.last === ex && !this.parser.midMessage;
  }

  /** A message was refused: everything before it is answered, then this, then close. */
  private reject(rejection: Rejection): void {
    this.stopped = true;
    this.deadline = 0;
    const current = this.current;
    if (current !== null && current.body !== null && current.kind === KIND_DISPATCH) {
      // The head was fine and already dispatched; the body is not.
      current.body.fail(new WireError(rejection.status, rejection.reason, true));
      current.forceClose = true;
      this.current = null;
      if (!current.queued) this.closeNow();
      return;
    }
    this.current = null;
    const ex = new Exchange(this, '', 1, false, NO_FIELDS);
    ex.kind = KIND_REJECT;
    ex.rejection = rejection;
    this.enqueue(ex);
  }

  exchangeFinished(ex: Exchange): void {
    if (ex === this.first) this.advance();
  }

  private advance(): void {
    while (this.first !== null && this.first.done) {
      const ex = this.first;
      this.first = ex.next;
      ex.next = null;
      if (this.first === null) this.last = null;
      ex.queued = false;
      this.queueLength--;
      this.finishReport(ex);
      if (!ex.keepAlive) {
        this.closeNow();
        return;
      }
      if (ex.body !== null && !ex.body.complete) {
        // The handler answered without reading everything: drop the rest, bounded.
        ex.body.discard();
        if (ex.body.discardedBytes > this.core.options.maxBodyBytes) {
          this.closeNow();
          return;
        }
      }
      this.first?.becomeHol();
    }
    if (this.first === null) {
      if (this.stopped || this.draining) {
        this.closeNow();
        return;
      }
      if (!this.parser.midMessage) {
        this.setDeadline(DEADLINE_IDLE);
        // Nothing more is coming for now: what is batched can go.
        this.flushOut();
        this.transport.idle?.();
      }
    }
    if (this.parserPaused) this.pump();
  }

  private finishReport(ex: Exchange): void {
    if (ex.reported) return;
    ex.reported = true;
    if (ex.dispatched) this.core.inFlight--;
    this.core.report(ex.writer.record.token, ex.request ?? undefined);
  }

  /** Ends the connection after what was written; keeps reading (and dropping) so the peer gets a FIN, not a reset. */
  closeNow(): void {
    this.stopped = true;
    this.flushOut();
    this.ending = true;
    this.readPauses = 0;
    this.transport.resume();
    this.transport.end();
    for (let ex = this.first; ex !== null; ex = ex.next) ex.abort();
    this.setDeadline(DEADLINE_LINGER);
  }

  /** Called by server.close(): idle connections go now, busy ones after their current answers. */
  shutdown(): void {
    if (this.idle) {
      this.closeNow();
      return;
    }
    this.draining = true;
    if (!this.parser.midMessage) this.stopped = true;
  }

  destroy(): void {
    this.transport.destroy();
  }

  // ---- reading and writing

  pauseReading(reason: number): void {
    if (this.readPauses === 0) this.transport.pause();
    this.readPauses |= reason;
  }

  resumeReading(reason: number): void {
    if (this.readPauses === 0) return;
    this.readPauses &= ~reason;
    if (this.readPauses === 0) this.transport.resume();
  }

  waitDrain(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  /** Deadlines use the server's coarse clock: they fire on its ticks anyway. */
  private setDeadline(kind: number): void {
    this.deadlineKind = kind;
    const o = this.core.options;
    const now = this.core.now;
    switch (kind) {
      case DEADLINE_NONE:
        this.deadline = 0;
        break;
      case DEADLINE_IDLE:
        this.deadline = now + o.keepAliveTimeoutMs;
        break;
      case DEADLINE_HEADERS:
        this.deadline = now + o.headersTimeoutMs;
        break;
      case DEADLINE_BODY:
        this.deadline = now + o.requestTimeoutMs;
        break;
      case DEADLINE_LINGER:
        this.deadline = now + LINGER_MS;
        break;
    }
  }
}
