// Parity target: the echo answered by the C example library (examples/ffi/c/parity.c)
// through wirecore/ffi, on one runtime (argv[2]). Prints "READY <port>".
// The slow and never-ending actions sleep in C, so they run pooled; the rest inline.
import type { RuntimeName } from 'wirecore';
import { serveNative } from 'wirecore/ffi';
import { buildC } from '../../examples/ffi/build.js';
import { PARITY_LIMITS, PARITY_TIMEOUTS } from '../echo-shape.js';

const server = await serveNative({
  library: buildC(),
  routes: {
    '/c/*/slow': { symbol: 'parity', mode: 'pooled' },
    '/c/*/stream-forever': { symbol: 'parity', mode: 'pooled' },
    // Answers without reading the body, as the other echo apps do.
    '/c/*/ignore-body': { symbol: 'parity', readBody: false },
    '*': 'parity',
  },
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  ...PARITY_TIMEOUTS,
  ...PARITY_LIMITS,
  logger: { error: () => {}, warn: () => {} },
});
console.log(`READY ${server.port}`);
