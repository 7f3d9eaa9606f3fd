// The `uws` runtime: uWebSockets.js accepts, parses and frames; wirecore
// adds the checks uWS does not make and maps its response onto the
// ResponseWriter contract. What uWS cannot be made to do is in PARITY.md.
import { PeerGoneError } from '../errors.js';
import { checkFraming, checkHead, type Rejection } from '../parser/validate.js';
import type { ResponseHeaders, ResponseWriter, SendInit, StaticResponse, TlsOptions, Written } from '../types.js';
import { normalizeHeaders, NO_HEADERS, type NormalizedHeaders } from '../writer/headers.js';
import { checkStatus, reasonPhrase, statusHasNoBody } from '../writer/head.js';
import { StaticResponseImpl } from '../writer/static.js';
import { WrittenRecord } from '../writer/written.js';
import { BodyStream, EMPTY_BODY, type BodyOwner } from './body.js';
import type { OpenConnection, ServerCore } from './core.js';
import { errorBody, runDispatch, type DispatchSite } from './dispatch.js';
import type { Listening } from './listening.js';
import { WireRequestImpl, pathOf } from './request.js';
import { loadUws, type UwsApp, type UwsRequest, type UwsResponse } from './uws-loader.js';

/** True while uWS runs our handler synchronously (and has corked the socket itself). */
let inHandler = false;

const IDLE = 0;
const STREAMING = 1;
const DONE = 2;

function statusText(status: number): string {
  return `${status} ${reasonPhrase(status)}`;
}

/** uWS does not report what it wrote: the head's size as uWS 20.30 lays it out. */
function estimateHeadBytes(status: number, pairs: ReadonlyArray<[string, string]>): number {
  let bytes = 'HTTP/1.1 \r\n'.length + statusText(status).length + 'Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n'.length + 'uWebSockets: 20\r\n'.length + 2;
  for (const [name, value] of pairs) bytes += name.length + value.length + 4;
  return bytes;
}

/**
 * Ends without a body or a length. uWS can only close after a length it
 * writes itself, so a closing 204/304 carries "Content-Length: 0" (PARITY.md).
 */
