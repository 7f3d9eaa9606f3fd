// Hono on wirecore/fetch, runtime from argv[2].
import type { RuntimeName } from 'wirecore';
import { serveFetch } from 'wirecore/fetch';
import { app } from './hono-app.js';

const server = await serveFetch(app.fetch, { runtime: (process.argv[2] ?? 'net') as RuntimeName });
console.log(`READY ${server.port}`);
