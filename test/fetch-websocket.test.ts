// Hono's upgradeWebSocket on wirecore/fetch, over real sockets on every
// runtime with `ws` as the client. The cases are @hono/node-ws's own tests
// (packages/node-ws/src/index.test.ts), ported, plus the ones its shape
// implies: close codes both ways, subprotocols, the 101's fields, refusals.
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { WSMessageReceive } from 'hono/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'wirecore';
import { serveFetch, upgrade } from 'wirecore/fetch';
import { createWebSocket, type WireHonoWebSocket } from 'wirecore/fetch/hono';
import { RUNTIMES } from './helpers/servers.js';
import { closed, nextMessage, open, refusal } from './helpers/ws-client.js';

const quiet = { error: () => {}, warn: () => {} };

describe.each(RUNTIMES)('Hono upgradeWebSocket on wirecore/fetch (%s)', (runtime) => {
  let app: Hono<{ Variables: { user: string } }>;
  let server: Server;
  let url: string;
  let upgradeWebSocket: WireHonoWebSocket['upgradeWebSocket'];
  let injectWebSocket: WireHonoWebSocket['injectWebSocket'];
  let clients: WireHonoWebSocket['clients'];

  beforeEach(async () => {
    app = new Hono();
    ({ upgradeWebSocket, injectWebSocket, clients } = createWebSocket({ app }));
    server = await serveFetch(app.fetch, { runtime, port: 0, logger: quiet });
    injectWebSocket(server);
    url = `ws://127.0.0.1:${server.port}`;
  });

  afterEach(async () => {
    await server.close({ graceMs: 200 });
  });

  it('inits the WebSocket context even when createEvents is asynchronous', async () => {
    const opened = new Promise<boolean>((resolve) =>
      app.get(
        '/',
        upgradeWebSocket(() => new Promise((ready) => setImmediate(() => ready({ onOpen: () => resolve(true) })))),
      ),
    );
    const { ws } = await open(`${url}/`);
    expect(await opened).toBe(true);
    ws.close();
  });

  it('refuses the upgrade when the route does not use upgradeWebSocket, and on the fallback', async () => {
    app.get('/', (c) => c.body(''));
    expect(await refusal(`${url}/`)).toBe(200);
    expect(await refusal(`${url}/notFound`)).toBe(404);
  });

  it('connects, and sends and receives text with the route context (params, query, variables) at hand', async () => {
    app.use('/rooms/*', async (c, next) => {
      c.set('user', 'ada');
      await next();
    });
    app.get(
      '/rooms/:room',
      upgradeWebSocket((c) => {
        const room = c.req.param('room');
        const who = c.get('user');
        const lang = c.req.query('lang');
        return {
          onMessage(event, ws) {
            ws.send(`${who}@${room}/${lang}: ${String(event.data)}`);
          },
        };
      }),
    );
    const { ws } = await open(`${url}/rooms/lobby?lang=en`);
    const reply = nextMessage(ws);
    ws.send('Hello');
    expect(await reply).toMatchObject({ text: 'ada@lobby/en: Hello', isBinary: false });
    ws.close();
  });

  it('handles several concurrent connections', async () => {
    let openConnections = 0;
    const messages: string[] = [];
    app.get(
      '/',
      upgradeWebSocket(() => ({
        onOpen() {
          openConnections++;
        },
        onMessage(event, ws) {
          messages.push(event.data as string);
          ws.send(event.data as string);
        },
      })),
    );
    const connections = await Promise.all(Array.from({ length: 5 }, () => open(`${url}/`).then((o) => o.ws)));
    expect(openConnections).toBe(5);
    expect(clients.size).toBe(5);
    const echoes = await Promise.all(
      connections.map((ws, index) => {
        const reply = nextMessage(ws);
        ws.send(`Hello from connection ${index + 1}`);
        return reply;
      }),
    );
    expect(echoes.map((e) => e.text)).toEqual(connections.map((_, index) => `Hello from connection ${index + 1}`));
    expect([...messages].sort()).toEqual(echoes.map((e) => e.text).sort());
    await Promise.all(connections.map((ws) => (ws.close(), closed(ws))));
  });

  // uWebSockets.js 20.30 drops a close frame whose code is 3000–3999 (it answers 1006), so the codes are 4xxx.
  it('hands the client’s close code and reason to onClose, and the client sees the server’s', async () => {
    const serverSaw: Array<{ code: number; reason: string; wasClean: boolean }> = [];
    let serverClosed = () => {};
    app.get(
      '/',
      upgradeWebSocket(() => ({
        onMessage(event, ws) {
          if (event.data === 'bye') ws.close(4002, 'server says bye');
        },
        onClose(event) {
          serverSaw.push({ code: event.code, reason: event.reason, wasClean: event.wasClean });
          serverClosed();
        },
      })),
    );
    const first = await open(`${url}/`);
    let closing = new Promise<void>((resolve) => (serverClosed = resolve));
    first.ws.close(4001, 'Test!');
    await closing;
    expect(serverSaw).toEqual([{ code: 4001, reason: 'Test!', wasClean: true }]);

    const second = await open(`${url}/`);
    closing = new Promise<void>((resolve) => (serverClosed = resolve));
    const seen = closed(second.ws);
    second.ws.send('bye');
    expect(await seen).toEqual({ code: 4002, reason: 'server says bye' });
    await closing;
    expect(serverSaw[1]).toEqual({ code: 4002, reason: 'server says bye', wasClean: true });
    expect(clients.size).toBe(0);
  });

  it('receives binary content as an ArrayBuffer of the right length, and sends bytes back as binary', async () => {
    const received = new Promise<WSMessageReceive>((resolve) =>
      app.get(
        '/',
        upgradeWebSocket(() => ({
          onMessage(event, ws) {
            resolve(event.data);
            ws.send(new Uint8Array(event.data as ArrayBuffer).slice().reverse());
          },
        })),
      ),
    );
    const binaryData = new Uint8Array(Array.from({ length: 16 }, (_, i) => i ** 2));
    const { ws } = await open(`${url}/`);
    const reply = nextMessage(ws);
    ws.send(binaryData);
    const message = await received;
    expect(message).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(message as ArrayBuffer)]).toEqual([...binaryData]);
    const back = await reply;
    expect(back.isBinary).toBe(true);
    expect([...back.data]).toEqual([...binaryData].reverse());
    ws.close();
  });

  it('connects through cors() and a middleware that re-wraps the response; their fields and cookies reach the 101', async () => {
    app.use(cors({ origin: 'https://example.com' }));
    app.use(async (c, next) => {
      c.res = new Response(null, c.res);
      setCookie(c, 'sid', 'abc', { path: '/' });
      await next();
    });
    const opened = new Promise<boolean>((resolve) => app.get('/', upgradeWebSocket(() => ({ onOpen: () => resolve(true) }))));
    const { ws, headers } = await open(`${url}/`, undefined, { origin: 'https://example.com' });
    expect(await opened).toBe(true);
    expect(headers['access-control-allow-origin']).toBe('https://example.com');
    expect(headers['set-cookie']).toEqual(['sid=abc; Path=/']);
    ws.close();
  });

  it('delivers a message sent at open even when createEvents is asynchronous', async () => {
    const got = new Promise<string>((resolve) =>
      app.get(
        '/',
        upgradeWebSocket(async () => {
          await new Promise((wait) => setImmediate(wait));
          return { onMessage: (event) => resolve(event.data as string) };
        }),
      ),
    );
    const ws = new (await import('ws')).WebSocket(`${url}/`);
    ws.on('open', () => ws.send('Hello'));
    expect(await got).toBe('Hello');
    ws.close();
  });

  it('answers with the HTTPException status that createEvents throws, and a middleware’s refusal, before any 101', async () => {
    app.get(
      '/guarded',
      upgradeWebSocket(() => {
        throw new HTTPException(401);
      }),
    );
    app.use('/members/*', async (c, next) => {
      if (c.req.header('authorization') !== 'Bearer good') return c.text('forbidden', 403);
      await next();
    });
    app.get('/members/ws', upgradeWebSocket(() => ({})));
    app.use('/late', async (c, next) => {
      await next();
      c.res = new Response('changed my mind', { status: 409 });
    });
    app.get('/late', upgradeWebSocket(() => ({})));
    expect(await refusal(`${url}/guarded`)).toBe(401);
    expect(await refusal(`${url}/members/ws`)).toBe(403);
    expect(await refusal(`${url}/late`)).toBe(409);
    const member = await open(`${url}/members/ws`, undefined, { headers: { authorization: 'Bearer good' } });
    member.ws.close();
  });

  it('answers with the first subprotocol offered, or the one the route sets; ws.protocol says which', async () => {
    const protocolOf = upgradeWebSocket(() => ({ onMessage: (_event, ws) => ws.send(`protocol=${ws.protocol}`) }));
    app.get('/first', protocolOf);
    app.get(
      '/picked',
      async (c, next) => {
        await next();
        c.header('Sec-WebSocket-Protocol', 'chat.v1');
      },
      protocolOf,
    );
    for (const [path, chosen] of [['/first', 'chat.v2'], ['/picked', 'chat.v1']] as const) {
      const { ws } = await open(`${url}${path}`, ['chat.v2', 'chat.v1']);
      expect(ws.protocol).toBe(chosen);
      const reply = nextMessage(ws);
      ws.send('which?');
      expect((await reply).text).toBe(`protocol=${chosen}`);
      ws.close();
    }
  });

  it('runs the direct form upgradeWebSocket(c, events), and sends what a handler throws to onError', async () => {
    const errors: unknown[] = [];
    app.get('/direct', (c) => upgradeWebSocket(c, { onMessage: (event, ws) => ws.send(`direct:${String(event.data)}`) }));
    app.get(
      '/throws',
      upgradeWebSocket(
        () => ({
          onMessage(event, ws) {
            if (event.data === 'boom') throw new Error('handler failed');
            ws.send('still open');
          },
        }),
        { onError: (error) => errors.push(error) },
      ),
    );
    const direct = await open(`${url}/direct`);
    const reply = nextMessage(direct.ws);
    direct.ws.send('hi');
    expect((await reply).text).toBe('direct:hi');
    const throwing = await open(`${url}/throws`);
    const after = nextMessage(throwing.ws);
    throwing.ws.send('boom');
    throwing.ws.send('next');
    expect((await after).text).toBe('still open');
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('handler failed');
    direct.ws.close();
    throwing.ws.close();
  });

  it('upgrade(request) works for any fetch handler, with the server’s websocket handlers', async () => {
    await server.close({ graceMs: 100 });
    server = await serveFetch(
      (request) => (upgrade(request, { data: { name: 'plain' } }) ? new Response(null) : new Response('not a websocket', { status: 426 })),
      {
        runtime,
        port: 0,
        logger: quiet,
        websocket: { message: (ws, message) => void ws.send(`${(ws.data as { name: string }).name}:${String(message)}`) },
      },
    );
    const base = `ws://127.0.0.1:${server.port}`;
    const { ws } = await open(`${base}/any`);
    const reply = nextMessage(ws);
    ws.send('x');
    expect((await reply).text).toBe('plain:x');
    ws.close();
    const plain = await fetch(`http://127.0.0.1:${server.port}/any`);
    expect(plain.status).toBe(426);
    expect(() => upgrade(new Request('http://x/', { headers: { upgrade: 'websocket' } }))).toThrow(/did not come from wirecore\/fetch/);
  });
});

describe('createWebSocket', () => {
  it('takes an app with Variables generics, and injectWebSocket wants a wirecore Server', () => {
    const app = new Hono<{ Variables: { foo: string } }>();
    const { injectWebSocket } = createWebSocket({ app });
    expect(() => injectWebSocket({} as Server)).toThrow(/the Server that serveFetch resolved to/);
  });
});
