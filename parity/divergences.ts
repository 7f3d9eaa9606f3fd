// Where a runtime cannot behave as the wire rules say, written down once
// with its reason. The test suite leaves a rule out for a runtime listed
// here; the parity harness waives the cases tagged with it and prints the
// reason in PARITY.md. Nothing else may differ.

/**
 * What a waiver lets a target do instead of what a case expects; the judge
 * still checks everything else, and never waives a refused message that
 * reached the application.
 * - `no-answer`: the message gets no answer (the target closes, or waits);
 *   the answers before it are still checked;
 * - `status N`: the message is answered with status N instead;
 * - `header-name-case`: the application sees field names lower-cased;
 * - `obs-text-values`: a field value with bytes over 0x7e reaches the
 *   application changed (names, order and every other value still checked);
 * - `no-trailers`: the application sees no trailer fields;
 * - `interim-100`: a 100 Continue is sent, or left out, against the rule;
 * - `stays-open`: the connection stays open where it should close;
 * - `ws-close-frame`: a WebSocket ends without the close frame the case
 *   expects (or with another code); every frame before it still checked;
 * - `ws-lost-frames`: frames a WebSocket client sent are never answered;
 *   the frames that do come are still checked.
 */
export type Allowance = 'no-answer' | `status ${number}` | 'header-name-case' | 'obs-text-values' | 'no-trailers' | 'interim-100' | 'stays-open' | 'ws-close-frame' | 'ws-lost-frames';

export const ALLOWANCES = ['no-answer', 'status <code>', 'header-name-case', 'obs-text-values', 'no-trailers', 'interim-100', 'stays-open', 'ws-close-frame', 'ws-lost-frames'] as const;

export function isAllowance(text: string): text is Allowance {
  return /^status [1-5][0-9][0-9]$/.test(text) || (ALLOWANCES as readonly string[]).includes(text);
}

export interface Divergence {
  /** Runtimes or parity targets that cannot honour the rule. */
  targets: readonly string[];
  reason: string;
  /** What the targets do instead, which the judge accepts for the cases tagged with it (none: the rule is the test suite's only). */
  allows: readonly Allowance[];
  /** Cases tagged with the feature that some of its targets (names or runtimes) now handle as the rule says: not waived there, so a regression fails. */
  except?: Readonly<Record<string, readonly string[]>>;
}

