/*
 * verify: check (and with repair, mend) the whole cache in slices. Phases:
 * manifests (decode; note which results they name), results (decode; every
 * artifact verified once however many results share it), the store (files
 * no result names, stale tmp files), then the size accounting.
 *
 * A manifest entry naming a result that is gone is not bad: eviction
 * removes results and manifests independently, and such an entry is a miss
 * that the next store of that compile replaces. It is counted as dangling
 * and left alone. Likewise a result no manifest names ("unreferenced") is
 * left for eviction to reclaim.
 */
#include "verify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache_parts.h"
#include "clock.h"
#include "index.h"
#include "log.h"
#include "manifest.h"
#include "store.h"

/* Entries copied out of the index per read txn. */
#define VERIFY_BATCH 32
/* Bad items listed in the report; the counts cover all of them. */
#define VERIFY_FIRST_BAD 10

enum phase {
	PHASE_FILE,
	PHASE_MANIFESTS,
	PHASE_RESULTS,
	PHASE_STORE,
	PHASE_ACCOUNTING,
	PHASE_DONE
};

/* Marks in the digest sets. */
#define MARK_NAMED    1  /* a result: named by a manifest; an artifact: by a result */
#define MARK_VERIFIED 2  /* an artifact checked and intact */
#define MARK_MISSING  4  /* an artifact checked: not there */
#define MARK_DAMAGED  8  /* an artifact checked: fails its header or checksums */
#define MARK_IO       16 /* an artifact checked: could not be read */
#define MARK_CHECKED  (MARK_VERIFIED | MARK_MISSING | MARK_DAMAGED | MARK_IO)

struct dset_slot {
	struct digest d;
	uint8_t marks; /* 0: empty slot */
};

/* Open addressing; digests are hashes already, so their bytes index it. */
struct dset {
	struct dset_slot *slots;
	size_t cap, n;
};

struct bad_item {
	enum index_db db;
	struct digest key;
	enum verify_reason reason;
	bool has_artifact;
	struct digest artifact;
};

struct cache_verify {
	struct cache *c;
	bool repair;
	enum phase phase;
	struct digest last;
	bool have_last;
	int store_part; /* the store phase: next sub-folder */
	time_t started;
	int64_t started_ms, elapsed_ms;
	uint64_t slices;
	struct dset named_results;   /* result keys named by manifests */
	struct dset named_artifacts; /* artifacts named by results */

	uint64_t manifests, manifests_ok, dangling, results, results_ok, unreferenced;
	uint64_t artifacts_checked, artifact_bytes, orphans, orphan_bytes, tmp_files;
	uint64_t bad[VERIFY_REASON_COUNT], bad_total;
	uint64_t dropped, artifacts_removed, orphans_removed, tmp_removed;
	bool accounting_fixed, index_rebuilt;
	struct index_audit audit;
	bool audited;
	struct bad_item first_bad[VERIFY_FIRST_BAD];
	size_t n_first_bad;
};

static const char *const reason_names[VERIFY_REASON_COUNT] = {
        "index_checksum",      "record",     "missing_artifact", "artifact_checksum",
        "artifact_unreadable", "accounting", "index_unreadable",
};

const char *verify_reason_name(enum verify_reason r)
{
	return r < VERIFY_REASON_COUNT ? reason_names[r] : "?";
}

/* ---- digest sets ---- */

static size_t dset_pos(const struct dset *s, const struct digest *d)
{
	size_t i;

	memcpy(&i, d->bytes, sizeof(i));
	i &= s->cap - 1;
	while (s->slots[i].marks && !digest_equal(&s->slots[i].d, d))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static uint8_t dset_get(const struct dset *s, const struct digest *d)
{
	return s->cap ? s->slots[dset_pos(s, d)].marks : 0;
}

static int dset_mark(struct dset *s, const struct digest *d, uint8_t marks)
{
	struct dset_slot *slot;

	if (s->n + 1 > s->cap / 2) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct dset grown = {calloc(cap, sizeof(struct dset_slot)), cap, s->n};

		if (!grown.slots)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i].marks)
				grown.slots[dset_pos(&grown, &s->slots[i].d)] = s->slots[i];
		free(s->slots);
		*s = grown;
	}
	slot = &s->slots[dset_pos(s, d)];
	if (!slot->marks) {
		slot->d = *d;
		s->n++;
	}
	slot->marks |= marks;
	return 0;
}

