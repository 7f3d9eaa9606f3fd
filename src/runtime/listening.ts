import type net from 'node:net';

/** What a runtime hands back once it listens. */
export interface Listening {
  address: string;
  port: number;
  /** Stops accepting; settles when the listener is closed. */
  stopAccepting(): Promise<void>;
  /** Open sockets, for a runtime whose connections the server does not track itself. */
  countConnections?(): number;
}

/** Listens with a node:net-based server; `beforeClose` runs as it stops accepting. */
export function listenOn(server: net.Server, host: string, port: number, beforeClose?: () => void): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        address: address.address,
        port: address.port,
        stopAccepting: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            beforeClose?.();
          }),
      });
    });
  });
}
