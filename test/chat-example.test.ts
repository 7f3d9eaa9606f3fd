// examples/chat over real sockets on every runtime: two clients in one room
// see each other's messages, a third in another room sees none of them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'wirecore';
import { createChatApp, type ChatEvent } from '../examples/chat/chat.js';
import { RUNTIMES } from './helpers/servers.js';
import { closed, nextJson, open, refusal } from './helpers/ws-client.js';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

describe.each(RUNTIMES)('examples/chat on %s', (runtime) => {
  let server: Server;
  let base: string;

  beforeEach(async () => {
    server = await createChatApp({ logger: quiet }).listen({ runtime, port: 0 });
    base = `ws://127.0.0.1:${server.port}`;
  });
  afterEach(async () => {
    await server.close({ graceMs: 200 });
  });

  /** Joins and waits for the welcome: from then on the client hears its room. */
  async function join(room: string, nick: string) {
    const { ws } = await open(`${base}/rooms/${room}?nick=${nick}`);
    const welcome = await nextJson<ChatEvent>(ws);
    return { ws, welcome };
  }

  it('delivers a room’s messages to everyone in it and to no one in another room', async () => {
    const alice = await join('lobby', 'alice');
    expect(alice.welcome).toEqual({ type: 'welcome', room: 'lobby', members: ['alice'] });
    const bob = await join('lobby', 'bob');
    expect(bob.welcome).toEqual({ type: 'welcome', room: 'lobby', members: ['alice', 'bob'] });
    expect(await nextJson(alice.ws)).toEqual({ type: 'joined', room: 'lobby', nick: 'bob' });
    const carol = await join('garden', 'carol');
    expect(carol.welcome).toEqual({ type: 'welcome', room: 'garden', members: ['carol'] });

    alice.ws.send(JSON.stringify({ text: 'hi bob' }));
    expect(await nextJson(bob.ws)).toMatchObject({ type: 'message', room: 'lobby', from: 'alice', text: 'hi bob' });
    expect(await nextJson(alice.ws)).toMatchObject({ type: 'message', from: 'alice', text: 'hi bob' });
    bob.ws.send(JSON.stringify({ text: 'hello alice' }));
    expect(await nextJson(alice.ws)).toMatchObject({ type: 'message', from: 'bob', text: 'hello alice' });
    expect(await nextJson(bob.ws)).toMatchObject({ type: 'message', from: 'bob', text: 'hello alice' });

    // The lobby's events were written before carol's own message is answered: had any leaked
    // to her, it would come first on her connection.
    carol.ws.send(JSON.stringify({ text: 'anyone?' }));
    expect(await nextJson(carol.ws)).toMatchObject({ type: 'message', room: 'garden', from: 'carol', text: 'anyone?' });

    bob.ws.close();
    expect(await nextJson(alice.ws)).toEqual({ type: 'left', room: 'lobby', nick: 'bob' });
    alice.ws.close();
    carol.ws.close();
  });

  it('refuses a bad room or nick before the upgrade, and closes on a message off its schema with 1007', async () => {
    expect(await refusal(`${base}/rooms/Not%20A%20Room?nick=ada`)).toBe(400);
    expect(await refusal(`${base}/rooms/lobby`)).toBe(400);
    const { ws } = await join('lobby', 'dave');
    const seen = closed(ws);
    ws.send(JSON.stringify({ text: '' }));
    expect((await seen).code).toBe(1007);
  });
});
