// One HTTP/1.1 request parser per connection over the shared llhttp instance.
// Strings are made once per message straight from the caller's buffer; body
// chunks are zero-copy views of it.
import { ErrorCode, ParserType, errorOffset, errorReason, execute, llhttp, methodNames, type LlhttpHandler } from './llhttp.js';
import { checkHead, rejectFromLlhttp, type Rejection } from './validate.js';

declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
  }
}

export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
export const BODY_CHUNKED = 2;

export interface ParsedHead {
  method: string;
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (anything else is rejected). */
  versionMinor: number;
  /** Header names and values in wire order: [name0, value0, name1, value1, …]. */
  headers: string[];
  keepAlive: boolean;
  bodyKind: number;
  contentLength: number;
  expectContinue: boolean;
}

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

/** What execute() reports back to the connection. */
export const PARSE_OK = 0;
export const PARSE_PAUSED = 1;
export const PARSE_CLOSED = 2;
export const PARSE_REJECTED = 3;

const EMPTY: string[] = [];
const SPAN_URL = 0;
const SPAN_FIELD = 1;
const SPAN_VALUE = 2;
const EMPTY_BUFFER = Buffer.alloc(0);

export class RequestParser implements LlhttpHandler {
  private ptr: number;
  private data: Buffer = EMPTY_BUFFER;
  private pending: Buffer | null = null;

  /** Message state. */
  private inMessage = false;
  private headersDone = false;
  private url = '';
  private field = '';
  private value = '';
  private valueStarted = false;
  private headers: string[] = EMPTY;
  private trailers: string[] | null = null;
  private headerBytes = 0;
  private rawHeadBytes = 0;
  private headStartedInChunk = false;
  private headStartOffset = 0;
  private urlLength = 0;
  /**
   * While a head lies in one chunk its pieces are kept as [kind, start, end]
   * offsets and become strings at the end of the head: one latin1 slice of
   * the whole head, cut into substrings, instead of one slice per piece.
   */
  private spans: number[] = [];
  private spanMode = false;

  /** Set when a callback or check refused the message. */
  rejection: Rejection | null = null;

  constructor(
    private readonly sink: RequestParserSink,
    private readonly limits: ParserLimits,
  ) {
    this.ptr = llhttp.llhttp_alloc(ParserType.REQUEST);
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
    if (this.ptr === 0) return PARSE_CLOSED;
    // A head continuing from the last chunk: its pieces become strings before that chunk goes.
    if (this.spanMode && this.inHead) this.materialize();
    this.data = data;
    this.headStartedInChunk = false;
    const wasInHead = this.inHead;
    const code = execute(this.ptr, this, data);
    // An idle connection keeps nothing of the last chunk or message alive.
    if (!this.inMessage) this.data = EMPTY_BUFFER;
    if (code === ErrorCode.OK) {
      if (this.inHead) return this.countRawHead(wasInHead, data.length);
      return PARSE_OK;
    }
    const stopAt = errorOffset(this.ptr);
    if (code === ErrorCode.PAUSED) {
      this.pending = stopAt < data.length ? data.subarray(stopAt) : null;
      return PARSE_PAUSED;
    }
    if (code === ErrorCode.PAUSED_UPGRADE) {
      // Upgrade is not offered: the request was answered as a plain one and
      // what follows is parsed as the next request.
      llhttp.llhttp_resume_after_upgrade(this.ptr);
      return stopAt < data.length ? this.execute(data.subarray(stopAt)) : PARSE_OK;
    }
    if (code === ErrorCode.CLOSED_CONNECTION) return PARSE_CLOSED;
    if (this.rejection === null) this.rejection = rejectFromLlhttp(code, errorReason(this.ptr), data, stopAt);
    return PARSE_REJECTED;
  }

  /** Continues after a pause; returns like execute(). */
  resume(): number {
    if (this.ptr === 0) return PARSE_CLOSED;
    llhttp.llhttp_resume(this.ptr);
    const rest = this.pending;
    this.pending = null;
    return rest === null ? PARSE_OK : this.execute(rest);
  }

  destroy(): void {
    if (this.ptr !== 0) {
      llhttp.llhttp_free(this.ptr);
      this.ptr = 0;
    }
  }

  /** Guards against a head padded with bytes no callback counts (e.g. whitespace runs). */
  private countRawHead(wasInHead: boolean, length: number): number {
    this.rawHeadBytes += wasInHead && !this.headStartedInChunk ? length : length - this.headStartOffset;
    if (this.rawHeadBytes > this.limits.maxHeaderBytes + this.limits.maxTargetBytes + 64) {
      this.rejection = { status: 431, reason: 'Request header fields too large' };
      return PARSE_REJECTED;
    }
    return PARSE_OK;
  }

