// A structured logger interface that pino satisfies (no dependency on it),
// the default JSON-lines logger, and request ids.
import { randomBytes } from 'node:crypto';
import type { Logger as WireLogger } from 'wirecore';

type LogFn = (fields: object, message?: string) => void;

/** What the app logs through: `pino()` fits, so does any object with these methods. */
export interface AppLogger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  /** A logger that adds `bindings` to every line (pino's child). */
  child?(bindings: Record<string, unknown>): AppLogger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: 100 };

/** An Error as plain fields, the way pino's err serializer shows it. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const out: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.cause !== undefined) out.cause = serializeError(error.cause);
  return out;
}

/** One JSON line per entry on `write` (stderr by default), pino's field names. */
export function jsonLogger(options: { level?: LogLevel; write?: (line: string) => void; bindings?: Record<string, unknown> } = {}): AppLogger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const bindings = options.bindings ?? {};
  const at = (level: Exclude<LogLevel, 'silent'>): LogFn =>
    RANK[level] < min
      ? () => {}
      : (fields, message) => {
          const entry: Record<string, unknown> = { level: RANK[level], time: Date.now(), ...bindings };
          for (const [key, value] of Object.entries(fields)) entry[key] = key === 'err' ? serializeError(value) : value;
          if (message !== undefined) entry.msg = message;
          write(JSON.stringify(entry));
        };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (more) => jsonLogger({ ...options, bindings: { ...bindings, ...more } }),
  };
}

/** The wire layer's logger, routed into the app's. */
export function wireLogger(log: AppLogger): WireLogger {
  return {
    error: (message, error) => {
      // The app has logged this one with its request id already (see pipeline.ts).
      if (error !== null && typeof error === 'object' && (error as { [LOGGED]?: boolean })[LOGGED] === true) return;
      log.error(error === undefined ? {} : { err: error }, message);
    },
    warn: (message) => log.warn({}, message),
  };
}

/** Marks an error the app has logged before handing it to the wire layer. */
export const LOGGED = Symbol.for('wirecore.app.logged');

// A request id: the client's x-request-id when it is sane, else this process's prefix and a counter.
const SANE_ID = /^[\x21-\x7e]{1,128}$/;
const prefix = randomBytes(6).toString('base64url');
let counter = 0;

export function requestIdFrom(incoming: string | undefined): string {
  if (incoming !== undefined && SANE_ID.test(incoming)) return incoming;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}
