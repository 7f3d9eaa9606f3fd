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
import type { Logger, ServeOptions, Server } from '../types.js';

export interface WorkerSetup {
  module: string;
  options: ServeOptions<unknown>;
}

export type WorkerMessage = { type: 'ready'; port: number; id: number } | { type: 'closed' };

/** The serializable part of the options: functions stay in the app module. */
function plainOptions(options: ServeOptions<unknown>, port: number): ServeOptions<unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (typeof value !== 'function' && key !== 'logger' && key !== 'workers' && key !== 'workerModule') plain[key] = value;
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
export async function serveWorkers(options: ServeOptions<unknown>, logger: Logger): Promise<Server> {
  const count = options.workers === 'auto' ? availableParallelism() : options.workers!;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`wirecore: options.workers must be a positive integer or 'auto', got ${String(options.workers)}`);
  if (options.workerModule === undefined) {
    throw new TypeError('wirecore: options.workers needs options.workerModule, a module that exports ctx and dispatch (functions cannot cross into workers)');
  }
  const module = moduleUrl(options.workerModule);
  const app = (await import(module)) as { dispatch?: unknown };
  if (typeof app.dispatch !== 'function') throw new TypeError(`wirecore: ${module} must export a dispatch function`);
  const runtime = options.runtime ?? 'net';
  const entry = fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  const live = new Set<Child>();
  let closing = false;
  // uWS shares a port between processes only when every copy binds the same number.
  const port = runtime === 'uws' && !options.port ? await freePort(options.host ?? '127.0.0.1') : (options.port ?? 0);
  let boundPort = port;

  const startCopy = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawnProcess(entry, { module, options: plainOptions(options, port) });
      let ready = false;
      child.onMessage((m) => {
        if (m.type !== 'ready') return;
        ready = true;
        boundPort = m.port;
        live.add(child);
        resolve();
      });
      child.onExit((description) => {
        live.delete(child);
        if (!ready) reject(new Error(`wirecore: a worker stopped before it was ready (${description})`));
        else if (!closing) {
          logger.error(`wirecore: a worker stopped (${description}); starting another`);
          startCopy().catch((error) => logger.error('wirecore: could not restart a worker', error));
        }
      });
    });

  await Promise.all(Array.from({ length: count }, () => startCopy()));
  const host = options.host ?? '127.0.0.1';
  return {
    runtime,
    address: host,
    port: boundPort,
    url: `${options.tls ? 'https' : 'http'}://${host}:${boundPort}`,
    // Each copy counts its own; the primary has no connections.
    stats: { connections: -1, inFlight: -1 },
    get closing() {
      return closing;
    },
    close: async ({ graceMs = 5000 } = {}) => {
      closing = true;
      try {
        options.onClosing?.();
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
