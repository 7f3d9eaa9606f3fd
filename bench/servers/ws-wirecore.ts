// WebSocket bench server on wirecore (argv[2]: net or uws). /echo echoes
// every message; /sub joins the topic "all"; on /ctl, "publish <n> <bytes>"
// publishes n messages of that size to "all" (in batches, so the server
// keeps reading) and answers "done". Prints "READY <port>".
import { serveGeneric, type RuntimeName, type Server } from 'wirecore';
import { publishInBatches } from './ws-publish.js';

type Role = { path: string };
let server: Server;

server = await serveGeneric(null, (_ctx, req, res) => res.upgrade<Role>({ path: req.path }), {
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  port: Number(process.env.PORT ?? 0),
  logger: { error: (m, e) => console.error(m, e), warn: (m) => console.error(m) },
  websocket: {
    idleTimeoutMs: 0,
    maxBackpressureBytes: 64 * 1024 * 1024,
    open(ws) {
      if ((ws.data as Role).path === '/sub') ws.subscribe('all');
    },
    message(ws, message, isBinary) {
      const path = (ws.data as Role).path;
      if (path === '/echo') return void ws.send(message, { binary: isBinary });
      if (path === '/ctl') publishInBatches(String(message), (payload) => server.publish('all', payload), () => ws.send('done'));
    },
  },
});
console.log(`READY ${server.port}`);
