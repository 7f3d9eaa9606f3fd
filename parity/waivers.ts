// Waivers: the reviewed list of rules a target cannot honour. The built-in
// ones are parity/divergences.ts; `wirecore-parity --waivers file.json` adds
// a user's, in the same shape as JSON. An entry whose name is a feature waives
// the cases tagged with it; an entry may also list case ids (`cases`).
import { readFileSync } from 'node:fs';
import { UsageError, didYouMean } from '../cli/args.js';
import type { Case } from './case.js';
import { ALLOWANCES, DIVERGENCES, isAllowance, type Allowance } from './divergences.js';
import type { TargetSpec } from './targets.js';

export interface Waiver {
  /** Names of targets (or the runtimes they are built on) that cannot honour it. */
  targets: readonly string[];
  reason: string;
  /** What the target does instead, which the judge then accepts (see Allowance). */
  allows: readonly Allowance[];
  /** Case ids it waives, besides those tagged with the feature of the same name. */
  cases?: readonly string[];
  /** Case id → targets (or runtimes) where the waiver does not apply: they follow the rule there (built-in waivers only). */
  except?: Readonly<Record<string, readonly string[]>>;
}

export interface WaiverEntry extends Waiver {
  name: string;
  /** Where it comes from: "built-in" or the file it was read from. */
  source: string;
}

export const FEATURES: readonly string[] = Object.keys(DIVERGENCES);

const FIELDS = ['targets', 'reason', 'allows', 'cases'];

export class Waivers {
  constructor(readonly entries: readonly WaiverEntry[]) {}

  /** The built-in waivers (parity/divergences.ts). */
  static builtIn(): Waivers {
    return new Waivers(Object.entries(DIVERGENCES).map(([name, d]) => ({ name, targets: d.targets, reason: d.reason, allows: d.allows, ...('except' in d ? { except: d.except } : {}), source: 'built-in' })));
  }

  with(more: readonly WaiverEntry[]): Waivers {
    return new Waivers([...this.entries, ...more]);
  }

  /** The names of the waivers that excuse `c` on `spec` (none for reference targets, which never gate). */
  waivedBy(c: Case, spec: TargetSpec): string[] {
    if (spec.reference) return [];
    const listed = (list: readonly string[]) => list.includes(spec.name) || list.includes(spec.runtime);
    const applies = (w: WaiverEntry) => listed(w.targets) && !listed(w.except?.[c.id] ?? []);
    // The case's own features first, in its order (as the report has always listed them), then waivers by case id.
    const names: string[] = [];
    for (const feature of c.features ?? []) {
      if (this.entries.some((w) => w.name === feature && applies(w)) && !names.includes(feature)) names.push(feature);
    }
    for (const w of this.entries) if (w.cases?.includes(c.id) && applies(w) && !names.includes(w.name)) names.push(w.name);
    return names;
  }

  /** What the named waivers allow between them. */
  allowedBy(names: readonly string[]): Allowance[] {
    return [...new Set(this.entries.filter((w) => names.includes(w.name)).flatMap((w) => w.allows))];
  }

  /** The cases an entry waives, in `cases` order. */
  casesOf(entry: WaiverEntry, cases: readonly Case[]): string[] {
    return cases.filter((c) => (c.features as readonly string[] | undefined)?.includes(entry.name) || entry.cases?.includes(c.id)).map((c) => c.id);
  }

  /** The entries that name one of these targets (or their runtimes): what a report about them lists. */
  relevantTo(targets: readonly TargetSpec[]): WaiverEntry[] {
    return this.entries.filter((w) => targets.some((t) => w.targets.includes(t.name) || w.targets.includes(t.runtime)));
  }
}

/**
 * Reads a waivers file: `{ "<name>": { "targets": [...], "reason": "...", "allows": [...], "cases"?: [...] } }`.
 * A name that is not a feature needs `cases`. Every mistake is a UsageError naming the entry.
 */
export function readWaivers(file: string, knownCaseIds: ReadonlySet<string>, tool = 'wirecore-parity'): WaiverEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${tool}: cannot read the waivers file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${tool}: the waivers file ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${tool}: the waivers file ${file} must hold an object: { "<feature or name>": { "targets": ["<target>"], "reason": "<why>" } }`);
  }
  const out: WaiverEntry[] = [];
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    const where = `${tool}: waiver "${name}" in ${file}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${where} must be an object with "targets" and "reason"`);
    const entry = value as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!FIELDS.includes(key)) throw new UsageError(`${where} has an unknown field "${key}"${didYouMean(key, FIELDS)}; the fields are targets, reason, allows and cases`);
    }
    const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.trim() !== '');
    if (!strings(entry.targets)) throw new UsageError(`${where}: "targets" must be a non-empty list of target names`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 10) throw new UsageError(`${where}: "reason" must say why the target cannot honour the rule (a sentence, at least 10 characters)`);
    const isFeature = FEATURES.includes(name);
    if (entry.cases !== undefined) {
      if (!strings(entry.cases)) throw new UsageError(`${where}: "cases" must be a non-empty list of case ids`);
      for (const id of entry.cases as string[]) {
        if (!knownCaseIds.has(id)) throw new UsageError(`${where}: no case has the id "${id}"${didYouMean(id, [...knownCaseIds])} (wirecore-parity --list-cases lists them)`);
      }
    } else if (!isFeature) {
      throw new UsageError(`${where}: "${name}" is not a feature the cases are tagged with${didYouMean(name, FEATURES)}; name a feature (${FEATURES.join(', ')}) or list the case ids in "cases"`);
    }
    const allows = entry.allows;
    if (!Array.isArray(allows) || allows.length === 0 || !allows.every((a) => typeof a === 'string' && isAllowance(a))) {
      throw new UsageError(`${where}: "allows" must list what the target does instead, from: ${ALLOWANCES.join(', ')} (a message that must be refused and reaches the application is never waived)`);
    }
    out.push({ name, targets: entry.targets as string[], reason: entry.reason, allows: allows as Allowance[], ...(entry.cases ? { cases: entry.cases as string[] } : {}), source: file });
  }
  return out;
}
