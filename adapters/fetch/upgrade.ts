// WebSocket upgrades for fetch handlers, in Bun's shape: the handler calls
// upgrade(request, { data, handlers }) and returns any Response; the dispatch
// then answers through res.upgrade (the door judges the handshake) with the
// Response's fields (Set-Cookie, CORS …) on the 101.
import type { ResponseWriter, WebSocketHandlers, WireRequest, Written } from 'wirecore';
import { wireOf } from './request.js';
import { writeResponse } from './write-response.js';

export interface FetchUpgradeOptions<D = unknown> {
  /** What the socket carries as ws.data. */
  data?: D;
  /** This socket's handlers; left out, the server's `websocket` handlers serve it. */
  handlers?: WebSocketHandlers<D>;
  /** The subprotocol to answer with (one the client offered); a Sec-WebSocket-Protocol on the returned Response wins. */
  protocol?: string;
}

const upgradeKey = Symbol('wirecore.fetch.upgrade');

type Marked = Request & { [upgradeKey]?: FetchUpgradeOptions<unknown> };

/** Whether a comma-separated field holds `token` (any case). */
export function hasToken(value: string | null | undefined, token: string): boolean {
  if (value == null) return false;
  return value.split(',').some((part) => part.trim().toLowerCase() === token);
}

/**
 * Marks `request` to become a WebSocket once the handler returns: true when
 * it asks for one (Upgrade: websocket), false otherwise (answer it as HTTP).
 * The Request must be the one wirecore/fetch handed to the handler.
 */
export function upgrade<D>(request: Request, options: FetchUpgradeOptions<D> = {}): boolean {
  if (wireOf(request) === undefined) {
    throw new TypeError('upgrade(request): this Request did not come from wirecore/fetch (serveFetch or toDispatch); pass the Request the handler received (c.req.raw in Hono)');
  }
  if (!hasToken(request.headers.get('upgrade'), 'websocket')) return false;
  (request as Marked)[upgradeKey] = options as FetchUpgradeOptions<unknown>;
  return true;
}

/** The upgrade the handler asked for on `request`, if any. */
export function upgradeOf(request: Request): FetchUpgradeOptions<unknown> | undefined {
  return (request as Marked)[upgradeKey];
}

/** Fields of the handler's Response that describe its body or its connection, not the 101. */
const BODY_FIELDS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Answers a marked request: a 2xx (or 101) Response becomes the 101, its
 * fields joining the handshake's; any other status means the app refused
 * after all (a later middleware), and that answer is sent as it is.
 */
export function answerUpgrade(res: ResponseWriter, wire: WireRequest, intent: FetchUpgradeOptions<unknown>, response: Response): Written | Promise<Written> {
  if (response.status !== 101 && (response.status < 200 || response.status > 299)) return writeResponse(res, wire, response);
  if (response.body !== null) response.body.cancel().catch(() => {});
  let protocol = intent.protocol;
  const headers: Array<[string, string]> = [];
  for (const [name, value] of response.headers) {
    if (name === 'sec-websocket-protocol') protocol = value.trim();
    else if (!BODY_FIELDS.has(name)) headers.push([name, value]);
  }
  return res.upgrade(intent.data, { protocol, headers, handlers: intent.handlers });
}
