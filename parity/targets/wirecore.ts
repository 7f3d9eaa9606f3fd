// Parity target: wirecore's echo on one runtime (argv[2]). Prints "READY <port>".
import { createStatic, serveGeneric, type DispatchFn, type RuntimeName } from 'wirecore';
import { PARITY_LIMITS, PARITY_TIMEOUTS, SeenLog, answerEcho } from 'wirecore/parity';

const seen = new SeenLog();
const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });

const dispatch: DispatchFn<null> = (_ctx, req, res) => {
  const path = req.path;
  if (path.startsWith('/seen/')) return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(seen.take(path.slice(6))) });
  return answerEcho(seen, req, res, staticHello);
};

const server = await serveGeneric(null, dispatch, {
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  ...PARITY_TIMEOUTS,
  ...PARITY_LIMITS,
  logger: { error: () => {}, warn: () => {} },
  tryStatic: (_ctx, method, path) => (path.startsWith('/c/') && path.endsWith('/static-hit') && (method === 'GET' || method === 'HEAD') ? staticHello : undefined),
});
console.log(`READY ${server.port}`);
