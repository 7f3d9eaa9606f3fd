// npm run ffi:leak: 200,000 requests through wirecore/ffi (whole and streamed,
// inline and pooled, some clients leaving mid-stream) at a modest rate. RSS of
// the server (after a full GC) must stay within 16 MiB of where it settled
// after the first 20,000, and the C library must end with nothing allocated.
// Options: --requests N (200000), --rate N per second (4000), --runtime net|uws|node-http.
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseResponses } from 'wirecore/testing';
import { benchFile, rss, startServer } from './procs.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1]!;
};
const TOTAL = Number(arg('requests', '200000'));
const RATE = Number(arg('rate', '4000'));
const RUNTIME = arg('runtime', 'net');
const CONNECTIONS = 8;
const SETTLE_AT = 20_000;
const LIMIT = 16 * 1024 * 1024;
const GC_PRELOAD = ['--expose-gc', '--import', pathToFileURL(benchFile('./gc-on-signal.js')).href];
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const body = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item-${i}` })) });
const MIX = [
  'GET /json?leak=1 HTTP/1.1\r\nHost: leak\r\n\r\n',
  `POST /echo HTTP/1.1\r\nHost: leak\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  'GET /count?n=8 HTTP/1.1\r\nHost: leak\r\n\r\n',
  'GET /pcount?n=8 HTTP/1.1\r\nHost: leak\r\n\r\n',
];

/** One keep-alive connection answering one request at a time. */
function connection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let buffered: Buffer = Buffer.alloc(0);
  let waiting: ((status: number) => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const parsed = parseResponses(buffered);
    if (parsed.responses.length === 0 || parsed.incomplete || waiting === null) return;
    buffered = Buffer.alloc(0);
    const done = waiting;
    waiting = null;
    done(parsed.responses[0]!.status);
  });
  socket.on('error', (error) => {
    console.error(`ffi:leak: a connection failed: ${error.message}`);
    process.exit(1);
  });
  return {
    send: (request: string) =>
      new Promise<number>((resolve) => {
        waiting = resolve;
        socket.write(request);
      }),
    close: () => socket.destroy(),
  };
}

/** A client that reads the start of an endless stream, then leaves. */
function leaveMidStream(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.write(`GET /${Math.random() < 0.5 ? 'count' : 'pcount'}?n=1000000000&size=512 HTTP/1.1\r\nHost: leak\r\n\r\n`);
  });
}

/** A JSON answer on a connection of its own. */
function getJson<T>(port: number, path: string): Promise<T> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as T));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: leak\r\nConnection: close\r\n\r\n`);
  });
}

const server = await startServer(benchFile('./servers/ffi-routes.js'), [RUNTIME], GC_PRELOAD);
const readings: Array<{ requests: number; rss: number; afterGc: number; heap: number; buffers: number }> = [];
let sent = 0;
let failures = 0;
let nextReading = SETTLE_AT;
const started = Date.now();
const clients = Array.from({ length: CONNECTIONS }, () => connection(server.port));

try {
  await Promise.all(
    clients.map(async (client, index) => {
      while (sent < TOTAL) {
        const n = sent++;
        // Pace every connection so the whole run stays near RATE requests per second.
        const due = started + (n / RATE) * 1000;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        if (n % 1000 === 999) await leaveMidStream(server.port);
        else if ((await client.send(MIX[(n + index) % MIX.length]!)) !== 200) failures++;
        if (n + 1 >= nextReading) {
          const requests = nextReading;
          nextReading += SETTLE_AT;
          const asFound = rss(server.pid);
          await server.collect();
          const memory = await getJson<{ heapUsed: number; heapTotal: number; arrayBuffers: number }>(server.port, '/memory');
          const reading = { requests, rss: asFound, afterGc: rss(server.pid), heap: memory.heapUsed, buffers: memory.arrayBuffers };
          readings.push(reading);
          console.log(`${String(requests).padStart(7)} requests: RSS ${mib(asFound)} as found, ${mib(reading.afterGc)} after GC (JS heap ${mib(reading.heap)} of ${mib(memory.heapTotal)}, array buffers ${mib(reading.buffers)})`);
        }
      }
    }),
  );
  const native = await getJson<{ live: number; stateFrees: number; releases: number }>(server.port, '/stats');
  const settled = readings[0]!;
  const last = readings.at(-1)!;
  const growth = last.afterGc - settled.afterGc;
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${sent.toLocaleString('en-US')} requests on ${RUNTIME} in ${seconds.toFixed(0)} s (${Math.round(sent / seconds)} req/s), ${failures} failed`);
  console.log(`RSS after GC: ${mib(settled.afterGc)} at ${settled.requests.toLocaleString('en-US')}, ${mib(last.afterGc)} at ${last.requests.toLocaleString('en-US')}: ${growth >= 0 ? '+' : ''}${mib(growth)} (limit +${mib(LIMIT)})`);
  console.log(`JS heap after GC: ${mib(settled.heap)} → ${mib(last.heap)}; array buffers ${mib(settled.buffers)} → ${mib(last.buffers)}`);
  console.log(`C library: ${native.live} blocks still allocated, ${native.stateFrees} iterator states freed, ${native.releases} answers released`);
  const ok = growth <= LIMIT && native.live === 0 && failures === 0;
  console.log(ok ? 'ffi:leak: no leak across the boundary' : 'ffi:leak: FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  for (const c of clients) c.close();
  await server.stop();
}
