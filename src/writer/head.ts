// Serializes a response head. The framing fields are always the writer's.
import { STATUS_CODES } from 'node:http';
import { currentDateLine } from './clock.js';
import type { NormalizedHeaders } from './headers.js';

/** How the body is delimited. */
export const FRAME_LENGTH = 0;
export const FRAME_CHUNKED = 1;
/** HTTP/1.0 streaming: the body ends when the connection closes. */
export const FRAME_CLOSE = 2;
/** 1xx, 204, 304: no body and no length. */
export const FRAME_NONE = 3;

/** What the Connection field says. */
export const CONN_DEFAULT = 0;
export const CONN_CLOSE = 1;
export const CONN_KEEP_ALIVE = 2;

const statusLines: string[] = [];
for (let code = 100; code < 600; code++) {
  statusLines[code] = `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Unknown'}\r\n`;
}

export function statusHasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

/** "Content-Length: n\r\n" for the small lengths most answers have, made once each. */
const lengthLines: string[] = [];
const LENGTH_LINES = 4096;

function lengthLine(length: number): string {
  if (length >= LENGTH_LINES) return 'Content-Length: ' + length + '\r\n';
  return (lengthLines[length] ??= 'Content-Length: ' + length + '\r\n');
}

export function serializeHead(status: number, headers: NormalizedHeaders, frame: number, length: number, connection: number): string {
  let head = statusLines[status]! + headers.lines;
  if (!headers.hasDate) head += currentDateLine();
  if (frame === FRAME_LENGTH) head += lengthLine(length);
  else if (frame === FRAME_CHUNKED) head += 'Transfer-Encoding: chunked\r\n';
  if (connection === CONN_CLOSE) head += 'Connection: close\r\n';
  else if (connection === CONN_KEEP_ALIVE) head += 'Connection: keep-alive\r\n';
  return head + '\r\n';
}
