// wirecore-parity's command line: which targets, which cases, which waivers,
// which outputs. Pure: the tests call it directly with argument lists.
import { UsageError, didYouMean, has, integer, last, list, nameFromCommand, parseFlags, seconds, text, type FlagSpec } from '../cli/args.js';
import type { Case } from './case.js';
import { CASES, categories, selectCases } from './cases/index.js';
import { TARGETS, type TargetSpec } from './targets.js';

export const TOOL = 'wirecore-parity';

export const FLAGS: FlagSpec[] = [
  { name: 'target', placeholder: '<command>', help: 'Start this shell command as a target: it prints "READY <port>" once it listens and answers the echo contract. Repeatable.' },
  { name: 'url', placeholder: '<url>', help: 'A server already running (http://host:port/path): only the cases that need no echo run on it. Repeatable.' },
  { name: 'name', placeholder: '<name>', help: 'Names the --target or --url before it (default: from its command or address).' },
  { name: 'runtime', placeholder: '<net|uws|node-http>', help: 'The target before it runs on this wirecore runtime: wirecore\'s own waivers for it apply.' },
  { name: 'echo-headers', placeholder: '<raw|web>', help: 'How the target before it echoes headers: raw (wire order, as sent; default) or web (a fetch Request\'s Headers: lower-cased, merged, sorted, no version).' },
  { name: 'reference', help: 'The target before it is informational: shown in the report, never fails the run.' },
  { name: 'websocket', help: 'The target before it upgrades /c/<id>/ws to a WebSocket that echoes every message (maxPayloadBytes 64 KiB): the websocket cases run on it.' },
  { name: 'builtin', placeholder: '<names>', optionalValue: true, help: 'Add wirecore\'s own targets (all, or a comma list such as "net,ref: node:http"); inside the wirecore repository.' },
  { name: 'cases', placeholder: '<categories,…>', help: 'Only these categories (or case ids); --list-cases shows them. Default: every case.' },
  { name: 'waivers', placeholder: '<file.json>', help: 'Waivers in the shape of parity/divergences.ts, as JSON. Repeatable.' },
  { name: 'out', placeholder: '<file.md>', help: 'Write the Markdown report (PARITY.md) there.' },
  { name: 'json', placeholder: '<file>', optionalValue: true, help: 'Write every result as JSON there (to stdout without a file).' },
  { name: 'junit', placeholder: '<file.xml>', help: 'Write JUnit XML there, for CI: a failure per unwaived case, waived cases skipped.' },
  { name: 'concurrency', placeholder: '<n>', help: 'Cases in flight at once (default 12).' },
  { name: 'ready-timeout', placeholder: '<seconds>', help: 'How long a target may take to print READY (default 30).' },
  { name: 'list-cases', help: 'List the case categories (the words --cases takes) and exit.' },
  { name: 'verbose', help: 'Show what the targets print on stderr (each line prefixed with its name); hidden by default, as the cases make servers log errors on purpose.' },
  { name: 'quiet', help: 'No progress line.' },
  { name: 'version', help: 'Print the version and exit.' },
  { name: 'help', help: 'Print this help and exit.' },
];

export const USAGE = [
  `Usage: ${TOOL} --target "<command>" [--name <name>] … [--url <url>] … [options]`,
  '',
  'Boots each target, sends every case\'s exact bytes over TCP, judges the answers against RFC 9110/9112,',
  'and exits 1 if a target fails a case no waiver covers (0 when all pass, 2 when it could not run).',
];

export const HELP_AFTER = [
  'A target prints "READY <port>" on stdout once it listens on 127.0.0.1 (PORT=0 is set for it), and answers',
  'the echo contract: /c/<id>/<action> answers 200 with the request it saw as JSON; /seen/<id> lists what',
  'reached the application. The contract, and a reference target for each consumer: parity/README.md.',
  '',
  'Examples:',
  `  ${TOOL} --target "node server.js" --name mine --out PARITY.md --junit parity.xml`,
  `  ${TOOL} --target "node server.js" --name mine --builtin "net,ref: node:http" --cases framing,smuggling`,
  `  ${TOOL} --url http://127.0.0.1:3000/health --name staging --json`,
];

export interface ParityPlan {
  targets: TargetSpec[];
  cases: Case[];
  waiverFiles: string[];
  out?: string;
  /** "-" for stdout. */
  json?: string;
  junit?: string;
  concurrency: number;
  readyTimeoutMs: number;
  quiet: boolean;
  verbose: boolean;
}

export type ParityCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'list-cases' } | { kind: 'run'; plan: ParityPlan };

const RUNTIMES = ['net', 'uws', 'node-http'];


