// An arena is the memory one call sees: wc_request, wc_response, the chunk
// a `next` fills in, the header tables and the request's bytes, in one
// Buffer whose address never changes. It is held until the bridge is done
// with the response (so a response may point into its request), then reused.
import { CHUNK_OFFSET, FLAG_BODY_UNREAD, HEADER_SIZE, LIMITS, REQ, RES, RES_OFFSET, TABLE_OFFSET } from './abi.js';
import type { Koffi } from './koffi-loader.js';
import type { Pointer } from './library.js';
import type { WireRequest } from 'wirecore';

type Latin1Buffer = Buffer & {
  latin1Write(text: string, offset: number): number;
  latin1Slice(start: number, end: number): string;
};

const TWO_32 = 4294967296;
/** A high word below this means the address fits in a double exactly. */
const SAFE_HIGH = 0x200000;
const DEFAULT_SIZE = 4096;
const KEPT_ARENAS = 1024;
const NO_FIELDS: readonly string[] = [];
/** Larger answers should stream. */
const MAX_BODY_BYTES = 1024 * 1024 * 1024;

export class Arena {
  readonly bytes: Latin1Buffer;
  readonly u32: Uint32Array;
  private readonly baseLow: number;
  private readonly baseHigh: number;
  readonly reqAddr: bigint;
  readonly resAddr: bigint;
  readonly chunkAddr: bigint;
  /** The request body, kept referenced while native code may read it. */
  body: Uint8Array | null = null;

  constructor(
    koffi: Koffi,
    readonly size: number,
  ) {
    this.bytes = Buffer.allocUnsafeSlow(size) as Latin1Buffer;
    this.u32 = new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, size >>> 2);
    const base = koffi.address(this.bytes);
    this.baseLow = Number(base & 0xffffffffn);
    this.baseHigh = Number(base >> 32n);
    this.reqAddr = base;
    this.resAddr = base + BigInt(RES_OFFSET);
    this.chunkAddr = base + BigInt(CHUNK_OFFSET);
  }

  /** A wc_str at byte `at`: the address of this arena's byte `offset`, and a length below 2^32. */
  private span(at: number, offset: number, length: number): void {
    const word = at >>> 2;
    const low = this.baseLow + offset;
    if (low < TWO_32) {
      this.u32[word] = low;
      this.u32[word + 1] = this.baseHigh;
    } else {
      this.u32[word] = low - TWO_32;
      this.u32[word + 1] = this.baseHigh + 1;
    }
    this.u32[word + 2] = length;
    this.u32[word + 3] = 0;
  }

  /** Fills in wc_request (and clears wc_response) from the wire request; `text` is requestText(). */
  encode(koffi: Koffi, req: WireRequest, id: number, text: string, raw: readonly string[], trailers: readonly string[], body: Uint8Array | null, flags: number): void {
    const u32 = this.u32;
    const target = req.target;
    const methodLength = req.method.length;
    const headerCount = raw.length >>> 1;
    const trailerCount = trailers.length >>> 1;
    const textStart = TABLE_OFFSET + (headerCount + trailerCount) * HEADER_SIZE;
    this.bytes.latin1Write(text, textStart);

    u32[REQ.id >>> 2] = id % TWO_32;
    u32[(REQ.id >>> 2) + 1] = Math.floor(id / TWO_32);
    this.span(REQ.method, textStart, methodLength);
    const targetAt = textStart + methodLength;
    this.span(REQ.target, targetAt, target.length);
    let at = targetAt + target.length;
    if (target.charCodeAt(0) === 0x2f) {
      const q = target.indexOf('?');
      this.span(REQ.path, targetAt, q === -1 ? target.length : q);
      this.span(REQ.query, q === -1 ? at : targetAt + q + 1, q === -1 ? 0 : target.length - q - 1);
    } else {
      // Absolute or asterisk form: the path follows the target.
      const pathLength = req.path.length;
      this.span(REQ.path, at, pathLength);
      const q = target.indexOf('?');
      this.span(REQ.query, q === -1 ? at : targetAt + q + 1, q === -1 ? 0 : target.length - q - 1);
      at += pathLength;
    }

    let entry = TABLE_OFFSET;
    this.span(REQ.headers, entry, headerCount);
    for (let i = 0; i < raw.length; i += 2) {
      const nameLength = raw[i]!.length;
      const valueLength = raw[i + 1]!.length;
      this.span(entry, at, nameLength);
      this.span(entry + 16, at + nameLength, valueLength);
      at += nameLength + valueLength;
      entry += HEADER_SIZE;
    }
    this.span(REQ.trailers, entry, trailerCount);
    for (let i = 0; i < trailers.length; i += 2) {
      const nameLength = trailers[i]!.length;
      const valueLength = trailers[i + 1]!.length;
      this.span(entry, at, nameLength);
      this.span(entry + 16, at + nameLength, valueLength);
      at += nameLength + valueLength;
      entry += HEADER_SIZE;
    }

    if (body !== null && body.length > 0) {
      this.body = body;
      this.bytes.writeBigUInt64LE(koffi.address(body), REQ.body);
      u32[(REQ.body + 8) >>> 2] = body.length % TWO_32;
      u32[(REQ.body + 12) >>> 2] = Math.floor(body.length / TWO_32);
    } else {
      this.span(REQ.body, textStart, 0);
    }
    // http_major, http_minor, reserved (little-endian), then flags.
    u32[REQ.httpMajor >>> 2] = req.httpVersion === '1.0' ? 1 : 0x101;
    u32[REQ.flags >>> 2] = flags;

    u32.fill(0, RES_OFFSET >>> 2, (RES_OFFSET + RES.size) >>> 2);
    u32[(RES_OFFSET + RES.status) >>> 2] = 200;
  }

  clearChunk(): void {
    this.u32.fill(0, CHUNK_OFFSET >>> 2, (CHUNK_OFFSET + 16) >>> 2);
  }

  /** A pointer field of the arena, or null for NULL. */
  pointerAt(at: number): Pointer | null {
    const low = this.u32[at >>> 2]!;
    const high = this.u32[(at >>> 2) + 1]!;
    if (high < SAFE_HIGH) return high === 0 && low === 0 ? null : high * TWO_32 + low;
    return this.bytes.readBigUInt64LE(at);
  }

  /** A size_t field of the arena; Infinity when it cannot be a real length. */
  lengthAt(at: number): number {
    const high = this.u32[(at >>> 2) + 1]!;
    return high < SAFE_HIGH ? high * TWO_32 + this.u32[at >>> 2]! : Infinity;
  }
}

