// The C example library's routes, inline and pooled, for the leak run
// (bench/ffi-leak.ts): runtime argv[2]. Prints "READY <port>".
import type { RuntimeName } from 'wirecore';
import { serveNative } from 'wirecore/ffi';
import { buildC } from '../../examples/ffi/build.js';

const server = await serveNative({
  library: process.env.WIRECORE_FFI_LIBRARY ?? buildC(),
  routes: {
    '/json': 'json',
    '/echo': { symbol: 'echo', mode: 'pooled' },
    '/count': 'counter',
    '/pcount': { symbol: 'counter', mode: 'pooled' },
    '/stats': 'stats',
  },
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  port: 0,
});
console.log(`READY ${server.port}`);
