// The one llhttp WebAssembly instance of this process: undici's pinned build.
// All parsers share its memory; execution is synchronous, so one input
// buffer in wasm memory and one "current session" pointer are enough.
import { createRequire } from 'node:module';
import type { FramingValueRewriter } from './framing-ows.js';

const require = createRequire(import.meta.url);

// @types/node 20 has no WebAssembly typings: describe the little we use.
interface WasmModule {
  readonly __wasmModule: true;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: { new (bytes: Uint8Array): WasmModule; exports(m: WasmModule): Array<{ name: string }> };
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export enum ErrorCode {
  OK = 0,
  INTERNAL = 1,
  STRICT = 2,
  LF_EXPECTED = 3,
  UNEXPECTED_CONTENT_LENGTH = 4,
  CLOSED_CONNECTION = 5,
  INVALID_METHOD = 6,
  INVALID_URL = 7,
  INVALID_CONSTANT = 8,
  INVALID_VERSION = 9,
  INVALID_HEADER_TOKEN = 10,
  INVALID_CONTENT_LENGTH = 11,
  INVALID_CHUNK_SIZE = 12,
  INVALID_STATUS = 13,
  INVALID_EOF_STATE = 14,
  INVALID_TRANSFER_ENCODING = 15,
  PAUSED = 21,
  PAUSED_UPGRADE = 22,
  PAUSED_H2_UPGRADE = 23,
  USER = 24,
  CR_EXPECTED = 25,
  UNEXPECTED_SPACE = 30,
}

export enum ParserType {
  REQUEST = 1,
  RESPONSE = 2,
}

/**
 * Receives llhttp's non-span callbacks. URL, status, field and value spans are
 * not called back one by one: they are recorded in `spans` (see below) and the
 * handler turns them into strings when it needs them.
 */
export interface LlhttpHandler {
  /** Rewrites Content-Length and Transfer-Encoding whitespace llhttp would refuse (request parsers only). */
  readonly framingRewriter?: FramingValueRewriter | null;
  onMessageBegin(): number;
  onHeadersComplete(statusCode: number, upgrade: boolean, keepAlive: boolean): number;
  onBody(start: number, end: number): number;
  onMessageComplete(): number;
}

export const SPAN_URL = 0;
export const SPAN_STATUS = 1;
export const SPAN_FIELD = 2;
export const SPAN_VALUE = 3;

/**
 * Spans seen since the handler last took them, as [kind, start, end] triples
 * with offsets into the buffer given to execute(). Recording is a few stores;
 * a call into the handler per span was the parser's largest JS cost.
 * Only one execute() runs at a time, so one list serves every parser.
 */
export const spans = { list: new Int32Array(3 * 64), count: 0 };

function recordSpan(kind: number, at: number, length: number): number {
  let list = spans.list;
  const n = spans.count;
  if (n + 3 > list.length) {
    const grown = new Int32Array(list.length * 2);
    grown.set(list);
    spans.list = list = grown;
  }
  const start = at - inputPtr;
  list[n] = kind;
  list[n + 1] = start;
  list[n + 2] = start + length;
  spans.count = n + 3;
  return 0;
}

interface LlhttpExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  llhttp_alloc(type: number): number;
  llhttp_free(ptr: number): void;
  llhttp_execute(ptr: number, data: number, len: number): number;
  llhttp_finish(ptr: number): number;
  llhttp_resume(ptr: number): void;
  llhttp_resume_after_upgrade(ptr: number): void;
  llhttp_get_error_pos(ptr: number): number;
  llhttp_get_error_reason(ptr: number): number;
  llhttp_get_http_major(ptr: number): number;
  llhttp_get_http_minor(ptr: number): number;
  llhttp_get_method(ptr: number): number;
  llhttp_method_name(method: number): number;
  llhttp_should_keep_alive(ptr: number): number;
  [lenient: `llhttp_set_lenient_${string}`]: (ptr: number, on: number) => void;
}

let current: LlhttpHandler | null = null;
let inputPtr = 0;
let inputSize = 0;
let inputView: Uint8Array | null = null;
/** Bytes of the chunk being executed. */
let inputLength = 0;

