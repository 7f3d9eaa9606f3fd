// The runtimes behind serveGeneric: each is a binding (how it accepts,
// parses and writes) with the same pipeline between. A new runtime is one
// entry here and nothing else.
import type { RuntimeName } from '../types.js';
import type { ResolvedOptions, ServerCore } from './core.js';
import type { Listening } from './listening.js';

export interface RuntimeBinding {
  readonly name: RuntimeName;
  /** Refuses, at start-up, options this runtime cannot honour. */
  checkOptions?(options: ResolvedOptions<unknown>): void;
  listen(core: ServerCore<unknown>, host: string, port: number): Promise<Listening>;
}

/** Loaded on first use, so a server on `net` never loads uWS or node:http. */
const RUNTIMES: Record<RuntimeName, () => Promise<RuntimeBinding>> = {
  net: async () => (await import('./net.js')).netRuntime,
  uws: async () => (await import('./uws-app.js')).uwsRuntime,
  'node-http': async () => (await import('./node-http.js')).nodeHttpRuntime,
};

export const RUNTIME_NAMES = Object.keys(RUNTIMES) as RuntimeName[];

export function loadRuntime(name: RuntimeName): Promise<RuntimeBinding> {
  return RUNTIMES[name]();
}
