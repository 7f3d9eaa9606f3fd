// Starting pinned server processes and reading their memory.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { HAS_TASKSET, pinned, startTarget, type TargetProcess } from '../cli/process.js';

export { HAS_TASKSET, pinned };

export interface ServerProcess {
  pid: number;
  port: number;
  /** Full GC in the server (only when started with gc-on-signal preloaded); resolves once it has run. */
  collect(): Promise<void>;
  stop(): Promise<void>;
}

export const benchFile = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The CPU the bench's servers run on, unless told otherwise. */
export const SERVER_CPU = 0;
/** The CPU the load generator and clients run on, unless told otherwise. */
export const CLIENT_CPU = 1;

export function withCollect(server: TargetProcess): ServerProcess {
  return {
    pid: server.pid,
    port: server.port,
    collect: () => {
      const done = server.nextLine(/GC DONE/).then(() => {});
      // The pid is node's: taskset execs it.
      server.signal('SIGUSR2');
      return done;
    },
    stop: () => server.stop(),
  };
}

/** Starts `node [nodeArgs] script args` on `cpu` (default SERVER_CPU) and waits for its "READY <port>" line. */
export async function startServer(script: string, args: string[] = [], nodeArgs: string[] = [], cpu: number | undefined = SERVER_CPU): Promise<ServerProcess> {
  const name = [script.replace(/^.*\/bench\//, ''), ...args].join(' ');
  return withCollect(await startTarget({ name, command: { file: process.execPath, args: [...nodeArgs, script, ...args] }, ...(cpu !== undefined ? { cpu } : {}) }));
}

/** Resident set size of a process, in bytes (0 once it is gone, NaN where /proc is not there). */
export function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return process.platform === 'linux' ? 0 : NaN;
  }
}

/** `pid` and every process below it (a shell command's server, what npm starts, …), from /proc. */
export function processTree(pid: number): number[] {
  if (process.platform !== 'linux') return [pid];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the ppid comes after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** Samples the RSS of a process and everything below it every 50 ms until stopped; returns the peak. */
export function sampleRss(pid: number): () => number {
  let tree = processTree(pid);
  const read = () => tree.reduce((sum, p) => sum + rss(p), 0);
  let peak = read();
  let ticks = 0;
  const timer = setInterval(() => {
    // A command may start its server late (npm, a shell): look for new processes once a second.
    if (++ticks % 20 === 0) tree = processTree(pid);
    peak = Math.max(peak, read());
  }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, read());
  };
}

/** Median of the measured values (NaN, "not measured", is left out). */
export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Smallest and largest measured value ([NaN, NaN] when none was measured). */
export function spread(values: number[]): [number, number] {
  const measured = values.filter(Number.isFinite);
  return measured.length ? [Math.min(...measured), Math.max(...measured)] : [NaN, NaN];
}

export function machineLine(generator: string, pinning: { serverCpu?: number; clientCpu?: number }): string {
  let cpu = cpus()[0]?.model?.trim() || 'unknown CPU';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // Not Linux: os.cpus() said it.
  }
  const pinned =
    pinning.serverCpu !== undefined && pinning.clientCpu !== undefined && HAS_TASKSET
      ? `servers pinned to CPU ${pinning.serverCpu} and the load generator to CPU ${pinning.clientCpu} (taskset)`
      : !HAS_TASKSET
        ? 'no taskset: not pinned'
        : cpus().length < 2
          ? 'one CPU: not pinned'
          : 'not pinned (--no-pin)';
  return `${cpu}, ${cpus().length} cores, Node ${process.version}, load generator: ${generator}, ${pinned}`;
}
