// A page answer: the head goes out before load() resolves (unless load()
// answered within the turn), the body streams as the renderer produces it.
import type { Logger, ResponseWriter, WireRequest, Written } from 'wirecore';
import { isNotFound, isRedirect } from './control.js';
import { DOCUMENT_END, documentStart, mergeHeads, refreshTo, resolveHead } from './document.js';
import type { BodyStream, Renderer } from './renderer.js';
import type { PageRoute, SiteTable, SpecialPage } from './table.js';
import type { Head, LayoutModule, LoadContext, Params, RouteInfo } from './types.js';

export const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8' } as const;

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The request URL as the client asked for it (trusted forwarding included); a bad Host falls back to localhost. */
export function requestUrl(req: WireRequest): URL {
  try {
    const client = req.client;
    return new URL(req.target, `${client.protocol}://${client.host || 'localhost'}`);
  } catch {
    return new URL(req.path, 'http://localhost');
  }
}

/** load()'s outcome if it is known by the end of this event-loop turn, else undefined. */
function settledThisTurn(pending: Promise<unknown>): Promise<Settled | undefined> {
  return new Promise((resolve) => {
    pending.then(
      (value) => resolve({ ok: true, value }),
      (error: unknown) => resolve({ ok: false, error }),
    );
    setImmediate(resolve, undefined);
  });
}

function settle(pending: Promise<unknown>): Promise<Settled> {
  return pending.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

async function write(res: ResponseWriter, chunk: string | Uint8Array): Promise<void> {
  const wait = res.writeChunk(chunk);
  if (wait !== true) await wait;
}

/** Layouts around the component, outermost first. */
export function tree(renderer: Renderer, component: unknown, props: Record<string, unknown>, layouts: readonly LayoutModule[], info: RouteInfo): unknown {
  let element = renderer.element(component, props);
  for (let i = layouts.length - 1; i >= 0; i--) element = renderer.element(layouts[i]!.default, { params: info.params, path: info.path, url: info.url }, element);
  return element;
}

export interface PageContext {
  readonly table: SiteTable;
  readonly logger: Logger;
}

export async function answerPage(site: PageContext, route: PageRoute, params: Params, req: WireRequest, res: ResponseWriter): Promise<Written> {
  const { table } = site;
  const info: RouteInfo = { params, path: req.path, url: requestUrl(req) };
  let start: string;
  try {
    start = route.fixedStart ?? documentStart(mergeHeads(route.heads.map((h) => resolveHead(h, info))), route.scripts);
  } catch (error) {
    return answerServerError(site, req, res, error, route.file);
  }

  const page = route.page;
  let data: unknown;
  let pending: Promise<unknown> | undefined;
  if (page.load !== undefined) {
    // The signal is made on first use by the wire layer: only a load() that reads it pays for it.
    const ctx: LoadContext = {
      ...info,
      request: req,
      get signal() {
        return req.signal;
      },
    };
    let result: unknown;
    try {
      result = page.load(ctx);
    } catch (error) {
      return answerFailedLoad(site, req, res, error, route.file);
    }
    if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
      const known = page.waitForLoad ? await settle(result as Promise<unknown>) : await settledThisTurn(result as Promise<unknown>);
      if (known === undefined) pending = result as Promise<unknown>;
      else if (!known.ok) return answerFailedLoad(site, req, res, known.error, route.file);
      else data = known.value;
    } else {
      data = result;
    }
  }

  const streamOptions = {
    get signal() {
      return req.signal;
    },
    onRecoverableError: (error: unknown) => site.logger.error(`wirecore/ssr: ${route.file} recovered from an error in a Suspense boundary (${req.method} ${req.target})`, error),
  };
  let body: BodyStream;
  if (pending === undefined) {
    // Everything before the first byte is known: a failing shell still gets a 500 page.
    try {
      body = await table.renderer.stream(tree(table.renderer, page.default, { ...info, data }, route.layouts, info), streamOptions);
    } catch (error) {
      return answerServerError(site, req, res, error, route.file);
    }
    res.startChunked(200, HTML_HEADERS);
    if (body.html !== undefined) {
      // Rendered in one piece: the document goes out as one chunk.
      await write(res, start + body.html + DOCUMENT_END);
      return res.endChunked();
    }
    await write(res, start);
  } else {
    // The head first: a slow load() never delays the first byte.
    res.startChunked(200, HTML_HEADERS);
    await write(res, start);
    try {
      data = await pending;
    } catch (error) {
      return failAfterHead(site, req, res, error, route.file);
    }
    if (res.aborted) return res.endChunked();
    try {
      body = await table.renderer.stream(tree(table.renderer, page.default, { ...info, data }, route.layouts, info), streamOptions);
    } catch (error) {
      throw new Error(`wirecore/ssr: ${route.file} failed to render after its head was sent`, { cause: error });
    }
  }
  await pipe(res, body, route.file);
  if (!res.aborted) await write(res, DOCUMENT_END);
  return res.endChunked();
}

