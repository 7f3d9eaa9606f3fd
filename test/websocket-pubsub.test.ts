// Topics beyond one process: across the copies of a `workers` server, and
// across two servers through a real redis-server (Debian's), including a
// Redis that dies and comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { redisPubSub, serveGeneric, type DispatchFn, type RuntimeName, type Server } from 'wirecore';
import { needTool, onPath } from './helpers/system-tool.js';
import { startRedis, type RedisProcess } from './helpers/redis.js';
import { connect } from './helpers/ws.js';
// Worker copies are separate processes that run the compiled build.
import { serveGeneric as serveBuilt } from '../dist/src/index.js';

const upgrade: DispatchFn<null> = (_ctx, _req, res) => res.upgrade(null);

/** Every client subscribes to "room" on open; a text message is published to it. */
const roomHandlers = {
  open(ws: { subscribe(topic: string): void }) {
    ws.subscribe('room');
  },
  message(ws: { publish(topic: string, data: string | Buffer): void }, message: string | Buffer) {
    ws.publish('room', message);
  },
};

/** Messages a client receives, in order. */
function inbox(ws: WebSocket): string[] {
  const got: string[] = [];
  ws.on('message', (data: Buffer) => got.push(data.toString()));
  return got;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Publishes `text` from `send` until `got` has it (a subscription may still be on its way), then returns. */
async function publishUntilHeard(send: () => void, got: string[], text: string): Promise<void> {
  while (!got.includes(text)) {
    send();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(['net', 'uws', 'node-http'] as RuntimeName[])('topics across two workers on %s', (runtime) => {
  it('a publish on one copy reaches the subscribers of the other', async () => {
    const workerModule = new URL('../dist/examples/ws-workers-app.js', import.meta.url);
    const server = await serveBuilt(null, upgrade, { runtime, workers: 2, workerModule });
    try {
      // Connect until both copies hold a subscriber (the kernel picks the copy).
      const clients: Array<{ ws: WebSocket; got: string[]; pid: string }> = [];
      while (new Set(clients.map((c) => c.pid)).size < 2) {
        // Listening before 'open': the copy says its pid as the socket opens.
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
        const got = inbox(ws);
        await until(() => got.length > 0);
        clients.push({ ws, got, pid: got[0]! });
      }
      const [a, b] = [clients.find((c) => c.pid === clients[0]!.pid)!, clients.find((c) => c.pid !== clients[0]!.pid)!];
      a.ws.send('from a');
      await until(() => b.got.includes('from a'));
      server.publish('room', 'from the primary');
      await until(() => a.got.includes('from the primary') && b.got.includes('from the primary'));
      // The copies report their counts to the primary (up to a second late).
      await until(() => server.stats.webSockets === clients.length);
      for (const c of clients) c.ws.close();
    } finally {
      await server.close({ graceMs: 1000 });
    }
  }, 60_000);
});

describe.runIf(needTool('redis-server', onPath('redis-server') !== null))('topics across two servers through Redis', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('reaches the other server; survives Redis dying (logged, local publish goes on) and reconnects when it returns', async () => {
    const logs: string[] = [];
    const logger = { error: (m: string) => logs.push(`error ${m}`), warn: (m: string) => logs.push(`warn ${m}`) };
    const servers: Server[] = [];
    try {
      for (const runtime of ['net', 'uws'] as RuntimeName[]) {
        servers.push(await serveGeneric(null, upgrade, { runtime, logger, websocket: { ...roomHandlers, pubsub: redisPubSub({ url: redis.url, channelPrefix: `test:${process.pid}:` }) } }));
      }
      const [one, two] = servers as [Server, Server];
      const a1 = await connect(`ws://127.0.0.1:${one.port}/ws`);
      const a2 = await connect(`ws://127.0.0.1:${one.port}/ws`);
      const b = await connect(`ws://127.0.0.1:${two.port}/ws`);
      const [gotA2, gotB] = [inbox(a2), inbox(b)];
      await publishUntilHeard(() => a1.send('across'), gotB, 'across');
      expect(gotA2).toContain('across');
      await publishUntilHeard(() => two.publish('room', 'back'), gotA2, 'back');

      await redis.kill();
      await until(() => logs.some((l) => l.startsWith('error websocket pubsub: Redis') && l.includes('unreachable')));
      // Local delivery does not depend on Redis.
      a1.send('local only');
      await until(() => gotA2.includes('local only'));
      expect(gotB).not.toContain('local only');

      await redis.restart();
      await until(() => logs.some((l) => l.startsWith('warn websocket pubsub: Redis') && l.includes('is back')));
      await publishUntilHeard(() => a1.send('after the outage'), gotB, 'after the outage');
      for (const ws of [a1, a2, b]) ws.close();
    } finally {
      await Promise.all(servers.map((s) => s.close({ graceMs: 1000 })));
    }
  }, 60_000);
});
