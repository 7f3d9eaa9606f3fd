// The HTTP features of wirecore/app over real sockets on every runtime: CORS
// preflights and headers, cookies (parse, serialize, signed, checked by
// schema, oversized), compression (gzip, brotli, deflate: decompressed and
// compared; thresholds, Vary, HEAD, streams), and trust-proxy.
import http from 'node:http';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CookieSigner, Type, Unauthorized, createApp, parseAcceptEncoding, parseCookies, serializeCookie } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http without any decoding: the bytes as sent. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SECRET = 'cookie-secret-that-is-long-enough-1';
const items = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item number ${i}`, tags: ['alpha', 'beta'], price: i * 1.25 }));

describe.each(RUNTIMES)('CORS on %s', (runtime) => {
  function corsApp() {
    const app = createApp({
      logger: recordingLogger(),
      cors: { origin: ['https://a.test', /^https:\/\/[a-z]+\.b\.test$/], credentials: true, allowedHeaders: ['content-type', 'x-token'], exposedHeaders: ['x-total'], maxAge: 600 },
    });
    // An app-wide check a preflight must never meet (it carries no credentials).
    app.use(async (c, next) => {
      if (c.req.headers.get('x-token') !== 'ok') throw new Unauthorized('Send x-token');
      await next();
    });
    app.get('/items', (c) => (c.header('x-total', 2), [1, 2]));
    app.post('/items', () => 'created');
    return app;
  }

  it('answers preflights before any middleware, only for allowed origins and existing paths', async () => {
    const server = await serveApp(runtime, corsApp());
    const preflight = (origin: string, path = '/items') => fetch(`${server.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-token' } });
    const allowed = await preflight('https://a.test');
    expect(allowed.status).toBe(204);
    expect(Object.fromEntries([...allowed.headers].filter(([k]) => k.startsWith('access-control') || k === 'vary'))).toEqual({
      'access-control-allow-origin': 'https://a.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD, POST',
      'access-control-allow-headers': 'content-type, x-token',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
    expect((await preflight('https://shop.b.test')).headers.get('access-control-allow-origin')).toBe('https://shop.b.test');
    const refused = await preflight('https://evil.test');
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('https://a.test', '/nowhere')).status).toBe(404);
  });

  it('puts the CORS headers on answers to allowed origins, error answers included', async () => {
    const server = await serveApp(runtime, corsApp());
    const ok = await fetch(`${server.url}/items`, { headers: { origin: 'https://a.test', 'x-token': 'ok' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://a.test');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-expose-headers')).toBe('x-total');
    expect(ok.headers.get('vary')).toBe('Origin');
    const denied = await fetch(`${server.url}/items`, { headers: { origin: 'https://a.test' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://a.test');
    const stranger = await fetch(`${server.url}/items`, { headers: { origin: 'https://evil.test', 'x-token': 'ok' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(stranger.headers.get('vary')).toBe('Origin');
  });
});

describe('CORS settings', () => {
  it('takes "*" and functions, and refuses "*" with credentials', async () => {
    const star = createApp({ logger: recordingLogger(), cors: { origin: '*' } });
    star.get('/x', () => 'x');
    const res = await star.inject({ url: '/x', headers: { origin: 'https://any.test' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('vary')).toBeUndefined();
    const fn = createApp({ logger: recordingLogger(), cors: { origin: (origin) => origin.endsWith('.trusted.test') } });
    fn.get('/x', () => 'x');
    expect((await fn.inject({ url: '/x', headers: { origin: 'https://a.trusted.test' } })).headers.get('access-control-allow-origin')).toBe('https://a.trusted.test');
    expect((await fn.inject({ url: '/x', headers: { origin: 'https://a.test' } })).headers.get('access-control-allow-origin')).toBeUndefined();
    expect(() => createApp({ cors: { origin: '*', credentials: true } })).toThrow(/origin "\*" cannot go with credentials/);
  });
});

describe.each(RUNTIMES)('cookies on %s', (runtime) => {
  it('parses, sets several with attributes, signs and verifies, and checks a cookies schema', async () => {
    const app = createApp({ logger: recordingLogger(), cookies: { secret: SECRET } });
    app.get('/read', (c) => ({ cookies: { ...c.cookies }, signed: c.signedCookie('session') ?? null }));
    app.get('/set', (c) => {
      c.setCookie('session', 'user-7', { signed: true, httpOnly: true, secure: true, sameSite: 'lax', maxAge: 3600 });
      c.setCookie('theme', 'dark mode', { path: '/app', expires: new Date(Date.UTC(2030, 0, 1)) });
      c.clearCookie('old');
      return 'set';
    });
    app.get('/checked', { schema: { cookies: Type.Object({ theme: Type.String({ pattern: '^(dark|light)$' }) }) } }, (c) => c.cookies.theme);
    const server = await serveApp(runtime, app);
    const set = await fetch(`${server.url}/set`);
    const cookies = set.headers.getSetCookie();
    expect(cookies).toHaveLength(3);
    expect(cookies[0]).toMatch(/^session=user-7\.[A-Za-z0-9_-]{43}; Max-Age=3600; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    expect(cookies[1]).toBe('theme=dark%20mode; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Path=/app');
    expect(cookies[2]).toBe('old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/');
    const signed = cookies[0]!.split(';')[0]!;
    const read = await fetch(`${server.url}/read`, { headers: { cookie: `${signed}; theme=dark%20mode; q="quoted"` } });
    expect(await read.json()).toEqual({ cookies: { session: signed.slice(8), theme: 'dark mode', q: 'quoted' }, signed: 'user-7' });
    const forged = await fetch(`${server.url}/read`, { headers: { cookie: `session=admin.${signed.split('.')[1]}` } });
    expect((await forged.json()).signed).toBeNull();
    expect((await fetch(`${server.url}/checked`, { headers: { cookie: 'theme=light' } })).status).toBe(200);
    const bad = await fetch(`${server.url}/checked`, { headers: { cookie: 'theme=neon' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ in: 'cookies', path: '/theme' }] });
  });

  it('answers a Cookie header beyond the header limit with 431 (uws drops the connection, a listed divergence)', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/read', (c) => Object.keys(c.cookies).length);
    const server = await serveApp(runtime, app);
    const result = await rawRequest(server.port, `GET /read HTTP/1.1\r\nHost: x\r\nCookie: big=${'x'.repeat(20_000)}\r\n\r\n`);
    if (runtime === 'uws') expect(result.responses.length === 0 || result.responses[0]!.status === 431).toBe(true);
    else expect(result.responses[0]!.status).toBe(431);
    expect(result.closed).toBe(true);
  });
});

describe('cookie functions', () => {
  it('parses leniently and serializes strictly', () => {
    expect(parseCookies('a=1; b="two"; c=%E2%9C%93; a=ignored; novalue; =x; d=%ZZ')).toEqual({ a: '1', b: 'two', c: '✓', d: '%ZZ' });
    expect(serializeCookie('id', 'a;b', { domain: 'example.com', priority: 'high', partitioned: true, secure: true, sameSite: 'none' })).toBe('id=a%3Bb; Domain=example.com; Path=/; Secure; SameSite=None; Partitioned; Priority=High');
    expect(() => serializeCookie('bad name', 'x')).toThrow(/is not a token/);
    expect(() => serializeCookie('x', 'y', { sameSite: 'none' })).toThrow(/SameSite=None needs secure/);
    expect(() => serializeCookie('x', 'y', { path: '/a;b' })).toThrow(/control character or ";"/);
    expect(() => serializeCookie('x', 'y', { domain: 'bad domain' })).toThrow(/not a domain name/);
    expect(() => serializeCookie('big', 'x'.repeat(5000))).toThrow(/browsers keep at most 4096/);
    expect(() => new CookieSigner('short')).toThrow(/at least 32 characters/);
  });

  it('verifies with old secrets after a rotation, signing with the first', () => {
    const old = new CookieSigner('an-old-secret-that-is-long-enough');
    const rotated = new CookieSigner(['the-new-secret-that-is-long-enough', 'an-old-secret-that-is-long-enough']);
    expect(rotated.unsign('s', old.sign('s', 'v'))).toBe('v');
    expect(old.unsign('s', rotated.sign('s', 'v'))).toBeUndefined();
    // The name is signed too: a value cannot move to another cookie.
    expect(rotated.unsign('t', rotated.sign('s', 'v'))).toBeUndefined();
  });
});

describe.each(RUNTIMES)('compression on %s', (runtime) => {
  function compressedApp() {
    const app = createApp({ logger: recordingLogger(), compression: { threshold: 1024 } });
    app.get('/items', () => items);
    app.get('/small', () => ({ ok: true }));
    app.get('/big', () => ({ blob: 'abcdefgh'.repeat(20_000) }));
    app.get('/stream', async function* () {
      for (let i = 0; i < 50; i++) yield `line ${i} ${'z'.repeat(40)}\n`;
    });
    app.get('/png', (c) => (c.header('content-type', 'image/png'), Buffer.alloc(4096, 1)));
    app.get('/raw', { compress: false }, () => items);
    return app;
  }
  const expected = JSON.stringify(items);

  it('compresses by Accept-Encoding above the threshold, with Vary, and decompresses to the same bytes', async () => {
    const server = await serveApp(runtime, compressedApp());
    const br = await get(server.port, '/items', { 'accept-encoding': 'gzip;q=0.5, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(expected.length / 4);
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(expected);
    const gzip = await get(server.port, '/items', { 'accept-encoding': 'gzip, deflate' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.body).toString()).toBe(expected);
    const none = await get(server.port, '/items', { 'accept-encoding': 'identity' });
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.headers.vary).toBe('Accept-Encoding');
    expect(none.body.toString()).toBe(expected);
    expect((await get(server.port, '/items', { 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    const big = await get(server.port, '/big', { 'accept-encoding': 'gzip' });
    expect(zlib.gunzipSync(big.body).toString()).toBe(JSON.stringify({ blob: 'abcdefgh'.repeat(20_000) }));
  });

  it('leaves small bodies, images and opted-out routes alone; HEAD carries the compressed length', async () => {
    const server = await serveApp(runtime, compressedApp());
    const small = await get(server.port, '/small', { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toBeUndefined();
    expect((await get(server.port, '/png', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
    expect((await get(server.port, '/raw', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
    const full = await get(server.port, '/items', { 'accept-encoding': 'gzip' });
    const head = await get(server.port, '/items', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.body.length).toBe(0);
  });

  it('compresses a stream as it streams', async () => {
    const server = await serveApp(runtime, compressedApp());
    const res = await get(server.port, '/stream', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(zlib.gunzipSync(res.body).toString()).toBe(Array.from({ length: 50 }, (_, i) => `line ${i} ${'z'.repeat(40)}\n`).join(''));
    const br = await get(server.port, '/stream', { 'accept-encoding': 'br' });
    expect(zlib.brotliDecompressSync(br.body).toString()).toContain('line 49');
  });
});

describe('compression details', () => {
  it('sends each streamed chunk at once, compressed, without waiting for the end', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const app = createApp({ logger: recordingLogger(), compression: true });
    app.get('/slow', async function* () {
      yield 'first part\n';
      await held;
      yield 'second part\n';
    });
    const server = await serveApp('net', app);
    const inflate = zlib.createGunzip();
    let text = '';
    inflate.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const finished = new Promise<void>((resolve) => {
      http.get({ host: '127.0.0.1', port: server.port, path: '/slow', headers: { 'accept-encoding': 'gzip' }, agent: false }, (res) => {
        res.pipe(inflate);
        inflate.on('end', () => resolve());
      });
    });
    await expect.poll(() => text).toBe('first part\n');
    release();
    await finished;
    expect(text).toBe('first part\nsecond part\n');
  });

  it('parses Accept-Encoding q-values, and refuses bad settings', () => {
    expect([...parseAcceptEncoding('gzip;q=0.8, br, *;q=0, x;q=bad')]).toEqual([
      ['gzip', 0.8],
      ['br', 1],
      ['*', 0],
      ['x', 1],
    ]);
    expect(() => createApp({ compression: { brotliQuality: 12 } })).toThrow(/brotliQuality is 0-11/);
    expect(() => createApp({ compression: { encodings: ['zstd' as 'br'] } })).toThrow(/unknown encoding "zstd"/);
  });

  it('does not compress event streams', async () => {
    const app = createApp({ logger: recordingLogger(), compression: { threshold: 0 } });
    app.get('/events', (c) => c.sse((async function* () {
      yield 'x'.repeat(2000);
    })()));
    const res = await app.inject({ url: '/events', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeUndefined();
    expect(res.text()).toBe(`data: ${'x'.repeat(2000)}\n\n`);
  });
});

describe.each(RUNTIMES)('trust proxy on %s', (runtime) => {
  const probe = (c: { ip: string | null; ips: string[]; protocol: string; host: string | undefined }) => ({ ip: c.ip, ips: c.ips, protocol: c.protocol, host: c.host });
  const forwarded = { 'x-forwarded-for': '203.0.113.7, 10.0.0.2', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };

  it('ignores X-Forwarded-* by default and believes them from trusted peers only', async () => {
    const off = createApp({ logger: recordingLogger() });
    off.get('/who', probe);
    const loopback = createApp({ logger: recordingLogger(), trustProxy: ['loopback'] });
    loopback.get('/who', probe);
    const chain = createApp({ logger: recordingLogger(), trustProxy: ['loopback', '10.0.0.0/8'] });
    chain.get('/who', probe);
    const oneHop = createApp({ logger: recordingLogger(), trustProxy: 1 });
    oneHop.get('/who', probe);
    const ask = async (app: typeof off) => (await fetch(`${(await serveApp(runtime, app)).url}/who`, { headers: forwarded })).json();
    const host = expect.stringMatching(/^127\.0\.0\.1:\d+$/);
    expect(await ask(off)).toEqual({ ip: '127.0.0.1', ips: ['127.0.0.1'], protocol: 'http', host });
    expect(await ask(loopback)).toEqual({ ip: '10.0.0.2', ips: ['127.0.0.1', '10.0.0.2', '203.0.113.7'], protocol: 'https', host: 'api.example.com' });
    expect(await ask(chain)).toMatchObject({ ip: '203.0.113.7' });
    expect(await ask(oneHop)).toMatchObject({ ip: '10.0.0.2', protocol: 'https' });
    expect(() => createApp({ trustProxy: ['not-an-ip'] })).toThrow(/trustProxy entry "not-an-ip" is not an address/);
  });
});
