// Baseline: raw uWebSockets.js WebSockets with native topics, with the
// routes of ws-wirecore.ts.
import { createRequire } from 'node:module';
import { publishInBatches } from './ws-publish.js';

interface Socket {
  send(message: ArrayBuffer | string, isBinary?: boolean): number;
  subscribe(topic: string): boolean;
  getUserData(): { path: string };
}
interface App {
  ws(pattern: string, behavior: Record<string, unknown>): App;
  publish(topic: string, message: string, isBinary?: boolean): boolean;
  listen(host: string, port: number, cb: (socket: unknown) => void): App;
}
interface UpgradeRes {
  upgrade(data: unknown, key: string, protocol: string, extensions: string, context: unknown): void;
}
interface UpgradeReq {
  getUrl(): string;
  getHeader(name: string): string;
}

const uws = createRequire(import.meta.url)('@trufflesuite/uws-js-unofficial');
const app: App = uws.App();
app
  .ws('/*', {
    idleTimeout: 0,
    maxPayloadLength: 16 * 1024 * 1024,
    maxBackpressure: 64 * 1024 * 1024,
    upgrade: (res: UpgradeRes, req: UpgradeReq, context: unknown) =>
      res.upgrade({ path: req.getUrl() }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context),
    open: (ws: Socket) => {
      if (ws.getUserData().path === '/sub') ws.subscribe('all');
    },
    message: (ws: Socket, message: ArrayBuffer, isBinary: boolean) => {
      const path = ws.getUserData().path;
      if (path === '/echo') ws.send(message, isBinary);
      else if (path === '/ctl') publishInBatches(Buffer.from(message).toString(), (payload) => app.publish('all', payload), () => ws.send('done'));
    },
  })
  .listen('127.0.0.1', Number(process.env.PORT ?? 0), (socket: unknown) => console.log(`READY ${uws.us_socket_local_port(socket)}`));
