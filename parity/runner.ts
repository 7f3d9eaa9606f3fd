// Runs cases against running targets: sends each case's bytes, asks the
// target what reached the application (/seen/<id>), judges, and applies the
// waivers. Shared by wirecore-parity and its built-in run (npm run parity).
import http from 'node:http';
import net from 'node:net';
import { encodeProxyHeader, parseResponses } from 'wirecore/testing';
import type { Case, Part } from './case.js';
import { exchange } from './client.js';
import { answersToWaitFor, judge, withPrefix } from './judge.js';
import type { Result } from './report.js';
import { knownHole } from './holes.js';
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

const LOCAL_HEADER = encodeProxyHeader({ version: 2, local: true });

/** Writes a PROXY v2 LOCAL header first: node:http's request follows it on the same socket. */
function withLocalHeader(socket: net.Socket): net.Socket {
  socket.write(LOCAL_HEADER);
  return socket;
}

/** What the target's application saw for a case (the echo contract's /seen/<id>), or why it could not be read. */
function appLog(target: RunningTarget, id: string): Promise<{ log: string[] } | { error: string; unanswered?: true }> {
  if (target.spec.url !== undefined) return Promise.resolve({ log: [] });
  const path = `/seen/${id}`;
  return new Promise((resolve) => {
    // A target behind a PROXY protocol balancer takes nothing without a header: the log is asked for as a health check would (v2 LOCAL).
    // (createConnection is only used without an agent: agent false would make a fresh one.)
    const connection = target.spec.proxyProtocol === true ? { createConnection: () => withLocalHeader(net.connect(target.port, target.host)) } : { agent: false as const };
    const req = http.get({ host: target.host, port: target.port, path, headers: { host: 'parity' }, ...connection }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('error', (error) => resolve({ error: `GET ${path} failed: ${error.message}` }));
      res.on('end', () => {
        // 408: the target timed the request out before reading it (a stalled client), so it took nothing from the log.
        if (res.statusCode === 408) return resolve({ error: `GET ${path} answered 408`, unanswered: true });
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          resolve({ error: `GET ${path} answered ${res.statusCode} with ${JSON.stringify(body.slice(0, 80))}, not a JSON array` });
          return;
        }
        if (res.statusCode !== 200 || !Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string')) {
          resolve({ error: `GET ${path} answered ${res.statusCode} with ${JSON.stringify(body.slice(0, 80))}, not a JSON array of strings` });
        } else resolve({ log: parsed as string[] });
      });
    });
    req.on('error', (error) => resolve({ error: `GET ${path} failed: ${error.message}`, unanswered: true }));
  });
}

/**
 * appLog, asked again (twice at most) when the target dropped the request
 * or timed it out (408) without reading it (a loaded machine can stall the
 * client past the target's headers timeout): such a request took nothing
 * from the log. Any other answer that is not the log fails at once.
 */
async function appLogAnswered(target: RunningTarget, id: string): Promise<{ log: string[] } | { error: string }> {
  let read = await appLog(target, id);
  for (let i = 0; i < 2 && 'unanswered' in read; i++) read = await appLog(target, id);
  return read;
}

/** Reads the log until `until` holds (or about a second has passed); undefined with the reason when it cannot be read. */
async function readLog(target: RunningTarget, id: string, until: (log: string[]) => boolean): Promise<{ log: string[] } | { error: string }> {
  let log: string[] = [];
  for (let i = 0; i < 51; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 20));
    const read = await appLogAnswered(target, id);
    if ('error' in read) return read;
    log = log.concat(read.log);
    if (until(log)) break;
  }
  return { log };
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
  const waitsForAbort = c.expect.kind === 'drop' && c.expect.aborted === true;
  const read = await readLog(target, c.id, (log) => !waitsForAbort || log.includes('aborted'));
  const base = { c, target: target.spec, raw: ex.raw };
  // A log that cannot be read proves nothing about what reached the application: the case fails, waivers or not.
  if ('error' in read) return { ...base, outcome: 'fail', detail: `cannot read what reached the application: ${read.error}`, waivedBy: [], reached: false };
  const verdict = judge(sent, target.spec, ex, read.log);
  const waivedBy = waivers.waivedBy(c, target.spec);
  if (verdict.pass) return { ...base, outcome: waivedBy.length ? 'waived-pass' : 'pass', detail: '', waivedBy, reached: false };
  if (verdict.reached) {
    const hole = knownHole(c.id, target.spec);
    return { ...base, outcome: hole ? 'hole' : 'fail', detail: verdict.detail, waivedBy: hole ? [hole] : [], reached: true };
  }
  const allowed = waivers.allowedBy(waivedBy);
  const unallowed = verdict.deviations.filter((d) => !allowed.includes(d));
  if (waivedBy.length > 0 && verdict.deviations.length > 0 && unallowed.length === 0) return { ...base, outcome: 'waived', detail: verdict.detail, waivedBy, reached: false };
  const why = waivedBy.length > 0 && unallowed.length > 0 ? ` (${waivedBy.join(', ')} allows ${allowed.length ? allowed.join(', ') : 'nothing the judge checks'}, not ${unallowed.join(', ')})` : '';
  return { ...base, outcome: 'fail', detail: verdict.detail + why, waivedBy: [], reached: false };
}

export interface RunOptions {
  concurrency: number;
  /** Called after every case with the count done and the total. */
  onResult?: (result: Result, done: number, total: number) => void;
}

/** Every case that runs on each target, `concurrency` at a time; results in the order they finished.
 * A case sent one byte at a time runs alone afterwards: its head must arrive within the target's short
 * headers timeout, which a 2-core machine busy with other cases cannot promise. */
export async function runCases(cases: readonly Case[], running: readonly RunningTarget[], waivers: Waivers, options: RunOptions): Promise<Result[]> {
  const jobsFor = (alone: boolean) => running.flatMap((t) => cases.filter((c) => runsOn(c, t.spec) && (c.oneByteAtATime ?? false) === alone).map((c) => () => runCase(c, t, waivers)));
  const together = jobsFor(false);
  const alone = jobsFor(true);
  const total = together.length + alone.length;
  const results: Result[] = [];
  const runAll = async (jobs: (() => Promise<Result>)[], concurrency: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, concurrency) }, async () => {
        while (next < jobs.length) {
          const result = await jobs[next++]!();
          results.push(result);
          options.onResult?.(result, results.length, total);
        }
      }),
    );
  };
  await runAll(together, options.concurrency);
  await runAll(alone, 1);
  return results;
}

/** The bytes of a case as the report shows them ("<pause …>" and "<wait for …>" spelled out). */
export function sentText(c: Case): string {
  return (withPrefix(c.send, `/c/${c.id}`) as Part[]).map((p) => (typeof p === 'string' ? p : 'pauseMs' in p ? `<pause ${p.pauseMs} ms>` : `<wait for ${JSON.stringify(p.waitFor)}>`)).join('');
}
