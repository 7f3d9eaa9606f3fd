// The one uWS WebSocket behavior of a uws server: its upgrade handler runs
// wirecore's pipeline; its events reach the socket object made at open.
import type { UwsApp, UwsRequest, UwsResponse, UwsWebSocketBehavior } from '../runtime/uws-loader.js';
import type { WebSocketHub } from './hub.js';
import { UwsCodecSocket, UwsTopics, type UwsSocketData, type UwsWebSocket } from './uws-codec.js';

/** uWS counts its idle timeout in whole seconds, and takes none under 8. */
function idleSeconds(ms: number): number {
  return ms === 0 ? 0 : Math.max(8, Math.round(ms / 1000));
}

function socketOf(ws: UwsWebSocket): UwsCodecSocket<unknown> | null {
  return ws.getUserData().socket;
}

export function uwsWebSocketBehavior(
  hub: WebSocketHub,
  uws: { DISABLED: number; SHARED_COMPRESSOR: number; SHARED_DECOMPRESSOR: number },
  app: UwsApp,
  serve: (res: UwsResponse, req: UwsRequest, context: unknown) => void,
): UwsWebSocketBehavior {
  hub.topics = new UwsTopics(app);
  hub.codecKeepsIdle = true;
  const o = hub.options;
  return {
    maxPayloadLength: o.maxPayloadBytes,
    idleTimeout: idleSeconds(o.idleTimeoutMs),
    sendPingsAutomatically: true,
    compression: o.compression ? uws.SHARED_COMPRESSOR | uws.SHARED_DECOMPRESSOR : uws.DISABLED,
    maxBackpressure: o.maxBackpressureBytes,
    closeOnBackpressureLimit: false,
    upgrade: serve,
    open(ws) {
      const data = ws.getUserData();
      const socket = (data.socket = new UwsCodecSocket(hub, ws, data.accepted));
      socket.opened();
    },
    message(ws, message, isBinary) {
      // uWS neuters the buffer on return: a binary message is copied, a text one decoded.
      const bytes = Buffer.from(message);
      socketOf(ws)?.received(isBinary ? Buffer.from(bytes) : bytes.toString('utf8'), isBinary);
    },
    drain(ws) {
      socketOf(ws)?.drained();
    },
    close(ws, code, message) {
      socketOf(ws)?.closed(code, Buffer.from(message).toString('utf8'));
    },
    ping(ws, message) {
      socketOf(ws)?.pinged(Buffer.from(Buffer.from(message)));
    },
    pong(ws, message) {
      socketOf(ws)?.ponged(Buffer.from(Buffer.from(message)));
    },
  };
}

export type { UwsSocketData };
