// The dispatch: copy the request into an arena, call the route's symbol
// (inline or on the pool), then answer with one send() or, for an iterator,
// startChunked / writeChunk / endChunked, calling the library's release and
// state_free exactly once each.
import type { DispatchFn, Logger, ResponseWriter, WireRequest, Written } from 'wirecore';
import { CHUNK_OFFSET, NEXT_CHUNK, NEXT_END } from './abi.js';
import { bytesOf, encodeRequest, readAnswer, readFrees, type Arena, type ArenaPool, type Frees, type NativeAnswer, type NativeMemory } from './arena.js';
import type { Koffi } from './koffi-loader.js';
import type { HandlerCall, NativeLibrary } from './library.js';
import type { RouteConfig } from './options.js';
import type { NativePool } from './pool.js';
import { CALL_FAILED } from './pool-worker.js';
import { RouteTable } from './routes.js';

export interface BoundRoute extends RouteConfig {
  /** The symbol on this thread (inline calls; resolved for pooled routes too, to fail at start-up). */
  call: HandlerCall;
  /** Its index among the pool's symbols (pooled routes). */
  poolIndex: number;
}

const NOT_FOUND = { status: 404, headers: [['content-type', 'text/plain']] as Array<[string, string]>, body: 'Not Found\n' };
const UNAVAILABLE = { status: 503, headers: [['content-type', 'text/plain']] as Array<[string, string]>, body: 'Service Unavailable\n' };
/** An inline stream whose socket never pushes back still lets the event loop run this often. */
const CHUNKS_PER_TURN = 16;

