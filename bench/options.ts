// wirecore-bench's command line: targets, scenarios, rounds, pinning,
// generator, outputs. Pure apart from checking the CPUs asked for exist:
// the tests call it directly with argument lists.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { UsageError, didYouMean, has, integer, last, list, nameFromCommand, parseFlags, seconds, text, type FlagSpec } from '../cli/args.js';
import { HAS_TASKSET } from '../cli/process.js';
import { SCENARIOS, TARGETS, withConnections, type GeneratorName, type Scenario, type Target } from './load.js';
import { CLIENT_CPU, SERVER_CPU } from './procs.js';

export const TOOL = 'wirecore-bench';

export const FLAGS: FlagSpec[] = [
  { name: 'target', placeholder: '<command>', help: 'Start this shell command as a target: it prints "READY <port>" once it listens and serves the scenarios\' routes. Repeatable.' },
  { name: 'name', placeholder: '<name>', help: 'Names the --target before it (default: from its command).' },
  { name: 'with', placeholder: '<names>', help: 'Add wirecore\'s own bench servers beside yours, e.g. "node:http,wirecore net" (--list-targets shows them).' },
  { name: 'scenarios', placeholder: '<ids>', help: `Which scenarios: ${SCENARIOS.map((s) => s.id).join(',')} (default: all).` },
  { name: 'rounds', placeholder: '<n>', help: 'Alternating rounds per scenario; the tables show their median and spread (default 5).' },
  { name: 'duration', placeholder: '<seconds>', help: 'Length of each round (default 3; wrk rounds to whole seconds).' },
  { name: 'warmup', placeholder: '<seconds>', help: 'A warm-up run per target before the rounds (default 1; 0: none).' },
  { name: 'connections', placeholder: '<n>', help: 'Connections for every scenario, instead of each one\'s own (64, many-connections 1000).' },
  { name: 'server-cpu', placeholder: '<n>', help: `Pin the targets to this CPU (default ${SERVER_CPU}, with taskset).` },
  { name: 'client-cpu', placeholder: '<n>', help: `Pin the load generator to this CPU (default ${CLIENT_CPU}).` },
  { name: 'no-pin', help: 'Pin nothing.' },
  { name: 'generator', placeholder: '<wrk|autocannon>', help: 'The load generator (default: wrk when installed, else autocannon).' },
  { name: 'install-wrk', help: 'Install wrk with apt-get when it is missing (as root on Debian/Ubuntu).' },
  { name: 'baseline', placeholder: '<name>', help: 'The target the "×" column compares with (default: node:http when present, else the first target).' },
  { name: 'out', placeholder: '<file.md>', help: 'Write the Markdown tables there.' },
  { name: 'json', placeholder: '<file>', optionalValue: true, help: 'Write the results (every round) as JSON there (to stdout without a file).' },
  { name: 'ready-timeout', placeholder: '<seconds>', help: 'How long a target may take to print READY (default 30).' },
  { name: 'builtin', help: 'wirecore\'s own full run (npm run bench): micro, load with the consumer suites, memory, the named ratios; writes BENCH.md.' },
  { name: 'quick', help: 'The built-in run, short and indicative only (npm run bench:quick); writes BENCH-quick.md.' },
  { name: 'suites', placeholder: '<names|none>', help: 'With --builtin: only these consumer suites (bench/suites), or none.' },
  { name: 'idle-connections', placeholder: '<n>', help: 'With --builtin: idle keep-alive connections per memory reading (default 10000; quick 2000).' },
  { name: 'stream-mib', placeholder: '<n>', help: 'With --builtin: MiB streamed to the slow reader (default 1024).' },
  { name: 'plan', help: 'Print what would be measured (tables, rows, rounds) and how long it would take, then exit.' },
  { name: 'list-targets', help: 'List the names --with takes and exit.' },
  { name: 'quiet', help: 'No progress line.' },
  { name: 'version', help: 'Print the version and exit.' },
  { name: 'help', help: 'Print this help and exit.' },
];

export const USAGE = [
  `Usage: ${TOOL} --target "<command>" [--name <name>] … [--scenarios <ids>] [options]`,
  '',
  'Starts each target pinned to its own CPU, loads it with wrk (or autocannon) pinned to another,',
  'alternating targets round by round, and prints each scenario\'s medians with their spread.',
];

export const HELP_AFTER = [
  'A target prints "READY <port>" on stdout once it listens on 127.0.0.1 (PORT=0 is set for it) and serves:',
  '  plaintext, pipelined, many-connections   GET /          any short 2xx answer',
  '  post-json                                POST /echo     answers the 1 KiB JSON body it got',
  '  chunked                                  GET /chunked   a 64 KiB answer streamed in 16 chunks',
  'Each is checked with one request before the load starts. Details: bench/README.md.',
  '',
  'Examples:',
  `  ${TOOL} --target "node server.js" --name mine --with "node:http,wirecore net" --out BENCH.md`,
  `  ${TOOL} --target "node a.js" --target "node b.js" --scenarios plaintext,post-json --rounds 3 --duration 5 --json results.json`,
];

