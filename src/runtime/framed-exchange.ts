// An exchange on a runtime that frames responses itself (uWS, node:http, a
// fetch platform): the shared pipeline (Exchange) plus the FramedWriter's
// sink. A binding subclasses it with how its runtime writes and closes.
import { FramedWriter, type FrameSink } from '../writer/framed-writer.js';
import type { NormalizedHeaders } from '../writer/headers.js';
import type { ServerCore } from './core.js';
import { Exchange } from './exchange.js';

export abstract class FramedExchange extends Exchange implements FrameSink {
  readonly writer: FramedWriter;
  gone = false;

  constructor(core: ServerCore<unknown>, method: string, requestHeaders: readonly string[]) {
    super(core, method, requestHeaders);
    this.writer = new FramedWriter(this, core.options.onResponse !== undefined);
  }

  abstract mustClose(asked: boolean, status: number): boolean;
  abstract writeWhole(status: number, headers: NormalizedHeaders, body: Uint8Array | string, noBody: boolean, close: boolean): void;
  abstract writeStreamHead(status: number, headers: NormalizedHeaders, close: boolean, length: number): void;
  abstract writeStreamChunk(data: string | Uint8Array, declared: number): true | Promise<void>;
  abstract writeStreamEnd(trailers: NormalizedHeaders | null, declared: number, noBody: boolean): void;
  /** Closes the connection once what was written has gone out, without finishing the answer. */
  protected abstract closeConnection(): void;

  answered(): void {
    // What the handler left unread is dropped, as on net: kept, it would pile up and pause a socket that must drain.
    this.body?.answered();
    this.report();
    this.released();
  }

  /** The answer is over: the binding lets go of what it holds for it. */
  protected released(): void {}

  /** The peer left: abort the signal and the body, end the answer as aborted. */
  peerGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.abort();
    this.writer.peerGone();
  }

  destroy(): void {
    if (this.gone) return;
    this.closeConnection();
    this.peerGone();
  }
}
