// wirecore/app under options.workers: each copy imports a module exporting
// the app's ctx, dispatch and serveOptions (examples/app/worker.ts). Runs the
// compiled build, since the copies are separate Node processes.
import { describe, expect, it } from 'vitest';
import { serveGeneric } from '../dist/src/index.js';
import { RUNTIMES } from './helpers/servers.js';

const workerModule = new URL('../dist/examples/app/worker.js', import.meta.url);

describe.each(RUNTIMES)('wirecore/app on workers (%s)', (runtime) => {
  it('serves the app from 2 copies on one port', async () => {
    // The copies inherit the environment: no access log on the test's stderr.
    process.env.LOG_LEVEL = 'silent';
    const errors: string[] = [];
    const unused = () => {
      throw new Error('the primary never dispatches');
    };
    const server = await serveGeneric(null, unused, { runtime, workers: 2, workerModule, logger: { error: (m) => void errors.push(m), warn: () => {} } });
    try {
      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toEqual({ ok: true });
      expect(health.headers.get('x-request-id')).toMatch(/-/);
      const missing = await fetch(`${server.url}/books/1`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
      expect(errors).toEqual([]);
    } finally {
      await server.close({ graceMs: 500 });
    }
  });
});
