// WebSocket over real sockets on every runtime, with `ws` as the client (and
// a raw TCP client where exact bytes, or a client that stops reading, matter).
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { offeredProtocols, type DispatchFn, type RuntimeName, type ServeOptions, type ServerWebSocket, type WebSocketOptions, type Written } from 'wirecore';
import { RUNTIMES, start } from './helpers/servers.js';
import { ACCEPT, closeOf, closed, connect, frame, nextMessage, rawHandshake, readFrames, readUntil, upgradeRequest } from './helpers/ws.js';

interface Seen {
  events: string[];
  closes: Array<{ code: number; reason: string }>;
  responses: number[];
  sockets: ServerWebSocket<{ path: string }>[];
}

/** Echo, and a few text commands a test sends: "close:CODE", "sub:TOPIC", "pub:TOPIC:TEXT", "ping:DATA". */
function handlers(seen: Seen): WebSocketOptions<{ path: string }> {
  return {
    open(ws) {
      seen.events.push(`open ${ws.data.path} ${ws.protocol}`);
      seen.sockets.push(ws);
    },
    message(ws, message, isBinary) {
      if (typeof message === 'string' && message.startsWith('close:')) return ws.close(Number(message.slice(6)), 'server says');
      if (typeof message === 'string' && message.startsWith('sub:')) return void (ws.subscribe(message.slice(4)), ws.send(`subscribed ${ws.isSubscribed(message.slice(4))}`));
      if (typeof message === 'string' && message.startsWith('pub:')) {
        const [, topic, text] = message.split(':');
        return ws.publish(topic!, text!);
      }
      if (typeof message === 'string' && message.startsWith('ping:')) return void ws.ping(message.slice(5));
      ws.send(message, { binary: isBinary });
    },
    close(ws, code, reason) {
      seen.closes.push({ code, reason });
    },
    ping(_ws, data) {
      seen.events.push(`ping ${data.toString()}`);
    },
    pong(_ws, data) {
      seen.events.push(`pong ${data.toString()}`);
    },
  };
}

const dispatch: DispatchFn<null> = (_ctx, req, res): Written => {
  if (req.path === '/deny') return res.send({ status: 401, body: 'who are you?' });
  if (req.path === '/plain') return res.send({ body: 'plain' });
  const offered = offeredProtocols(req);
  return res.upgrade({ path: req.path }, { protocol: offered.includes('chat.v2') ? 'chat.v2' : undefined, headers: { 'x-upgraded': 'yes' } });
};

async function echoServer(runtime: RuntimeName, websocket: Partial<WebSocketOptions<{ path: string }>> = {}, options: ServeOptions<null> = {}) {
  const seen: Seen = { events: [], closes: [], responses: [], sockets: [] };
  const server = await start(runtime, null, dispatch, {
    onResponse: (written) => seen.responses.push(written.status),
    ...options,
    websocket: { ...handlers(seen), ...websocket },
  });
  return { server, seen, url: `ws://127.0.0.1:${server.port}` };
}

