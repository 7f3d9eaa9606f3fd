// Writes PARITY.md: summary, waivers, the case × target matrix, divergences.
import type { Case } from './case.js';
import type { TargetSpec } from './targets.js';
import { KNOWN_HOLES } from './holes.js';
import type { Waivers } from './waivers.js';

/** `waived-pass`: a waiver applies but the case passes (the waiver is no longer needed); `hole`: a known hole (holes.ts) let the message through. */
export type Outcome = 'pass' | 'fail' | 'waived-pass' | 'waived' | 'hole';

export interface Result {
  c: Case;
  target: TargetSpec;
  outcome: Outcome;
  detail: string;
  /** Names of the waivers that excuse it (see waivers.ts), or of the known hole. */
  waivedBy: string[];
  /** A message the target had to refuse reached its application. */
  reached: boolean;
  raw: Buffer;
}

/** Whether the case is one a target must refuse (the count "reaches the application" is taken over these). */
export function mustRefuse(c: Case): boolean {
  return c.expect.kind === 'reject' || c.expect.kind === 'unreached';
}

const cell: Record<Outcome, string> = { pass: '✓', fail: '✗', 'waived-pass': '✓', waived: 'w', hole: 'H' };
/** A case restricted to other targets (Case.targets). */
const NOT_RUN = 'n/a';

function escapeBytes(text: string, max = 240): string {
  const shown = text.length > max ? text.slice(0, max) + `… (${text.length} bytes)` : text;
  return JSON.stringify(shown).slice(1, -1).replaceAll('|', '\\|').replaceAll('`', "'");
}

export interface ReportOptions {
  /** How the report was made, e.g. "`npm run parity` (wirecore-parity --builtin)". */
  writtenBy: string;
  waivers: Waivers;
}

