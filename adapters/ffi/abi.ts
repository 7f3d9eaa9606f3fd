// The byte layout of wirecore_ffi.h (ABI version 1), as the bridge writes and
// reads it. The header's static assertions check the same offsets on the C side.

export const ABI_VERSION = 1;
export const ABI_VERSION_SYMBOL = 'wirecore_ffi_abi_version';

/** wc_str / wc_bytes: pointer, then length. */
export const SPAN_SIZE = 16;
/** wc_header: name span, value span. */
export const HEADER_SIZE = 32;

/** wc_request, at the start of an arena. */
export const REQ = {
  id: 0,
  method: 8,
  target: 24,
  path: 40,
  query: 56,
  headers: 72,
  headerCount: 80,
  trailers: 88,
  trailerCount: 96,
  body: 104,
  httpMajor: 120,
  httpMinor: 121,
  flags: 124,
  size: 128,
} as const;

/** wc_response, right after the request. */
export const RES_OFFSET = REQ.size;
export const RES = {
  status: 0,
  contentType: 8,
  body: 24,
  headers: 40,
  headerCount: 48,
  next: 56,
  state: 64,
  stateFree: 72,
  release: 80,
  releaseData: 88,
  size: 96,
} as const;

/** The wc_bytes a `next` call fills in. */
export const CHUNK_OFFSET = RES_OFFSET + RES.size;
/** Request header and trailer tables, then the request's bytes. */
export const TABLE_OFFSET = CHUNK_OFFSET + SPAN_SIZE;

export const FLAG_BODY_UNREAD = 1;

export const NEXT_END = 0;
export const NEXT_CHUNK = 1;

/** Bounds that catch lengths a handler never set or got wrong. */
export const LIMITS = {
  headerCount: 1024,
  stringBytes: 64 * 1024,
} as const;
