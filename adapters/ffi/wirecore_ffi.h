/*
 * wirecore_ffi.h: the C ABI between wirecore/ffi (Node.js) and a native
 * library whose functions answer HTTP requests. ABI version 1.
 *
 * A handler is any exported function of type wc_handler_fn:
 *
 *     int32_t hello(const wc_request *req, wc_response *res) {
 *         res->content_type = WC_STR("text/plain");
 *         res->body = WC_BYTES("ok", 2);
 *         return 0;
 *     }
 *
 * and the library declares the ABI it was built against, once:
 *
 *     WIRECORE_FFI_DECLARE_ABI()
 *
 * The bridge refuses to start when `wirecore_ffi_abi_version` is missing or
 * returns another version than the one it speaks.
 *
 * Platforms: 64-bit little-endian (x86_64, arm64, riscv64, …). Every struct
 * below has the layout the assertions at the end of this file check.
 *
 * Compiler: C11 (`-std=c11` or later), which the layout assertions need
 * (under C99 they are skipped; WC_STR and WC_BYTES need C99's compound
 * literals). `-std=c11` is strict ISO C and hides POSIX functions such as
 * `nanosleep`, `clock_gettime` or `strdup`: a call to one is then an implicit
 * declaration (an error with GCC 14 and Clang 16). Compile with `-std=gnu11`,
 * or `#define _POSIX_C_SOURCE 200809L` before the first #include.
 *
 * ---------------------------------------------------------------------------
 * Routes and methods
 * ---------------------------------------------------------------------------
 *
 * A route matches the request path only, never the method: GET, POST,
 * DELETE or any other method of that path reaches the same handler, as sent
 * (`req->method`), and the handler checks it (405 with an `Allow` header for
 * the ones it refuses). HEAD reaches the handler as "HEAD", not as "GET":
 * answer it as GET; the bridge sends the head (with the Content-Length of the
 * body you set) and drops the body, and does not call `next` for a stream.
 *
 * ---------------------------------------------------------------------------
 * Memory: who owns what, and when each function is called
 * ---------------------------------------------------------------------------
 *
 * 1. The request (`*req` and every byte it points to) belongs to the bridge.
 *    It is read-only and stays valid from the handler call until the bridge is
 *    done with the response: after `release` and `state_free` (below) have
 *    been called. A response may therefore point into the request (an echo
 *    can answer with req->body without copying it). Strings are NOT
 *    NUL-terminated: use `len`. Request pointers are never NULL, even for
 *    empty strings, empty header lists and empty bodies.
 *
 * 2. The response (`*res`) is bridge memory. Before the call the bridge sets
 *    every field to zero and `status` to 200. The handler fills it in.
 *
 * 3. What the response points to (content_type, headers and their strings,
 *    body) belongs to the library and must stay valid until the bridge calls
 *    `release(release_data)`. The bridge copies it out right after the handler
 *    returns and then calls `release`, exactly once, if it is not NULL. Static
 *    strings or memory inside the request need no `release`. Passing libc's
 *    `free` with `release_data` set to a malloc'd block is the usual case.
 *
 *    `release` and `state_free` are wc_free_fn: they take a `void *`. A
 *    destructor of your own type needs a wrapper, not a cast: calling
 *    `(wc_free_fn)report_destroy` through the pointer is undefined behaviour
 *    (C11 6.3.2.3), even where it seems to work.
 *
 *        void report_destroy(report *r);
 *        static void report_release(void *data) { report_destroy(data); }
 *        res->release = report_release;
 *        res->release_data = r;
 *
 * 4. Streaming: when `next` is not NULL the answer is streamed (chunked on
 *    HTTP/1.1, close-delimited on HTTP/1.0). Status, content type and headers
 *    form the head; a non-empty `body` is sent first; then the bridge calls
 *    `next(state, &chunk)` until it returns WC_NEXT_END or an error:
 *      - WC_NEXT_CHUNK (1): `chunk` holds the next bytes. They must stay valid
 *        until the following call to `next` or `state_free`. An empty chunk is
 *        skipped.
 *      - WC_NEXT_END (0): the stream is complete.
 *      - anything else: an error. The head is already out, so the connection
 *        is closed without completing the answer, and a line is logged.
 *    `next` is not called again while the client's socket pushes back, and not
 *    at all once the client has gone or for a HEAD request (whose answer has
 *    no body).
 *
 * 5. `state_free(state)` is called exactly once if it is not NULL, whatever
 *    happens: after the end, after an error, when the client leaves, when the
 *    response is invalid, when the handler returned non-zero, or when the
 *    result of a timed-out pooled call finally arrives. It is never called
 *    while a `next` on the same state is running. Set it as soon as the state
 *    exists.
 *
 * 6. `release` and `state_free` run even when the handler returns an error, so
 *    a handler may set them before it knows whether it will succeed.
 *
 * ---------------------------------------------------------------------------
 * Threads
 * ---------------------------------------------------------------------------
 *
 * - Inline routes: the handler, `next`, `release` and `state_free` run on the
 *   Node.js main thread (the event loop): keep them to microseconds.
 * - Pooled routes: the handler and `next` run on one of the bridge's pool
 *   threads (a different thread from call to call is possible); `release` and
 *   `state_free` run on the main thread. Several requests run at the same time
 *   on different threads, so pooled handlers must be thread-safe.
 * - The calls made for one request never overlap.
 *
 * ---------------------------------------------------------------------------
 * Failures
 * ---------------------------------------------------------------------------
 *
 * - The handler returns 0 when `*res` holds its answer; any other value gives
 *   a 500 and a log line naming the handler and the value.
 * - A status outside 200..599, or a NULL pointer with a non-zero length
 *   (content_type, body, headers, a header string, a chunk) gives a 500 and a
 *   log line (for a chunk: the connection closes, as in 4).
 * - A crash (SIGSEGV, abort) in native code ends the whole Node.js process: it
 *   cannot be contained in-process. Run several processes (the `workers`
 *   option) to keep serving while a crashed copy is replaced.
 *
 * The request id is a per-process counter starting at 1: unique within one
 * process, not across processes or restarts.
 */
