// One server's WebSockets: the open sockets (stats, graceful close with
// 1001), the idle timeout with pings for codecs that keep none themselves,
// and publish: local subscribers first, then the relays that carry a topic
// to the server's other workers and, through websocket.pubsub, other servers.
import type { Logger } from '../types.js';
import type { ResolvedWebSocketOptions } from './options.js';
import { payload, type SocketBase } from './socket.js';
import { MapTopics, type TopicBus } from './topics.js';
import type { SendOptions, WebSocketData } from './types.js';

/** Carries a published message out of this process. */
export interface Relay {
  publish(topic: string, bytes: string | Buffer, binary: boolean): void;
  close?(): Promise<void>;
}

export class WebSocketHub {
  readonly sockets = new Set<SocketBase>();
  topics: TopicBus = new MapTopics();
  /** Set when a codec keeps its own idle timeout (uWS). */
  codecKeepsIdle = false;
  private readonly relays: Relay[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private allClosed: (() => void) | null = null;
  now = Date.now();

  constructor(
    readonly options: ResolvedWebSocketOptions,
    private readonly logger: Logger,
  ) {}

  /** The server listens: the pub/sub adapter joins (a failure is logged; local topics work regardless). */
  start(): void {
    const pubsub = this.options.pubsub;
    if (pubsub === undefined) return;
    this.relays.push(pubsub);
    try {
      const started = pubsub.start((topic, bytes, binary) => this.deliverRemote(topic, bytes, binary), this.logger);
      if (started instanceof Promise) started.catch((error: unknown) => this.logError('websocket.pubsub failed to start', error));
    } catch (error) {
      this.logError('websocket.pubsub failed to start', error);
    }
  }

  get count(): number {
    return this.sockets.size;
  }

  addRelay(relay: Relay): void {
    this.relays.push(relay);
  }

  /** Sends to every subscriber of `topic`: here (but `from`), on the other workers, on the other servers. */
  publish(topic: string, data: WebSocketData, options: SendOptions | undefined, from: SocketBase | null): void {
    const { bytes, binary } = payload(data, options);
    this.topics.deliver(topic, bytes, binary, options?.compress ?? true, from);
    for (const relay of this.relays) {
      try {
        relay.publish(topic, bytes, binary);
      } catch (error) {
        this.logError(`publishing to topic ${JSON.stringify(topic)} beyond this process failed`, error);
      }
    }
  }

  /** A message published elsewhere, for this process's subscribers. */
  deliverRemote(topic: string, bytes: string | Buffer, binary: boolean): void {
    this.topics.deliver(topic, bytes, binary, true, null);
  }

  added(socket: SocketBase): void {
    this.sockets.add(socket);
    if (this.idleTimer === null && !this.codecKeepsIdle && this.options.idleTimeoutMs > 0) {
      const period = Math.max(5, Math.min(1000, this.options.idleTimeoutMs / 4));
      this.idleTimer = setInterval(() => this.checkIdle(), period);
      this.idleTimer.unref();
    }
  }

  removed(socket: SocketBase): void {
    this.sockets.delete(socket);
    if (this.sockets.size > 0) return;
    if (this.idleTimer !== null) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.allClosed?.();
  }

  /** Nothing received for idleTimeoutMs: a ping; nothing for as long again: dropped. */
  private checkIdle(): void {
    const now = (this.now = Date.now());
    const limit = this.options.idleTimeoutMs;
    for (const socket of this.sockets) {
      if (now - socket.lastReceived < limit) continue;
      if (!socket.idlePinged) {
        socket.idlePinged = true;
        socket.lastReceived = now;
        socket.ping();
      } else {
        socket.terminate();
      }
    }
  }

  /** server.close(): 1001 to every socket, then wait for them; what is left after graceMs is dropped. */
  async closeAll(graceMs: number): Promise<void> {
    if (this.sockets.size > 0) {
      const closed = new Promise<void>((resolve) => (this.allClosed = resolve));
      for (const socket of [...this.sockets]) socket.close(1001, 'Server closing');
      const force = setTimeout(() => {
        for (const socket of [...this.sockets]) socket.terminate();
        // A codec that reports no close for a dropped socket still ends it here (its close handler runs once).
        setImmediate(() => {
          for (const socket of [...this.sockets]) socket.closed(1006, '');
        });
      }, graceMs);
      await closed;
      clearTimeout(force);
    }
    await Promise.all(this.relays.map((relay) => relay.close?.().catch((error: unknown) => this.logError('closing a websocket relay failed', error))));
  }

  logError(message: string, error?: unknown): void {
    try {
      this.logger.error(message, error);
    } catch {
      console.error(`[wirecore] ${message}`, error ?? '');
    }
  }
}
