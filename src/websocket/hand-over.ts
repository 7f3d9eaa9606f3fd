// Where a byte-stream connection (net, node-http) becomes a WebSocket: the
// socket, already past its 101, and the bytes read after the upgrade's head
// go to the `ws` codec.
import type { Duplex } from 'node:stream';
import type { WebSocketHub } from './hub.js';
import type { AcceptedUpgrade } from './upgrade.js';
import { WsCodecSocket, type Negotiated } from './ws-codec.js';

export function handOver(hub: WebSocketHub, switched: { accepted: AcceptedUpgrade; negotiated: Negotiated | null }, socket: Duplex, rest: Buffer | null, remoteAddress: string): void {
  const { accepted, negotiated } = switched;
  // The peer left between the 101 and now: there is no socket to open.
  if (socket.destroyed) return;
  const ws = new WsCodecSocket(hub, accepted.data, accepted.handlers, accepted.protocol, remoteAddress, negotiated);
  ws.attach(socket, rest ?? Buffer.alloc(0));
  // The connection read nothing while the upgrade was decided: the new owner reads from here.
  socket.resume();
}
