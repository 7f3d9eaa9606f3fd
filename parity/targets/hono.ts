// Parity target: the same echo as a Hono app on wirecore/fetch (runtime argv[2]).
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { serveFetch } from 'wirecore/fetch';
import { upgradeWebSocket } from 'wirecore/fetch/hono';
import type { RuntimeName } from 'wirecore';
import { PARITY_LIMITS, PARITY_TIMEOUTS, PARITY_WEBSOCKET, SeenLog, actionOf, slowAction, describeBody, type Seen } from 'wirecore/parity';

const seen = new SeenLog();

/** A stream of `parts`, each a timer tick after the last. */
function trickle(parts: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 2));
      if (i < parts.length) controller.enqueue(new TextEncoder().encode(parts[i++]!));
      else controller.close();
    },
  });
}
const app = new Hono();

// The WebSocket echo through Hono's upgradeWebSocket (every method: the door refuses all but GET); a request
// without Upgrade: websocket passes the helper and gets the 426 a WebSocket-only route answers.
app.all(
  '/c/:id/ws',
  upgradeWebSocket(() => ({ onMessage: (event, ws) => ws.send(event.data as string | ArrayBuffer) })),
  (c) => c.text('Upgrade Required\n', 426, { Upgrade: 'websocket' }),
);

app.all('*', async (c) => {
  const url = new URL(c.req.url);
  const target = url.pathname + url.search;
  if (url.pathname.startsWith('/seen/')) return c.json(seen.take(url.pathname.slice(6)));
  seen.add(target, `${c.req.method} ${target}`);
  switch (actionOf(url.pathname)) {
    case 'slow':
      await slowAction();
      break;
    case 'throw-before':
      throw new Error('parity: thrown before the head');
    case 'throw-after':
      // The failure comes a turn after the first chunk: a stream that fails at once is answered 500 before any head.
      return c.body(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('partial'));
          },
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            controller.error(new Error('parity: thrown after the head'));
          },
        }),
      );
    case 'stream':
      return stream(c, async (s) => {
        c.header('content-type', 'text/plain');
        for (const part of ['a', 'bb', 'ccc']) await s.write(part);
      });
    case 'stream-forever':
      return stream(c, async (s) => {
        s.onAbort(() => seen.add(target, 'aborted'));
        while (!s.aborted) {
          await s.write('tick\n');
          await s.sleep(20);
        }
      });
    case 'status-204':
      return c.body(null, 204);
    case 'status-304':
      return c.body(null, 304);
    case 'ignore-body':
      return c.text('ignored');
    case 'static':
    case 'static-hit':
      return c.text('static hello\n');
    // wirecore/fetch's own cases (cases/fetch.ts).
    case 'text':
      return c.text('hello');
    case 'sized':
      return c.req.method === 'HEAD' ? c.body(null, 200, { 'Content-Length': '17' }) : c.text('seventeen bytes!!');
    case 'stated-stream':
      return c.body(trickle(['a', 'bb', 'ccc']), 200, { 'Content-Length': '6' });
    case 'body-kind': {
      const body = c.req.raw.body;
      if (body === null) return c.text('null');
      let size = 0;
      for await (const chunk of body) size += chunk.byteLength;
      return c.text(`stream of ${size} bytes`);
    }
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await c.req.arrayBuffer());
  } catch (error) {
    seen.add(target, 'body-error');
    throw error;
  }
  seen.add(target, 'body-ok');
  const echo: Seen = { method: c.req.method, target, headers: [...c.req.raw.headers], ...describeBody(body), trailers: null };
  return c.json(echo);
});
app.onError((error) => {
  // Body errors carry their status (413, 400, 408); anything else is a 500.
  const status = (error as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) throw error;
  return new Response('Internal Server Error\n', { status: 500 });
});

const server = await serveFetch(app.fetch, {
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  ...PARITY_TIMEOUTS,
  ...PARITY_LIMITS,
  websocket: PARITY_WEBSOCKET,
  logger: { error: () => {}, warn: () => {} },
});
console.log(`READY ${server.port}`);
