// BENCH.md of the built-in run: the load tables (the core scenarios with the
// suites' rows, then each suite's own), memory, micro, and the targets table.
import { accountFor } from './missed-goals.js';
import { TARGETS, type Target } from './load.js';
import type { IdleResult, StreamResult } from './memory.js';
import type { AllocationRow } from './alloc.js';
import type { MicroRow } from './micro.js';
import { spread } from './procs.js';
import { baselinesOf, fmt, markdownTable, mib, type Table } from './report.js';
import type { Suite } from './suites.js';

export interface GoalRow {
  name: string;
  value: number;
  /** The smallest and largest value of the rounds, where the figure has rounds. */
  min?: number;
  max?: number;
  goal: number;
  better: 'higher' | 'lower';
  unit: '×' | 'B' | 'MiB' | 'ms';
  /** How the goal reads when it is not a plain bound ("within 1.5×"). */
  goalText?: string;
  suite?: string;
  /** Why it was not measured. */
  skipped?: string;
  /** Requests the load generator gave up on, for a latency bound: left out of its percentiles, so the bound is not met. */
  timeouts?: number;
}

export function met(g: GoalRow): string {
  if (g.skipped !== undefined) return `skipped: ${g.skipped}`;
  if (!Number.isFinite(g.value)) return 'not measured';
  if (g.timeouts !== undefined && g.timeouts > 0) return `no: ${fmt(g.timeouts)} requests timed out, outside the percentiles`;
  return (g.better === 'higher' ? g.value >= g.goal : g.value <= g.goal) ? 'yes' : 'no';
}

export function show(value: number, unit: GoalRow['unit']): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === '×') return `${fmt(value, 2)}×`;
  if (unit === 'MiB') return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (unit === 'ms') return `${fmt(value, 2)} ms`;
  return `${fmt(value)} B`;
}

export const goalText = (g: GoalRow) =>
  g.goalText ?? `${g.better === 'higher' ? '≥' : '≤'} ${g.unit === '×' ? `${g.goal}×` : g.unit === 'MiB' ? `${g.goal / 1024 / 1024} MiB` : g.unit === 'ms' ? `${g.goal} ms` : `${fmt(g.goal)} B`}`;


