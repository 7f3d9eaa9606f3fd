// Fastify 5 on node:http with the app suite's routes and the same schemas
// (its own ajv and fast-json-stringify compile them): the peer a user would pick.
import Fastify from 'fastify';
import { HELLO, NewUser, User, UserParams, created, userById, type NewUserValue } from './app-routes.js';

const app = Fastify({ logger: false });
app.get('/hello', async () => HELLO);
app.get<{ Params: { id: number } }>('/users/:id', { schema: { params: UserParams, response: { 200: User } } }, async (req) => userById(req.params.id));
app.post<{ Body: NewUserValue }>('/users', { schema: { body: NewUser, response: { 201: User } } }, async (req, reply) => reply.code(201).send(created(req.body)));

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address() as { port: number };
console.log(`READY ${address.port}`);
