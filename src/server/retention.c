/*
 * retention: what the cache keeps. On every tick: down to max_size, away
 * with what was not used for max_age, and room made when the filesystem is
 * full and stores fail. Also the default max_size, a share of the cache's
 * filesystem.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "cache.h"
#include "log.h"
#include "server.h"

/* Default max_size: this share of the filesystem, within these bounds. */
#define DEFAULT_SHARE_PERCENT 10
#define DEFAULT_MIN_BYTES     (1ull << 30)
#define DEFAULT_MAX_BYTES     (50ull << 30)
/* Room kept free once stores failed for lack of it: 5 % of the
 * filesystem, at most this. */
#define RESERVE_MAX_BYTES (64ull << 20)
/* An index scan for max_age at most this often, at least every tick when
 * max_age is that short. */
#define EXPIRE_EVERY_MAX_S 600

uint64_t retention_default_max_size(const char *dir)
{
	struct statvfs vfs;
	uint64_t share;

	if (statvfs(dir, &vfs) < 0)
		return 10ull << 30;
	share = (uint64_t)vfs.f_blocks * vfs.f_frsize / 100 * DEFAULT_SHARE_PERCENT;
	if (share < DEFAULT_MIN_BYTES)
		share = DEFAULT_MIN_BYTES;
	if (share > DEFAULT_MAX_BYTES)
		share = DEFAULT_MAX_BYTES;
	return share;
}

static uint64_t counter(struct cache *c, const char *name)
{
	json_t *stats = cache_stats_json(c);
	uint64_t v = (uint64_t)json_integer_value(json_object_get(stats, name));

	json_decref(stats);
	return v;
}

static void log_evicted(int r, const char *why, uint64_t evicted, uint64_t freed)
{
	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "eviction (%s) failed", why);
	else if (evicted)
		log_info("evicted %llu entries (%llu bytes): %s", (unsigned long long)evicted,
		         (unsigned long long)freed, why);
}

/*
 * A store failed for lack of space (error.disk_full moved) and the
 * filesystem is still short of the reserve: give back what is missing,
 * least recently used first. Only then, since the space may be anyone's:
 * a disk filled by something else does not drain the cache unless the
 * cache needs the room.
 */
static void make_room(struct server *srv)
{
	struct statvfs vfs;
	uint64_t total, avail, reserve, bytes, full, evicted, freed;
	int r;

	if (statvfs(srv->paths.cache_dir, &vfs) < 0)
		return;
	total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	full = counter(srv->cache, "error.disk_full");
	if (full == srv->disk_full_seen)
		return;
	srv->disk_full_seen = full;
	/* Twice the reserve: by the tick, the failed store's temporary files
	 * are gone and the disk may look less full than the store found it;
	 * the next store needs more than the bare reserve. */
	reserve = total / 10 < 2 * RESERVE_MAX_BYTES ? total / 10 : 2 * RESERVE_MAX_BYTES;
	if (avail >= reserve)
		return;
	bytes = cache_bytes(srv->cache);
	r = cache_trim_to(srv->cache, bytes > reserve - avail ? bytes - (reserve - avail) : 0,
	                  "disk_full", &evicted, &freed);
	log_evicted(r, "the cache's filesystem is full", evicted, freed);
}

static void expire(struct server *srv)
{
	uint64_t age = srv->cfg.value[CONFIG_MAX_AGE], every, evicted, freed;
	int64_t now = monotonic_ms();
	int r;

	if (!age)
		return;
	every = age / 4 < EXPIRE_EVERY_MAX_S ? age / 4 : EXPIRE_EVERY_MAX_S;
	if (srv->expired_ms && now - srv->expired_ms < (int64_t)every * 1000)
		return;
	srv->expired_ms = now;
	r = cache_expire(srv->cache, time(NULL) - (time_t)age, &evicted, &freed);
	log_evicted(r, "not used within max_age", evicted, freed);
}

void retention_tick(struct server *srv)
{
	uint64_t evicted, freed;
	int r;

	if (!srv->cache)
		return;
	/* Eviction runs here, between requests, never inside one. */
	if (cache_over_limit(srv->cache)) {
		r = cache_trim(srv->cache, &evicted, &freed);
		log_evicted(r, "to stay under max_size", evicted, freed);
	}
	expire(srv);
	make_room(srv);
}
