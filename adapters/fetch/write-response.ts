// Writes a web Response through the ResponseWriter. The headers on the wire
// are the Response's own (fetch standard); the writer owns framing, so the
// body's length is handed to it, never copied as a header:
// - bytes at hand (a LightResponse's string, bytes or Blob, or a stream that
//   is whole within this turn of the event loop): one send() with
//   Content-Length;
// - a stream whose Content-Length the app states: streamed with that length
//   (a mismatch is the app's error: a 500 before the head, else a log line
//   and a dropped connection, never a corrupt frame);
// - any other stream: chunked, its head written at once, each chunk waiting
//   for the writer's backpressure, cancelled when the client leaves.
// HEAD gets the head only: the length the app states, else the length of the
// body it has (or of the GET answer it was made from), else none.
import type { ResponseHeaders, ResponseWriter, WireRequest, Written } from 'wirecore';
import { lightParts, type KnownBody } from './light-response.js';

type HeaderPairs = Array<[string, string]>;
type HeadersInit = NonNullable<ResponseInit['headers']>;

/** Blobs up to this size are read whole and sent in one write; larger ones are streamed with their length. */
const WHOLE_BLOB_BYTES = 1024 * 1024;
/**
 * A stream that ends with at most this many chunks within one turn of the
 * event loop is sent whole: the body of a platform Response made from a
 * string, bytes, a Blob or a clone arrives as one chunk. An app's own stream
 * of more chunks stays a stream (chunked), as on @hono/node-server.
 */
const PEEK_CHUNKS = 2;

function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

const NO_HEADERS: HeaderPairs = [];
/** The headers of a body given no headers, per implied Content-Type (few: text, form, JSON, Blob types); the writer only reads them. */
const typeOnly = new Map<string, HeaderPairs>();

/** The headers as pairs, with the implied Content-Type when none is named, and the stated Content-Length. */
function collect(given: HeadersInit | undefined, impliedType: string | undefined): { headers: HeaderPairs; stated: string | undefined } {
  if (given === undefined) {
    if (impliedType === undefined) return { headers: NO_HEADERS, stated: undefined };
    let headers = typeOnly.get(impliedType);
    if (headers === undefined) {
      headers = [['content-type', impliedType]];
      if (typeOnly.size < 64) typeOnly.set(impliedType, headers);
    }
    return { headers, stated: undefined };
  }
  const headers: HeaderPairs = [];
  let stated: string | undefined;
  let typed = false;
  const add = (name: string, value: string) => {
    if (name.length === 14 && name.toLowerCase() === 'content-length') stated = stated === undefined ? value : `${stated}, ${value}`;
    else if (name.length === 12 && name.toLowerCase() === 'content-type') typed = true;
    headers.push([name, value]);
  };
  if (given instanceof Headers) for (const [name, value] of given) add(name, value);
  else if (Array.isArray(given)) for (const pair of given as ReadonlyArray<readonly string[]>) add(pair[0]!, String(pair[1]));
  else {
    const record = given as Record<string, string>;
    for (const name in record) add(name, String(record[name]));
  }
  if (impliedType !== undefined && !typed) headers.push(['content-type', impliedType]);
  return { headers, stated };
}

/** The length the app states, or undefined; a value that is not one length is the app's error. */
function parseStated(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Headers joins repeated fields with ", ": identical repeats are one length (RFC 9110 §8.6).
  const parts = value.split(',').map((part) => part.trim());
  const length = Number(parts[0]);
  if (!/^\d+$/.test(parts[0]!) || !Number.isSafeInteger(length) || parts.some((part) => part !== parts[0])) {
    throw new Error(`wirecore/fetch: the Response's Content-Length ${JSON.stringify(value)} is not a length`);
  }
  return length;
}

function mismatch(stated: number, actual: number): Error {
  return new Error(`wirecore/fetch: the Response states Content-Length: ${stated} but its body has ${actual} bytes`);
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function knownLength(body: KnownBody | undefined): number | undefined {
  if (body === undefined) return undefined;
  if (body === null) return 0;
  return body instanceof Blob ? body.size : byteLength(body);
}

/** HEAD: the head with this length (or none), and no body. */
function headOnly(res: ResponseWriter, status: number, headers: ResponseHeaders, length: number | undefined): Written {
  res.startChunked(status, headers, length === undefined ? undefined : { length });
  return res.endChunked();
}

function writeBytes(res: ResponseWriter, head: boolean, status: number, headers: HeaderPairs, stated: number | undefined, body: string | Uint8Array): Written {
  if (stated !== undefined && !hasNoBody(status)) {
    // HEAD: the stated length goes out as it is.
    if (head) return headOnly(res, status, headers, stated);
    const actual = byteLength(body);
    if (stated !== actual) throw mismatch(stated, actual);
  }
  return res.send({ status, headers, body });
}

function writeEmpty(res: ResponseWriter, head: boolean, status: number, headers: HeaderPairs, stated: number | undefined, derived: KnownBody | undefined): Written {
  if (hasNoBody(status)) return res.send({ status, headers });
  if (head) return headOnly(res, status, headers, stated ?? knownLength(derived));
  if (stated !== undefined && stated !== 0) throw mismatch(stated, 0);
  return res.send({ status, headers });
}

async function writeBlob(res: ResponseWriter, wire: WireRequest, status: number, headers: HeaderPairs, stated: number | undefined, blob: Blob): Promise<Written> {
  const head = wire.method === 'HEAD';
  if (hasNoBody(status)) return res.send({ status, headers });
  if (head) return headOnly(res, status, headers, stated ?? blob.size);
  if (stated !== undefined && stated !== blob.size) throw mismatch(stated, blob.size);
  if (blob.size <= WHOLE_BLOB_BYTES) return res.send({ status, headers, body: new Uint8Array(await blob.arrayBuffer()) });
  const reader = blob.stream().getReader();
  res.startChunked(status, headers, { length: blob.size });
  return pump(res, wire, reader, [], undefined, blob.size);
}

/** A chunk of a Response body stream as the writer takes it. */
function toChunk(value: unknown): Uint8Array | string {
  if (value instanceof Uint8Array || typeof value === 'string') return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`wirecore/fetch: a Response body stream must yield Uint8Array chunks, got ${Object.prototype.toString.call(value)}`);
}

