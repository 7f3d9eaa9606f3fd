// The module every `workers` copy imports (see serveNative): the native
// options travel in this module's URL, since functions cannot cross into the
// copies. serveNative has checked them in the primary, which never dispatches.
import cluster from 'node:cluster';
import type { DispatchFn } from 'wirecore';
import { toDispatch, type NativeOptions } from './index.js';

export const ctx = null;

async function prepare(): Promise<DispatchFn<unknown>> {
  if (cluster.isPrimary) {
    return () => {
      throw new Error('wirecore/ffi: the primary process never dispatches');
    };
  }
  const options = new URL(import.meta.url).searchParams.get('options');
  if (options === null) throw new Error('wirecore/ffi: worker-module.js is imported by serveNative with its options in the URL');
  return toDispatch(JSON.parse(options) as NativeOptions);
}

export const dispatch: DispatchFn<unknown> = await prepare();
