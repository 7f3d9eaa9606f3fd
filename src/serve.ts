// serveGeneric: the one door. Resolves options, picks the runtime, listens.
import { ServerCore, resolveOptions } from './runtime/core.js';
import type { Listening } from './runtime/listening.js';
import { listenNet } from './runtime/net.js';
import type { DispatchFn, RuntimeName, ServeOptions, Server } from './types.js';

const RUNTIMES: readonly RuntimeName[] = ['net', 'uws', 'node-http'];

async function listen(runtime: RuntimeName, core: ServerCore<unknown>, options: ServeOptions<unknown>, host: string, port: number): Promise<Listening> {
  switch (runtime) {
    case 'net':
      return listenNet(core, host, port, options.tls);
    case 'uws': {
      const { listenUws } = await import('./runtime/uws.js');
      return listenUws(core, host, port, options.tls);
    }
    case 'node-http': {
      const { listenNodeHttp } = await import('./runtime/node-http.js');
      return listenNodeHttp(core, host, port, options.tls);
    }
  }
}

export async function serveGeneric<C>(ctx: C, dispatch: DispatchFn<C>, options: ServeOptions<C> = {}): Promise<Server> {
  if (typeof dispatch !== 'function') throw new TypeError('wirecore: serveGeneric(ctx, dispatch, options) needs a dispatch function');
  const runtime = options.runtime ?? 'net';
  if (!RUNTIMES.includes(runtime)) {
    throw new RangeError(`wirecore: unknown runtime ${JSON.stringify(runtime)}; choose one of ${RUNTIMES.join(', ')}`);
  }
  if (options.workers !== undefined) {
    const { serveWorkers } = await import('./runtime/workers.js');
    return serveWorkers(options as ServeOptions<unknown>, resolveOptions(options).logger);
  }
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`wirecore: options.port must be an integer from 0 to 65535, got ${port}`);
  const core = new ServerCore<C>(ctx, dispatch, resolveOptions(options));
  const listening = await listen(runtime, core as ServerCore<unknown>, options as ServeOptions<unknown>, host, port);
  core.startTicker();
  const scheme = options.tls ? 'https' : 'http';
  const urlHost = listening.address.includes(':') ? `[${listening.address}]` : listening.address;
  return {
    runtime,
    address: listening.address,
    port: listening.port,
    url: `${scheme}://${urlHost}:${listening.port}`,
    get stats() {
      return { connections: core.connections.size, inFlight: core.inFlight };
    },
    get closing() {
      return core.closing;
    },
    close: ({ graceMs = 5000 } = {}) => core.close(() => listening.stopAccepting(), graceMs),
  };
}
