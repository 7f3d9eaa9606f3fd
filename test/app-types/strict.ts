// What a strict consumer meets (checked against the packed package by
// test/app-types-strict.test.ts, and from source with check.ts): a bare return
// is sent as 200, so it must be the 200 type; other statuses go through
// c.reply(); `undefined` answers 204 where the schema declares 204; inject's
// result is a status, WireHeaders and a Buffer with text() and json().
import { createApp, Type, type RouteInfo } from 'wirecore/app';

const User = Type.Object({ id: Type.Integer(), name: Type.String() });
const Created = Type.Object({ id: Type.Integer(), createdAt: Type.String() });
const app = createApp();

app.post('/users', { schema: { body: Type.Object({ name: Type.String() }), response: { 200: User, 201: Created } } }, (c) => {
  if (c.body.name === 'new') return c.reply(201, { id: 2, createdAt: '2026-01-01' });
  return { id: 1, name: c.body.name };
});

// @ts-expect-error: a bare return goes out as 200 through the User serializer; the 201 shape needs c.reply(201, …)
app.post('/wrong', { schema: { response: { 200: User, 201: Created } } }, () => ({ id: 2, createdAt: '2026-01-01' }));

// @ts-expect-error: with no 200 schema a bare value would go out as an undeclared 200
app.post('/only-201', { schema: { response: { 201: Created } } }, () => ({ id: 2, createdAt: '2026-01-01' }));

app.delete('/users/:id', { schema: { response: { 204: Type.Null(), 404: Type.Object({ reason: Type.String() }) } } }, (c) => {
  if (c.params.id === '0') return c.reply(404, { reason: 'none' });
  return undefined;
});
app.delete('/sync/:id', { schema: { response: { 204: Type.Null() } } }, () => {});
app.delete('/async/:id', { schema: { response: { 204: Type.Null() } } }, async () => {});

// @ts-expect-error: undefined is 204, which this schema does not declare
app.get('/no-204', { schema: { response: { 200: User } } }, () => undefined);

export async function injected(): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: '{"name":"ada"}' });
  const status: number = res.status;
  const type: string | undefined = res.headers.get('content-type');
  const user = res.json<{ id: number; name: string }>();
  const bytes: Buffer = res.body;
  return `${status} ${type ?? ''} ${user.name} ${res.text()} ${bytes.length}`;
}

export const routes: RouteInfo[] = app.routes();
const first = routes[0];
export const security = first?.security?.[0]?.['bearer'];
