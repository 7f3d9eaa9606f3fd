// Response header normalization: validates names and values and keeps the
// framing fields (Content-Length, Transfer-Encoding, Connection) for the
// writer to decide. Shared by every runtime so their framing cannot drift.
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

export const NO_HEADERS: NormalizedHeaders = { lines: '', pairs: [], close: false, hasDate: false, nonAscii: false };

export class HeaderError extends TypeError {}

function add(out: NormalizedHeaders, name: string, value: string): void {
  if (!TOKEN_RE.test(name)) throw new HeaderError(`Invalid response header name ${JSON.stringify(name)}`);
  if (!VALUE_RE.test(value)) throw new HeaderError(`Invalid characters in response header ${name}`);
  switch (name.length) {
    case 4:
      if (name.toLowerCase() === 'date') out.hasDate = true;
      break;
    case 10: {
      const lower = name.toLowerCase();
      if (lower === 'connection') {
        // The writer owns Connection; a "close" request is honoured.
        if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) out.close = true;
        return;
      }
      if (lower === 'keep-alive') return;
      break;
    }
    case 14:
      if (name.toLowerCase() === 'content-length') return;
      break;
    case 17:
      if (name.toLowerCase() === 'transfer-encoding') return;
      break;
  }
  out.lines += name + ': ' + value + '\r\n';
  out.pairs.push([name, value]);
}

export function normalizeHeaders(headers: ResponseHeaders | undefined): NormalizedHeaders {
  if (headers === undefined) return NO_HEADERS;
  const out: NormalizedHeaders = { lines: '', pairs: [], close: false, hasDate: false, nonAscii: false };
  if (Array.isArray(headers)) {
    for (const pair of headers as ReadonlyArray<readonly [string, string]>) add(out, pair[0], String(pair[1]));
  } else {
    const record = headers as Readonly<Record<string, unknown>>;
    for (const name in record) {
      const value = record[name];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) add(out, name, String(v));
      else add(out, name, String(value));
    }
  }
  out.nonAscii = /[\x80-\xff]/.test(out.lines);
  return out;
}
