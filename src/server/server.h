/*
 * server.h: the one struct that holds all of zccached's state, passed
 * explicitly; and the calls the server's modules make on each other.
 */
#ifndef ZCCACHED_SERVER_H
#define ZCCACHED_SERVER_H

#include <event2/event.h>
#include <event2/listener.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "clock.h"
#include "config.h"
#include "paths.h"
#include "proto.h"

enum activation {
	ACTIVATION_SOCKET,    /* systemd passed us the listening socket */
	ACTIVATION_AUTOSPAWN, /* a launcher or zccachectl started us */
	ACTIVATION_MANUAL,    /* started by hand */
};

struct conn;
struct cache;
struct inflight;
struct explain_log;
struct verify_job;
struct identify;
struct journal;

struct server {
	struct event_base *base;
	struct zc_paths paths;
	struct config cfg;
	enum activation activation;
	bool foreground;

	/* Listening */
	int listen_fd;
	bool owns_socket_path; /* we bound it, so we unlink it on exit */
	ino_t socket_ino;
	char socket_path[PATHS_SOCKET_MAX];
	int pid_lock_fd;
	int spare_fd; /* closed to accept-and-drop when out of descriptors */
	struct evconnlistener *listener;
	bool listener_paused;

	/* Connections */
	struct conn *conns;
	unsigned n_conns;
	unsigned max_conns;
	unsigned dir_fds; /* folder descriptors the cache may keep (0: its default) */
	unsigned n_busy;  /* connections with a request being handled */

	/* Timers and signals */
	struct event *tick, *watchdog, *sigterm, *sigint, *sighup, *grace;
	uint64_t watchdog_usec;

	/* Life */
	time_t started_at;
	int64_t started_ms, last_activity_ms;
	int64_t synced_ms; /* when the index was last flushed to disk */
	bool stopping;
	char stop_reason[64];

	/* The cache engine; NULL when it could not be opened (then every
	 * compile is passed through, and status says why). */
	struct cache *cache;
	char cache_error[PATH_MAX + 128];
	struct inflight *inflight; /* misses being compiled, for joining */
	/* Our own filesystem view, read once: a client must share it. */
	char mnt_ns[64];
	dev_t root_dev;
	ino_t root_ino;
	struct explain_log *explain; /* the last non-hits, for explain (req_explain.c) */
	struct verify_job *verify;   /* a verify in progress (req_verify.c) */
	struct identify *identify;   /* compilers being identified (identify.c) */
	struct journal *journal;     /* the compile journal (journal.c) */

	/* Counters kept in memory (the cache's own stats live in the index). */
	uint64_t requests[PROTO_KIND_COUNT];
	uint64_t bad_requests, refused_peers, dropped_conns;
	char last_status[128];
	/* retention.c */
	int64_t expired_ms;      /* last max_age scan */
	uint64_t disk_full_seen; /* error.disk_full when room was last made */
};

/* listener.c */
int listener_open(struct server *srv);
void listener_close(struct server *srv);
void listener_resume(struct server *srv);

/* conn.c */
/* Send reply (reference stolen) for the request conn is handling. */
void conn_reply(struct conn *c, json_t *reply);
/* Send an error reply and close the connection once it is written. */
void conn_fail(struct conn *c, json_t *reply);
int conn_accept(struct server *srv, int fd, pid_t peer_pid);
void conn_close_idle(struct server *srv);
pid_t conn_peer_pid(const struct conn *c);
/* Send a frame without ending the request (a "wait" before a joined reply). */
void conn_send_interim(struct conn *c, json_t *msg);
/* conn_send_interim, written at once: for progress from work that holds the
 * loop (a trim or flush). */
void conn_send_now(struct conn *c, json_t *msg);
/* Progress of long work, for a client that asked ("progress": true): at
 * most every PROGRESS_EVERY_MS, and always the first. */
#define PROGRESS_EVERY_MS 100
json_t *progress_frame(const char *what, uint64_t done, uint64_t total);
/* The miss this connection is compiling, so a lost connection abandons it. */
void conn_set_token(struct conn *c, const char *token);
const char *conn_token(const struct conn *c);
/* The connection went away (or the server stops) with a token still set. */
void server_conn_lost(struct server *srv, struct conn *c);
/* Record our mount namespace and root for same_filesystem_view (req_compile.c). */
void server_read_filesystem_view(struct server *srv);

/* dispatch.c */
void dispatch_request(struct server *srv, struct conn *c, json_t *req);

/* req_compile.c: joining identical concurrent misses */
void inflight_finish(struct server *srv, struct conn *owner);
void inflight_cancel_all(struct server *srv);
/* Handle a compile request again (a parked one whose compiler is known now). */
void compile_resume(struct server *srv, struct conn *c, json_t *req);
/* The replies to a compile, shared with req_preprocessed.c. */
struct cache_decision;
json_t *compile_run_reply(const char *reason);
json_t *compile_hit_reply(struct cache_decision *d);
json_t *compile_store_reply(struct cache_decision *d);

/* identify.c: park a compile whose compiler is not identified yet, and
 * identify it on a thread (true), or let the caller go on (false). */
bool identify_park(struct server *srv, struct conn *c, json_t *req, const char *compiler);
void identify_free(struct server *srv);

/* req_explain.c: the last EXPLAIN_MAX compiles that were not hits. kind is
 * "miss" (token set: run and stored) or "uncacheable" (run as is); reason is
 * the stats name; detail the engine's explanation (reason when empty). */
#define EXPLAIN_MAX 100
void explain_record(struct server *srv, struct conn *c, json_t *req, const char *kind,
                    const char *reason, const char *detail, const char *token);
/* What became of the miss under token: "stored", why it was not, "abandoned". */
void explain_outcome(struct server *srv, const char *token, const char *outcome);
void explain_free(struct server *srv);

/* req_verify.c: stop a verify in progress without answering it. */
void verify_cancel(struct server *srv);

/* journal.c: one line per compile with journal = on. A miss (token set)
 * is written when journal_outcome names its end. */
bool journal_enabled(const struct server *srv);
void journal_compile(struct server *srv, json_t *req, const char *outcome, const char *reason,
                     const char *token, int64_t duration_ms, uint64_t saved_ms);
void journal_outcome(struct server *srv, const char *token, const char *outcome);
/* time_saved_ms now, when the journal is on: a hit's saving is the change. */
uint64_t journal_saved_before(struct server *srv);
void journal_free(struct server *srv);

/* retention.c: eviction on the tick (max_size, max_age, a full disk). */
void retention_tick(struct server *srv);
/* max_size when none is configured: 10 % of dir's filesystem, 1-50 GiB. */
uint64_t retention_default_max_size(const char *dir);

/* main.c */
void server_shutdown(struct server *srv, const char *reason);
void server_reload_config(struct server *srv);
void server_notify_status(struct server *srv);

/* Request handlers, one file each (req_*.c). */
typedef void request_handler(struct server *srv, struct conn *c, json_t *req);
#define REQUEST_HANDLER_(id, name, handler, ...) request_handler handler;
PROTO_KINDS(REQUEST_HANDLER_)
#undef REQUEST_HANDLER_

#endif
