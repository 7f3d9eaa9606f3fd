// options.accessLog: one structured line per answer, made from the figures
// onResponse receives, in pino's shape (level 30, time, msg, then fields), so
// pino-pretty, log shippers and `jq` read it as they read a pino line. With
// a logger passed (pino, or anything with info(fields, message)) the fields
// go to it and it adds its own level, time and message framing.
import { hostname } from 'node:os';
import type { AccessLogOptions, AccessLogger, WireRequest, Written } from './types.js';

type OnResponse = (written: Written, req: WireRequest | undefined) => void;

const PINO_INFO = 30;

/** Milliseconds to three decimals: enough for a log, without float noise. */
function ms(value: number): number {
  return value < 0 ? -1 : Math.round(value * 1000) / 1000;
}

/** The fields of one answer's line. Refused messages have no request: no method, url or client. */
export function accessLogFields(written: Written, req: WireRequest | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (req !== undefined) {
    fields.method = req.method;
    fields.url = req.target;
    if (req.route !== undefined) fields.route = req.route;
  }
  fields.status = written.status;
  fields.bytes = written.bodyBytes;
  fields.headerBytes = written.headerBytes;
  fields.durationMs = ms(written.timeToLastByteMs);
  fields.ttfbMs = ms(written.timeToFirstByteMs);
  fields.outcome = written.outcome;
  if (req !== undefined) {
    fields.remoteAddress = req.remoteAddress;
    fields.httpVersion = req.httpVersion;
    const id = req.headers.get('x-request-id');
    if (id !== undefined) fields.requestId = id;
  }
  return fields;
}

/** Writes pino-format JSON lines to stdout (pino's own default destination). */
function stdoutLogger(): AccessLogger {
  const base = `"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  return {
    info(fields, message) {
      const rest = JSON.stringify(fields);
      process.stdout.write(`{"level":${PINO_INFO},"time":${Date.now()},${base},"msg":${JSON.stringify(message)}${rest === '{}' ? '' : ',' + rest.slice(1, -1)}}\n`);
    },
  };
}

/** onResponse with the access log after the user's own hook (which runs first, as it was given). */
export function withAccessLog(onResponse: OnResponse | undefined, options: AccessLogOptions | null, logError: (message: string, error?: unknown) => void): OnResponse | undefined {
  if (options === null) return onResponse;
  const logger = options.logger ?? stdoutLogger();
  const log: OnResponse = (written, req) => {
    try {
      logger.info(accessLogFields(written, req), req === undefined ? 'request refused' : 'request completed');
    } catch (error) {
      logError('accessLog: the logger threw', error);
    }
  };
  if (onResponse === undefined) return log;
  return (written, req) => {
    try {
      onResponse(written, req);
    } finally {
      log(written, req);
    }
  };
}
