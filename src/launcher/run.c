/* run: fork/exec the compiler, tee its output, forward signals, mirror its end. */
#include "run.h"
#include "clock.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid;

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

void run_write_all(int fd, const void *p, size_t n)
{
	(void)write_all(fd, p, n); /* a closed stdout is the caller's to notice */
}

/*
 * The compiler's stderr: a pipe, or, when ours is a terminal, a pseudo
 * terminal of the same width in raw mode (bytes pass unchanged). Compilers
 * cut diagnostics to the terminal's width and colour them only on a
 * terminal: through a pipe a miss would print other bytes than the bare
 * compiler. errp[0] is read, errp[1] given to the compiler.
 */
static int stderr_channel(int errp[2])
{
	struct winsize ws;
	struct termios t;
	int master, slave;
	char *name;

	if (!isatty(STDERR_FILENO))
		return pipe2(errp, O_CLOEXEC) < 0 ? -errno : 0;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    !(name = ptsname(master)) || (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		if (master >= 0)
			close(master);
		return pipe2(errp, O_CLOEXEC) < 0 ? -errno : 0;
	}
	if (tcgetattr(slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(slave, TCSANOW, &t);
	}
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(slave, TIOCSWINSZ, &ws);
	errp[0] = master;
	errp[1] = slave;
	return 0;
}

int run_captured(const char *compiler, char **argv, bool tee, struct run_result *res)
{
	int outp[2], errp[2], status, r;
	struct sigaction sa = {.sa_handler = forward_signal}, old[6];
	struct pollfd fds[2];
	int64_t start = monotonic_ms();
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(outp, O_CLOEXEC) < 0)
		return -errno;
	if ((r = stderr_channel(errp)) < 0) {
		close(outp[0]);
		close(outp[1]);
		return r;
	}
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, &old[i]);
	pid = fork();
	if (pid == 0) {
		for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
			sigaction(forwarded[i], &old[i], NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(outp[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		execv(compiler, argv);
		dprintf(STDERR_FILENO, "zccache: cannot execute %s: %s\n", compiler,
		        strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	r = pid < 0 ? -errno : 0;
	close(outp[1]);
	close(errp[1]);
	if (r < 0) {
		close(outp[0]);
		close(errp[0]);
		return r;
	}
	child_pid = pid;

	fds[0] = (struct pollfd){.fd = outp[0], .events = POLLIN};
	fds[1] = (struct pollfd){.fd = errp[0], .events = POLLIN};
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		char chunk[65536];

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			struct buf *keep = i == 0 ? &res->out : &res->err;
			ssize_t n;

			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			/* A pseudo terminal whose other side is closed: EIO, the end. */
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				continue;
			}
			if (tee)
				run_write_all(i == 0 ? STDOUT_FILENO : STDERR_FILENO, chunk,
				              (size_t)n);
			if (!res->overflow &&
			    res->out.len + res->err.len + (size_t)n <= RUN_CAPTURE_MAX)
				buf_append(keep, chunk, (size_t)n);
			else
				res->overflow = true;
		}
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 127 << 8;
			break;
		}
	}
	child_pid = 0;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &old[i], NULL);
	res->wait_status = status;
	res->duration_ms = monotonic_ms() - start;
	return 0;
}

void run_result_free(struct run_result *res)
{
	buf_free(&res->out);
	buf_free(&res->err);
}

_Noreturn void run_exit_like(int wait_status)
{
	if (WIFSIGNALED(wait_status)) {
		int sig = WTERMSIG(wait_status);
		struct rlimit no_core = {0, 0};
		sigset_t set;

		/* The compiler already dumped core if it was going to. */
		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		/* A signal whose default is to continue: report it like a shell. */
		exit(128 + sig);
	}
	exit(WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 1);
}
