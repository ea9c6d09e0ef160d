/*
 * index: the LMDB environment of the cache. Owns the database layout below,
 * map growth, batched stats and access times, and LRU accounting; the values
 * of manifests and results belong to their own modules.
 *
 *   meta       "format", "total_bytes", "entries" -> u64
 *   manifests  16-byte key -> blob || 8-byte tag
 *   results    16-byte key -> blob || 8-byte tag
 *   stats      name -> u64
 *   access     db(1) || key(16) -> atime i64 || accounted bytes u64
 *   atime      atime (8, big-endian, sign-flipped) || db(1) || key(16) -> bytes u64
 *
 * Integers are little-endian except the atime key, which must sort. The tag
 * is XXH3-64 of the blob seeded by db and key: LMDB has no checksums, and a
 * damaged or misplaced value must not become another key's hit.
 */
#include "index.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lmdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "le.h"
#include "log.h"
#include "paths.h"

#define DEFAULT_INITIAL_MAP (64ull << 20)
#if UINTPTR_MAX > 0xffffffffu
#define DEFAULT_MAX_MAP (16ull << 30)
#else
#define DEFAULT_MAX_MAP (1ull << 30)
#endif
#define TAG_LEN        8
#define ACCESS_KEY_LEN 17
#define ATIME_KEY_LEN  25
#define STAT_NAME_MAX  64
/* Distinct keys touched before index_touch flushes on its own. */
#define TOUCH_MAX 65536
/* Entries removed per eviction txn: bounds dirty pages and drop() batches. */
#define EVICT_CHUNK 4096
/* Seconds the deep check may take before the file is declared damaged. */
#define DEEP_CHECK_TIMEOUT 60
/* Opens in a row without a clean close before the index is refused. */
#define STATE_FILE "state"
/* One byte, mapped shared: 1 while a write txn is in progress. */
#define WRITING_FILE  "writing"
#define UNCLEAN_LIMIT INDEX_UNCLEAN_LIMIT
/* Commits after which an open counts as healthy: see run_write_limit. */
#define HEALTHY_COMMITS 4

struct touch {
	uint8_t key[ACCESS_KEY_LEN];
	bool used;
	int64_t atime;
};

struct stat_delta {
	char name[STAT_NAME_MAX + 1];
	uint64_t delta;
};

struct index {
	char *state_path, *data_path;
	MDB_env *env;
	MDB_dbi meta, manifests, results, stats, access, atime;
	uint64_t map_bytes, max_map_bytes;
	uint64_t total_bytes, entries;
	/* A reset read txn kept for reuse, so that a lookup costs no syscall. */
	_Atomic(MDB_txn *) spare;
	/* Readers hold it shared; map growth (which remaps) holds it exclusive. */
	pthread_rwlock_t map_lock;
	struct touch *touches; /* open addressing, power-of-two capacity */
	size_t touch_cap, touch_count;
	struct stat_delta *deltas;
	size_t ndeltas, delta_cap;
	unsigned unclean;          /* opens in a row without a clean close, this one included */
	volatile uint8_t *writing; /* mapped WRITING_FILE, or NULL */
	unsigned commits;          /* successful write txns since open, up to HEALTHY_COMMITS */
	bool unsynced;             /* commits since the last mdb_env_sync */
};

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Flip the sign bit so that negative times (never expected) still sort. */
static uint64_t atime_to_key(int64_t t)
{
	return (uint64_t)t ^ (1ull << 63);
}

static int64_t atime_from_key(uint64_t k)
{
	return (int64_t)(k ^ (1ull << 63));
}

static int map_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return -ENOENT;
	case MDB_KEYEXIST:
		return -EEXIST;
	case MDB_MAP_FULL:
		return -ENOSPC;
	case MDB_READERS_FULL:
	case MDB_MAP_RESIZED:
		return -EAGAIN;
	case MDB_TXN_FULL:
	case MDB_CURSOR_FULL:
	case MDB_PAGE_FULL:
		return -E2BIG;
	case MDB_DBS_FULL:
	case MDB_TLS_FULL:
		return -ENFILE;
	case MDB_BAD_VALSIZE:
	case MDB_BAD_DBI:
	case MDB_BAD_TXN:
	case MDB_BAD_RSLOT:
		return -EINVAL;
	case MDB_PAGE_NOTFOUND:
	case MDB_CORRUPTED:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
	case MDB_INCOMPATIBLE:
		return -EBADMSG;
	case MDB_PANIC:
		return -EIO;
	default:
		/* LMDB passes system errors through as positive errnos; our own
		 * callbacks return negative errnos. */
		return rc > 0 ? -rc : rc;
	}
}

static bool is_corrupt(int rc)
{
	return rc == MDB_PAGE_NOTFOUND || rc == MDB_CORRUPTED || rc == MDB_INVALID ||
	       rc == MDB_VERSION_MISMATCH || rc == MDB_INCOMPATIBLE || rc == MDB_CURSOR_FULL;
}

static MDB_dbi dbi_of(const struct index *idx, enum index_db db)
{
	return db == INDEX_MANIFESTS ? idx->manifests : idx->results;
}

static bool db_valid(enum index_db db)
{
	return db == INDEX_MANIFESTS || db == INDEX_RESULTS;
}

static void access_key(uint8_t *out, enum index_db db, const struct digest *key)
{
	out[0] = (uint8_t)db;
	memcpy(out + 1, key->bytes, 16);
}

static void atime_key(uint8_t *out, int64_t atime, const uint8_t *akey)
{
	put_be64(out, atime_to_key(atime));
	memcpy(out + 8, akey, ACCESS_KEY_LEN);
}

static uint64_t value_tag(enum index_db db, const struct digest *key, const void *p, size_t n)
{
	uint64_t seed = le_get64(key->bytes) ^ le_get64(key->bytes + 8) ^ (uint64_t)db;

	return XXH3_64bits_withSeed(p, n, seed);
}

/* ---- transactions ---- */

static void drop_spare(struct index *idx)
{
	MDB_txn *t = atomic_exchange(&idx->spare, NULL);

	if (t)
		mdb_txn_abort(t);
}

static void refresh_map_bytes(struct index *idx)
{
	MDB_envinfo info;

	if (mdb_env_info(idx->env, &info) == 0)
		idx->map_bytes = info.me_mapsize;
}

/* Remapping while a reader uses the map would pull it from under them. */
static int set_mapsize(struct index *idx, uint64_t bytes)
{
	int rc;

	pthread_rwlock_wrlock(&idx->map_lock);
	drop_spare(idx);
	rc = mdb_env_set_mapsize(idx->env, (size_t)bytes);
	pthread_rwlock_unlock(&idx->map_lock);
	refresh_map_bytes(idx);
	return map_err(rc);
}

/*
 * Deleting needs free pages too (LMDB copies on write), so a map that puts
 * filled to max_map_bytes could not even be evicted from. Writes that only
 * remove or rewrite may therefore grow into a reserve above the limit.
 */
static uint64_t reserve_limit(const struct index *idx)
{
	uint64_t extra = idx->max_map_bytes / 4;

	return idx->max_map_bytes + (extra < (1u << 20) ? (1u << 20) : extra);
}

static int grow_map(struct index *idx, uint64_t limit)
{
	uint64_t want;
	int r;

	if (idx->map_bytes >= limit) {
		log_warnx("index: map is at its limit of %llu MiB",
		          (unsigned long long)(limit >> 20));
		return -ENOSPC;
	}
	want = idx->map_bytes * 2;
	want = (want + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
	if (want > limit)
		want = limit;
	r = set_mapsize(idx, want);
	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "index: grow map to %llu MiB",
		          (unsigned long long)(want >> 20));
		return r;
	}
	log_info("index: map grown to %llu MiB", (unsigned long long)(idx->map_bytes >> 20));
	return 0;
}

