// The `node-http` runtime: Node's own server (and its llhttp) accepts and
// parses; wirecore maps IncomingMessage/ServerResponse onto the contract
// with the same framing rules, limits and error answers.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { PeerGoneError, WireError } from '../errors.js';
import { checkHead, rejectMethod, type Rejection } from '../parser/validate.js';
import type { ResponseHeaders, ResponseWriter, SendInit, StaticResponse, TlsOptions, Written } from '../types.js';
import { currentDate } from '../writer/clock.js';
import { NO_HEADERS, normalizeHeaders, type NormalizedHeaders } from '../writer/headers.js';
import { checkStatus, reasonPhrase, statusHasNoBody } from '../writer/head.js';
import { StaticResponseImpl } from '../writer/static.js';
import { WrittenRecord } from '../writer/written.js';
import { BodyStream, EMPTY_BODY, type BodyOwner } from './body.js';
import type { OpenConnection, ServerCore } from './core.js';
import { errorBody, runDispatch, type DispatchSite } from './dispatch.js';
import type { Listening } from './listening.js';
import { WireRequestImpl, pathOf } from './request.js';

const IDLE = 0;
const STREAMING = 1;
const DONE = 2;

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

/** The exchange behind each ServerResponse, for Node's client errors. */
const exchanges = new WeakMap<http.ServerResponse, NodeHttpExchange>();

class NodeHttpExchange implements ResponseWriter, DispatchSite, BodyOwner, OpenConnection {
  request: WireRequestImpl | null = null;
  body: BodyStream | null = null;
  readonly record: WrittenRecord;
  private state = IDLE;
  private noBody = false;
  gone = false;
  deadline = 0;
  expectContinue = false;
  private continueSent = false;

  constructor(
    private readonly core: ServerCore<unknown>,
    private readonly incoming: http.IncomingMessage,
    private readonly res: http.ServerResponse,
  ) {
    this.record = new WrittenRecord(core.options.onResponse !== undefined);
    res.sendDate = false;
    exchanges.set(res, this);
    core.connections.add(this);
    // The peer leaving shows as the response closing early, or (half-close) as the socket ending.
    res.on('close', this.onGone);
    watchEnd(incoming.socket, this);
  }

  readonly onGone = (): void => {
    if (this.state === DONE) return;
    this.gone = true;
    this.request?.abort();
    this.body?.fail(new PeerGoneError());
    this.state = DONE;
    this.record.outcome = 'aborted';
    this.finish();
  };

  get req(): WireRequestImpl {
    return this.request!;
  }

  get writer(): this {
    return this;
  }

  get headersSent(): boolean {
    return this.state !== IDLE;
  }

