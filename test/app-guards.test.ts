// What wirecore/app guards against (issue 26), each over real sockets where it
// is on the wire: prototype poisoning through escaped JSON keys (every runtime,
// every route kind, wirecore/fetch's json() too), regex params that backtrack
// exponentially (refused at start-up), redirects to other schemes, JWTs
// without exp, JWKS over plain http, CORS preflights that grant any header,
// origin patterns that match part of an origin, and c.ip that is not an IP.
import { afterAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { serveGeneric, type Server } from 'wirecore';
import { Type, createApp, fromSpec } from 'wirecore/app';
import { toDispatch } from 'wirecore/fetch';
import { recordingLogger, serveApp } from './helpers/app.js';
import { RUNTIMES } from './helpers/servers.js';

/** The naive deep merge an app might write: pollutes Object.prototype when handed an own "__proto__". */
function naiveMerge(target: Record<string, unknown>, source: unknown): Record<string, unknown> {
  if (source === null || typeof source !== 'object') return target;
  for (const key of Object.keys(source)) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object') {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      naiveMerge(target[key] as Record<string, unknown>, value);
    } else target[key] = value;
  }
  return target;
}

// Written as the raw bytes a client sends: the escapes reach the parser as escapes.
const POISONED = [
  String.raw`{"\u005f_proto__":{"isAdmin":true}}`,
  String.raw`{"__pro\u0074o__":{"isAdmin":true}}`,
  String.raw`{"constructo\u0072":{"prototype":{"isAdmin":true}}}`,
  String.raw`{"name":"eve","nested":[{"\u005F\u005Fproto\u005F\u005F":{"isAdmin":true}}]}`,
  '{"__proto__":{"isAdmin":true}}',
];
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
});

function mergingApp() {
  const app = createApp({ logger: recordingLogger() });
  const merge = (c: { body: unknown }) => naiveMerge({ role: 'user' }, c.body);
  app.post('/plain', merge);
  app.get('/query', (c) => naiveMerge({}, c.query));
  app.get('/query-schema', { schema: { query: Type.Object({ q: Type.Optional(Type.String()) }) } }, (c) => c.query);
  app.post('/schema', { schema: { body: Type.Object({}, { additionalProperties: true }) } }, merge);
  app.group('/g', {}, (g) => g.put('/x', { middleware: [async (_c, next) => next()] }, merge));
  return app;
}

