// A chat over wirecore/app: one WebSocket route per room, the room a topic.
// Who is in which room is kept per process (with `workers`, each copy knows
// its own members; messages still reach every copy through the topics).
import { createApp, Type, type AppLogger } from 'wirecore/app';
import { CHAT_PAGE } from './page.js';

const Room = Type.String({ pattern: '^[a-z0-9-]{1,32}$' });
const Nick = Type.String({ minLength: 1, maxLength: 32, pattern: '^[^\\s]+$' });
/** What a client may send: one line of text. */
export const Say = Type.Object({ text: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });

/** What the server sends, as JSON text. */
export type ChatEvent =
  | { type: 'welcome'; room: string; members: string[] }
  | { type: 'joined' | 'left'; room: string; nick: string }
  | { type: 'message'; room: string; from: string; text: string; at: string };

export function createChatApp(options: { logger?: AppLogger } = {}) {
  const app = createApp(options);
  const members = new Map<string, Set<string>>();
  const send = (event: ChatEvent) => JSON.stringify(event);

  app.get('/', (c) => {
    c.header('content-type', 'text/html; charset=utf-8');
    return CHAT_PAGE;
  });

  app.ws('/rooms/:room', {
    summary: 'Join a chat room',
    schema: { params: Type.Object({ room: Room }), query: Type.Object({ nick: Nick }), message: Say },
    open(ws) {
      const { room } = ws.data.params;
      const { nick } = ws.data.query;
      const here = members.get(room) ?? new Set<string>();
      members.set(room, here.add(nick));
      // Subscribed before the welcome, so a client that has its welcome hears everything said after.
      ws.subscribe(`room:${room}`);
      ws.send(send({ type: 'welcome', room, members: [...here] }));
      ws.publish(`room:${room}`, send({ type: 'joined', room, nick }));
    },
    message(ws, message) {
      const { room } = ws.data.params;
      const event = send({ type: 'message', room, from: ws.data.query.nick, text: message.text, at: new Date().toISOString() });
      // publish reaches every other subscriber; the sender gets the same event back.
      ws.publish(`room:${room}`, event);
      ws.send(event);
    },
    close(ws) {
      const { room } = ws.data.params;
      const { nick } = ws.data.query;
      const here = members.get(room);
      here?.delete(nick);
      if (here?.size === 0) members.delete(room);
      ws.publish(`room:${room}`, send({ type: 'left', room, nick }));
    },
  });
  return app;
}
