// npm run parity: boots every target, sends every case's bytes, judges,
// writes PARITY.md, and fails when a gating target fails an unwaived case.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { Case, Part } from './case.js';
import { appCases } from './cases/app.js';
import { appendedRequestCases } from './cases/appended.js';
import { connectionCases } from './cases/connection.js';
import { ffiCases } from './cases/ffi.js';
import { framingCases } from './cases/framing.js';
import { messageCases } from './cases/message.js';
import { smugglingCases } from './cases/smuggling.js';
import { exchange } from './client.js';
import { fetchCases } from './cases/fetch.js';
import { supports, type Feature } from './divergences.js';
import { answersToWaitFor, judge, withPrefix } from './judge.js';
import { renderReport, type Result } from './report.js';
import { ssrCases } from './cases/ssr.js';
import { TARGETS, appliesTo, startTarget, type RunningTarget } from './targets.js';

/** A case whose message has a chunked body exercises chunked request bodies, which some runtimes refuse (divergences.ts). */
function tagChunkedBodies(cases: Case[]): Case[] {
  const chunked = /transfer-encoding:[^\r\n]*chunked/i;
  return cases.map((c) =>
    c.expect.kind !== 'reject' && c.send.some((p) => typeof p === 'string' && chunked.test(p)) ? { ...c, features: [...(c.features ?? []), 'chunked-request-body'] } : c,
  );
}

const BASE_CASES: Case[] = tagChunkedBodies([...framingCases, ...smugglingCases, ...messageCases, ...connectionCases]);
const CASES: Case[] = [...BASE_CASES, ...appendedRequestCases(BASE_CASES), ...ssrCases, ...appCases, ...ffiCases, ...fetchCases];
const CONCURRENCY = 12;

function checkCases(): void {
  const ids = new Set<string>();
  for (const c of CASES) {
    if (ids.has(c.id)) throw new Error(`duplicate parity case id ${c.id}`);
    if (!/^[a-z0-9-]+$/.test(c.id)) throw new Error(`parity case id ${c.id} is not URL-safe`);
    ids.add(c.id);
  }
}

function appLog(port: number, id: string): Promise<string[]> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/seen/${id}`, headers: { host: 'parity' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as string[]);
        } catch {
          resolve([]);
        }
      });
    });
    req.on('error', () => resolve([]));
  });
}

async function runCase(c: Case, target: RunningTarget): Promise<Result> {
  const prefix = `/c/${c.id}`;
  const parts = withPrefix(c.send, prefix) as Part[];
  const wait = answersToWaitFor(c);
  const { parseResponses } = await import('wirecore/testing');
  const ex = await exchange(target.port, parts, {
    oneByteAtATime: c.oneByteAtATime ?? false,
    timeoutMs: c.timeoutMs ?? 1500,
    done: (bytes) => {
      if (wait === undefined) return false;
      const parsed = parseResponses(bytes, { isHeadRequest: (i) => c.headRequests?.includes(i) ?? false });
      return parsed.responses.length >= wait && !parsed.incomplete;
    },
  });
  let log = await appLog(target.port, c.id);
  if (c.expect.kind === 'drop' && c.expect.aborted) {
    for (let i = 0; i < 50 && !log.includes('aborted'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      log = log.concat(await appLog(target.port, c.id));
    }
  }
  const verdict = judge(withPrefix(c, prefix), target.spec, ex, log);
  const waivedBy = target.spec.reference ? [] : (c.features ?? []).filter((f: Feature) => !supports(target.spec.name, f, target.spec.runtime));
  const outcome = verdict.pass ? (waivedBy.length ? 'waived-pass' : 'pass') : waivedBy.length ? 'waived' : 'fail';
  return { c, target: target.spec, outcome, detail: verdict.detail, waivedBy, raw: ex.raw };
}

async function main(): Promise<void> {
  checkCases();
  const started = Date.now();
  const running = await Promise.all(TARGETS.map(startTarget));
  const jobs = running.flatMap((t) => CASES.filter((c) => appliesTo(c, t.spec)).map((c) => () => runCase(c, t)));
  const results: Result[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) results.push(await jobs[next++]!());
    }),
  );
  for (const t of running) t.stop();
  const wallMs = Date.now() - started;
  const sent = (c: Case) => (withPrefix(c.send, `/c/${c.id}`) as Part[]).map((p) => (typeof p === 'string' ? p : 'pauseMs' in p ? `<pause ${p.pauseMs} ms>` : `<wait for ${JSON.stringify(p.waitFor)}>`)).join('');
  writeFileSync(new URL('../../PARITY.md', import.meta.url), renderReport(CASES, TARGETS, results, wallMs, sent) + '\n');

  const failures = results.filter((r) => r.outcome === 'fail' && !r.target.reference);
  for (const t of TARGETS) {
    const mine = results.filter((r) => r.target === t);
    const pass = mine.filter((r) => r.outcome === 'pass' || r.outcome === 'waived-pass').length;
    const waived = mine.filter((r) => r.outcome === 'waived').length;
    console.log(`${t.name.padEnd(16)} ${pass}/${mine.length} pass, ${waived} waived, ${mine.length - pass - waived} fail${t.reference ? ' (reference)' : ''}`);
  }
  console.log(`parity: ${CASES.length} cases, ${(wallMs / 1000).toFixed(1)} s; PARITY.md written`);
  for (const f of failures) console.log(`FAIL ${f.target.name} ${f.c.id}: ${f.detail}`);
  if (failures.length > 0) {
    console.log(`parity: ${failures.length} unwaived failures`);
    process.exit(1);
  }
}

await main();