#ifndef WIRECORE_FFI_H
#define WIRECORE_FFI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WIRECORE_FFI_ABI_VERSION 1u

#if defined(_WIN32)
#define WIRECORE_FFI_EXPORT __declspec(dllexport)
#else
#define WIRECORE_FFI_EXPORT __attribute__((visibility("default")))
#endif

/* Put this once in one source file of the library. */
#define WIRECORE_FFI_DECLARE_ABI() \
  WIRECORE_FFI_EXPORT uint32_t wirecore_ffi_abi_version(void) { return WIRECORE_FFI_ABI_VERSION; }

/* Bytes of text, not NUL-terminated. */
typedef struct wc_str {
  const char *ptr;
  size_t len;
} wc_str;

typedef struct wc_bytes {
  const uint8_t *ptr;
  size_t len;
} wc_bytes;

typedef struct wc_header {
  wc_str name;
  wc_str value;
} wc_header;

/* wc_request.flags */
enum {
  /* The request has a body that the route chose not to read (readBody: false). */
  WC_REQUEST_BODY_UNREAD = 1u << 0
};

typedef struct wc_request {
  /* Per-process counter, starting at 1. */
  uint64_t id;
  wc_str method;
  /* The request-target exactly as received ("/a/b?x=1", or absolute-form). */
  wc_str target;
  /* The target's path, without the query. */
  wc_str path;
  /* The query without "?", or empty. */
  wc_str query;
  /* Header fields as received, in wire order, repeats kept. */
  const wc_header *headers;
  size_t header_count;
  /* Trailer fields of a chunked request body (usually none). */
  const wc_header *trailers;
  size_t trailer_count;
  /* The whole body, read before the call (bounded by maxBodyBytes: 413 beyond). */
  wc_bytes body;
  /* 1 and 1, or 1 and 0. */
  uint8_t http_major;
  uint8_t http_minor;
  uint16_t reserved;
  uint32_t flags;
} wc_request;

