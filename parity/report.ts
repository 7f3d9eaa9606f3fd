// Writes PARITY.md: summary, waivers, the case × target matrix, divergences.
import type { Case } from './case.js';
import type { TargetSpec } from './targets.js';
import type { Waivers } from './waivers.js';

export type Outcome = 'pass' | 'fail' | 'waived-pass' | 'waived';

export interface Result {
  c: Case;
  target: TargetSpec;
  outcome: Outcome;
  detail: string;
  /** Names of the waivers that excuse it (see waivers.ts). */
  waivedBy: string[];
  raw: Buffer;
}

const cell: Record<Outcome, string> = { pass: '✓', fail: '✗', 'waived-pass': '✓', waived: 'w' };
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
  lines.push('## Summary', '', '| target | pass | fail | waived |', '|---|---|---|---|');
  for (const t of targets) {
    const mine = results.filter((r) => r.target === t);
    const count = (o: Outcome[]) => mine.filter((r) => o.includes(r.outcome)).length;
    const name = t.reference ? t.name : `**${t.name}**`;
    lines.push(`| ${name} | ${count(['pass', 'waived-pass'])} | ${count(['fail'])} | ${t.reference ? '–' : count(['waived'])} |`);
  }
  const urlTargets = targets.filter((t) => t.url !== undefined);
  lines.push(
    '',
    `✓ pass · ✗ fail · w waived (a documented divergence, below) · – not applicable (a consumer\'s own case, run on its targets only${urlTargets.length ? `; on a URL target (${urlTargets.map((t) => t.name).join(', ')}), a case that needs the echo contract or its limits` : ''})`,
    '',
  );

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
    lines.push(`- **${w.name}**${w.source === 'built-in' ? '' : ` (${w.source})`} — ${w.targets.join(', ')}: ${w.reason}${tagged.length ? ` Cases: ${tagged.join(', ')}.` : ''}`);
  }
  lines.push('');

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
    const bad = targets.map((t) => at(c, t)).filter((r): r is Result => r !== undefined && (r.outcome === 'fail' || r.outcome === 'waived'));
    if (bad.length === 0) continue;
    lines.push(`### \`${c.id}\` ${c.title}`, '', `Sent: \`${escapeBytes(sent(c))}\``, '');
    for (const r of bad) {
      const why = r.outcome === 'waived' ? `waived (${r.waivedBy.join(', ')})` : r.target.reference ? 'reference, informational' : '**NOT WAIVED**';
      lines.push(`- ${r.target.name}: ${r.detail} — ${why}. Got: \`${escapeBytes(r.raw.toString('latin1'), 160) || '(nothing)'}\``);
    }
    lines.push('');
  }
  return lines.join('\n');
}
