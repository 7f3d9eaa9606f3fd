// What every connection of one server shares: the resolved options, ctx and
// dispatch, the counters, one coarse timer for all deadlines, and the user
// callbacks, each guarded so that none can take the server down.
import type { ResolvedOptions } from '../options.js';
import type { ParsedHead } from '../parser/head.js';
import type { DispatchFn, StaticResponse, WireRequest, Written } from '../types.js';
import type { Exchange } from './exchange.js';
import { WireHeadersImpl } from './headers.js';
import { pathOf } from './request.js';
import { WebSocketHub } from '../websocket/hub.js';
import type { Tracing } from './tracing.js';
import type { StreamSpares } from './stream/spares.js';
import { OpenConnections, type Linked } from './open-connections.js';

export type { ResolvedOptions } from '../options.js';

/** What the server needs of each open connection, whatever its runtime. */
export interface OpenConnection extends Linked<OpenConnection> {
  /** The server clock's ms (ServerCore.now) after which onDeadline() runs; 0 for none. */
  deadline: number;
  onDeadline(): void;
  /** Finish in-flight answers with Connection: close, close idle ones now. */
  shutdown(): void;
  /** Close at once. */
  destroy(): void;
}

export class ServerCore<C> {
  readonly connections = new OpenConnections<OpenConnection>();
  /** Dispatched exchanges, watched for responseTimeoutMs (null when it is off). */
  readonly timedExchanges: Set<Exchange> | null;
  private allClosed: (() => void) | null = null;
  inFlight = 0;
  closing = false;
  /**
   * Ms since the server started, as of the last tick: the clock deadlines are set and checked with.
   * Counted from the start so that a deadline stays a small integer (V8 boxes one past 2^31).
   */
  now = 1;
  /** One ms before the start, so that no deadline set from now is 0 ("none"). */
  private readonly epoch = Date.now() - 1;
  private ticker: NodeJS.Timeout | null = null;
  /** The server's WebSockets and topics. */
  readonly webSockets: WebSocketHub;
  /** The byte-stream runtimes' spare parsers and outputs (made by the first Connection). */
  streamSpares: StreamSpares | null = null;

  constructor(
    readonly ctx: C,
    readonly dispatch: DispatchFn<C>,
    readonly options: ResolvedOptions<C>,
    /** options.tracing, loaded (null when off). */
    readonly tracing: Tracing | null = null,
  ) {
    this.timedExchanges = options.responseTimeoutMs > 0 ? new Set() : null;
    this.webSockets = new WebSocketHub(options.websocket, options.logger);
  }

  /** One timer per server; its period bounds how late a deadline can fire. */
  startTicker(): void {
    this.now = Date.now() - this.epoch;
    const o = this.options;
    const shortest = Math.min(o.headersTimeoutMs, o.requestTimeoutMs, o.keepAliveTimeoutMs, o.responseTimeoutMs || Infinity);
    const period = Math.min(1000, Math.max(5, shortest / 4));
    this.ticker = setInterval(() => this.tick(), period);
    this.ticker.unref();
  }

  stopTicker(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  private tick(): void {
    const now = (this.now = Date.now() - this.epoch);
    for (const c of this.connections) {
      if (c.deadline !== 0 && now >= c.deadline) c.onDeadline();
    }
    const timed = this.timedExchanges;
    if (timed !== null) {
      const limit = this.options.responseTimeoutMs;
      for (const ex of timed) {
        if (now - ex.startedAt < limit) continue;
        timed.delete(ex);
        ex.timedOut();
      }
    }
  }

  connectionClosed(connection: OpenConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0 && this.allClosed !== null) this.allClosed();
  }

  /**
   * Graceful close shared by every runtime: stop accepting, let in-flight
   * answers finish, destroy what is left after graceMs.
   */
  close(stopAccepting: (graceMs: number) => Promise<void>, graceMs: number): Promise<void> {
    // A second close() (a signal beside the app's own shutdown) waits for the first.
    return (this.closed ??= this.drain(stopAccepting, graceMs));
  }

  private closed: Promise<void> | null = null;

  private async drain(stopAccepting: (graceMs: number) => Promise<void>, graceMs: number): Promise<void> {
    this.closing = true;
    this.guard('onClosing', () => this.options.onClosing?.());
    const accepting = stopAccepting(graceMs);
    const drained = new Promise<void>((resolve) => {
      this.allClosed = resolve;
      if (this.connections.size === 0) resolve();
    });
    for (const c of Array.from(this.connections)) c.shutdown();
    const sockets = this.webSockets.closeAll(graceMs);
    const force = setTimeout(() => {
      for (const c of Array.from(this.connections)) c.destroy();
    }, graceMs);
    await drained;
    clearTimeout(force);
    await sockets;
    await accepting;
    this.stopTicker();
  }

  /** options.tryStatic, asked before any request object is built; a throw is logged and counts as a miss. */
  askStatic(head: ParsedHead): StaticResponse | undefined {
    const tryStatic = this.options.tryStatic;
    if (tryStatic === undefined) return undefined;
    try {
      return tryStatic(this.ctx, head.method, pathOf(head.target), new WireHeadersImpl(head.headers));
    } catch (error) {
      this.logError(`tryStatic threw for ${head.method} ${head.target}`, error);
      return undefined;
    }
  }

  report(written: Written, req: WireRequest | undefined): void {
    const hook = this.options.onResponse;
    if (hook !== undefined) this.guard('onResponse', () => hook(written, req));
  }

  /** Logs through options.logger; a logger that throws falls back to stderr rather than take the server down. */
  logError(message: string, error?: unknown): void {
    try {
      this.options.logger.error(message, error);
    } catch (loggerError) {
      console.error(`[wirecore] ${message}`, error ?? '', '(options.logger.error threw:', loggerError, ')');
    }
  }

  private guard(name: string, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.logError(`${name} threw`, error);
    }
  }
}
