// Rolling reload of `workers`: server.reload() (and SIGHUP) replace the
// copies one at a time, each new one serving before an old one drains, so a
// steady client sees no refused connection and no failed request.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { serveGeneric, type Server } from '../dist/src/index.js';
import { startProcess } from './helpers/process-server.js';

const workerModule = new URL('../dist/examples/workers-app.js', import.meta.url);

interface Load {
  stop(): Promise<{ ok: number; failed: string[]; pids: Set<number> }>;
  /** Resolves once `count` more requests have succeeded. */
  after(count: number): Promise<void>;
}

/**
 * `concurrency` loops, each a request after the other, every one on a new
 * connection (a refused connection would show as a failure; see the
 * keep-alive note in docs/DEPLOY.md).
 */
function steadyLoad(port: number, concurrency = 4): Load {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const pids = new Set<number>();
  let waiters: Array<{ at: number; resolve: () => void }> = [];
  const once = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          if (res.statusCode === 200) {
            ok++;
            pids.add((JSON.parse(body) as { pid: number }).pid);
            waiters = waiters.filter((w) => (ok >= w.at ? (w.resolve(), false) : true));
          } else failed.push(`status ${res.statusCode}`);
          resolve();
        });
        res.on('error', (e) => (failed.push(e.message), resolve()));
      });
      req.on('error', (e) => (failed.push(e.message), resolve()));
      // A connection no copy ever answers (lost in a hand-over) is a failure, not a hang.
      req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    });
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) await once();
  });
  return {
    after: (count) => new Promise((resolve) => waiters.push({ at: ok + count, resolve })),
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { ok, failed, pids };
    },
  };
}

// Not uws: its copies bind the port themselves (SO_REUSEPORT), and Linux resets the connections still queued
// on a listener that closes, so a reload there can fail a few requests under load (README, docs/DEPLOY.md).
describe.each(['net', 'node-http'] as const)('rolling reload in-process on %s', (runtime) => {
  // Starting a copy is a Node process start: seconds on a loaded machine.
  it('server.reload() under steady load: every copy replaced, 0 failed requests', { timeout: 120_000 }, async () => {
    const server: Server = await serveGeneric(null, () => {
      throw new Error('the primary never dispatches');
    }, { runtime, workers: 2, workerModule, logger: { error: () => {}, warn: () => {} } });
    try {
      const load = steadyLoad(server.port);
      await load.after(50);
      const before = await load.stop();
      const during = steadyLoad(server.port);
      await during.after(20);
      await server.reload();
      await during.after(50);
      const result = await during.stop();
      expect(result.failed).toEqual([]);
      // Both new copies answered, and none of the old ones after the reload.
      const after = steadyLoad(server.port);
      await after.after(60);
      const last = await after.stop();
      expect(last.failed).toEqual([]);
      expect(last.pids.size).toBe(2);
      for (const pid of last.pids) expect(before.pids.has(pid)).toBe(false);
    } finally {
      await server.close({ graceMs: 1000 });
    }
  });
});

describe.each(['net', 'node-http'] as const)('SIGHUP on %s', (runtime) => {
  it('reloads a server with workers copy by copy under steady load (0 failed); SIGTERM then drains it and exits 0', { timeout: 120_000 }, async () => {
    const server = startProcess({ runtime, workers: 2 });
    const port = await server.ready;
    const load = steadyLoad(port, 2);
    await load.after(30);
    const pidsBefore = new Set((await load.stop()).pids);
    const during = steadyLoad(port, 2);
    server.child.kill('SIGHUP');
    // Wait until answers come only from copies that did not exist before.
    for (;;) {
      const probe = steadyLoad(port, 1);
      await probe.after(10);
      const seen = await probe.stop();
      if ([...seen.pids].every((pid) => !pidsBefore.has(pid)) && seen.pids.size > 0) break;
    }
    const result = await during.stop();
    expect(result.failed).toEqual([]);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
  });
});
