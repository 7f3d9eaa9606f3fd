// The contract between the wire layer and its consumers (see DESIGN.md).
import type { SendOptions, UpgradeOptions, WebSocketData, WebSocketOptions } from './websocket/types.js';

declare const writtenBrand: unique symbol;

export type Outcome = 'complete' | 'aborted' | 'error';

/**
 * Proof that a response was produced, made only by the ResponseWriter.
 * Its figures are final when `options.onResponse` receives it.
 */
export interface Written {
  readonly [writtenBrand]: true;
  readonly status: number;
  /** Bytes of the status line and header fields. */
  readonly headerBytes: number;
  /** Bytes of the body as sent, without chunk framing. */
  readonly bodyBytes: number;
  /** Milliseconds from the request head's arrival to the first response byte handed to the socket. */
  readonly timeToFirstByteMs: number;
  /** Milliseconds from the request head's arrival to the last response byte handed to the socket. */
  readonly timeToLastByteMs: number;
  readonly outcome: Outcome;
}

export type HeaderValue = string | number | readonly string[];
/** Response headers: an object, or name/value pairs kept in the given order. */
export type ResponseHeaders =
  | Readonly<Record<string, HeaderValue | undefined>>
  | ReadonlyArray<readonly [string, string]>;

export type ResponseBody = string | Uint8Array | null | undefined;

export interface SendInit {
  status?: number;
  headers?: ResponseHeaders;
  body?: ResponseBody;
}

export interface StaticOptions {
  /** Derive a strong ETag from the body (when init.headers has none), so conditional GETs get a 304. */
  etag?: boolean;
}

/** A response serialized once at start-up; see createStatic(). */
export interface StaticResponse {
  readonly status: number;
  /** The whole response, `Date` patched once a second. */
  readonly bytes: Buffer;
  /** Length of the head (status line + headers + CRLF), for HEAD requests. */
  readonly headLength: number;
  readonly bodyLength: number;
}

/** How a streamed body is framed. */
export interface StreamOptions {
  /**
   * The body's exact length, when it is known ahead (a file, a Range answer):
   * it goes out with Content-Length instead of chunked framing. Writing more,
   * or ending with fewer bytes, throws and drops the connection.
   */
  length?: number;
}

export interface ResponseWriter {
  /** One whole response with Content-Length. */
  send(init: SendInit): Written;
  /**
   * Starts a streamed response: chunked on HTTP/1.1, close-delimited on
   * HTTP/1.0, or with Content-Length when `options.length` is given.
   */
  startChunked(status: number, headers?: ResponseHeaders, options?: StreamOptions): void;
  /**
   * Writes one chunk. Returns true when more may be written now, or a promise
   * that settles when the connection has drained (or the peer has gone).
   */
  writeChunk(data: string | Uint8Array): true | Promise<void>;
  endChunked(trailers?: ResponseHeaders): Written;
  sendStatic(response: StaticResponse): Written;
  /**
   * Switches this request to a WebSocket: the handshake is judged (RFC 6455
   * §4.2, the same on every runtime); a request that fails it gets its
   * 4xx (400, 403, 405, 426) and the connection closes; one that passes gets
   * "101 Switching Protocols" and its socket, with `data` attached, is served
   * by the websocket handlers. Either way the answer's Written is returned:
   * its status says which (101 or the refusal's).
   */
  upgrade<D>(data: D, options?: UpgradeOptions<D>): Written;
  /**
   * Ends this answer as failed. If its head went out, what was written is
   * flushed and the connection then closes without the end of the body, so
   * no client takes it for a whole answer; if nothing was written yet, the
   * connection closes without an answer. onResponse sees outcome 'error'.
   */
  abort(): void;
  /** True once the status line has been produced. */
  readonly headersSent: boolean;
  /** True once the peer has gone: every write is then a no-op. */
  readonly aborted: boolean;
}

export interface WireHeaders extends Iterable<[string, string]> {
  /** Case-insensitive; repeated fields are joined with ", " (Set-Cookie is never joined by callers: use getAll). */
  get(name: string): string | undefined;
  getAll(name: string): string[];
  has(name: string): boolean;
  /** Names and values as received, in wire order: [name0, value0, name1, value1, …]. */
  readonly raw: readonly string[];
}

/** A limit for one read of a whole body, instead of the server's maxBodyBytes (e.g. a route that takes uploads). */
export interface BodyLimit {
  maxBytes?: number;
}

export interface RequestBody extends AsyncIterable<Uint8Array> {
  /** Whole body, bounded by maxBodyBytes or `limit.maxBytes` (413 beyond). */
  bytes(limit?: BodyLimit): Promise<Uint8Array>;
  text(limit?: BodyLimit): Promise<string>;
  json<T = unknown>(limit?: BodyLimit): Promise<T>;
  /** Trailer fields of a chunked body, once it has been read to the end. */
  readonly trailers: WireHeaders | null;
  /** Length from Content-Length, or -1 for chunked, 0 for no body. */
  readonly length: number;
}