static void state_write(const char *state_path, const char *line);

/*
 * Damage that only a commit trips over shows up as a server dying inside a
 * write txn, again and again. A server that is merely killed (the OOM
 * killer, a user, a SIGKILL loop) looks the same from the state file, and
 * LMDB survives that intact. So a death only counts when it happened inside
 * a write txn (the WRITING_FILE byte, which outlives the process in the page
 * cache), and once this open has committed a few times the file is proven
 * writable and earlier deaths are forgiven: else ten kills in a row would
 * throw a sound cache away.
 */
static void note_healthy(struct index *idx)
{
	if (idx->unclean > 1)
		state_write(idx->state_path, "open 1\n");
	idx->unclean = 1;
}

typedef int (*write_fn)(struct index *idx, MDB_txn *txn, void *arg);

/*
 * LMDB reports a short write as EIO, and a short write is what a commit
 * meets on a full disk or at the file size limit (RLIMIT_FSIZE): name that
 * cause, so that a full disk is counted as one and not as a failing disk.
 */
static int short_write_cause(const struct index *idx)
{
	struct statvfs vfs;
	struct rlimit rl;
	struct stat st;

	if (statvfs(idx->data_path, &vfs) == 0 && vfs.f_bavail == 0)
		return ENOSPC;
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    stat(idx->data_path, &st) == 0 && (uint64_t)st.st_size >= (uint64_t)rl.rlim_cur)
		return EFBIG;
	return EIO;
}

/*
 * Run fn in a write txn and commit. fn returns an LMDB code or a negative
 * errno, and may run several times: on MDB_MAP_FULL the txn is aborted, the
 * map doubled and fn called again, so fn keeps its results in arg and resets
 * them on entry; in-memory state is only changed by the caller after success.
 */
static int run_write_limit(struct index *idx, write_fn fn, void *arg, uint64_t limit)
{
	for (int resized = 0;;) {
		MDB_txn *txn;
		int rc, r;

		if (idx->writing)
			*idx->writing = 1;
		rc = mdb_txn_begin(idx->env, NULL, 0, &txn);
		if (rc == 0) {
			rc = fn(idx, txn, arg);
			if (rc == 0) {
				rc = mdb_txn_commit(txn);
				idx->unsynced = idx->unsynced || rc == 0;
			} else {
				mdb_txn_abort(txn);
			}
			if (rc == EIO)
				rc = short_write_cause(idx);
		}
		if (idx->writing)
			*idx->writing = 0;
		if (rc == 0 && idx->commits < HEALTHY_COMMITS && ++idx->commits == HEALTHY_COMMITS)
			note_healthy(idx);
		if (rc == MDB_MAP_FULL) {
			r = grow_map(idx, limit);
			if (r < 0)
				return r;
			continue;
		}
		if (rc == MDB_MAP_RESIZED && resized++ < 4) {
			/* Another process grew it: adopt its size. */
			r = set_mapsize(idx, 0);
			if (r < 0)
				return r;
			continue;
		}
		if (rc > 0 || (rc >= MDB_KEYEXIST && rc <= MDB_LAST_ERRCODE && rc != MDB_NOTFOUND))
			log_warnx("index: write: %s", mdb_strerror(rc));
		return map_err(rc);
	}
}

/* For writes that add: bounded by max_map_bytes. */
static int run_write(struct index *idx, write_fn fn, void *arg)
{
	return run_write_limit(idx, fn, arg, idx->max_map_bytes);
}

/* For writes that remove or rewrite: may use the reserve. */
static int run_write_reserve(struct index *idx, write_fn fn, void *arg)
{
	return run_write_limit(idx, fn, arg, reserve_limit(idx));
}

static int rtxn_begin(struct index *idx, MDB_txn **out)
{
	MDB_txn *t;
	int rc = MDB_BAD_TXN;

	pthread_rwlock_rdlock(&idx->map_lock);
	t = atomic_exchange(&idx->spare, NULL);
	if (t) {
		rc = mdb_txn_renew(t);
		if (rc != 0) {
			mdb_txn_abort(t);
			t = NULL;
		}
	}
	if (!t)
		rc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &t);
	if (rc != 0) {
		pthread_rwlock_unlock(&idx->map_lock);
		return map_err(rc);
	}
	*out = t;
	return 0;
}

/* A read txn for a lookup in db (one of ours, or -EINVAL). */
static int db_rtxn_begin(struct index *idx, enum index_db db, MDB_txn **out)
{
	return db_valid(db) ? rtxn_begin(idx, out) : -EINVAL;
}

static void rtxn_end(struct index *idx, MDB_txn *t)
{
	MDB_txn *expected = NULL;

	mdb_txn_reset(t);
	if (!atomic_compare_exchange_strong(&idx->spare, &expected, t))
		mdb_txn_abort(t);
	pthread_rwlock_unlock(&idx->map_lock);
}

/* ---- small db helpers ---- */

static int get_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t *v)
{
	MDB_val k = {strlen(name), (void *)name}, d;
	int rc = mdb_get(txn, dbi, &k, &d);

	if (rc != 0)
		return rc;
	if (d.mv_size != 8)
		return MDB_CORRUPTED;
	*v = le_get64(d.mv_data);
	return 0;
}

static int put_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t v)
{
	uint8_t b[8];
	MDB_val k = {strlen(name), (void *)name}, d = {8, b};

	le_put64(b, v);
	return mdb_put(txn, dbi, &k, &d, 0);
}

static int put_totals(struct index *idx, MDB_txn *txn, uint64_t total, uint64_t entries)
{
	int rc = put_u64(txn, idx->meta, "total_bytes", total);

	return rc ? rc : put_u64(txn, idx->meta, "entries", entries);
}

/* ---- deep check ---- */

static volatile uint64_t deep_sink;

/* Read every entry; the count must match what the db record says. */
static int walk_db(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_cursor *c;
	MDB_stat st;
	MDB_val k, v;
	uint64_t sum = 0, n = 0;
	int rc = mdb_stat(txn, dbi, &st);

	if (rc == 0)
		rc = mdb_cursor_open(txn, dbi, &c);
	if (rc != 0)
		return rc;
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		n++;
		if ((k.mv_size && !k.mv_data) || (v.mv_size && !v.mv_data)) {
			rc = MDB_CORRUPTED;
			break;
		}
		/* Touch every byte so that a bad offset faults here, not later. */
		for (size_t i = 0; i < k.mv_size; i++)
			sum += ((const uint8_t *)k.mv_data)[i];
		for (size_t i = 0; i < v.mv_size; i++)
			sum += ((const uint8_t *)v.mv_data)[i];
	}
	mdb_cursor_close(c);
	deep_sink += sum;
	if (rc == MDB_NOTFOUND && n != st.ms_entries)
		return MDB_CORRUPTED;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* LMDB's own consistency asserts are a verdict too, and need not print. */
static void deep_check_assert(MDB_env *env, const char *msg)
{
	_exit(1);
}

