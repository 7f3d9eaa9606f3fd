// Baseline: ws on node:http, as its users write it (handleUpgrade, a Set
// per topic, send to each), with the routes of ws-wirecore.ts.
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { publishInBatches } from './ws-publish.js';

const subscribers = new Set<WebSocket>();
const server = http.createServer((_req, res) => res.end('ok'));
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const path = req.url ?? '/';
    if (path === '/sub') {
      subscribers.add(ws);
      ws.on('close', () => subscribers.delete(ws));
    }
    ws.on('message', (data, isBinary) => {
      if (path === '/echo') ws.send(data, { binary: isBinary });
      else if (path === '/ctl')
        publishInBatches(
          data.toString(),
          (payload) => {
            for (const s of subscribers) s.send(payload);
          },
          () => ws.send('done'),
        );
    });
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`READY ${(server.address() as { port: number }).port}`));
