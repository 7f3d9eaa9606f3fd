// The document around the rendered body: doctype, <head> from the merged
// head exports, island scripts, and the closing tags.
import type { Head, HeadExport, HeadLink, HeadMeta, RouteInfo } from './types.js';

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"]/g, (c) => TEXT_ESCAPES[c]!);
}

const ATTRIBUTE_NAME = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/;

function attributes(record: Readonly<Record<string, string | undefined>>): string {
  let out = '';
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (!ATTRIBUTE_NAME.test(name)) throw new TypeError(`head: ${JSON.stringify(name)} is not an attribute name`);
    out += ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

function metaKey(meta: HeadMeta): string {
  return meta.name !== undefined ? `name:${meta.name}` : meta.property !== undefined ? `property:${meta.property}` : `http-equiv:${meta['http-equiv'] ?? ''}`;
}

/** Outermost layout first, the page last: a later title, lang or meta with the same name wins; links add up. */
export function mergeHeads(heads: readonly Head[]): Head {
  let title: string | undefined;
  let lang: string | undefined;
  const meta = new Map<string, HeadMeta>();
  const links = new Map<string, HeadLink>();
  for (const head of heads) {
    if (head.title !== undefined) title = head.title;
    if (head.lang !== undefined) lang = head.lang;
    for (const m of head.meta ?? []) meta.set(metaKey(m), m);
    for (const l of head.links ?? []) links.set(`${l.rel} ${l.href}`, l);
  }
  return { title, lang, meta: [...meta.values()], links: [...links.values()] };
}

export function resolveHead(exported: HeadExport | undefined, info: RouteInfo): Head {
  if (exported === undefined) return {};
  return typeof exported === 'function' ? exported(info) : exported;
}

/** Everything up to and including <body>. `scripts` are module scripts (deferred, so the head is their place). */
export function documentStart(head: Head, scripts: readonly string[]): string {
  let out = `<!DOCTYPE html><html lang="${escapeHtml(head.lang ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`;
  if (head.title !== undefined) out += `<title>${escapeHtml(head.title)}</title>`;
  for (const m of head.meta ?? []) out += `<meta${attributes(m as unknown as Record<string, string>)}>`;
  for (const l of head.links ?? []) out += `<link${attributes(l)}>`;
  for (const src of scripts) out += `<script type="module" src="${escapeHtml(src)}"></script>`;
  return out + '</head><body>';
}

export const DOCUMENT_END = '</body></html>';

/** What a browser is sent when a redirect comes after the head: it can no longer be a status. */
export function refreshTo(location: string): string {
  const href = escapeHtml(location);
  return `<meta http-equiv="refresh" content="0;url=${href}"><p>Moved to <a href="${href}">${href}</a>.</p>`;
}
