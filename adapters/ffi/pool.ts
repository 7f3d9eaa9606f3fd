// Pooled mode: N threads that call native functions off the event loop.
// Jobs and results cross through shared memory (see pool-worker.ts), not
// messages: the main thread publishes a job with atomic stores (and wakes a
// thread only when no awake one is free), a thread claims it, and finished
// jobs are collected in batches when the main thread's Atomics.waitAsync
// fires. Under load one wake-up carries many results, which is what keeps
// pooled calls cheap.
import { Worker } from 'node:worker_threads';
import type { Logger } from 'wirecore';
import type { Pointer } from './library.js';
import { CALL_FAILED, CONTROL, OP_HANDLER, OP_NEXT, POOL_THREAD_SOURCE, type PoolThreadData } from './pool-worker.js';

export type PoolCallback = (rc: number) => void;

export interface PoolOptions {
  koffiPath: string;
  library: string;
  /** Handler symbols, called by index. */
  symbols: string[];
  threads: number;
  logger: Logger;
}

/** Jobs in flight at once; more wait in a queue on the main thread. */
const SLOTS = 1024;

interface Waiting {
  op: number;
  index: number;
  fn: bigint;
  a0: bigint;
  a1: bigint;
  done: PoolCallback;
}

const toBig = (p: Pointer): bigint => (typeof p === 'bigint' ? p : BigInt(p));

/** Atomics.waitAsync (Node 16+, typed from ES2024 on). */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<unknown> | string } }).waitAsync;

