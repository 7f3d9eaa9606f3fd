// Response compression with node:zlib: gzip, brotli (and deflate), chosen by
// Accept-Encoding (RFC 9110 §12.5.3). A whole body above the threshold is
// compressed at once and sent with one res.send (synchronously up to 64 KiB,
// where that is cheaper than the thread-pool round trip); a stream is
// compressed as it streams, flushed after every chunk so each reaches the
// client at once, with backpressure both ways.
import { once } from 'node:events';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'deflate';

export interface CompressionOptions {
  /** Whole bodies smaller than this many bytes go out as they are. Default 1024. */
  threshold?: number;
  /** Encodings offered, in the server's order of preference. Default ['br', 'gzip']. */
  encodings?: readonly Encoding[];
  /**
   * Brotli quality 0-11. Default 4: about gzip's speed with smaller output.
   * zlib's default, 11, is meant for assets compressed once; per request it
   * costs tens of milliseconds on a large JSON answer.
   */
  brotliQuality?: number;
  /** gzip and deflate level 1-9. Default 6 (zlib's). */
  level?: number;
  /** Media types to compress (given the Content-Type's type/subtype). Default: text (but event streams), JSON, XML, JavaScript, SVG, problem+json. */
  filter?: (mediaType: string) => boolean;
}

export interface CompressionPolicy {
  readonly threshold: number;
  /** The encoding to use for this Accept-Encoding value (cached), or null for identity. */
  negotiate(acceptEncoding: string | undefined): Encoding | null;
  /** Whether a Content-Type is worth compressing. */
  compressible(contentType: string | null): boolean;
  /** Compresses a whole body: synchronously when small, on the thread pool when large. */
  compress(body: Uint8Array, encoding: Encoding): Uint8Array | Promise<Uint8Array>;
  /** Compresses a stream chunk by chunk. */
  stream(source: AsyncIterator<string | Uint8Array>, encoding: Encoding): AsyncIterable<Uint8Array>;
}

const SYNC_LIMIT = 64 * 1024;
const NEGOTIATED_LIMIT = 64;
const COMPRESSIBLE = /^(?:text\/|application\/(?:[\w.+-]+\+)?(?:json|xml)$|application\/(?:javascript|ecmascript|x-www-form-urlencoded|wasm|x-ndjson|ld\+json)$|image\/svg\+xml$)/;

function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** The window that fits the body: a larger one only costs set-up time. */
function windowBits(size: number): number {
  return Math.max(9, Math.min(15, Math.ceil(Math.log2(size + 1))));
}

/** Parses Accept-Encoding into coding → q. */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';');
    const name = coding!.trim().toLowerCase();
    if (name === '') continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!out.has(name)) out.set(name, q);
  }
  return out;
}

export function compileCompression(options: CompressionOptions | true): CompressionPolicy {
  const o = options === true ? {} : options;
  const threshold = o.threshold ?? 1024;
  if (!Number.isInteger(threshold) || threshold < 0) throw new TypeError('wirecore/app: compression.threshold is a whole number of bytes');
  const encodings = [...(o.encodings ?? ['br', 'gzip'])];
  for (const e of encodings) if (e !== 'br' && e !== 'gzip' && e !== 'deflate') throw new TypeError(`wirecore/app: compression.encodings: unknown encoding ${JSON.stringify(e)} (br, gzip, deflate)`);
  const quality = o.brotliQuality ?? 4;
  if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new TypeError('wirecore/app: compression.brotliQuality is 0-11');
  const level = o.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new TypeError('wirecore/app: compression.level is 1-9');
  // Event streams are left alone: each event must reach the client as it is written, and proxies expect them plain.
  const filter = o.filter ?? ((type: string) => type !== 'text/event-stream' && COMPRESSIBLE.test(type));
  const negotiated = new Map<string, Encoding | null>();

  const brotliParams = (size: number) => ({
    [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
    [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    ...(size > 0 ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size, [zlib.constants.BROTLI_PARAM_LGWIN]: Math.max(10, Math.min(24, Math.ceil(Math.log2(size + 1)))) } : {}),
  });
  const brotliAsync = promisify(zlib.brotliCompress);
  const gzipAsync = promisify(zlib.gzip);
  const deflateAsync = promisify(zlib.deflate);

  const choose = (header: string): Encoding | null => {
    const accepted = parseAcceptEncoding(header);
    const star = accepted.get('*');
    let best: Encoding | null = null;
    let bestQ = 0;
    for (const encoding of encodings) {
      const q = accepted.get(encoding) ?? (encoding === 'gzip' ? accepted.get('x-gzip') : undefined) ?? star ?? 0;
      if (q > bestQ) {
        best = encoding;
        bestQ = q;
      }
    }
    return best;
  };

  return {
    threshold,
    negotiate(header) {
      if (header === undefined || header === '') return null;
      let hit = negotiated.get(header);
      if (hit === undefined) {
        hit = choose(header);
        if (negotiated.size < NEGOTIATED_LIMIT) negotiated.set(header, hit);
      }
      return hit;
    },
    compressible(contentType) {
      return contentType !== null && filter(mediaTypeOf(contentType));
    },
    compress(body, encoding) {
      const size = body.length;
      if (size <= SYNC_LIMIT) {
        if (encoding === 'br') return zlib.brotliCompressSync(body, { params: brotliParams(size) });
        if (encoding === 'gzip') return zlib.gzipSync(body, { level, windowBits: windowBits(size) });
        return zlib.deflateSync(body, { level, windowBits: windowBits(size) });
      }
      if (encoding === 'br') return brotliAsync(body, { params: brotliParams(size) });
      if (encoding === 'gzip') return gzipAsync(body, { level });
      return deflateAsync(body, { level });
    },
    stream(source, encoding) {
      const make = () => (encoding === 'br' ? zlib.createBrotliCompress({ params: brotliParams(0) }) : encoding === 'gzip' ? zlib.createGzip({ level }) : zlib.createDeflate({ level }));
      const flushKind = encoding === 'br' ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH;
      return compressStream(source, make, flushKind);
    },
  };
}

/**
 * Pulls a chunk, writes it into zlib, flushes, and yields what came out:
 * zlib never holds more than one chunk, and the source is not pulled until
 * the writer has taken the previous output (its backpressure).
 */
async function* compressStream(source: AsyncIterator<string | Uint8Array>, make: () => zlib.Gzip | zlib.BrotliCompress | zlib.Deflate, flushKind: number): AsyncGenerator<Uint8Array> {
  const z = make();
  const out: Buffer[] = [];
  let failure: Error | null = null;
  z.on('data', (chunk: Buffer) => out.push(chunk));
  z.on('error', (error: Error) => (failure = error));
  const take = (): Buffer | null => {
    if (failure !== null) throw failure;
    if (out.length === 0) return null;
    const chunk = out.length === 1 ? out[0]! : Buffer.concat(out);
    out.length = 0;
    return chunk;
  };
  let done = false;
  try {
    for (let step = await source.next(); !step.done; step = await source.next()) {
      if (!z.write(step.value)) await once(z, 'drain');
      await new Promise<void>((resolve) => z.flush(flushKind, () => resolve()));
      const chunk = take();
      if (chunk !== null) yield chunk;
    }
    z.end();
    await once(z, 'end');
    done = true;
    const last = take();
    if (last !== null) yield last;
  } finally {
    if (!done) {
      z.destroy();
      await source.return?.()?.catch(() => {});
    }
  }
}
