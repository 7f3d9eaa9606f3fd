// wirecore/ffi: handlers in a native library (C ABI: C, Rust, Zig, …) answer
// requests through the wire layer, whole or streamed, on or off the event
// loop. The ABI is wirecore_ffi.h, shipped next to this file.
import { serveGeneric, type DispatchFn, type ServeOptions, type Server } from 'wirecore';
import { ArenaPool, NativeMemory } from './arena.js';
import { NativeBridge, type BoundRoute } from './bridge.js';
import { loadKoffi } from './koffi-loader.js';
import { NativeLibrary } from './library.js';
import { checkOptions, type BridgeConfig, type NativeOptions } from './options.js';
import { NativePool } from './pool.js';

export { ABI_VERSION } from './abi.js';
export type { NativeMode, NativeOptions, NativeRoute } from './options.js';

/** A dispatch for serveGeneric; close() stops its pool threads once the server is closed. */
export type NativeDispatch = DispatchFn<unknown> & { close(): Promise<void> };

/** Loads the library and resolves every symbol, without starting pool threads. */
async function open(config: BridgeConfig) {
  const { koffi, path: koffiPath } = await loadKoffi();
  const lib = NativeLibrary.open(koffi, config.library);
  const poolSymbols = [...new Set(config.routes.filter((r) => r.mode === 'pooled').map((r) => r.symbol))];
  const routes: BoundRoute[] = config.routes.map((route) => ({ ...route, call: lib.handler(route.symbol), poolIndex: poolSymbols.indexOf(route.symbol) }));
  return { koffi, koffiPath, lib, routes, poolSymbols };
}

/** A dispatch that answers every request with the library's handlers. */
export async function toDispatch(options: NativeOptions): Promise<NativeDispatch> {
  const config = checkOptions(options);
  const { koffi, koffiPath, lib, routes, poolSymbols } = await open(config);
  const pool =
    poolSymbols.length > 0 ? await NativePool.start({ koffiPath, library: lib.path, symbols: poolSymbols, threads: config.threads, logger: config.logger }) : null;
  const bridge = new NativeBridge(koffi, lib, new NativeMemory(koffi), new ArenaPool(koffi), routes, pool, config.logger);
  return Object.assign(bridge.dispatch, { close: () => bridge.close() });
}

/** Checks the options, the library, its ABI version and every symbol: what start-up would report. */
export async function checkNative(options: NativeOptions): Promise<void> {
  await open(checkOptions(options));
}

export interface ServeNativeOptions extends NativeOptions, Omit<ServeOptions<unknown>, 'logger' | 'workerModule'> {}

const NATIVE_KEYS = ['library', 'symbol', 'routes', 'mode', 'timeoutMs', 'readBody', 'threads'] as const;

/**
 * The one-liner: serve the library's handlers. With `workers`, each copy
 * (a process) loads the library itself, so a crash in native code takes one
 * copy down while the others keep serving and a new one starts.
 */
export async function serveNative(options: ServeNativeOptions): Promise<Server> {
  const native: NativeOptions = { library: options.library, logger: options.logger };
  const serve: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if ((NATIVE_KEYS as readonly string[]).includes(key)) (native as unknown as Record<string, unknown>)[key] = value;
    else serve[key] = value;
  }
  const serveOptions = serve as ServeOptions<unknown>;
  if (options.workers !== undefined) {
    // Start-up errors surface here, in the primary; each copy loads the library itself.
    await checkNative(native);
    const { logger: _logger, ...plain } = { ...native, library: checkOptions(native).library };
    const workerModule = new URL('./worker-module.js', import.meta.url);
    workerModule.searchParams.set('options', JSON.stringify(plain));
    return serveGeneric(null, () => {
      throw new Error('wirecore/ffi: the primary process never dispatches');
    }, { ...serveOptions, workerModule });
  }
  const dispatch = await toDispatch(native);
  let server: Server;
  try {
    server = await serveGeneric(null, dispatch, serveOptions);
  } catch (error) {
    await dispatch.close();
    throw error;
  }
  return {
    get runtime() {
      return server.runtime;
    },
    get address() {
      return server.address;
    },
    get port() {
      return server.port;
    },
    get url() {
      return server.url;
    },
    get stats() {
      return server.stats;
    },
    get closing() {
      return server.closing;
    },
    close: async (closeOptions) => {
      await server.close(closeOptions);
      await dispatch.close();
    },
    publish: (topic, data, options) => server.publish(topic, data, options),
    reload: () => server.reload(),
  };
}
