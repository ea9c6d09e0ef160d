/*
 * listener: the listening socket (passed by systemd, or bound by us under a
 * pid-file lock so two servers never fight over one path), accepting, the
 * peer-uid check, and staying alive when out of file descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "server.h"

/* How long a new server waits for an exiting one to drop the pid lock. */
#define PID_LOCK_WAIT_MS 2000

static void refuse_peer(struct server *srv, int fd, const struct ucred *cred)
{
	static const char msg[] = "permission denied: zccached serves only its own user";
	json_t *err = proto_error_new("permission", "%s", msg);
	struct buf b = BUF_INIT;

	srv->refused_peers++;
	log_warnx("refused connection from pid %ld uid %u: not our user (uid %u)", (long)cred->pid,
	          (unsigned)cred->uid, (unsigned)geteuid());
	/* Best effort: tell the peer why, without ever blocking on it. */
	if (err && proto_encode(err, &b) == 0)
		(void)!send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	buf_free(&b);
	json_decref(err);
	close(fd);
}

static void accept_one(struct server *srv, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warn("SO_PEERCRED on new connection");
		close(fd);
		return;
	}
	if (cred.uid != geteuid()) {
		refuse_peer(srv, fd, &cred);
		return;
	}
	if (conn_accept(srv, fd, cred.pid) < 0)
		close(fd);
	if (srv->n_conns >= srv->max_conns && srv->listener && !srv->listener_paused) {
		static int64_t last_log;

		/* Under a burst the listener pauses and resumes for every
		 * connection; once in 10 s says it. */
		if (last_log == 0 || monotonic_ms() - last_log > 10000) {
			log_warnx("connection limit (%u) reached; new connections wait in the "
			          "backlog",
			          srv->max_conns);
			last_log = monotonic_ms();
		}
		evconnlistener_disable(srv->listener);
		srv->listener_paused = true;
	}
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                      int socklen, void *arg)
{
	accept_one(arg, fd);
}

/*
 * Out of descriptors: accept() keeps failing and the socket stays readable,
 * so drop one pending connection using the spare descriptor we keep for
 * exactly this, rather than spin. The dropped launcher falls back to the
 * compiler, so the build goes on.
 */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
	struct server *srv = arg;
	int err = EVUTIL_SOCKET_ERROR();
	static int64_t last_log;
	int fd;

	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		if (err != EINTR && err != EAGAIN && err != ECONNABORTED)
			log_errno(LOG_LEVEL_WARNING, err, "accept");
		return;
	}
	if (srv->spare_fd >= 0) {
		close(srv->spare_fd);
		srv->spare_fd = -1;
	}
	fd = accept(evconnlistener_get_fd(l), NULL, NULL);
	if (fd >= 0) {
		close(fd);
		srv->dropped_conns++;
	}
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (monotonic_ms() - last_log > 10000) {
		log_errno(LOG_LEVEL_WARNING, err, "out of file descriptors; dropping connections");
		last_log = monotonic_ms();
	}
}

