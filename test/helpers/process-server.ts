// A wirecore server in its own process (test/fixtures/production/server.mjs),
// driven as an orchestrator would: real signals, its exit code, its output.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const SERVER = fileURLToPath(new URL('../fixtures/production/server.mjs', import.meta.url));
const running = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ProcessServer {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line matching, from the start of the output. */
  line(pattern: RegExp): Promise<string>;
  /** Resolves once the process printed READY, with its port. */
  ready: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function startProcess(config: Record<string, unknown>, env: Record<string, string> = {}): ProcessServer {
  const child = spawn(process.execPath, [SERVER, JSON.stringify(config)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal });
    }),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = stdout.split('\n').find((l) => pattern.test(l));
        if (found !== undefined) return resolve(found);
        if (gone) return reject(new Error(`the server exited without printing ${pattern}; stdout ${stdout} stderr ${stderr}`));
        waiters.push(look);
      };
      look();
    });
  return {
    child,
    line,
    ready: line(/^READY \d+/).then((l) => Number(l.split(' ')[1])),
    exited,
    output: () => `stdout: ${stdout}\nstderr: ${stderr}`,
  };
}
