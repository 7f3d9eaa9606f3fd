// koffi is an optional peer dependency: loaded on first use, and its absence
// is a start-up error naming the package.
import { createRequire } from 'node:module';
import { arch, endianness } from 'node:os';
import type KoffiDefault from 'koffi';

export type Koffi = typeof KoffiDefault;

const INSTALL = 'wirecore/ffi needs the "koffi" package (an optional peer dependency, version 3): npm install koffi@3';

export interface LoadedKoffi {
  koffi: Koffi;
  /** Where pool threads require() it from. */
  path: string;
}

let loaded: Promise<LoadedKoffi> | undefined;

/** The koffi the bridge uses; `specifier` exists so the missing-package error can be tested. */
export function loadKoffi(specifier = 'koffi'): Promise<LoadedKoffi> {
  if (specifier !== 'koffi') return importKoffi(specifier);
  return (loaded ??= importKoffi(specifier).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  }));
}

async function importKoffi(specifier: string): Promise<LoadedKoffi> {
  if (endianness() !== 'LE' || !['x64', 'arm64', 'riscv64', 'loong64', 'ppc64'].includes(arch())) {
    throw new Error(`wirecore/ffi: the wirecore_ffi.h ABI needs a 64-bit little-endian platform; this is ${arch()} (${endianness()})`);
  }
  let module: { default?: Koffi };
  try {
    module = (await import(specifier)) as { default?: Koffi };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(specifier)) {
      throw new Error(INSTALL, { cause: error });
    }
    throw new Error(`wirecore/ffi: koffi is installed but could not be loaded (${(error as Error).message}); reinstall it with npm install koffi@3`, { cause: error });
  }
  const koffi = (module.default ?? module) as Koffi;
  const major = Number(String(koffi.version).split('.')[0]);
  if (major !== 3) throw new Error(`wirecore/ffi needs koffi 3 (pointers as BigInt, koffi.decode.string); found koffi ${koffi.version}`);
  const path = createRequire(import.meta.url).resolve(specifier);
  return { koffi, path };
}
