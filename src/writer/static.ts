// Responses serialized once at start-up. Each has three variants (persistent,
// closing, HTTP/1.0 keep-alive); every second each variant is replaced by a
// copy with the new Date, so a write still in flight never sees a torn Date.
import type { SendInit, StaticResponse } from '../types.js';
import { onDateTick, currentDate } from './clock.js';
import { normalizeHeaders } from './headers.js';
import { CONN_CLOSE, CONN_DEFAULT, CONN_KEEP_ALIVE, FRAME_LENGTH, FRAME_NONE, checkStatus, serializeHead, statusHasNoBody } from './head.js';

interface Variant {
  bytes: Buffer;
  headLength: number;
  datePos: number;
}

export class StaticResponseImpl implements StaticResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly headerPairs: ReadonlyArray<[string, string]>;
  /** Indexed by CONN_DEFAULT, CONN_CLOSE, CONN_KEEP_ALIVE. */
  readonly variants: Variant[];

  constructor(init: SendInit) {
    const status = init.status ?? 200;
    checkStatus(status);
    const headers = normalizeHeaders(init.headers);
    if (headers.hasDate) throw new TypeError('createStatic: Date is set by wirecore and patched once a second');
    const noBody = statusHasNoBody(status);
    const body = noBody || init.body == null ? Buffer.alloc(0) : Buffer.from(init.body);
    this.status = status;
    this.body = body;
    this.headerPairs = headers.pairs;
    const frame = noBody ? FRAME_NONE : FRAME_LENGTH;
    this.variants = [CONN_DEFAULT, CONN_CLOSE, CONN_KEEP_ALIVE].map((conn) => {
      const head = Buffer.from(serializeHead(status, headers, frame, body.length, conn), 'latin1');
      const datePos = head.indexOf('\r\nDate: ') + 8;
      return { bytes: Buffer.concat([head, body]), headLength: head.length, datePos };
    });
    this.patch(currentDate());
    registry.add(new WeakRef(this));
  }

  get bytes(): Buffer {
    return this.variants[CONN_DEFAULT]!.bytes;
  }

  get headLength(): number {
    return this.variants[CONN_DEFAULT]!.headLength;
  }

  get bodyLength(): number {
    return this.body.length;
  }

  patch(date: string): void {
    for (const v of this.variants) {
      if (v.bytes.latin1Slice(v.datePos, v.datePos + date.length) === date) continue;
      const next = Buffer.allocUnsafe(v.bytes.length);
      v.bytes.copy(next);
      next.write(date, v.datePos, 'latin1');
      v.bytes = next;
    }
  }
}

const registry = new Set<WeakRef<StaticResponseImpl>>();
let unsubscribe: (() => void) | null = null;

function patchAll(date: string): void {
  for (const ref of registry) {
    const response = ref.deref();
    if (response === undefined) registry.delete(ref);
    else response.patch(date);
  }
  if (registry.size === 0 && unsubscribe !== null) {
    unsubscribe();
    unsubscribe = null;
  }
}

/** Serializes a response once; write it with res.sendStatic() or serve it from options.tryStatic. */
export function createStatic(init: SendInit): StaticResponse {
  const response = new StaticResponseImpl(init);
  unsubscribe ??= onDateTick(patchAll);
  return response;
}

export function isStaticResponse(value: unknown): value is StaticResponseImpl {
  return value instanceof StaticResponseImpl;
}
