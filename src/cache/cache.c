/*
 * cache: lookup and store for one compile, tying together the classifier,
 * compiler identity, keys, manifests, the artifact store and the index.
 * Correctness first: any doubt is a miss, any failure is a miss plus a
 * counted error, never an output.
 */
#include "cache.h"
#include "cache_parts.h"

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

#include "args.h"
#include "compiler.h"
#include "cscan.h"
#include "depfile.h"
#include "dircache.h"
#include "family.h"
#include "hashcache.h"
#include "index.h"
#include "key.h"
#include "log.h"
#include "manifest.h"
#include "manifest_memo.h"
#include "paths.h"
#include "private_output.h"
#include "programs.h"
#include "reasons.h"
#include "search.h"
#include "store.h"
#include "sysheaders.h"

#define RESULT_FORMAT 2
/* Decoded manifests kept in memory (see manifest_memo). */
#define MANIFEST_MEMO_BYTES (64u << 20)
/* A compile is remembered this long waiting for its store request. */
#define PENDING_MAX 4096

enum output_role { ROLE_OBJECT, ROLE_DWO, ROLE_GCNO, ROLE_SU, ROLE_COUNT };
static const char *const role_names[ROLE_COUNT] = {"object", "dwo", "gcno", "su"};

struct pending {
	struct pending *next;
	char token[40];
	struct digest key;
	struct compile_args args;
	const struct compiler_info *ci;
	char *cwd;
	char *tmp_depfile; /* ours, when the build asked for none */
	char *as_depfile;  /* the assembler's own (see assembler_reports) */
	int64_t started_ns;
	struct digest source;
	bool date_epoch; /* SOURCE_DATE_EPOCH pins __DATE__/__TIME__ */
	bool printed;    /* the compile wrote to stderr (set when it is stored) */
	mode_t umask;
	struct incpath search; /* the include search, for the manifest */
	/* Where the object is written until the launcher moves it into place;
	 * object NULL when it is written in place. */
	struct private_output priv;
};

struct cache {
	char *dir, *tmp_dir;
	struct store *store;
	struct index *index;
	struct hashcache *hc;
	struct dircache *dc;
	struct manifest_memo *memo;
	struct compiler_cache *cc;
	struct pending *pending;
	size_t n_pending;
	uint64_t token_seq;
	char *cpu;
	uint64_t max_size;
	int level;
	bool index_replaced;            /* found unusable and replaced since the cache opened */
	cache_store_observer *observer; /* a verify in progress */
	void *observer_ctx;
	void (*progress)(void *ctx, uint64_t done); /* a trim or flush shown on a terminal */
	void *progress_ctx;
};

static void stat_add(struct cache *c, const char *name, uint64_t n)
{
	if (index_stats_add(c->index, name, n) < 0)
		log_warnx("cannot count %s", name);
}

static void stat_uncacheable(struct cache *c, const char *reason)
{
	char name[128];

	snprintf(name, sizeof(name), "uncacheable.%s", reason);
	stat_add(c, name, 1);
}

/* A write refused for want of room: a full disk, a quota, the file size
 * limit (RLIMIT_FSIZE, EFBIG once SIGXFSZ is ignored) or the index's map
 * limit. Counted as error.disk_full, apart from a failing disk. */
static bool no_space(int r)
{
	return r == -ENOSPC || r == -EDQUOT || r == -EFBIG;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The clock the kernel stamps files with (a tick behind the fine one): a
 * file written after this instant can never carry an earlier mtime/ctime.
 */
static int64_t now_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static char *abs_join(const char *cwd, const char *path)
{
	char *out;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

/* ---- opening ---------------------------------------------------------- */

/* rm -rf of a folder we own (an old index); errors are ignored. */
static void remove_tree(const char *dir)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int remove_artifact(const struct digest *d, uint64_t stored_bytes, void *ctx)
{
	struct cache *c = ctx;
	uint64_t freed = 0;

	store_remove(c->store, d, &freed);
	return 0;
}

/*
 * Remove every artifact: after a full flush or an index reset, nothing in the
 * store is referenced, including files orphaned by a crash between writing an
 * artifact and indexing it.
 */
static void wipe_store(struct cache *c, uint64_t *removed)
{
	if (c->store)
		store_foreach(c->store, remove_artifact, c);
	store_sweep_tmp(c->store, time(NULL) + 1, removed);
}

/* Another format, or damaged (why): keep it for inspection, start anew. */
static int replace_index(struct cache *c, const char *dir, int why)
{
	char aside[PATH_MAX + 64];
	int r;

	snprintf(aside, sizeof(aside), "%s.old", dir);
	log_errno(LOG_LEVEL_WARNING, why, "index %s unusable; moved to %s and the store emptied",
	          dir, aside);
	remove_tree(aside); /* only the last one is kept, for inspection */
	if (rename(dir, aside) < 0)
		return -errno;
	c->index_replaced = true;
	/* Nothing in the store is reachable without its index. */
	wipe_store(c, NULL);
	r = paths_ensure_private_dir(dir, true);
	if (r < 0)
		return r;
	return index_open(dir, NULL, &c->index);
}

static int open_index(struct cache *c)
{
	char dir[PATH_MAX];
	int r;

	snprintf(dir, sizeof(dir), "%s/index", c->dir);
	r = paths_ensure_private_dir(dir, true);
	if (r < 0)
		return r;
	r = index_open(dir, NULL, &c->index);
	if (r == -EPROTO || r == -EBADMSG || r == -EINVAL)
		r = replace_index(c, dir, r);
	return r;
}

int cache_reset_index(struct cache *c, int why)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/index", c->dir);
	if (c->memo)
		manifest_memo_clear(c->memo);
	index_discard(c->index);
	c->index = NULL;
	return replace_index(c, dir, why);
}

bool cache_index_replaced(struct cache *c)
{
	return c->index_replaced;
}

struct index *cache_index(struct cache *c)
{
	return c->index;
}

void cache_forget_manifests(struct cache *c)
{
	manifest_memo_clear(c->memo);
}

struct store *cache_artifacts(struct cache *c)
{
	return c->store;
}

void cache_observe_stores(struct cache *c, cache_store_observer *fn, void *ctx)
{
	c->observer = fn;
	c->observer_ctx = ctx;
}

/* Left-over depfiles from compiles whose launcher never came back. */
static void sweep_tmp(const char *dir)
{
	char cmd[PATH_MAX];
	DIR *d;
	struct dirent *de;

	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(cmd, sizeof(cmd), "%s/%s", dir, de->d_name);
		unlink(cmd);
	}
	closedir(d);
}

