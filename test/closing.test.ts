// server.closing and options.onClosing: a readiness probe can tell that a
// graceful close has begun while in-flight requests still finish.
import { describe, expect, it } from 'vitest';
import { serveGeneric } from 'wirecore';
import { rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';

describe.each(RUNTIMES)('closing on %s', (runtime) => {
  it('calls onClosing once when close() begins, before in-flight answers finish', async () => {
    const state = { draining: false, closingCalls: 0 };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await serveGeneric(
      state,
      async (ctx, req, res) => {
        if (req.path === '/slow') {
          res.startChunked(200);
          await res.writeChunk('started;');
          await gate;
          await res.writeChunk(`ready=${!ctx.draining}`);
          return res.endChunked();
        }
        return res.send({ body: 'ok' });
      },
      { runtime, onClosing: () => ((state.draining = true), state.closingCalls++), logger: { error: () => {}, warn: () => {} } },
    );
    expect(server.closing).toBe(false);
    let started!: () => void;
    const slowStarted = new Promise<void>((resolve) => (started = resolve));
    // The second part is never sent before the close: the first answer must have started.
    // One answer, not the close after it: on uws the connection then stays until its idle timeout (close-idle, PARITY.md).
    const answer = rawRequest(server.port, ['GET /slow HTTP/1.1\r\nHost: t\r\n\r\n', ''], {
      responses: 1,
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('started;'));
        started();
      },
    });
    await slowStarted;
    const closed = server.close({ graceMs: 2000 });
    expect(server.closing).toBe(true);
    expect(state.closingCalls).toBe(1);
    release();
    const r = await answer;
    await closed;
    expect(r.parseError).toBeNull();
    expect(r.responses[0]!.body.toString()).toBe('started;ready=false');
    expect(state.closingCalls).toBe(1);
  });
});
