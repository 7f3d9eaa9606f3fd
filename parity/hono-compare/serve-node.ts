// The compare app on @hono/node-server, as its users run it: prints READY <port>.
// argv[2]: the folder /static/* serves.
import { serve } from '@hono/node-server';
import { makeCompareApp } from './app.js';

const app = makeCompareApp(process.argv[2] ?? '.');
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`READY ${info.port}`));
