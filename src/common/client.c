/* client: blocking frame I/O with deadlines, connect and autospawn. */
#include "client.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "proto.h"
#include "zccache-config.h"

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Remaining time before deadline for poll(); -1 means no deadline. */
static int remaining(long long deadline)
{
	long long left;

	if (deadline < 0)
		return -1;
	left = deadline - monotonic_ms();
	return left < 0 ? 0 : (int)left;
}

int client_connect_once(const char *socket_path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, r;

	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int client_server_path(char *out, size_t n)
{
	const char *env = getenv("ZCCACHE_SERVER");
	char self[4096], *slash;
	ssize_t len;
	static const char *const rel[] = {"/zccached", "/../server/zccached"};

	if (env && *env) {
		snprintf(out, n, "%s", env);
		return access(out, X_OK) == 0 ? 0 : -errno;
	}
	/* Beside our own binary first: an installed tree or the build tree. */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				if ((size_t)snprintf(out, n, "%s%s", self, rel[i]) < n &&
				    access(out, X_OK) == 0)
					return 0;
			}
		}
	}
	if ((size_t)snprintf(out, n, "%s/zccached", ZCCACHE_BINDIR) >= n)
		return -ENAMETOOLONG;
	return access(out, X_OK) == 0 ? 0 : -ENOENT;
}

/*
 * Start zccached detached from us: its own session, no inherited descriptors
 * (a make jobserver pipe or the build's stdout held open by a daemon would
 * hang the build), stdio on /dev/null. The server writes one line to the
 * readiness pipe when it listens ("ready") or cannot ("busy", an error);
 * EOF without a line means it died or could not be executed.
 */
extern char **environ;

/*
 * The server's own environment, from the launcher's: what it needs to find
 * its files and programs and to report, never a build's (make's and cargo's
 * jobserver, CFLAGS, RUSTFLAGS...): every compile sends what matters for it,
 * and the server's probes of a compiler must not see one build's values.
 * The same server started by systemd gets no more than this either.
 */
static bool server_keeps(const char *var)
{
	static const char *const names[] = {
	        "PATH=",           "HOME=",   "USER=", "LOGNAME=",         "TMPDIR=",
	        "LANG=",           "LC_ALL=", "TZ=",   "XDG_RUNTIME_DIR=", "XDG_CACHE_HOME=",
	        "XDG_CONFIG_HOME="};
	static const char *const prefixes[] = {"ZCCACHE_", "ASAN_", "UBSAN_", "LSAN_"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(var, names[i], strlen(names[i])) == 0)
			return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(var, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* In the child, before exec: drop every variable server_keeps() does not. */
static void keep_server_environment(void)
{
	size_t n = 0;

	for (size_t i = 0; environ[i]; i++)
		if (server_keeps(environ[i]))
			environ[n++] = environ[i];
	environ[n] = NULL;
}

static int spawn_server(const char *server, int *ready_fd)
{
	int pfd[2], status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		char fdenv[32];
		int nul;

		setsid();
		if (fork() != 0)
			_exit(0);
		if (chdir("/") < 0)
			_exit(127);
		nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		/* The readiness pipe becomes fd 3; everything else is closed. */
		if (dup2(pfd[1], 3) < 0)
			_exit(127);
		close_range(4, ~0U, 0);
		snprintf(fdenv, sizeof(fdenv), "%d", 3);
		keep_server_environment();
		setenv("ZCCACHE_READY_FD", fdenv, 1);
		signal(SIGPIPE, SIG_DFL);
		execl(server, "zccached", "--autospawned", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*ready_fd = pfd[0];
	return 0;
}

/* Read the server's readiness line. Returns 1 ready, 0 busy, -errno. */
static int wait_ready(int fd, long long deadline, char *why, size_t whylen)
{
	char line[256];
	size_t got = 0;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;
		int r = poll(&p, 1, remaining(deadline));

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			snprintf(why, whylen, "server did not become ready in time");
			return -ETIMEDOUT;
		}
		n = read(fd, line + got, sizeof(line) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(line, '\n', got) || got == sizeof(line) - 1)
			break;
	}
	line[got] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "ready") == 0)
		return 1;
	if (strcmp(line, "busy") == 0)
		return 0;
	snprintf(why, whylen, "server failed to start: %s",
	         got ? line : "it exited or could not be executed");
	return -ECHILD;
}

