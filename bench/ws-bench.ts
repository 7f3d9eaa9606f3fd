// WebSocket bench: echo round trips per second with 64 clients, messages
// per second broadcast to 10,000 subscribers, and RSS per idle WebSocket;
// rows wirecore net and uws, ws on node:http, raw uWS. Each server runs
// pinned to the server CPU and the load client (bench/clients/ws-load.ts,
// written with ws) to the client CPU; rounds alternate between targets.
import { fileURLToPath } from 'node:url';
import { GC_PRELOAD, readRss, runClient, settle, type Cpus } from './memory.js';
import { CLIENT_CPU, SERVER_CPU, benchFile, median, spread, startServer } from './procs.js';
import type { GoalRow } from './bench-md.js';

export interface WsTarget {
  id: string;
  script: string;
  args: string[];
}

export const WS_TARGETS: WsTarget[] = [
  { id: 'wirecore net', script: benchFile('./servers/ws-wirecore.js'), args: ['net'] },
  { id: 'wirecore uws', script: benchFile('./servers/ws-wirecore.js'), args: ['uws'] },
  { id: 'ws on node:http', script: benchFile('./servers/ws-node-http.js'), args: [] },
  { id: 'uWS (raw)', script: benchFile('./servers/ws-uws-raw.js'), args: [] },
];

export interface WsSettings {
  rounds: number;
  /** Seconds of each echo run. */
  seconds: number;
  echoClients: number;
  subscribers: number;
  /** Messages per broadcast run (each reaches every subscriber). */
  messages: number;
  messageBytes: number;
  idleSockets: number;
}

export const FULL_WS: WsSettings = { rounds: 5, seconds: 3, echoClients: 64, subscribers: 10_000, messages: 100, messageBytes: 64, idleSockets: 10_000 };
/** One short round: checks that every row runs, measures nothing worth quoting. */
export const QUICK_WS: WsSettings = { rounds: 1, seconds: 1, echoClients: 64, subscribers: 1_000, messages: 20, messageBytes: 64, idleSockets: 1_000 };

export interface WsRow {
  target: string;
  value: number;
  min: number;
  max: number;
  rounds: number[];
  /** What went wrong in a round (a broadcast that lost messages), if anything. */
  note?: string;
}

export interface WsResults {
  settings: WsSettings;
  echo: WsRow[];
  broadcast: WsRow[];
  idleBytes: WsRow[];
}

function row(target: string, rounds: number[], note?: string): WsRow {
  const [min, max] = spread(rounds);
  return { target, value: median(rounds), min, max, rounds, ...(note ? { note } : {}) };
}

/** Runs the three measurements, rounds alternating between targets. */
export async function runWebSocketBench(settings: WsSettings, targets = WS_TARGETS, cpus: Cpus = { server: SERVER_CPU, client: CLIENT_CPU }, onRun?: (what: string) => void): Promise<WsResults> {
  const echo = new Map<string, number[]>(targets.map((t) => [t.id, []]));
  const broadcast = new Map<string, number[]>(targets.map((t) => [t.id, []]));
  const idle = new Map<string, number[]>(targets.map((t) => [t.id, []]));
  const notes = new Map<string, string>();
  for (let round = 1; round <= settings.rounds; round++) {
    for (const t of targets) {
      onRun?.(`echo · round ${round}/${settings.rounds} · ${t.id}`);
      const server = await startServer(t.script, t.args, [], cpus.server);
      try {
        const client = await runClient('ws-load', ['echo', String(server.port), String(settings.echoClients), String(settings.seconds)], /RESULT \d+/, cpus.client);
        echo.get(t.id)!.push(Number(/\d+/.exec(client.line)![0]));
        client.stop();
      } finally {
        await server.stop();
      }
    }
    for (const t of targets) {
      onRun?.(`broadcast · round ${round}/${settings.rounds} · ${t.id}`);
      const server = await startServer(t.script, t.args, [], cpus.server);
      try {
        const client = await runClient('ws-load', ['broadcast', String(server.port), String(settings.subscribers), String(settings.messages), String(settings.messageBytes)], /RESULT \d+(?: INCOMPLETE \S+)?/, cpus.client);
        broadcast.get(t.id)!.push(Number(/\d+/.exec(client.line)![0]));
        if (client.line.includes('INCOMPLETE')) notes.set(t.id, `a round lost messages (${client.line.split(' ').pop()} delivered)`);
        client.stop();
      } finally {
        await server.stop();
      }
    }
    for (const t of targets) {
      onRun?.(`idle memory · round ${round}/${settings.rounds} · ${t.id}`);
      const server = await startServer(t.script, t.args, GC_PRELOAD, cpus.server);
      try {
        await settle(300);
        const [, before] = await readRss(server);
        const client = await runClient('ws-load', ['idle', String(server.port), String(settings.idleSockets)], /OPEN \d+/, cpus.client);
        await settle(500);
        const [, after] = await readRss(server);
        client.stop();
        idle.get(t.id)!.push((after - before) / settings.idleSockets);
      } finally {
        await server.stop();
      }
    }
  }
  return {
    settings,
    echo: targets.map((t) => row(t.id, echo.get(t.id)!)),
    broadcast: targets.map((t) => row(t.id, broadcast.get(t.id)!, notes.get(t.id))),
    idleBytes: targets.map((t) => row(t.id, idle.get(t.id)!)),
  };
}