  get aborted(): boolean {
    return this.gone;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  private begin(status: number, headers: NormalizedHeaders): void {
    if (this.state !== IDLE) throw new Error('A response was already started for this request');
    checkStatus(status);
    this.record.status = status;
    // A client that waited for a 100 Continue it never got may or may not send its body.
    const unreadBody = this.expectContinue && !this.continueSent && !(this.body?.complete ?? true);
    if (headers.close || status < 200 || this.core.closing || unreadBody) this.res.shouldKeepAlive = false;
  }

  send(init: SendInit): Written {
    const status = init.status ?? 200;
    const headers = normalizeHeaders(init.headers);
    this.begin(status, headers);
    const noBody = statusHasNoBody(status);
    const body: Uint8Array = noBody || init.body == null ? Buffer.alloc(0) : typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
    return this.answer(status, headers, body, noBody);
  }

  sendStatic(response: StaticResponse): Written {
    if (!(response instanceof StaticResponseImpl)) throw new TypeError('sendStatic takes a response made by createStatic()');
    this.begin(response.status, NO_HEADERS);
    const headers: NormalizedHeaders = { ...NO_HEADERS, pairs: response.headerPairs as Array<[string, string]> };
    return this.answer(response.status, headers, response.body, statusHasNoBody(response.status));
  }

  private answer(status: number, headers: NormalizedHeaders, body: Uint8Array, noBody: boolean): Written {
    this.state = DONE;
    if (this.gone) {
      this.record.outcome = 'aborted';
      return this.finish();
    }
    const isHead = this.incoming.method === 'HEAD';
    this.res.writeHead(status, reasonPhrase(status), headerList(headers, noBody ? [] : ['Content-Length', String(body.byteLength)]));
    this.res.end(noBody || isHead ? undefined : body);
    this.record.bodyBytes = noBody || isHead ? 0 : body.byteLength;
    this.record.lastByte();
    return this.finish();
  }

  startChunked(status: number, headers?: ResponseHeaders): void {
    const normalized = headers === undefined ? NO_HEADERS : normalizeHeaders(headers);
    this.begin(status, normalized);
    this.noBody = statusHasNoBody(status) || this.incoming.method === 'HEAD';
    this.state = STREAMING;
    if (this.gone) return;
    // Node frames it: chunked on HTTP/1.1, close-delimited on HTTP/1.0.
    this.res.writeHead(status, reasonPhrase(status), headerList(normalized, []));
    this.res.flushHeaders();
    this.record.firstByte();
  }

  writeChunk(data: string | Uint8Array): true | Promise<void> {
    // After the peer is gone every write is a no-op (res.aborted says why).
    if (this.gone && this.state !== IDLE) return true;
    if (this.state !== STREAMING) throw new Error(this.state === IDLE ? 'writeChunk before startChunked' : 'writeChunk after the response ended');
    if (this.gone || this.noBody) return true;
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (length === 0) return true;
    this.record.bodyBytes += length;
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

  endChunked(trailers?: ResponseHeaders): Written {
    if (this.gone && this.state !== IDLE) return this.record.token;
    if (this.state !== STREAMING) throw new Error(this.state === IDLE ? 'endChunked before startChunked' : 'endChunked called twice');
    this.state = DONE;
    if (this.gone) {
      this.record.outcome = 'aborted';
      return this.finish();
    }
    if (trailers !== undefined && this.incoming.httpVersionMinor === 1) this.res.addTrailers(normalizeHeaders(trailers).pairs);
    this.res.end();
    this.record.lastByte();
    return this.finish();
  }

  fail(): void {
    if (this.state === DONE) return;
    this.state = DONE;
    this.record.outcome = 'error';
    this.finish();
  }

  private finish(): Written {
    unwatchEnd(this.incoming.socket, this);
    const head = (this.res as unknown as { _header?: string })._header;
    if (typeof head === 'string') this.record.headerBytes = head.length;
    if (this.core.connections.delete(this)) {
      if (this.request !== null) this.core.inFlight--;
      this.core.report(this.record.token, this.request ?? undefined);
      this.core.connectionClosed(this);
    }
    return this.record.token;
  }

  sendError(status: number, message: string, close: boolean): void {
    if (close) this.res.shouldKeepAlive = false;
    this.send({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: errorBody(status, message) });
  }

  destroy(): void {
    this.gone = true;
    this.res.destroy();
  }

  shutdown(): void {
    if (!this.res.headersSent) this.res.shouldKeepAlive = false;
  }

  onDeadline(): void {}

  bodyRequested(): void {
    if (this.expectContinue && !this.continueSent && this.state === IDLE && !this.gone) {
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

  const tryStatic = options.tryStatic;
  if (tryStatic !== undefined) {
    let hit: StaticResponse | undefined;
    try {
      hit = tryStatic(core.ctx, method, pathOf(target));
    } catch (error) {
      options.logger.error(`tryStatic threw for ${method} ${target}`, error);
    }
    if (hit !== undefined) {
      req.resume();
      ex.sendStatic(hit);
      return;
    }
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
    const ex = pending === undefined ? undefined : exchanges.get(pending);
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
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        address: address.address,
        port: address.port,
        stopAccepting: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
