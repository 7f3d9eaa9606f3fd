// Parameter regexes checked at start-up with recheck (a ReDoS checker that
// proves its verdict from the regex's automaton), since find-my-way's
// safe-regex2 only measures star height and passes `(a|a)*`. A regex is
// refused when matching it can take exponential time, or polynomial time
// whose degree makes the longest parameter (maxParamLength) cost more than
// WORK_LIMIT steps.
import { createRequire } from 'node:module';
import type { Diagnostics, Parameters } from 'recheck';

/** Steps a parameter regex may take on the longest value the router hands it (maxParamLength characters). */
export const WORK_LIMIT = 1_000_000;

type CheckSync = (source: string, flags: string, params?: Parameters) => Diagnostics;
let checkSync: CheckSync | null = null;
const verdicts = new Map<string, string | null>();

/** recheck is an optional peer (its optional JAR and native binaries weigh ~50 MB): only apps with regex params need it. */
function loadRecheck(): CheckSync {
  try {
    return (createRequire(import.meta.url)('recheck') as { checkSync: CheckSync }).checkSync;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      'wirecore/app: a route has a regex parameter, and regexes are checked for catastrophic backtracking at start-up with the package "recheck", which is not installed: run `npm install recheck@4 --omit=optional`',
    );
  }
}

function recheck(source: string, params: Parameters): Diagnostics {
  checkSync ??= loadRecheck();
  // In this thread, in JavaScript: no worker, no native binary, no JVM (recheck's other backends).
  const before = process.env.RECHECK_SYNC_BACKEND;
  process.env.RECHECK_SYNC_BACKEND = 'pure';
  try {
    return checkSync(source, '', params);
  } finally {
    if (before === undefined) delete process.env.RECHECK_SYNC_BACKEND;
    else process.env.RECHECK_SYNC_BACKEND = before;
  }
}

/** The "(regex)" of each parameter in a router path, as written (find-my-way's reading of ":name(regex)"). */
export function paramRegexes(path: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] !== ':') continue;
    if (path[i + 1] === ':') {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < path.length && !'(-./'.includes(path[j]!)) j++;
    if (path[j] !== '(') continue;
    let depth = 1;
    let end = j;
    while (depth > 0 && ++end < path.length) {
      if (path[end] === '\\') end++;
      else if (path[end] === '(') depth++;
      else if (path[end] === ')') depth--;
    }
    out.push(path.slice(j, end + 1));
    i = end;
  }
  return out;
}

/** Why `regex` (a "(…)" param regex) is refused, or null when it is safe for values up to `maxLength` characters. */
export function regexRefusal(regex: string, maxLength: number): string | null {
  // As find-my-way runs it: anchored, its own ^ and $ dropped.
  let body = regex;
  if (body[1] === '^') body = body[0] + body.slice(2);
  if (body[body.length - 2] === '$' && body[body.length - 3] !== '\\') body = body.slice(0, -2) + body.slice(-1);
  const source = `^${body}$`;
  const key = `${maxLength} ${source}`;
  let verdict = verdicts.get(key);
  if (verdict !== undefined) return verdict;
  let result = recheck(source, { checker: 'automaton', timeout: 2000 });
  // Look-arounds are beyond the automaton: fuzzing (seeded, so the verdict does not change between starts) decides.
  if (result.status === 'unknown') result = recheck(source, { checker: 'fuzz', timeout: 2000, randomSeed: 1 });
  verdict = null;
  if (result.status === 'unknown') verdict = `recheck could not decide whether it is safe (${result.error.kind})`;
  else if (result.status === 'vulnerable') {
    const { complexity } = result;
    const attack = result.attack.pattern;
    if (complexity.type === 'exponential') verdict = `matching can take exponential time (for example on ${attack})`;
    else if (maxLength ** complexity.degree > WORK_LIMIT) {
      verdict = `matching takes time of degree ${complexity.degree} in the value's length, over ${WORK_LIMIT} steps at maxParamLength ${maxLength} (for example on ${attack})`;
    }
  }
  verdicts.set(key, verdict);
  return verdict;
}
