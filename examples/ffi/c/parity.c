/*
 * The parity echo (parity/echo-shape.ts) answered by C: every /c/<id>/<action>
 * either performs the action or echoes what the library saw (method, target,
 * version, header fields in wire order, body, trailers) as JSON, and
 * /seen/<id> returns what the library logged for a case. The parity target
 * (parity/targets/ffi.ts) serves this symbol through wirecore/ffi.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"
#include "sha256.h"

/* ---- a growable string; release = free ---- */

typedef struct text {
  char *ptr;
  size_t len;
  size_t cap;
  int failed;
} text;

static void put(text *t, const char *bytes, size_t len) {
  if (t->failed) return;
  if (t->len + len > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + len) cap *= 2;
    char *grown = realloc(t->ptr, cap);
    if (grown == NULL) {
      t->failed = 1;
      return;
    }
    t->ptr = grown;
    t->cap = cap;
  }
  memcpy(t->ptr + t->len, bytes, len);
  t->len += len;
}

static void put_lit(text *t, const char *s) { put(t, s, strlen(s)); }

/* A JSON string of latin1 bytes: what JSON.stringify makes of the same latin1 string. */
static void put_json(text *t, const char *bytes, size_t len) {
  static const char hex[] = "0123456789abcdef";
  put(t, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)bytes[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') continue;
    put(t, bytes + run, i - run);
    run = i + 1;
    if (c == '"' || c == '\\') {
      char escaped[2] = { '\\', (char)c };
      put(t, escaped, 2);
    } else {
      char escaped[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
      put(t, escaped, 6);
    }
  }
  put(t, bytes + run, len - run);
  put(t, "\"", 1);
}

static void put_pairs(text *t, const wc_header *fields, size_t count) {
  put(t, "[", 1);
  for (size_t i = 0; i < count; i++) {
    if (i > 0) put(t, ",", 1);
    put(t, "[", 1);
    put_json(t, fields[i].name.ptr, fields[i].name.len);
    put(t, ",", 1);
    put_json(t, fields[i].value.ptr, fields[i].value.len);
    put(t, "]", 1);
  }
  put(t, "]", 1);
}

static int32_t answer_text(wc_response *res, text *t, wc_str content_type) {
  if (t->failed) {
    free(t->ptr);
    return -1;
  }
  res->content_type = content_type;
  res->body = WC_BYTES(t->ptr, t->len);
  res->release = free;
  res->release_data = t->ptr;
  return 0;
}

/* ---- what the library saw, per case (shared by every pool thread) ---- */

#define LOG_CAPACITY 8192

typedef struct log_entry {
  char *id;
  char *what;
} log_entry;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static log_entry log_entries[LOG_CAPACITY];
static size_t log_count;

static char *copy_of(const char *bytes, size_t len) {
  char *copy = malloc(len + 1);
  if (copy == NULL) return NULL;
  memcpy(copy, bytes, len);
  copy[len] = '\0';
  return copy;
}

/* The case id of /c/<id>/…, or an empty string. */
static wc_str case_of(wc_str path) {
  if (path.len < 4 || memcmp(path.ptr, "/c/", 3) != 0) return (wc_str){ path.ptr, 0 };
  size_t end = 3;
  while (end < path.len && path.ptr[end] != '/') end++;
  return (wc_str){ path.ptr + 3, end - 3 };
}

static void log_add(wc_str id, const char *what, size_t what_len) {
  if (id.len == 0) return;
  char *id_copy = copy_of(id.ptr, id.len);
  char *what_copy = copy_of(what, what_len);
  if (id_copy == NULL || what_copy == NULL) {
    free(id_copy);
    free(what_copy);
    return;
  }
  pthread_mutex_lock(&log_lock);
  if (log_count == LOG_CAPACITY) {
    free(log_entries[0].id);
    free(log_entries[0].what);
    memmove(log_entries, log_entries + 1, (LOG_CAPACITY - 1) * sizeof log_entries[0]);
    log_count--;
  }
  log_entries[log_count++] = (log_entry){ id_copy, what_copy };
  pthread_mutex_unlock(&log_lock);
}

static int32_t seen_take(wc_str id, wc_response *res) {
  text t = { 0 };
  put(&t, "[", 1);
  int first = 1;
  pthread_mutex_lock(&log_lock);
  size_t kept = 0;
  for (size_t i = 0; i < log_count; i++) {
    log_entry e = log_entries[i];
    if (strlen(e.id) == id.len && memcmp(e.id, id.ptr, id.len) == 0) {
      if (!first) put(&t, ",", 1);
      first = 0;
      put_json(&t, e.what, strlen(e.what));
      free(e.id);
      free(e.what);
    } else {
      log_entries[kept++] = e;
    }
  }
  log_count = kept;
  pthread_mutex_unlock(&log_lock);
  put(&t, "]", 1);
  return answer_text(res, &t, WC_STR("application/json"));
}

/* ---- streams ---- */

typedef struct parity_stream {
  int step;
  int forever;
  char case_id[64];
  size_t case_id_len;
} parity_stream;

static int32_t parts_next(void *data, wc_bytes *chunk) {
  static const char *const parts[] = { "a", "bb", "ccc" };
  parity_stream *s = data;
  if (s->step == 3) return WC_NEXT_END;
  const char *part = parts[s->step++];
  *chunk = WC_BYTES(part, strlen(part));
  return WC_NEXT_CHUNK;
}

static int32_t partial_then_error_next(void *data, wc_bytes *chunk) {
  parity_stream *s = data;
  if (s->step++ > 0) return -1;
  *chunk = WC_BYTES("partial", 7);
  return WC_NEXT_CHUNK;
}

static int32_t ticks_next(void *data, wc_bytes *chunk) {
  parity_stream *s = data;
  if (s->step++ > 0) example_sleep_ms(20);
  *chunk = WC_BYTES("tick\n", 5);
  return WC_NEXT_CHUNK;
}

/* A stream that never ends on its own is only ever freed because the client left. */
static void parity_stream_free(void *data) {
  parity_stream *s = data;
  if (s->forever) log_add((wc_str){ s->case_id, s->case_id_len }, "aborted", 7);
  free(s);
}

static int32_t stream(wc_response *res, wc_str id, wc_next_fn next, int forever) {
  parity_stream *s = calloc(1, sizeof *s);
  if (s == NULL) return -1;
  s->forever = forever;
  s->case_id_len = id.len < sizeof s->case_id ? id.len : sizeof s->case_id;
  memcpy(s->case_id, id.ptr, s->case_id_len);
  res->state = s;
  res->state_free = parity_stream_free;
  res->next = next;
  return 0;
}

/* ---- the echo ---- */

static int32_t echo_seen(const wc_request *req, wc_response *res) {
  char digest[65];
  sha256_hex(req->body.ptr, req->body.len, digest);
  char version[8];
  snprintf(version, sizeof version, "%u.%u", req->http_major, req->http_minor);
  char length[24];
  snprintf(length, sizeof length, "%zu", req->body.len);

  text t = { 0 };
  put_lit(&t, "{\"method\":");
  put_json(&t, req->method.ptr, req->method.len);
  put_lit(&t, ",\"target\":");
  put_json(&t, req->target.ptr, req->target.len);
  put_lit(&t, ",\"version\":");
  put_json(&t, version, strlen(version));
  put_lit(&t, ",\"headers\":");
  put_pairs(&t, req->headers, req->header_count);
  put_lit(&t, ",\"bodyLength\":");
  put_lit(&t, length);
  put_lit(&t, ",\"bodySha256\":\"");
  put_lit(&t, digest);
  put_lit(&t, "\"");
  if (req->body.len <= 4096) {
    put_lit(&t, ",\"body\":");
    put_json(&t, (const char *)req->body.ptr, req->body.len);
  }
  put_lit(&t, ",\"trailers\":");
  if (req->trailer_count == 0) put_lit(&t, "null");
  else put_pairs(&t, req->trailers, req->trailer_count);
  put_lit(&t, "}");
  return answer_text(res, &t, WC_STR("application/json"));
}

static int action_is(wc_str action, const char *name) { return action.len == strlen(name) && memcmp(action.ptr, name, action.len) == 0; }

EXPORT int32_t parity(const wc_request *req, wc_response *res) {
  wc_str path = req->path;
  if (path.len > 6 && memcmp(path.ptr, "/seen/", 6) == 0) return seen_take((wc_str){ path.ptr + 6, path.len - 6 }, res);

  wc_str id = case_of(path);
  {
    text entry = { 0 };
    put(&entry, req->method.ptr, req->method.len);
    put(&entry, " ", 1);
    put(&entry, req->target.ptr, req->target.len);
    if (!entry.failed) log_add(id, entry.ptr, entry.len);
    free(entry.ptr);
  }

  /* The action is what follows /c/<id>/. */
  size_t start = id.len > 0 ? 3 + id.len : path.len;
  if (start < path.len && path.ptr[start] == '/') start++;
  wc_str action = { path.ptr + start, path.len - start };

  if (action_is(action, "slow")) example_sleep_ms(100);
  else if (action_is(action, "throw-before")) return -1;
  else if (action_is(action, "throw-after")) return stream(res, id, partial_then_error_next, 0);
  else if (action_is(action, "stream")) {
    res->content_type = WC_STR("text/plain");
    return stream(res, id, parts_next, 0);
  } else if (action_is(action, "stream-forever")) return stream(res, id, ticks_next, 1);
  else if (action_is(action, "status-204") || action_is(action, "status-304")) {
    res->status = action_is(action, "status-204") ? 204 : 304;
    res->body = WC_BYTES("ignored", 7);
    return 0;
  } else if (action_is(action, "ignore-body")) {
    res->body = WC_BYTES("ignored", 7);
    return 0;
  } else if (action_is(action, "static") || action_is(action, "static-hit")) {
    res->content_type = WC_STR("text/plain");
    res->body = WC_BYTES("static hello\n", 13);
    return 0;
  }

  log_add(id, "body-ok", 7);
  return echo_seen(req, res);
}
