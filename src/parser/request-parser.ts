// The HTTP/1.1 request parser a connection reads with (an idle one hands it to the server's spares).
// Strings are made once per message straight from the caller's buffer; body
// chunks are zero-copy views of it.
import { ErrorCode, ParserType, SPAN_FIELD, SPAN_URL, SPAN_VALUE, errorOffset, errorReason, execute, llhttp, methodNames, spans, type LlhttpHandler } from './llhttp.js';
import { BODY_NONE, type ParsedHead, type Rejection } from './head.js';
import { FastHeadReader } from './fast-path.js';
import { FramingValueRewriter } from './framing-ows.js';
import { checkFastHead, checkHead, rejectFromLlhttp } from './validate.js';
import { EMPTY, EMPTY_BUFFER, LlhttpState, NO_LLHTTP } from './llhttp-state.js';
import './latin1-slice.js';

export { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, type ParsedHead } from './head.js';

export interface RequestParserSink {
  onRequestHead(head: ParsedHead): void;
  onRequestBody(chunk: Buffer): void;
  /** Returns true when the connection wants parsing paused after this message. */
  onRequestEnd(trailers: string[] | null): boolean;
}

export interface ParserLimits {
  maxHeaderBytes: number;
  maxTargetBytes: number;
}

export interface ParserOptions {
  /** Read canonical heads without llhttp (default true); false leaves every byte to llhttp (the differential test's reference). */
  fastPath?: boolean;
}

/** What execute() reports back to the connection. */
export const PARSE_OK = 0;
export const PARSE_PAUSED = 1;
export const PARSE_CLOSED = 2;
export const PARSE_REJECTED = 3;
/** A request asked to switch protocols: parsing stops after it, and what follows its head is kept for the new protocol (takeRest). */
export const PARSE_UPGRADE = 4;


/** One reader serves every parser: it runs only inside execute(), which is never re-entered, and keeps nothing after it. */
const fastReader = new FastHeadReader();

const PROTOCOL_CHECKED = 0;
/** The next chunk starts with the byte after the target (or more of the target). */
const PROTOCOL_DELIMITER = 1;
/** The next chunk starts with the protocol's first letter. */
const PROTOCOL_LETTER = 2;
const SP = 0x20;
const LETTER_H = 0x48;

export class RequestParser implements LlhttpHandler {
  /** Made with llhttp's state: only heads llhttp reads need it. */
  framingRewriter: FramingValueRewriter | null = null;
  private destroyed = false;
  private pending: Buffer | null = null;

  /** llhttp's side, made when llhttp first reads for this connection (idle connections the fast path serves never need it). */
  private ll: LlhttpState = NO_LLHTTP;

  /** Message state. */
  private inMessage = false;
  private headersDone = false;
  /** The request line continues in the next chunk with the byte after the target (or the protocol's first letter) still to check. */
  private protocolPending = PROTOCOL_CHECKED;

  /** Set when a callback or check refused the message. */
  rejection: Rejection | null = null;

  /** Null when the fast path is off. */
  private readonly fast: FastHeadReader | null;
  /** Body bytes still to come for a message the fast path read. */
  private fastBodyLeft = 0;
  /** The message the fast path is reading ends the connection, as llhttp would judge it. */
  private fastCloses = false;
  /** The fast path paused after a message (llhttp itself is not paused). */
  private fastPaused = false;
  /** A message said the connection closes after it: like llhttp, no byte after it is read. */
  private closedAfter = false;
  /** Heads the fast path read (the rest went to llhttp). */
  fastHeads = 0;
  /** Stopped after a request that asks to switch protocols: nothing more is parsed. */
  private upgraded = false;

  constructor(
    private sink: RequestParserSink,
    private readonly limits: ParserLimits,
    options: ParserOptions = {},
  ) {
    this.fast = options.fastPath === false ? null : fastReader;
  }

  /** At a message boundary with nothing kept (no bytes, no llhttp state, no verdict): another connection may take it over. */
  get reusable(): boolean {
    return !this.inMessage && this.pending === null && this.ll === NO_LLHTTP && !this.destroyed && !this.closedAfter && !this.upgraded && !this.fastPaused && this.rejection === null && this.fastBodyLeft === 0 && this.protocolPending === PROTOCOL_CHECKED;
  }

  /** Serves `sink` from now on (a reusable parser changing connections). */
  attach(sink: RequestParserSink): void {
    this.sink = sink;
  }

  /** True while a message has started and its last byte has not arrived. */
  get midMessage(): boolean {
    return this.inMessage;
  }

