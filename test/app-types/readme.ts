// The example in adapters/app/README.md, kept compiling (checked with check.ts).
import { createApp, Type, NotFound } from 'wirecore/app';

const User = Type.Object({ id: Type.Integer(), name: Type.String(), email: Type.String({ format: 'email' }) });
const NewUser = Type.Omit(User, ['id']);

const users = new Map<number, { id: number; name: string; email: string }>();
const app = createApp({ state: { users } });

app.get('/users/:id', { schema: { params: Type.Object({ id: Type.Integer() }), response: { 200: User } } }, (c) => {
  const user = c.state.users.get(c.params.id);
  if (!user) throw new NotFound(`No user ${c.params.id}`);
  return user;
});

app.post('/users', { schema: { body: NewUser, response: { 201: User } } }, (c) => {
  const user = { id: c.state.users.size + 1, ...c.body };
  c.state.users.set(user.id, user);
  return c.reply(201, user);
});
app.use(async (c, next) => {
  if (!c.req.headers.get('authorization')) return void c.reply(401, { error: 'no' });
  await next();
});
export const server = app.listen({ runtime: 'net', port: 3000 });
