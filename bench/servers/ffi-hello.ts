// The C example's hello through wirecore/ffi, the same answer as bench/hello.ts
// for GET /: runtime argv[2], mode argv[3] (inline | pooled | busy-pool). Prints "READY <port>".
// busy-pool: GET / inline while four clients in this process keep a 2-thread pool
// busy with 50 ms calls (GET /slow), the load test/ffi-pool.test.ts holds in order only.
// The library is compiled at start (examples/ffi/build.ts) unless WIRECORE_FFI_LIBRARY names one.
import type { RuntimeName } from 'wirecore';
import { serveNative, type NativeMode } from 'wirecore/ffi';
import { buildC } from '../../examples/ffi/build.js';

const runtime = (process.argv[2] ?? 'net') as RuntimeName;
const mode = process.argv[3] ?? 'inline';
const busyPool = mode === 'busy-pool';
const server = await serveNative({
  library: process.env.WIRECORE_FFI_LIBRARY ?? buildC(),
  routes: busyPool ? { '/': 'hello', '/slow': { symbol: 'slow', mode: 'pooled' } } : { '/': 'hello' },
  ...(busyPool ? { threads: 2 } : { mode: mode as NativeMode }),
  runtime,
  port: 0,
  keepAliveTimeoutMs: Number(process.env.KEEP_ALIVE_MS ?? 5000),
});
if (busyPool) {
  // Four clients for two threads: the pool is never idle and calls queue. They stop with the process.
  for (let i = 0; i < 4; i++) {
    void (async () => {
      for (;;) await (await fetch(`${server.url}/slow?ms=50`)).text();
    })();
  }
}
console.log(`READY ${server.port}`);
