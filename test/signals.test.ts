// options.signals, with real processes and real signals: SIGTERM drains
// (readiness 503, Connection: close on keep-alive answers, idle connections
// closed, in-flight answers finished) and exits 0; a second signal exits at
// once; a signal during start-up is safe; a second close() is safe.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { serveGeneric } from 'wirecore';
import { createApp } from 'wirecore/app';
import { serveFetch } from 'wirecore/fetch';
import { parseResponses } from 'wirecore/testing';
import { header } from './helpers/raw.js';
import { startProcess } from './helpers/process-server.js';

/** A raw connection that keeps what it receives and says when it closed. */
function connect(port: number, request: string) {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
  let received = Buffer.alloc(0);
  const waiters: Array<() => void> = [];
  socket.on('data', (c) => {
    received = Buffer.concat([received, c]);
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const until = (predicate: (text: string) => boolean) =>
    new Promise<void>((resolve) => {
      const look = () => (predicate(received.toString('latin1')) ? resolve() : waiters.push(look));
      look();
    });
  return { socket, closed, until, received: () => received };
}

describe.each(['net', 'node-http', 'uws'] as const)('signals on %s', (runtime) => {
  it('SIGTERM: readiness 503 with Connection: close, idle connections closed, in-flight answers finished, exit 0', async () => {
    const server = startProcess({ runtime });
    const port = await server.ready;
    const hold = connect(port, 'GET /hold HTTP/1.1\r\nHost: a\r\n\r\n');
    await hold.until((t) => t.includes('first'));
    const probe = connect(port, 'GET /readyz?hold HTTP/1.1\r\nHost: a\r\n\r\n');
    await server.line(/HELD readyz/);
    const idle = connect(port, 'GET /who HTTP/1.1\r\nHost: a\r\n\r\n');
    await idle.until((t) => t.includes('"pid"'));

    server.child.kill('SIGTERM');
    await server.line(/CLOSING/);
    // uWS keeps idle connections until its own timeout; they end with the process there.
    if (runtime !== 'uws') await idle.closed;
    server.child.stdin.write('release\n');
    await Promise.all([hold.closed, probe.closed]);
    const exit = await server.exited;

    const held = parseResponses(hold.received(), { eof: true });
    expect(held.responses[0]?.body.toString()).toBe('first\nlast\n');
    const readiness = parseResponses(probe.received(), { eof: true }).responses[0]!;
    expect(readiness.status).toBe(503);
    expect(header(readiness, 'connection')).toBe('close');
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
  });

  it('a second signal exits at once, without waiting for in-flight answers', async () => {
    const server = startProcess({ runtime });
    const port = await server.ready;
    const hold = connect(port, 'GET /hold HTTP/1.1\r\nHost: a\r\n\r\n');
    await hold.until((t) => t.includes('first'));
    server.child.kill('SIGTERM');
    await server.line(/CLOSING/);
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    await hold.closed;
    expect(exit).toEqual({ code: 143, signal: null });
    expect(hold.received().toString()).not.toContain('last');
  });
});

describe('signals during start-up and repeated close()', () => {
  it('SIGTERM while the server starts (workers forking): it starts, drains and exits 0', async () => {
    const server = startProcess({ runtime: 'net', workers: 2 });
    await server.line(/STARTING/);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
  });

  it('SIGINT while a single server starts: exit 0', async () => {
    const server = startProcess({ runtime: 'node-http' });
    await server.line(/STARTING/);
    server.child.kill('SIGINT');
    expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
  });

  it('a second close() waits for the first instead of throwing', async () => {
    const server = await serveGeneric(null, (_c, _r, res) => res.send({ body: 'x' }), { logger: { error: () => {}, warn: () => {} } });
    const first = server.close();
    const second = server.close();
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    expect(server.closing).toBe(true);
  });

  it('signals off (the door\'s default) leaves the process\'s listeners alone; on, they come and go with the server', async () => {
    const before = process.listenerCount('SIGTERM');
    const plain = await serveGeneric(null, (_c, _r, res) => res.send({ body: 'x' }), { logger: { error: () => {}, warn: () => {} } });
    expect(process.listenerCount('SIGTERM')).toBe(before);
    await plain.close();
    const watched = await serveGeneric(null, (_c, _r, res) => res.send({ body: 'x' }), { signals: true, logger: { error: () => {}, warn: () => {} } });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('SIGHUP')).toBe(0);
    await watched.close();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('the consumers\' listen handle signals by default', () => {
  it('app.listen and serveFetch watch SIGTERM until closed; signals: false leaves it alone', async () => {
    const before = process.listenerCount('SIGTERM');
    const app = createApp();
    app.get('/', () => 'ok');
    const quiet = await app.listen({ signals: false });
    expect(process.listenerCount('SIGTERM')).toBe(before);
    await quiet.close();
    const fetched = await serveFetch(() => new Response('ok'));
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    await fetched.close();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    const served = await app.listen();
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    await served.close();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe.each(['net', 'node-http'] as const)('draining on %s', (runtime) => {
  it('a connection accepted but silent when the drain begins still gets its answer, with Connection: close; an idle keep-alive one is closed', async () => {
    const server = await serveGeneric(null, (_c, _r, res) => res.send({ body: 'ok' }), { runtime, logger: { error: () => {}, warn: () => {} } });
    const idle = connect(server.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await idle.until((t) => t.endsWith('ok'));
    const silent = connect(server.port, '');
    await new Promise<void>((resolve) => silent.socket.once('connect', () => resolve()));
    // The server has accepted it once the idle one's next answer shows both are counted.
    while (server.stats.connections < 2) await new Promise((r) => setImmediate(r));
    const closed = server.close({ graceMs: 5000 });
    await idle.closed;
    silent.socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await silent.closed;
    await closed;
    const answer = parseResponses(silent.received(), { eof: true }).responses[0];
    expect(answer?.status).toBe(200);
    expect(header(answer!, 'connection')).toBe('close');
  });
});
