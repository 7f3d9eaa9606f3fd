// options.workers: copies on one port, restarted when they crash. Runs the
// compiled build, since the copies are separate Node processes or threads.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { serveGeneric, type Server } from '../dist/src/index.js';

const workerModule = new URL('../dist/examples/workers-app.js', import.meta.url);

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

async function whoAnswers(port: number, times: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < times; i++) seen.add((await get(port)).body);
  return seen;
}

describe.each(['net', 'uws', 'node-http'] as const)('workers on %s', (runtime) => {
  it('serves from 2 copies on one port, and replaces a copy that crashes', async () => {
    const errors: string[] = [];
    // The copies take ctx and dispatch from workerModule: the primary is given none.
    const server: Server = await serveGeneric(null, null, { runtime, workers: 2, workerModule, logger: { error: (m) => errors.push(m), warn: () => {} } });
    try {
      expect(server.port).toBeGreaterThan(0);
      expect((await whoAnswers(server.port, 40)).size).toBe(2);
      await get(server.port, '/crash').catch(() => undefined);
      await new Promise<void>((resolve) => {
        const check = () => (errors.some((m) => m.includes('starting another')) ? resolve() : setTimeout(check, 10));
        check();
      });
      // The replacement joins the same port.
      await new Promise<void>((resolve) => {
        const check = () => void whoAnswers(server.port, 40).then((s) => (s.size === 2 ? resolve() : setTimeout(check, 20)));
        check();
      });
    } finally {
      await server.close({ graceMs: 500 });
    }
  });

  it('refuses a dispatch that is neither a function nor null, with workers or without', async () => {
    await expect(serveGeneric(null, 'dispatch' as never, { runtime, workers: 2, workerModule })).rejects.toThrow(/needs a dispatch function/);
    await expect(serveGeneric(null, null as never, { runtime })).rejects.toThrow(/with options\.workers, null/);
  });

  it('fails at start-up without a worker module', async () => {
    await expect(serveGeneric(null, () => undefined as never, { runtime, workers: 2 })).rejects.toThrow(/workerModule/);
  });
});

it("runs the README's multi-core snippet as written (examples/workers-server.ts: serveGeneric(null, null, { workers }))", async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [new URL('../dist/examples/workers-server.js', import.meta.url).pathname], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.match(/^(http:\/\/\S+)\n/m);
        if (line) resolve(line[1]!);
      });
      child.once('exit', (code) => reject(new Error(`workers-server exited (${code}) before printing its URL`)));
    });
    const port = Number(new URL(url).port);
    expect(port).toBeGreaterThan(0);
    const answer = JSON.parse((await get(port)).body) as { pid: number };
    // A copy answered, not the primary.
    expect(answer.pid).not.toBe(child.pid);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});
