// The loaded route table: what one build compiled, checked and ready to
// answer. A dev rebuild makes a new one and swaps it in whole.
import type { StaticResponse } from 'wirecore';
import type { Asset } from './assets.js';
import { documentStart, mergeHeads } from './document.js';
import type { Renderer } from './renderer.js';
import { isStatic, type Segment } from './routes.js';
import { ENDPOINT_METHODS, type EndpointModule, type HeadExport, type LayoutModule, type PageModule } from './types.js';

/** What the generated module exports (see build.ts routeTableSource). */
export interface RouteTableModule {
  routes: Array<{ file: string; pattern: string; segments: Segment[]; module: Record<string, unknown>; layouts: Array<Record<string, unknown>> }>;
  notFound: { file: string; module: Record<string, unknown>; layouts: Array<Record<string, unknown>> } | null;
  serverError: { file: string; module: Record<string, unknown>; layouts: Array<Record<string, unknown>> } | null;
}

interface RouteBase {
  readonly file: string;
  readonly pattern: string;
  readonly segments: readonly Segment[];
}

export interface PageRoute extends RouteBase {
  readonly kind: 'page';
  readonly page: PageModule;
  readonly layouts: readonly LayoutModule[];
  /** Layout heads then the page's, outermost first. */
  readonly heads: readonly HeadExport[];
  readonly scripts: readonly string[];
  /** The document start, when no head depends on the request. */
  readonly fixedStart: string | undefined;
}

export interface EndpointRoute extends RouteBase {
  readonly kind: 'endpoint';
  readonly handlers: EndpointModule;
  /** The Allow header of a 405. */
  readonly allow: string;
}

export type Route = PageRoute | EndpointRoute;

export interface SpecialPage {
  readonly file: string;
  readonly page: PageModule;
  readonly layouts: readonly LayoutModule[];
  readonly heads: readonly HeadExport[];
  readonly scripts: readonly string[];
}

export interface SiteTable {
  readonly renderer: Renderer;
  /** Routes without parameters, by decoded path. */
  readonly staticRoutes: ReadonlyMap<string, Route>;
  /** The others, most specific first. */
  readonly dynamicRoutes: readonly Route[];
  readonly routes: readonly Route[];
  readonly notFound: SpecialPage | undefined;
  readonly serverError: SpecialPage | undefined;
  readonly assets: ReadonlyMap<string, Asset>;
  /** Prerendered pages by request path. */
  readonly prerendered: Map<string, StaticResponse>;
}

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

function checkHead(file: string, head: unknown): HeadExport | undefined {
  if (head === undefined) return undefined;
  if (typeof head === 'function' || (typeof head === 'object' && head !== null)) return head as HeadExport;
  throw new Error(`wirecore/ssr: ${file}: "head" must be an object or a function of the route`);
}

function checkLayout(file: string, module: Record<string, unknown>): LayoutModule {
  if (!isFunction(module.default)) throw new Error(`wirecore/ssr: the layout ${file} has no default export component`);
  checkHead(file, module.head);
  return module as unknown as LayoutModule;
}

function checkPage(file: string, module: Record<string, unknown>, segments: readonly Segment[] | undefined): PageModule {
  if (module.load !== undefined && !isFunction(module.load)) throw new Error(`wirecore/ssr: ${file}: "load" must be a function`);
  checkHead(file, module.head);
  const prerender = module.prerender;
  if (prerender !== undefined && prerender !== false) {
    if (segments === undefined) throw new Error(`wirecore/ssr: ${file}: the error pages cannot be prerendered`);
    const paths = typeof prerender === 'object' && prerender !== null ? (prerender as { paths?: unknown }).paths : undefined;
    if (prerender !== true && !isFunction(paths)) throw new Error(`wirecore/ssr: ${file}: "prerender" must be true or { paths() }`);
    if (prerender === true && !isStatic(segments)) throw new Error(`wirecore/ssr: ${file}: a route with parameters needs prerender = { paths() } to say which pages to render`);
  }
  return module as unknown as PageModule;
}

function layoutsOf(file: string, layouts: Array<Record<string, unknown>>): LayoutModule[] {
  return layouts.map((l, i) => checkLayout(`${file} (layout ${i + 1})`, l));
}

/** Checks every module of the generated table and precomputes what does not depend on requests. */
export function compileTable(
  table: RouteTableModule,
  scripts: Readonly<Record<string, readonly string[]>>,
  renderer: Renderer,
  assets: ReadonlyMap<string, Asset>,
  notFoundKey: string,
  /** Module scripts every page gets after its own (dev: the reload client). */
  everyPage: readonly string[] = [],
): SiteTable {
  const staticRoutes = new Map<string, Route>();
  const dynamicRoutes: Route[] = [];
  const routes: Route[] = [];
  for (const raw of table.routes) {
    const module = raw.module;
    const handlers = ENDPOINT_METHODS.filter((m) => isFunction(module[m]));
    let route: Route;
    if (isFunction(module.default)) {
      if (handlers.length > 0) throw new Error(`wirecore/ssr: ${raw.file} exports both a page component and ${handlers.join(', ')} handlers: a route file is one or the other`);
      const page = checkPage(raw.file, module, raw.segments);
      const layouts = layoutsOf(raw.file, raw.layouts);
      const heads = [...layouts.map((l) => l.head), page.head].filter((h): h is HeadExport => h !== undefined);
      const routeScripts = [...(scripts[raw.file] ?? []), ...everyPage];
      const fixed = heads.every((h) => typeof h !== 'function');
      route = {
        kind: 'page',
        file: raw.file,
        pattern: raw.pattern,
        segments: raw.segments,
        page,
        layouts,
        heads,
        scripts: routeScripts,
        fixedStart: fixed ? documentStart(mergeHeads(heads as ReadonlyArray<Exclude<HeadExport, (...a: never[]) => unknown>>), routeScripts) : undefined,
      };
    } else if (handlers.length > 0) {
      const allow = new Set<string>(handlers.filter((m) => m !== 'ALL'));
      if (allow.has('GET')) allow.add('HEAD');
      route = { kind: 'endpoint', file: raw.file, pattern: raw.pattern, segments: raw.segments, handlers: module as EndpointModule, allow: [...allow].join(', ') };
    } else {
      throw new Error(`wirecore/ssr: ${raw.file} exports neither a default page component nor a handler (${ENDPOINT_METHODS.join(', ')})`);
    }
    routes.push(route);
    if (isStatic(raw.segments)) staticRoutes.set(raw.pattern, route);
    else dynamicRoutes.push(route);
  }
  const special = (entry: RouteTableModule['notFound'], key: string): SpecialPage | undefined => {
    if (entry === null) return undefined;
    if (!isFunction(entry.module.default)) throw new Error(`wirecore/ssr: ${entry.file} has no default export component`);
    const page = checkPage(entry.file, entry.module, undefined);
    const layouts = layoutsOf(entry.file, entry.layouts);
    return { file: entry.file, page, layouts, heads: [...layouts.map((l) => l.head), page.head].filter((h): h is HeadExport => h !== undefined), scripts: [...(scripts[key] ?? []), ...everyPage] };
  };
  return {
    renderer,
    staticRoutes,
    dynamicRoutes,
    routes,
    notFound: special(table.notFound, notFoundKey),
    serverError: special(table.serverError, '_500'),
    assets,
    prerendered: new Map(),
  };
}
