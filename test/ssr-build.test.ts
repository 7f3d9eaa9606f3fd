// The build step: scanning pages/, conflicts and bad names failing the
// build with the files named, the generated route table, the CLI, and the
// start-up checks of a built site.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { build, loadSite } from 'wirecore/ssr';
import { importPeer } from '../adapters/ssr/peer.js';
import { bySpecificity, matchSegments, patternOf } from '../adapters/ssr/routes.js';
import { scanPages } from '../adapters/ssr/scan.js';
import { decodePath } from '../adapters/ssr/dispatch.js';
import { parseRange } from '../adapters/ssr/assets.js';
import { FIXTURE_SITE, buildFixture, outDirFor, recordingLogger } from './helpers/ssr.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/adapters/ssr/cli.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'wirecore-ssr-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let sites = 0;
function site(files: Record<string, string>): string {
  const root = join(scratch, `site-${++sites}`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const PAGE = 'export default function Page() { return "page"; }\n';

describe('route patterns', () => {
  it('reads names, [params] and [...rest], and index as its folder', () => {
    expect(patternOf('index', 'f').pattern).toBe('/');
    expect(patternOf('blog/index', 'f').pattern).toBe('/blog');
    expect(patternOf('blog/[slug]', 'f').segments).toEqual([{ kind: 'static', value: 'blog' }, { kind: 'param', name: 'slug' }]);
    expect(patternOf('docs/[...rest]', 'f').segments[1]).toEqual({ kind: 'rest', name: 'rest' });
    expect(() => patternOf('[...rest]/x', 'f.tsx')).toThrow(/catch-all \[\.\.\.rest\] must be the last/);
    expect(() => patternOf('[a]/[a]', 'f.tsx')).toThrow(/"a" appears twice/);
    expect(() => patternOf('[slug', 'f.tsx')).toThrow(/neither a name, a \[param\] nor a \[\.\.\.rest\]/);
    expect(() => patternOf('[1x]', 'f.tsx')).toThrow(/neither/);
  });

  it('orders by specificity position by position', () => {
    const order = ['/[a]/[b]', '/docs/[...rest]', '/docs/intro', '/[a]/b', '/a/[b]', '/', '/docs/[x]'].map((p) => patternOf(p.slice(1), p));
    expect(order.sort(bySpecificity).map((p) => p.pattern)).toEqual(['/', '/a/[b]', '/docs/intro', '/docs/[x]', '/docs/[...rest]', '/[a]/b', '/[a]/[b]']);
  });

  it('matches: a [param] is one non-empty segment, a [...rest] one or more', () => {
    const rest = patternOf('docs/[...rest]', 'f').segments;
    expect(matchSegments(rest, ['docs'])).toBeUndefined();
    expect(matchSegments(rest, ['docs', 'a', 'b'])).toEqual({ rest: 'a/b' });
    expect(matchSegments(rest, ['docs', 'a', ''])).toBeUndefined();
    const param = patternOf('blog/[slug]', 'f').segments;
    expect(matchSegments(param, ['blog', ''])).toBeUndefined();
    expect(matchSegments(param, ['blog', 'x', 'y'])).toBeUndefined();
  });

  it('decodes paths segment by segment and refuses dot segments, NUL and bad escapes', () => {
    expect(decodePath('/a/b')).toEqual({ key: '/a/b', parts: ['a', 'b'] });
    expect(decodePath('/')).toEqual({ key: '/', parts: [] });
    expect(decodePath('/h%65llo/w%20x')).toEqual({ key: '/hello/w x', parts: ['hello', 'w x'] });
    expect(decodePath('/a%2Fb')).toEqual({ key: undefined, parts: ['a/b'] });
    expect(decodePath('/.well-known/x')).toEqual({ key: '/.well-known/x', parts: ['.well-known', 'x'] });
    for (const bad of ['/..', '/a/./b', '/%2e%2E', '/a%2f..%2fb', '/a%00', '/%E0%A4%A', '/a%5cb']) expect(typeof decodePath(bad)).toBe('symbol');
  });

  it('parses one byte range; several, other units and bad syntax are ignored', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('BYTES = 4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-1', 0)).toBe('unsatisfiable');
    for (const ignored of ['bytes=1-2, 4-5', 'bytes=3-1', 'bytes=-', 'lines=1-2', 'bytes=99999999999999999999-']) expect(parseRange(ignored, 10)).toBeUndefined();
  });
});

