// The WebSocket load client (ws), in its own process, pinned apart from the
// server:
//   echo <port> <clients> <seconds>        → "RESULT <round trips per second>"
//   broadcast <port> <subscribers> <messages> <bytes> → "RESULT <deliveries per second>"
//   idle <port> <count>                    → "OPEN <count>", then waits to be killed
import WebSocket from 'ws';

const [mode, portText, a, b, c] = process.argv.slice(2);
const url = (path: string) => `ws://127.0.0.1:${portText}${path}`;

function open(path: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url(path), { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Opens `count` sockets, a few hundred at a time (a burst of 10,000 overflows the listen backlog). */
async function openMany(path: string, count: number, onMessage?: () => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 250) {
    const batch = await Promise.all(Array.from({ length: Math.min(250, count - i) }, () => open(path)));
    for (const ws of batch) if (onMessage) ws.on('message', onMessage);
    sockets.push(...batch);
  }
  return sockets;
}

async function echo(clients: number, seconds: number): Promise<void> {
  const sockets = await openMany('/echo', clients);
  const payload = Buffer.alloc(64, 1);
  let trips = 0;
  let running = true;
  for (const ws of sockets) {
    ws.on('message', () => {
      trips++;
      if (running) ws.send(payload);
    });
  }
  const started = performance.now();
  for (const ws of sockets) ws.send(payload);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  console.log(`RESULT ${(trips / elapsed).toFixed(0)}`);
  for (const ws of sockets) ws.terminate();
}

async function broadcast(subscribers: number, messages: number, bytes: number): Promise<void> {
  let received = 0;
  const expected = subscribers * messages;
  let finish: () => void = () => {};
  const all = new Promise<void>((resolve) => (finish = resolve));
  const sockets = await openMany('/sub', subscribers, () => {
    if (++received === expected) finish();
  });
  const ctl = await open('/ctl');
  const started = performance.now();
  ctl.send(`publish ${messages} ${bytes}`);
  // A server that dropped messages never delivers them all: what came within the limit is reported, and says so.
  const limit = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
  await Promise.race([all, limit]);
  const elapsed = (performance.now() - started) / 1000;
  console.log(`RESULT ${(received / elapsed).toFixed(0)}${received < expected ? ` INCOMPLETE ${received}/${expected}` : ''}`);
  for (const ws of [...sockets, ctl]) ws.terminate();
}

async function idle(count: number): Promise<void> {
  await openMany('/sub', count);
  console.log(`OPEN ${count}`);
  setInterval(() => {}, 1 << 30);
}

if (mode === 'echo') await echo(Number(a), Number(b));
else if (mode === 'broadcast') await broadcast(Number(a), Number(b), Number(c ?? 64));
else if (mode === 'idle') await idle(Number(a));
else {
  console.error('usage: ws-load echo|broadcast|idle <port> …');
  process.exit(2);
}
if (mode !== 'idle') process.exit(0);
