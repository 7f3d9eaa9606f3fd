// Route patterns from page file names, their specificity order, and matching.
// The build sorts once; at run time static routes are a Map lookup and
// dynamic ones are tried in that order.

export type Segment =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'rest'; readonly name: string };

export interface RoutePattern {
  /** "/blog/[slug]", "/docs/[...rest]", "/" */
  readonly pattern: string;
  readonly segments: readonly Segment[];
}

const PARAM = /^\[([A-Za-z_$][\w$]*)\]$/;
const REST = /^\[\.\.\.([A-Za-z_$][\w$]*)\]$/;

/** Parses "blog/[slug]" (a page file's path without extension) into a pattern; throws naming the file. */
export function patternOf(routePath: string, file: string): RoutePattern {
  const parts = routePath.split('/').filter((p) => p !== '');
  if (parts[parts.length - 1] === 'index') parts.pop();
  const names = new Set<string>();
  const segments: Segment[] = parts.map((part, i) => {
    const rest = REST.exec(part);
    const param = rest ? null : PARAM.exec(part);
    const name = rest?.[1] ?? param?.[1];
    if (name !== undefined) {
      if (names.has(name)) throw new Error(`${file}: the parameter "${name}" appears twice in one route`);
      names.add(name);
    }
    if (rest) {
      if (i !== parts.length - 1) throw new Error(`${file}: a catch-all [...${rest[1]}] must be the last part of the route`);
      return { kind: 'rest', name: rest[1]! };
    }
    if (param) return { kind: 'param', name: param[1]! };
    if (part.includes('[') || part.includes(']')) throw new Error(`${file}: "${part}" is neither a name, a [param] nor a [...rest] (a parameter name is a JavaScript identifier)`);
    return { kind: 'static', value: part };
  });
  return { pattern: '/' + segments.map(show).join('/'), segments };
}

function show(s: Segment): string {
  return s.kind === 'static' ? s.value : s.kind === 'param' ? `[${s.name}]` : `[...${s.name}]`;
}

/** Two patterns with one shape claim the same requests, whatever their parameter names. */
export function shapeOf(segments: readonly Segment[]): string {
  return '/' + segments.map((s) => (s.kind === 'static' ? s.value : s.kind === 'param' ? '[param]' : '[...rest]')).join('/');
}

const RANK = { static: 0, param: 1, rest: 2 } as const;

/** Most specific first: at the first position that differs, a name beats a [param], which beats a [...rest]. */
export function bySpecificity(a: RoutePattern, b: RoutePattern): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x.kind !== y.kind) return RANK[x.kind] - RANK[y.kind];
    if (x.kind === 'static' && y.kind === 'static' && x.value !== y.value) return x.value < y.value ? -1 : 1;
  }
  return 0;
}

export function isStatic(segments: readonly Segment[]): boolean {
  return segments.every((s) => s.kind === 'static');
}

/** Parameters when `parts` (decoded path segments) match, else undefined. */
export function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const last = segments[segments.length - 1];
  const rest = last?.kind === 'rest';
  if (rest ? parts.length < segments.length : parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const part = parts[i]!;
    if (s.kind === 'static') {
      if (s.value !== part) return undefined;
    } else if (s.kind === 'param') {
      if (part === '') return undefined;
      params[s.name] = part;
    } else {
      const tail = parts.slice(i);
      if (tail.includes('')) return undefined;
      params[s.name] = tail.join('/');
    }
  }
  return params;
}

/** The path a parameter set renders at, percent-encoded as a client would send it. */
export function pathFor(segments: readonly Segment[], params: Readonly<Record<string, string>>, file: string): string {
  const out = segments.map((s) => {
    if (s.kind === 'static') return encodeURIComponent(s.value);
    const value = params[s.name];
    if (typeof value !== 'string' || value === '') throw new Error(`${file}: prerender.paths() gave no "${s.name}" in ${JSON.stringify(params)}`);
    return s.kind === 'rest' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
  return '/' + out.join('/');
}
