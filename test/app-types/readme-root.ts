// The example in the root README.md's App section, kept compiling (checked with check.ts).
import { createApp, Type, NotFound, Unauthorized } from 'wirecore/app';

const Book = Type.Object({ id: Type.Integer(), title: Type.String(), year: Type.Integer() });
const NewBook = Type.Omit(Book, ['id']);

const app = createApp({ state: { books: new Map<number, { id: number; title: string; year: number }>() } });

app.use(async (c, next) => {                                   // onion middleware, app-wide
  const started = performance.now();
  await next();
  c.header('server-timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
});

const api = app.group('/api', {
  onRequest: (c) => {
    if (c.req.headers.get('authorization') !== 'Bearer demo') throw new Unauthorized('Send "Bearer demo"');
  },
});

api.get('/books/:id', { schema: { params: Type.Object({ id: Type.Integer() }), response: { 200: Book } } }, (c) => {
  const book = c.state.books.get(c.params.id);                 // c.params.id: number, coerced and checked
  if (book === undefined) throw new NotFound(`No book ${c.params.id}`);
  return book;                                                 // checked against Book by tsc, serialized by its schema
});

api.post('/books', { schema: { body: NewBook, response: { 201: Book } }, operationId: 'createBook' }, (c) => {
  const book = { id: c.state.books.size + 1, ...c.body };     // c.body: { title: string; year: number }
  c.state.books.set(book.id, book);
  return c.reply(201, book);
});

api.get('/books/:id/lines', async function* () {               // streamed, with backpressure
  yield 'first line\n';
  yield 'second line\n';
});

export const server = await app.listen({ runtime: 'net', port: 3000 });