const find = (rows: WsRow[], id: string) => rows.find((r) => r.target === id);

function ratio(rows: WsRow[], a: string, b: string): Pick<GoalRow, 'value' | 'min' | 'max'> {
  const [x, y] = [find(rows, a), find(rows, b)];
  if (x === undefined || y === undefined) return { value: NaN, min: NaN, max: NaN };
  const each = x.rounds.map((v, i) => v / y.rounds[i]!);
  const [min, max] = spread(each);
  return { value: x.value / y.value, min, max };
}

/** The goals, measured in this run. */
export function webSocketGoals(r: WsResults): GoalRow[] {
  const idleNet = find(r.idleBytes, 'wirecore net');
  const idleWs = find(r.idleBytes, 'ws on node:http');
  return [
    { name: 'WebSocket echo, uws ÷ raw uWS', ...ratio(r.echo, 'wirecore uws', 'uWS (raw)'), goal: 0.9, better: 'higher', unit: '×' },
    { name: 'WebSocket echo, net ÷ ws on node:http', ...ratio(r.echo, 'wirecore net', 'ws on node:http'), goal: 1, better: 'higher', unit: '×' },
    { name: 'WebSocket broadcast, uws ÷ raw uWS', ...ratio(r.broadcast, 'wirecore uws', 'uWS (raw)'), goal: 0.9, better: 'higher', unit: '×' },
    { name: 'WebSocket broadcast, net ÷ ws on node:http', ...ratio(r.broadcast, 'wirecore net', 'ws on node:http'), goal: 1, better: 'higher', unit: '×' },
    { name: 'RSS per idle WebSocket, net minus ws on node:http', value: (idleNet?.value ?? NaN) - (idleWs?.value ?? NaN), goal: 0, better: 'lower', unit: 'B' },
  ];
}

const number = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

/** The WebSocket section of BENCH.md. */
export function renderWebSocketSection(r: WsResults): string {
  const s = r.settings;
  const table = (title: string, unit: string, rows: WsRow[]) =>
    [`| ${title} | ${unit} (median) | slowest – fastest | |`, '|---|---:|---|---|', ...rows.map((x) => `| ${x.target} | ${number(x.value)} | ${number(x.min)} – ${number(x.max)} | ${x.note ?? ''} |`)].join('\n');
  return [
    '## WebSocket',
    '',
    `${s.rounds} round(s); the client is bench/clients/ws-load.ts (ws) in its own process, pinned apart from the server. Servers: bench/servers/ws-*.ts.`,
    '',
    `Echo: ${s.echoClients} clients, each sending a 64-byte binary message and the next when its echo arrives, for ${s.seconds} s.`,
    '',
    table('echo', 'round trips/s', r.echo),
    '',
    `Broadcast: ${s.subscribers.toLocaleString('en-US')} subscribers of one topic; ${s.messages} messages of ${s.messageBytes} bytes published (100 per event-loop turn); deliveries per second until the last arrives.`,
    '',
    table('broadcast', 'messages delivered/s', r.broadcast),
    '',
    `Memory: ${s.idleSockets.toLocaleString('en-US')} idle WebSockets (each subscribed to a topic), RSS growth after a full GC in the server, per socket.`,
    '',
    table('idle WebSocket', 'bytes', r.idleBytes),
    '',
  ].join('\n');
}

// Standalone: `node dist/bench/ws-bench.js [--quick]` prints the section.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const settings = process.argv.includes('--quick') ? QUICK_WS : FULL_WS;
  const results = await runWebSocketBench(settings, WS_TARGETS, undefined, (what) => process.stderr.write(`ws bench: ${what}\n`));
  process.stdout.write(renderWebSocketSection(results) + '\n');
  for (const g of webSocketGoals(results)) process.stdout.write(`${g.name}: ${g.value.toFixed(2)} (goal ${g.better === 'higher' ? '≥' : '≤'} ${g.goal}${g.unit})\n`);
}
