// redirect() from load() takes relative, http and https locations only, before
// the head (a status and Location) and after it (where it would be a link in
// the streamed page): "javascript:" never reaches the browser.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult } from 'wirecore/ssr';
import { rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';
import { buildFixture, openGate, serveFixture, uniqueName } from './helpers/ssr.js';

const ATTACKS = ['javascript:alert(document.domain)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>'];
let built: BuildResult;
beforeAll(async () => {
  built = await buildFixture('preact');
}, 120_000);

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;

describe.each(RUNTIMES)('ssr redirect() schemes on %s', (runtime) => {
  it('before the head: a relative location redirects, another scheme is the error page without a Location', async () => {
    const { server } = await serveFixture(runtime, built);
    const ok = await fetch(`${server.url}/waits?to=${encodeURIComponent('/about')}`, { redirect: 'manual' });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('/about');
    for (const to of ATTACKS) {
      const res = await fetch(`${server.url}/waits?to=${encodeURIComponent(to)}`, { redirect: 'manual' });
      expect(res.status, to).toBe(500);
      expect(res.headers.get('location'), to).toBeNull();
      expect((await res.text()).toLowerCase()).not.toContain('javascript:');
    }
  });

  it('after the head: no link or refresh to another scheme is streamed', async () => {
    const { server } = await serveFixture(runtime, built);
    for (const to of ATTACKS) {
      const gate = uniqueName('redirect-after');
      const result = await rawRequest(server.port, [get(`/slow?gate=${gate}&then=redirect&to=${encodeURIComponent(to)}`), ''], {
        between: async (_i, received) => {
          await waitForBytes(received, (b) => b.includes('</head><body>'));
          openGate(gate);
        },
      });
      const text = result.raw.toString('latin1');
      expect(text, to).toContain('</head><body>');
      expect(text.toLowerCase(), to).not.toContain('javascript:');
      expect(text, to).not.toContain('data:text/html');
      expect(text, to).not.toContain('http-equiv="refresh"');
    }
    // A relative location after the head still becomes the refresh it always was.
    const gate = uniqueName('redirect-after-ok');
    const result = await rawRequest(server.port, [get(`/slow?gate=${gate}&then=redirect&to=%2Fabout`), ''], {
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('</head><body>'));
        openGate(gate);
      },
    });
    expect(result.raw.toString('latin1')).toContain('content="0;url=/about"');
  });
});
