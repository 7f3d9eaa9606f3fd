// wirecore/app serving the app-production suite's routes (runtime from argv[2]):
// a JWT-protected route (jose, HS256, verified tokens cached) and a JSON answer
// compressed by Accept-Encoding.
import type { RuntimeName } from 'wirecore';
import { createApp } from 'wirecore/app';
import { CATALOG, Catalog, JWT_SECRET, Whoami } from './app-production-routes.js';

const app = createApp({
  logger: { error: (f, m) => console.error(m, f), warn: () => {}, info: () => {}, debug: () => {} },
  // The bench token is fixed and has no exp (see app-production-routes.ts): requireExp off for it alone.
  security: { bearer: { type: 'http', scheme: 'bearer', jwt: { secret: JWT_SECRET, requireExp: false } } },
  compression: { threshold: 1024 },
});
app.get('/secure', { security: [{ bearer: ['catalog:read'] }], schema: { response: { 200: Whoami } } }, (c) => ({ sub: String(c.principal.sub), scope: String(c.principal.scope) }));
app.get('/catalog', { schema: { response: { 200: Catalog } } }, () => CATALOG);

const server = await app.listen({ runtime: (process.argv[2] ?? 'net') as RuntimeName, port: 0 });
console.log(`READY ${server.port}`);
