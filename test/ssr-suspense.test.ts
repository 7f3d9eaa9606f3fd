// Suspense boundaries stream after the shell, with both renderers, on every
// runtime: the fallback is on the wire while the data is pending, the
// content follows when it resolves, and the response then ends normally.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeName } from 'wirecore';
import { build, type BuildResult, type RendererName } from 'wirecore/ssr';
import { rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';
import { openGate, outDirFor, serveFixture, uniqueName } from './helpers/ssr.js';

const SITES: Record<RendererName, string> = {
  preact: fileURLToPath(new URL('./fixtures/ssr-suspense-preact', import.meta.url)),
  react: fileURLToPath(new URL('./fixtures/ssr-suspense-react', import.meta.url)),
};
const builds = new Map<RendererName, BuildResult>();
beforeAll(async () => {
  for (const renderer of ['preact', 'react'] as const) builds.set(renderer, await build({ root: SITES[renderer], renderer, outDir: outDirFor(SITES[renderer], renderer) }));
});

const COMBOS = RUNTIMES.flatMap((runtime) => (['preact', 'react'] as const).map((renderer) => [runtime, renderer] as [RuntimeName, RendererName]));

describe.each(COMBOS)('Suspense on %s with %s', (runtime, renderer) => {
  it('sends the shell with the fallback first and the content when it resolves', async () => {
    const { server } = await serveFixture(runtime, builds.get(renderer)!, {}, SITES[renderer]);
    const gate = uniqueName('suspense');
    const result = await rawRequest(server.port, [`GET /?gate=${gate} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, ''], {
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('id="fallback"'));
        const sofar = received().toString('latin1');
        expect(sofar).toContain('<h1>shell</h1>');
        expect(sofar).not.toContain('late content');
        openGate(gate);
      },
    });
    expect(result.parseError).toBeNull();
    const body = result.responses[0]!.body.toString();
    expect(body).toContain('<p id="late">late content</p>');
    expect(body.endsWith('</body></html>')).toBe(true);
  });
});
