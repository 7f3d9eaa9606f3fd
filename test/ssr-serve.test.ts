// serveSite: the server it returns (the fields of every wirecore server), its
// own option list when an option is unknown, and what a site folder that
// cannot find a package its pages import is told to install, and where.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { OptionError } from 'wirecore';
import { build, serveSite, type ServeSiteOptions } from 'wirecore/ssr';
import { FIXTURE_SITE, buildFixture, recordingLogger } from './helpers/ssr.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/adapters/ssr/cli.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'wirecore-ssr-serve-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('serveSite', () => {
  it('returns a server with port, address, runtime, url, stats and closing, like every entry point', async () => {
    const built = await buildFixture('preact');
    const served = await serveSite({ root: FIXTURE_SITE, outDir: built.outDir, runtime: 'net', port: 0, logger: recordingLogger() });
    try {
      expect(served.port).toBeGreaterThan(0);
      expect(served.port).toBe(served.server.port);
      expect(served.address).toBe('127.0.0.1');
      expect(served.runtime).toBe('net');
      expect(served.url).toBe(`http://127.0.0.1:${served.port}`);
      const res = await fetch(`http://127.0.0.1:${served.port}/about`);
      expect(res.status).toBe(200);
      await res.text();
      expect(served.stats).toEqual(served.server.stats);
      expect(served.closing).toBe(false);
    } finally {
      await served.close({ graceMs: 100 });
    }
    expect(served.closing).toBe(true);
  });

  it("reports an unknown option with serveSite's own options and a did-you-mean, before building anything", async () => {
    const typo = { root: FIXTURE_SITE, rot: 'site', port: 0 } as unknown as ServeSiteOptions;
    const error = await serveSite(typo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    const message = (error as Error).message;
    expect(message).toMatch(/^wirecore: serveSite: unknown option 'rot' \(did you mean 'root'\?\); the options are root, outDir, publicDir, dev, renderer, prerender, logger, onReload, runtime, host, port, /);
    // serveGeneric's options that serveSite sets itself or cannot take are not offered.
    expect(message).not.toMatch(/tryStatic|workers|workerModule/);
    const dev = await serveSite({ root: FIXTURE_SITE, devv: true } as unknown as ServeSiteOptions).catch((e: Error) => e.message);
    expect(dev).toMatch(/unknown option 'devv' \(did you mean 'dev'\?\)/);
  });

  it('says how to serve the site with an option serveSite does not take (workers, tryStatic)', async () => {
    const workers = await serveSite({ root: FIXTURE_SITE, workers: 2 } as unknown as ServeSiteOptions).catch((e: Error) => e.message);
    expect(workers).toMatch(/serveSite: 'workers' is not a serveSite option; for it, serve the site yourself: serveGeneric\(await loadSite\(\{ root \}\), dispatchSite/);
  });
});

describe('a site folder where a package its pages import is not installed', () => {
  it('names the package and where to install it, instead of a bare ERR_MODULE_NOT_FOUND', async () => {
    // Under the system's temporary folder: no node_modules above it has wirecore.
    const root = join(scratch, 'site');
    const files = {
      'pages/index.ts': `import { notFound } from 'wirecore/ssr';\nexport default function Page() { return typeof notFound; }\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    await build({ root });
    // In a process of its own: the test runner's resolver would find wirecore through its aliases.
    const failure = await run(process.execPath, [CLI, 'start', root, '--port', '0'], { timeout: 30_000 }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const lines = failure?.stderr?.split('\n') ?? [];
    expect(lines[0]).toBe(
      `wirecore/ssr: the site's pages import the package "wirecore", which is not installed where the built pages (${join(root, '.wirecore-ssr', 'server', 'routes.js')}) can find it: ` +
        `run \`npm install wirecore\` in ${root} (Node looks in node_modules from the build's folder upwards)`,
    );
    expect(failure?.stderr).toMatch(/ERR_MODULE_NOT_FOUND/);
  });
});
