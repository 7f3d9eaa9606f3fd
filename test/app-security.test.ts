// Security schemes of wirecore/app: JWT bearer tokens verified by jose
// (HS256, RS256 with a PEM key, ES256 from a JWKS file and from a JWKS URL
// served here), API keys in a header, the query or a cookie, HTTP basic;
// 401 with WWW-Authenticate for missing or bad credentials, 403 for missing
// scopes, the principal on the context, clear start-up errors.
import { createServer, type Server as HttpServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWTPayload } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, type AnyContext } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { RUNTIMES } from './helpers/servers.js';

const SECRET = 'a-test-secret-that-is-32-bytes!!';
const secretBytes = new TextEncoder().encode(SECRET);
const sign = (claims: JWTPayload, alg = 'HS256', key: Parameters<SignJWT['sign']>[0] = secretBytes, expires: string | number = '1h') =>
  new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1' }).setIssuedAt().setExpirationTime(expires).sign(key);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function whoAmI(c: AnyContext) {
  return { scheme: c.auth?.scheme ?? null, sub: c.auth?.principal.sub ?? c.auth?.principal.username ?? null, scopes: c.auth?.scopes ?? [] };
}

function jwtApp(options: Parameters<typeof createApp>[0] = {}) {
  const app = createApp({ logger: recordingLogger(), security: { bearer: { type: 'http', scheme: 'bearer', jwt: { secret: SECRET } } }, ...options });
  app.get('/me', { security: [{ bearer: [] }] }, whoAmI);
  app.get('/admin', { security: [{ bearer: ['admin'] }] }, whoAmI);
  return app;
}

describe.each(RUNTIMES)('JWT bearer tokens on %s', (runtime) => {
  it('accepts a valid token and refuses expired, badly signed, unsigned, wrong-algorithm and malformed ones', async () => {
    const server = await serveApp(runtime, jwtApp());
    const call = (authorization?: string, path = '/me') => fetch(`${server.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });

    const good = await call(`Bearer ${await sign({ sub: 'ada', scope: 'read admin' })}`);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ scheme: 'bearer', sub: 'ada', scopes: ['read', 'admin'] });

    const missing = await call();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await missing.json()).toMatchObject({ status: 401, detail: 'This route needs credentials (bearer)' });

    const refused = async (authorization: string, reason: string) => {
      const res = await call(authorization);
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="api", error="invalid_token", error_description="${reason}"`);
      expect(await res.json()).toMatchObject({ detail: reason });
    };
    await refused(`Bearer ${await sign({ sub: 'ada' }, 'HS256', secretBytes, Math.floor(Date.now() / 1000) - 60)}`, 'The token has expired');
    await refused(`Bearer ${await sign({ sub: 'ada' }, 'HS256', new TextEncoder().encode('another-secret-of-32-bytes-long!'))}`, 'The token signature does not verify');
    await refused(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'ada', exp: 9999999999 })}.`, 'The token algorithm is not accepted');
    await refused(`Bearer ${await sign({ sub: 'ada' }, 'HS384', new TextEncoder().encode(SECRET + SECRET))}`, 'The token algorithm is not accepted');
    const { privateKey } = await generateKeyPair('RS256');
    await refused(`Bearer ${await sign({ sub: 'ada' }, 'RS256', privateKey)}`, 'The token algorithm is not accepted');
    await refused('Bearer not.a.token', 'The token is malformed');
    await refused('Bearer a.b', 'The token is malformed');
    const spaced = await call('Bearer has spaces in it');
    expect(spaced.status).toBe(401);
    expect(spaced.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token", error_description="The Authorization header is not \\"Bearer <token>\\""');
    expect(await spaced.json()).toMatchObject({ detail: 'The Authorization header is not "Bearer <token>"' });
  });

  it('answers 403 insufficient_scope for a valid token without the scope', async () => {
    const server = await serveApp(runtime, jwtApp());
    const res = await fetch(`${server.url}/admin`, { headers: { authorization: `Bearer ${await sign({ sub: 'bob', scope: 'read' })}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api", error="insufficient_scope", scope="admin"');
    expect(await res.json()).toMatchObject({ title: 'Forbidden', detail: 'Missing scope: admin', missingScopes: ['admin'] });
  });
});

