// Server-sent events (HTML Living Standard §9.2): text/event-stream written
// through the ResponseWriter's chunked path, one chunk per event, each
// awaiting the writer's backpressure; comment heartbeats keep proxies from
// timing the stream out (and make a vanished peer noticed); the stream ends
// when the source does or when the client leaves.
import type { ResponseHeaders, ResponseWriter, WireRequest, Written } from 'wirecore';

/** One event. A plain string yielded by the source is `{ data: string }`. */
export interface SseEvent {
  /** A string (split into one `data:` line per line) or any value (sent as JSON). */
  data?: unknown;
  event?: string;
  id?: string | number;
  /** Reconnection time the client should use, in milliseconds. */
  retry?: number;
  /** A comment line (ignored by EventSource). */
  comment?: string;
}

export interface SseOptions {
  /** Milliseconds between comment heartbeats while the source is quiet. Default 15000; 0: none. */
  heartbeatMs?: number;
  /** A retry: field sent first, before any event. */
  retry?: number;
  /** The status. Default 200. */
  status?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

function field(name: string, value: string): string {
  if (LINE_BREAK.test(value)) throw new TypeError(`an SSE ${name} cannot contain a line break`);
  return `${name}: ${value}\n`;
}

/** The wire text of one event. */
export function formatEvent(event: SseEvent | string): string {
  if (typeof event === 'string') return event.split(LINE_BREAK).map((line) => `data: ${line}\n`).join('') + '\n';
  let out = '';
  if (event.comment !== undefined) for (const line of event.comment.split(LINE_BREAK)) out += `: ${line}\n`;
  if (event.id !== undefined) {
    const id = String(event.id);
    if (id.includes('\0')) throw new TypeError('an SSE id cannot contain NUL');
    out += field('id', id);
  }
  if (event.event !== undefined) out += field('event', event.event);
  if (event.retry !== undefined) {
    if (!Number.isInteger(event.retry) || event.retry < 0) throw new TypeError('an SSE retry is a whole number of milliseconds');
    out += `retry: ${event.retry}\n`;
  }
  if (event.data !== undefined) {
    const text = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
    for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`;
  }
  return out + '\n';
}

const HEARTBEAT = ':\n\n';
const GONE = Symbol('gone');

/**
 * Streams `source` as events. Resolves with the Written once the source ends
 * or the client leaves (the source's iterator is then closed: a generator's
 * finally blocks run when it next yields; read `c.req.signal` to stop sooner).
 * Throws what the source throws (the connection then drops: the head is out).
 */
export async function writeEvents(req: WireRequest, res: ResponseWriter, headers: ResponseHeaders, source: AsyncIterable<SseEvent | string>, options: SseOptions = {}): Promise<Written> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 0) throw new TypeError('sse: heartbeatMs is a number of milliseconds (0: none)');
  res.startChunked(options.status ?? 200, headers);
  if (req.method === 'HEAD') return res.endChunked();
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<void> | null = null;
  let finished = false;
  const write = (text: string): void | Promise<void> => {
    const wait = res.writeChunk(text);
    if (wait === true) return;
    pending = wait.then(() => {
      pending = null;
    });
    return pending;
  };
  const gone = new Promise<typeof GONE>((resolve) => {
    if (req.signal.aborted) resolve(GONE);
    else req.signal.addEventListener('abort', () => resolve(GONE), { once: true });
  });
  const timer =
    heartbeatMs > 0
      ? setInterval(() => {
          // A write still waiting for the socket says enough; none is queued behind it.
          if (pending === null && !res.aborted) void write(HEARTBEAT);
        }, heartbeatMs)
      : null;
  timer?.unref();
  try {
    if (options.retry !== undefined) await write(formatEvent({ retry: options.retry }));
    while (!res.aborted) {
      const step = await Promise.race([iterator.next(), gone]);
      if (step === GONE || step.done === true) {
        finished = step !== GONE;
        break;
      }
      const text = formatEvent(step.value);
      if (pending !== null) await Promise.race([pending, gone]);
      const wait = write(text);
      if (wait !== undefined) await Promise.race([wait, gone]);
    }
  } finally {
    if (timer !== null) clearInterval(timer);
    // The client left (or the source failed): close the source without waiting for it to reach its next yield.
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {});
  }
  if (pending !== null) await Promise.race([pending, gone]);
  return res.endChunked();
}