describe.each(RUNTIMES)('escaped prototype keys on %s', (runtime) => {
  it('refuses every spelling with a 400 problem on every route kind, and Object.prototype stays clean', async () => {
    const server = await serveApp(runtime, mergingApp());
    for (const body of POISONED) {
      for (const [method, path, type] of [['POST', '/plain', 'application/json'], ['POST', '/schema', 'application/json'], ['PUT', '/g/x', 'application/merge-patch+json']] as const) {
        const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': type }, body });
        expect(res.status, `${path} ${body}`).toBe(400);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect((await res.json()).detail).toMatch(/^JSON body has a forbidden "(__proto__|constructor\.prototype)" key$/);
      }
    }
    for (const body of ['__proto__=a&__proto__=b', 'name=x&__proto__%5BisAdmin%5D=1&%5F%5Fproto%5F%5F=c']) {
      const form = await fetch(`${server.url}/plain`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(form.status, body).toBe(400);
      expect((await form.json()).detail).toBe('Form body has a forbidden "__proto__" field');
    }
    for (const path of ['/query?__proto__=a&__proto__=b', '/query?%5F%5Fproto%5F%5F=1', '/query-schema?q=x&__proto__=y']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(400);
      expect((await res.json()).detail).toBe('The query has a forbidden "__proto__" parameter');
    }
    expect(await (await fetch(`${server.url}/query?a=1&a=2`)).json()).toEqual({ a: { 0: "1", 1: "2" } });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const fine = await fetch(`${server.url}/plain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"ada","proto":{"constructor":"x"}}' });
    expect(await fine.json()).toEqual({ role: 'user', name: 'ada', proto: { constructor: 'x' } });
  });

  it('wirecore/fetch: json() refuses them with a 400 as well', async () => {
    const dispatch = toDispatch(async (request: Request) => Response.json(naiveMerge({}, await request.json())));
    const server = await serveGeneric(null, dispatch, { runtime, port: 0, logger: { error: () => {}, warn: () => {} } });
    try {
      for (const body of POISONED) {
        const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status, body).toBe(400);
        await res.arrayBuffer();
      }
      expect(await (await fetch(server.url, { method: 'POST', body: '{"a":1}' })).json()).toEqual({ a: 1 });
    } finally {
      await server.close();
    }
  });
});

describe('escaped prototype keys in memory and spec-first', () => {
  it('inject and a spec-first route refuse them too', async () => {
    const app = await fromSpec(
      {
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: { '/notes': { post: { operationId: 'add', requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: { 200: { description: 'ok' } } } } },
      },
      { handlers: { add: (c) => naiveMerge({}, c.body) }, logger: recordingLogger() },
    );
    for (const body of POISONED) {
      const res = await app.inject({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
    }
    const res = await mergingApp().inject({ method: 'POST', url: '/plain', headers: { 'content-type': 'application/json' }, body: POISONED[0] });
    expect(res.status).toBe(400);
  });
});

describe('regex params', () => {
  it('refuses an exponential regex at start-up, naming the route', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/r/:x(^(a|a)*$)', (c) => c.params.x);
    expect(() => app.compile()).toThrow(/the parameter regex \(\^\(a\|a\)\*\$\) of GET \/r\/:x\(\^\(a\|a\)\*\$\) at .*app-guards\.test\.ts.* is refused: matching can take exponential time/);
    await expect(app.listen({ port: 0 })).rejects.toThrow(/GET \/r\/:x/);
    for (const path of ['/u/:x((a|a)*)', '/w/:x(^(\\w+\\s?)*$)', '/p/:x(.*a.*a.*a.*b)']) {
      const other = createApp({ logger: recordingLogger() });
      other.get(path, () => 'x');
      expect(() => other.compile(), path).toThrow(/is refused: matching (can take exponential time|takes time of degree 4)/);
    }
  });

  it('accepts the regexes routes use, and an unsafe one only with allowUnsafeRegex', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/o/:id(^\\d+$)', (c) => c.params.id);
    app.get('/near/:lat(^\\d+)-:lng(^\\d+)', (c) => c.params);
    app.get('/slug/:s(^[a-z0-9]+(?:-[a-z0-9]+)*$)', (c) => c.params.s);
    app.get('/d/:day(^\\d{4}-\\d{2}-\\d{2}$)', (c) => c.params.day);
    expect((await app.inject({ url: '/near/1-2' })).json()).toEqual({ lat: '1', lng: '2' });
    expect((await app.inject({ url: '/slug/a-b-c' })).body.toString()).toBe('a-b-c');
    const unsafe = createApp({ logger: recordingLogger(), router: { allowUnsafeRegex: true } });
    unsafe.get('/r/:x(^(a|a)*$)', (c) => c.params.x);
    expect(() => unsafe.compile()).not.toThrow();
  });
});

describe('redirect schemes', () => {
  it('c.redirect() allows relative, http and https locations only, unless schemes lists more', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/go', (c) => c.redirect(c.query.to as string));
    app.get('/mail', (c) => c.redirect('mailto:ops@example.com', 302, { schemes: ['mailto'] }));
    for (const to of ['/next', 'https://example.com/x', 'http://example.com', '?page=2']) {
      const res = await app.inject({ url: `/go?to=${encodeURIComponent(to)}` });
      expect(res.status, to).toBe(302);
      expect(res.headers.get('location')).toBe(to);
    }
    for (const to of ['javascript:alert(document.domain)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd']) {
      const res = await app.inject({ url: `/go?to=${encodeURIComponent(to)}` });
      expect(res.status, to).toBe(500);
      expect(res.headers.get('location'), to).toBeUndefined();
    }
    expect((await app.inject({ url: '/mail' })).headers.get('location')).toBe('mailto:ops@example.com');
  });
});

describe('JWT and JWKS defaults', () => {
  const SECRET = 'a-jwt-secret-of-at-least-32-bytes!!';
  const key = new TextEncoder().encode(SECRET);

  it('refuses a token without exp unless requireExp: false', async () => {
    const forever = await new SignJWT({ sub: 'ada' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const make = (requireExp?: boolean) => {
      const app = createApp({ logger: recordingLogger(), security: { bearer: { type: 'http', scheme: 'bearer', jwt: { secret: SECRET, ...(requireExp === undefined ? {} : { requireExp }) } } } });
      app.get('/me', { security: [{ bearer: [] }] }, (c) => c.principal);
      return app;
    };
    const refused = await make().inject({ url: '/me', headers: { authorization: `Bearer ${forever}` } });
    expect(refused.status).toBe(401);
    expect(refused.json<{ detail: string }>().detail).toBe('The token has no "exp" claim');
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const accepted = await make(false).inject({ url: '/me', headers: { authorization: `Bearer ${forever}` } });
    expect(accepted.status).toBe(200);
    const withExp = await new SignJWT({ sub: 'ada' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
    expect((await make().inject({ url: '/me', headers: { authorization: `Bearer ${withExp}` } })).status).toBe(200);
  });

  it('refuses an http JWKS URL at start-up unless its host is loopback', () => {
    const scheme = (jwks: string) => createApp({ logger: recordingLogger(), security: { oidc: { type: 'http', scheme: 'bearer', jwt: { jwks } } } });
    expect(() => scheme('http://issuer.example/jwks.json')).toThrow(/security scheme "oidc": the JWKS URL http:\/\/issuer\.example\/jwks\.json is not https/);
    expect(() => scheme('HTTP://10.0.0.1/jwks.json')).toThrow(/is not https/);
    expect(() => scheme('http://127.0.0.1:8080/jwks.json')).not.toThrow();
    expect(() => scheme('http://localhost/jwks.json')).not.toThrow();
    expect(() => scheme('http://[::1]:9/jwks.json')).not.toThrow();
    expect(() => scheme('https://issuer.example/jwks.json')).not.toThrow();
  });
});

describe.each(RUNTIMES)('CORS defaults on %s', (runtime) => {
  let server: Server;
  const headersOf = (res: Response) => Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control')));

  it('a preflight grants only the request headers the policy allows', async () => {
    const app = createApp({ logger: recordingLogger(), cors: { origin: ['https://a.test'], credentials: true } });
    app.post('/items', () => 'ok');
    const listed = createApp({ logger: recordingLogger(), cors: { origin: ['https://a.test'], credentials: true, allowedHeaders: ['Content-Type', 'Authorization'] } });
    listed.post('/items', () => 'ok');
    const ask = async (s: Server, headers: string) =>
      headersOf(await fetch(`${s.url}/items`, { method: 'OPTIONS', headers: { origin: 'https://a.test', 'access-control-request-method': 'POST', 'access-control-request-headers': headers } }));
    server = await serveApp(runtime, app);
    expect((await ask(server, 'x-evil, content-type, authorization'))['access-control-allow-headers']).toBe('content-type');
    expect((await ask(server, 'x-evil'))['access-control-allow-headers']).toBeUndefined();
    server = await serveApp(runtime, listed);
    expect((await ask(server, 'authorization, x-evil, content-type'))['access-control-allow-headers']).toBe('authorization, content-type');
    const any = createApp({ logger: recordingLogger(), cors: { origin: ['https://a.test'], allowedHeaders: ['*'] } });
    any.post('/items', () => 'ok');
    server = await serveApp(runtime, any);
    expect((await ask(server, 'x-one, X-Two'))['access-control-allow-headers']).toBe('x-one, x-two');
    expect(() => createApp({ cors: { origin: ['https://a.test'], credentials: true, allowedHeaders: ['*'] } })).toThrow(/allowedHeaders "\*" cannot go with credentials/);
  });

  it('origin patterns must match the whole origin, scheme included', async () => {
    const app = createApp({ logger: recordingLogger(), cors: { origin: [/\.example\.com$/, /^https:\/\/[a-z0-9-]+\.good\.test$/, /A\.TEST/i], credentials: true } });
    app.get('/items', () => [1]);
    server = await serveApp(runtime, app);
    const grant = async (origin: string) => (await fetch(`${server.url}/items`, { headers: { origin } })).headers.get('access-control-allow-origin');
    expect(await grant('http://x.example.com')).toBeNull();
    expect(await grant('https://x.example.com')).toBeNull();
    expect(await grant('https://app.good.test')).toBe('https://app.good.test');
    expect(await grant('http://app.good.test')).toBeNull();
    expect(await grant('https://app.good.test.evil.test')).toBeNull();
    expect(await grant('https://a.test')).toBeNull();
  });
});

describe('c.ip', () => {
  it('is a parsed IP address, or null when the hop it lands on is not one', async () => {
    const app = createApp({ logger: recordingLogger(), trustProxy: true });
    app.get('/ip', (c) => ({ ip: c.ip }));
    const server = await serveApp('net', app);
    const ip = async (forwarded?: string) => (await (await fetch(`${server.url}/ip`, { headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } })).json()).ip;
    expect(await ip()).toBe('127.0.0.1');
    expect(await ip('203.0.113.7')).toBe('203.0.113.7');
    expect(await ip('2001:db8::1')).toBe('2001:db8::1');
    expect(await ip('unknown')).toBeNull();
    expect(await ip('<script>')).toBeNull();
    expect(await ip('not-an-ip, 203.0.113.7')).toBeNull();
  });
});