/** One request as the handler sees it; it has already passed every RFC 9110/9112 check and limit. */
export interface WireRequest {
  /** As received: methods are case-sensitive tokens ("GET", "PURGE"). */
  readonly method: string;
  /** The request-target exactly as received (origin-form "/a?b", absolute-form or "*"). */
  readonly target: string;
  /** The target's path, without the query (made on first use). */
  readonly path: string;
  /** The query without "?", or "". */
  readonly query: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: WireHeaders;
  readonly remoteAddress: string;
  /** 0 where the runtime cannot tell (uws). */
  readonly remotePort: number;
  /** The request came over TLS (the server was started with `tls`; on fetch platforms, an https URL). */
  readonly secure: boolean;
  /**
   * The client as trusted forwarding says (options.trustProxy): the address,
   * scheme and host from `Forwarded` or `X-Forwarded-For/-Proto/-Host` when
   * the peer is trusted, else the connection's own. Made on first use.
   */
  readonly client: ClientInfo;
  /** The load balancer that sent a PROXY protocol header on this connection (its own address), or null. */
  readonly proxy: ProxyPeer | null;
  /** Whether the client asked to keep the connection (HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"). */
  readonly keepAlive: boolean;
  /** Fires when the peer goes away before the response is finished. */
  readonly signal: AbortSignal;
  readonly body: RequestBody;
  /**
   * The route template that matched ("/users/:id"), set by the consumer that
   * routed the request (wirecore/app, wirecore/ssr, wirecore/ffi; a fetch app
   * through wirecore/fetch's setRoute). Traces name their span and set
   * http.route from it; the access log and onResponse hooks can read it.
   * Undefined when no route matched. Never a raw path: a template keeps the
   * set of names small.
   */
  route: string | undefined;
}

/** Who the client is, after trusted forwarding (see WireRequest.client). */
export interface ClientInfo {
  /** The client's address ("::ffff:" dropped from v4-mapped ones); whatever a trusted Forwarded names, "unknown" included. */
  readonly address: string;
  readonly protocol: 'http' | 'https';
  /** From a trusted X-Forwarded-Host or Forwarded host=, else the Host header. */
  readonly host: string | undefined;
}

/** The peer that sent a PROXY protocol header: the balancer, not the client. */
export interface ProxyPeer {
  readonly address: string;
  readonly port: number;
}

/**
 * Answers one request: it must end in the `Written` that only the writer
 * makes (`send`, `sendStatic`, `endChunked`). A dispatch that settles without
 * answering gets a 500 and a log line; one that throws before the head gets
 * a 500 (or a WireError's status); after the head, the connection drops.
 */
export type DispatchFn<C> = (ctx: C, req: WireRequest, res: ResponseWriter) => Written | Promise<Written>;

/** The accept loops behind serveGeneric (see the README for what each cannot do). */
export type RuntimeName = 'net' | 'uws' | 'node-http';

/** PEM material, checked at start-up (each field named in the error). */
export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  ca?: string | Buffer;
  passphrase?: string;
}

/** Where wirecore reports what went wrong (pino and console fit). A logger that throws is caught. */
export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
}

/** A tracer provider as @opentelemetry/api defines it (typed here so wirecore's types do not need the package). */
export interface OtelTracerProvider {
  getTracer(name: string, version?: string): unknown;
}

/** A meter provider as @opentelemetry/api defines it. */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): unknown;
}

/** Where spans and the duration histogram go; each defaults to the global provider @opentelemetry/api holds. */
export interface TracingOptions {
  tracerProvider?: OtelTracerProvider;
  meterProvider?: OtelMeterProvider;
}

/** A pino-shaped logger: `info(fields, message)`. pino itself fits. */
export interface AccessLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export interface AccessLogOptions {
  /** Where the lines go. Default: one JSON line per answer on stdout, in pino's format (level 30). */
  logger?: AccessLogger;
}

