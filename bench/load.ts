// Load runs: every target in its own pinned process, wrk (else autocannon)
// pinned to the other core, targets alternating round by round, medians.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { benchFile, median, pinned, sampleRss, startServer, type ServerProcess } from './procs.js';

const run = promisify(execFile);

export interface Scenario {
  id: string;
  title: string;
  path: string;
  connections: number;
  /** wrk Lua script in bench/wrk. */
  script?: string;
  pipelining?: number;
  method?: string;
  body?: string;
}

export interface Target {
  id: string;
  script: string;
  args: string[];
  /** A baseline the others are compared with. */
  baseline?: 'node' | 'uws';
  /** The scenarios it can serve (all when absent). */
  scenarios?: string[];
}

export interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  peakRss: number;
  errors: number;
}

const JSON_1K = (() => {
  const items = Array.from({ length: 32 }, (_, i) => `{"id":${i + 1},"name":"item-${String(i + 1).padStart(4, '0')}"}`);
  const body = `{"items":[${items.join(',')}]}`;
  return body + ' '.repeat(1024 - body.length);
})();

export const SCENARIOS: Scenario[] = [
  { id: 'plaintext', title: 'plaintext GET / keep-alive, 64 connections', path: '/', connections: 64 },
  { id: 'pipelined', title: 'GET / pipelined ×16, 64 connections', path: '/', connections: 64, script: 'pipeline.lua', pipelining: 16 },
  { id: 'post-json', title: '1 KiB JSON POST echo, 64 connections', path: '/echo', connections: 64, script: 'post-json.lua', method: 'POST', body: JSON_1K },
  { id: 'chunked-64k', title: '64 KiB response as 16 chunks, 64 connections', path: '/chunked', connections: 64 },
  { id: 'c1000', title: 'GET / with 1,000 concurrent connections', path: '/', connections: 1000 },
];

/** node:net answering without parsing: how fast `net` could be at most. */
export const NET_CEILING = 'node:net, no parsing (ceiling)';
/** node:net with wirecore's parser and a constant answer: the part of `net` no dispatch design can avoid. */
export const NET_PARSE_FLOOR = 'node:net + wirecore parser, constant answer';
/** Raw uWS reading the request before answering: the part of `uws` no wrapper can avoid. */
export const UWS_READ_FLOOR = 'uWS (raw), reading the request';

export const TARGETS: Target[] = [
  { id: 'node:http', script: benchFile('./servers/node-http.js'), args: [], baseline: 'node' },
  { id: NET_CEILING, script: benchFile('./servers/net-raw.js'), args: [], scenarios: ['plaintext', 'pipelined', 'c1000'] },
  { id: NET_PARSE_FLOOR, script: benchFile('./servers/net-parse.js'), args: [], scenarios: ['plaintext', 'pipelined'] },
  { id: 'uWS (raw)', script: benchFile('./servers/uws-raw.js'), args: [], baseline: 'uws' },
  { id: UWS_READ_FLOOR, script: benchFile('./servers/uws-read.js'), args: [], scenarios: ['plaintext', 'pipelined'] },
  { id: 'Hono on @hono/node-server', script: benchFile('./servers/hono-node.js'), args: [] },
  { id: 'wirecore net', script: benchFile('./hello.js'), args: ['net'] },
  { id: 'wirecore uws', script: benchFile('./hello.js'), args: ['uws'] },
  { id: 'wirecore node-http', script: benchFile('./hello.js'), args: ['node-http'] },
  { id: 'Hono on wirecore net', script: benchFile('./servers/hono-wirecore.js'), args: ['net'] },
  { id: 'Hono on wirecore uws', script: benchFile('./servers/hono-wirecore.js'), args: ['uws'] },
];

/** wrk if it is there (installed from Debian's packages when missing and possible), else autocannon. */
export function loadGenerator(): 'wrk' | 'autocannon' {
  const has = () => {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' });
      return true;
    } catch (error) {
      // wrk --version exits 1 after printing its version.
      return (error as { status?: number }).status === 1;
    }
  };
  if (has()) return 'wrk';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('sh', ['-c', 'apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1)'], { stdio: 'ignore', timeout: 300_000 });
    } catch {
      // Fall through to autocannon.
    }
  }
  return has() ? 'wrk' : 'autocannon';
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

async function wrk(port: number, s: Scenario, seconds: number): Promise<Omit<Sample, 'peakRss'>> {
  const args = ['-t1', `-c${s.connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s'];
  if (s.script) args.push('-s', benchFile(`../../bench/wrk/${s.script}`));
  args.push(`http://127.0.0.1:${port}${s.path}`);
  const [command, argv] = pinned(1, 'wrk', args);
  const { stdout } = await run(command, argv, { timeout: (seconds + 30) * 1000 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const lat = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(stdout);
    // wrk prints 0.00us when its histogram lost a run's samples (seen with pipelining): not a measurement.
    const ms = m ? toMs(m[1]!, m[2]!) : NaN;
    return ms > 0 ? ms : NaN;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  return { rps, p50Ms: lat('50'), p99Ms: lat('99'), errors };
}

async function autocannon(port: number, s: Scenario, seconds: number): Promise<Omit<Sample, 'peakRss'>> {
  const name = 'autocannon';
  const { default: run } = (await import(name)) as unknown as { default: (o: object) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number }> };
  const result = await run({
    url: `http://127.0.0.1:${port}${s.path}`,
    connections: s.connections,
    duration: seconds,
    pipelining: s.pipelining ?? 1,
    method: s.method ?? 'GET',
    ...(s.body ? { body: s.body, headers: { 'content-type': 'application/json' } } : {}),
  });
  return { rps: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors + result.non2xx };
}

export interface LoadResult {
  scenario: Scenario;
  target: Target;
  samples: Sample[];
}

export async function runLoad(options: { seconds: number; rounds: number; scenarios: Scenario[]; targets: Target[]; generator: 'wrk' | 'autocannon'; log: (line: string) => void }): Promise<LoadResult[]> {
  const measure = options.generator === 'wrk' ? wrk : autocannon;
  const servers = new Map<Target, ServerProcess>();
  for (const t of options.targets) servers.set(t, await startServer(t.script, t.args));
  const results: LoadResult[] = [];
  try {
    for (const scenario of options.scenarios) {
      const rows = options.targets
        .filter((target) => target.scenarios === undefined || target.scenarios.includes(scenario.id))
        .map((target) => ({ scenario, target, samples: [] as Sample[] }));
      for (const row of rows) await measure(servers.get(row.target)!.port, scenario, 1); // warm-up
      for (let round = 0; round < options.rounds; round++) {
        // A, B, C, … then again: noise spreads over every target alike.
        for (const row of rows) {
          const server = servers.get(row.target)!;
          const stop = sampleRss(server.pid);
          const sample = await measure(server.port, scenario, options.seconds);
          row.samples.push({ ...sample, peakRss: stop() });
          options.log(`${scenario.id.padEnd(12)} ${row.target.id.padEnd(26)} round ${round + 1}: ${Math.round(sample.rps)} req/s`);
        }
      }
      results.push(...rows);
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
  return results;
}

export function summarize(samples: Sample[]): Sample {
  return {
    rps: median(samples.map((s) => s.rps)),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    peakRss: Math.max(...samples.map((s) => s.peakRss)),
    errors: samples.reduce((a, s) => a + s.errors, 0),
  };
}