/** A pointer stored at byte `at` of `bytes`: a number when it fits, null for NULL. */
export function pointerIn(bytes: Buffer, at: number): Pointer | null {
  const low = bytes.readUInt32LE(at);
  const high = bytes.readUInt32LE(at + 4);
  if (high < SAFE_HIGH) return high === 0 && low === 0 ? null : high * TWO_32 + low;
  return bytes.readBigUInt64LE(at);
}

/** A size_t stored at byte `at`; Infinity when it cannot be a real length. */
export function lengthIn(bytes: Buffer, at: number): number {
  const high = bytes.readUInt32LE(at + 4);
  return high < SAFE_HIGH ? high * TWO_32 + bytes.readUInt32LE(at) : Infinity;
}

/** Arenas of the default size are kept for reuse; bigger ones (huge header blocks) are not. */
export class ArenaPool {
  private readonly free: Arena[] = [];

  constructor(private readonly koffi: Koffi) {}

  take(size: number): Arena {
    if (size <= DEFAULT_SIZE) return this.free.pop() ?? new Arena(this.koffi, DEFAULT_SIZE);
    let capacity = DEFAULT_SIZE;
    while (capacity < size) capacity *= 2;
    return new Arena(this.koffi, capacity);
  }

  give(arena: Arena): void {
    arena.body = null;
    if (arena.size === DEFAULT_SIZE && this.free.length < KEPT_ARENAS) this.free.push(arena);
  }
}

/** Every string of the request, in the order Arena.encode lays them out. */
export function requestText(req: WireRequest, raw: readonly string[], trailers: readonly string[]): string {
  const target = req.target;
  let text = req.method + target;
  if (target.charCodeAt(0) !== 0x2f) text += req.path;
  for (let i = 0; i < raw.length; i++) text += raw[i]!;
  for (let i = 0; i < trailers.length; i++) text += trailers[i]!;
  return text;
}

/** Fills an arena for one call. */
export function encodeRequest(pool: ArenaPool, koffi: Koffi, req: WireRequest, id: number, body: Uint8Array | null, bodyUnread: boolean): Arena {
  const trailers = body !== null ? (req.body.trailers?.raw ?? NO_FIELDS) : NO_FIELDS;
  const raw = req.headers.raw;
  const text = requestText(req, raw, trailers);
  const arena = pool.take(TABLE_OFFSET + ((raw.length + trailers.length) >>> 1) * HEADER_SIZE + text.length);
  arena.encode(koffi, req, id, text, raw, trailers, body, bodyUnread ? FLAG_BODY_UNREAD : 0);
  return arena;
}

/** Copies native memory into JavaScript values. */
export class NativeMemory {
  private readonly memcpy: ((dest: Buffer, src: Pointer, length: number) => unknown) | null;

  constructor(private readonly koffi: Koffi) {
    let memcpy: NativeMemory['memcpy'] = null;
    try {
      memcpy = koffi.load(null).func('void *memcpy(void *dest, const void *src, size_t n)') as NativeMemory['memcpy'];
    } catch {
      // No libc symbols in the main program: fall back to views.
    }
    this.memcpy = memcpy;
  }

  bytes(ptr: Pointer, length: number): Buffer {
    if (this.memcpy === null) return Buffer.from(new Uint8Array(this.koffi.view(ptr, length)));
    const copy = Buffer.allocUnsafe(length);
    this.memcpy(copy, ptr, length);
    return copy;
  }

