// Judges what came back for a case, parsing the answers strictly.
import { parseResponses, type ParsedResponse } from 'wirecore/testing';
import type { Case, ExpectedFrame, ExpectedResponse, ExpectedSeen } from './case.js';
import type { Exchange } from './client.js';
import { readFrames } from './frames.js';
import type { Seen } from './echo-shape.js';
import type { TargetSpec } from './targets.js';

export interface Verdict {
  pass: boolean;
  detail: string;
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

function compareSeen(expected: ExpectedSeen, actual: Seen, spec: TargetSpec): string | null {
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
    if (JSON.stringify(got) !== JSON.stringify(want)) return `headers ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`;
  }
  if (expected.body !== undefined && actual.body !== expected.body) return `body ${JSON.stringify(actual.body?.slice(0, 60))} ≠ ${JSON.stringify(expected.body.slice(0, 60))}`;
  if (expected.bodyLength !== undefined && actual.bodyLength !== expected.bodyLength) return `body length ${actual.bodyLength} ≠ ${expected.bodyLength}`;
  if (expected.trailers !== undefined && JSON.stringify(actual.trailers) !== JSON.stringify(expected.trailers)) return `trailers ${JSON.stringify(actual.trailers)} ≠ ${JSON.stringify(expected.trailers)}`;
  return null;
}

function compareResponse(expected: ExpectedResponse, actual: ParsedResponse, spec: TargetSpec): string | null {
  if (actual.status !== expected.status) return `status ${actual.status} ≠ ${expected.status}`;
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
    return compareSeen(expected.seen, seen, spec);
  }
  return null;
}

/** Server frames after a 101's head, as the cases state them. */
export function serverFrames(bytes: Buffer): ExpectedFrame[] {
  return readFrames(bytes).frames.map(({ opcode, payload }) => (opcode === 8 ? { opcode, code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 } : { opcode, payload: payload.toString('latin1') }));
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

export function judge(c: Case, spec: TargetSpec, ex: Exchange, appLog: string[]): Verdict {
  const parsed = parseResponses(ex.raw, { eof: ex.closed, isHeadRequest: (i) => c.headRequests?.includes(i) ?? false });
  const got = parsed.responses;
  const fail = (why: string): Verdict => ({ pass: false, detail: why });
  const e = c.expect;
  const completed = appLog.filter((entry) => entry === 'body-ok').length;
  const heads = appLog.filter((entry) => !['body-ok', 'body-error', 'aborted'].includes(entry)).length;
  const checkList = (list: ExpectedResponse[]): string | null => {
    for (let i = 0; i < list.length; i++) {
      const why = got[i] === undefined ? 'missing' : compareResponse(list[i]!, got[i]!, spec);
      if (why !== null) return `answer ${i + 1}: ${why}`;
    }
    return null;
  };
  switch (e.kind) {
    case 'accept': {
      if (parsed.error !== null) return fail(`unparsable answer: ${parsed.error}`);
      if (got.length !== e.responses.length) return fail(`${got.length} answers, expected ${e.responses.length}${ex.closed ? ' (closed)' : ''}`);
      const why = checkList(e.responses);
      if (why !== null) return fail(why);
      if (e.closed === true && !ex.closed) return fail('the connection stayed open');
      if (e.closed === false && ex.closed) return fail('the connection was closed');
      const interim = ex.raw.toString('latin1').startsWith('HTTP/1.1 100 ');
      if (e.interim100 !== undefined && interim !== e.interim100) return fail(e.interim100 ? 'no 100 Continue' : 'an unexpected 100 Continue');
      return { pass: true, detail: '' };
    }
    case 'reject': {
      const before = e.before ?? [];
      if (got.length !== before.length + 1) return fail(`${got.length} answers, expected ${before.length + 1}${ex.closed ? ' (closed)' : ' (left open)'}${parsed.error ? `; ${parsed.error}` : ''}`);
      const why = checkList([...before, { status: e.status }]);
      if (why !== null) return fail(why);
      if (!ex.closed) return fail('the connection stayed open after the rejection');
      if (completed > before.length) return fail('the application read the rejected message');
      if (!e.headSeen && heads > before.length) return fail('the rejected message reached the application');
      return { pass: true, detail: '' };
    }
    case 'unreached': {
      const reached = appLog.find((entry) => entry.endsWith(e.forbidden));
      if (reached === undefined) return { pass: true, detail: '' };
      const accepted = got[0] !== undefined && got[0].status >= 200 && got[0].status < 300;
      if (e.unlessAccepted && accepted) return { pass: true, detail: 'the first message was accepted, not refused: the request after it was pipelined' };
      return fail(`${reached} reached the application`);
    }
    case 'upgrade': {
      const before = e.before ?? [];
      const list: ExpectedResponse[] = [...before, { status: 101, ...(e.headers === undefined ? {} : { headers: e.headers }) }];
      if (got.length !== list.length) return fail(`${got.length} answers, expected ${list.length} (the last a 101)${ex.closed ? ' (closed)' : ''}`);
      const why = checkList(list);
      if (why !== null) return fail(why);
      // The frames start after the 101's head.
      const frames = serverFrames(ex.raw.subarray(ex.raw.indexOf('\r\n\r\n', ex.raw.indexOf('HTTP/1.1 101 ')) + 4));
      const want = e.frames;
      const same = frames.length === want.length && want.every((f, i) => frames[i]!.opcode === f.opcode && (f.payload === undefined || frames[i]!.payload === f.payload) && (f.code === undefined || frames[i]!.code === f.code));
      if (!same) return fail(`frames: ${describeFrames(frames)}; expected ${describeFrames(want)}`);
      if ((e.closed ?? true) && !ex.closed) return fail('the connection stayed open');
      return { pass: true, detail: '' };
    }
    case 'drop': {
      const before = e.before ?? [];
      if (got.length !== before.length) return fail(`${got.length} complete answers, expected ${before.length}`);
      if (!ex.closed && !ex.timedOut) return fail('neither closed nor left hanging');
      if (e.aborted === true && !appLog.includes('aborted')) return fail('the application never saw the peer leave');
      if (completed > before.length) return fail('the application read a body that never completed');
      return { pass: true, detail: '' };
    }
  }
}