  /** True while the head of a message is still arriving. */
  get inHead(): boolean {
    return this.inMessage && !this.headersDone;
  }

  execute(data: Buffer): number {
    if (this.destroyed || this.closedAfter || this.upgraded) return PARSE_CLOSED;
    let at = 0;
    if (this.fastBodyLeft > 0) {
      const take = Math.min(this.fastBodyLeft, data.length);
      this.fastBodyLeft -= take;
      this.sink.onRequestBody(take === data.length ? data : data.subarray(0, take));
      at = take;
      if (this.fastBodyLeft > 0) return PARSE_OK;
      const code = this.endFastMessage(data, at);
      if (code !== PARSE_OK) return code;
    }
    const fast = this.fast;
    if (fast !== null && !this.inMessage && this.protocolPending === PROTOCOL_CHECKED) {
      let code = PARSE_OK;
      while (at < data.length) {
        const head = fast.read(data, at, this.limits);
        if (head === null) break;
        this.inMessage = true;
        this.headersDone = true;
        const checked = checkFastHead(head);
        if ('status' in checked) {
          this.rejection = checked;
          code = PARSE_REJECTED;
          break;
        }
        this.fastCloses = head.closes || !checked.keepAlive;
        this.fastHeads++;
        this.sink.onRequestHead(checked);
        at = head.end;
        if (head.contentLength > 0) {
          const take = Math.min(head.contentLength, data.length - at);
          if (take > 0) this.sink.onRequestBody(data.subarray(at, at + take));
          at += take;
          this.fastBodyLeft = head.contentLength - take;
          if (this.fastBodyLeft > 0) break;
        }
        code = this.endFastMessage(data, at);
        if (code !== PARSE_OK) break;
      }
      // The chunk's string is for this chunk only: nothing of it outlives the call.
      fast.release();
      if (code !== PARSE_OK || at >= data.length || this.fastBodyLeft > 0) return code;
    }
    return this.executeLlhttp(at === 0 ? data : data.subarray(at));
  }

  /** A message the fast path read is complete: end it as llhttp would (pause, or refuse what follows a closing one). */
  private endFastMessage(data: Buffer, at: number): number {
    this.inMessage = false;
    const pause = this.sink.onRequestEnd(null);
    if (this.fastCloses) this.closedAfter = true;
    if (pause) {
      this.fastPaused = true;
      this.pending = at < data.length ? data.subarray(at) : null;
      return PARSE_PAUSED;
    }
    return this.closedAfter && at < data.length ? PARSE_CLOSED : PARSE_OK;
  }

  private executeLlhttp(data: Buffer): number {
    // llhttp's state is made on first use: a connection the fast path serves never needs it.
    if (this.ll === NO_LLHTTP) {
      this.ll = new LlhttpState();
      this.ll.ptr = llhttp.llhttp_alloc(ParserType.REQUEST);
      this.framingRewriter = new FramingValueRewriter();
    }
    this.ll.data = data;
    this.ll.bodyEnd = 0;
    this.ll.headStartedInChunk = false;
    if (this.protocolPending !== PROTOCOL_CHECKED && data.length > 0 && !this.checkPendingProtocol(data)) return PARSE_REJECTED;
    const wasInHead = this.inHead;
    const code = execute(this.ll.ptr, this, data);
    // A head (or trailer) continuing in the next chunk: its pieces become strings before this chunk goes.
    if (code !== ErrorCode.OK) spans.count = 0;
    else if (spans.count > 0 && !this.takeSpans()) return PARSE_REJECTED;
    if (this.inHead) this.keepTail(data);
    // An idle connection keeps nothing of the last chunk or message alive.
    if (!this.inMessage) this.ll.data = EMPTY_BUFFER;
    if (code === ErrorCode.OK) {
      if (this.inHead) return this.countRawHead(wasInHead, data.length);
      return PARSE_OK;
    }
    const stopAt = errorOffset(this.ll.ptr);
    if ((code === ErrorCode.PAUSED || code === ErrorCode.PAUSED_UPGRADE) && this.upgraded) {
      this.pending = stopAt < data.length ? data.subarray(stopAt) : null;
      return PARSE_UPGRADE;
    }
    if (code === ErrorCode.PAUSED) {
      if (!this.ll.sinkPaused) return stopAt < data.length ? PARSE_CLOSED : PARSE_OK;
      this.ll.sinkPaused = false;
      this.pending = stopAt < data.length ? data.subarray(stopAt) : null;
      return PARSE_PAUSED;
    }
    if (code === ErrorCode.CLOSED_CONNECTION) return PARSE_CLOSED;
    if (this.rejection === null) this.rejection = rejectFromLlhttp(code, errorReason(this.ll.ptr), data, stopAt, this.ll.bodyEnd);
    return PARSE_REJECTED;
  }

