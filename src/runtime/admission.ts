// The checks a request head passes on runtimes whose own parser does not
// make them all (uWS, node:http), so every runtime refuses the same heads
// with the same status before anything is prepared.
import type { ParsedHead, Rejection } from '../parser/head.js';
import { checkFraming, checkHead, checkTargetChars } from '../parser/validate.js';
import type { ResolvedOptions } from './core.js';

/** What a runtime's own parser leaves to wirecore. */
export interface ParserGaps {
  /** Content-Length shape and repeats, Transfer-Encoding beside Content-Length, field-name tokens. */
  framing: boolean;
  /** maxHeaderBytes (the parser enforces a different limit, or none). */
  headerBytes: boolean;
  /** The request-target's characters (the parser lets bytes outside visible ASCII through). */
  target: boolean;
}

/** A field line costs its name, its value and ": " + CRLF, as the net parser counts it. */
function headerBytes(headers: readonly string[]): number {
  let bytes = 0;
  for (let i = 0; i < headers.length; i += 2) bytes += headers[i]!.length + headers[i + 1]!.length + 4;
  return bytes;
}

export function admitHead(
  options: ResolvedOptions<unknown>,
  gaps: ParserGaps,
  method: string,
  target: string,
  major: number,
  minor: number,
  headers: string[],
): ParsedHead | Rejection {
  if (target.length > options.maxTargetBytes) return { status: 414, reason: 'URI too long' };
  if (gaps.target && !checkTargetChars(target)) return { status: 400, reason: 'Invalid character in the request-target' };
  if (gaps.headerBytes && headerBytes(headers) > options.maxHeaderBytes) return { status: 431, reason: 'Request header fields too large' };
  if (gaps.framing) {
    const framing = checkFraming(headers);
    if (framing !== null) return framing;
  }
  return checkHead(method, target, major, minor, headers);
}

export function isRejection(head: ParsedHead | Rejection): head is Rejection {
  return 'status' in head;
}
