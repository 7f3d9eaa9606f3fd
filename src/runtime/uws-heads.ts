// What the uws binding reads from the header fields uWS hands over
// (names lower-cased, in wire order) beyond wirecore's own head checks.

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