function loadModule(): { module: WasmModule; simd: boolean } {
  const simdBytes: Uint8Array = require('undici/lib/llhttp/llhttp_simd-wasm.js');
  if (WebAssembly.validate(simdBytes)) {
    return { module: new WebAssembly.Module(simdBytes), simd: true };
  }
  const plainBytes: Uint8Array = require('undici/lib/llhttp/llhttp-wasm.js');
  return { module: new WebAssembly.Module(plainBytes), simd: false };
}

const loaded = loadModule();

const instance = new WebAssembly.Instance(loaded.module, {
  env: {
    wasm_on_message_begin: (_p: number) => current!.onMessageBegin(),
    wasm_on_url: (_p: number, at: number, len: number) => recordSpan(SPAN_URL, at, len),
    wasm_on_status: (_p: number, at: number, len: number) => recordSpan(SPAN_STATUS, at, len),
    wasm_on_header_field: (_p: number, at: number, len: number) => {
      current!.framingRewriter?.onFieldName(inputView!, at - inputPtr, at - inputPtr + len, inputLength);
      return recordSpan(SPAN_FIELD, at, len);
    },
    wasm_on_header_value: (_p: number, at: number, len: number) => recordSpan(SPAN_VALUE, at, len),
    wasm_on_headers_complete: (_p: number, status: number, upgrade: number, keepAlive: number) =>
      current!.onHeadersComplete(status, upgrade === 1, keepAlive === 1),
    wasm_on_body: (_p: number, at: number, len: number) => current!.onBody(at - inputPtr, at - inputPtr + len),
    wasm_on_message_complete: (_p: number) => current!.onMessageComplete(),
  },
});

export const llhttp = instance.exports as unknown as LlhttpExports;
export const usesSimd = loaded.simd;

/** Names of the lenient switches this build has; none is ever turned on by default. */
export const lenientFlagNames: readonly string[] = WebAssembly.Module.exports(loaded.module)
  .map((e) => e.name)
  .filter((n) => n.startsWith('llhttp_set_lenient_'))
  .map((n) => n.slice('llhttp_set_lenient_'.length));

function cString(ptr: number): string {
  if (ptr === 0) return '';
  const mem = new Uint8Array(llhttp.memory.buffer);
  let end = ptr;
  while (mem[end] !== 0) end++;
  return Buffer.from(mem.buffer, ptr, end - ptr).toString('latin1');
}

/** Method names indexed by llhttp's method number (undici ships the table beside the build). */
export const methodNames: readonly string[] = (() => {
  const table: Record<string, number> = require('undici/lib/llhttp/constants.js').METHODS;
  const names: string[] = [];
  for (const [name, index] of Object.entries(table)) names[index] = name;
  return names;
})();

/** Runs llhttp over `data`, routing callbacks to `handler` and spans to `spans`, offsets into `data`. */
export function execute(ptr: number, handler: LlhttpHandler, data: Uint8Array): number {
  if (data.length > inputSize) {
    if (inputPtr !== 0) llhttp.free(inputPtr);
    inputSize = Math.ceil(data.length / 65536) * 65536;
    inputPtr = llhttp.malloc(inputSize);
    inputView = null;
  }
  // Growing wasm memory (a malloc anywhere) detaches old views: re-make it then.
  if (inputView === null || inputView.byteLength === 0) inputView = new Uint8Array(llhttp.memory.buffer, inputPtr, inputSize);
  inputView.set(data);
  inputLength = data.length;
  if (current !== null) throw new Error('llhttp execute re-entered');
  handler.framingRewriter?.onChunk(inputView, data.length);
  current = handler;
  spans.count = 0;
  try {
    return llhttp.llhttp_execute(ptr, inputPtr, data.length);
  } finally {
    current = null;
  }
}

/** Offset in the last executed buffer where llhttp stopped. */
export function errorOffset(ptr: number): number {
  return llhttp.llhttp_get_error_pos(ptr) - inputPtr;
}

export function errorReason(ptr: number): string {
  return cString(llhttp.llhttp_get_error_reason(ptr));
}

export function finish(ptr: number, handler: LlhttpHandler): number {
  if (current !== null) throw new Error('llhttp finish re-entered');
  current = handler;
  spans.count = 0;
  try {
    return llhttp.llhttp_finish(ptr);
  } finally {
    current = null;
  }
}
