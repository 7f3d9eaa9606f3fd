// app.ws: WebSocket routes of wirecore/app over real sockets on every runtime
// with `ws` as the client: typed, checked messages (1007 / 1003 otherwise),
// the route's security and the group's hooks at the upgrade (4xx before 101),
// params/query checked and coerced, and the route in the OpenAPI document.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'wirecore';
import { createApp, Forbidden, Type, type App } from 'wirecore/app';
import { RUNTIMES } from './helpers/servers.js';
import { closed, nextJson, nextMessage, open, refusal } from './helpers/ws-client.js';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

declare module 'wirecore/app' {
  interface Locals {
    nick?: string;
  }
}

const Say = Type.Object({ text: Type.String({ minLength: 1, maxLength: 200 }), to: Type.Optional(Type.String()) }, { additionalProperties: false });

function makeApp(): App {
  const app = createApp({
    logger: quiet,
    security: { key: { type: 'apiKey', in: 'header', name: 'X-API-Key', keys: { 'key-of-ada': { sub: 'ada', scopes: ['chat'] }, 'key-of-bob': { sub: 'bob', scopes: [] } } } },
  });
  app.ws('/echo/:room', {
    schema: { params: Type.Object({ room: Type.String({ pattern: '^[a-z]+$' }) }), query: Type.Object({ n: Type.Integer({ minimum: 1 }) }), message: Say },
    protocols: ['chat.v1'],
    summary: 'Echoes what is said in a room',
    open(ws) {
      ws.send(JSON.stringify({ hello: ws.data.params.room, n: ws.data.query.n, protocol: ws.protocol }));
    },
    message(ws, message) {
      // Typed: message.text is a string, ws.data.query.n a number (coerced from the query string).
      ws.send(JSON.stringify({ room: ws.data.params.room, text: message.text.toUpperCase(), times: ws.data.query.n * 2 }));
    },
  });
  app.ws('/raw', {
    message(ws, message, isBinary) {
      ws.send(isBinary ? Buffer.concat([Buffer.from('bin:'), message as Buffer]) : `text:${message as string}`);
    },
  });
  app.ws('/private', {
    security: [{ key: ['chat'] }],
    open(ws) {
      ws.send(JSON.stringify({ sub: ws.data.auth?.principal.sub, scopes: ws.data.auth?.scopes }));
    },
  });
  app.group('/rooms', {
    onRequest: (c) => {
      if (c.req.headers.get('x-nick') === undefined) throw new Forbidden('Say who you are (X-Nick)', { expose: true });
    },
    middleware: [
      async (c, next) => {
        c.locals.nick = c.req.headers.get('x-nick');
        c.setCookie('seen', '1', { path: '/' });
        await next();
      },
    ],
  }).ws('/:room', {
    open(ws) {
      ws.send(JSON.stringify({ nick: ws.data.locals.nick, room: ws.data.params.room }));
    },
  });
  return app;
}

