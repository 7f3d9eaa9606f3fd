// The headers an answer goes out with: the content type, the request id when
// exposed, what c.header() set, and, on routes with features, CORS headers,
// Content-Encoding and one merged Vary.
import type { ResponseHeaders } from 'wirecore';
import type { Encoding } from './compress.js';
import type { AnswerContext, ContextRoute } from './model.js';

/** What the writer reads from a route: its settings and features. */
type AnswerRoute = Pick<ContextRoute, 'settings' | 'features'>;

export const JSON_TYPE = 'application/json; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const BYTES_TYPE = 'application/octet-stream';
export const PROBLEM_TYPE = 'application/problem+json';
export const EVENT_STREAM_TYPE = 'text/event-stream; charset=utf-8';
const JSON_HEADERS = { 'content-type': JSON_TYPE };
const TEXT_HEADERS = { 'content-type': TEXT_TYPE };
const BYTES_HEADERS = { 'content-type': BYTES_TYPE };
export const PROBLEM_HEADERS = { 'content-type': PROBLEM_TYPE };

/** The plain answer's headers (no features): shared objects where nothing was set. */
export function headersFor(route: AnswerRoute, c: AnswerContext, type: string | null): ResponseHeaders | undefined {
  const extra = c.responseHeaders;
  const exposeId = route.settings.exposeRequestId;
  if (extra === null && !exposeId) {
    if (type === null) return undefined;
    if (type === JSON_TYPE) return JSON_HEADERS;
    if (type === TEXT_TYPE) return TEXT_HEADERS;
    if (type === PROBLEM_TYPE) return PROBLEM_HEADERS;
    if (type === BYTES_TYPE) return BYTES_HEADERS;
    return { 'content-type': type };
  }
  const out: Array<[string, string]> = [];
  if (type !== null) out.push(['content-type', type]);
  if (exposeId) out.push([route.settings.requestIdHeader, c.requestId]);
  if (extra !== null) for (const pair of extra) out.push(pair);
  return out;
}

/** Headers on a route with features: CORS, Content-Encoding, and every Vary token in one field. */
export function featureHeaders(route: AnswerRoute, c: AnswerContext, type: string | null, encoding: Encoding | null, variesByEncoding: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const vary: string[] = [];
  if (type !== null) out.push(['content-type', type]);
  if (route.settings.exposeRequestId) out.push([route.settings.requestIdHeader, c.requestId]);
  const cors = route.features!.cors;
  if (cors !== null) {
    cors.headers(c, out);
    if (cors.varies) vary.push('Origin');
  }
  if (variesByEncoding) vary.push('Accept-Encoding');
  if (encoding !== null) out.push(['content-encoding', encoding]);
  const extra = c.responseHeaders;
  if (extra !== null) {
    for (const pair of extra) {
      if (pair[0].toLowerCase() === 'vary') vary.push(pair[1]);
      else out.push(pair);
    }
  }
  if (vary.length !== 0) out.push(['vary', vary.join(', ')]);
  return out;
}

/** A server-sent event stream's head (never compressed: each event must reach the client as it is written). */
export function sseHeaders(route: AnswerRoute, c: AnswerContext): ResponseHeaders {
  const out: Array<[string, string]> = [];
  if (route.features === null) {
    const plain = headersFor(route, c, EVENT_STREAM_TYPE);
    if (Array.isArray(plain)) out.push(...(plain as Array<[string, string]>));
    else out.push(['content-type', EVENT_STREAM_TYPE]);
  } else out.push(...featureHeaders(route, c, EVENT_STREAM_TYPE, null, false));
  // Caches and buffering proxies (nginx) must pass events through as they come.
  out.push(['cache-control', 'no-cache'], ['x-accel-buffering', 'no']);
  return out;
}
