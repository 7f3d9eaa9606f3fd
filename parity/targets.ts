// The parity targets: each a child process on port 0 that prints "READY <port>".
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TargetSpec {
  name: string;
  /** The runtime its divergences come from (see divergences.ts). */
  runtime: string;
  script: string;
  args: string[];
  /** Reference columns are informational and never gate. */
  reference: boolean;
  /** What header view its echo has: raw pairs, or web Headers (lowercased, merged, sorted). */
  headerView: 'raw' | 'web';
  /** The echo cannot see the request version. */
  knowsVersion: boolean;
  /** The consumer it runs, whose own cases (Case.consumer) it also gets. */
  consumer?: string;
}

/** Whether a case runs against a target: every echo case does; a consumer's own cases only on its targets. */
export function appliesTo(c: { consumer?: string }, spec: TargetSpec): boolean {
  return c.consumer === undefined || c.consumer === spec.consumer;
}

const script = (name: string) => fileURLToPath(new URL(`./targets/${name}.js`, import.meta.url));

export const TARGETS: TargetSpec[] = [
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: runtime, runtime, script: script('wirecore'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `hono/${runtime}`, runtime, script: script('hono'), args: [runtime], reference: false, headerView: 'web' as const, knowsVersion: false, consumer: 'fetch' })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `ssr/${runtime}`, runtime, script: script('ssr'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true, consumer: 'ssr' })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `app/${runtime}`, runtime, script: script('app'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true, consumer: 'app' })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `app-spec/${runtime}`, runtime, script: script('app-spec'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true, consumer: 'app' })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `ffi/${runtime}`, runtime, script: script('ffi'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true })),
  { name: 'ref: node:http', runtime: 'ref: node:http', script: script('ref-node-http'), args: [], reference: true, headerView: 'raw', knowsVersion: true },
  { name: 'ref: uWS', runtime: 'ref: uWS', script: script('ref-uws'), args: [], reference: true, headerView: 'raw', knowsVersion: false },
];

/** The wirecore/app targets: the app-only cases (cases/app.ts) run on these. */

export interface RunningTarget {
  spec: TargetSpec;
  port: number;
  stop(): void;
}

export function startTarget(spec: TargetSpec): Promise<RunningTarget> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [spec.script, ...spec.args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ spec, port: Number(match[1]), stop: () => child.kill('SIGKILL') });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${spec.name} exited (code ${code}) before it was ready: ${out}`)));
  });
}
