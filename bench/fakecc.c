/* Two stand-in compilers and a timer for bench/bench.py.
 *
 * Built as "touchcc" (default): the floor of a build. It only creates its
 * outputs: an empty -o file and, when asked for one (-MD/-MMD, -MF, -MQ/-MT),
 * a depfile naming the source, so that make and ninja (deps = gcc) accept it.
 *
 * Built with -DFILL as a fake "gcc" that zccache can cache: it answers the
 * identification queries the server makes (-dumpversion, -dumpmachine,
 * -print-prog-name=, -x LANG -E -v -) and writes a small object holding the
 * source's bytes, plus the depfile. Used to fill the cache with 100 000
 * entries in minutes instead of the hours real gcc would take.
 *
 * Built with -DSPAWNLOOP as "spawnloop [-u PATH]... N PROGRAM ARG...":
 * posix_spawn PROGRAM N times, one after the other, and print the mean wall
 * time of one run in nanoseconds: the exec floor, without Python's own
 * overhead. Each -u PATH is unlinked before every run (timed too, a few
 * microseconds), so that each run creates its outputs anew as in a build
 * from clean: ext4 flushes a file truncated and rewritten in place
 * (auto_da_alloc), which would cost the floor milliseconds a build never
 * pays, and a cache that leaves same bytes alone would skip writing.
 *
 * Built with -DREPLAY as "replaycc record|replay SNAPDIR COMPILER ARG...": the
 * warm floor of a real project's build. record runs the compiler, then
 * copies a compile's object (-o X.o, relative) and its depfile (-MF F,
 * -Wp,-MD,F or -Wp,-MMD,F) under SNAPDIR; replay copies them back when they
 * are there, as a perfect cache would at the cost of one exec and a copy.
 * Every other call that reads no stdin (Kbuild's cc-option probes, --version,
 * -print-file-name) is recorded too, by its arguments (a probe's .tmp_PID
 * folder left out) and folder, when it writes nothing the build keeps (no
 * depfile, output none, /dev/null or the probe's): its exit status, stdout
 * and stderr, replayed as they were, since a real cache answers those probes too (a floor that
 * ran them was slower than the caches' warm builds). The rest runs the
 * compiler.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(REPLAY)
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>

static int mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;

	if (in < 0)
		return -1;
	out = open(to, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	return close(out) < 0 || n < 0 ? -1 : 0;
}

/* The outputs a compile names: its object (relative .o only: probes write
 * to /dev/null or /tmp) and its depfile, or NULL. */
static void outputs(int argc, char **argv, const char **obj, const char **dep, int *compile)
{
	*obj = *dep = NULL;
	*compile = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0)
			*compile = 1;
		else if (strcmp(a, "-o") == 0 && i + 1 < argc)
			*obj = argv[++i];
		else if (strcmp(a, "-MF") == 0 && i + 1 < argc)
			*dep = argv[++i];
		else if (strncmp(a, "-Wp,-MD,", 8) == 0)
			*dep = a + 8;
		else if (strncmp(a, "-Wp,-MMD,", 9) == 0)
			*dep = a + 9;
	}
	/* A probe's object (Kbuild's .tmp_PID/tmp.o) is a probe call. */
	if (*obj && ((*obj)[0] == '/' || strlen(*obj) < 3 ||
	             strcmp(*obj + strlen(*obj) - 2, ".o") || strstr(*obj, ".tmp_")))
		*obj = NULL;
}

/* A call's key: FNV-1a over its folder and arguments, a probe's .tmp_NNN
 * (Kbuild's per-process folder) read as .tmp_ so that it matches. */
static uint64_t call_key(int argc, char **argv)
{
	char cwd[PATH_MAX];
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	for (int i = -1; i < argc; i++) {
		for (p = i < 0 ? cwd : argv[i]; *p; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
			if (strncmp(p, ".tmp_", 5) == 0) {
				p += 4;
				while (p[1] >= '0' && p[1] <= '9')
					p++;
			}
		}
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

/* Reads its stdin (a "-" argument): not recorded, its input is unknown. */
static int reads_stdin(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			return 1;
	return 0;
}

static int cat_file(const char *path, int to)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(to, buf, (size_t)n) != n)
			break;
	close(fd);
	return 0;
}

