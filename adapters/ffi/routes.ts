// Which route a request path belongs to: exact paths by lookup, then
// patterns in the order given, then the "*" catch-all.
export class RouteTable<R extends { key: string }> {
  private readonly exact = new Map<string, R>();
  private readonly patterns: Array<{ test: RegExp; route: R }> = [];
  private readonly fallback: R | undefined;
  /** The only route, when there is nothing to look up. */
  readonly single: R | undefined;

  constructor(routes: readonly R[]) {
    let fallback: R | undefined;
    for (const route of routes) {
      if (route.key === '*') fallback = route;
      else if (!route.key.split('/').includes('*')) this.exact.set(route.key, route);
      else this.patterns.push({ test: compile(route.key), route });
    }
    this.fallback = fallback;
    this.single = routes.length === 1 && fallback !== undefined ? fallback : undefined;
  }

  match(path: string): R | undefined {
    const exact = this.exact.get(path);
    if (exact !== undefined) return exact;
    for (const { test, route } of this.patterns) if (test.test(path)) return route;
    return this.fallback;
  }
}

/** "/a/*" + "/b": one segment per inner "*", the rest of the path for a final one. */
function compile(key: string): RegExp {
  const segments = key.split('/');
  const last = segments.length - 1;
  const source = segments.map((segment, i) => (segment === '*' ? (i === last ? '.*' : '[^/]+') : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${source}$`);
}
