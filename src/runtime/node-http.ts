// The `node-http` runtime: Node's own server (and its llhttp) accepts and
// parses; wirecore maps IncomingMessage/ServerResponse onto the contract
// with the same framing rules, limits and error answers.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { WireError } from '../errors.js';
import { checkHead, rejectMethod, type Rejection } from '../parser/validate.js';
import type { TlsOptions, Written } from '../types.js';
import { currentDate } from '../writer/clock.js';
import type { NormalizedHeaders } from '../writer/headers.js';
import { reasonPhrase } from '../writer/head.js';
import { BodyStream, EMPTY_BODY } from './body.js';
import type { ServerCore } from './core.js';
import { errorBody, runDispatch } from './dispatch.js';
import { FramedExchange } from './framed-exchange.js';
import { listenOn, type Listening } from './listening.js';
import { WireRequestImpl } from './request.js';

function headerList(headers: NormalizedHeaders, extra: string[]): string[] {
  const list: string[] = [];
  for (const [name, value] of headers.pairs) list.push(name, value);
  if (!headers.hasDate) list.push('Date', currentDate());
  list.push(...extra);
  return list;
}

/** The exchanges in flight on each socket: one 'end' listener per socket, however deep the pipeline. */
const inFlight = new WeakMap<net.Socket, Set<{ onGone(): void }>>();

function watchEnd(socket: net.Socket, exchange: { onGone(): void }): void {
  let set = inFlight.get(socket);
  if (set === undefined) {
    const created = new Set<{ onGone(): void }>();
    inFlight.set(socket, (set = created));
    socket.on('end', () => [...created].forEach((ex) => ex.onGone()));
  }
  set.add(exchange);
}

function unwatchEnd(socket: net.Socket, exchange: { onGone(): void }): void {
  inFlight.get(socket)?.delete(exchange);
}

/** The exchange behind a ServerResponse, for Node's client errors (a property: a WeakMap of short-lived keys costs GC time). */
const exchangeKey = Symbol('wirecore.exchange');
type Answering = http.ServerResponse & { [exchangeKey]?: NodeHttpExchange };

class NodeHttpExchange extends FramedExchange {
  expectContinue = false;
  private continueSent = false;

  constructor(
    core: ServerCore<unknown>,
    private readonly incoming: http.IncomingMessage,
    private readonly res: http.ServerResponse,
  ) {
    super(core, incoming.method ?? 'GET', incoming.rawHeaders);
    res.sendDate = false;
    (res as Answering)[exchangeKey] = this;
    // The peer leaving shows as the response closing early, or (half-close) as the socket ending.
    res.on('close', this.onGone);
    watchEnd(incoming.socket, this);
  }

  readonly onGone = (): void => {
    if (!this.done || !this.res.writableFinished) this.peerGone();
  };

  protected mustClose(asked: boolean, status: number): boolean {
    // A client that waited for a 100 Continue it never got may or may not send its body.
    const unreadBody = this.expectContinue && !this.continueSent && !(this.body?.complete ?? true);
    if (asked || status < 200 || this.core.closing || unreadBody) this.res.shouldKeepAlive = false;
    return !this.res.shouldKeepAlive;
  }

  protected closeAfterAnswer(): void {
    this.res.shouldKeepAlive = false;
  }

  protected writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean): void {
    // A string body stays a string: Node then sends head and body in one write, not a writev.
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    this.res.writeHead(status, reasonPhrase(status), headerList(headers, noBody ? [] : ['Content-Length', String(length)]));
    this.res.end(noBody || this.isHead ? undefined : body);
  }

  protected writeStreamHead(status: number, headers: NormalizedHeaders, _close: boolean, length: number): void {
    // Node frames it: by the declared length, else chunked on HTTP/1.1 and close-delimited on HTTP/1.0.
    this.res.writeHead(status, reasonPhrase(status), headerList(headers, length >= 0 ? ['Content-Length', String(length)] : []));
    this.res.flushHeaders();
    this.record.firstByte();
  }

  protected writeStreamChunk(data: string | Uint8Array): true | Promise<void> {
    if (this.res.write(data)) return true;
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  protected writeStreamEnd(trailers: NormalizedHeaders | null): void {
    if (trailers !== null && this.incoming.httpVersionMinor === 1) this.res.addTrailers(trailers.pairs);
    this.res.end();
  }

  protected override finish(): Written {
    unwatchEnd(this.incoming.socket, this);
    const head = (this.res as unknown as { _header?: string | null })._header;
    if (typeof head === 'string') this.record.headerBytes = head.length;
    return super.finish();
  }

  protected closeConnection(): void {
    this.res.destroy();
  }

  shutdown(): void {
    if (!this.res.headersSent) {
      this.res.shouldKeepAlive = false;
      return;
    }
    // The head already promised keep-alive: once the answer is out the connection is idle, so close it then.
    const server = (this.incoming.socket as net.Socket & { server?: http.Server }).server;
    this.res.once('finish', () => setImmediate(() => server?.closeIdleConnections()));
  }

  override bodyRequested(): void {
    if (this.expectContinue && !this.continueSent && !this.headersSent && !this.gone) {
      this.continueSent = true;
      this.res.writeContinue();
    }
  }

  pauseReading(): void {
    this.incoming.pause();
  }

  resumeReading(): void {
    this.incoming.resume();
  }
}

