// Reads pages/ once (at build time) into routes, layouts and the error pages.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bySpecificity, patternOf, shapeOf, type Segment } from './routes.js';

const EXTENSIONS = ['.tsx', '.ts', '.jsx', '.js'];

export interface ScannedRoute {
  /** Path under pages/, with "/" separators. */
  readonly file: string;
  readonly pattern: string;
  readonly segments: readonly Segment[];
  /** Layout files that wrap it, outermost first. */
  readonly layouts: readonly string[];
}

export interface ScannedPages {
  readonly routes: readonly ScannedRoute[];
  readonly layouts: readonly string[];
  readonly notFound: string | undefined;
  readonly serverError: string | undefined;
  /** Layouts of pages/ itself, which wrap the 404 page. */
  readonly rootLayouts: readonly string[];
}

function sourceName(name: string): string | undefined {
  if (name.endsWith('.d.ts')) return undefined;
  const ext = EXTENSIONS.find((e) => name.endsWith(e));
  if (ext === undefined) return undefined;
  const base = name.slice(0, -ext.length);
  if (/\.(test|spec)$/.test(base)) return undefined;
  return base;
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(join(dir, rel)).isDirectory());
    if (isDir) {
      // A folder named _something is private (components, helpers): no routes.
      if (!entry.name.startsWith('_')) out.push(...listFiles(dir, rel));
    } else out.push(rel);
  }
  return out;
}

/** Scans `pagesDir`; throws naming the files when two claim one route or a name is malformed. */
export function scanPages(pagesDir: string): ScannedPages {
  let files: string[];
  try {
    files = listFiles(pagesDir);
  } catch (error) {
    throw new Error(`wirecore-ssr: cannot read the pages folder ${pagesDir}: ${(error as Error).message}`);
  }
  const layoutsByDir = new Map<string, string>();
  const special = new Map<string, string>();
  const candidates: Array<{ file: string; routePath: string }> = [];
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    const dir = slash === -1 ? '' : file.slice(0, slash);
    const base = sourceName(file.slice(slash + 1));
    if (base === undefined) continue;
    if (base === '_layout') {
      const other = layoutsByDir.get(dir);
      if (other !== undefined) throw new Error(`wirecore-ssr: "${other}" and "${file}" are both the layout of ${dir === '' ? 'pages/' : dir + '/'}`);
      layoutsByDir.set(dir, file);
    } else if (base === '_404' || base === '_500') {
      if (dir !== '') throw new Error(`wirecore-ssr: "${file}": ${base} must be at the root of pages/`);
      const other = special.get(base);
      if (other !== undefined) throw new Error(`wirecore-ssr: "${other}" and "${file}" are both the ${base} page`);
      special.set(base, file);
    } else if (!base.startsWith('_')) {
      candidates.push({ file, routePath: dir === '' ? base : `${dir}/${base}` });
    }
  }

  const byShape = new Map<string, string>();
  const routes: ScannedRoute[] = candidates.map(({ file, routePath }) => {
    const { pattern, segments } = patternOf(routePath, `wirecore-ssr: "${file}"`);
    const shape = shapeOf(segments);
    const other = byShape.get(shape);
    if (other !== undefined) throw new Error(`wirecore-ssr: "${other}" and "${file}" both claim the route ${shape}`);
    byShape.set(shape, file);
    return { file, pattern, segments, layouts: layoutsOf(file, layoutsByDir) };
  });
  routes.sort(bySpecificity);
  const rootLayout = layoutsByDir.get('');
  return {
    routes,
    layouts: [...layoutsByDir.values()],
    notFound: special.get('_404'),
    serverError: special.get('_500'),
    rootLayouts: rootLayout === undefined ? [] : [rootLayout],
  };
}

function layoutsOf(file: string, layoutsByDir: ReadonlyMap<string, string>): string[] {
  const dirs = file.split('/').slice(0, -1);
  const out: string[] = [];
  for (let i = 0; i <= dirs.length; i++) {
    const layout = layoutsByDir.get(dirs.slice(0, i).join('/'));
    if (layout !== undefined) out.push(layout);
  }
  return out;
}