/** "1 GiB", "64 MiB". */
export const sizeText = (mib: number) => (mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`);

export interface BuiltinRun {
  quick: boolean;
  writtenBy: string;
  wallSeconds: number;
  machine: string;
  settings: { rounds: number; seconds: number; warmupSeconds: number; idleConnections: number; streamMib: number };
  coreTables: Table[];
  suiteTables: Array<{ suite: Suite; tables: Table[] }>;
  /** The suite a row's target comes from (undefined: a core target). */
  suiteOf: (target: Target) => string | undefined;
  skipped: Array<{ what: string; why: string }>;
  idle: IdleResult[];
  stream: StreamResult[];
  micro: MicroRow[];
  allocation: AllocationRow[];
  goals: GoalRow[];
}

/** What a core table's reader needs to know to read it: the cause behind a tail, measured. */
const SCENARIO_NOTES: Record<string, string[]> = {
  'many-connections': [
    "wrk opens its 1,000 connections as the clock starts and sends a request on each at once. On net and node-http (and node:net alone, with no parsing) the p99 is the accept queue, not the request: since libuv 1.45 (Node 20 ships 1.46; libuv pull request 3696) a listening socket accepts one connection per event-loop turn, and a turn serving hundreds of busy connections takes milliseconds, so the last connections wait seconds in the kernel's queue with their first request already sent. Measured on this machine: `ss -ltn` showed 920 connections queued at the start of a run, draining by about 150 a second; `strace` showed one accept4 per epoll_wait of about 355 events; the kernel counted no listen overflow (wirecore listens with a backlog of 4,096; node:http keeps Node's 511 and overflows). uWebSockets.js accepts the whole queue each turn. The next table measures the same 1,000 connections once all are open.",
    '',
  ],
  'many-connections-open': [
    'bench/clients/open-first-load.ts opens the 1,000 connections, waits until each has had one answer, then starts the clock: the steady state with that many connections, apart from the accept burst above. "all open after" is how long the burst took with one request per connection.',
    '',
  ],
};

export function renderBenchMd(run: BuiltinRun): string {
  const lines: string[] = ['# BENCH', ''];
  if (run.quick) {
    lines.push(
      '> **Indicative only.** Written by the quick run (`npm run bench:quick`): one short round per target, a subset of the targets, no consumer suites. Its ratios move from run to run; quote the full run (`npm run bench`, BENCH.md).',
      '',
    );
  }
  lines.push(`Written by ${run.writtenBy} on ${new Date().toISOString().slice(0, 10)} in ${run.wallSeconds.toFixed(0)} s.`, '');
  lines.push(`Machine: ${run.machine}.`, '');
  lines.push(
    `Each server runs in its own process; rounds alternate between targets (A, B, C, … A, B, C); ${run.settings.rounds} round(s) of ${run.settings.seconds} s per scenario after a ${run.settings.warmupSeconds} s warm-up. ` +
      'req/s is the median of the rounds, with the slowest and fastest round beside it; p50 and p99 are medians too. Ratios are against node:http and raw uWebSockets.js measured in the same run. ' +
      'A p99 "not measured" is one wrk printed as 0 in every round (it loses latency samples under pipelining).',
    '',
  );
  if (run.skipped.length > 0) {
    lines.push('Left out of this run:', '');
    for (const s of run.skipped) lines.push(`- ${s.what}: ${s.why}`);
    lines.push('');
  }
  const suiteRowsNote = (table: Table) => {
    const extra = [...new Set(table.rows.filter((r) => !TARGETS.includes(r.target)).map((r) => run.suiteOf(r.target)).filter((n): n is string => n !== undefined))];
    return extra.length ? [`Rows from the ${extra.join(', ')} suite${extra.length > 1 ? 's' : ''} (bench/suites) are in this table.`, ''] : [];
  };
  for (const table of run.coreTables) {
    if (table.rows.length === 0) continue;
    lines.push(`## ${table.scenario.title}`, '', ...suiteRowsNote(table), ...(SCENARIO_NOTES[table.scenario.id] ?? []), ...markdownTable(table.rows, baselinesOf(table.rows)), '');
  }
  for (const { suite, tables: all } of run.suiteTables) {
    const tables = all.filter((t) => t.rows.some((r) => r.samples.length > 0));
    if (tables.length === 0) continue;
    lines.push(`## ${suite.title} (bench/suites/${suite.name}.ts)`, '');
    for (const table of tables) lines.push(`### ${table.scenario.title}`, '', ...markdownTable(table.rows, baselinesOf(table.rows)), '');
  }

  const bytes = (n: number) => `${fmt(n)} B (${(n / 1024).toFixed(2)} KiB)`;
  lines.push(
    '## Memory',
    '',
    `RSS growth per idle keep-alive connection (${run.settings.idleConnections.toLocaleString('en-US')} connections, one answered request each; median of ${run.settings.rounds} alternating round(s), with the smallest and largest round). "As found" reads RSS as the connections leave it; "after GC" reads it after a full collection in the server (before and after), so it counts what the connections keep rather than the garbage of setting them up:`,
    '',
    '| target | bytes per connection, as found | min–max | after GC |',
    '|---|---|---|---|',
  );
  for (const r of run.idle) {
    const [lo, hi] = spread(r.rounds);
    lines.push(`| ${r.target} | ${bytes(r.bytesPerConnection)} | ${fmt(lo)}–${fmt(hi)} B | ${bytes(r.bytesPerConnectionAfterGc)} |`);
  }
  lines.push('', `RSS growth while streaming ${sizeText(run.settings.streamMib)} (64 KiB chunks, awaiting backpressure) to a reader that pauses after every MiB:`, '', '| target | peak RSS growth | bytes received | seconds |', '|---|---|---|---|');
  for (const r of run.stream) lines.push(`| ${r.target} | ${mib(r.growthBytes)} | ${fmt(r.received)} | ${r.seconds.toFixed(1)} |`);
  lines.push('');

  lines.push('## Micro (tinybench)', '', '| benchmark | ops/s | ns/op | requests/s |', '|---|---|---|---|');
  for (const m of run.micro) lines.push(`| ${m.name} | ${fmt(m.opsPerSec)} | ${fmt(m.nsPerOp, 1)} | ${m.requestsPerSec ? fmt(m.requestsPerSec) : ''} |`);
  lines.push('');
  if (run.allocation.length > 0) {
    lines.push('Bytes allocated per request by the byte-stream pipeline (bench/alloc.ts: in process, V8\'s sampling heap profiler, collected objects counted): a figure the machine\'s load does not move.', '', '| pipeline | bytes per request |', '|---|---|');
    for (const a of run.allocation) lines.push(`| ${a.name} | ${fmt(a.bytesPerRequest)} |`);
    lines.push('');
  }

  lines.push(
    '## Targets',
    '',
    'Each measured in this run; "per round" is the smallest and largest value of the alternating rounds (round i of one target against round i of the other).',
    '',
    '| target | measured | per round | goal | met |',
    '|---|---|---|---|---|',
  );
  for (const g of run.goals) {
    const perRound = g.min !== undefined && Number.isFinite(g.min) ? `${show(g.min, g.unit)} – ${show(g.max!, g.unit)}` : '–';
    lines.push(`| ${g.suite ? `${g.suite}: ` : ''}${g.name} | ${show(g.value, g.unit)} | ${perRound} | ${goalText(g)} | ${met(g)} |`);
  }
  lines.push('');
  const missed = run.goals.filter((g) => met(g).startsWith('no'));
  if (missed.length > 0) {
    lines.push('### What stands in the way of the goals missed here', '');
    for (const g of missed) {
      const name = `${g.suite ? `${g.suite}: ` : ''}${g.name}`;
      lines.push(`- **${name}**: ${accountFor(name) ?? 'not profiled this round.'}`);
    }
    lines.push('');
  }

  return lines.join('\n');
}