/** Per process, as wirecore_ffi.h says. */
let lastRequestId = 0;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class NativeBridge {
  private readonly routes: RouteTable<BoundRoute>;
  readonly dispatch: DispatchFn<unknown>;

  constructor(
    private readonly koffi: Koffi,
    private readonly lib: NativeLibrary,
    private readonly memory: NativeMemory,
    private readonly arenas: ArenaPool,
    routes: BoundRoute[],
    private readonly pool: NativePool | null,
    private readonly logger: Logger,
  ) {
    this.routes = new RouteTable(routes);
    const single = this.routes.single;
    this.dispatch = (_ctx, req, res) => {
      const route = single ?? this.routes.match(req.path);
      if (route === undefined) return res.send(NOT_FOUND);
      if (route.key !== '*') req.route = route.key;
      const hasBody = req.body.length !== 0;
      if (hasBody && route.readBody) return this.withBody(route, req, res);
      return this.call(route, req, res, null, hasBody);
    };
  }

  private async withBody(route: BoundRoute, req: WireRequest, res: ResponseWriter): Promise<Written> {
    const body = await req.body.bytes();
    return this.call(route, req, res, body, false);
  }

  private call(route: BoundRoute, req: WireRequest, res: ResponseWriter, body: Uint8Array | null, bodyUnread: boolean): Written | Promise<Written> {
    const arena = encodeRequest(this.arenas, this.koffi, req, ++lastRequestId, body, bodyUnread);
    if (route.mode === 'pooled') return this.callPooled(route, req, res, arena);
    let rc: number;
    try {
      rc = route.call(arena.reqAddr, arena.resAddr);
    } catch (error) {
      this.arenas.give(arena);
      throw error;
    }
    return this.answer(route, req, res, arena, rc);
  }

  private callPooled(route: BoundRoute, req: WireRequest, res: ResponseWriter, arena: Arena): Promise<Written> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let late = false;
      this.pool!.callHandler(route.poolIndex, arena.reqAddr, arena.resAddr, (rc) => {
        if (timer !== undefined) clearTimeout(timer);
        if (late) return this.discard(arena);
        try {
          resolve(this.answer(route, req, res, arena, rc));
        } catch (error) {
          reject(error);
        }
      });
      if (route.timeoutMs === undefined) return;
      timer = setTimeout(() => {
        late = true;
        this.logger.warn(`wirecore/ffi: ${describe(route, req)} took longer than ${route.timeoutMs} ms: answered 503; its thread finishes the call in the background`);
        try {
          resolve(res.send(UNAVAILABLE));
        } catch (error) {
          reject(error);
        }
      }, route.timeoutMs);
    });
  }

  /** A timed-out call's result: nobody waits for it, but what it allocated is freed. */
  private discard(arena: Arena): void {
    try {
      this.runFrees(readFrees(arena));
    } finally {
      this.arenas.give(arena);
    }
  }

  private runFrees(frees: Frees): void {
    try {
      if (frees.release !== null) this.lib.free(frees.release, frees.releaseData);
    } finally {
      if (frees.stateFree !== null) this.lib.free(frees.stateFree, frees.state);
    }
  }

  private answer(route: BoundRoute, req: WireRequest, res: ResponseWriter, arena: Arena, rc: number): Written | Promise<Written> {
    if (rc !== 0) {
      this.discard(arena);
      throw new Error(`wirecore/ffi: ${describe(route, req)} ${rc === CALL_FAILED ? 'could not be called on its pool thread' : `returned ${rc}`}`);
    }
    const answer = readAnswer(this.memory, arena);
    if (answer.problem !== null || answer.next === null) {
      try {
        this.runFrees(answer);
      } finally {
        this.arenas.give(arena);
      }
      if (answer.problem !== null) throw new Error(`wirecore/ffi: ${describe(route, req)} answered an invalid response: ${answer.problem}`);
      return res.send({ status: answer.status, headers: answer.headers, body: answer.body });
    }
    // The head and body are copies now: the library may have them back.
    try {
      if (answer.release !== null) this.lib.free(answer.release, answer.releaseData);
    } catch (error) {
      this.endStream(arena, answer);
      throw error;
    }
    return this.stream(route, req, res, arena, answer);
  }

  private async stream(route: BoundRoute, req: WireRequest, res: ResponseWriter, arena: Arena, answer: NativeAnswer): Promise<Written> {
    const next = answer.next!;
    // A pooled `next` that timed out is still running: its completion frees the state.
    let nextStillRunning = false;
    try {
      res.startChunked(answer.status, answer.headers);
      if (answer.body !== null) {
        const wait = res.writeChunk(answer.body);
        if (wait !== true) await wait;
      }
      if (req.method === 'HEAD') return res.endChunked();
      let burst = 0;
      while (!res.aborted) {
        arena.clearChunk();
        let rc: number;
        if (route.mode === 'inline') {
          rc = this.lib.next(next, answer.state, arena.chunkAddr);
        } else {
          rc = await this.pooledNext(route, req, arena, answer, () => (nextStillRunning = true));
        }
        if (rc === NEXT_END) break;
        if (rc !== NEXT_CHUNK) {
          throw new Error(`wirecore/ffi: the stream of ${describe(route, req)} ${rc === CALL_FAILED ? 'could not be continued on its pool thread' : `reported ${rc}`}; the connection closes`);
        }
        const chunk = bytesOf(this.memory, arena.pointerAt(CHUNK_OFFSET), arena.lengthAt(CHUNK_OFFSET + 8), 'chunk');
        if (chunk !== null && !Buffer.isBuffer(chunk)) throw new Error(`wirecore/ffi: the stream of ${describe(route, req)} sent an invalid chunk: ${chunk.problem}; the connection closes`);
        const wait = chunk === null ? true : res.writeChunk(chunk);
        if (wait !== true) {
          await wait;
          burst = 0;
        } else if (route.mode === 'inline' && ++burst === CHUNKS_PER_TURN) {
          // Empty chunks count too: an iterator that never yields bytes must not hold the loop.
          burst = 0;
          await nextTurn();
        }
      }
      return res.endChunked();
    } finally {
      if (!nextStillRunning) this.endStream(arena, answer);
    }
  }

  private endStream(arena: Arena, answer: Frees): void {
    try {
      if (answer.stateFree !== null) this.lib.free(answer.stateFree, answer.state);
    } finally {
      this.arenas.give(arena);
    }
  }

  private pooledNext(route: BoundRoute, req: WireRequest, arena: Arena, answer: NativeAnswer, onTimeout: () => void): Promise<number> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let late = false;
      this.pool!.callNext(answer.next!, answer.state, arena.chunkAddr, (rc) => {
        if (timer !== undefined) clearTimeout(timer);
        if (late) return this.endStream(arena, answer);
        resolve(rc);
      });
      if (route.timeoutMs === undefined) return;
      timer = setTimeout(() => {
        late = true;
        onTimeout();
        reject(new Error(`wirecore/ffi: the stream of ${describe(route, req)} took longer than ${route.timeoutMs} ms for one chunk; the connection closes and the state is freed when the call returns`));
      }, route.timeoutMs);
    });
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

function describe(route: BoundRoute, req: WireRequest): string {
  return `handler ${JSON.stringify(route.symbol)} (${req.method} ${req.target})`;
}
