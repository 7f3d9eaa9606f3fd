// The one-liner: load (or, in dev, build and watch) a site and serve it.
import { serveGeneric, type ServeOptions, type Server } from 'wirecore';
import { announceReload, withDevReload } from './dev-reload.js';
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
  let server: Server | undefined;
  // In dev, open pages hear of each rebuild over a WebSocket before onReload is told.
  const reloaded = (error?: Error) => {
    if (server !== undefined) announceReload(server, error);
    onReload?.(error);
  };
  const site = await loadSite({ root, outDir, publicDir, dev, renderer, prerender, onReload: dev ? reloaded : onReload, logger: options.logger });
  try {
    server = await serveGeneric(site, dev ? withDevReload(dispatchSite) : dispatchSite, { ...serveOptions, logger: site.logger, tryStatic: tryPrerendered });
  } catch (error) {
    site.close();
    throw error;
  }
  const served = server;
  return {
    server: served,
    site,
    url: served.url,
    async close(closeOptions) {
      site.close();
      await served.close(closeOptions);
    },
  };
}
