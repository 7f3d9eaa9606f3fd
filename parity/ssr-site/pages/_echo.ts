// The parity echo contract (parity/echo-shape.ts) as an SSR endpoint: every
// request reaches it through wirecore/ssr's dispatch (route table, params).
import { createStatic } from 'wirecore';
import type { EndpointContext } from 'wirecore/ssr';
import { SeenLog, actionOf, answerEcho } from '../../echo-shape.js';

export const seen = new SeenLog();
const staticHello = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'static hello\n' });

export function echo({ req, res }: EndpointContext) {
  // The site's tryStatic serves prerendered pages, not the case's static hit: the endpoint answers it.
  if (actionOf(req.path) === 'static-hit') {
    seen.add(req.target, `${req.method} ${req.target}`);
    return res.sendStatic(staticHello);
  }
  return answerEcho(seen, req, res, staticHello);
}
