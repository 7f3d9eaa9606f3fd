// The `uws` runtime: uWebSockets.js accepts, parses and frames; wirecore
// adds the checks uWS does not make and maps its response onto the
// ResponseWriter contract. What uWS cannot be made to do is in PARITY.md.
import { checkFraming, checkHead, type Rejection } from '../parser/validate.js';
import type { TlsOptions, Written } from '../types.js';
import type { NormalizedHeaders } from '../writer/headers.js';
import { reasonPhrase, statusHasNoBody } from '../writer/head.js';
import { BodyStream, EMPTY_BODY } from './body.js';
import type { ServerCore } from './core.js';
import { runDispatch } from './dispatch.js';
import { FramedExchange } from './framed-exchange.js';
import type { Listening } from './listening.js';
import { WireRequestImpl } from './request.js';
import { loadUws, type UwsApp, type UwsRequest, type UwsResponse } from './uws-loader.js';

const CLOSE_TOKEN = /(?:^|,)\s*close\s*(?:,|$)/i;

/** True while uWS runs our handler synchronously (and has corked the socket itself). */
let inHandler = false;

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

/** One request on uWS: the shared writer lifecycle over uWS's cork/write/end. */
class UwsExchange extends FramedExchange {
  private closeAfter = false;
  /** Set while a write waits for room: retries with uWS's write offset, true once it went through. */
  private retry: ((offset: number) => boolean) | null = null;
  private release: (() => void) | null = null;
  private watchingWritable = false;
  private address: string | null = null;
  readonly remotePort = 0;

  constructor(
    core: ServerCore<unknown>,
    private readonly res: UwsResponse,
    method: string,
    requestHeaders: readonly string[],
    private readonly wantsKeepAlive: boolean,
  ) {
    super(core, method, requestHeaders);
    res.onAborted(() => this.peerGone());
  }

  /** Read while the response is alive (uWS invalidates it after the answer), then remembered. */
  get remoteAddress(): string {
    if (this.address === null) this.address = this.gone || this.done ? '' : Buffer.from(this.res.getRemoteAddressAsText()).toString('latin1');
    return this.address;
  }

  protected override peerGone(): void {
    super.peerGone();
    this.retry = null;
    const release = this.release;
    this.release = null;
    release?.();
  }

  /** uWS corks the synchronous part of its handler itself; later writes cork here. */
  private corked(fn: () => void): void {
    if (inHandler) fn();
    else this.res.cork(fn);
  }

  protected mustClose(asked: boolean, status: number): boolean {
    this.closeAfter ||= asked || !this.wantsKeepAlive || this.core.closing || status < 200;
    return this.closeAfter;
  }

  protected closeAfterAnswer(): void {
    this.closeAfter = true;
  }

  /** Status and headers; uWS adds Date, Content-Length or Transfer-Encoding itself. */
  private writeHead(status: number, headers: NormalizedHeaders): void {
    const res = this.res;
    this.record.headerBytes = estimateHeadBytes(status, headers.pairs);
    // 200 OK is what uWS writes when no status is given.
    if (status !== 200) res.writeStatus(statusText(status));
    // uWS closes after a request's "Connection: close" without saying so in the answer.
    if (!this.wantsKeepAlive) res.writeHeader('Connection', 'close');
    for (const [name, value] of headers.pairs) {
      if (name.length === 4 && name.toLowerCase() === 'date') continue;
      res.writeHeader(name, value);
    }
  }

