// The parity targets: each a process on port 0 that prints "READY <port>"
// (the built-in ones below, or a user's command given to wirecore-parity),
// or the URL of a server already running (the cases that need no echo).
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { startTarget as startProcess } from '../cli/process.js';

export interface TargetSpec {
  name: string;
  /** The runtime its divergences come from (see divergences.ts). */
  runtime: string;
  /** A built-in target: `node script ...args`. */
  script?: string;
  args?: string[];
  /** A user's target (wirecore-parity --target): a shell command that prints READY <port>. */
  command?: string;
  /** A server already running (wirecore-parity --url): only the cases that need no echo run on it. */
  url?: URL;
  /** Reference columns are informational and never gate. */
  reference: boolean;
  /** What header view its echo has: raw pairs, or web Headers (lowercased, merged, sorted). */
  headerView: 'raw' | 'web';
  /** The echo cannot see the request version. */
  knowsVersion: boolean;
  /** The consumer it runs, whose own cases (Case.consumer) it also gets. */
  consumer?: string;
  /** Other consumers' own cases it runs too. */
  alsoRuns?: readonly string[];
  /** It sits behind a PROXY protocol balancer: the harness's own requests (/seen) start with a v2 LOCAL header. */
  proxyProtocol?: boolean;
  /** Its {P}/ws upgrades to a WebSocket that echoes every message (maxPayloadBytes 64 KiB): it gets the WebSocket cases. */
  webSocket?: boolean;
}

/** Whether a case runs against a target: every echo case does; a consumer's own cases only on its targets. */
export function appliesTo(c: { consumer?: string; webSocket?: boolean }, spec: TargetSpec): boolean {
  if (c.webSocket === true && spec.webSocket !== true) return false;
  // Behind a PROXY balancer the case bytes would need a header of their own: only the PROXY protocol cases run there.
  if (spec.proxyProtocol === true) return c.consumer !== undefined && (c.consumer === spec.consumer || (spec.alsoRuns?.includes(c.consumer) ?? false));
  return c.consumer === undefined || c.consumer === spec.consumer || (spec.alsoRuns?.includes(c.consumer) ?? false);
}

const script = (name: string) => fileURLToPath(new URL(`./targets/${name}.js`, import.meta.url));

export const TARGETS: TargetSpec[] = [
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: runtime, runtime, script: script('wirecore'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true, webSocket: true })),
  // The echo behind a PROXY protocol balancer (proxyProtocol from loopback): only the PROXY protocol cases run there.
  // uws lets a connection without a header through (parity/divergences.ts): the 'proxy-strict' cases run where wirecore reads the header.
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({
    name: `proxy/${runtime}`,
    runtime,
    script: script('wirecore'),
    args: [runtime, '--proxy-protocol'],
    reference: false,
    headerView: 'raw' as const,
    knowsVersion: true,
    consumer: 'proxy',
    proxyProtocol: true,
    ...(runtime === 'uws' ? {} : { alsoRuns: ['proxy-strict'] }),
  })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `hono/${runtime}`, runtime, script: script('hono'), args: [runtime], reference: false, headerView: 'web' as const, knowsVersion: false, consumer: 'fetch', webSocket: true })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `ssr/${runtime}`, runtime, script: script('ssr'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true, consumer: 'ssr' })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `app/${runtime}`, runtime, script: script('app'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true, consumer: 'app', webSocket: true })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `app-spec/${runtime}`, runtime, script: script('app-spec'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true, consumer: 'app', webSocket: true })),
  ...(['net', 'uws', 'node-http'] as const).map((runtime) => ({ name: `ffi/${runtime}`, runtime, script: script('ffi'), args: [runtime], reference: false, headerView: 'raw' as const, knowsVersion: true })),
  { name: 'ref: node:http', runtime: 'ref: node:http', script: script('ref-node-http'), args: [], reference: true, headerView: 'raw', knowsVersion: true, webSocket: true },
  { name: 'ref: uWS', runtime: 'ref: uWS', script: script('ref-uws'), args: [], reference: true, headerView: 'raw', knowsVersion: false, webSocket: true },
];

export interface RunningTarget {
  spec: TargetSpec;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** Resolves once something accepts a connection at host:port. */
function reachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Starts a target; its stderr is shown (prefixed with its name) only when `showStderr`: the cases make servers log on purpose. */
export async function startTarget(spec: TargetSpec, readyTimeoutMs = 30_000, showStderr = false): Promise<RunningTarget> {
  if (spec.url !== undefined) {
    const host = spec.url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(spec.url.port || 80);
    if (!(await reachable(host, port, 5000))) throw new Error(`target "${spec.name}": nothing accepts connections at ${spec.url.href}`);
    return { spec, host, port, stop: async () => {} };
  }
  const command = spec.command ?? (spec.script !== undefined ? { file: process.execPath, args: [spec.script, ...(spec.args ?? [])] } : undefined);
  if (command === undefined) throw new Error(`target "${spec.name}" has neither a command, a script nor a URL`);
  const child = await startProcess({ name: spec.name, command, env: typeof command === 'string' ? { PORT: '0' } : {}, readyTimeoutMs, forwardStderr: showStderr });
  return { spec, host: '127.0.0.1', port: child.port, stop: () => child.stop() };
}
