// The `fetch` runtime: the platform (Deno.serve, Bun.serve, a worker, a test)
// accepts and parses; a dispatch answers a web Request with a web Response,
// streaming included, through the same writer lifecycle as uws and node-http.
import { OptionError } from '../errors.js';
import { resolveOptions } from '../options.js';
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE } from '../parser/head.js';
import type { DispatchFn, ServeOptions, Written } from '../types.js';
import { ResponseUsageError } from '../errors.js';
import { currentDate } from '../writer/clock.js';
import type { NormalizedHeaders } from '../writer/headers.js';
import { ServerCore } from './core.js';
import { FramedExchange } from './framed-exchange.js';
import type { PeerInfo } from './request.js';

/** Chunks a streamed body queues before writeChunk reports backpressure. */
const STREAM_HIGH_WATER = 4;
const FAILED = new Error('The response failed after its head was sent');

export type FetchHandlerOptions<C> = Pick<ServeOptions<C>, 'maxBodyBytes' | 'responseTimeoutMs' | 'tryStatic' | 'onResponse' | 'logger' | 'accessLog' | 'trustProxy'>;

/** Who is asking, where the platform says (Deno's info.remoteAddr, Bun's server.requestIP). */
export type FetchPeer = Partial<PeerInfo>;

function headerInit(headers: NormalizedHeaders, extra: Array<[string, string]>): Array<[string, string]> {
  const list = headers.pairs.slice();
  if (!headers.hasDate) list.push(['date', currentDate()]);
  for (const pair of extra) list.push(pair);
  return list;
}

class FetchExchange extends FramedExchange {
  readonly response: Promise<Response>;
  private answer!: (response: Response) => void;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private room: (() => void) | null = null;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private reading = false;
  private paused = false;
  private failAfterRead = false;

  constructor(core: ServerCore<unknown>, method: string, rawHeaders: string[]) {
    super(core, method, rawHeaders);
    this.response = new Promise((resolve) => (this.answer = resolve));
  }

  /** Pulls the request body into the BodyStream, stopping while it is paused. */
  feed(reader: ReadableStreamDefaultReader<Uint8Array>): void {
    this.reader = reader;
    void this.pull();
  }

  private async pull(): Promise<void> {
    const reader = this.reader!;
    if (this.reading) return;
    this.reading = true;
    try {
      while (!this.paused && !this.gone) {
        const { value, done } = await reader.read();
        if (done) {
          this.body?.end(null);
          return;
        }
        if (value.byteLength > 0) this.body?.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
    } catch {
      this.peerGone();
    } finally {
      this.reading = false;
    }
  }

  mustClose(): boolean {
    return false;
  }

  protected stopReading(): void {}

  protected writeContinue(): void {}

  /** A web Response cannot hand over its connection: fetch platforms upgrade through their own API (Bun's server.upgrade, Deno.upgradeWebSocket). */
  override upgrade(): Written {
    throw new ResponseUsageError('WIRE_ERR_RESPONSE_STATE', 'res.upgrade is not available behind toFetchHandler: a fetch platform upgrades through its own API; serve with serveGeneric to use WebSockets');
  }

  switchProtocols(): Written {
    return this.upgrade();
  }

  writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean): void {
    if (status < 200) {
      // A web Response cannot carry an interim status.
      this.core.logError(`a fetch Response cannot carry status ${status}: answered 500 for ${this.method} ${this.request?.target ?? ''}`);
      this.answer(new Response('Internal Server Error\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
      return;
    }
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const init = { status, headers: headerInit(headers, noBody ? [] : [['content-length', String(length)]]) };
    this.answer(new Response(noBody || this.isHead || length === 0 ? null : body, init));
  }

  writeStreamHead(status: number, headers: NormalizedHeaders, _close: boolean, length: number): void {
    if (status < 200) return this.writeWhole(status, headers, '', true);
    const init = { status, headers: headerInit(headers, length >= 0 ? [['content-length', String(length)]] : []) };
    if (this.isHead) {
      this.answer(new Response(null, init));
      return;
    }
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: (controller) => {
          // A failed answer errors the body once what was written has been read: erroring drops what is still queued.
          if (this.failAfterRead && controller.desiredSize === STREAM_HIGH_WATER) controller.error(FAILED);
          const room = this.room;
          this.room = null;
          room?.();
        },
        cancel: () => this.peerGone(),
      },
      { highWaterMark: STREAM_HIGH_WATER },
    );
    this.answer(new Response(stream, init));
    this.writer.record.firstByte();
  }