export const DIVERGENCES = {
  'header-name-case': {
    targets: ['uws'],
    reason: 'uWebSockets.js lowercases header names before wirecore sees them; order and values are kept.',
    allows: ['header-name-case'],
    except: { 'fields-order': ['hono/uws'], 'fields-ows': ['hono/uws'], 'fields-empty': ['hono/uws'] },
  },
  'obs-text-values': {
    targets: ['uws'],
    reason:
      'uWebSockets.js 20.30 hands field values to JavaScript decoded as UTF-8: a UTF-8 sequence arrives as its characters where net gives its bytes (as latin1), a value ending in a byte that is not UTF-8 arrives cut before it, and one with such a byte inside is refused with 400 (it arrives as U+FFFD, which is no field-value character).',
    allows: ['obs-text-values'],
  },
  'request-trailers': {
    targets: ['uws', 'hono/net', 'hono/uws', 'hono/node-http'],
    reason: 'uWebSockets.js decodes chunked bodies itself and drops trailer fields; a fetch Request has no trailers, so fetch handlers cannot see them.',
    allows: ['no-trailers'],
  },
  'chunked-request-body': {
    targets: ['uws'],
    reason:
      'uWebSockets.js decodes chunk framing itself and leniently (whitespace or a bare LF after a chunk size pass), where wirecore cannot check it; leniency in chunk framing is how requests are smuggled past a stricter front end. So uws answers a chunked request body with 411 Length Required and closes: bodies need a Content-Length there. While a large body is still arriving, the close resets the connection and the client may never read the 411.',
    allows: ['status 411', 'no-answer'],
  },
  'absolute-form': {
    targets: ['uws'],
    reason: 'uWebSockets.js 20.30 neither answers nor closes on an absolute-form request-target (RFC 9112 §3.2.2 requires servers to accept it).',
    allows: ['no-answer'],
  },
  'asterisk-form': {
    targets: ['uws', 'hono/net', 'hono/node-http'],
    reason: 'uWebSockets.js 20.30 does not route asterisk-form ("OPTIONS *") requests; a fetch Request URL cannot carry "*", so fetch handlers answer 500.',
    allows: ['no-answer', 'status 500'],
    except: { 'target-asterisk-get': ['hono/net', 'hono/node-http'] },
  },
  'extension-methods': {
    targets: ['uws'],
    reason:
      'uWebSockets.js 20.30 hands the application only the methods it knows (GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT); on any other registered method (QUERY, PROPFIND, PURGE, MKCOL, REPORT, LOCK, …) it closes the connection without an answer, before wirecore sees the request, so wirecore cannot answer 501 either. This holds for every consumer on uws (wirecore/fetch, wirecore/app, …). A lower-case method is refused on every runtime: 501 on net and node-http, a closed connection on uws.',
    allows: ['no-answer'],
  },
  'header-name-underscore': {
    targets: ['uws'],
    reason: 'uWebSockets.js 20.30 neither answers nor closes on a field name containing "_" (such as api_key), although "_" is a token character (RFC 9110 §5.1); the request never reaches the application.',
    allows: ['no-answer'],
  },
  'header-count': {
    targets: ['uws'],
    reason: 'uWebSockets.js accepts a fixed number of field lines (about 50) and drops the connection beyond it, well under maxHeaderBytes.',
    allows: ['no-answer'],
  },
  'request-line-hidden': {
    targets: ['node-http'],
    reason:
      "Node's parser waits for more after an HTTP/0.9 request line, so the client gets 408 at the headers timeout where net refuses it at once with 505; node:http exposes no raw request line for wirecore to check. (RTSP/1.0 and ICE/1.0 request lines, which it takes as HTTP/1.0, reach the application: a known hole, parity/holes.ts.)",
    allows: ['status 408'],
  },
  'framing-ows': {
    targets: ['node-http'],
    reason:
      "Node's parser (llhttp, strict) refuses a tab around a Content-Length or Transfer-Encoding value and empty list elements after the last Transfer-Encoding coding, which RFC 9110 §5.5 and §5.6.1 allow, and answers 400 before wirecore sees the field. Refusing is the smuggling-safe side: the message gets 400 and the connection closes. net rewrites these bytes before its llhttp reads them; uWS takes them.",
    allows: ['status 400'],
  },
  'chunk-extensions': {
    targets: ['uws'],
    reason: 'uWebSockets.js 20.30 closes the connection on a chunk extension (";name=value" after the chunk size), which RFC 9112 allows.',
    allows: ['no-answer'],
  },
  'stream-head-delay': {
    targets: ['uws'],
    reason:
      'uWebSockets.js 20.30 writes the status line and the application\'s fields of a streamed answer at once but holds the end of the head (its Date, Transfer-Encoding and the blank line) until the first non-empty chunk (an empty write sends nothing), so a client of an SSE or long-poll stream sees no complete head, and no 200, until data comes. Writing body bytes to force it out would change the body, so it is not done.',
    allows: [],
  },
  'response-trailers': {
    targets: ['uws'],
    reason: 'uWebSockets.js has no API to send trailer fields; endChunked(trailers) drops them.',
    allows: [],
  },
  'reject-status': {
    targets: ['uws'],
    reason:
      'uWebSockets.js refuses some malformed heads and chunk framing itself (Content-Length with Transfer-Encoding, a non-numeric Content-Length, a missing Host, a bad chunk size) by closing the connection without a status. The message still never reaches the application.',
    allows: ['no-answer'],
    except: { 'cl-empty': ['uws'], 'te-xchunked': ['uws'], 'te-gzip': ['uws'], 'te-chunkedx': ['uws'], 'te-empty': ['uws'], 'te-two-fields': ['uws'], 'te-quoted': ['uws'] },
  },
  'strict-parsing': {
    targets: ['uws'],
    reason:
      'uWebSockets.js 20.30 gives no answer to request lines and field lines llhttp rejects (bare LF or CR, obs-fold, whitespace before the colon, invalid tokens, NUL, unsupported versions): it closes, or the connection waits for its idle timeout. Nothing reaches the application (checked), except after a field line with an empty name: a known hole, parity/holes.ts.',
    allows: ['no-answer'],
    except: { 'ctl-value-7f': ['uws'] },
  },
  'header-limit': {
    targets: ['uws'],
    reason: 'uWebSockets.js enforces UWS_HTTP_MAX_HEADERS_SIZE by dropping the connection without a 431.',
    allows: ['no-answer'],
    except: { 'limit-431': ['uws'] },
  },
  'close-then-pipelined': {
    targets: ['uws'],
    reason:
      'uWebSockets.js parses every request of a read before it flushes any answer, and hands requests after a closing answer to the handler. wirecore holds a closing answer back until uWS has finished the read; when a request follows it in the same read, uWS closes the connection, so that request never reaches a handler, but the closing answer is lost with it.',
    allows: [],
  },
  'async-pipelining': {
    targets: ['uws'],
    reason: 'uWebSockets.js closes the connection when a pipelined request arrives while an earlier response is still pending.',
    allows: ['no-answer'],
    except: { 'pipe-16': ['uws'], 'pipe-then-bad': ['uws'], 'throw-before': ['uws'] },
  },
  http10: {
    targets: ['uws'],
    reason:
      'uWebSockets.js (20.30) does not answer HTTP/1.0 requests, with or without Host: no handler runs and the connection stays open without an answer (raw uWS alike); HTTP/1.0 keep-alive and close-delimited streaming cannot be applied.',
    allows: ['no-answer'],
  },
  'expect-continue': {
    targets: ['uws'],
    reason: 'uWebSockets.js gives no control over 100 Continue.',
    allows: ['interim-100'],
    except: { 'expect-100': ['uws'] },
  },
  timeouts: {
    targets: ['uws'],
    reason: 'uWebSockets.js has one fixed idle timeout (about 10 s) and closes without 408; headersTimeoutMs and keepAliveTimeoutMs do not apply.',
    allows: ['no-answer', 'stays-open'],
  },
  'abort-detection': {
    targets: ['uws'],
    reason: 'uWebSockets.js notices a vanished peer only when it next writes to it; a handler that waits without writing sees the abort signal late.',
    allows: [],
  },
  'close-idle': {
    targets: ['uws'],
    reason:
      'uWebSockets.js exposes no idle HTTP connections: close() stops accepting and finishes in-flight answers; idle keep-alive sockets close at its own idle timeout. Likewise a HEAD answer given while the server drains says "Connection: close" and the client closes: uWS closes after an ended answer only when the request asked for it.',
    allows: [],
  },
  'empty-close': {
    targets: ['uws'],
    reason:
      'uWebSockets.js closes after an answer this side decided to close (while draining, after a refused body) only when it wrote the length itself, so such a 204 or 304 carries "Content-Length: 0". One the client asked to close after has none.',
    allows: [],
  },
  'ws-close-codes': {
    targets: ['uws'],
    reason:
      "uWebSockets.js 20.30's WebSocket codec drops the connection without a close frame on a protocol error, a message over maxPayloadBytes or invalid UTF-8 (answers a close code no endpoint may send with an empty close, and ignores an unmasked frame, leaving the connection open), where RFC 6455 §7.4.1 has it close with 1002, 1009 or 1007, as ws does on net and node-http; the socket's close handler sees 1006. Raw uWS (the reference column) does the same.",
    allows: ['ws-close-frame', 'stays-open'],
  },
  'ws-early-frames': {
    targets: ['uws'],
    reason:
      'uWebSockets.js discards what arrives in the same read as the upgrade request\'s head, so a frame a client sends before the 101 is lost (RFC 6455 §4.1 has clients wait for the 101); frames sent after it are read.',
    allows: ['ws-lost-frames'],
  },
  'proxy-protocol-v1': {
    targets: ['uws'],
    reason:
      'uWebSockets.js reads PROXY protocol v2 headers itself and knows no v1: a v1 header is taken for a malformed request line, so the connection stays open without an answer until uWS times it out (it never reaches a handler). Use send-proxy-v2 in front of uws.',
    allows: ['no-answer', 'stays-open'],
  },
  'proxy-protocol-strict': {
    targets: ['uws'],
    reason:
      "uWebSockets.js lets a connection without a PROXY header through as plain HTTP (a LOCAL health check looks the same there) and does not report the client's port, so the case for a missing header (proxy-missing) runs only on the targets where wirecore reads the header. wirecore still closes any connection from a peer outside proxyProtocol.from on uws.",
    allows: ['no-answer'],
  },
} satisfies Record<string, Divergence>;

export type Feature = keyof typeof DIVERGENCES;

/** `runtime` lets a target built on a runtime (hono/uws) inherit that runtime's divergences. */
export function supports(target: string, feature: Feature, runtime = target): boolean {
  const targets = DIVERGENCES[feature].targets as readonly string[];
  return !targets.includes(target) && !targets.includes(runtime);
}