function rejectionAnswer(status: number, reason: string): string {
  const body = errorBody(status, reason);
  return (
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\ncontent-type: text/plain; charset=utf-8\r\nDate: ${currentDate()}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

function handle(core: ServerCore<unknown>, req: http.IncomingMessage, res: http.ServerResponse, expectContinue: boolean): void {
  const ex = new NodeHttpExchange(core, req, res);
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const options = core.options;
  const reject = (r: Rejection) => ex.sendError(r.status, r.reason, true);
  if (target.length > options.maxTargetBytes) return reject({ status: 414, reason: 'URI too long' });
  const head = checkHead(method, target, req.httpVersionMajor, req.httpVersionMinor, req.rawHeaders, req.headers.connection !== 'close');
  if ('status' in head) return reject(head);

  const hit = core.askStatic(method, target, req.rawHeaders);
  if (hit !== undefined) {
    req.resume();
    ex.sendStatic(hit);
    return;
  }

  let body = EMPTY_BODY;
  if (head.bodyKind !== 0) {
    const stream = (ex.body = new BodyStream(ex, head.contentLength, options.maxBodyBytes));
    ex.expectContinue = expectContinue;
    body = stream;
    req.on('data', (chunk: Buffer) => stream.push(chunk));
    req.on('end', () => stream.end(req.rawTrailers.length > 0 ? req.rawTrailers : null));
  }
  const socket = req.socket;
  const peer = { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 };
  ex.request = new WireRequestImpl(method, target, req.httpVersionMinor === 0 ? '1.0' : '1.1', req.rawHeaders, head.keepAlive, body, peer);
  runDispatch(core, ex);
}

/** Node's parser errors, answered like the net runtime answers llhttp's. */
function clientErrorStatus(error: NodeJS.ErrnoException): [number, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request header fields too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'Request timeout'];
    case 'HPE_INVALID_METHOD': {
      const raw = (error as { rawPacket?: Buffer }).rawPacket;
      const r = raw ? rejectMethod(raw, 0) : { status: 400, reason: 'Invalid method' };
      return [r.status, r.reason];
    }
    case 'HPE_PAUSED_H2_UPGRADE':
      return [505, 'HTTP/2 is not supported on this connection'];
    default: {
      const reason = (error as { reason?: string }).reason;
      if (error.code === 'HPE_INVALID_VERSION' && reason === 'Invalid HTTP version') return [505, 'HTTP version not supported'];
      return [400, reason ?? 'Bad request'];
    }
  }
}

export function listenNodeHttp(core: ServerCore<unknown>, host: string, port: number, tls: TlsOptions | undefined): Promise<Listening> {
  const o = core.options;
  const serverOptions: http.ServerOptions = {
    maxHeaderSize: o.maxHeaderBytes,
    requestTimeout: o.requestTimeoutMs + o.headersTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    insecureHTTPParser: false,
    requireHostHeader: false,
    noDelay: true,
    // Node checks header and request deadlines on this period (30 s by default).
    connectionsCheckingInterval: Math.floor(Math.max(10, Math.min(1000, o.headersTimeoutMs / 4))),
  };
  const server: http.Server = tls ? https.createServer({ ...serverOptions, ...tls }) : http.createServer(serverOptions);
  server.headersTimeout = o.headersTimeoutMs;
  server.on('request', (req, res) => handle(core, req, res, false));
  server.on('checkContinue', (req, res) => handle(core, req, res, true));
  server.on('checkExpectation', (_req, res: http.ServerResponse) => {
    res.shouldKeepAlive = false;
    res.writeHead(417, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(errorBody(417, 'Unsupported expectation'));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: net.Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] = clientErrorStatus(error);
    const pending = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage ?? undefined;
    const ex = (pending as Answering | undefined)?.[exchangeKey];
    if (ex !== undefined && ex.body !== null && !ex.body.complete) {
      // The bad bytes are this request's body: its handler answers (or the connection drops).
      ex.body.fail(new WireError(status, reason, true));
      return;
    }
    const answer = () => (socket.writable ? socket.end(rejectionAnswer(status, reason)) : socket.destroy());
    // Answers already in progress go out first, in order.
    if (pending !== undefined && !pending.writableFinished) pending.once('finish', answer);
    else answer();
  });
  // Idle keep-alive connections go at once; busy ones after their answer (Connection: close).
  return listenOn(server, host, port, () => server.closeIdleConnections());
}