async function pipe(res: ResponseWriter, body: BodyStream, file: string): Promise<void> {
  try {
    for (let chunk = await body.next(); chunk !== undefined; chunk = await body.next()) {
      await write(res, chunk);
      if (res.aborted) {
        body.cancel();
        return;
      }
    }
  } catch (error) {
    body.cancel(error);
    throw new Error(`wirecore/ssr: ${file} failed while its body was streaming`, { cause: error });
  }
}

/** load() failed before anything was sent: its status can still be told. */
function answerFailedLoad(site: PageContext, req: WireRequest, res: ResponseWriter, error: unknown, file: string): Promise<Written> | Written {
  if (isNotFound(error)) return answerNotFound(site, req, res);
  if (isRedirect(error)) return res.send({ status: error.status, headers: { location: error.location } });
  return answerServerError(site, req, res, error, file);
}

/**
 * load() failed after the head went out with 200. Nothing can change the
 * status now, so the response ends as failed (no terminating chunk: no cache
 * or crawler keeps it) after giving the browser the 404 page or a refresh.
 */
async function failAfterHead(site: PageContext, req: WireRequest, res: ResponseWriter, error: unknown, file: string): Promise<never> {
  const hint = 'export waitForLoad = true from the page to have load() decide the status';
  if (isNotFound(error)) {
    await write(res, await notFoundBody(site, req).catch(() => DEFAULT_404_BODY));
    throw new Error(`wirecore/ssr: ${file}: load() threw notFound() after the head was sent; the 404 page was streamed and the response ends as failed (${hint})`);
  }
  if (isRedirect(error)) {
    await write(res, refreshTo(error.location));
    throw new Error(`wirecore/ssr: ${file}: load() threw redirect(${error.location}) after the head was sent; a refresh was streamed and the response ends as failed (${hint})`);
  }
  throw new Error(`wirecore/ssr: ${file}: load() failed after the head was sent`, { cause: error });
}

async function renderSpecial(table: SiteTable, special: SpecialPage, status: number, info: RouteInfo): Promise<{ head: Head; body: string }> {
  const head = mergeHeads(special.heads.map((h) => resolveHead(h, info)));
  const body = await table.renderer.toHtml(tree(table.renderer, special.page.default, { status, path: info.path }, special.layouts, info));
  return { head, body };
}

function infoOf(req: WireRequest): RouteInfo {
  return { params: {}, path: req.path, url: requestUrl(req) };
}

async function notFoundBody(site: PageContext, req: WireRequest): Promise<string> {
  const special = site.table.notFound;
  if (special === undefined) return DEFAULT_404_BODY;
  return (await renderSpecial(site.table, special, 404, infoOf(req))).body;
}

const DEFAULT_404_BODY = '<h1>Not Found</h1>';
const DEFAULT_500_PAGE = `${documentStart({ title: 'Internal Server Error' }, [])}<h1>Internal Server Error</h1>${DOCUMENT_END}`;

/** The site's _404 page (status 404), with the root layouts. */
export async function answerNotFound(site: PageContext, req: WireRequest, res: ResponseWriter): Promise<Written> {
  const special = site.table.notFound;
  if (special === undefined) return res.send({ status: 404, headers: HTML_HEADERS, body: `${documentStart({ title: 'Not Found' }, [])}${DEFAULT_404_BODY}${DOCUMENT_END}` });
  let page: string;
  try {
    const info = infoOf(req);
    const { head, body } = await renderSpecial(site.table, special, 404, info);
    page = documentStart(head, special.scripts) + body + DOCUMENT_END;
  } catch (error) {
    return answerServerError(site, req, res, error, special.file);
  }
  return res.send({ status: 404, headers: HTML_HEADERS, body: page });
}

/** Logs `error` and answers the site's _500 page (status 500); it stands alone, without layouts. */
export async function answerServerError(site: PageContext, req: WireRequest, res: ResponseWriter, error: unknown, file: string): Promise<Written> {
  site.logger.error(`wirecore/ssr: ${file} failed before its head was sent: ${req.method} ${req.target}`, error);
  const special = site.table.serverError;
  let page = DEFAULT_500_PAGE;
  if (special !== undefined) {
    try {
      const { head, body } = await renderSpecial(site.table, special, 500, infoOf(req));
      page = documentStart(head, []) + body + DOCUMENT_END;
    } catch (failure) {
      site.logger.error(`wirecore/ssr: the error page ${special.file} failed too; answering a plain 500`, failure);
    }
  }
  return res.send({ status: 500, headers: HTML_HEADERS, body: page });
}
