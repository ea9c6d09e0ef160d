/*
 * fallback: the record of every compile a launcher ran without the cache,
 * and why. Launchers append one line each to a small file in the cache
 * folder (no server is needed, since the server is often what failed);
 * zccachectl reads it for status and stats. The file format is known here
 * only:
 *
 *   <unix time> TAB <reason name> TAB <cwd> TAB <message> TAB <session> LF
 *
 * Tabs and newlines in cwd and message are written as spaces. When the file
 * passes FALLBACK_ROTATE_BYTES it becomes "<file>.1" (one older generation
 * is kept), so the counts cover at least the last FALLBACK_ROTATE_BYTES of
 * records, some ten thousand fallbacks.
 */
#ifndef ZCCACHE_FALLBACK_H
#define ZCCACHE_FALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FALLBACK_FILE         "fallbacks"
#define FALLBACK_ROTATE_BYTES (1024 * 1024)

/* name, and whether the cause stays until someone fixes it (those are said
 * on stderr, once an hour per folder). Append new ones; never rename. */
#define FALLBACK_REASONS(X)                                                                       \
	X(PATHS, "paths", true)                         /* ZCCACHE_SOCKET/DIR/HOME unusable */    \
	X(CWD, "cwd", false)                            /* getcwd failed */                       \
	X(SOCKET_FOLDER, "socket_folder", true)         /* not ours, or writable by others */     \
	X(SERVER_MISSING, "server_missing", true)       /* no zccached to start */                \
	X(SERVER_START, "server_start", true)           /* started, but it never listened */      \
	X(CONNECT, "connect", true)                     /* the socket refuses us (EACCES, ...) */ \
	X(NO_ANSWER, "no_answer", false)                /* timeout or connection lost */          \
	X(VERSION, "version", true)                     /* the server speaks another protocol */  \
	X(REFUSED, "refused", false)                    /* the server answered with an error */   \
	X(BAD_REPLY, "bad_reply", false)                /* an answer we cannot act on */          \
	X(CACHE_UNAVAILABLE, "cache_unavailable", true) /* the server runs without its cache */   \
	X(VERSION_OLD, "version_old", false) /* an older server, asked to exit: passes */         \
	X(NOT_UTF8, "not_utf8", false) /* an argument or variable the protocol cannot carry */    \
	X(STDERR_CLOSED, "stderr_closed", false) /* the compiler's diagnostics would fail */      \
	X(REPLAY_FAILED, "replay_failed", false) /* a hit's stdout/stderr could not be written */

enum fallback_reason {
#define X(id, name, persistent) FALLBACK_##id,
	FALLBACK_REASONS(X)
#undef X
	        FALLBACK_COUNT
};

const char *fallback_reason_name(enum fallback_reason r);
bool fallback_reason_persists(enum fallback_reason r);
/* The reason named name, or -1. */
int fallback_reason_parse(const char *name);

/*
 * Append one record to dir/FALLBACK_FILE, rotating it when too large.
 * 0 or -errno. Cost: one open, one write, one fstat.
 */
int fallback_record(const char *dir, time_t when, enum fallback_reason r, const char *cwd,
                    const char *message, const char *session);

struct fallback_summary {
	uint64_t total;
	uint64_t count[FALLBACK_COUNT];
	time_t last_time; /* 0: none */
	enum fallback_reason last_reason;
	char last_cwd[4096];
	char last_message[1024];
};

/*
 * Add the records of dir (its file and the rotated one) written at or after
 * since (0: all), of session (NULL: any), to s, which the caller zeroes
 * first. Missing files count as empty. 0 or -errno.
 */
int fallback_read(const char *dir, time_t since, const char *session, struct fallback_summary *s);

/* Remove dir's records (zero-stats). */
void fallback_clear(const char *dir);

#endif
