// What every ServerWebSocket shares whatever its codec: the state, the
// checks on send and close, topics through the hub, and the handlers, each
// guarded so a throw (or a rejected promise) is logged and nothing more.
import type { SendOptions, SendStatus, ServerWebSocket, WebSocketData, WebSocketHandlers } from './types.js';
import type { WebSocketHub } from './hub.js';

export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;

/** Codes an endpoint may send (RFC 6455 §7.4.1): not 1004–1006 or 1015, which only describe what happened. */
export function isSendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
}

export function checkClose(code: number | undefined, reason: string | undefined): void {
  if (code !== undefined && !isSendableCloseCode(code)) throw new RangeError(`WebSocket close code ${String(code)} cannot be sent; use 1000, 1001–1003, 1007–1014 or 3000–4999`);
  if (reason !== undefined && Buffer.byteLength(reason) > 123) throw new RangeError('A WebSocket close reason is at most 123 bytes of UTF-8');
  if (reason !== undefined && reason !== '' && code === undefined) throw new TypeError('A WebSocket close reason needs a close code');
}

/** Bytes or a string, as a codec takes them; `binary` defaults to "not a string". */
export function payload(data: WebSocketData, options: SendOptions | undefined): { bytes: string | Buffer; binary: boolean } {
  if (typeof data === 'string') return { bytes: data, binary: options?.binary ?? false };
  const bytes = Buffer.isBuffer(data) ? data : data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { bytes, binary: options?.binary ?? true };
}

export abstract class SocketBase<D = unknown> implements ServerWebSocket<D> {
  readyState: 1 | 2 | 3 = OPEN;
  /** Topics, for codecs whose topics the hub keeps (uWS keeps its own); made on the first subscribe. */
  subscriptions: Set<string> | null = null;
  /** A send said 'queued': drain is owed. */
  protected drainOwed = false;
  /** Epoch ms of the last frame received, for the idle timeout. */
  lastReceived = Date.now();
  /** A ping went out for the idle timeout and nothing came back yet. */
  idlePinged = false;

  constructor(
    readonly hub: WebSocketHub,
    readonly data: D,
    readonly handlers: WebSocketHandlers<D>,
    readonly protocol: string,
    readonly remoteAddress: string,
  ) {}

  abstract get bufferedAmount(): number;
  /** Sends one message: 'sent' when it went out without buffering. */
  protected abstract sendMessage(bytes: string | Buffer, binary: boolean, compress: boolean): SendStatus;
  protected abstract sendPing(bytes: string | Buffer): SendStatus;
  protected abstract startClose(code: number | undefined, reason: string | undefined): void;
  protected abstract drop(): void;

  send(data: WebSocketData, options?: SendOptions): SendStatus {
    if (this.readyState !== OPEN) return 'dropped';
    if (this.bufferedAmount > this.hub.options.maxBackpressureBytes) return 'dropped';
    const { bytes, binary } = payload(data, options);
    return this.status(this.sendMessage(bytes, binary, options?.compress ?? true));
  }

  ping(data: WebSocketData = ''): SendStatus {
    if (this.readyState !== OPEN) return 'dropped';
    if (this.bufferedAmount > this.hub.options.maxBackpressureBytes) return 'dropped';
    return this.status(this.sendPing(payload(data, undefined).bytes));
  }

  private status(status: SendStatus): SendStatus {
    if (status === 'queued') this.drainOwed = true;
    return status;
  }

  close(code?: number, reason?: string): void {
    checkClose(code, reason);
    if (this.readyState !== OPEN) return;
    this.readyState = CLOSING;
    this.startClose(code, reason);
  }

  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.drop();
  }

  subscribe(topic: string): void {
    if (this.readyState !== CLOSED) this.hub.topics.subscribe(this, String(topic));
  }

  unsubscribe(topic: string): void {
    this.hub.topics.unsubscribe(this, String(topic));
  }

  isSubscribed(topic: string): boolean {
    return this.hub.topics.isSubscribed(this, String(topic));
  }

  get topics(): readonly string[] {
    return this.hub.topics.topicsOf(this);
  }

  publish(topic: string, data: WebSocketData, options?: SendOptions): void {
    this.hub.publish(String(topic), data, options, this);
  }

  // ---- what the codec reports

  opened(): void {
    this.hub.added(this);
    this.call('open', () => this.handlers.open?.(this));
  }

  received(message: string | Buffer, isBinary: boolean): void {
    this.lastReceived = this.hub.now;
    this.idlePinged = false;
    this.call('message', () => this.handlers.message?.(this, message, isBinary));
  }

  pinged(data: Buffer): void {
    this.lastReceived = this.hub.now;
    this.idlePinged = false;
    this.call('ping', () => this.handlers.ping?.(this, data));
  }

  ponged(data: Buffer): void {
    this.lastReceived = this.hub.now;
    this.idlePinged = false;
    this.call('pong', () => this.handlers.pong?.(this, data));
  }

  drained(): void {
    if (!this.drainOwed || this.readyState !== OPEN) return;
    this.drainOwed = false;
    this.call('drain', () => this.handlers.drain?.(this));
  }

  closed(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.hub.topics.dropAll(this);
    this.hub.removed(this);
    this.call('close', () => this.handlers.close?.(this, code, reason));
  }

  private call(name: string, run: () => unknown): void {
    try {
      const result = run();
      if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(undefined, (error: unknown) => this.hub.logError(`websocket ${name} handler failed`, error));
      }
    } catch (error) {
      this.hub.logError(`websocket ${name} handler threw`, error);
    }
  }
}
