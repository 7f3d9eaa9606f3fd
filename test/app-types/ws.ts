// Type-level test of the WebSocket consumers (checked with check.ts by
// test/app-types.test.ts): app.ws's ws.data and messages typed from the path
// and schemas; Hono's upgradeWebSocket with the route's typed context.
import { Hono } from 'hono';
import { createApp, Type } from 'wirecore/app';
import { createWebSocket } from 'wirecore/fetch/hono';

const app = createApp();
app.ws('/rooms/:room', {
  schema: { query: Type.Object({ n: Type.Integer() }), message: Type.Object({ text: Type.String() }) },
  open(ws) {
    const room: string = ws.data.params.room;
    const n: number = ws.data.query.n;
    // @ts-expect-error: the path has no :id
    void ws.data.params.id;
    void room, n;
  },
  message(ws, message) {
    const text: string = message.text;
    // @ts-expect-error: the message schema has no count
    void message.count;
    ws.send(text);
  },
  close(_ws, code, reason) {
    const c: number = code;
    const r: string = reason;
    void c, r;
  },
});
app.ws('/raw', {
  message(_ws, message) {
    // Without a message schema: text or bytes.
    const raw: string | Buffer = message;
    void raw;
  },
});
// @ts-expect-error: handlers are functions
app.ws('/bad', { open: 'no' });

const hono = new Hono<{ Variables: { user: string } }>();
const { upgradeWebSocket } = createWebSocket({ app: hono });
hono.get(
  '/ws/:room',
  upgradeWebSocket((c) => {
    const user: string = c.get('user');
    return {
      onMessage(event, ws) {
        ws.send(`${user}: ${String(event.data)}`);
        // ws.raw is wirecore's ServerWebSocket: topics at hand.
        ws.raw?.publish('room', 'hi');
      },
    };
  }),
);