/* Delete every entry of dbi in txn, which the caller aborts. */
static int delete_all(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, dbi, &c);

	if (rc != 0)
		return rc;
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_FIRST)) == 0) {
		rc = mdb_cursor_del(c, 0);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/*
 * Exit codes of the child: 0 sound, 1 damaged, 2 could not tell. Reading
 * every entry exercises LMDB's read paths; deleting every entry in a txn
 * that is then aborted exercises the copy-on-write paths (page copies,
 * merges, free list), which trust page headers that reads do not look at.
 * The write txn is aborted, never committed; NOLOCK because nobody else
 * may have the environment open while the server is starting.
 */
static int deep_check_child(const char *dir)
{
	MDB_dbi dbis[16];
	size_t ndbis = 0;
	MDB_env *env;
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_envinfo info;
	MDB_stat st;
	MDB_val k, v;
	struct stat fst;
	int fd, rc;

	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 16) != 0)
		return 2;
	mdb_env_set_assert(env, deep_check_assert);
	rc = mdb_env_open(env, dir, MDB_NOLOCK | MDB_NOTLS | MDB_NOSYNC, 0600);
	if (rc != 0)
		return is_corrupt(rc) ? 1 : 2;
	if (mdb_env_info(env, &info) != 0 || mdb_env_stat(env, &st) != 0 ||
	    mdb_env_get_fd(env, &fd) != 0 || fstat(fd, &fst) != 0)
		return 2;
	if ((uint64_t)fst.st_size < ((uint64_t)info.me_last_pgno + 1) * st.ms_psize)
		return 1;
	rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
	if (rc != 0)
		return is_corrupt(rc) ? 1 : 2;
	/* dbi 0 is the free list (readable in a read txn only), 1 the main db
	 * naming the others. */
	rc = walk_db(txn, 0);
	if (rc == 0)
		rc = walk_db(txn, 1);
	if (rc == 0)
		rc = mdb_cursor_open(txn, 1, &c);
	while (rc == 0 && (rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		char name[256];

		if (k.mv_size == 0 || k.mv_size >= sizeof(name))
			return 1;
		if (ndbis == sizeof(dbis) / sizeof(dbis[0]))
			return 2;
		memcpy(name, k.mv_data, k.mv_size);
		name[k.mv_size] = '\0';
		rc = mdb_dbi_open(txn, name, 0, &dbis[ndbis]);
		if (rc == 0)
			rc = walk_db(txn, dbis[ndbis++]);
		else if (rc == MDB_INCOMPATIBLE)
			rc = 0; /* a plain key, not a db: foreign, open_dbs says so */
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
	/* Committing a read txn keeps the db handles for the next one. */
	if (rc == 0)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (rc == 0)
		rc = mdb_txn_begin(env, NULL, 0, &txn);
	for (size_t i = 0; rc == 0 && i < ndbis; i++)
		rc = delete_all(txn, dbis[i]);
	if (rc == 0)
		return 0;
	/* The file does not change under us: beyond resource trouble, any
	 * error (LMDB says EINVAL for some nonsense) means damage. */
	return rc == ENOMEM || rc == EIO ? 2 : 1;
}

/*
 * LMDB follows page numbers and offsets without checking them, so a damaged
 * file can fault anywhere. Walk it all in a child first: a crash or an
 * error there means damaged, and we never map it in the server.
 */
static int deep_check(const char *path, const char *dir)
{
	struct stat st;
	int status;
	pid_t pid;

	if (stat(path, &st) < 0 || st.st_size == 0)
		return 0; /* new index */
	pid = fork();
	if (pid < 0) {
		log_warn("index: fork for the deep check");
		return 0; /* cannot tell; the cheap checks still run */
	}
	if (pid == 0) {
		static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM};
		struct rlimit none = {0, 0};

		/* A crash here is the expected verdict: no core dump, and no
		 * inherited handler may catch it and carry on as the parent. */
		setrlimit(RLIMIT_CORE, &none);
		for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
			signal(fatal[i], SIG_DFL);
		alarm(DEEP_CHECK_TIMEOUT);
		_exit(deep_check_child(dir));
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			log_warn("index: waitpid");
			return 0;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 1)
		return 0;
	if (WIFSIGNALED(status))
		log_warnx("index: %s: damaged (the check died of signal %d)", path,
		          WTERMSIG(status));
	else
		log_warnx("index: %s: damaged", path);
	return -EBADMSG;
}

/* ---- open / close ---- */

/*
 * The state file says how the index was left: "clean <dev> <ino> <size>
 * <mtime>" after index_close, "open <n>" while open. A clean stamp that
 * still matches data.mdb lets the next open skip the deep check (the common
 * case: a restart after idle exit). Anything else means a crash or a change
 * behind our back, and the file is checked. Damage that LMDB only trips
 * over inside a commit shows up as a server that dies with the index open
 * again and again: after UNCLEAN_LIMIT such opens in a row the index is
 * refused, so the caller moves it aside instead of crash-looping.
 */
struct open_state {
	unsigned unclean; /* opens in a row without a clean close */
	bool clean_match; /* closed cleanly and data.mdb unchanged since */
};

static void state_read(const char *state_path, const char *data_path, struct open_state *os)
{
	unsigned long long dev, ino, size, sec, nsec;
	char line[160] = {0};
	struct stat st;
	FILE *fp;

	*os = (struct open_state){0, false};
	fp = fopen(state_path, "re");
	if (!fp)
		return;
	if (!fgets(line, sizeof(line), fp))
		line[0] = '\0';
	fclose(fp);
	if (sscanf(line, "open %u", &os->unclean) == 1)
		return;
	if (sscanf(line, "clean %llu %llu %llu %llu %llu", &dev, &ino, &size, &sec, &nsec) == 5 &&
	    stat(data_path, &st) == 0)
		os->clean_match = dev == (unsigned long long)st.st_dev &&
		                  ino == (unsigned long long)st.st_ino &&
		                  size == (unsigned long long)st.st_size &&
		                  sec == (unsigned long long)st.st_mtim.tv_sec &&
		                  nsec == (unsigned long long)st.st_mtim.tv_nsec;
}

static void state_write(const char *state_path, const char *line)
{
	FILE *fp = fopen(state_path, "we");

	if (!fp) {
		log_warn("index: %s", state_path);
		return;
	}
	fputs(line, fp);
	if (fclose(fp) != 0)
		log_warn("index: %s", state_path);
}

static void state_write_clean(const char *state_path, const char *data_path)
{
	char line[160];
	struct stat st;

	if (stat(data_path, &st) < 0) {
		log_warn("index: %s", data_path);
		return;
	}
	snprintf(line, sizeof(line), "clean %llu %llu %llu %llu %llu\n",
	         (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	         (unsigned long long)st.st_size, (unsigned long long)st.st_mtim.tv_sec,
	         (unsigned long long)st.st_mtim.tv_nsec);
	state_write(state_path, line);
}

/* Was the WRITING_FILE byte left set (a process died in a write txn)? An
 * unreadable or missing file says yes: without it, assume the worst. */
static bool writing_was_set(const char *dir)
{
	char path[PATH_MAX];
	uint8_t b = 1;
	int fd;

	snprintf(path, sizeof(path), "%s/" WRITING_FILE, dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	if (read(fd, &b, 1) != 1)
		b = 1;
	close(fd);
	return b != 0;
}

/* Map WRITING_FILE (created, one zero byte). NULL when that fails: then
 * every unclean open counts, as before. */
static volatile uint8_t *writing_map(const char *dir)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/" WRITING_FILE, dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 1) < 0) {
		log_warn("index: %s", path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	p = mmap(NULL, 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		log_warn("index: mmap %s", path);
		return NULL;
	}
	*(volatile uint8_t *)p = 0;
	return p;
}

struct open_arg {
	uint64_t total, entries;
};

static int recount(struct index *idx, MDB_txn *txn, struct open_arg *a)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, idx->access, &c);

	if (rc != 0)
		return rc;
	a->total = a->entries = 0;
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		if (v.mv_size != 16) {
			rc = MDB_CORRUPTED;
			break;
		}
		a->total += le_get64((const uint8_t *)v.mv_data + 8);
		a->entries++;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	return put_totals(idx, txn, a->total, a->entries);
}

