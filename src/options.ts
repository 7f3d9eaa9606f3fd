// serveGeneric's options, checked once (in the primary when there are
// workers) and resolved with their defaults. A bad option is an error at
// start-up naming the key, the expected type and what was received.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { OptionError, describeValue } from './errors.js';
import { RUNTIME_NAMES } from './runtime/registry.js';
import { suggest } from './suggest.js';
import type { Logger, RuntimeName, ServeOptions, TlsOptions } from './types.js';
import { resolveWebSocketOptions, type ResolvedWebSocketOptions } from './websocket/options.js';

export interface ResolvedOptions<C> {
  runtime: RuntimeName;
  host: string;
  port: number;
  tls: TlsOptions | undefined;
  maxHeaderBytes: number;
  maxTargetBytes: number;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** 0: off. */
  responseTimeoutMs: number;
  maxPipelinedRequests: number;
  tryStatic: ServeOptions<C>['tryStatic'];
  onResponse: ServeOptions<C>['onResponse'];
  onClosing: ServeOptions<C>['onClosing'];
  logger: Logger;
  workers: number | 'auto' | undefined;
  workerModule: string | URL | undefined;
  websocket: ResolvedWebSocketOptions;
}

const consoleLogger: Logger = {
  error: (message, error) => console.error(`[wirecore] ${message}`, error ?? ''),
  warn: (message) => console.warn(`[wirecore] ${message}`),
};

const KNOWN_KEYS: ReadonlyArray<keyof ServeOptions<unknown>> = [
  'runtime',
  'host',
  'port',
  'tls',
  'maxHeaderBytes',
  'maxTargetBytes',
  'maxBodyBytes',
  'headersTimeoutMs',
  'requestTimeoutMs',
  'keepAliveTimeoutMs',
  'responseTimeoutMs',
  'maxPipelinedRequests',
  'tryStatic',
  'onResponse',
  'onClosing',
  'logger',
  'workers',
  'workerModule',
  'websocket',
];

/** serveGeneric's option names: for a consumer that passes them on and checks its own beside them. */
export const SERVE_OPTION_NAMES: ReadonlyArray<keyof ServeOptions<unknown>> = KNOWN_KEYS;

function unknownKey(key: string, known: readonly string[], where = ''): OptionError {
  const near = suggest(key, known);
  const hint = near !== undefined ? ` (did you mean '${near}'?)` : '';
  return new OptionError(`${where}unknown option '${key}'${hint}; the options are ${known.join(', ')}`);
}

/**
 * Throws an OptionError for the first key of `options` not in `known`, with a
 * "did you mean" and the whole list; `where` names the function ("serveSite").
 */
export function checkOptionNames(options: object, known: readonly string[], where?: string): void {
  for (const key of Object.keys(options)) if (!known.includes(key)) throw unknownKey(key, known, where === undefined ? '' : `${where}: `);
}

function expected(key: string, what: string, value: unknown): OptionError {
  return new OptionError(`options.${key} must be ${what}, got ${describeValue(value)}`);
}

function positive(raw: Record<string, unknown>, key: string, fallback: number, integer = false): number {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw expected(key, integer ? 'a positive integer' : 'a positive number', value);
  }
  return value;
}

function optionalFunction<T>(raw: Record<string, unknown>, key: string): T | undefined {
  const value = raw[key];
  if (value !== undefined && typeof value !== 'function') throw expected(key, 'a function', value);
  return value as T | undefined;
}

function checkLogger(value: unknown): Logger {
  if (value === undefined) return consoleLogger;
  const logger = value as Partial<Logger> | null;
  if (typeof logger !== 'object' || logger === null || typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
    throw expected('logger', 'an object with error(message, error) and warn(message) functions', value);
  }
  return logger as Logger;
}

function isPem(value: unknown): value is string | Buffer {
  return (typeof value === 'string' || Buffer.isBuffer(value)) && value.length > 0;
}