  /** Header text, byte for byte (latin1): ASCII through koffi's decoder, anything else copied. */
  text(ptr: Pointer, length: number): string {
    const decoded = this.koffi.decode.string(ptr, length);
    if (decoded.length === length && Buffer.byteLength(decoded, 'utf8') === length) return decoded;
    return (this.bytes(ptr, length) as Latin1Buffer).latin1Slice(0, length);
  }
}

/** What a handler answered, copied out of native memory. */
export class NativeAnswer {
  status = 0;
  headers: Array<[string, string]> = [];
  body: Buffer | null = null;
  /** Why the answer cannot be sent, or null. */
  problem: string | null = null;

  constructor(
    readonly next: Pointer | null,
    readonly state: Pointer | null,
    readonly stateFree: Pointer | null,
    readonly release: Pointer | null,
    readonly releaseData: Pointer | null,
  ) {}
}

/** The functions to call whatever else the response says. */
export type Frees = Pick<NativeAnswer, 'state' | 'stateFree' | 'release' | 'releaseData'>;

export function readFrees(arena: Arena): Frees {
  return {
    state: arena.pointerAt(RES_OFFSET + RES.state),
    stateFree: arena.pointerAt(RES_OFFSET + RES.stateFree),
    release: arena.pointerAt(RES_OFFSET + RES.release),
    releaseData: arena.pointerAt(RES_OFFSET + RES.releaseData),
  };
}

/** The text of a wc_str whose pointer and length were read; a problem string when it is not readable. */
function textOf(memory: NativeMemory, ptr: Pointer | null, length: number, what: string): string | { problem: string } {
  if (length === 0) return '';
  if (length > LIMITS.stringBytes) return { problem: `${what} is ${length} bytes long (at most ${LIMITS.stringBytes})` };
  if (ptr === null) return { problem: `${what} is NULL with length ${length}` };
  return memory.text(ptr, length);
}

/** Reads wc_response; on a problem the answer says why instead of throwing, so its frees still happen. */
export function readAnswer(memory: NativeMemory, arena: Arena): NativeAnswer {
  const answer = new NativeAnswer(
    arena.pointerAt(RES_OFFSET + RES.next),
    arena.pointerAt(RES_OFFSET + RES.state),
    arena.pointerAt(RES_OFFSET + RES.stateFree),
    arena.pointerAt(RES_OFFSET + RES.release),
    arena.pointerAt(RES_OFFSET + RES.releaseData),
  );
  const status = arena.bytes.readInt32LE(RES_OFFSET + RES.status);
  if (status < 200 || status > 599) return failed(answer, `status ${status} is not in 200..599`);
  answer.status = status;

  const contentType = textOf(memory, arena.pointerAt(RES_OFFSET + RES.contentType), arena.lengthAt(RES_OFFSET + RES.contentType + 8), 'content_type');
  if (typeof contentType !== 'string') return failed(answer, contentType.problem);
  if (contentType !== '') answer.headers.push(['content-type', contentType]);

  const count = arena.lengthAt(RES_OFFSET + RES.headerCount);
  if (count > 0) {
    if (count > LIMITS.headerCount) return failed(answer, `header_count is ${count} (at most ${LIMITS.headerCount})`);
    const tableAt = arena.pointerAt(RES_OFFSET + RES.headers);
    if (tableAt === null) return failed(answer, `headers is NULL with header_count ${count}`);
    // The table is native memory: copy it once, then read its spans.
    const table = memory.bytes(tableAt, count * HEADER_SIZE);
    for (let i = 0, at = 0; i < count; i++, at += HEADER_SIZE) {
      const name = textOf(memory, pointerIn(table, at), lengthIn(table, at + 8), `headers[${i}].name`);
      if (typeof name !== 'string') return failed(answer, name.problem);
      const value = textOf(memory, pointerIn(table, at + 16), lengthIn(table, at + 24), `headers[${i}].value`);
      if (typeof value !== 'string') return failed(answer, value.problem);
      answer.headers.push([name, value]);
    }
  }

  const body = bytesOf(memory, arena.pointerAt(RES_OFFSET + RES.body), arena.lengthAt(RES_OFFSET + RES.body + 8), 'body');
  if (body !== null && !Buffer.isBuffer(body)) return failed(answer, body.problem);
  answer.body = body;
  return answer;
}

function failed(answer: NativeAnswer, problem: string): NativeAnswer {
  answer.problem = problem;
  return answer;
}

/** The bytes of a wc_bytes whose pointer and length were read, copied; null when empty. */
export function bytesOf(memory: NativeMemory, ptr: Pointer | null, length: number, what: string): Buffer | null | { problem: string } {
  if (length === 0) return null;
  if (length > MAX_BODY_BYTES) return { problem: `${what}.len is ${length} (at most ${MAX_BODY_BYTES})` };
  if (ptr === null) return { problem: `${what} is NULL with length ${length}` };
  return memory.bytes(ptr, length);
}
