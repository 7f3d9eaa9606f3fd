// The connection state machine of every byte-stream runtime (net, tls,
// memory): it parses, queues exchanges in request order, starts them through
// the shared pipeline, answers strictly in order, and owns keep-alive,
// limits, deadlines and closing. The runtime's side is the Transport.
import type { ParsedHead, Rejection } from '../../parser/head.js';
import { PARSE_CLOSED, PARSE_PAUSED, PARSE_REJECTED, PARSE_UPGRADE, RequestParser, type RequestParserSink } from '../../parser/request-parser.js';
import { handOver } from '../../websocket/hand-over.js';
import type { OpenConnection, ServerCore } from '../core.js';
import type { Transport, TransportEvents } from '../transport.js';
import { DEADLINE_BODY, DEADLINE_HEADERS, DEADLINE_IDLE, DEADLINE_LINGER, DEADLINE_NONE, deadlineAt } from './deadlines.js';
import { StreamExchange } from './exchange.js';
import type { Output, OutputOwner } from './output.js';
import { StreamSpares } from './spares.js';

/** Where a connection is in its life; it only ever moves forward. */
const READING = 0;
/** server.close() was called: the message being read is finished, then no more are read. */
const DRAINING = 1;
/** No more requests are read (a Connection: close request, a refusal, the peer's FIN): answers go on. */
const LAST = 2;
/** This side ended the connection: nothing more is started or written; what arrives is dropped until it closes. */
const ENDING = 3;
/** The transport is gone. */
const CLOSED = 4;

/** Why reading is paused: a body the handler is not reading, or too many requests ahead of their answers. */
const PAUSE_BODY = 1;
const PAUSE_PIPELINE = 2;
/** A request asked to switch protocols: nothing is read until its answer says whether it did. */
const PAUSE_UPGRADE = 4;

const NO_FIELDS: readonly string[] = [];

export class Connection implements RequestParserSink, TransportEvents, OpenConnection, OutputOwner {
  /** Taken from the server's spares when bytes arrive, handed back when a read leaves the connection idle. */
  private parserState: RequestParser | null = null;
  private outputState: Output | null = null;
  /** Inside onData (the read's answers are being batched). */
  private reading = false;
  private state = READING;
  /**
   * Exchanges in request order, answered strictly from `first`; those not yet
   * started are the tail from `unstarted`. A linked list: an idle connection
   * keeps no arrays alive.
   */
  first: StreamExchange | null = null;
  private last: StreamExchange | null = null;
  private unstarted: StreamExchange | null = null;
  private queueLength = 0;
  /** The message whose body is arriving. */
  private current: StreamExchange | null = null;
  private readPauses = 0;
  /** No byte has arrived yet. */
  private fresh = true;
  private parserPaused = false;
  private pumping = false;
  private deadlineKind = DEADLINE_NONE;
  deadline = 0;
  prevOpen: OpenConnection | null = null;
  nextOpen: OpenConnection | null = null;

  constructor(
    readonly core: ServerCore<unknown>,
    readonly transport: Transport,
  ) {
    core.streamSpares ??= new StreamSpares(core.options);
    core.connections.add(this);
    this.setDeadline(DEADLINE_IDLE);
    // Accepted while the server drains (node:cluster hands a copy one as it stops): one answer, with Connection: close.
    if (core.closing) this.enter(DRAINING);
  }

  private get parser(): RequestParser {
    return (this.parserState ??= this.core.streamSpares!.parserFor(this));
  }

  get output(): Output {
    return (this.outputState ??= this.core.streamSpares!.outputFor(this.transport, this));
  }

  /** A message has begun and not ended (an idle connection holds no parser: none has). */
  private get midMessage(): boolean {
    return this.parserState !== null && this.parserState.midMessage;
  }

  /** Hands the parser and output back to the spares when nothing is read, batched or answered. */
  private parkIdleState(): void {
    if (this.first !== null || this.state !== READING) return;
    const parser = this.parserState;
    if (parser !== null && parser.reusable) {
      this.parserState = null;
      this.core.streamSpares!.parkParser(parser);
    }
    const output = this.outputState;
    if (output !== null && output.idle) {
      this.outputState = null;
      this.core.streamSpares!.parkOutput(output);
    }
  }