/* ---- bookkeeping ---- */

static void note_bad(struct cache_verify *v, enum index_db db, const struct digest *key,
                     enum verify_reason why, const struct digest *artifact)
{
	char hex[DIGEST_HEX_LEN + 1];

	v->bad[why]++;
	v->bad_total++;
	if (v->n_first_bad < VERIFY_FIRST_BAD) {
		struct bad_item *b = &v->first_bad[v->n_first_bad++];

		*b = (struct bad_item){db, *key, why, artifact != NULL, {{0}}};
		if (artifact)
			b->artifact = *artifact;
	}
	if (why == VERIFY_INDEX_UNREADABLE)
		return; /* logged with its error */
	digest_to_hex(key, hex);
	log_warnx("verify: %s %s is bad: %s%s", db == INDEX_MANIFESTS ? "manifest" : "result", hex,
	          verify_reason_name(why), v->repair ? "; dropping it" : "");
}

static void drop_entry(struct cache_verify *v, enum index_db db, const struct digest *key)
{
	int r;

	if (!v->repair)
		return;
	cache_forget_manifests(v->c);
	r = index_del(cache_index(v->c), db, key);
	if (r == 0 || r == -ENOENT) /* gone meanwhile (evicted): as good */
		v->dropped++;
	else
		log_errno(LOG_LEVEL_WARNING, r, "verify: cannot drop a bad entry");
}

/* A stored result's artifacts are named, so the store phase keeps them. */
static void on_store(void *ctx, const struct digest *result, const struct digest *artifacts,
                     size_t n)
{
	struct cache_verify *v = ctx;

	dset_mark(&v->named_results, result, MARK_NAMED);
	for (size_t i = 0; i < n; i++)
		dset_mark(&v->named_artifacts, &artifacts[i], MARK_NAMED);
}

int cache_verify_begin(struct cache *c, bool repair, struct cache_verify **out)
{
	struct cache_verify *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->c = c;
	v->repair = repair;
	v->started = time(NULL);
	v->started_ms = monotonic_ms();
	cache_observe_stores(c, on_store, v);
	*out = v;
	return 0;
}

void cache_verify_free(struct cache_verify *v)
{
	if (!v)
		return;
	cache_observe_stores(v->c, NULL, NULL);
	free(v->named_results.slots);
	free(v->named_artifacts.slots);
	free(v);
}

/* ---- the phases ---- */

static void check_manifest(struct cache_verify *v, const struct index_item *it)
{
	struct manifest m = {0};
	struct buf scratch = BUF_INIT;

	v->manifests++;
	if (!it->tag_ok) {
		note_bad(v, INDEX_MANIFESTS, &it->key, VERIFY_INDEX_CHECKSUM, NULL);
		drop_entry(v, INDEX_MANIFESTS, &it->key);
		return;
	}
	if (manifest_decode(it->val.data, it->val.len, &m) < 0) {
		note_bad(v, INDEX_MANIFESTS, &it->key, VERIFY_RECORD, NULL);
		drop_entry(v, INDEX_MANIFESTS, &it->key);
		return;
	}
	v->manifests_ok++;
	for (size_t i = 0; i < m.n; i++) {
		const struct digest *rk = &m.entries[i].result;

		dset_mark(&v->named_results, rk, MARK_NAMED);
		buf_reset(&scratch);
		if (index_get(cache_index(v->c), INDEX_RESULTS, rk, &scratch) == -ENOENT)
			v->dangling++;
	}
	buf_free(&scratch);
	manifest_free(&m);
}

static enum verify_reason reason_of(uint8_t marks)
{
	return marks & MARK_MISSING   ? VERIFY_MISSING_ARTIFACT
	       : marks & MARK_DAMAGED ? VERIFY_ARTIFACT_CHECKSUM
	                              : VERIFY_ARTIFACT_IO;
}

