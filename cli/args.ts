// Command-line flags for wirecore-parity and wirecore-bench: a small parser
// that keeps the order of flags (`--name` names the target before it) and
// refuses anything it does not know with a message that says what to do.
import { suggest } from '../src/suggest.js';

/** A target's default name, from its command: the script's file name ("node dist/server.js" → "server"), else its first word. */
export function nameFromCommand(command: string): string {
  const words = command.trim().split(/\s+/);
  const file = words.find((w, i) => i > 0 && /[./]/.test(w) && !w.startsWith('-'));
  const base = (path: string) => path.replace(/\/+$/, '').split('/').pop()!.replace(/\.[^.]*$/, '');
  if (file !== undefined) return base(file) || file;
  return base(words[0] ?? '') || 'target';
}

/** A mistake in how the tool was called: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  /** Without the leading dashes. */
  name: string;
  /** What follows the flag: nothing (a switch), or a value shown as `placeholder` in the help. */
  placeholder?: string;
  /** A switch that may also take a value (`--json` or `--json out.json`). */
  optionalValue?: boolean;
  help: string;
}

export interface Flag {
  name: string;
  /** `true` for a switch (or an optional value left out). */
  value: string | true;
}

export { suggest };

export function didYouMean(word: string, known: readonly string[]): string {
  const close = suggest(word, known);
  return close === undefined ? '' : ` (did you mean "${close}"?)`;
}

/** Flags in the order given. `--flag value` and `--flag=value` both work. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], tool: string): Flag[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags: Flag[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`${tool}: unexpected argument ${JSON.stringify(arg)}: every option is a flag (see ${tool} --help)${arg.includes(' ') ? '; a command goes after --target' : ''}`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (spec === undefined) {
      const close = suggest(name, specs.map((s) => s.name));
      throw new UsageError(`${tool}: unknown option --${name}${close === undefined ? '' : ` (did you mean --${close}?)`}; see ${tool} --help`);
    }
    if (spec.placeholder === undefined) {
      if (eq !== -1) throw new UsageError(`${tool}: --${name} takes no value (got ${JSON.stringify(arg.slice(eq + 1))})`);
      flags.push({ name, value: true });
      continue;
    }
    if (eq !== -1) {
      flags.push({ name, value: arg.slice(eq + 1) });
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('--') && next.length > 2)) {
      if (spec.optionalValue) {
        flags.push({ name, value: true });
        continue;
      }
      throw new UsageError(`${tool}: --${name} needs a value: ${spec.placeholder} (${spec.help.split('.')[0]})`);
    }
    flags.push({ name, value: next });
    i++;
  }
  return flags;
}

/** The last value of a flag, or undefined. */
export function last(flags: readonly Flag[], name: string): string | true | undefined {
  let value: string | true | undefined;
  for (const f of flags) if (f.name === name) value = f.value;
  return value;
}

export function has(flags: readonly Flag[], name: string): boolean {
  return flags.some((f) => f.name === name);
}

export function text(flags: readonly Flag[], name: string, tool: string): string | undefined {
  const value = last(flags, name);
  if (value === true) throw new UsageError(`${tool}: --${name} needs a value`);
  if (value !== undefined && value.trim() === '') throw new UsageError(`${tool}: --${name} is empty`);
  return value;
}

/** A whole number within [min, max]. */
export function integer(flags: readonly Flag[], name: string, tool: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = text(flags, name, tool);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${tool}: --${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`} (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}

/** A number of seconds > 0 (fractions allowed). */
export function seconds(flags: readonly Flag[], name: string, tool: string, allowZero = false): number | undefined {
  const value = text(flags, name, tool);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || (!allowZero && n === 0) || n > 3600) {
    throw new UsageError(`${tool}: --${name} must be a number of seconds${allowZero ? '' : ' above 0'}, at most 3600 (got ${JSON.stringify(value)})`);
  }
  return n;
}

/** A comma list, each item trimmed, none empty. */
export function list(value: string, name: string, tool: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${tool}: --${name} has an empty item in ${JSON.stringify(value)}`);
  return items;
}

/** Words into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The help text: usage lines, then every flag with its placeholder, aligned. */
export function helpText(usage: string[], specs: readonly FlagSpec[], after: string[] = []): string {
  const left = specs.map((s) => `--${s.name}${s.placeholder ? (s.optionalValue ? ` [${s.placeholder}]` : ` ${s.placeholder}`) : ''}`);
  const width = Math.min(34, Math.max(...left.map((l) => l.length)) + 2);
  const lines = [...usage, '', 'Options:'];
  specs.forEach((s, i) => {
    const l = left[i]!;
    const wrapped = wrap(s.help, 100 - 2 - width);
    const indent = ' '.repeat(2 + width);
    if (l.length + 2 > width) lines.push(`  ${l}`, ...wrapped.map((w) => indent + w));
    else lines.push(`  ${l.padEnd(width)}${wrapped[0]}`, ...wrapped.slice(1).map((w) => indent + w));
  });
  return [...lines, ...(after.length ? ['', ...after] : [])].join('\n') + '\n';
}
