// The spec-first example (examples/app-spec): the notes API built from
// notes.yaml, its security, validation, events, and its document served back.
import { Validator } from '@seriousme/openapi-schema-validator';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createNotesApp } from '../examples/app-spec/notes.js';
import { recordingLogger, serveApp } from './helpers/app.js';

const SECRET = 'example-test-secret-of-32-bytes!!';
const token = (scope: string) => new SignJWT({ sub: 'ada', scope }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
const post = (body: unknown, authorization?: string) => ({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });

describe('examples/app-spec: the notes API from its OpenAPI document', () => {
  it('writes, lists, reads and deletes notes, with the security and validation the spec declares', async () => {
    const app = await createNotesApp({ jwtSecret: SECRET, logger: recordingLogger() });
    const writer = `Bearer ${await token('notes:write')}`;
    const created = await app.inject(post({ text: 'hello', tags: ['demo'] }, writer));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/notes/1');
    expect(created.json()).toMatchObject({ id: 1, text: 'hello', tags: ['demo'], author: 'ada' });
    expect((await app.inject({ url: '/notes?tag=demo' })).json()).toMatchObject({ total: 1, items: [{ id: 1 }] });
    expect((await app.inject({ url: '/notes?tag=other' })).json()).toEqual({ total: 0, items: [] });
    expect((await app.inject({ url: '/notes/1' })).json()).toMatchObject({ text: 'hello' });
    expect((await app.inject(post({ text: 'no token' }))).status).toBe(401);
    expect((await app.inject(post({ text: 'reader' }, `Bearer ${await token('notes:read')}`))).status).toBe(403);
    const invalid = await app.inject(post({ text: '', tags: ['Not Valid'], extra: 1 }, writer));
    expect(invalid.status).toBe(400);
    expect(invalid.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path).sort()).toEqual(['/extra', '/tags/0', '/text']);
    expect((await app.inject({ url: '/notes/0' })).status).toBe(400);
    expect((await app.inject({ method: 'DELETE', url: '/notes/1', headers: { authorization: writer } })).status).toBe(204);
    expect((await app.inject({ url: '/notes/1' })).status).toBe(404);
  });

  it('streams changes as server-sent events, and serves its document back', async () => {
    const app = await createNotesApp({ jwtSecret: SECRET, logger: recordingLogger() });
    app.serveOpenapi();
    const server = await serveApp('net', app);
    const controller = new AbortController();
    const events = await fetch(`${server.url}/notes/events`, { signal: controller.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = events.body!.getReader();
    const created = await fetch(`${server.url}/notes`, { method: 'POST', headers: { authorization: `Bearer ${await token('notes:write')}`, 'content-type': 'application/json' }, body: '{"text":"live"}' });
    expect(created.status).toBe(201);
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^id: 1\nevent: created\ndata: \{"id":1,"text":"live",/);
    controller.abort();

    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const validator = new Validator();
    expect((await validator.validate(doc)).valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(['/notes', '/notes/events', '/notes/{id}']);
    expect(doc.paths['/notes'].post.security).toEqual([{ bearer: ['notes:write'] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });
});
