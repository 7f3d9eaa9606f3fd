// res.upgrade(), judged once for every runtime: the handshake rules, the
// Origin hook, the subprotocol; a refusal is an ordinary answer that closes
// the connection, a pass goes to the runtime's binding, which answers 101
// and hands the socket to its codec.
import { ResponseUsageError, describeValue } from '../errors.js';
import type { Written } from '../types.js';
import { AS_BOTH, normalizeHeaders } from '../writer/headers.js';
import { acceptKey, checkHandshake, isRefusal } from './handshake.js';
import type { WebSocketHub } from './hub.js';
import { checkHandlers } from './options.js';
import type { UpgradeOptions, WebSocketHandlers } from './types.js';
import type { WireRequest } from '../types.js';

/** A handshake that passed, for the binding to answer. */
export interface AcceptedUpgrade {
  key: string;
  accept: string;
  /** The chosen subprotocol, or ''. */
  protocol: string;
  /** The client's Sec-WebSocket-Extensions ('' for none). */
  extensionsOffer: string;
  /** The caller's extra fields, without the handshake's own. */
  headers: Array<[string, string]>;
  data: unknown;
  handlers: WebSocketHandlers<unknown>;
}

/** What judging needs of an exchange. */
export interface UpgradeSide {
  readonly request: WireRequest | null;
  readonly hasBody: boolean;
  readonly headersSent: boolean;
  readonly hub: WebSocketHub;
  /** server.close() has begun. */
  readonly serverClosing: boolean;
  refuseUpgrade(status: number, reason: string, headers: Record<string, string>): Written;
  switchProtocols(accepted: AcceptedUpgrade): Written;
}

/** Fields of the 101 that are the handshake's: a caller cannot set them. */
const HANDSHAKE_FIELDS = new Set(['upgrade', 'connection', 'sec-websocket-accept', 'sec-websocket-protocol', 'sec-websocket-extensions', 'sec-websocket-version']);

export function judgeUpgrade(side: UpgradeSide, data: unknown, options: UpgradeOptions<unknown> | undefined): Written {
  if (side.headersSent) throw new ResponseUsageError('WIRE_ERR_RESPONSE_STATE', 'res.upgrade: a response was already started for this request');
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ResponseUsageError('WIRE_ERR_RESPONSE_STATE', `res.upgrade(data, options): options must be an object { protocol, headers, handlers }, got ${describeValue(options)}`);
  }
  const req = side.request;
  if (req === null) throw new ResponseUsageError('WIRE_ERR_RESPONSE_STATE', 'res.upgrade: no request to upgrade');
  const hub = side.hub;
  const handlers = options?.handlers === undefined ? hub.options.handlers : checkHandlers(options.handlers, 'res.upgrade options.handlers');
  const headers = normalizeHeaders(options?.headers, AS_BOTH).pairs.filter(([name]) => !HANDSHAKE_FIELDS.has(name.toLowerCase()));
  const shake = checkHandshake(req, side.hasBody);
  if (isRefusal(shake)) return side.refuseUpgrade(shake.status, shake.reason, shake.headers);
  // close() has sent its 1001s already: a socket opened now would outlive it.
  if (side.serverClosing) return side.refuseUpgrade(503, 'The server is shutting down', {});
  const allowOrigin = hub.options.allowOrigin;
  if (allowOrigin !== undefined && allowOrigin(req.headers.get('origin'), req) !== true) return side.refuseUpgrade(403, 'Origin not allowed', {});
  const protocol = options?.protocol ?? '';
  if (protocol !== '' && !shake.protocols.includes(protocol)) {
    throw new ResponseUsageError(
      'WIRE_ERR_RESPONSE_STATE',
      `res.upgrade: protocol ${JSON.stringify(protocol)} was not offered (the client offered ${shake.protocols.length === 0 ? 'none' : shake.protocols.map((p) => JSON.stringify(p)).join(', ')})`,
    );
  }
  return side.switchProtocols({ key: shake.key, accept: acceptKey(shake.key), protocol, extensionsOffer: shake.extensions, headers, data, handlers });
}

/** The 101 as bytes, for runtimes that write their own heads (net, node-http). */
export function switchingHead(accepted: AcceptedUpgrade, extensions: string | null): string {
  let head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accepted.accept}\r\n`;
  if (accepted.protocol !== '') head += `Sec-WebSocket-Protocol: ${accepted.protocol}\r\n`;
  if (extensions !== null) head += `Sec-WebSocket-Extensions: ${extensions}\r\n`;
  for (const [name, value] of accepted.headers) head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}