  /** After PARSE_UPGRADE: the bytes that followed the upgrade's head (the new protocol's), or null. */
  takeRest(): Buffer | null {
    const rest = this.pending;
    this.pending = null;
    return rest;
  }

  /** Continues after a pause; returns like execute(). */
  resume(): number {
    if (this.destroyed) return PARSE_CLOSED;
    if (this.fastPaused) this.fastPaused = false;
    else llhttp.llhttp_resume(this.ll.ptr);
    const rest = this.pending;
    this.pending = null;
    return rest === null ? PARSE_OK : this.execute(rest);
  }

  destroy(): void {
    this.destroyed = true;
    if (this.ll.ptr !== 0) {
      llhttp.llhttp_free(this.ll.ptr);
      this.ll.ptr = 0;
    }
  }

  /** The last two bytes of a head cut by a chunk boundary, for the request-line check. */
  private keepTail(data: Buffer): void {
    const n = data.length;
    if (n >= 2) this.ll.tail = (data[n - 2]! << 8) | data[n - 1]!;
    else if (n === 1) this.ll.tail = ((this.ll.tail & 0xff) << 8) | data[0]!;
  }

  /** The byte `back` places before `at` in this chunk, or in the ones before it. */
  private byteBefore(at: number, back: number): number {
    const i = at - back;
    if (i >= 0) return this.ll.data[i]!;
    return i === -1 ? this.ll.tail & 0xff : (this.ll.tail >> 8) & 0xff;
  }

  /** Guards against a head padded with bytes no span counts (e.g. whitespace runs). */
  private countRawHead(wasInHead: boolean, length: number): number {
    this.ll.rawHeadBytes += wasInHead && !this.ll.headStartedInChunk ? length : length - this.ll.headStartOffset;
    if (this.ll.rawHeadBytes > this.limits.maxHeaderBytes + this.limits.maxTargetBytes + 64) {
      this.rejection = { status: 431, reason: 'Request header fields too large' };
      return PARSE_REJECTED;
    }
    return PARSE_OK;
  }

  onMessageBegin(): number {
    this.framingRewriter?.reset();
    this.inMessage = true;
    this.headersDone = false;
    this.ll.url = '';
    this.ll.field = '';
    this.ll.value = '';
    this.ll.valueStarted = false;
    this.ll.headers = [];
    this.ll.trailers = null;
    this.ll.headerBytes = 0;
    this.ll.rawHeadBytes = 0;
    this.ll.headStartedInChunk = true;
    this.ll.headStartOffset = 0;
    this.ll.urlLength = 0;
    return 0;
  }

  /**
   * Turns the spans recorded in this chunk into strings: one latin1 slice
   * covering them all, cut into substrings. Checks the target and header
   * size limits on the way; false when one is exceeded.
   */
  private takeSpans(): boolean {
    const count = spans.count;
    spans.count = 0;
    if (count === 0) return true;
    const list = spans.list;
    const data = this.ll.data;
    const base = list[1]!;
    const text = data.latin1Slice(base, list[count - 1]!);
    const limits = this.limits;
    for (let i = 0; i < count; i += 3) {
      const start = list[i + 1]!;
      const end = list[i + 2]!;
      const piece = text.slice(start - base, end - base);
      switch (list[i]) {
        case SPAN_URL:
          if (this.ll.urlLength === 0) {
            this.ll.headStartOffset = start;
            // One SP between method and target (RFC 9112 §3); llhttp lets more through.
            if (this.byteBefore(start, 2) === 0x20) return this.refuse(400, 'Invalid request line');
          }
          this.ll.url += piece;
          this.ll.urlLength += end - start;
          if (this.ll.urlLength > limits.maxTargetBytes) return this.refuse(414, 'URI too long');
          if (!this.checkAfterTarget(end)) return false;
          break;
        case SPAN_FIELD:
          if (this.ll.valueStarted) this.pushHeader();
          this.ll.field += piece;
          // A field line costs its name, its value and ": " + CRLF.
          this.ll.headerBytes += end - start + 4;
          break;
        case SPAN_VALUE:
          this.ll.value += piece;
          this.ll.valueStarted = true;
          this.ll.headerBytes += end - start;
          break;
      }
    }
    if (this.ll.headerBytes > limits.maxHeaderBytes) {
      return this.refuse(431, this.headersDone ? 'Trailer fields too large' : 'Request header fields too large');
    }
    return true;
  }

