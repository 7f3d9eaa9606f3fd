// Judges what came back for a case, parsing the answers strictly.
import { parseResponses, type ParsedResponse } from 'wirecore/testing';
import type { Case, ExpectedFrame, ExpectedResponse, ExpectedSeen } from './case.js';
import type { Exchange } from './client.js';
import { readFrames } from './frames.js';
import type { Seen } from './echo-shape.js';
import type { Allowance } from './divergences.js';
import type { TargetSpec } from './targets.js';

export interface Verdict {
  pass: boolean;
  detail: string;
  /** A message the target had to refuse reached its application (never waived). */
  reached: boolean;
  /** On a failure, the ways the target differed that a waiver may allow (all of them must be); empty when something else failed. */
  deviations: Allowance[];
}

export function withPrefix<T>(value: T, prefix: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('{P}', prefix)) as T;
}

function header(r: ParsedResponse, name: string): string | undefined {
  for (let i = 0; i < r.headers.length; i += 2) if (r.headers[i]!.toLowerCase() === name) return r.headers[i + 1];
  return undefined;
}

/** Fetch handlers see web Headers: names lower-cased, repeats merged, sorted. */
function webHeaders(pairs: Array<[string, string]>): Array<[string, string]> {
  const merged = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    merged.set(key, merged.has(key) ? `${merged.get(key)}, ${value}` : value);
  }
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function stripAuthority(target: string): string {
  return target.replace(/^[a-z]+:\/\/[^/]*/i, '');
}

/** The pair with its value blanked where the expected value holds bytes over 0x7e (obs-text): what is compared where a waiver allows such values to differ. */
function obsTextBlank([name, value]: [string, string], expected: [string, string] | undefined): [string, string] {
  return [name, expected !== undefined && /[^\x00-\x7e]/.test(expected[1]) ? '' : value];
}

function compareSeen(expected: ExpectedSeen, actual: Seen, spec: TargetSpec, soft: Soft): string | null {
  const web = spec.headerView === 'web';
  if (expected.method !== undefined && actual.method !== expected.method) return `method ${actual.method} ≠ ${expected.method}`;
  if (expected.target !== undefined) {
    const want = web ? stripAuthority(expected.target) : expected.target;
    if (actual.target !== want) return `target ${actual.target} ≠ ${want}`;
  }
  if (expected.version !== undefined && spec.knowsVersion && actual.version !== expected.version) return `version ${actual.version} ≠ ${expected.version}`;
  if (expected.headers !== undefined) {
    const want = web ? webHeaders(expected.headers) : expected.headers;
    const got = web ? actual.headers.filter(([n]) => n !== 'content-length' || want.some(([w]) => w === n)) : actual.headers;
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      const folded = (pairs: Array<[string, string]>) => JSON.stringify(pairs.map(([n, v]) => [n.toLowerCase(), v]));
      const why = `headers ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`;
      if (folded(got) === folded(want)) soft.push(['header-name-case', why]);
      else if (folded(got.map((pair, i) => obsTextBlank(pair, want[i]))) === folded(want.map((pair) => obsTextBlank(pair, pair)))) soft.push(['obs-text-values', why]);
      else return why;
    }
  }
  if (expected.body !== undefined && actual.body !== expected.body) return `body ${JSON.stringify(actual.body?.slice(0, 60))} ≠ ${JSON.stringify(expected.body.slice(0, 60))}`;
  if (expected.bodyLength !== undefined && actual.bodyLength !== expected.bodyLength) return `body length ${actual.bodyLength} ≠ ${expected.bodyLength}`;
  if (expected.trailers !== undefined && JSON.stringify(actual.trailers) !== JSON.stringify(expected.trailers)) {
    const why = `trailers ${JSON.stringify(actual.trailers)} ≠ ${JSON.stringify(expected.trailers)}`;
    if (actual.trailers !== null || expected.trailers === null || expected.trailers.length === 0) return why;
    soft.push(['no-trailers', why]);
  }
  return null;
}

/** Differences a waiver may allow, found while the rest is still checked: [allowance, what differed]. */
type Soft = Array<[Allowance, string]>;

/** Compares everything but the status (checked by the caller, which knows whether another status may be allowed). */
function compareResponse(expected: ExpectedResponse, actual: ParsedResponse, spec: TargetSpec, soft: Soft): string | null {
  if (expected.body !== undefined && actual.body.toString('latin1') !== expected.body) return `body ${JSON.stringify(actual.body.toString('latin1').slice(0, 60))} ≠ ${JSON.stringify(expected.body)}`;
  if (expected.chunked !== undefined && actual.chunked !== expected.chunked) return `chunked ${actual.chunked} ≠ ${expected.chunked}`;
  for (const [name, want] of Object.entries(expected.headers ?? {})) {
    const got = header(actual, name);
    if (want === null && got !== undefined) return `${name} present (${got})`;
    if (want === 'now') {
      const at = got === undefined ? NaN : Date.parse(got);
      if (!(Math.abs(at - Date.now()) < 3000) || !/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/.test(got ?? '')) return `date ${got} is not a current IMF-fixdate`;
    } else if (want !== null && got?.toLowerCase() !== want.toLowerCase()) return `${name} ${got} ≠ ${want}`;
  }
  if (expected.seen !== undefined) {
    let seen: Seen;
    try {
      seen = JSON.parse(actual.body.toString('utf8')) as Seen;
    } catch {
      return `the answer is not the echo: ${JSON.stringify(actual.body.toString('latin1').slice(0, 80))}`;
    }
    return compareSeen(expected.seen, seen, spec, soft);
  }
  return null;
}

