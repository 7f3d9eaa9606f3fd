// What both tools share besides flags and processes: the package version,
// writing an output file, and running main with clear errors and exit codes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './args.js';

/** wirecore's version, from the package.json two folders up (dist/<tool>/cli.js). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Writes a file (making its folder); "-" writes to stdout. Returns where it went. */
export function writeOutput(file: string, text: string): string {
  if (file === '-') {
    process.stdout.write(text);
    return 'stdout';
  }
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return file;
}

/** A command line as it could be typed again. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

/** How a report says it was made: the npm script when run through one, else the command line. */
export function writtenBy(tool: string, argv: readonly string[]): string {
  const line = `${tool}${argv.length ? ' ' + shellQuote(argv) : ''}`;
  const script = process.env.npm_lifecycle_event;
  return script && process.env.npm_lifecycle_script?.includes(`/${tool.replace('wirecore-', '')}/cli.js`) ? `\`npm run ${script}\` (\`${line}\`)` : `\`${line}\``;
}

/** Exit codes: 0 success, 1 the run found what it gates on, 2 the tool could not do the run. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Runs a tool's main and exits with its code: a UsageError or a start-up
 * error prints one clear message (the stack only with WIRECORE_DEBUG=1) and
 * exits 2. Exiting stops every target still running (cli/process.ts).
 */
export async function runMain(tool: string, main: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof UsageError ? `${message}\n` : `${tool}: ${message}\n`);
    if (process.env.WIRECORE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    code = EXIT.usage;
  }
  process.exit(code);
}