  /**
   * llhttp also parses HTTP/0.9 request lines (no version) and the RTSP/ and
   * ICE/ protocols; only HTTP/1.x is served. `end` is where the target ends.
   */
  private checkAfterTarget(end: number): boolean {
    const data = this.ll.data;
    this.protocolPending = PROTOCOL_CHECKED;
    if (end >= data.length) {
      this.protocolPending = PROTOCOL_DELIMITER;
      return true;
    }
    if (data[end] !== SP) return this.refuse(505, 'HTTP/0.9 is not supported');
    if (end + 1 >= data.length) {
      this.protocolPending = PROTOCOL_LETTER;
      return true;
    }
    return data[end + 1] === LETTER_H || this.refuse(400, 'Only HTTP/1.x is served');
  }

  /** The same check, for a request line cut right after its target. */
  private checkPendingProtocol(data: Buffer): boolean {
    const first = data[0]!;
    const pending = this.protocolPending;
    this.protocolPending = PROTOCOL_CHECKED;
    if (pending === PROTOCOL_LETTER) return first === LETTER_H || this.refuse(400, 'Only HTTP/1.x is served');
    if (first === 0x0d || first === 0x0a) return this.refuse(505, 'HTTP/0.9 is not supported');
    // More of the target: its span is checked when it ends.
    if (first !== SP) return true;
    if (data.length === 1) {
      this.protocolPending = PROTOCOL_LETTER;
      return true;
    }
    return data[1] === LETTER_H || this.refuse(400, 'Only HTTP/1.x is served');
  }

  private refuse(status: number, reason: string): false {
    this.rejection = { status, reason };
    return false;
  }

  private pushHeader(): void {
    const list = this.headersDone ? (this.ll.trailers ??= []) : this.ll.headers;
    // Trailing whitespace is not part of a field value (RFC 9110 §5.5).
    list.push(this.ll.field, trimTrailingOws(this.ll.value));
    this.ll.field = '';
    this.ll.value = '';
    this.ll.valueStarted = false;
  }

  onHeadersComplete(_status: number, upgrade: boolean): number {
    if (!this.takeSpans()) return ErrorCode.USER;
    this.ll.upgrade = upgrade;
    if (this.ll.field !== '' || this.ll.valueStarted) this.pushHeader();
    this.headersDone = true;
    this.ll.headerBytes = 0;
    const ptr = this.ll.ptr;
    const major = llhttp.llhttp_get_http_major(ptr);
    const minor = llhttp.llhttp_get_http_minor(ptr);
    const method = methodNames[llhttp.llhttp_get_method(ptr)] ?? 'UNKNOWN';
    const head = checkHead(method, this.ll.url, major, minor, this.ll.headers);
    if ('status' in head) {
      this.rejection = head;
      return ErrorCode.USER;
    }
    this.ll.messageKeepAlive = head.keepAlive;
    this.sink.onRequestHead(head);
    return 0;
  }

  onBody(start: number, end: number): number {
    this.ll.bodyEnd = end;
    this.sink.onRequestBody(this.ll.data.subarray(start, end));
    return 0;
  }

  onMessageComplete(): number {
    if (!this.takeSpans()) return ErrorCode.USER;
    if (this.ll.field !== '' || this.ll.valueStarted) this.pushHeader();
    this.inMessage = false;
    // No byte after a message that closes the connection is read, by llhttp's reading or by wirecore's (which takes OWS around "close").
    if (!this.ll.messageKeepAlive || llhttp.llhttp_should_keep_alive(this.ll.ptr) === 0) this.closedAfter = true;
    const trailers = this.ll.trailers;
    this.ll.headers = EMPTY;
    this.ll.trailers = null;
    this.ll.url = '';
    this.ll.sinkPaused = this.sink.onRequestEnd(trailers);
    // After a request that asks to switch protocols the bytes are not HTTP's until its answer says so: none is parsed.
    if (this.ll.upgrade) this.upgraded = true;
    // Pausing stops llhttp right after this message, also when what follows must not be read.
    return this.ll.sinkPaused || this.closedAfter || this.upgraded ? ErrorCode.PAUSED : 0;
  }
}

function trimTrailingOws(value: string): string {
  const last = value.charCodeAt(value.length - 1);
  if (last !== 0x20 && last !== 0x09) return value;
  let end = value.length - 1;
  while (end > 0 && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return value.slice(0, end);
}