/** Server frames after a 101's head, as the cases state them. */
export function serverFrames(bytes: Buffer): ExpectedFrame[] {
  return readFrames(bytes).frames.map(({ opcode, payload }) => (opcode === 8 ? { opcode, code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 } : { opcode, payload: payload.toString('latin1') }));
}

function sameFrames(got: readonly ExpectedFrame[], want: readonly ExpectedFrame[]): boolean {
  return got.length === want.length && want.every((f, i) => got[i]!.opcode === f.opcode && (f.payload === undefined || got[i]!.payload === f.payload) && (f.code === undefined || got[i]!.code === f.code));
}

function describeFrames(frames: readonly ExpectedFrame[]): string {
  return frames.length === 0 ? 'none' : frames.map((f) => (f.opcode === 8 ? `close ${f.code}` : `op${f.opcode} ${JSON.stringify((f.payload ?? '').slice(0, 30))}`)).join(', ');
}

/** How many answers the client waits for before it stops listening (or undefined: wait for close). */
export function answersToWaitFor(c: Case): number | undefined {
  const e = c.expect;
  if (e.kind === 'accept') return e.closed ? undefined : e.responses.length;
  return undefined;
}

/** Framing fields an answer carries once at most: a repeat leaves the client to guess (RFC 9110 §5.3, RFC 9112 §6.3). */
const FRAMING_FIELDS = ['connection', 'content-length', 'transfer-encoding'];

function repeatedFraming(r: ParsedResponse): string | null {
  for (const name of FRAMING_FIELDS) {
    let count = 0;
    for (let i = 0; i < r.headers.length; i += 2) if (r.headers[i]!.toLowerCase() === name) count++;
    if (count > 1) return name;
  }
  return null;
}

/** What reached the application, from the target's log (the echo contract's /seen). */
function appSaw(appLog: string[], forbidden?: string) {
  const heads = appLog.filter((entry) => !['body-ok', 'body-error', 'aborted'].includes(entry));
  return {
    heads: forbidden === undefined ? heads.length : heads.filter((h) => !h.endsWith(forbidden)).length,
    completed: appLog.filter((entry) => entry === 'body-ok').length,
    forbidden: forbidden === undefined ? undefined : heads.find((h) => h.endsWith(forbidden)),
  };
}

/**
 * Judges one exchange. "Reached the application" comes first and no waiver
 * covers it. Then every check runs; a difference a waiver may allow (no
 * answer, another status, lower-cased names, …) is noted and the checking
 * goes on, anything else fails outright.
 */
