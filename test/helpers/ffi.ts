// The FFI tests' shared parts: the example library compiled into a folder of
// the test file's own (test files run in parallel), the library's counters
// read through koffi in the same process, and a logger that records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import type { Logger } from 'wirecore';
import { buildC } from '../../examples/ffi/build.js';

export interface ExampleLibrary {
  path: string;
  /** Blocks allocated by the library and not yet given back through release / state_free. */
  live(): number;
  stateFrees(): number;
  releases(): number;
  counterCalls(): number;
  /** The gate of the `gated` handler: closed, calls wait inside C until it opens. */
  gate: { close(): void; open(): void; waiting(): number };
  remove(): void;
}

/** Compiles examples/ffi/c with gcc into a fresh folder. */
export function buildExample(): ExampleLibrary {
  const dir = mkdtempSync(join(tmpdir(), 'wirecore-ffi-'));
  const path = buildC(dir);
  // The same file the bridge loads: dlopen hands back the same instance, so these are its counters.
  const lib = koffi.load(path);
  const counter = (name: string) => {
    const fn = lib.func(name, 'uint64_t', []);
    return () => Number(fn());
  };
  return {
    path,
    live: counter('example_live'),
    stateFrees: counter('example_state_frees'),
    releases: counter('example_releases'),
    counterCalls: counter('example_counter_calls'),
    gate: {
      close: lib.func('example_gate_close', 'void', []) as () => void,
      open: lib.func('example_gate_open', 'void', []) as () => void,
      waiting: counter('example_gate_waiting'),
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Resolves once `predicate` holds (checked every 2 ms); fails after `timeoutMs`. */
export function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 2);
    };
    check();
  });
}

export interface RecordingLogger {
  logger: Logger;
  errors: string[];
  warnings: string[];
}

export function recordingLogger(): RecordingLogger {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    logger: {
      error: (message, error) => errors.push(`${message}${error instanceof Error ? `: ${error.message}` : ''}`),
      warn: (message) => warnings.push(message),
    },
  };
}
