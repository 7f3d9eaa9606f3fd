// The checks llhttp leaves to the server (RFC 9110/9112): version, Host,
// Transfer-Encoding codings, Expect, target form; and the mapping of
// llhttp's errors to answers.
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, type ParsedHead, type Rejection } from './head.js';
import type { FastHead } from './fast-path.js';
import { ErrorCode } from './llhttp.js';

// uri-host [":" port]: reg-name / IPv4 (unreserved, pct-encoded, sub-delims) or an IP-literal.
const HOST_RE = /^(?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?$/;
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Most requests repeat the last Host: remember it rather than run the pattern again. */
let lastValidHost = '';

/** ASCII case-insensitive match of a token against a lower-case name of the same length, without allocating. */
export function sameName(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

function reject(status: number, reason: string): Rejection {
  return { status, reason };
}

/** Validates a parsed head; returns the head for dispatch or the answer to give. */
export function checkHead(
  method: string,
  target: string,
  major: number,
  minor: number,
  headers: string[],
): ParsedHead | Rejection {
  if (major !== 1 || minor > 1) return reject(505, `HTTP/${major}.${minor} is not supported`);
  // A tunnel needs the socket, which no consumer is given: refused rather than answered as if it were a plain request.
  if (method === 'CONNECT') return reject(501, 'CONNECT is not supported');

  let hosts = 0;
  let host = '';
  let contentLength = -1;
  let chunked = false;
  let expectContinue = false;
  // HTTP/1.1 persists unless asked to close; HTTP/1.0 only when asked to keep alive (RFC 9112 §9.3).
  let close = false;
  let keepAliveAsked = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    switch (name.length) {
      case 10:
        if (sameName(name, 'connection')) {
          const tokens = connectionTokens(headers[i + 1]!);
          close ||= tokens.close;
          keepAliveAsked ||= tokens.keepAlive;
        }
        break;
      case 4:
        if (sameName(name, 'host')) {
          hosts++;
          host = headers[i + 1]!;
        }
        break;
      case 6:
        if (sameName(name, 'expect') && minor === 1) {
          if (headers[i + 1]!.toLowerCase() !== '100-continue') return reject(417, 'Unsupported expectation');
          expectContinue = true;
        }
        break;
      case 14:
        if (sameName(name, 'content-length')) contentLength = Number(headers[i + 1]);
        break;
      case 17:
        if (sameName(name, 'transfer-encoding')) {
          const codings = checkTransferEncoding(headers[i + 1]!, chunked);
          if (codings !== null) return codings;
          chunked = true;
        }
        break;
    }
  }

  if (chunked && minor === 0) return reject(400, 'Transfer-Encoding is not allowed in HTTP/1.0');
  const hostRefusal = checkHost(hosts, host, minor);
  if (hostRefusal !== null) return hostRefusal;
  if (target === '*' && method !== 'OPTIONS') return reject(400, 'Asterisk-form target is only for OPTIONS');

  return {
    method,
    target,
    versionMinor: minor,
    headers,
    keepAlive: !close && (minor === 1 || keepAliveAsked),
    bodyKind: chunked ? BODY_CHUNKED : contentLength > 0 ? BODY_LENGTH : BODY_NONE,
    contentLength: chunked ? -1 : Math.max(contentLength, 0),
    expectContinue,
  };
}

/** RFC 9112 §3.2: exactly one valid Host on HTTP/1.1, at most one on HTTP/1.0. */
function checkHost(hosts: number, host: string, minor: number): Rejection | null {
  if (minor === 1 && hosts === 0) return reject(400, 'Missing Host header');
  if (hosts > 1) return reject(400, 'Duplicate Host header');
  if (hosts === 1 && host !== lastValidHost) {
    if (!HOST_RE.test(host)) return reject(400, 'Invalid Host header');
    lastValidHost = host;
  }
  return null;
}

/**
 * checkHead for a head the fast path read: its expression and field loop
 * already ruled out everything else checkHead refuses (version, CONNECT,
 * Transfer-Encoding, Expect, an asterisk target), so only Host is left.
 */
export function checkFastHead(head: FastHead): FastHead | Rejection {
  return checkHost(head.hosts, head.host, head.versionMinor) ?? head;
}

/** The close and keep-alive options of a Connection field value: comma-separated tokens, OWS around each, any case. */
export function connectionTokens(value: string): { close: boolean; keepAlive: boolean } {
  if (value === 'keep-alive') return KEEP_ALIVE;
  if (value === 'close') return CLOSE;
  let close = false;
  let keepAlive = false;
  for (const raw of value.split(',')) {
    const token = raw.replace(OWS_EDGES, '').toLowerCase();
    if (token === 'close') close = true;
    else if (token === 'keep-alive') keepAlive = true;
  }
  return { close, keepAlive };
}

const OWS_EDGES = /^[ \t]+|[ \t]+$/g;
const KEEP_ALIVE = { close: false, keepAlive: true };
const CLOSE = { close: true, keepAlive: false };

/**
 * RFC 9112 §6.3: a request whose final coding is not chunked is 400;
 * chunked twice is 400; other codings before it we do not decode (501).
 * A list (RFC 9110 §5.6.1): OWS around each element, empty elements ignored.
 */
function checkTransferEncoding(value: string, seenChunked: boolean): Rejection | null {
  const codings = value === 'chunked' ? CHUNKED_ONLY : transferCodings(value);
  if (seenChunked || codings[codings.length - 1] !== 'chunked') return reject(400, 'Invalid Transfer-Encoding');
  for (let i = 0; i < codings.length - 1; i++) {
    const coding = codings[i]!;
    if (coding === 'chunked' || !TOKEN_RE.test(coding.split(';')[0]!.trim())) return reject(400, 'Invalid Transfer-Encoding');
  }
  return codings.length > 1 ? reject(501, `Transfer-Encoding "${codings.slice(0, -1).join(', ')}" is not implemented`) : null;
}

const CHUNKED_ONLY = ['chunked'];

function transferCodings(value: string): string[] {
  const codings: string[] = [];
  for (const element of value.split(',')) {
    const coding = element.replace(OWS_EDGES, '').toLowerCase();
    if (coding !== '') codings.push(coding);
  }
  return codings;
}

/** The request-target is visible ASCII (RFC 9112 §3.2), as llhttp in strict mode reads it: no control, space, DEL or byte over 0x7e. */
const TARGET_RE = /^[\x21-\x7e]*$/;

/** Whether the target's characters are those net's parser (llhttp, strict) takes; a raw UTF-8 target is not. */
export function checkTargetChars(target: string): boolean {
  return TARGET_RE.test(target);
}

/** A field value: visible characters, obs-text, SP and HTAB; no other control (RFC 9110 §5.5). */
const FIELD_VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The field-level checks llhttp makes, for runtimes whose own parser does
 * not make them (uWebSockets.js): field-name tokens, field-value characters,
 * Content-Length shape and repeats, Transfer-Encoding beside Content-Length.
 */
export function checkFraming(headers: readonly string[]): Rejection | null {
  let contentLength: string | null = null;
  let transferEncoding = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!knownFieldNames.has(name)) {
      if (!TOKEN_RE.test(name)) return reject(400, 'Invalid header token');
      remember(knownFieldNames, name);
    }
    if (!knownFieldValues.has(value)) {
      if (!FIELD_VALUE_RE.test(value)) return reject(400, 'Invalid header value char');
      if (value.length <= 256) remember(knownFieldValues, value);
    }
    if (name.length === 14 && sameName(name, 'content-length')) {
      if (!/^[0-9]+$/.test(value)) return reject(400, 'Invalid character in Content-Length');
      if (value.length > 19 && overflows64(value)) return reject(400, 'Content-Length overflow');
      if (contentLength !== null) return reject(400, 'Duplicate Content-Length');
      contentLength = value;
    } else if (name.length === 17 && sameName(name, 'transfer-encoding')) {
      transferEncoding = true;
    }
  }
  if (contentLength !== null && transferEncoding) return reject(400, "Transfer-Encoding can't be present with Content-Length");
  return null;
}

