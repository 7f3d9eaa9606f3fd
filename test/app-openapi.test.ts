// Code-first OpenAPI: the example app's generated document validates as
// OpenAPI 3.1 with an independent validator, openapi-typescript turns it into
// types that compile (and catch a wrong shape), every route part lands where
// OpenAPI puts it, and the document loads back through fromSpec.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { Type, createApp, fromSpec, type OpenApiDocument } from 'wirecore/app';
import { createBooksApp } from '../examples/app/books.js';
import { recordingLogger } from './helpers/app.js';

const run = promisify(execFile);
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function validate(doc: OpenApiDocument) {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc) as never);
  return { valid: result.valid, errors: result.errors ?? [], version: validator.version };
}

describe('the example app (examples/app) as OpenAPI 3.1', () => {
  it('validates with an independent validator', async () => {
    const doc = createBooksApp({ logger: recordingLogger() }).openapi();
    expect(await validate(doc)).toEqual({ valid: true, errors: [], version: '3.1' });
    expect(doc.info).toEqual({ title: 'API', version: '1.0.0' });
    expect(Object.keys(doc.paths!)).toEqual(['/books', '/books/{id}']);
    expect(Object.keys(doc.paths!['/books/{id}']!)).toEqual(['get', 'put', 'patch', 'delete']);
    expect(doc.paths!['/books']!.get).toMatchObject({
      operationId: 'listBooks',
      summary: 'List books, filtered and paged',
      tags: ['books'],
      parameters: [
        { name: 'author', in: 'query', schema: { type: 'string' } },
        { name: 'tag', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', required: true, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        { name: 'offset', in: 'query', required: true, schema: { type: 'integer', minimum: 0, default: 0 } },
      ],
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object', required: ['total', 'items'] } } } } },
    });
    expect(doc.paths!['/books']!.post).toMatchObject({ requestBody: { required: true, content: { 'application/json': { schema: { additionalProperties: false } } } }, responses: { '201': { description: 'Created' } } });
  });

  it('is served as JSON with a docs page, neither of them in the document', async () => {
    const app = createBooksApp({ logger: recordingLogger() });
    const served = await app.inject({ url: '/openapi.json' });
    expect(served.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const doc = served.json<OpenApiDocument>();
    expect(doc.info).toEqual({ title: 'Books', version: '1.0.0', description: 'A small JSON API on wirecore/app.' });
    expect(Object.keys(doc.paths!)).toEqual(['/books', '/books/{id}']);
    const docs = await app.inject({ url: '/docs' });
    expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(docs.text()).toContain('fetch("/openapi.json")');
    expect(docs.text()).toContain('<title>Books</title>');
  });

  it('gives openapi-typescript a document whose types compile and catch a wrong shape', async () => {
    const doc = createBooksApp({ logger: recordingLogger() }).openapi({ title: 'Books', version: '1' });
    const dir = await mkdtemp(join(tmpdir(), 'wirecore-openapi-types-'));
    temps.push(dir);
    await writeFile(join(dir, 'books-api.ts'), astToString(await openapiTS(doc as never)));
    await writeFile(
      join(dir, 'use.ts'),
      `import type { paths } from './books-api.js';
type Book = paths['/books/{id}']['get']['responses'][200]['content']['application/json'];
type NewBook = NonNullable<paths['/books']['post']['requestBody']>['content']['application/json'];
type ListQuery = NonNullable<paths['/books']['get']['parameters']['query']>;
export const book: Book = { id: 1, title: 'Dune', author: 'Frank Herbert', isbn: '9780441013593', year: 1965, tags: ['sf'] };
export const input: NewBook = { title: 'Dune', author: 'Frank Herbert', isbn: '9780441013593', year: 1965 };
export const query: ListQuery = { limit: 10, offset: 0, author: 'x' };
// @ts-expect-error: year is a number in the schema
export const wrong: Book = { ...book, year: '1965' };
// @ts-expect-error: the input refuses unknown fields (additionalProperties: false)
export const extra: NewBook = { ...input, rating: 5 };
`,
    );
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true, types: [] }, include: ['*.ts'] }));
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
    const result = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('the generated document', () => {
  function richApp() {
    const Pet = Type.Object({ id: Type.Integer(), name: Type.String(), tags: Type.Tuple([Type.String(), Type.Number()]) }, { $id: 'Pet', description: 'A pet' });
    const app = createApp({
      logger: recordingLogger(),
      security: {
        bearerAuth: { type: 'http', scheme: 'bearer', jwt: { secret: 'a-test-secret-that-is-32-bytes!!' }, description: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', keys: ['k'] },
      },
    });
    app.get(
      '/pets/:id(^\\d+)',
      {
        operationId: 'getPet',
        summary: 'One pet',
        description: 'By id',
        tags: ['pets'],
        security: [{ bearerAuth: ['pets:read'] }, { apiKey: [] }],
        deprecated: true,
        schema: {
          query: Type.Object({ expand: Type.Optional(Type.Boolean()) }),
          headers: Type.Object({ 'x-trace': Type.String() }),
          cookies: Type.Object({ session: Type.Optional(Type.String()) }),
          response: { 200: Pet, 404: Type.Object({ detail: Type.String() }), 204: Type.Null() },
        },
        openapi: { externalDocs: { url: 'https://example.com/pets' }, parameters: [{ in: 'query', name: 'expand', description: 'Include the owner' }], responses: { 404: { description: 'No such pet' } } },
      },
      (c) => ({ id: Number(c.params.id), name: 'rex', tags: ['a', 1] as [string, number] }),
    );
    app.post('/pets', { schema: { body: Pet }, consumes: ['application/json', 'application/x-www-form-urlencoded'], bodyRequired: false }, () => undefined);
    app.get('/posts/:slug?', () => 'x');
    app.get('/files/*', () => 'x');
    app.all('/anything', () => 'x');
    app.get('/internal', { hidden: true }, () => 'x');
    return app;
  }

  it('puts each route part where OpenAPI says, 2020-12 schemas and named components', async () => {
    const doc = richApp().openapi({ title: 'Pets', version: '2.0.0' }, { servers: [{ url: 'https://api.example.com' }] });
    expect(await validate(doc)).toEqual({ valid: true, errors: [], version: '3.1' });
    expect(doc.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(Object.keys(doc.paths!)).toEqual(['/pets/{id}', '/pets', '/posts', '/posts/{slug}', '/anything']);
    const op = doc.paths!['/pets/{id}']!.get as Record<string, unknown>;
    expect(op).toEqual({
      tags: ['pets'],
      summary: 'One pet',
      description: 'By id',
      operationId: 'getPet',
      parameters: [
        { name: 'expand', in: 'query', description: 'Include the owner', schema: { type: 'boolean' } },
        { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+' } },
        { name: 'x-trace', in: 'header', required: true, schema: { type: 'string' } },
        { name: 'session', in: 'cookie', schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'A pet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
        '204': { description: 'No Content' },
        '404': { description: 'No such pet', content: { 'application/json': { schema: { type: 'object', properties: { detail: { type: 'string' } }, required: ['detail'] } } } },
      },
      security: [{ bearerAuth: ['pets:read'] }, { apiKey: [] }],
      deprecated: true,
      externalDocs: { url: 'https://example.com/pets' },
    });
    expect(doc.components!.schemas!.Pet).toEqual({
      type: 'object',
      description: 'A pet',
      properties: { id: { type: 'integer' }, name: { type: 'string' }, tags: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false, minItems: 2, maxItems: 2 } },
      required: ['id', 'name', 'tags'],
    });
    expect(doc.components!.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'JWT' }, apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } });
    expect(doc.paths!['/pets']!.post).toEqual({
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } }, 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Pet' } } } },
      responses: { default: { description: 'The answer' } },
    });
    // app.all: the methods OpenAPI has fields for (node's METHODS order), the others left out.
    expect(Object.keys(doc.paths!['/anything']!)).toEqual(['delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'trace']);
  });

  it('loads back through fromSpec and is emitted the same way again', async () => {
    const doc = richApp().openapi({ title: 'Pets', version: '2.0.0' });
    const handlers = Object.fromEntries(
      Object.entries(doc.paths!).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [(op as { operationId?: string }).operationId ?? `${method.toUpperCase()} ${path}`, () => ({ id: 1, name: 'x', tags: ['a', 1] })])),
    );
    const app = await fromSpec(doc as never, { handlers, security: { bearerAuth: { jwt: { secret: 'a-test-secret-that-is-32-bytes!!' } }, apiKey: { keys: ['k'] } }, logger: recordingLogger() });
    expect(app.openapi()).toEqual(doc);
    const res = await app.inject({ url: '/pets/7', headers: { 'x-api-key': 'k', 'x-trace': 't' } });
    expect(res.json()).toEqual({ id: 1, name: 'x', tags: ['a', 1] });
    expect((await app.inject({ url: '/pets/7', headers: { 'x-api-key': 'k' } })).json()).toMatchObject({ errors: [{ in: 'headers', path: '/x-trace', keyword: 'required' }] });
  });
});