function endEmpty(res: UwsResponse, close: boolean): void {
  if (close) res.endWithoutBody(0, true);
  else res.endWithoutBody();
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** One request on uWS: its writer, its dispatch site and its open-connection entry. */
class UwsExchange implements ResponseWriter, DispatchSite, BodyOwner, OpenConnection {
  request: WireRequestImpl | null = null;
  body: BodyStream | null = null;
  readonly record: WrittenRecord;
  private state = IDLE;
  private noBody = false;
  private closeAfter = false;
  private writable: Array<() => void> | null = null;
  gone = false;
  deadline = 0;
  private address: string | null = null;

  constructor(
    private readonly core: ServerCore<unknown>,
    private readonly res: UwsResponse,
    readonly isHead: boolean,
    private readonly wantsKeepAlive: boolean,
  ) {
    this.record = new WrittenRecord(core.options.onResponse !== undefined);
    core.connections.add(this);
    res.onAborted(() => this.onAborted());
  }

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

  private onAborted(): void {
    this.gone = true;
    this.request?.abort();
    this.body?.fail(new PeerGoneError());
    this.releaseWritable();
    if (this.state !== DONE) {
      this.state = DONE;
      this.record.outcome = 'aborted';
      this.finish();
    }
  }

  /** uWS corks the synchronous part of its handler itself; later writes cork here. */
  private corked(fn: () => void): void {
    if (inHandler) fn();
    else this.res.cork(fn);
  }

  /** Read while the response is alive (uWS invalidates it after the answer), then remembered. */
  get remoteAddress(): string {
    if (this.address === null) this.address = this.gone || this.state === DONE ? '' : Buffer.from(this.res.getRemoteAddressAsText()).toString('latin1');
    return this.address;
  }

  readonly remotePort = 0;

  private releaseWritable(): void {
    const waiters = this.writable;
    this.writable = null;
    waiters?.forEach((resolve) => resolve());
  }

  private mustClose(headers: NormalizedHeaders, status: number): boolean {
    return headers.close || this.closeAfter || !this.wantsKeepAlive || this.core.closing || status < 200;
  }

  private begin(status: number): void {
    if (this.state !== IDLE) throw new Error('A response was already started for this request');
    checkStatus(status);
    this.record.status = status;
  }

  /** Status and headers; uWS adds Date, Content-Length or Transfer-Encoding itself. */
  private writeHead(status: number, pairs: ReadonlyArray<[string, string]>): void {
    const res = this.res;
    this.record.headerBytes = estimateHeadBytes(status, pairs);
    // 200 OK is what uWS writes when no status is given.
    if (status !== 200) res.writeStatus(statusText(status));
    // uWS closes after a request's "Connection: close" without saying so in the answer.
    if (!this.wantsKeepAlive) res.writeHeader('Connection', 'close');
    for (const [name, value] of pairs) {
      if (name.length === 4 && name.toLowerCase() === 'date') continue;
      res.writeHeader(name, value);
    }
  }

  send(init: SendInit): Written {
    const status = init.status ?? 200;
    this.begin(status);
    const headers = normalizeHeaders(init.headers);
    const noBody = statusHasNoBody(status);
    const body = noBody || init.body == null ? '' : init.body;
    return this.answer(status, headers.pairs, body, this.mustClose(headers, status), noBody);
  }

  sendStatic(response: StaticResponse): Written {
    if (!(response instanceof StaticResponseImpl)) throw new TypeError('sendStatic takes a response made by createStatic()');
    this.begin(response.status);
    return this.answer(response.status, response.headerPairs, response.body, this.mustClose(NO_HEADERS, response.status), statusHasNoBody(response.status));
  }

  private answer(status: number, pairs: ReadonlyArray<[string, string]>, body: string | Uint8Array, close: boolean, noBody: boolean): Written {
    this.state = DONE;
    const length = byteLength(body);
    if (!this.gone) {
      this.corked(() => {
        this.writeHead(status, pairs);
        if (noBody) endEmpty(this.res, close);
        else if (this.isHead) this.res.endWithoutBody(length, close);
        else this.res.end(body, close);
      });
      this.record.lastByte();
    } else {
      this.record.outcome = 'aborted';
    }
    this.record.bodyBytes = this.isHead || noBody ? 0 : length;
    return this.finish();
  }

  startChunked(status: number, headers?: ResponseHeaders): void {
    this.begin(status);
    const normalized = headers === undefined ? NO_HEADERS : normalizeHeaders(headers);
    this.noBody = statusHasNoBody(status) || this.isHead;
    this.closeAfter = this.mustClose(normalized, status);
    this.state = STREAMING;
    // uWS sends the head with the first chunk (or the end).
    if (!this.gone) this.corked(() => this.writeHead(status, normalized.pairs));
  }

  writeChunk(data: string | Uint8Array): true | Promise<void> {
    // After the peer is gone every write is a no-op (res.aborted says why).
    if (this.gone && this.state !== IDLE) return true;
    if (this.state !== STREAMING) throw new Error(this.state === IDLE ? 'writeChunk before startChunked' : 'writeChunk after the response ended');
    if (this.gone || this.noBody) return true;
    const length = byteLength(data);
    if (length === 0) return true;
    this.record.bodyBytes += length;
    let ok = true;
    this.corked(() => {
      ok = this.res.write(data);
    });
    this.record.firstByte();
    // A failed write is how uWS notices a vanished peer: onAborted may have run inside it.
    if (ok || this.gone) return true;
    // uWS buffered the rest of this chunk; wait until it has gone out.
    return new Promise((resolve) => {
      if (this.writable === null) {
        this.writable = [];
        this.res.onWritable(() => {
          this.releaseWritable();
          return true;
        });
      }
      this.writable.push(resolve);
    });
  }

  endChunked(_trailers?: ResponseHeaders): Written {
    if (this.gone && this.state !== IDLE) return this.record.token;
    if (this.state !== STREAMING) throw new Error(this.state === IDLE ? 'endChunked before startChunked' : 'endChunked called twice');
    this.state = DONE;
    if (!this.gone) {
      // uWS cannot send trailer fields: they are dropped (PARITY.md).
      this.corked(() => (this.noBody ? endEmpty(this.res, this.closeAfter) : this.res.end(undefined, this.closeAfter)));
      this.record.lastByte();
    } else {
      this.record.outcome = 'aborted';
    }
    return this.finish();
  }

  fail(): void {
    if (this.state === DONE) return;
    this.state = DONE;
    this.record.outcome = 'error';
    this.finish();
  }

  private finish(): Written {
    if (this.record.headerBytes === 0) this.record.headerBytes = estimateHeadBytes(this.record.status, []);
    if (this.core.connections.delete(this)) {
      if (this.request !== null) this.core.inFlight--;
      this.core.report(this.record.token, this.request ?? undefined);
      this.core.connectionClosed(this);
    }
    return this.record.token;
  }

  sendError(status: number, message: string, close: boolean): void {
    this.begin(status);
    this.answer(status, [['content-type', 'text/plain; charset=utf-8']], errorBody(status, message), close || this.closeAfter || !this.wantsKeepAlive, false);
  }

  destroy(): void {
    if (this.gone) return;
    this.res.close();
    this.gone = true;
  }

  shutdown(): void {
    this.closeAfter = true;
  }

  onDeadline(): void {}

  bodyRequested(): void {}

  pauseReading(): void {
    if (!this.gone) this.res.pause();
  }

  resumeReading(): void {
    if (!this.gone) this.res.resume();
  }
}

function rejectNow(core: ServerCore<unknown>, res: UwsResponse, rejection: Rejection): void {
  const ex = new UwsExchange(core, res, false, false);
  ex.sendError(rejection.status, rejection.reason, true);
}

function handle(core: ServerCore<unknown>, res: UwsResponse, uwsReq: UwsRequest): void {
  const method = uwsReq.getCaseSensitiveMethod();
  const query = uwsReq.getQuery();
  const target = query ? `${uwsReq.getUrl()}?${query}` : uwsReq.getUrl();
  const headers: string[] = [];
  uwsReq.forEach((name, value) => void headers.push(name, value));
  const options = core.options;

  if (target.length > options.maxTargetBytes) return rejectNow(core, res, { status: 414, reason: 'URI too long' });
  const framing = checkFraming(headers);
  if (framing !== null) return rejectNow(core, res, framing);
  // uWS does not tell the version; it only hands over HTTP/1.1-shaped requests.
  const connection = uwsReq.getHeader('connection').toLowerCase();
  const head = checkHead(method, target, 1, 1, headers, !/(?:^|,)\s*close\s*(?:,|$)/.test(connection));
  if ('status' in head) return rejectNow(core, res, head);

  const ex = new UwsExchange(core, res, method === 'HEAD', head.keepAlive);
  const tryStatic = options.tryStatic;
  if (tryStatic !== undefined) {
    let hit: StaticResponse | undefined;
    try {
      hit = tryStatic(core.ctx, method, pathOf(target));
    } catch (error) {
      options.logger.error(`tryStatic threw for ${method} ${target}`, error);
    }
    if (hit !== undefined) {
      if (head.bodyKind !== 0) res.onData(() => {});
      ex.sendStatic(hit);
      return;
    }
  }

  let body = EMPTY_BODY;
  if (head.bodyKind !== 0) {
    const stream = (ex.body = new BodyStream(ex, head.contentLength, options.maxBodyBytes));
    body = stream;
    res.onData((chunk, isLast) => {
      // uWS neuters the chunk on return: copy it.
      if (chunk.byteLength > 0) stream.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) stream.end(null);
    });
  }
  ex.request = new WireRequestImpl(method, target, '1.1', headers, head.keepAlive, body, ex);
  runDispatch(core, ex);
}

export async function listenUws(core: ServerCore<unknown>, host: string, port: number, tls: TlsOptions | undefined): Promise<Listening> {
  const uws = loadUws(core.options.maxHeaderBytes);
  const app: UwsApp = tls ? uws.SSLApp(await uws.tlsFiles(tls)) : uws.App();
  app.any('/*', (res, req) => {
    inHandler = true;
    try {
      handle(core, res, req);
    } finally {
      inHandler = false;
    }
  });
  return new Promise((resolve, reject) => {
    app.listen(host, port, (listenSocket) => {
      if (!listenSocket) {
        reject(new Error(`wirecore: uWebSockets.js could not listen on ${host}:${port}`));
        return;
      }
      resolve({
        address: host,
        port: uws.us_socket_local_port(listenSocket),
        stopAccepting: async () => uws.us_listen_socket_close(listenSocket),
      });
    });
  });
}
