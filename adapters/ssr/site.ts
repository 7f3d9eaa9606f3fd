// A site at run time: the build's manifest and route-table module, the
// renderer it was built for, the public/ index and the prerendered pages.
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'wirecore';
import { indexAssets } from './assets.js';
import { DEFAULT_OUT_DIR, ISLANDS_URL_PREFIX, MANIFEST_VERSION, NOT_FOUND_KEY, build, type Manifest } from './build.js';
import type { SiteState } from './dispatch.js';
import { missingPackage } from './peer.js';
import { prerender } from './prerender.js';
import { loadRenderer } from './renderer.js';
import { RELOAD_CLIENT_PATH } from './dev-reload.js';
import { compileTable, type RouteTableModule, type SiteTable } from './table.js';
import type { RendererName } from './types.js';

export interface SiteOptions {
  /** The site folder (pages/, islands/, public/). */
  root: string;
  /** Where the build wrote its output. Default <root>/.wirecore-ssr. */
  outDir?: string;
  /** Default <root>/public. */
  publicDir?: string;
  /**
   * Build now, then watch the site folder and rebuild on change, swapping the
   * whole route table (requests in flight finish with the one they started with).
   * Pages are rendered per request in dev: nothing is prerendered. Served by
   * serveSite, every page then loads a client that reloads it after each
   * rebuild (a WebSocket at /__wirecore/reload, see dev-reload.ts).
   */
  dev?: boolean;
  /** The renderer a dev build uses. Default "preact"; a production start uses the one the build recorded. */
  renderer?: RendererName;
  /** Render `prerender` pages at start. Default true (false in dev). */
  prerender?: boolean;
  /** Default: console. */
  logger?: Logger;
  /** Called after every dev rebuild, with the error when it failed (the previous table then stays). */
  onReload?: (error?: Error) => void;
}

const consoleLogger: Logger = {
  error: (message, error) => console.error(message, error ?? ''),
  warn: (message) => console.warn(message),
};

export class Site implements SiteState {
  current!: SiteTable;
  readonly logger: Logger;
  readonly root: string;
  readonly outDir: string;
  readonly publicDir: string;
  private version = 0;
  private watcher: FSWatcher | undefined;

  constructor(private readonly options: SiteOptions) {
    this.root = resolve(options.root);
    this.outDir = resolve(this.root, options.outDir ?? DEFAULT_OUT_DIR);
    this.publicDir = resolve(this.root, options.publicDir ?? 'public');
    this.logger = options.logger ?? consoleLogger;
  }

  /** Loads the build in outDir (again) and swaps it in whole. */
  async reload(): Promise<void> {
    const manifestPath = join(this.outDir, 'manifest.json');
    if (!existsSync(manifestPath)) throw new Error(`wirecore/ssr: no build in ${this.outDir}: run \`wirecore-ssr build ${relative(process.cwd(), this.root) || '.'}\` first`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.version !== MANIFEST_VERSION) throw new Error(`wirecore/ssr: ${manifestPath} is from another version of wirecore-ssr: build again`);
    const renderer = await loadRenderer(manifest.renderer);
    // A new URL per load, so a rebuilt module is evaluated again rather than taken from the import cache.
    const url = `${pathToFileURL(join(this.outDir, manifest.routeTable)).href}?v=${++this.version}`;
    const module = await this.importTable(url, join(this.outDir, manifest.routeTable));
    const assets = indexAssets([
      { prefix: '', dir: this.publicDir, immutable: 'hashed' },
      { prefix: ISLANDS_URL_PREFIX.slice(0, -1), dir: join(this.outDir, manifest.clientDir), immutable: true },
    ]);
    const table = compileTable(module, manifest.scripts, renderer, assets, NOT_FOUND_KEY, this.options.dev ? [RELOAD_CLIENT_PATH] : []);
    if (this.options.prerender ?? !this.options.dev) {
      for (const page of await prerender(table)) table.prerendered.set(page.path, page.response);
    }
    this.current = table;
  }

  /** The built route table; a package its pages import that Node cannot find is named, with where to install it. */
  private async importTable(url: string, file: string): Promise<RouteTableModule> {
    try {
      return (await import(url)) as RouteTableModule;
    } catch (error) {
      const pkg = missingPackage(error);
      if (pkg === undefined) throw error;
      // Node looks for it in node_modules folders from the bundle's folder upwards.
      const where = isInside(this.outDir, this.root) ? this.root : this.outDir;
      throw new Error(
        `wirecore/ssr: the site's pages import the package "${pkg}", which is not installed where the built pages (${file}) can find it: ` +
          `run \`npm install ${pkg}\` in ${where} (Node looks in node_modules from the build's folder upwards)`,
        { cause: error },
      );
    }
  }

  /** Watches the site folder (not outDir, node_modules or dotfiles) and rebuilds after a quiet 50 ms. */
  watch(): void {
    if (this.watcher !== undefined) return;
    const ignored = (name: string) => {
      const abs = join(this.root, name);
      return isInside(abs, this.outDir) || name.split(sep).some((p) => p === 'node_modules' || p.startsWith('.'));
    };
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let again = false;
    const rebuild = async () => {
      try {
        await build({ root: this.root, outDir: this.outDir, renderer: this.options.renderer ?? 'preact', clean: false });
        await this.reload();
        this.options.onReload?.();
      } catch (error) {
        this.logger.error('wirecore-ssr dev: the rebuild failed; still serving the previous build', error);
        this.options.onReload?.(error as Error);
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (running !== undefined) {
          again = true;
          return;
        }
        running = rebuild().finally(() => {
          running = undefined;
          if (again) {
            again = false;
            schedule();
          }
        });
      }, 50);
    };
    this.watcher = watch(this.root, { recursive: true }, (_event, name) => {
      if (name !== null && !ignored(name.toString())) schedule();
    });
    this.watcher.on('error', (error) => this.logger.error('wirecore-ssr dev: watching the site folder failed', error));
  }

  /** Stops watching. */
  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

/** Loads a built site (or, with `dev`, builds it first and watches it). */
export async function loadSite(options: SiteOptions): Promise<Site> {
  const site = new Site(options);
  if (options.dev) await build({ root: site.root, outDir: site.outDir, renderer: options.renderer ?? 'preact', clean: false });
  await site.reload();
  if (options.dev) site.watch();
  return site;
}
