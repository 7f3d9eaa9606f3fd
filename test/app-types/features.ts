// Type-level test of the production features (checked with check.ts by
// test/app-types.test.ts): the principal typed by declaration merging,
// cookies typed by their schema, scheme settings checked, SSE answers and
// spec-first handlers accepted.
import { SignJWT } from 'jose';
import { createApp, fromSpec, Type, type Principal, type SpecHandler, type Written } from 'wirecore/app';

declare module 'wirecore/app' {
  interface Principal {
    sub: string;
    role: 'admin' | 'user';
  }
}

const app = createApp({
  security: {
    bearer: { type: 'http', scheme: 'bearer', jwt: { secret: 'x'.repeat(32), algorithms: ['HS256'] } },
    key: { type: 'apiKey', in: 'cookie', name: 'session', verify: async (key) => (key === 'k' ? { sub: 'k', role: 'user' } : null) },
  },
  cors: { origin: ['https://a.test'], credentials: true },
  compression: { threshold: 512, encodings: ['br', 'gzip'] },
  cookies: { secret: 'y'.repeat(32) },
  trustProxy: ['loopback'],
});

// @ts-expect-error: an apiKey lives in a header, the query or a cookie
createApp({ security: { k: { type: 'apiKey', in: 'body', name: 'k', keys: ['x'] } } });

app.get('/me', { security: [{ bearer: [] }] }, (c) => {
  const role: 'admin' | 'user' = c.principal.role;
  const sub: string = c.principal.sub;
  // @ts-expect-error: the role is a union of two strings
  const n: number = c.principal.role;
  void n;
  return { role, sub, scheme: c.auth?.scheme, ip: c.ip, protocol: c.protocol };
});

app.get('/prefs', { schema: { cookies: Type.Object({ theme: Type.String(), size: Type.Optional(Type.Integer()) }) } }, (c) => {
  const theme: string = c.cookies.theme;
  const size: number | undefined = c.cookies.size;
  // @ts-expect-error: not in the cookies schema
  c.cookies.other;
  c.setCookie('theme', theme, { httpOnly: true, sameSite: 'lax', signed: true });
  // @ts-expect-error: SameSite has three values
  c.setCookie('theme', theme, { sameSite: 'sometimes' });
  return { theme, size, signed: c.signedCookie('theme') ?? null };
});

// An event stream is the writer's own answer, allowed beside response schemas.
app.get('/events', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, (c): Promise<Written> =>
  c.sse(
    (async function* () {
      yield { id: 1, event: 'tick', data: { at: Date.now() } };
      yield 'plain text';
    })(),
    { heartbeatMs: 10_000 },
  ),
);

const getPet: SpecHandler = (c) => ({ id: c.params.petId });
export const specApp = fromSpec('openapi.yaml', { handlers: { getPet }, security: { bearer: { jwt: { jwks: 'https://issuer.test/jwks.json' } } }, watch: true });
export const token = new SignJWT({ role: 'admin' });

// The spec-first example of the root README.md, kept compiling.
const notes = { list: (query: unknown) => [query], add: (body: unknown, author: Principal) => ({ body, author: author.sub }) };
export async function readmeSpecFirst(): Promise<void> {
  const app = await fromSpec('./notes.yaml', {
    handlers: { listNotes: (c) => notes.list(c.query), createNote: (c) => c.reply(201, notes.add(c.body, c.principal)) },
    security: { bearer: { jwt: { jwks: 'https://issuer.example/.well-known/jwks.json' } } },
    watch: true,
  });
  app.health().metrics();
  await app.listen({ port: 3000 });
}
