// The server's list of open connections (linked through the connections
// themselves), and what rests on it on every runtime: the count in
// server.stats, the request signal of a handler answering later (on uws the
// abort handler is attached only then), and close() waiting for it.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { OpenConnections } from '../src/runtime/open-connections.js';
import { RUNTIMES, start } from './helpers/servers.js';

class Member {
  prevOpen: Member | null = null;
  nextOpen: Member | null = null;
  constructor(readonly id: number) {}
}

function listOf(...ids: number[]) {
  const list = new OpenConnections<Member>();
  const members = ids.map((id) => new Member(id));
  for (const m of members) list.add(m);
  return { list, members };
}

describe('OpenConnections', () => {
  it('counts and walks what was added and not removed, newest first', () => {
    const { list, members } = listOf(1, 2, 3, 4);
    list.delete(members[1]!);
    list.delete(members[1]!);
    expect(list.size).toBe(3);
    expect([...list].map((m) => m.id)).toEqual([4, 3, 1]);
    list.delete(members[3]!);
    list.delete(members[0]!);
    expect([...list].map((m) => m.id)).toEqual([3]);
    list.delete(members[2]!);
    expect(list.size).toBe(0);
    expect([...list]).toEqual([]);
  });

  it('a walk goes on past members removed under it, skipping them, and does not visit one added meanwhile', () => {
    const { list, members } = listOf(1, 2, 3, 4, 5);
    const seen: number[] = [];
    for (const m of list) {
      seen.push(m.id);
      // 5 removes itself and the next one; 3 removes the last; an addition lands behind the walk.
      if (m.id === 5) {
        list.delete(m);
        list.delete(members[3]!);
      }
      if (m.id === 3) list.delete(members[0]!);
      if (m.id === 2) list.add(new Member(6));
    }
    expect(seen).toEqual([5, 3, 2]);
    expect([...list].map((m) => m.id)).toEqual([6, 3, 2]);
    expect(list.size).toBe(3);
  });
});

describe.each(RUNTIMES)('open connections on %s', (runtime) => {
  it('counts connections as they open and close; a handler answering later hears the client leave; close() waits for it', async () => {
    let leftSeen: () => void = () => {};
    const left = new Promise<void>((resolve) => (leftSeen = resolve));
    let release: () => void = () => {};
    const server = await start(runtime, null, async (_ctx, req, res) => {
      if (req.path === '/later') {
        await new Promise<void>((resolve) => req.signal.addEventListener('abort', () => resolve(), { once: true }));
        leftSeen();
        return;
      }
      if (req.path === '/held') await new Promise<void>((resolve) => (release = resolve));
      res.send({ status: 200, body: 'ok' });
    });
    const open = async (request: string) => {
      const socket = net.connect(server.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(request);
      return socket;
    };
    const answered = (socket: net.Socket) => new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString('latin1'))));

    const kept = await Promise.all([1, 2, 3].map(() => open('GET / HTTP/1.1\r\nHost: t\r\n\r\n')));
    await Promise.all(kept.map(answered));
    // uws counts sockets as the kernel does; the others count their own connections.
    await until(() => server.stats.connections === 3);
    const leaving = await open('GET /later HTTP/1.1\r\nHost: t\r\n\r\n');
    await until(() => server.stats.inFlight === 1);
    leaving.destroy();
    await left;
    for (const s of kept) s.destroy();
    await until(() => server.stats.connections === 0 && server.stats.inFlight === 0);

    const held = await open('GET /held HTTP/1.1\r\nHost: t\r\n\r\n');
    const answer = answered(held);
    await until(() => server.stats.inFlight === 1);
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    expect(await answer).toMatch(/^HTTP\/1\.1 200 OK\r\n(?:[^\r\n]+\r\n)*Connection: close\r\n/i);
    await closing;
  });
});

/** Polls a condition the server reaches on its own (counts move with socket events, not with a timer here). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
