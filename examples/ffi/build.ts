// Builds the example native libraries: the C one with gcc (-shared -fPIC),
// the Rust one with cargo (a cdylib with no dependencies, built offline).
// `npm run ffi:build [c|rust]` writes into examples/ffi/build/ (git-ignored);
// the tests build into their own folders.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from examples/ffi/ and from dist/examples/ffi/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'wirecore') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('wirecore: cannot find the repository root from ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

const root = repoRoot();
const examples = join(root, 'examples', 'ffi');
/** Where wirecore_ffi.h is. */
export const INCLUDE_DIR = join(root, 'adapters', 'ffi');
export const DEFAULT_OUT_DIR = join(examples, 'build');

export function sharedLibraryName(name: string): string {
  if (process.platform === 'win32') return `${name}.dll`;
  return process.platform === 'darwin' ? `lib${name}.dylib` : `lib${name}.so`;
}

function prepare(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const ignore = join(outDir, '.gitignore');
  if (outDir === DEFAULT_OUT_DIR && !existsSync(ignore)) writeFileSync(ignore, '*\n');
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer; message: string };
    if (e.code === 'ENOENT') throw new Error(`wirecore/ffi examples: ${command} is not installed (needed to build the example library)`);
    throw new Error(`wirecore/ffi examples: ${command} ${args.join(' ')} failed:\n${e.stderr?.toString() ?? e.message}`);
  }
}

/**
 * Compiles C sources into a shared library. The output is written under a
 * temporary name and renamed, so processes building the same library at once
 * never load a half-written file.
 */
export function compileC(sources: string[], outFile: string, extraFlags: readonly string[] = []): string {
  prepare(dirname(outFile));
  const partial = `${outFile}.${process.pid}.partial`;
  run('gcc', ['-std=c11', '-O2', '-Wall', '-Wextra', ...extraFlags, '-shared', '-fPIC', '-fvisibility=hidden', '-I', INCLUDE_DIR, '-o', partial, ...sources, '-lpthread']);
  renameSync(partial, outFile);
  return outFile;
}

/** The C example: hello, echo, json, a streamed counter, a slow handler, broken answers, the parity echo. */
export function buildC(outDir = DEFAULT_OUT_DIR): string {
  const sources = ['example.c', 'parity.c', 'sha256.c'].map((file) => join(examples, 'c', file));
  return compileC(sources, join(outDir, sharedLibraryName('wirecore_example')));
}

export function hasCargo(): boolean {
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The Rust example (hello and the streamed counter): cargo build --offline --release.
 * Cargo's own folder is shared (it locks it), so later builds are incremental.
 */
export function buildRust(outDir = DEFAULT_OUT_DIR): string {
  prepare(outDir);
  prepare(DEFAULT_OUT_DIR);
  const targetDir = join(DEFAULT_OUT_DIR, 'rust-target');
  run('cargo', ['build', '--offline', '--release', '--quiet', '--manifest-path', join(examples, 'rust', 'Cargo.toml'), '--target-dir', targetDir]);
  const built = join(targetDir, 'release', sharedLibraryName('wirecore_example_rs'));
  const outFile = join(outDir, sharedLibraryName('wirecore_example_rs'));
  const partial = `${outFile}.${process.pid}.partial`;
  copyFileSync(built, partial);
  renameSync(partial, outFile);
  return outFile;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const which = process.argv[2] ?? 'all';
  if (which === 'c' || which === 'all') console.log(`built ${buildC()}`);
  if (which === 'rust' || (which === 'all' && hasCargo())) console.log(`built ${buildRust()}`);
}