describe('scanning pages/', () => {
  it('fails when two files claim one route, naming both', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'pages/blog/[slug].tsx': PAGE, 'pages/blog/[id].tsx': PAGE }, /"blog\/\[id\]\.tsx" and "blog\/\[slug\]\.tsx" both claim the route \/blog\/\[param\]/],
      [{ 'pages/about.tsx': PAGE, 'pages/about/index.tsx': PAGE }, /"about\/index\.tsx" and "about\.tsx" both claim the route \/about/],
      [{ 'pages/about.tsx': PAGE, 'pages/about.ts': PAGE }, /"about\.ts" and "about\.tsx" both claim the route \/about/],
      [{ 'pages/docs/[...a].tsx': PAGE, 'pages/docs/[...b].tsx': PAGE }, /both claim the route \/docs\/\[\.\.\.rest\]/],
      [{ 'pages/_layout.tsx': PAGE, 'pages/_layout.jsx': PAGE }, /"_layout\.jsx" and "_layout\.tsx" are both the layout of pages\//],
      [{ 'pages/blog/_404.tsx': PAGE }, /"blog\/_404\.tsx": _404 must be at the root of pages\//],
    ];
    for (const [files, message] of cases) expect(() => scanPages(join(site(files), 'pages'))).toThrow(message);
  });

  it('skips private folders and files, tests, declarations and other extensions', () => {
    const root = site({
      'pages/index.tsx': PAGE,
      'pages/_components/Button.tsx': PAGE,
      'pages/_helper.ts': PAGE,
      'pages/page.test.ts': PAGE,
      'pages/types.d.ts': 'export {};',
      'pages/notes.md': '# notes',
      'pages/.hidden.tsx': PAGE,
      'pages/a/_layout.tsx': PAGE,
      'pages/a/b/c.tsx': PAGE,
    });
    const scanned = scanPages(join(root, 'pages'));
    expect(scanned.routes.map((r) => r.file)).toEqual(['index.tsx', 'a/b/c.tsx']);
    expect(scanned.routes[1]!.layouts).toEqual(['a/_layout.tsx']);
  });

  it('build() fails on a conflict before compiling anything, and names a compile error with its file and line', async () => {
    const conflict = site({ 'pages/blog/[slug].tsx': PAGE, 'pages/blog/[id].tsx': PAGE });
    await expect(build({ root: conflict })).rejects.toThrow(/"blog\/\[id\]\.tsx" and "blog\/\[slug\]\.tsx" both claim/);
    const broken = site({ 'pages/index.tsx': 'export default function Page() {\n  return <p>unclosed;\n}\n' });
    await expect(build({ root: broken })).rejects.toThrow(/wirecore-ssr build failed:\n {2}pages\/index\.tsx:3:0: The character "}" is not valid inside a JSX element\n/);
    await expect(build({ root: join(scratch, 'no-such-site') })).rejects.toThrow(/pages is not a folder/);
    await expect(build({ root: conflict, renderer: 'vue' as never })).rejects.toThrow(/unknown renderer "vue"/);
  });
});