describe('JWT keys: RS256, ES256 from a JWKS file and from a JWKS URL; claims; the cache', () => {
  it('verifies RS256 with a PEM public key, and checks issuer and audience', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const app = createApp({ logger: recordingLogger(), security: { rsa: { type: 'http', scheme: 'bearer', jwt: { publicKey: await exportSPKI(publicKey), issuer: 'https://issuer.test', audience: 'api' } } } });
    app.get('/me', { security: [{ rsa: [] }] }, whoAmI);
    const good = await sign({ sub: 'ada', iss: 'https://issuer.test', aud: 'api' }, 'RS256', privateKey);
    expect((await app.inject({ url: '/me', headers: { authorization: `Bearer ${good}` } })).json()).toMatchObject({ sub: 'ada' });
    const otherAudience = await sign({ sub: 'ada', iss: 'https://issuer.test', aud: 'other' }, 'RS256', privateKey);
    const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${otherAudience}` } });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ detail: 'The token\'s "aud" claim is not accepted' });
    // An HS256 token made with the public key as its secret (the classic confusion) is refused.
    const confused = await sign({ sub: 'ada', iss: 'https://issuer.test', aud: 'api' }, 'HS256', new TextEncoder().encode(await exportSPKI(publicKey)));
    expect((await app.inject({ url: '/me', headers: { authorization: `Bearer ${confused}` } })).status).toBe(401);
  });

  it('verifies ES256 against a JWKS file and a JWKS URL served on 127.0.0.1', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    const dir = await mkdtemp(join(tmpdir(), 'wirecore-jwks-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'jwks.json'), JSON.stringify(jwks));
    let fetched = 0;
    const keyServer: HttpServer = createServer((_req, res) => {
      fetched++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => keyServer.close(() => resolve())));
    const port = (keyServer.address() as { port: number }).port;
    const app = createApp({
      logger: recordingLogger(),
      security: {
        file: { type: 'http', scheme: 'bearer', jwt: { jwks: join(dir, 'jwks.json'), algorithms: ['ES256'] } },
        url: { type: 'http', scheme: 'bearer', jwt: { jwks: `http://127.0.0.1:${port}/.well-known/jwks.json`, algorithms: ['ES256'] } },
      },
    });
    app.get('/file', { security: [{ file: [] }] }, whoAmI);
    app.get('/url', { security: [{ url: [] }] }, whoAmI);
    const token = await sign({ sub: 'ada' }, 'ES256', privateKey);
    expect((await app.inject({ url: '/file', headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ sub: 'ada', scheme: 'file' });
    expect((await app.inject({ url: '/url', headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ sub: 'ada', scheme: 'url' });
    expect(fetched).toBe(1);
    const { privateKey: stranger } = await generateKeyPair('ES256');
    const strangerToken = await new SignJWT({ sub: 'eve' }).setProtectedHeader({ alg: 'ES256', kid: 'k9' }).setExpirationTime('1h').sign(stranger);
    const res = await app.inject({ url: '/file', headers: { authorization: `Bearer ${strangerToken}` } });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ detail: 'No known key verifies the token' });
  });

  it('answers 503 when the JWKS URL cannot be reached, and logs why', async () => {
    const keyServer = createServer(() => {});
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    const port = (keyServer.address() as { port: number }).port;
    await new Promise<void>((resolve) => keyServer.close(() => resolve()));
    const log = recordingLogger();
    const app = createApp({ logger: log, security: { url: { type: 'http', scheme: 'bearer', jwt: { jwks: `http://127.0.0.1:${port}/jwks.json`, algorithms: ['ES256'] } } } });
    app.get('/url', { security: [{ url: [] }] }, whoAmI);
    const { privateKey } = await generateKeyPair('ES256');
    const res = await app.inject({ url: '/url', headers: { authorization: `Bearer ${await sign({ sub: 'ada' }, 'ES256', privateKey)}` } });
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ detail: 'The keys that verify tokens cannot be fetched now' });
    expect(log.entries.some((e) => e.message === 'request failed')).toBe(true);
  });

  it('keeps a verified token only until it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const app = jwtApp();
    const token = await sign({ sub: 'ada' }, 'HS256', secretBytes, '30s');
    const call = () => app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(200);
    vi.setSystemTime(new Date('2030-01-01T00:00:20Z'));
    expect((await call()).status).toBe(200);
    vi.setSystemTime(new Date('2030-01-01T00:00:31Z'));
    const expired = await call();
    expect(expired.status).toBe(401);
    expect(expired.json()).toMatchObject({ detail: 'The token has expired' });
  });
});

