// What every connection of one server shares: the resolved options, ctx and
// dispatch, the counters, and one coarse timer for all deadlines.
import type { DispatchFn, Logger, ServeOptions, StaticResponse, WireRequest, Written } from '../types.js';
import { WireHeadersImpl } from './headers.js';
import { pathOf } from './request.js';

export interface ResolvedOptions<C> {
  maxHeaderBytes: number;
  maxTargetBytes: number;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxPipelinedRequests: number;
  tryStatic: ServeOptions<C>['tryStatic'];
  onResponse: ((written: Written, req: WireRequest | undefined) => void) | undefined;
  onClosing: (() => void) | undefined;
  logger: Logger;
}

const consoleLogger: Logger = {
  error: (message, error) => console.error(`[wirecore] ${message}`, error ?? ''),
  warn: (message) => console.warn(`[wirecore] ${message}`),
};

function positive(options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`wirecore: options.${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

export function resolveOptions<C>(options: ServeOptions<C>): ResolvedOptions<C> {
  const raw = options as Record<string, unknown>;
  if (options.tryStatic !== undefined && typeof options.tryStatic !== 'function') {
    throw new TypeError('wirecore: options.tryStatic must be a function');
  }
  if (options.onResponse !== undefined && typeof options.onResponse !== 'function') {
    throw new TypeError('wirecore: options.onResponse must be a function');
  }
  if (options.onClosing !== undefined && typeof options.onClosing !== 'function') {
    throw new TypeError('wirecore: options.onClosing must be a function');
  }
  return {
    maxHeaderBytes: positive(raw, 'maxHeaderBytes', 16 * 1024),
    maxTargetBytes: positive(raw, 'maxTargetBytes', 8 * 1024),
    maxBodyBytes: positive(raw, 'maxBodyBytes', 1024 * 1024),
    headersTimeoutMs: positive(raw, 'headersTimeoutMs', 10_000),
    requestTimeoutMs: positive(raw, 'requestTimeoutMs', 30_000),
    keepAliveTimeoutMs: positive(raw, 'keepAliveTimeoutMs', 5_000),
    maxPipelinedRequests: Math.floor(positive(raw, 'maxPipelinedRequests', 32)),
    tryStatic: options.tryStatic,
    onResponse: options.onResponse,
    onClosing: options.onClosing,
    logger: options.logger ?? consoleLogger,
  };
}

/** What the server needs of each open connection, whatever its runtime. */
export interface OpenConnection {
  /** Epoch ms after which onDeadline() runs; 0 for none. */
  deadline: number;
  onDeadline(): void;
  /** Finish in-flight answers with Connection: close, close idle ones now. */
  shutdown(): void;
  /** Close at once. */
  destroy(): void;
}

export class ServerCore<C> {
  readonly connections = new Set<OpenConnection>();
  private allClosed: (() => void) | null = null;
  inFlight = 0;
  closing = false;
  /** Epoch ms as of the last tick: the clock deadlines are set and checked with. */
  now = Date.now();
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    readonly ctx: C,
    readonly dispatch: DispatchFn<C>,
    readonly options: ResolvedOptions<C>,
  ) {}

  /** One timer per server; its period bounds how late a deadline can fire. */
  startTicker(): void {
    this.now = Date.now();
    const o = this.options;
    const period = Math.min(1000, Math.max(5, Math.min(o.headersTimeoutMs, o.requestTimeoutMs, o.keepAliveTimeoutMs) / 4));
    this.ticker = setInterval(() => this.tick(), period);
    this.ticker.unref();
  }

  stopTicker(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  private tick(): void {
    const now = (this.now = Date.now());
    for (const c of this.connections) {
      if (c.deadline !== 0 && now >= c.deadline) c.onDeadline();
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
  async close(stopAccepting: () => Promise<void>, graceMs: number): Promise<void> {
    if (this.closing) throw new Error('wirecore: server.close() was already called');
    this.closing = true;
    try {
      this.options.onClosing?.();
    } catch (error) {
      this.options.logger.error('onClosing threw', error);
    }
    const accepting = stopAccepting();
    const drained = new Promise<void>((resolve) => {
      this.allClosed = resolve;
      if (this.connections.size === 0) resolve();
    });
    for (const c of [...this.connections]) c.shutdown();
    const force = setTimeout(() => {
      for (const c of [...this.connections]) c.destroy();
    }, graceMs);
    await drained;
    clearTimeout(force);
    await accepting;
    this.stopTicker();
  }

  /** options.tryStatic, asked before any request object is built; a throw is logged and counts as a miss. */
  askStatic(method: string, target: string, rawHeaders: readonly string[]): StaticResponse | undefined {
    const tryStatic = this.options.tryStatic;
    if (tryStatic === undefined) return undefined;
    try {
      return tryStatic(this.ctx, method, pathOf(target), new WireHeadersImpl(rawHeaders));
    } catch (error) {
      this.options.logger.error(`tryStatic threw for ${method} ${target}`, error);
      return undefined;
    }
  }

  report(written: Written, req: WireRequest | undefined): void {
    const hook = this.options.onResponse;
    if (hook === undefined) return;
    try {
      hook(written, req);
    } catch (error) {
      this.options.logger.error('onResponse threw', error);
    }
  }
}
