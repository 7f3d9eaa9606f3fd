// The `net` runtime: node:net (node:tls with options.tls) feeding the shared
// connection state machine.
import net from 'node:net';
import tls from 'node:tls';
import { Connection } from './stream/connection.js';
import type { ServerCore } from './core.js';
import { listenOn, type Listening } from './listening.js';
import type { RuntimeBinding } from './registry.js';
import type { Transport } from './transport.js';

class SocketTransport implements Transport {
  /** Asked of the kernel on first use (most handlers never ask), then kept for after the socket closes. */
  private address: string | undefined = undefined;
  private port = -1;
  /** 'drain' is listened to only once a write has been refused: an idle connection holds one listener less. */
  private drainWatched = false;

  constructor(private readonly socket: net.Socket) {}

  get remoteAddress(): string {
    return (this.address ??= this.socket.remoteAddress ?? '');
  }

  get remotePort(): number {
    if (this.port < 0) this.port = this.socket.remotePort ?? 0;
    return this.port;
  }

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  write(data: string | Uint8Array): boolean {
    const ok = typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
    if (!ok && !this.drainWatched) {
      this.drainWatched = true;
      this.socket.on('drain', onSocketDrain);
    }
    return ok;
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  takeOver(): net.Socket {
    const socket = this.socket;
    socket.off('data', onSocketData);
    socket.off('end', onSocketEnd);
    socket.off('close', onSocketClose);
    socket.off('error', onSocketError);
    if (this.drainWatched) socket.off('drain', onSocketDrain);
    delete (socket as Partial<AttachedSocket>)[CONNECTION];
    return socket;
  }
}

/** Each socket carries its Connection, so one set of listeners serves every socket (no closures per connection). */
const CONNECTION = Symbol('wirecore.connection');
type AttachedSocket = net.Socket & { [CONNECTION]: Connection };

function onSocketData(this: AttachedSocket, chunk: Buffer): void {
  this[CONNECTION].onData(chunk);
}
function onSocketDrain(this: AttachedSocket): void {
  this[CONNECTION].onDrain();
}
function onSocketEnd(this: AttachedSocket): void {
  this[CONNECTION].onEnd();
}
function onSocketClose(this: AttachedSocket): void {
  this[CONNECTION].onClose();
}
// 'close' follows every error; the connection learns of it there.
function onSocketError(): void {}

function attach(core: ServerCore<unknown>, socket: net.Socket): void {
  if (core.closing) {
    socket.destroy();
    return;
  }
  socket.setNoDelay(true);
  (socket as AttachedSocket)[CONNECTION] = new Connection(core, new SocketTransport(socket));
  socket.on('data', onSocketData);
  socket.on('end', onSocketEnd);
  socket.on('close', onSocketClose);
  socket.on('error', onSocketError);
}

function listenNet(core: ServerCore<unknown>, host: string, port: number): Promise<Listening> {
  const tlsOptions = core.options.tls;
  const server: net.Server = tlsOptions
    ? tls.createServer({ ...tlsOptions, allowHalfOpen: true }, (socket) => attach(core, socket))
    : net.createServer({ allowHalfOpen: true }, (socket) => attach(core, socket));
  if (tlsOptions) server.on('tlsClientError', () => {});
  return listenOn(server, host, port);
}

export const netRuntime: RuntimeBinding = {
  name: 'net',
  listen: listenNet,
};
