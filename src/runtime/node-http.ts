// The `node-http` runtime: Node's own server (and its llhttp) accepts and
// parses. The binding starts at the 'connection' and 'request' events and
// ends at ServerResponse: everything between is the shared pipeline.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { currentDate } from '../writer/clock.js';
import type { NormalizedHeaders } from '../writer/headers.js';
import type { Written } from '../types.js';
import { handOver } from '../websocket/hand-over.js';
import type { AcceptedUpgrade } from '../websocket/upgrade.js';
import { switchingHead } from '../websocket/upgrade.js';
import { negotiateDeflate } from '../websocket/ws-codec.js';
import { reasonPhrase } from '../writer/head.js';
import { WrittenRecord } from '../writer/written.js';
import { proxyHeaderOf, readProxyHeader } from '../proxy/gate.js';
import { admitHead, isRejection } from './admission.js';
import type { OpenConnection, ServerCore } from './core.js';
import { errorBody } from './exchange.js';
import { clientErrorStatus, isTlsFailure, rejectionAnswer } from './node-http-errors.js';
import { FramedExchange } from './framed-exchange.js';
import { destroyLeftoversAfterGrace, listenOn, type Listening } from './listening.js';
import type { RuntimeBinding } from './registry.js';
import type { PeerInfo } from './request.js';
import { LINGER_MS } from './stream/deadlines.js';

/** The flat [name, value, …] list writeHead takes; `length` ≥ 0 adds Content-Length. */
function headerList(headers: NormalizedHeaders, length: number): string[] {
  const list: string[] = [];
  const pairs = headers.pairs;
  for (let i = 0; i < pairs.length; i++) list.push(pairs[i]![0], pairs[i]![1]);
  if (!headers.hasDate) list.push('Date', currentDate());
  if (length >= 0) list.push('Content-Length', String(length));
  return list;
}

const SOCKET = Symbol('wirecore.socket');
const LINGERING = Symbol('wirecore.lingering');
type TrackedSocket = net.Socket & { [SOCKET]?: NodeSocket; [LINGERING]?: true; server?: http.Server; destroySoon?: () => void };

/**
 * Ends the socket after what was written, as net does: the FIN goes out, what the peer still sends (the rest of
 * a refused body) is read and dropped, and the socket closes once the peer ends or LINGER_MS has passed.
 * Destroyed while bytes still arrive, it would answer them with a reset, costing the peer an unread answer.
 */
function endAndLinger(socket: net.Socket, data?: string): void {
  if (data !== undefined) socket.end(data);
  else if (socket.writable) socket.end();
  const s = socket as TrackedSocket;
  if (s.destroyed || s[LINGERING]) return;
  s[LINGERING] = true;
  const timer = setTimeout(() => s.destroy(), LINGER_MS).unref();
  s.once('close', () => clearTimeout(timer));
}

/** Node ends a connection after its last answer with destroySoon(): destroyed once the FIN is out. */
function lingerInsteadOfDestroySoon(this: net.Socket): void {
  endAndLinger(this);
}

/** One accepted socket: what server.stats counts and server.close() drains. */
class NodeSocket implements OpenConnection {
  readonly exchanges = new Set<NodeHttpExchange>();
  /** An answer on this socket ends it: no request after it reaches a handler. */
  closing = false;
  /** A request has arrived on it (a socket that has sent none is not idle when a drain begins). */
  served = false;
  deadline = 0;
  prevOpen: OpenConnection | null = null;
  nextOpen: OpenConnection | null = null;
  /** The peer's address, read once per connection rather than per request. */
  peer: PeerInfo | null = null;

  constructor(
    private readonly core: ServerCore<unknown>,
    readonly socket: net.Socket,
  ) {
    core.connections.add(this);
    (socket as TrackedSocket).destroySoon = lingerInsteadOfDestroySoon;
    socket.once('close', () => {
      for (const ex of [...this.exchanges]) ex.peerGone();
      core.connectionClosed(this);
    });
    // The peer sent FIN: like the net runtime, taken as the client leaving.
    socket.on('end', () => {
      if (this.exchanges.size === 0) return;
      for (const ex of [...this.exchanges]) ex.peerGone();
      socket.end();
    });
  }

  onDeadline(): void {}

  /** Runs `start` once every answer before it has been handed to the socket and node:http has let go of it (an upgrade waits for the requests before it). */
  afterAnswers(start: () => void): void {
    if (this.exchanges.size > 0) {
      const waiting = [...this.exchanges];
      let left = waiting.length;
      for (const ex of waiting) ex.whenReleased(() => --left === 0 && this.afterAnswers(start));
      return;
    }
    const pending = (this.socket as { _httpMessage?: http.ServerResponse | null })._httpMessage;
    // node:http detaches a finished answer from its socket in its own 'finish' listener.
    if (pending != null) pending.once('finish', () => setImmediate(() => this.afterAnswers(start)));
    else start();
  }

