// `npm run example:ffi`: the C example library served through wirecore/ffi
// (compiled first with gcc; PORT=… to change the port, RUNTIME=uws|node-http).
import type { RuntimeName } from 'wirecore';
import { serveNative } from 'wirecore/ffi';
import { buildC } from './build.js';

const library = buildC();
const server = await serveNative({
  library,
  routes: {
    '/': 'hello',
    '/echo': 'echo',
    '/json': 'json',
    '/count': 'counter',
    // Blocking handlers run on the pool threads, never on the event loop.
    '/slow': { symbol: 'slow', mode: 'pooled', timeoutMs: 1000 },
    '/ticks': { symbol: 'counter', mode: 'pooled' },
  },
  runtime: (process.env.RUNTIME ?? 'net') as RuntimeName,
  port: Number(process.env.PORT ?? 3000),
});

console.log(`wirecore/ffi example (${library}) on ${server.url}
  GET  /                 "ok" from C
  POST /echo             the body back, with x-request-id and x-method
  GET  /json?x=1         a JSON document built per request
  GET  /count?n=5        a streamed counter (inline)
  GET  /ticks?n=5&ms=300 the same counter sleeping 300 ms per line, on the pool
  GET  /slow?ms=50       a handler that blocks its pool thread (503 after 1 s)`);

process.on('SIGINT', () => void server.close({ graceMs: 1000 }).then(() => process.exit(0)));
