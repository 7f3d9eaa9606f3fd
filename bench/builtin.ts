// wirecore's own bench (npm run bench, npm run bench:quick), run by
// wirecore-bench --builtin: micro benchmarks, the core load tables with the
// consumer suites' rows, the suites' own tables, memory, and the named ratios
// of BENCH.md's targets table, every one measured in this run.
import { EXIT, packageVersion, writeOutput, writtenBy } from '../cli/common.js';
import { UsageError, didYouMean } from '../cli/args.js';
import { progressLine, textTable } from '../cli/progress.js';
import {
  NET_CEILING,
  NET_PARSE_FLOOR,
  SCENARIOS,
  TARGETS,
  UWS_READ_FLOOR,
  checkAnswers,
  chooseGenerator,
  measureTables,
  pinSelf,
  ratioOf,
  rowKey,
  rowsOf,
  runsIn,
  serves,
  startAll,
  withConnections,
  type LoadResult,
  type Scenario,
  type Target,
} from './load.js';
import { idleConnections, slowReader, type IdleResult, type StreamResult } from './memory.js';
import type { MicroRow } from './micro.js';
import type { BenchPlan } from './options.js';
import { benchFile, machineLine, median, spread } from './procs.js';
import { goalText, met, renderBenchMd, show, sizeText, type GoalRow } from './bench-md.js';
import { duration, jsonRows, onRun, type Table } from './report.js';
import { loadSuites, type Suite } from './suites.js';
import { FULL_WS, QUICK_WS, WS_TARGETS, renderWebSocketSection, runWebSocketBench, webSocketGoals } from './ws-bench.js';

const TOOL = 'wirecore-bench';

/** The quick run's rows: what the named ratios need, and node:http. */
const QUICK_ROWS: Record<string, string[]> = {
  plaintext: ['node:http', NET_CEILING, NET_PARSE_FLOOR, UWS_READ_FLOOR, 'wirecore net', 'wirecore uws'],
  pipelined: ['node:http', NET_CEILING, NET_PARSE_FLOOR, UWS_READ_FLOOR, 'wirecore net', 'wirecore uws'],
  'post-json': ['node:http', 'wirecore net', 'Hono on wirecore net'],
  chunked: ['node:http', 'wirecore net', 'Hono on wirecore net'],
};

interface Settings {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  scenarios: Scenario[];
  microMs: number;
  idleConnections: number;
  idleTargets: string[];
  streamTargets: string[];
  streamMib: number;
}

function settingsOf(plan: BenchPlan): Settings {
  const quick = plan.quick;
  const o = plan.overridden;
  const base = quick ? SCENARIOS.filter((s) => s.id in QUICK_ROWS) : SCENARIOS;
  return {
    rounds: o.rounds ? plan.rounds : quick ? 1 : 5,
    seconds: o.seconds ? plan.seconds : quick ? 2 : 3,
    warmupSeconds: o.warmup ? plan.warmupSeconds : 1,
    // --scenarios and --connections were applied to plan.scenarios; the quick run keeps its subset.
    scenarios: o.scenarios || o.connections ? plan.scenarios.filter((s) => !quick || s.id in QUICK_ROWS) : base,
    microMs: quick ? 200 : 1000,
    idleConnections: plan.idleConnections ?? (quick ? 2000 : 10_000),
    // Each goal's two sides back to back in a round, as in the load tables.
    idleTargets: quick ? ['wirecore net', NET_CEILING, 'node:http'] : ['wirecore net', NET_CEILING, 'wirecore uws', 'uWS (raw)', 'node:http'],
    streamTargets: quick ? ['wirecore net'] : ['wirecore net', 'wirecore uws', 'wirecore node-http'],
    streamMib: plan.streamMib ?? 1024,
  };
}

/** What a server printed when it failed to start, down to its error line ("Error: … gcc is not installed …"). */
function essence(message: string): string {
  const error = /^\s*(?:Uncaught )?(?:[A-Z]\w*)?Error: (.+)$/m.exec(message)?.[1];
  return error ?? (message.split('\n')[0] ?? message).slice(0, 300);
}

/** Where a suite's target id landed: its own row, or a core row serving the same server. */
type Aliases = Map<string, Map<string, string>>;
const aliasKey = (suite: string, scenario: string) => `${suite}\u0000${scenario}`;

