import type net from 'node:net';

/** What a runtime hands back once it listens. */
export interface Listening {
  address: string;
  port: number;
  /** Stops accepting; settles when the listener is closed (graceMs: how long close() lets connections finish). */
  stopAccepting(graceMs: number): Promise<void>;
  /** Open sockets, for a runtime whose connections the server does not track itself. */
  countConnections?(): number;
}

/**
 * The accept queue's length (the kernel caps it at net.core.somaxconn). Node's
 * 511 overflows when ~1,000 clients connect at once: the kernel then drops the
 * handshake's last ACK and the client's first request waits for a SYN-ACK
 * retransmit (1 s, then 3 s).
 */
const LISTEN_BACKLOG = 4096;

/** Listens with a node:net-based server; `beforeClose` runs as it stops accepting. */
export function listenOn(server: net.Server, host: string, port: number, beforeClose?: (graceMs: number) => void): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        address: address.address,
        port: address.port,
        stopAccepting: (graceMs) =>
          new Promise<void>((done) => {
            server.close(() => done());
            beforeClose?.(graceMs);
          }),
      });
    });
  });
}

/**
 * For a listener whose sockets reach the server's drain only later (a TLS
 * handshake, a PROXY header still to come): node:net's close() waits for
 * them, so one a client abandoned would hold close() until its own timeout.
 * Whatever TCP socket of this listener is still open when the grace period
 * ends is destroyed, whether it became a connection or not (the drain would
 * destroy a connection at that moment too).
 */
export function destroyLeftoversAfterGrace(server: net.Server): (graceMs: number) => void {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return (graceMs) => {
    setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, graceMs).unref();
  };
}
