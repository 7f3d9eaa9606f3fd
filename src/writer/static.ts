// Responses serialized once at start-up. Each has three variants (persistent,
// closing, HTTP/1.0 keep-alive); every second each variant is replaced by a
// copy with the new Date, so a write still in flight never sees a torn Date.
// A response with a validator (ETag, Last-Modified) also carries its
// 304 Not Modified form, chosen by the request's conditional headers.
import { createHash } from 'node:crypto';
import type { SendInit, StaticOptions, StaticResponse } from '../types.js';
import { onDateTick, currentDate } from './clock.js';
import { normalizeHeaders, type NormalizedHeaders } from './headers.js';
import { CONN_CLOSE, CONN_DEFAULT, CONN_KEEP_ALIVE, FRAME_LENGTH, FRAME_NONE, serializeHead, statusHasNoBody } from './head.js';
import { checkBody, checkStatus } from './lifecycle.js';

interface Variant {
  bytes: Buffer;
  headLength: number;
  datePos: number;
}

/** One serialized answer: its status, its header pairs (for runtimes that frame themselves), and its bytes. */
export class StaticForm {
  /** Indexed by CONN_DEFAULT, CONN_CLOSE, CONN_KEEP_ALIVE. */
  readonly variants: Variant[];

  constructor(
    readonly status: number,
    readonly headerPairs: ReadonlyArray<[string, string]>,
    readonly body: Buffer,
    headers: NormalizedHeaders,
  ) {
    const frame = statusHasNoBody(status) ? FRAME_NONE : FRAME_LENGTH;
    this.variants = [CONN_DEFAULT, CONN_CLOSE, CONN_KEEP_ALIVE].map((conn) => {
      const head = Buffer.from(serializeHead(status, headers, frame, body.length, conn), 'latin1');
      const datePos = head.indexOf('\r\nDate: ') + 8;
      return { bytes: Buffer.concat([head, body]), headLength: head.length, datePos };
    });
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

/** The fields a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5). */
const KEPT_BY_304 = new Set(['cache-control', 'content-location', 'etag', 'expires', 'vary', 'last-modified']);

function headerValue(pairs: ReadonlyArray<[string, string]>, lower: string): string | null {
  for (const [name, value] of pairs) if (name.toLowerCase() === lower) return value;
  return null;
}

export class StaticResponseImpl implements StaticResponse {
  readonly full: StaticForm;
  /** The 304 form, when the response has a validator. */
  readonly notModified: StaticForm | null;
  readonly etag: string | null;
  /** Last-Modified in epoch seconds, or NaN. */
  private readonly lastModified: number;

  constructor(init: SendInit, options: StaticOptions = {}) {
    const status = init.status ?? 200;
    checkStatus(status);
    checkBody(init.body, 'createStatic');
    const given = normalizeHeaders(init.headers);
    if (given.hasDate) throw new TypeError('createStatic: Date is set by wirecore and patched once a second');
    const body = statusHasNoBody(status) || init.body == null ? Buffer.alloc(0) : Buffer.from(init.body);
    let etag = headerValue(given.pairs, 'etag');
    const headers = etag === null && options.etag === true ? normalizeHeaders([...given.pairs, ['ETag', (etag = strongEtag(body))]]) : given;
    this.etag = etag;
    const lastModified = headerValue(headers.pairs, 'last-modified');
    this.lastModified = lastModified === null ? NaN : Math.floor(Date.parse(lastModified) / 1000);
    this.full = new StaticForm(status, headers.pairs, body, headers);
    if (status === 200 && (etag !== null || !Number.isNaN(this.lastModified))) {
      const kept = headers.pairs.filter(([name]) => KEPT_BY_304.has(name.toLowerCase()));
      this.notModified = new StaticForm(304, kept, Buffer.alloc(0), normalizeHeaders(kept));
    } else this.notModified = null;
    this.patch(currentDate());
    registry.add(new WeakRef(this));
  }

  get status(): number {
    return this.full.status;
  }

  get bytes(): Buffer {
    return this.full.variants[CONN_DEFAULT]!.bytes;
  }

  get headLength(): number {
    return this.full.variants[CONN_DEFAULT]!.headLength;
  }

  get bodyLength(): number {
    return this.full.body.length;
  }

  /**
   * The form to answer a request with: 304 when its conditional headers say
   * the client's copy is current (RFC 9110 §13.1.2, §13.1.3; GET and HEAD only).
   */
  formFor(method: string, rawHeaders: readonly string[]): StaticForm {
    const notModified = this.notModified;
    if (notModified === null || (method !== 'GET' && method !== 'HEAD')) return this.full;
    let ifNoneMatch: string | null = null;
    let ifModifiedSince: string | null = null;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 13 && name.toLowerCase() === 'if-none-match') ifNoneMatch = ifNoneMatch === null ? rawHeaders[i + 1]! : `${ifNoneMatch}, ${rawHeaders[i + 1]!}`;
      else if (name.length === 17 && name.toLowerCase() === 'if-modified-since') ifModifiedSince = rawHeaders[i + 1]!;
    }
    if (ifNoneMatch !== null) return this.etag !== null && etagListMatches(ifNoneMatch, this.etag) ? notModified : this.full;
    if (ifModifiedSince !== null && !Number.isNaN(this.lastModified)) {
      const since = Date.parse(ifModifiedSince) / 1000;
      if (since >= this.lastModified) return notModified;
    }
    return this.full;
  }

  patch(date: string): void {
    this.full.patch(date);
    this.notModified?.patch(date);
  }
}

/** A strong entity tag from the body's SHA-256. */
function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

const ENTITY_TAGS = /(?:W\/)?"[^"]*"|\*/g;

/** Weak comparison of `etag` against an If-None-Match list ("*" matches any). */
export function etagListMatches(list: string, etag: string): boolean {
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  // An entity-tag may hold commas inside its quotes: take whole tags, not comma-split pieces.
  for (const [entry] of list.matchAll(ENTITY_TAGS)) {
    if (entry === '*' || (entry.startsWith('W/') ? entry.slice(2) : entry) === opaque) return true;
  }
  return false;
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

/**
 * Serializes a response once; write it with res.sendStatic() or serve it
 * from options.tryStatic. With an ETag (given, or `{ etag: true }` to derive
 * one from the body) or a Last-Modified, conditional GETs get a 304.
 */
export function createStatic(init: SendInit, options?: StaticOptions): StaticResponse {
  const response = new StaticResponseImpl(init, options);
  unsubscribe ??= onDateTick(patchAll);
  return response;
}

export function isStaticResponse(value: unknown): value is StaticResponseImpl {
  return value instanceof StaticResponseImpl;
}
