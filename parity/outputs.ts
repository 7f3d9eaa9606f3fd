// wirecore-parity's machine-readable outputs: JSON (every result) and JUnit
// XML (one test suite per target, a failure per unwaived case) for CI.
import type { Case } from './case.js';
import type { Result } from './report.js';
import type { TargetSpec } from './targets.js';
import type { Waivers } from './waivers.js';

export interface TargetSummary {
  name: string;
  reference: boolean;
  pass: number;
  fail: number;
  waived: number;
  /** Cases where a message the target had to refuse reached its application, and how many of them are known holes. */
  reached: number;
  holes: number;
}

export function summarize(targets: readonly TargetSpec[], results: readonly Result[]): TargetSummary[] {
  return targets.map((t) => {
    const mine = results.filter((r) => r.target === t);
    const count = (...outcomes: Result['outcome'][]) => mine.filter((r) => outcomes.includes(r.outcome)).length;
    return { name: t.name, reference: t.reference, pass: count('pass', 'waived-pass'), fail: count('fail'), waived: count('waived'), reached: mine.filter((r) => r.reached).length, holes: count('hole') };
  });
}

/** The failures that fail the run: unwaived, on a target that gates. */
export function unwaivedFailures(results: readonly Result[]): Result[] {
  return results.filter((r) => r.outcome === 'fail' && !r.target.reference);
}

export function renderJson(cases: readonly Case[], targets: readonly TargetSpec[], results: readonly Result[], waivers: Waivers, meta: { version: string; wallMs: number }): string {
  const order = new Map(cases.map((c, i) => [c.id, i]));
  const sorted = [...results].sort((a, b) => targets.indexOf(a.target) - targets.indexOf(b.target) || order.get(a.c.id)! - order.get(b.c.id)!);
  return (
    JSON.stringify(
      {
        tool: 'wirecore-parity',
        version: meta.version,
        node: process.version,
        wallMs: meta.wallMs,
        unwaivedFailures: unwaivedFailures(results).length,
        targets: summarize(targets, results).map((s, i) => ({ ...s, ...(targets[i]!.url ? { url: targets[i]!.url!.href } : {}) })),
        cases: cases.map((c) => ({ id: c.id, category: c.category, title: c.title })),
        waivers: waivers.relevantTo(targets).map((w) => ({ name: w.name, targets: w.targets, reason: w.reason, allows: w.allows, source: w.source, ...(w.cases ? { cases: w.cases } : {}), ...(w.except ? { except: w.except } : {}) })),
        results: sorted.map((r) => ({
          case: r.c.id,
          target: r.target.name,
          outcome: r.outcome,
          ...(r.detail ? { detail: r.detail } : {}),
          ...(r.waivedBy.length ? { [r.outcome === 'hole' ? 'knownHole' : 'waivedBy']: r.outcome === 'hole' ? r.waivedBy[0] : r.waivedBy } : {}),
          ...(r.reached ? { reachedApplication: true } : {}),
          ...(r.outcome === 'fail' || r.outcome === 'waived' || r.outcome === 'hole' ? { received: r.raw.toString('latin1').slice(0, 2000) } : {}),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

function xml(text: string): string {
  // XML 1.0 has no place for most control characters, which answers may hold.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/**
 * JUnit XML: a <testsuite> per target, a <testcase> per case run on it. An
 * unwaived failure on a gating target is a <failure>; a waived case and any
 * failure on a reference target are <skipped> with the reason, so CI shows
 * them without failing.
 */
export function renderJunit(targets: readonly TargetSpec[], results: readonly Result[], waivers: Waivers, wallMs: number): string {
  const reasonOf = new Map(waivers.entries.map((w) => [w.name, w.reason]));
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = unwaivedFailures(results).length;
  lines.push(`<testsuites name="wirecore-parity" tests="${results.length}" failures="${failures}" time="${(wallMs / 1000).toFixed(3)}">`);
  for (const t of targets) {
    const mine = results.filter((r) => r.target === t);
    const failed = mine.filter((r) => r.outcome === 'fail' && !t.reference).length;
    const skipped = mine.filter((r) => r.outcome === 'waived' || r.outcome === 'hole' || (r.outcome === 'fail' && t.reference)).length;
    lines.push(`  <testsuite name="${xml(t.name)}" tests="${mine.length}" failures="${failed}" skipped="${skipped}">`);
    for (const r of mine) {
      const open = `    <testcase classname="${xml(`${t.name}.${r.c.category}`)}" name="${xml(`${r.c.id}: ${r.c.title}`)}"`;
      if (r.outcome === 'pass' || r.outcome === 'waived-pass') {
        lines.push(`${open}/>`);
      } else if (r.outcome === 'waived') {
        lines.push(`${open}>`, `      <skipped message="${xml(`waived (${r.waivedBy.join(', ')}): ${r.detail}`)}">${xml(r.waivedBy.map((n) => `${n}: ${reasonOf.get(n) ?? ''}`).join('\n'))}</skipped>`, '    </testcase>');
      } else if (r.outcome === 'hole') {
        lines.push(`${open}>`, `      <skipped message="${xml(`known hole (${r.waivedBy.join(', ')}): ${r.detail}`)}"/>`, '    </testcase>');
      } else if (t.reference) {
        lines.push(`${open}>`, `      <skipped message="${xml(`reference target, informational: ${r.detail}`)}"/>`, '    </testcase>');
      } else {
        lines.push(`${open}>`, `      <failure message="${xml(r.detail)}" type="parity">${xml(`received: ${r.raw.toString('latin1').slice(0, 2000) || '(nothing)'}`)}</failure>`, '    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