/** The key, certificate and CA must load, and the key must match the certificate: said now, naming the field, not at the first handshake. */
export function checkTls(value: unknown): TlsOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw expected('tls', 'an object { key, cert, ca?, passphrase? }', value);
  const tls = value as Record<string, unknown>;
  for (const key of Object.keys(tls)) if (!['key', 'cert', 'ca', 'passphrase'].includes(key)) throw unknownKey(`tls.${key}`, ['tls.key', 'tls.cert', 'tls.ca', 'tls.passphrase']);
  if (!isPem(tls.key)) throw expected('tls.key', 'a PEM private key (string or Buffer)', tls.key);
  if (!isPem(tls.cert)) throw expected('tls.cert', 'a PEM certificate chain (string or Buffer)', tls.cert);
  if (tls.ca !== undefined && !isPem(tls.ca)) throw expected('tls.ca', 'a PEM certificate (string or Buffer)', tls.ca);
  if (tls.passphrase !== undefined && typeof tls.passphrase !== 'string') throw expected('tls.passphrase', 'a string', tls.passphrase);
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  try {
    createPrivateKey({ key: tls.key, ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase as string }) });
  } catch (error) {
    throw new OptionError(`options.tls.key does not load as a private key${tls.passphrase === undefined ? '' : ' with options.tls.passphrase'}: ${reason(error)}`);
  }
  try {
    new X509Certificate(tls.cert);
  } catch (error) {
    throw new OptionError(`options.tls.cert does not load as a certificate: ${reason(error)}`);
  }
  if (tls.ca !== undefined) {
    try {
      new X509Certificate(tls.ca as string | Buffer);
    } catch (error) {
      throw new OptionError(`options.tls.ca does not load as a certificate: ${reason(error)}`);
    }
  }
  try {
    createSecureContext(tls as unknown as TlsOptions);
  } catch (error) {
    throw new OptionError(`options.tls.key and options.tls.cert do not form a usable pair: ${reason(error)}`);
  }
  return tls as unknown as TlsOptions;
}

/** Checks every option and fills in the defaults. */
export function resolveOptions<C>(options: ServeOptions<C> | undefined): ResolvedOptions<C> {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(`options must be an object, got ${describeValue(options)}`);
  }
  const raw = options as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) throw unknownKey(key, KNOWN_KEYS);
  }
  const runtime = raw.runtime === undefined ? 'net' : raw.runtime;
  if (typeof runtime !== 'string' || !(RUNTIME_NAMES as readonly string[]).includes(runtime)) {
    throw expected('runtime', `one of ${RUNTIME_NAMES.map((n) => `'${n}'`).join(', ')}`, runtime);
  }
  const host = raw.host === undefined ? '127.0.0.1' : raw.host;
  if (typeof host !== 'string' || host === '') throw expected('host', 'a host name or address (a non-empty string)', host);
  const port = raw.port === undefined ? 0 : raw.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw expected('port', 'an integer from 0 to 65535', port);
  const responseTimeoutMs = raw.responseTimeoutMs === undefined ? 0 : raw.responseTimeoutMs;
  if (typeof responseTimeoutMs !== 'number' || !Number.isFinite(responseTimeoutMs) || responseTimeoutMs < 0) {
    throw expected('responseTimeoutMs', 'a number of milliseconds (0 turns it off)', responseTimeoutMs);
  }
  const workers = raw.workers;
  if (workers !== undefined && workers !== 'auto' && (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1)) {
    throw expected('workers', "a positive integer or 'auto'", workers);
  }
  const workerModule = raw.workerModule;
  if (workerModule !== undefined && typeof workerModule !== 'string' && !(workerModule instanceof URL)) throw expected('workerModule', 'a path or a file: URL', workerModule);
  if (workers !== undefined && workerModule === undefined) {
    throw new OptionError('options.workers needs options.workerModule, a module that exports ctx and dispatch (functions cannot cross into workers)');
  }
  return {
    runtime: runtime as RuntimeName,
    host,
    port,
    tls: checkTls(raw.tls),
    maxHeaderBytes: positive(raw, 'maxHeaderBytes', 16 * 1024, true),
    maxTargetBytes: positive(raw, 'maxTargetBytes', 8 * 1024, true),
    maxBodyBytes: positive(raw, 'maxBodyBytes', 1024 * 1024, true),
    headersTimeoutMs: positive(raw, 'headersTimeoutMs', 10_000),
    requestTimeoutMs: positive(raw, 'requestTimeoutMs', 30_000),
    keepAliveTimeoutMs: positive(raw, 'keepAliveTimeoutMs', 5_000),
    responseTimeoutMs,
    maxPipelinedRequests: positive(raw, 'maxPipelinedRequests', 32, true),
    tryStatic: optionalFunction(raw, 'tryStatic'),
    onResponse: optionalFunction(raw, 'onResponse'),
    onClosing: optionalFunction(raw, 'onClosing'),
    logger: checkLogger(raw.logger),
    workers: workers as number | 'auto' | undefined,
    workerModule: workerModule as string | URL | undefined,
    websocket: resolveWebSocketOptions(raw.websocket),
  };
}
