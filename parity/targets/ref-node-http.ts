// Reference column (informational): plain node:http with the same echo.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { PARITY_LIMITS, PARITY_TIMEOUTS, PARITY_WEBSOCKET, SeenLog, actionOf, slowAction, describeBody, pairs, type Seen } from 'wirecore/parity';

const seen = new SeenLog();

const server = http.createServer(
  { maxHeaderSize: PARITY_LIMITS.maxHeaderBytes, keepAliveTimeout: PARITY_TIMEOUTS.keepAliveTimeoutMs, connectionsCheckingInterval: 50 },
  async (req, res) => {
    const target = req.url ?? '/';
    const path = target.split('?')[0]!;
    if (path.startsWith('/seen/')) return res.end(JSON.stringify(seen.take(path.slice(6))));
    seen.add(target, `${req.method} ${target}`);
    switch (actionOf(path)) {
      case 'slow':
        await slowAction();
        break;
      case 'throw-before':
        res.statusCode = 500;
        return res.end('Internal Server Error\n');
      case 'throw-after':
        res.write('partial');
        return res.destroy();
      case 'stream':
        res.setHeader('content-type', 'text/plain');
        for (const part of ['a', 'bb', 'ccc']) res.write(part);
        return res.end();
      case 'stream-forever': {
        res.on('close', () => seen.add(target, 'aborted'));
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('tick\n')), 20);
        return;
      }
      case 'status-204':
        res.statusCode = 204;
        return res.end();
      case 'status-304':
        res.statusCode = 304;
        return res.end();
      case 'ignore-body':
        return res.end('ignored');
      case 'static':
      case 'static-hit':
        res.setHeader('content-type', 'text/plain');
        return res.end('static hello\n');
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      seen.add(target, 'body-error');
      return;
    }
    seen.add(target, 'body-ok');
    const echo: Seen = {
      method: req.method ?? '',
      target,
      version: req.httpVersion,
      headers: pairs(req.rawHeaders),
      ...describeBody(Buffer.concat(chunks)),
      trailers: req.rawTrailers.length > 0 ? pairs(req.rawTrailers) : null,
    };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(echo));
  },
);
// The WebSocket echo as node:http users write it: ws's own handshake checks and codec.
const wss = new WebSocketServer({ noServer: true, maxPayload: PARITY_WEBSOCKET.maxPayloadBytes });
wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => {});
  if (actionOf((req.url ?? '/').split('?')[0]!) !== 'ws') return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.headersTimeout = PARITY_TIMEOUTS.headersTimeoutMs;
server.requestTimeout = PARITY_TIMEOUTS.requestTimeoutMs;
server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as { port: number }).port}`));