/* Replay a recorded call: its stdout, stderr and exit status; an output it
 * names (-o) is created empty, as a probe's caller only looks at the status. */
static int replay_call(const char *snap, uint64_t key, const char *obj_any)
{
	char p[PATH_MAX];
	FILE *f;
	int rc, n;

	snprintf(p, sizeof(p), "%s/calls/%016llx.rc", snap, (unsigned long long)key);
	if (!(f = fopen(p, "r")))
		return -1;
	n = fscanf(f, "%d", &rc);
	fclose(f);
	if (n != 1 || rc < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/calls/%016llx.out", snap, (unsigned long long)key);
	cat_file(p, 1);
	snprintf(p, sizeof(p), "%s/calls/%016llx.err", snap, (unsigned long long)key);
	cat_file(p, 2);
	if (rc == 0 && obj_any && strcmp(obj_any, "/dev/null") != 0) {
		int fd = open(obj_any, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	return rc;
}

/* The -o argument, whatever it names, or NULL. */
static const char *any_output(int argc, char **argv)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], "-o") == 0)
			return argv[i + 1];
	return NULL;
}

/* A call whose output nobody keeps: none, /dev/null, or a probe's .tmp_
 * folder. Others (-S, -E into a file the build uses) run the compiler. */
static int probe_output(const char *o)
{
	return !o || strcmp(o, "/dev/null") == 0 || strstr(o, ".tmp_") != NULL;
}