/* 0, or -1 with the reason the artifact is unusable. Each is read once. */
static int check_artifact(struct cache_verify *v, const struct digest *d, enum verify_reason *why)
{
	uint8_t marks = dset_get(&v->named_artifacts, d);
	uint64_t bytes = 0;
	int r;

	if (!(marks & MARK_CHECKED)) {
		r = store_verify(cache_artifacts(v->c), d);
		v->artifacts_checked++;
		marks = r == 0          ? MARK_VERIFIED
		        : r == -ENOENT  ? MARK_MISSING
		        : r == -EBADMSG ? MARK_DAMAGED
		                        : MARK_IO;
		dset_mark(&v->named_artifacts, d, MARK_NAMED | marks);
		if (r == 0 && store_stat(cache_artifacts(v->c), d, &bytes) == 0)
			v->artifact_bytes += bytes;
		/* A damaged file serves nobody: it goes with its entries. */
		if (v->repair && r == -EBADMSG && store_remove(cache_artifacts(v->c), d, NULL) == 0)
			v->artifacts_removed++;
	}
	if (marks & MARK_VERIFIED)
		return 0;
	*why = reason_of(marks);
	return -1;
}

static void check_result(struct cache_verify *v, const struct index_item *it)
{
	struct digest arts[CACHE_RESULT_MAX_ARTIFACTS];
	enum verify_reason why;
	size_t n = 0;

	v->results++;
	if (!(dset_get(&v->named_results, &it->key) & MARK_NAMED))
		v->unreferenced++;
	if (!it->tag_ok) {
		note_bad(v, INDEX_RESULTS, &it->key, VERIFY_INDEX_CHECKSUM, NULL);
		drop_entry(v, INDEX_RESULTS, &it->key);
		return;
	}
	if (cache_result_artifacts(it->val.data, it->val.len, arts, &n) < 0) {
		note_bad(v, INDEX_RESULTS, &it->key, VERIFY_RECORD, NULL);
		drop_entry(v, INDEX_RESULTS, &it->key);
		return;
	}
	/* Named before checking, so that the store phase never removes an
	 * intact artifact of a result that is dropped for another one. */
	for (size_t i = 0; i < n; i++)
		dset_mark(&v->named_artifacts, &arts[i], MARK_NAMED);
	for (size_t i = 0; i < n; i++) {
		if (check_artifact(v, &arts[i], &why) < 0) {
			note_bad(v, INDEX_RESULTS, &it->key, why, &arts[i]);
			drop_entry(v, INDEX_RESULTS, &it->key);
			return;
		}
	}
	v->results_ok++;
}

/* The index cannot be read: with repair, start a new one. */
static int index_unreadable(struct cache_verify *v, int err)
{
	static const struct digest none;
	int r;

	log_errno(LOG_LEVEL_WARNING, err, "verify: the index cannot be read");
	note_bad(v, INDEX_RESULTS, &none, VERIFY_INDEX_UNREADABLE, NULL);
	v->phase = PHASE_DONE;
	cache_observe_stores(v->c, NULL, NULL);
	if (!v->repair)
		return 1;
	r = cache_reset_index(v->c, err);
	if (r < 0) {
		log_errno(LOG_LEVEL_ERR, r, "verify: cannot make a new index");
		return r;
	}
	v->index_rebuilt = true;
	return 1;
}

/* One batch of the current db. 1 when the db is done. */
static int scan_batch(struct cache_verify *v, enum index_db db)
{
	struct index_item items[VERIFY_BATCH];
	int n = index_scan(cache_index(v->c), db, v->have_last ? &v->last : NULL, items,
	                   VERIFY_BATCH);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		if (db == INDEX_MANIFESTS)
			check_manifest(v, &items[i]);
		else
			check_result(v, &items[i]);
	}
	if (n > 0) {
		v->last = items[n - 1].key;
		v->have_last = true;
	}
	index_items_free(items, (size_t)n);
	if (n == VERIFY_BATCH)
		return 0;
	v->have_last = false;
	return 1;
}

