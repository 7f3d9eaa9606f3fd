// Response header normalization: validates names and values and keeps the
// framing fields (Content-Length, Transfer-Encoding, Connection) for the
// writer to decide. Shared by every runtime so their framing cannot drift.
import { HeaderError } from '../errors.js';
import type { ResponseHeaders } from '../types.js';

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/;

export interface NormalizedHeaders {
  /** Lines to send: "name: value\r\n" each, framing fields removed. */
  lines: string;
  /** The same as [name, value] pairs, for runtimes that set headers one by one. */
  pairs: Array<[string, string]>;
  /** The handler asked for Connection: close. */
  close: boolean;
  /** The handler supplied its own Date. */
  hasDate: boolean;
  /** Some value has bytes above 0x7f (sent as latin1). */
  nonAscii: boolean;
}

/** The pairs of headers normalized without AS_PAIRS: shared, and frozen so a push would throw rather than leak between answers. */
const NO_PAIRS = Object.freeze([]) as unknown as Array<[string, string]>;

export const NO_HEADERS: NormalizedHeaders = { lines: '', pairs: NO_PAIRS, close: false, hasDate: false, nonAscii: false };


const NAME_PLAIN = 0;
const NAME_DATE = 1;
const NAME_CONNECTION = 2;
const NAME_DROPPED = 3;

/**
 * Handlers send the same few names and values on every response: what was
 * checked once is remembered (bounded, so hostile input cannot grow it).
 */
const CACHE_LIMIT = 512;
const knownNames = new Map<string, number>();
const knownValues = new Map<string, boolean>();

function nameKind(name: string): number {
  let kind = knownNames.get(name);
  if (kind !== undefined) return kind;
  if (!TOKEN_RE.test(name)) throw new HeaderError(`Invalid response header name ${JSON.stringify(name)}`);
  const lower = name.toLowerCase();
  kind =
    lower === 'date'
      ? NAME_DATE
      : lower === 'connection'
        ? NAME_CONNECTION
        : lower === 'keep-alive' || lower === 'content-length' || lower === 'transfer-encoding'
          ? NAME_DROPPED
          : NAME_PLAIN;
  if (knownNames.size < CACHE_LIMIT) knownNames.set(name, kind);
  return kind;
}

/** Returns whether the value has bytes above 0x7f; throws on bytes that could split the response. */
function checkValue(name: string, value: string): boolean {
  const known = knownValues.get(value);
  if (known !== undefined) return known;
  if (!VALUE_RE.test(value)) throw new HeaderError(`Invalid characters in response header ${name}`);
  const nonAscii = /[\x80-\xff]/.test(value);
  if (value.length <= 256 && knownValues.size < CACHE_LIMIT) knownValues.set(value, nonAscii);
  return nonAscii;
}

/** What a writer needs: header lines (the byte writer), name/value pairs (self-framing runtimes), or both (static responses). */
export const AS_LINES = 1;
export const AS_PAIRS = 2;
export const AS_BOTH = AS_LINES | AS_PAIRS;

function add(out: NormalizedHeaders, name: string, value: string, form: number): void {
  const kind = nameKind(name);
  if (checkValue(name, value)) out.nonAscii = true;
  if (kind === NAME_DROPPED) return;
  if (kind === NAME_CONNECTION) {
    // The writer owns Connection; a "close" request is honoured.
    if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) out.close = true;
    return;
  }
  if (kind === NAME_DATE) out.hasDate = true;
  if ((form & AS_LINES) !== 0) out.lines += name + ': ' + value + '\r\n';
  if ((form & AS_PAIRS) !== 0) out.pairs.push([name, value]);
}

export function normalizeHeaders(headers: ResponseHeaders | undefined, form = AS_BOTH): NormalizedHeaders {
  if (headers === undefined) return NO_HEADERS;
  const out: NormalizedHeaders = { lines: '', pairs: (form & AS_PAIRS) !== 0 ? [] : NO_PAIRS, close: false, hasDate: false, nonAscii: false };
  if (Array.isArray(headers)) {
    for (const pair of headers as ReadonlyArray<readonly [string, string]>) add(out, pair[0], String(pair[1]), form);
  } else {
    const record = headers as Readonly<Record<string, unknown>>;
    for (const name in record) {
      const value = record[name];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) add(out, name, String(v), form);
      else add(out, name, typeof value === 'string' ? value : String(value), form);
    }
  }
  return out;
}
