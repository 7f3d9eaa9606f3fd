#!/usr/bin/env node
// wirecore-parity: the parity harness as a tool. Boots the targets given on
// the command line (or wirecore's own with --builtin, which `npm run parity`
// runs), sends every case's exact bytes, judges, writes the reports, and
// exits 1 on any unwaived failure. See parity/README.md.
import { helpText } from '../cli/args.js';
import { EXIT, packageVersion, runMain, writeOutput, writtenBy } from '../cli/common.js';
import { progressLine, textTable } from '../cli/progress.js';
import { CASES, categories, checkCases } from './cases/index.js';
import { FLAGS, HELP_AFTER, TOOL, USAGE, parseParityArgs, type ParityPlan } from './options.js';
import { renderJson, renderJunit, summarize, unwaivedFailures } from './outputs.js';
import { renderReport } from './report.js';
import { runCases, runsOn, sentText } from './runner.js';
import { startTarget, type RunningTarget } from './targets.js';
import { Waivers, readWaivers } from './waivers.js';

async function run(plan: ParityPlan, argv: readonly string[]): Promise<number> {
  checkCases(CASES);
  const ids = new Set(CASES.map((c) => c.id));
  const waivers = Waivers.builtIn().with(plan.waiverFiles.flatMap((file) => readWaivers(file, ids, TOOL)));
  // Stdout carries the JSON when asked for without a file: the summary goes to stderr then.
  const say = (line: string) => (plan.json === '-' ? process.stderr : process.stdout).write(line + '\n');
  const progress = progressLine(process.stderr, plan.quiet);

  const names = new Set(plan.targets.flatMap((t) => [t.name, t.runtime]));
  for (const w of waivers.entries) {
    if (w.source !== 'built-in' && !w.targets.some((t) => names.has(t))) progress.note(`${TOOL}: note: waiver "${w.name}" (${w.source}) names no target of this run (${w.targets.join(', ')})`);
  }
  for (const t of plan.targets) {
    const count = plan.cases.filter((c) => runsOn(c, t)).length;
    if (count === 0) progress.note(`${TOOL}: note: no selected case runs on "${t.name}"${t.url ? ' (a URL target runs only the cases that need no echo)' : ''}`);
  }

  const started = Date.now();
  progress.note(`${TOOL}: starting ${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'} …`);
  const starts = await Promise.allSettled(plan.targets.map((t) => startTarget(t, plan.readyTimeoutMs, plan.verbose)));
  const running = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failedToStart = starts.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : []));
  if (failedToStart.length > 0) {
    await Promise.all(running.map((t) => t.stop()));
    progress.end();
    throw new Error(failedToStart.join('\n'));
  }

  let failures = 0;
  const results = await (async () => {
    try {
      return await runCases(plan.cases, running, waivers, {
        concurrency: plan.concurrency,
        onResult: (result, done, total) => {
          if (result.outcome === 'fail' && !result.target.reference) failures++;
          progress.update(done, total, `${TOOL}: cases run (case × target)`, `, ${failures} unwaived failure${failures === 1 ? '' : 's'} so far`);
        },
      });
    } finally {
      progress.end();
      await Promise.all(running.map((t: RunningTarget) => t.stop()));
    }
  })();
  const wallMs = Date.now() - started;

  const written: string[] = [];
  if (plan.out !== undefined) {
    written.push(writeOutput(plan.out, renderReport(plan.cases, plan.targets, results, wallMs, sentText, { writtenBy: writtenBy(TOOL, argv), waivers }) + '\n'));
  }
  if (plan.junit !== undefined) written.push(writeOutput(plan.junit, renderJunit(plan.targets, results, waivers, wallMs)));
  if (plan.json !== undefined) {
    const where = writeOutput(plan.json, renderJson(plan.cases, plan.targets, results, waivers, { version: packageVersion(), wallMs }));
    if (where !== 'stdout') written.push(where);
  }

  const rows = summarize(plan.targets, results).map((s) => [
    s.name,
    String(s.pass + s.fail + s.waived + s.holes),
    String(s.pass),
    String(s.fail),
    s.reference ? '–' : String(s.waived),
    `${s.reached}${s.holes ? ` (${s.holes} known)` : ''}`,
    s.reference ? 'reference, informational' : s.fail > 0 ? 'FAILS' : 'passes',
  ]);
  say('');
  say(textTable(['target', 'cases', 'pass', 'fail', 'waived', 'reached app', ''], rows));
  say('');
  const unwaived = unwaivedFailures(results);
  for (const f of unwaived) say(`FAIL ${f.target.name} ${f.c.id}: ${f.detail}`);
  const unneeded = results.filter((r) => r.outcome === 'waived-pass').length;
  if (unneeded > 0) say(`${TOOL}: ${unneeded} waived case${unneeded === 1 ? '' : 's'} now pass: waiver no longer needed (listed in the report)`);
  say(`${TOOL}: ${plan.cases.length} case${plan.cases.length === 1 ? '' : 's'} × ${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'} in ${(wallMs / 1000).toFixed(1)} s; ${unwaived.length} unwaived failure${unwaived.length === 1 ? '' : 's'}${written.length ? `; written: ${written.join(', ')}` : ''}`);
  return unwaived.length > 0 ? EXIT.failed : EXIT.ok;
}

const argv = process.argv.slice(2);
await runMain(TOOL, async () => {
  const command = parseParityArgs(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(helpText(USAGE, FLAGS, HELP_AFTER));
      return EXIT.ok;
    case 'version':
      process.stdout.write(`${TOOL} ${packageVersion()}\n`);
      return EXIT.ok;
    case 'list-cases':
      process.stdout.write(textTable(['category (--cases)', 'cases', 'title'], categories(CASES).map((c) => [c.slug, String(c.count), c.category])) + '\n');
      return EXIT.ok;
    case 'run':
      return run(command.plan, argv);
  }
});
