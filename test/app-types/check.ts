// Type-level test, checked by `tsc -p test/app-types` (test/app-types.test.ts):
// every `@ts-expect-error` line must be an error, everything else must compile.
import { createApp, Type, type PathParams, type Written } from 'wirecore/app';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;

// Path params from the path string.
assertType<Equal<PathParams<'/users/:id/posts/:postId'>, { id: string; postId: string }>>(true);
assertType<Equal<PathParams<'/files/*'>, { '*': string }>>(true);
assertType<Equal<PathParams<'/posts/:id?'>, { id?: string }>>(true);
assertType<Equal<PathParams<'/at/:hour(^\\d{2})h:minute(^(?:\\d{2}))m'>, { hour: string; minute: string }>>(true);
assertType<Equal<PathParams<'/near/:lat-:lng/radius/:r'>, { lat: string; lng: string; r: string }>>(true);
assertType<Equal<PathParams<'/static'>, {}>>(true);
assertType<Equal<PathParams<'/name::verb'>, {}>>(true);

const app = createApp({ state: { greeting: 'hi', count: 0 } });

app.get('/users/:id/posts/:postId', (c) => {
  const id: string = c.params.id;
  const postId: string = c.params.postId;
  // @ts-expect-error: the path declares no such param
  c.params.nope;
  const greeting: string = c.state.greeting;
  // @ts-expect-error: state is typed
  c.state.missing;
  return { id, postId, greeting };
});

const User = Type.Object({ id: Type.Integer(), name: Type.String() });

app.get(
  '/users/:id',
  { schema: { params: Type.Object({ id: Type.Integer() }), query: Type.Object({ verbose: Type.Optional(Type.Boolean()) }), response: { 200: User, 404: Type.Object({ reason: Type.String() }) } } },
  (c) => {
    // A params schema overrides the path's strings.
    const id: number = c.params.id;
    const verbose: boolean | undefined = c.query.verbose;
    if (verbose) return c.reply(404, { reason: 'gone' });
    // @ts-expect-error: the 404 schema wants { reason: string }
    if (id < 0) return c.reply(404, { why: 'negative' });
    return { id, name: 'ada' };
  },
);

// @ts-expect-error: a handler returning the wrong shape fails tsc (id must be a number)
app.get('/wrong/:id', { schema: { response: { 200: User } } }, (c) => ({ id: c.params.id, name: 'x' }));

// @ts-expect-error: a missing property fails as well
app.get('/missing', { schema: { response: { 200: User } } }, () => ({ id: 1 }));

app.post('/users', { schema: { body: Type.Object({ name: Type.String(), age: Type.Integer() }), response: { 201: User } } }, async (c) => {
  const name: string = c.body.name;
  // @ts-expect-error: the body is typed by its schema
  const age: string = c.body.age;
  void age;
  return c.reply(201, { id: 1, name });
});

// Without response schemas any status takes any body.
app.get('/free', (c) => (c.req.method === 'GET' ? c.reply(204, 'ignored') : c.reply(418)));

// A raw answer through the writer is always allowed.
app.get('/raw', { schema: { response: { 200: User } } }, (c): Written => c.res.send({ status: 200, body: 'raw' }));

// Headers by schema.
app.get('/h', { schema: { headers: Type.Object({ 'x-token': Type.String() }) } }, (c) => {
  const token: string = c.headers['x-token'];
  return token;
});

// Groups carry their prefix's params.
const accounts = app.group('/accounts/:accountId');
accounts.get('/invoices/:invoiceId', (c) => {
  const both: { accountId: string; invoiceId: string } = c.params;
  return both;
});

// The general form types the same way.
app.route({
  method: 'PUT',
  path: '/things/:thingId',
  schema: { body: Type.Object({ label: Type.String() }) },
  handler: (c) => {
    const thingId: string = c.params.thingId;
    const label: string = c.body.label;
    // @ts-expect-error: no such param
    c.params.id;
    return { thingId, label };
  },
});

// Locals are typed by declaration merging.
declare module 'wirecore/app' {
  interface Locals {
    user: { name: string };
  }
}
app.use(async (c, next) => {
  c.locals.user = { name: 'ada' };
  await next();
});
app.get('/me', (c) => {
  const name: string = c.locals.user.name;
  // @ts-expect-error: not a declared local
  c.locals.other;
  return name;
});
