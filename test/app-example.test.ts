// The example books API (examples/app) end to end, in-process.
import { describe, expect, it } from 'vitest';
import { createBooksApp } from '../examples/app/books.js';
import { recordingLogger } from './helpers/app.js';

const dune = { title: 'Dune', author: 'Frank Herbert', isbn: '9780441013593', year: 1965, tags: ['sf'] };
const json = (method: string, url: string, body?: unknown) => ({ method, url, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('examples/app: the books API', () => {
  it('creates, reads, lists, updates and deletes', async () => {
    const log = recordingLogger();
    const app = createBooksApp({ logger: log });
    const created = await app.inject(json('POST', '/books', dune));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/books/1');
    expect(created.json()).toEqual({ id: 1, ...dune });
    expect((await app.inject({ url: '/books/1' })).json()).toEqual({ id: 1, ...dune });
    await app.inject(json('POST', '/books', { title: 'Emma', author: 'Jane Austen', isbn: '9780141439587', year: 1815 }));
    expect((await app.inject({ url: '/books?author=Jane%20Austen' })).json()).toEqual({ total: 1, items: [{ id: 2, title: 'Emma', author: 'Jane Austen', isbn: '9780141439587', year: 1815, tags: [] }] });
    expect((await app.inject({ url: '/books?limit=1&offset=1' })).json()).toMatchObject({ total: 2, items: [{ id: 2 }] });
    const patched = await app.inject(json('PATCH', '/books/1', { year: 1966 }));
    expect(patched.json()).toMatchObject({ id: 1, year: 1966, title: 'Dune' });
    const replaced = await app.inject(json('PUT', '/books/2', { title: 'Persuasion', author: 'Jane Austen', isbn: '9780141439686', year: 1817 }));
    expect(replaced.json()).toMatchObject({ id: 2, title: 'Persuasion' });
    expect((await app.inject({ method: 'DELETE', url: '/books/2' })).status).toBe(204);
    expect((await app.inject({ url: '/books/2' })).status).toBe(404);
    const accessLines = log.entries.filter((e) => e.message === 'answered');
    expect(accessLines).toHaveLength(9);
    expect(accessLines[0]!.fields).toMatchObject({ method: 'POST', url: '/books', status: 201, reqId: expect.any(String) });
  });

  it('answers bad input clearly', async () => {
    const app = createBooksApp({ logger: recordingLogger() });
    await app.inject(json('POST', '/books', dune));
    const duplicate = await app.inject(json('POST', '/books', dune));
    expect(duplicate.status).toBe(409);
    expect(duplicate.json()).toMatchObject({ title: 'Conflict', existing: 1 });
    const invalid = await app.inject(json('POST', '/books', { ...dune, isbn: 'nope', year: 99, extra: 1 }));
    expect(invalid.status).toBe(400);
    expect(invalid.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual(['/extra', '/isbn', '/year']);
    expect((await app.inject(json('PATCH', '/books/1', {}))).status).toBe(400);
    expect((await app.inject({ url: '/books/zero' })).status).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/books/1' })).headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE');
  });
});
