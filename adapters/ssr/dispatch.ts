// The site's dispatch: files from public/ and the island bundles, then
// routes (a Map lookup for static ones, the specificity order for the rest),
// then the 404 page. Prerendered pages never get here (see tryPrerendered).
import type { Logger, ResponseWriter, StaticResponse, WireRequest, Written } from 'wirecore';
import { answerAsset } from './assets.js';
import { isNotFound, isRedirect } from './control.js';
import { answerNotFound, answerPage, requestUrl } from './render.js';
import { matchSegments } from './routes.js';
import type { EndpointRoute, Route, SiteTable } from './table.js';
import type { Params } from './types.js';

/** What the dispatch reads: the current table (swapped whole by a dev rebuild) and a logger. */
export interface SiteState {
  readonly current: SiteTable;
  readonly logger: Logger;
}

const NO_PARAMS: Params = Object.freeze({});
const BAD_PATH = Symbol('bad path');

interface DecodedPath {
  /** The decoded path, undefined when a segment holds an encoded "/" (it then names no file and no static route). */
  readonly key: string | undefined;
  readonly parts: readonly string[];
}

/** Percent-decodes each segment; dot segments, NUL and malformed escapes are refused (400). */
export function decodePath(raw: string): DecodedPath | typeof BAD_PATH {
  if (raw.indexOf('%') === -1 && raw.indexOf('/.') === -1 && raw.indexOf('\\') === -1) {
    return { key: raw, parts: raw === '/' ? [] : raw.slice(1).split('/') };
  }
  const parts: string[] = [];
  let slashInside = false;
  for (const segment of raw.slice(1).split('/')) {
    let part: string;
    try {
      part = decodeURIComponent(segment);
    } catch {
      return BAD_PATH;
    }
    if (part.includes('\0') || part.includes('\\')) return BAD_PATH;
    if (part.includes('/')) {
      // An encoded slash is allowed inside a parameter, but never to smuggle a dot segment.
      if (part.split('/').some((p) => p === '.' || p === '..')) return BAD_PATH;
      slashInside = true;
    } else if (part === '.' || part === '..') return BAD_PATH;
    parts.push(part);
  }
  if (parts.length === 1 && parts[0] === '') parts.pop();
  return { key: slashInside ? undefined : '/' + parts.join('/'), parts };
}

function textAnswer(res: ResponseWriter, status: number, body: string, headers: Record<string, string> = {}): Written {
  return res.send({ status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body });
}

export function findRoute(table: SiteTable, path: DecodedPath): { route: Route; params: Params } | undefined {
  if (path.key !== undefined) {
    const route = table.staticRoutes.get(path.key);
    if (route !== undefined) return { route, params: NO_PARAMS };
  }
  for (const route of table.dynamicRoutes) {
    const params = matchSegments(route.segments, path.parts);
    if (params !== undefined) return { route, params };
  }
  return undefined;
}

/** The DispatchFn of a site: serveGeneric(site, dispatchSite, { tryStatic: tryPrerendered }). */
export function dispatchSite(site: SiteState, req: WireRequest, res: ResponseWriter): Written | Promise<Written> {
  const table = site.current;
  const state = { table, logger: site.logger };
  const raw = req.path;
  if (raw.charCodeAt(0) !== 0x2f) {
    // Asterisk-form: OPTIONS * asks about the server as a whole.
    if (req.method === 'OPTIONS' && raw === '*') return res.send({ status: 200, headers: { allow: 'GET, HEAD, OPTIONS' } });
    return textAnswer(res, 400, 'Bad Request: the request-target is not a path\n');
  }
  const path = decodePath(raw);
  if (path === BAD_PATH) return textAnswer(res, 400, 'Bad Request: the path has a dot segment, NUL or a malformed escape\n');
  if (raw.length > 1 && raw.charCodeAt(raw.length - 1) === 0x2f) return trailingSlash(state, req, res, raw);

  if (path.key !== undefined) {
    const asset = table.assets.get(path.key);
    if (asset !== undefined) return answerAsset(req, res, asset, () => answerNotFound(state, req, res));
  }
  const found = findRoute(table, path);
  if (found === undefined) return answerNotFound(state, req, res);
  const { route, params } = found;
  req.route = route.pattern;
  if (route.kind === 'endpoint') return answerEndpoint(state, route, params, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return textAnswer(res, 405, 'Method Not Allowed\n', { allow: 'GET, HEAD' });
  return answerPage(state, route, params, req, res);
}

/** "/about/" → 308 to "/about" (with its query); never to a "//host" that a browser would leave the site for. */
function trailingSlash(state: { table: SiteTable; logger: Logger }, req: WireRequest, res: ResponseWriter, raw: string): Written | Promise<Written> {
  const bare = raw.replace(/\/+$/, '');
  if (bare === '' || bare.startsWith('//')) return answerNotFound(state, req, res);
  return res.send({ status: 308, headers: { location: bare + (req.query === '' ? '' : '?' + req.query) } });
}

async function answerEndpoint(state: { table: SiteTable; logger: Logger }, route: EndpointRoute, params: Params, req: WireRequest, res: ResponseWriter): Promise<Written> {
  const handlers = route.handlers;
  const method = req.method as keyof typeof handlers;
  const handler = handlers[method] ?? (method === 'HEAD' ? handlers.GET : undefined) ?? handlers.ALL;
  if (handler === undefined) return textAnswer(res, 405, 'Method Not Allowed\n', { allow: route.allow });
  try {
    return await handler({ params, path: req.path, url: requestUrl(req), req, res });
  } catch (error) {
    if (res.headersSent) throw error;
    if (isNotFound(error)) return answerNotFound(state, req, res);
    if (isRedirect(error)) return res.send({ status: error.status, headers: { location: error.location } });
    throw error;
  }
}

/** The tryStatic of a site: GET and HEAD of a prerendered path, before any request object is built. */
export function tryPrerendered(site: SiteState, method: string, path: string): StaticResponse | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  return site.current.prerendered.get(path);
}