static int check_store_file(const struct digest *d, uint64_t stored_bytes, void *ctx)
{
	struct cache_verify *v = ctx;

	if (dset_get(&v->named_artifacts, d) & MARK_NAMED)
		return 0;
	v->orphans++;
	v->orphan_bytes += stored_bytes;
	if (v->repair && store_remove(cache_artifacts(v->c), d, NULL) == 0)
		v->orphans_removed++;
	return 0;
}

/*
 * Files no result names: a crash between writing an artifact and indexing
 * its result leaves them, and so does eviction of a result that shared an
 * artifact with another. Tmp files older than the verify's start are left
 * by killed writes (the server writes nothing while a slice runs).
 */
static void check_store_part(struct cache_verify *v, int part)
{
	struct store *s = cache_artifacts(v->c);
	uint64_t n = 0;

	store_foreach_part(s, part, check_store_file, v);
	if (store_scan_tmp(s, part, v->started + 1, v->repair, &n) == 0) {
		v->tmp_files += n;
		if (v->repair)
			v->tmp_removed += n;
	}
}

static void check_accounting(struct cache_verify *v)
{
	struct index_audit fixed;
	int r = index_audit(cache_index(v->c), &v->audit);

	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "verify: cannot audit the size accounting");
		return;
	}
	v->audited = true;
	if (index_audit_consistent(&v->audit))
		return;
	log_warnx("verify: size accounting: %llu bytes in %llu entries recorded, %llu in %llu "
	          "counted; %llu records without entry, %llu entries without record",
	          (unsigned long long)v->audit.recorded_bytes,
	          (unsigned long long)v->audit.recorded_entries,
	          (unsigned long long)v->audit.counted_bytes,
	          (unsigned long long)v->audit.counted_entries,
	          (unsigned long long)v->audit.stray_records,
	          (unsigned long long)v->audit.unaccounted_entries);
	v->bad[VERIFY_ACCOUNTING]++;
	v->bad_total++;
	if (v->repair) {
		r = index_repair_accounting(cache_index(v->c), &fixed);
		if (r == 0)
			v->accounting_fixed = true;
		else
			log_errno(LOG_LEVEL_WARNING, r,
			          "verify: cannot repair the size accounting");
	}
}

int cache_verify_step(struct cache_verify *v, int64_t budget_ms)
{
	int64_t start = monotonic_ms();
	int r = 0;

	v->slices++;
	do {
		switch (v->phase) {
		case PHASE_FILE:
			/* LMDB follows damaged pages into a crash: look first, in
			 * a child. */
			r = index_check_file(cache_index(v->c));
			if (r < 0) {
				r = index_unreadable(v, r);
				break;
			}
			v->phase++;
			break;
		case PHASE_MANIFESTS:
		case PHASE_RESULTS:
			r = scan_batch(v, v->phase == PHASE_MANIFESTS ? INDEX_MANIFESTS
			                                              : INDEX_RESULTS);
			if (r < 0) {
				r = index_unreadable(v, r);
				break;
			}
			if (r == 1)
				v->phase++;
			r = 0;
			break;
		case PHASE_STORE:
			/* One sub-folder a step: a store of many files is sliced. */
			check_store_part(v, v->store_part++);
			if (v->store_part == STORE_PARTS)
				v->phase++;
			break;
		case PHASE_ACCOUNTING:
			check_accounting(v);
			v->phase = PHASE_DONE;
			cache_observe_stores(v->c, NULL, NULL);
			r = 1;
			break;
		case PHASE_DONE:
			r = 1;
			break;
		}
	} while (r == 0 && monotonic_ms() - start < budget_ms);
	v->elapsed_ms = monotonic_ms() - v->started_ms;
	return r;
}

bool cache_verify_clean(const struct cache_verify *v)
{
	if (v->bad_total == 0)
		return true;
	/* Repaired: every bad entry dropped (or the index rebuilt), the
	 * accounting fixed when it was off. */
	return v->repair &&
	       (v->index_rebuilt || ((v->bad[VERIFY_ACCOUNTING] == 0 || v->accounting_fixed) &&
	                             v->dropped == v->bad_total - v->bad[VERIFY_ACCOUNTING]));
}

