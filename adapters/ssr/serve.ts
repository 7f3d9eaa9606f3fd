// The one-liner: load (or, in dev, build and watch) a site and serve it.
import { OptionError, SERVE_OPTION_NAMES, checkOptionNames, serveGeneric, type ServeOptions, type Server } from 'wirecore';
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
  const site = await loadSite({ root, outDir, publicDir, dev, renderer, prerender, onReload, logger: options.logger });
  let server: Server;
  try {
    // SIGTERM and SIGINT drain the server and exit 0 unless `signals: false`.
    server = await serveGeneric(site, dispatchSite, { signals: true, ...serveOptions, logger: site.logger, tryStatic: tryPrerendered });
  } catch (error) {
    site.close();
    throw error;
  }
  return {
    server,
    site,
    runtime: server.runtime,
    address: server.address,
    port: server.port,
    url: server.url,
    get stats() {
      return server.stats;
    },
    get closing() {
      return server.closing;
    },
    async close(closeOptions) {
      site.close();
      await server.close(closeOptions);
    },
    publish: (topic, data, publishOptions) => server.publish(topic, data, publishOptions),
    reload: () => server.reload(),
  };
}
