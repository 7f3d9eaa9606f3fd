// The one-liner: load (or, in dev, build and watch) a site and serve it.
import { serveGeneric, type ServeOptions, type Server } from 'wirecore';
import { dispatchSite, tryPrerendered } from './dispatch.js';
import { loadSite, type Site, type SiteOptions } from './site.js';

export interface ServeSiteOptions extends SiteOptions, Omit<ServeOptions<Site>, 'tryStatic' | 'workers' | 'workerModule' | 'logger'> {}

export interface SiteServer {
  readonly server: Server;
  readonly site: Site;
  readonly url: string;
  /** Stops watching (dev) and closes the server gracefully. */
  close(options?: { graceMs?: number }): Promise<void>;
}

export async function serveSite(options: ServeSiteOptions): Promise<SiteServer> {
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
    url: server.url,
    async close(closeOptions) {
      site.close();
      await server.close(closeOptions);
    },
  };
}
