// Fastify 5 doing what bench/servers/app-production.ts does: @fastify/jwt
// (fast-jwt, HS256) in an onRequest hook with the same scope check, its
// verified-token cache on and keyed by the token text as wirecore/app's is
// (fast-jwt hashes the token by default), and @fastify/compress (global, same
// threshold; brotli quality 4 is its default too) on the same JSON.
import fastifyCompress from '@fastify/compress';
import fastifyJwt from '@fastify/jwt';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { CATALOG, Catalog, JWT_SECRET, Whoami } from './app-production-routes.js';

const app = Fastify({ logger: false });
await app.register(fastifyJwt, { secret: JWT_SECRET, verify: { algorithms: ['HS256'], cache: true, cacheKeyBuilder: (token: string) => token } });
await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });

async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  try {
    const payload = await req.jwtVerify<{ sub: string; scope?: string }>();
    if (!(payload.scope ?? '').split(' ').includes('catalog:read')) await reply.code(403).send({ error: 'missing scope' });
  } catch {
    await reply.code(401).header('www-authenticate', 'Bearer realm="api"').send({ error: 'unauthorized' });
  }
}

app.get('/secure', { onRequest: authenticate, schema: { response: { 200: Whoami } } }, async (req) => {
  const user = req.user as { sub: string; scope: string };
  return { sub: user.sub, scope: user.scope };
});
app.get('/catalog', { schema: { response: { 200: Catalog } } }, async () => CATALOG);

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address() as { port: number };
console.log(`READY ${address.port}`);
