// The C example's hello through wirecore/ffi, the same answer as bench/hello.ts
// for GET /: runtime argv[2], mode argv[3] (inline | pooled). Prints "READY <port>".
// The library is compiled at start (examples/ffi/build.ts) unless WIRECORE_FFI_LIBRARY names one.
import type { RuntimeName } from 'wirecore';
import { serveNative, type NativeMode } from 'wirecore/ffi';
import { buildC } from '../../examples/ffi/build.js';

const runtime = (process.argv[2] ?? 'net') as RuntimeName;
const mode = (process.argv[3] ?? 'inline') as NativeMode;
const server = await serveNative({
  library: process.env.WIRECORE_FFI_LIBRARY ?? buildC(),
  routes: { '/': 'hello' },
  mode,
  runtime,
  port: 0,
  keepAliveTimeoutMs: Number(process.env.KEEP_ALIVE_MS ?? 5000),
});
console.log(`READY ${server.port}`);
