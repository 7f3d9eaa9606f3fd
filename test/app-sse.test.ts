// Server-sent events from wirecore/app, read by a real client over a socket
// on every runtime: the head, id / event / retry / multi-line data / comments,
// heartbeats while the source is quiet, Last-Event-ID on the context, the end
// of the stream, and the source closed when the client leaves.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createApp, formatEvent, type SseEvent } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { RUNTIMES } from './helpers/servers.js';

/** A raw HTTP/1.1 client that reads a chunked answer as it arrives. */
function openStream(port: number, path: string, headers: Record<string, string> = {}) {
  const socket = net.connect(port, '127.0.0.1');
  let raw = Buffer.alloc(0);
  let closed = false;
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  socket.on('data', (chunk) => {
    raw = Buffer.concat([raw, chunk]);
    wake();
  });
  socket.on('close', () => {
    closed = true;
    wake();
  });
  socket.on('error', () => {});
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n${lines}\r\n`);
  const parse = () => {
    const end = raw.indexOf('\r\n\r\n');
    if (end === -1) return null;
    const head = raw.subarray(0, end).toString('latin1');
    let body = '';
    let at = end + 4;
    let ended = false;
    for (;;) {
      const lineEnd = raw.indexOf('\r\n', at);
      if (lineEnd === -1) break;
      const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
      if (size === 0) {
        ended = true;
        break;
      }
      if (raw.length < lineEnd + 2 + size + 2) break;
      body += raw.subarray(lineEnd + 2, lineEnd + 2 + size).toString('utf8');
      at = lineEnd + 2 + size + 2;
    }
    return { head, body, ended };
  };
  return {
    socket,
    /** Resolves when the answer so far satisfies `predicate` (fails after 5 s). */
    until(predicate: (state: { head: string; body: string; ended: boolean; closed: boolean }) => boolean): Promise<{ head: string; body: string; ended: boolean; closed: boolean }> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stream never got there: ${JSON.stringify(raw.toString('latin1').slice(0, 600))}`)), 5000);
        const check = () => {
          const state = { ...(parse() ?? { head: '', body: '', ended: false }), closed };
          if (predicate(state)) {
            clearTimeout(timer);
            resolve(state);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

describe.each(RUNTIMES)('server-sent events on %s', (runtime) => {
  it('streams events with ids, names, retry, multi-line data and heartbeats, and ends with the source', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let lastEventId: string | null = 'unset';
    const app = createApp({ logger: recordingLogger() });
    app.get('/events', (c) => {
      lastEventId = c.lastEventId;
      return c.sse(
        (async function* (): AsyncGenerator<SseEvent | string> {
          yield 'hello';
          yield { id: 42, event: 'tick', data: { n: 1 } };
          yield { data: 'line one\nline two\r\nline three' };
          yield { comment: 'a note' };
          await held;
          yield { event: 'bye', data: '' };
        })(),
        { heartbeatMs: 15, retry: 2500 },
      );
    });
    const server = await serveApp(runtime, app);
    const stream = openStream(server.port, '/events', { 'last-event-id': '41' });
    const open = await stream.until((s) => s.body.includes(': a note\n\n'));
    expect(open.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(open.head).toMatch(/\r\ncontent-type: text\/event-stream; charset=utf-8/i);
    expect(open.head).toMatch(/\r\ncache-control: no-cache/i);
    expect(open.head).toMatch(/\r\ntransfer-encoding: chunked/i);
    expect(lastEventId).toBe('41');
    expect(open.body).toBe('retry: 2500\n\ndata: hello\n\nid: 42\nevent: tick\ndata: {"n":1}\n\ndata: line one\ndata: line two\ndata: line three\n\n: a note\n\n');
    // Quiet source: comment heartbeats.
    await stream.until((s) => s.body.split(':\n\n').length > 2);
    release();
    const done = await stream.until((s) => s.ended);
    expect(done.body.endsWith('event: bye\ndata: \n\n')).toBe(true);
    expect(done.body.replaceAll(':\n\n', '')).toBe(open.body + 'event: bye\ndata: \n\n');
    stream.socket.destroy();
  });

  it('closes the source when the client leaves', async () => {
    let finished!: () => void;
    const sourceClosed = new Promise<void>((resolve) => (finished = resolve));
    const outcomes: string[] = [];
    const app = createApp({ logger: recordingLogger() });
    app.addHook('onResponse', (_c, written) => outcomes.push(written.outcome));
    app.get('/forever', (c) =>
      c.sse(
        (async function* () {
          try {
            for (let n = 0; ; n++) {
              yield { id: n, data: `event ${n}` };
              // A well-behaved source also stops waiting when the request's signal fires.
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, 10);
                c.req.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
              });
            }
          } finally {
            finished();
          }
        })(),
        { heartbeatMs: 10 },
      ),
    );
    const server = await serveApp(runtime, app);
    const stream = openStream(server.port, '/forever');
    await stream.until((s) => s.body.includes('data: event 3\n'));
    stream.socket.destroy();
    await sourceClosed;
    await expect.poll(() => outcomes).toEqual(['aborted']);
  });
});

describe('SSE wire format', () => {
  it('formats events and refuses line breaks where the format has none', () => {
    expect(formatEvent('a\r\nb\rc\nd')).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(formatEvent({ data: ['x', 1] })).toBe('data: ["x",1]\n\n');
    expect(formatEvent({ retry: 10 })).toBe('retry: 10\n\n');
    expect(() => formatEvent({ event: 'a\nb' })).toThrow(/an SSE event cannot contain a line break/);
    expect(() => formatEvent({ id: 'a\rb' })).toThrow(/an SSE id cannot contain a line break/);
    expect(() => formatEvent({ retry: -1 })).toThrow(/whole number of milliseconds/);
  });

  it('answers HEAD with the head only, without running the source', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.get('/events', (c) => c.sse((async function* () {
      yield 'never for HEAD';
    })()));
    const head = await app.inject({ method: 'HEAD', url: '/events' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(head.text()).toBe('');
  });
});
