// One request on a byte-stream connection: the shared pipeline (Exchange)
// plus what the byte writer needs: answers leave strictly in request
// order, so an exchange that is not yet at the head of the line holds its
// output back until it is.
import { ResponseWriterImpl, type WriteTarget } from '../../writer/response-writer.js';
import { CONN_CLOSE, CONN_DEFAULT, CONN_KEEP_ALIVE } from '../../writer/head.js';
import { Exchange } from '../exchange.js';
import type { Written } from '../../types.js';
import type { AcceptedUpgrade } from '../../websocket/upgrade.js';
import { switchingHead } from '../../websocket/upgrade.js';
import { negotiateDeflate, type Negotiated } from '../../websocket/ws-codec.js';
import type { Connection } from './connection.js';

/** Output an exchange may hold back before it reports backpressure. */
const PENDING_HIGH_WATER = 64 * 1024;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

export class StreamExchange extends Exchange implements WriteTarget {
  readonly writer: ResponseWriterImpl;
  /** The answer decided to keep the connection. */
  keepAlive = false;
  done = false;
  /** The next exchange on this connection, in request order. */
  next: StreamExchange | null = null;
  /** Still in the connection's queue (not yet answered and advanced past). */
  queued = false;
  /** Answered 101: the connection hands its socket to the codec once this answer is out. */
  switched: { accepted: AcceptedUpgrade; negotiated: Negotiated | null } | null = null;
  /** Output held back while an earlier response is still being written. */
  private pending: Array<string | Uint8Array> | null = null;
  private pendingBytes = 0;
  private holWaiters: Array<() => void> | null = null;

  constructor(
    private readonly conn: Connection,
    method: string,
    readonly versionMinor: number,
    requestHeaders: readonly string[] | null,
  ) {
    super(conn.core, method, requestHeaders);
    this.writer = new ResponseWriterImpl(this, conn.core.options.onResponse !== undefined);
  }

  get gone(): boolean {
    return this.conn.ended;
  }

  private get isHol(): boolean {
    return this.conn.first === this;
  }

  write(data: string | Uint8Array): boolean {
    if (this.isHol) return this.conn.output.write(data);
    (this.pending ??= []).push(data);
    this.pendingBytes += typeof data === 'string' ? data.length : data.byteLength;
    return this.pendingBytes < PENDING_HIGH_WATER;
  }

  cork(): void {
    if (this.isHol) this.conn.output.cork();
  }

  uncork(): void {
    if (this.isHol) this.conn.output.uncork();
  }

  drain(): Promise<void> {
    if (this.gone) return Promise.resolve();
    if (this.isHol) return this.conn.output.waitDrain();
    return new Promise((resolve) => (this.holWaiters ??= []).push(resolve));
  }

  /** This exchange's turn to write: flush what it held back. */
  becomeHol(): void {
    let ok = true;
    const pending = this.pending;
    const output = this.conn.output;
    if (pending !== null) {
      this.pending = null;
      this.pendingBytes = 0;
      output.cork();
      for (const data of pending) ok = output.write(data);
      output.uncork();
    }
    const waiters = this.holWaiters;
    if (waiters !== null) {
      this.holWaiters = null;
      const release = () => waiters.forEach((resolve) => resolve());
      if (ok) release();
      else void output.waitDrain().then(release);
    }
  }

  connectionFor(mustClose: boolean): number {
    // A connection that reads no more requests says close on its last answer.
    const keep = !mustClose && !this.closeRequired() && !(this.conn.readsNoMore && this.conn.isLast(this));
    this.keepAlive = keep;
    if (!keep) return CONN_CLOSE;
    return this.versionMinor === 0 ? CONN_KEEP_ALIVE : CONN_DEFAULT;
  }

  finished(): void {
    this.done = true;
    this.conn.exchangeFinished(this);
  }

  /**
   * The answer failed after its head went out, so the peer must see the
   * connection end. Answers before it are already written in full: they go
   * out first, and the peer gets a FIN after them, not a reset.
   */
  destroy(): void {
    this.conn.closeNow();
  }

  switchProtocols(accepted: AcceptedUpgrade): Written {
    const options = this.hub.options;
    const negotiated = options.compression ? negotiateDeflate(accepted.extensionsOffer, options.maxPayloadBytes) : null;
    this.switched = { accepted, negotiated };
    this.keepAlive = true;
    return this.writer.switchProtocols(switchingHead(accepted, negotiated?.header ?? null));
  }

  protected writeContinue(): void {
    this.write(CONTINUE);
  }

  protected stopReading(): void {
    this.conn.stopReading();
  }

  pauseReading(): void {
    this.conn.pauseForBody();
  }

  resumeReading(): void {
    this.conn.resumeForBody();
  }

  /** The peer is gone: wake everything that waits on this exchange. */
  override abort(): void {
    super.abort();
    const waiters = this.holWaiters;
    this.holWaiters = null;
    waiters?.forEach((resolve) => resolve());
  }
}
