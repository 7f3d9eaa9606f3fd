// Load runs: every target in its own pinned process, wrk (else autocannon)
// pinned to another core, targets alternating round by round, medians with
// their spread. Shared by wirecore-bench and its built-in run (npm run bench).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HAS_TASKSET, startTarget, type TargetProcess } from '../cli/process.js';
import { benchFile, median, pinned, sampleRss, spread } from './procs.js';

const run = promisify(execFile);

export interface Scenario {
  id: string;
  title: string;
  path: string;
  connections: number;
  /** wrk Lua script in bench/wrk. */
  script?: string;
  pipelining?: number;
  method?: string;
  body?: string;
  /** Request header fields (autocannon; wrk too when the scenario has no script). */
  headers?: Record<string, string>;
  /**
   * A load client of bench/clients instead of wrk or autocannon (what they cannot send, such as a PROXY
   * header once per connection): `node client port connections seconds path pipelining ...clientArgs`,
   * printing one JSON line { rps, p50Ms, p99Ms, errors }.
   */
  client?: { script: string; args: string[] };
}

export interface Target {
  id: string;
  /** A node script, started as `node script ...args` (built-in targets and suites). */
  script?: string;
  args?: string[];
  /** Or a shell command line (wirecore-bench --target) that prints READY <port>. */
  command?: string;
  /** A baseline the others are compared with. */
  baseline?: 'node' | 'uws';
  /** The scenarios it can serve (all when absent). */
  scenarios?: string[];
  /** For a scenario with its own load client: arguments this target adds after the scenario's (a PROXY header or none). */
  clientArgs?: string[];
}

export interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  peakRss: number;
  errors: number;
  /** The latency distribution's 90th percentile, where the generator reports it. */
  p90Ms?: number;
  /** Requests the generator gave up on (wrk's socket timeouts; also counted in errors). */
  timeouts?: number;
  /** How long opening every connection took, for a client that opens them before the clock starts. */
  openMs?: number;
}

/** Exactly 1 KiB; bench/wrk/post-json.lua sends the same bytes. */
export const JSON_1K = (() => {
  const items = Array.from({ length: 32 }, (_, i) => `{"id":${i + 1},"name":"item-${String(i + 1).padStart(4, '0')}"}`);
  const body = `{"items":[${items.join(',')}]}`;
  return body + ' '.repeat(1024 - body.length);
})();

/** The scenarios of BENCH.md, which wirecore-bench --scenarios names. */
export const SCENARIOS: Scenario[] = [
  { id: 'plaintext', title: 'plaintext GET / keep-alive, 64 connections', path: '/', connections: 64 },
  { id: 'pipelined', title: 'GET / pipelined ×16, 64 connections', path: '/', connections: 64, script: 'pipeline.lua', pipelining: 16 },
  { id: 'post-json', title: '1 KiB JSON POST echo, 64 connections', path: '/echo', connections: 64, script: 'post-json.lua', method: 'POST', body: JSON_1K, headers: { 'content-type': 'application/json' } },
  { id: 'chunked', title: '64 KiB response as 16 chunks, 64 connections', path: '/chunked', connections: 64 },
  { id: 'many-connections', title: 'GET / with 1,000 concurrent connections', path: '/', connections: 1000 },
  {
    id: 'many-connections-open',
    title: 'GET / with 1,000 concurrent connections, all opened before the clock starts',
    path: '/',
    connections: 1000,
    client: { script: 'open-first-load.js', args: [] },
  },
];

/** node:net answering without parsing: how fast `net` could be at most. */
export const NET_CEILING = 'node:net, no parsing (ceiling)';
/** node:net with wirecore's parser and a constant answer: the part of `net` no dispatch design can avoid. */
export const NET_PARSE_FLOOR = 'node:net + wirecore parser, constant answer';
/** Raw uWS reading the request before answering: the part of `uws` no wrapper can avoid. */
export const UWS_READ_FLOOR = 'uWS (raw), reading the request';

/**
 * The core tables' targets (wirecore-bench --with names them), in the order each round runs them: the two
 * sides of each goal back to back, so that the machine's speed (which moves within seconds) differs least between them.
 */
