// Parity target: wirecore's echo on one runtime (argv[2]). Prints "READY <port>".
import { createStatic, serveGeneric, type DispatchFn, type RuntimeName } from 'wirecore';
import { PARITY_LIMITS, PARITY_TIMEOUTS, SeenLog, actionOf, slowAction, describeBody, pairs, type Seen } from 'wirecore/parity';

const seen = new SeenLog();
const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });

const dispatch: DispatchFn<null> = async (_ctx, req, res) => {
  const path = req.path;
  if (path.startsWith('/seen/')) return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(seen.take(path.slice(6))) });
  seen.add(req.target, `${req.method} ${req.target}`);
  const action = actionOf(path);
  switch (action) {
    case 'slow':
      await slowAction();
      break;
    case 'throw-before':
      throw new Error('parity: thrown before the head');
    case 'throw-after':
      res.startChunked(200);
      await res.writeChunk('partial');
      throw new Error('parity: thrown after the head');
    case 'stream':
      res.startChunked(200, { 'content-type': 'text/plain' });
      for (const part of ['a', 'bb', 'ccc']) await res.writeChunk(part);
      return res.endChunked();
    case 'stream-forever': {
      res.startChunked(200);
      req.signal.addEventListener('abort', () => seen.add(req.target, 'aborted'));
      while (!res.aborted) {
        await res.writeChunk('tick\n');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return res.endChunked();
    }
    case 'status-204':
      return res.send({ status: 204, body: 'ignored' });
    case 'status-304':
      return res.send({ status: 304, body: 'ignored' });
    case 'ignore-body':
      return res.send({ body: 'ignored' });
    case 'static':
      return res.sendStatic(staticHello);
  }
  let body: Uint8Array;
  try {
    body = await req.body.bytes();
  } catch (error) {
    seen.add(req.target, 'body-error');
    throw error;
  }
  seen.add(req.target, 'body-ok');
  const echo: Seen = {
    method: req.method,
    target: req.target,
    version: req.httpVersion,
    headers: pairs(req.headers.raw),
    ...describeBody(body),
    trailers: req.body.trailers ? pairs(req.body.trailers.raw) : null,
  };
  const json = JSON.stringify(echo);
  return res.send({ headers: { 'content-type': 'application/json', 'x-echo': Buffer.from(json).toString('base64').slice(0, 2048) }, body: json });
};

const server = await serveGeneric(null, dispatch, {
  runtime: (process.argv[2] ?? 'net') as RuntimeName,
  ...PARITY_TIMEOUTS,
  ...PARITY_LIMITS,
  logger: { error: () => {}, warn: () => {} },
  tryStatic: (_ctx, method, path) => (path.endsWith('/static-hit') && (method === 'GET' || method === 'HEAD') ? staticHello : undefined),
});
console.log(`READY ${server.port}`);
