// Parity target: wirecore's echo on one runtime (argv[2]). Prints "READY <port>".
import { createStatic, offeredProtocols, serveGeneric, type DispatchFn, type RuntimeName } from 'wirecore';
import { PARITY_LIMITS, PARITY_TIMEOUTS, PARITY_WEBSOCKET, SeenLog, actionOf, answerEcho } from 'wirecore/parity';

const seen = new SeenLog();
const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });

const dispatch: DispatchFn<null> = (_ctx, req, res) => {
  const path = req.path;
  if (path.startsWith('/seen/')) return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(seen.take(path.slice(6))) });
  // The WebSocket echo: the first subprotocol offered, every message sent back.
  if (actionOf(path) === 'ws') return res.upgrade(null, { protocol: offeredProtocols(req)[0] });
  return answerEcho(seen, req, res, staticHello);
};

const server = await serveGeneric(null, dispatch, {
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  ...PARITY_TIMEOUTS,
  ...PARITY_LIMITS,
  logger: { error: () => {}, warn: () => {} },
  websocket: { maxPayloadBytes: PARITY_WEBSOCKET.maxPayloadBytes, message: (ws, message, isBinary) => void ws.send(message, { binary: isBinary }) },
  tryStatic: (_ctx, method, path) => (path.startsWith('/c/') && path.endsWith('/static-hit') && (method === 'GET' || method === 'HEAD') ? staticHello : undefined),
});
console.log(`READY ${server.port}`);
