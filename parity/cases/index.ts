// Every parity case, in report order. A consumer's own cases are wired in
// here with one line (their targets run them; see TargetSpec.consumer).
import type { Case } from '../case.js';
import { appCases } from './app.js';
import { appendedRequestCases } from './appended.js';
import { connectionCases } from './connection.js';
import { fetchCases } from './fetch.js';
import { ffiCases } from './ffi.js';
import { framingCases } from './framing.js';
import { messageCases } from './message.js';
import { reachCases } from './reach.js';
import { smugglingCases } from './smuggling.js';
import { ssrCases } from './ssr.js';
import { webSocketCases } from './websocket.js';

/**
 * A case whose message has a chunked body exercises chunked request bodies,
 * which some runtimes refuse with 411 (divergences.ts): every accepted one,
 * and every refusal of a bad body (the head is read before the body is).
 */
function tagChunkedBodies(cases: Case[]): Case[] {
  const chunked = /transfer-encoding:[^\r\n]*chunked/i;
  return cases.map((c) =>
    (c.expect.kind !== 'reject' || c.expect.headSeen === true) && c.send.some((p) => typeof p === 'string' && chunked.test(p)) ? { ...c, features: [...(c.features ?? []), 'chunked-request-body'] } : c,
  );
}

const BASE_CASES: Case[] = tagChunkedBodies([...framingCases, ...smugglingCases, ...messageCases, ...connectionCases, ...reachCases]);

export const CASES: Case[] = [...BASE_CASES, ...appendedRequestCases(BASE_CASES), ...ssrCases, ...appCases, ...ffiCases, ...fetchCases, ...webSocketCases, ...appendedRequestCases(webSocketCases)];

/** Ids are unique and URL-safe: each is part of every request target of its case. */
export function checkCases(cases: readonly Case[]): void {
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`duplicate parity case id ${c.id}`);
    if (!/^[a-z0-9-]+$/.test(c.id)) throw new Error(`parity case id ${c.id} is not URL-safe`);
    ids.add(c.id);
  }
}

/** A category as a command-line word: "framing: Content-Length" → "framing-content-length". */
export function categorySlug(category: string): string {
  return category
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The cases `--cases` selects: each word is a category slug ("smuggling"),
 * else a prefix of slugs ending at a dash ("framing" selects both framing
 * categories), or a case id. Returns the unknown words too, so the caller can
 * say which.
 */
export function selectCases(cases: readonly Case[], words: readonly string[]): { selected: Case[]; unknown: string[] } {
  const unknown: string[] = [];
  const chosen = new Set<Case>();
  for (const word of words) {
    const w = word.toLowerCase();
    const exact = cases.some((c) => categorySlug(c.category) === w);
    const matches = cases.filter((c) => {
      const slug = categorySlug(c.category);
      return (exact ? slug === w : slug.startsWith(w + '-')) || c.id === w;
    });
    if (matches.length === 0) unknown.push(word);
    for (const c of matches) chosen.add(c);
  }
  return { selected: cases.filter((c) => chosen.has(c)), unknown };
}

/** Category slugs in report order, with their case counts. */
export function categories(cases: readonly Case[]): Array<{ slug: string; category: string; count: number }> {
  const out = new Map<string, { slug: string; category: string; count: number }>();
  for (const c of cases) {
    const entry = out.get(c.category) ?? { slug: categorySlug(c.category), category: c.category, count: 0 };
    entry.count++;
    out.set(c.category, entry);
  }
  return [...out.values()];
}
