// A small JSON API on wirecore/app: books in an in-memory store, every route
// with schemas (validation, serialization and types from one definition).
import { Conflict, NotFound, Type, createApp, type AppLogger, type Static } from 'wirecore/app';

export const Book = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  author: Type.String(),
  isbn: Type.String(),
  year: Type.Integer(),
  tags: Type.Array(Type.String()),
});
export type Book = Static<typeof Book>;

const BookInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    author: Type.String({ minLength: 1, maxLength: 100 }),
    isbn: Type.String({ pattern: '^(97[89])?\\d{9}[\\dX]$' }),
    year: Type.Integer({ minimum: 1450, maximum: 2100 }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
type BookInput = Static<typeof BookInput>;

const BookPatch = Type.Partial(BookInput, { additionalProperties: false, minProperties: 1 });
const BookId = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const BookList = Type.Object({ total: Type.Integer(), items: Type.Array(Book) });
const ListQuery = Type.Object({
  author: Type.Optional(Type.String()),
  tag: Type.Optional(Type.String()),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export class BookStore {
  private readonly books = new Map<number, Book>();
  private nextId = 1;

  list(filter: { author?: string; tag?: string }): Book[] {
    return [...this.books.values()].filter((b) => (filter.author === undefined || b.author === filter.author) && (filter.tag === undefined || b.tags.includes(filter.tag)));
  }

  get(id: number): Book {
    const book = this.books.get(id);
    if (book === undefined) throw new NotFound(`No book ${id}`);
    return book;
  }

  save(input: BookInput, id = this.nextId++): Book {
    const clash = [...this.books.values()].find((b) => b.isbn === input.isbn && b.id !== id);
    if (clash !== undefined) throw new Conflict(`ISBN ${input.isbn} is book ${clash.id}`, { extensions: { existing: clash.id } });
    const book = { id, ...input, tags: input.tags ?? [] };
    this.books.set(id, book);
    return book;
  }

  remove(id: number): void {
    this.get(id);
    this.books.delete(id);
  }
}

export function createBooksApp(options: { logger?: AppLogger } = {}) {
  const app = createApp({ state: { books: new BookStore() }, exposeRequestId: true, ...options });

  // One access-log line per answer, with the wire layer's figures.
  app.addHook('onResponse', (c, written) => {
    c.log.info({ method: c.req.method, url: c.req.target, status: written.status, bytes: written.bodyBytes, ms: Number(written.timeToLastByteMs.toFixed(2)) }, 'answered');
  });

  app.get('/health', { hidden: true }, () => ({ ok: true }));
  // The document generated from the routes below, a docs page, probes and metrics.
  app.serveOpenapi({ path: '/openapi.json', docs: '/docs', info: { title: 'Books', version: '1.0.0', description: 'A small JSON API on wirecore/app.' } });
  app.health();
  app.metrics();

  const books = app.group('/books');
  books.get('/', { schema: { query: ListQuery, response: { 200: BookList } }, operationId: 'listBooks', summary: 'List books, filtered and paged', tags: ['books'] }, (c) => {
    const all = c.state.books.list(c.query);
    return { total: all.length, items: all.slice(c.query.offset, c.query.offset + c.query.limit) };
  });
  books.post('/', { schema: { body: BookInput, response: { 201: Book } }, operationId: 'createBook', summary: 'Add a book', tags: ['books'] }, (c) => {
    const book = c.state.books.save(c.body);
    c.header('location', `/books/${book.id}`);
    return c.reply(201, book);
  });
  books.get('/:id', { schema: { params: BookId, response: { 200: Book } }, operationId: 'getBook', summary: 'One book', tags: ['books'] }, (c) => c.state.books.get(c.params.id));
  books.put('/:id', { schema: { params: BookId, body: BookInput, response: { 200: Book } }, operationId: 'replaceBook', summary: 'Replace a book', tags: ['books'] }, (c) => {
    c.state.books.get(c.params.id);
    return c.state.books.save(c.body, c.params.id);
  });
  books.patch('/:id', { schema: { params: BookId, body: BookPatch, response: { 200: Book } }, operationId: 'updateBook', summary: 'Change some fields of a book', tags: ['books'] }, (c) => {
    const { id, ...current } = c.state.books.get(c.params.id);
    return c.state.books.save({ ...current, ...c.body }, id);
  });
  books.delete('/:id', { schema: { params: BookId }, operationId: 'deleteBook', summary: 'Remove a book', tags: ['books'] }, (c) => {
    c.state.books.remove(c.params.id);
    return c.reply(204);
  });
  return app;
}