  onMessageBegin(): number {
    this.inMessage = true;
    this.headersDone = false;
    this.url = '';
    this.field = '';
    this.value = '';
    this.valueStarted = false;
    this.headers = [];
    this.trailers = null;
    this.headerBytes = 0;
    this.rawHeadBytes = 0;
    this.headStartedInChunk = true;
    this.headStartOffset = 0;
    this.urlLength = 0;
    this.spans.length = 0;
    this.spanMode = true;
    return 0;
  }

  private materialize(): void {
    this.spanMode = false;
    const spans = this.spans;
    if (spans.length === 0) return;
    const base = spans[1]!;
    const text = this.data.latin1Slice(base, spans[spans.length - 1]!);
    for (let i = 0; i < spans.length; i += 3) {
      const piece = text.slice(spans[i + 1]! - base, spans[i + 2]! - base);
      switch (spans[i]) {
        case SPAN_URL:
          this.url += piece;
          break;
        case SPAN_FIELD:
          if (this.valueStarted) this.pushHeader();
          this.field += piece;
          break;
        default:
          this.value += piece;
          this.valueStarted = true;
      }
    }
    spans.length = 0;
  }

  onUrl(start: number, end: number): number {
    if (this.urlLength === 0) {
      this.headStartOffset = start;
      // One SP between method and target (RFC 9112 §3); llhttp lets more through.
      if (start >= 2 && this.data[start - 2] === 0x20) {
        this.rejection = { status: 400, reason: 'Invalid request line' };
        return ErrorCode.USER;
      }
    }
    if (this.spanMode) this.spans.push(SPAN_URL, start, end);
    else this.url += this.data.latin1Slice(start, end);
    this.urlLength += end - start;
    if (this.urlLength > this.limits.maxTargetBytes) {
      this.rejection = { status: 414, reason: 'URI too long' };
      return ErrorCode.USER;
    }
    return 0;
  }

  onStatus(): number {
    return 0;
  }

  onHeaderField(start: number, end: number): number {
    if (this.spanMode) this.spans.push(SPAN_FIELD, start, end);
    else {
      if (this.valueStarted) this.pushHeader();
      this.field += this.data.latin1Slice(start, end);
    }
    // A field line costs its name, its value and ": " + CRLF.
    return this.countHeaderBytes(end - start + 4);
  }

  onHeaderValue(start: number, end: number): number {
    if (this.spanMode) this.spans.push(SPAN_VALUE, start, end);
    else {
      this.value += this.data.latin1Slice(start, end);
      this.valueStarted = true;
    }
    return this.countHeaderBytes(end - start);
  }

  private countHeaderBytes(n: number): number {
    this.headerBytes += n;
    if (this.headerBytes > this.limits.maxHeaderBytes) {
      this.rejection = { status: 431, reason: this.headersDone ? 'Trailer fields too large' : 'Request header fields too large' };
      return ErrorCode.USER;
    }
    return 0;
  }

  private pushHeader(): void {
    const list = this.headersDone ? (this.trailers ??= []) : this.headers;
    // Trailing whitespace is not part of a field value (RFC 9110 §5.5).
    list.push(this.field, trimTrailingOws(this.value));
    this.field = '';
    this.value = '';
    this.valueStarted = false;
  }

  onHeadersComplete(_status: number, _upgrade: boolean, keepAlive: boolean): number {
    if (this.spanMode) this.materialize();
    if (this.field !== '' || this.valueStarted) this.pushHeader();
    this.headersDone = true;
    this.headerBytes = 0;
    const ptr = this.ptr;
    const major = llhttp.llhttp_get_http_major(ptr);
    const minor = llhttp.llhttp_get_http_minor(ptr);
    const method = methodNames[llhttp.llhttp_get_method(ptr)] ?? 'UNKNOWN';
    const head = checkHead(method, this.url, major, minor, this.headers, keepAlive);
    if ('status' in head) {
      this.rejection = head;
      return ErrorCode.USER;
    }
    this.sink.onRequestHead(head);
    return 0;
  }

  onBody(start: number, end: number): number {
    this.sink.onRequestBody(this.data.subarray(start, end));
    return 0;
  }

  onMessageComplete(): number {
    if (this.field !== '' || this.valueStarted) this.pushHeader();
    this.inMessage = false;
    const trailers = this.trailers;
    this.headers = EMPTY;
    this.trailers = null;
    this.url = '';
    const pause = this.sink.onRequestEnd(trailers);
    return pause ? ErrorCode.PAUSED : 0;
  }
}

function trimTrailingOws(value: string): string {
  const last = value.charCodeAt(value.length - 1);
  if (last !== 0x20 && last !== 0x09) return value;
  let end = value.length - 1;
  while (end > 0 && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return value.slice(0, end);
}
