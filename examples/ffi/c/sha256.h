#ifndef WIRECORE_EXAMPLE_SHA256_H
#define WIRECORE_EXAMPLE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex digest of data, NUL-terminated. */
void sha256_hex(const uint8_t *data, size_t len, char out[65]);

#endif