export function judge(c: Case, spec: TargetSpec, ex: Exchange, appLog: string[]): Verdict {
  const parsed = parseResponses(ex.raw, { eof: ex.closed, isHeadRequest: (i) => c.headRequests?.includes(i) ?? false });
  const got = parsed.responses;
  const e = c.expect;
  const soft: Soft = [];
  const fail = (why: string): Verdict => ({ pass: false, detail: why, reached: false, deviations: [] });
  const reached = (why: string): Verdict => ({ pass: false, detail: why, reached: true, deviations: [] });
  const settle = (): Verdict =>
    soft.length === 0 ? { pass: true, detail: '', reached: false, deviations: [] } : { pass: false, detail: soft.map(([, why]) => why).join('; '), reached: false, deviations: [...new Set(soft.map(([a]) => a))] };

  // Reached the application: checked first, never waived.
  if (e.kind === 'reject') {
    const saw = appSaw(appLog);
    const before = e.before?.length ?? 0;
    if (saw.completed > before) return reached('the application read the rejected message');
    if (!e.headSeen && saw.heads > before) return reached('the rejected message reached the application');
    // A success in its place is an acceptance, whether or not the log shows it (a target with no log for it, such as "GET *").
    const answer = got[before];
    if (answer !== undefined && answer.status >= 200 && answer.status < 300) return reached(`the rejected message was accepted (${answer.status})`);
  } else if (e.kind === 'unreached') {
    const saw = appSaw(appLog, e.forbidden);
    if (saw.forbidden !== undefined) return reached(`${saw.forbidden} reached the application`);
    const before = e.before ?? 0;
    if (e.refused && saw.completed > before) return reached('the application read the refused message');
    if (e.refused && !e.headSeen && saw.heads > before) return reached('the refused message reached the application');
  }

  for (const [i, r] of got.entries()) {
    const name = repeatedFraming(r);
    if (name !== null) return fail(`answer ${i + 1} carries ${name} more than once`);
  }
  /** Checks the answers listed (the last one a refusal's, with `refusing`); a missing one ends the list (no-answer, noted by the caller). */
  const checkList = (list: ExpectedResponse[], refusing = false): string | null => {
    for (let i = 0; i < list.length && i < got.length; i++) {
      const want = list[i]!;
      const r = got[i]!;
      if (r.status !== want.status) {
        const why = `answer ${i + 1}: status ${r.status} ≠ ${want.status}`;
        // Another status is a refusal in the message's place (the refused message's own, for a reject): nothing may follow it.
        if (i !== got.length - 1 || (refusing ? i !== list.length - 1 : r.status < 400)) return why;
        soft.push([`status ${r.status}`, why]);
        return null;
      }
      const why = compareResponse(want, r, spec, soft);
      if (why !== null) return `answer ${i + 1}: ${why}`;
    }
    return null;
  };

  switch (e.kind) {
    case 'accept': {
      if (parsed.error !== null) return fail(`unparsable answer: ${parsed.error}`);
      if (got.length > e.responses.length) return fail(`${got.length} answers, expected ${e.responses.length}`);
      const why = checkList(e.responses);
      if (why !== null) return fail(why);
      const refused = soft.some(([a]) => a.startsWith('status '));
      if (got.length < e.responses.length && !refused) soft.push(['no-answer', `${got.length} answers, expected ${e.responses.length}${ex.closed ? ' (closed)' : ' (left open)'}`]);
      if (got.length === e.responses.length && !refused) {
        if (e.closed === true && !ex.closed) soft.push(['stays-open', 'the connection stayed open']);
        if (e.closed === false && ex.closed) return fail('the connection was closed');
        const interim = ex.raw.toString('latin1').startsWith('HTTP/1.1 100 ');
        if (e.interim100 !== undefined && interim !== e.interim100) soft.push(['interim-100', e.interim100 ? 'no 100 Continue' : 'an unexpected 100 Continue']);
      }
      return settle();
    }
    case 'reject': {
      const before = e.before ?? [];
      if (got.length > before.length + 1) return fail(`${got.length} answers, expected ${before.length + 1}`);
      if (got.length < before.length) return fail(`${got.length} answers, expected ${before.length + 1}${ex.closed ? ' (closed)' : ' (left open)'}${parsed.error ? `; ${parsed.error}` : ''}`);
      if (parsed.error !== null && got.length === before.length && ex.raw.length > 0 && !parsed.incomplete) return fail(`unparsable answer: ${parsed.error}`);
      const why = checkList([...before, { status: e.status }], true);
      if (why !== null) return fail(why);
      if (got.length === before.length) {
        soft.push(['no-answer', `${got.length} answers, expected ${before.length + 1}${ex.closed ? ' (closed)' : ' (left open)'}${parsed.error ? `; ${parsed.error}` : ''}`]);
      } else if (!ex.closed) {
        soft.push(['stays-open', 'the connection stayed open after the rejection']);
      }
      return settle();
    }
    case 'upgrade': {
      const list: ExpectedResponse[] = [...(e.before ?? []), { status: 101, ...(e.headers === undefined ? {} : { headers: e.headers }) }];
      if (got.length !== list.length) return fail(`${got.length} answers, expected ${list.length} (the last a 101)${ex.closed ? ' (closed)' : ''}`);
      const why = checkList(list);
      if (why !== null) return fail(why);
      // The frames start after the 101's head.
      const frames = serverFrames(ex.raw.subarray(ex.raw.indexOf('\r\n\r\n', ex.raw.indexOf('HTTP/1.1 101 ')) + 4));
      const want = e.frames;
      if (!sameFrames(frames, want)) {
        const data = (list: ExpectedFrame[]) => list.filter((f) => f.opcode !== 8);
        const differs = `frames: ${describeFrames(frames)}; expected ${describeFrames(want)}`;
        // Only the close differs: none, or another code, where the case has one.
        if (sameFrames(data(frames), data(want))) soft.push(['ws-close-frame', differs]);
        // Data frames the client sent are missing, the rest as expected.
        else if (sameFrames(frames, want.filter((f) => frames.some((g) => sameFrames([g], [f]))))) soft.push(['ws-lost-frames', differs]);
        else return fail(differs);
      }
      if ((e.closed ?? true) && !ex.closed) soft.push(['stays-open', 'the connection stayed open']);
      return settle();
    }
    case 'unreached':
      return settle();
    case 'drop': {
      const before = e.before ?? [];
      const saw = appSaw(appLog);
      if (got.length !== before.length) return fail(`${got.length} complete answers, expected ${before.length}`);
      if (!ex.closed && !ex.timedOut) return fail('neither closed nor left hanging');
      if (e.aborted === true && !appLog.includes('aborted')) return fail('the application never saw the peer leave');
      if (saw.completed > before.length) return fail('the application read a body that never completed');
      const why = checkList(before);
      if (why !== null) return fail(why);
      return settle();
    }
  }
}