/* The report's plain counts: reply field name -> struct cache_verify member. */
static const struct {
	const char *name;
	size_t offset;
} counts[] = {
        {"manifests", offsetof(struct cache_verify, manifests)},
        {"manifests_ok", offsetof(struct cache_verify, manifests_ok)},
        {"dangling", offsetof(struct cache_verify, dangling)},
        {"results", offsetof(struct cache_verify, results)},
        {"results_ok", offsetof(struct cache_verify, results_ok)},
        {"unreferenced", offsetof(struct cache_verify, unreferenced)},
        {"artifacts", offsetof(struct cache_verify, artifacts_checked)},
        {"artifact_bytes", offsetof(struct cache_verify, artifact_bytes)},
        {"bad_total", offsetof(struct cache_verify, bad_total)},
        {"orphans", offsetof(struct cache_verify, orphans)},
        {"orphan_bytes", offsetof(struct cache_verify, orphan_bytes)},
        {"tmp_files", offsetof(struct cache_verify, tmp_files)},
        {"dropped", offsetof(struct cache_verify, dropped)},
        {"artifacts_removed", offsetof(struct cache_verify, artifacts_removed)},
        {"orphans_removed", offsetof(struct cache_verify, orphans_removed)},
        {"tmp_removed", offsetof(struct cache_verify, tmp_removed)},
        {"slices", offsetof(struct cache_verify, slices)},
};

static json_t *u(uint64_t n)
{
	return json_integer((json_int_t)n);
}

json_t *cache_verify_report(const struct cache_verify *v)
{
	json_t *o = json_object(), *bad = json_object(), *list = json_array(), *acct;
	char hex[DIGEST_HEX_LEN + 1];

	for (int i = 0; i < VERIFY_REASON_COUNT; i++)
		json_object_set_new(bad, reason_names[i], u(v->bad[i]));
	for (size_t i = 0; i < v->n_first_bad; i++) {
		const struct bad_item *b = &v->first_bad[i];
		json_t *item = json_object();

		json_object_set_new(
		        item, "db",
		        json_string(b->db == INDEX_MANIFESTS ? "manifests" : "results"));
		digest_to_hex(&b->key, hex);
		json_object_set_new(item, "key", json_string(hex));
		json_object_set_new(item, "reason", json_string(verify_reason_name(b->reason)));
		if (b->has_artifact) {
			digest_to_hex(&b->artifact, hex);
			json_object_set_new(item, "artifact", json_string(hex));
		}
		json_array_append_new(list, item);
	}
	acct = json_pack("{s:b,s:o,s:o,s:o,s:o,s:o,s:o}", "consistent",
	                 !v->audited || index_audit_consistent(&v->audit), "recorded_bytes",
	                 u(v->audit.recorded_bytes), "counted_bytes", u(v->audit.counted_bytes),
	                 "recorded_entries", u(v->audit.recorded_entries), "counted_entries",
	                 u(v->audit.counted_entries), "stray_records", u(v->audit.stray_records),
	                 "unaccounted_entries", u(v->audit.unaccounted_entries));
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		json_object_set_new(o, counts[i].name,
		                    u(*(const uint64_t *)((const char *)v + counts[i].offset)));
	json_object_set_new(o, "repair", json_boolean(v->repair));
	json_object_set_new(o, "clean", json_boolean(cache_verify_clean(v)));
	json_object_set_new(o, "bad", bad);
	json_object_set_new(o, "first_bad", list);
	json_object_set_new(o, "accounting", acct);
	json_object_set_new(o, "accounting_fixed", json_boolean(v->accounting_fixed));
	json_object_set_new(o, "index_rebuilt", json_boolean(v->index_rebuilt));
	/* Damage found before this verify (when the server opened the cache):
	 * already repaired, but the user asking should hear of it. */
	json_object_set_new(o, "index_replaced", json_boolean(cache_index_replaced(v->c)));
	json_object_set_new(o, "elapsed_ms", json_integer(v->elapsed_ms));
	return o;
}