function checkName(name: string): void {
  if (name.trim() === '' || /[|\u0000-\u001f`]/.test(name)) throw new UsageError(`${TOOL}: the name ${JSON.stringify(name)} cannot be used: a name is shown in Markdown tables, so it needs printable characters and no "|" or backquote`);
}

export function parseParityArgs(argv: readonly string[]): ParityCommand {
  const flags = parseFlags(argv, FLAGS, TOOL);
  if (has(flags, 'help')) return { kind: 'help' };
  if (has(flags, 'version')) return { kind: 'version' };
  if (has(flags, 'list-cases')) return { kind: 'list-cases' };

  const readyTimeoutMs = (seconds(flags, 'ready-timeout', TOOL) ?? 30) * 1000;
  const targets: TargetSpec[] = [];
  const named = new Set<TargetSpec>();
  let current: TargetSpec | undefined;
  const needTarget = (flag: string) => {
    if (current === undefined) throw new UsageError(`${TOOL}: --${flag} applies to the --target or --url before it, and there is none yet`);
    return current;
  };
  for (const f of flags) {
    const value = f.value === true ? '' : f.value;
    switch (f.name) {
      case 'target': {
        if (value.trim() === '') throw new UsageError(`${TOOL}: --target needs a command, e.g. --target "node server.js"`);
        current = { name: nameFromCommand(value), runtime: '', command: value, reference: false, headerView: 'raw', knowsVersion: true };
        targets.push(current);
        break;
      }
      case 'url': {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new UsageError(`${TOOL}: --url ${JSON.stringify(value)} is not a URL; write it as http://host:port/path`);
        }
        if (url.protocol !== 'http:') throw new UsageError(`${TOOL}: --url ${value}: only http:// URLs (the harness speaks HTTP/1.1 over plain TCP; point it at the server behind TLS)`);
        if (url.username || url.password || url.hash) throw new UsageError(`${TOOL}: --url ${value}: no credentials or fragment, only http://host:port/path`);
        current = { name: url.host, runtime: '', url, reference: false, headerView: 'raw', knowsVersion: true };
        targets.push(current);
        break;
      }
      case 'name': {
        const t = needTarget('name');
        if (named.has(t)) throw new UsageError(`${TOOL}: the target "${t.name}" is named twice`);
        checkName(value);
        t.name = value;
        named.add(t);
        break;
      }
      case 'runtime': {
        const t = needTarget('runtime');
        if (!RUNTIMES.includes(value)) throw new UsageError(`${TOOL}: --runtime ${JSON.stringify(value)}: one of ${RUNTIMES.join(', ')}${didYouMean(value, RUNTIMES)}`);
        t.runtime = value;
        break;
      }
      case 'echo-headers': {
        const t = needTarget('echo-headers');
        if (value !== 'raw' && value !== 'web') throw new UsageError(`${TOOL}: --echo-headers ${JSON.stringify(value)}: raw or web`);
        t.headerView = value;
        t.knowsVersion = value === 'raw';
        break;
      }
      case 'reference':
        needTarget('reference').reference = true;
        break;
      case 'websocket':
        needTarget('websocket').webSocket = true;
        break;
    }
  }

  const builtin = last(flags, 'builtin');
  const chosenBuiltins: TargetSpec[] = [];
  if (builtin !== undefined) {
    if (builtin === true) chosenBuiltins.push(...TARGETS);
    else {
      for (const name of list(builtin, 'builtin', TOOL)) {
        const spec = TARGETS.find((t) => t.name === name);
        if (spec === undefined) throw new UsageError(`${TOOL}: no built-in target "${name}"${didYouMean(name, TARGETS.map((t) => t.name))}; they are: ${TARGETS.map((t) => t.name).join(', ')}`);
        if (!chosenBuiltins.includes(spec)) chosenBuiltins.push(spec);
      }
    }
  }
  const all = [...chosenBuiltins, ...targets];
  if (all.length === 0) throw new UsageError(`${TOOL}: nothing to test: give a --target "<command>", a --url, or --builtin (see ${TOOL} --help)`);
  const seen = new Set<string>();
  for (const t of all) {
    if (seen.has(t.name) && !named.has(t) && targets.includes(t)) {
      // A name made from the command: number the repeats.
      let n = 2;
      while (seen.has(`${t.name}-${n}`)) n++;
      t.name = `${t.name}-${n}`;
    }
    if (seen.has(t.name)) throw new UsageError(`${TOOL}: two targets are named "${t.name}": give each its own --name`);
    seen.add(t.name);
  }
  // A user's target gets a runtime's waivers only when it says which (--runtime); otherwise those naming it.
  for (const t of targets) if (t.runtime === '') t.runtime = t.name;

  let cases = CASES;
  const words = text(flags, 'cases', TOOL);
  if (words !== undefined) {
    const { selected, unknown } = selectCases(CASES, list(words, 'cases', TOOL));
    if (unknown.length > 0) {
      const slugs = categories(CASES).map((c) => c.slug);
      throw new UsageError(`${TOOL}: --cases: no category or case "${unknown[0]}"${didYouMean(unknown[0]!, slugs)}; the categories are: ${slugs.join(', ')}`);
    }
    cases = selected;
  }

  const json = last(flags, 'json');
  return {
    kind: 'run',
    plan: {
      targets: all,
      cases,
      waiverFiles: flags.filter((f) => f.name === 'waivers').map((f) => {
        if (f.value === true || f.value.trim() === '') throw new UsageError(`${TOOL}: --waivers needs a file`);
        return f.value;
      }),
      ...(text(flags, 'out', TOOL) !== undefined ? { out: text(flags, 'out', TOOL)! } : {}),
      ...(json !== undefined ? { json: json === true ? '-' : json } : {}),
      ...(text(flags, 'junit', TOOL) !== undefined ? { junit: text(flags, 'junit', TOOL)! } : {}),
      concurrency: integer(flags, 'concurrency', TOOL, 1, 256) ?? 12,
      readyTimeoutMs,
      quiet: has(flags, 'quiet'),
      verbose: has(flags, 'verbose'),
    },
  };
}