int client_connect(const struct zc_paths *p, bool autospawn, char *why, size_t whylen)
{
	char server[4096];
	const char *tmo = getenv("ZCCACHE_SPAWN_TIMEOUT_MS");
	long long deadline;
	int fd, lock, r, backoff = 1;
	bool spawned = false;

	fd = client_connect_once(p->socket);
	if (fd >= 0)
		return fd;
	snprintf(why, whylen, "cannot connect to %s: %s", p->socket, strerror(-fd));
	/* Only a missing or dead socket means "no server"; anything else is final. */
	if (!autospawn || (fd != -ENOENT && fd != -ECONNREFUSED))
		return fd;

	r = paths_ensure_socket_dir(p->runtime_dir, true);
	if (r < 0) {
		paths_dir_problem(p->runtime_dir, "socket folder", r, true, why, whylen);
		return CLIENT_ERR_SOCKET_DIR;
	}
	r = client_server_path(server, sizeof(server));
	if (r < 0) {
		if (getenv("ZCCACHE_SERVER") && *getenv("ZCCACHE_SERVER"))
			snprintf(why, whylen,
			         "the server program %s (ZCCACHE_SERVER) cannot be run: %s", server,
			         strerror(-r));
		else
			snprintf(why, whylen,
			         "the server program zccached was not found beside zccache nor in "
			         "%s (install it, or set ZCCACHE_SERVER to its path)",
			         ZCCACHE_BINDIR);
		return CLIENT_ERR_NO_SERVER;
	}
	lock = open(p->spawn_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0) {
		r = -errno;
		snprintf(why, whylen, "cannot open %s: %s", p->spawn_lock, strerror(errno));
		return r;
	}
	deadline = monotonic_ms() + (tmo ? atoi(tmo) : CLIENT_SPAWN_TIMEOUT_MS);
	for (;;) {
		if (!spawned && flock(lock, LOCK_EX | LOCK_NB) == 0) {
			int ready = -1;

			/* Whoever held the lock before us may have started one. */
			fd = client_connect_once(p->socket);
			if (fd >= 0)
				break;
			r = spawn_server(server, &ready);
			if (r < 0) {
				snprintf(why, whylen, "cannot start %s: %s", server, strerror(-r));
				fd = CLIENT_ERR_SPAWN;
				break;
			}
			spawned = true;
			r = wait_ready(ready, deadline, why, whylen);
			close(ready);
			if (r < 0) {
				fd = CLIENT_ERR_SPAWN;
				break;
			}
		}
		fd = client_connect_once(p->socket);
		if (fd >= 0)
			break;
		if (monotonic_ms() >= deadline) {
			snprintf(why, whylen, "no server answered at %s within the spawn timeout",
			         p->socket);
			fd = CLIENT_ERR_SPAWN;
			break;
		}
		sleep_ms(backoff);
		if (backoff < 50)
			backoff *= 2;
	}
	close(lock); /* releases the flock */
	return fd;
}

int client_send(int fd, json_t *msg, int timeout_ms)
{
	struct buf b = BUF_INIT;
	long long deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
	size_t off = 0;
	int r = proto_encode(msg, &b);

	while (r == 0 && off < b.len) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		ssize_t n;
		int pr = poll(&p, 1, remaining(deadline));

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			r = -ETIMEDOUT;
			break;
		}
		n = send(fd, b.data + off, b.len - off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	buf_free(&b);
	return r;
}

int client_recv(int fd, json_t **msg, int timeout_ms)
{
	struct buf b = BUF_INIT;
	long long deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
	size_t used, want;
	int r;

	*msg = NULL;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		r = proto_decode(b.data, b.len, &used, msg);
		if (r != 0)
			break;
		r = poll(&p, 1, remaining(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			r = -ETIMEDOUT;
			break;
		}
		/* Never past this frame: the next one (a reply after a "wait" or
		 * progress frame) is for the next call. */
		if (b.len < PROTO_HEADER_SIZE)
			want = PROTO_HEADER_SIZE - b.len;
		else
			want = PROTO_HEADER_SIZE +
			       ((size_t)b.data[0] << 24 | (size_t)b.data[1] << 16 |
			        (size_t)b.data[2] << 8 | b.data[3]) -
			       b.len;
		r = buf_reserve(&b, want);
		if (r < 0)
			break;
		n = recv(fd, b.data + b.len, want, 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = -errno;
			break;
		}
		if (n == 0) {
			r = -ECONNRESET;
			break;
		}
		b.len += (size_t)n;
	}
	buf_free(&b);
	return r < 0 ? r : 0;
}

int client_request(int fd, json_t *req, json_t **reply, int timeout_ms)
{
	int r = client_send(fd, req, timeout_ms);

	/* A server that refuses us (another uid, a frame too large) answers and
	 * closes before reading everything: its answer says why, so read it. */
	if (r == -EPIPE || r == -ECONNRESET) {
		if (client_recv(fd, reply, 1000) == 0)
			return 0;
		return r;
	}
	if (r < 0)
		return r;
	return client_recv(fd, reply, timeout_ms);
}
