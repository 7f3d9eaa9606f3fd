// The options of wirecore/ffi, checked once at start-up: a bad one is an
// error naming it, never a surprise on the first request.
import type { Logger } from 'wirecore';
import { libraryPath } from './library.js';

/** inline: called on the event loop (microsecond handlers). pooled: called on a pool thread. */
export type NativeMode = 'inline' | 'pooled';

export interface NativeRoute {
  /** The exported handler function (wc_handler_fn). */
  symbol: string;
  /** Default: options.mode, else 'inline'. */
  mode?: NativeMode;
  /** Pooled only: answer 503 when the call takes longer (the thread finishes in the background). */
  timeoutMs?: number;
  /** Read the whole body before the call (default true); false passes none and sets WC_REQUEST_BODY_UNREAD. */
  readBody?: boolean;
}

export interface NativeOptions {
  /** Path (or file: URL) of the shared library. */
  library: string | URL;
  /** One handler for every request… */
  symbol?: string;
  /**
   * …or one per route. A key is an exact path ("/hello"), a pattern in which a
   * "*" segment matches one segment and a final "*" segment the rest of the
   * path ("/files/*"), or "*" alone for anything else. Exact paths win, then
   * patterns in the order given, then "*". A request no route matches gets 404.
   */
  routes?: Readonly<Record<string, string | NativeRoute>>;
  /** The default mode of every route. Default 'inline'. */
  mode?: NativeMode;
  /** The default timeoutMs of pooled routes. */
  timeoutMs?: number;
  /** The default readBody of every route. Default true. */
  readBody?: boolean;
  /** Pool threads, when some route is pooled. Default 4. */
  threads?: number;
  /** Timeouts and pool trouble are logged here. Default: console. */
  logger?: Logger;
}

export interface RouteConfig {
  key: string;
  symbol: string;
  mode: NativeMode;
  timeoutMs: number | undefined;
  readBody: boolean;
}

export interface BridgeConfig {
  library: string;
  routes: RouteConfig[];
  threads: number;
  logger: Logger;
}

export const DEFAULT_THREADS = 4;
const ROUTE_KEYS = new Set(['symbol', 'mode', 'timeoutMs', 'readBody']);

function fail(message: string): never {
  throw new TypeError(`wirecore/ffi: ${message}`);
}

function checkMode(mode: unknown, where: string): NativeMode | undefined {
  if (mode === undefined || mode === 'inline' || mode === 'pooled') return mode;
  return fail(`${where} must be 'inline' or 'pooled', got ${JSON.stringify(mode)}`);
}

function checkTimeout(timeoutMs: unknown, where: string): number | undefined {
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) fail(`${where} must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  return timeoutMs;
}

function checkSymbol(symbol: unknown, where: string): string {
  if (typeof symbol !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(symbol)) fail(`${where} must be the name of an exported C function, got ${JSON.stringify(symbol)}`);
  return symbol;
}

export function checkOptions(options: NativeOptions): BridgeConfig {
  if (options === null || typeof options !== 'object') fail('options must be an object with library and symbol or routes');
  if (!(options.library instanceof URL) && (typeof options.library !== 'string' || options.library === '')) fail('options.library must be the path of a shared library');
  const defaults = {
    mode: checkMode(options.mode, 'options.mode') ?? 'inline',
    timeoutMs: checkTimeout(options.timeoutMs, 'options.timeoutMs'),
    readBody: options.readBody ?? true,
  };
  if (typeof defaults.readBody !== 'boolean') fail('options.readBody must be a boolean');
  const threads = options.threads ?? DEFAULT_THREADS;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) fail(`options.threads must be an integer from 1 to 256, got ${String(options.threads)}`);

  if ((options.symbol === undefined) === (options.routes === undefined)) fail('give options.symbol (one handler for every request) or options.routes (path → symbol), not both');
  const entries: Array<[string, string | NativeRoute]> = options.symbol !== undefined ? [['*', options.symbol]] : Object.entries(options.routes ?? {});
  if (entries.length === 0) fail('options.routes is empty');

  const routes = entries.map(([key, value]): RouteConfig => {
    const where = options.symbol !== undefined ? 'options.symbol' : `options.routes[${JSON.stringify(key)}]`;
    if (key !== '*' && !key.startsWith('/')) fail(`route ${JSON.stringify(key)} must start with "/" or be "*"`);
    const spec: NativeRoute = typeof value === 'string' ? { symbol: value } : value;
    if (spec === null || typeof spec !== 'object') fail(`${where} must be a symbol name or { symbol, mode?, timeoutMs?, readBody? }`);
    for (const name of Object.keys(spec)) if (!ROUTE_KEYS.has(name)) fail(`${where} has an unknown option ${JSON.stringify(name)}`);
    const route: RouteConfig = {
      key,
      symbol: checkSymbol(spec.symbol, typeof value === 'string' ? where : `${where}.symbol`),
      mode: checkMode(spec.mode, `${where}.mode`) ?? defaults.mode,
      timeoutMs: checkTimeout(spec.timeoutMs, `${where}.timeoutMs`),
      readBody: spec.readBody ?? defaults.readBody,
    };
    if (typeof route.readBody !== 'boolean') fail(`${where}.readBody must be a boolean`);
    if (route.mode === 'pooled') route.timeoutMs ??= defaults.timeoutMs;
    else if (spec.timeoutMs !== undefined) fail(`${where}.timeoutMs needs mode 'pooled': an inline call runs on the event loop and cannot be timed out`);
    return route;
  });
  if (defaults.timeoutMs !== undefined && !routes.some((r) => r.mode === 'pooled')) fail('options.timeoutMs applies to pooled routes, and no route is pooled');
  return { library: libraryPath(options.library), routes, threads, logger: options.logger ?? console };
}
