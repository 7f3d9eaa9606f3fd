// Topics across machines: every server publishes to Redis and hears what the
// others publish (one pattern subscription), like Socket.IO's Redis adapter.
// ioredis is an optional peer; a Redis that goes away is logged, publishing
// keeps working locally, and ioredis reconnects (resubscribing).
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { OptionError } from '../errors.js';
import type { Logger } from '../types.js';
import type { PubSubAdapter } from './types.js';

export interface RedisPubSubOptions {
  /** Where Redis is. Default redis://127.0.0.1:6379. */
  url?: string;
  /** Prefix of the Redis channels topics travel on. Default 'wirecore:ws:'. */
  channelPrefix?: string;
  /** More ioredis options (tls, password, …). */
  redis?: Record<string, unknown>;
}

interface RedisClient {
  status: string;
  on(event: string, listener: (...args: never[]) => void): unknown;
  psubscribe(pattern: string): Promise<unknown>;
  publish(channel: string, message: Buffer): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}
type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisClient;

const TEXT = 0;
const BINARY = 1;
const ID_BYTES = 8;

function loadIoredis(): RedisConstructor {
  const require = createRequire(import.meta.url);
  try {
    const module = require('ioredis') as RedisConstructor & { default?: RedisConstructor };
    return module.default ?? module;
  } catch {
    throw new OptionError('redisPubSub needs ioredis, an optional peer dependency: npm install ioredis');
  }
}

/** A pub/sub adapter over Redis, for `websocket.pubsub`. */
export function redisPubSub(options: RedisPubSubOptions = {}): PubSubAdapter {
  const Redis = loadIoredis();
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const prefix = options.channelPrefix ?? 'wirecore:ws:';
  // Marks this server's own messages, which it has delivered locally already.
  const id = randomBytes(ID_BYTES);
  const connection = { retryStrategy: (times: number) => Math.min(50 * times, 2000), maxRetriesPerRequest: null, ...options.redis };
  let pub: RedisClient | null = null;
  let sub: RedisClient | null = null;
  let log: Logger | null = null;
  /** Redis is unreachable: said once per outage. */
  let down = false;

  const lost = (error: unknown) => {
    if (down) return;
    down = true;
    log?.error(`websocket pubsub: Redis at ${url} is unreachable; topics are delivered on this server only until it returns`, error);
  };
  const back = () => {
    if (!down || pub?.status !== 'ready' || sub?.status !== 'ready') return;
    down = false;
    log?.warn(`websocket pubsub: Redis at ${url} is back; topics reach the other servers again`);
  };

  return {
    start(deliver, logger) {
      log = logger;
      pub = new Redis(url, { ...connection, enableOfflineQueue: false });
      sub = new Redis(url, connection);
      for (const client of [pub, sub]) {
        client.on('error', lost);
        client.on('ready', back);
      }
      sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => {
        if (message.length < 1 + ID_BYTES || message.subarray(1, 1 + ID_BYTES).equals(id)) return;
        const topic = channel.subarray(Buffer.byteLength(prefix)).toString('utf8');
        const body = message.subarray(1 + ID_BYTES);
        const binary = message[0] === BINARY;
        deliver(topic, binary ? body : body.toString('utf8'), binary);
      });
      sub.psubscribe(`${prefix}*`).catch(lost);
    },
    publish(topic, bytes, binary) {
      if (pub === null || pub.status !== 'ready') {
        if (pub !== null) lost(new Error(`Redis connection is ${pub.status}`));
        return;
      }
      const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      pub.publish(prefix + topic, Buffer.concat([Buffer.from([binary ? BINARY : TEXT]), id, body])).catch(lost);
    },
    async close() {
      for (const client of [pub, sub]) {
        if (client === null) continue;
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }
    },
  };
}
