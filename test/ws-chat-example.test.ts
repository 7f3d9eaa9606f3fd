// The README's WebSocket example, run as it is: rooms are topics.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closed, connect, nextMessage, rawHandshake, upgradeRequest } from './helpers/ws.js';

const script = new URL('../dist/examples/ws-chat/server.js', import.meta.url).pathname;

describe.each(['net', 'uws', 'node-http'])('examples/ws-chat on %s', (runtime) => {
  let port = 0;
  let child: ReturnType<typeof spawn>;
  beforeAll(async () => {
    child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0', RUNTIME: runtime }, stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((resolve) => child.stdout!.on('data', (d: Buffer) => /READY (\d+)/.test(String(d)) && resolve(Number(/READY (\d+)/.exec(String(d))![1]))));
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  it('relays a message to the room, not to other rooms; refuses a nameless upgrade with 401', async () => {
    const url = (q: string) => `ws://127.0.0.1:${port}/chat?${q}`;
    const ada = await connect(url('name=ada&room=a'), 'chat.v1');
    expect(ada.protocol).toBe('chat.v1');
    const bob = await connect(url('name=bob&room=a'));
    expect((await nextMessage(ada)).data.toString()).toBe('bob joined');
    const eve = await connect(url('name=eve&room=b'));
    let eveHeard = false;
    eve.on('message', () => (eveHeard = true));
    const toBob = nextMessage(bob);
    ada.send('hello');
    expect((await nextMessage(ada)).data.toString()).toBe('you: hello');
    expect((await toBob).data.toString()).toBe('ada: hello');
    const left = nextMessage(ada);
    bob.close();
    expect((await left).data.toString()).toBe('bob left');
    expect(eveHeard).toBe(false);
    const answer = await rawHandshake(port, upgradeRequest('/chat'));
    expect(answer.status).toBe(401);
    answer.socket.destroy();
    const binary = closed(eve);
    eve.send(Buffer.from([1]));
    expect((await binary).code).toBe(1003);
    ada.close();
  });
});
