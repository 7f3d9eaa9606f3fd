// Dev reload over the WebSocket door: a dev page loads the reload client, a
// real `ws` client on the reload socket hears { type: 'reload' } after a file
// edit (and { type: 'error' } after a failed rebuild), on every runtime.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELOAD_CLIENT_PATH, RELOAD_PATH, serveSite, type SiteServer } from 'wirecore/ssr';
import { RUNTIMES } from './helpers/servers.js';
import { FIXTURE_SITE, outDirFor, recordingLogger } from './helpers/ssr.js';
import { nextJson, open, refusal } from './helpers/ws-client.js';

describe.each(RUNTIMES)('wirecore-ssr dev reload on %s', (runtime) => {
  const root = outDirFor(FIXTURE_SITE, `dev-reload-${runtime}`);
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  let served: SiteServer;

  beforeAll(async () => {
    write('pages/index.tsx', 'export default function Home() { return <h1>version one</h1>; }\n');
    served = await serveSite({ root, dev: true, runtime, port: 0, logger: recordingLogger() });
  });
  afterAll(async () => {
    await served?.close({ graceMs: 100 });
    rmSync(root, { recursive: true, force: true });
  });

  it('puts the reload client on every dev page and serves it', async () => {
    const page = await (await fetch(served.url)).text();
    expect(page).toContain(`<script type="module" src="${RELOAD_CLIENT_PATH}"></script>`);
    const client = await fetch(`${served.url}${RELOAD_CLIENT_PATH}`);
    expect(client.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await client.text();
    expect(code).toContain(RELOAD_PATH);
    expect(code).toContain('location.reload()');
  });

  it('tells an open reload socket to reload after a file edit, and why a failed rebuild did not', async () => {
    const { ws } = await open(`${served.url.replace('http', 'ws')}${RELOAD_PATH}`);
    write('pages/index.tsx', 'export default function Home() { return <h1>version two</h1>; }\n');
    expect(await nextJson(ws)).toEqual({ type: 'reload' });
    expect(await (await fetch(served.url)).text()).toContain('version two');

    write('pages/broken.tsx', 'export default function Broken() { return <p>unclosed; }\n');
    const failed = await nextJson<{ type: string; message: string }>(ws);
    expect(failed.type).toBe('error');
    expect(failed.message).toMatch(/pages\/broken\.tsx/);
    rmSync(join(root, 'pages/broken.tsx'));
    expect(await nextJson(ws)).toEqual({ type: 'reload' });
    ws.close();
  });

  it('answers a plain GET of the reload path with 426', async () => {
    expect((await fetch(`${served.url}${RELOAD_PATH}`)).status).toBe(426);
    expect(await refusal(`${served.url.replace('http', 'ws')}/not-the-reload-path`)).toBe(404);
  });
});