export interface BenchPlan {
  builtin: boolean;
  quick: boolean;
  targets: Target[];
  scenarios: Scenario[];
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  serverCpu: number | undefined;
  clientCpu: number | undefined;
  generator?: GeneratorName;
  installWrk: boolean;
  baseline?: string;
  out?: string;
  /** "-" for stdout. */
  json?: string;
  readyTimeoutMs: number;
  quiet: boolean;
  /** Print the plan and exit. */
  planOnly: boolean;
  /** --builtin: the suites to run (undefined: all), and the memory run's sizes. */
  suites?: string[];
  idleConnections?: number;
  streamMib?: number;
  /** Whether rounds, duration, warm-up or connections were given (the built-in run keeps its own otherwise). */
  overridden: { rounds: boolean; seconds: boolean; warmup: boolean; connections: boolean; scenarios: boolean };
}

export type BenchCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'list-targets' } | { kind: 'run'; plan: BenchPlan };


/** A CPU index this process may be pinned to. */
function checkCpu(flag: string, cpu: number): void {
  const count = cpus().length;
  if (cpu >= count) throw new UsageError(`${TOOL}: --${flag} ${cpu}: this machine has ${count} CPU${count === 1 ? '' : 's'} (0${count > 1 ? `–${count - 1}` : ''})`);
  if (!HAS_TASKSET) return;
  try {
    execFileSync('taskset', ['-c', String(cpu), 'true'], { stdio: 'ignore' });
  } catch {
    throw new UsageError(`${TOOL}: --${flag} ${cpu}: this process may not run on CPU ${cpu} (see taskset -p ${process.pid})`);
  }
}

