// npm run example:ws-chat — a chat on the raw door, rooms as topics, on
// ws://127.0.0.1:3000/chat?name=ada&room=lobby (PORT, RUNTIME to change).
// Prints "READY <port>" once it listens.
// #region readme
import { serveGeneric, offeredProtocols, type RuntimeName, type ServerWebSocket } from 'wirecore';

type Member = { name: string; room: string };
const roomOf = (ws: ServerWebSocket<Member>) => `room:${ws.data.room}`;

const server = await serveGeneric(
  null,
  (_ctx, req, res) => {
    const url = new URL(req.target, 'http://chat');
    if (url.pathname !== '/chat') return res.send({ status: 404, body: 'not found\n' });
    const name = url.searchParams.get('name');
    if (!name) return res.send({ status: 401, body: 'say who you are: ?name=…\n' }); // a refusal is an ordinary answer
    const member: Member = { name, room: url.searchParams.get('room') ?? 'lobby' };
    return res.upgrade(member, {
      // 101, or the handshake's own 4xx
      protocol: offeredProtocols(req).includes('chat.v1') ? 'chat.v1' : undefined,
    });
  },
  {
    runtime: (process.env.RUNTIME ?? 'net') as RuntimeName,
    port: Number(process.env.PORT ?? 3000),
    websocket: {
      // the handlers, given once (the shape Bun and uWS users know)
      open(ws: ServerWebSocket<Member>) {
        ws.subscribe(roomOf(ws));
        ws.publish(roomOf(ws), `${ws.data.name} joined`); // everyone in the room but ws
      },
      message(ws: ServerWebSocket<Member>, message) {
        if (typeof message !== 'string') return ws.close(1003, 'text only');
        // 'sent', 'queued' (drain follows) or 'dropped' (over maxBackpressureBytes)
        if (ws.send(`you: ${message}`) === 'dropped') return;
        ws.publish(roomOf(ws), `${ws.data.name}: ${message}`);
      },
      close(ws: ServerWebSocket<Member>) {
        server.publish(roomOf(ws), `${ws.data.name} left`);
      },
      maxPayloadBytes: 64 * 1024, // 1009 beyond
      idleTimeoutMs: 60_000, // a ping when idle, dropped after as long again
      allowOrigin: (origin) => origin === undefined || origin === 'http://localhost:3000', // false: 403
    },
  },
);
// #endregion
console.log(`READY ${server.port}`);
process.on('SIGTERM', () => void server.close({ graceMs: 2000 }).then(() => process.exit(0)));
