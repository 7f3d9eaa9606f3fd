// A strict fast path in front of llhttp. It reads only the canonical subset
// of a request head: a common method, an origin-form target of unreserved
// characters, HTTP/1.1 or HTTP/1.0, CRLF lines, token field names, printable
// ASCII values, at most one digits-only Content-Length, and no
// Transfer-Encoding or Upgrade. Anything else, or a head cut by the end of
// the chunk, is left unread to llhttp, which stays the authority on every
// verdict; test/parser-differential.test.ts checks both give the same
// verdict and the same fields.
//
// Measured (callgrind, a 300-byte GET): a byte loop in JavaScript costs ~25
// instructions a byte; one sticky regular expression over the head's
// string, compiled to machine code, ~12; native indexOf finds the lines. So
// a chunk becomes one string, the expression checks a whole head and tells
// where it ends, and fields are cut from that string when asked for.
import { BODY_LENGTH, BODY_NONE, type ParsedHead } from './head.js';

const CANONICAL_HEAD =
  /(?:GET|PUT|POST|HEAD|PATCH|DELETE|OPTIONS) \/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]* HTTP\/1\.[01]\r\n(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e]*\r\n)*\r\n/y;

const SP = 0x20;
const HTAB = 0x09;
const CR = 0x0d;

/**
 * A head the fast path read, and (once checkFastHead passed it) the parsed
 * head itself. Its field strings are cut from the chunk's string only when
 * something asks for `headers`: a handler that reads no header pays for none.
 * Until then the head keeps that string, as its field strings would (V8 cuts
 * a string of 13 or more characters as a view of the one it came from).
 */
export class FastHead implements ParsedHead {
  private fields: string[] | null = null;
  readonly bodyKind: number;
  readonly keepAlive: boolean;
  readonly expectContinue = false;
  /** The head had no Upgrade field (the fast path leaves those to llhttp). */
  readonly noUpgrade = true;
  /** llhttp would not read another message after this one ("Connection: close", or HTTP/1.0 without keep-alive). */
  readonly closes: boolean;

  constructor(
    private readonly text: string,
    /** Offset in `text` (the chunk's string) of the head's first field line, or of its blank line. */
    private readonly fieldsAt: number,
    readonly method: string,
    readonly target: string,
    readonly versionMinor: number,
    /** Content-Length, 0 without one. */
    readonly contentLength: number,
    /** Host fields seen, and the last one's value: checkFastHead judges them. */
    readonly hosts: number,
    readonly host: string,
    closeAsked: boolean,
    keepAliveAsked: boolean,
    /** Offset in the chunk just past the blank line that ends the head. */
    readonly end: number,
  ) {
    this.bodyKind = contentLength > 0 ? BODY_LENGTH : BODY_NONE;
    // As checkHead reads them (RFC 9112 §9.3).
    this.keepAlive = !closeAsked && (versionMinor === 1 || keepAliveAsked);
    // As llhttp_should_keep_alive reads them.
    this.closes = versionMinor === 1 ? closeAsked : !keepAliveAsked;
  }

  get headers(): string[] {
    return (this.fields ??= fieldsOf(this.text, this.fieldsAt));
  }

  set headers(fields: string[]) {
    this.fields = fields;
  }
}

/** Names and values of a head the expression accepted, from `line` to its blank line: [name0, value0, …]. */
function fieldsOf(text: string, line: number): string[] {
  const fields: string[] = [];
  while (text.charCodeAt(line) !== CR) {
    const colon = text.indexOf(':', line);
    const lineEnd = text.indexOf('\r', colon);
    fields.push(text.slice(line, colon), valueOf(text, colon, lineEnd));
    line = lineEnd + 2;
  }
  return fields;
}

/** Limits the head must be well within for the fast path to decide it (else llhttp refuses it). */
export interface FastLimits {
  maxHeaderBytes: number;
  maxTargetBytes: number;
}

