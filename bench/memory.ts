// Memory: RSS per idle keep-alive connection, and RSS growth while 1 GiB
// streams to a slow reader.
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { CLIENT_CPU, SERVER_CPU, benchFile, median, pinned, rss, sampleRss, startServer, type ServerProcess } from './procs.js';

/** Where the servers and the clients run (undefined: not pinned). */
export interface Cpus {
  server: number | undefined;
  client: number | undefined;
}
const DEFAULT_CPUS: Cpus = { server: SERVER_CPU, client: CLIENT_CPU };

export function runClient(script: string, args: string[], until: RegExp, cpu: number | undefined): Promise<{ line: string; stop: () => void }> {
  const [command, argv] = pinned(cpu, process.execPath, [benchFile(`./clients/${script}.js`), ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = until.exec(out);
      if (m) resolve({ line: m[0], stop: () => child.kill('SIGKILL') });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}): ${out}`)));
  });
}

export const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdleResult {
  target: string;
  connections: number;
  bytesPerConnection: number;
  /** The same, with a full GC in the server before each reading: what the connections keep, without garbage. */
  bytesPerConnectionAfterGc: number;
  /** Every round's figure (as found), in round order. */
  rounds: number[];
  roundsAfterGc: number[];
}

export const GC_PRELOAD = ['--expose-gc', '--import', pathToFileURL(benchFile('./gc-on-signal.js')).href];

/** RSS as found, then after a full GC in the server. */
export async function readRss(server: ServerProcess): Promise<[asFound: number, afterGc: number]> {
  const asFound = rss(server.pid);
  await server.collect();
  await settle(200);
  return [asFound, rss(server.pid)];
}

/**
 * RSS as found moves with where the collector happens to be: rounds
 * alternate between targets and the median is kept, as in the load scenarios.
 */
export async function idleConnections(targets: Array<{ id: string; script: string; args: string[] }>, count: number, rounds: number, cpus: Cpus = DEFAULT_CPUS, onRun?: (id: string, round: number) => void): Promise<IdleResult[]> {
  const samples = new Map<string, number[]>(targets.map((t) => [t.id, []]));
  const samplesAfterGc = new Map<string, number[]>(targets.map((t) => [t.id, []]));
  process.env.KEEP_ALIVE_MS = '60000';
  for (let round = 0; round < rounds; round++) {
    for (const t of targets) {
      onRun?.(t.id, round + 1);
      const server = await startServer(t.script, t.args, GC_PRELOAD, cpus.server);
      await settle(300);
      const [before, beforeGc] = await readRss(server);
      const client = await runClient('idle', [String(server.port), String(count)], /OPEN \d+/, cpus.client);
      await settle(500);
      const [after, afterGc] = await readRss(server);
      client.stop();
      await server.stop();
      samples.get(t.id)!.push((after - before) / count);
      samplesAfterGc.get(t.id)!.push((afterGc - beforeGc) / count);
    }
  }
  delete process.env.KEEP_ALIVE_MS;
  return targets.map((t) => ({
    target: t.id,
    connections: count,
    bytesPerConnection: median(samples.get(t.id)!),
    bytesPerConnectionAfterGc: median(samplesAfterGc.get(t.id)!),
    rounds: samples.get(t.id)!,
    roundsAfterGc: samplesAfterGc.get(t.id)!,
  }));
}

export interface StreamResult {
  target: string;
  growthBytes: number;
  received: number;
  seconds: number;
}

/** `mib` MiB (1 GiB by default) in 64 KiB chunks from bench/hello.ts's /gib, to a reader that pauses after every MiB. */
export async function slowReader(targets: Array<{ id: string; script: string; args: string[] }>, cpus: Cpus = DEFAULT_CPUS, mib = 1024): Promise<StreamResult[]> {
  const out: StreamResult[] = [];
  for (const t of targets) {
    const server = await startServer(t.script, t.args, [], cpus.server);
    await settle(300);
    const before = rss(server.pid);
    const peak = sampleRss(server.pid);
    const started = Date.now();
    const client = await runClient('slow-reader', [String(server.port), '4', String(mib)], /RECEIVED (\d+)/, cpus.client);
    const seconds = (Date.now() - started) / 1000;
    const growth = peak() - before;
    client.stop();
    await server.stop();
    out.push({ target: t.id, growthBytes: growth, received: Number(/\d+/.exec(client.line)![0]), seconds });
  }
  return out;
}