int cache_open(const struct cache_options *o, struct cache **out)
{
	struct cache *c = calloc(1, sizeof(*c));
	char sub[PATH_MAX];
	int r;

	if (!c)
		return -ENOMEM;
	c->dir = strdup(o->dir);
	c->level = o->compression_level;
	c->max_size = o->max_size;
	if (!c->dir) {
		r = -ENOMEM;
		goto fail;
	}
	r = paths_ensure_private_dir(c->dir, true);
	if (r < 0)
		goto fail;
	if (o->tmp_dir) {
		c->tmp_dir = strdup(o->tmp_dir);
		r = c->tmp_dir ? paths_ensure_private_dir(c->tmp_dir, true) : -ENOMEM;
		if (r < 0) {
			log_errno(LOG_LEVEL_WARNING, r, "depfiles go to the cache: %s unusable",
			          o->tmp_dir);
			free(c->tmp_dir);
			c->tmp_dir = NULL;
		}
	}
	if (!c->tmp_dir) {
		if (asprintf(&c->tmp_dir, "%s/tmp", o->dir) < 0) {
			c->tmp_dir = NULL;
			r = -ENOMEM;
			goto fail;
		}
		r = paths_ensure_private_dir(c->tmp_dir, true);
		if (r < 0)
			goto fail;
	}
	sweep_tmp(c->tmp_dir);
	snprintf(sub, sizeof(sub), "%s/store", c->dir);
	r = store_open(sub, c->level, &c->store);
	if (r < 0)
		goto fail;
	r = open_index(c); /* after the store: a reset index empties it */
	if (r < 0)
		goto fail;
	r = hashcache_new(&c->hc);
	if (r < 0)
		goto fail;
	r = dircache_new(&c->dc);
	if (r < 0)
		goto fail;
	r = manifest_memo_new(MANIFEST_MEMO_BYTES, &c->memo);
	if (r < 0)
		goto fail;
	r = compiler_cache_new(&c->cc);
	if (r < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	cache_close(c);
	return r;
}

static void pending_free(struct pending *p)
{
	if (p->as_depfile) {
		unlink(p->as_depfile);
		free(p->as_depfile);
	}
	if (p->tmp_depfile) {
		unlink(p->tmp_depfile);
		free(p->tmp_depfile);
	}
	compile_args_free(&p->args);
	incpath_free(&p->search);
	private_output_free(&p->priv);
	free(p->cwd);
	free(p);
}

void cache_close(struct cache *c)
{
	struct pending *p, *next;

	if (!c)
		return;
	for (p = c->pending; p; p = next) {
		next = p->next;
		pending_free(p);
	}
	if (c->index) {
		index_flush(c->index);
		index_close(c->index);
	}
	store_close(c->store);
	hashcache_free(c->hc);
	dircache_free(c->dc);
	manifest_memo_free(c->memo);
	compiler_cache_free(c->cc);
	free(c->cpu);
	free(c->dir);
	free(c->tmp_dir);
	free(c);
}

void cache_configure(struct cache *c, int compression_level, uint64_t max_size)
{
	c->level = compression_level;
	c->max_size = max_size;
	store_set_level(c->store, compression_level);
}

/* ---- result records --------------------------------------------------- */

struct result {
	bool have[ROLE_COUNT];
	struct digest out_digest[ROLE_COUNT];
	struct buf out, err; /* the compiler's stdout and stderr, as bytes */
	char **deps;         /* the full prerequisite list, as the depfile spelled it */
	size_t n_deps, source_index;
	int64_t duration_ms;
};

/*
 * Binary, little-endian, checked on the way in ("ZCR" RESULT_FORMAT):
 *   u8 n_outputs { u8 role, digest[16] }  u32 len stdout  u32 len stderr
 *   u32 n_deps { u16 len, bytes }  u32 source_index  i64 duration_ms
 */
static const char result_magic[4] = {'Z', 'C', 'R', RESULT_FORMAT};

static void result_free(struct result *r)
{
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

static int result_decode(const struct buf *blob, struct result *r)
{
	const uint8_t *p = blob->data, *end = blob->data + blob->len;
	uint64_t n, len, v;
	char head[4];

	memset(r, 0, sizeof(*r));
	if (!take(&p, end, head, 4) || memcmp(head, result_magic, 4) != 0 ||
	    !take_le(&p, end, 1, &n))
		return -EBADMSG;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t role;
		struct digest d;

		if (!take_le(&p, end, 1, &role) || role >= ROLE_COUNT || !take(&p, end, &d, 16))
			return -EBADMSG;
		r->have[role] = true;
		r->out_digest[role] = d;
	}
	if (!take_le(&p, end, 4, &len) || (uint64_t)(end - p) < len ||
	    buf_append(&r->out, p, (size_t)len) < 0 || !take(&p, end, NULL, (size_t)len) ||
	    !take_le(&p, end, 4, &len) || (uint64_t)(end - p) < len ||
	    buf_append(&r->err, p, (size_t)len) < 0 || !take(&p, end, NULL, (size_t)len) ||
	    !take_le(&p, end, 4, &n) || n > (uint64_t)(end - p) / 2) {
		result_free(r);
		return -EBADMSG;
	}
	r->deps = calloc((size_t)n + 1, sizeof(char *));
	if (!r->deps) {
		result_free(r);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (!take_le(&p, end, 2, &len) || (uint64_t)(end - p) < len ||
		    !(r->deps[i] = strndup((const char *)p, (size_t)len))) {
			result_free(r);
			return -EBADMSG;
		}
		p += len;
		r->n_deps++;
	}
	if (!take_le(&p, end, 4, &v) || (r->source_index = (size_t)v, false) ||
	    !take_le(&p, end, 8, &v) || p != end || !r->have[ROLE_OBJECT]) {
		result_free(r);
		return -EBADMSG;
	}
	r->duration_ms = (int64_t)v;
	return 0;
}

int cache_result_artifacts(const void *blob, size_t len, struct digest *out, size_t *n)
{
	struct buf b = {(uint8_t *)blob, len, len};
	struct result r;
	int ret = result_decode(&b, &r);

	*n = 0;
	if (ret < 0)
		return ret;
	for (int k = 0; k < ROLE_COUNT; k++)
		if (r.have[k])
			out[(*n)++] = r.out_digest[k];
	result_free(&r);
	return 0;
}

static int put_le(struct buf *b, uint64_t v, size_t n)
{
	uint8_t x[8];

	for (size_t i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	return buf_append(b, x, n);
}

static int result_encode(const struct result *r, const void *out, size_t out_len, const void *err,
                         size_t err_len, char *const *deps, size_t n_deps, struct buf *b)
{
	uint8_t n = 0;
	int ret;

	for (int k = 0; k < ROLE_COUNT; k++)
		n += r->have[k];
	ret = buf_append(b, result_magic, 4);
	if (ret == 0)
		ret = put_le(b, n, 1);
	for (int k = 0; k < ROLE_COUNT && ret == 0; k++) {
		if (!r->have[k])
			continue;
		ret = put_le(b, (uint64_t)k, 1);
		if (ret == 0)
			ret = buf_append(b, r->out_digest[k].bytes, 16);
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

static const char *role_path(const struct compile_args *a, enum output_role role)
{
	switch (role) {
	case ROLE_OBJECT:
		return a->output;
	case ROLE_DWO:
		return a->dwo;
	case ROLE_GCNO:
		return a->gcno;
	case ROLE_SU:
		return a->stack_usage;
	default:
		return NULL;
	}
}

/* ---- depfiles ----------------------------------------------------------- */

static enum depfile_style style_of(const struct compile_args *a)
{
	return family_of(a->family)->depfile_style;
}

static enum compiler_lang lang_of(const struct compile_args *a)
{
	return strstr(a->language ? a->language : "", "c++") ? COMPILER_LANG_CXX : COMPILER_LANG_C;
}

/*
 * -MMD leaves out what the compiler calls system headers: decided by the
 * route each file was found by (sysheaders), and by folder where no route
 * is known. deps is the full -MD list of the compile; search its include
 * search (NULL: by folder alone).
 */
static int filter_mmd(struct cache *c, const struct compile_args *a, const struct compiler_info *ci,
                      const struct incpath *search, const char *cwd, struct depfile *deps)
{
	const char *sys[256], *user[256];
	struct depfile_search s = {.system_dirs = sys, .user_dirs = user};
	enum compiler_lang l = lang_of(a);
	signed char *verdict = NULL;
	size_t pos = 0;
	int r;

	for (size_t i = 0; i < ci->n_sysdirs[l] && s.n_system < 256; i++)
		sys[s.n_system++] = ci->sysdirs[l][i];
	for (int kind = 0; kind < INCLUDE_KIND_COUNT; kind++) {
		for (size_t i = 0; i < a->n_include[kind]; i++, pos++) {
			const char *d = a->include_search[pos];

			if ((kind == INCLUDE_SYSTEM || kind == INCLUDE_AFTER) && s.n_system < 256)
				sys[s.n_system++] = d;
			else if (s.n_user < 256)
				user[s.n_user++] = d;
		}
	}
	s.forced = (const char *const *)a->forced_includes;
	s.n_forced = a->n_forced_includes;
	if (search) {
		verdict = malloc(deps->n_prereqs + 1);
		if (!verdict)
			return -ENOMEM;
		r = sysheaders_classify(deps, search, a->forced_includes, a->n_forced_includes,
		                        c->hc, cwd, verdict);
		if (r < 0) {
			free(verdict);
			return r;
		}
		s.verdict = verdict;
	}
	r = depfile_filter_system(deps, &s);
	free(verdict);
	return r;
}

/* Render the depfile this command asked for from a list that is already
 * the one it wants (filtered for -MMD when stored). */
static int render_depfile(const struct compile_args *a, struct depfile *deps, struct buf *out)
{
	struct depfile_render_opts o = {
	        .style = style_of(a),
	        .targets = (const char *const *)a->dep_targets,
	        .n_targets = a->n_dep_targets,
	        .target_quoted = a->dep_target_quoted,
	        .phony = a->depfile_phony,
	};

	return depfile_render(deps, &o, out);
}

/*
 * Open path for writing from the start, as the compiler would: an existing
 * file is truncated in place, keeping its inode and mode, unless it has
 * other hard links: those must keep their bytes (the assembler unlinks and
 * creates anew), so the name gets a new file. Anything but a regular file
 * (a FIFO, a device behind a symlink) is left to the compiler: opened
 * without blocking, never as a controlling tty. *created: a new file.
 */
static bool is_symlink(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static int open_output(const char *path, mode_t mode, bool through_links, bool *created)
{
	struct stat st;
	int r;

	/* Three tries: the name may vanish or be unlinked between the opens. */
	for (int tries = 0; tries < 3; tries++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

		*created = fd >= 0;
		if (fd < 0 && errno == EEXIST)
			fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		/* A dangling symlink (it exists, yet opening it finds nothing): the
		 * compiler creates the file it names, and so do we; clang's objects
		 * replace the link instead (replace_linked_object ran first). */
		if (fd < 0 && errno == ENOENT && is_symlink(path)) {
			fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
			          mode);
			*created = fd >= 0;
		}
		if (fd < 0) {
			if (errno == ENOENT && tries < 2)
				continue;
			return -errno;
		}
		if (*created)
			return fd;
		if (fstat(fd, &st) < 0) {
			r = -errno;
		} else if (!S_ISREG(st.st_mode)) {
			r = -EINVAL;
		} else if (st.st_nlink > 1 && !through_links) {
			close(fd);
			if (unlink(path) < 0 && errno != ENOENT)
				return -errno;
			continue;
		} else if (ftruncate(fd, 0) == 0) {
			return fd;
		} else {
			r = -errno;
		}
		close(fd);
		return r;
	}
	return -EAGAIN;
}

/*
 * Write bytes to path the way a compiler does (see open_output). No tmp
 * and rename: on ext4 the inode churn of that cost more than the rest of a
 * hit. A write that fails removes the partial file; if the server dies
 * mid-write, the launcher falls back to the compiler, which rewrites it.
 */
/* through_links: the compiler writes this file with fopen() (depfiles,
 * .su, .gcno): other hard links see the new bytes. The object and .dwo
 * come from tools that make a new file. */
static int write_output(const char *path, const void *p, size_t n, mode_t mode, bool through_links)
{
	bool created;
	int fd = open_output(path, mode, through_links, &created), r = 0;

	if (fd < 0)
		return fd;
	/* The server runs with umask 077: a new file gets the build's mode,
	 * 0666 less its umask, as from the compiler, not ours. */
	if (created && fchmod(fd, mode) < 0)
		r = -errno;
	for (size_t off = 0; off < n && r == 0;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);

		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0)
			off += (size_t)w;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlink(path);
	return r;
}

/*
 * A hit's output could not be written where the command wants it (a full or
 * read-only build tree, a missing folder): the cached bytes are sound, so the
 * entry stays; the compiler then runs and meets the same trouble itself.
 */
static void output_failed(struct cache *c, int r, const char *path, bool *dest_failed)
{
	stat_add(c, "error.output_write", 1);
	log_errno(LOG_LEVEL_WARNING, r, "cannot write %s from the cache", path);
	*dest_failed = true;
}

/*
 * Compilers do not write an object in place: as (BFD) unlinks a regular file
 * or a symlink to one before creating it (a dangling symlink is followed),
 * clang renames a new file over the path. Either way a symlink there is
 * replaced and the file it names is left as it was; a hit must do the same,
 * or it would write through the link to a file that is not an output.
 * Depfiles, .su and .gcno are written in place through symlinks by both, as
 * write_output does. A regular file of another mode is replaced too, since
 * the compiler's new file gets the umask's mode. (Hard links: open_output.)
 */
static void replace_linked_object(const char *path, enum compiler_family family, mode_t mode)
{
	struct stat lst, st;

	if (lstat(path, &lst) < 0)
		return;
	if (S_ISLNK(lst.st_mode)) {
		if (family_of(family)->object_renamed ||
		    (stat(path, &st) == 0 && S_ISREG(st.st_mode)))
			unlink(path);
	} else if (S_ISREG(lst.st_mode) && (lst.st_mode & 07777) != (mode & 07777)) {
		unlink(path);
	}
}

/* ---- lookup ------------------------------------------------------------- */

static const char *cpu_description(struct cache *c)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	struct buf b = BUF_INIT;

	if (c->cpu)
		return c->cpu;
	f = fopen("/proc/cpuinfo", "re");
	while (f && getline(&line, &cap, f) > 0) {
		/* The first processor's model and flags are what -march=native reads. */
		if (strncmp(line, "model name", 10) == 0 || strncmp(line, "flags", 5) == 0 ||
		    strncmp(line, "vendor_id", 9) == 0 || strncmp(line, "cpu family", 10) == 0 ||
		    strncmp(line, "model\t", 6) == 0)
			buf_append(&b, line, strlen(line));
		if (line[0] == '\n')
			break;
	}
	free(line);
	if (f)
		fclose(f);
	buf_terminate(&b);
	c->cpu = b.data ? (char *)b.data : strdup("unknown");
	return c->cpu;
}

static bool color_wanted(const struct compile_args *a, const struct cache_request *req)
{
	const char *term = req->getenv(req->env_ctx, "TERM");

	if (a->color != COLOR_AUTO)
		return a->color == COLOR_ALWAYS;
	if (!req->stderr_tty || !term || strcmp(term, "dumb") == 0)
		return false;
	/* An empty colour variable (GCC_COLORS=) turns colour off. */
	if (family_of(a->family)->color_env) {
		const char *gc = req->getenv(req->env_ctx, family_of(a->family)->color_env);

		if (gc && !*gc)
			return false;
	}
	return true;
}

static bool preprocessed_language(const char *lang)
{
	return lang && strcmp(lang, "assembler") != 0 && !strstr(lang, "cpp-output");
}

/* The argv to run on a miss: the expanded command, adjusted so the compile
 * itself tells us its include closure and prints what the user would see. */
/* Does the command already ask the assembler for its dependency file? Then
 * it is the build's, not ours to add. */
static bool asks_assembler_deps(const struct compile_args *a)
{
	for (size_t i = 1; i < a->argc; i++)
		if ((strncmp(a->argv[i], "-Wa,", 4) == 0 && strstr(a->argv[i], "--MD")) ||
		    (strcmp(a->argv[i], "-Xassembler") == 0 && i + 1 < a->argc &&
		     strncmp(a->argv[i + 1], "--MD", 4) == 0))
			return true;
	return false;
}

/*
 * An assembler that names every file it read (.incbin, .include, however
 * they were spelled) in its own dependency file (GNU as, run by gcc for an
 * object) is asked to. One that cannot say (clang's integrated assembler):
 * there a file that may use them is not cached.
 */
static bool assembler_reports(const struct compile_args *a)
{
	return family_of(a->family)->assembler_depfile && a->output_kind == OUTPUT_OBJECT &&
	       !asks_assembler_deps(a);
}

/* Files the assembler may read that nobody will report make it uncacheable. */
static bool unreported_asm_includes(const struct compile_args *a, const struct file_digest *fd)
{
	if (assembler_reports(a))
		return false;
	/* A family whose assembler can report reads only what the scanner
	 * calls .incbin/.include; another may read more (asm_includes_maybe). */
	return family_of(a->family)->assembler_depfile ? fd->asm_includes : fd->asm_includes_maybe;
}

/* The command to run for a miss: argv (the command, or its private-output
 * form) with what the cache adds. */
static int build_run_argv(const struct compile_args *a, char *const *argv, size_t argc,
                          const char *tmp_depfile, const char *as_depfile, bool color, char ***out)
{
	char **v = calloc(argc + 7, sizeof(char *));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < argc; i++) {
		const char *arg = argv[i];

		/* -MMD runs as -MD: the cache needs system headers; the user's
		 * file is filtered back when the result is stored. */
		if (a->depfile_mmd && strcmp(arg, "-MMD") == 0)
			arg = "-MD";
		if (a->depfile_mmd && strncmp(arg, "-Wp,-MMD,", 9) == 0) {
			if (asprintf(&v[n++], "-Wp,-MD,%s", arg + 9) < 0)
				goto nomem;
			continue;
		}
		v[n] = strdup(arg);
		if (!v[n++])
			goto nomem;
	}
	if (tmp_depfile) {
		if (!(v[n++] = strdup("-MD")) || !(v[n++] = strdup("-MF")) ||
		    !(v[n++] = strdup(tmp_depfile)))
			goto nomem;
	}
	if (as_depfile && asprintf(&v[n++], "-Wa,--MD,%s", as_depfile) < 0)
		goto nomem;
	if (color && a->color == COLOR_AUTO && !a->records_command_line) {
		v[n] = strdup(family_of(a->family)->color_always_arg);
		if (!v[n++])
			goto nomem;
	}
	*out = v;
	return 0;
nomem:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

/* A reason's stats name, from its row in reasons.h (a typo fails to build). */
#define REASON(id) cache_reason_name(CACHE_REASON_##id)

static void set_run(struct cache_decision *d, const char *reason)
{
	d->action = CACHE_RUN;
	snprintf(d->reason, sizeof(d->reason), "%s", reason);
}

/* Drop a result that cannot be served (missing or damaged artifact). */
static void forget_result(struct cache *c, const struct digest *rk)
{
	index_del(c->index, INDEX_RESULTS, rk);
}

/*
 * Put every output of result r in place for args a. 0, or -errno (a miss);
 * *dest_failed tells a failed write at the destination from a bad artifact,
 * and *damaged an artifact that is missing or bad (the result must go) from
 * one that could not be read now (out of descriptors or memory: it stays).
 * Each artifact is verified in memory before a byte of it is written.
 */
static int materialize(struct cache *c, const struct compile_args *a, const char *cwd,
                       const struct compiler_info *ci, struct result *r, mode_t mode,
                       bool *dest_failed, bool *damaged)
{
	struct buf text[ROLE_COUNT] = {BUF_INIT}, deptext = BUF_INIT;
	struct depfile deps = {0};
	char *path;
	int ret = 0;

	*dest_failed = false;
	/* Every artifact read and verified before anything is written. */
	for (int k = 0; k < ROLE_COUNT && ret == 0; k++) {
		if (!r->have[k] || !role_path(a, (enum output_role)k))
			continue;
		ret = store_get_mem(c->store, &r->out_digest[k], &text[k]);
		if (ret < 0) {
			*damaged = ret == -ENOENT || ret == -EBADMSG;
			stat_add(c,
			         ret == -EBADMSG  ? "error.checksum"
			         : ret == -ENOENT ? "error.missing_file"
			                          : "error.store_read",
			         1);
			log_errno(LOG_LEVEL_WARNING, ret, "cannot restore %s of a cached result",
			          role_names[k]);
		}
	}
	/*
	 * In the order the compiler finishes them: the depfile, then what cc1
	 * writes, the object last. An output that cannot be written (its
	 * folder is missing) stops the hit where the compiler would stop, so
	 * the compile that follows fails on the same files.
	 */
	if (ret == 0 && a->depfile_wanted) {
		deps.prereqs = calloc(r->n_deps + 1, sizeof(char *));
		ret = deps.prereqs ? 0 : -ENOMEM;
		for (size_t i = 0; ret == 0 && i < r->n_deps; i++)
			if ((deps.prereqs[deps.n_prereqs] = strdup(r->deps[i])))
				deps.n_prereqs++;
		deps.source_index = r->source_index;
		if (ret == 0)
			ret = render_depfile(a, &deps, &deptext);
		if (ret == 0) {
			path = abs_join(cwd, a->depfile);
			ret = path ? write_output(path, deptext.data, deptext.len, mode, true)
			           : -ENOMEM;
			if (ret < 0 && path)
				output_failed(c, ret, path, dest_failed);
			free(path);
		}
	}
	for (int k = ROLE_COUNT - 1; k >= 0 && ret == 0; k--) {
		if (!r->have[k] || !role_path(a, (enum output_role)k))
			continue;
		path = abs_join(cwd, role_path(a, (enum output_role)k));
		if (!path) {
			ret = -ENOMEM;
			break;
		}
		if (k == ROLE_OBJECT || k == ROLE_DWO)
			replace_linked_object(path, a->family, mode);
		ret = write_output(path, text[k].data, text[k].len, mode,
		                   k != ROLE_OBJECT && k != ROLE_DWO);
		if (ret < 0)
			output_failed(c, ret, path, dest_failed);
		free(path);
	}
	for (int k = 0; k < ROLE_COUNT; k++)
		buf_free(&text[k]);
	buf_free(&deptext);
	depfile_free(&deps);
	return ret;
}

/*
 * The result an entry of key's manifest names that still matches, from the
 * memo (decoding the index's manifest into it first when needed). 0, or
 * -ENOENT with d->explain saying why.
 */
static int find_result(struct cache *c, const struct cache_request *req,
                       const struct compile_args *a, const struct digest *key,
                       struct cache_decision *d, struct digest *result)
{
	struct manifest decoded = {0}, *m = manifest_memo_get(c->memo, key);
	const char *changed = NULL;
	struct buf blob = BUF_INIT;
	int idx, ret;

	if (!m) {
		ret = index_get(c->index, INDEX_MANIFESTS, key, &blob);
		if (ret < 0) {
			snprintf(d->explain, sizeof(d->explain),
			         "no entry for this command and source");
			buf_free(&blob);
			return ret;
		}
		ret = manifest_decode(blob.data, blob.len, &decoded);
		if (ret < 0) {
			stat_add(c, "error.index", 1);
			index_del(c->index, INDEX_MANIFESTS, key);
			buf_free(&blob);
			return ret;
		}
		manifest_memo_put(c->memo, key, &decoded, blob.len);
		buf_free(&blob);
		m = manifest_memo_get(c->memo, key);
		if (!m) /* too big to keep: the put freed it */
			return -ENOMEM;
	}
	idx = manifest_match(m, c->hc, c->dc, req->cwd, a->source, &changed);
	if (idx < 0) {
		snprintf(d->explain, sizeof(d->explain), "%s changed",
		         changed ? changed : "a header");
		return -ENOENT;
	}
	*result = m->entries[idx].result;
	return 0;
}

static int try_hit(struct cache *c, const struct cache_request *req, const struct compile_args *a,
                   const struct compiler_info *ci, const struct digest *key,
                   struct cache_decision *d)
{
	struct buf blob = BUF_INIT;
	struct digest rk;
	struct result r;
	bool dest_failed = false, damaged = false;
	int ret;

	ret = find_result(c, req, a, key, d, &rk);
	if (ret < 0)
		return ret;
	ret = index_get(c->index, INDEX_RESULTS, &rk, &blob);
	if (ret == 0) {
		ret = result_decode(&blob, &r);
		damaged = ret == -EBADMSG;
	} else
		memset(&r, 0, sizeof(r));
	if (ret == 0)
		ret = materialize(c, a, req->cwd, ci, &r, 0666 & ~req->umask, &dest_failed,
		                  &damaged);
	if (ret < 0 && dest_failed) {
		snprintf(d->explain, sizeof(d->explain), "cannot write the outputs: %s",
		         strerror(-ret));
	} else if (ret < 0) {
		if (ret != -ENOENT || !damaged)
			snprintf(d->explain, sizeof(d->explain), "cached result unusable: %s",
			         strerror(-ret));
		/* Only a result that can never be served again goes: a hit that
		 * failed for want of a descriptor used to drop its result. */
		if (damaged)
			forget_result(c, &rk);
	} else {
		d->action = CACHE_HIT;
		d->exit_code = 0;
		if (buf_append(&d->out, r.out.data, r.out.len) < 0 ||
		    buf_append(&d->err, r.err.data, r.err.len) < 0)
			ret = -ENOMEM;
		else {
			index_touch(c->index, INDEX_RESULTS, &rk, time(NULL));
			index_touch(c->index, INDEX_MANIFESTS, key, time(NULL));
			stat_add(c, "direct_hit", 1);
			stat_add(c, "time_saved_ms",
			         (uint64_t)(r.duration_ms > 0 ? r.duration_ms : 0));
		}
	}
	result_free(&r);
	buf_free(&blob);
	return ret;
}

static const char *req_env(const struct cache_request *req, const char *name)
{
	return req->getenv(req->env_ctx, name);
}

/* Variables that change only what a terminal gets: the key holds them when
 * stderr is one (off a terminal, every compiler prints plain text). */
static bool terminal_only(const char *name)
{
	return strcmp(name, "TERM") == 0 || strcmp(name, "COLORTERM") == 0;
}

/*
 * Variables that make the driver print or write more than the compile's
 * output (clang's header, option and diagnostics logs, gcc's compare-debug
 * run): a hit would not print or write it.
 */
static bool driver_debug_env(const struct cache_request *req)
{
	for (size_t i = 0; i < key_n_driver_debug_env; i++)
		if (req_env(req, key_driver_debug_env[i]))
			return true;
	return false;
}

/* A variable that makes this family's driver write or read more than the
 * compile (family.h): its name goes to d->explain. */
static bool family_uncacheable_env(const struct family *fam, const struct cache_request *req,
                                   struct cache_decision *d)
{
	for (size_t i = 0; fam->uncacheable_env && fam->uncacheable_env[i]; i++) {
		if (req_env(req, fam->uncacheable_env[i])) {
			snprintf(d->explain, sizeof(d->explain), "%s is set",
			         fam->uncacheable_env[i]);
			return true;
		}
	}
	return false;
}

/*
 * /proc/self/cwd, /proc/<pid>/..., /dev/fd/N name one thing in the
 * compiler and another in the server, which checks the files: a compile
 * that names one (as a source, search folder, -include or in the include
 * path variables) is not cached; check_closure does the same for the files
 * it read.
 */
static bool is_process_path(const char *p)
{
	return p && (strncmp(p, "/proc/", 6) == 0 || strncmp(p, "/dev/fd/", 8) == 0 ||
	             strstr(p, ":/proc/") || strstr(p, ":/dev/fd/"));
}

static bool names_process_path(const struct compile_args *a, const struct cache_request *req)
{
	static const char *const vars[] = {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
	                                   "OBJC_INCLUDE_PATH", "OBJCPLUS_INCLUDE_PATH"};

	if (is_process_path(a->source))
		return true;
	for (size_t i = 0; i < a->n_include_search; i++)
		if (is_process_path(a->include_search[i]))
			return true;
	for (size_t i = 0; i < a->n_forced_includes; i++)
		if (is_process_path(a->forced_includes[i]))
			return true;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (is_process_path(req_env(req, vars[i])))
			return true;
	return false;
}

/* A time macro named on the command line (-DBUILT=__TIME__, in an @file
 * too: argv has them expanded). */
static bool args_name_time_macros(const struct compile_args *a)
{
	for (size_t i = 1; i < a->argc; i++)
		if (strstr(a->argv[i], "__DATE__") || strstr(a->argv[i], "__TIME__") ||
		    strstr(a->argv[i], "__TIMESTAMP__"))
			return true;
	return false;
}

/* SOURCE_DATE_EPOCH pins __DATE__/__TIME__ from a version on (family.h). */
static bool epoch_pins(const struct cache_request *req, const struct compiler_info *ci)
{
	int major = ci->version ? atoi(ci->version) : 0;

	if (!req_env(req, "SOURCE_DATE_EPOCH"))
		return false;
	return major >= family_of(ci->family)->epoch_major;
}

int cache_lookup(struct cache *c, const struct cache_request *req, struct cache_decision *d)
{
	const char *env[32], *fenv[FAMILY_ENV_MAX] = {NULL};
	const struct family *fam;
	struct key_extra_input extra[64];
	struct file_digest src;
	const struct compiler_info *ci;
	struct compile_args a = {0};
	struct pending *p = NULL;
	struct incpath search = {0};
	struct digest programs;
	struct key_inputs ki;
	char *srcpath;
	bool color;
	int r;

	memset(d, 0, sizeof(*d));
	r = args_classify_as(req->compiler, req->argc, req->argv, req->cwd, &a);
	if (r < 0) {
		compile_args_free(&a);
		set_run(d, REASON(ERROR));
		return r;
	}
	if (a.reason != UNCACHEABLE_NONE) {
		set_run(d, uncacheable_reason_name(a.reason));
		snprintf(d->explain, sizeof(d->explain), "%s%s%s",
		         uncacheable_reason_name(a.reason), a.reason_arg ? ": " : "",
		         a.reason_arg ? a.reason_arg : "");
		stat_uncacheable(c, d->reason);
		compile_args_free(&a);
		return 0;
	}
	if (names_process_path(&a, req)) {
		set_run(d, REASON(PROCESS_PATH));
		goto uncacheable;
	}
	if (driver_debug_env(req)) {
		set_run(d, REASON(DRIVER_DEBUG_ENV));
		goto uncacheable;
	}
	if (family_uncacheable_env(family_of(a.family), req, d)) {
		set_run(d, REASON(FAMILY_ENV));
		goto uncacheable;
	}
	if (req_env(req, "ZCCACHE_FSIZE_LIMIT")) {
		set_run(d, REASON(FILE_SIZE_LIMIT));
		goto uncacheable;
	}
	if (req_env(req, "DEPENDENCIES_OUTPUT") || req_env(req, "SUNPRO_DEPENDENCIES")) {
		set_run(d, REASON(DEPFILE_ENV));
		goto uncacheable;
	}
	r = compiler_identify(c->cc, req->compiler, &ci);
	if (r < 0) {
		set_run(d, REASON(UNKNOWN_COMPILER));
		goto uncacheable;
	}
	fam = family_of(a.family);
	srcpath = abs_join(req->cwd, a.source);
	r = srcpath ? hashcache_get(c->hc, srcpath, &src) : -ENOMEM;
	free(srcpath);
	if (r < 0) {
		set_run(d, REASON(SOURCE_UNREADABLE));
		goto uncacheable;
	}
	/* A command line the object records must run exactly as given: the
	 * closure must then come from the build's own -MD file. */
	if (a.records_command_line &&
	    (a.depfile_mmd || (!a.depfile_wanted && preprocessed_language(a.language)))) {
		set_run(d, REASON(RECORDS_COMMAND_LINE));
		goto uncacheable;
	}
	if (src.timestamp_macro || (src.time_macros && !epoch_pins(req, ci)) ||
	    (src.paste_flags & (CSCAN_PASTE | CSCAN_TIME_PIECE)) ==
	            (CSCAN_PASTE | CSCAN_TIME_PIECE) ||
	    args_name_time_macros(&a)) {
		set_run(d, REASON(TIME_MACROS));
		goto uncacheable;
	}
	if (asks_assembler_deps(&a)) {
		/* The assembler writes a depfile of the build's: an output a hit
		 * would not put back. */
		set_run(d, REASON(EXTRA_OUTPUT));
		goto uncacheable;
	}
	if (unreported_asm_includes(&a, &src)) {
		set_run(d, REASON(ASSEMBLER_INCLUDE));
		goto uncacheable;
	}
	if (a.n_extra_inputs > sizeof(extra) / sizeof(extra[0])) {
		set_run(d, REASON(TOO_MANY_INPUTS));
		goto uncacheable;
	}
	for (size_t i = 0; i < a.n_extra_inputs; i++) {
		struct file_digest fd;
		char *ep = abs_join(req->cwd, a.extra_inputs[i]);

		extra[i].path = a.extra_inputs[i];
		extra[i].present = ep && hashcache_get(c->hc, ep, &fd) == 0;
		if (extra[i].present)
			extra[i].digest = fd.digest;
		free(ep);
	}
	/* One round of folder checks per lookup: the programs' PATH and the
	 * include search share it. */
	dircache_next_round(c->dc);
	r = programs_digest(c->cc, ci, &a, req->cwd, req->getenv, req->env_ctx, c->hc, c->dc,
	                    &programs);
	if (r < 0) {
		log_errno(LOG_LEVEL_INFO, r, "cannot name the programs %s runs", req->compiler);
		set_run(d, REASON(DRIVER_PROGRAM_UNKNOWN));
		goto uncacheable;
	}
	for (size_t i = 0; i < key_n_env_vars; i++)
		env[i] = terminal_only(key_env_vars[i]) && !req->stderr_tty
		                 ? NULL
		                 : req_env(req, key_env_vars[i]);
	for (size_t i = 0; fam->env_vars && fam->env_vars[i]; i++)
		fenv[i] = req_env(req, fam->env_vars[i]);
	color = color_wanted(&a, req);
	ki = (struct key_inputs){
	        .args = &a,
	        .compiler_id = &ci->id,
	        .source = &src.digest,
	        .cwd = req->cwd,
	        .env = env,
	        .family_env_names = fam->env_vars,
	        .family_env = fenv,
	        .color = color,
	        .cpu = a.march_native ? cpu_description(c) : NULL,
	        .extra = extra,
	        .n_extra = a.n_extra_inputs,
	        .programs = &programs,
	};
	key_direct(&ki, &d->key);

	if (try_hit(c, req, &a, ci, &d->key, d) == 0) {
		compile_args_free(&a);
		return 0;
	}
	d->action = CACHE_RUN_STORE;
	buf_free(&d->out);
	buf_free(&d->err);
	if (c->n_pending >= PENDING_MAX) {
		set_run(d, REASON(BUSY));
		compile_args_free(&a);
		return 0;
	}
	if (preprocessed_language(a.language)) {
		r = search_for_compile(c->cc, ci, &a, req->cwd, req->getenv, req->env_ctx, &search);
		if (r == -ENOMEM)
			goto nomem;
		if (r < 0) {
			log_errno(LOG_LEVEL_WARNING, r, "%s will not say where it finds headers",
			          req->compiler);
			set_run(d, REASON(INCLUDE_SEARCH_UNKNOWN));
			goto uncacheable;
		}
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		goto nomem;
	snprintf(p->token, sizeof(p->token), "%016llx%08lx", (unsigned long long)++c->token_seq,
	         (unsigned long)(now_ns() & 0xffffffff));
	if (!a.depfile_wanted && preprocessed_language(a.language) &&
	    asprintf(&p->tmp_depfile, "%s/%s.d", c->tmp_dir, p->token) < 0) {
		p->tmp_depfile = NULL;
		goto nomem;
	}
	if (assembler_reports(&a) &&
	    asprintf(&p->as_depfile, "%s/%s.as.d", c->tmp_dir, p->token) < 0) {
		p->as_depfile = NULL;
		goto nomem;
	}
	r = private_output_plan(&a, req->cwd, p->token, &p->priv);
	if (r < 0)
		goto nomem;
	if (r == 0 && (!(d->private_dir = strdup(p->priv.dir)) ||
	               !(d->private_object = strdup(p->priv.object)) ||
	               !(d->final_object = strdup(p->priv.final))))
		goto nomem;
	if (build_run_argv(&a, r == 0 ? p->priv.argv : a.argv, r == 0 ? p->priv.argc : a.argc,
	                   p->tmp_depfile, p->as_depfile, color, &d->run_argv) < 0)
		goto nomem;
	p->cwd = strdup(req->cwd);
	if (!p->cwd)
		goto nomem;
	p->key = d->key;
	p->args = a;
	p->ci = ci;
	p->started_ns = now_coarse_ns();
	p->source = src.digest;
	p->date_epoch = epoch_pins(req, ci);
	p->umask = req->umask;
	p->search = search;
	p->next = c->pending;
	c->pending = p;
	c->n_pending++;
	memcpy(d->token, p->token, sizeof(d->token));
	return 0;

uncacheable:
	stat_uncacheable(c, d->reason);
	compile_args_free(&a);
	incpath_free(&search);
	return 0;
nomem:
	incpath_free(&search);
	if (p) {
		free(p->tmp_depfile);
		free(p->as_depfile);
		free(p->cwd);
		private_output_free(&p->priv);
		free(p);
	}
	compile_args_free(&a);
	cache_decision_free(d);
	set_run(d, REASON(ERROR));
	return -ENOMEM;
}

void cache_decision_free(struct cache_decision *d)
{
	buf_free(&d->out);
	buf_free(&d->err);
	if (d->run_argv) {
		for (char **v = d->run_argv; *v; v++)
			free(*v);
		free(d->run_argv);
		d->run_argv = NULL;
	}
	free(d->private_dir);
	free(d->private_object);
	free(d->final_object);
	d->private_dir = d->private_object = d->final_object = NULL;
}

/* ---- store ------------------------------------------------------------- */

static struct pending *take_pending(struct cache *c, const char *token)
{
	for (struct pending **pp = &c->pending; *pp; pp = &(*pp)->next) {
		struct pending *p = *pp;

		if (strcmp(p->token, token) == 0) {
			*pp = p->next;
			c->n_pending--;
			return p;
		}
	}
	return NULL;
}

void cache_abandon(struct cache *c, const char *token)
{
	struct pending *p = take_pending(c, token);

	if (p)
		pending_free(p);
}

/* The whole of regular file fd, appended to b. 0 or -errno. */
static int read_fd_whole(int fd, struct buf *b)
{
	for (;;) {
		ssize_t n;

		if (buf_reserve(b, 65536) < 0)
			return -ENOMEM;
		n = read(fd, b->data + b->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		b->len += (size_t)n;
	}
}

/*
 * Read every output of p into memory (out[k], have[k]), before the reply: the
 * launcher then moves the object into place and the build goes on, and
 * whatever happens to the files afterwards is not this compile's. 0, or
 * -errno (-ENOENT: no object; -ESTALE: an object this compile did not write).
 */
static int read_outputs(struct pending *p, struct buf *out, bool *have)
{
	for (int k = 0; k < ROLE_COUNT; k++) {
		const char *rel = k == ROLE_OBJECT && p->priv.object
		                          ? p->priv.object
		                          : role_path(&p->args, (enum output_role)k);
		struct stat st;
		char *path;
		int fd, r;

		if (!rel)
			continue;
		path = abs_join(p->cwd, rel);
		/* O_NONBLOCK: an output named by a request may be a FIFO. */
		fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : -1;
		free(path);
		if (fd < 0) {
			/* The object must be there; extra outputs may legitimately not be. */
			if (k == ROLE_OBJECT)
				return -ENOENT;
			continue;
		}
		/* Not written by this compile: a stale file from an earlier build
		 * (a wrong output prediction) must never be stored. The margin
		 * allows filesystems that keep whole seconds. */
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec <
		            p->started_ns - 2000000000LL) {
			close(fd);
			if (k == ROLE_OBJECT)
				return -ESTALE;
			continue;
		}
		r = read_fd_whole(fd, &out[k]);
		close(fd);
		if (r < 0)
			return r;
		have[k] = true;
	}
	return 0;
}

/* Put the outputs read by read_outputs in the store. */
static int store_outputs(struct cache *c, const struct buf *out, const bool *have,
                         struct result *res, uint64_t *bytes)
{
	for (int k = 0; k < ROLE_COUNT; k++) {
		uint64_t stored;
		int r;

		if (!have[k])
			continue;
		r = store_put_mem(c->store, out[k].data, out[k].len, &res->out_digest[k], &stored);
		if (r < 0)
			return r;
		*bytes += stored;
		res->have[k] = true;
	}
	return 0;
}

/* Decide, file by file, whether the include closure can be trusted. */
static const char *check_closure(struct cache *c, struct pending *p, struct depfile *deps,
                                 struct manifest_entry *e)
{
	unsigned pasted = 0, pragmas = 0;

	e->files = calloc(deps->n_prereqs + 1, sizeof(*e->files));
	if (!e->files)
		return REASON(ERROR);
	for (size_t i = 0; i < deps->n_prereqs; i++) {
		struct file_digest fd;
		char *path = abs_join(p->cwd, deps->prereqs[i]);
		int r = path ? hashcache_get(c->hc, path, &fd) : -ENOMEM;

		free(path);
		if (is_process_path(deps->prereqs[i]))
			return REASON(PROCESS_PATH);
		if (r < 0)
			return REASON(MISSING_INCLUDE);
		/* Changed while the compiler ran: which version did it read? */
		if (fd.mtime_ns >= p->started_ns || fd.ctime_ns >= p->started_ns)
			return REASON(MODIFIED_DURING_COMPILE);
		if (fd.timestamp_macro || (fd.time_macros && !p->date_epoch))
			return REASON(TIME_MACROS);
		pasted |= fd.paste_flags;
		if (pasted == (CSCAN_PASTE | CSCAN_TIME_PIECE))
			return REASON(TIME_MACROS); /* __TIME__ may be pasted together */
		if (unreported_asm_includes(&p->args, &fd))
			return REASON(ASSEMBLER_INCLUDE);
		pragmas |= fd.include_flags;
		if ((fd.include_flags & CSCAN_PRAGMA_DEPENDENCY) ||
		    (pragmas & (CSCAN_PRAGMA_OPERATOR | CSCAN_DEPENDENCY_WORD)) ==
		            (CSCAN_PRAGMA_OPERATOR | CSCAN_DEPENDENCY_WORD))
			return REASON(PRAGMA_DEPENDENCY);
		if (fd.include_flags & CSCAN_PCH_PREPROCESS)
			return REASON(PCH);
		/* gcc quoted lines of a file #line names, read then: keep
		 * only compiles that printed nothing it could quote. */
		if ((fd.include_flags & CSCAN_LINE_FILE) && p->printed)
			return REASON(LINE_DIRECTIVE);
		if (i == deps->source_index) {
			if (!digest_equal(&fd.digest, &p->source))
				return REASON(MODIFIED_DURING_COMPILE);
			continue; /* the source is in the direct key already */
		}
		e->files[e->n_files].path = strdup(deps->prereqs[i]);
		if (!e->files[e->n_files].path)
			return REASON(ERROR);
		e->files[e->n_files].preprocessed = true;
		e->files[e->n_files++].digest = fd.digest;
	}
	return NULL;
}

/* A temporary file of gcc's (/tmp/ccXXXXXX.s), gone by now. */
static bool is_gcc_temp(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	return strncmp(base, "cc", 2) == 0 && len > 4 && strcmp(base + len - 2, ".s") == 0 &&
	       access(path, F_OK) < 0;
}

/* What the assembler read besides its input (.incbin data, .include files):
 * part of the closure, followed for content only. */
static const char *add_assembler_inputs(struct cache *c, struct pending *p,
                                        const struct depfile *deps, struct manifest_entry *e)
{
	struct depfile as = {0};
	const char *skip = NULL;
	struct manifest_file *grown;

	if (depfile_read(p->as_depfile, &as) < 0)
		return REASON(DEPFILE_UNREADABLE);
	grown = realloc(e->files, (e->n_files + as.n_prereqs + 1) * sizeof(*e->files));
	if (!grown) {
		depfile_free(&as);
		return REASON(ERROR);
	}
	e->files = grown;
	for (size_t i = 0; i < as.n_prereqs && !skip; i++) {
		const char *f = as.prereqs[i];
		struct file_digest fd;
		bool known =
		        deps->n_prereqs > 0 && strcmp(f, deps->prereqs[deps->source_index]) == 0;
		char *path;
		int r;

		for (size_t k = 0; k < e->n_files && !known; k++)
			known = strcmp(e->files[k].path, f) == 0;
		if (known || strcmp(f, p->args.source) == 0 || is_gcc_temp(f))
			continue;
		path = abs_join(p->cwd, f);
		r = path ? hashcache_get(c->hc, path, &fd) : -ENOMEM;
		free(path);
		/* GNU as also lists the name of the first .file directive (the
		 * source's base name, or a line marker's), which it never reads:
		 * a missing name without a folder is that. A missing .incbin
		 * file would have failed the assembly. */
		if (r == -ENOENT && !strchr(f, '/'))
			continue;
		if (r < 0)
			skip = REASON(MISSING_INCLUDE);
		else if (fd.mtime_ns >= p->started_ns || fd.ctime_ns >= p->started_ns)
			skip = REASON(MODIFIED_DURING_COMPILE);
		else if (!(e->files[e->n_files].path = strdup(f)))
			skip = REASON(ERROR);
		else {
			e->files[e->n_files].preprocessed = false;
			e->files[e->n_files++].digest = fd.digest;
		}
	}
	depfile_free(&as);
	return skip;
}

/* -MMD ran as -MD: put the depfile the user asked for in place. */
static int filter_user_mmd(struct cache *c, struct pending *p)
{
	struct depfile copy = {0};
	struct buf text = BUF_INIT;
	char *user;
	int r;

	if (!p->args.depfile_mmd)
		return 0;
	user = abs_join(p->cwd, p->args.depfile);
	r = user ? depfile_read(user, &copy) : -ENOMEM;
	if (r == 0)
		r = filter_mmd(c, &p->args, p->ci, &p->search, p->cwd, &copy);
	if (r == 0)
		r = render_depfile(&p->args, &copy, &text);
	if (r == 0)
		r = write_output(user, text.data, text.len, 0666 & ~p->umask, true);
	free(user);
	depfile_free(&copy);
	buf_free(&text);
	return r;
}

/* A store between its two halves (cache.h). */
struct cache_store_job {
	struct pending *p;
	struct depfile deps;
	struct buf outputs[ROLE_COUNT];
	bool have[ROLE_COUNT];
	struct buf out, err;
	int64_t duration_ms;
};

static void store_job_free(struct cache_store_job *j)
{
	if (!j)
		return;
	if (j->p)
		pending_free(j->p);
	depfile_free(&j->deps);
	for (int k = 0; k < ROLE_COUNT; k++)
		buf_free(&j->outputs[k]);
	buf_free(&j->out);
	buf_free(&j->err);
	free(j);
}

/* Count why a result was not stored; 1, as cache_store returns then. */
static int not_stored(struct cache *c, const char *skip, const char **why)
{
	if (strcmp(skip, "error") == 0)
		stat_add(c, "error.store", 1);
	else
		stat_uncacheable(c, skip);
	*why = skip;
	return 1;
}

/* The prerequisites the compile's depfile names (ours or the build's), with
 * the source located among them; for an unpreprocessed input, the source. */
static const char *read_closure(struct pending *p, struct depfile *deps)
{
	char *depfile_path;
	int r;

	if (!preprocessed_language(p->args.language)) {
		deps->prereqs = calloc(2, sizeof(char *));
		if (!deps->prereqs || !(deps->prereqs[0] = strdup(p->args.source)))
			return REASON(ERROR);
		deps->n_prereqs = 1;
		return NULL;
	}
	depfile_path = p->tmp_depfile ? strdup(p->tmp_depfile) : abs_join(p->cwd, p->args.depfile);
	r = depfile_path ? depfile_read(depfile_path, deps) : -ENOMEM;
	free(depfile_path);
	if (r < 0)
		return REASON(DEPFILE_UNREADABLE);
	/* The source is where the classifier says, whatever the depfile's order. */
	for (size_t i = 0; i < deps->n_prereqs; i++) {
		char *a1 = abs_join(p->cwd, deps->prereqs[i]),
		     *a2 = abs_join(p->cwd, p->args.source);
		char r1[PATH_MAX], r2[PATH_MAX];
		bool same = a1 && a2 && realpath(a1, r1) && realpath(a2, r2) && strcmp(r1, r2) == 0;

		free(a1);
		free(a2);
		if (same) {
			deps->source_index = i;
			break;
		}
	}
	return NULL;
}

int cache_store_begin(struct cache *c, const char *token, int exit_code, const void *out,
                      size_t out_len, const void *err, size_t err_len, int64_t duration_ms,
                      struct cache_store_job **job, const char **why)
{
	struct pending *p = take_pending(c, token);
	struct cache_store_job *j;
	const char *skip;
	int r;

	*why = NULL;
	*job = NULL;
	if (!p) {
		*why = REASON(UNKNOWN_TOKEN);
		return -ENOENT;
	}
	if (exit_code != 0) {
		filter_user_mmd(c, p); /* gcc and clang leave it behind on errors */
		stat_add(c, "compile_failed", 1);
		*why = REASON(COMPILE_FAILED);
		pending_free(p);
		return 1;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		pending_free(p);
		return not_stored(c, REASON(ERROR), why);
	}
	j->p = p;
	j->duration_ms = duration_ms;
	p->printed = err_len > 0;
	skip = read_closure(p, &j->deps);
	/* The user's -MMD file: the compile wrote -MD; filter it back now. */
	if (!skip && filter_user_mmd(c, p) < 0)
		skip = REASON(DEPFILE_UNREADABLE);
	if (!skip &&
	    (buf_append(&j->out, out, out_len) < 0 || buf_append(&j->err, err, err_len) < 0))
		skip = REASON(ERROR);
	if (!skip && (r = read_outputs(p, j->outputs, j->have)) < 0) {
		stat_add(c,
		         r == -ENOENT   ? "error.missing_file"
		         : r == -ESTALE ? "error.stale_output"
		                        : "error.store_write",
		         1);
		log_errno(LOG_LEVEL_WARNING, r, "cannot read the outputs of %s", p->args.source);
		skip = REASON(ERROR);
	}
	if (skip) {
		store_job_free(j);
		return not_stored(c, skip, why);
	}
	*job = j;
	return 0;
}

/* The closure checked and recorded with its include search: the manifest
 * entry, with e->result set. NULL, or why the result is not stored. */
static const char *record_entry(struct cache *c, struct pending *p, struct depfile *deps,
                                struct manifest_entry *e)
{
	char conflict[PATH_MAX];
	struct key_file *kf;
	const char *skip;
	int r;

	skip = check_closure(c, p, deps, e);
	if (!skip && p->as_depfile)
		skip = add_assembler_inputs(c, p, deps, e);
	if (skip)
		return skip;
	e->search = p->search;
	memset(&p->search, 0, sizeof(p->search));
	if (search_forced_names(&p->args, &e->forced, &e->forced_len) < 0)
		return REASON(ERROR);
	r = manifest_record_search(e, c->hc, c->dc, p->cwd, p->args.source, p->started_ns, conflict,
	                           sizeof(conflict));
	if (r == -EEXIST || r == -EXDEV || r == -EDOM) {
		log_info("not caching %s: %s %s", p->args.source, conflict,
		         r == -EEXIST  ? "appeared during the compile"
		         : r == -EXDEV ? "may be used for a header"
		                       : "is a copy of a #pragma once header");
		return r == -EEXIST  ? REASON(AMBIGUOUS_INCLUDE)
		       : r == -EXDEV ? REASON(PCH)
		                     : REASON(PRAGMA_ONCE_COPY);
	}
	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "cannot record the include search of %s",
		          p->args.source);
		return r == -ENOENT ? REASON(MODIFIED_DURING_COMPILE) : REASON(ERROR);
	}
	kf = calloc(e->n_files + 1, sizeof(*kf));
	if (!kf)
		return REASON(ERROR);
	for (size_t i = 0; i < e->n_files; i++)
		kf[i] = (struct key_file){e->files[i].path, e->files[i].digest};
	key_result(&p->key, kf, e->n_files, &e->result);
	free(kf);
	return NULL;
}

/* Result before manifest: the index never names a result it lacks. The memo
 * keeps what the index then holds. */
static int index_entry(struct cache *c, struct pending *p, struct manifest_entry *e,
                       const struct buf *result_blob, uint64_t bytes)
{
	struct manifest m = {0};
	struct buf blob = BUF_INIT;
	int r;

	r = index_put(c->index, INDEX_RESULTS, &e->result, result_blob->data, result_blob->len,
	              bytes + result_blob->len, time(NULL));
	if (r < 0)
		return r;
	if (index_get(c->index, INDEX_MANIFESTS, &p->key, &blob) == 0 &&
	    manifest_decode(blob.data, blob.len, &m) < 0)
		memset(&m, 0, sizeof(m));
	buf_reset(&blob);
	r = manifest_add(&m, e);
	if (r == 0)
		r = manifest_encode(&m, &blob);
	if (r == 0)
		r = index_put(c->index, INDEX_MANIFESTS, &p->key, blob.data, blob.len, blob.len,
		              time(NULL));
	if (r == 0)
		manifest_memo_put(c->memo, &p->key, &m, blob.len);
	else
		manifest_memo_drop(c->memo, &p->key);
	buf_free(&blob);
	manifest_free(&m);
	return r;
}

int cache_store_finish(struct cache *c, struct cache_store_job *j, const char **why)
{
	struct pending *p = j->p;
	struct manifest_entry e = {0};
	struct buf blob = BUF_INIT;
	char hex[DIGEST_HEX_LEN + 1];
	struct result res = {0};
	uint64_t bytes = 0;
	const char *skip;
	int r;

	*why = NULL;
	skip = record_entry(c, p, &j->deps, &e);
	if (!skip && (r = store_outputs(c, j->outputs, j->have, &res, &bytes)) < 0) {
		stat_add(c, no_space(r) ? "error.disk_full" : "error.store_write", 1);
		log_errno(LOG_LEVEL_WARNING, r, "cannot store the outputs of %s", p->args.source);
		skip = REASON(ERROR);
	}
	/* The result keeps the list this command's depfile shows. */
	if (!skip && p->args.depfile_mmd &&
	    filter_mmd(c, &p->args, p->ci, &e.search, p->cwd, &j->deps) < 0)
		skip = REASON(ERROR);
	res.source_index = j->deps.source_index;
	res.duration_ms = j->duration_ms;
	if (!skip && result_encode(&res, j->out.data, j->out.len, j->err.data, j->err.len,
	                           j->deps.prereqs, j->deps.n_prereqs, &blob) < 0)
		skip = REASON(ERROR);
	if (!skip && (r = index_entry(c, p, &e, &blob, bytes)) < 0) {
		stat_add(c, no_space(r) ? "error.disk_full" : "error.index", 1);
		log_errno(LOG_LEVEL_WARNING, r, "cannot index the result of %s", p->args.source);
		skip = REASON(ERROR);
	}
	if (!skip && c->observer) {
		struct digest arts[ROLE_COUNT];
		size_t n_arts = 0;

		for (int k = 0; k < ROLE_COUNT; k++)
			if (res.have[k])
				arts[n_arts++] = res.out_digest[k];
		c->observer(c->observer_ctx, &e.result, arts, n_arts);
	}
	if (!skip) {
		digest_to_hex(&e.result, hex);
		log_debug("stored %s as %s (%llu bytes)", p->args.source, hex,
		          (unsigned long long)bytes);
		stat_add(c, "depend_miss", 1);
		stat_add(c, "bytes_stored", bytes);
	}
	buf_free(&blob);
	manifest_entry_free(&e);
	store_job_free(j);
	return skip ? not_stored(c, skip, why) : 0;
}

int cache_store(struct cache *c, const char *token, int exit_code, const void *out, size_t out_len,
                const void *err, size_t err_len, int64_t duration_ms, const char **why)
{
	struct cache_store_job *job;
	int r = cache_store_begin(c, token, exit_code, out, out_len, err, err_len, duration_ms,
	                          &job, why);

	return r == 0 ? cache_store_finish(c, job, why) : r;
}

/* ---- maintenance -------------------------------------------------------- */

struct drop_ctx {
	struct cache *c;
	uint64_t dropped; /* results, for progress */
};

/* An evicted result takes its artifacts with it. Another result sharing an
 * artifact then misses (counted as a missing file) and is stored again. */
static int drop_entry(enum index_db db, const struct digest *key, const void *val, size_t len,
                      void *ctx)
{
	struct drop_ctx *dc = ctx;
	struct buf b = BUF_INIT;
	struct result r;

	if (dc->c->progress)
		dc->c->progress(dc->c->progress_ctx, ++dc->dropped);
	if (db == INDEX_MANIFESTS)
		manifest_memo_drop(dc->c->memo, key); /* the memo follows the index */
	if (db != INDEX_RESULTS)
		return 0;
	if (buf_append(&b, val, len) == 0 && result_decode(&b, &r) == 0) {
		for (int k = 0; k < ROLE_COUNT; k++)
			if (r.have[k])
				store_remove(dc->c->store, &r.out_digest[k], NULL);
		result_free(&r);
	}
	buf_free(&b);
	return 0;
}

int cache_trim(struct cache *c, uint64_t *evicted, uint64_t *freed)
{
	return cache_trim_to(c, c->max_size, NULL, evicted, freed);
}

/* Count evictions, and under "evictions.<why>" what caused them. */
static void count_evictions(struct cache *c, const char *why, uint64_t n)
{
	char name[64];

	if (!n)
		return;
	stat_add(c, "evictions", n);
	if (why) {
		snprintf(name, sizeof(name), "evictions.%s", why);
		stat_add(c, name, n);
	}
}

int cache_trim_to(struct cache *c, uint64_t budget, const char *why, uint64_t *evicted,
                  uint64_t *freed)
{
	struct drop_ctx dc = {c, 0};
	int r;

	*evicted = *freed = 0;
	r = index_evict_lru(c->index, budget, drop_entry, &dc, evicted, freed);
	if (r == 0)
		count_evictions(c, why, *evicted);
	return r;
}

int cache_expire(struct cache *c, time_t cutoff, uint64_t *evicted, uint64_t *freed)
{
	struct drop_ctx dc = {c, 0};
	int r;

	*evicted = *freed = 0;
	r = index_evict_older_than(c->index, cutoff, drop_entry, &dc, evicted, freed);
	if (r == 0)
		count_evictions(c, "max_age", *evicted);
	return r;
}

uint64_t cache_bytes(struct cache *c)
{
	return index_total_bytes(c->index);
}

void cache_set_progress(struct cache *c, void (*fn)(void *ctx, uint64_t done), void *ctx)
{
	c->progress = fn;
	c->progress_ctx = ctx;
}

int cache_flush(struct cache *c, time_t older_than, uint64_t *evicted, uint64_t *freed)
{
	struct drop_ctx dc = {c, 0};
	int r;

	manifest_memo_clear(c->memo); /* entries go under it */
	if (older_than < 0) {
		r = index_clear(c->index, drop_entry, &dc, evicted, freed);
		if (no_space(r)) {
			/* LMDB copies pages on write: on a full disk even a delete
			 * needs room. Removing the artifacts first makes it; an
			 * index naming them meanwhile only gives misses. */
			log_errno(LOG_LEVEL_WARNING, r, "flush: emptying the store first");
			wipe_store(c, NULL);
			r = index_clear(c->index, drop_entry, &dc, evicted, freed);
		}
		if (r == 0)
			wipe_store(c, NULL);
	} else
		r = index_evict_older_than(c->index, older_than, drop_entry, &dc, evicted, freed);
	hashcache_clear(c->hc);
	return r;
}

bool cache_over_limit(struct cache *c)
{
	return index_total_bytes(c->index) > c->max_size;
}

void cache_flush_batches(struct cache *c, bool sync)
{
	int r = sync ? index_flush(c->index) : index_write_batches(c->index);

	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "cannot write statistics and access times");
}

