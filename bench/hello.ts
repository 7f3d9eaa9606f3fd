// A second, non-framework consumer of serveGeneric: its own dispatch, no
// router. Serves the load scenarios; prints "READY <port>" when listening.
import { serveGeneric, type DispatchFn, type RuntimeName } from 'wirecore';
import { CHUNK_4K as chunk } from './servers/chunk.js';

const block = Buffer.alloc(64 * 1024, 0x61);

const dispatch: DispatchFn<null> = async (_ctx, req, res) => {
  if (req.path === '/echo') {
    const body = await req.body.bytes();
    return res.send({ headers: { 'content-type': 'application/json' }, body });
  }
  if (req.path === '/chunked') {
    res.startChunked(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 16; i++) {
      const wait = res.writeChunk(chunk);
      if (wait !== true) await wait;
    }
    return res.endChunked();
  }
  if (req.path === '/gib') {
    // 1 GiB (or ?mib=N MiB) in 64 KiB chunks, waiting whenever the writer reports backpressure.
    const mib = Number(/(?:^|&)mib=(\d+)/.exec(req.query)?.[1] ?? 1024);
    res.startChunked(200);
    for (let sent = 0; sent < mib * 2 ** 20 && !res.aborted; sent += block.length) {
      const wait = res.writeChunk(block);
      if (wait !== true) await wait;
    }
    return res.endChunked();
  }
  return res.send({ headers: { 'content-type': 'text/plain' }, body: 'ok' });
};

const runtime = (process.argv[2] ?? 'net') as RuntimeName;
// A third argument picks a variant: 'api' / 'sdk' turn tracing on (bench/suites/tracing.ts: no SDK registered,
// or one), 'proxy-protocol' serves behind a balancer that sends a PROXY header (bench/suites/proxy.ts).
const variant = process.argv[3];
if (variant !== undefined && !['api', 'sdk', 'proxy-protocol'].includes(variant)) throw new Error(`hello: the variant is 'api', 'sdk' or 'proxy-protocol', got '${variant}'`);
if (variant === 'sdk') (await import('./tracing-sdk.js')).registerBenchSdk();
const server = await serveGeneric(null, dispatch, {
  runtime,
  port: 0,
  keepAliveTimeoutMs: Number(process.env.KEEP_ALIVE_MS ?? 5000),
  ...(variant === 'api' || variant === 'sdk' ? { tracing: true } : {}),
  ...(variant === 'proxy-protocol' ? { proxyProtocol: { from: ['loopback'] } } : {}),
});
console.log(`READY ${server.port}`);