/* WC_NEXT_CHUNK with *chunk filled in, WC_NEXT_END, or a negative error. */
typedef int32_t (*wc_next_fn)(void *state, wc_bytes *chunk);
/* Called with `state` (state_free) or `release_data` (release). */
typedef void (*wc_free_fn)(void *data);

enum { WC_NEXT_END = 0, WC_NEXT_CHUNK = 1 };

typedef struct wc_response {
  /* 200 unless the handler says otherwise; 200..599. */
  int32_t status;
  uint32_t reserved;
  /* Sent as Content-Type when not empty. */
  wc_str content_type;
  /* The whole body, or what a stream sends first. */
  wc_bytes body;
  /* Extra header fields. Content-Length, Transfer-Encoding and Connection
   * belong to the bridge's writer: it sets them itself (Connection: close is
   * honoured). */
  const wc_header *headers;
  size_t header_count;
  /* Streaming: see 4. and 5. above. */
  wc_next_fn next;
  void *state;
  wc_free_fn state_free;
  /* Called once with release_data after the head and body were copied out. */
  wc_free_fn release;
  void *release_data;
} wc_response;

typedef int32_t (*wc_handler_fn)(const wc_request *req, wc_response *res);

/* Conveniences for string literals: WC_STR in code, WC_STR_INIT in static initializers. */
#define WC_STR(literal) ((wc_str){ (literal), sizeof(literal) - 1 })
#define WC_STR_INIT(literal) { (literal), sizeof(literal) - 1 }
#define WC_BYTES(ptr_, len_) ((wc_bytes){ (const uint8_t *)(ptr_), (len_) })

/* The layout the bridge reads and writes (wirecore/ffi: adapters/ffi/abi.ts). */
#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(void *) == 8, "wirecore_ffi: 64-bit platforms only");
_Static_assert(sizeof(wc_str) == 16 && sizeof(wc_bytes) == 16 && sizeof(wc_header) == 32, "wirecore_ffi: string layout");
_Static_assert(offsetof(wc_request, method) == 8 && offsetof(wc_request, target) == 24, "wirecore_ffi: request layout");
_Static_assert(offsetof(wc_request, path) == 40 && offsetof(wc_request, query) == 56, "wirecore_ffi: request layout");
_Static_assert(offsetof(wc_request, headers) == 72 && offsetof(wc_request, header_count) == 80, "wirecore_ffi: request layout");
_Static_assert(offsetof(wc_request, trailers) == 88 && offsetof(wc_request, trailer_count) == 96, "wirecore_ffi: request layout");
_Static_assert(offsetof(wc_request, body) == 104 && offsetof(wc_request, http_major) == 120, "wirecore_ffi: request layout");
_Static_assert(offsetof(wc_request, flags) == 124 && sizeof(wc_request) == 128, "wirecore_ffi: request layout");
_Static_assert(offsetof(wc_response, content_type) == 8 && offsetof(wc_response, body) == 24, "wirecore_ffi: response layout");
_Static_assert(offsetof(wc_response, headers) == 40 && offsetof(wc_response, header_count) == 48, "wirecore_ffi: response layout");
_Static_assert(offsetof(wc_response, next) == 56 && offsetof(wc_response, state) == 64, "wirecore_ffi: response layout");
_Static_assert(offsetof(wc_response, state_free) == 72 && offsetof(wc_response, release) == 80, "wirecore_ffi: response layout");
_Static_assert(offsetof(wc_response, release_data) == 88 && sizeof(wc_response) == 96, "wirecore_ffi: response layout");
#endif

#ifdef __cplusplus
}
#endif

#endif /* WIRECORE_FFI_H */
