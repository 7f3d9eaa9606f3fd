// Starting a target: a process that prints "READY <port>" on stdout once it
// listens. Each runs in a process group of its own, so a shell command and
// everything it starts are stopped together, and every group still running
// is killed when the tool exits (normally, on an error, or on Ctrl-C).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface TargetCommand {
  /** Shown in every message about this target. */
  name: string;
  /** A shell command line (a user's target), or a program and its arguments (a built-in one). */
  command: string | { file: string; args: readonly string[] };
  /** Pin the process (and what it starts) to this CPU with taskset, when taskset is there. */
  cpu?: number;
  env?: Record<string, string>;
  /** How long to wait for READY (default 30 s). */
  readyTimeoutMs?: number;
  /** Copy the target's stderr to ours, each line prefixed with its name (default true). */
  forwardStderr?: boolean;
}

export interface TargetProcess {
  name: string;
  /** The spawned process: node itself for a built-in target, the shell for a command. */
  pid: number;
  port: number;
  /** Resolves at the first stdout line matching `pattern` from now on. */
  nextLine(pattern: RegExp): Promise<string>;
  signal(name: NodeJS.Signals): void;
  /** Kills the whole process group; resolves once the process has exited. */
  stop(): Promise<void>;
}

export const HAS_TASKSET = (() => {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** `command args` pinned to `cpu` when asked and taskset is there. */
export function pinned(cpu: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpu !== undefined && HAS_TASKSET ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, [...args]];
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

let cleanupInstalled = false;
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child);
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      for (const child of running) killGroup(child);
      process.stderr.write(`\nstopped (${signal}); every target was stopped\n`);
      process.exit(code);
    });
  }
}

/** The last `max` characters of a growing text. */
function tail(text: string, max = 1500): string {
  return text.length > max ? '…' + text.slice(-max) : text;
}

/** Starts a target and resolves once it printed READY <port>; rejects with what it printed if it never does. */
export function startTarget(target: TargetCommand): Promise<TargetProcess> {
  installCleanup();
  const timeoutMs = target.readyTimeoutMs ?? 30_000;
  const [file, args] =
    typeof target.command === 'string' ? pinned(target.cpu, '/bin/sh', ['-c', target.command]) : pinned(target.cpu, target.command.file, target.command.args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, ...target.env },
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let ready = false;
    let exited = false;
    let stopping = false;
    const lineWaiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
    let partial = '';
    const exitPromise = new Promise<void>((done) =>
      child.once('exit', () => {
        exited = true;
        running.delete(child);
        done();
      }),
    );
    const fail = (why: string) => {
      clearTimeout(timer);
      killGroup(child);
      const output = [stdout.trim() && `stdout: ${tail(stdout.trim())}`, stderr.trim() && `stderr: ${tail(stderr.trim())}`].filter(Boolean).join('\n');
      reject(new Error(`target "${target.name}" ${why}${output ? `. Its output:\n${output}` : ' (it printed nothing)'}`));
    };
    const timer = setTimeout(() => fail(`did not print "READY <port>" within ${timeoutMs / 1000} s`), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready) {
        stdout += text;
        const match = /(?:^|\n)READY (\d+)\s*(?:\n|$)/.exec(stdout);
        if (match === null) return;
        const port = Number(match[1]);
        if (!(port > 0 && port < 65536)) return fail(`printed READY with ${match[1]}, which is not a port`);
        ready = true;
        clearTimeout(timer);
        resolve({
          name: target.name,
          pid: child.pid!,
          port,
          nextLine: (pattern) => new Promise((found) => lineWaiters.push({ pattern, resolve: found })),
          signal: (name) => {
            if (!exited) child.kill(name);
          },
          stop: () => {
            stopping = true;
            killGroup(child);
            return exitPromise;
          },
        });
        return;
      }
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const at = lineWaiters.findIndex((w) => w.pattern.test(line));
        if (at !== -1) lineWaiters.splice(at, 1)[0]!.resolve(line);
      }
    });
    let errPartial = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      // Kept (the last few KiB) for the message if the target dies.
      stderr = (stderr + text).slice(-4096);
      if (ready && target.forwardStderr !== false) {
        errPartial += text;
        const lines = errPartial.split('\n');
        errPartial = lines.pop()!;
        for (const line of lines) process.stderr.write(`[${target.name}] ${line}\n`);
      }
    });
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (!ready) fail(`exited (${signal ?? `code ${code}`}) before it printed "READY <port>"`);
      // A target that dies during the run: what follows (failed cases, load errors) is explained here.
      else if (!stopping) process.stderr.write(`\ntarget "${target.name}" exited (${signal ?? `code ${code}`}) during the run${stderr.trim() ? `; its last output on stderr:\n${tail(stderr.trim(), 800)}` : ''}\n`);
    });
  });
}
