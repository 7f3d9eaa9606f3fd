// npm run bench (full) / npm run bench:quick (smoke, under 2 minutes):
// micro, load and memory, written to BENCH.md as ratios measured in one run.
import { writeFileSync } from 'node:fs';
import { NET_CEILING, NET_PARSE_FLOOR, SCENARIOS, TARGETS, UWS_READ_FLOOR, loadGenerator, runLoad, summarize, type LoadResult } from './load.js';
import { idleConnections, slowReader } from './memory.js';
import { runMicro } from './micro.js';
import { benchFile, machineLine } from './procs.js';

const quick = process.argv.includes('--quick');
const log = (line: string) => console.log(line);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

const ms = (n: number) => (Number.isFinite(n) ? `${fmt(n, 2)} ms` : 'not measured');

const started = Date.now();
const generator = loadGenerator();
log(`load generator: ${generator}${generator === 'autocannon' ? ' (wrk is not installed and could not be: falling back)' : ''}`);

log('micro benchmarks …');
const micro = await runMicro(quick ? 200 : 1000);

const scenarios = quick ? SCENARIOS.filter((s) => s.id === 'plaintext' || s.id === 'pipelined') : SCENARIOS;
const seconds = quick ? 2 : 5;
const rounds = quick ? 1 : 3;
log(`load: ${scenarios.length} scenarios × ${TARGETS.length} targets × ${rounds} rounds × ${seconds} s …`);
const load = await runLoad({ seconds, rounds, scenarios, targets: TARGETS, generator, log });

const wirecoreTargets = (ids: string[]) => ids.map((id) => ({ id, script: benchFile('./hello.js'), args: [id.split(' ')[1]!] }));
// The load run's baselines and ceiling, as the same processes.
const baselineTargets = TARGETS.filter((t) => t.baseline !== undefined || t.id === NET_CEILING);
log('memory: idle connections …');
const idle = await idleConnections([...wirecoreTargets(['wirecore net', 'wirecore uws']), ...baselineTargets], quick ? 2000 : 10_000, rounds);
log('memory: 1 GiB to a slow reader …');
const stream = await slowReader(wirecoreTargets(quick ? ['wirecore net'] : ['wirecore net', 'wirecore uws', 'wirecore node-http']));

// ---- BENCH.md
const lines: string[] = ['# BENCH', ''];
lines.push(`Written by \`npm run ${quick ? 'bench:quick' : 'bench'}\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)} in ${((Date.now() - started) / 1000).toFixed(0)} s.`, '');
lines.push(`Machine: ${machineLine(generator)}.`, '');
lines.push(`Each server runs in its own process; rounds alternate between targets (A, B, C, … A, B, C); ${rounds} round(s) of ${seconds} s per scenario after a 1 s warm-up; the table shows medians. Ratios are against node:http and raw uWebSockets.js measured in the same run. A p99 "not measured" is one wrk printed as 0 in every round (it loses latency samples under pipelining).`, '');

const byScenario = new Map<string, LoadResult[]>();
for (const r of load) byScenario.set(r.scenario.id, [...(byScenario.get(r.scenario.id) ?? []), r]);
const ratios = new Map<string, Map<string, number>>();
for (const [id, rows] of byScenario) {
  const scenario = rows[0]!.scenario;
  const node = summarize(rows.find((r) => r.target.baseline === 'node')!.samples).rps;
  const uws = summarize(rows.find((r) => r.target.baseline === 'uws')!.samples).rps;
  lines.push(`## ${scenario.title}`, '', '| target | req/s | p50 | p99 | peak RSS | × node:http | × raw uWS | errors |', '|---|---|---|---|---|---|---|---|');
  const mine = new Map<string, number>();
  for (const r of rows) {
    const s = summarize(r.samples);
    mine.set(r.target.id, s.rps);
    lines.push(`| ${r.target.id} | ${fmt(s.rps)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${mib(s.peakRss)} | ${fmt(s.rps / node, 2)} | ${fmt(s.rps / uws, 2)} | ${s.errors} |`);
  }
  ratios.set(id, mine);
  lines.push('');
}

lines.push('## Memory', '', `RSS growth per idle keep-alive connection (${idle[0]?.connections.toLocaleString('en-US')} connections, one answered request each; median of ${rounds} alternating round(s)). "As found" reads RSS as the connections leave it; "after GC" reads it after a full collection in the server (before and after), so it counts what the connections keep rather than the garbage of setting them up:`, '', '| target | bytes per connection, as found | after GC |', '|---|---|---|');
const bytes = (n: number) => `${fmt(n)} B (${(n / 1024).toFixed(2)} KiB)`;
for (const r of idle) lines.push(`| ${r.target} | ${bytes(r.bytesPerConnection)} | ${bytes(r.bytesPerConnectionAfterGc)} |`);
lines.push('', 'RSS growth while streaming 1 GiB (64 KiB chunks, awaiting backpressure) to a reader that pauses after every MiB:', '', '| target | peak RSS growth | bytes received | seconds |', '|---|---|---|---|');
for (const r of stream) lines.push(`| ${r.target} | ${mib(r.growthBytes)} | ${fmt(r.received)} | ${r.seconds.toFixed(1)} |`);
lines.push('');