/** A digit string past 2^64 - 1, where llhttp stops (uWS takes any length). */
function overflows64(digits: string): boolean {
  const value = digits.replace(/^0+/, '');
  return value.length > 20 || (value.length === 20 && value > '18446744073709551615');
}

/**
 * Clients send the same few names and values on every request: what was
 * checked once is remembered (bounded, so hostile input cannot grow it).
 */
const KNOWN_LIMIT = 512;
const knownFieldNames = new Set<string>();
const knownFieldValues = new Set<string>();

function remember(known: Set<string>, text: string): void {
  if (known.size < KNOWN_LIMIT) known.add(text);
}

/** An unknown method: 501 if it is a well-formed token (a method we do not implement), else 400. */
export function rejectMethod(data: Buffer, lineStart: number): Rejection {
  const sp = data.indexOf(0x20, lineStart);
  const token = sp > lineStart && sp - lineStart <= 32 ? data.latin1Slice(lineStart, sp) : '';
  return TOKEN_RE.test(token) ? reject(501, `Method ${token} is not implemented`) : reject(400, 'Invalid method');
}

/** Maps an llhttp error to the answer; `data`/`at` locate where it stopped, `messageStart` where its message began at the earliest. */
export function rejectFromLlhttp(code: number, reason: string, data: Buffer, at: number, messageStart = 0): Rejection {
  // llhttp says "Invalid HTTP version" only for a well-formed version it does not speak.
  if (code === ErrorCode.INVALID_VERSION && reason === 'Invalid HTTP version') {
    return reject(505, 'HTTP version not supported');
  }
  if (code === ErrorCode.PAUSED_H2_UPGRADE) return reject(505, 'HTTP/2 is not supported on this connection');
  if (code === ErrorCode.INVALID_METHOD) return rejectMethod(data, Math.max(data.lastIndexOf(0x0a, at) + 1, messageStart));
  return reject(400, reason === '' ? 'Bad request' : reason);
}
