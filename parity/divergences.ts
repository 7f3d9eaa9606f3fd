// Where a runtime cannot behave as the wire rules say, written down once
// with its reason. The test suite leaves a rule out for a runtime listed
// here; the parity harness waives the cases tagged with it and prints the
// reason in PARITY.md. Nothing else may differ.

export interface Divergence {
  /** Runtimes or parity targets that cannot honour the rule. */
  targets: readonly string[];
  reason: string;
}

export const DIVERGENCES = {
  'header-name-case': {
    targets: ['uws'],
    reason: 'uWebSockets.js lowercases header names before wirecore sees them; order and values are kept.',
  },
  'request-trailers': {
    targets: ['uws', 'hono/net', 'hono/uws', 'hono/node-http'],
    reason: 'uWebSockets.js decodes chunked bodies itself and drops trailer fields; a fetch Request has no trailers, so fetch handlers cannot see them.',
  },
  'chunked-request-body': {
    targets: ['uws'],
    reason:
      'uWebSockets.js decodes chunk framing itself and leniently (whitespace or a bare LF after a chunk size pass), where wirecore cannot check it; leniency in chunk framing is how requests are smuggled past a stricter front end. So uws answers a chunked request body with 411 Length Required and closes: bodies need a Content-Length there.',
  },
  'absolute-form': {
    targets: ['uws'],
    reason: 'uWebSockets.js 20.30 neither answers nor closes on an absolute-form request-target (RFC 9112 §3.2.2 requires servers to accept it).',
  },
  'asterisk-form': {
    targets: ['uws', 'hono/net', 'hono/node-http'],
    reason: 'uWebSockets.js 20.30 does not route asterisk-form ("OPTIONS *") requests; a fetch Request URL cannot carry "*", so fetch handlers answer 500.',
  },
  'extension-methods': {
    targets: ['uws'],
    reason:
      'uWebSockets.js 20.30 hands the application only the methods it knows (GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT); on any other registered method (QUERY, PROPFIND, PURGE, MKCOL, REPORT, LOCK, …) it closes the connection without an answer, before wirecore sees the request, so wirecore cannot answer 501 either. This holds for every consumer on uws (wirecore/fetch, wirecore/app, …). A lower-case method is refused on every runtime: 501 on net and node-http, a closed connection on uws.',
  },
  'header-name-underscore': {
    targets: ['uws'],
    reason: 'uWebSockets.js 20.30 neither answers nor closes on a field name containing "_" (such as api_key), although "_" is a token character (RFC 9110 §5.1); the request never reaches the application.',
  },
  'header-count': {
    targets: ['uws'],
    reason: 'uWebSockets.js accepts a fixed number of field lines (about 50) and drops the connection beyond it, well under maxHeaderBytes.',
  },
  'request-line-spaces': {
    targets: ['node-http'],
    reason: "Node's parser accepts more than one space between the method and the target, and node:http exposes no raw request line to check.",
  },
  'request-line-hidden': {
    targets: ['node-http'],
    reason:
      "Node's parser takes RTSP/1.0 and ICE/1.0 request lines as HTTP/1.0, and waits for more after an HTTP/0.9 request line; node:http exposes no raw request line for wirecore to check. net refuses them at once.",
  },
  'te-trailing-ows': {
    targets: ['net', 'node-http', 'uws'],
    reason:
      'llhttp in strict mode (and uWS) refuses whitespace after a Transfer-Encoding value, which RFC 9110 §5.5 says is not part of the value. Refusing is the smuggling-safe side: the message gets 400 and the connection closes.',
  },
  'empty-host': {
    targets: ['uws'],
    reason: 'uWebSockets.js 20.30 refuses an empty Host field, which RFC 9112 §3.2 allows.',
  },
  'chunk-extensions': {
    targets: ['uws'],
    reason: 'uWebSockets.js 20.30 closes the connection on a chunk extension (";name=value" after the chunk size), which RFC 9112 allows.',
  },
  'stream-head-delay': {
    targets: ['uws'],
    reason:
      'uWebSockets.js 20.30 writes the status line and the application\'s fields of a streamed answer at once but holds the end of the head (its Date, Transfer-Encoding and the blank line) until the first non-empty chunk (an empty write sends nothing), so a client of an SSE or long-poll stream sees no complete head, and no 200, until data comes. Writing body bytes to force it out would change the body, so it is not done.',
  },
  'response-trailers': {
    targets: ['uws'],
    reason: 'uWebSockets.js has no API to send trailer fields; endChunked(trailers) drops them.',
  },
  'reject-status': {
    targets: ['uws'],
    reason:
      'uWebSockets.js refuses some malformed heads and chunk framing itself (Content-Length with Transfer-Encoding, a non-numeric Content-Length, a missing Host, a bad chunk size) by closing the connection without a status. The message still never reaches the application.',
  },
  'strict-parsing': {
    targets: ['uws'],
    reason:
      'uWebSockets.js 20.30 neither answers nor closes on request lines and field lines llhttp rejects (bare LF or CR, obs-fold, whitespace before the colon, invalid tokens, NUL, unsupported versions); the connection waits for its idle timeout. Nothing reaches the application.',
  },
  'header-limit': {
    targets: ['uws'],
    reason: 'uWebSockets.js enforces UWS_HTTP_MAX_HEADERS_SIZE by dropping the connection without a 431.',
  },
  'close-then-pipelined': {
    targets: ['uws'],
    reason:
      'uWebSockets.js parses every request of a read before it flushes any answer, and hands requests after a closing answer to the handler. wirecore holds a closing answer back until uWS has finished the read; when a request follows it in the same read, uWS closes the connection, so that request never reaches a handler, but the closing answer is lost with it.',
  },
  'async-pipelining': {
    targets: ['uws'],
    reason: 'uWebSockets.js closes the connection when a pipelined request arrives while an earlier response is still pending.',
  },
  'head-pipelining': {
    targets: ['uws'],
    reason: 'uWebSockets.js closes the connection when a request follows a HEAD answer in the same pipeline.',
  },
  http10: {
    targets: ['uws'],
    reason:
      'uWebSockets.js does not expose the request version and does not answer HTTP/1.0 requests without Host; HTTP/1.0 keep-alive and close-delimited streaming cannot be applied.',
  },
  'expect-continue': {
    targets: ['uws'],
    reason: 'uWebSockets.js gives no control over 100 Continue.',
  },
  timeouts: {
    targets: ['uws'],
    reason: 'uWebSockets.js has one fixed idle timeout (about 10 s) and closes without 408; headersTimeoutMs and keepAliveTimeoutMs do not apply.',
  },
  'abort-detection': {
    targets: ['uws'],
    reason: 'uWebSockets.js notices a vanished peer only when it next writes to it; a handler that waits without writing sees the abort signal late.',
  },
  'close-idle': {
    targets: ['uws'],
    reason: 'uWebSockets.js exposes no idle HTTP connections: close() stops accepting and finishes in-flight answers; idle keep-alive sockets close at its own idle timeout.',
  },
  'ws-close-codes': {
    targets: ['uws'],
    reason:
      "uWebSockets.js 20.30's WebSocket codec drops the connection without a close frame on a protocol error, a message over maxPayloadBytes or invalid UTF-8 (and answers a close code no endpoint may send with an empty close), where RFC 6455 §7.4.1 has it close with 1002, 1009 or 1007, as ws does on net and node-http; the socket's close handler sees 1006. Raw uWS (the reference column) does the same.",
  },
  'ws-early-frames': {
    targets: ['uws'],
    reason:
      'uWebSockets.js discards what arrives in the same read as the upgrade request\'s head, so a frame a client sends before the 101 is lost (RFC 6455 §4.1 has clients wait for the 101); frames sent after it are read.',
  },
} satisfies Record<string, Divergence>;

export type Feature = keyof typeof DIVERGENCES;

/** `runtime` lets a target built on a runtime (hono/uws) inherit that runtime's divergences. */
export function supports(target: string, feature: Feature, runtime = target): boolean {
  const targets = DIVERGENCES[feature].targets as readonly string[];
  return !targets.includes(target) && !targets.includes(runtime);
}
