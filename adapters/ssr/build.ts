// `wirecore-ssr build`: scans pages/ once, writes the route-table module
// (static imports, routes in specificity order), bundles it for the server
// and every island for the browser, and writes manifest.json.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type * as Esbuild from 'esbuild';
import { ISLAND_NAMESPACE, hydrationEntry, hydrationPlugin, islandName, islandServerPlugin } from './islands.js';
import { importPeer } from './peer.js';
import { routeTypesSource } from './route-types.js';
import { scanPages, type ScannedPages } from './scan.js';
import type { RendererName } from './types.js';

export const DEFAULT_OUT_DIR = '.wirecore-ssr';
export const ISLANDS_URL_PREFIX = '/_islands/';
export const MANIFEST_VERSION = 1;
export const ROUTE_TYPES_FILE = 'routes.d.ts';

export interface BuildOptions {
  /** The site folder: pages/ (required), islands/ and public/ (optional). */
  root: string;
  /** Default "preact". */
  renderer?: RendererName;
  /** Default <root>/.wirecore-ssr. */
  outDir?: string;
  /** Minify the browser bundles. Default true. */
  minify?: boolean;
  /** Remove the previous server and client output first. Default true. */
  clean?: boolean;
}

export interface Manifest {
  version: number;
  renderer: RendererName;
  builtAt: string;
  /** The bundled route-table module, relative to the manifest. */
  routeTable: string;
  /** Browser bundles, relative to the manifest; served under /_islands/. */
  clientDir: string;
  /** Island script URLs each route (by page file) and the 404 page load. */
  scripts: Record<string, string[]>;
}

export interface BuildResult {
  outDir: string;
  manifest: Manifest;
  routes: Array<{ pattern: string; file: string }>;
  /** Island names that some page uses. */
  islands: string[];
  /** The route types (`<outDir>/routes.d.ts`) for the site's tsconfig. */
  types: string;
  durationMs: number;
}

export const NOT_FOUND_KEY = '_404';