  /** An answer's batch went out at the end of its tick: the connection may be idle now. */
  outputIdle(): void {
    if (!this.reading) this.parkIdleState();
  }

  /** Nothing more reaches the peer: this side ended, or the transport is gone. */
  get ended(): boolean {
    return this.state >= ENDING;
  }

  /** No request after those already read will be. */
  get readsNoMore(): boolean {
    return this.state >= DRAINING;
  }

  /** True when nothing is being read or answered: safe to close now. */
  private get idle(): boolean {
    return this.first === null && !this.midMessage;
  }

  private enter(state: number): void {
    if (state > this.state) this.state = state;
  }

  private enqueue(ex: StreamExchange): void {
    ex.queued = true;
    if (this.last === null) this.first = ex;
    else this.last.next = ex;
    this.last = ex;
    this.unstarted ??= ex;
    this.queueLength++;
  }

  isLast(ex: StreamExchange): boolean {
    return this.last === ex && !this.midMessage;
  }

  // ---- transport events

  onData(chunk: Buffer): void {
    if (this.state >= LAST) return;
    this.fresh = false;
    this.reading = true;
    const output = this.output;
    output.beginRead();
    try {
      this.afterParse(this.parser.execute(chunk));
      this.pump();
    } finally {
      this.reading = false;
      output.endRead();
    }
    this.parkIdleState();
  }

  onDrain(): void {
    this.outputState?.drained();
  }

  onEnd(): void {
    this.enter(LAST);
    this.outputState?.flush();
    // Unanswered requests are aborted (as node:http does without allowHalfOpen).
    if (!this.idle) this.onClose();
    this.transport.end();
  }