static int open_dbs(struct index *idx, MDB_txn *txn, void *arg)
{
	static const char *const names[] = {"manifests", "results", "stats", "access", "atime"};
	MDB_dbi *dbis[] = {&idx->manifests, &idx->results, &idx->stats, &idx->access, &idx->atime};
	struct open_arg *a = arg;
	unsigned flags = 0;
	MDB_dbi main_dbi;
	MDB_stat st;
	uint64_t format;
	int rc;

	a->total = a->entries = 0;
	rc = mdb_dbi_open(txn, "meta", 0, &idx->meta);
	if (rc == MDB_NOTFOUND) {
		/* Only an empty environment may become ours. */
		rc = mdb_dbi_open(txn, NULL, 0, &main_dbi);
		if (rc == 0)
			rc = mdb_stat(txn, main_dbi, &st);
		if (rc != 0)
			return rc;
		if (st.ms_entries != 0)
			return -EPROTO;
		flags = MDB_CREATE;
		rc = mdb_dbi_open(txn, "meta", flags, &idx->meta);
		if (rc == 0)
			rc = put_u64(txn, idx->meta, "format", INDEX_FORMAT_VERSION);
		if (rc == 0)
			rc = put_totals(idx, txn, 0, 0);
	} else if (rc == MDB_INCOMPATIBLE) {
		return -EPROTO;
	}
	if (rc != 0)
		return rc;
	rc = get_u64(txn, idx->meta, "format", &format);
	if (rc == MDB_NOTFOUND || rc == MDB_CORRUPTED)
		return -EPROTO;
	if (rc != 0)
		return rc;
	if (format != INDEX_FORMAT_VERSION)
		return -EPROTO;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = mdb_dbi_open(txn, names[i], flags, dbis[i]);
		if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
			return -EPROTO;
		if (rc != 0)
			return rc;
	}
	rc = get_u64(txn, idx->meta, "total_bytes", &a->total);
	if (rc == 0)
		rc = get_u64(txn, idx->meta, "entries", &a->entries);
	if (rc == 0)
		rc = mdb_stat(txn, idx->access, &st);
	if (rc == MDB_NOTFOUND || rc == MDB_CORRUPTED || (rc == 0 && st.ms_entries != a->entries)) {
		log_warnx("index: size accounting out of step, recounting");
		rc = recount(idx, txn, a);
	}
	return rc;
}

/* How the index in dir was left (its state file, into *os): one closed
 * uncleanly too often is damaged (-EBADMSG); one not closed cleanly is
 * checked deeply first, unless opts skip it. 0 or -errno. */
static int check_state(const char *dir, const char *state_path, const char *data_path,
                       const struct index_options *opts, struct open_state *os)
{
	state_read(state_path, data_path, os);
	/* The previous server died outside a write txn: that death is not
	 * evidence of damage (the deep check still runs). */
	if (os->unclean > 0 && !writing_was_set(dir))
		os->unclean--;
	if (os->unclean >= UNCLEAN_LIMIT) {
		log_warnx("index: %s was not closed cleanly %u times in a row; treating it as "
		          "damaged",
		          dir, os->unclean);
		return -EBADMSG;
	}
	if (!opts->skip_deep_check && !os->clean_match)
		return deep_check(data_path, dir);
	return 0;
}

/* Open the LMDB environment in dir for idx (its map size set), and check
 * that its data file holds every page it claims. 0 or -errno. */
static int open_env(struct index *idx, const char *dir)
{
	MDB_envinfo info;
	MDB_stat st;
	struct stat fst;
	int fd, r, rc;

	/* Before the first write txn (open_dbs below): a crash there counts. */
	idx->writing = writing_map(dir);
	rc = mdb_env_create(&idx->env);
	if (rc == 0)
		rc = mdb_env_set_maxdbs(idx->env, 8);
	if (rc == 0)
		rc = mdb_env_set_mapsize(idx->env, (size_t)idx->map_bytes);
	/*
	 * NOSYNC: a commit is not flushed to disk; index_flush does that when
	 * the server is idle or every 30 s, not once a miss (which cost a cold
	 * compile about 0.3 ms, plus the store's own fsyncs). A killed server
	 * loses nothing (the pages are in the page cache); a machine crash may
	 * lose the last commits or damage the file, and then the next open is unclean, the
	 * deep check runs, and a damaged index is moved aside: entries are
	 * lost, no wrong hit is possible (every value is tagged with its key and
	 * every artifact is checksummed when read).
	 */
	if (rc == 0)
		rc = mdb_env_open(idx->env, dir, MDB_NOTLS | MDB_NOSYNC, 0600);
	if (rc != 0) {
		r = map_err(rc);
		log_errno(LOG_LEVEL_ERR, r, "index: open %s", dir);
		return r;
	}
	mdb_reader_check(idx->env, NULL);
	refresh_map_bytes(idx);
	/* A truncated file would fault on the first read past its end. */
	if (mdb_env_info(idx->env, &info) != 0 || mdb_env_stat(idx->env, &st) != 0 ||
	    mdb_env_get_fd(idx->env, &fd) != 0 || fstat(fd, &fst) != 0) {
		return -EIO;
	}
	if ((uint64_t)fst.st_size < ((uint64_t)info.me_last_pgno + 1) * st.ms_psize) {
		log_warnx("index: %s: data file is truncated", dir);
		return -EBADMSG;
	}
	return 0;
}

int index_open(const char *dir, const struct index_options *opts, struct index **out)
{
	static const struct index_options defaults = {0};
	char state_path[PATH_MAX], data_path[PATH_MAX], line[32];
	struct open_state os;
	struct open_arg a;
	struct index *idx;
	int r;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	r = paths_mkdir_p(dir, 0700);
	if (r < 0) {
		log_errno(LOG_LEVEL_ERR, r, "index: mkdir %s", dir);
		return r;
	}
	if (snprintf(state_path, sizeof(state_path), "%s/" STATE_FILE, dir) >=
	            (int)sizeof(state_path) ||
	    snprintf(data_path, sizeof(data_path), "%s/data.mdb", dir) >= (int)sizeof(data_path))
		return -ENAMETOOLONG;
	r = check_state(dir, state_path, data_path, opts, &os);
	if (r < 0)
		return r;
	idx = calloc(1, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	atomic_init(&idx->spare, NULL);
	pthread_rwlock_init(&idx->map_lock, NULL);
	idx->state_path = strdup(state_path);
	idx->data_path = strdup(data_path);
	if (!idx->state_path || !idx->data_path) {
		r = -ENOMEM;
		goto fail;
	}
	idx->max_map_bytes = opts->max_map_bytes ? opts->max_map_bytes : DEFAULT_MAX_MAP;
	idx->map_bytes = opts->initial_map_bytes ? opts->initial_map_bytes : DEFAULT_INITIAL_MAP;
	if (idx->map_bytes > idx->max_map_bytes)
		idx->map_bytes = idx->max_map_bytes;

	r = open_env(idx, dir);
	if (r < 0)
		goto fail;
	r = run_write(idx, open_dbs, &a);
	if (r < 0) {
		if (r == -EPROTO)
			log_warnx("index: %s: not a format %d index", dir, INDEX_FORMAT_VERSION);
		else
			log_errno(LOG_LEVEL_ERR, r, "index: open %s", dir);
		goto fail;
	}
	idx->total_bytes = a.total;
	idx->entries = a.entries;
	idx->unclean = os.unclean + 1;
	snprintf(line, sizeof(line), "open %u\n", idx->unclean);
	state_write(idx->state_path, line);
	*out = idx;
	return 0;
fail:
	if (idx->env)
		mdb_env_close(idx->env);
	if (idx->writing)
		munmap((void *)idx->writing, 1);
	pthread_rwlock_destroy(&idx->map_lock);
	free(idx->state_path);
	free(idx->data_path);
	free(idx);
	return r;
}

/* Close; clean: flush first and stamp the state file as closed cleanly. */
static void close_index(struct index *idx, bool clean)
{
	int r;

	if (!idx)
		return;
	r = clean ? index_flush(idx) : 0;
	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "index: flush on close");
	drop_spare(idx);
	mdb_env_close(idx->env);
	if (clean)
		state_write_clean(idx->state_path, idx->data_path);
	if (idx->writing)
		munmap((void *)idx->writing, 1);
	pthread_rwlock_destroy(&idx->map_lock);
	free(idx->state_path);
	free(idx->data_path);
	free(idx->touches);
	free(idx->deltas);
	free(idx);
}

