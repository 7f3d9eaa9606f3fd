// The Security and CORS snippets of adapters/app/README.md, kept compiling
// (with check.ts, and in a strict consumer by test/app-types-strict.test.ts).
import { createApp } from 'wirecore/app';

const env = process.env; // `!`: each must be set; a missing secret fails at start-up.
const app = createApp({
  security: {
    bearer: { type: 'http', scheme: 'bearer', jwt: { secret: env.JWT_SECRET! } },                 // HS256
    oidc: { type: 'http', scheme: 'bearer', jwt: { jwks: 'https://issuer/jwks.json', issuer: 'https://issuer', audience: 'api' } },
    partner: { type: 'apiKey', in: 'header', name: 'x-api-key', keys: { [env.PARTNER_KEY!]: { sub: 'partner', role: 'user' } } },
    admin: { type: 'http', scheme: 'basic', users: { ops: env.OPS_PASSWORD! } },
  },
});
app.get('/me', { security: [{ bearer: [] }, { partner: [] }] }, (c) => c.principal);
app.delete('/books/:id', { security: [{ bearer: ['books:write'] }] }, () => undefined);

export const corsApp = createApp({
  cors: { origin: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.example\.com$/], credentials: true, allowedHeaders: ['content-type', 'authorization'], exposedHeaders: ['x-total'], maxAge: 600 },
  cookies: { secret: [process.env.COOKIE_SECRET!, process.env.OLD_COOKIE_SECRET!] },
  compression: { threshold: 1024, encodings: ['br', 'gzip'], brotliQuality: 4 },
  trustProxy: ['loopback', '10.0.0.0/8'],
});
