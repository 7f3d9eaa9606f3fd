// What page, layout and endpoint modules export, and what they receive.
import type { ResponseWriter, WireRequest, Written } from 'wirecore';

export type Params = Readonly<Record<string, string>>;

/**
 * Every file route of the site and its parameters: empty here, filled in by the
 * declarations `wirecore-ssr build` writes (`<outDir>/routes.d.ts`) once the
 * site's tsconfig includes that file. `'/blog/[slug]': { readonly slug: string }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SiteRoutes {}

/** A route pattern of the site ("/blog/[slug]") once the build's types are included; any string before. */
export type RoutePath = [keyof SiteRoutes] extends [never] ? string : Extract<keyof SiteRoutes, string>;

/** The parameters of route `R`: `RouteParams<'/blog/[slug]'>` is `{ readonly slug: string }`; without a route, `Params`. */
export type RouteParams<R extends RoutePath = never> = [R] extends [never] ? Params : R extends keyof SiteRoutes ? SiteRoutes[R] : Params;

/** A component of the chosen renderer (a Preact or React function or class component). */
export type Component<P> = ((props: P) => unknown) | (abstract new (props: P) => unknown);

/**
 * What every page, layout, head and load() sees about the request. `RouteInfo<'/blog/[slug]'>`
 * types `params` from the build's route types (see SiteRoutes).
 */
export interface RouteInfo<R extends RoutePath = never> {
  /** Route parameters, percent-decoded: `[slug]` → `params.slug`; `[...rest]` → the rest of the path joined with "/". */
  readonly params: RouteParams<R>;
  /** The request path as received (still percent-encoded). */
  readonly path: string;
  /** The request URL (scheme http, authority from Host). */
  readonly url: URL;
}

export interface LoadContext<R extends RoutePath = never> extends RouteInfo<R> {
  /** The request; undefined while a page is being prerendered. */
  readonly request: WireRequest | undefined;
  /** Aborts when the client leaves. */
  readonly signal: AbortSignal;
}

export type LoadFunction<T = unknown> = (ctx: LoadContext) => T | Promise<T>;

/** The data type of a page: `PageProps<typeof load>` or `PageProps<{ posts: Post[] }>`. */
export type DataOf<L> = L extends (...args: never[]) => infer R ? Awaited<R> : L;

/** `PageProps<typeof load, '/blog/[slug]'>`: the data of load() and the route's typed params. */
export interface PageProps<L = undefined, R extends RoutePath = never> extends RouteInfo<R> {
  readonly data: DataOf<L>;
}

/** `Children` is your renderer's children type: `LayoutProps<ComponentChildren>` (preact) or `LayoutProps<ReactNode>` (react). */
export interface LayoutProps<Children = unknown> extends RouteInfo {
  readonly children?: Children;
}

/** Props of `_404` (status 404) and `_500` (status 500). */
export interface ErrorPageProps {
  readonly status: number;
  readonly path: string;
}

export interface HeadMeta {
  readonly name?: string;
  readonly property?: string;
  readonly 'http-equiv'?: string;
  readonly content: string;
}

export interface HeadLink {
  readonly rel: string;
  readonly href: string;
  readonly [attribute: string]: string;
}

/** The document head, written before load() resolves. */
export interface Head {
  readonly title?: string;
  /** The <html lang>; default "en". */
  readonly lang?: string;
  readonly meta?: readonly HeadMeta[];
  readonly links?: readonly HeadLink[];
}

/** Computed from the route alone (never from load() data), so the head never waits for data. */
export type HeadExport = Head | ((info: RouteInfo) => Head);

export interface PrerenderPaths {
  /** Every parameter set to render at start, for a dynamic route. */
  paths(): ReadonlyArray<Record<string, string>> | Promise<ReadonlyArray<Record<string, string>>>;
}

export interface PageModule {
  default: Component<PageProps<unknown>>;
  load?: LoadFunction;
  head?: HeadExport;
  /** Render once at start and serve the bytes from the static cache (with an ETag). */
  prerender?: boolean | PrerenderPaths;
  /**
   * Wait for load() before the head, so notFound()/redirect() from a slow load()
   * still decide the status. Default false: the head goes first.
   */
  waitForLoad?: boolean;
}

export interface LayoutModule {
  default: Component<LayoutProps>;
  head?: HeadExport;
}

export interface EndpointContext<R extends RoutePath = never> extends RouteInfo<R> {
  readonly req: WireRequest;
  readonly res: ResponseWriter;
}

export type EndpointHandler = (ctx: EndpointContext) => Written | Promise<Written>;

export const ENDPOINT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'ALL'] as const;
export type EndpointMethod = (typeof ENDPOINT_METHODS)[number];

/** A route file without a default export: one handler per method, `ALL` for the rest. */
export type EndpointModule = Partial<Record<EndpointMethod, EndpointHandler>>;

export type RendererName = 'preact' | 'react';
