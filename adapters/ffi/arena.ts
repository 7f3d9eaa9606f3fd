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
  private readonly u32: Uint32Array;
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

  /** Stores the address of byte `offset` of this arena at byte `at`. */
  private writeInner(at: number, offset: number): void {
    let low = this.baseLow + offset;
    let high = this.baseHigh;
    if (low >= TWO_32) {
      low -= TWO_32;
      high += 1;
    }
    this.u32[at >>> 2] = low;
    this.u32[(at >>> 2) + 1] = high;
  }

  private writeSize(at: number, value: number): void {
    this.u32[at >>> 2] = value >>> 0;
    this.u32[(at >>> 2) + 1] = Math.floor(value / TWO_32);
  }

  private writeSpan(at: number, offset: number, length: number): void {
    this.writeInner(at, offset);
    this.writeSize(at + 8, length);
  }

  /** Fills in wc_request (and clears wc_response) from the wire request. */
  encode(koffi: Koffi, req: WireRequest, id: number, text: string, headerCount: number, trailers: readonly string[], body: Uint8Array | null, flags: number): void {
    const method = req.method;
    const target = req.target;
    const raw = req.headers.raw;
    const trailerCount = trailers.length >>> 1;
    const textStart = TABLE_OFFSET + (headerCount + trailerCount) * HEADER_SIZE;
    this.bytes.latin1Write(text, textStart);

    this.writeSize(REQ.id, id);
    let at = textStart;
    this.writeSpan(REQ.method, at, method.length);
    at += method.length;
    const targetAt = at;
    this.writeSpan(REQ.target, targetAt, target.length);
    at += target.length;
    const path = req.path;
    if (target.charCodeAt(0) === 0x2f) {
      this.writeSpan(REQ.path, targetAt, path.length);
    } else {
      // Absolute or asterisk form: the path was appended after the target.
      this.writeSpan(REQ.path, at, path.length);
      at += path.length;
    }
    const q = target.indexOf('?');
    if (q === -1) this.writeSpan(REQ.query, targetAt + target.length, 0);
    else this.writeSpan(REQ.query, targetAt + q + 1, target.length - q - 1);

    this.writeInner(REQ.headers, TABLE_OFFSET);
    this.writeSize(REQ.headerCount, headerCount);
    let entry = TABLE_OFFSET;
    for (let i = 0; i < raw.length; i += 2) {
      const nameLength = raw[i]!.length;
      const valueLength = raw[i + 1]!.length;
      this.writeSpan(entry, at, nameLength);
      this.writeSpan(entry + 16, at + nameLength, valueLength);
      at += nameLength + valueLength;
      entry += HEADER_SIZE;
    }
    this.writeInner(REQ.trailers, entry);
    this.writeSize(REQ.trailerCount, trailerCount);
    for (let i = 0; i < trailers.length; i += 2) {
      const nameLength = trailers[i]!.length;
      const valueLength = trailers[i + 1]!.length;
      this.writeSpan(entry, at, nameLength);
      this.writeSpan(entry + 16, at + nameLength, valueLength);
      at += nameLength + valueLength;
      entry += HEADER_SIZE;
    }

    if (body !== null && body.length > 0) {
      this.body = body;
      this.bytes.writeBigUInt64LE(koffi.address(body), REQ.body);
      this.writeSize(REQ.body + 8, body.length);
    } else {
      this.writeSpan(REQ.body, textStart, 0);
    }
    this.bytes[REQ.httpMajor] = 1;
    this.bytes[REQ.httpMinor] = req.httpVersion === '1.0' ? 0 : 1;
    this.bytes[REQ.httpMinor + 1] = 0;
    this.bytes[REQ.httpMinor + 2] = 0;
    this.u32[REQ.flags >>> 2] = flags;

    this.u32.fill(0, RES_OFFSET >>> 2, (RES_OFFSET + RES.size) >>> 2);
    this.u32[(RES_OFFSET + RES.status) >>> 2] = 200;
  }

  clearChunk(): void {
    this.u32.fill(0, CHUNK_OFFSET >>> 2, (CHUNK_OFFSET + 16) >>> 2);
  }

  /** A pointer field of the response or chunk, or null for NULL. */
  pointerAt(at: number): Pointer | null {
    return pointerIn(this.bytes, at);
  }

  lengthAt(at: number): number {
    return lengthIn(this.bytes, at);
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
export function requestText(req: WireRequest, trailers: readonly string[]): string {
  const target = req.target;
  let text = req.method + target;
  if (target.charCodeAt(0) !== 0x2f) text += req.path;
  const raw = req.headers.raw;
  for (let i = 0; i < raw.length; i++) text += raw[i]!;
  for (let i = 0; i < trailers.length; i++) text += trailers[i]!;
  return text;
}

/** Fills an arena for one call. */
export function encodeRequest(pool: ArenaPool, koffi: Koffi, req: WireRequest, id: number, body: Uint8Array | null, bodyUnread: boolean): Arena {
  const trailers = body !== null ? (req.body.trailers?.raw ?? NO_FIELDS) : NO_FIELDS;
  const text = requestText(req, trailers);
  const headerCount = req.headers.raw.length >>> 1;
  const arena = pool.take(TABLE_OFFSET + (headerCount + (trailers.length >>> 1)) * HEADER_SIZE + text.length);
  arena.encode(koffi, req, id, text, headerCount, trailers, body, bodyUnread ? FLAG_BODY_UNREAD : 0);
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
export interface NativeAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer | null;
  next: Pointer | null;
  state: Pointer | null;
  stateFree: Pointer | null;
  release: Pointer | null;
  releaseData: Pointer | null;
  /** Why the answer cannot be sent, or null. */
  problem: string | null;
}

/** The functions the bridge must call whatever else the response says. */
export function readFrees(arena: Arena): Pick<NativeAnswer, 'state' | 'stateFree' | 'release' | 'releaseData'> {
  return {
    state: arena.pointerAt(RES_OFFSET + RES.state),
    stateFree: arena.pointerAt(RES_OFFSET + RES.stateFree),
    release: arena.pointerAt(RES_OFFSET + RES.release),
    releaseData: arena.pointerAt(RES_OFFSET + RES.releaseData),
  };
}

/** A wc_str at byte `at` of `bytes`, as latin1 text; a string problem when it is not readable. */
function readText(memory: NativeMemory, bytes: Buffer, at: number, what: string): string | { problem: string } {
  const length = lengthIn(bytes, at + 8);
  if (length === 0) return '';
  if (length > LIMITS.stringBytes) return { problem: `${what} is ${length} bytes long (at most ${LIMITS.stringBytes})` };
  const ptr = pointerIn(bytes, at);
  if (ptr === null) return { problem: `${what} is NULL with length ${length}` };
  return memory.text(ptr, length);
}

/** Reads wc_response; on a problem the answer says why instead of throwing, so its frees still happen. */
export function readAnswer(memory: NativeMemory, arena: Arena): NativeAnswer {
  const answer: NativeAnswer = { status: 0, headers: [], body: null, next: arena.pointerAt(RES_OFFSET + RES.next), ...readFrees(arena), problem: null };
  const fail = (problem: string) => ((answer.problem = problem), answer);

  const status = arena.bytes.readInt32LE(RES_OFFSET + RES.status);
  if (status < 200 || status > 599) return fail(`status ${status} is not in 200..599`);
  answer.status = status;

  const contentType = readText(memory, arena.bytes, RES_OFFSET + RES.contentType, 'content_type');
  if (typeof contentType !== 'string') return fail(contentType.problem);
  if (contentType !== '') answer.headers.push(['content-type', contentType]);

  const count = arena.lengthAt(RES_OFFSET + RES.headerCount);
  if (count > 0) {
    if (count > LIMITS.headerCount) return fail(`header_count is ${count} (at most ${LIMITS.headerCount})`);
    const tableAt = arena.pointerAt(RES_OFFSET + RES.headers);
    if (tableAt === null) return fail(`headers is NULL with header_count ${count}`);
    const table = memory.bytes(tableAt, count * HEADER_SIZE);
    for (let i = 0; i < count; i++) {
      const name = readText(memory, table, i * HEADER_SIZE, `headers[${i}].name`);
      if (typeof name !== 'string') return fail(name.problem);
      const value = readText(memory, table, i * HEADER_SIZE + 16, `headers[${i}].value`);
      if (typeof value !== 'string') return fail(value.problem);
      answer.headers.push([name, value]);
    }
  }

  const body = readBytes(memory, arena.bytes, RES_OFFSET + RES.body, 'body');
  if (body !== null && !Buffer.isBuffer(body)) return fail(body.problem);
  answer.body = body;
  return answer;
}

/** A wc_bytes at byte `at` of `bytes`, copied; null when empty. */
export function readBytes(memory: NativeMemory, bytes: Buffer, at: number, what: string): Buffer | null | { problem: string } {
  const length = lengthIn(bytes, at + 8);
  if (length === 0) return null;
  if (length > MAX_BODY_BYTES) return { problem: `${what}.len is ${length} (at most ${MAX_BODY_BYTES})` };
  const ptr = pointerIn(bytes, at);
  if (ptr === null) return { problem: `${what} is NULL with length ${length}` };
  return memory.bytes(ptr, length);
}