void index_close(struct index *idx)
{
	close_index(idx, true);
}

void index_discard(struct index *idx)
{
	close_index(idx, false);
}

int index_check_file(struct index *idx)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", idx->data_path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	/* Nothing is written while the caller waits: the file is at rest. The
	 * child's aborted delete-all txn may spill dirty pages into the file,
	 * but only into pages free in the last commit, and this process (the
	 * only one with the index open, single-threaded) holds no read txn
	 * that could still see them: the spare one is reset. */
	drop_spare(idx);
	return deep_check(idx->data_path, dir);
}

uint64_t index_total_bytes(const struct index *idx)
{
	return idx->total_bytes;
}

uint64_t index_entry_count(const struct index *idx)
{
	return idx->entries;
}

uint64_t index_map_bytes(const struct index *idx)
{
	return idx->map_bytes;
}

/* ---- get / put / del ---- */

int index_get(struct index *idx, enum index_db db, const struct digest *key, struct buf *val)
{
	MDB_val k = {16, (void *)key->bytes}, d;
	MDB_txn *txn;
	int r = db_rtxn_begin(idx, db, &txn), rc;

	if (r < 0)
		return r;
	rc = mdb_get(txn, dbi_of(idx, db), &k, &d);
	if (rc != 0) {
		r = map_err(rc);
	} else if (d.mv_size < TAG_LEN ||
	           value_tag(db, key, d.mv_data, d.mv_size - TAG_LEN) !=
	                   le_get64((const uint8_t *)d.mv_data + d.mv_size - TAG_LEN)) {
		r = -EBADMSG;
	} else {
		r = buf_append(val, d.mv_data, d.mv_size - TAG_LEN);
	}
	rtxn_end(idx, txn);
	if (r == -EBADMSG)
		log_warnx("index: value fails its checksum");
	return r;
}

