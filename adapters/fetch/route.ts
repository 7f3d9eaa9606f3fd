// The route template of a fetch app's request, handed to the wire layer
// (traces, access log, onResponse read WireRequest.route). A fetch handler
// only sees a Request, so the app says it: setRoute(request, template) from
// a handler, or, for Hono, the honoRoute() middleware.
import { wireOf } from './request.js';

/**
 * Names the route template ("/users/:id") that answers `request`. A Request
 * wirecore/fetch did not make (one a middleware built anew) is left alone:
 * it returns false.
 */
export function setRoute(request: Request, route: string): boolean {
  const wire = wireOf(request);
  if (wire === undefined) return false;
  wire.route = route;
  return true;
}

/** What honoRoute reads of Hono's Context (typed here: hono is not a dependency of wirecore). */
interface HonoRouteContext {
  req: { raw: Request; routeIndex: number; routePath: string; matchedRoutes?: ReadonlyArray<{ method: string; path: string }> };
  res: { status: number };
}

/**
 * Hono middleware: `app.use(honoRoute())` (first, before the routes). After
 * the chain has run, c.req.routePath is the path of the last handler Hono
 * called; it is the route unless that was a middleware falling through to
 * Hono's 404 (a `use`/`all` entry answering 404 is not named). A template
 * a handler set with setRoute is kept.
 */
export function honoRoute(): (c: HonoRouteContext, next: () => Promise<void>) => Promise<void> {
  return async (c, next) => {
    const own = c.req.routeIndex;
    await next();
    // A template the handler named itself (setRoute) stands.
    if (c.req.routeIndex === own || wireOf(c.req.raw)?.route !== undefined) return;
    const route = c.req.matchedRoutes?.[c.req.routeIndex];
    if (c.res.status === 404 && (route === undefined || route.method === 'ALL')) return;
    setRoute(c.req.raw, c.req.routePath);
  };
}
