// Runs a built tool (dist/parity/cli.js, dist/bench/cli.js) as a user would:
// a separate process, its exit code, what it printed. npm test builds first.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const PARITY_CLI = fileURLToPath(new URL('../../dist/parity/cli.js', import.meta.url));
export const BENCH_CLI = fileURLToPath(new URL('../../dist/bench/cli.js', import.meta.url));
/** A user's servers, no wirecore in them. */
export const NODE_HTTP_SERVER = fileURLToPath(new URL('../fixtures/tools/node-http-server.mjs', import.meta.url));
export const HONO_SERVER = fileURLToPath(new URL('../fixtures/tools/hono-server.mjs', import.meta.url));

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(cli: string, args: string[], timeoutMs = 60_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${cli} ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr.slice(-600)}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temporary folder, removed after the file's tests. */
export function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a server script as its own process and resolves with its port once it prints READY. */
export function startServerProcess(script: string): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, PORT: '0' } });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before READY: ${out}`)));
  });
}
