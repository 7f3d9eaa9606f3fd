// Starting a wirecore/app on a runtime for a test, with a logger that records.
import type { RuntimeName, ServeOptions, Server } from 'wirecore';
import type { App, AppHost, AppLogger } from 'wirecore/app';
import { start } from './servers.js';

export interface LogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A pino-shaped logger that keeps what it is given. */
export function recordingLogger(): AppLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level'], bound: Record<string, unknown> = {}) =>
    (fields: object, message?: string) =>
      entries.push({ level, fields: { ...bound, ...fields }, message });
  const make = (bound: Record<string, unknown>): AppLogger => ({
    error: at('error', bound),
    warn: at('warn', bound),
    info: at('info', bound),
    debug: at('debug', bound),
    child: (more) => make({ ...bound, ...more }),
  });
  return Object.assign(make({}), { entries });
}

/** Serves `app` on `runtime`, port 0, closed after the test. */
export function serveApp<S>(runtime: RuntimeName, app: App<S>, options: ServeOptions<AppHost> = {}): Promise<Server> {
  return start(runtime, app.ctx, app.dispatch, app.serveOptions(options));
}
