// A module for options.workers with WebSockets: every socket joins "room",
// is told which process serves it, and what it sends is published to the
// room: the copies relay topics through the primary, so every copy's
// subscribers hear it.
import type { DispatchFn, ServeOptions, ServerWebSocket } from 'wirecore';

export const ctx = null;

export const dispatch: DispatchFn<null> = (_ctx, _req, res) => res.upgrade(null);

export const options: ServeOptions<null> = {
  websocket: {
    open(ws: ServerWebSocket) {
      ws.subscribe('room');
      ws.send(String(process.pid));
    },
    message(ws, message) {
      ws.publish('room', message);
    },
  },
};