void listener_resume(struct server *srv)
{
	if (srv->listener_paused && srv->listener && srv->n_conns < srv->max_conns) {
		evconnlistener_enable(srv->listener);
		srv->listener_paused = false;
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {0, (long)ms * 1000000};

	nanosleep(&ts, NULL);
}

/* Hold the pid-file lock for our whole life; a second server cannot. */
static int take_pid_lock(struct server *srv)
{
	char pid[32];
	int fd, waited = 0, n;

	fd = open(srv->paths.pid_file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("cannot open %s", srv->paths.pid_file);
		return -errno;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || waited >= PID_LOCK_WAIT_MS) {
			char other[32] = "";

			n = (int)pread(fd, other, sizeof(other) - 1, 0);
			other[n > 0 ? n : 0] = '\0';
			other[strcspn(other, "\n")] = '\0';
			log_notice("another zccached (pid %s) owns %s", other[0] ? other : "?",
			           srv->paths.socket);
			close(fd);
			return -EBUSY;
		}
		sleep_ms(20);
		waited += 20;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("cannot write %s", srv->paths.pid_file);
	srv->pid_lock_fd = fd;
	return 0;
}

/*
 * Bind under a temporary name and rename it into place once listening, so
 * that a client never finds a socket file nobody listens on yet. rename()
 * also replaces a stale socket left by a crashed server; we hold the pid lock,
 * so it cannot be a live one.
 */
static int bind_socket(struct server *srv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char tmp[PATH_MAX + 32];
	struct stat st;
	bool direct;
	int fd, r;

	/* A short name in the same folder; when even that does not fit, bind the
	 * final path directly (clients then may see one refused connect, which
	 * they retry). */
	snprintf(tmp, sizeof(tmp), "%s/.zc%ld", srv->paths.runtime_dir, (long)getpid());
	direct = strlen(tmp) >= sizeof(sa.sun_path);
	if (direct) {
		snprintf(tmp, sizeof(tmp), "%s", srv->paths.socket);
		if (strlen(tmp) >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, tmp);
	unlink(tmp);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(tmp, 0600) < 0 ||
	    listen(fd, SOMAXCONN) < 0 || (!direct && rename(tmp, srv->paths.socket) < 0) ||
	    stat(srv->paths.socket, &st) < 0) {
		r = -errno;
		log_errno(LOG_LEVEL_ERR, r, "cannot listen on %s", srv->paths.socket);
		unlink(tmp);
		close(fd);
		return r;
	}
	srv->owns_socket_path = true;
	srv->socket_ino = st.st_ino;
	snprintf(srv->socket_path, sizeof(srv->socket_path), "%s", srv->paths.socket);
	return fd;
}

static int activated_socket(struct server *srv)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	int n = sd_listen_fds(1);

	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	if (n > 1)
		log_warnx("systemd passed %d sockets; serving only the first", n);
	if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, NULL, 0) <= 0) {
		log_err("the socket passed by systemd is not a listening Unix stream socket");
		return -EINVAL;
	}
	if (getsockname(SD_LISTEN_FDS_START, (struct sockaddr *)&sa, &len) == 0 &&
	    len > offsetof(struct sockaddr_un, sun_path))
		snprintf(srv->socket_path, sizeof(srv->socket_path), "%s", sa.sun_path);
	evutil_make_socket_nonblocking(SD_LISTEN_FDS_START);
	evutil_make_socket_closeonexec(SD_LISTEN_FDS_START);
	return SD_LISTEN_FDS_START;
}

int listener_open(struct server *srv)
{
	int fd, r;

	fd = activated_socket(srv);
	if (fd >= 0) {
		srv->activation = ACTIVATION_SOCKET;
	} else if (fd != -ENOENT) {
		return fd;
	} else {
		r = paths_ensure_socket_dir(srv->paths.runtime_dir, true);
		if (r < 0) {
			char why[PATH_MAX + 160];

			paths_dir_problem(srv->paths.runtime_dir, "socket folder", r, true, why,
			                  sizeof(why));
			log_err("%s", why);
			return r;
		}
		r = take_pid_lock(srv);
		if (r < 0)
			return r;
		fd = bind_socket(srv);
		if (fd < 0)
			return fd;
	}
	srv->listen_fd = fd;
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	srv->listener =
	        evconnlistener_new(srv->base, on_accept, srv, LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (!srv->listener) {
		log_err("cannot watch the listening socket");
		return -ENOMEM;
	}
	evconnlistener_set_error_cb(srv->listener, on_accept_error);
	return 0;
}

/*
 * Stop accepting. A socket we bound is unlinked first (only if it is still
 * ours) so that the next client starts a fresh server instead of queueing on
 * a socket nobody will accept from. A systemd socket is left to systemd,
 * which queues connections and starts us again.
 */
void listener_close(struct server *srv)
{
	struct stat st;

	if (srv->owns_socket_path && stat(srv->paths.socket, &st) == 0 &&
	    st.st_ino == srv->socket_ino)
		unlink(srv->paths.socket);
	srv->owns_socket_path = false;
	if (srv->listener) {
		evconnlistener_free(srv->listener);
		srv->listener = NULL;
	}
	if (srv->activation != ACTIVATION_SOCKET && srv->listen_fd >= 0) {
		int fd;

		/* Serve what already queued on the unlinked socket, then close it. */
		while ((fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			accept_one(srv, fd);
		close(srv->listen_fd);
	}
	srv->listen_fd = -1;
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	srv->spare_fd = -1;
}
