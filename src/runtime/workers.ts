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
import { payload } from '../websocket/socket.js';
import { publishMessage, type PublishMessage } from '../websocket/worker-relay.js';

export interface WorkerSetup {
  module: string;
  options: ServeOptions<unknown>;
}

export type WorkerMessage = { type: 'ready'; port: number; id: number } | { type: 'closed' } | { type: 'stats'; connections: number; inFlight: number; webSockets: number } | PublishMessage;

/** The serializable part of the options: functions stay in the app module. */
function plainOptions(options: ServeOptions<unknown>, port: number): ServeOptions<unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    // websocket holds handlers and a pub/sub adapter: the app module's own options carry them into the copies.
    if (typeof value !== 'function' && key !== 'logger' && key !== 'workers' && key !== 'workerModule' && key !== 'websocket') plain[key] = value;
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
  const copyStats = new Map<Child, { connections: number; inFlight: number; webSockets: number }>();
  let closing = false;
  let closed: Promise<void> | null = null;
  let reloading: Promise<void> | null = null;
  /** Copies being replaced by a reload: their exit is expected. */
  const retiring = new Set<Child>();
  // Every copy binds one explicit number: uWS shares a port only so, and node:cluster keys its shared
  // handles by the number asked for, so port 0 would join other servers' copies (and a reload that
  // briefly left no copy would come back on a new port).
  const port = resolved.port === 0 ? await freePort(resolved.host) : resolved.port;
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
        if (m.type === 'publish') {
          // A copy published: every other copy's subscribers hear it.
          for (const other of live) if (other !== child) other.send(m);
          return;
        }
        if (m.type === 'closed') {
          child.send({ type: 'exit' });
          return;
        }
        if (m.type !== 'ready') return;
        ready = true;
        boundPort = m.port;
        live.add(child);
        // Started by a reload that a close() overtook: it goes too.
        if (closing) void stopCopy(child, 0);
        resolve();
      });
      child.onExit((description) => {
        live.delete(child);
        copyStats.delete(child);
        if (!ready) reject(new Error(`wirecore: a worker stopped before it was ready (${description})`));
        else if (!closing && !retiring.delete(child)) {
          logger.error(`wirecore: a worker stopped (${description}); starting another`);
          startCopy().catch((error) => logger.error('wirecore: could not restart a worker', error));
        }
      });
    });

  /** Drains one copy and waits for its exit. */
  const stopCopy = (child: Child, graceMs: number): Promise<void> =>
    new Promise<void>((done) => {
      child.onExit(() => done());
      child.send({ type: 'close', graceMs });
    });

  /** One copy at a time: the new one listens before the old one stops accepting, so the port never goes unserved. */
  const replaceAll = async (): Promise<void> => {
    for (const old of [...live]) {
      if (closing) return;
      await startCopy();
      if (closing) return;
      retiring.add(old);
      await stopCopy(old, resolved.signals?.graceMs ?? 5000);
    }
  };

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
      let webSockets = 0;
      for (const s of copyStats.values()) {
        connections += s.connections;
        inFlight += s.inFlight;
        webSockets += s.webSockets ?? 0;
      }
      return { connections, inFlight, webSockets };
    },
    get closing() {
      return closing;
    },
    publish: (topic, data, options) => {
      const { bytes, binary } = payload(data, options);
      const message = publishMessage(String(topic), bytes, binary);
      for (const child of live) child.send(message);
    },
    close: ({ graceMs = 5000 } = {}) =>
      (closed ??= (async () => {
        closing = true;
        try {
          resolved.onClosing?.();
        } catch (error) {
          logger.error('onClosing threw', error);
        }
        await Promise.all([...live].map((child) => stopCopy(child, graceMs)));
      })()),
    reload: () =>
      (reloading ??= replaceAll().finally(() => {
        reloading = null;
      })),
  };
}
