// What each pool thread runs. It is evaluated from a string (new Worker(source,
// { eval: true })) so the same code runs from the sources under vitest and from
// dist: a pool thread cannot import TypeScript. It loads koffi and the library
// itself; arenas are plain process memory, so their addresses are the same here.
//
// Shared memory (Int32Array `control`, see pool.ts for the main side):
//   control[SUB_HEAD]   jobs published by the main thread (its own counter)
//   control[SUB_TAIL]   jobs claimed by threads (compare-and-swap)
//   control[WAKE]       bumped on every publish and on close; threads sleep on it
//   control[SIGNAL]     bumped after every finished job; the main thread waits on it
//   control[CLOSING]    1 once the pool closes: threads leave when the queue is empty
//   control[AWAKE]      threads not asleep; control[BUSY]: threads inside a native call
//                       (an awake thread that is not busy will see a new job: nobody needs waking);
//                       states[t] says which thread t is in (0 asleep, 1 awake, 2 busy), so the
//                       counts can be corrected when a thread is lost
//   control[DONE + 2t]  thread t's finished-job ring head (the main thread keeps the tail)
// Each job is a slot: ops[2s] (OP_HANDLER or OP_NEXT), ops[2s+1] (handler index),
// args[3s..3s+2] (function pointer, first and second argument), results[s], owner[s].

export const OP_HANDLER = 1;
export const OP_NEXT = 2;
/** What a job reports when the call itself could not be made. */
export const CALL_FAILED = -0x80000000;

export const CONTROL = { SUB_HEAD: 0, SUB_TAIL: 1, WAKE: 2, SIGNAL: 3, CLOSING: 4, AWAKE: 5, BUSY: 6, DONE: 8 } as const;

export interface PoolThreadData {
  koffiPath: string;
  library: string;
  symbols: string[];
  id: number;
  slots: number;
  /** SharedArrayBuffers: control + sub ring + done rings + ops + results + owners, and the BigUint64 args. */
  ints: SharedArrayBuffer;
  args: SharedArrayBuffer;
  /** Offsets (in Int32 elements) of each region inside `ints`. */
  layout: { ring: number; done: number; ops: number; results: number; owner: number; states: number };
}

export const POOL_THREAD_SOURCE = `'use strict';
const { workerData, parentPort } = require('node:worker_threads');

function main() {
  const { koffiPath, library, symbols, id, slots, ints, args: argBuffer, layout } = workerData;
  let koffi, handlers;
  try {
    koffi = require(koffiPath);
    const lib = koffi.load(library);
    handlers = symbols.map((symbol) => lib.func(symbol, 'int32_t', ['void *', 'void *']));
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) });
    return;
  }
  const nextProto = koffi.proto('int32_t', ['void *', 'void *']);
  const nextCalls = new Map();
  const nextOf = (fn) => {
    let call = nextCalls.get(fn);
    if (call === undefined) {
      call = koffi.decode(fn, nextProto);
      if (nextCalls.size < 256) nextCalls.set(fn, call);
    }
    return call;
  };

  const all = new Int32Array(ints);
  const control = all.subarray(0, layout.ring);
  const ring = all.subarray(layout.ring, layout.ring + slots);
  const done = all.subarray(layout.done + id * slots, layout.done + (id + 1) * slots);
  const ops = all.subarray(layout.ops, layout.ops + 2 * slots);
  const results = all.subarray(layout.results, layout.results + slots);
  const owner = all.subarray(layout.owner, layout.owner + slots);
  const states = all.subarray(layout.states);
  const args = new BigUint64Array(argBuffer);
  const mask = slots - 1;
  const doneHead = ${CONTROL.DONE} + 2 * id;

  Atomics.add(control, ${CONTROL.AWAKE}, 1);
  Atomics.store(states, id, 1);
  parentPort.postMessage({ type: 'ready' });
  for (;;) {
    const wake = Atomics.load(control, ${CONTROL.WAKE});
    const tail = Atomics.load(control, ${CONTROL.SUB_TAIL});
    if (tail === Atomics.load(control, ${CONTROL.SUB_HEAD})) {
      Atomics.store(states, id, 0);
      Atomics.sub(control, ${CONTROL.AWAKE}, 1);
      if (Atomics.load(control, ${CONTROL.CLOSING}) === 1) return;
      Atomics.wait(control, ${CONTROL.WAKE}, wake);
      Atomics.add(control, ${CONTROL.AWAKE}, 1);
      Atomics.store(states, id, 1);
      continue;
    }
    if (Atomics.compareExchange(control, ${CONTROL.SUB_TAIL}, tail, (tail + 1) | 0) !== tail) continue;
    const slot = ring[tail & mask];
    owner[slot] = id;
    Atomics.add(control, ${CONTROL.BUSY}, 1);
    Atomics.store(states, id, 2);
    // More jobs wait and no awake thread is free: another thread takes the next one while this one calls.
    if (((tail + 1) | 0) !== Atomics.load(control, ${CONTROL.SUB_HEAD}) && Atomics.load(control, ${CONTROL.AWAKE}) <= Atomics.load(control, ${CONTROL.BUSY})) {
      Atomics.add(control, ${CONTROL.WAKE}, 1);
      Atomics.notify(control, ${CONTROL.WAKE}, 1);
    }
    let rc;
    try {
      rc = ops[2 * slot] === ${OP_HANDLER}
        ? handlers[ops[2 * slot + 1]](args[3 * slot + 1], args[3 * slot + 2])
        : nextOf(args[3 * slot])(args[3 * slot + 1], args[3 * slot + 2]);
    } catch {
      rc = ${CALL_FAILED};
    }
    Atomics.store(states, id, 1);
    Atomics.sub(control, ${CONTROL.BUSY}, 1);
    results[slot] = rc;
    const head = Atomics.load(control, doneHead);
    done[head & mask] = slot;
    Atomics.store(control, doneHead, (head + 1) | 0);
    Atomics.add(control, ${CONTROL.SIGNAL}, 1);
    Atomics.notify(control, ${CONTROL.SIGNAL});
  }
}

main();
`;