/* Remove key's access and atime records; bytes gets what it was charged. */
static int forget_access(struct index *idx, MDB_txn *txn, const uint8_t *akey, bool *found,
                         uint64_t *bytes)
{
	MDB_val k = {ACCESS_KEY_LEN, (void *)akey}, d, tk;
	uint8_t tkey[ATIME_KEY_LEN];
	int rc;

	*found = false;
	*bytes = 0;
	rc = mdb_get(txn, idx->access, &k, &d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (d.mv_size != 16)
		return MDB_CORRUPTED;
	*found = true;
	*bytes = le_get64((const uint8_t *)d.mv_data + 8);
	atime_key(tkey, (int64_t)le_get64(d.mv_data), akey);
	tk = (MDB_val){ATIME_KEY_LEN, tkey};
	rc = mdb_del(txn, idx->atime, &tk, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	return mdb_del(txn, idx->access, &k, NULL);
}

static int record_access(struct index *idx, MDB_txn *txn, const uint8_t *akey, int64_t atime,
                         uint64_t bytes)
{
	uint8_t abuf[16], tkey[ATIME_KEY_LEN], tval[8];
	MDB_val k = {ACCESS_KEY_LEN, (void *)akey}, d = {16, abuf};
	MDB_val tk = {ATIME_KEY_LEN, tkey}, td = {8, tval};
	int rc;

	le_put64(abuf, (uint64_t)atime);
	le_put64(abuf + 8, bytes);
	rc = mdb_put(txn, idx->access, &k, &d, 0);
	if (rc != 0)
		return rc;
	atime_key(tkey, atime, akey);
	le_put64(tval, bytes);
	return mdb_put(txn, idx->atime, &tk, &td, 0);
}

struct put_arg {
	enum index_db db;
	const struct digest *key;
	const void *val;
	size_t len;
	uint64_t bytes;
	int64_t now;
	uint64_t total, entries; /* after the txn */
};

static int put_fn(struct index *idx, MDB_txn *txn, void *arg)
{
	struct put_arg *a = arg;
	uint8_t akey[ACCESS_KEY_LEN];
	MDB_val k = {16, (void *)a->key->bytes}, d = {a->len + TAG_LEN, NULL};
	uint64_t old_bytes;
	bool found;
	int rc;

	a->total = idx->total_bytes;
	a->entries = idx->entries;
	access_key(akey, a->db, a->key);
	rc = forget_access(idx, txn, akey, &found, &old_bytes);
	if (rc != 0)
		return rc;
	if (found)
		a->total -= old_bytes < a->total ? old_bytes : a->total;
	else
		a->entries++;
	rc = mdb_put(txn, dbi_of(idx, a->db), &k, &d, MDB_RESERVE);
	if (rc != 0)
		return rc;
	if (a->len)
		memcpy(d.mv_data, a->val, a->len);
	le_put64((uint8_t *)d.mv_data + a->len, value_tag(a->db, a->key, a->val, a->len));
	rc = record_access(idx, txn, akey, a->now, a->bytes);
	if (rc != 0)
		return rc;
	a->total += a->bytes;
	return put_totals(idx, txn, a->total, a->entries);
}

int index_put(struct index *idx, enum index_db db, const struct digest *key, const void *val,
              size_t len, uint64_t accounted_bytes, time_t now)
{
	struct put_arg a = {db, key, val ? val : "", len, accounted_bytes, (int64_t)now, 0, 0};
	int r;

	if (!db_valid(db) || len > SIZE_MAX - TAG_LEN)
		return -EINVAL;
	r = run_write(idx, put_fn, &a);
	if (r < 0)
		return r;
	idx->total_bytes = a.total;
	idx->entries = a.entries;
	return 0;
}

struct del_arg {
	enum index_db db;
	const struct digest *key;
	uint64_t total, entries;
	bool existed;
};

static int del_fn(struct index *idx, MDB_txn *txn, void *arg)
{
	struct del_arg *a = arg;
	uint8_t akey[ACCESS_KEY_LEN];
	MDB_val k = {16, (void *)a->key->bytes};
	uint64_t bytes;
	bool found;
	int rc;

	a->total = idx->total_bytes;
	a->entries = idx->entries;
	rc = mdb_del(txn, dbi_of(idx, a->db), &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	a->existed = rc == 0;
	access_key(akey, a->db, a->key);
	rc = forget_access(idx, txn, akey, &found, &bytes);
	if (rc != 0)
		return rc;
	if (!found)
		return a->existed ? 0 : MDB_NOTFOUND;
	a->total -= bytes < a->total ? bytes : a->total;
	a->entries -= a->entries > 0;
	return put_totals(idx, txn, a->total, a->entries);
}

int index_del(struct index *idx, enum index_db db, const struct digest *key)
{
	struct del_arg a = {db, key, 0, 0, false};
	int r;

	if (!db_valid(db))
		return -EINVAL;
	r = run_write_reserve(idx, del_fn, &a);
	if (r < 0)
		return r;
	idx->total_bytes = a.total;
	idx->entries = a.entries;
	return 0;
}

/* ---- touches and stats, batched in memory ---- */

static size_t touch_slot(const struct touch *t, size_t cap, const uint8_t *key)
{
	/* Keys are hash digests already: their bytes are the hash. */
	size_t i = (size_t)(le_get64(key + 1) ^ key[0]) & (cap - 1);

	while (t[i].used && memcmp(t[i].key, key, ACCESS_KEY_LEN) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static int touch_reserve(struct index *idx)
{
	struct touch *t;
	size_t cap;

	if (idx->touch_count + 1 <= idx->touch_cap / 2)
		return 0;
	cap = idx->touch_cap ? idx->touch_cap * 2 : 1024;
	t = calloc(cap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < idx->touch_cap; i++) {
		if (idx->touches[i].used)
			t[touch_slot(t, cap, idx->touches[i].key)] = idx->touches[i];
	}
	free(idx->touches);
	idx->touches = t;
	idx->touch_cap = cap;
	return 0;
}

int index_touch(struct index *idx, enum index_db db, const struct digest *key, time_t now)
{
	uint8_t akey[ACCESS_KEY_LEN];
	struct touch *t;
	int r;

	if (!db_valid(db))
		return -EINVAL;
	if (idx->touch_count >= TOUCH_MAX) {
		r = index_flush(idx);
		if (r < 0)
			return r;
	}
	r = touch_reserve(idx);
	if (r < 0)
		return r;
	access_key(akey, db, key);
	t = &idx->touches[touch_slot(idx->touches, idx->touch_cap, akey)];
	if (!t->used) {
		memcpy(t->key, akey, ACCESS_KEY_LEN);
		t->used = true;
		t->atime = (int64_t)now;
		idx->touch_count++;
	} else if ((int64_t)now > t->atime) {
		t->atime = (int64_t)now;
	}
	return 0;
}

static struct stat_delta *find_delta(struct index *idx, const char *name)
{
	for (size_t i = 0; i < idx->ndeltas; i++) {
		if (strcmp(idx->deltas[i].name, name) == 0)
			return &idx->deltas[i];
	}
	return NULL;
}

static bool stat_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= STAT_NAME_MAX;
}

int index_stats_add(struct index *idx, const char *name, uint64_t delta)
{
	struct stat_delta *s;

	if (!stat_name_ok(name))
		return -EINVAL;
	s = find_delta(idx, name);
	if (!s) {
		if (idx->ndeltas == idx->delta_cap) {
			size_t cap = idx->delta_cap ? idx->delta_cap * 2 : 32;
			struct stat_delta *p = realloc(idx->deltas, cap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			idx->deltas = p;
			idx->delta_cap = cap;
		}
		s = &idx->deltas[idx->ndeltas++];
		snprintf(s->name, sizeof(s->name), "%s", name);
		s->delta = 0;
	}
	s->delta += delta;
	return 0;
}

static int flush_fn(struct index *idx, MDB_txn *txn, void *arg)
{
	int rc;

	for (size_t i = 0; i < idx->ndeltas; i++) {
		uint64_t v = 0;

		if (idx->deltas[i].delta == 0)
			continue;
		rc = get_u64(txn, idx->stats, idx->deltas[i].name, &v);
		if (rc == MDB_CORRUPTED || rc == MDB_NOTFOUND)
			v = 0;
		else if (rc != 0)
			return rc;
		rc = put_u64(txn, idx->stats, idx->deltas[i].name, v + idx->deltas[i].delta);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < idx->touch_cap; i++) {
		const struct touch *t = &idx->touches[i];
		MDB_val k = {ACCESS_KEY_LEN, (void *)t->key}, d;
		uint64_t bytes;
		bool found;

		if (!t->used)
			continue;
		rc = mdb_get(txn, idx->access, &k, &d);
		if (rc == MDB_NOTFOUND)
			continue; /* deleted or evicted since the hit */
		if (rc != 0)
			return rc;
		if (d.mv_size == 16 && (int64_t)le_get64(d.mv_data) >= t->atime)
			continue;
		rc = forget_access(idx, txn, t->key, &found, &bytes);
		if (rc == 0)
			rc = record_access(idx, txn, t->key, t->atime, bytes);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int index_write_batches(struct index *idx)
{
	int r;

	if (idx->ndeltas == 0 && idx->touch_count == 0)
		return 0;
	r = run_write_reserve(idx, flush_fn, NULL);
	if (r < 0)
		return r;
	idx->ndeltas = 0;
	if (idx->touches)
		memset(idx->touches, 0, idx->touch_cap * sizeof(*idx->touches));
	idx->touch_count = 0;
	return 0;
}

int index_flush(struct index *idx)
{
	int r = index_write_batches(idx), rc;

	if (r < 0)
		return r;
	if (!idx->unsynced)
		return 0;
	rc = mdb_env_sync(idx->env, 1);
	if (rc != 0)
		return map_err(rc);
	idx->unsynced = false;
	return 0;
}

int index_stats_get(struct index *idx, const char *name, uint64_t *value)
{
	struct stat_delta *s;
	MDB_txn *txn;
	int r, rc;

	if (!stat_name_ok(name))
		return -EINVAL;
	r = rtxn_begin(idx, &txn);
	if (r < 0)
		return r;
	*value = 0;
	rc = get_u64(txn, idx->stats, name, value);
	rtxn_end(idx, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return map_err(rc);
	s = find_delta(idx, name);
	if (s)
		*value += s->delta;
	return 0;
}

static int delta_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stat_delta *)a)->name, ((const struct stat_delta *)b)->name);
}

int index_stats_get_all(struct index *idx, int (*fn)(const char *name, uint64_t value, void *ctx),
                        void *ctx)
{
	struct stat_delta *all = NULL, *p;
	size_t n = 0, cap = 0;
	MDB_cursor *c;
	MDB_val k, v;
	MDB_txn *txn;
	int r, rc;

	r = rtxn_begin(idx, &txn);
	if (r < 0)
		return r;
	rc = mdb_cursor_open(txn, idx->stats, &c);
	if (rc != 0) {
		rtxn_end(idx, txn);
		return map_err(rc);
	}
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		if (k.mv_size == 0 || k.mv_size > STAT_NAME_MAX || v.mv_size != 8)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			p = realloc(all, cap * sizeof(*p));
			if (!p) {
				rc = ENOMEM;
				break;
			}
			all = p;
		}
		memcpy(all[n].name, k.mv_data, k.mv_size);
		all[n].name[k.mv_size] = '\0';
		all[n].delta = le_get64(v.mv_data);
		n++;
	}
	mdb_cursor_close(c);
	rtxn_end(idx, txn);
	if (rc != MDB_NOTFOUND) {
		free(all);
		return map_err(rc);
	}
	/* Callbacks run outside the txn so that fn may use the index. */
	for (size_t i = 0; i < idx->ndeltas; i++) {
		size_t j;

		for (j = 0; j < n && strcmp(all[j].name, idx->deltas[i].name) != 0; j++)
			;
		if (j == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				p = realloc(all, cap * sizeof(*p));
				if (!p) {
					free(all);
					return -ENOMEM;
				}
				all = p;
			}
			all[n] = idx->deltas[i];
			all[n++].delta = 0;
		}
		all[j].delta += idx->deltas[i].delta;
	}
	if (n > 1)
		qsort(all, n, sizeof(*all), delta_cmp);
	r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		r = fn(all[i].name, all[i].delta, ctx);
	free(all);
	return r;
}

static int zero_fn(struct index *idx, MDB_txn *txn, void *arg)
{
	return mdb_drop(txn, idx->stats, 0);
}

int index_stats_zero(struct index *idx)
{
	int r = run_write_reserve(idx, zero_fn, NULL);

	if (r == 0)
		idx->ndeltas = 0;
	return r;
}

/* ---- eviction ---- */

enum evict_mode {
	EVICT_LRU,
	EVICT_OLDER,
	EVICT_ALL,
};

struct victim {
	enum index_db db;
	struct digest key;
	uint8_t *val; /* NULL when the value was missing or failed its tag */
	size_t len;
};

struct evict_arg {
	enum evict_mode mode;
	uint64_t budget;
	int64_t cutoff;
	bool want_values;
	/* Per attempt, reset by evict_fn: */
	struct victim *v;
	size_t n, cap;
	uint64_t freed, total, entries;
	bool more;
};

static void victims_clear(struct evict_arg *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].val);
	a->n = 0;
}

