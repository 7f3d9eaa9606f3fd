// wirecore/ssr: a server-side rendering consumer of the wire layer. File
// routes compiled at build time, streamed HTML, layouts, prerendered pages
// from the static cache, public/ files and hydrated islands.
export { build, type BuildOptions, type BuildResult, type Manifest } from './build.js';
export { notFound, redirect, type RedirectOptions, type RedirectStatus } from './control.js';
export { dispatchSite, tryPrerendered, type SiteState } from './dispatch.js';
export { RELOAD_CLIENT_PATH, RELOAD_PATH, announceReload, withDevReload, type ReloadMessage } from './dev-reload.js';
export { serveSite, type ServeSiteOptions, type SiteServer } from './serve.js';
export { Site, loadSite, type SiteOptions } from './site.js';
export type {
  Component,
  DataOf,
  EndpointContext,
  EndpointHandler,
  EndpointModule,
  ErrorPageProps,
  Head,
  HeadExport,
  HeadLink,
  HeadMeta,
  LayoutModule,
  LayoutProps,
  LoadContext,
  LoadFunction,
  PageModule,
  PageProps,
  Params,
  PrerenderPaths,
  RendererName,
  RouteInfo,
  RouteParams,
  RoutePath,
  SiteRoutes,
} from './types.js';
