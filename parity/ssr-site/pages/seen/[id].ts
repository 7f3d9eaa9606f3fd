// /seen/<id>: what the echo saw for one case.
import type { EndpointContext } from 'wirecore/ssr';
import { seen } from '../_echo.js';

export function GET({ res, params }: EndpointContext) {
  return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(seen.take(params.id!)) });
}