/** Adds a suite's targets to a table: a target the table already runs (same script and arguments) is reused, a clashing name gets the suite's. */
function addSuiteRows(table: Table, suite: Suite, aliases: Aliases): void {
  const map = aliases.get(aliasKey(suite.name, table.scenario.id)) ?? new Map<string, string>();
  aliases.set(aliasKey(suite.name, table.scenario.id), map);
  for (const target of suite.targets) {
    if (!serves(target, table.scenario)) continue;
    const same = table.rows.find((r) => rowKey(r.target) === rowKey(target));
    if (same) {
      map.set(target.id, same.id);
      continue;
    }
    const id = table.rows.some((r) => r.id === target.id) ? `${target.id} (${suite.name} suite)` : target.id;
    map.set(target.id, id);
    table.rows.push({ scenario: table.scenario, target, id, samples: [] });
  }
}

export async function runBuiltin(plan: BenchPlan, argv: readonly string[]): Promise<number> {
  const settings = settingsOf(plan);
  const progress = progressLine(process.stderr, plan.quiet);
  const note = (line: string) => progress.note(`${TOOL}: ${line}`);
  const started = Date.now();
  const cpus = { server: plan.serverCpu, client: plan.clientCpu };
  const generator = await chooseGenerator({ ...(plan.generator ? { wanted: plan.generator } : {}), install: plan.installWrk, log: note });
  pinSelf(generator, plan.clientCpu);
  if (plan.quick) note('the quick run is INDICATIVE ONLY: 1 round, a subset of the targets, no consumer suites. Quote `npm run bench`.');

  // ---- the consumer suites
  const skipped: Array<{ what: string; why: string }> = [];
  let suites: Suite[] = [];
  if (plan.quick) skipped.push({ what: 'the consumer suites (bench/suites)', why: 'the quick run leaves them out; `npm run bench` runs them' });
  else {
    const loaded = await loadSuites();
    for (const b of loaded.broken) skipped.push({ what: `suite ${b.name}`, why: b.reason });
    if (loaded.suites.length + loaded.broken.length === 0) skipped.push({ what: 'the consumer suites', why: `none found in ${benchFile('./suites/')}` });
    suites = loaded.suites;
    if (plan.suites !== undefined) {
      for (const name of plan.suites) {
        if (!loaded.suites.some((s) => s.name === name)) throw new UsageError(`${TOOL}: --suites: no suite "${name}"${didYouMean(name, loaded.suites.map((s) => s.name))}; they are: ${loaded.suites.map((s) => s.name).join(', ')}`);
      }
      for (const s of suites.filter((x) => !plan.suites!.includes(x.name))) skipped.push({ what: `suite ${s.name}`, why: 'not asked for (--suites)' });
      suites = suites.filter((s) => plan.suites!.includes(s.name));
    }
    // --connections applies to the suites' scenarios too.
    if (plan.overridden.connections) {
      const connections = plan.scenarios[0]?.connections;
      if (connections !== undefined) suites = suites.map((s) => ({ ...s, scenarios: s.scenarios.map((x) => withConnections(x, connections)) }));
    }
  }

  // ---- the tables: core scenarios (with the suites' rows for them), then each suite's own
  const coreIds = new Set(settings.scenarios.map((s) => s.id));
  const aliases: Aliases = new Map();
  const coreTargets = (s: Scenario) => TARGETS.filter((t) => serves(t, s) && (!plan.quick || QUICK_ROWS[s.id]!.includes(t.id)));
  const coreTables: Table[] = settings.scenarios.map((scenario) => ({ scenario, rows: rowsOf(scenario, coreTargets(scenario).map((target) => ({ target, id: target.id }))) }));
  for (const suite of suites) for (const table of coreTables) if (suite.scenarios.some((s) => s.id === table.scenario.id)) addSuiteRows(table, suite, aliases);
  const suiteTables = new Map<Suite, Table[]>();
  for (const suite of suites) {
    const own = suite.scenarios.filter((s) => !coreIds.has(s.id) && !SCENARIOS.some((c) => c.id === s.id));
    const tables = own.map((scenario) => {
      const table: Table = { scenario, rows: [], suite };
      addSuiteRows(table, suite, aliases);
      return table;
    });
    suiteTables.set(suite, tables.filter((t) => t.rows.length > 0));
  }

  const allTables = () => [...coreTables, ...[...suiteTables.values()].flat()];
  if (plan.planOnly) {
    const say = (line: string) => process.stdout.write(line + '\n');
    for (const t of allTables()) say(`${t.suite ? `suite ${t.suite.name}: ` : ''}${t.scenario.id} (${t.scenario.connections} connections): ${t.rows.length} rows: ${t.rows.map((r) => r.id).join('; ')}`);
  }
  const loadSeconds = allTables().reduce((n, t) => n + t.rows.length * (settings.rounds * Math.max(1, settings.seconds) + settings.warmupSeconds), 0);
  const ws = plan.quick ? QUICK_WS : FULL_WS;
  const memorySeconds =
    settings.idleTargets.length * settings.rounds * (2 + settings.idleConnections / 3000) +
    settings.streamTargets.length * (1 + settings.streamMib / 200) +
    WS_TARGETS.length * settings.rounds * (ws.seconds + 4 + (ws.subscribers + ws.idleSockets) / 2000);
  note(
    `${plan.quick ? 'quick' : 'full'} run: ${coreTables.length} core scenario(s)${suites.length ? ` and ${suites.length} consumer suite(s)` : ''}, ` +
      `${allTables().reduce((n, t) => n + t.rows.length, 0)} rows × ${settings.rounds} round(s) of ${settings.seconds} s after a ${settings.warmupSeconds} s warm-up: about ${duration(loadSeconds + memorySeconds + 15 * (settings.microMs / 1000 + 0.2) + 20)} (load ${duration(loadSeconds)}, memory ${duration(memorySeconds)}); load generator: ${generator}`,
  );
  if (plan.planOnly) return EXIT.ok;

  // ---- micro
  note('micro benchmarks …');
  const { runMicro } = await import('./micro.js');
  const micro: MicroRow[] = await runMicro(settings.microMs);
  const { runAllocation } = await import('./alloc.js');
  const allocation = await runAllocation();

  // ---- load
  const counter = { done: 0, total: runsIn([...coreTables, ...[...suiteTables.values()].flat()], settings.rounds) };
  const loadOptions = { seconds: settings.seconds, rounds: settings.rounds, warmupSeconds: settings.warmupSeconds, generator, clientCpu: plan.clientCpu, onRun: onRun(progress, TOOL) };
  const suiteOf = (target: Target) => suites.find((s) => s.targets.includes(target));
  const dropSuite = (suite: Suite, why: string) => {
    if (skipped.some((s) => s.what === `suite ${suite.name}`)) return;
    skipped.push({ what: `suite ${suite.name}`, why });
    note(`suite ${suite.name} skipped: ${why}`);
    for (const table of coreTables) {
      const before = table.rows.length;
      table.rows = table.rows.filter((r) => !suite.targets.includes(r.target));
      counter.total -= (before - table.rows.length) * settings.rounds;
    }
    counter.total -= (suiteTables.get(suite) ?? []).reduce((n, t) => n + t.rows.length * settings.rounds, 0);
    suiteTables.set(suite, []);
  };

  /** Starts a section's servers: a core server that fails stops the run; a suite's stops only that suite. */
  async function runSection(tables: Table[]): Promise<void> {
    const targets = [...new Set(tables.flatMap((t) => t.rows.map((r) => r.target)))];
    if (targets.length === 0) return;
    const { servers, failures } = await startAll(targets, { cpu: plan.serverCpu, readyTimeoutMs: plan.readyTimeoutMs });
    try {
      for (const [target, error] of failures) {
        const suite = suiteOf(target);
        if (suite === undefined) throw error;
        dropSuite(suite, `its target "${target.id}" did not start: ${essence(error.message)}`);
      }
      for (const { target, problem } of await checkAnswers(tables.map((t) => t.scenario), servers)) {
        const suite = suiteOf(target);
        if (suite === undefined) throw new Error(problem);
        dropSuite(suite, problem);
      }
      await measureTables(tables.filter((t) => t.rows.length > 0), servers, loadOptions, counter);
    } finally {
      await Promise.all([...servers.values()].map((s) => s.stop()));
    }
  }

  note('load: the core scenarios …');
  await runSection(coreTables);
  for (const suite of suites) {
    const tables = suiteTables.get(suite) ?? [];
    if (tables.length === 0) continue;
    progress.end();
    note(`load: suite ${suite.name} (${suite.title}) …`);
    await runSection(tables);
  }
  progress.end();

  // ---- memory
  const builtin = (id: string) => {
    const t = TARGETS.find((x) => x.id === id)!;
    return { id: t.id, script: t.script!, args: t.args ?? [] };
  };
  const helloOn = (id: string) => ({ id, script: benchFile('./hello.js'), args: [id.split(' ')[1]!] });
  note(`memory: ${settings.idleConnections.toLocaleString('en-US')} idle connections, ${settings.rounds} round(s) …`);
  const idle: IdleResult[] = await idleConnections(
    settings.idleTargets.map((id) => (id.startsWith('wirecore ') ? helloOn(id) : builtin(id))),
    settings.idleConnections,
    settings.rounds,
    cpus,
    (() => {
      let done = 0;
      const total = settings.idleTargets.length * settings.rounds;
      return (id: string, round: number) => progress.update(done++, total, `${TOOL}: memory runs`, ` · round ${round}/${settings.rounds} · ${id}`);
    })(),
  );
  progress.end();
  note(`memory: ${sizeText(settings.streamMib)} to a slow reader …`);
  const stream: StreamResult[] = await slowReader(settings.streamTargets.map(helloOn), cpus, settings.streamMib);

  // ---- WebSocket: echo, broadcast, idle memory (bench/ws-bench.ts)
  note('WebSocket: echo, broadcast and idle memory …');
  const webSocket = await runWebSocketBench({ ...(plan.quick ? QUICK_WS : FULL_WS), rounds: settings.rounds }, WS_TARGETS, cpus, (what) => progress.update(0, 1, `${TOOL}: WebSocket`, ` · ${what}`));
  progress.end();

  // ---- the named ratios and the suites' goals
  const tableOf = (scenario: string) => coreTables.find((t) => t.scenario.id === scenario) ?? [...suiteTables.values()].flat().find((t) => t.scenario.id === scenario);
  const row = (scenario: string, id: string) => tableOf(scenario)?.rows.find((r) => r.id === id);
  const ratioGoal = (name: string, scenario: string, a: string, b: string, goal: number, extra: Partial<GoalRow> = {}, scenarioB = scenario): GoalRow => {
    const r = ratioOf(row(scenario, a), row(scenarioB, b));
    return { name, value: r.value, min: r.min, max: r.max, goal, better: 'higher', unit: '×', ...extra };
  };
  const latencyGoal = (name: string, scenario: string, a: string, p99Ms: number): GoalRow => {
    const samples = row(scenario, a)?.samples ?? [];
    const [min, max] = spread(samples.map((x) => x.p99Ms));
    // wrk leaves a request it gave up on out of its percentiles: a bound with timeouts beside it is not met.
    const timeouts = samples.reduce((n, x) => n + (x.timeouts ?? 0), 0);
    return { name, value: samples.length > 0 ? median(samples.map((x) => x.p99Ms)) : NaN, min, max, goal: p99Ms, better: 'lower', unit: 'ms', ...(timeouts > 0 ? { timeouts } : {}) };
  };
  const microOps = (name: string) => micro.find((m) => m.name === name)?.opsPerSec ?? NaN;
  const idleOf = (id: string) => idle.find((r) => r.target === id);
  const netIdle = idleOf('wirecore net');
  const ceilingIdle = idleOf(NET_CEILING);
  const idleDiffs = netIdle && ceilingIdle ? netIdle.rounds.map((v, i) => v - ceilingIdle.rounds[i]!) : [];
  const [idleMin, idleMax] = spread(idleDiffs);
  const slowNet = stream.find((s) => s.target === 'wirecore net');
  const goals: GoalRow[] = [
    { name: "parser micro, 300-byte GET with strings ÷ Node's native parser binding", value: microOps('parser: 300-byte GET') / microOps("node's parser (native llhttp): 300-byte GET"), goal: 1.7, better: 'higher', unit: '×' },
    // What the pipeline pays when the handler reads no field: the strings are made on first read.
    { name: "parser micro, 300-byte GET with no field read ÷ Node's native parser binding", value: microOps('parser: 300-byte GET, no field read') / microOps("node's parser (native llhttp): 300-byte GET"), goal: 1.7, better: 'higher', unit: '×' },
    ratioGoal('net keep-alive ÷ the node:net no-parse ceiling', 'plaintext', 'wirecore net', NET_CEILING, 0.8),
    ratioGoal(`net pipelined ×16 ÷ the parser floor "${NET_PARSE_FLOOR}"`, 'pipelined', 'wirecore net', NET_PARSE_FLOOR, 0.85),
    ratioGoal(`uws keep-alive ÷ "${UWS_READ_FLOOR}"`, 'plaintext', 'wirecore uws', UWS_READ_FLOOR, 0.9),
    ratioGoal(`uws pipelined ×16 ÷ "${UWS_READ_FLOOR}"`, 'pipelined', 'wirecore uws', UWS_READ_FLOOR, 0.8),
    ratioGoal('node-http keep-alive ÷ node:http', 'plaintext', 'wirecore node-http', 'node:http', 0.9),
    ratioGoal('node-http 64 KiB in 16 chunks ÷ node:http', 'chunked', 'wirecore node-http', 'node:http', 0.9),
    ratioGoal("Hono plaintext on net ÷ wirecore net's own plaintext", 'plaintext', 'Hono on wirecore net', 'wirecore net', 0.9),
    latencyGoal('p99 on net, 1,000 connections opened as the clock starts (wrk)', 'many-connections', 'wirecore net', 100),
    latencyGoal('p99 on net, 1,000 connections all open before the clock starts', 'many-connections-open', 'wirecore net', 100),
    ratioGoal("Hono's streamed answer ÷ a plain chunked answer, both on net", 'chunked', 'Hono on wirecore net', 'wirecore net', 1 / 1.5, { goalText: '≥ 0.67× (within 1.5×)' }),
    { name: 'idle keep-alive connection on net minus node:net alone (as found)', value: median(idleDiffs), min: idleMin, max: idleMax, goal: 512, better: 'lower', unit: 'B' },
    { name: `${sizeText(settings.streamMib)} chunked answer to a slow reader on net: RSS growth`, value: slowNet?.growthBytes ?? NaN, goal: 32 * 1024 * 1024, better: 'lower', unit: 'MiB' },
  ];
  goals.push(...webSocketGoals(webSocket));
  for (const suite of suites) {
    const gone = skipped.find((s) => s.what === `suite ${suite.name}`);
    for (const g of suite.goals) {
      const resolve = (id: string) => aliases.get(aliasKey(suite.name, g.scenario))?.get(id) ?? id;
      const resolveB = (id: string) => aliases.get(aliasKey(suite.name, ('scenarioB' in g ? g.scenarioB : undefined) ?? g.scenario))?.get(id) ?? id;
      const measured =
        'p99Ms' in g ? latencyGoal(g.name, g.scenario, resolve(g.a), g.p99Ms) : ratioGoal(g.name, g.scenario, resolve(g.a), resolveB(g.b), g.goal, {}, g.scenarioB);
      goals.push({ ...measured, suite: suite.name, ...(gone ? { skipped: 'the suite was left out (see above)' } : {}) });
    }
  }

  // ---- BENCH.md
  const wallSeconds = (Date.now() - started) / 1000;
  const machine = machineLine(generator, { ...(plan.serverCpu !== undefined ? { serverCpu: plan.serverCpu } : {}), ...(plan.clientCpu !== undefined ? { clientCpu: plan.clientCpu } : {}) });
  const markdown = renderBenchMd({
    quick: plan.quick,
    writtenBy: writtenBy(TOOL, argv),
    wallSeconds,
    machine,
    settings,
    coreTables,
    suiteTables: suites.map((suite) => ({ suite, tables: suiteTables.get(suite) ?? [] })),
    suiteOf: (target) => suiteOf(target)?.name,
    skipped,
    idle,
    stream,
    micro,
    allocation,
    goals,
  });
  const outFile = plan.out ?? benchFile(plan.quick ? '../../BENCH-quick.md' : '../../BENCH.md');
  const written = [writeOutput(outFile, `${markdown.trimEnd()}\n\n${renderWebSocketSection(webSocket)}`)];
  if (plan.json !== undefined) {
    const data = {
      tool: TOOL,
      version: packageVersion(),
      run: plan.quick ? 'quick (indicative only)' : 'full',
      machine,
      generator,
      rounds: settings.rounds,
      seconds: settings.seconds,
      tables: [...coreTables, ...[...suiteTables.values()].flat()].map((t) => ({ scenario: t.scenario.id, title: t.scenario.title, ...(t.suite ? { suite: t.suite.name } : {}), rows: jsonRows(t.rows) })),
      memory: { idle, stream },
      webSocket,
      micro,
      allocation,
      goals: goals.map((g) => ({ ...g, met: met(g), value: Number.isFinite(g.value) ? g.value : null })),
      skipped,
    };
    const where = writeOutput(plan.json, JSON.stringify(data, null, 2) + '\n');
    if (where !== 'stdout') written.push(where);
  }

  const say = (line: string) => (plan.json === '-' ? process.stderr : process.stdout).write(line + '\n');
  say('');
  say(textTable(['target', 'measured', 'per round', 'goal', 'met'], goals.map((g) => [`${g.suite ? `${g.suite}: ` : ''}${g.name}`, show(g.value, g.unit), g.min !== undefined && Number.isFinite(g.min) ? `${show(g.min, g.unit)} – ${show(g.max!, g.unit)}` : '–', goalText(g), met(g)])));
  say('');
  for (const s of skipped) say(`left out: ${s.what}: ${s.why}`);
  if (plan.quick) say(`${TOOL}: INDICATIVE ONLY (the quick run: 1 round, a subset of the targets); run \`npm run bench\` for figures to quote.`);
  say(`${TOOL}: ${plan.quick ? 'quick' : 'full'} run in ${wallSeconds.toFixed(0)} s; written: ${written.join(', ')}`);
  return EXIT.ok;
}
