// Bytes allocated per request by the byte-stream pipeline (parser, exchange,
// writer, output batch), in process over a transport that drops what it is
// given, read with V8's sampling heap profiler counting collected objects
// too. Unlike a time it does not move with the machine's load.
import { Session } from 'node:inspector/promises';
import type { DispatchFn } from 'wirecore';
import { resolveOptions } from '../src/options.js';
import { ServerCore } from '../src/runtime/core.js';
import { Connection } from '../src/runtime/stream/connection.js';
import type { Transport } from '../src/runtime/transport.js';

export interface AllocationRow {
  name: string;
  bytesPerRequest: number;
}

const hello: DispatchFn<null> = async (_ctx, _req, res) => res.send({ headers: { 'content-type': 'text/plain' }, body: 'ok' });
const readsHost: DispatchFn<null> = async (_ctx, req, res) => res.send({ headers: { 'content-type': 'text/plain' }, body: req.headers.get('host') ?? '' });

const dropping: Transport = { remoteAddress: '127.0.0.1', remotePort: 1, write: () => true, cork() {}, uncork() {}, end() {}, destroy() {}, pause() {}, resume() {} };

async function measure(dispatch: DispatchFn<null>, read: Buffer, requestsPerRead: number, reads: number): Promise<number> {
  const core = new ServerCore<null>(null, dispatch, resolveOptions({}), null);
  const connection = new Connection(core as ServerCore<unknown>, dropping);
  // Warm up, so what is sampled is the steady state, not compilation.
  for (let i = 0; i < 5000; i++) {
    connection.onData(read);
    await null;
  }
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < reads; i++) {
    connection.onData(read);
    await null;
  }
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  connection.onClose();
  let bytes = 0;
  const walk = (node: typeof profile.head): void => {
    bytes += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return Math.round(bytes / (reads * requestsPerRead));
}

const GET = 'GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n';

export async function runAllocation(): Promise<AllocationRow[]> {
  return [
    { name: 'net pipeline, GET / answered "ok", one request a read', bytesPerRequest: await measure(hello, Buffer.from(GET), 1, 20_000) },
    { name: 'net pipeline, GET / answered "ok", 16 pipelined requests a read', bytesPerRequest: await measure(hello, Buffer.from(GET.repeat(16)), 16, 2_000) },
    { name: 'net pipeline, the same, the handler reading Host', bytesPerRequest: await measure(readsHost, Buffer.from(GET.repeat(16)), 16, 2_000) },
  ];
}
