// Spec-first wirecore/app: the Petstore 3.1 document (test data) becomes an
// app that answers its operations on every runtime, refuses bad requests
// with 400 problems, checks its security schemes, and is emitted again as an
// equivalent document; bad specs fail at start-up with errors naming the
// problem; a watched spec reloads while requests flow without one failing.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dereference } from '@readme/openapi-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { fromSpec, type OpenApiDocument } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { PETSTORE, petstoreHandlers } from './helpers/petstore.js';
import { RUNTIMES } from './helpers/servers.js';

const SECRET = 'petstore-test-secret-of-32-bytes!';
const security = { petstore_auth: { jwt: { secret: SECRET } }, api_key: { keys: ['special-key'] } };
const token = (scope = 'write:pets read:pets') => new SignJWT({ sub: 'tester', scope }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
// uWebSockets.js closes the connection on a header name with "_" (the Petstore's api_key header): on uws the
// operations that accept either scheme are called with the bearer token instead.
const keyOrBearer = async (runtime: string) => (runtime === 'uws' ? { authorization: `Bearer ${await token()}` } : { api_key: 'special-key' });
const json = (method: string, url: string, body: unknown, headers: Record<string, string> = {}) => ({ method, url, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

function petstore(logger = recordingLogger()) {
  return fromSpec(PETSTORE, { handlers: petstoreHandlers(), security, logger });
}

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wirecore-spec-'));
  temps.push(dir);
  return dir;
}

describe.each(RUNTIMES)('the Petstore 3.1 spec as an app on %s', (runtime) => {
  it('answers its operations, with security from the spec and bodies through its schemas', async () => {
    const app = await petstore();
    const server = await serveApp(runtime, app);
    const bearer = { authorization: `Bearer ${await token()}` };

    const byKey = await fetch(`${server.url}/pet/1`, { headers: await keyOrBearer(runtime) });
    expect(byKey.status).toBe(200);
    expect(byKey.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await byKey.json()).toEqual({ id: 1, name: 'doggie', photoUrls: ['https://example.com/doggie.png'], status: 'available', tags: [{ id: 1, name: 'good' }] });

    const added = await fetch(`${server.url}/pet`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rex', photoUrls: [], status: 'pending' }) });
    expect(added.status).toBe(200);
    // The Pet schema serializes the answer: the handler's extra field does not go out.
    expect(await added.json()).toEqual({ id: 3, name: 'rex', photoUrls: [], status: 'pending' });

    const byStatus = await fetch(`${server.url}/pet/findByStatus?status=pending`, { headers: bearer });
    expect((await byStatus.json()).map((p: { name: string }) => p.name)).toEqual(['rex']);
    const defaulted = await fetch(`${server.url}/pet/findByStatus`, { headers: bearer });
    expect((await defaulted.json()).map((p: { name: string }) => p.name)).toEqual(['doggie']);

    const login = await fetch(`${server.url}/user/login?username=ada&password=x`);
    expect(await login.json()).toBe('logged in user session: ada');
    expect(login.headers.get('x-rate-limit')).toBe('5000');

    const noCredentials = await fetch(`${server.url}/pet/1`);
    expect(noCredentials.status).toBe(401);
    expect(noCredentials.headers.get('www-authenticate')).toBe('ApiKey realm="api", in="header", name="api_key", Bearer realm="api"');
    expect(noCredentials.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses invalid requests with 400 problem bodies naming each failure', async () => {
    const app = await petstore();
    const server = await serveApp(runtime, app);
    const headers = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
    const badBody = await fetch(`${server.url}/pet`, { method: 'POST', headers, body: JSON.stringify({ name: 7, status: 'lost' }) });
    expect(badBody.status).toBe(400);
    expect(badBody.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await badBody.json()) as { errors: Array<{ in: string; path: string; keyword: string }> };
    expect(problem.errors.map((e) => `${e.in}${e.path} ${e.keyword}`).sort()).toEqual(['body/name type', 'body/photoUrls required', 'body/status enum']);

    const badParam = await fetch(`${server.url}/pet/abc`, { headers: await keyOrBearer(runtime) });
    expect(badParam.status).toBe(400);
    expect(await badParam.json()).toMatchObject({ title: 'Bad Request', errors: [{ in: 'params', path: '/petId', keyword: 'type' }] });

    const badQuery = await fetch(`${server.url}/pet/findByStatus?status=lost`, { headers });
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toMatchObject({ errors: [{ in: 'query', path: '/status', keyword: 'enum' }] });

    const malformed = await fetch(`${server.url}/store/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ detail: expect.stringContaining('Malformed JSON body') });

    // application/xml is in the spec but no parser reads it: 415, not a crash.
    const xml = await fetch(`${server.url}/store/order`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<order/>' });
    expect(xml.status).toBe(415);
  });
});

describe('the Petstore 3.1 spec as an app, in-process', () => {
  it('runs every kind of operation: path, query arrays, headers, raw uploads, forms, 404s, scopes', async () => {
    const log = recordingLogger();
    const app = await petstore(log);
    const bearer = { authorization: `Bearer ${await token()}` };
    const byTags = await app.inject({ url: '/pet/findByTags?tags=good&tags=other', headers: bearer });
    expect(byTags.json()).toMatchObject([{ name: 'doggie' }]);
    const oneTag = await app.inject({ url: '/pet/findByTags?tags=good', headers: bearer });
    expect(oneTag.json()).toMatchObject([{ name: 'doggie' }]);
    const upload = await app.inject({ method: 'POST', url: '/pet/1/uploadImage?additionalMetadata=x', headers: { ...bearer, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(300) });
    expect(upload.json()).toEqual({ code: 200, type: 'upload', message: '300 bytes for pet 1' });
    const form = await app.inject({ method: 'POST', url: '/pet/2?name=tom&status=available', headers: bearer });
    expect(form.json()).toMatchObject({ id: 2, name: 'tom', status: 'available' });
    expect((await app.inject({ url: '/store/inventory', headers: { api_key: 'special-key' } })).json()).toEqual({ available: 2 });
    expect((await app.inject({ method: 'DELETE', url: '/pet/2', headers: { ...bearer, api_key: 'ignored' } })).status).toBe(200);
    expect((await app.inject({ url: '/pet/2', headers: { api_key: 'special-key' } })).status).toBe(404);
    const order = await app.inject(json('POST', '/store/order', { petId: 1, quantity: 2, status: 'placed', complete: false }));
    expect(order.json()).toEqual({ id: 1, petId: 1, quantity: 2, status: 'placed', complete: false });
    expect((await app.inject({ url: '/store/order/1' })).json()).toMatchObject({ petId: 1 });
    const users = await app.inject(json('POST', '/user/createWithList', [{ username: 'ada', email: 'ada@example.com' }]));
    expect(users.json()).toEqual({ username: 'ada', email: 'ada@example.com' });
    expect((await app.inject({ url: '/user/ada' })).json()).toMatchObject({ username: 'ada' });
    const formUser = await app.inject({ method: 'POST', url: '/user', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=bob&email=bob%40example.com' });
    expect(formUser.json()).toEqual({ username: 'bob', email: 'bob@example.com' });
    // A token without write:pets: 403 naming the missing scope.
    const readOnly = await app.inject(json('POST', '/pet', { name: 'x', photoUrls: [] }, { authorization: `Bearer ${await token('read:pets')}` }));
    expect(readOnly.status).toBe(403);
    expect(readOnly.json()).toMatchObject({ detail: 'Missing scope: write:pets', missingScopes: ['write:pets'] });
    expect(readOnly.headers.get('www-authenticate')).toBe('Bearer realm="api", error="insufficient_scope", scope="write:pets read:pets"');
    // What the spec says the app cannot do is said once, grouped.
    expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual(['no body parser reads application/xml (add it in options.bodyParsers): such requests are answered 415']);
  });

  it('emits the spec again as an equivalent document, which loads again to the same document', async () => {
    const app = await petstore();
    const emitted = app.openapi();
    const original = YAML.parse(await (await import('node:fs/promises')).readFile(PETSTORE, 'utf8')) as OpenApiDocument;
    expect(await normalized(emitted)).toEqual(await normalized(original));
    const validator = new Validator();
    const result = await validator.validate(structuredClone(emitted) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const again = await fromSpec(emitted, { handlers: petstoreHandlers(), security, logger: recordingLogger() });
    expect(again.openapi()).toEqual(emitted);
  });

  it('loads OpenAPI 3.0 (nullable, boolean exclusiveMinimum) from JSON and from an object', async () => {
    const spec = {
      openapi: '3.0.3',
      info: { title: 'thirty', version: '1' },
      paths: {
        '/items/{item-id}': {
          parameters: [{ name: 'item-id', in: 'path', required: true, schema: { type: 'integer', minimum: 0, exclusiveMinimum: true } }],
          put: {
            operationId: 'putItem',
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
          },
        },
      },
      components: { schemas: { Item: { type: 'object', required: ['note'], properties: { note: { type: 'string', nullable: true } } } } },
    };
    const dir = await tempDir();
    await writeFile(join(dir, 'thirty.json'), JSON.stringify(spec));
    for (const source of [join(dir, 'thirty.json'), spec]) {
      const app = await fromSpec(source, { handlers: { putItem: (c) => ({ ...(c.body as object), id: c.params['item-id'] }) }, logger: recordingLogger() });
      expect((await app.inject(json('PUT', '/items/3', { note: null }))).json()).toEqual({ note: null });
      const zero = await app.inject(json('PUT', '/items/0', { note: 'x' }));
      expect(zero.status).toBe(400);
      expect(zero.json()).toMatchObject({ errors: [{ in: 'params', path: '/item-id', keyword: 'exclusiveMinimum' }] });
      expect(app.openapi().openapi).toBe('3.0.3');
    }
  });

  it('resolves $refs to other files next to the spec', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'shared.yaml'), 'Greeting:\n  type: object\n  required: [text]\n  properties:\n    text: { type: string, minLength: 2 }\n');
    await writeFile(
      join(dir, 'main.yaml'),
      YAML.stringify({
        openapi: '3.1.0',
        info: { title: 'split', version: '1' },
        paths: { '/greet': { post: { operationId: 'greet', requestBody: { required: true, content: { 'application/json': { schema: { $ref: './shared.yaml#/Greeting' } } } }, responses: { '200': { description: 'ok' } } } } },
      }),
    );
    const app = await fromSpec(join(dir, 'main.yaml'), { handlers: { greet: (c) => c.body }, logger: recordingLogger() });
    expect((await app.inject(json('POST', '/greet', { text: 'hi' }))).json()).toEqual({ text: 'hi' });
    expect((await app.inject(json('POST', '/greet', { text: 'h' }))).status).toBe(400);
  });

  it('keeps recursive schemas as references: nested data is checked and serialized to any depth', async () => {
    const spec = {
      openapi: '3.1.0',
      info: { title: 'tree', version: '1' },
      paths: { '/tree': { post: { operationId: 'echoTree', requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } }, responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } } } } },
      components: { schemas: { Node: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } } } },
    };
    const app = await fromSpec(spec, { handlers: { echoTree: (c) => c.body }, logger: recordingLogger() });
    const tree = { name: 'a', children: [{ name: 'b', children: [{ name: 'c', extra: 1 }] }] };
    expect((await app.inject(json('POST', '/tree', tree))).json()).toEqual({ name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] });
    const bad = await app.inject(json('POST', '/tree', { name: 'a', children: [{ children: [] }] }));
    expect(bad.json()).toMatchObject({ errors: [{ in: 'body', path: '/children/0/name', keyword: 'required' }] });
    expect(app.openapi().paths!['/tree']!.post).toMatchObject({ requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } });
  });
});

const minimal = (paths: Record<string, unknown>, components: Record<string, unknown> = {}) => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components });
const ok = { '200': { description: 'ok' } };

describe('spec-first start-up errors', () => {
  it('names a missing handler and a handler with no operation', async () => {
    const handlers = petstoreHandlers();
    delete handlers.getInventory;
    delete handlers.logoutUser;
    await expect(fromSpec(PETSTORE, { handlers, security, logger: recordingLogger() })).rejects.toThrow(/petstore-3\.1\.yaml: no handler for "getInventory", "logoutUser" \(add them to options\.handlers\)$/);
    await expect(fromSpec(PETSTORE, { handlers: { ...petstoreHandlers(), getPetByName: () => 'x' }, security, logger: recordingLogger() })).rejects.toThrow(/handler "getPetByName" matches no operation/);
  });

  it('names a spec that does not parse, is not OpenAPI 3, or is invalid', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.yaml'), 'openapi: 3.1.0\ninfo:\n  title: "unterminated\n');
    await expect(fromSpec(join(dir, 'broken.yaml'), { handlers: {} })).rejects.toThrow(/broken\.yaml does not parse as YAML or JSON: .*line/s);
    await writeFile(join(dir, 'broken.json'), '{"openapi": "3.1.0",');
    await expect(fromSpec(join(dir, 'broken.json'), { handlers: {} })).rejects.toThrow(/broken\.json is not valid JSON/);
    await expect(fromSpec(join(dir, 'absent.yaml'), { handlers: {} })).rejects.toThrow(/absent\.yaml cannot be read: ENOENT/);
    await expect(fromSpec({ swagger: '2.0' }, { handlers: {} })).rejects.toThrow(/is Swagger 2\.0; fromSpec reads OpenAPI 3\.0 and 3\.1/);
    await expect(fromSpec({ openapi: '4.0.0' }, { handlers: {} })).rejects.toThrow(/is not an OpenAPI 3\.0 or 3\.1 document/);
    await expect(fromSpec({ openapi: '3.1.0', info: { title: 'no version' }, paths: {} }, { handlers: {} })).rejects.toThrow(/is not valid:\n.*version/s);
  });

  it('refuses $ref cycles with a clear error instead of hanging', async () => {
    const selfParam = minimal({ '/a': { get: { operationId: 'a', parameters: [{ $ref: '#/components/parameters/P' }], responses: ok } } }, { parameters: { P: { $ref: '#/components/parameters/Q' }, Q: { $ref: '#/components/parameters/P' } } });
    await expect(fromSpec(selfParam, { handlers: { a: () => 1 } })).rejects.toThrow(/\$ref cycle at .*#\/paths\/~1a\/get\/parameters\/0: #\/components\/parameters\/P → #\/components\/parameters\/Q → #\/components\/parameters\/P/);
    const schemaLoop = minimal(
      { '/b': { post: { operationId: 'b', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } }, responses: ok } } },
      { schemas: { A: { allOf: [{ $ref: '#/components/schemas/B' }] }, B: { anyOf: [{ $ref: '#/components/schemas/A' }, { type: 'string' }] } } },
    );
    await expect(fromSpec(schemaLoop, { handlers: { b: () => 1 } })).rejects.toThrow(/schema \$ref cycle that never reaches any data: #\/components\/schemas\/A → #\/components\/schemas\/B → #\/components\/schemas\/A/);
    const dangling = minimal({ '/c': { get: { operationId: 'c', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } } } } } } });
    await expect(fromSpec(dangling, { handlers: { c: () => 1 } })).rejects.toThrow(/Nope/);
  });

  it('names unknown security schemes, in operations and in options', async () => {
    const unknown = minimal({ '/s': { get: { operationId: 's', security: [{ ghost: [] }], responses: ok } } }, { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } });
    await expect(fromSpec(unknown, { handlers: { s: () => 1 }, logger: recordingLogger() })).rejects.toThrow(/requires security scheme "ghost", which is not declared/);
    const known = minimal({ '/s': { get: { operationId: 's', security: [{ key: [] }], responses: ok } } }, { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } });
    await expect(fromSpec(known, { handlers: { s: () => 1 }, security: { kee: { keys: ['k'] } } })).rejects.toThrow(/security\.kee names no security scheme of the spec object \(it declares "key"\)/);
    await expect(fromSpec(known, { handlers: { s: () => 1 } })).rejects.toThrow(/security scheme "key" \(apiKey\) needs keys or verify\(key\)/);
  });
});

describe('spec hot reload', () => {
  it('lets a request in flight finish on the table it started with', async () => {
    const spec = minimal({ '/ping': { get: { operationId: 'ping', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'integer' } } } } } } } } } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let first = true;
    const app = await fromSpec(spec, {
      handlers: {
        ping: async () => {
          if (first) {
            first = false;
            entered();
            await held;
          }
          return { a: 1, b: 2 };
        },
      },
      logger: recordingLogger(),
    });
    const inFlight = app.inject({ url: '/ping' });
    await inside;
    // The object is read again by reload(): the new table serializes b too.
    (spec.paths['/ping'].get.responses['200'].content['application/json'].schema.properties as Record<string, unknown>).b = { type: 'integer' };
    await app.reload();
    expect((await app.inject({ url: '/ping' })).text()).toBe('{"a":1,"b":2}');
    release();
    expect((await inFlight).text()).toBe('{"a":1}');
  });

  it('swaps the route table while requests flow: none fails, a broken edit keeps the old table', async () => {
    const dir = await tempDir();
    const file = join(dir, 'live.yaml');
    const version = (fields: string[]) =>
      YAML.stringify(minimal({ '/ping': { get: { operationId: 'ping', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { type: 'integer' }])) } } } } } } } }));
    // Writes whole files only: a rename is atomic, so the watcher never reads half a file.
    let n = 0;
    const save = async (text: string) => {
      const next = join(dir, `next-${n++}.tmp`);
      await writeFile(next, text);
      await rename(next, file);
    };
    await save(version(['a']));
    const log = recordingLogger();
    let onReload: (error: Error | null) => void = () => {};
    const reloaded = () => new Promise<Error | null>((resolve) => (onReload = resolve));
    const app = await fromSpec(file, { handlers: { ping: () => ({ a: 1, b: 2, c: 3 }) }, watch: true, logger: log, onReload: (e) => onReload(e) });
    const server = await serveApp('net', app);
    try {
      const seen = new Set<string>();
      let failures = 0;
      let running = true;
      const client = async () => {
        while (running) {
          const res = await fetch(`${server.url}/ping`).catch(() => null);
          if (res === null || res.status !== 200) failures++;
          else seen.add(await res.text());
        }
      };
      const clients = Array.from({ length: 4 }, client);
      await new Promise((r) => setTimeout(r, 30));
      let next = reloaded();
      await save(version(['a', 'b']));
      expect(await next).toBeNull();
      next = reloaded();
      await save('openapi: 3.1.0\npaths: [this is not a spec\n');
      expect(await next).toBeInstanceOf(Error);
      next = reloaded();
      await save(version(['a', 'b', 'c']));
      expect(await next).toBeNull();
      await new Promise((r) => setTimeout(r, 30));
      running = false;
      await Promise.all(clients);
      expect(failures).toBe(0);
      expect(seen).toContain('{"a":1}');
      expect(seen).toContain('{"a":1,"b":2,"c":3}');
      expect([...seen].every((body) => ['{"a":1}', '{"a":1,"b":2}', '{"a":1,"b":2,"c":3}'].includes(body))).toBe(true);
      const failed = log.entries.find((e) => e.message === 'spec reload failed; the previous routes stay');
      expect((failed?.fields.err as Error).message).toMatch(/live\.yaml does not parse as YAML or JSON/);
      expect(log.entries.filter((e) => e.message === 'spec reloaded')).toHaveLength(2);
    } finally {
      app.unwatch();
    }
  });
});

/** A document as its meaning: references resolved, path-level parameters folded into operations, the effective security on each. */
async function normalized(document: OpenApiDocument): Promise<unknown> {
  const doc = (await dereference(structuredClone(document) as never, { dereference: { circular: 'ignore' } })) as unknown as OpenApiDocument;
  for (const item of Object.values(doc.paths ?? {}) as Array<Record<string, unknown>>) {
    const shared = (item.parameters ?? []) as Array<{ in: string; name: string }>;
    delete item.parameters;
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (op === undefined) continue;
      const params = new Map<string, unknown>();
      for (const p of [...shared, ...((op.parameters ?? []) as Array<{ in: string; name: string }>)]) params.set(`${p.in}:${p.name.toLowerCase()}`, p);
      if (params.size === 0) delete op.parameters;
      else op.parameters = [...params.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p);
      op.security ??= doc.security;
      if (op.security === undefined) delete op.security;
    }
  }
  delete doc.security;
  return doc;
}