/** ASCII case-insensitive comparison of a field name in `text` with a lower-case name. */
function nameIs(text: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((text.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

function isOws(code: number): boolean {
  return code === SP || code === HTAB;
}

const DIGITS = /^[0-9]{1,15}$/;

/** A field's value without the whitespace around it: `colon` and `lineEnd` bound it. */
function valueOf(text: string, colon: number, lineEnd: number): string {
  let valueStart = colon + 1;
  while (valueStart < lineEnd && isOws(text.charCodeAt(valueStart))) valueStart++;
  let valueEnd = lineEnd;
  while (valueEnd > valueStart && isOws(text.charCodeAt(valueEnd - 1))) valueEnd--;
  return text.slice(valueStart, valueEnd);
}

/** Reads canonical heads from one chunk at a time, making the chunk's string once for all its heads. */
export class FastHeadReader {
  private chunk: Buffer | null = null;
  private text = '';
  /** Offset in the chunk where `text` starts. */
  private textStart = 0;


  /** Lets go of the last chunk (an idle connection keeps nothing of it). */
  release(): void {
    this.chunk = null;
    this.text = '';
  }

  /**
   * Reads one head from `data` at `start`, or returns null: not the
   * canonical subset, not whole in this chunk, or near a limit. Nothing is
   * consumed on null; llhttp then reads the same bytes.
   */
  read(data: Buffer, start: number, limits: FastLimits): FastHead | null {
    // A head longer than this is over a limit: llhttp's path refuses it.
    const window = limits.maxHeaderBytes + limits.maxTargetBytes;
    if (this.chunk !== data || start < this.textStart || this.textStart + this.text.length < Math.min(data.length, start + window)) {
      this.chunk = data;
      this.textStart = start;
      this.text = data.latin1Slice(start, Math.min(data.length, start + window));
    }
    const text = this.text;
    const from = start - this.textStart;
    CANONICAL_HEAD.lastIndex = from;
    if (!CANONICAL_HEAD.test(text)) return null;
    const end = CANONICAL_HEAD.lastIndex;
    const methodEnd = text.indexOf(' ', from);
    const targetEnd = text.indexOf(' ', methodEnd + 1);
    if (targetEnd - methodEnd - 1 > limits.maxTargetBytes - 64) return null;
    const versionMinor = text.charCodeAt(targetEnd + 8) - 0x30;
    let fieldBytes = 0;
    let contentLength = -1;
    let closeAsked = false;
    let keepAliveAsked = false;
    let hosts = 0;
    let host = '';
    const fieldsAt = targetEnd + 11;
    let line = fieldsAt;
    const last = end - 2;
    while (line < last) {
      const colon = text.indexOf(':', line);
      const lineEnd = text.indexOf('\r', colon);
      fieldBytes += lineEnd - line + 3;
      switch (colon - line) {
        case 4:
          if (nameIs(text, line, colon, 'host')) {
            hosts++;
            host = valueOf(text, colon, lineEnd);
          }
          break;
        case 6:
          // Expect (100-continue or a 417) is llhttp's path.
          if (nameIs(text, line, colon, 'expect')) return null;
          break;
        case 7:
          // llhttp answers an upgrade its own way.
          if (nameIs(text, line, colon, 'upgrade')) return null;
          break;
        case 10:
          if (nameIs(text, line, colon, 'connection')) {
            const token = valueOf(text, colon, lineEnd).toLowerCase();
            if (token === 'close') closeAsked = true;
            else if (token === 'keep-alive') keepAliveAsked = true;
            else return null;
          }
          break;
        case 14:
          if (nameIs(text, line, colon, 'content-length')) {
            const value = valueOf(text, colon, lineEnd);
            // One plain number with nothing after it; anything else is llhttp's to judge.
            if (contentLength !== -1 || isOws(text.charCodeAt(lineEnd - 1)) || !DIGITS.test(value)) return null;
            contentLength = Number(value);
          }
          break;
        case 17:
          if (nameIs(text, line, colon, 'transfer-encoding')) return null;
          break;
      }
      line = lineEnd + 2;
    }
    if (fieldBytes > limits.maxHeaderBytes - 64) return null;
    const method = text.slice(from, methodEnd);
    const target = text.slice(methodEnd + 1, targetEnd);
    return new FastHead(text, fieldsAt, method, target, versionMinor, Math.max(contentLength, 0), hosts, host, closeAsked, keepAliveAsked, this.textStart + end);
  }
}
