// serveGeneric's `websocket` option, checked at start-up like every other.
import { OptionError, describeValue } from '../errors.js';
import { suggest } from '../suggest.js';
import type { PubSubAdapter, WebSocketHandlers, WebSocketOptions } from './types.js';

export interface ResolvedWebSocketOptions {
  handlers: WebSocketHandlers<unknown>;
  maxPayloadBytes: number;
  idleTimeoutMs: number;
  compression: boolean;
  maxBackpressureBytes: number;
  allowOrigin: WebSocketOptions['allowOrigin'];
  pubsub: PubSubAdapter | undefined;
}

const HANDLERS = ['open', 'message', 'drain', 'close', 'ping', 'pong'] as const;
const KNOWN = [...HANDLERS, 'maxPayloadBytes', 'idleTimeoutMs', 'compression', 'maxBackpressureBytes', 'allowOrigin', 'pubsub'];

function expected(key: string, what: string, value: unknown): OptionError {
  return new OptionError(`options.websocket.${key} must be ${what}, got ${describeValue(value)}`);
}

function count(raw: Record<string, unknown>, key: string, fallback: number, allowZero = false): number {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || (value === 0 && !allowZero)) {
    throw expected(key, allowZero ? 'a whole number (0 turns it off)' : 'a positive whole number', value);
  }
  return value;
}

/** Checks the handlers given for one socket (res.upgrade's `handlers`). */
export function checkHandlers(value: unknown, where: string): WebSocketHandlers<unknown> {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where} must be an object of handlers (open, message, drain, close, ping, pong), got ${describeValue(value)}`);
  const handlers = value as Record<string, unknown>;
  for (const name of HANDLERS) {
    if (handlers[name] !== undefined && typeof handlers[name] !== 'function') throw new TypeError(`${where}.${name} must be a function, got ${describeValue(handlers[name])}`);
  }
  return handlers as WebSocketHandlers<unknown>;
}

export function resolveWebSocketOptions(value: unknown): ResolvedWebSocketOptions {
  const raw = (value ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new OptionError(`options.websocket must be an object, got ${describeValue(value)}`);
  for (const key of Object.keys(raw)) {
    if (!KNOWN.includes(key)) {
      const near = suggest(key, KNOWN);
      throw new OptionError(`unknown option 'websocket.${key}'${near === undefined ? '' : ` (did you mean '${near}'?)`}; the websocket options are ${KNOWN.join(', ')}`);
    }
  }
  const handlers: Record<string, unknown> = {};
  for (const name of HANDLERS) {
    if (raw[name] === undefined) continue;
    if (typeof raw[name] !== 'function') throw expected(name, 'a function', raw[name]);
    handlers[name] = raw[name];
  }
  if (raw.compression !== undefined && typeof raw.compression !== 'boolean') throw expected('compression', 'true or false', raw.compression);
  if (raw.allowOrigin !== undefined && typeof raw.allowOrigin !== 'function') throw expected('allowOrigin', 'a function (origin, req) => boolean', raw.allowOrigin);
  const pubsub = raw.pubsub as PubSubAdapter | undefined;
  if (pubsub !== undefined && (typeof pubsub !== 'object' || pubsub === null || typeof pubsub.start !== 'function' || typeof pubsub.publish !== 'function' || typeof pubsub.close !== 'function')) {
    throw expected('pubsub', 'a pub/sub adapter with start, publish and close (redisPubSub(...))', pubsub);
  }
  return {
    handlers: handlers as WebSocketHandlers<unknown>,
    maxPayloadBytes: count(raw, 'maxPayloadBytes', 16 * 1024 * 1024),
    idleTimeoutMs: count(raw, 'idleTimeoutMs', 120_000, true),
    compression: raw.compression === true,
    maxBackpressureBytes: count(raw, 'maxBackpressureBytes', 1024 * 1024),
    allowOrigin: raw.allowOrigin as WebSocketOptions['allowOrigin'],
    pubsub,
  };
}