export function renderReport(cases: readonly Case[], targets: readonly TargetSpec[], results: readonly Result[], wallMs: number, sent: (c: Case) => string, options: ReportOptions): string {
  // Undefined where a consumer's own case does not apply to a target.
  const byKey = new Map(results.map((r) => [`${r.c.id}\u0000${r.target.name}`, r]));
  const at = (c: Case, t: TargetSpec) => byKey.get(`${c.id}\u0000${t.name}`);
  const lines: string[] = [];
  lines.push('# PARITY', '');
  lines.push(`Written by ${options.writtenBy}: every target ${targets.some((t) => t.url) ? '(a child process on 127.0.0.1, or a server at a URL)' : 'is a child process on 127.0.0.1 that'} gets the same raw bytes; answers are parsed strictly with llhttp and compared with what RFC 9110/9112 require. Targets in **bold** gate CI; \`ref:\` columns are informational.`, '');
  const restricted = cases.filter((c) => c.consumer !== undefined).length;
  lines.push(`${cases.length} cases${restricted ? ` (${restricted} of them a consumer's own, run on its targets only)` : ''} × ${targets.length} targets, ${(wallMs / 1000).toFixed(1)} s wall time, Node ${process.version}.`, '');
  lines.push('## Summary', '', '| target | pass | fail | waived | reaches the application |', '|---|---|---|---|---|');
  for (const t of targets) {
    const mine = results.filter((r) => r.target === t);
    const count = (o: Outcome[]) => mine.filter((r) => o.includes(r.outcome)).length;
    const name = t.reference ? t.name : `**${t.name}**`;
    const refusals = mine.filter((r) => mustRefuse(r.c)).length;
    const reached = mine.filter((r) => r.reached).length;
    const holes = count(['hole']);
    const reachedCell = t.url !== undefined ? '–' : `${reached} of ${refusals}${holes ? ` (${holes} known hole${holes === 1 ? '' : 's'})` : ''}`;
    lines.push(`| ${name} | ${count(['pass', 'waived-pass'])} | ${count(['fail'])} | ${t.reference ? '–' : count(['waived'])} | ${reachedCell} |`);
  }
  const urlTargets = targets.filter((t) => t.url !== undefined);
  lines.push(
    '',
    `✓ pass · ✗ fail · w waived (a documented divergence, below) · H a known hole (below) · – not applicable (a consumer\'s own case, run on its targets only${urlTargets.length ? `; on a URL target (${urlTargets.map((t) => t.name).join(', ')}), a case that needs the echo contract or its limits` : ''})`,
    '',
  );

  lines.push(
    '## Reaches the application',
    '',
    'For every case a target must refuse (a malformed or smuggling message, or one sent after a refusal or a close), the harness asks the target what reached its application (`/seen`). "Reaches the application" in the summary counts the cases where any request of the refused message did; no waiver covers it. It is 0 everywhere but the known holes below: messages a runtime lets through and wirecore cannot stop there.',
    '',
  );
  const holeTargets = (targetsOf: readonly string[]) => targets.filter((t) => !t.reference && (targetsOf.includes(t.name) || targetsOf.includes(t.runtime)));
  const holes = Object.entries(KNOWN_HOLES).filter(([, h]) => holeTargets(h.targets).length > 0);
  if (holes.length === 0) lines.push('No known hole applies to these targets.');
  for (const [name, h] of holes) {
    lines.push(`- **${name}** — ${holeTargets(h.targets).map((t) => t.name).join(', ')}: ${h.reason} **When it matters:** ${h.condition} Cases: ${h.cases.join(', ')}.`);
  }
  lines.push('');

  const relevant = options.waivers.relevantTo(targets);
  const fromFiles = [...new Set(relevant.filter((w) => w.source !== 'built-in').map((w) => w.source))];
  lines.push(
    '## Waivers',
    '',
    `One reviewed entry per rule a runtime cannot honour (parity/divergences.ts${fromFiles.length ? `, ${fromFiles.join(', ')}` : ''}); a case tagged with the rule${fromFiles.length ? ' or listed in the entry' : ''} is waived for those targets only.`,
    '',
  );
  if (relevant.length === 0) lines.push('None apply to these targets.');
  for (const w of relevant) {
    const tagged = options.waivers.casesOf(w, cases);
    const allows = w.allows.length ? ` Allows: ${w.allows.join(', ')}.` : ' (the test suite\'s only: no case is judged by it)';
    const excepted = Object.entries(w.except ?? {}).map(([id, on]) => `${id} (${on.join(', ')})`);
    const except = excepted.length ? ` Not waived, the rule holds there: ${excepted.join(', ')}.` : '';
    lines.push(`- **${w.name}**${w.source === 'built-in' ? '' : ` (${w.source})`} — ${w.targets.join(', ')}: ${w.reason}${allows}${tagged.length ? ` Cases: ${tagged.join(', ')}.` : ''}${except}`);
  }
  lines.push('');

  const unneeded = results.filter((r) => r.outcome === 'waived-pass');
  if (unneeded.length > 0) {
    lines.push('### Waivers no longer needed', '', 'A waiver applies to these cells, but the target now does what the case expects: the waiver can go for them.', '');
    const byWaiver = new Map<string, Result[]>();
    for (const r of unneeded) for (const name of r.waivedBy) byWaiver.set(name, [...(byWaiver.get(name) ?? []), r]);
    for (const [name, list] of byWaiver) {
      const byCase = new Map<string, string[]>();
      for (const r of list) byCase.set(r.c.id, [...(byCase.get(r.c.id) ?? []), r.target.name]);
      lines.push(`- **${name}**: ${[...byCase].map(([id, names]) => `${id} (${names.join(', ')})`).join('; ')}`);
    }
    lines.push('');
  }

  lines.push('## Matrix', '');
  const categories = [...new Set(cases.map((c) => c.category))];
  for (const category of categories) {
    lines.push(`### ${category}`, '', `| case | ${targets.map((t) => t.name).join(' | ')} |`, `|---|${targets.map(() => '---').join('|')}|`);
    for (const c of cases.filter((x) => x.category === category)) {
      lines.push(`| \`${c.id}\` ${c.title} | ${targets.map((t) => { const r = at(c, t); return r === undefined ? '–' : cell[r.outcome]; }).join(' | ')} |`);
    }
    lines.push('');
  }

  lines.push('## Divergences', '', 'Every case where a target did not do what the RFCs require: the bytes sent, what came back, and whether it is waived.', '');
  for (const c of cases) {
    const bad = targets.map((t) => at(c, t)).filter((r): r is Result => r !== undefined && (r.outcome === 'fail' || r.outcome === 'waived' || r.outcome === 'hole'));
    if (bad.length === 0) continue;
    lines.push(`### \`${c.id}\` ${c.title}`, '', `Sent: \`${escapeBytes(sent(c))}\``, '');
    for (const r of bad) {
      const why = r.outcome === 'waived' ? `waived (${r.waivedBy.join(', ')})` : r.outcome === 'hole' ? `**known hole** (${r.waivedBy.join(', ')})` : r.target.reference ? 'reference, informational' : '**NOT WAIVED**';
      lines.push(`- ${r.target.name}: ${r.detail} — ${why}. Got: \`${escapeBytes(r.raw.toString('latin1'), 160) || '(nothing)'}\``);
    }
    lines.push('');
  }
  return lines.join('\n');
}
