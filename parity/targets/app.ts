// Parity target: the echo as a wirecore/app (runtime argv[2]), plus the app
// routes the app-only cases use (parity/cases/app.ts). Prints "READY <port>".
import { createStatic, type RuntimeName } from 'wirecore';
import { createApp, Type } from 'wirecore/app';
import { PARITY_LIMITS, PARITY_TIMEOUTS, SeenLog, actionOf, slowAction, describeBody, pairs, type Seen } from '../echo-shape.js';

const seen = new SeenLog();
const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });
const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const app = createApp({ logger: silent });

app.get('/seen/:id', (c) => seen.take(c.params.id));

app.all('/c/*', { parseBody: false }, async (c) => {
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
  }
  let body: Uint8Array;
  try {
    body = await req.body.bytes();
  } catch (error) {
    seen.add(req.target, 'body-error');
    throw error;
  }
  seen.add(req.target, 'body-ok');
  const echo: Seen = {
    method: req.method,
    target: req.target,
    version: req.httpVersion,
    headers: pairs(req.headers.raw),
    ...describeBody(body),
    trailers: req.body.trailers ? pairs(req.body.trailers.raw) : null,
  };
  const json = JSON.stringify(echo);
  c.header('content-type', 'application/json').header('x-echo', Buffer.from(json).toString('base64').slice(0, 2048));
  return json;
});

// The app-only cases: schemas, problem answers, 404/405.
const User = Type.Object({ id: Type.Integer(), name: Type.String() });
app.get('/app/users/:id', { schema: { params: Type.Object({ id: Type.Integer() }), response: { 200: User } } }, (c) => ({ id: c.params.id, name: 'Ada', secret: 'not serialized' }));
app.post('/app/users', { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }), response: { 201: User } } }, (c) => c.reply(201, { id: 1, name: c.body.name }));

const server = await app.listen({
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  ...PARITY_TIMEOUTS,
  ...PARITY_LIMITS,
  tryStatic: (_ctx, method, path) => (path.endsWith('/static-hit') && (method === 'GET' || method === 'HEAD') ? staticHello : undefined),
});
console.log(`READY ${server.port}`);
