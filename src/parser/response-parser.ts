// A strict HTTP/1.1 response parser on the same llhttp instance: what the
// tests, inject() and the parity harness judge answers with.
import { ErrorCode, ParserType, SPAN_FIELD, SPAN_VALUE, errorReason, execute, finish, llhttp, spans, type LlhttpHandler } from './llhttp.js';

export interface ParsedResponse {
  status: number;
  versionMinor: number;
  /** [name0, value0, …] in wire order. */
  headers: string[];
  body: Buffer;
  trailers: string[] | null;
  keepAlive: boolean;
  chunked: boolean;
}

export interface ParseResponsesResult {
  responses: ParsedResponse[];
  /** llhttp's reason when the bytes are not a valid response stream. */
  error: string | null;
  /** The last response was cut off. */
  incomplete: boolean;
}

class ResponseCollector implements LlhttpHandler {
  readonly responses: ParsedResponse[] = [];
  data: Buffer = Buffer.alloc(0);
  private current: ParsedResponse | null = null;
  private parts: Buffer[] = [];
  private field = '';
  private value = '';
  private inValue = false;
  private headersDone = false;
  midMessage = false;

  constructor(
    private readonly ptr: number,
    private readonly isHeadRequest: (index: number) => boolean,
  ) {}

  onMessageBegin(): number {
    this.current = { status: 0, versionMinor: 0, headers: [], body: Buffer.alloc(0), trailers: null, keepAlive: false, chunked: false };
    this.parts = [];
    this.headersDone = false;
    this.field = this.value = '';
    this.inValue = false;
    this.midMessage = true;
    return 0;
  }
  private push(): void {
    const list = this.headersDone ? (this.current!.trailers ??= []) : this.current!.headers;
    list.push(this.field, this.value.trimEnd());
    this.field = this.value = '';
    this.inValue = false;
  }
  /** Joins the field and value pieces recorded since the last call. */
  takeSpans(): void {
    const { list, count } = spans;
    spans.count = 0;
    for (let i = 0; i < count; i += 3) {
      const piece = this.data.latin1Slice(list[i + 1]!, list[i + 2]!);
      if (list[i] === SPAN_FIELD) {
        if (this.inValue) this.push();
        this.field += piece;
      } else if (list[i] === SPAN_VALUE) {
        this.value += piece;
        this.inValue = true;
      }
    }
  }
  onHeadersComplete(status: number, _upgrade: boolean, keepAlive: boolean): number {
    this.takeSpans();
    if (this.field !== '' || this.inValue) this.push();
    const r = this.current!;
    r.status = status;
    r.versionMinor = llhttp.llhttp_get_http_minor(this.ptr);
    r.keepAlive = keepAlive;
    r.chunked = r.headers.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'transfer-encoding');
    this.headersDone = true;
    // Interim (1xx) answers do not count as the response to a request.
    const index = this.responses.length;
    return status >= 200 && this.isHeadRequest(index) ? 1 : 0;
  }
  onBody(start: number, end: number): number {
    this.parts.push(Buffer.from(this.data.subarray(start, end)));
    return 0;
  }
  onMessageComplete(): number {
    this.takeSpans();
    if (this.field !== '' || this.inValue) this.push();
    const r = this.current!;
    r.body = Buffer.concat(this.parts);
    // 101 Switching Protocols is the answer: what follows it is another protocol's.
    if (r.status >= 200 || r.status === 101) this.responses.push(r);
    this.midMessage = false;
    return 0;
  }
}

/**
 * Parses a stream of responses. `eof` says the connection closed after these
 * bytes (a close-delimited body ends there). `isHeadRequest(i)` says whether
 * the i-th request was HEAD.
 */
export function parseResponses(bytes: Uint8Array, options: { eof?: boolean; isHeadRequest?: (index: number) => boolean } = {}): ParseResponsesResult {
  const ptr = llhttp.llhttp_alloc(ParserType.RESPONSE);
  const collector = new ResponseCollector(ptr, options.isHeadRequest ?? (() => false));
  try {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    collector.data = data;
    let code = data.length > 0 ? execute(ptr, collector, data) : ErrorCode.OK;
    collector.takeSpans();
    if (code === ErrorCode.OK && options.eof) code = finish(ptr, collector);
    // After a 101 the bytes are the new protocol's: not an error, and not parsed.
    if (code === ErrorCode.PAUSED_UPGRADE) code = ErrorCode.OK;
    const error = code === ErrorCode.OK ? null : errorReason(ptr) || `llhttp error ${code}`;
    return { responses: collector.responses, error, incomplete: code === ErrorCode.OK && collector.midMessage };
  } finally {
    llhttp.llhttp_free(ptr);
  }
}
