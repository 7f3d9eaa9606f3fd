// The compiled route table (the router and every compiled route) and the
// host that serves it: serveGeneric's ctx. Swapping the host's table is
// atomic: a request keeps the table it started with.
import type FindMyWay from 'find-my-way';
import type { ResponseWriter, WireRequest, Written } from 'wirecore';
import { Context } from './context.js';
import { isPreflight, type CorsPolicy } from './cors.js';
import { PROBLEM_HEADERS } from './answer.js';
import { NotFound } from './errors.js';
import { PREFLIGHT, REFUSED, UNMATCHED } from './metrics.js';
import { runRoute } from './pipeline.js';
import type { AnyContext, CompiledRoute, RouteInfo } from './route.js';

type Router = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
type Method = FindMyWay.HTTPMethod;

// Allow lists these first, in this order; other methods follow alphabetically.
const ALLOW_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function allowOrder(methods: Iterable<string>): string[] {
  const rank = (m: string) => {
    const i = ALLOW_ORDER.indexOf(m);
    return i === -1 ? ALLOW_ORDER.length : i;
  };
  return [...new Set(methods)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export class RouteTable {
  constructor(
    /** find-my-way, compiled; every store is a CompiledRoute. */
    readonly router: Router,
    /** Every route, in registration order (HEAD answered from GET is not listed). */
    readonly routes: readonly CompiledRoute[],
    /** Answers no match: 404, 405 with Allow, OPTIONS with Allow. */
    readonly notFound: CompiledRoute,
    /** Answers a target the router cannot decode (400), and OPTIONS *. */
    readonly badTarget: CompiledRoute,
    /** Methods with at least one route, in Allow order. */
    readonly methods: readonly string[],
    /** Whether any route has onResponse hooks (the wire layer then times every answer). */
    readonly reportsResponses: boolean,
    /** Whether any route has a CORS policy (its app's, mounted apps included): preflights are then answered before any middleware. */
    readonly cors: boolean,
  ) {}

  /** The methods other than `method` that have a route for `target`. */
  allowed(method: string, target: string): string[] {
    const out: string[] = [];
    for (const m of this.methods) {
      if (m === method) continue;
      const found = this.router.find(m as Method, target);
      if (found !== null && found.store !== null) out.push(m);
    }
    return out;
  }

  /** The routes as OpenAPI generators read them. */
  info(): RouteInfo[] {
    return [...this.routes];
  }
}

const NO_PARAMS = Object.freeze({}) as Record<string, string>;

/** serveGeneric's ctx for an app: it holds the current table. */
export class AppHost {
  /** Labels of requests answered without a route (CORS preflights), kept only while metrics are on (see routeTemplate). */
  templates: WeakMap<WireRequest, string> | null = null;
  /** True once the server began closing: readiness turns false so a balancer drains this instance. */
  draining = false;

  constructor(public table: RouteTable) {}

  /** The metrics label of a request: its route template, "(unmatched)", or "(refused)" for messages refused before a request existed. */
  routeTemplate(req: WireRequest | undefined): string {
    if (req === undefined) return REFUSED;
    return req.route ?? this.templates?.get(req) ?? UNMATCHED;
  }

  /** Serves `table` from the next request on; requests in flight finish on the table they started with. Returns the old one. */
  swap(table: RouteTable): RouteTable {
    const old = this.table;
    this.table = table;
    return old;
  }
}

/** The app's DispatchFn: route, then run the route's compiled pipeline. */
export function dispatchApp(host: AppHost, req: WireRequest, res: ResponseWriter): Written | Promise<Written> {
  const table = host.table;
  const found = table.router.find(req.method as Method, req.target);
  if (found === null) {
    const c = new Context(table.notFound, req, res, NO_PARAMS);
    if (table.cors && isPreflight(c)) {
      // The label is set first: the wire layer may report the answer while it is sent.
      host.templates?.set(req, PREFLIGHT);
      const written = preflight(table, c);
      if (written !== null) return written;
      host.templates?.delete(req);
    }
    return runRoute(table.notFound, c);
  }
  const route = found.store as CompiledRoute | null;
  if (route === null) return runRoute(table.badTarget, new Context(table.badTarget, req, res, NO_PARAMS));
  // For traces, logs and metrics: the wire layer's one place for the template.
  req.route = route.path;
  return runRoute(route, new Context(route, req, res, found.params));
}

/**
 * A CORS preflight, answered without middleware or hooks (it carries no credentials): 204 with the
 * Access-Control-Allow-* headers (none when the origin is not allowed), 404 for a path with no routes;
 * null when the app serving the path has no CORS policy (the usual OPTIONS answer then).
 */
function preflight(table: RouteTable, c: AnyContext): Written | null {
  const allowed = table.allowed('OPTIONS', c.req.target);
  if (allowed.length === 0) return c.res.send({ status: 404, headers: PROBLEM_HEADERS, body: JSON.stringify(new NotFound(`No route for ${c.req.path}`).toProblem(c.req.path)) });
  // The policy of the app that serves the path (a mounted app has its own).
  const route = table.router.find(allowed[0] as Method, c.req.target)!.store as CompiledRoute;
  const cors: CorsPolicy | null = route.settings.cors;
  if (cors === null) return null;
  const headers = cors.preflight(c, allowed) ?? [];
  // The answer depends on all three (the allowed headers may echo the request's).
  headers.push(['vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers']);
  return c.res.send({ status: 204, headers });
}