describe('API keys and HTTP basic', () => {
  it('reads API keys from a header, the query and a cookie, compared in constant time', async () => {
    const app = createApp({
      logger: recordingLogger(),
      security: {
        header: { type: 'apiKey', in: 'header', name: 'X-API-Key', keys: { 'key-of-ada': { sub: 'ada', scopes: ['read'] } } },
        query: { type: 'apiKey', in: 'query', name: 'api_key', keys: ['q-key'] },
        cookie: { type: 'apiKey', in: 'cookie', name: 'session', verify: async (key) => (key === 'good-session' ? { sub: 'cookie-user' } : null) },
      },
    });
    app.get('/header', { security: [{ header: ['read'] }] }, whoAmI);
    app.get('/query', { security: [{ query: [] }] }, whoAmI);
    app.get('/cookie', { security: [{ cookie: [] }] }, whoAmI);
    app.get('/write', { security: [{ header: ['write'] }] }, whoAmI);
    expect((await app.inject({ url: '/header', headers: { 'x-api-key': 'key-of-ada' } })).json()).toEqual({ scheme: 'header', sub: 'ada', scopes: ['read'] });
    expect((await app.inject({ url: '/query?api_key=q-key' })).json()).toMatchObject({ scheme: 'query' });
    expect((await app.inject({ url: '/cookie', headers: { cookie: 'theme=dark; session=good-session' } })).json()).toMatchObject({ sub: 'cookie-user' });
    const wrong = await app.inject({ url: '/header', headers: { 'x-api-key': 'key-of-eve' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('ApiKey realm="api", in="header", name="X-API-Key"');
    expect(wrong.json()).toMatchObject({ detail: 'The API key is not valid' });
    expect((await app.inject({ url: '/query' })).json()).toMatchObject({ detail: 'This route needs credentials (query)' });
    expect((await app.inject({ url: '/cookie', headers: { cookie: 'session=forged' } })).status).toBe(401);
    expect((await app.inject({ url: '/write', headers: { 'x-api-key': 'key-of-ada' } })).status).toBe(403);
  });

  it('checks HTTP basic credentials', async () => {
    const app = createApp({ logger: recordingLogger(), security: { basic: { type: 'http', scheme: 'basic', realm: 'admin area', users: { ada: 'lovelace', 'bob:': 'x' } } } });
    app.get('/basic', { security: [{ basic: [] }] }, whoAmI);
    const basic = (text: string) => ({ authorization: `Basic ${Buffer.from(text).toString('base64')}` });
    expect((await app.inject({ url: '/basic', headers: basic('ada:lovelace') })).json()).toEqual({ scheme: 'basic', sub: 'ada', scopes: [] });
    for (const headers of [basic('ada:wrong'), basic('eve:lovelace'), basic('no-colon'), { authorization: 'Basic !!!not-base64' }, {}]) {
      const res = await app.inject({ url: '/basic', headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="admin area", charset="UTF-8"');
    }
    // The first colon splits: a password may hold colons.
    const colons = createApp({ logger: recordingLogger(), security: { basic: { type: 'http', scheme: 'basic', users: { ada: 'a:b:c' } } } });
    colons.get('/basic', { security: [{ basic: [] }] }, whoAmI);
    expect((await colons.inject({ url: '/basic', headers: basic('ada:a:b:c') })).status).toBe(200);
  });

  it('runs alternatives (OR), combinations (AND) and optional security', async () => {
    const app = createApp({
      logger: recordingLogger(),
      security: {
        bearer: { type: 'http', scheme: 'bearer', jwt: { secret: SECRET } },
        key: { type: 'apiKey', in: 'header', name: 'x-key', keys: ['k'] },
      },
    });
    app.get('/either', { security: [{ key: [] }, { bearer: [] }] }, whoAmI);
    app.get('/both', { security: [{ key: [], bearer: [] }] }, whoAmI);
    app.get('/optional', { security: [{}, { bearer: [] }] }, whoAmI);
    const bearer = { authorization: `Bearer ${await sign({ sub: 'ada' })}` };
    expect((await app.inject({ url: '/either', headers: bearer })).json()).toMatchObject({ scheme: 'bearer' });
    expect((await app.inject({ url: '/either', headers: { 'x-key': 'k' } })).json()).toMatchObject({ scheme: 'key' });
    expect((await app.inject({ url: '/both', headers: bearer })).status).toBe(401);
    expect((await app.inject({ url: '/both', headers: { ...bearer, 'x-key': 'k' } })).json()).toMatchObject({ scheme: 'key' });
    expect((await app.inject({ url: '/optional' })).json()).toEqual({ scheme: null, sub: null, scopes: [] });
    expect((await app.inject({ url: '/optional', headers: bearer })).json()).toMatchObject({ sub: 'ada' });
    const badToken = await app.inject({ url: '/optional', headers: { authorization: 'Bearer x.y.z' } });
    expect(badToken.status).toBe(401);
  });

  it('refuses bad scheme settings and unknown scheme names at start-up', () => {
    const bearer = (jwt: object) => createApp({ security: { b: { type: 'http', scheme: 'bearer', jwt } } });
    expect(() => bearer({ secret: 'short' })).toThrow(/security scheme "b": a JWT secret must have at least 32 bytes/);
    expect(() => bearer({ secret: SECRET, algorithms: ['none'] })).toThrow(/the "none" algorithm is never accepted/);
    expect(() => bearer({ secret: SECRET, publicKey: 'x' })).toThrow(/jwt needs exactly one of secret, publicKey or jwks/);
    expect(() => bearer({ publicKey: 'not a pem' })).toThrow(/the public key does not load/);
    expect(() => bearer({ jwks: '/nonexistent/jwks.json' })).toThrow(/cannot read the JWKS file \/nonexistent\/jwks\.json/);
    expect(() => createApp({ security: { k: { type: 'apiKey', in: 'body' as 'header', name: 'k', keys: ['x'] } } })).toThrow(/in must be header, query or cookie/);
    expect(() => createApp({ security: { d: { type: 'http', scheme: 'digest' } as never } })).toThrow(/HTTP scheme "digest" is not supported/);
    expect(() => createApp({ security: { m: { type: 'mutualTLS' } as never } })).toThrow(/mutualTLS is not supported/);
    const app = createApp({ security: { bearer: { type: 'http', scheme: 'bearer', jwt: { secret: SECRET } } } });
    app.get('/x', { security: [{ beraer: [] }] }, () => 'x');
    expect(() => app.compile()).toThrow(/GET \/x \(at .*app-security\.test\.ts:\d+:\d+\) requires security scheme "beraer", which is not declared \(declared: "bearer"/);
  });
});