static int victim_add(struct index *idx, MDB_txn *txn, struct evict_arg *a, enum index_db db,
                      const struct digest *key)
{
	struct victim *vi;
	MDB_val k = {16, (void *)key->bytes}, d;
	int rc;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct victim *p = realloc(a->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		a->v = p;
		a->cap = cap;
	}
	vi = &a->v[a->n];
	*vi = (struct victim){db, *key, NULL, 0};
	rc = mdb_get(txn, dbi_of(idx, db), &k, &d);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (rc == 0 && a->want_values && d.mv_size >= TAG_LEN &&
	    value_tag(db, key, d.mv_data, d.mv_size - TAG_LEN) ==
	            le_get64((const uint8_t *)d.mv_data + d.mv_size - TAG_LEN)) {
		vi->len = d.mv_size - TAG_LEN;
		vi->val = malloc(vi->len ? vi->len : 1);
		if (!vi->val)
			return -ENOMEM;
		memcpy(vi->val, d.mv_data, vi->len);
	}
	a->n++;
	if (rc == 0)
		rc = mdb_del(txn, dbi_of(idx, db), &k, NULL);
	return rc;
}

static int evict_fn(struct index *idx, MDB_txn *txn, void *arg)
{
	struct evict_arg *a = arg;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	victims_clear(a);
	a->freed = 0;
	a->more = false;
	a->total = idx->total_bytes;
	a->entries = idx->entries;
	rc = mdb_cursor_open(txn, idx->atime, &c);
	if (rc != 0)
		return rc;
	while (a->n < EVICT_CHUNK) {
		/* A copy: other writes in this txn may move or spill the page. */
		uint8_t tk[ATIME_KEY_LEN];
		struct digest key;
		enum index_db db;
		uint64_t bytes;
		MDB_val ak;

		rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
		if (rc != 0)
			break;
		if (a->mode == EVICT_LRU && a->total <= a->budget)
			break;
		/* A malformed record cannot be ours: drop it and go on. */
		if (k.mv_size != ATIME_KEY_LEN || v.mv_size != 8 ||
		    !db_valid((enum index_db)((const uint8_t *)k.mv_data)[8])) {
			rc = mdb_cursor_del(c, 0);
			if (rc != 0)
				break;
			continue;
		}
		memcpy(tk, k.mv_data, ATIME_KEY_LEN);
		bytes = le_get64(v.mv_data);
		if (a->mode == EVICT_OLDER && atime_from_key(get_be64(tk)) >= a->cutoff)
			break;
		db = (enum index_db)tk[8];
		memcpy(key.bytes, tk + 9, 16);
		ak = (MDB_val){ACCESS_KEY_LEN, (void *)(tk + 8)};
		rc = mdb_del(txn, idx->access, &ak, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			break;
		rc = mdb_cursor_del(c, 0);
		if (rc != 0)
			break;
		rc = victim_add(idx, txn, a, db, &key);
		if (rc != 0 && rc != MDB_NOTFOUND)
			break;
		rc = 0;
		a->total -= bytes < a->total ? bytes : a->total;
		a->entries -= a->entries > 0;
		a->freed += bytes;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (a->n == EVICT_CHUNK) {
		a->more = true;
	} else if (a->mode == EVICT_ALL) {
		/* Also whatever has no access record (should be nothing). */
		rc = mdb_drop(txn, idx->manifests, 0);
		if (rc == 0)
			rc = mdb_drop(txn, idx->results, 0);
		if (rc == 0)
			rc = mdb_drop(txn, idx->access, 0);
		if (rc != 0)
			return rc;
		a->total = a->entries = 0;
	}
	return put_totals(idx, txn, a->total, a->entries);
}

static int evict(struct index *idx, struct evict_arg *a, index_drop_fn drop, void *ctx,
                 uint64_t *evicted_entries, uint64_t *freed_bytes)
{
	uint64_t n = 0, freed = 0;
	int r, first_err = 0;

	/* Recent hits still in memory must count, or we evict what is hot;
	 * but failing to record them must not stop us from making room. */
	r = index_flush(idx);
	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "index: flush before eviction");
	a->want_values = drop != NULL;
	do {
		r = run_write_reserve(idx, evict_fn, a);
		if (r < 0)
			break;
		idx->total_bytes = a->total;
		idx->entries = a->entries;
		n += a->n;
		freed += a->freed;
		for (size_t i = 0; drop && i < a->n; i++) {
			int e = drop(a->v[i].db, &a->v[i].key, a->v[i].val, a->v[i].len, ctx);

			if (e < 0 && first_err == 0)
				first_err = e;
		}
	} while (a->more);
	victims_clear(a);
	free(a->v);
	if (evicted_entries)
		*evicted_entries = n;
	if (freed_bytes)
		*freed_bytes = freed;
	return r < 0 ? r : first_err;
}

int index_evict_lru(struct index *idx, uint64_t budget_bytes, index_drop_fn drop, void *ctx,
                    uint64_t *evicted_entries, uint64_t *freed_bytes)
{
	struct evict_arg a = {.mode = EVICT_LRU, .budget = budget_bytes};

	return evict(idx, &a, drop, ctx, evicted_entries, freed_bytes);
}

int index_evict_older_than(struct index *idx, time_t cutoff, index_drop_fn drop, void *ctx,
                           uint64_t *evicted_entries, uint64_t *freed_bytes)
{
	struct evict_arg a = {.mode = EVICT_OLDER, .cutoff = (int64_t)cutoff};

	return evict(idx, &a, drop, ctx, evicted_entries, freed_bytes);
}

int index_clear(struct index *idx, index_drop_fn drop, void *ctx, uint64_t *evicted_entries,
                uint64_t *freed_bytes)
{
	struct evict_arg a = {.mode = EVICT_ALL};

	return evict(idx, &a, drop, ctx, evicted_entries, freed_bytes);
}

uint64_t index_db_count(struct index *idx, enum index_db db)
{
	MDB_txn *txn;
	MDB_stat st;
	uint64_t n = 0;

	pthread_rwlock_rdlock(&idx->map_lock);
	if (mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &txn) == 0) {
		if (mdb_stat(txn, dbi_of(idx, db), &st) == 0)
			n = st.ms_entries;
		mdb_txn_abort(txn);
	}
	pthread_rwlock_unlock(&idx->map_lock);
	return n;
}

