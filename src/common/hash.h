/*
 * hash: XXH3-128 digests of memory and files. A digest names store artifacts
 * and index keys; 128 bits keeps accidental collisions out of reach for any
 * cache size we will ever see.
 */
#ifndef ZCCACHE_HASH_H
#define ZCCACHE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct digest {
	uint8_t bytes[16];
};

#define DIGEST_HEX_LEN 32

/* Incremental hasher; wraps XXH3_state_t without exposing xxhash.h. */
struct hasher;

struct hasher *hasher_new(void);
void hasher_free(struct hasher *h);
void hasher_reset(struct hasher *h);
void hasher_update(struct hasher *h, const void *p, size_t n);
/* Hash a NUL-terminated string including a terminator, so "a","bc" != "ab","c". */
void hasher_update_str(struct hasher *h, const char *s);
void hasher_update_u64(struct hasher *h, uint64_t v);
void hasher_final(struct hasher *h, struct digest *out);

void digest_mem(const void *p, size_t n, struct digest *out);
/* Hash a whole regular file's content. Returns 0, -EINVAL for anything but
 * a regular file, or -errno. */
int digest_file(const char *path, struct digest *out);
int digest_fd(int fd, struct digest *out);

/* Lower-case hex, NUL-terminated; out must hold DIGEST_HEX_LEN + 1 bytes. */
void digest_to_hex(const struct digest *d, char *out);
/* Returns 0 or -EINVAL. */
int digest_from_hex(const char *hex, struct digest *out);
bool digest_equal(const struct digest *a, const struct digest *b);

#endif
