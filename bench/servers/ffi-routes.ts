// The C example library's routes, inline and pooled, for the leak run
// (bench/ffi-leak.ts): runtime argv[2]. Prints "READY <port>". GET /memory
// answers the process's own figures (JavaScript, beside the native dispatch).
import { serveGeneric, type RuntimeName } from 'wirecore';
import { toDispatch } from 'wirecore/ffi';
import { buildC } from '../../examples/ffi/build.js';

const native = await toDispatch({
  library: process.env.WIRECORE_FFI_LIBRARY ?? buildC(),
  routes: {
    '/json': 'json',
    '/echo': { symbol: 'echo', mode: 'pooled' },
    '/count': 'counter',
    '/pcount': { symbol: 'counter', mode: 'pooled' },
    '/stats': 'stats',
  },
});

const server = await serveGeneric(
  null,
  (ctx, req, res) => (req.path === '/memory' ? res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(process.memoryUsage()) }) : native(ctx, req, res)),
  { runtime: (process.argv[2] ?? 'net') as RuntimeName, port: 0 },
);
console.log(`READY ${server.port}`);
