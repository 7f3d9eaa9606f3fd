// uWebSockets.js's own WebSocket as the codec of the uws runtime: wirecore
// has judged the handshake; uWS writes the 101 (res.upgrade), frames, keeps
// the idle timeout with pings, and its native topics serve publish.
import type { WebSocketHub } from './hub.js';
import { CLOSED, SocketBase } from './socket.js';
import type { TopicBus } from './topics.js';
import type { SendStatus } from './types.js';
import type { AcceptedUpgrade } from './upgrade.js';

export interface UwsWebSocket {
  send(message: string | Uint8Array, isBinary?: boolean, compress?: boolean): number;
  ping(message?: string | Uint8Array): number;
  getBufferedAmount(): number;
  end(code?: number, shortMessage?: string): void;
  close(): void;
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  isSubscribed(topic: string): boolean;
  getTopics(): string[];
  publish(topic: string, message: string | Uint8Array, isBinary?: boolean, compress?: boolean): boolean;
  getUserData(): UwsSocketData;
  getRemoteAddressAsText(): ArrayBuffer;
}

/** What res.upgrade() attaches to the uWS socket: the accepted handshake, then the socket object made at open. */
export interface UwsSocketData {
  accepted: AcceptedUpgrade;
  socket: UwsCodecSocket<unknown> | null;
}

const SEND_STATUS: readonly SendStatus[] = ['queued', 'sent', 'dropped'];

export class UwsCodecSocket<D> extends SocketBase<D> {
  constructor(
    hub: WebSocketHub,
    readonly ws: UwsWebSocket,
    accepted: AcceptedUpgrade,
  ) {
    super(hub, accepted.data as D, accepted.handlers, accepted.protocol, Buffer.from(ws.getRemoteAddressAsText()).toString('latin1'));
  }

  get bufferedAmount(): number {
    return this.readyState === CLOSED ? 0 : this.ws.getBufferedAmount();
  }

  protected sendMessage(bytes: string | Buffer, binary: boolean, compress: boolean): SendStatus {
    return SEND_STATUS[this.ws.send(bytes, binary, compress)] ?? 'dropped';
  }

  protected sendPing(bytes: string | Buffer): SendStatus {
    return SEND_STATUS[this.ws.ping(bytes)] ?? 'dropped';
  }

  protected startClose(code: number | undefined, reason: string | undefined): void {
    this.ws.end(code ?? 1000, reason ?? '');
  }

  protected drop(): void {
    this.ws.close();
  }
}

/** uWS's native topics (a closed uWS socket may not be touched: it has left them already). */
export class UwsTopics implements TopicBus {
  constructor(private readonly app: { publish(topic: string, message: string | Uint8Array, isBinary?: boolean, compress?: boolean): boolean }) {}

  private open(socket: SocketBase): UwsWebSocket | null {
    return socket.readyState === CLOSED ? null : (socket as UwsCodecSocket<unknown>).ws;
  }

  subscribe(socket: SocketBase, topic: string): void {
    this.open(socket)?.subscribe(topic);
  }

  unsubscribe(socket: SocketBase, topic: string): void {
    this.open(socket)?.unsubscribe(topic);
  }

  isSubscribed(socket: SocketBase, topic: string): boolean {
    return this.open(socket)?.isSubscribed(topic) ?? false;
  }

  topicsOf(socket: SocketBase): string[] {
    return this.open(socket)?.getTopics() ?? [];
  }

  dropAll(): void {}

  deliver(topic: string, bytes: string | Buffer, binary: boolean, compress: boolean, except: SocketBase | null): void {
    const from = except === null ? null : this.open(except);
    if (from !== null) from.publish(topic, bytes, binary, compress);
    else this.app.publish(topic, bytes, binary, compress);
  }
}