  protected writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean, close: boolean): void {
    this.corked(() => {
      this.writeHead(status, headers);
      if (noBody) endEmpty(this.res, close);
      else if (this.isHead) this.res.endWithoutBody(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength, close);
      else this.res.end(body, close);
    });
  }

  protected writeStreamHead(status: number, headers: NormalizedHeaders): void {
    // uWS sends the head with the first chunk (or the end).
    this.corked(() => this.writeHead(status, headers));
  }

  protected writeStreamChunk(data: string | Uint8Array): true | Promise<void> {
    if (this.declared >= 0) return this.writeKnownLength(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    let ok = true;
    this.corked(() => {
      ok = this.res.write(data);
    });
    // A failed write is how uWS notices a vanished peer: onAborted may have run inside it.
    if (ok || this.gone) return true;
    // uWS buffered the rest of this chunk; wait until it has gone out.
    return this.whenWritable(() => true);
  }

  /**
   * A declared length goes out through tryEnd, which frames with
   * Content-Length; unlike write(), what the socket refuses is not buffered
   * by uWS, so the rest is offered again from onWritable.
   */
  private writeKnownLength(chunk: Uint8Array): true | Promise<void> {
    let rest = chunk;
    let startOffset = 0;
    const attempt = (): boolean => {
      let ok = false;
      this.corked(() => {
        startOffset = this.res.getWriteOffset();
        ok = this.res.tryEnd(rest, this.declared)[0];
      });
      return ok;
    };
    if (attempt() || this.gone) return true;
    return this.whenWritable((offset) => {
      rest = rest.subarray(offset - startOffset);
      return attempt();
    });
  }

  /** Resolves once uWS reports room again and `retry` (given the write offset) succeeds. */
  private whenWritable(retry: (offset: number) => boolean): Promise<void> {
    return new Promise((resolve) => {
      this.retry = retry;
      this.release = resolve;
      if (this.watchingWritable) return;
      // One handler per response: uWS keeps calling it on every writable event.
      this.watchingWritable = true;
      this.res.onWritable((offset) => {
        const retry = this.retry;
        if (retry === null) return true;
        if (!retry(offset)) return false;
        this.retry = null;
        const release = this.release;
        this.release = null;
        release?.();
        return true;
      });
    });
  }

  protected writeStreamEnd(): void {
    // uWS cannot send trailer fields: they are dropped (PARITY.md).
    const noBody = this.isHead || statusHasNoBody(this.record.status);
    if (this.declared >= 0) {
      // tryEnd ended the response with its last byte; a HEAD (or an empty body) ends here with the length.
      if (noBody || this.declared === 0) this.corked(() => this.res.endWithoutBody(noBody ? this.declared : 0, this.closeAfter));
      return;
    }
    this.corked(() => (noBody ? endEmpty(this.res, this.closeAfter) : this.res.end(undefined, this.closeAfter)));
  }

  protected override finish(): Written {
    if (this.record.headerBytes === 0) this.record.headerBytes = estimateHeadBytes(this.record.status, []);
    return super.finish();
  }

  protected closeConnection(): void {
    this.res.close();
  }

  shutdown(): void {
    this.closeAfter = true;
  }

  pauseReading(): void {
    if (!this.gone) this.res.pause();
  }

  resumeReading(): void {
    if (!this.gone) this.res.resume();
  }
}

function rejectNow(core: ServerCore<unknown>, res: UwsResponse, rejection: Rejection, keepAliveAsked: boolean): void {
  new UwsExchange(core, res, '', [], keepAliveAsked).sendError(rejection.status, rejection.reason, true);
}

function handle(core: ServerCore<unknown>, res: UwsResponse, uwsReq: UwsRequest): void {
  const method = uwsReq.getCaseSensitiveMethod();
  const query = uwsReq.getQuery();
  const target = query ? `${uwsReq.getUrl()}?${query}` : uwsReq.getUrl();
  const headers: string[] = [];
  let keepAliveAsked = true;
  // uWS hands names over lower-cased.
  uwsReq.forEach((name, value) => {
    headers.push(name, value);
    if (name === 'connection' && CLOSE_TOKEN.test(value)) keepAliveAsked = false;
  });
  const options = core.options;

  if (target.length > options.maxTargetBytes) return rejectNow(core, res, { status: 414, reason: 'URI too long' }, keepAliveAsked);
  const framing = checkFraming(headers);
  if (framing !== null) return rejectNow(core, res, framing, keepAliveAsked);
  // uWS does not tell the version; it only hands over HTTP/1.1-shaped requests.
  const head = checkHead(method, target, 1, 1, headers, keepAliveAsked);
  if ('status' in head) return rejectNow(core, res, head, keepAliveAsked);

  const ex = new UwsExchange(core, res, method, headers, head.keepAlive);
  const hit = core.askStatic(method, target, headers);
  if (hit !== undefined) {
    if (head.bodyKind !== 0) res.onData(() => {});
    ex.sendStatic(hit);
    return;
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
