// One request on uWebSockets.js: its answer written with uWS's response calls
// (uWS frames it and adds Date and the length), held back when it ends the
// connection, lingering for a body still arriving, and its abort handler.
import type { NormalizedHeaders } from '../writer/headers.js';
import type { Written } from '../types.js';
import { statusHasNoBody } from '../writer/head.js';
import type { ProxyPeer } from '../types.js';
import type { OpenConnection, ServerCore } from './core.js';
import { FramedExchange } from './framed-exchange.js';
import { LINGER_MS } from './stream/deadlines.js';
import { connectionValueLength, estimateHeadBytes, statusText } from './uws-heads.js';
import type { UwsResponse } from './uws-loader.js';
import type { AcceptedUpgrade } from '../websocket/upgrade.js';
import type { UwsSocketData } from '../websocket/uws-codec.js';

/** True while uWS runs our handler synchronously (and has corked the socket itself). */
let inHandler = false;

/** Set around each run of uWS's route handler (uws.ts). */
export function setInUwsHandler(running: boolean): void {
  inHandler = running;
}

/** Writes held back past this many bytes report backpressure. */
const HELD_HIGH_WATER = 64 * 1024;

/**
 * Ends without a body or a length. When the request asked to close, uWS closes after it on its own; a close
 * this side decided needs a length uWS writes itself to take effect, so such a 204/304 carries
 * "Content-Length: 0" (PARITY.md, empty-close).
 */
function endEmpty(res: UwsResponse, close: boolean, closesItself: boolean): void {
  if (close && !closesItself) res.endWithoutBody(0, true);
  else res.endWithoutBody();
}

type UwsWrite = () => true | Promise<void>;

/**
 * An answer that ends the connection while the request body still arrives
 * waits for the body's last byte, or this long without a new one (LINGER_MS
 * at most): uWS closes as soon as such an answer ends, and bytes arriving
 * after that meet a reset, which can cost the peer the answer.
 */
const LINGER_QUIET_MS = 500;

/** One request on uWS. */
export class UwsExchange extends FramedExchange {
  private closeAfter = false;
  /**
   * uWS parses every request a read holds before it flushes any answer, and
   * runs each handler's promise jobs before it parses the next. So an answer
   * that ends the connection is not written at once: it waits for
   * setImmediate, and uWS, seeing a request arrive while this one is
   * unanswered, closes the connection instead of handing the bytes after it
   * to a handler.
   */
  private held: UwsWrite[] | null = null;
  private heldBytes = 0;
  private heldDrained: Array<() => void> | null = null;
  /** Set while a write waits for room: retries with uWS's write offset, true once it went through. */
  private retry: ((offset: number) => boolean) | null = null;
  private release: (() => void) | null = null;
  private watchingWritable = false;
  private address: string | null = null;
  /** The request declares a body and uWS has not yet passed its last byte. */
  arriving = false;
  /** While an answer that ends the connection waits for the rest of the body: ends it. */
  private lingerEnd: (() => void) | null = null;
  /** The body stream paused uWS's reading (res.pause()). */
  private paused = false;
  /** Its quiet-period timer, pushed back by every chunk that arrives. */
  private lingerQuiet: NodeJS.Timeout | null = null;
  /** uWS closes after this answer on its own and writes no "Connection: close" for it. */
  private readonly uwsClosesSilently: boolean;
  readonly remotePort = 0;
  /** The balancer, under proxyProtocol. */
  proxy: ProxyPeer | null = null;
  get secure(): boolean {
    return this.core.options.tls !== undefined;
  }
  /** uWS keeps its own timeouts: the server's ticker has nothing to do here. */
  readonly deadline = 0;
  prevOpen: OpenConnection | null = null;
  nextOpen: OpenConnection | null = null;