void cache_count(struct cache *c, const char *name, uint64_t n)
{
	stat_add(c, name, n);
}

static int add_stat(const char *name, uint64_t value, void *ctx)
{
	json_object_set_new(ctx, name, json_integer((json_int_t)value));
	return 0;
}

json_t *cache_stats_json(struct cache *c)
{
	json_t *o = json_object();

	index_flush(c->index);
	index_stats_get_all(c->index, add_stat, o);
	return o;
}

int cache_zero_stats(struct cache *c)
{
	return index_stats_zero(c->index);
}

void cache_get_info(struct cache *c, struct cache_info *out)
{
	uint64_t hits = 0, misses = 0;

	index_flush(c->index);
	index_stats_get(c->index, "direct_hit", &hits);
	index_stats_get(c->index, "depend_miss", &misses);
	out->entries = index_db_count(c->index, INDEX_RESULTS);
	out->bytes = index_total_bytes(c->index);
	out->max_size = c->max_size;
	out->hits = hits;
	out->misses = misses;
}

struct compiler_cache *cache_compilers(struct cache *c)
{
	return c->cc;
}

uint64_t cache_counter(struct cache *c, const char *name)
{
	uint64_t v = 0;

	return index_stats_get(c->index, name, &v) == 0 ? v : 0;
}
