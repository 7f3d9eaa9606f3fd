// wirecore-bench run as a user runs it, with 1-second rounds and 2
// connections: against a plain node:http server and a Hono app on
// @hono/node-server started as separate processes, and refusing bad arguments.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasWrk } from '../bench/load.js';
import { loadSuites } from '../bench/suites.js';
import { BENCH_CLI, HONO_SERVER, NODE_HTTP_SERVER, runTool, scratch } from './helpers/cli.js';

interface BenchJson {
  generator: string;
  rounds: number;
  scenarios: Array<{ id: string; connections: number; rows: Array<{ target: string; rps: number; rpsMin: number; rpsMax: number; errors: number; rounds: Array<{ rps: number }> }> }>;
}

const dir = scratch('wirecore-bench-test-');
const file = (name: string) => join(dir, name);
const users = ['--target', `node ${NODE_HTTP_SERVER}`, '--name', 'user node:http', '--target', `node ${HONO_SERVER}`, '--name', 'user hono'];
const short = ['--duration', '1', '--warmup', '0', '--connections', '2', '--quiet'];

describe('wirecore-bench against third-party servers', () => {
  it('measures both in alternating rounds and writes the tables with medians and spread', async () => {
    const run = await runTool(BENCH_CLI, [...users, '--scenarios', 'plaintext,post-json', '--rounds', '2', ...short, '--out', file('b.md'), '--json', file('b.json')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(file('b.json'), 'utf8')) as BenchJson;
    expect(json.generator).toBe(hasWrk() ? 'wrk' : 'autocannon');
    expect(json.scenarios.map((s) => [s.id, s.connections])).toEqual([
      ['plaintext', 2],
      ['post-json', 2],
    ]);
    for (const scenario of json.scenarios) {
      expect(scenario.rows.map((r) => r.target)).toEqual(['user node:http', 'user hono']);
      for (const row of scenario.rows) {
        expect(row.rounds).toHaveLength(2);
        expect(row.rps).toBeGreaterThan(0);
        expect(row.errors).toBe(0);
        expect(row.rpsMin).toBe(Math.min(...row.rounds.map((r) => r.rps)));
        expect(row.rpsMax).toBe(Math.max(...row.rounds.map((r) => r.rps)));
        expect(row.rps).toBeCloseTo((row.rpsMin + row.rpsMax) / 2, 6);
      }
    }
    const markdown = readFileSync(file('b.md'), 'utf8');
    expect(markdown).toContain('## plaintext GET / keep-alive, 2 connections');
    expect(markdown).toContain('## 1 KiB JSON POST echo, 2 connections');
    expect(markdown).toContain('| target | req/s | min–max | p50 | p99 | peak RSS | × user node:http | errors |');
    expect(markdown.match(/^\| user hono \| [\d,]+ \| [\d,]+–[\d,]+ \|/gm)).toHaveLength(2);
    // The terminal summary: one table per scenario with both targets.
    expect(run.stdout.match(/^user node:http +[\d,]+ +[\d,]+–[\d,]+/gm)).toHaveLength(2);
    expect(run.stdout.match(/^user hono +[\d,]+ +[\d,]+–[\d,]+/gm)).toHaveLength(2);
  });

  it('runs with autocannon when asked, and says clearly when wrk is asked for but missing', async () => {
    const autocannon = await runTool(BENCH_CLI, [...users, '--scenarios', 'chunked', '--rounds', '1', '--generator', 'autocannon', ...short, '--json', '-']);
    expect(autocannon.code).toBe(0);
    const json = JSON.parse(autocannon.stdout) as BenchJson;
    expect(json.generator).toBe('autocannon');
    expect(json.scenarios[0]!.rows.every((r) => r.rps > 0 && r.errors === 0)).toBe(true);
    // With --json to stdout, the summary goes to stderr.
    expect(autocannon.stderr).toContain('64 KiB response as 16 chunks, 2 connections');
    const wrk = await runTool(BENCH_CLI, [...users, '--scenarios', 'plaintext', '--rounds', '1', '--generator', 'wrk', ...short]);
    if (hasWrk()) expect(wrk.code).toBe(0);
    else expect([wrk.code, wrk.stderr]).toEqual([2, expect.stringContaining('--generator wrk: wrk is not installed (Debian/Ubuntu: apt-get install wrk')]);
  });

  it('stops before any load when a target does not serve a scenario, naming the route', async () => {
    const partial = `${JSON.stringify(process.execPath)} -e ${JSON.stringify("require('http').createServer((q, s) => { s.statusCode = q.url === '/' ? 200 : 404; s.end('ok'); }).listen(0, '127.0.0.1', function () { console.log('READY ' + this.address().port); })")}`;
    const run = await runTool(BENCH_CLI, ['--target', partial, '--name', 'partial', '--scenarios', 'plaintext,chunked', '--rounds', '1', ...short]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('target "partial" answered GET /chunked with 404 (scenario chunked needs a 2xx)');
  });
});

describe('wirecore-bench refuses bad arguments with a clear message', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['--target', 'node a.js', '--round', '3'], /unknown option --round \(did you mean --rounds\?\)/],
    ['no target', ['--scenarios', 'plaintext'], /nothing to measure: give a --target "<command>"/],
    ['an unknown scenario', ['--target', 'node a.js', '--scenarios', 'plaintext,chunkd'], /--scenarios: no scenario "chunkd" \(did you mean "chunked"\?\); they are: plaintext, pipelined, post-json, chunked, many-connections/],
    ['zero rounds', ['--target', 'node a.js', '--rounds', '0'], /--rounds must be a whole number from 1 to 1000 \(got "0"\)/],
    ['a duration that is not a number', ['--target', 'node a.js', '--duration', '3s'], /--duration must be a number of seconds above 0, at most 3600 \(got "3s"\)/],
    ['the same CPU twice', ['--target', 'node a.js', '--server-cpu', '1', '--client-cpu', '1'], /--server-cpu and --client-cpu are both 1/],
    ['a CPU the machine does not have', ['--target', 'node a.js', '--server-cpu', '4000'], /--server-cpu 4000: this machine has \d+ CPUs?/],
    ['--builtin with a target', ['--builtin', '--target', 'node a.js'], /--builtin is wirecore's own run and takes no --target or --with/],
    ['a built-in option without --builtin', ['--target', 'node a.js', '--suites', 'app'], /--suites belongs to the built-in run/],
    ['an unknown generator', ['--target', 'node a.js', '--generator', 'ab'], /--generator "ab": wrk or autocannon/],
    ['a baseline that is no target', ['--target', 'node a.js', '--name', 'mine', '--baseline', 'theirs'], /--baseline "theirs" is none of the targets \(mine\)/],
    ['an unknown --with name', ['--target', 'node a.js', '--with', 'node:htp'], /--with: no built-in target "node:htp" \(did you mean "node:http"\?\)/],
    ['a target that exits before READY', ['--target', 'exit 4', '--name', 'gone', '--rounds', '1', '--duration', '1'], /target "gone" exited \(code 4\) before it printed "READY <port>" \(it printed nothing\)/],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const run = await runTool(BENCH_CLI, [...args, '--quiet'], 20_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints its help, and the plan of a run without measuring', async () => {
    const help = await runTool(BENCH_CLI, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('post-json                                POST /echo');
    const plan = await runTool(BENCH_CLI, ['--target', 'node a.js', '--name', 'mine', '--with', 'node:http', '--scenarios', 'plaintext,chunked', '--plan']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toBe('plaintext (64 connections): node:http; mine\nchunked (64 connections): node:http; mine\n');
    expect(plan.stderr).toMatch(/2 targets, 2 scenarios, 5 rounds of 3 s: about 64 s; load generator: /);
  });
});

describe('the consumer suites of the built-in run', () => {
  it('loads every suite in the folder and names each one it cannot use, with the reason', async () => {
    const folder = file('suites');
    mkdirSync(folder);
    const suite = (goals: string) => `export default { title: 'T', scenarios: [{ id: 's', title: 's', path: '/', connections: 8 }], targets: [{ id: 'a', script: '/x.js', args: [] }], ${goals} };\n`;
    writeFileSync(join(folder, 'good.js'), suite("goals: [{ name: 'a ÷ a', scenario: 's', a: 'a', b: 'a', goal: 1 }, { name: 'p99 of a', scenario: 's', a: 'a', p99Ms: 5 }]"));
    writeFileSync(join(folder, 'half-goal.js'), suite("goals: [{ name: 'a ÷ ?', scenario: 's', a: 'a', goal: 1 }]"));
    writeFileSync(join(folder, 'no-goals.js'), suite("goals: 'none'"));
    writeFileSync(join(folder, 'throws.js'), "throw new Error('cargo is not installed');\n");
    const { suites, broken } = await loadSuites(folder);
    expect(suites.map((s) => [s.name, s.title, s.goals.length])).toEqual([['good', 'T', 2]]);
    expect(broken).toEqual([
      { name: 'half-goal', reason: '"goals" is not a list of { name, scenario, a, b, goal } or { name, scenario, a, p99Ms }' },
      { name: 'no-goals', reason: '"goals" is not a list of { name, scenario, a, b, goal } or { name, scenario, a, p99Ms }' },
      { name: 'throws', reason: 'it does not load: cargo is not installed' },
    ]);
  });

  it("finds this repository's suites (app, ffi, ssr) in the built bench", async () => {
    const { suites, broken } = await loadSuites(BENCH_CLI.replace(/cli\.js$/, 'suites'));
    expect(broken).toEqual([]);
    expect(suites.map((s) => s.name)).toEqual(expect.arrayContaining(['app', 'ffi', 'ssr']));
  });
});
