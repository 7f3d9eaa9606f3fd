// The `net` runtime: node:net (node:tls with options.tls) feeding the shared
// connection state machine.
import net from 'node:net';
import tls from 'node:tls';
import { Connection } from './stream/connection.js';
import { proxyHeaderOf, readProxyHeader } from '../proxy/gate.js';
import type { ProxyHeader } from '../proxy/protocol.js';
import type { ProxyPeer } from '../types.js';
import type { ServerCore } from './core.js';
import { destroyLeftoversAfterGrace, listenOn, type Listening } from './listening.js';
import type { RuntimeBinding } from './registry.js';
import type { Transport } from './transport.js';

class SocketTransport implements Transport {
  /** Asked of the kernel on first use (most handlers never ask), then kept for after the socket closes. */
  private address: string | undefined = undefined;
  private port = -1;
  /** 'drain' is listened to only once a write has been refused: an idle connection holds one listener less. */
  private drainWatched = false;

  /** The balancer, when the connection began with a PROXY header. */
  readonly proxy: ProxyPeer | null = null;

  constructor(
    private readonly socket: net.Socket,
    header: ProxyHeader | undefined,
  ) {
    if (header === undefined) return;
    this.proxy = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    // LOCAL (a health check) and address-less headers leave the connection's own address.
    const source = header.source;
    this.address = source?.address ?? this.proxy.address;
    this.port = source?.port ?? this.proxy.port;
  }

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
  // A connection that arrives once close() began (node:cluster hands one over as a copy drains) is still
  // served: its answers carry Connection: close, and graceMs bounds it like any other.
  socket.setNoDelay(true);
  (socket as AttachedSocket)[CONNECTION] = new Connection(core, new SocketTransport(socket, proxyHeaderOf(socket)));
  socket.on('data', onSocketData);
  socket.on('end', onSocketEnd);
  socket.on('close', onSocketClose);
  socket.on('error', onSocketError);
}

function listenNet(core: ServerCore<unknown>, host: string, port: number): Promise<Listening> {
  const tlsOptions = core.options.tls;
  const proxyProtocol = core.options.proxyProtocol;
  // A TLS handshake is part of reaching the first request: it gets the headers timeout, not node:tls's 120 s.
  const server: net.Server = tlsOptions
    ? tls.createServer({ ...tlsOptions, allowHalfOpen: true, handshakeTimeout: core.options.headersTimeoutMs }, (socket) => attach(core, socket))
    : net.createServer({ allowHalfOpen: true }, (socket) => attach(core, socket));
  // A failed or timed-out handshake: node:tls leaves the socket to this listener.
  if (tlsOptions) server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy());
  if (proxyProtocol === null) return listenOn(server, host, port, tlsOptions ? destroyLeftoversAfterGrace(server) : undefined);
  // The PROXY header comes before anything else, TLS included: a plain listener reads it, then hands the socket on.
  const front = net.createServer({ allowHalfOpen: true }, (socket) => {
    readProxyHeader(socket, proxyProtocol, core.options.logger, (ready) => {
      // TLS reads what follows the header itself (the bytes put back included); a plain socket is resumed once attached.
      if (tlsOptions) server.emit('connection', ready);
      else {
        attach(core, ready);
        ready.resume();
      }
    });
  });
  return listenOn(front, host, port, destroyLeftoversAfterGrace(front));
}

export const netRuntime: RuntimeBinding = {
  name: 'net',
  listen: listenNet,
};
