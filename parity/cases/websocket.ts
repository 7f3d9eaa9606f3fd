// WebSocket: the handshake's rules (RFC 6455 §4.2) and the codec's answers
// to every kind of frame (§5), the same bytes to every target whose {P}/ws
// upgrades to an echo (maxPayloadBytes 64 KiB).
import type { Case, ExpectedFrame } from '../case.js';
import { get } from '../case.js';

const H = 'websocket: handshake';
const F = 'websocket: frames';
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

const TEXT = 1;
const BINARY = 2;
const CLOSE = 8;
const PING = 9;
const PONG = 10;

/** The upgrade request; `fields` replace or add lines ('' leaves one out). */
function upgrade(fields: Record<string, string> = {}, method = 'GET', version = '1.1'): string {
  const all: Record<string, string> = { Host: 'parity', Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': KEY, 'Sec-WebSocket-Version': '13', ...fields };
  let head = `${method} {P}/ws HTTP/${version}\r\n`;
  for (const [name, value] of Object.entries(all)) if (value !== '') head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}

/** A client frame as latin1 text: masked unless told otherwise. */
function frame(opcode: number, payload: string | Buffer = '', options: { fin?: boolean; mask?: boolean; rsv?: number; length?: number } = {}): string {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const mask = options.mask ?? true;
  const bytes: number[] = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode];
  const length = options.length ?? data.length;
  const m = mask ? 0x80 : 0;
  if (length < 126) bytes.push(m | length);
  else if (length < 65536) bytes.push(m | 126, length >> 8, length & 0xff);
  else bytes.push(m | 127, 0, 0, 0, 0, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
  const key = [0x37, 0xfa, 0x21, 0x3d];
  if (mask) bytes.push(...key);
  const body = mask ? data.map((b, i) => b ^ key[i % 4]!) : data;
  return Buffer.concat([Buffer.from(bytes), body]).toString('latin1');
}

const closeFrame = (code = 1000) => frame(CLOSE, Buffer.from([code >> 8, code & 0xff]));
const text = (payload: string): ExpectedFrame => ({ opcode: TEXT, payload });
const closed = (code: number): ExpectedFrame => ({ opcode: CLOSE, code });
/** Waits for the 101 before sending frames, as a client must (RFC 6455 §4.1). */
const after101 = { waitFor: '\r\n\r\n' };

function ok(id: string, title: string, frames: string[], expected: ExpectedFrame[], extra: Partial<Case> = {}): Case {
  return { id, category: F, title, webSocket: true, send: [upgrade(), after101, frames.join('')], expect: { kind: 'upgrade', headers: { 'sec-websocket-accept': ACCEPT }, frames: expected }, ...extra };
}

/** A frame the codec must refuse: it closes with `code` (uWS drops the connection instead). */
function refused(id: string, title: string, bytes: string, code: number): Case {
  return { id, category: F, title, webSocket: true, send: [upgrade(), after101, bytes], expect: { kind: 'upgrade', frames: [closed(code)] }, features: ['ws-close-codes'] };
}

function refusal(id: string, title: string, request: string, status: number, headers: Record<string, string | null> = {}, features: Case['features'] = []): Case {
  return { id, category: H, title, webSocket: true, requestCloses: true, send: [request], expect: { kind: 'accept', responses: [{ status, headers: { 'sec-websocket-accept': null, ...headers } }], closed: true }, features };
}

export const webSocketCases: Case[] = [
  ok('ws-text', 'a masked text message is echoed; a close is answered with its code', [frame(TEXT, 'hello'), closeFrame()], [text('hello'), closed(1000)]),
  ok('ws-binary', 'a binary message is echoed', [frame(BINARY, Buffer.from([0, 1, 254, 255])), closeFrame()], [{ opcode: BINARY, payload: '\x00\x01\xfe\xff' }, closed(1000)]),
  ok('ws-16bit-length', 'a message with a 16-bit length', [frame(TEXT, 'x'.repeat(300)), closeFrame()], [text('x'.repeat(300)), closed(1000)]),
  ok('ws-fragmented', 'a fragmented message arrives whole', [frame(TEXT, 'frag', { fin: false }), frame(0, 'men', { fin: false }), frame(0, 'ted'), closeFrame()], [text('fragmented'), closed(1000)]),
  ok('ws-ping', 'a ping is answered with a pong carrying its data', [frame(PING, 'are you there'), closeFrame()], [{ opcode: PONG, payload: 'are you there' }, closed(1000)]),
  ok('ws-control-in-fragment', 'a ping between the fragments of a message is answered at once', [frame(TEXT, 'a', { fin: false }), frame(PING, 'p'), frame(0, 'b'), closeFrame()], [{ opcode: PONG, payload: 'p' }, text('ab'), closed(1000)]),
  ok('ws-close-code', 'a close with an application code is answered with it', [closeFrame(4000)], [closed(4000)]),
  ok('ws-tokens', 'Upgrade and Connection as token lists in any case', [frame(TEXT, 'ok'), closeFrame()], [text('ok'), closed(1000)], {
    category: H,
    send: [upgrade({ Upgrade: 'foo/1, WebSocket', Connection: 'keep-alive, UPGRADE' }), after101, frame(TEXT, 'ok') + closeFrame()],
  }),
  ok('ws-protocol', 'the echo answers with the first subprotocol offered', [closeFrame()], [closed(1000)], {
    category: H,
    send: [upgrade({ 'Sec-WebSocket-Protocol': 'chat.v1, chat.v2' }), after101, closeFrame()],
    expect: { kind: 'upgrade', headers: { 'sec-websocket-protocol': 'chat.v1' }, frames: [closed(1000)] },
  }),
  ok('ws-no-deflate', 'permessage-deflate is not negotiated unless enabled', [closeFrame()], [closed(1000)], {
    category: H,
    send: [upgrade({ 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' }), after101, closeFrame()],
    expect: { kind: 'upgrade', headers: { 'sec-websocket-extensions': null }, frames: [closed(1000)] },
  }),
  ok('ws-pipelined', 'an upgrade behind a pipelined request is answered after it', [frame(TEXT, 'after'), closeFrame()], [text('after'), closed(1000)], {
    category: H,
    send: [get() + upgrade(), { waitFor: '101 Switching Protocols' }, { waitFor: '\r\n\r\n' }, frame(TEXT, 'after') + closeFrame()],
    expect: { kind: 'upgrade', before: [{ status: 200 }], frames: [text('after'), closed(1000)] },
  }),
  {
    id: 'ws-early-frame',
    category: H,
    title: 'a frame sent with the head goes to the codec, not the HTTP parser',
    webSocket: true,
    send: [upgrade() + frame(TEXT, 'early'), after101, closeFrame()],
    expect: { kind: 'upgrade', frames: [text('early'), closed(1000)] },
    features: ['ws-early-frames'],
  },

  refused('ws-unmasked', 'an unmasked client frame is a protocol error (1002)', frame(TEXT, 'bare', { mask: false }), 1002),
  refused('ws-reserved-bit', 'a reserved bit without an extension that defines it (1002)', frame(TEXT, 'rsv', { rsv: 4 }), 1002),
  refused('ws-reserved-opcode', 'a reserved opcode (1002)', frame(3, 'op'), 1002),
  refused('ws-fragmented-ping', 'a fragmented control frame (1002)', frame(PING, 'p', { fin: false }), 1002),
  refused('ws-long-ping', 'a control frame over 125 bytes (1002)', frame(PING, 'p'.repeat(126)), 1002),
  refused('ws-orphan-continuation', 'a continuation with no message to continue (1002)', frame(0, 'lost'), 1002),
  refused('ws-new-message-mid-fragment', 'a new message before the fragmented one ended (1002)', frame(TEXT, 'a', { fin: false }) + frame(TEXT, 'b'), 1002),
  refused('ws-oversized', 'a message over maxPayloadBytes (1009)', frame(BINARY, Buffer.alloc(65 * 1024)), 1009),
  refused('ws-oversized-fragments', 'fragments adding up to more than maxPayloadBytes (1009)', frame(BINARY, Buffer.alloc(40 * 1024), { fin: false }) + frame(0, Buffer.alloc(40 * 1024)), 1009),
  refused('ws-bad-utf8', 'invalid UTF-8 in a text message (1007)', frame(TEXT, Buffer.from([0x68, 0xc3, 0x28])), 1007),
  refused('ws-bad-close-code', 'a close code no endpoint may send (1002)', frame(CLOSE, Buffer.from([0x03, 0xed])), 1002),

  refusal('ws-post', 'an upgrade that is not GET: 405', upgrade({}, 'POST'), 405, { allow: 'GET' }),
  refusal('ws-http10', 'an upgrade on HTTP/1.0: 400', upgrade({}, 'GET', '1.0'), 400, {}, ['http10']),
  refusal('ws-no-websocket', 'an Upgrade without the websocket token: 426', upgrade({ Upgrade: 'h2c' }), 426, { upgrade: 'websocket' }),
  {
    ...refusal('ws-no-connection-upgrade', 'Upgrade: websocket without Connection: upgrade: 400', upgrade({ Connection: 'keep-alive' }), 400),
    // Without "upgrade" in Connection the request is plain HTTP (RFC 9110 §7.8): the parser reads on, and a request
    // pipelined behind it is dispatched when the application refuses only after an await (Hono's helper does).
    notAppended: 'plain HTTP: a pipelined request behind an application-decided refusal is the client\'s next request',
  },
  refusal('ws-no-key', 'no Sec-WebSocket-Key: 400', upgrade({ 'Sec-WebSocket-Key': '' }), 400),
  refusal('ws-short-key', 'a Sec-WebSocket-Key that is not 16 bytes: 400', upgrade({ 'Sec-WebSocket-Key': 'c2hvcnQ=' }), 400),
  refusal('ws-bad-key', 'a 24-character Sec-WebSocket-Key that is not base64: 400', upgrade({ 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' }), 400),
  refusal('ws-version-8', 'Sec-WebSocket-Version 8: 426 with Sec-WebSocket-Version: 13', upgrade({ 'Sec-WebSocket-Version': '8' }), 426, { 'sec-websocket-version': '13' }),
  refusal('ws-no-version', 'no Sec-WebSocket-Version: 426', upgrade({ 'Sec-WebSocket-Version': '' }), 426, { 'sec-websocket-version': '13' }),
  refusal('ws-body', 'an upgrade request with a body: 400', upgrade({ 'Content-Length': '4' }) + 'body', 400),
];
