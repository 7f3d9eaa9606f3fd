// Dev reload in a real browser (Debian's Chromium, driven by playwright-core):
// a dev page open in Chromium reloads by itself after its file is edited,
// through the reload client and the WebSocket door, on every runtime.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from 'wirecore/ssr';
import { RUNTIMES } from './helpers/servers.js';
import { FIXTURE_SITE, outDirFor, recordingLogger } from './helpers/ssr.js';
import { needTool } from './helpers/system-tool.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = needTool('chromium', existsSync(CHROMIUM), `expected at ${CHROMIUM}; scripts/install-system.sh installs it`);

let browser: Browser;
beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
});

describe.runIf(HAS_CHROMIUM).each(RUNTIMES)('a dev page in Chromium (%s)', (runtime) => {
  it('reloads by itself after its file is edited', async () => {
    const root = outDirFor(FIXTURE_SITE, `dev-reload-browser-${runtime}`);
    const write = (file: string, text: string) => {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('pages/index.tsx', 'export default function Home() { return <h1>version one</h1>; }\n');
    const served = await serveSite({ root, dev: true, runtime, port: 0, logger: recordingLogger() });
    const page = await browser.newPage();
    try {
      const socket = page.waitForEvent('websocket', { timeout: 0 });
      await page.goto(served.url);
      expect(await page.textContent('h1')).toBe('version one');
      await socket;
      // The client's socket is open once the server counts it; the edit must come after.
      while (served.stats.webSockets === 0) await new Promise((resolve) => setImmediate(resolve));
      // A mark on this document: gone after a reload (a new document), kept by anything less.
      await page.evaluate(() => ((window as unknown as { marked: boolean }).marked = true));
      write('pages/index.tsx', 'export default function Home() { return <h1>version two</h1>; }\n');
      await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'version two', undefined, { timeout: 0 });
      expect(await page.evaluate(() => (window as unknown as { marked?: boolean }).marked)).toBeUndefined();
    } finally {
      await page.close();
      await served.close({ graceMs: 100 });
      rmSync(root, { recursive: true, force: true });
    }
  });
});
