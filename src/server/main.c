/*
 * zccached: the per-user cache server. Started by systemd through its socket,
 * by a launcher (autospawn) or by hand; serves requests on one libevent loop
 * and exits when idle, on SIGTERM or on a stop request.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "log.h"
#include "passwd.h"
#include "paths.h"
#include "server.h"
#include "zccache-config.h"

#define TICK_MS     1000
#define SYNC_MAX_MS 30000
#define GRACE_MS    5000
#define CONNS_CAP   4096u
#define DIR_FDS_MAX 256u
/* Descriptors kept for everything but connections (half, when the limit is low). */
#define FDS_RESERVED 64

static void usage(FILE *f)
{
	fprintf(f, "Usage: zccached [OPTION]...\n"
	           "The zccache server. Normally started by systemd (zccache.socket) or on\n"
	           "demand by zccache and zccachectl; you rarely run it by hand.\n"
	           "\n"
	           "  -f, --foreground  log to stderr instead of the journal or the log file\n"
	           "      --autospawned started by a client (reported by zccachectl status)\n"
	           "  -h, --help        show this help and exit\n"
	           "  -V, --version     show the version and exit\n"
	           "\n"
	           "Environment: ZCCACHE_SOCKET, ZCCACHE_DIR, ZCCACHE_CONFIG, XDG_RUNTIME_DIR,\n"
	           "XDG_CACHE_HOME, XDG_CONFIG_HOME, ZCCACHE_IDLE_TIMEOUT, ZCCACHE_LOG_LEVEL,\n"
	           "ZCCACHE_MAX_SIZE, ZCCACHE_COMPRESSION_LEVEL. See zccached(8).\n");
}

/* The autospawning client waits on this pipe for one line. */
static void tell_spawner(const char *line)
{
	const char *e = getenv("ZCCACHE_READY_FD");
	int fd;

	if (!e)
		return;
	fd = atoi(e);
	if (fd > 2) {
		(void)!write(fd, line, strlen(line));
		(void)!write(fd, "\n", 1);
		close(fd);
	}
	unsetenv("ZCCACHE_READY_FD");
}

static void warn_config(const char *msg, void *ctx)
{
	log_warnx("%s", msg);
}

static void load_config(struct server *srv)
{
	struct config cfg;
	int r;

	config_defaults(&cfg);
	r = config_load_file(&cfg, srv->paths.config_file, warn_config, NULL);
	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "cannot read %s; using defaults",
		          srv->paths.config_file);
	config_load_env(&cfg, warn_config, NULL);
	if (cfg.source[CONFIG_MAX_SIZE] == CONFIG_SOURCE_DEFAULT)
		cfg.value[CONFIG_MAX_SIZE] = retention_default_max_size(srv->paths.cache_dir);
	srv->cfg = cfg;
	log_set_level((enum log_level)cfg.value[CONFIG_LOG_LEVEL]);
}

void server_reload_config(struct server *srv)
{
	load_config(srv);
	if (srv->cache)
		cache_configure(srv->cache, (int)srv->cfg.value[CONFIG_COMPRESSION_LEVEL],
		                srv->cfg.value[CONFIG_MAX_SIZE]);
	log_info("configuration loaded from %s", srv->paths.config_file);
}

void server_notify_status(struct server *srv)
{
	char status[128];
	uint64_t total = 0;

	for (int i = 0; i < PROTO_KIND_COUNT; i++)
		total += srv->requests[i];
	snprintf(status, sizeof(status), "STATUS=%s: %llu requests, %u connections",
	         srv->stopping ? "Stopping" : "Serving", (unsigned long long)total, srv->n_conns);
	if (strcmp(status, srv->last_status) != 0) {
		sd_notify(0, status);
		snprintf(srv->last_status, sizeof(srv->last_status), "%s", status);
	}
}

static void on_grace(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	log_warnx("%u connection(s) still busy after %d ms; exiting anyway", srv->n_conns,
	          GRACE_MS);
	event_base_loopexit(srv->base, NULL);
}

