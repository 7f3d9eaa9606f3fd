// The `memory` runtime: the connection state machine over an in-process
// byte pipe, for tests that need no socket.
import type { DispatchFn, ServeOptions } from '../types.js';
import { loadTracing } from './tracing.js';
import { Connection } from './stream/connection.js';
import { resolveOptions } from '../options.js';
import { ServerCore } from './core.js';
import type { Transport } from './transport.js';

export class MemoryTransport implements Transport {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly output: Buffer[] = [];
  private paused = false;
  private queued: Buffer[] = [];
  private closed = false;
  connection: Connection | null = null;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor() {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Sends bytes from the client side. */
  feed(bytes: Buffer): void {
    if (this.paused) this.queued.push(bytes);
    else this.connection?.onData(bytes);
  }

  write(data: string | Uint8Array): boolean {
    if (!this.closed) this.output.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data));
    return true;
  }
  cork(): void {}
  uncork(): void {}
  end(): void {
    this.close();
  }
  destroy(): void {
    this.close();
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    while (!this.paused && this.queued.length > 0) this.connection?.onData(this.queued.shift()!);
  }

  idle(): void {
    this.resolveDone();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => {
      this.connection?.onClose();
      this.resolveDone();
    });
  }
}

/** Runs raw request bytes through a fresh connection; resolves with every byte answered once it closes or has nothing left to answer. */
export async function exchangeBytes<C>(ctx: C, dispatch: DispatchFn<C>, request: Uint8Array, options: ServeOptions<C> = {}): Promise<Buffer> {
  const resolved = resolveOptions(options);
  const core = new ServerCore<C>(ctx, dispatch, resolved, await loadTracing(resolved.tracing, false, (message, error) => resolved.logger.error(message, error)));
  core.startTicker();
  const transport = new MemoryTransport();
  const connection = new Connection(core as ServerCore<unknown>, transport);
  transport.connection = connection;
  transport.feed(Buffer.from(request));
  try {
    await transport.done;
  } finally {
    connection.destroy();
    core.stopTicker();
  }
  return Buffer.concat(transport.output);
}
