// Parity target: the echo as a code-first wirecore/app (runtime argv[2]), plus
// the app-only operations (parity/cases/app.ts) registered in code with
// TypeBox schemas: the operations parity/targets/app-spec.ts builds from its
// OpenAPI document, with the same handler functions. Prints "READY <port>".
import { Type, createApp } from 'wirecore/app';
import { PARITY_JWT_SECRET, addEchoRoutes, appSettings, handlers, serveParity } from './app-shared.js';

// The case tokens have no exp (their bytes never change): requireExp is off for them.
const app = createApp({ ...appSettings, security: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', jwt: { secret: PARITY_JWT_SECRET, requireExp: false } } } });
addEchoRoutes(app);

const User = Type.Object({ id: Type.Integer(), name: Type.String() });
const Item = Type.Object({ id: Type.Integer(), name: Type.String(), price: Type.Number() });
app.get('/app/users/:id', { operationId: 'getUser', schema: { params: Type.Object({ id: Type.Integer() }), response: { 200: User } } }, handlers.getUser as never);
app.post('/app/users', { operationId: 'createUser', consumes: ['application/json'], schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }), response: { 201: User } } }, handlers.createUser as never);
app.get('/app/secure', { operationId: 'whoAmI', security: [{ bearer: [] }], schema: { response: { 200: Type.Object({ sub: Type.String() }) } } }, handlers.whoAmI as never);
app.get('/app/items', { operationId: 'listItems', schema: { response: { 200: Type.Array(Item) } } }, handlers.listItems as never);
app.get('/app/session', { operationId: 'session', schema: { cookies: Type.Object({ session: Type.Optional(Type.String()) }), response: { 200: Type.Object({ session: Type.Union([Type.String(), Type.Null()]) }) } } }, handlers.session as never);
app.get('/app/events', { operationId: 'events' }, handlers.events as never);

await serveParity(app);
