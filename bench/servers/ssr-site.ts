// The SSR bench site's build and paths, shared by its servers.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'wirecore/ssr';

/** bench/ssr-site, from dist/bench/servers/*.js. */
export const SSR_SITE = fileURLToPath(new URL('../../../bench/ssr-site/', import.meta.url));

/** Builds the bench site into a folder of its own (servers start side by side). */
export async function buildBenchSite(name: string): Promise<string> {
  const outDir = join(SSR_SITE, '.wirecore-ssr', name);
  await build({ root: SSR_SITE, outDir });
  return outDir;
}

export const QUIET = { error: (message: string, error?: unknown) => console.error(message, error), warn: () => {} };
