/*
 * req_compile: a launcher asks what to do with one compiler invocation: a
 * hit (outputs already in place), run-and-store (a miss), or run (not
 * cacheable). An identical miss already being compiled by another launcher
 * is joined: this one waits for that store, then is answered from the cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "cache.h"
#include "log.h"
#include "reasons.h"
#include "server.h"

/* How long a joined compile waits for the first one before compiling itself. */
#define JOIN_TIMEOUT_S 120

struct waiter {
	struct waiter *next;
	struct server *srv;
	struct inflight *in;
	struct conn *conn;
	json_t *req;
	struct event *timer;
};

struct inflight {
	struct inflight *next;
	struct digest key;
	struct conn *owner;
	struct waiter *waiters;
};

static void handle(struct server *srv, struct conn *c, json_t *req, bool may_join);

/*
 * The launcher must see the same files we do: paths in its request are
 * resolved, and outputs written, in our mount namespace and root. A client in
 * a container of the same uid (toolbox, distrobox) shares the socket but not
 * /usr/include; its compiles run uncached. Unknown counts as different.
 */
void server_read_filesystem_view(struct server *srv)
{
	struct stat st;
	ssize_t n = readlink("/proc/self/ns/mnt", srv->mnt_ns, sizeof(srv->mnt_ns) - 1);

	srv->mnt_ns[n > 0 ? n : 0] = '\0';
	if (stat("/", &st) == 0) {
		srv->root_dev = st.st_dev;
		srv->root_ino = st.st_ino;
	}
}

