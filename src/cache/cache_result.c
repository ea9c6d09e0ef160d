/* cache_result: the result record's codec (cache_internal.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache_internal.h"
#include "cscan.h"
#include "dircache.h"
#include "family.h"
#include "index.h"
#include "key.h"
#include "log.h"
#include "manifest.h"
#include "manifest_memo.h"
#include "paths.h"
#include "programs.h"
#include "search.h"
#include "store.h"
#include "sysheaders.h"

/* ---- result records --------------------------------------------------- */

/*
 * Binary, little-endian, checked on the way in ("ZCR" RESULT_FORMAT):
 *   u8 n_outputs { u8 role, u16 mode, u16 len path, digest[16] }
 *   u32 len stdout  u32 len stderr
 *   u32 n_deps { u16 len, bytes }  u32 source_index  i64 duration_ms
 * Format 2 had a fixed set of roles without paths or modes: its records
 * no longer decode, so they are misses and are stored again.
 */
static const char result_magic[4] = {'Z', 'C', 'R', RESULT_FORMAT};

void cache_result_free(struct result *r)
{
	for (size_t i = 0; i < r->n_outs; i++)
		free(r->outs[i].path);
	buf_free(&r->out);
	buf_free(&r->err);
	for (size_t i = 0; i < r->n_deps; i++)
		free(r->deps[i]);
	free(r->deps);
	memset(r, 0, sizeof(*r));
}

static bool take(const uint8_t **p, const uint8_t *end, void *out, size_t n)
{
	if ((size_t)(end - *p) < n)
		return false;
	if (out)
		memcpy(out, *p, n);
	*p += n;
	return true;
}

static bool take_le(const uint8_t **p, const uint8_t *end, size_t n, uint64_t *v)
{
	uint8_t x[8] = {0};

	if (!take(p, end, x, n))
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v |= (uint64_t)x[i] << (8 * i);
	return true;
}

int cache_result_decode(const struct buf *blob, struct result *r)
{
	const uint8_t *p = blob->data, *end = blob->data + blob->len;
	uint64_t n, len, v;
	char head[4];

	memset(r, 0, sizeof(*r));
	if (!take(&p, end, head, 4) || memcmp(head, result_magic, 4) != 0 ||
	    !take_le(&p, end, 1, &n))
		return -EBADMSG;
	if (n > RESULT_MAX_OUTPUTS)
		return -EBADMSG;
	for (uint64_t i = 0; i < n; i++) {
		struct result_output *o = &r->outs[i];
		uint64_t role, mode;

		if (!take_le(&p, end, 1, &role) || role >= ROLE_COUNT ||
		    !take_le(&p, end, 2, &mode) || !take_le(&p, end, 2, &len) ||
		    (uint64_t)(end - p) < len ||
		    !(o->path = strndup((const char *)p, (size_t)len))) {
			cache_result_free(r);
			return -EBADMSG;
		}
		p += len;
		r->n_outs++;
		o->role = (enum output_role)role;
		o->mode = (mode_t)mode;
		for (size_t k = 0; k < i; k++)
			if (r->outs[k].role == o->role && o->role != ROLE_FILE) {
				cache_result_free(r);
				return -EBADMSG;
			}
		if (!take(&p, end, &o->digest, 16)) {
			cache_result_free(r);
			return -EBADMSG;
		}
	}
	if (!take_le(&p, end, 4, &len) || (uint64_t)(end - p) < len ||
	    buf_append(&r->out, p, (size_t)len) < 0 || !take(&p, end, NULL, (size_t)len) ||
	    !take_le(&p, end, 4, &len) || (uint64_t)(end - p) < len ||
	    buf_append(&r->err, p, (size_t)len) < 0 || !take(&p, end, NULL, (size_t)len) ||
	    !take_le(&p, end, 4, &n) || n > (uint64_t)(end - p) / 2) {
		cache_result_free(r);
		return -EBADMSG;
	}
	r->deps = calloc((size_t)n + 1, sizeof(char *));
	if (!r->deps) {
		cache_result_free(r);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (!take_le(&p, end, 2, &len) || (uint64_t)(end - p) < len ||
		    !(r->deps[i] = strndup((const char *)p, (size_t)len))) {
			cache_result_free(r);
			return -EBADMSG;
		}
		p += len;
		r->n_deps++;
	}
	if (!take_le(&p, end, 4, &v) || (r->source_index = (size_t)v, false) ||
	    !take_le(&p, end, 8, &v) || p != end) {
		cache_result_free(r);
		return -EBADMSG;
	}
	r->duration_ms = (int64_t)v;
	return 0;
}

int cache_result_artifacts(const void *blob, size_t len, struct digest *out, size_t *n)
{
	struct buf b = {(uint8_t *)blob, len, len};
	struct result r;
	int ret = cache_result_decode(&b, &r);

	*n = 0;
	if (ret < 0)
		return ret;
	for (size_t k = 0; k < r.n_outs; k++)
		out[(*n)++] = r.outs[k].digest;
	cache_result_free(&r);
	return 0;
}

const struct result_output *cache_result_output(const struct result *r, enum output_role role)
{
	for (size_t k = 0; k < r->n_outs; k++)
		if (r->outs[k].role == role)
			return &r->outs[k];
	return NULL;
}

static int put_le(struct buf *b, uint64_t v, size_t n)
{
	uint8_t x[8];

	for (size_t i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	return buf_append(b, x, n);
}

int cache_result_encode(const struct result *r, const void *out, size_t out_len, const void *err,
                        size_t err_len, char *const *deps, size_t n_deps, struct buf *b)
{
	int ret;

	ret = r->n_outs > RESULT_MAX_OUTPUTS ? -E2BIG : buf_append(b, result_magic, 4);
	if (ret == 0)
		ret = put_le(b, r->n_outs, 1);
	for (size_t k = 0; k < r->n_outs && ret == 0; k++) {
		const struct result_output *o = &r->outs[k];
		size_t len = o->path ? strlen(o->path) : 0;

		ret = len > 0xffff ? -ENAMETOOLONG : put_le(b, (uint64_t)o->role, 1);
		if (ret == 0)
			ret = put_le(b, (uint64_t)(o->mode & 07777), 2);
		if (ret == 0)
			ret = put_le(b, len, 2);
		if (ret == 0)
			ret = buf_append(b, o->path ? o->path : "", len);
		if (ret == 0)
			ret = buf_append(b, o->digest.bytes, 16);
	}
	if (ret == 0 && (out_len > UINT32_MAX || err_len > UINT32_MAX))
		ret = -EMSGSIZE;
	if (ret == 0)
		ret = put_le(b, out_len, 4);
	if (ret == 0)
		ret = buf_append(b, out, out_len);
	if (ret == 0)
		ret = put_le(b, err_len, 4);
	if (ret == 0)
		ret = buf_append(b, err, err_len);
	if (ret == 0)
		ret = put_le(b, n_deps, 4);
	for (size_t i = 0; i < n_deps && ret == 0; i++) {
		size_t len = strlen(deps[i]);

		ret = len > 0xffff ? -ENAMETOOLONG : put_le(b, len, 2);
		if (ret == 0)
			ret = buf_append(b, deps[i], len);
	}
	if (ret == 0)
		ret = put_le(b, r->source_index, 4);
	if (ret == 0)
		ret = put_le(b, (uint64_t)r->duration_ms, 8);
	return ret;
}
