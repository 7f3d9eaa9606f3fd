// A load client that opens every connection before the clock starts: each
// sends one GET and waits for its answer; once all have been answered, the
// measured run begins (keep-alive, one request in flight per connection).
// Its latencies are the steady state with that many connections, apart from
// how fast a server accepts a burst of them (wrk's many-connections row has
// both); the time the burst took is printed as openMs.
// Usage: node open-first-load.js <port> <connections> <seconds> <path> <pipelining: 1>
// Prints one JSON line: { rps, p50Ms, p90Ms, p99Ms, errors, openMs, lost }: lost counts connections the
// server closed before the clock started (the run then has fewer than asked). Latency is timed to the
// status line: the answers here are a few bytes, one segment.
import net from 'node:net';

const [port, connections, seconds, path] = [Number(process.argv[2]), Number(process.argv[3] ?? 1000), Number(process.argv[4] ?? 3), process.argv[5] ?? '/'];
const OPEN_LIMIT_MS = 20_000;
const STATUS = Buffer.from('HTTP/1.1 ');
const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: bench\r\n\r\n`);
let measuring = false;
let stopped = false;
let answered = 0;
let errors = 0;
let opened = 0;
/** Connections that closed before the clock started. */
let lost = 0;
const latencies: number[] = [];
const openStarted = performance.now();
let openMs = NaN;

function connection(): void {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let sentAt = 0;
  let warm = false;
  let carry: Buffer = Buffer.alloc(0);
  const send = () => {
    if (stopped) return void socket.destroy();
    sentAt = performance.now();
    socket.write(request);
  };
  socket.once('connect', send);
  socket.on('data', (chunk: Buffer) => {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const at = bytes.indexOf(STATUS);
    if (at === -1) {
      carry = bytes.subarray(Math.max(0, bytes.length - STATUS.length + 1));
      return;
    }
    // Wait for the status code's first digit too.
    if (at + STATUS.length >= bytes.length) {
      carry = bytes.subarray(at);
      return;
    }
    carry = Buffer.alloc(0);
    if (bytes[at + 9] !== 0x32) errors++;
    if (!warm) {
      // Answered once: wait for the others before the clock starts.
      warm = true;
      waiting.push(send);
      if (++opened === connections) start();
      return;
    }
    answered++;
    latencies.push(performance.now() - sentAt);
    send();
  });
  socket.on('error', () => errors++);
  socket.on('close', () => {
    if (!measuring) lost++;
  });
}

const waiting: Array<() => void> = [];
let started = 0;

function start(): void {
  openMs = performance.now() - openStarted;
  measuring = true;
  started = performance.now();
  for (const send of waiting.splice(0)) send();
  setTimeout(finish, seconds * 1000);
}

function finish(): void {
  stopped = true;
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  console.log(JSON.stringify({ rps: answered / elapsed, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), errors: errors + lost, openMs, lost }));
  process.exit(0);
}

for (let i = 0; i < connections; i++) connection();
setTimeout(() => {
  if (measuring) return;
  // Not every connection got its first answer: no run, and every missing one counts as an error.
  console.log(JSON.stringify({ rps: NaN, p50Ms: NaN, p90Ms: NaN, p99Ms: NaN, errors: connections - opened, openMs: NaN, lost }));
  process.exit(0);
}, OPEN_LIMIT_MS);