/** Resolves once `check` holds, polling on the event loop (no time bound: the test's own timeout is the guard). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe.each(RUNTIMES)('WebSocket on %s', (runtime) => {
  it('echoes text and binary; onResponse sees the 101; stats count the socket', async () => {
    const { server, seen, url } = await echoServer(runtime);
    const client = await connect(`${url}/ws`);
    client.send('hello');
    const text = await nextMessage(client);
    expect([text.data.toString(), text.isBinary]).toEqual(['hello', false]);
    client.send(Buffer.from([0, 1, 2, 255]));
    const binary = await nextMessage(client);
    expect([[...binary.data], binary.isBinary]).toEqual([[0, 1, 2, 255], true]);
    expect(seen.responses).toContain(101);
    expect(seen.events).toContain('open /ws ');
    expect(server.stats.webSockets).toBe(1);
    client.close();
    await until(() => server.stats.webSockets === 0);
  });

  it('carries 1 MiB and 16 MiB messages, and fragmented ones', async () => {
    const { url } = await echoServer(runtime);
    const client = await connect(`${url}/ws`);
    for (const size of [1024 * 1024, 16 * 1024 * 1024]) {
      const big = Buffer.alloc(size, 7);
      big[size - 1] = 9;
      client.send(big);
      const echoed = await nextMessage(client);
      expect(echoed.data.length).toBe(size);
      expect(echoed.data.equals(big)).toBe(true);
    }
    client.send('frag', { fin: false });
    client.send('men', { fin: false });
    client.send('ted', { fin: true });
    expect((await nextMessage(client)).data.toString()).toBe('fragmented');
    client.close();
  });

  it('answers pings with pongs, and sends pings whose pongs reach the handler', async () => {
    const { seen, url } = await echoServer(runtime);
    const client = await connect(`${url}/ws`);
    client.ping('from client');
    const [pong] = await once(client, 'pong');
    expect((pong as Buffer).toString()).toBe('from client');
    client.send('ping:from server');
    const [ping] = await once(client, 'ping');
    expect((ping as Buffer).toString()).toBe('from server');
    await until(() => seen.events.includes('pong from server'));
    expect(seen.events).toContain('ping from client');
    client.close();
  });

  it.each([
    { title: 'not GET', request: upgradeRequest('/ws', {}, 'POST'), status: 405, field: ['allow', 'GET'] },
    { title: 'HTTP/1.0', request: upgradeRequest('/ws', {}, 'GET', '1.0'), status: 400 },
    { title: 'no Upgrade token', request: upgradeRequest('/ws', { Upgrade: 'h2c' }), status: 426, field: ['upgrade', 'websocket'] },
    { title: 'no Connection: upgrade', request: upgradeRequest('/ws', { Connection: 'keep-alive', Upgrade: 'websocket' }), status: 400 },
    { title: 'a key that is not 16 bytes', request: upgradeRequest('/ws', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }), status: 400 },
    { title: 'a key of 24 characters that is not base64', request: upgradeRequest('/ws', { 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' }), status: 400 },
    { title: 'no key', request: upgradeRequest('/ws', { 'Sec-WebSocket-Key': '' }), status: 400 },
    { title: 'version 8', request: upgradeRequest('/ws', { 'Sec-WebSocket-Version': '8' }), status: 426, field: ['sec-websocket-version', '13'] },
    { title: 'no version', request: upgradeRequest('/ws', { 'Sec-WebSocket-Version': '' }), status: 426, field: ['sec-websocket-version', '13'] },
    { title: 'a body', request: upgradeRequest('/ws', { 'Content-Length': '5' }).replace(/\r\n\r\n$/, '\r\n\r\nhello'), status: 400 },
    { title: 'a refusal by the dispatch', request: upgradeRequest('/deny'), status: 401 },
  ])('refuses a handshake with $title: $status, then closes', async ({ title, request, status, field }) => {
    const { seen, server } = await echoServer(runtime);
    if (runtime === 'uws' && title === 'HTTP/1.0') {
      // uWS does not serve an HTTP/1.0 upgrade: it closes without an answer (PARITY.md), never a 101.
      await expect(rawHandshake(server.port, request)).rejects.toThrow(/closed before an answer/);
      return;
    }
    const answer = await rawHandshake(server.port, request);
    expect(answer.status).toBe(status);
    if (field !== undefined) expect(answer.headers[field[0]!]).toBe(field[1]);
    expect(answer.headers['sec-websocket-accept']).toBeUndefined();
    const after = await readUntil(answer.socket, answer.rest, () => false);
    expect(after.closed).toBe(true);
    expect(seen.events.filter((e) => e.startsWith('open'))).toEqual([]);
    answer.socket.destroy();
  });

  it('accepts tokens in lists, in any case, and answers with the accept key and its own fields', async () => {
    const { server } = await echoServer(runtime);
    const answer = await rawHandshake(server.port, upgradeRequest('/ws', { Connection: 'keep-alive, UPGRADE', Upgrade: 'WebSocket' }));
    expect(answer.status).toBe(101);
    expect(answer.headers['sec-websocket-accept']).toBe(ACCEPT);
    expect(answer.headers['x-upgraded']).toBe('yes');
    expect(answer.headers['sec-websocket-extensions']).toBeUndefined();
    answer.socket.destroy();
  });

  it('upgrades behind a pipelined request, after its answer', async () => {
    const { server } = await echoServer(runtime);
    const plain = 'GET /plain HTTP/1.1\r\nHost: test\r\n\r\n';
    const answer = await rawHandshake(server.port, plain + upgradeRequest('/ws'));
    expect(answer.status).toBe(200);
    const rest = await readUntil(answer.socket, answer.rest, (b) => b.includes('\r\n\r\n'));
    expect(rest.bytes.toString('latin1')).toMatch(/^plainHTTP\/1\.1 101 Switching Protocols\r\n/);
    answer.socket.write(frame(1, 'after'));
    const echoed = await readUntil(answer.socket, rest.bytes, (b) => b.includes('after'));
    expect(readFrames(echoed.bytes.subarray(echoed.bytes.indexOf('\r\n\r\n') + 4)).frames.map((f) => f.payload.toString())).toEqual(['after']);
    answer.socket.destroy();
  });

  it('gives frames sent right behind the head to the codec, never to the HTTP parser', async () => {
    const { server, seen } = await echoServer(runtime);
    const answer = await rawHandshake(server.port, upgradeRequest('/ws'), frame(1, 'early'));
    expect(answer.status).toBe(101);
    if (runtime === 'uws') {
      // uWS drops what arrived in the read that held the head (a client must wait for the 101, RFC 6455 §4.1); frames after it are read.
      answer.socket.write(frame(1, 'later'));
      const after = await readUntil(answer.socket, answer.rest, (b) => b.includes('later'));
      expect(readFrames(after.bytes).frames.map((f) => f.payload.toString())).toEqual(['later']);
      expect(seen.events).toEqual(['open /ws ']);
      answer.socket.destroy();
      return;
    }
    const rest = await readUntil(answer.socket, answer.rest, (b) => b.includes('early'));
    expect(readFrames(rest.bytes).frames.map((f) => f.payload.toString())).toEqual(['early']);
    answer.socket.destroy();
  });

  it('closes with 1009 past maxPayloadBytes and 1007 on invalid UTF-8', async () => {
    const { seen, url } = await echoServer(runtime, { maxPayloadBytes: 1024 });
    const big = await connect(`${url}/ws`);
    big.on('error', () => {});
    const bigClosed = closed(big);
    big.send(Buffer.alloc(2048));
    // uWebSockets.js 20.30 drops the connection without a close frame where ws sends 1009 and 1007 (PARITY.md).
    const abrupt = runtime === 'uws';
    expect((await bigClosed).code).toBe(abrupt ? 1006 : 1009);
    const bad = await connect(`${url}/ws`);
    bad.on('error', () => {});
    const badClosed = closed(bad);
    bad.send(Buffer.from([0x68, 0xff, 0xfe]), { binary: false });
    expect((await badClosed).code).toBe(abrupt ? 1006 : 1007);
    await until(() => seen.closes.length === 2);
    expect(seen.closes.map((c) => c.code)).toEqual(abrupt ? [1006, 1006] : [1009, 1007]);
  });

  it('chooses a subprotocol from the offer, or none', async () => {
    const { seen, url } = await echoServer(runtime);
    const chosen = await connect(`${url}/ws`, ['chat.v1', 'chat.v2']);
    expect(chosen.protocol).toBe('chat.v2');
    const none = await connect(`${url}/ws`);
    expect(none.protocol).toBe('');
    expect(seen.events).toContain('open /ws chat.v2');
    chosen.close();
    none.close();
  });

  it('keeps memory bounded for a client that does not read, and fires drain once it does', async () => {
    const limit = 256 * 1024;
    const statuses = new Set<string>();
    let highest = 0;
    let drains = 0;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const { server } = await echoServer(runtime, {
      maxBackpressureBytes: limit,
      open(ws) {
        // Fill until sends are dropped: the buffer never grows past the limit and one message.
        for (let i = 0; i < 4096 && !statuses.has('dropped'); i++) {
          statuses.add(ws.send(chunk));
          highest = Math.max(highest, ws.bufferedAmount);
        }
      },
      drain() {
        drains++;
      },
    });
    const answer = await rawHandshake(server.port, upgradeRequest('/ws'));
    expect(answer.status).toBe(101);
    await until(() => statuses.has('dropped'));
    expect(statuses.has('queued')).toBe(true);
    expect(highest).toBeLessThanOrEqual(limit + chunk.length);
    // Now read: the buffer empties and drain fires.
    answer.socket.on('data', () => {});
    answer.socket.resume();
    await until(() => drains === 1);
    answer.socket.destroy();
  });

  it('passes close codes both ways', async () => {
    const { seen, url } = await echoServer(runtime);
    const client = await connect(`${url}/ws`);
    client.close(4001, 'client says');
    expect((await closed(client)).code).toBe(4001);
    await until(() => seen.closes.length === 1);
    expect(seen.closes[0]).toEqual({ code: 4001, reason: 'client says' });
    const other = await connect(`${url}/ws`);
    const otherClosed = closed(other);
    other.send('close:4002');
    expect(await otherClosed).toEqual({ code: 4002, reason: 'server says' });
    await until(() => seen.closes.length === 2);
    expect(seen.closes[1]!.code).toBe(4002);
  });

  it('refuses an Origin that allowOrigin rejects with 403', async () => {
    const { server, url } = await echoServer(runtime, { allowOrigin: (origin) => origin === 'https://good.example' });
    const denied = await rawHandshake(server.port, upgradeRequest('/ws', { Origin: 'https://evil.example' }));
    expect(denied.status).toBe(403);
    denied.socket.destroy();
    const allowed = await connect(`${url}/ws`, undefined, { origin: 'https://good.example' });
    allowed.close();
  });

  it('publishes to the subscribers of a topic in one process (not back to the sender)', async () => {
    const { server, url } = await echoServer(runtime);
    const clients = await Promise.all([0, 1, 2].map(() => connect(`${url}/ws`)));
    for (const c of clients) {
      c.send('sub:room');
      expect((await nextMessage(c)).data.toString()).toBe('subscribed true');
    }
    const heard = clients.slice(1).map((c) => nextMessage(c));
    let senderHeard = false;
    clients[0]!.once('message', () => (senderHeard = true));
    clients[0]!.send('pub:room:hi');
    expect((await Promise.all(heard)).map((m) => m.data.toString())).toEqual(['hi', 'hi']);
    const all = clients.map((c) => nextMessage(c));
    server.publish('room', 'from the server');
    expect((await Promise.all(all)).map((m) => m.data.toString())).toEqual(['from the server', 'from the server', 'from the server']);
    expect(senderHeard).toBe(true);
    for (const c of clients) c.close();
  });

  it('sends 1001 to every socket on server.close() and waits for them', async () => {
    const { server, seen, url } = await echoServer(runtime);
    const clients = await Promise.all([0, 1].map(() => connect(`${url}/ws`)));
    const codes = clients.map((c) => closed(c));
    await server.close({ graceMs: 10_000 });
    expect((await Promise.all(codes)).map((c) => c.code)).toEqual([1001, 1001]);
    expect(seen.closes.map((c) => c.code)).toEqual([1001, 1001]);
    expect(server.stats.webSockets).toBe(0);
  });

  it(
    'pings an idle socket and drops it when nothing comes back',
    async () => {
      const { server, seen } = await echoServer(runtime, { idleTimeoutMs: runtime === 'uws' ? 8000 : 300 });
      const answer = await rawHandshake(server.port, upgradeRequest('/ws'));
      expect(answer.status).toBe(101);
      // This client never answers: a ping comes, then the connection ends.
      const result = await readUntil(answer.socket, answer.rest, () => false);
      expect(readFrames(result.bytes).frames.some((f) => f.opcode === 0x9)).toBe(true);
      expect(result.closed).toBe(true);
      await until(() => seen.closes.length === 1);
      answer.socket.destroy();
    },
    60_000,
  );
});