describe('the generated route table', () => {
  it('has static imports of every page and layout and the routes most specific first', async () => {
    const result = await buildFixture('preact');
    const source = readFileSync(join(result.outDir, 'routes.generated.js'), 'utf8');
    expect(source).toMatch(/^\/\/ Generated by wirecore-ssr build from pages\/ \(renderer: preact\)/);
    expect(source).toContain('import * as m0 from "../../pages/index.tsx";');
    expect(source).toMatch(/import \* as m\d+ from "\.\.\/\.\.\/pages\/blog\/_layout\.tsx";/);
    const patterns = [...source.matchAll(/pattern: "([^"]+)"/g)].map((m) => m[1]);
    expect(patterns.indexOf('/blog/new')).toBeLessThan(patterns.indexOf('/blog/[slug]'));
    expect(patterns.indexOf('/docs/intro')).toBeLessThan(patterns.indexOf('/docs/[...rest]'));
    expect(patterns.at(-1)).toBe('/[section]');
    expect(result.islands).toEqual(['Badge']);
    expect(result.manifest.scripts).toEqual({ 'island.tsx': [expect.stringMatching(/^\/_islands\/island-Badge-[A-Z0-9]+\.js$/)] });
  });
});

describe('the wirecore-ssr command', () => {
  it('builds a site and lists its routes', async () => {
    const outDir = outDirFor(FIXTURE_SITE, 'cli');
    const { stdout } = await run(process.execPath, [CLI, 'build', FIXTURE_SITE, '--out', outDir, '--renderer', 'react']);
    expect(stdout).toMatch(/wirecore-ssr: 18 routes, 1 islands \(react\)/);
    expect(stdout).toMatch(/\/blog\/\[slug\] +pages\/blog\/\[slug\]\.tsx/);
    expect(JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')).renderer).toBe('react');
  });

  it('fails with both names on a conflict, and exits 1', async () => {
    const conflict = site({ 'pages/x/[a].tsx': PAGE, 'pages/x/[b].tsx': PAGE });
    const failure = await run(process.execPath, [CLI, 'build', conflict]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/"x\/\[a\]\.tsx" and "x\/\[b\]\.tsx" both claim the route \/x\/\[param\]/);
  });
});

describe('starting a site', () => {
  it('says to build first when there is no build', async () => {
    await expect(loadSite({ root: site({ 'pages/index.tsx': PAGE }) })).rejects.toThrow(/no build in .*: run `wirecore-ssr build/);
  });

  it('refuses a route file that is both a page and an endpoint, or neither', async () => {
    const both = site({ 'pages/x.ts': `${PAGE}export function GET() { throw new Error('x'); }\n` });
    await build({ root: both });
    await expect(loadSite({ root: both, logger: recordingLogger() })).rejects.toThrow(/x\.ts exports both a page component and GET handlers/);
    const neither = site({ 'pages/x.ts': 'export const nothing = 1;\n' });
    await build({ root: neither });
    await expect(loadSite({ root: neither })).rejects.toThrow(/x\.ts exports neither a default page component nor a handler/);
  });

  it('refuses prerender = true on a route with parameters, and a prerender that fails', async () => {
    const dynamic = site({ 'pages/[id].ts': `${PAGE}export const prerender = true;\n` });
    await build({ root: dynamic });
    await expect(loadSite({ root: dynamic })).rejects.toThrow(/\[id\]\.ts: a route with parameters needs prerender = \{ paths\(\) \}/);
    const failing = site({ 'pages/[id].ts': `${PAGE}export const prerender = { paths: () => [{ id: 'a' }] };\nexport function load() { throw new Error('db down'); }\n` });
    await build({ root: failing });
    await expect(loadSite({ root: failing })).rejects.toThrow(/prerendering \[id\]\.ts at \/a: load\(\) failed/);
  });

  it('names the package to install when a peer dependency is missing', async () => {
    await expect(importPeer('wirecore-no-such-renderer/stream', 'wirecore-no-such-renderer', 'the test renderer')).rejects.toThrow(
      'wirecore/ssr: the test renderer needs the package "wirecore-no-such-renderer", which is not installed: npm install wirecore-no-such-renderer',
    );
    await expect(importPeer('@scope-none/pkg/sub', '@scope-none/pkg', 'x')).rejects.toThrow(/npm install @scope-none\/pkg$/);
  });
});
