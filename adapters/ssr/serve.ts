// The one-liner: load (or, in dev, build and watch) a site and serve it.
import { OptionError, SERVE_OPTION_NAMES, checkOptionNames, serveGeneric, type ServeOptions, type Server } from 'wirecore';
import { announceReload, withDevReload } from './dev-reload.js';
import { dispatchSite, tryPrerendered } from './dispatch.js';
import { loadSite, type Site, type SiteOptions } from './site.js';

export interface ServeSiteOptions extends SiteOptions, Omit<ServeOptions<Site>, 'tryStatic' | 'workers' | 'workerModule' | 'logger'> {}

/** The server (port, url, stats, close() like every wirecore server), with the site it serves. */
export interface SiteServer extends Server {
  readonly server: Server;
  readonly site: Site;
  /** Stops watching (dev) and closes the server gracefully. */
  close(options?: { graceMs?: number }): Promise<void>;
}

const SITE_OPTION_NAMES: ReadonlyArray<keyof SiteOptions> = ['root', 'outDir', 'publicDir', 'dev', 'renderer', 'prerender', 'logger', 'onReload'];
/** serveGeneric's options that serveSite sets itself or cannot take. */
const NOT_PASSED = new Set<string>(['tryStatic', 'workers', 'workerModule', 'logger']);
const OPTION_NAMES: readonly string[] = [...SITE_OPTION_NAMES, ...SERVE_OPTION_NAMES.filter((name) => !NOT_PASSED.has(name))];

function checkOptions(options: ServeSiteOptions): void {
  if (typeof options !== 'object' || options === null) throw new OptionError(`serveSite: options must be an object { root, … }`);
  const taken = Object.keys(options).find((key) => NOT_PASSED.has(key) && !(SITE_OPTION_NAMES as readonly string[]).includes(key));
  if (taken !== undefined) {
    throw new OptionError(`serveSite: '${taken}' is not a serveSite option; for it, serve the site yourself: serveGeneric(await loadSite({ root }), dispatchSite, { tryStatic: tryPrerendered, ${taken}: … })`);
  }
  checkOptionNames(options, OPTION_NAMES, 'serveSite');
}

export async function serveSite(options: ServeSiteOptions): Promise<SiteServer> {
  checkOptions(options);
  const { root, outDir, publicDir, dev, renderer, prerender, onReload, ...serveOptions } = options;
  let server: Server | undefined;
  // In dev, open pages hear of each rebuild over a WebSocket before onReload is told.
  const reloaded = (error?: Error) => {
    if (server !== undefined) announceReload(server, error);
    onReload?.(error);
  };
  const site = await loadSite({ root, outDir, publicDir, dev, renderer, prerender, onReload: dev ? reloaded : onReload, logger: options.logger });
  try {
    // SIGTERM and SIGINT drain the server and exit 0 unless `signals: false`.
    server = await serveGeneric(site, dev ? withDevReload(dispatchSite) : dispatchSite, { signals: true, ...serveOptions, logger: site.logger, tryStatic: tryPrerendered });
  } catch (error) {
    site.close();
    throw error;
  }
  const served = server;
  return {
    server: served,
    site,
    runtime: served.runtime,
    address: served.address,
    port: served.port,
    url: served.url,
    get stats() {
      return served.stats;
    },
    get closing() {
      return served.closing;
    },
    publish: (topic, data, publishOptions) => served.publish(topic, data, publishOptions),
    async close(closeOptions) {
      site.close();
      await served.close(closeOptions);
    },
    reload: () => served.reload(),
  };
}
