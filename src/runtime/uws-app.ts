// The `uws` runtime's binding: start-up checks, the uWS app with its HTTP and
// WebSocket routes, listening. Each request runs through uws.ts (its answer: uws-exchange.ts).
import { OptionError } from '../errors.js';
import type { ResolvedOptions, ServerCore } from './core.js';
import { countSockets } from './kernel-sockets.js';
import type { Listening } from './listening.js';
import type { RuntimeBinding } from './registry.js';
import { serveUwsRequest } from './uws.js';
import { loadUws, type UwsApp, type UwsRequest, type UwsResponse } from './uws-loader.js';
import { uwsWebSocketBehavior } from '../websocket/uws-behavior.js';

function checkOptions(options: ResolvedOptions<unknown>): void {
  if (options.proxyProtocol !== null && options.tls !== undefined) {
    throw new OptionError(
      "runtime 'uws' cannot take a PROXY protocol header before TLS: uWebSockets.js reads it inside the TLS stream, where balancers do not send it. " +
        "Terminate TLS at the balancer, or use runtime 'net' or 'node-http' (both read the header before the handshake)",
    );
  }
  const limit = options.maxHeaderBytes + options.maxTargetBytes + 1024;
  const uws = loadUws(limit);
  if (uws.headerLimit < limit) {
    throw new OptionError(
      `runtime 'uws' reads its header limit once per process; it was loaded for maxHeaderBytes + maxTargetBytes of about ${uws.headerLimit - 1024} bytes, ` +
        `so this server's ${options.maxHeaderBytes} + ${options.maxTargetBytes} cannot hold on it: start uws servers with the largest limits first, or use runtime 'net'`,
    );
  }
}

async function listenUws(core: ServerCore<unknown>, host: string, port: number): Promise<Listening> {
  const uws = loadUws(core.options.maxHeaderBytes + core.options.maxTargetBytes + 1024);
  const tls = core.options.tls;
  const app: UwsApp = tls ? uws.sslApp(tls) : uws.App();
  const serve = (res: UwsResponse, req: UwsRequest, upgradeContext: unknown = null) => serveUwsRequest(core, res, req, upgradeContext);
  app.any('/*', serve);
  // uWS routes a GET with a Sec-WebSocket-Key here: the same pipeline runs, and res.upgrade() can switch it.
  app.ws('/*', uwsWebSocketBehavior(core.webSockets, uws, app, serve));
  return new Promise((resolve, reject) => {
    app.listen(host, port, (listenSocket) => {
      if (!listenSocket) {
        reject(new Error(`wirecore: uWebSockets.js could not listen on ${host}:${port}`));
        return;
      }
      const bound = uws.us_socket_local_port(listenSocket);
      resolve({
        address: host,
        port: bound,
        stopAccepting: async () => uws.us_listen_socket_close(listenSocket),
        countConnections: () => countSockets(bound),
      });
    });
  });
}

export const uwsRuntime: RuntimeBinding = {
  name: 'uws',
  checkOptions,
  listen: listenUws,
};