  onClose(): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.deadline = 0;
    // Kept (made if need be) and closed: what an exchange still writes is dropped.
    this.output.closed = true;
    this.core.connectionClosed(this);
    this.parserState?.destroy();
    this.output.drained();
    for (let ex = this.first; ex !== null; ex = ex.next) {
      ex.abort();
      ex.queued = false;
      if (ex.dispatched) {
        // A failed answer stays 'error'; one cut short by the peer is 'aborted'.
        const record = ex.writer.record;
        if (!ex.done && record.outcome === 'complete') record.outcome = 'aborted';
        ex.report();
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
        this.enter(LAST);
        this.setDeadline(DEADLINE_LINGER);
        break;
      case DEADLINE_HEADERS:
        this.reject({ status: 408, reason: 'Request header timeout' });
        this.pump();
        break;
      case DEADLINE_BODY: {
        const current = this.current;
        this.current = null;
        this.enter(LAST);
        if (current === null) break;
        current.bodyFailed({ status: 408, reason: 'Request body timeout' });
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
    // null: the exchange reads the fields from the head only if something asks for them.
    const ex = new StreamExchange(this, head.method, head.versionMinor, null);
    ex.prepare(head, this.transport);
    this.setDeadline(ex.body !== null ? DEADLINE_BODY : DEADLINE_NONE);
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
    if (this.state === DRAINING) {
      // The server is closing: answer what was read, read no more.
      this.enter(LAST);
      return true;
    }
    return this.queueLength >= this.core.options.maxPipelinedRequests;
  }

  // ---- starting exchanges, in order

  private afterParse(code: number): void {
    if (code === PARSE_PAUSED) {
      this.parserPaused = true;
      this.pauseReading(PAUSE_PIPELINE);
    } else if (code === PARSE_REJECTED) {
      this.reject(this.parser.rejection!);
    } else if (code === PARSE_UPGRADE) {
      this.pauseReading(PAUSE_UPGRADE);
    } else if (code === PARSE_CLOSED) {
      // Bytes after a "Connection: close" request are not read.
      this.enter(LAST);
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
          if (this.state < ENDING) ex.start();
        }
        if (this.parserPaused && this.state < LAST && this.queueLength < this.core.options.maxPipelinedRequests) {
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

  stopReading(): void {
    this.enter(LAST);
  }

  /** A message was refused: everything before it is answered, then this, then close. */
  private reject(rejection: Rejection): void {
    this.enter(LAST);
    this.deadline = 0;
    const current = this.current;
    this.current = null;
    if (current !== null && current.body !== null && current.request !== null) {
      // The head was fine and already dispatched; the body is not.
      current.bodyFailed(rejection);
      if (!current.queued) this.closeNow();
      return;
    }
    const ex = new StreamExchange(this, '', 1, NO_FIELDS);
    ex.refuse(rejection);
    this.enqueue(ex);
  }

  exchangeFinished(ex: StreamExchange): void {
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
      if (ex.switched !== null) {
        // As on uws, the socket opens before onResponse sees its 101.
        this.switchProtocols(ex);
        ex.report();
        return;
      }
      ex.report();
      if (!ex.keepAlive) {
        this.closeNow();
        return;
      }
      // The handler answered without reading everything: the rest (bounded, or the answer would have closed) is dropped.
      ex.body?.answered();
      this.first?.becomeHol();
    }
    if (this.first === null) {
      if (this.state >= DRAINING) {
        this.closeNow();
        return;
      }
      if (!this.midMessage) {
        this.setDeadline(DEADLINE_IDLE);
        // Nothing more is coming for now: what is batched can go.
        this.outputState?.flush();
        // An answer given after its read: the connection is idle from here (a read parks its own at its end).
        if (!this.reading) this.parkIdleState();
        this.transport.idle?.();
      }
    }
    if (this.parserPaused) this.pump();
  }

  /**
   * The 101 and every answer before it are written: the connection leaves
   * HTTP, and the socket with the bytes read after the upgrade's head goes
   * to the WebSocket codec. A transport that cannot be handed over ends.
   */
  private switchProtocols(ex: StreamExchange): void {
    this.output.flush();
    const takeOver = this.transport.takeOver;
    if (takeOver === undefined || this.state >= ENDING) {
      this.closeNow();
      return;
    }
    const rest = this.parser.takeRest();
    this.state = CLOSED;
    this.deadline = 0;
    this.output.closed = true;
    this.parser.destroy();
    this.core.connectionClosed(this);
    this.first = this.last = this.unstarted = null;
    handOver(this.core.webSockets, ex.switched!, takeOver.call(this.transport), rest, this.transport.remoteAddress);
  }

  /** Ends the connection after what was written; keeps reading (and dropping) so the peer gets a FIN, not a reset. */
  closeNow(): void {
    this.enter(LAST);
    this.outputState?.flush();
    this.enter(ENDING);
    this.readPauses = 0;
    this.transport.resume();
    this.transport.end();
    for (let ex = this.first; ex !== null; ex = ex.next) ex.abort();
    this.setDeadline(DEADLINE_LINGER);
  }

  /** Called by server.close(): idle connections go now, busy ones after their current answers. */
  shutdown(): void {
    // A connection accepted but not yet read from is not idle: its request is likely on its way. It gets one
    // answer with Connection: close (or the idle deadline, or graceMs).
    if (this.idle && !this.fresh) {
      this.closeNow();
      return;
    }
    this.enter(DRAINING);
    if (!this.midMessage && !this.fresh) this.enter(LAST);
  }

  destroy(): void {
    this.transport.destroy();
  }

  // ---- reading

  pauseForBody(): void {
    this.pauseReading(PAUSE_BODY);
  }

  resumeForBody(): void {
    this.resumeReading(PAUSE_BODY);
  }

  private pauseReading(reason: number): void {
    if (this.readPauses === 0) this.transport.pause();
    this.readPauses |= reason;
  }

  private resumeReading(reason: number): void {
    if (this.readPauses === 0) return;
    this.readPauses &= ~reason;
    if (this.readPauses === 0) this.transport.resume();
  }

  /** Deadlines use the server's coarse clock: they fire on its ticks anyway. */
  private setDeadline(kind: number): void {
    this.deadlineKind = kind;
    this.deadline = deadlineAt(kind, this.core.now, this.core.options);
  }
}
