// The parity echo contract (parity/echo-shape.ts) as an SSR endpoint: every
// request reaches it through wirecore/ssr's dispatch (route table, params).
import { createStatic } from 'wirecore';
import type { EndpointContext } from 'wirecore/ssr';
import { SeenLog, actionOf, describeBody, pairs, slowAction, type Seen } from '../../echo-shape.js';

export const seen = new SeenLog();
const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });

export async function echo({ req, res }: EndpointContext) {
  seen.add(req.target, `${req.method} ${req.target}`);
  switch (actionOf(req.path)) {
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
    case 'static-hit':
      // The site's tryStatic serves prerendered pages; this one comes from the endpoint.
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
  const answer: Seen = {
    method: req.method,
    target: req.target,
    version: req.httpVersion,
    headers: pairs(req.headers.raw),
    ...describeBody(body),
    trailers: req.body.trailers ? pairs(req.body.trailers.raw) : null,
  };
  const json = JSON.stringify(answer);
  return res.send({ headers: { 'content-type': 'application/json', 'x-echo': Buffer.from(json).toString('base64').slice(0, 2048) }, body: json });
}
