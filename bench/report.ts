// The tables of a load run: Markdown for BENCH.md (or --out), plain text for
// the terminal, JSON for --json. Each row: the median of its rounds with the
// spread (min–max) beside it, and ratios against the table's baselines.
import { textTable, type ProgressLine } from '../cli/progress.js';
import { summarize, type LoadResult, type Scenario } from './load.js';
import type { Suite } from './suites.js';

/** A table: one scenario, its rows, and the suite it belongs to (undefined: the core tables). */
export interface Table {
  scenario: Scenario;
  rows: LoadResult[];
  suite?: Suite;
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
export const mib = (bytes: number) => (Number.isFinite(bytes) && bytes > 0 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : '–');
const ms = (n: number) => (Number.isFinite(n) ? `${fmt(n, 2)} ms` : 'not measured');
const range = (min: number, max: number, digits = 0) => (Number.isFinite(min) ? `${fmt(min, digits)}–${fmt(max, digits)}` : '–');

/** The rows a table compares against: the table's node and uws baselines, or a row named on the command line. */
export function baselinesOf(rows: readonly LoadResult[], named?: string): LoadResult[] {
  if (named !== undefined) {
    const row = rows.find((r) => r.id === named);
    return row ? [row] : [];
  }
  return [rows.find((r) => r.target.baseline === 'node'), rows.find((r) => r.target.baseline === 'uws')].filter((r): r is LoadResult => r !== undefined);
}

/** The column title for a baseline: the core tables keep their short names. */
const baselineTitle = (row: LoadResult) => (row.id === 'uWS (raw)' ? 'raw uWS' : row.id);

/** Tables of many connections also show the latency distribution's p90, the generator's timeouts and, for a client that opens every connection first, how long that took. */
const showsDistribution = (rows: readonly LoadResult[]) => (rows[0]?.scenario.connections ?? 0) >= 1000;

export function markdownTable(rows: readonly LoadResult[], baselines: readonly LoadResult[]): string[] {
  const distribution = showsDistribution(rows);
  const opens = distribution && rows.some((r) => r.samples.some((x) => Number.isFinite(x.openMs ?? NaN)));
  const extra = distribution ? ['p90', 'p99', 'timeouts', ...(opens ? ['all open after'] : [])] : ['p99'];
  const lines = [
    `| target | req/s | min–max | p50 | ${extra.join(' | ')} | peak RSS |${baselines.map((b) => ` × ${baselineTitle(b)} |`).join('')} errors |`,
    `|---|---|---|---|${extra.map(() => '---|').join('')}---|${baselines.map(() => '---|').join('')}---|`,
  ];
  for (const r of rows) {
    const s = summarize(r.samples);
    const ratios = baselines.map((b) => ` ${fmt(s.rps / summarize(b.samples).rps, 2)} |`).join('');
    const cells = distribution ? [ms(s.p90Ms ?? NaN), ms(s.p99Ms), s.timeouts === undefined ? '–' : fmt(s.timeouts), ...(opens ? [ms(s.openMs ?? NaN)] : [])] : [ms(s.p99Ms)];
    lines.push(`| ${r.id} | ${fmt(s.rps)} | ${range(s.rpsMin, s.rpsMax)} | ${ms(s.p50Ms)} | ${cells.join(' | ')} | ${mib(s.peakRss)} |${ratios} ${s.errors} |`);
  }
  return lines;
}

/** The terminal summary of one scenario. */
export function terminalTable(rows: readonly LoadResult[], baselines: readonly LoadResult[]): string {
  const header = ['target', 'req/s', 'min–max', 'p99', 'peak RSS', ...baselines.map((b) => `× ${baselineTitle(b)}`), 'errors'];
  const body = rows.map((r) => {
    const s = summarize(r.samples);
    return [r.id, fmt(s.rps), range(s.rpsMin, s.rpsMax), Number.isFinite(s.p99Ms) ? `${fmt(s.p99Ms, 2)} ms` : '–', mib(s.peakRss), ...baselines.map((b) => fmt(s.rps / summarize(b.samples).rps, 2)), String(s.errors)];
  });
  return textTable(header, body);
}

export function jsonRows(rows: readonly LoadResult[]): object[] {
  return rows.map((r) => {
    const s = summarize(r.samples);
    return {
      target: r.id,
      rps: s.rps,
      rpsMin: s.rpsMin,
      rpsMax: s.rpsMax,
      p50Ms: Number.isFinite(s.p50Ms) ? s.p50Ms : null,
      p99Ms: Number.isFinite(s.p99Ms) ? s.p99Ms : null,
      peakRssBytes: Number.isFinite(s.peakRss) ? s.peakRss : null,
      errors: s.errors,
      rounds: r.samples.map((x) => ({
        rps: x.rps,
        p50Ms: Number.isFinite(x.p50Ms) ? x.p50Ms : null,
        p90Ms: Number.isFinite(x.p90Ms ?? NaN) ? x.p90Ms : null,
        p99Ms: Number.isFinite(x.p99Ms) ? x.p99Ms : null,
        peakRssBytes: Number.isFinite(x.peakRss) ? x.peakRss : null,
        errors: x.errors,
        timeouts: x.timeouts ?? null,
        ...(x.openMs !== undefined ? { openMs: Number.isFinite(x.openMs) ? x.openMs : null } : {}),
      })),
    };
  });
}

/** "40 s", "12 min". */
export function duration(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/** Progress for each run of the load generator. */
export function onRun(progress: ProgressLine, label: string) {
  return (run: { scenario: { id: string }; id: string; round: number; rounds: number; warmUp: boolean; done: number; total: number }) =>
    progress.update(run.done, run.total, `${label}: runs`, ` · ${run.scenario.id} · ${run.warmUp ? 'warm-up' : `round ${run.round}/${run.rounds}`} · ${run.id}`);
}
