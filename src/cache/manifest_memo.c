/* manifest_memo: an LRU map from direct key to decoded manifest. */
#include "manifest_memo.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct memo_entry {
	struct memo_entry *next_in_bucket;
	struct memo_entry *older, *newer; /* the LRU list */
	struct digest key;
	struct manifest m;
	size_t cost;
};

struct manifest_memo {
	struct memo_entry **buckets;
	size_t n_buckets, n, bytes, max_bytes;
	struct memo_entry *newest, *oldest;
};

/* Decoded, a manifest takes about this many times its encoded size. */
#define DECODED_FACTOR 3

int manifest_memo_new(size_t max_bytes, struct manifest_memo **out)
{
	struct manifest_memo *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return -ENOMEM;
	mm->n_buckets = 1024;
	mm->buckets = calloc(mm->n_buckets, sizeof(*mm->buckets));
	if (!mm->buckets) {
		free(mm);
		return -ENOMEM;
	}
	mm->max_bytes = max_bytes;
	*out = mm;
	return 0;
}

static size_t bucket_of(const struct manifest_memo *mm, const struct digest *key)
{
	uint64_t h;

	memcpy(&h, key->bytes, sizeof(h)); /* a digest: already uniform */
	return (size_t)(h & (mm->n_buckets - 1));
}

static struct memo_entry **slot_of(struct manifest_memo *mm, const struct digest *key)
{
	struct memo_entry **pp = &mm->buckets[bucket_of(mm, key)];

	while (*pp && !digest_equal(&(*pp)->key, key))
		pp = &(*pp)->next_in_bucket;
	return pp;
}

static void lru_unlink(struct manifest_memo *mm, struct memo_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		mm->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		mm->oldest = e->newer;
	e->older = e->newer = NULL;
}

static void lru_push_newest(struct manifest_memo *mm, struct memo_entry *e)
{
	e->older = mm->newest;
	e->newer = NULL;
	if (mm->newest)
		mm->newest->newer = e;
	mm->newest = e;
	if (!mm->oldest)
		mm->oldest = e;
}

static void entry_remove(struct manifest_memo *mm, struct memo_entry **slot)
{
	struct memo_entry *e = *slot;

	*slot = e->next_in_bucket;
	lru_unlink(mm, e);
	mm->n--;
	mm->bytes -= e->cost;
	manifest_free(&e->m);
	free(e);
}

struct manifest *manifest_memo_get(struct manifest_memo *mm, const struct digest *key)
{
	struct memo_entry *e = *slot_of(mm, key);

	if (!e)
		return NULL;
	lru_unlink(mm, e);
	lru_push_newest(mm, e);
	return &e->m;
}

void manifest_memo_drop(struct manifest_memo *mm, const struct digest *key)
{
	struct memo_entry **slot = slot_of(mm, key);

	if (*slot)
		entry_remove(mm, slot);
}

static void grow(struct manifest_memo *mm)
{
	size_t n = mm->n_buckets * 2;
	struct memo_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < mm->n_buckets; i++) {
		struct memo_entry *e = mm->buckets[i], *next;

		for (; e; e = next) {
			uint64_t h;

			next = e->next_in_bucket;
			memcpy(&h, e->key.bytes, sizeof(h));
			e->next_in_bucket = b[h & (n - 1)];
			b[h & (n - 1)] = e;
		}
	}
	free(mm->buckets);
	mm->buckets = b;
	mm->n_buckets = n;
}

void manifest_memo_put(struct manifest_memo *mm, const struct digest *key, struct manifest *m,
                       size_t cost)
{
	struct memo_entry *e;

	cost = cost * DECODED_FACTOR + sizeof(*e);
	manifest_memo_drop(mm, key);
	if (cost > mm->max_bytes / 4 || !(e = calloc(1, sizeof(*e)))) {
		manifest_free(m);
		return;
	}
	while (mm->oldest && mm->bytes + cost > mm->max_bytes)
		entry_remove(mm, slot_of(mm, &mm->oldest->key));
	if (mm->n >= mm->n_buckets)
		grow(mm);
	e->key = *key;
	e->m = *m;
	memset(m, 0, sizeof(*m));
	e->cost = cost;
	e->next_in_bucket = mm->buckets[bucket_of(mm, key)];
	mm->buckets[bucket_of(mm, key)] = e;
	lru_push_newest(mm, e);
	mm->n++;
	mm->bytes += cost;
}

void manifest_memo_clear(struct manifest_memo *mm)
{
	while (mm->oldest)
		entry_remove(mm, slot_of(mm, &mm->oldest->key));
}

void manifest_memo_free(struct manifest_memo *mm)
{
	if (!mm)
		return;
	manifest_memo_clear(mm);
	free(mm->buckets);
	free(mm);
}

void manifest_memo_get_stats(const struct manifest_memo *mm, struct manifest_memo_stats *out)
{
	out->entries = mm->n;
	out->bytes = mm->bytes;
}
