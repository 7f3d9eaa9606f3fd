/*
 * The example handler library for wirecore/ffi: whole answers, a streamed
 * counter, a slow handler, a gated one, and deliberately broken answers for the tests.
 * Built by examples/ffi/build.ts (gcc -shared -fPIC).
 *
 * Every allocation the library makes is counted (example_live) so the tests
 * and the leak script can prove the bridge frees what it must.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "example.h"

WIRECORE_FFI_DECLARE_ABI()

static atomic_ullong live_blocks;
static atomic_ullong state_frees;
static atomic_ullong releases;
static atomic_ullong counter_calls;

EXPORT uint64_t example_live(void) { return atomic_load(&live_blocks); }
EXPORT uint64_t example_state_frees(void) { return atomic_load(&state_frees); }
EXPORT uint64_t example_releases(void) { return atomic_load(&releases); }
/* How many times the counter's `next` ran: the backpressure test watches it stop. */
EXPORT uint64_t example_counter_calls(void) { return atomic_load(&counter_calls); }

void *example_alloc(size_t size) {
  void *block = malloc(size);
  if (block != NULL) atomic_fetch_add(&live_blocks, 1);
  return block;
}

void example_release(void *block) {
  atomic_fetch_add(&releases, 1);
  atomic_fetch_sub(&live_blocks, 1);
  free(block);
}

void example_state_free(void *state) {
  atomic_fetch_add(&state_frees, 1);
  atomic_fetch_sub(&live_blocks, 1);
  free(state);
}

void example_sleep_ms(uint64_t ms) {
  struct timespec delay = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
  while (nanosleep(&delay, &delay) != 0) {
  }
}

uint64_t example_query_number(const wc_request *req, const char *key, uint64_t fallback) {
  size_t key_len = strlen(key);
  const char *q = req->query.ptr;
  size_t n = req->query.len;
  for (size_t i = 0; i + key_len < n; i++) {
    if ((i == 0 || q[i - 1] == '&') && memcmp(q + i, key, key_len) == 0 && q[i + key_len] == '=') {
      uint64_t value = 0;
      int digits = 0;
      for (size_t j = i + key_len + 1; j < n && q[j] >= '0' && q[j] <= '9' && digits < 18; j++, digits++) value = value * 10 + (uint64_t)(q[j] - '0');
      return digits > 0 ? value : fallback;
    }
  }
  return fallback;
}

/* Answers a malloc'd body that the bridge hands back through release. */
static void answer_owned(wc_response *res, char *body, size_t len) {
  res->body = WC_BYTES(body, len);
  res->release = example_release;
  res->release_data = body;
}

/* GET / → "ok": the same answer as bench/hello.ts. */
EXPORT int32_t hello(const wc_request *req, wc_response *res) {
  (void)req;
  res->content_type = WC_STR("text/plain");
  res->body = WC_BYTES("ok", 2);
  return 0;
}

/* Echoes the body (no copy: the request outlives the response) and says what it saw in headers. */
typedef struct echo_head {
  wc_header headers[2];
  char id[24];
} echo_head;

EXPORT int32_t echo(const wc_request *req, wc_response *res) {
  echo_head *head = example_alloc(sizeof *head);
  if (head == NULL) return -1;
  res->release = example_release;
  res->release_data = head;
  int id_len = snprintf(head->id, sizeof head->id, "%llu", (unsigned long long)req->id);
  head->headers[0] = (wc_header){ WC_STR("x-request-id"), { head->id, (size_t)id_len } };
  head->headers[1] = (wc_header){ WC_STR("x-method"), req->method };
  res->headers = head->headers;
  res->header_count = 2;
  res->content_type = WC_STR("application/octet-stream");
  for (size_t i = 0; i < req->header_count; i++) {
    const wc_str name = req->headers[i].name;
    if (name.len == 12 && strncasecmp(name.ptr, "content-type", 12) == 0) res->content_type = req->headers[i].value;
  }
  res->body = req->body;
  return 0;
}

/* A small JSON document built per request. */
EXPORT int32_t json(const wc_request *req, wc_response *res) {
  size_t cap = 96 + req->method.len + req->path.len;
  char *body = example_alloc(cap);
  if (body == NULL) return -1;
  int len = snprintf(body, cap, "{\"id\":%llu,\"method\":\"%.*s\",\"path\":\"%.*s\",\"headers\":%zu}", (unsigned long long)req->id, (int)req->method.len,
                     req->method.ptr, (int)req->path.len, req->path.ptr, req->header_count);
  res->content_type = WC_STR("application/json");
  answer_owned(res, body, (size_t)len < cap ? (size_t)len : cap - 1);
  return 0;
}

