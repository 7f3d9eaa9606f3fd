// options.workers: N copies of one server on one port, as node:cluster
// processes. net and node-http share the primary's listening handle; uWS
// binds the port itself in each copy (SO_REUSEPORT). uWS copies are
// processes rather than threads because uWS.js 20.30 aborts the whole
// process when a thread that ran it ends ("uv_loop_close() while having
// open handles").
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import net from 'node:net';
import { OptionError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { ServeOptions, Server } from '../types.js';

export interface WorkerSetup {
  module: string;
  options: ServeOptions<unknown>;
}

export type WorkerMessage = { type: 'ready'; port: number; id: number } | { type: 'closed' } | { type: 'stats'; connections: number; inFlight: number };

/** The serializable part of the options: functions stay in the app module. */
function plainOptions(options: ServeOptions<unknown>, port: number): ServeOptions<unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (typeof value !== 'function' && key !== 'logger' && key !== 'workers' && key !== 'workerModule') plain[key] = value;
    // Providers and loggers cannot cross: `true` does, an object is the worker module's to give.
    if ((key === 'tracing' || key === 'accessLog') && typeof value === 'object') delete plain[key];
  }
  return { ...plain, port } as ServeOptions<unknown>;
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return module.startsWith('file:') ? module : pathToFileURL(module).href;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A running copy. */
interface Child {
  send(message: unknown): void;
  onMessage(cb: (message: WorkerMessage) => void): void;
  onExit(cb: (description: string) => void): void;
}

function spawnProcess(entry: string, setup: WorkerSetup): Child {
  cluster.setupPrimary({ exec: entry, args: [] });
  const worker: ClusterWorker = cluster.fork({ WIRECORE_WORKER: JSON.stringify(setup) });
  return {
    send: (m) => worker.send(m as object),
    onMessage: (cb) => worker.on('message', cb),
    onExit: (cb) => worker.on('exit', (code, signal) => cb(`process ${worker.process.pid} exit code ${code}, signal ${signal}`)),
  };
}

/** Starts copies, restarts any that crash, and closes them all on close(). */
export async function serveWorkers(options: ServeOptions<unknown>, resolved: ResolvedOptions<unknown>): Promise<Server> {
  const logger = resolved.logger;
  const count = resolved.workers === 'auto' ? availableParallelism() : resolved.workers!;
  const module = moduleUrl(resolved.workerModule!);
  let app: { dispatch?: unknown };
  try {
    app = (await import(module)) as { dispatch?: unknown };
  } catch (error) {
    throw new OptionError(`options.workerModule ${module} could not be imported: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof app.dispatch !== 'function') throw new OptionError(`options.workerModule ${module} must export a dispatch function`);
  const runtime = resolved.runtime;
  const entry = fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  const live = new Set<Child>();
  /** What each copy last reported (every second). */
  const copyStats = new Map<Child, { connections: number; inFlight: number }>();
  let closing = false;
  // uWS shares a port between processes only when every copy binds the same number.
  const port = runtime === 'uws' && resolved.port === 0 ? await freePort(resolved.host) : resolved.port;
  let boundPort = port;

  const startCopy = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawnProcess(entry, { module, options: plainOptions(options, port) });
      let ready = false;
      child.onMessage((m) => {
        if (m.type === 'stats') {
          copyStats.set(child, m);
          return;
        }
        if (m.type !== 'ready') return;
        ready = true;
        boundPort = m.port;
        live.add(child);
        resolve();
      });
      child.onExit((description) => {
        live.delete(child);
        copyStats.delete(child);
        if (!ready) reject(new Error(`wirecore: a worker stopped before it was ready (${description})`));
        else if (!closing) {
          logger.error(`wirecore: a worker stopped (${description}); starting another`);
          startCopy().catch((error) => logger.error('wirecore: could not restart a worker', error));
        }
      });
    });

  await Promise.all(Array.from({ length: count }, () => startCopy()));
  const host = resolved.host;
  return {
    runtime,
    address: host,
    port: boundPort,
    url: `${resolved.tls ? 'https' : 'http'}://${host}:${boundPort}`,
    /** The sum of what the copies last reported: up to a second old. */
    get stats() {
      let connections = 0;
      let inFlight = 0;
      for (const s of copyStats.values()) {
        connections += s.connections;
        inFlight += s.inFlight;
      }
      return { connections, inFlight };
    },
    get closing() {
      return closing;
    },
    close: async ({ graceMs = 5000 } = {}) => {
      closing = true;
      try {
        resolved.onClosing?.();
      } catch (error) {
        logger.error('onClosing threw', error);
      }
      await Promise.all(
        [...live].map(
          (child) =>
            new Promise<void>((done) => {
              child.onExit(() => done());
              child.send({ type: 'close', graceMs });
            }),
        ),
      );
    },
  };
}