  constructor(
    core: ServerCore<unknown>,
    private readonly res: UwsResponse,
    method: string,
    requestHeaders: readonly string[],
    /** uWS's WebSocket context, when the request came through the upgrade handler. */
    private readonly upgradeContext: unknown = null,
  ) {
    super(core, method, requestHeaders);
    this.uwsClosesSilently = connectionValueLength(requestHeaders) === 5;
    core.connections.add(this);
  }

  private abortWatched = false;

  /**
   * uWS needs an abort handler on a response its handler leaves unanswered; one answered in the handler
   * (most are) needs none, and skips making it.
   */
  watchAbort(): void {
    if (this.abortWatched || this.uwsDone) return;
    this.abortWatched = true;
    this.res.onAborted(() => {
      this.uwsDone = true;
      this.peerGone();
    });
  }

  /** The client a PROXY header named, and the balancer. */
  proxied(address: string, proxy: ProxyPeer | null): void {
    this.address = address;
    this.proxy = proxy;
  }

  /** uWS passed a chunk of the request body (the last one when `isLast`). */
  bodyArrived(isLast: boolean): void {
    if (isLast) this.arriving = false;
    const end = this.lingerEnd;
    if (end === null) return;
    if (isLast) end();
    else this.lingerQuiet?.refresh();
  }

  /**
   * Holds an answer that ends the connection until the body has arrived (or
   * went quiet, or LINGER_MS passed), reading and dropping it meanwhile. uWS
   * cannot half-close (net sends its FIN and reads on): ending the answer is
   * closing the socket, and its chunked framing cannot be ended with a close
   * (it writes "Connection: close" into the body), so the whole answer waits.
   * A request arriving meanwhile makes uWS close: none reaches a handler.
   */
  private lingerThen(write: () => void): void {
    const end = () => {
      clearTimeout(total);
      clearTimeout(quiet);
      this.lingerEnd = this.lingerQuiet = null;
      if (!this.uwsDone) this.res.cork(write);
    };
    const total = setTimeout(end, LINGER_MS).unref();
    const quiet = (this.lingerQuiet = setTimeout(end, LINGER_QUIET_MS).unref());
    this.lingerEnd = end;
  }

  /** Read while the response is alive (uWS invalidates it after the answer), then remembered. */
  get remoteAddress(): string {
    if (this.address === null) this.address = this.uwsDone ? '' : Buffer.from(this.res.getRemoteAddressAsText()).toString('latin1');
    return this.address;
  }

  /** Runs uWS calls now (corked), or after the current read when the answer ends the connection. */
  private touch(write: UwsWrite, bytes = 0): true | Promise<void> {
    if (this.uwsDone) return true;
    const held = this.held;
    if (held !== null) {
      held.push(write);
      this.heldBytes += bytes;
      if (this.heldBytes < HELD_HIGH_WATER) return true;
      return new Promise((resolve) => (this.heldDrained ??= []).push(resolve));
    }
    if (inHandler) {
      // A write that fails can end the response inside it: the abort handler must be there first.
      this.watchAbort();
      return write();
    }
    let result: true | Promise<void> = true;
    this.res.cork(() => {
      result = write();
    });
    return result;
  }

  private async writeHeld(): Promise<void> {
    const held = this.held!;
    while (held.length > 0 && !this.gone && !this.uwsDone) {
      const write = held.shift()!;
      let result: true | Promise<void> = true;
      this.res.cork(() => {
        result = write();
      });
      if (result !== true) await result;
    }
    this.held = null;
    const drained = this.heldDrained;
    this.heldDrained = null;
    drained?.forEach((resolve) => resolve());
  }

  /** uWS has let go of the response (aborted, or its answer ended): touching it again would throw. */
  private uwsDone = false;

  override peerGone(): void {
    super.peerGone();
    this.retry = null;
    const release = this.release;
    this.release = null;
    release?.();
    const drained = this.heldDrained;
    this.heldDrained = null;
    drained?.forEach((resolve) => resolve());
  }

