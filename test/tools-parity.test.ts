// wirecore-parity run as a user runs it: against third-party servers started
// as separate processes (a plain node:http server and a Hono app on
// @hono/node-server, neither with wirecore in it), and refusing bad arguments.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HONO_SERVER, NODE_HTTP_SERVER, PARITY_CLI, runTool, scratch, startServerProcess } from './helpers/cli.js';

interface ParityJson {
  unwaivedFailures: number;
  targets: Array<{ name: string; pass: number; fail: number; waived: number; reached: number; holes: number }>;
  results: Array<{ case: string; target: string; outcome: string; detail?: string; waivedBy?: string[]; reachedApplication?: boolean }>;
}

const dir = scratch('wirecore-parity-test-');
const file = (name: string) => join(dir, name);
const outcome = (json: ParityJson, id: string) => json.results.find((r) => r.case === id)?.outcome;

describe('wirecore-parity against a plain node:http server', () => {
  const user = ['--target', `node ${NODE_HTTP_SERVER}`, '--name', 'user node:http'];
  let failed: string[] = [];
  let reached: string[] = [];

  it('writes the report, JUnit and JSON, and exits 1 on the cases node:http fails', async () => {
    const run = await runTool(PARITY_CLI, [...user, '--cases', 'host,start-line', '--out', file('p.md'), '--junit', file('p.xml'), '--json', file('p.json'), '--quiet']);
    expect(run.code).toBe(1);
    const json = JSON.parse(readFileSync(file('p.json'), 'utf8')) as ParityJson;
    // node:http takes a repeated Host field, and answers an unknown method with 400 where RFC 9110 says 501.
    expect(outcome(json, 'host-duplicate')).toBe('fail');
    expect(outcome(json, 'method-unknown')).toBe('fail');
    expect(outcome(json, 'version-11')).toBe('pass');
    expect(outcome(json, 'host-port')).toBe('pass');
    failed = json.results.filter((r) => r.outcome === 'fail').map((r) => r.case);
    // A repeated Host is not refused: the message reached the application, which no waiver can cover.
    reached = json.results.filter((r) => r.reachedApplication === true).map((r) => r.case);
    expect(reached).toEqual(expect.arrayContaining(['host-duplicate', 'proto-rtsp']));
    expect(reached).not.toContain('method-unknown');
    expect(json.unwaivedFailures).toBe(failed.length);
    expect(json.targets).toEqual([{ name: 'user node:http', reference: false, pass: 45 - failed.length, fail: failed.length, waived: 0, reached: reached.length, holes: 0 }]);
    expect(run.stdout).toContain('FAIL user node:http host-duplicate: the application read the rejected message');
    expect(run.stdout).toMatch(/45 cases × 1 target in [\d.]+ s; \d+ unwaived failures/);

    const report = readFileSync(file('p.md'), 'utf8');
    expect(report).toMatch(new RegExp(`\\| \\*\\*user node:http\\*\\* \\| ${45 - failed.length} \\| ${failed.length} \\| 0 \\| ${reached.length} of \\d+ \\|`));
    expect(report).toContain('| `host-duplicate` two Host fields | ✗ |');
    expect(report).toContain('| `version-11` HTTP/1.1 | ✓ |');
    const junit = readFileSync(file('p.xml'), 'utf8');
    expect(junit.match(/<failure /g)?.length).toBe(failed.length);
    expect(junit).toContain(`<testsuite name="user node:http" tests="45" failures="${failed.length}" skipped="0">`);
  });

  it('waives only what a waiver allows, and never a message that reached the application', async () => {
    const refusedDifferently = failed.filter((id) => !reached.includes(id));
    expect(refusedDifferently.length).toBeGreaterThan(3);
    writeFileSync(
      file('waivers.json'),
      JSON.stringify({
        'request-line-hidden': { targets: ['user node:http'], reason: "Node's parser waits after an HTTP/0.9 request line; our proxy refuses it.", allows: ['status 408'] },
        // Listing the cases that reached the application too, and allowing the 200 they got: the judge still fails them.
        'node-http-leniency': { targets: ['user node:http'], reason: 'node:http refuses these with 400; the proxy in front refuses them first.', allows: ['status 400', 'no-answer', 'status 200'], cases: failed.filter((id) => id !== 'version-09-line') },
      }),
    );
    const run = await runTool(PARITY_CLI, [...user, '--cases', 'host,start-line', '--waivers', file('waivers.json'), '--out', file('w.md'), '--json', file('w.json'), '--quiet']);
    expect(run.code).toBe(1);
    const json = JSON.parse(readFileSync(file('w.json'), 'utf8')) as ParityJson;
    expect(json.unwaivedFailures).toBe(reached.length);
    expect(json.targets[0]!.waived).toBe(refusedDifferently.length);
    expect(json.results.find((r) => r.case === 'version-09-line')!.waivedBy).toEqual(['request-line-hidden']);
    expect(json.results.find((r) => r.case === 'method-unknown')!.waivedBy).toEqual(['node-http-leniency']);
    const duplicate = json.results.find((r) => r.case === 'host-duplicate')!;
    expect(duplicate.outcome).toBe('fail');
    expect(duplicate.detail).toBe('the application read the rejected message');
    const report = readFileSync(file('w.md'), 'utf8');
    expect(report).toContain(`- **node-http-leniency** (${file('waivers.json')}) — user node:http: node:http refuses these with 400; the proxy in front refuses them first. Allows: status 400, no-answer, status 200. Cases: `);
    expect(report).toContain('| `method-unknown` an unknown method token (501) | w |');
    expect(report).toContain('| `host-duplicate` two Host fields | ✗ |');
  });

  it('fails a case whose waiver allows something else than what the target did, and lists waivers no longer needed', async () => {
    writeFileSync(file('narrow.json'), JSON.stringify({ narrow: { targets: ['user node:http'], reason: 'node:http answers 400 where 505 is due.', allows: ['no-answer'], cases: ['version-12', 'version-11'] } }));
    const run = await runTool(PARITY_CLI, [...user, '--cases', 'version-12,version-11', '--waivers', file('narrow.json'), '--out', file('n.md'), '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL user node:http version-12: answer 1: status 400 ≠ 505 (narrow allows no-answer, not status 400)');
    // version-11 passes although the waiver names it.
    expect(run.stdout).toContain('1 waived case now pass: waiver no longer needed');
    expect(readFileSync(file('n.md'), 'utf8')).toContain('### Waivers no longer needed\n\nA waiver applies to these cells, but the target now does what the case expects: the waiver can go for them.\n\n- **narrow**: version-11 (user node:http)');
  });

  it('fails every case whose application log cannot be read, with the reason, waivers or not', async () => {
    // Refuses everything with 400 (so the refusal cases would pass on the wire alone) and has no /seen log.
    const code = `require('node:http').createServer((req, res) => { if (req.url.startsWith('/seen/')) { res.writeHead(404); res.end('no log here'); } else { res.writeHead(400, { connection: 'close' }); res.end('bad'); } }).listen(0, '127.0.0.1', function () { console.log('READY ' + this.address().port); });`;
    writeFileSync(file('any.json'), JSON.stringify({ 'no-log': { targets: ['no log'], reason: 'a waiver must not cover a missing log', allows: ['no-answer', 'status 400'], cases: ['host-duplicate'] } }));
    const run = await runTool(PARITY_CLI, ['--target', `${JSON.stringify(process.execPath)} -e ${JSON.stringify(code)}`, '--name', 'no log', '--cases', 'host-duplicate,host-space', '--waivers', file('any.json'), '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL no log host-duplicate: cannot read what reached the application: GET /seen/host-duplicate answered 404 with "no log here", not a JSON array');
    expect(run.stdout).toContain('FAIL no log host-space: cannot read what reached the application');
  });

  it('runs only the cases that need no echo on a server given by URL, sent to its path', async () => {
    const server = await startServerProcess(NODE_HTTP_SERVER);
    const run = await runTool(PARITY_CLI, ['--url', `http://127.0.0.1:${server.port}/`, '--name', 'live', '--cases', 'host,framing-content-length', '--json', file('u.json'), '--quiet']).finally(() => server.child.kill());
    expect(run.code).toBe(1);
    const json = JSON.parse(readFileSync(file('u.json'), 'utf8')) as ParityJson;
    const ran = json.results.map((r) => r.case);
    // Judged on the wire alone: refusals and plain answers.
    expect(ran).toEqual(expect.arrayContaining(['host-duplicate', 'host-missing', 'cl-negative']));
    // Echo cases (the body or headers the application saw) need the contract.
    expect(ran).not.toContain('cl-small');
    expect(ran).not.toContain('host-port');
    expect(outcome(json, 'host-duplicate')).toBe('fail');
    expect(outcome(json, 'cl-negative')).toBe('pass');
  });
});

describe('wirecore-parity against a Hono app on @hono/node-server', () => {
  const hono = ['--target', `node ${HONO_SERVER}`, '--name', 'user hono'];

  it('judges a fetch-style echo with --echo-headers web, and fails on what @hono/node-server accepts', async () => {
    const run = await runTool(PARITY_CLI, [...hono, '--echo-headers', 'web', '--cases', 'field-lines,host', '--json', file('h.json'), '--out', file('h.md'), '--quiet']);
    expect(run.code).toBe(1);
    const json = JSON.parse(readFileSync(file('h.json'), 'utf8')) as ParityJson;
    // The header cases pass when compared as a fetch Request sees them …
    expect(outcome(json, 'fields-order')).toBe('pass');
    expect(outcome(json, 'fields-obs-text')).toBe('pass');
    // … and the failures are node:http's leniency, underneath Hono.
    expect(outcome(json, 'host-duplicate')).toBe('fail');
    expect(json.results.filter((r) => r.outcome === 'fail').every((r) => r.case.startsWith('host-'))).toBe(true);
    expect(readFileSync(file('h.md'), 'utf8')).toContain('| **user hono** |');
  });

  it('without --echo-headers web, the same echo fails the header cases (the view matters)', async () => {
    const run = await runTool(PARITY_CLI, [...hono, '--cases', 'fields-order', '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL user hono fields-order: answer 1: headers [["host","parity"],["x-a","1"],["x-b","2, 3"]] ≠ [["Host","parity"],["X-B","2"],["x-a","1"],["X-B","3"]]');
  });
});

describe('wirecore-parity refuses bad arguments with a clear message', () => {
  const node = (code: string) => `${JSON.stringify(process.execPath)} -e ${JSON.stringify(code)}`;
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['--targte', 'node a.js'], /^wirecore-parity: unknown option --targte \(did you mean --target\?\)/],
    ['no target', [], /nothing to test: give a --target "<command>", a --url, or --builtin/],
    ['--name before any target', ['--name', 'mine', '--target', 'node a.js'], /--name applies to the --target or --url before it, and there is none yet/],
    ['a missing value', ['--target'], /--target needs a value: <command>/],
    ['an unknown category', ['--target', 'node a.js', '--cases', 'smugling'], /--cases: no category or case "smugling" \(did you mean "smuggling"\?\); the categories are: framing-content-length, smuggling/],
    ['an https URL', ['--url', 'https://example.com/'], /only http:\/\/ URLs/],
    ['a runtime wirecore does not have', ['--target', 'node a.js', '--runtime', 'bun'], /--runtime "bun": one of net, uws, node-http/],
    ['two targets with one name', ['--target', 'node a.js', '--name', 'x', '--target', 'node b.js', '--name', 'x'], /two targets are named "x"/],
    ['a concurrency of 0', ['--target', 'node a.js', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 256 \(got "0"\)/],
    ['an unknown built-in target', ['--builtin', 'nett'], /no built-in target "nett" \(did you mean "net"\?\)/],
    ['a target that exits before READY', ['--target', node('console.error("listen EADDRINUSE"); process.exit(3)'), '--name', 'broken'], /target "broken" exited \(code 3\) before it printed "READY <port>"\. Its output:\nstderr: listen EADDRINUSE/],
    ['a target that never prints READY', ['--target', node('setInterval(() => {}, 1000)'), '--name', 'silent', '--ready-timeout', '1'], /target "silent" did not print "READY <port>" within 1 s \(it printed nothing\)/],
    ['a target command that does not exist', ['--target', 'no-such-command-here --port 0', '--name', 'typo'], /target "typo" exited \(code 127\) before it printed "READY <port>"[\s\S]*not found/],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const run = await runTool(PARITY_CLI, [...args, '--quiet'], 20_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each([
    ['not JSON', '{ "http10": ', /the waivers file .* is not JSON/],
    ['a name that is no feature, without cases', '{ "http1.0": { "targets": ["mine"], "reason": "HTTP/1.0 is never served here." } }', /waiver "http1.0" .*: "http1.0" is not a feature the cases are tagged with \(did you mean "http10"\?\)/],
    ['an unknown case id', '{ "mine": { "targets": ["mine"], "reason": "the proxy refuses these first", "cases": ["host-dupe"] } }', /no case has the id "host-dupe"/],
    ['no reason', '{ "http10": { "targets": ["mine"] } }', /"reason" must say why the target cannot honour the rule/],
    ['an unknown field', '{ "http10": { "targets": ["mine"], "reason": "never HTTP/1.0 here at all", "why": "x" } }', /unknown field "why"/],
    ['no allows', '{ "http10": { "targets": ["mine"], "reason": "never HTTP/1.0 here at all" } }', /"allows" must list what the target does instead, from: no-answer, status <code>, /],
    ['an allowance that is none', '{ "http10": { "targets": ["mine"], "reason": "never HTTP/1.0 here at all", "allows": ["reaches-the-application"] } }', /"allows" must list .*reaches the application is never waived/],
  ])('a waivers file with %s', async (_what, text, message) => {
    const path = file(`bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, text);
    const run = await runTool(PARITY_CLI, ['--target', 'node a.js', '--name', 'mine', '--waivers', path, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('prints its help and the case categories', async () => {
    const help = await runTool(PARITY_CLI, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: wirecore-parity --target "<command>"');
    expect(help.stdout).toContain('--junit <file.xml>');
    const list = await runTool(PARITY_CLI, ['--list-cases']);
    expect(list.stdout).toMatch(/framing-chunked\s+17\s+framing: chunked/);
  });
});
