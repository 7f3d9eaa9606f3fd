// Runs cases against running targets: sends each case's bytes, asks the
// target what reached the application (/seen/<id>), judges, and applies the
// waivers. Shared by wirecore-parity and its built-in run (npm run parity).
import http from 'node:http';
import { parseResponses } from 'wirecore/testing';
import type { Case, Part } from './case.js';
import { exchange } from './client.js';
import { answersToWaitFor, judge, withPrefix } from './judge.js';
import type { Result } from './report.js';
import { appliesTo, type RunningTarget, type TargetSpec } from './targets.js';
import type { Waivers } from './waivers.js';

/** Categories whose cases assume the limits and timeouts of the echo contract (PARITY_LIMITS, PARITY_TIMEOUTS). */
const CONTRACT_CONFIGURED = new Set(['limits', 'timeouts']);

/**
 * Whether a case can be judged on a server that does not answer the echo
 * contract (a --url target): plain requests to the echo path, answers judged
 * on the wire alone, nothing that needs the echoed request or /seen, nothing
 * that assumes the contract's limits, and no message refused only once its
 * body is read (a route that answers without reading the body never sees it).
 */
export function needsNoEcho(c: Case): boolean {
  if (c.consumer !== undefined || c.webSocket === true || CONTRACT_CONFIGURED.has(c.category)) return false;
  const e = c.expect;
  if (e.kind !== 'accept' && e.kind !== 'reject') return false;
  if (e.kind === 'reject' && e.headSeen === true) return false;
  const answers = e.kind === 'accept' ? e.responses : (e.before ?? []);
  if (answers.some((r) => r.seen !== undefined)) return false;
  return c.send.every((p) => typeof p !== 'string' || p.split('{P}').slice(1).every((after) => after.startsWith('/echo')));
}

/** Whether `c` runs on `spec`: a consumer's own cases on its targets only; on a URL target, only cases that need no echo. */
export function runsOn(c: Case, spec: TargetSpec): boolean {
  return appliesTo(c, spec) && (spec.url === undefined || needsNoEcho(c));
}

/** The case as sent to this target: "{P}" is /c/<id>, or on a URL target the URL's path stands for "{P}/echo". */
export function caseFor(c: Case, spec: TargetSpec): Case {
  if (spec.url === undefined) return withPrefix(c, `/c/${c.id}`);
  const path = spec.url.pathname + spec.url.search;
  const joiner = spec.url.search ? '&' : '?';
  return JSON.parse(JSON.stringify(c).replaceAll('{P}/echo?', path + joiner).replaceAll('{P}/echo', path)) as Case;
}

/** What the target's application saw for a case (the echo contract's /seen/<id>). */
function appLog(target: RunningTarget, id: string): Promise<string[]> {
  if (target.spec.url !== undefined) return Promise.resolve([]);
  return new Promise((resolve) => {
    const req = http.get({ host: target.host, port: target.port, path: `/seen/${id}`, headers: { host: 'parity' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try {
          const parsed: unknown = JSON.parse(body);
          resolve(Array.isArray(parsed) ? parsed.map(String) : []);
        } catch {
          resolve([]);
        }
      });
    });
    req.on('error', () => resolve([]));
  });
}

export async function runCase(c: Case, target: RunningTarget, waivers: Waivers): Promise<Result> {
  const sent = caseFor(c, target.spec);
  const wait = answersToWaitFor(sent);
  const ex = await exchange(
    target.port,
    sent.send,
    {
      oneByteAtATime: c.oneByteAtATime ?? false,
      timeoutMs: c.timeoutMs ?? 1500,
      done: (bytes) => {
        if (wait === undefined) return false;
        const parsed = parseResponses(bytes, { isHeadRequest: (i) => c.headRequests?.includes(i) ?? false });
        return parsed.responses.length >= wait && !parsed.incomplete;
      },
    },
    target.host,
  );
  let log = await appLog(target, c.id);
  if (c.expect.kind === 'drop' && c.expect.aborted) {
    for (let i = 0; i < 50 && !log.includes('aborted'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      log = log.concat(await appLog(target, c.id));
    }
  }
  const verdict = judge(sent, target.spec, ex, log);
  const waivedBy = waivers.waivedBy(c, target.spec);
  const outcome = verdict.pass ? (waivedBy.length ? 'waived-pass' : 'pass') : waivedBy.length ? 'waived' : 'fail';
  return { c, target: target.spec, outcome, detail: verdict.detail, waivedBy, raw: ex.raw };
}

export interface RunOptions {
  concurrency: number;
  /** Called after every case with the count done and the total. */
  onResult?: (result: Result, done: number, total: number) => void;
}

/** Every case that runs on each target, `concurrency` at a time; results in the order they finished. */
export async function runCases(cases: readonly Case[], running: readonly RunningTarget[], waivers: Waivers, options: RunOptions): Promise<Result[]> {
  const jobs = running.flatMap((t) => cases.filter((c) => runsOn(c, t.spec)).map((c) => () => runCase(c, t, waivers)));
  const results: Result[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, options.concurrency) }, async () => {
      while (next < jobs.length) {
        const result = await jobs[next++]!();
        results.push(result);
        options.onResult?.(result, results.length, jobs.length);
      }
    }),
  );
  return results;
}

/** The bytes of a case as the report shows them ("<pause …>" and "<wait for …>" spelled out). */
export function sentText(c: Case): string {
  return (withPrefix(c.send, `/c/${c.id}`) as Part[]).map((p) => (typeof p === 'string' ? p : 'pauseMs' in p ? `<pause ${p.pauseMs} ms>` : `<wait for ${JSON.stringify(p.waitFor)}>`)).join('');
}
