// Baseline: Hono on @hono/node-server.
import { serve } from '@hono/node-server';
import { app } from './hono-app.js';

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`READY ${info.port}`));
void server;
