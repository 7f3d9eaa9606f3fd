// Dev mode: the site folder is watched; a change rebuilds the route table
// and swaps it in whole, a failed rebuild keeps the previous one, and a
// request in flight finishes with the table it started with.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite, type SiteServer } from 'wirecore/ssr';
import { rawRequest, waitForBytes } from './helpers/raw.js';
import { FIXTURE_SITE, openGate, outDirFor, recordingLogger, uniqueName } from './helpers/ssr.js';

const root = outDirFor(FIXTURE_SITE, 'dev-site');
const write = (file: string, text: string) => {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), text);
};

const reloads: Array<Error | undefined> = [];
let waiting: ((error: Error | undefined) => void) | undefined;
function nextReload(): Promise<Error | undefined> {
  if (reloads.length > 0) return Promise.resolve(reloads.shift());
  return new Promise((resolve) => (waiting = resolve));
}

const log = recordingLogger();
let served: SiteServer;

beforeAll(async () => {
  write('pages/_layout.tsx', 'export default function L({ children }) { return <main id="layout">{children}</main>; }\n');
  write('pages/index.tsx', 'export default function Home() { return <h1>version one</h1>; }\n');
  write('pages/_lib/gate.ts', `export { gate } from ${JSON.stringify(join(FIXTURE_SITE, 'pages/_lib/gate.ts'))};\n`);
  write('pages/held.tsx', `import { gate } from './_lib/gate';\nexport async function load({ url }) { await gate(url.searchParams.get('gate')); return {}; }\nexport default function Held() { return <p>old table</p>; }\n`);
  served = await serveSite({
    root,
    dev: true,
    port: 0,
    logger: log,
    onReload: (error) => {
      if (waiting !== undefined) {
        const resolve = waiting;
        waiting = undefined;
        resolve(error);
      } else reloads.push(error);
    },
  });
});
afterAll(async () => {
  await served?.close({ graceMs: 100 });
  rmSync(root, { recursive: true, force: true });
});

describe('wirecore-ssr dev', () => {
  it('adds a route when a page file appears and serves edits', async () => {
    expect((await fetch(`${served.url}/new`)).status).toBe(404);
    const reloaded = nextReload();
    write('pages/new.tsx', 'export default function New() { return <p>brand new</p>; }\n');
    expect(await reloaded).toBeUndefined();
    const page = await fetch(`${served.url}/new`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<main id="layout"><p>brand new</p></main>');

    const edited = nextReload();
    write('pages/index.tsx', 'export default function Home() { return <h1>version two</h1>; }\n');
    expect(await edited).toBeUndefined();
    expect(await (await fetch(served.url)).text()).toContain('version two');
  });

  it('keeps serving the previous table when a rebuild fails, and logs why', async () => {
    const failed = nextReload();
    write('pages/broken.tsx', 'export default function Broken() { return <p>unclosed; }\n');
    const error = await failed;
    expect(error?.message).toMatch(/wirecore-ssr build failed:\n {2}pages\/broken\.tsx/);
    expect(log.errors.some((e) => e.message.includes('the rebuild failed; still serving the previous build'))).toBe(true);
    expect(await (await fetch(served.url)).text()).toContain('version two');
    const fixed = nextReload();
    rmSync(join(root, 'pages/broken.tsx'));
    expect(await fixed).toBeUndefined();
  });

  it('lets a request in flight finish with the table it started with', async () => {
    const gate = uniqueName('held');
    const result = await rawRequest(served.server.port, [`GET /held?gate=${gate} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, ''], {
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('<body>'));
        const swapped = nextReload();
        rmSync(join(root, 'pages/held.tsx'));
        expect(await swapped).toBeUndefined();
        expect((await fetch(`${served.url}/held`)).status).toBe(404);
        openGate(gate);
      },
    });
    expect(result.responses[0]!.status).toBe(200);
    expect(result.responses[0]!.body.toString()).toContain('<p>old table</p>');
  });
});