static bool same_filesystem_view(const struct server *srv, pid_t pid)
{
	char path[64], theirs[64];
	struct stat b;
	ssize_t m;

	if (pid <= 0 || !srv->mnt_ns[0])
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", (long)pid);
	m = readlink(path, theirs, sizeof(theirs) - 1);
	if (m <= 0 || (size_t)m != strlen(srv->mnt_ns) ||
	    memcmp(srv->mnt_ns, theirs, (size_t)m) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
	return stat(path, &b) == 0 && b.st_dev == srv->root_dev && b.st_ino == srv->root_ino;
}

/*
 * The compiler runs in the launcher's folder, so a hit must resolve the
 * command's relative paths (-o ../x.o, -MF d/x.d) there too. A request whose
 * cwd names another folder (sent by hand, or from a launcher that is not
 * ours) would have the server write where the compiler never would: it runs
 * uncached instead. Compared by inode, so a cwd reached through a symlink
 * still matches.
 */
static bool cwd_is_peers(pid_t pid, const char *cwd)
{
	char path[64];
	struct stat mine, theirs;

	snprintf(path, sizeof(path), "/proc/%ld/cwd", (long)pid);
	return stat(path, &theirs) == 0 && stat(cwd, &mine) == 0 && S_ISDIR(mine.st_mode) &&
	       mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

static const char *env_lookup(void *ctx, const char *name)
{
	return json_string_value(json_object_get(ctx, name));
}

static size_t env_names(void *ctx, const char **names, size_t max)
{
	const char *name;
	json_t *value;
	size_t n = 0;

	json_object_foreach((json_t *)ctx, name, value)
	{
		if (!json_is_string(value))
			continue;
		if (n < max)
			names[n] = name;
		n++;
	}
	return n;
}

json_t *compile_run_reply(const char *reason)
{
	json_t *reply = proto_reply_new();

	json_object_set_new(reply, "action", json_string("run"));
	json_object_set_new(reply, "store", json_false());
	json_object_set_new(reply, "reason", json_string(reason));
	return reply;
}

/* Run it as is: the client's view of the files is not the server's. */
static void refuse_peer(struct server *srv, struct conn *c, json_t *req, enum cache_reason why,
                        const char *detail)
{
	const char *reason = cache_reason_name(why);
	char counter[64];

	snprintf(counter, sizeof(counter), "uncacheable.%s", reason);
	cache_count(srv->cache, counter, 1);
	explain_record(srv, c, req, "uncacheable", reason, detail, NULL);
	journal_compile(srv, req, "uncacheable", reason, NULL, 0, 0);
	conn_reply(c, compile_run_reply(reason));
}

json_t *compile_hit_reply(struct cache_decision *d)
{
	json_t *reply = proto_reply_new();
	struct buf b = BUF_INIT;

	json_object_set_new(reply, "action", json_string("hit"));
	json_object_set_new(reply, "exit", json_integer(d->exit_code));
	b64_encode(d->out.data, d->out.len, &b);
	json_object_set_new(reply, "stdout", json_string(b.len ? (char *)b.data : ""));
	buf_reset(&b);
	b64_encode(d->err.data, d->err.len, &b);
	json_object_set_new(reply, "stderr", json_string(b.len ? (char *)b.data : ""));
	buf_free(&b);
	return reply;
}

json_t *compile_store_reply(struct cache_decision *d)
{
	json_t *reply = proto_reply_new(), *argv = json_array();

	for (char **v = d->run_argv; v && *v; v++)
		json_array_append_new(argv, json_string(*v));
	json_object_set_new(reply, "action", json_string("run"));
	json_object_set_new(reply, "store", json_true());
	json_object_set_new(reply, "token", json_string(d->token));
	json_object_set_new(reply, "argv", argv);
	if (d->echoes_command)
		json_object_set_new(reply, "echoes_command", json_true());
	if (d->settle)
		json_object_set_new(reply, "settle", json_true());
	if (d->private_object) {
		json_object_set_new(reply, "private_dir", json_string(d->private_dir));
		json_object_set_new(reply, "private_object", json_string(d->private_object));
		json_object_set_new(reply, "final_object", json_string(d->final_object));
	}
	return reply;
}

/* Preprocessor mode: the launcher runs the -E and reports what it made
 * (req_preprocessed.c). */
static json_t *preprocess_reply(struct cache_decision *d)
{
	json_t *reply = proto_reply_new(), *argv = json_array();

	for (char **v = d->run_argv; v && *v; v++)
		json_array_append_new(argv, json_string(*v));
	json_object_set_new(reply, "action", json_string("preprocess"));
	json_object_set_new(reply, "token", json_string(d->token));
	json_object_set_new(reply, "argv", argv);
	json_object_set_new(reply, "output", json_string(d->preprocessed));
	if (d->scan_asm)
		json_object_set_new(reply, "scan_asm", json_true());
	if (d->asm_source)
		json_object_set_new(reply, "asm_source", json_true());
	return reply;
}

/* Several sources: the launcher asks for each alone (multi_source.h). */
static json_t *split_reply(struct cache_decision *d)
{
	json_t *reply = proto_reply_new(), *sources = json_array();

	for (size_t i = 0; i < d->n_sources; i++)
		json_array_append_new(sources, json_integer((json_int_t)d->sources[i]));
	json_object_set_new(reply, "action", json_string("split"));
	json_object_set_new(reply, "sources", sources);
	return reply;
}

static struct inflight *inflight_find(struct server *srv, const struct digest *key)
{
	for (struct inflight *in = srv->inflight; in; in = in->next)
		if (digest_equal(&in->key, key))
			return in;
	return NULL;
}

static void waiter_free(struct waiter *w)
{
	if (w->timer)
		event_free(w->timer);
	json_decref(w->req);
	free(w);
}

static void unlink_waiter(struct waiter *w)
{
	if (!w->in)
		return;
	for (struct waiter **pp = &w->in->waiters; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	w->in = NULL;
}

/* Waited long enough: compile on its own, without joining again. */
static void on_join_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct waiter *w = arg;

	unlink_waiter(w);
	log_info("joined compile of pid %ld timed out; compiling it separately",
	         (long)conn_peer_pid(w->conn));
	handle(w->srv, w->conn, w->req, false);
	waiter_free(w);
}

static bool join(struct server *srv, struct conn *c, json_t *req, struct inflight *in)
{
	struct timeval tv = {JOIN_TIMEOUT_S, 0};
	struct waiter *w = calloc(1, sizeof(*w));
	json_t *wait;

	if (!w)
		return false;
	w->timer = evtimer_new(srv->base, on_join_timeout, w);
	if (!w->timer) {
		free(w);
		return false;
	}
	w->srv = srv;
	w->in = in;
	w->conn = c;
	w->req = json_incref(req);
	w->next = in->waiters;
	in->waiters = w;
	evtimer_add(w->timer, &tv);
	/* Tell the launcher we are alive and how long to give us. */
	wait = proto_reply_new();
	json_object_set_new(wait, "action", json_string("wait"));
	json_object_set_new(wait, "timeout_ms", json_integer((JOIN_TIMEOUT_S + 30) * 1000));
	conn_send_interim(c, wait);
	cache_count(srv->cache, "joined", 1);
	return true;
}

/* The owner's miss is over (stored, failed or abandoned): answer the waiters. */
void inflight_finish(struct server *srv, struct conn *owner)
{
	struct inflight **pp, *in = NULL;
	struct waiter *w, *next;

	for (pp = &srv->inflight; *pp; pp = &(*pp)->next) {
		if ((*pp)->owner == owner) {
			in = *pp;
			*pp = in->next;
			break;
		}
	}
	if (!in)
		return;
	for (w = in->waiters; w; w = next) {
		next = w->next;
		w->in = NULL;
		handle(srv, w->conn, w->req, false);
		waiter_free(w);
	}
	free(in);
}

void inflight_cancel_all(struct server *srv)
{
	while (srv->inflight)
		inflight_finish(srv, srv->inflight->owner);
}

static void handle(struct server *srv, struct conn *c, json_t *req, bool may_join)
{
	json_t *argv = json_object_get(req, "argv"), *arg;
	const char *compiler = proto_get_str(req, "compiler");
	struct cache_decision d;
	struct cache_request cr;
	const char **args;
	struct inflight *in;
	size_t i, n = json_array_size(argv);
	int64_t started_ms;
	uint64_t saved_before;
	int r;

	if (!srv->cache) {
		const char *reason = cache_reason_name(CACHE_REASON_CACHE_UNAVAILABLE);
		json_t *reply = compile_run_reply(reason);

		/* The launcher says this one on stderr: it persists until fixed. */
		json_object_set_new(reply, "message", json_string(srv->cache_error));
		explain_record(srv, c, req, "uncacheable", reason, srv->cache_error, NULL);
		journal_compile(srv, req, "uncacheable", reason, NULL, 0, 0);
		conn_reply(c, reply);
		return;
	}
	if (!same_filesystem_view(srv, conn_peer_pid(c))) {
		refuse_peer(srv, c, req, CACHE_REASON_FOREIGN_NAMESPACE,
		            "the client is in another mount namespace or root");
		return;
	}
	if (!cwd_is_peers(conn_peer_pid(c), proto_get_str(req, "cwd"))) {
		refuse_peer(srv, c, req, CACHE_REASON_FOREIGN_CWD,
		            "cwd is not the folder the client runs in");
		return;
	}
	if (identify_park(srv, c, req, compiler))
		return;
	args = calloc(n + 1, sizeof(*args));
	if (!args) {
		conn_reply(c, compile_run_reply("error"));
		return;
	}
	json_array_foreach(argv, i, arg) args[i] = json_string_value(arg);
	cr = (struct cache_request){
	        .compiler = compiler,
	        .argc = (int)n,
	        .argv = args,
	        .cwd = proto_get_str(req, "cwd"),
	        .getenv = env_lookup,
	        .env_names = env_names,
	        .env_ctx = json_object_get(req, "env"),
	        .stderr_tty = proto_get_bool(req, "stderr_tty", 0),
	        .umask = (mode_t)(proto_get_int(req, "umask", 022) & 0777),
	        .part = proto_get_bool(req, "part", 0),
	        .silent_only = proto_get_bool(req, "silent_only", 0),
	        .stdout_unwritable = proto_get_bool(req, "stdout_unwritable", 0),
	        .stderr_unwritable = proto_get_bool(req, "stderr_unwritable", 0),
	        .can_split = proto_get_bool(req, "split", 0),
	};
	started_ms = monotonic_ms();
	saved_before = journal_saved_before(srv);
	r = cache_lookup(srv->cache, &cr, &d);
	free(args);
	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "lookup failed for pid %ld; it compiles uncached",
		          (long)conn_peer_pid(c));
	switch (d.action) {
	case CACHE_HIT:
		journal_compile(srv, req, "hit", "", NULL, monotonic_ms() - started_ms,
		                journal_saved_before(srv) - saved_before);
		conn_reply(c, compile_hit_reply(&d));
		break;
	case CACHE_RUN:
		log_debug("pid %ld: not cacheable: %s", (long)conn_peer_pid(c), d.explain);
		explain_record(srv, c, req, "uncacheable", d.reason, d.explain, NULL);
		journal_compile(srv, req, "uncacheable", d.reason, NULL, 0, 0);
		conn_reply(c, compile_run_reply(d.reason));
		break;
	case CACHE_SPLIT:
		/* No journal line: each source's own request makes one. */
		conn_reply(c, split_reply(&d));
		break;
	case CACHE_PREPROCESS:
		/* Not joined: two identical commands may preprocess differently
		 * (that is why they are here); the outcome comes with the store. */
		explain_record(srv, c, req, "miss", d.route, d.explain, d.token);
		journal_compile(srv, req, "preprocessor", d.route, d.token, 0, 0);
		conn_set_token(c, d.token);
		conn_reply(c, preprocess_reply(&d));
		break;
	case CACHE_RUN_STORE:
		in = may_join ? inflight_find(srv, &d.key) : NULL;
		if (in && in->owner != c && join(srv, c, req, in)) {
			cache_abandon(srv->cache, d.token);
			break;
		}
		if (!inflight_find(srv, &d.key)) {
			in = calloc(1, sizeof(*in));
			if (in) {
				in->key = d.key;
				in->owner = c;
				in->next = srv->inflight;
				srv->inflight = in;
			}
		}
		explain_record(srv, c, req, "miss", "miss", d.explain, d.token);
		journal_compile(srv, req, "miss", "", d.token, 0, 0);
		conn_set_token(c, d.token);
		conn_reply(c, compile_store_reply(&d));
		break;
	}
	cache_decision_free(&d);
}

void compile_resume(struct server *srv, struct conn *c, json_t *req)
{
	handle(srv, c, req, true);
}

void req_compile(struct server *srv, struct conn *c, json_t *req)
{
	handle(srv, c, req, true);
}
