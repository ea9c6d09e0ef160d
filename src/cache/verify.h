/*
 * verify: `zccachectl verify [--repair]`. Walks every manifest and result
 * of the index and every file of the store, checks that each record decodes,
 * each artifact a result names is there and passes every checksum, the size
 * accounting adds up; counts orphans and stale tmp files; with repair, drops
 * what is bad. The work is done in slices so that a server can keep serving
 * other clients between them.
 */
#ifndef ZCCACHE_VERIFY_H
#define ZCCACHE_VERIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache.h"

/* Why an entry is bad. */
enum verify_reason {
	VERIFY_INDEX_CHECKSUM,    /* the index value fails its tag */
	VERIFY_RECORD,            /* the manifest or result does not decode */
	VERIFY_MISSING_ARTIFACT,  /* a result names an artifact that is not there */
	VERIFY_ARTIFACT_CHECKSUM, /* an artifact fails its header or checksums */
	VERIFY_ARTIFACT_IO,       /* an artifact could not be read */
	VERIFY_ACCOUNTING,        /* the size totals do not match the entries */
	VERIFY_INDEX_UNREADABLE,  /* LMDB itself reports damage */
	VERIFY_REASON_COUNT,
};

const char *verify_reason_name(enum verify_reason r);

struct cache_verify;

/*
 * Start a verify of c. While it runs, c tells it about every result stored
 * meanwhile (so --repair never takes a new artifact for an orphan). Only one
 * at a time per cache. 0 or -ENOMEM / -EBUSY.
 */
int cache_verify_begin(struct cache *c, bool repair, struct cache_verify **out);

/*
 * Work for about budget_ms (at least one entry). Returns 1 when finished,
 * 0 when there is more to do, or a negative errno when the cache can no
 * longer be used (an unreadable index that could not be replaced): the
 * caller closes it.
 */
int cache_verify_step(struct cache_verify *v, int64_t budget_ms);

/* True when the verify found nothing bad (orphans and tmp files are not bad:
 * a crash leaves them, and they cost only space) or repaired all of it. */
bool cache_verify_clean(const struct cache_verify *v);

/* The counts, as the verify request's reply fields. */
json_t *cache_verify_report(const struct cache_verify *v);

/* Stop (finished or not) and free. */
void cache_verify_free(struct cache_verify *v);

#endif