  mustClose(asked: boolean, status: number): boolean {
    if (this.closeAfter) return true;
    this.closeAfter = asked || status < 200 || this.core.closing || this.uwsClosesSilently || this.closeRequired();
    // Whether uWS is still in the read that holds this request (its handler, or the promise jobs run right after it) cannot be told: always wait.
    if (this.closeAfter) {
      this.held = [];
      setImmediate(() => void this.writeHeld());
    }
    return this.closeAfter;
  }

  protected stopReading(): void {}

  /**
   * Status and headers; uWS adds Date, Content-Length or Transfer-Encoding
   * itself, and "Connection: close" when told to close at the end, unless
   * the request asked to close (then uWS closes without saying so). A stream
   * says it in its head: uWS would write the field after the body has begun.
   */
  private writeHead(status: number, headers: NormalizedHeaders, close: boolean, stream: boolean): void {
    const res = this.res;
    const record = this.writer.record;
    // Only onResponse reads the figure: estimate it only when someone listens.
    if (record.timed) record.headerBytes = estimateHeadBytes(status, headers.pairs);
    // 200 OK is what uWS writes when no status is given; a stream's status line goes out now, so an abort before its first chunk still sends it.
    if (status !== 200 || stream) res.writeStatus(statusText(status));
    // The writer owns Connection: written here only where uWS will not write it (PARITY.md).
    if (close && (this.uwsClosesSilently || stream)) res.writeHeader('Connection', 'close');
    for (const [name, value] of headers.pairs) {
      if (name.length === 4 && name.toLowerCase() === 'date') continue;
      res.writeHeader(name, value);
    }
  }

  writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean, close: boolean): void {
    const write = () => {
      this.resumeReading();
      this.writeHead(status, headers, close, false);
      if (noBody) endEmpty(this.res, close, this.uwsClosesSilently);
      else if (this.isHead) this.endHead(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength, close);
      else this.res.end(body, close);
      this.uwsDone = true;
    };
    // In the handler, an answer that ends at once needs no abort handler.
    if (inHandler && this.held === null && !this.uwsDone && !(close && this.arriving)) return write();
    this.touch(() => {
      // Decided when written: a closing answer waits for uWS to finish its read, and the body may have ended by then.
      if (close && this.arriving) this.lingerThen(write);
      else write();
      return true;
    });
  }

  /**
   * Ends an answer with no body that reports `length` bytes (HEAD). uWS's endWithoutBody(length) keeps such a
   * response open in its C++ (owing those bytes) while its JavaScript side lets go of it: the next request on
   * the connection would be refused and no close would ever come. So the length goes out as a field of ours
   * and the response ends empty. uWS closes after it when the client asked; a close this side decided is said
   * in the head ("Connection: close") and left to the client, as uWS's idle keep-alive sockets are (PARITY.md).
   */
  private endHead(length: number, close: boolean): void {
    const res = this.res;
    res.writeHeader('Content-Length', String(length));
    if (close && !this.uwsClosesSilently) res.writeHeader('Connection', 'close');
    res.endWithoutBody();
  }

  writeStreamHead(status: number, headers: NormalizedHeaders, close: boolean): void {
    // uWS sends the head with the first chunk (or the end): it writes no empty chunk (PARITY.md).
    this.touch(() => {
      this.writeHead(status, headers, close, true);
      return true;
    });
  }

  writeStreamChunk(data: string | Uint8Array, declared: number): true | Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (declared >= 0) return this.touch(() => this.writeKnownLength(bytes, declared), bytes.byteLength);
    return this.touch(() => {
      // A failed write is how uWS notices a vanished peer: onAborted may have run inside it.
      if (this.res.write(bytes) || this.gone) return true;
      // uWS buffered the rest of this chunk; wait until it has gone out.
      return this.whenWritable(() => true);
    }, bytes.byteLength);
  }

  /**
   * A declared length goes out through tryEnd, which frames with
   * Content-Length; unlike write(), what the socket refuses is not buffered
   * by uWS, so the rest is offered again from onWritable.
   */
  private writeKnownLength(chunk: Uint8Array, declared: number): true | Promise<void> {
    let rest = chunk;
    let startOffset = this.res.getWriteOffset();
    if (this.tryEnd(rest, declared) || this.gone) return true;
    return this.whenWritable((offset) => {
      rest = rest.subarray(offset - startOffset);
      let ok = false;
      this.res.cork(() => {
        startOffset = this.res.getWriteOffset();
        ok = this.tryEnd(rest, declared);
      });
      return ok;
    });
  }

  /** tryEnd, noting when it has ended the response with the last declared byte. */
  private tryEnd(chunk: Uint8Array, declared: number): boolean {
    const [ok, done] = this.res.tryEnd(chunk, declared);
    if (done) this.uwsDone = true;
    return ok;
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
        const pending = this.retry;
        if (pending === null) return true;
        if (!pending(offset)) return false;
        this.retry = null;
        const release = this.release;
        this.release = null;
        release?.();
        return true;
      });
    });
  }

  writeStreamEnd(_trailers: NormalizedHeaders | null, declared: number, noBody: boolean): void {
    // uWS cannot send trailer fields: they are dropped (PARITY.md).
    // Told to close here, uWS would write "Connection: close" into the body: the head has said it.
    const close = this.closeAfter && this.uwsClosesSilently;
    // A declared length has already ended the response with its last byte (tryEnd): touch() then does nothing.
    this.touch(() => {
      this.resumeReading();
      if (declared > 0 && noBody) this.endHead(declared, close);
      else if (declared >= 0) this.res.endWithoutBody(0, close);
      else if (noBody || statusHasNoBody(this.writer.record.status)) endEmpty(this.res, close, this.uwsClosesSilently);
      else this.res.end(undefined, close);
      this.uwsDone = true;
      return true;
    });
  }

  override answered(): void {
    const record = this.writer.record;
    if (record.timed && record.headerBytes === 0) record.headerBytes = estimateHeadBytes(record.status, []);
    super.answered();
  }

  protected override released(): void {
    this.core.connectionClosed(this);
  }

  protected closeConnection(): void {
    // uWS drops what is still corked when it closes: close once the current cork has been flushed.
    setImmediate(() => {
      if (!this.uwsDone) this.res.close();
    });
  }

  shutdown(): void {
    this.closeAfter = true;
  }

  protected writeContinue(): void {
    // uWS gives no control over 100 Continue (PARITY.md).
  }

  switchProtocols(accepted: AcceptedUpgrade): Written {
    const context = this.upgradeContext;
    // uWS hands every GET with a 24-character Sec-WebSocket-Key to the upgrade handler, and no other request passes the handshake.
    if (context === null) throw new Error('unreachable: a request that passes the handshake comes through uWS\'s upgrade handler');
    const data: UwsSocketData = { accepted, socket: null };
    const extensions = this.hub.options.compression ? accepted.extensionsOffer : '';
    return this.writer.switchProtocols(() => {
      this.touch(() => {
        const res = this.res;
        if (accepted.headers.length > 0) {
          // Fields of its own need the status written first, or uWS writes "200 OK".
          res.writeStatus('101 Switching Protocols');
          for (const [name, value] of accepted.headers) res.writeHeader(name, value);
        }
        res.upgrade(data, accepted.key, accepted.protocol, extensions, context);
        this.uwsDone = true;
        return true;
      });
      return estimateHeadBytes(101, accepted.headers);
    });
  }

  pauseReading(): void {
    // After its answer a uWS response is gone: touching it would throw.
    if (this.uwsDone || this.writer.done) return;
    this.res.pause();
    this.paused = true;
  }

  /**
   * Also after the answer while uWS still holds the response (a closing
   * answer waiting for the body), and before ending it: uWS keeps a socket
   * paused past the end of its response, so the next request would never be read.
   */
  resumeReading(): void {
    if (this.uwsDone || !this.paused) return;
    this.paused = false;
    this.res.resume();
  }

  onDeadline(): void {}
}
