// Pages marked `prerender` are rendered once at start into static responses
// (with a strong ETag) that tryStatic answers without a dispatch, 304s included.
import { createStatic, type StaticResponse } from 'wirecore';
import { isNotFound, isRedirect } from './control.js';
import { DOCUMENT_END, documentStart, mergeHeads, resolveHead } from './document.js';
import { HTML_HEADERS, tree } from './render.js';
import { matchSegments, pathFor } from './routes.js';
import type { PageRoute, SiteTable } from './table.js';
import type { RouteInfo } from './types.js';

const NEVER = new AbortController().signal;

export interface Prerendered {
  readonly path: string;
  readonly file: string;
  readonly response: StaticResponse;
}

/** Renders every prerendered page; throws naming the page and path that failed. */
export async function prerender(table: SiteTable): Promise<Prerendered[]> {
  const out: Prerendered[] = [];
  for (const route of table.routes) {
    if (route.kind !== 'page' || route.page.prerender === undefined || route.page.prerender === false) continue;
    const spec = route.page.prerender;
    const sets = spec === true ? [{}] : await spec.paths();
    for (const params of sets) {
      const path = pathFor(route.segments, params, route.file);
      out.push(await prerenderOne(table, route, path));
    }
  }
  return out;
}

async function prerenderOne(table: SiteTable, route: PageRoute, path: string): Promise<Prerendered> {
  const parts = path.slice(1).split('/').map(decodeURIComponent);
  const params = matchSegments(route.segments, path === '/' ? [] : parts) ?? {};
  const info: RouteInfo = { params, path, url: new URL(path, 'http://localhost') };
  const where = `wirecore/ssr: prerendering ${route.file} at ${path}`;
  let data: unknown;
  try {
    data = route.page.load === undefined ? undefined : await route.page.load({ ...info, request: undefined, signal: NEVER });
  } catch (error) {
    if (isNotFound(error)) throw new Error(`${where}: load() threw notFound() for a path prerender.paths() listed`);
    if (isRedirect(error)) throw new Error(`${where}: load() threw redirect(${error.location}); a prerendered page cannot redirect`);
    throw new Error(`${where}: load() failed`, { cause: error });
  }
  let html: string;
  try {
    const start = documentStart(mergeHeads(route.heads.map((h) => resolveHead(h, info))), route.scripts);
    html = start + (await table.renderer.toHtml(tree(table.renderer, route.page.default, { ...info, data }, route.layouts, info))) + DOCUMENT_END;
  } catch (error) {
    throw new Error(`${where}: render failed`, { cause: error });
  }
  // A strong ETag from the bytes: the wire layer answers If-None-Match with 304 itself.
  const response = createStatic({ status: 200, headers: { ...HTML_HEADERS, 'cache-control': 'no-cache' }, body: html }, { etag: true });
  return { path, file: route.file, response };
}