export class NativePool {
  private readonly control: Int32Array;
  private readonly ring: Int32Array;
  private readonly doneRings: Int32Array;
  private readonly ops: Int32Array;
  private readonly results: Int32Array;
  private readonly owner: Int32Array;
  private readonly states: Int32Array;
  private readonly args: BigUint64Array;
  private readonly callbacks: Array<PoolCallback | undefined> = new Array(SLOTS);
  private readonly freeSlots: number[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly threads: Array<Worker | undefined>;
  private readonly drainResults = () => this.drain();
  private inFlight = 0;
  private wakeQueued = false;
  /**
   * One wake-up per burst of jobs, and none when an awake thread is free (it
   * sees the bumped WAKE word before it sleeps). A thread that takes a job
   * wakes the next while more wait.
   */
  private readonly wakeThread = () => {
    this.wakeQueued = false;
    const control = this.control;
    Atomics.add(control, CONTROL.WAKE, 1);
    if (Atomics.load(control, CONTROL.AWAKE) <= Atomics.load(control, CONTROL.BUSY)) Atomics.notify(control, CONTROL.WAKE, 1);
  };
  private armed = false;
  private closing = false;
  private readonly data: Omit<PoolThreadData, 'id'>;

  private constructor(private readonly options: PoolOptions) {
    const layout = { ring: 16 + 2 * options.threads, done: 0, ops: 0, results: 0, owner: 0, states: 0 };
    layout.done = layout.ring + SLOTS;
    layout.ops = layout.done + options.threads * SLOTS;
    layout.results = layout.ops + 2 * SLOTS;
    layout.owner = layout.results + SLOTS;
    layout.states = layout.owner + SLOTS;
    const ints = new SharedArrayBuffer(4 * (layout.states + options.threads));
    const argBuffer = new SharedArrayBuffer(8 * 3 * SLOTS);
    const all = new Int32Array(ints);
    this.control = all.subarray(0, layout.ring);
    this.ring = all.subarray(layout.ring, layout.ring + SLOTS);
    this.doneRings = all.subarray(layout.done, layout.done + options.threads * SLOTS);
    this.ops = all.subarray(layout.ops, layout.ops + 2 * SLOTS);
    this.results = all.subarray(layout.results, layout.results + SLOTS);
    this.owner = all.subarray(layout.owner, layout.owner + SLOTS);
    this.states = all.subarray(layout.states, layout.states + options.threads);
    this.args = new BigUint64Array(argBuffer);
    for (let slot = SLOTS - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    this.threads = new Array(options.threads);
    this.data = { koffiPath: options.koffiPath, library: options.library, symbols: options.symbols, slots: SLOTS, ints, args: argBuffer, layout };
  }

  /** Starts every thread; resolves once each has loaded the library and its symbols. */
  static async start(options: PoolOptions): Promise<NativePool> {
    const pool = new NativePool(options);
    try {
      await Promise.all(Array.from({ length: options.threads }, (_, id) => pool.startThread(id)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  private startThread(id: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const thread = new Worker(POOL_THREAD_SOURCE, {
        eval: true,
        workerData: { ...this.data, id } satisfies PoolThreadData,
        name: `wirecore-ffi-${id}`,
        // The loop makes only short-lived garbage: a small young generation keeps each thread's memory flat.
        resourceLimits: { maxYoungGenerationSizeMb: 2 },
      });
      let ready = false;
      thread.unref();
      thread.on('message', (message: { type: string; message?: string }) => {
        if (message.type === 'ready') {
          ready = true;
          this.threads[id] = thread;
          resolve();
        } else if (message.type === 'failed') {
          reject(new Error(`wirecore/ffi: a pool thread could not load ${this.options.library}: ${message.message}`));
        }
      });
      thread.on('error', (error) => {
        if (!ready) reject(error);
        else this.options.logger.error(`wirecore/ffi: pool thread ${id} failed`, error);
      });
      thread.on('exit', () => {
        if (this.threads[id] === thread) this.threads[id] = undefined;
        if (!ready) return reject(new Error(`wirecore/ffi: pool thread ${id} stopped before it was ready`));
        if (this.closing) return;
        this.threadLost(id);
      });
    });
  }

  /** A thread ended while the pool is open: its jobs fail, and another thread takes its place. */
  private threadLost(id: number): void {
    this.options.logger.error(`wirecore/ffi: pool thread ${id} stopped; its calls fail and a new thread starts`);
    // It no longer counts as awake or busy, or no sleeping thread would be woken for new jobs.
    const state = Atomics.exchange(this.states, id, 0);
    if (state >= 1) Atomics.sub(this.control, CONTROL.AWAKE, 1);
    if (state === 2) Atomics.sub(this.control, CONTROL.BUSY, 1);
    // What it finished is in its ring (final now): collect that first, so a slot is never finished twice.
    this.drain();
    for (let slot = 0; slot < SLOTS; slot++) {
      if (this.callbacks[slot] !== undefined && this.owner[slot] === id) this.finish(slot, CALL_FAILED);
    }
    this.startThread(id).catch((error: unknown) => this.options.logger.error(`wirecore/ffi: pool thread ${id} could not be replaced`, error));
  }

  /** Calls handler `index` with (req, res) on a pool thread. */
  callHandler(index: number, req: bigint, res: bigint, done: PoolCallback): void {
    this.submit(OP_HANDLER, index, 0n, req, res, done);
  }

  /** Calls a wc_next_fn with (state, chunk) on a pool thread. */
  callNext(fn: Pointer, state: Pointer | null, chunk: bigint, done: PoolCallback): void {
    this.submit(OP_NEXT, 0, toBig(fn), state === null ? 0n : toBig(state), chunk, done);
  }

  private submit(op: number, index: number, fn: bigint, a0: bigint, a1: bigint, done: PoolCallback): void {
    if (this.closing) throw new Error('wirecore/ffi: the native pool is closed');
    const slot = this.freeSlots.pop();
    if (slot === undefined) {
      this.waiting.push({ op, index, fn, a0, a1, done });
      return;
    }
    this.publish(slot, op, index, fn, a0, a1, done);
  }

  private publish(slot: number, op: number, index: number, fn: bigint, a0: bigint, a1: bigint, done: PoolCallback): void {
    this.callbacks[slot] = done;
    this.ops[2 * slot] = op;
    this.ops[2 * slot + 1] = index;
    this.args[3 * slot] = fn;
    this.args[3 * slot + 1] = a0;
    this.args[3 * slot + 2] = a1;
    this.owner[slot] = -1;
    const control = this.control;
    const head = control[CONTROL.SUB_HEAD]!;
    this.ring[head & (SLOTS - 1)] = slot;
    Atomics.store(control, CONTROL.SUB_HEAD, (head + 1) | 0);
    this.inFlight++;
    if (!this.wakeQueued) {
      this.wakeQueued = true;
      queueMicrotask(this.wakeThread);
    }
    this.arm();
  }

  /** Waits for the next batch of results (unless one is already there). */
  private arm(): void {
    if (this.armed || this.inFlight === 0) return;
    this.armed = true;
    const seen = Atomics.load(this.control, CONTROL.SIGNAL);
    if (this.hasResults()) {
      queueMicrotask(this.drainResults);
      return;
    }
    const wait = waitAsync(this.control, CONTROL.SIGNAL, seen);
    if (wait.async) void (wait.value as Promise<unknown>).then(this.drainResults);
    else queueMicrotask(this.drainResults);
  }

  private hasResults(): boolean {
    for (let id = 0; id < this.threads.length; id++) {
      const at = CONTROL.DONE + 2 * id;
      if (Atomics.load(this.control, at) !== this.control[at + 1]) return true;
    }
    return false;
  }

  private drain(): void {
    this.armed = false;
    const control = this.control;
    for (let id = 0; id < this.threads.length; id++) {
      const at = CONTROL.DONE + 2 * id;
      let tail = control[at + 1]!;
      const head = Atomics.load(control, at);
      while (tail !== head) {
        const slot = this.doneRings[id * SLOTS + (tail & (SLOTS - 1))]!;
        tail = (tail + 1) | 0;
        control[at + 1] = tail;
        this.finish(slot, this.results[slot]!);
      }
    }
    this.arm();
  }

  private finish(slot: number, rc: number): void {
    const done = this.callbacks[slot];
    if (done === undefined) return;
    this.callbacks[slot] = undefined;
    this.inFlight--;
    const next = this.waiting.shift();
    if (next !== undefined) this.publish(slot, next.op, next.index, next.fn, next.a0, next.a1, next.done);
    else this.freeSlots.push(slot);
    try {
      done(rc);
    } catch (error) {
      this.options.logger.error('wirecore/ffi: a pooled call\'s completion failed', error);
    }
  }

  /** Calls published and not yet finished, plus those waiting for a slot. */
  get pending(): number {
    return this.inFlight + this.waiting.length;
  }

  /**
   * Lets the threads finish the queue and leave. A native call that never
   * returns keeps its thread; close() does not wait for it beyond `graceMs`.
   */
  async close(graceMs = 2000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    Atomics.store(this.control, CONTROL.CLOSING, 1);
    Atomics.add(this.control, CONTROL.WAKE, 1);
    Atomics.notify(this.control, CONTROL.WAKE);
    const threads = this.threads.filter((t): t is Worker => t !== undefined);
    const exited = Promise.all(threads.map((t) => new Promise<void>((resolve) => (t.threadId === -1 ? resolve() : t.once('exit', () => resolve())))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs).unref()))]);
    clearTimeout(timer);
  }
}
