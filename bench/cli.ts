#!/usr/bin/env node
// wirecore-bench: load runs as a tool. Starts the targets given on the
// command line (beside wirecore's own with --with), measures the scenarios
// of BENCH.md in alternating rounds and prints medians with their spread.
// --builtin is wirecore's own full run (npm run bench). See bench/README.md.
import { helpText } from '../cli/args.js';
import { EXIT, packageVersion, runMain, writeOutput, writtenBy } from '../cli/common.js';
import { progressLine, textTable } from '../cli/progress.js';
import { TARGETS, checkAnswers, chooseGenerator, measureTables, pinSelf, rowsOf, runsIn, startAll, type LoadResult } from './load.js';
import { FLAGS, HELP_AFTER, TOOL, USAGE, parseBenchArgs, type BenchPlan } from './options.js';
import { machineLine } from './procs.js';
import { baselinesOf, duration, jsonRows, markdownTable, onRun, terminalTable } from './report.js';

async function runTargets(plan: BenchPlan, argv: readonly string[]): Promise<number> {
  const progress = progressLine(process.stderr, plan.quiet);
  const say = (line: string) => (plan.json === '-' ? process.stderr : process.stdout).write(line + '\n');
  const generator = await chooseGenerator({ ...(plan.generator ? { wanted: plan.generator } : {}), install: plan.installWrk, log: (l) => progress.note(`${TOOL}: ${l}`) });
  pinSelf(generator, plan.clientCpu);
  const named = plan.targets.map((target) => ({ target, id: target.id }));
  const tables = plan.scenarios.map((scenario) => ({ scenario, rows: rowsOf(scenario, named) })).filter((t) => t.rows.length > 0);
  const total = runsIn(tables, plan.rounds);
  const estimate = tables.reduce((n, t) => n + t.rows.length * (plan.rounds * Math.max(1, plan.seconds) + plan.warmupSeconds), 0);
  progress.note(`${TOOL}: ${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'}, ${tables.length} scenario${tables.length === 1 ? '' : 's'}, ${plan.rounds} round${plan.rounds === 1 ? '' : 's'} of ${plan.seconds} s: about ${duration(estimate)}; load generator: ${generator}`);
  if (plan.planOnly) {
    for (const t of tables) process.stdout.write(`${t.scenario.id} (${t.scenario.connections} connections): ${t.rows.map((r) => r.id).join('; ')}\n`);
    return EXIT.ok;
  }

  const started = Date.now();
  const { servers, failures } = await startAll(plan.targets, { cpu: plan.serverCpu, readyTimeoutMs: plan.readyTimeoutMs });
  const stopAll = () => Promise.all([...servers.values()].map((s) => s.stop()));
  try {
    if (failures.size > 0) throw new Error([...failures.values()].map((e) => e.message).join('\n'));
    const problems = await checkAnswers(plan.scenarios, servers);
    if (problems.length > 0) throw new Error(`a target does not serve what the scenarios ask (${TOOL} --help lists the routes):\n${problems.map((p) => p.problem).join('\n')}`);
    await measureTables(tables, servers, { seconds: plan.seconds, rounds: plan.rounds, warmupSeconds: plan.warmupSeconds, generator, clientCpu: plan.clientCpu, onRun: onRun(progress, TOOL) }, { done: 0, total });
  } finally {
    progress.end();
    await stopAll();
  }
  const wallSeconds = (Date.now() - started) / 1000;

  const baselineId = plan.baseline ?? (plan.targets.some((t) => t.id === 'node:http') ? 'node:http' : plan.targets[0]!.id);
  const baselines = (rows: LoadResult[]) => (plan.targets.length > 1 ? baselinesOf(rows, baselineId) : []);
  const machine = machineLine(generator, { ...(plan.serverCpu !== undefined ? { serverCpu: plan.serverCpu } : {}), ...(plan.clientCpu !== undefined ? { clientCpu: plan.clientCpu } : {}) });
  const method = `Each target runs in its own process; rounds alternate between targets (A, B, C, … A, B, C); ${plan.rounds} round(s) of ${plan.seconds} s per scenario${plan.warmupSeconds > 0 ? ` after a ${plan.warmupSeconds} s warm-up` : ''}. req/s is the median of the rounds, with the slowest and fastest round beside it; "× ${baselineId}" divides medians.`;
  const written: string[] = [];
  if (plan.out !== undefined) {
    const lines = ['# BENCH', '', `Written by ${writtenBy(TOOL, argv)} on ${new Date().toISOString().slice(0, 10)} in ${wallSeconds.toFixed(0)} s.`, '', `Machine: ${machine}.`, '', method, ''];
    for (const t of tables) lines.push(`## ${t.scenario.title}`, '', ...markdownTable(t.rows, baselines(t.rows)), '');
    written.push(writeOutput(plan.out, lines.join('\n')));
  }
  if (plan.json !== undefined) {
    const data = {
      tool: TOOL,
      version: packageVersion(),
      machine,
      generator,
      rounds: plan.rounds,
      seconds: plan.seconds,
      warmupSeconds: plan.warmupSeconds,
      pinning: plan.serverCpu === undefined ? null : { serverCpu: plan.serverCpu, clientCpu: plan.clientCpu },
      scenarios: tables.map((t) => ({ id: t.scenario.id, title: t.scenario.title, connections: t.scenario.connections, rows: jsonRows(t.rows) })),
    };
    const where = writeOutput(plan.json, JSON.stringify(data, null, 2) + '\n');
    if (where !== 'stdout') written.push(where);
  }

  say('');
  for (const t of tables) {
    say(`${t.scenario.title}`);
    say(terminalTable(t.rows, baselines(t.rows)));
    say('');
  }
  const errors = tables.flatMap((t) => t.rows).filter((r) => r.samples.some((s) => s.errors > 0));
  if (errors.length > 0) say(`note: ${errors.map((r) => `${r.id} (${r.scenario.id})`).join(', ')} had errors (socket errors or non-2xx answers): their figures are suspect.`);
  say(`${TOOL}: ${machine}; ${wallSeconds.toFixed(0)} s${written.length ? `; written: ${written.join(', ')}` : ''}`);
  return EXIT.ok;
}

const argv = process.argv.slice(2);
await runMain(TOOL, async () => {
  const command = parseBenchArgs(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(helpText(USAGE, FLAGS, HELP_AFTER));
      return EXIT.ok;
    case 'version':
      process.stdout.write(`${TOOL} ${packageVersion()}\n`);
      return EXIT.ok;
    case 'list-targets':
      process.stdout.write(textTable(['--with name', 'serves'], TARGETS.map((t) => [t.id, t.scenarios?.join(', ') ?? 'every scenario'])) + '\n');
      return EXIT.ok;
    case 'run':
      if (command.plan.builtin) {
        const { runBuiltin } = await import('./builtin.js');
        return runBuiltin(command.plan, argv);
      }
      return runTargets(command.plan, argv);
  }
});
