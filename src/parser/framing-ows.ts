// llhttp (strict) refuses two forms RFC 9110 allows in the fields that frame
// a request: a tab in the optional whitespace around a Content-Length or
// Transfer-Encoding value (§5.5: OWS is SP or HTAB; "Content-Length:\t42\t"
// is 42), and empty elements after the last Transfer-Encoding coding
// (§5.6.1: a recipient ignores empty list elements; "chunked ," is chunked).
// It accepts the same values written with spaces. So just before llhttp
// reads such a value, its copy in wasm memory is rewritten at the same
// length: each HTAB becomes SP, and commas after the last coding become SP.
// The caller's buffer (what the application sees) is untouched, and
// wirecore's own checks (checkHead) judge the value as it was sent: llhttp
// still decides framing from what is left, and refuses the rest.

import { sameName } from './validate.js';

const NONE = 0;
const CONTENT_LENGTH = 1;
const TRANSFER_ENCODING = 2;

const HTAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Which framing field `name` is (ASCII case-insensitive), or NONE. */
function kindOf(name: string): number {
  if (name.length === 14) return sameName(name, 'content-length') ? CONTENT_LENGTH : NONE;
  if (name.length === 17) return sameName(name, 'transfer-encoding') ? TRANSFER_ENCODING : NONE;
  return NONE;
}

function latin1(mem: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(mem[i]!);
  return text;
}

/** One per llhttp parser: what it knows of a field name or value cut by the end of a chunk. */
export class FramingValueRewriter {
  /** The start of a field name cut by the end of the last chunk (at most 18 characters: enough to tell it is neither name). */
  private partialName = '';
  /** The framing value being rewritten continues in the next chunk. */
  private pendingValue = NONE;
  /** A Transfer-Encoding value being rewritten has shown a coding (what precedes one is leading, not trailing). */
  private codingSeen = false;

  /** A new chunk is in wasm memory, about to be read: carry on with what the last one cut. */
  onChunk(mem: Uint8Array, length: number): void {
    if (this.pendingValue !== NONE) this.rewrite(mem, 0, length, this.pendingValue);
    // A name cut right before its colon: llhttp may report no more of it.
    else if (this.partialName !== '' && length > 0 && mem[0] === COLON) this.nameEnded(mem, 0, 0, length);
  }

  /** llhttp reported field-name bytes [start, end) of the chunk in wasm memory (`length` bytes long). */
  onFieldName(mem: Uint8Array, start: number, end: number, length: number): void {
    if (end < length) {
      this.nameEnded(mem, start, end, length);
      return;
    }
    // Cut by the end of the chunk: the rest comes with the next.
    this.partialName = (this.partialName + latin1(mem, start, Math.min(end, start + 18))).slice(0, 18);
  }

  /** A new message begins. */
  reset(): void {
    this.partialName = '';
    this.pendingValue = NONE;
    this.codingSeen = false;
  }

  private nameEnded(mem: Uint8Array, start: number, end: number, length: number): void {
    const before = this.partialName;
    this.partialName = '';
    const size = before.length + end - start;
    if (size !== 14 && size !== 17) return;
    const kind = kindOf(before + latin1(mem, start, end));
    if (kind === NONE || mem[end] !== COLON) return;
    this.codingSeen = false;
    this.rewrite(mem, end + 1, length, kind);
  }

  /** Rewrites the value from `from` to its line end (or the chunk's end: then it continues in the next). */
  private rewrite(mem: Uint8Array, from: number, length: number, kind: number): void {
    let i = from;
    for (; i < length; i++) {
      const c = mem[i]!;
      if (c === CR || c === LF) break;
      if (c === HTAB) mem[i] = SP;
      else if (c !== SP && c !== COMMA) this.codingSeen = true;
    }
    this.pendingValue = i === length ? kind : NONE;
    // Leading empty elements llhttp takes; rewritten, they would move where the value it reports starts.
    if (kind !== TRANSFER_ENCODING || !this.codingSeen) return;
    // Empty elements after the last coding. A run cut by the end of the chunk may yet be followed by a coding:
    // llhttp then reads "chunked gzip" for "chunked, gzip", which checkHead refuses all the same (it accepts
    // nothing but "chunked" among empty elements, and judges the value as sent).
    for (let j = i - 1; j >= from && (mem[j] === SP || mem[j] === COMMA); j--) mem[j] = SP;
  }
}
