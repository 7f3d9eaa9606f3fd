// The door's options over real sockets on every runtime: permessage-deflate
// only when enabled, handlers given per upgrade, and WebSockets over TLS.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ServerWebSocket } from 'wirecore';
import { RUNTIMES, start } from './helpers/servers.js';
import { closed, connect, nextMessage, rawHandshake, upgradeRequest } from './helpers/ws.js';

const key = readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url));
const cert = readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url));

describe.each(RUNTIMES)('WebSocket options on %s', (runtime) => {
  it('negotiates permessage-deflate only with compression: true', async () => {
    const echo = { message: (ws: ServerWebSocket, m: string | Buffer, isBinary: boolean) => void ws.send(m, { binary: isBinary }) };
    const plain = await start(runtime, null, (_c, _r, res) => res.upgrade(null), { websocket: echo });
    const offered = await connect(`ws://127.0.0.1:${plain.port}/`, undefined, { perMessageDeflate: true });
    expect(offered.extensions).toBe('');
    offered.close();
    const compressing = await start(runtime, null, (_c, _r, res) => res.upgrade(null), { websocket: { ...echo, compression: true } });
    const client = await connect(`ws://127.0.0.1:${compressing.port}/`, undefined, { perMessageDeflate: true });
    expect(client.extensions).toMatch(/^permessage-deflate/);
    const text = 'compress me '.repeat(1000);
    client.send(text);
    expect((await nextMessage(client)).data.toString()).toBe(text);
    client.close();
  });

  it('takes handlers per upgrade instead of the server\'s', async () => {
    const calls: string[] = [];
    const server = await start(runtime, null, (_c, req, res) =>
      req.path === '/own'
        ? res.upgrade('own data', { handlers: { open: (ws) => void calls.push(`own open ${ws.data}`), message: (ws, m) => void ws.send(`own: ${m}`) } })
        : res.upgrade('server data'),
    { websocket: { open: (ws) => void calls.push(`server open ${ws.data}`), message: (ws, m) => void ws.send(`server: ${m}`) } });
    const own = await connect(`ws://127.0.0.1:${server.port}/own`);
    own.send('hi');
    expect((await nextMessage(own)).data.toString()).toBe('own: hi');
    const other = await connect(`ws://127.0.0.1:${server.port}/other`);
    other.send('hi');
    expect((await nextMessage(other)).data.toString()).toBe('server: hi');
    expect(calls.sort()).toEqual(['own open own data', 'server open server data']);
    own.close();
    other.close();
  });

  it('serves WebSockets over TLS (wss)', async () => {
    const server = await start(runtime, null, (_c, _r, res) => res.upgrade(null), { tls: { key, cert }, websocket: { message: (ws, m) => void ws.send(m) } });
    const client = new WebSocket(`wss://127.0.0.1:${server.port}/`, { rejectUnauthorized: false });
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    client.send('secret');
    expect((await nextMessage(client)).data.toString()).toBe('secret');
    const done = closed(client);
    client.close(1000);
    expect((await done).code).toBe(1000);
  });
});

describe.each(RUNTIMES)('WebSocket lifecycle on %s', (runtime) => {
  it('logs a handler that throws or rejects, and keeps the socket open', async () => {
    const logged: string[] = [];
    const server = await start(runtime, null, (_c, _r, res) => res.upgrade(null), {
      logger: { error: (m) => void logged.push(m), warn: () => {} },
      websocket: {
        message(ws, m) {
          if (m === 'throw') throw new Error('boom');
          if (m === 'reject') return Promise.reject(new Error('later boom'));
          ws.send(`still here: ${m}`);
        },
      },
    });
    const client = await connect(`ws://127.0.0.1:${server.port}/`);
    client.send('throw');
    client.send('reject');
    client.send('ok');
    expect((await nextMessage(client)).data.toString()).toBe('still here: ok');
    await new Promise<void>((resolve) => {
      const check = () => (logged.length === 2 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(logged).toEqual(['websocket message handler threw', 'websocket message handler failed']);
    client.close();
  });

  it('drops, after graceMs, a socket whose peer never answers the 1001', async () => {
    let closes = 0;
    const server = await start(runtime, null, (_c, _r, res) => res.upgrade(null), { websocket: { close: () => void closes++ } });
    const answer = await rawHandshake(server.port, upgradeRequest('/'));
    expect(answer.status).toBe(101);
    // This client reads nothing and answers nothing: close() can only end when graceMs drops it.
    await server.close({ graceMs: 200 });
    expect(closes).toBe(1);
    expect(server.stats.webSockets).toBe(0);
    answer.socket.destroy();
  });

  it('refuses with 503 an upgrade decided after close() began', async () => {
    let release: () => void = () => {};
    const decided = new Promise<void>((resolve) => (release = resolve));
    let arrived: () => void = () => {};
    const waiting = new Promise<void>((resolve) => (arrived = resolve));
    const server = await start(runtime, null, async (_c, _r, res) => {
      arrived();
      await decided;
      return res.upgrade(null);
    });
    const answer = rawHandshake(server.port, upgradeRequest('/'));
    await waiting;
    const closing = server.close({ graceMs: 5000 });
    release();
    expect((await answer).status).toBe(503);
    await closing;
    (await answer).socket.destroy();
  });
});
