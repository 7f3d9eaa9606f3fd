// serveGeneric: the one door. Checks the options, picks the runtime's
// binding from the registry, listens.
import { OptionError } from './errors.js';
import { resolveOptions } from './options.js';
import { ServerCore } from './runtime/core.js';
import { loadRuntime } from './runtime/registry.js';
import { loadTracing } from './runtime/tracing.js';
import { watchSignals, type SignalWatch } from './runtime/signals.js';
import type { DispatchFn, ServeOptions, Server } from './types.js';

/** With `workers`, each copy takes ctx and dispatch from `workerModule`: the primary's may be left out (null). */
export type WorkersServeOptions = ServeOptions<unknown> & { workers: number | 'auto'; workerModule: string | URL };

/**
 * Serves `dispatch` on one of wirecore's runtimes. `ctx` is handed to every
 * dispatch as it is; the wire layer never looks inside it. Resolves once the
 * server listens (port 0 picks a free port: read `server.port`).
 */
export function serveGeneric(ctx: null, dispatch: null, options: WorkersServeOptions): Promise<Server>;
export function serveGeneric<C>(ctx: C, dispatch: DispatchFn<C>, options?: ServeOptions<C>): Promise<Server>;
export async function serveGeneric<C>(ctx: C, dispatch: DispatchFn<C> | null, options?: ServeOptions<C>): Promise<Server> {
  // With workers the primary never dispatches (functions cannot cross into the copies), so it need not be given one.
  const dispatchElsewhere = options?.workers !== undefined && dispatch == null;
  if (typeof dispatch !== 'function' && !dispatchElsewhere) {
    throw new TypeError('wirecore: serveGeneric(ctx, dispatch, options) needs a dispatch function (with options.workers, null: each copy imports ctx and dispatch from workerModule)');
  }
  const resolved = resolveOptions(options);
  const watch = resolved.signals === null ? null : watchSignals(resolved.signals.graceMs, resolved.logger, resolved.workers !== undefined);
  let server: Server;
  try {
    server = await start(ctx, dispatch, options, resolved);
  } catch (error) {
    watch?.failed();
    throw error;
  }
  if (watch === null) return server;
  watch.started(server);
  return released(server, watch);
}

/** The server, forgetting its signal watch once it is closed. */
function released(server: Server, watch: SignalWatch): Server {
  const close = server.close.bind(server);
  return Object.defineProperty(server, 'close', {
    value: (closeOptions?: { graceMs?: number }) => {
      const closed = close(closeOptions);
      void closed.then(
        () => watch.release(),
        () => watch.release(),
      );
      return closed;
    },
  });
}

async function start<C>(ctx: C, dispatch: DispatchFn<C> | null, options: ServeOptions<C> | undefined, resolved: ReturnType<typeof resolveOptions<C>>): Promise<Server> {
  if (resolved.workers !== undefined) {
    const { serveWorkers } = await import('./runtime/workers.js');
    return serveWorkers(options as ServeOptions<unknown>, resolved as never);
  }
  const binding = await loadRuntime(resolved.runtime);
  binding.checkOptions?.(resolved as never);
  const tracing = await loadTracing(resolved.tracing, resolved.tls !== undefined, (message, error) => resolved.logger.error(message, error));
  const core = new ServerCore<C>(ctx, dispatch!, resolved, tracing);
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
    close: ({ graceMs = 5000 } = {}) => core.close((grace) => listening.stopAccepting(grace), graceMs),
    publish: (topic, data, options) => hub.publish(String(topic), data, options, null),
    reload: () => Promise.reject(new OptionError('server.reload() replaces worker copies: start the server with options.workers')),
  };
}
