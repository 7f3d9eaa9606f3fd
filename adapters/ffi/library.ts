// One loaded native library: its ABI checked, its handler symbols resolved,
// and the function pointers it hands back (next, state_free, release) callable.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ABI_VERSION, ABI_VERSION_SYMBOL } from './abi.js';
import type { Koffi } from './koffi-loader.js';

/** A native address: a number when it fits in 53 bits, else a BigInt (koffi takes both). */
export type Pointer = number | bigint;

export type HandlerCall = (req: bigint, res: bigint) => number;
type NextCall = (state: Pointer | null, chunk: bigint) => number;
type FreeCall = (data: Pointer | null) => void;

/** Decoded function pointers are kept; a library returning endless distinct ones is called without the cache. */
const CACHE_LIMIT = 256;

export function libraryPath(library: string | URL): string {
  const path = library instanceof URL || library.startsWith('file:') ? fileURLToPath(library) : library;
  return isAbsolute(path) ? path : resolve(path);
}

export class NativeLibrary {
  private readonly nextProto;
  private readonly freeProto;
  private readonly nextCache = new Map<Pointer, NextCall>();
  private readonly freeCache = new Map<Pointer, FreeCall>();

  private constructor(
    private readonly koffi: Koffi,
    private readonly lib: ReturnType<Koffi['load']>,
    readonly path: string,
  ) {
    this.nextProto = koffi.proto('int32_t', ['void *', 'void *']);
    this.freeProto = koffi.proto('void', ['void *']);
  }

  /** Loads the library and checks the ABI version it declares: every failure names the file. */
  static open(koffi: Koffi, library: string | URL): NativeLibrary {
    const path = libraryPath(library);
    if (!existsSync(path)) throw new Error(`wirecore/ffi: library ${path} does not exist`);
    let lib: ReturnType<Koffi['load']>;
    try {
      lib = koffi.load(path);
    } catch (error) {
      throw new Error(`wirecore/ffi: cannot load library ${path}: ${(error as Error).message}`, { cause: error });
    }
    let version: number;
    try {
      version = lib.func(ABI_VERSION_SYMBOL, 'uint32_t', [])() as number;
    } catch (error) {
      throw new Error(
        `wirecore/ffi: library ${path} does not export ${ABI_VERSION_SYMBOL}(); build it with wirecore_ffi.h and WIRECORE_FFI_DECLARE_ABI() (ABI version ${ABI_VERSION})`,
        { cause: error },
      );
    }
    if (version !== ABI_VERSION) {
      throw new Error(`wirecore/ffi: library ${path} was built for ABI version ${version}; this wirecore/ffi speaks version ${ABI_VERSION}: rebuild it against this package's wirecore_ffi.h`);
    }
    return new NativeLibrary(koffi, lib, path);
  }

  /** A handler symbol: int32_t symbol(const wc_request *, wc_response *). */
  handler(symbol: string): HandlerCall {
    try {
      return this.lib.func(symbol, 'int32_t', ['void *', 'void *']) as HandlerCall;
    } catch (error) {
      throw new Error(`wirecore/ffi: symbol ${JSON.stringify(symbol)} not found in ${this.path}`, { cause: error });
    }
  }

  next(fn: Pointer, state: Pointer | null, chunk: bigint): number {
    let call = this.nextCache.get(fn);
    if (call === undefined) {
      call = this.koffi.decode(fn, this.nextProto) as NextCall;
      if (this.nextCache.size < CACHE_LIMIT) this.nextCache.set(fn, call);
    }
    return call(state, chunk);
  }

  free(fn: Pointer, data: Pointer | null): void {
    let call = this.freeCache.get(fn);
    if (call === undefined) {
      call = this.koffi.decode(fn, this.freeProto) as FreeCall;
      if (this.freeCache.size < CACHE_LIMIT) this.freeCache.set(fn, call);
    }
    call(data);
  }
}
