// A real browser (Debian's Chromium, driven by playwright-core) against the
// example site on every runtime: the counter island hydrates and counts, a
// missing page shows the 404 page. Also a React island, hydrated by React.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from 'wirecore/ssr';
import { RUNTIMES } from './helpers/servers.js';
import { needTool } from './helpers/system-tool.js';
import { outDirFor, serveFixture } from './helpers/ssr.js';

const CHROMIUM = '/usr/bin/chromium';
const EXAMPLE_SITE = fileURLToPath(new URL('../examples/site', import.meta.url));
const REACT_SITE = fileURLToPath(new URL('./fixtures/ssr-react-site', import.meta.url));

const HAS_CHROMIUM = needTool('chromium', existsSync(CHROMIUM), `expected at ${CHROMIUM}; scripts/install-system.sh installs it`);

let browser: Browser;
let example: BuildResult;
let react: BuildResult;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [example, react] = await Promise.all([
    build({ root: EXAMPLE_SITE, outDir: outDirFor(EXAMPLE_SITE, 'browser') }),
    build({ root: REACT_SITE, renderer: 'react', outDir: outDirFor(REACT_SITE, 'browser') }),
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
});

/** A fresh page that records script errors, console errors and answers ≥ 400 (by URL; the browser's own /favicon.ico probe aside). */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Failed loads are reported below with their URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && path !== '/favicon.ico') problems.push(`${response.status()} ${path}`);
  });
  // ERR_ABORTED is the browser cancelling a load itself (a navigation starting); a server fault shows as another error.
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') problems.push(`failed: ${request.url()} (${reason})`);
  });
  return { page, problems };
}

describe.runIf(HAS_CHROMIUM).each(RUNTIMES)('the example site in Chromium (%s)', (runtime) => {
  it('hydrates the counter island and counts clicks; only the island ships JavaScript', async () => {
    const { server } = await serveFixture(runtime, example, {}, EXAMPLE_SITE);
    const { page, problems } = await openPage();
    try {
      const response = await page.goto(server.url + '/');
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('The wirecore blog');
      expect(await page.locator('ul.posts li').count()).toBe(3);
      const scripts = await page.locator('script').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('src')));
      expect(scripts).toEqual([expect.stringMatching(/^\/_islands\/island-Counter-[A-Z0-9]+\.js$/)]);
      const output = page.locator('wirecore-island output');
      expect(await output.textContent()).toBe('0');
      // The button is disabled until hydration; click() waits for it to be enabled.
      await page.locator('wirecore-island button').click();
      await expect.poll(() => output.textContent()).toBe('1');
      await page.locator('wirecore-island button').click();
      await expect.poll(() => output.textContent()).toBe('2');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('follows a link to a prerendered post and shows the 404 page for a missing one', async () => {
    const { server } = await serveFixture(runtime, example, {}, EXAMPLE_SITE);
    const { page, problems } = await openPage();
    try {
      await page.goto(server.url + '/');
      await Promise.all([page.waitForURL('**/posts/one-door'), page.locator('a[href="/posts/one-door"]').click()]);
      expect(await page.locator('article h1').textContent()).toBe('One door for every framework');
      expect(await page.title()).toBe('One door for every framework · wirecore blog');
      const missing = await page.goto(server.url + '/posts/no-such-post');
      expect(missing?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Page not found');
      expect(await page.locator('code').textContent()).toBe('/posts/no-such-post');
      expect(await page.title()).toBe('Not found · wirecore blog');
      expect(problems).toEqual(['404 /posts/no-such-post']);
    } finally {
      await page.close();
    }
  });
});

describe.runIf(HAS_CHROMIUM)('a React island in Chromium', () => {
  it('hydrates with React without a mismatch and counts clicks', async () => {
    const { server } = await serveFixture('net', react, {}, REACT_SITE);
    const { page, problems } = await openPage();
    try {
      await page.goto(server.url + '/');
      const output = page.locator('wirecore-island output');
      expect(await output.textContent()).toBe('5');
      await page.locator('wirecore-island button').click();
      await expect.poll(() => output.textContent()).toBe('6');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