/* Streams "1\n" … "n\n" (?n=, default 5), sleeping ?ms= before each line; ?size= pads every
 * line with spaces to that many bytes (big chunks for the backpressure test). */
typedef struct counter_state {
  uint64_t next;
  uint64_t last;
  uint64_t sleep_ms;
  size_t size;
  char line[];
} counter_state;

#define COUNTER_MAX_SIZE (1024 * 1024)

static int32_t counter_next(void *data, wc_bytes *chunk) {
  counter_state *state = data;
  atomic_fetch_add(&counter_calls, 1);
  if (state->next > state->last) return WC_NEXT_END;
  if (state->sleep_ms > 0) example_sleep_ms(state->sleep_ms);
  int len = snprintf(state->line, 24, "%llu\n", (unsigned long long)state->next++);
  if (state->size > (size_t)len) {
    memset(state->line + len - 1, ' ', state->size - (size_t)len);
    state->line[state->size - 1] = '\n';
    len = (int)state->size;
  }
  *chunk = WC_BYTES(state->line, (size_t)len);
  return WC_NEXT_CHUNK;
}

EXPORT int32_t counter(const wc_request *req, wc_response *res) {
  uint64_t size = example_query_number(req, "size", 0);
  if (size > COUNTER_MAX_SIZE) size = COUNTER_MAX_SIZE;
  counter_state *state = example_alloc(sizeof *state + (size > 24 ? size : 24));
  if (state == NULL) return -1;
  state->next = 1;
  state->last = example_query_number(req, "n", 5);
  state->sleep_ms = example_query_number(req, "ms", 0);
  state->size = size;
  res->state = state;
  res->state_free = example_state_free;
  res->next = counter_next;
  res->content_type = WC_STR("text/plain");
  return 0;
}

/* Blocks its thread for ?ms= (default 50) milliseconds, then answers an owned body. */
EXPORT int32_t slow(const wc_request *req, wc_response *res) {
  uint64_t ms = example_query_number(req, "ms", 50);
  example_sleep_ms(ms);
  char *body = example_alloc(32);
  if (body == NULL) return -1;
  int len = snprintf(body, 32, "slept %llu ms\n", (unsigned long long)ms);
  res->content_type = WC_STR("text/plain");
  answer_owned(res, body, (size_t)len);
  return 0;
}

/* A gate the tests hold closed to keep pool threads inside a call for as long as
 * they need (no timing): example_gate_close(), requests to `gated`, then
 * example_gate_open(). example_gate_waiting() counts the calls held. */
static atomic_int gate_closed;
static atomic_ullong gate_waiting;

EXPORT void example_gate_close(void) { atomic_store(&gate_closed, 1); }
EXPORT void example_gate_open(void) { atomic_store(&gate_closed, 0); }
EXPORT uint64_t example_gate_waiting(void) { return atomic_load(&gate_waiting); }

/* Waits on its thread until the gate is open, then answers an owned body. */
EXPORT int32_t gated(const wc_request *req, wc_response *res) {
  (void)req;
  atomic_fetch_add(&gate_waiting, 1);
  while (atomic_load(&gate_closed)) example_sleep_ms(1);
  atomic_fetch_sub(&gate_waiting, 1);
  char *body = example_alloc(8);
  if (body == NULL) return -1;
  memcpy(body, "opened\n", 7);
  res->content_type = WC_STR("text/plain");
  answer_owned(res, body, 7);
  return 0;
}

/* ?code= as the status, with a body the writer drops for 204 and 304. */
EXPORT int32_t status(const wc_request *req, wc_response *res) {
  res->status = (int32_t)example_query_number(req, "code", 200);
  res->content_type = WC_STR("text/plain");
  res->body = WC_BYTES("status body\n", 12);
  return 0;
}

/* 200 with no body and no content type. */
EXPORT int32_t empty(const wc_request *req, wc_response *res) {
  (void)req;
  (void)res;
  return 0;
}