void server_shutdown(struct server *srv, const char *reason)
{
	struct timeval grace = {GRACE_MS / 1000, (GRACE_MS % 1000) * 1000};

	if (srv->stopping)
		return;
	srv->stopping = true;
	snprintf(srv->stop_reason, sizeof(srv->stop_reason), "%s", reason);
	log_info("shutting down: %s", reason);
	sd_notify(0, "STOPPING=1");
	listener_close(srv);
	conn_close_idle(srv);
	if (srv->n_conns == 0) {
		event_base_loopexit(srv->base, NULL);
		return;
	}
	srv->grace = evtimer_new(srv->base, on_grace, srv);
	if (srv->grace)
		evtimer_add(srv->grace, &grace);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	uint64_t idle = srv->cfg.value[CONFIG_IDLE_TIMEOUT];

	if (srv->stopping)
		return;
	if (idle > 0 && srv->n_busy == 0 &&
	    monotonic_ms() - srv->last_activity_ms >= (int64_t)idle * 1000) {
		char why[64];

		snprintf(why, sizeof(why), "idle for %llus", (unsigned long long)idle);
		server_shutdown(srv, why);
		return;
	}
	if (srv->cache) {
		/* The index reaches the disk when the server has been idle for a
		 * tick, or every SYNC_MAX_MS in a long build: a sync right after a
		 * big cold build can wait on the kernel writing back everything
		 * the build left dirty, and would stall the hits. */
		int64_t now = monotonic_ms();
		bool sync = now - srv->last_activity_ms >= TICK_MS ||
		            now - srv->synced_ms >= SYNC_MAX_MS;

		cache_flush_batches(srv->cache, sync);
		if (sync)
			srv->synced_ms = now;
		retention_tick(srv);
	}
	server_notify_status(srv);
}

void server_conn_lost(struct server *srv, struct conn *c)
{
	const char *token = conn_token(c);

	if (token && srv->cache)
		cache_abandon(srv->cache, token);
	explain_outcome(srv, token, "abandoned");
	conn_set_token(c, NULL);
	inflight_finish(srv, c);
}

static void open_cache(struct server *srv)
{
	char tmp[PATH_MAX + 8];
	struct cache_options o = {
	        .dir = srv->paths.cache_dir,
	        .tmp_dir = srv->paths.runtime_dir[0] ? tmp : NULL,
	        .compression_level = (int)srv->cfg.value[CONFIG_COMPRESSION_LEVEL],
	        .max_size = srv->cfg.value[CONFIG_MAX_SIZE],
	        .dir_fds = srv->dir_fds,
	};
	int r;

	/* Compiles write their depfiles beside the socket, off the cache disk. */
	snprintf(tmp, sizeof(tmp), "%s/tmp", srv->paths.runtime_dir);
	r = cache_open(&o, &srv->cache);

	if (r < 0) {
		/* Fail open: serve every compile as pass-through and say why. */
		snprintf(srv->cache_error, sizeof(srv->cache_error), "cannot open cache %s: %s",
		         srv->paths.cache_dir, strerror(-r));
		log_err("%s; compiles are passed through uncached", srv->cache_error);
		srv->cache = NULL;
	}
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	sd_notify(0, "WATCHDOG=1");
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading configuration");
		server_reload_config(srv);
		return;
	}
	server_shutdown(srv, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

/*
 * Allow one descriptor per connection up to the hard limit systemd gives us,
 * keeping some for the work itself: the index, the log, and the few files a
 * request opens while it is handled (a source, an artifact, an output). With
 * a small limit, half of it is kept back; with a cap of 256 under a limit of
 * 64 the server ran out of descriptors instead of pausing its listener.
 * The folder descriptors the cache keeps for its lookups (up to 256) come
 * out of the connections' share, a quarter of it at most: they once took
 * what the reserve was for, and a burst under a limit of 64 dropped
 * connections (out of descriptors) with the listener paused at its cap.
 */
static void raise_fd_limit(struct server *srv)
{
	struct rlimit rl;
	rlim_t reserve, avail;

	srv->max_conns = 256;
	srv->dir_fds = 0; /* the cache's default */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = CONNS_CAP + DIR_FDS_MAX + FDS_RESERVED;
	reserve = rl.rlim_cur / 2 < FDS_RESERVED ? rl.rlim_cur / 2 : FDS_RESERVED;
	avail = rl.rlim_cur > reserve ? rl.rlim_cur - reserve : 0;
	srv->dir_fds = avail / 4 < DIR_FDS_MAX ? (unsigned)(avail / 4) : DIR_FDS_MAX;
	avail -= srv->dir_fds;
	srv->max_conns = avail > CONNS_CAP ? CONNS_CAP : avail > 0 ? (unsigned)avail : 1;
}

static int setup_logging(struct server *srv)
{
	int r;

	if (srv->foreground) {
		log_open("zccached", LOG_TARGET_STDERR, NULL, false);
		return 0;
	}
	if (log_stderr_is_journal()) {
		log_open("zccached", LOG_TARGET_JOURNAL, NULL, false);
		return 0;
	}
	r = paths_ensure_private_dir(srv->paths.cache_dir, true);
	if (r < 0)
		return r;
	log_open("zccached", LOG_TARGET_FILE, srv->paths.log_file, false);
	return 0;
}

static void add_timer(struct server *srv, struct event **ev, event_callback_fn cb, uint64_t ms)
{
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};

	*ev = event_new(srv->base, -1, EV_PERSIST, cb, srv);
	if (*ev)
		event_add(*ev, &tv);
}

