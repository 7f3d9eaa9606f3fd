// The heads the uws binding reads (fields uWS hands over, names lower-cased,
// in wire order) beyond wirecore's own checks, and the heads uWS writes.
import { reasonPhrase } from '../writer/head.js';

/**
 * uWS 20.30 closes after the answer, silently, when the request's first
 * Connection value is 5 characters long ("close", but also any other word of
 * five letters), whatever wirecore decides.
 */
export function connectionValueLength(headers: readonly string[]): number {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'connection') return headers[i + 1]!.length;
  return -1;
}

/** Whether a head declares a body uWS will read (Content-Length above 0, or Transfer-Encoding). */
export function declaresBody(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name === 'transfer-encoding' || (name === 'content-length' && !/^[\t ]*0*[\t ]*$/.test(headers[i + 1]!))) return true;
  }
  return false;
}

export function statusText(status: number): string {
  return `${status} ${reasonPhrase(status)}`;
}

/** uWS does not report what it wrote: the head's size as uWS 20.30 lays it out. */
export function estimateHeadBytes(status: number, pairs: ReadonlyArray<[string, string]>): number {
  let bytes = 'HTTP/1.1 \r\n'.length + statusText(status).length + 'Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n'.length + 'uWebSockets: 20\r\n'.length + 2;
  for (const [name, value] of pairs) bytes += name.length + value.length + 4;
  return bytes;
}