/** Every option is checked at start-up; an unknown key or a wrong type is an OptionError naming it. */
export interface ServeOptions<C> {
  /** Default 'net'. */
  runtime?: RuntimeName;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Serve HTTPS (node:tls, node:https, or uWS's SSLApp). */
  tls?: TlsOptions;
  /** Header block limit (431 beyond). Default 16 KiB. */
  maxHeaderBytes?: number;
  /** Request-target limit (414 beyond). Default 8 KiB. */
  maxTargetBytes?: number;
  /** Limit of bytes()/text()/json() (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number;
  /** From the first byte of a request to the end of its head (408). Default 10 s. */
  headersTimeoutMs?: number;
  /** From the end of the head to the end of the body (408). Default 30 s. */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections close after this. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /**
   * From the start of a dispatch to the end of its response: past it, a
   * request with no answer yet gets 503, and one whose head went out has its
   * connection dropped; both are logged and the request's signal aborts.
   * Default 0: off, because streams (SSE, long downloads) legitimately run
   * long; set it for APIs whose answers should be quick.
   */
  responseTimeoutMs?: number;
  /** Requests parsed ahead of their answers on one connection before reading pauses. Default 32. */
  maxPipelinedRequests?: number;
  /** Asked before a request object is built; a hit is written as it is. */
  /**
   * Asked before a request object is built: a StaticResponse it returns is
   * written as it is (304 when its validator matches). A throw is logged and
   * counts as a miss.
   */
  tryStatic?: (ctx: C, method: string, path: string, headers: WireHeaders) => StaticResponse | undefined;
  /** Every answer's figures; `req` is undefined for messages refused before a request was built. A throw is logged. */
  onResponse?: (written: Written, req: WireRequest | undefined) => void;
  /** Called once when server.close() begins (in every worker copy too): from then on the server drains. For readiness probes. */
  onClosing?: () => void;
  logger?: Logger;
  /**
   * Run this many copies of the server on one port ('auto': one per core):
   * node:cluster processes for net and node-http, processes too for uws (see workers.ts).
   * Functions cannot cross into them, so each copy imports `workerModule`,
   * which must export `ctx` and `dispatch` (and may export `options`, whose
   * functions such as tryStatic and onResponse then run in the copies).
   */
  workers?: number | 'auto';
  /** Path or file: URL of the module every worker imports; required with `workers`. */
  workerModule?: string | URL;
  /** WebSocket handlers and limits, for the sockets res.upgrade() opens (see WebSocketOptions). */
  websocket?: WebSocketOptions<any>;
  /**
   * OpenTelemetry: one SERVER span per request (HTTP semantic conventions,
   * the W3C traceparent joined through the registered propagator, the span
   * active while the dispatch runs) and the http.server.request.duration
   * histogram. `true` uses the global providers; an object names its own.
   * Needs the optional peer @opentelemetry/api (a start-up error otherwise).
   * With workers only `true` crosses into the copies; providers are set in
   * the worker module's own options. Default off.
   */
  tracing?: boolean | TracingOptions;
  /** One structured line per answer (pino-compatible JSON), from onResponse's figures. Default off. */
  accessLog?: boolean | AccessLogOptions;
  /**
   * Read a PROXY protocol header (v1 or v2) at the start of every connection
   * from these peers (addresses, CIDR ranges, or the presets "loopback",
   * "linklocal", "uniquelocal", "private"): `req.remoteAddress` is then the
   * client's and `req.proxy` the balancer's. A connection from any other
   * peer, or with a malformed, truncated or late header, is closed and
   * logged. With TLS the header comes before the handshake.
   */
  proxyProtocol?: ProxyProtocolOptions;
  /**
   * Whose forwarding headers to believe for `req.client`: true (everyone), a
   * hop count, a list of addresses/CIDR ranges/presets, or a function
   * (address, hop) => boolean. Default: nobody.
   */
  trustProxy?: boolean | number | readonly string[] | ((address: string, hop: number) => boolean);
  /**
   * SIGTERM and SIGINT start close({ graceMs }) and exit 0 once drained (a
   * second signal exits at once); SIGHUP reloads `workers` copy by copy.
   * Default false at this door (a library call must not take over the
   * process's signals); the consumers' listen() turn it on.
   */
  signals?: boolean | { graceMs?: number };
}

export interface ProxyProtocolOptions {
  from: readonly string[];
  /** From accept to the end of the header. Default: headersTimeoutMs. */
  timeoutMs?: number;
}

/** Open sockets and requests being answered (with workers: the copies' sum, up to a second old). */
export interface ServerStats {
  connections: number;
  inFlight: number;
  /** Open WebSockets (counted among connections too). */
  webSockets: number;
}

/** A listening server, as serveGeneric resolves it. */
export interface Server {
  readonly runtime: RuntimeName;
  readonly address: string;
  readonly port: number;
  /** "http://127.0.0.1:PORT" (https with TLS). */
  readonly url: string;
  readonly stats: ServerStats;
  /** True from the moment close() is called (readiness probes turn false then). */
  readonly closing: boolean;
  /**
   * Stops accepting, closes idle connections, lets in-flight requests
   * finish, sends close 1001 to every WebSocket and waits for them; what is
   * still open after graceMs (default 5 s) is dropped.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /** Sends to every WebSocket subscribed to `topic`: on this server, its workers, and through websocket.pubsub, every server. */
  publish(topic: string, data: WebSocketData, options?: SendOptions): void;
  /**
   * With `workers`: replaces the copies one at a time, each new one listening
   * before the old one drains, so no connection is refused. Rejects without workers.
   */
  reload(): Promise<void>;
}