export const TARGETS: Target[] = [
  { id: 'node:http', script: benchFile('./servers/node-http.js'), args: [], baseline: 'node' },
  { id: 'wirecore node-http', script: benchFile('./hello.js'), args: ['node-http'] },
  { id: NET_CEILING, script: benchFile('./servers/net-raw.js'), args: [], scenarios: ['plaintext', 'pipelined', 'many-connections', 'many-connections-open'] },
  { id: 'wirecore net', script: benchFile('./hello.js'), args: ['net'] },
  { id: NET_PARSE_FLOOR, script: benchFile('./servers/net-parse.js'), args: [], scenarios: ['plaintext', 'pipelined'] },
  { id: 'Hono on wirecore net', script: benchFile('./servers/hono-wirecore.js'), args: ['net'] },
  { id: UWS_READ_FLOOR, script: benchFile('./servers/uws-read.js'), args: [], scenarios: ['plaintext', 'pipelined'] },
  { id: 'wirecore uws', script: benchFile('./hello.js'), args: ['uws'] },
  { id: 'uWS (raw)', script: benchFile('./servers/uws-raw.js'), args: [], baseline: 'uws' },
  { id: 'Hono on wirecore uws', script: benchFile('./servers/hono-wirecore.js'), args: ['uws'] },
  { id: 'Hono on @hono/node-server', script: benchFile('./servers/hono-node.js'), args: [] },
];

/** A scenario with another number of connections (its title says so). */
export function withConnections(s: Scenario, connections: number): Scenario {
  return { ...s, connections, title: s.title.replace(/[\d,]+ (concurrent )?connections/, `${connections.toLocaleString('en-US')} $1connections`) };
}

/** Whether a target serves a scenario. */
export const serves = (target: Target, scenario: Scenario) => target.scenarios === undefined || target.scenarios.includes(scenario.id);

// ---- load generators

export type GeneratorName = 'wrk' | 'autocannon';

export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return (error as { status?: number }).status === 1;
  }
}

/** Installs wrk from the distribution's packages, as root on Debian or Ubuntu; false when it cannot. */
export function installWrk(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sh', ['-c', 'command -v apt-get >/dev/null && (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1))'], { stdio: 'ignore', timeout: 300_000 });
  } catch {
    return false;
  }
  return hasWrk();
}

type AutocannonRun = (options: object) => Promise<{ requests: { average: number }; latency: { p50: number; p90: number; p99: number }; errors: number; timeouts: number; non2xx: number }>;

/** autocannon when it can be imported (a dev dependency of wirecore, not shipped with the tools). */
async function loadAutocannon(): Promise<AutocannonRun | null> {
  // A name in a variable: tsc must not require its types, and the package may be absent.
  const name = 'autocannon';
  try {
    return ((await import(name)) as { default: AutocannonRun }).default;
  } catch {
    return null;
  }
}

export const NO_GENERATOR =
  'neither wrk nor autocannon is available. Install wrk (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk; or pass --install-wrk as root on Debian) or autocannon (npm install --save-dev autocannon), then run again';