  writeStreamChunk(data: string | Uint8Array): true | Promise<void> {
    const controller = this.controller;
    if (controller === null) return true;
    controller.enqueue(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    if ((controller.desiredSize ?? 1) > 0) return true;
    return new Promise((resolve) => (this.room = resolve));
  }

  writeStreamEnd(): void {
    // A web Response has no trailer fields: they are dropped.
    this.controller?.close();
  }

  protected closeConnection(): void {
    // The answer failed after its head: the client sees its body error, not a short body that looks whole.
    const controller = this.controller;
    if (controller === null) return;
    if (controller.desiredSize === STREAM_HIGH_WATER) controller.error(FAILED);
    else this.failAfterRead = true;
  }

  override peerGone(): void {
    super.peerGone();
    const room = this.room;
    this.room = null;
    room?.();
    void this.reader?.cancel().catch(() => {});
  }

  shutdown(): void {}

  pauseReading(): void {
    this.paused = true;
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.reader !== null) void this.pull();
  }
}

function rawHeadersOf(headers: Headers): string[] {
  const raw: string[] = [];
  headers.forEach((value, name) => raw.push(name, value));
  return raw;
}

/**
 * Serves `dispatch` to a fetch platform: `(request) => Promise<Response>`.
 * The Response arrives as soon as the head is written; a streamed body
 * follows with backpressure, and cancelling it aborts the request's signal.
 */
export function toFetchHandler<C>(ctx: C, dispatch: DispatchFn<C>, options: FetchHandlerOptions<C> = {}): (request: Request, peer?: FetchPeer) => Promise<Response> {
  if (typeof dispatch !== 'function') throw new TypeError('wirecore: toFetchHandler(ctx, dispatch, options) needs a dispatch function');
  const resolved = resolveOptions(options as ServeOptions<C>);
  // The handler is made synchronously, and tracing loads its package lazily: not here (a fetch platform has its own instrumentation).
  if (resolved.tracing !== null) throw new OptionError('options.tracing is not available on toFetchHandler: use the platform\'s OpenTelemetry instrumentation, or serveGeneric');
  const core = new ServerCore<C>(ctx, dispatch, resolved) as ServerCore<unknown>;
  // The ticker only watches responseTimeoutMs here: no connections, no other deadlines.
  if (core.timedExchanges !== null) core.startTicker();
  return (request, peer = {}) => {
    const url = new URL(request.url);
    const target = url.pathname + url.search;
    const rawHeaders = rawHeadersOf(request.headers);
    const ex = new FetchExchange(core, request.method, rawHeaders);
    const declared = request.headers.get('content-length');
    const length = declared !== null && /^\d+$/.test(declared) ? Number(declared) : -1;
    const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD' && length !== 0;
    ex.prepare(
      {
        method: request.method,
        target,
        versionMinor: 1,
        headers: rawHeaders,
        keepAlive: true,
        bodyKind: hasBody ? (length >= 0 ? BODY_LENGTH : BODY_CHUNKED) : BODY_NONE,
        contentLength: length,
        expectContinue: false,
      },
      { remoteAddress: peer.remoteAddress ?? '', remotePort: peer.remotePort ?? 0, secure: url.protocol === 'https:' },
    );
    if (ex.body !== null) ex.feed(request.body!.getReader());
    else void request.body?.cancel().catch(() => {});
    request.signal?.addEventListener('abort', () => ex.destroy(), { once: true });
    ex.start();
    return ex.response;
  };
}
