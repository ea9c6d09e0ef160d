/*
 * buf: a growable byte buffer, used for frames, captured compiler output and
 * anything else that is built up piece by piece.
 */
#ifndef ZCCACHE_BUF_H
#define ZCCACHE_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT           \
	{                  \
		NULL, 0, 0 \
	}

/* Make room for at least extra more bytes. Returns 0 or -ENOMEM. */
int buf_reserve(struct buf *b, size_t extra);
/* Append n bytes. Returns 0 or -ENOMEM. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Append a formatted string (not NUL-counted in len, but NUL-terminated). */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drop n bytes from the front. */
void buf_consume(struct buf *b, size_t n);
/* Ensure data is NUL-terminated (the NUL is not counted in len). */
int buf_terminate(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
