// npm run example:app — the books API on http://127.0.0.1:3000 (PORT, RUNTIME to change;
// WORKERS=n for n copies on one port, each with its own in-memory store).
import type { RuntimeName } from 'wirecore';
import { jsonLogger } from 'wirecore/app';
import { createBooksApp } from './books.js';

const app = createBooksApp({ logger: jsonLogger({ level: 'info', write: (line) => process.stdout.write(line + '\n') }) });
const workers = process.env.WORKERS === undefined ? {} : { workers: Number(process.env.WORKERS), workerModule: new URL('./worker.js', import.meta.url) };
const server = await app.listen({ runtime: (process.env.RUNTIME ?? 'net') as RuntimeName, port: Number(process.env.PORT ?? 3000), ...workers });
console.log(`books API on ${server.url} (${server.runtime}); try:
  curl -s ${server.url}/books -H 'content-type: application/json' -d '{"title":"Dune","author":"Frank Herbert","isbn":"9780441013593","year":1965,"tags":["sf"]}'
  curl -s ${server.url}/books/1
  curl -s '${server.url}/books?author=Frank%20Herbert&limit=5'`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close({ graceMs: 2000 }).then(() => process.exit(0)));