/** The generator to use: the one asked for, else wrk when it is there (installed when allowed), else autocannon. */
export async function chooseGenerator(options: { wanted?: GeneratorName; install: boolean; log?: (line: string) => void }): Promise<GeneratorName> {
  const wrkThere = () => hasWrk() || (options.install && (options.log?.('installing wrk from the distribution\'s packages …'), installWrk()));
  if (options.wanted === 'wrk') {
    if (wrkThere()) return 'wrk';
    throw new Error(`--generator wrk: wrk is not installed${options.install ? ' and could not be installed (root and apt-get are needed)' : ' (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk; or --install-wrk as root on Debian)'}`);
  }
  if (options.wanted === 'autocannon') {
    if (await loadAutocannon()) return 'autocannon';
    throw new Error('--generator autocannon: autocannon cannot be imported here (npm install --save-dev autocannon)');
  }
  if (wrkThere()) return 'wrk';
  if (await loadAutocannon()) return 'autocannon';
  throw new Error(NO_GENERATOR);
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

let luaFolder: string | undefined;
/** A wrk script for a scenario that has none but a method, body or header fields. */
function luaFor(s: Scenario): string {
  luaFolder ??= mkdtempSync(join(tmpdir(), 'wirecore-bench-'));
  const file = join(luaFolder, `${s.id.replace(/[^\w-]/g, '_')}.lua`);
  const lines = [`wrk.method = ${JSON.stringify(s.method ?? 'GET')}`];
  if (s.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(s.body)}`);
  for (const [name, value] of Object.entries(s.headers ?? {})) lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function wrk(host: string, port: number, s: Scenario, seconds: number, clientCpu: number | undefined): Promise<Omit<Sample, 'peakRss'>> {
  const args = ['-t1', `-c${s.connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--latency', '--timeout', '5s'];
  if (s.script) args.push('-s', benchFile(`../../bench/wrk/${s.script}`));
  else if (s.method !== undefined || s.body !== undefined || s.headers !== undefined) args.push('-s', luaFor(s));
  args.push(`http://${host}:${port}${s.path}`);
  const [command, argv] = pinned(clientCpu, 'wrk', args);
  const { stdout } = await run(command, argv, { timeout: (seconds + 30) * 1000 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const lat = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(stdout);
    // wrk prints 0.00us when its histogram lost a run's samples (seen with pipelining): not a measurement.
    const ms = m ? toMs(m[1]!, m[2]!) : NaN;
    return ms > 0 ? ms : NaN;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  return { rps, p50Ms: lat('50'), p90Ms: lat('90'), p99Ms: lat('99'), errors, timeouts: Number(socketErrors?.[4] ?? 0) };
}

async function autocannon(host: string, port: number, s: Scenario, seconds: number): Promise<Omit<Sample, 'peakRss'>> {
  const run = (await loadAutocannon())!;
  const result = await run({
    url: `http://${host}:${port}${s.path}`,
    connections: s.connections,
    duration: seconds,
    pipelining: s.pipelining ?? 1,
    method: s.method ?? 'GET',
    ...(s.body !== undefined ? { body: s.body } : {}),
    ...(s.headers !== undefined ? { headers: s.headers } : {}),
  });
  return { rps: result.requests.average, p50Ms: result.latency.p50, p90Ms: result.latency.p90, p99Ms: result.latency.p99, errors: result.errors + result.non2xx, timeouts: result.timeouts };
}

async function ownClient(port: number, s: Scenario, seconds: number, clientCpu: number | undefined, targetArgs: readonly string[]): Promise<Omit<Sample, 'peakRss'>> {
  const client = s.client!;
  const args = [benchFile(`./clients/${client.script}`), String(port), String(s.connections), String(Math.max(1, Math.round(seconds))), s.path, String(s.pipelining ?? 1), ...client.args, ...targetArgs];
  const [command, argv] = pinned(clientCpu, process.execPath, args);
  const { stdout } = await run(command, argv, { timeout: (seconds + 30) * 1000 });
  const last = stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`the load client ${client.script} printed no result (its output: ${JSON.stringify(stdout.slice(-300))})`);
  const printed = JSON.parse(last) as Record<string, number | null>;
  // JSON has no NaN: a percentile the client could not measure arrives as null.
  const num = (key: string) => (typeof printed[key] === 'number' ? printed[key] : NaN);
  return {
    rps: num('rps'),
    p50Ms: num('p50Ms'),
    p99Ms: num('p99Ms'),
    errors: typeof printed.errors === 'number' ? printed.errors : 0,
    ...('p90Ms' in printed ? { p90Ms: num('p90Ms') } : {}),
    ...('timeouts' in printed ? { timeouts: num('timeouts') } : {}),
    ...('openMs' in printed ? { openMs: num('openMs') } : {}),
  };
}

/** One measurement of `seconds` against a server. */
export function measure(generator: GeneratorName, port: number, s: Scenario, seconds: number, clientCpu: number | undefined, targetClientArgs: readonly string[] = []): Promise<Omit<Sample, 'peakRss'>> {
  if (s.client !== undefined) return ownClient(port, s, seconds, clientCpu, targetClientArgs);
  return generator === 'wrk' ? wrk('127.0.0.1', port, s, seconds, clientCpu) : autocannon('127.0.0.1', port, s, seconds);
}

// ---- servers

/** Same script and arguments (or same command): the same server, so one row can serve two suites. */
export const targetKey = (t: Target) => (t.command !== undefined ? `sh:${t.command}` : `node:${t.script}\u0000${(t.args ?? []).join('\u0000')}`);
/** A table row's identity: the server, and what its own load client is told (two rows may share one server). */
export const rowKey = (t: Target) => `${targetKey(t)}\u0001${(t.clientArgs ?? []).join('\u0000')}`;

export interface Started {
  servers: Map<Target, TargetProcess>;
  failures: Map<Target, Error>;
}

/** Starts every target pinned to `cpu`; those that fail are returned with their error, the rest keep running. */
export async function startAll(targets: readonly Target[], options: { cpu: number | undefined; readyTimeoutMs: number; env?: Record<string, string> }): Promise<Started> {
  const settled = await Promise.allSettled(
    targets.map((t) => {
      const command = t.command ?? (t.script !== undefined ? { file: process.execPath, args: [t.script, ...(t.args ?? [])] } : undefined);
      if (command === undefined) return Promise.reject(new Error(`target "${t.id}" has neither a command nor a script`));
      return startTarget({ name: t.id, command, readyTimeoutMs: options.readyTimeoutMs, env: { ...(t.command !== undefined ? { PORT: '0' } : {}), ...options.env }, ...(options.cpu !== undefined ? { cpu: options.cpu } : {}) });
    }),
  );
  const started: Started = { servers: new Map(), failures: new Map() };
  settled.forEach((s, i) => (s.status === 'fulfilled' ? started.servers.set(targets[i]!, s.value) : started.failures.set(targets[i]!, s.reason as Error)));
  return started;
}

/** Whether a scenario's request can be sent by hand to check the answer (a wrk script of its own may send anything). */
function checkable(s: Scenario): boolean {
  // A scenario with its own client (a PROXY header per connection) is checked by it: it counts non-2xx answers as errors.
  if (s.client !== undefined) return false;
  return s.script === undefined || s.method !== undefined || s.body !== undefined;
}

/** One request as the scenario sends it: the status, or the error. */
function probe(port: number, s: Scenario): Promise<number | Error> {
  return new Promise((resolve) => {
    const body = s.body === undefined ? undefined : Buffer.from(s.body);
    const req = http.request(
      { host: '127.0.0.1', port, path: s.path, method: s.method ?? 'GET', agent: false, timeout: 5000, headers: { ...s.headers, ...(body ? { 'content-length': body.length } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', (error) => resolve(error));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) => resolve(error));
    req.end(body);
  });
}

/** Before measuring: every target answers every scenario it serves with a 2xx. Returns what is wrong, one line each. */
export async function checkAnswers(scenarios: readonly Scenario[], servers: ReadonlyMap<Target, TargetProcess>): Promise<Array<{ target: Target; problem: string }>> {
  const problems: Array<{ target: Target; problem: string }> = [];
  for (const s of scenarios.filter(checkable)) {
    for (const [target, server] of servers) {
      if (!serves(target, s)) continue;
      const status = await probe(server.port, s);
      if (status instanceof Error) problems.push({ target, problem: `target "${target.id}" failed ${s.method ?? 'GET'} ${s.path} (scenario ${s.id}): ${status.message}` });
      else if (status < 200 || status > 299) problems.push({ target, problem: `target "${target.id}" answered ${s.method ?? 'GET'} ${s.path} with ${status} (scenario ${s.id} needs a 2xx)` });
    }
  }
  return problems;
}

/** autocannon runs inside this process: pinning the load generator means pinning the tool itself. */
export function pinSelf(generator: GeneratorName, clientCpu: number | undefined): void {
  if (generator !== 'autocannon' || clientCpu === undefined || !HAS_TASKSET) return;
  execFileSync('taskset', ['-a', '-p', '-c', String(clientCpu), String(process.pid)], { stdio: 'ignore' });
}

// ---- rounds

export interface LoadResult {
  scenario: Scenario;
  target: Target;
  /** The row's name in this scenario's table (a suite's row may be renamed to stay unique). */
  id: string;
  samples: Sample[];
}

export interface LoadOptions {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  generator: GeneratorName;
  clientCpu: number | undefined;
  /** Before each run: what is measured now, how many runs are done of how many. */
  onRun?: (run: { scenario: Scenario; id: string; round: number; rounds: number; warmUp: boolean; done: number; total: number; last?: Sample }) => void;
}

/** The rows of a scenario: each target that serves it. */
export function rowsOf(scenario: Scenario, targets: ReadonlyArray<{ target: Target; id: string }>): LoadResult[] {
  return targets.filter(({ target }) => serves(target, scenario)).map(({ target, id }) => ({ scenario, target, id, samples: [] }));
}

/** Measured runs a plan will take (warm-ups excluded), for progress. */
export function runsIn(tables: ReadonlyArray<{ rows: readonly LoadResult[] }>, rounds: number): number {
  return tables.reduce((n, t) => n + t.rows.length * rounds, 0);
}

/**
 * Measures the rows of each table: a warm-up per row, then `rounds` rounds
 * in which every row runs once, in the same order (A, B, C, … A, B, C), so
 * noise spreads over every target alike. `done` counts runs across calls.
 */
export async function measureTables(tables: ReadonlyArray<{ rows: LoadResult[] }>, servers: ReadonlyMap<Target, TargetProcess>, options: LoadOptions, counter: { done: number; total: number }): Promise<void> {
  for (const { rows } of tables) {
    if (options.warmupSeconds > 0) {
      for (const row of rows) {
        options.onRun?.({ scenario: row.scenario, id: row.id, round: 0, rounds: options.rounds, warmUp: true, done: counter.done, total: counter.total });
        await measure(options.generator, servers.get(row.target)!.port, row.scenario, options.warmupSeconds, options.clientCpu, row.target.clientArgs);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const row of rows) {
        const server = servers.get(row.target)!;
        options.onRun?.({ scenario: row.scenario, id: row.id, round: round + 1, rounds: options.rounds, warmUp: false, done: counter.done, total: counter.total, ...(row.samples.length ? { last: row.samples.at(-1)! } : {}) });
        const stop = sampleRss(server.pid);
        const sample = await measure(options.generator, server.port, row.scenario, options.seconds, options.clientCpu, row.target.clientArgs);
        row.samples.push({ ...sample, peakRss: stop() });
        counter.done++;
      }
    }
  }
}

export interface Summary extends Sample {
  /** Smallest and largest req/s of the rounds. */
  rpsMin: number;
  rpsMax: number;
  rounds: number;
}

export function summarize(samples: Sample[]): Summary {
  const [rpsMin, rpsMax] = spread(samples.map((s) => s.rps));
  return {
    rps: median(samples.map((s) => s.rps)),
    rpsMin,
    rpsMax,
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    p90Ms: median(samples.map((s) => s.p90Ms ?? NaN)),
    ...(samples.some((s) => s.timeouts !== undefined) ? { timeouts: samples.reduce((a, s) => a + (s.timeouts ?? 0), 0) } : {}),
    openMs: median(samples.map((s) => s.openMs ?? NaN)),
    peakRss: Math.max(...samples.map((s) => s.peakRss)),
    errors: samples.reduce((a, s) => a + s.errors, 0),
    rounds: samples.length,
  };
}

/** a ÷ b of the medians, with the smallest and largest ratio of the rounds (round i of a against round i of b). */
export function ratioOf(a: LoadResult | undefined, b: LoadResult | undefined): { value: number; min: number; max: number } {
  if (a === undefined || b === undefined) return { value: NaN, min: NaN, max: NaN };
  const perRound = a.samples.map((s, i) => s.rps / (b.samples[i]?.rps ?? NaN)).filter(Number.isFinite);
  const [min, max] = spread(perRound);
  return { value: summarize(a.samples).rps / summarize(b.samples).rps, min, max };
}
