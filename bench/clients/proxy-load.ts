// A small load client for the PROXY protocol rows: wrk cannot write a header
// once per connection (its Lua request() knows no connection), so this one
// opens `connections` keep-alive sockets, sends the PROXY v2 header first on
// each (or not, for the row beside it), then GETs, `pipelining` per write,
// counting answers by their status lines. The same client measures both rows.
// Usage: node proxy-load.js <port> <connections> <seconds> <path> <pipelining> <proxy: v2|none>
// Prints one JSON line: { rps, p50Ms, p99Ms, errors }.
import net from 'node:net';
import { encodeProxyHeader } from '../../src/proxy/protocol.js';

const [port, connections, seconds, path, pipelining, proxy] = [
  Number(process.argv[2]),
  Number(process.argv[3] ?? 64),
  Number(process.argv[4] ?? 3),
  process.argv[5] ?? '/',
  Number(process.argv[6] ?? 1),
  process.argv[7] ?? 'v2',
];
const STATUS = Buffer.from('HTTP/1.1 ');
const batch = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: bench\r\n\r\n`.repeat(pipelining));
let answered = 0;
let errors = 0;
let running = true;
const latencies: number[] = [];

function open(index: number): void {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let pending = 0;
  let sentAt = 0;
  let carry: Buffer = Buffer.alloc(0);
  const send = () => {
    if (!running) return void socket.end();
    pending = pipelining;
    sentAt = performance.now();
    socket.write(batch);
  };
  socket.once('connect', () => {
    // The client's address as a balancer would name it: a documentation range, a port per connection.
    if (proxy === 'v2') socket.write(encodeProxyHeader({ version: 2, source: { address: '198.51.100.1', port: 10000 + index }, destination: { address: '127.0.0.1', port } }));
    send();
  });
  socket.on('data', (chunk: Buffer) => {
    // Count status lines; a line split across reads is caught by keeping the last few bytes.
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let at = bytes.indexOf(STATUS);
    let last = -1;
    while (at !== -1) {
      if (bytes[at + 9] !== 0x32) errors++;
      pending--;
      answered++;
      last = at;
      at = bytes.indexOf(STATUS, at + STATUS.length);
    }
    carry = bytes.subarray(Math.max(last + STATUS.length, bytes.length - STATUS.length + 1));
    if (pending === 0) {
      latencies.push(performance.now() - sentAt);
      send();
    }
  });
  socket.on('error', () => errors++);
}

for (let i = 0; i < connections; i++) open(i);
const started = performance.now();
setTimeout(() => {
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  console.log(JSON.stringify({ rps: answered / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), errors }));
  process.exit(0);
}, seconds * 1000);