describe.each(RUNTIMES)('app.ws on %s', (runtime) => {
  let server: Server;
  let url: string;

  beforeEach(async () => {
    server = await makeApp().listen({ runtime, port: 0 });
    url = `ws://127.0.0.1:${server.port}`;
  });

  afterEach(async () => {
    await server.close({ graceMs: 200 });
  });

  it('upgrades with checked, coerced params and query, picks the route’s subprotocol, and hands typed messages to the handler', async () => {
    const { ws } = await open(`${url}/echo/lobby?n=3`, ['chat.v0', 'chat.v1']);
    expect(await nextJson(ws)).toEqual({ hello: 'lobby', n: 3, protocol: 'chat.v1' });
    ws.send(JSON.stringify({ text: 'hi there' }));
    expect(await nextJson(ws)).toEqual({ room: 'lobby', text: 'HI THERE', times: 6 });
    ws.close();
  });

  it('refuses bad params and query with 400 before any 101, and a plain GET with 426', async () => {
    expect(await refusal(`${url}/echo/Lobby?n=3`)).toBe(400);
    expect(await refusal(`${url}/echo/lobby?n=zero`)).toBe(400);
    expect(await refusal(`${url}/echo/lobby`)).toBe(400);
    const plain = await fetch(`http://127.0.0.1:${server.port}/echo/lobby?n=1`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
  });

  it('closes with 1007 on a message that is not JSON, fails the schema, or carries a prototype-poisoning key; 1003 on binary', async () => {
    const cases: Array<[string | Buffer, number, RegExp]> = [
      ['not json', 1007, /Malformed JSON message/],
      [JSON.stringify({ text: '' }), 1007, /Invalid message: \/text must NOT have fewer than 1 characters/],
      [JSON.stringify({ text: 'a', extra: 1 }), 1007, /Invalid message: \/extra must NOT have additional properties/],
      ['{"text":"a","__proto__":{"admin":true}}', 1007, /forbidden "__proto__" key/],
      [Buffer.from([1, 2, 3]), 1003, /not binary/],
    ];
    for (const [message, code, reason] of cases) {
      const { ws } = await open(`${url}/echo/lobby?n=1`);
      await nextJson(ws);
      const seen = closed(ws);
      ws.send(message);
      const { code: got, reason: why } = await seen;
      expect(got).toBe(code);
      expect(why).toMatch(reason);
    }
  });

  it('passes text and binary through as they are on a route without a message schema', async () => {
    const { ws } = await open(`${url}/raw`);
    ws.send('plain');
    expect(await nextMessage(ws)).toMatchObject({ text: 'text:plain', isBinary: false });
    ws.send(Buffer.from([0xff, 0x00]));
    const reply = await nextMessage(ws);
    expect(reply.isBinary).toBe(true);
    expect([...reply.data]).toEqual([...Buffer.from('bin:'), 0xff, 0x00]);
    ws.close();
  });

  it('applies the route’s security at the upgrade: 401 without credentials, 403 without the scope, ws.data.auth once in', async () => {
    expect(await refusal(`${url}/private`)).toBe(401);
    expect(await refusal(`${url}/private`, { headers: { 'x-api-key': 'wrong' } })).toBe(401);
    expect(await refusal(`${url}/private`, { headers: { 'x-api-key': 'key-of-bob' } })).toBe(403);
    const { ws } = await open(`${url}/private`, undefined, { headers: { 'x-api-key': 'key-of-ada' } });
    expect(await nextJson(ws)).toEqual({ sub: 'ada', scopes: ['chat'] });
    ws.close();
  });

  it('runs the group’s hooks and middleware at the upgrade: a hook’s refusal is a 403, locals and cookies reach the socket and the 101', async () => {
    expect(await refusal(`${url}/rooms/lobby`)).toBe(403);
    const { ws, headers } = await open(`${url}/rooms/lobby`, undefined, { headers: { 'x-nick': 'ada' } });
    expect(headers['set-cookie']).toEqual(['seen=1; Path=/']);
    expect(await nextJson(ws)).toEqual({ nick: 'ada', room: 'lobby' });
    ws.close();
  });
});

describe('app.ws in the OpenAPI document', () => {
  it('lists the route as a GET with a 101 response, its parameters, security, and x-websocket with the message schema', async () => {
    const doc = makeApp().openapi({ title: 'chat', version: '1' });
    const echo = (doc.paths as Record<string, Record<string, Record<string, unknown>>>)['/echo/{room}']!.get!;
    expect(echo.summary).toBe('Echoes what is said in a room');
    expect(echo.responses).toEqual({ 101: { description: 'Switching Protocols: the connection becomes a WebSocket' } });
    expect(echo['x-websocket']).toEqual({ message: JSON.parse(JSON.stringify(Say)), protocols: ['chat.v1'] });
    expect((echo.parameters as Array<{ name: string; in: string }>).map((p) => `${p.in}:${p.name}`)).toEqual(['path:room', 'query:n']);
    const secured = (doc.paths as Record<string, Record<string, Record<string, unknown>>>)['/private']!.get!;
    expect(secured.security).toEqual([{ key: ['chat'] }]);
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.valid).toBe(true);
  });

  it('answers the handshake in-process with app.inject (101, or the route’s refusal)', async () => {
    const app = makeApp();
    const handshake = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
    const opened = await app.inject({ url: '/echo/lobby?n=1', headers: { ...handshake, 'sec-websocket-protocol': 'chat.v1' } });
    expect(opened.status).toBe(101);
    expect(opened.headers.get('sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(opened.headers.get('sec-websocket-protocol')).toBe('chat.v1');
    expect((await app.inject({ url: '/private', headers: handshake })).status).toBe(401);
  });

  it('refuses a bad message schema or handler at registration, naming the route', () => {
    const app = createApp({ logger: quiet });
    expect(() => app.ws('/bad', { schema: { message: { type: 'nope' } as never } })).toThrow(/invalid message schema for WS \/bad/);
    expect(() => app.ws('/bad', { message: 'no' as never })).toThrow(/the message handler of WS \/bad is not a function/);
    expect(() => app.ws('/bad', { protocols: ['a b'] })).toThrow(/subprotocol tokens/);
  });
});
