/* What example.c and parity.c share. */
#ifndef WIRECORE_EXAMPLE_H
#define WIRECORE_EXAMPLE_H

#include "wirecore_ffi.h"

#define EXPORT WIRECORE_FFI_EXPORT

/* malloc / free that keep the live-block count. */
void *example_alloc(size_t size);
/* As `release`: counts, then frees. */
void example_release(void *block);
/* As `state_free`: counts, then frees. */
void example_state_free(void *state);
void example_sleep_ms(uint64_t ms);
/* The number after "key=" in the query, or fallback. */
uint64_t example_query_number(const wc_request *req, const char *key, uint64_t fallback);

#endif
