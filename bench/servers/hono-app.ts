// The Hono app the load runs serve, on @hono/node-server and on wirecore/fetch.
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { CHUNK_4K as chunk } from './chunk.js';

export const app = new Hono()
  .get('/', (c) => c.text('ok'))
  .post('/echo', async (c) => c.json(await c.req.json()))
  .get('/chunked', (c) =>
    stream(c, async (s) => {
      for (let i = 0; i < 16; i++) await s.write(chunk);
    }),
  );
