/*
 * manifest_memo: decoded manifests kept in memory by direct key, so that a
 * hit neither reads nor decodes the same include set again. Bounded by an
 * estimate of their size; the least recently used go first. The owner drops
 * a key whenever it writes that manifest and clears everything when the
 * index changes under it (trim, flush, repair, reset).
 */
#ifndef ZCCACHE_MANIFEST_MEMO_H
#define ZCCACHE_MANIFEST_MEMO_H

#include <stddef.h>

#include "hash.h"
#include "manifest.h"

struct manifest_memo;

int manifest_memo_new(size_t max_bytes, struct manifest_memo **out);
void manifest_memo_free(struct manifest_memo *mm);

/* The manifest of key, or NULL. Valid until the next put, drop or clear. */
struct manifest *manifest_memo_get(struct manifest_memo *mm, const struct digest *key);

/* Keep m (moved in, zeroed) under key; cost: its encoded size. On failure m
 * is freed: the memo is only ever a shortcut. */
void manifest_memo_put(struct manifest_memo *mm, const struct digest *key, struct manifest *m,
                       size_t cost);

void manifest_memo_drop(struct manifest_memo *mm, const struct digest *key);
void manifest_memo_clear(struct manifest_memo *mm);

struct manifest_memo_stats {
	size_t entries, bytes;
};
void manifest_memo_get_stats(const struct manifest_memo *mm, struct manifest_memo_stats *out);

#endif
