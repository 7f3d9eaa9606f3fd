// The `ws` library as the codec of net and node-http: wirecore has already
// judged the handshake and written the 101; `ws` takes the socket and the
// bytes read after the head (setSocket), and frames from there on.
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { WebSocketHub } from './hub.js';
import { SocketBase } from './socket.js';
import type { SendStatus, WebSocketHandlers } from './types.js';

/** ws's permessage-deflate and extension header codec: not exported by the package, so loaded by path (ws is pinned). */
interface Deflate {
  accept(offers: unknown[]): Record<string, unknown>;
  cleanup(): void;
}
interface DeflateModule {
  new (options: Record<string, unknown>): Deflate;
  extensionName: string;
}
interface ExtensionModule {
  parse(header: string): Record<string, unknown[]>;
  format(extensions: Record<string, unknown[]>): string;
}
let deflateCodec: { PerMessageDeflate: DeflateModule; extension: ExtensionModule } | null = null;

function loadDeflate(): { PerMessageDeflate: DeflateModule; extension: ExtensionModule } {
  if (deflateCodec !== null) return deflateCodec;
  const require = createRequire(import.meta.url);
  const root = require.resolve('ws').replace(/index\.js$/, '');
  deflateCodec = {
    PerMessageDeflate: require(`${root}lib/permessage-deflate.js`) as DeflateModule,
    extension: require(`${root}lib/extension.js`) as ExtensionModule,
  };
  return deflateCodec;
}

/** A negotiated permessage-deflate, to be handed to the socket, and its answer field. */
export interface Negotiated {
  extensions: Record<string, Deflate>;
  header: string;
}

/** Accepts the client's permessage-deflate offer (null when there is none, or it cannot be accepted). */
export function negotiateDeflate(offer: string, maxPayload: number): Negotiated | null {
  if (offer === '') return null;
  const { PerMessageDeflate, extension } = loadDeflate();
  const name = PerMessageDeflate.extensionName;
  try {
    const offers = extension.parse(offer);
    if (offers[name] === undefined) return null;
    const deflate = new PerMessageDeflate({ isServer: true, maxPayload });
    const params = deflate.accept(offers[name]!);
    return { extensions: { [name]: deflate }, header: extension.format({ [name]: [params] }) };
  } catch {
    return null;
  }
}

interface WsInternals {
  _protocol: string;
  _extensions: Record<string, unknown>;
  _socket: (Duplex & { writableNeedDrain: boolean }) | null;
  setSocket(socket: Duplex, head: Buffer, options: Record<string, unknown>): void;
}

/** How long a close handshake this side began may wait for the peer's close frame (ws's own default). */
const CLOSE_TIMEOUT_MS = 30_000;

function reasonText(reason: Buffer): string {
  return reason.toString('utf8');
}

/** Each ws WebSocket (and its socket) carries its owner, so one set of listeners serves every socket (no closures per socket). */
const OWNER = Symbol('wirecore.websocket');
type Owned = { [OWNER]: WsCodecSocket<unknown> };

function onMessage(this: Owned, message: Buffer, isBinary: boolean): void {
  this[OWNER].received(isBinary ? message : message.toString('utf8'), isBinary);
}
function onPing(this: Owned, data: Buffer): void {
  this[OWNER].pinged(data);
}
function onPong(this: Owned, data: Buffer): void {
  this[OWNER].ponged(data);
}
function onError(this: Owned, error: Error & { [key: symbol]: unknown }): void {
  // The receiver refused a frame: ws closes with the code the error carries.
  const code = Object.getOwnPropertySymbols(error)
    .map((s) => error[s])
    .find((v) => typeof v === 'number');
  if (typeof code === 'number') this[OWNER].failedWith = code;
}
function onClose(this: Owned, code: number, reason: Buffer): void {
  const owner = this[OWNER];
  owner.closed(owner.failedWith !== 0 && code === 1006 ? owner.failedWith : code, reasonText(reason));
}
function onDrain(this: Owned): void {
  this[OWNER].drained();
}

export class WsCodecSocket<D> extends SocketBase<D> {
  private readonly ws: WebSocket;
  /** The code of a protocol error this side closed with (1002, 1007, 1009): what the close handler reports. */
  failedWith = 0;

  constructor(hub: WebSocketHub, data: D, handlers: WebSocketHandlers<D>, protocol: string, remoteAddress: string, negotiated: Negotiated | null) {
    super(hub, data, handlers, protocol, remoteAddress);
    const ws = (this.ws = new WebSocket(null as unknown as string, undefined, { autoPong: true, maxPendingAutoPongs: 60, closeTimeout: CLOSE_TIMEOUT_MS } as never));
    const internals = ws as unknown as WsInternals;
    internals._protocol = protocol;
    if (negotiated !== null) internals._extensions = negotiated.extensions;
    (ws as unknown as Owned)[OWNER] = this as WsCodecSocket<unknown>;
    const events = ws as unknown as { on(event: string, listener: (...args: never[]) => void): void };
    events.on('message', onMessage);
    events.on('ping', onPing);
    events.on('pong', onPong);
    events.on('error', onError);
    events.on('close', onClose);
  }

  /** Takes the socket over; `head` is what was read after the upgrade's head. */
  attach(socket: Duplex, head: Buffer): void {
    const internals = this.ws as unknown as WsInternals;
    internals.setSocket(socket, head, {
      allowSynchronousEvents: true,
      maxBufferedChunks: 256 * 1024,
      maxFragments: 16 * 1024,
      maxPayload: this.hub.options.maxPayloadBytes,
      skipUTF8Validation: false,
    });
    (socket as unknown as Owned)[OWNER] = this as WsCodecSocket<unknown>;
    socket.on('drain', onDrain);
    this.opened();
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  private get congested(): boolean {
    return (this.ws as unknown as WsInternals)._socket?.writableNeedDrain === true;
  }

  protected sendMessage(bytes: string | Buffer, binary: boolean, compress: boolean): SendStatus {
    this.ws.send(bytes, { binary, compress, fin: true });
    return this.congested ? 'queued' : 'sent';
  }

  protected sendPing(bytes: string | Buffer): SendStatus {
    this.ws.ping(bytes);
    return this.congested ? 'queued' : 'sent';
  }

  protected startClose(code: number | undefined, reason: string | undefined): void {
    this.ws.close(code, reason);
  }

  protected drop(): void {
    this.ws.terminate();
  }
}