int main(int argc, char **argv)
{
	const char *obj, *dep;
	char a[PATH_MAX], b[PATH_MAX];
	int compile, st, record_call = 0;
	int out_fd = -1, err_fd = -1;
	uint64_t key = 0;
	pid_t pid;

	if (argc < 4)
		return 2;
	outputs(argc - 3, argv + 3, &obj, &dep, &compile);
	if (compile && obj && (!dep || dep[0] != '/') && strcmp(argv[1], "replay") == 0) {
		snprintf(a, sizeof(a), "%s/%s", argv[2], obj);
		if (access(a, R_OK) == 0 && copy_file(a, obj) == 0) {
			if (dep) {
				snprintf(b, sizeof(b), "%s/%s", argv[2], dep);
				if (copy_file(b, dep) < 0)
					return 1;
			}
			return 0;
		}
	}
	if (!(compile && obj) && !dep && probe_output(any_output(argc - 3, argv + 3)) &&
	    !reads_stdin(argc - 3, argv + 3)) {
		key = call_key(argc - 3, argv + 3);
		if (strcmp(argv[1], "replay") == 0) {
			int rc = replay_call(argv[2], key, any_output(argc - 3, argv + 3));

			if (rc >= 0)
				return rc;
		} else {
			snprintf(a, sizeof(a), "%s/calls/x", argv[2]);
			if (mkdir_parents(a) == 0) {
				snprintf(a, sizeof(a), "%s/calls/%016llx.out", argv[2],
				         (unsigned long long)key);
				snprintf(b, sizeof(b), "%s/calls/%016llx.err", argv[2],
				         (unsigned long long)key);
				out_fd = open(a, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
				err_fd = open(b, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
				record_call = out_fd >= 0 && err_fd >= 0;
			}
		}
	}
	pid = fork();
	if (pid == 0) {
		if (record_call && (dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0))
			_exit(127);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	if (record_call) {
		FILE *f;

		/* Pass the call's output on, then note its status. */
		snprintf(a, sizeof(a), "%s/calls/%016llx.out", argv[2], (unsigned long long)key);
		cat_file(a, 1);
		snprintf(a, sizeof(a), "%s/calls/%016llx.err", argv[2], (unsigned long long)key);
		cat_file(a, 2);
		snprintf(a, sizeof(a), "%s/calls/%016llx.rc", argv[2], (unsigned long long)key);
		if (WIFEXITED(st) && (f = fopen(a, "w"))) {
			fprintf(f, "%d\n", WEXITSTATUS(st));
			fclose(f);
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	if (compile && obj && strcmp(argv[1], "record") == 0) {
		snprintf(a, sizeof(a), "%s/%s", argv[2], obj);
		if (mkdir_parents(a) < 0 || copy_file(obj, a) < 0)
			return 1;
		if (dep && dep[0] != '/') {
			snprintf(b, sizeof(b), "%s/%s", argv[2], dep);
			if (mkdir_parents(b) < 0 || copy_file(dep, b) < 0)
				return 1;
		}
	}
	return 0;
}
#elif defined(SPAWNLOOP)
extern char **environ;

int main(int argc, char **argv)
{
	struct timespec a, b;
	long n, i;
	int first = 1;

	while (first + 1 < argc && !strcmp(argv[first], "-u"))
		first += 2;
	if (argc < first + 2)
		return 2;
	n = atol(argv[first]);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		pid_t pid;
		int st;

		for (int u = 1; u < first; u += 2)
			unlink(argv[u + 1]);
		if (posix_spawn(&pid, argv[first + 1], NULL, NULL, argv + first + 1, environ) != 0)
			return 1;
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
#else
static int write_all(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ssize_t w = 0;

	if (fd < 0)
		return -1;
	if (len)
		w = write(fd, data, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *mf = NULL, *mt = NULL, *src = NULL, *asdep = NULL;
	char dbuf[8192], defmf[4096];
	int md = 0, i, n;

#ifdef FILL
	if (argc == 2 && !strcmp(argv[1], "-dumpversion"))
		return puts("12"), 0;
	if (argc == 2 && !strcmp(argv[1], "-dumpmachine"))
		return puts("x86_64-linux-gnu"), 0;
	if (argc == 2 && !strncmp(argv[1], "-print-prog-name=", 17)) {
		/* Like gcc: the programs it runs, by absolute path (it runs
		 * none but itself). */
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return 1;
		self[n] = 0;
		return puts(self), 0;
	}
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-E")) {
			fputs("#include <...> search starts here:\nEnd of search list.\n", stderr);
			return 0;
		}
#endif
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(a, "-MF") && i + 1 < argc)
			mf = argv[++i];
		else if ((!strcmp(a, "-MQ") || !strcmp(a, "-MT")) && i + 1 < argc)
			mt = argv[++i];
		else if (!strcmp(a, "-MD") || !strcmp(a, "-MMD"))
			md = 1;
		else if (!strncmp(a, "-Wa,--MD,", 9))
			asdep = a + 9;
		else if ((!strcmp(a, "-I") || !strcmp(a, "-D") || !strcmp(a, "-x") ||
		          !strcmp(a, "-include")) &&
		         i + 1 < argc)
			i++;
		else if (a[0] != '-')
			src = a;
	}
	if (!out)
		return 0;
#ifdef FILL
	{
		char obj[4096];
		int fd, len = snprintf(obj, sizeof(obj), "FAKEOBJ %s\n", src ? src : "");

		if (src && (fd = open(src, O_RDONLY)) >= 0) {
			ssize_t r = read(fd, obj + len, sizeof(obj) - len);

			if (r > 0)
				len += r;
			close(fd);
		}
		if (write_all(out, obj, len) < 0)
			return 1;
	}
#else
	if (write_all(out, NULL, 0) < 0)
		return 1;
#endif
	/* Like GNU as under -Wa,--MD: its input, which it read. */
	if (asdep) {
		n = snprintf(dbuf, sizeof(dbuf), "%s: %s\n", out, src ? src : "");
		if (write_all(asdep, dbuf, (size_t)n) < 0)
			return 1;
	}
	if (!md && !mf)
		return 0;
	if (!mf) {
		const char *dot = strrchr(out, '.');
		size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - out) : strlen(out);

		snprintf(defmf, sizeof(defmf), "%.*s.d", (int)stem, out);
		mf = defmf;
	}
	n = snprintf(dbuf, sizeof(dbuf), "%s: %s\n", mt ? mt : out, src ? src : "");
	return write_all(mf, dbuf, (size_t)n) < 0 ? 1 : 0;
}
#endif