lines.push('## Micro (tinybench)', '', '| benchmark | ops/s | ns/op | requests/s |', '|---|---|---|---|');
for (const m of micro) lines.push(`| ${m.name} | ${fmt(m.opsPerSec)} | ${fmt(m.nsPerOp, 1)} | ${m.requestsPerSec ? fmt(m.requestsPerSec) : ''} |`);
lines.push('');

const ratio = (scenario: string, a: string, b: string) => {
  const r = ratios.get(scenario);
  return r && r.get(a) && r.get(b) ? r.get(a)! / r.get(b)! : NaN;
};
const get300 = micro.find((m) => m.name === 'parser: 300-byte GET')?.requestsPerSec ?? NaN;
const netIdleRow = idle.find((r) => r.target === 'wirecore net');
const netIdle = netIdleRow?.bytesPerConnection ?? NaN;
const targetRows: Array<[string, number, number, string]> = [
  ['net ÷ node:http, keep-alive', ratio('plaintext', 'wirecore net', 'node:http'), 2.2, '×'],
  ['net ÷ node:http, pipelined ×16', ratio('pipelined', 'wirecore net', 'node:http'), 8, '×'],
  ['uws ÷ raw uWS, keep-alive', ratio('plaintext', 'wirecore uws', 'uWS (raw)'), 0.95, '×'],
  ['uws ÷ raw uWS, pipelined ×16', ratio('pipelined', 'wirecore uws', 'uWS (raw)'), 0.95, '×'],
  ['Hono on wirecore net ÷ @hono/node-server', ratio('plaintext', 'Hono on wirecore net', 'Hono on @hono/node-server'), 2, '×'],
  ['Hono on wirecore uws ÷ @hono/node-server', ratio('plaintext', 'Hono on wirecore uws', 'Hono on @hono/node-server'), 3, '×'],
  ['parser, 300-byte GET with strings (req/s)', get300, 1_000_000, ''],
];
lines.push('## Targets', '', '| target | measured | goal | met |', '|---|---|---|---|');
for (const [name, value, goal, unit] of targetRows) {
  lines.push(`| ${name} | ${unit ? fmt(value, 2) + unit : fmt(value)} | ${unit ? `≥ ${goal}${unit}` : `≥ ${fmt(goal)}`} | ${Number.isFinite(value) ? (value >= goal ? 'yes' : 'no') : 'not measured'} |`);
}
lines.push(`| idle connection on net (as found) | ${fmt(netIdle)} B (after GC: ${fmt(netIdleRow?.bytesPerConnectionAfterGc ?? NaN)} B) | ≤ 4096 B | ${Number.isFinite(netIdle) ? (netIdle <= 4096 ? 'yes' : 'no') : 'not measured'} |`, '');
const ceilingIdleRow = idle.find((r) => r.target === NET_CEILING);
lines.push(
  `For scale, in this run: ${NET_CEILING} reached ${fmt(ratio('plaintext', NET_CEILING, 'node:http'), 2)}× node:http keep-alive and ` +
    `${fmt(ratio('pipelined', NET_CEILING, 'node:http'), 2)}× pipelined, and held ${fmt(ceilingIdleRow?.bytesPerConnection ?? NaN)} B per idle connection ` +
    `(${fmt(ceilingIdleRow?.bytesPerConnectionAfterGc ?? NaN)} B after GC); ` +
    `wirecore net is ${fmt(ratio('plaintext', 'wirecore net', NET_CEILING), 2)}× and ${fmt(ratio('pipelined', 'wirecore net', NET_CEILING), 2)}× of it.`,
  '',
);
const llhttpAlone = micro.find((m) => m.name.startsWith('llhttp alone'))?.requestsPerSec ?? NaN;
lines.push(
  'Floors, in this run (work any wire layer on these parts must do, with nothing of wirecore above it): ' +
    `${NET_PARSE_FLOOR} reached ${fmt(ratio('plaintext', NET_PARSE_FLOOR, 'node:http'), 2)}× node:http keep-alive and ` +
    `${fmt(ratio('pipelined', NET_PARSE_FLOOR, 'node:http'), 2)}× pipelined (net targets: 2.2× and 8×); ` +
    `${UWS_READ_FLOOR} reached ${fmt(ratio('plaintext', UWS_READ_FLOOR, 'uWS (raw)'), 2)}× raw uWS keep-alive and ` +
    `${fmt(ratio('pipelined', UWS_READ_FLOOR, 'uWS (raw)'), 2)}× pipelined (uws target: 0.95×); ` +
    `the pinned llhttp build alone, making no strings, parses the 300-byte GET at ${fmt(llhttpAlone)}/s (parser target: 1,000,000/s with strings).`,
  '',
);

const file = new URL('../../BENCH.md', import.meta.url);
writeFileSync(file, lines.join('\n') + '\n');
log(`BENCH.md written (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const [name, value, goal, unit] of targetRows) log(`${name}: ${unit ? fmt(value, 2) + unit : fmt(value)} (goal ${goal}${unit})`);
