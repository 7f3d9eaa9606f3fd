// Builds an SSR fixture site into its own output folder (inside the site, so
// the bundle resolves wirecore/ssr and the renderer from node_modules) and
// serves it on port 0 with a logger that records.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { serveGeneric, type RuntimeName, type Server } from 'wirecore';
import { build, dispatchSite, loadSite, tryPrerendered, type BuildResult, type RendererName, type Site, type SiteOptions } from 'wirecore/ssr';

export const FIXTURE_SITE = fileURLToPath(new URL('../fixtures/ssr-site', import.meta.url));

const outputs: string[] = [];
const servers: Array<{ server: Server; site: Site }> = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map(({ server, site }) => (site.close(), server.close({ graceMs: 100 }).catch(() => {}))));
  for (const dir of outputs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh output folder under `root`/.wirecore-ssr, removed after the file's tests. */
export function outDirFor(root: string, tag: string): string {
  const dir = join(root, '.wirecore-ssr', `${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
  outputs.push(dir);
  return dir;
}

export async function buildFixture(renderer: RendererName, root = FIXTURE_SITE): Promise<BuildResult> {
  return build({ root, renderer, outDir: outDirFor(root, renderer) });
}

export interface Recorded {
  errors: Array<{ message: string; error: unknown }>;
  warnings: string[];
}

export function recordingLogger(): Recorded & { error(message: string, error?: unknown): void; warn(message: string): void } {
  const errors: Recorded['errors'] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    error: (message, error) => void errors.push({ message, error }),
    warn: (message) => void warnings.push(message),
  };
}

export interface ServedSite {
  site: Site;
  server: Server;
  log: Recorded;
}

/** Serves a built site on port 0 for the rest of the test file (closed in afterAll). */
export async function serveFixture(runtime: RuntimeName, built: BuildResult, options: Partial<SiteOptions> = {}, root = FIXTURE_SITE): Promise<ServedSite> {
  const log = recordingLogger();
  const site = await loadSite({ root, outDir: built.outDir, logger: log, ...options });
  const server = await serveGeneric(site, dispatchSite, { runtime, port: 0, tryStatic: tryPrerendered, logger: log });
  servers.push({ server, site });
  return { site, server, log };
}

type Gate = { promise: Promise<void>; open: () => void };

/** Opens a gate a fixture page's load() waits on (see fixtures/ssr-site/pages/_lib/gate.ts). */
export function openGate(name: string): void {
  const key = Symbol.for('wirecore.ssr.test-gates');
  const global = globalThis as Record<symbol, unknown>;
  const gates = (global[key] as Map<string, Gate> | undefined) ?? new Map<string, Gate>();
  global[key] = gates;
  const existing = gates.get(name);
  if (existing !== undefined) return existing.open();
  gates.set(name, { promise: Promise.resolve(), open: () => {} });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