/** Builds the site; throws with every problem named (a route conflict, a compile error with its file and line). */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const root = resolve(options.root);
  const renderer = options.renderer ?? 'preact';
  if (renderer !== 'preact' && renderer !== 'react') throw new Error(`wirecore-ssr build: unknown renderer ${JSON.stringify(renderer)} (use "preact" or "react")`);
  const outDir = resolve(root, options.outDir ?? DEFAULT_OUT_DIR);
  const pagesDir = join(root, 'pages');
  if (!existsSync(pagesDir) || !statSync(pagesDir).isDirectory()) throw new Error(`wirecore-ssr build: ${pagesDir} is not a folder (a site keeps its routes in pages/)`);
  const pages = scanPages(pagesDir);
  const esbuild = await importPeer<typeof Esbuild>('esbuild', 'esbuild', 'wirecore-ssr build');

  if (options.clean ?? true) {
    rmSync(join(outDir, 'server'), { recursive: true, force: true });
    rmSync(join(outDir, 'client'), { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
  const source = join(outDir, 'routes.generated.js');
  writeFileSync(source, routeTableSource(pages, pagesDir, outDir, renderer));
  const types = join(outDir, ROUTE_TYPES_FILE);
  writeFileSync(types, routeTypesSource(pages.routes));

  const islandsDir = join(root, 'islands');
  const server = await run(esbuild, {
    entryPoints: [source],
    outfile: join(outDir, 'server', 'routes.js'),
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    jsx: 'automatic',
    jsxImportSource: renderer,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [islandServerPlugin(islandsDir)],
  });

  // Which islands each route's page and layouts import (from the server bundle's import graph).
  const graph = server.metafile!.inputs;
  const key = (file: string) => relative(root, join(pagesDir, file)).split(sep).join('/');
  const islandsOf = (files: readonly string[]): string[] => {
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = files.map(key);
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (seen.has(at)) continue;
      seen.add(at);
      if (at.startsWith(`${ISLAND_NAMESPACE}:`)) found.add(at.slice(ISLAND_NAMESPACE.length + 1));
      for (const imported of graph[at]?.imports ?? []) if (!imported.external) stack.push(imported.path);
    }
    return [...found].sort();
  };
  const usedBy = new Map<string, string[]>();
  for (const route of pages.routes) usedBy.set(route.file, islandsOf([route.file, ...route.layouts]));
  if (pages.notFound !== undefined) usedBy.set(NOT_FOUND_KEY, islandsOf([pages.notFound, ...pages.rootLayouts]));
  const islandFiles = [...new Set([...usedBy.values()].flat())].sort();

  const scriptOf = new Map<string, string>();
  if (islandFiles.length > 0) {
    const client = await run(esbuild, {
      entryPoints: islandFiles.map((file) => ({ in: hydrationEntry(file), out: `island-${islandName(islandsDir, file).replaceAll('/', '-')}` })),
      outdir: join(outDir, 'client'),
      absWorkingDir: root,
      bundle: true,
      splitting: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2020',
      entryNames: '[name]-[hash]',
      chunkNames: 'chunk-[hash]',
      minify: options.minify ?? true,
      jsx: 'automatic',
      jsxImportSource: renderer,
      define: { 'process.env.NODE_ENV': '"production"' },
      metafile: true,
      logLevel: 'silent',
      plugins: [hydrationPlugin(root, islandsDir, renderer)],
    });
    for (const [output, meta] of Object.entries(client.metafile!.outputs)) {
      if (meta.entryPoint === undefined) continue;
      const file = meta.entryPoint.slice(meta.entryPoint.indexOf(':') + 1);
      scriptOf.set(file, ISLANDS_URL_PREFIX + output.split('/').pop()!);
    }
  }

  const scripts: Record<string, string[]> = {};
  for (const [file, used] of usedBy) if (used.length > 0) scripts[file] = used.map((f) => scriptOf.get(f)!);
  const manifest: Manifest = { version: MANIFEST_VERSION, renderer, builtAt: new Date().toISOString(), routeTable: 'server/routes.js', clientDir: 'client', scripts };
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return {
    outDir,
    manifest,
    routes: pages.routes.map((r) => ({ pattern: r.pattern, file: r.file })),
    islands: islandFiles.map((f) => islandName(islandsDir, f)),
    types,
    durationMs: performance.now() - started,
  };
}

async function run(esbuild: typeof Esbuild, options: Esbuild.BuildOptions): Promise<Esbuild.BuildResult> {
  try {
    return await esbuild.build(options);
  } catch (error) {
    const errors = (error as { errors?: Esbuild.Message[] }).errors;
    if (errors === undefined) throw error;
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text));
    throw new Error(`wirecore-ssr build failed:\n  ${lines.join('\n  ')}`, { cause: error });
  }
}

/** The generated route-table module: static imports of every page and layout, routes most specific first. */
export function routeTableSource(pages: ScannedPages, pagesDir: string, outDir: string, renderer: RendererName): string {
  const names = new Map<string, string>();
  const imports: string[] = [];
  const ref = (file: string): string => {
    let name = names.get(file);
    if (name === undefined) {
      name = `m${names.size}`;
      names.set(file, name);
      const path = relative(outDir, join(pagesDir, file)).split(sep).join('/');
      imports.push(`import * as ${name} from ${JSON.stringify(path.startsWith('.') ? path : './' + path)};`);
    }
    return name;
  };
  const entry = (file: string, layouts: readonly string[]) => `{ file: ${JSON.stringify(file)}, module: ${ref(file)}, layouts: [${layouts.map(ref).join(', ')}] }`;
  const routes = pages.routes.map(
    (r) => `  { file: ${JSON.stringify(r.file)}, pattern: ${JSON.stringify(r.pattern)}, segments: ${JSON.stringify(r.segments)}, module: ${ref(r.file)}, layouts: [${r.layouts.map(ref).join(', ')}] },`,
  );
  const notFound = pages.notFound === undefined ? 'null' : entry(pages.notFound, pages.rootLayouts);
  const serverError = pages.serverError === undefined ? 'null' : entry(pages.serverError, []);
  return [
    `// Generated by wirecore-ssr build from pages/ (renderer: ${renderer}). Do not edit: every build rewrites it.`,
    ...imports,
    '',
    '/** Most specific first. */',
    'export const routes = [',
    ...routes,
    '];',
    `export const notFound = ${notFound};`,
    `export const serverError = ${serverError};`,
    '',
  ].join('\n');
}
