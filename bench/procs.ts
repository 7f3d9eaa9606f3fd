// Starting pinned server processes and reading their memory.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();

/** Runs `command` pinned to `cpu` when taskset is there. */
export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

export interface ServerProcess {
  pid: number;
  port: number;
  /** Full GC in the server (only when started with gc-on-signal preloaded); resolves once it has run. */
  collect(): Promise<void>;
  stop(): Promise<void>;
}

export const benchFile = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Starts `node script args` on CPU 0 and waits for its "READY <port>" line. */
export function startServer(script: string, args: string[] = [], nodeArgs: string[] = []): Promise<ServerProcess> {
  const [command, argv] = pinned(0, process.execPath, [...nodeArgs, script, ...args]);
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({
        pid: child.pid!,
        port: Number(m[1]),
        collect: () =>
          new Promise<void>((done) => {
            const onLine = (line: Buffer) => {
              if (!line.includes('GC DONE')) return;
              child.stdout!.off('data', onLine);
              done();
            };
            child.stdout!.on('data', onLine);
            // taskset execs node, so the child's pid is node's.
            child.kill('SIGUSR2');
          }),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} ${args.join(' ')} exited (${code}) before READY: ${out}`)));
  });
}

/** Resident set size of a process, in bytes (0 once it is gone). */
export function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples RSS every 50 ms until stopped; returns the peak. */
export function sampleRss(pid: number): () => number {
  let peak = rss(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rss(pid));
  };
}

/** Median of the measured values (NaN, "not measured", is left out). */
export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function machineLine(generator: string): string {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0;
  return `${cpu}, ${cores} cores, Node ${process.version}, load generator: ${generator}${HAS_TASKSET ? ', servers pinned to CPU 0 and the load generator to CPU 1 (taskset)' : ', no taskset: not pinned'}`;
}
