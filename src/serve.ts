// serveGeneric: the one door. Checks the options, picks the runtime's
// binding from the registry, listens.
import { resolveOptions } from './options.js';
import { ServerCore } from './runtime/core.js';
import { loadRuntime } from './runtime/registry.js';
import type { DispatchFn, ServeOptions, Server } from './types.js';

/**
 * Serves `dispatch` on one of wirecore's runtimes. `ctx` is handed to every
 * dispatch as it is; the wire layer never looks inside it. Resolves once the
 * server listens (port 0 picks a free port: read `server.port`).
 */
export async function serveGeneric<C>(ctx: C, dispatch: DispatchFn<C>, options?: ServeOptions<C>): Promise<Server> {
  if (typeof dispatch !== 'function') throw new TypeError('wirecore: serveGeneric(ctx, dispatch, options) needs a dispatch function');
  const resolved = resolveOptions(options);
  if (resolved.workers !== undefined) {
    const { serveWorkers } = await import('./runtime/workers.js');
    return serveWorkers(options as ServeOptions<unknown>, resolved as never);
  }
  const binding = await loadRuntime(resolved.runtime);
  binding.checkOptions?.(resolved as never);
  const core = new ServerCore<C>(ctx, dispatch, resolved);
  const listening = await binding.listen(core as ServerCore<unknown>, resolved.host, resolved.port);
  core.startTicker();
  const hub = core.webSockets;
  hub.start();
  // A workers copy (worker-entry.ts) shares its topics with the other copies through the primary.
  if (process.env.WIRECORE_WORKER !== undefined && process.send !== undefined) (await import('./websocket/worker-relay.js')).joinWorkers(hub);
  const scheme = resolved.tls ? 'https' : 'http';
  const urlHost = listening.address.includes(':') ? `[${listening.address}]` : listening.address;
  return {
    runtime: resolved.runtime,
    address: listening.address,
    port: listening.port,
    url: `${scheme}://${urlHost}:${listening.port}`,
    get stats() {
      return { connections: listening.countConnections?.() ?? core.connections.size + hub.count, inFlight: core.inFlight, webSockets: hub.count };
    },
    get closing() {
      return core.closing;
    },
    close: ({ graceMs = 5000 } = {}) => core.close(() => listening.stopAccepting(), graceMs),
    publish: (topic, data, options) => hub.publish(String(topic), data, options, null),
  };
}