export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const flags = parseFlags(argv, FLAGS, TOOL);
  if (has(flags, 'help')) return { kind: 'help' };
  if (has(flags, 'version')) return { kind: 'version' };
  if (has(flags, 'list-targets')) return { kind: 'list-targets' };

  const quick = has(flags, 'quick');
  const builtin = quick || has(flags, 'builtin');
  const targets: Target[] = [];
  const named = new Set<Target>();
  let current: Target | undefined;
  for (const f of flags) {
    const value = f.value === true ? '' : f.value;
    if (f.name === 'target') {
      if (value.trim() === '') throw new UsageError(`${TOOL}: --target needs a command, e.g. --target "node server.js"`);
      current = { id: nameFromCommand(value), command: value };
      targets.push(current);
    } else if (f.name === 'name') {
      if (current === undefined) throw new UsageError(`${TOOL}: --name applies to the --target before it, and there is none yet`);
      if (named.has(current)) throw new UsageError(`${TOOL}: the target "${current.id}" is named twice`);
      if (value.trim() === '' || /[|\u0000-\u001f`]/.test(value)) throw new UsageError(`${TOOL}: the name ${JSON.stringify(value)} cannot be used: it needs printable characters and no "|" or backquote`);
      current.id = value;
      named.add(current);
    }
  }
  const withNames = text(flags, 'with', TOOL);
  if (builtin && (targets.length > 0 || withNames !== undefined)) {
    throw new UsageError(`${TOOL}: --${quick ? 'quick' : 'builtin'} is wirecore's own run and takes no --target or --with; to put your server beside wirecore's, use --target "<command>" --with "node:http,wirecore net"`);
  }
  if (!builtin) {
    for (const flag of ['suites', 'idle-connections', 'stream-mib']) if (has(flags, flag)) throw new UsageError(`${TOOL}: --${flag} belongs to the built-in run (--builtin or --quick)`);
  }
  if (quick && has(flags, 'suites')) throw new UsageError(`${TOOL}: the quick run has no consumer suites; --suites goes with --builtin`);
  const withTargets: Target[] = [];
  if (withNames !== undefined) {
    for (const name of list(withNames, 'with', TOOL)) {
      const t = TARGETS.find((x) => x.id === name);
      if (t === undefined) throw new UsageError(`${TOOL}: --with: no built-in target "${name}"${didYouMean(name, TARGETS.map((x) => x.id))}; they are: ${TARGETS.map((x) => x.id).join(', ')}`);
      if (!withTargets.includes(t)) withTargets.push(t);
    }
  }
  const all = [...withTargets, ...targets];
  if (!builtin && all.length === 0) throw new UsageError(`${TOOL}: nothing to measure: give a --target "<command>" (or --with, or --builtin; see ${TOOL} --help)`);
  const seen = new Set<string>();
  for (const t of all) {
    if (seen.has(t.id) && !named.has(t) && targets.includes(t)) {
      let n = 2;
      while (seen.has(`${t.id}-${n}`)) n++;
      t.id = `${t.id}-${n}`;
    }
    if (seen.has(t.id)) throw new UsageError(`${TOOL}: two targets are named "${t.id}": give each its own --name`);
    seen.add(t.id);
  }

  let scenarios = SCENARIOS;
  const ids = text(flags, 'scenarios', TOOL);
  if (ids !== undefined) {
    scenarios = list(ids, 'scenarios', TOOL).map((id) => {
      const s = SCENARIOS.find((x) => x.id === id);
      if (s === undefined) throw new UsageError(`${TOOL}: --scenarios: no scenario "${id}"${didYouMean(id, SCENARIOS.map((x) => x.id))}; they are: ${SCENARIOS.map((x) => x.id).join(', ')}`);
      return s;
    });
  }
  const connections = integer(flags, 'connections', TOOL, 1, 100_000);
  if (connections !== undefined) scenarios = scenarios.map((s) => withConnections(s, connections));

  const noPin = has(flags, 'no-pin');
  const serverCpuFlag = integer(flags, 'server-cpu', TOOL, 0, 4095);
  const clientCpuFlag = integer(flags, 'client-cpu', TOOL, 0, 4095);
  if (noPin && (serverCpuFlag !== undefined || clientCpuFlag !== undefined)) throw new UsageError(`${TOOL}: --no-pin cannot go with --server-cpu or --client-cpu`);
  let serverCpu: number | undefined;
  let clientCpu: number | undefined;
  if (!noPin) {
    const explicit = serverCpuFlag !== undefined || clientCpuFlag !== undefined;
    serverCpu = serverCpuFlag ?? SERVER_CPU;
    clientCpu = clientCpuFlag ?? CLIENT_CPU;
    if (serverCpu === clientCpu) throw new UsageError(`${TOOL}: --server-cpu and --client-cpu are both ${serverCpu}: the targets and the load generator would share one CPU (pick two, or --no-pin)`);
    if (explicit) {
      if (!HAS_TASKSET) throw new UsageError(`${TOOL}: pinning needs taskset (util-linux), which is not here; leave out --server-cpu/--client-cpu or pass --no-pin`);
      checkCpu('server-cpu', serverCpu);
      checkCpu('client-cpu', clientCpu);
    } else if (!HAS_TASKSET || cpus().length < 2) {
      // Nothing asked: pin only where it can be done.
      serverCpu = undefined;
      clientCpu = undefined;
    }
  }

  const generatorName = text(flags, 'generator', TOOL);
  if (generatorName !== undefined && generatorName !== 'wrk' && generatorName !== 'autocannon') {
    throw new UsageError(`${TOOL}: --generator ${JSON.stringify(generatorName)}: wrk or autocannon${didYouMean(generatorName, ['wrk', 'autocannon'])}`);
  }
  const baseline = text(flags, 'baseline', TOOL);
  if (baseline !== undefined && !all.some((t) => t.id === baseline)) {
    throw new UsageError(`${TOOL}: --baseline "${baseline}" is none of the targets (${all.map((t) => t.id).join(', ') || 'none given'})`);
  }
  const suitesFlag = text(flags, 'suites', TOOL);
  const json = last(flags, 'json');
  const rounds = integer(flags, 'rounds', TOOL, 1, 1000);
  const duration = seconds(flags, 'duration', TOOL);
  const warmup = seconds(flags, 'warmup', TOOL, true);
  const idleConnections = integer(flags, 'idle-connections', TOOL, 1, 1_000_000);
  const streamMib = integer(flags, 'stream-mib', TOOL, 1, 1_048_576);
  return {
    kind: 'run',
    plan: {
      builtin,
      quick,
      targets: all,
      scenarios,
      rounds: rounds ?? 5,
      seconds: duration ?? 3,
      warmupSeconds: warmup ?? 1,
      serverCpu,
      clientCpu,
      ...(generatorName !== undefined ? { generator: generatorName as GeneratorName } : {}),
      installWrk: has(flags, 'install-wrk'),
      ...(baseline !== undefined ? { baseline } : {}),
      ...(text(flags, 'out', TOOL) !== undefined ? { out: text(flags, 'out', TOOL)! } : {}),
      ...(json !== undefined ? { json: json === true ? '-' : json } : {}),
      readyTimeoutMs: (seconds(flags, 'ready-timeout', TOOL) ?? 30) * 1000,
      quiet: has(flags, 'quiet'),
      planOnly: has(flags, 'plan'),
      ...(suitesFlag !== undefined ? { suites: suitesFlag === 'none' ? [] : list(suitesFlag, 'suites', TOOL) } : {}),
      ...(idleConnections !== undefined ? { idleConnections } : {}),
      ...(streamMib !== undefined ? { streamMib } : {}),
      overridden: { rounds: rounds !== undefined, seconds: duration !== undefined, warmup: warmup !== undefined, connections: connections !== undefined, scenarios: ids !== undefined },
    },
  };
}
