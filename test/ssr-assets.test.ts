// Files from public/ on every runtime: types, validators and 304s, byte
// ranges, immutable caching, and every way out of the folder refused.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult } from 'wirecore/ssr';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';
import { buildFixture, serveFixture, type ServedSite } from './helpers/ssr.js';

const scratch = mkdtempSync(join(tmpdir(), 'wirecore-ssr-assets-'));
const publicDir = join(scratch, 'public');
const outside = join(scratch, 'outside');
const big = Buffer.alloc(2 * 1024 * 1024 + 123);
for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
const css = 'body { color: #123; }\n';
const MTIME = new Date('2024-03-01T12:00:00Z');

let built: BuildResult;
beforeAll(async () => {
  mkdirSync(join(publicDir, 'files', 'nested'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(publicDir, 'style.css'), css);
  writeFileSync(join(publicDir, 'app.3f9a1c2b.js'), 'console.log(1);\n');
  writeFileSync(join(publicDir, 'files', 'data.json'), '{"a":1}\n');
  writeFileSync(join(publicDir, 'files', 'hello world.txt'), 'spaced\n');
  writeFileSync(join(publicDir, 'files', 'big.bin'), big);
  writeFileSync(join(publicDir, 'files', 'empty.txt'), '');
  writeFileSync(join(publicDir, 'files', 'nested', 'deep.txt'), 'deep\n');
  writeFileSync(join(publicDir, 'files', '.secret'), 'dotfile\n');
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0\n');
  symlinkSync(join(publicDir, 'style.css'), join(publicDir, 'files', 'link-in.css'));
  symlinkSync(join(outside, 'passwd'), join(publicDir, 'files', 'link-out'));
  symlinkSync(outside, join(publicDir, 'files', 'dir-out'));
  utimesSync(join(publicDir, 'style.css'), MTIME, MTIME);
  built = await buildFixture('preact');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}Connection: close\r\n\r\n`;

describe.each(RUNTIMES)('wirecore/ssr public files on %s', (runtime) => {
  let served: ServedSite;
  let base: string;
  beforeAll(async () => {
    served = await serveFixture(runtime, built, { publicDir });
    base = served.server.url;
  });

  it('serves files with their type, validators and no-cache; hashed names are immutable', async () => {
    const res = await fetch(`${base}/style.css`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(css);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers.get('last-modified')).toBe(MTIME.toUTCString());
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const hashed = await fetch(`${base}/app.3f9a1c2b.js`);
    expect(hashed.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/files/data.json`)).headers.get('content-type')).toBe('application/json');
    expect(await (await fetch(`${base}/files/hello%20world.txt`)).text()).toBe('spaced\n');
    expect(await (await fetch(`${base}/files/nested/deep.txt`)).text()).toBe('deep\n');
    expect(await (await fetch(`${base}/files/link-in.css`)).text()).toBe(css);
    const empty = await fetch(`${base}/files/empty.txt`);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-length')).toBe('0');
  });

  it('answers 304 to a matching If-None-Match (weak, lists, *) and If-Modified-Since', async () => {
    const etag = (await fetch(`${base}/style.css`)).headers.get('etag')!;
    for (const value of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const r = await rawRequest(served.server.port, get('/style.css', `If-None-Match: ${value}\r\n`));
      const res = r.responses[0]!;
      expect([value, res.status]).toEqual([value, 304]);
      expect(res.body.length).toBe(0);
      expect(header(res, 'etag')).toBe(etag);
      expect(header(res, 'cache-control')).toBe('no-cache');
    }
    const stale = await fetch(`${base}/style.css`, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    const since = await fetch(`${base}/style.css`, { headers: { 'if-modified-since': MTIME.toUTCString() } });
    expect(since.status).toBe(304);
    const older = await fetch(`${base}/style.css`, { headers: { 'if-modified-since': new Date(MTIME.getTime() - 1000).toUTCString() } });
    expect(older.status).toBe(200);
    // If-None-Match wins over If-Modified-Since.
    const both = await fetch(`${base}/style.css`, { headers: { 'if-none-match': '"other"', 'if-modified-since': MTIME.toUTCString() } });
    expect(both.status).toBe(200);
  });

  it('answers single byte ranges with 206 and Content-Range; 416 past the end', async () => {
    const range = async (value: string, extra: Record<string, string> = {}) => {
      const res = await fetch(`${base}/style.css`, { headers: { range: value, ...extra } });
      return { status: res.status, range: res.headers.get('content-range'), body: await res.text() };
    };
    const size = css.length;
    expect(await range('bytes=0-3')).toEqual({ status: 206, range: `bytes 0-3/${size}`, body: css.slice(0, 4) });
    expect(await range('bytes=5-')).toEqual({ status: 206, range: `bytes 5-${size - 1}/${size}`, body: css.slice(5) });
    expect(await range('bytes=-4')).toEqual({ status: 206, range: `bytes ${size - 4}-${size - 1}/${size}`, body: css.slice(-4) });
    expect(await range('bytes=2-999999')).toEqual({ status: 206, range: `bytes 2-${size - 1}/${size}`, body: css.slice(2) });
    const past = await range(`bytes=${size}-`);
    expect(past.status).toBe(416);
    expect(past.range).toBe(`bytes */${size}`);
    // Ignored: several ranges, another unit, bad syntax.
    for (const ignored of ['bytes=0-1,4-5', 'items=0-1', 'bytes=5-2', 'bytes=x']) expect((await range(ignored)).status).toBe(200);
    const etag = (await fetch(`${base}/style.css`)).headers.get('etag')!;
    expect((await range('bytes=0-3', { 'if-range': etag })).status).toBe(206);
    expect((await range('bytes=0-3', { 'if-range': '"changed"' })).status).toBe(200);
    expect((await range('bytes=0-3', { 'if-range': MTIME.toUTCString() })).status).toBe(206);
  });

  it('streams a large file whole or in a range, byte for byte', async () => {
    const whole = await fetch(`${base}/files/big.bin`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(big.length));
    expect(whole.headers.get('transfer-encoding')).toBeNull();
    expect(Buffer.from(await whole.arrayBuffer()).equals(big)).toBe(true);
    const tail = await fetch(`${base}/files/big.bin`, { headers: { range: 'bytes=1000-' } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes 1000-${big.length - 1}/${big.length}`);
    expect(tail.headers.get('content-length')).toBe(String(big.length - 1000));
    expect(Buffer.from(await tail.arrayBuffer()).equals(big.subarray(1000))).toBe(true);
    const slice = await fetch(`${base}/files/big.bin`, { headers: { range: 'bytes=2000000-2000009' } });
    expect(Buffer.from(await slice.arrayBuffer()).equals(big.subarray(2_000_000, 2_000_010))).toBe(true);
  });

  it('HEAD gets the headers without a body; other methods get 405', async () => {
    const head = await rawRequest(served.server.port, 'HEAD /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { headRequests: [0], responses: 1 });
    expect(head.responses[0]!.status).toBe(200);
    expect(head.responses[0]!.body.length).toBe(0);
    expect(header(head.responses[0]!, 'content-length')).toBe(String(css.length));
    const bigHead = await rawRequest(served.server.port, 'HEAD /files/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { headRequests: [0], responses: 1 });
    expect(header(bigHead.responses[0]!, 'content-length')).toBe(String(big.length));
    expect(bigHead.responses[0]!.body.length).toBe(0);
    const post = await fetch(`${base}/style.css`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses every way out of the folder: dot segments, encoded dots and slashes, NUL (400); symlinks out and dotfiles (404)', async () => {
    const refused: Record<string, number> = {
      '/../outside/passwd': 400,
      '/files/../../outside/passwd': 400,
      '/%2e%2e/outside/passwd': 400,
      '/%2E%2E/%2E%2E/etc/passwd': 400,
      '/files/..%2f..%2foutside%2fpasswd': 400,
      '/files/%2e%2e%2f%2e%2e%2foutside/passwd': 400,
      '/style.css%00.txt': 400,
      '/files/%5c..%5cpasswd': 400,
      '/files/link-out': 404,
      '/files/dir-out/passwd': 404,
      '/files/.secret': 404,
      '/files/nested/../../style.css': 400,
    };
    for (const [path, status] of Object.entries(refused)) {
      const r = await rawRequest(served.server.port, get(path));
      const res = r.responses[0];
      expect([path, res?.status]).toEqual([path, status]);
      expect(res!.body.toString('latin1')).not.toContain('root:x');
    }
  });
});
