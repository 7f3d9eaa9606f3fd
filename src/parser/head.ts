// What a parsed request head is, whoever parsed it (our llhttp, Node's,
// uWS's), and what a refused one is answered with.

export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
export const BODY_CHUNKED = 2;

export interface ParsedHead {
  method: string;
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (anything else is rejected). */
  versionMinor: number;
  /** Header names and values in wire order: [name0, value0, name1, value1, …] (the fast path makes them on first read). */
  headers: string[];
  /** The parser saw no Upgrade field: asksToUpgrade need not look. */
  readonly noUpgrade?: boolean;
  keepAlive: boolean;
  bodyKind: number;
  contentLength: number;
  expectContinue: boolean;
}

/** A request the wire layer answers itself, and closes after. */
export interface Rejection {
  status: number;
  reason: string;
}