/* ---- verification ---- */

int index_scan(struct index *idx, enum index_db db, const struct digest *after,
               struct index_item *items, size_t max)
{
	MDB_cursor *c;
	MDB_val k, v;
	MDB_txn *txn;
	size_t n = 0;
	int r = db_rtxn_begin(idx, db, &txn), rc;

	if (r < 0)
		return r;
	rc = mdb_cursor_open(txn, dbi_of(idx, db), &c);
	if (rc != 0) {
		rtxn_end(idx, txn);
		return map_err(rc);
	}
	if (after) {
		k = (MDB_val){16, (void *)after->bytes};
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		/* Resume strictly after the last key seen (it may be gone by now). */
		if (rc == 0 && k.mv_size == 16 && memcmp(k.mv_data, after->bytes, 16) == 0)
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	} else {
		rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	}
	for (; rc == 0 && n < max; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct index_item *it = &items[n];

		*it = (struct index_item){.val = BUF_INIT};
		/* Not a key we write: never served; index_repair_accounting
		 * deletes it (it has no access record). */
		if (k.mv_size != 16)
			continue;
		memcpy(it->key.bytes, k.mv_data, 16);
		it->tag_ok = v.mv_size >= TAG_LEN &&
		             value_tag(db, &it->key, v.mv_data, v.mv_size - TAG_LEN) ==
		                     le_get64((const uint8_t *)v.mv_data + v.mv_size - TAG_LEN);
		if (it->tag_ok && buf_append(&it->val, v.mv_data, v.mv_size - TAG_LEN) < 0) {
			rc = ENOMEM;
			break;
		}
		n++;
	}
	mdb_cursor_close(c);
	rtxn_end(idx, txn);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		index_items_free(items, n);
		return map_err(rc);
	}
	return (int)n;
}

void index_items_free(struct index_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_free(&items[i].val);
}

struct acct_arg {
	bool fix;
	struct index_audit *au;
};

/* Does db hold the 16-byte key named by an access key? */
static int entry_exists(struct index *idx, MDB_txn *txn, const uint8_t *akey, bool *exists)
{
	MDB_val k = {16, (void *)(akey + 1)}, d;
	int rc;

	*exists = false;
	if (!db_valid((enum index_db)akey[0]))
		return 0;
	rc = mdb_get(txn, dbi_of(idx, (enum index_db)akey[0]), &k, &d);
	if (rc == 0)
		*exists = true;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Every access record: counted when it names an entry, else a stray (and
 * deleted, with fix); with fix, its atime record written anew. 0 or rc. */
static int walk_access_records(struct index *idx, MDB_txn *txn, struct acct_arg *a)
{
	struct index_audit *au = a->au;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_open(txn, idx->access, &c);
	if (rc != 0)
		return rc;
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		uint8_t akey[ACCESS_KEY_LEN];
		bool exists = false;

		if (k.mv_size == ACCESS_KEY_LEN && v.mv_size == 16) {
			memcpy(akey, k.mv_data, ACCESS_KEY_LEN);
			rc = entry_exists(idx, txn, akey, &exists);
			if (rc != 0)
				break;
		}
		if (!exists) {
			au->stray_records++;
			if (a->fix && (rc = mdb_cursor_del(c, 0)) != 0)
				break;
			continue;
		}
		au->counted_entries++;
		au->counted_bytes += le_get64((const uint8_t *)v.mv_data + 8);
		if (a->fix) {
			uint8_t tkey[ATIME_KEY_LEN], tval[8];
			MDB_val tk = {ATIME_KEY_LEN, tkey}, td = {8, tval};

			atime_key(tkey, (int64_t)le_get64(v.mv_data), akey);
			memcpy(tval, (const uint8_t *)v.mv_data + 8, 8);
			rc = mdb_put(txn, idx->atime, &tk, &td, 0);
			if (rc != 0)
				break;
		}
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	return 0;
}

/* Every entry of the manifest and result dbs: one without an access
 * record is unaccounted (and deleted, with fix). 0 or rc. */
static int walk_entries(struct index *idx, MDB_txn *txn, struct acct_arg *a)
{
	struct index_audit *au = a->au;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	for (int db = INDEX_MANIFESTS; db <= INDEX_RESULTS; db++) {
		rc = mdb_cursor_open(txn, dbi_of(idx, (enum index_db)db), &c);
		if (rc != 0)
			return rc;
		while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
			uint8_t akey[ACCESS_KEY_LEN];
			MDB_val ak = {ACCESS_KEY_LEN, akey}, ad;

			au->db_entries++;
			if (k.mv_size == 16) {
				akey[0] = (uint8_t)db;
				memcpy(akey + 1, k.mv_data, 16);
				rc = mdb_get(txn, idx->access, &ak, &ad);
				if (rc == 0)
					continue;
				if (rc != MDB_NOTFOUND)
					break;
			}
			au->unaccounted_entries++;
			if (a->fix && (rc = mdb_cursor_del(c, 0)) != 0)
				break;
		}
		mdb_cursor_close(c);
		if (rc != MDB_NOTFOUND)
			return rc;
	}
	return 0;
}

/*
 * Walk the accounting: every access record must name an entry, every entry
 * must have one, the atime db must mirror the access db, and the totals in
 * meta must be the sums. With fix, records without an entry and entries
 * without a record (which eviction could never reach) are deleted, the atime
 * db is rebuilt from the access db and the totals are rewritten.
 */
static int accounting_walk(struct index *idx, MDB_txn *txn, struct acct_arg *a)
{
	struct index_audit *au = a->au;
	MDB_stat st;
	int rc;

	memset(au, 0, sizeof(*au));
	au->recorded_bytes = idx->total_bytes;
	au->recorded_entries = idx->entries;
	if (a->fix) {
		rc = mdb_drop(txn, idx->atime, 0);
		if (rc != 0)
			return rc;
	} else {
		rc = mdb_stat(txn, idx->atime, &st);
		if (rc != 0)
			return rc;
		au->atime_records = st.ms_entries;
	}
	rc = walk_access_records(idx, txn, a);
	if (rc == 0)
		rc = walk_entries(idx, txn, a);
	if (rc != 0)
		return rc;
	if (!a->fix)
		return 0;
	return put_totals(idx, txn, au->counted_bytes, au->counted_entries);
}

int index_audit(struct index *idx, struct index_audit *out)
{
	struct acct_arg a = {false, out};
	MDB_txn *txn;
	int r, rc;

	r = rtxn_begin(idx, &txn);
	if (r < 0)
		return r;
	rc = accounting_walk(idx, txn, &a);
	rtxn_end(idx, txn);
	return map_err(rc);
}

static int repair_fn(struct index *idx, MDB_txn *txn, void *arg)
{
	return accounting_walk(idx, txn, arg);
}

int index_repair_accounting(struct index *idx, struct index_audit *out)
{
	struct acct_arg a = {true, out};
	int r;

	/* Pending access times would otherwise be written over the rebuild. */
	r = index_flush(idx);
	if (r < 0)
		return r;
	r = run_write_reserve(idx, repair_fn, &a);
	if (r < 0)
		return r;
	idx->total_bytes = out->counted_bytes;
	idx->entries = out->counted_entries;
	return 0;
}

bool index_audit_consistent(const struct index_audit *a)
{
	return a->recorded_bytes == a->counted_bytes && a->recorded_entries == a->counted_entries &&
	       a->stray_records == 0 && a->unaccounted_entries == 0 &&
	       a->db_entries == a->counted_entries && a->atime_records == a->counted_entries;
}
