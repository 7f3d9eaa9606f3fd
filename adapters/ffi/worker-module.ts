// The module every `workers` copy imports (see serveNative): the native
// options travel in this module's URL, since functions cannot cross into the
// copies. The primary only checks the library; each copy loads it and serves.
import cluster from 'node:cluster';
import type { DispatchFn } from 'wirecore';
import { checkNative, toDispatch, type NativeOptions } from './index.js';

const options = JSON.parse(new URL(import.meta.url).searchParams.get('options') ?? 'null') as NativeOptions | null;
if (options === null) throw new Error('wirecore/ffi: worker-module.js is imported by serveNative with its options in the URL');

export const ctx = null;

async function prepare(native: NativeOptions): Promise<DispatchFn<unknown>> {
  if (!cluster.isPrimary) return toDispatch(native);
  await checkNative(native);
  return () => {
    throw new Error('wirecore/ffi: the primary process never dispatches');
  };
}

export const dispatch: DispatchFn<unknown> = await prepare(options);