/* Extra headers, including two Set-Cookie fields that must stay apart. */
static const wc_header extra_headers[] = {
  { WC_STR_INIT("x-native"), WC_STR_INIT("yes") },
  { WC_STR_INIT("set-cookie"), WC_STR_INIT("a=1") },
  { WC_STR_INIT("set-cookie"), WC_STR_INIT("b=2") },
  { WC_STR_INIT("cache-control"), WC_STR_INIT("no-store") },
};

EXPORT int32_t headers(const wc_request *req, wc_response *res) {
  (void)req;
  res->status = 201;
  res->content_type = WC_STR("text/plain; charset=utf-8");
  res->headers = extra_headers;
  res->header_count = sizeof extra_headers / sizeof extra_headers[0];
  res->body = WC_BYTES("with headers\n", 13);
  return 0;
}

/* ---- Deliberately broken answers (the bridge must answer 500 and free what was set) ---- */

static void owned_marker(wc_response *res) {
  char *block = example_alloc(8);
  if (block == NULL) return;
  res->release = example_release;
  res->release_data = block;
}

EXPORT int32_t bad_status(const wc_request *req, wc_response *res) {
  (void)req;
  owned_marker(res);
  res->status = 999;
  res->body = WC_BYTES("never sent", 10);
  return 0;
}

EXPORT int32_t null_body(const wc_request *req, wc_response *res) {
  (void)req;
  owned_marker(res);
  res->body = (wc_bytes){ NULL, 5 };
  return 0;
}

EXPORT int32_t fails(const wc_request *req, wc_response *res) {
  owned_marker(res);
  /* A stream that was set up before the failure: its state is freed too. */
  counter(req, res);
  return -7;
}

EXPORT int32_t bad_header(const wc_request *req, wc_response *res) {
  (void)req;
  static const wc_header split[] = { { WC_STR_INIT("x-split"), WC_STR_INIT("a\r\nx-injected: 1") } };
  res->headers = split;
  res->header_count = 1;
  res->body = WC_BYTES("never sent", 10);
  return 0;
}

/* Sends "partial", then reports an error: the connection must close. */
typedef struct failing_state {
  int calls;
} failing_state;

static int32_t failing_next(void *data, wc_bytes *chunk) {
  failing_state *state = data;
  if (state->calls++ == 0) {
    *chunk = WC_BYTES("partial", 7);
    return WC_NEXT_CHUNK;
  }
  return -2;
}

static int32_t null_chunk_next(void *data, wc_bytes *chunk) {
  (void)data;
  *chunk = (wc_bytes){ NULL, 3 };
  return WC_NEXT_CHUNK;
}

static int32_t stream_with(wc_response *res, wc_next_fn next) {
  failing_state *state = example_alloc(sizeof *state);
  if (state == NULL) return -1;
  state->calls = 0;
  res->state = state;
  res->state_free = example_state_free;
  res->next = next;
  return 0;
}

EXPORT int32_t stream_fails(const wc_request *req, wc_response *res) {
  (void)req;
  return stream_with(res, failing_next);
}

/* Never sends a byte: the bridge must still let the event loop run, and free it when the client leaves. */
static int32_t empty_chunk_next(void *data, wc_bytes *chunk) {
  (void)data;
  *chunk = (wc_bytes){ NULL, 0 };
  return WC_NEXT_CHUNK;
}

EXPORT int32_t empty_chunks(const wc_request *req, wc_response *res) {
  (void)req;
  res->body = WC_BYTES("start\n", 6);
  return stream_with(res, empty_chunk_next);
}

EXPORT int32_t null_chunk(const wc_request *req, wc_response *res) {
  (void)req;
  return stream_with(res, null_chunk_next);
}

/* Ends the process: only the `workers` option keeps a server answering after this. */
EXPORT int32_t crash(const wc_request *req, wc_response *res) {
  (void)req;
  (void)res;
  abort();
}

/* The counters as JSON, for the leak script (which runs the server in another process). */
EXPORT int32_t stats(const wc_request *req, wc_response *res) {
  (void)req;
  char *body = example_alloc(128);
  if (body == NULL) return -1;
  /* This block is counted as live until the bridge releases it. */
  int len = snprintf(body, 128, "{\"live\":%llu,\"stateFrees\":%llu,\"releases\":%llu}", (unsigned long long)example_live() - 1,
                     (unsigned long long)example_state_frees(), (unsigned long long)example_releases());
  res->content_type = WC_STR("application/json");
  answer_owned(res, body, (size_t)len);
  return 0;
}
