// npm run example:app-spec — the notes API built from examples/app-spec/notes.yaml
// on http://127.0.0.1:3000 (PORT to change). Edit notes.yaml while it runs:
// the routes follow (a broken edit is logged and the old routes stay).
// WATCH=0 stops watching; JWT_SECRET signs the tokens.
import { SignJWT } from 'jose';
import { createNotesApp } from './notes.js';

// #region readme
const secret = process.env.JWT_SECRET ?? 'development-secret-change-me-now!';
const app = await createNotesApp({ jwtSecret: secret, watch: process.env.WATCH !== '0' });
app.serveOpenapi({ path: '/openapi.json', docs: '/docs' });               // the document again, and a docs page
app.health().metrics();                                                   // /healthz, /readyz (503 once close begins), /metrics
const server = await app.listen({ port: Number(process.env.PORT ?? 3000) });
// #endregion
const token = await new SignJWT({ sub: 'demo', scope: 'notes:write' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
console.log(`notes API on ${server.url} (${server.runtime}), from notes.yaml; docs at ${server.url}/docs. Try:
  curl -N ${server.url}/notes/events &
  curl -s ${server.url}/notes -H 'authorization: Bearer ${token}' -H 'content-type: application/json' -d '{"text":"hello","tags":["demo"]}'
  curl -s ${server.url}/notes
  curl -s ${server.url}/notes -H 'content-type: application/json' -d '{"text":"no token"}'      # 401
  curl -s ${server.url}/metrics`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close({ graceMs: 2000 }).then(() => process.exit(0)));
