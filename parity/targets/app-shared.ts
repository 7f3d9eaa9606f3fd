// What both wirecore/app parity targets share: the echo routes (added in code
// to either app), the app-only operations' handlers and settings, and the
// OpenAPI document the spec-first target is built from. The code-first target
// registers the same operations with TypeBox schemas; the parity cases judge
// that both answer alike (parity/cases/app.ts).
import { createStatic, type RuntimeName } from 'wirecore';
import type { App, AppOptions, SpecHandler } from 'wirecore/app';
import { PARITY_LIMITS, PARITY_TIMEOUTS, PARITY_WEBSOCKET, SeenLog, actionOf, echoJson, readSeen, slowAction } from '../echo-shape.js';

/** The HS256 secret of the parity bearer scheme (the cases sign their token with it). */
export const PARITY_JWT_SECRET = 'parity-jwt-secret-of-32-bytes-ok';
export const PARITY_ORIGIN = 'https://parity.test';

const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** Settings both targets use: CORS for one origin, compression above 1 KiB. */
export const appSettings: AppOptions<undefined> = {
  logger: silent,
  cors: { origin: [PARITY_ORIGIN], credentials: true },
  compression: { threshold: 1024 },
};

export const ITEMS = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `item-${String(i + 1).padStart(3, '0')}`, price: (i + 1) * 2.5 }));

/** The app-only operations, by operationId. */
export const handlers: Record<string, SpecHandler> = {
  getUser: (c) => ({ id: c.params.id, name: 'Ada', secret: 'not serialized' }),
  createUser: (c) => c.reply(201, { id: 1, name: (c.body as { name: string }).name }),
  whoAmI: (c) => ({ sub: c.principal.sub }),
  listItems: () => ITEMS,
  session: (c) => {
    c.setCookie('visited', '1', { httpOnly: true, sameSite: 'lax' });
    return { session: c.cookies.session ?? null };
  },
  events: (c) =>
    c.sse(
      (async function* () {
        yield { id: 1, data: 'one' };
        yield { id: 2, event: 'update', data: { n: 2 } };
        yield 'three\nlines\nhere';
      })(),
      { heartbeatMs: 0 },
    ),
};

const User = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } };
const Item = { type: 'object', required: ['id', 'name', 'price'], properties: { id: { type: 'integer' }, name: { type: 'string' }, price: { type: 'number' } } };

/** The spec-first target's document: the same operations as the code-first target registers. */
export const APP_SPEC = {
  openapi: '3.1.0',
  info: { title: 'wirecore/app parity', version: '1.0.0' },
  paths: {
    '/app/users/{id}': {
      get: {
        operationId: 'getUser',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'A user', content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } } },
      },
    },
    '/app/users': {
      post: {
        operationId: 'createUser',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } } } },
        responses: { '201': { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } } },
      },
    },
    '/app/secure': {
      get: {
        operationId: 'whoAmI',
        security: [{ bearer: [] }],
        responses: { '200': { description: 'Who the token says', content: { 'application/json': { schema: { type: 'object', required: ['sub'], properties: { sub: { type: 'string' } } } } } } },
      },
    },
    '/app/items': {
      get: { operationId: 'listItems', responses: { '200': { description: 'Items', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } } } } },
    },
    '/app/session': {
      get: {
        operationId: 'session',
        parameters: [{ name: 'session', in: 'cookie', schema: { type: 'string' } }],
        responses: { '200': { description: 'The session cookie seen', content: { 'application/json': { schema: { type: 'object', properties: { session: { type: ['string', 'null'] } } } } } } },
      },
    },
    '/app/events': {
      get: { operationId: 'events', responses: { '200': { description: 'Events', content: { 'text/event-stream': { schema: { type: 'string' } } } } } },
    },
  },
  components: {
    schemas: { User, Item },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  },
};

/** How the spec's bearer scheme verifies. */
// The case tokens have no exp, so their bytes never change: requireExp is off for them.
export const specSecurity = { bearer: { jwt: { secret: PARITY_JWT_SECRET, requireExp: false } } };

/** The echo contract (parity/echo-shape.ts) and the seen log, added in code to either app. */
export function addEchoRoutes(app: App<undefined>): void {
  const seen = new SeenLog();
  const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });
  app.get('/seen/:id', (c) => seen.take(c.params.id));
  // The WebSocket echo as an app.ws route (GET); other methods reach the echo below, which hands them to the door.
  app.ws('/c/:id/ws', { protocols: ['chat.v1', 'chat.v2'], message: (ws, message, isBinary) => void ws.send(message, { binary: isBinary }) });
  app.all('/c/*', { parseBody: false, compress: false }, async (c) => {
    const req = c.req;
    seen.add(req.target, `${req.method} ${req.target}`);
    switch (actionOf(req.path)) {
      case 'slow':
        await slowAction();
        break;
      case 'throw-before':
        throw new Error('parity: thrown before the head');
      case 'throw-after':
        c.res.startChunked(200);
        await c.res.writeChunk('partial');
        throw new Error('parity: thrown after the head');
      case 'stream':
        c.header('content-type', 'text/plain');
        return (async function* () {
          for (const part of ['a', 'bb', 'ccc']) yield part;
        })();
      case 'stream-forever':
        req.signal.addEventListener('abort', () => seen.add(req.target, 'aborted'));
        return (async function* () {
          while (!c.res.aborted) {
            yield 'tick\n';
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
      case 'status-204':
        return c.reply(204, 'ignored');
      case 'status-304':
        return c.reply(304, 'ignored');
      case 'ignore-body':
        return 'ignored';
      case 'static':
        return c.res.sendStatic(staticHello);
      case 'ws':
        return c.res.upgrade(null);
    }
    const { json, header } = echoJson(await readSeen(seen, req));
    c.header('content-type', 'application/json').header('x-echo', header);
    return json;
  });
  app.health();
}

/** Listens on the runtime named by argv[2] and prints READY. */
export async function serveParity(app: App<undefined>): Promise<void> {
  const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });
  const server = await app.listen({
    runtime: (process.argv[2] ?? 'net') as RuntimeName,
    ...PARITY_TIMEOUTS,
    ...PARITY_LIMITS,
    websocket: PARITY_WEBSOCKET,
    tryStatic: (_ctx, method, path) => (path.startsWith('/c/') && path.endsWith('/static-hit') && (method === 'GET' || method === 'HEAD') ? staticHello : undefined),
  });
  console.log(`READY ${server.port}`);
}
