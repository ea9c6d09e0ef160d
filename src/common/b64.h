/*
 * b64: base64 for the bytes a compiler prints. stdout/stderr may be any
 * bytes, and JSON strings must be UTF-8, so they travel encoded.
 */
#ifndef ZCCACHE_B64_H
#define ZCCACHE_B64_H

#include <stddef.h>

#include "buf.h"

/* Append the encoding of n bytes to out (NUL-terminated). Returns 0 or -ENOMEM. */
int b64_encode(const void *p, size_t n, struct buf *out);
/* Append the decoding of text to out. Returns 0, -EINVAL on bad input, -ENOMEM. */
int b64_decode(const char *text, size_t len, struct buf *out);

#endif
