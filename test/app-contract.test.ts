// A route keeps the promises its own declarations make (issue 27, items 4 and
// 5): it takes the media types its OpenAPI document lists, and a security
// verify function may answer with the natural predicate `true`.
import { describe, expect, it } from 'vitest';
import { Type, createApp } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { RUNTIMES } from './helpers/servers.js';

const NewUser = Type.Object({ name: Type.String() });

describe.each(RUNTIMES)('a route takes what its document says, on %s', (runtime) => {
  it('an object body schema takes JSON only, and consumes widens it (listed in the document)', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.post('/users', { schema: { body: NewUser, response: { 201: NewUser } } }, (c) => c.reply(201, c.body));
    app.post('/forms', { schema: { body: NewUser }, consumes: ['application/json', 'application/x-www-form-urlencoded'] }, (c) => c.body);
    const doc = app.openapi();
    expect(Object.keys((doc.paths!['/users']!.post!.requestBody as { content: object }).content)).toEqual(['application/json']);
    expect(Object.keys((doc.paths!['/forms']!.post!.requestBody as { content: object }).content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    const server = await serveApp(runtime, app);
    const post = (path: string, type: string, body: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('/users', 'application/json', '{"name":"Eve"}')).status).toBe(201);
    expect((await post('/users', 'application/merge-patch+json', '{"name":"Eve"}')).status).toBe(201);
    for (const [type, body] of [['application/x-www-form-urlencoded', 'name=Eve'], ['text/plain', '{"name":"Eve"}'], ['application/octet-stream', '{"name":"Eve"}']]) {
      const res = await post('/users', type!, body!);
      expect(res.status, type).toBe(415);
      expect((await res.json()).accepted).toEqual(['application/json']);
    }
    const form = await post('/forms', 'application/x-www-form-urlencoded', 'name=Eve');
    expect(form.status).toBe(200);
    expect(await form.json()).toEqual({ name: 'Eve' });
    expect((await post('/forms', 'text/plain', 'x')).status).toBe(415);
  });
});

describe('security verify returning true', () => {
  it('is an authenticated request with an empty principal, not a 500', async () => {
    const app = createApp({
      logger: recordingLogger(),
      security: {
        key: { type: 'apiKey', in: 'header', name: 'x-key', verify: (key) => key === 'open-sesame' },
        bearer: { type: 'http', scheme: 'bearer', verify: async (token) => token === 'tok' },
        basic: { type: 'http', scheme: 'basic', verify: (user, password) => user === 'ops' && password === 'pw' },
      },
    });
    app.get('/k', { security: [{ key: [] }] }, (c) => ({ auth: c.auth }));
    app.get('/b', { security: [{ bearer: [] }] }, (c) => ({ principal: c.principal }));
    app.get('/basic', { security: [{ basic: [] }] }, (c) => ({ principal: c.principal }));
    app.get('/scoped', { security: [{ key: ['admin'] }] }, () => 'never');
    const good = await app.inject({ url: '/k', headers: { 'x-key': 'open-sesame' } });
    expect(good.status).toBe(200);
    expect(good.json()).toEqual({ auth: { scheme: 'key', principal: {}, scopes: [] } });
    expect((await app.inject({ url: '/k', headers: { 'x-key': 'wrong' } })).status).toBe(401);
    expect((await app.inject({ url: '/b', headers: { authorization: 'Bearer tok' } })).json()).toEqual({ principal: {} });
    expect((await app.inject({ url: '/b', headers: { authorization: 'Bearer other' } })).status).toBe(401);
    const basic = await app.inject({ url: '/basic', headers: { authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` } });
    expect(basic.status).toBe(200);
    expect((await app.inject({ url: '/scoped', headers: { 'x-key': 'open-sesame' } })).status).toBe(403);
  });
});