const NEXT_TURN = Symbol('next turn');
type Read = Awaited<ReturnType<ReadableStreamDefaultReader<unknown>['read']>>;

interface Peeked {
  chunks: Array<Uint8Array | string>;
  /** The stream ended: its length is known. */
  whole: boolean;
  /** A read still under way when the turn ended. */
  pending: Promise<Read> | undefined;
}

/** Reads what the stream has within this turn of the event loop, up to PEEK_CHUNKS and its end. */
async function peek(reader: ReadableStreamDefaultReader<unknown>): Promise<Peeked> {
  const turn = new Promise<typeof NEXT_TURN>((resolve) => setImmediate(resolve, NEXT_TURN));
  const chunks: Array<Uint8Array | string> = [];
  for (;;) {
    const read = reader.read();
    const result = await Promise.race([read, turn]);
    if (result === NEXT_TURN) return { chunks, whole: false, pending: read };
    if (result.done) return { chunks, whole: true, pending: undefined };
    chunks.push(toChunk(result.value));
    if (chunks.length > PEEK_CHUNKS) return { chunks, whole: false, pending: undefined };
  }
}

function concat(chunks: Array<Uint8Array | string>): string | Uint8Array {
  if (chunks.length === 0) return '';
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
}

/**
 * Writes the rest of a started stream, waiting for the writer's backpressure.
 * With a stated length, the chunk that completes it is written only once the
 * stream has ended behind it: a body longer than stated then drops the
 * connection short of the stated length, so no client takes it for whole.
 */
async function pump(
  res: ResponseWriter,
  wire: WireRequest,
  reader: ReadableStreamDefaultReader<unknown>,
  first: Array<Uint8Array | string>,
  pending: Promise<Read> | undefined,
  stated: number | undefined,
): Promise<Written> {
  const cancel = () => void reader.cancel().catch(() => {});
  wire.signal.addEventListener('abort', cancel, { once: true });
  const queued = first.slice();
  const next = async (): Promise<Uint8Array | string | undefined> => {
    if (queued.length > 0) return queued.shift();
    const read = pending ?? reader.read();
    pending = undefined;
    const { value, done } = await read;
    return done ? undefined : toChunk(value);
  };
  let written = 0;
  try {
    while (!res.aborted) {
      const chunk = await next();
      if (chunk === undefined) break;
      if (stated !== undefined) {
        written += byteLength(chunk);
        if (written > stated || (written === stated && (await next()) !== undefined)) {
          throw new Error(`wirecore/fetch: the Response states Content-Length: ${stated} but its body has more bytes`);
        }
      }
      const wait = res.writeChunk(chunk);
      if (wait !== true) await wait;
    }
    if (res.aborted) cancel();
    return res.endChunked();
  } catch (error) {
    cancel();
    if (stated !== undefined && (error as { code?: unknown }).code === 'WIRE_ERR_LENGTH_MISMATCH') {
      throw new Error(`wirecore/fetch: the Response states Content-Length: ${stated} but its body has ${written} bytes`, { cause: error });
    }
    throw error;
  } finally {
    wire.signal.removeEventListener('abort', cancel);
  }
}

async function writeStream(res: ResponseWriter, wire: WireRequest, status: number, headers: HeaderPairs, stated: number | undefined, body: ReadableStream<unknown>): Promise<Written> {
  const head = wire.method === 'HEAD';
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  if (hasNoBody(status)) {
    cancel();
    return res.send({ status, headers });
  }
  if (head && stated !== undefined) {
    cancel();
    return headOnly(res, status, headers, stated);
  }
  let peeked: Peeked;
  try {
    peeked = await peek(reader);
  } catch (error) {
    cancel();
    throw error;
  }
  if (peeked.whole) {
    const whole = concat(peeked.chunks);
    if (stated !== undefined && stated !== byteLength(whole)) throw mismatch(stated, byteLength(whole));
    return res.send({ status, headers, body: whole });
  }
  if (head) {
    cancel();
    return headOnly(res, status, headers, undefined);
  }
  res.startChunked(status, headers, stated === undefined ? undefined : { length: stated });
  return pump(res, wire, reader, peeked.chunks, peeked.pending, stated);
}

export function writeResponse(res: ResponseWriter, wire: WireRequest, response: Response): Written | Promise<Written> {
  const light = lightParts(response);
  if (light !== undefined) {
    const { headers, stated } = collect(light.given, light.impliedType);
    const length = parseStated(stated);
    const body = light.body;
    const head = wire.method === 'HEAD';
    if (body === null) return writeEmpty(res, head, light.status, headers, length, light.derived);
    if (body instanceof Blob) return writeBlob(res, wire, light.status, headers, length, body);
    return writeBytes(res, head, light.status, headers, length, body);
  }
  const { headers, stated } = collect(response.headers, undefined);
  const length = parseStated(stated);
  const body = response.body;
  if (body === null) return writeEmpty(res, wire.method === 'HEAD', response.status, headers, length, undefined);
  return writeStream(res, wire, response.status, headers, length, body);
}