  shutdown(): void {
    for (const ex of this.exchanges) ex.shutdown();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function tracked(core: ServerCore<unknown>, socket: net.Socket): NodeSocket {
  const s = socket as TrackedSocket;
  return (s[SOCKET] ??= new NodeSocket(core, socket));
}

/** A streamed answer's bytes held in Node's per-tick cork before they go out at once (8× the socket's high-water mark: a 64 KiB answer and its framing in one write). */
const CORKED_BATCH_BYTES = 128 * 1024;

function flushHeadAlone(ex: NodeHttpExchange): void {
  ex.flushHeadIfIdle();
}

class NodeHttpExchange extends FramedExchange {
  private releaseWaiters: Array<() => void> | null = null;
  /** A chunk (or the end) followed the streamed head. */
  private streamWritten = true;

  constructor(
    core: ServerCore<unknown>,
    private readonly incoming: http.IncomingMessage,
    private readonly res: http.ServerResponse,
    private readonly conn: NodeSocket,
    /** On node:http's 'upgrade' path: the bytes read after the head (the socket is then ours). */
    private readonly upgradeHead: Buffer | null = null,
  ) {
    super(core, incoming.method ?? 'GET', incoming.rawHeaders);
    res.sendDate = false;
    // The peer leaving is seen by the socket's 'close' listener (NodeSocket), which ends every exchange on it.
    conn.exchanges.add(this);
  }

  /** Admits the head, then runs the pipeline. */
  run(): void {
    const req = this.incoming;
    const head = admitHead(this.core.options, NODE_GAPS, this.method, req.url ?? '/', req.httpVersionMajor, req.httpVersionMinor, req.rawHeaders);
    if (isRejection(head)) {
      this.refuse(head);
    } else {
      const conn = this.conn;
      // The client a PROXY header named (the balancer kept apart), else the socket's peer.
      conn.peer ??= peerOf(req.socket, this.core.options.tls !== undefined);
      this.prepare(head, conn.peer);
      if (!head.keepAlive) conn.closing = true;
      const body = this.body;
      // node:http hands an upgrade request's body over as raw bytes, unframed: it is refused rather than guessed at.
      if (body !== null && this.upgradeHead !== null) this.bodyFailed({ status: 400, reason: 'A request that asks to upgrade cannot carry a body' });
      else if (body !== null) {
        req.on('data', (chunk: Buffer) => body.push(chunk));
        req.on('end', () => body.end(req.rawTrailers.length > 0 ? req.rawTrailers : null));
      }
    }
    this.start();
  }

  mustClose(asked: boolean, status: number): boolean {
    if (asked || status < 200 || this.core.closing || this.closeRequired()) this.res.shouldKeepAlive = false;
    const close = !this.res.shouldKeepAlive;
    if (close) this.conn.closing = true;
    return close;
  }

  protected stopReading(): void {
    this.conn.closing = true;
    this.res.shouldKeepAlive = false;
  }

  writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean): void {
    // A string body stays a string: Node then sends head and body in one write, not a writev.
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    this.res.writeHead(status, reasonPhrase(status), headerList(headers, noBody ? -1 : length));
    this.res.end(noBody || this.isHead ? undefined : body);
  }

  writeStreamHead(status: number, headers: NormalizedHeaders, _close: boolean, length: number): void {
    // Node frames it: by the declared length, else chunked on HTTP/1.1 and close-delimited on HTTP/1.0.
    this.res.writeHead(status, reasonPhrase(status), headerList(headers, length));
    // The head leaves with the first chunk written in this tick (one write, as node:http does); alone only if none comes.
    this.streamWritten = false;
    process.nextTick(flushHeadAlone, this);
    this.writer.record.firstByte();
  }

  /** The head is still waiting for a chunk: send it now. */
  flushHeadIfIdle(): void {
    if (!this.streamWritten && !this.res.writableEnded && !this.gone) this.res.flushHeaders();
  }

  writeStreamChunk(data: string | Uint8Array): true | Promise<void> {
    this.streamWritten = true;
    const res = this.res;
    if (res.write(data)) return true;
    // Node corks the socket until the next tick, so "full" may mean "not sent yet": batch up to
    // CORKED_BATCH_BYTES as node:http would, then send now and wait only if the socket stays full.
    const socket = res.socket;
    if (socket !== null && socket.writableCorked > 0) {
      if (socket.writableLength < CORKED_BATCH_BYTES) return true;
      socket.uncork();
      if (socket.writableLength < socket.writableHighWaterMark) return true;
    }
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

  writeStreamEnd(trailers: NormalizedHeaders | null): void {
    if (trailers !== null && this.incoming.httpVersionMinor === 1) this.res.addTrailers(trailers.pairs);
    this.res.end();
  }

  override answered(): void {
    const head = (this.res as unknown as { _header?: string | null })._header;
    if (typeof head === 'string') this.writer.record.headerBytes = head.length;
    super.answered();
  }

  protected override released(): void {
    this.conn.exchanges.delete(this);
    // On the upgrade path the socket is ours: a refusal ends it once its answer is out.
    if (this.upgradeHead !== null && !this.switched) this.afterFinish(() => this.incoming.socket.end());
    const waiters = this.releaseWaiters;
    this.releaseWaiters = null;
    if (waiters !== null) this.afterFinish(() => waiters.forEach((run) => run()));
  }

  /** Once the answer has been handed to the socket. */
  private afterFinish(run: () => void): void {
    if (this.res.writableFinished || this.switched) run();
    else this.res.once('finish', run);
  }

  protected closeConnection(): void {
    const socket = this.res.socket;
    // An answer on the socket: end it after what was written (destroy would drop it); one still queued behind another: destroy.
    if (socket !== null && (socket as { _httpMessage?: unknown })._httpMessage === this.res) endAndLinger(socket);
    else this.res.destroy();
  }

  shutdown(): void {
    if (!this.res.headersSent) {
      this.res.shouldKeepAlive = false;
      return;
    }
    // The head already promised keep-alive: once the answer is out the connection is idle, so close it then.
    this.res.once('finish', () => setImmediate(() => closeIdle(this.core)));
  }

  protected writeContinue(): void {
    this.res.writeContinue();
  }

  switchProtocols(accepted: AcceptedUpgrade): Written {
    const socket = this.incoming.socket;
    if (this.upgradeHead === null) throw new Error('unreachable: node:http hands every request that asks to upgrade to the upgrade listener');
    const options = this.hub.options;
    const negotiated = options.compression ? negotiateDeflate(accepted.extensionsOffer, options.maxPayloadBytes) : null;
    const head = switchingHead(accepted, negotiated?.header ?? null);
    return this.writer.switchProtocols(() => {
      this.res.detachSocket(socket);
      this.switched = true;
      // The socket leaves HTTP: the hub counts it from here.
      this.core.connectionClosed(this.conn);
      socket.write(head, 'latin1');
      handOver(this.hub, { accepted, negotiated }, socket, this.upgradeHead, this.conn.peer?.remoteAddress ?? socket.remoteAddress ?? '');
      return head.length;
    });
  }

  /** Answered 101: the socket belongs to the codec. */
  private switched = false;

  whenReleased(run: () => void): void {
    (this.releaseWaiters ??= []).push(run);
  }

  pauseReading(): void {
    this.incoming.pause();
  }

  resumeReading(): void {
    this.incoming.resume();
  }
}

/**
 * Closes the keep-alive connections with nothing in flight as a drain begins. Not node:http's
 * closeIdleConnections(): it also closes a socket that was just accepted and whose first request is still
 * on its way; such a socket here gets one answer, with Connection: close.
 */
function closeIdle(core: ServerCore<unknown>): void {
  for (const c of core.connections) {
    if (c instanceof NodeSocket && c.served && c.exchanges.size === 0) c.socket.destroySoon();
  }
}

/** The socket's peer, or the client a PROXY header named (the balancer then kept apart). */
function peerOf(socket: net.Socket, secure: boolean): PeerInfo {
  const own = { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, secure, proxy: null };
  const header = proxyHeaderOf(socket);
  if (header === undefined) return own;
  const proxy = { address: own.remoteAddress, port: own.remotePort };
  const source = header.source;
  return source === null ? { ...own, proxy } : { remoteAddress: source.address, remotePort: source.port, secure, proxy };
}

/** node:http checks framing itself; its header limit counts differently, so wirecore applies maxHeaderBytes as net does. */
const NODE_GAPS = { framing: false, headerBytes: true, target: false };

async function listenNodeHttp(core: ServerCore<unknown>, host: string, port: number): Promise<Listening> {
  const o = core.options;
  const serverOptions: http.ServerOptions = {
    // Node's own limit is a backstop above ours (it counts the request line too); wirecore answers 431 at maxHeaderBytes.
    maxHeaderSize: o.maxHeaderBytes + o.maxTargetBytes + 1024,
    requestTimeout: o.requestTimeoutMs + o.headersTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    insecureHTTPParser: false,
    requireHostHeader: false,
    noDelay: true,
    // Node checks header and request deadlines on this period (30 s by default).
    connectionsCheckingInterval: Math.floor(Math.max(10, Math.min(1000, o.headersTimeoutMs / 4))),
  };
  const tls = o.tls;
  // A TLS handshake is part of reaching the first request: it gets the headers timeout, not node:tls's 120 s.
  const server: http.Server = tls ? https.createServer({ ...serverOptions, ...tls, handshakeTimeout: o.headersTimeoutMs }) : http.createServer(serverOptions);
  server.headersTimeout = o.headersTimeoutMs;
  server.on('connection', (socket: net.Socket) => void tracked(core, socket));
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const conn = tracked(core, req.socket);
    conn.served = true;
    // Bytes after an answer that closes the connection never reach a handler.
    if (conn.closing) {
      req.resume();
      return;
    }
    new NodeHttpExchange(core, req, res, conn).run();
  };
  server.on('request', onRequest);
  // A request that asks to switch protocols: node:http gives up the socket; the answer is written on it directly.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const conn = tracked(core, socket);
    if (conn.closing) {
      socket.end();
      return;
    }
    conn.closing = true;
    conn.afterAnswers(() => {
      if (socket.destroyed) return;
      const res = new http.ServerResponse(req);
      res.assignSocket(socket);
      res.shouldKeepAlive = false;
      new NodeHttpExchange(core, req, res, conn, head).run();
    });
  });
  // Node holds back its automatic 100 Continue while this listener exists: the pipeline sends it on the first body read.
  server.on('checkContinue', onRequest);
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    tracked(core, req.socket).closing = true;
    res.shouldKeepAlive = false;
    res.writeHead(417, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(errorBody(417, 'Unsupported expectation'));
  });
  // Node hands CONNECT to 'connect' listeners only; no consumer is given a tunnel, so it is refused as on net.
  server.on('connect', (_req: http.IncomingMessage, socket: net.Socket) => {
    tracked(core, socket).closing = true;
    endAndLinger(socket, rejectionAnswer(501, 'CONNECT is not supported'));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: net.Socket) => {
    // node:https hands a failed or timed-out TLS handshake here too: there is no HTTP to answer in.
    if (error.code === 'ECONNRESET' || !socket.writable || isTlsFailure(error)) {
      socket.destroy();
      return;
    }
    const conn = tracked(core, socket);
    const rejection = clientErrorStatus(error);
    const ex = [...conn.exchanges].find((e) => e.body !== null && !e.body.complete);
    // Past an answer that ends the connection (or a refusal) nothing more is answered: Node reports errors in the bytes after it.
    if (ex === undefined && conn.closing) return;
    conn.closing = true;
    const pending = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage ?? undefined;
    if (ex !== undefined) {
      // The bad bytes are this request's body: its handler answers (or the connection drops).
      ex.bodyFailed(rejection);
      return;
    }
    const answer = () => {
      const bytes = rejectionAnswer(rejection.status, rejection.reason);
      const record = new WrittenRecord(core.options.onResponse !== undefined);
      const trace = core.tracing?.startRefused('', rejection.reason, record, { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 }) ?? null;
      record.status = rejection.status;
      record.headerBytes = bytes.indexOf('\r\n\r\n') + 4;
      record.bodyBytes = bytes.length - record.headerBytes;
      if (socket.writable) endAndLinger(socket, bytes);
      else {
        record.outcome = 'aborted';
        socket.destroy();
      }
      // A refused message reaches onResponse (and tracing) like the other runtimes' refusals, with no request.
      if (trace !== null) core.tracing!.end(trace, record, null);
      core.report(record.token, undefined);
    };
    // Answers already in progress go out first, in order.
    if (pending !== undefined && !pending.writableFinished) pending.once('finish', answer);
    else answer();
  });
  // Idle keep-alive connections go at once; busy ones after their answer (Connection: close).
  const proxyProtocol = o.proxyProtocol;
  if (proxyProtocol === null) return listenOn(server, host, port, () => closeIdle(core));
  // The PROXY header is read before node:http sees the socket: a plain listener in front hands it on.
  const front = net.createServer({ allowHalfOpen: true }, (socket) => {
    readProxyHeader(socket, proxyProtocol, o.logger, (ready) => {
      server.emit('connection', ready);
      if (!tls) ready.resume(); // TLS reads what follows the header itself; node:http once the socket flows
    });
  });
  const destroyLeftovers = destroyLeftoversAfterGrace(front);
  const listening = await listenOn(front, host, port, (graceMs) => {
    destroyLeftovers(graceMs);
    closeIdle(core);
    // Stops node:http's own timers (it never listened, so this only clears them).
    server.close(() => {});
  });
  // node:http starts tracking connections (its header and request timeouts) when it hears it listens.
  server.emit('listening');
  return listening;
}

export const nodeHttpRuntime: RuntimeBinding = {
  name: 'node-http',
  listen: listenNodeHttp,
};
