// The WebSocket door's public shapes: one socket object over both codecs
// (`ws` on net and node-http, uWebSockets.js's own on uws), the handlers a
// server gives once (as Bun.serve and uWS take them), and the upgrade call.
import type { ResponseHeaders, WireRequest } from '../types.js';

/** What became of one send: written out, accepted but buffered (`drain` follows), or not sent (over maxBackpressureBytes, or the socket is closing). */
export type SendStatus = 'sent' | 'queued' | 'dropped';

export interface SendOptions {
  /** Send as a binary message. Default: true for bytes, false for strings. */
  binary?: boolean;
  /** Compress this message when permessage-deflate was negotiated (websocket.compression). Default true then. */
  compress?: boolean;
}

/** Data a socket sends: a text string, or bytes. */
export type WebSocketData = string | Uint8Array | ArrayBuffer;

/** An open WebSocket: the same object on every runtime. */
export interface ServerWebSocket<D = unknown> {
  /** What res.upgrade(data) attached. */
  readonly data: D;
  readonly remoteAddress: string;
  /** The subprotocol chosen at the upgrade, or ''. */
  readonly protocol: string;
  /** 1 open, 2 closing, 3 closed (as the browser's WebSocket.readyState). */
  readonly readyState: 1 | 2 | 3;
  /** Bytes accepted by send() and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: WebSocketData, options?: SendOptions): SendStatus;
  /** Sends a ping; the peer's pong reaches handlers.pong. */
  ping(data?: WebSocketData): SendStatus;
  /** Starts the close handshake: code 1000 or 3000–4999 (default 1000), reason up to 123 bytes. */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a close handshake (the peer sees 1006). */
  terminate(): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  isSubscribed(topic: string): boolean;
  /** Topics this socket is subscribed to. */
  readonly topics: readonly string[];
  /** Sends to every subscriber of `topic` except this socket (on this server, its workers, and through websocket.pubsub, every server). */
  publish(topic: string, data: WebSocketData, options?: SendOptions): void;
}

/** What happens on a socket; every handler is optional and a throw is logged (the socket stays open). */
export interface WebSocketHandlers<D = unknown> {
  open?(ws: ServerWebSocket<D>): void | Promise<void>;
  /** A whole message: text as a string, binary as a Buffer. */
  message?(ws: ServerWebSocket<D>, message: string | Buffer, isBinary: boolean): void | Promise<void>;
  /** A send that reported 'queued' has gone out: there is room again. */
  drain?(ws: ServerWebSocket<D>): void;
  /** Once per socket, however it ended: 1005 when the peer gave no code, 1006 when the connection dropped. */
  close?(ws: ServerWebSocket<D>, code: number, reason: string): void;
  /** A ping arrived (the pong is sent for you). */
  ping?(ws: ServerWebSocket<D>, data: Buffer): void;
  pong?(ws: ServerWebSocket<D>, data: Buffer): void;
}

/**
 * Carries topics between processes or machines (see redisPubSub). The
 * server delivers to its own subscribers itself; an adapter forwards what
 * is published here to the others and hands what they publish to `deliver`.
 */
export interface PubSubAdapter {
  /** Called once when the server starts. */
  start(deliver: (topic: string, data: string | Buffer, binary: boolean) => void, logger: { error(message: string, error?: unknown): void; warn(message: string): void }): void | Promise<void>;
  publish(topic: string, data: string | Buffer, binary: boolean): void;
  close(): Promise<void>;
}

/** serveGeneric's `websocket` option: the handlers, given once (per upgrade they may be replaced), and the limits. */
export interface WebSocketOptions<D = unknown> extends WebSocketHandlers<D> {
  /** A message longer than this closes the socket with 1009. Default 16 MiB. */
  maxPayloadBytes?: number;
  /** With nothing received for this long a ping is sent; after as long again the socket is dropped. Default 120 000; 0 turns it off (uws: at least 8000, in whole seconds). */
  idleTimeoutMs?: number;
  /** Negotiate permessage-deflate when the client offers it. Default false. */
  compression?: boolean;
  /** Sends while more than this is buffered are dropped (send() says 'dropped'). Default 1 MiB. */
  maxBackpressureBytes?: number;
  /** Asked at every upgrade with the request's Origin (undefined when it has none): false refuses with 403. */
  allowOrigin?(origin: string | undefined, req: WireRequest): boolean;
  /** Carries publish() to other servers (redisPubSub). Workers of one server are joined without it. */
  pubsub?: PubSubAdapter;
}

export interface UpgradeOptions<D = unknown> {
  /** The subprotocol to answer with: one the client offered (see offeredProtocols); none when left out. */
  protocol?: string;
  /** More fields for the 101 answer (Set-Cookie, …); the handshake fields are the writer's. */
  headers?: ResponseHeaders;
  /** This socket's handlers, instead of the server's websocket handlers. */
  handlers?: WebSocketHandlers<D>;
}
