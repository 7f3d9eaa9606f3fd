// wirecore/app serving the app suite's routes; runtime from argv[2].
import type { RuntimeName } from 'wirecore';
import { createApp } from 'wirecore/app';
import { HELLO, NewUser, User, UserParams, created, userById } from './app-routes.js';

const app = createApp({ logger: { error: (f, m) => console.error(m, f), warn: () => {}, info: () => {}, debug: () => {} } });
app.get('/hello', () => HELLO);
app.get('/users/:id', { schema: { params: UserParams, response: { 200: User } } }, (c) => userById(c.params.id));
app.post('/users', { schema: { body: NewUser, response: { 201: User } } }, (c) => c.reply(201, created(c.body)));

const server = await app.listen({ runtime: (process.argv[2] ?? 'net') as RuntimeName, port: 0 });
console.log(`READY ${server.port}`);
