// options.signals: SIGTERM and SIGINT (what Kubernetes, systemd and a
// terminal send) start a graceful close of every watched server, then the
// process exits 0; a second one exits at once. SIGHUP reloads servers that
// run workers. One set of process listeners serves every watched server,
// and it is removed when the last one closes, so the defaults come back.
import type { Logger, Server } from '../types.js';

interface Watched {
  graceMs: number;
  logger: Logger;
  /** SIGHUP reloads it (a server with workers). */
  reloads: boolean;
  /** Set once start-up is over; a signal before then closes the server as soon as it exists. */
  server: Server | null;
  /** Start-up failed: nothing to close. */
  failed: boolean;
  ready: Promise<void>;
  settle: () => void;
}

const watched = new Set<Watched>();
let stopping = false;
let installed = false;
let reloadInstalled = false;

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function onStopSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    // The second signal: the user (or the orchestrator) will not wait.
    process.exit(EXIT_CODES[signal] ?? 1);
  }
  stopping = true;
  const all = [...watched];
  for (const w of all) safeWarn(w.logger, `${signal}: draining (up to ${w.graceMs} ms), then exiting`);
  void Promise.all(
    all.map(async (w) => {
      await w.ready;
      if (w.server === null || w.failed) return;
      try {
        await w.server.close({ graceMs: w.graceMs });
      } catch (error) {
        w.logger.error(`closing on ${signal} failed`, error);
      }
    }),
  ).then(() => process.exit(0));
}

function onReloadSignal(): void {
  for (const w of watched) {
    const server = w.server;
    if (server === null || server.closing || !w.reloads) continue;
    server.reload().catch((error: unknown) => w.logger.error('SIGHUP: reload failed', error));
  }
}

function safeWarn(logger: Logger, message: string): void {
  try {
    logger.warn(message);
  } catch {
    console.warn(`[wirecore] ${message}`);
  }
}

function install(reloads: boolean): void {
  if (!installed) {
    installed = true;
    for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
  }
  // Only where there is something to reload: elsewhere SIGHUP keeps its default.
  if (reloads && !reloadInstalled) {
    reloadInstalled = true;
    process.on('SIGHUP', onReloadSignal);
  }
}

function uninstall(): void {
  if (!installed || stopping) return;
  installed = false;
  for (const signal of STOP_SIGNALS) process.off(signal, onStopSignal);
  if (reloadInstalled) process.off('SIGHUP', onReloadSignal);
  reloadInstalled = false;
}

export interface SignalWatch {
  /** Start-up is over: this server is the one a signal closes. */
  started(server: Server): void;
  /** Start-up failed. */
  failed(): void;
  /** The server closed by other means: stop watching it. */
  release(): void;
}

/** Watches from before start-up, so a signal that arrives while the server starts is not lost. */
export function watchSignals(graceMs: number, logger: Logger, reloads: boolean): SignalWatch {
  let settle!: () => void;
  const ready = new Promise<void>((resolve) => (settle = resolve));
  const w: Watched = { graceMs, logger, reloads, server: null, failed: false, ready, settle };
  watched.add(w);
  install(reloads);
  return {
    started(server) {
      w.server = server;
      w.settle();
    },
    failed() {
      w.failed = true;
      w.settle();
      this.release();
    },
    release() {
      watched.delete(w);
      if (watched.size === 0) uninstall();
    },
  };
}