static void add_signal(struct server *srv, struct event **ev, int sig)
{
	*ev = evsignal_new(srv->base, sig, on_signal, srv);
	if (*ev)
		event_add(*ev, NULL);
}

static void server_free(struct server *srv)
{
	struct event *evs[] = {srv->tick,   srv->watchdog, srv->sigterm,
	                       srv->sigint, srv->sighup,   srv->grace};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	listener_close(srv);
	inflight_cancel_all(srv);
	identify_free(srv);
	journal_free(srv);
	explain_free(srv);
	verify_cancel(srv);
	cache_close(srv->cache);
	srv->cache = NULL;
	if (srv->pid_lock_fd >= 0)
		close(srv->pid_lock_fd);
	if (srv->base)
		event_base_free(srv->base);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"foreground", no_argument, NULL, 'f'},
	        {"autospawned", no_argument, NULL, 'A'},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	struct server srv = {.listen_fd = -1,
	                     .pid_lock_fd = -1,
	                     .spare_fd = -1,
	                     .activation = ACTIVATION_MANUAL};
	char err[PATH_MAX + 256];
	int c, r;

	while ((c = getopt_long(argc, argv, "fhV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			srv.foreground = true;
			break;
		case 'A':
			srv.activation = ACTIVATION_AUTOSPAWN;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("zccached %s (protocol %d)\n", ZCCACHE_VERSION, PROTO_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zccached: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	umask(077);
	signal(SIGPIPE, SIG_IGN);
	/* Past RLIMIT_FSIZE (a quota set with ulimit -f) a write must fail with
	 * EFBIG, which the cache handles like a full disk, not kill the server. */
	signal(SIGXFSZ, SIG_IGN);
	/* hashcache's probe for a file's writers takes a read lease for a
	 * moment: a writer opening then breaks it with SIGIO. */
	signal(SIGIO, SIG_IGN);
	paths_home_nss = passwd_home_nss;
	r = paths_resolve(&srv.paths);
	if (r < 0) {
		snprintf(err, sizeof(err),
		         "cannot resolve paths (ZCCACHE_SOCKET, ZCCACHE_DIR, HOME): %s",
		         strerror(-r));
		fprintf(stderr, "zccached: %s\n", err);
		tell_spawner(err);
		return 1;
	}
	r = setup_logging(&srv);
	if (r < 0) {
		paths_dir_problem(srv.paths.cache_dir, "cache folder", r, false, err, sizeof(err));
		fprintf(stderr, "zccached: %s\n", err);
		tell_spawner(err);
		return 1;
	}
	load_config(&srv);
	raise_fd_limit(&srv);

	open_cache(&srv);
	server_read_filesystem_view(&srv);
	srv.base = event_base_new();
	if (!srv.base)
		fatalx("cannot create the event loop");
	r = listener_open(&srv);
	if (r == -EBUSY) {
		/* Another server owns the socket: for a spawner that is success. */
		tell_spawner("busy");
		server_free(&srv);
		if (srv.activation == ACTIVATION_AUTOSPAWN)
			return 0;
		fprintf(stderr, "zccached: another server is already running on %s\n",
		        srv.paths.socket);
		return 1;
	}
	if (r < 0) {
		snprintf(err, sizeof(err), "cannot listen on %s: %s", srv.paths.socket,
		         strerror(-r));
		fprintf(stderr, "zccached: %s\n", err);
		tell_spawner(err);
		sd_notifyf(0, "STATUS=%s\nERRNO=%d", err, -r);
		server_free(&srv);
		return 1;
	}

	srv.started_at = time(NULL);
	srv.started_ms = srv.last_activity_ms = monotonic_ms();
	add_timer(&srv, &srv.tick, on_tick, TICK_MS);
	if (sd_watchdog_enabled(0, &srv.watchdog_usec) > 0)
		add_timer(&srv, &srv.watchdog, on_watchdog, srv.watchdog_usec / 2000);
	add_signal(&srv, &srv.sigterm, SIGTERM);
	add_signal(&srv, &srv.sigint, SIGINT);
	add_signal(&srv, &srv.sighup, SIGHUP);

	log_info("zccached %s listening on %s (%s), cache %s, pid %ld, at most %u connections",
	         ZCCACHE_VERSION, srv.socket_path,
	         srv.activation == ACTIVATION_SOCKET      ? "socket-activated"
	         : srv.activation == ACTIVATION_AUTOSPAWN ? "autospawned"
	                                                  : "manual",
	         srv.paths.cache_dir, (long)getpid(), srv.max_conns);
	sd_notify(0, "READY=1");
	server_notify_status(&srv);
	tell_spawner("ready");

	event_base_dispatch(srv.base);

	log_info("exiting (%s)", srv.stop_reason[0] ? srv.stop_reason : "loop ended");
	server_free(&srv);
	log_close();
	return 0;
}
