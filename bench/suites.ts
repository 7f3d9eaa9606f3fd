// The consumer suites (bench/suites/*.ts): each exports
// `{ title, scenarios, targets, goals }` (default export, or those names).
// Found by listing the folder, so a new suite needs no wiring; one that does
// not load, or whose shape is wrong, is reported, never silently left out.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Scenario, Target } from './load.js';
import { benchFile } from './procs.js';

export interface RatioGoal {
  name: string;
  scenario: string;
  /** a ÷ b, each a target id of the suite (or of the core tables, for a core scenario). */
  a: string;
  b: string;
  goal: number;
}

/** A latency bound: target a's p99 on the scenario (the median of its rounds) at most p99Ms. */
export interface LatencyGoal {
  name: string;
  scenario: string;
  a: string;
  p99Ms: number;
}

export type Goal = RatioGoal | LatencyGoal;

const isGoal = (g: Partial<RatioGoal & LatencyGoal> | null): boolean =>
  typeof g?.name === 'string' && typeof g.scenario === 'string' && typeof g.a === 'string' && ((typeof g.b === 'string' && typeof g.goal === 'number') || typeof g.p99Ms === 'number');

export interface Suite {
  /** The file's name without extension ("app"). */
  name: string;
  title: string;
  scenarios: Scenario[];
  targets: Target[];
  goals: Goal[];
}

function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'it exports no suite';
  const s = value as Record<string, unknown>;
  if (typeof s.title !== 'string') return '"title" is not a string';
  if (!Array.isArray(s.scenarios) || !s.scenarios.every((x: Scenario) => typeof x?.id === 'string' && typeof x.path === 'string' && typeof x.connections === 'number')) {
    return '"scenarios" is not a list of { id, title, path, connections }';
  }
  if (!Array.isArray(s.targets) || !s.targets.every((t: Target) => typeof t?.id === 'string' && (typeof t.script === 'string' || typeof t.command === 'string'))) {
    return '"targets" is not a list of { id, script, args }';
  }
  if (!Array.isArray(s.goals) || !s.goals.every(isGoal)) {
    return '"goals" is not a list of { name, scenario, a, b, goal } or { name, scenario, a, p99Ms }';
  }
  return null;
}

/** Every suite in bench/suites, in name order; those that cannot be used come back with the reason. */
export async function loadSuites(folder = benchFile('./suites/')): Promise<{ suites: Suite[]; broken: Array<{ name: string; reason: string }> }> {
  const suites: Suite[] = [];
  const broken: Array<{ name: string; reason: string }> = [];
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => f.endsWith('.js')).sort();
  } catch {
    return { suites, broken };
  }
  for (const file of files) {
    const name = file.replace(/\.js$/, '');
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(`${folder}/${file}`).href)) as Record<string, unknown>;
    } catch (error) {
      broken.push({ name, reason: `it does not load: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    const value = module.default ?? module;
    const problem = shapeProblem(value);
    if (problem !== null) {
      broken.push({ name, reason: problem });
      continue;
    }
    const s = value as Omit<Suite, 'name'>;
    suites.push({ name, title: s.title, scenarios: s.scenarios, targets: s.targets, goals: s.goals });
  }
  return { suites, broken };
}
