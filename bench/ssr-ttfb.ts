// Time to first byte under a 50 ms load(): sequential requests for /slow on
// one keep-alive connection per server; the time until the first response
// byte and until the document head (</head>) arrives, against the time the
// whole page takes. Goal: the head within 5 ms (median) on wirecore/ssr.
// node dist/bench/ssr-ttfb.js [requests]   (default 200)
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { benchFile, median, startServer } from './procs.js';

export interface TtfbRow {
  target: string;
  requests: number;
  firstByteMs: { median: number; p99: number };
  headMs: { median: number; p99: number };
  wholeMs: { median: number; p99: number };
}

const TARGETS = [
  { id: 'wirecore/ssr net', script: './servers/ssr.js', args: ['net'] },
  { id: 'wirecore/ssr uws', script: './servers/ssr.js', args: ['uws'] },
  { id: 'Preact on node:http', script: './servers/ssr-node-http.js', args: [] },
];

export const TTFB_GOAL_MS = 5;

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

/** One request on `socket`: when the first byte, the document head and the last chunk arrived. */
function timeOne(socket: net.Socket): Promise<{ firstByte: number; head: number; whole: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByte = NaN;
    let head = NaN;
    let text = '';
    const onData = (chunk: Buffer) => {
      const now = performance.now();
      if (Number.isNaN(firstByte)) firstByte = now - started;
      text += chunk.toString('latin1');
      if (Number.isNaN(head) && text.includes('</head>')) head = now - started;
      if (text.endsWith('\r\n0\r\n\r\n')) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve({ firstByte, head, whole: now - started });
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write('GET /slow HTTP/1.1\r\nHost: bench\r\n\r\n');
  });
}

export async function ssrTtfb(requests = 200, log: (line: string) => void = console.log): Promise<TtfbRow[]> {
  const rows: TtfbRow[] = [];
  for (const target of TARGETS) {
    const server = await startServer(benchFile(target.script), target.args);
    try {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.setNoDelay(true);
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      for (let i = 0; i < 20; i++) await timeOne(socket); // warm-up
      const samples: Array<{ firstByte: number; head: number; whole: number }> = [];
      for (let i = 0; i < requests; i++) samples.push(await timeOne(socket));
      socket.destroy();
      const stat = (pick: (s: (typeof samples)[number]) => number) => ({ median: median(samples.map(pick)), p99: p99(samples.map(pick)) });
      const row = { target: target.id, requests, firstByteMs: stat((s) => s.firstByte), headMs: stat((s) => s.head), wholeMs: stat((s) => s.whole) };
      rows.push(row);
      log(`${row.target.padEnd(22)} first byte ${row.firstByteMs.median.toFixed(2)} ms (p99 ${row.firstByteMs.p99.toFixed(2)}), head ${row.headMs.median.toFixed(2)} ms (p99 ${row.headMs.p99.toFixed(2)}), whole page ${row.wholeMs.median.toFixed(1)} ms`);
    } finally {
      await server.stop();
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await ssrTtfb(Number(process.argv[2] ?? 200));
  for (const row of rows.filter((r) => r.target.startsWith('wirecore'))) {
    const met = row.headMs.median <= TTFB_GOAL_MS;
    console.log(`${row.target}: head within ${TTFB_GOAL_MS} ms under a 50 ms load(): ${met ? 'met' : 'NOT met'} (median ${row.headMs.median.toFixed(2)} ms)`);
  }
}
