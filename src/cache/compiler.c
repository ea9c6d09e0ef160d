/* compiler: identity digests and built-in include paths, cached per binary. */
#include "compiler.h"
#include "clock.h"
#include "driver_scan.h"
#include "family.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

#define IDENTIFY_TIMEOUT_MS 10000
/* A compiler that could not be identified is asked again after this, not on
 * every compile: a hung one would otherwise cost each compile the timeout. */
#define FAILURE_RETRY_MS 60000
/* More output than any compiler prints for -dumpversion or -E -v: a
 * "compiler" that talks without end (yes) must not fill our memory. */
#define CAPTURE_MAX (1u << 20)

struct compiler_result {
	struct compiler_result *next;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int error;             /* 0, or why identification failed */
	int64_t identified_ms; /* when (monotonic) */
	struct compiler_info info;
};

/* One answer of compiler_builtin_dirs, by the digest of what was asked. */
struct builtin_memo {
	struct builtin_memo *next;
	struct digest key;
	int status;  /* the exit status */
	char *text;  /* what it printed */
	bool parsed; /* dirs, n hold the folders of text */
	char **dirs;
	size_t n;
	/* What the driver scanned for the answer (driver_scan.h), for a
	 * question about include folders: the answer stands while it holds. */
	struct driver_scan *scan;
};

#define BUILTIN_MEMO_MAX 256

struct compiler_cache {
	struct compiler_result *list;
	struct builtin_memo *builtins;
	size_t n_builtins;
};

int compiler_cache_new(struct compiler_cache **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void info_free(struct compiler_info *ci)
{
	free(ci->path);
	free(ci->version);
	free(ci->machine);
	for (int l = 0; l < COMPILER_LANG_COUNT; l++) {
		for (size_t i = 0; i < ci->n_sysdirs[l]; i++)
			free(ci->sysdirs[l][i]);
		free(ci->sysdirs[l]);
	}
}

static void builtin_memo_free(struct builtin_memo *m)
{
	driver_scan_free(m->scan);
	free(m->text);
	for (size_t i = 0; i < m->n; i++)
		free(m->dirs[i]);
	free(m->dirs);
	free(m);
}

void compiler_cache_free(struct compiler_cache *cc)
{
	struct compiler_result *c, *next;

	if (!cc)
		return;
	while (cc->builtins) {
		struct builtin_memo *m = cc->builtins;

		cc->builtins = m->next;
		builtin_memo_free(m);
	}
	for (c = cc->list; c; c = next) {
		next = c->next;
		info_free(&c->info);
		free(c);
	}
	free(cc);
}

/* The variables that move a compiler's include folders or programs: a
 * probe sets them from the request, never from the server's environment. */
static const char *const search_env[] = {
        "CPATH",           "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH",
        "GCC_EXEC_PREFIX", "COMPILER_PATH"};

/*
 * In a question's child: drop the server's own variables that a family's
 * env_prefixes name (an autospawned server has its first launcher's
 * EM_*): the question sees the request's probe_env only.
 */
static void unset_family_prefixed(void)
{
	extern char **environ;
	char name[256];

	for (char **e = environ; *e;) {
		size_t len = strcspn(*e, "=");
		bool named = false;

		for (size_t i = 0; families[i] && !named; i++)
			named = family_env_prefixed(families[i], *e, len);
		if (!named || len >= sizeof(name)) {
			e++;
			continue;
		}
		memcpy(name, *e, len);
		name[len] = '\0';
		unsetenv(name);
		e = environ; /* unsetenv moved the entries: from the start */
	}
}

/* In the child of run_capture: stdout and stderr into the pipe's write end
 * out_fd, stdin from /dev/null, an environment that makes the answer
 * parse-stable plus the request's own (env), then the compiler. */
static _Noreturn void exec_probe(char *const argv[], const char *cwd, char *const *env, int out_fd)
{
	int nul = open("/dev/null", O_RDONLY);

	if (nul >= 0)
		dup2(nul, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(out_fd, STDERR_FILENO);
	/* The server ignores these; the compiler runs as from a shell. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	/* Parse-stable output: no translations, no colours. */
	setenv("LC_ALL", "C", 1);
	for (size_t i = 0; families[i]; i++)
		if (families[i]->color_env)
			unsetenv(families[i]->color_env);
	for (size_t i = 0; i < sizeof(search_env) / sizeof(search_env[0]); i++)
		unsetenv(search_env[i]);
	/* Nor what the server's own environment says to any family's
	 * driver: a request's values come in env. */
	for (size_t i = 0; families[i]; i++) {
		const struct family *f = families[i];

		for (size_t k = 0; f->probe_env && f->probe_env[k]; k++)
			unsetenv(f->probe_env[k]);
		for (size_t k = 0; f->uncacheable_env && f->uncacheable_env[k]; k++)
			unsetenv(f->uncacheable_env[k]);
	}
	unset_family_prefixed();
	/* A question is no job of a build's: an autospawned server inherits
	 * cargo's jobserver variable without its descriptors, and rustc would
	 * answer with a warning about them. */
	unsetenv("CARGO_MAKEFLAGS");
	for (size_t i = 0; env && env[i]; i++)
		putenv(env[i]);
	if (cwd && chdir(cwd) < 0)
		_exit(127);
	execv(argv[0], argv);
	_exit(127);
}

/* The folder of questions without a cwd of their own (one per server). */
static char *probe_folder;

void compiler_set_probe_folder(const char *dir)
{
	free(probe_folder);
	probe_folder = dir ? strdup(dir) : NULL;
}

static int run_capture(char *const argv[], const char *cwd, char *const *env, char **out,
                       int timeout_ms)
{
	struct buf b = BUF_INIT;
	int p[2], status, r = 0;
	int64_t deadline = monotonic_ms() + timeout_ms;
	pid_t pid;

	*out = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0)
		exec_probe(argv, cwd ? cwd : probe_folder, env, p[1]);
	close(p[1]);
	for (;;) {
		struct pollfd pfd = {.fd = p[0], .events = POLLIN};
		int64_t left = deadline - monotonic_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			kill(pid, SIGKILL);
			r = -ETIMEDOUT;
			break;
		}
		/* Interrupted: a blocking read could outlast the deadline. */
		if (!pfd.revents)
			continue;
		if (b.len >= CAPTURE_MAX) {
			kill(pid, SIGKILL);
			r = -E2BIG;
			break;
		}
		if (buf_reserve(&b, 4096) < 0) {
			r = -ENOMEM;
			break;
		}
		n = read(p[0], b.data + b.len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b.len += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	buf_terminate(&b);
	*out = (char *)b.data;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int compiler_run_capture(char *const argv[], char **out, int timeout_ms)
{
	return run_capture(argv, NULL, NULL, out, timeout_ms);
}

/* First line of a command's output, or NULL. */
static char *first_line(const char *path, const char *arg)
{
	char *argv[] = {(char *)path, (char *)arg, NULL}, *out, *nl;

	if (compiler_run_capture(argv, &out, IDENTIFY_TIMEOUT_MS) != 0) {
		free(out);
		return NULL;
	}
	nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	return out;
}

/*
 * One line of a compiler's `-E -v` output, cut in place: the folder it
 * names when it stands in the "#include <...> search starts here:" list
 * (leading spaces and clang's framework mark gone: those folders do not
 * apply here), else NULL. *in_list is set at the list's start, *end at its
 * end.
 */
static char *search_list_dir(char *line, bool *in_list, bool *end)
{
	char *fw;

	if (strncmp(line, "#include <...> search starts here:", 34) == 0) {
		*in_list = true;
		return NULL;
	}
	if (strncmp(line, "End of search list.", 19) == 0) {
		*end = true;
		return NULL;
	}
	if (!*in_list)
		return NULL;
	while (*line == ' ')
		line++;
	if ((fw = strstr(line, " (framework directory)")))
		*fw = '\0';
	return line;
}

/* The "#include <...> search starts here:" list of `path -x lang -E -v -`. */
static int read_sysdirs(const char *path, const char *lang, char ***dirs, size_t *n)
{
	char *argv[] = {(char *)path, "-x", (char *)lang, "-E", "-v", "-", NULL}, *out, *line,
	     *save = NULL;
	bool in_list = false, end = false;
	size_t cap = 0;

	*dirs = NULL;
	*n = 0;
	if (compiler_run_capture(argv, &out, IDENTIFY_TIMEOUT_MS) != 0) {
		free(out);
		return -EPROTO;
	}
	for (line = strtok_r(out, "\n", &save); line && !end; line = strtok_r(NULL, "\n", &save)) {
		char real[PATH_MAX], *p = search_list_dir(line, &in_list, &end);

		if (!p || !realpath(p, real))
			continue;
		if (*n + 2 > cap) {
			char **grown = realloc(*dirs, (cap = cap ? cap * 2 : 8) * sizeof(char *));

			if (!grown)
				break;
			*dirs = grown;
		}
		if (((*dirs)[*n] = strdup(real)))
			(*n)++;
		/* clang prints /usr/bin/../lib/gcc/...: its depfiles spell it so too. */
		if (strcmp(p, real) != 0 && ((*dirs)[*n] = strdup(p)))
			(*n)++;
	}
	free(out);
	return 0;
}

/* Hash a helper program the driver runs for the real work (gcc: cc1, cc1plus), if any. */
static void hash_sub_program(struct hasher *h, const char *path, const char *prog)
{
	char arg[64], *where;
	struct digest d;

	snprintf(arg, sizeof(arg), "-print-prog-name=%s", prog);
	where = first_line(path, arg);
	if (where && where[0] == '/' && digest_file(where, &d) == 0) {
		hasher_update_str(h, prog);
		hasher_update(h, d.bytes, sizeof(d.bytes));
	}
	free(where);
}

/*
 * One of identify()'s four questions (version, machine, the C and the C++
 * include folders). Each is a start of the driver, and emcc's is a Python
 * start (0.35 s bare, about 1 s through a pyenv shim): asked one after the
 * other they cost a server's first emcc compile seconds, so they are asked
 * at once, each on a thread of its own. arg set: its first line; else lang:
 * its search list.
 */
struct identity_probe {
	const char *path, *arg, *lang;
	pthread_t thread;
	bool started;
	char *line;
	char **dirs;
	size_t n;
};

static void *identity_probe_run(void *arg)
{
	struct identity_probe *q = arg;

	if (q->arg)
		q->line = first_line(q->path, q->arg);
	else
		read_sysdirs(q->path, q->lang, &q->dirs, &q->n);
	return NULL;
}

/* The four questions at once into ci (a thread that cannot start asks in
 * this one). */
static void identity_probes(const char *path, const struct family *fam, struct compiler_info *ci)
{
	struct identity_probe q[] = {
	        {.path = path, .arg = fam ? fam->version_arg : "-dumpversion"},
	        {.path = path, .arg = fam ? fam->machine_arg : "-dumpmachine"},
	        {.path = path, .lang = "c"},
	        {.path = path, .lang = "c++"},
	};
	size_t nq = sizeof(q) / sizeof(q[0]);

	for (size_t i = 1; i < nq; i++)
		q[i].started = pthread_create(&q[i].thread, NULL, identity_probe_run, &q[i]) == 0;
	identity_probe_run(&q[0]);
	for (size_t i = 1; i < nq; i++) {
		if (q[i].started)
			pthread_join(q[i].thread, NULL);
		else
			identity_probe_run(&q[i]);
	}
	ci->version = q[0].line;
	ci->machine = q[1].line;
	ci->sysdirs[COMPILER_LANG_C] = q[2].dirs;
	ci->n_sysdirs[COMPILER_LANG_C] = q[2].n;
	ci->sysdirs[COMPILER_LANG_CXX] = q[3].dirs;
	ci->n_sysdirs[COMPILER_LANG_CXX] = q[3].n;
}

static int identify(const char *path, struct compiler_info *ci)
{
	const struct family *fam;
	char real[PATH_MAX];
	struct hasher *h;
	struct digest bin;
	int r;

	if (!realpath(path, real))
		return -errno;
	r = digest_file(real, &bin);
	if (r < 0)
		return r;
	ci->family = args_family_from_name(real);
	if (ci->family == COMPILER_UNKNOWN)
		ci->family = args_family_from_name(path);
	fam = family_of(ci->family);
	ci->path = strdup(path);
	identity_probes(path, fam, ci);
	if (!ci->path || !ci->version || !ci->machine || !ci->version[0] || !ci->machine[0])
		return -EPROTO;
	h = hasher_new();
	if (!h)
		return -ENOMEM;
	hasher_update_str(h, "zccache-compiler-v1");
	hasher_update(h, bin.bytes, sizeof(bin.bytes));
	hasher_update_str(h, ci->version);
	hasher_update_str(h, ci->machine);
	for (size_t i = 0; fam && fam->identity_programs && fam->identity_programs[i]; i++)
		hash_sub_program(h, path, fam->identity_programs[i]);
	hasher_final(h, &ci->id);
	hasher_free(h);
	return 0;
}

/* Does c describe the binary st, and is its answer still good? */
static bool still_valid(const struct compiler_result *c, const struct stat *st)
{
	return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
	       c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       c->ctime.tv_sec == st->st_ctim.tv_sec && c->ctime.tv_nsec == st->st_ctim.tv_nsec &&
	       (c->error == 0 || monotonic_ms() - c->identified_ms < FAILURE_RETRY_MS);
}

static struct compiler_result *find(struct compiler_cache *cc, const char *path)
{
	for (struct compiler_result *c = cc->list; c; c = c->next)
		if (strcmp(c->info.path, path) == 0)
			return c;
	return NULL;
}

bool compiler_known(struct compiler_cache *cc, const char *path)
{
	struct stat st;
	struct compiler_result *c;

	/* Not there: compiler_identify answers at once, without running it. */
	if (stat(path, &st) < 0)
		return true;
	c = find(cc, path);
	return c && still_valid(c, &st);
}

struct compiler_result *compiler_compute(const char *path)
{
	struct compiler_result *c = calloc(1, sizeof(*c));
	struct stat st;

	if (!c)
		return NULL;
	/* The stat before the runs: a binary replaced meanwhile is seen next time. */
	if (stat(path, &st) < 0) {
		c->error = -errno;
	} else {
		c->dev = st.st_dev;
		c->ino = st.st_ino;
		c->size = st.st_size;
		c->mtime = st.st_mtim;
		c->ctime = st.st_ctim;
		c->error = identify(path, &c->info);
	}
	if (!c->info.path)
		c->info.path = strdup(path);
	if (!c->info.path) {
		info_free(&c->info);
		free(c);
		return NULL;
	}
	c->identified_ms = monotonic_ms();
	return c;
}

void compiler_result_free(struct compiler_result *c)
{
	if (!c)
		return;
	info_free(&c->info);
	free(c);
}

void compiler_cache_add(struct compiler_cache *cc, struct compiler_result *c)
{
	struct compiler_result **pp;

	for (pp = &cc->list; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->info.path, c->info.path) == 0) {
			struct compiler_result *old = *pp;

			*pp = old->next;
			compiler_result_free(old);
			break;
		}
	}
	c->next = cc->list;
	cc->list = c;
	if (c->error < 0)
		log_errno(LOG_LEVEL_WARNING, c->error, "cannot identify compiler %s", c->info.path);
	else
		log_info("compiler %s: %s %s for %s", c->info.path, family_name(c->info.family),
		         c->info.version, c->info.machine);
}

int compiler_identify(struct compiler_cache *cc, const char *path, const struct compiler_info **out)
{
	struct compiler_result *c;
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	c = find(cc, path);
	if (!c || !still_valid(c, &st)) {
		/* Not known, or the binary changed (an upgrade): identify it afresh. */
		c = compiler_compute(path);
		if (!c)
			return -ENOMEM;
		compiler_cache_add(cc, c);
	}
	if (c->error < 0)
		return c->error;
	*out = &c->info;
	return 0;
}

/* ---- built-in include folders under a command's options ------------------ */

static int push_dir(char ***dirs, size_t *n, const char *d)
{
	char **g = realloc(*dirs, (*n + 2) * sizeof(char *));

	if (!g)
		return -ENOMEM;
	*dirs = g;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(g[i], d) == 0)
			return 0;
	if (!(g[*n] = strdup(d)))
		return -ENOMEM;
	(*n)++;
	g[*n] = NULL;
	return 0;
}

/*
 * The folders of `-E -v`: first those it ignored as nonexistent (where they
 * would go if created is not printed; first is where a new header there
 * would surely be noticed), then the "#include <...>" list as printed.
 */
static int parse_builtins(char *out, char ***dirs, size_t *n)
{
	char *line, *save = NULL, **listed = NULL;
	size_t n_listed = 0;
	bool in_list = false, end = false;
	int r = 0;

	for (line = strtok_r(out, "\n", &save); line && r == 0 && !end;
	     line = strtok_r(NULL, "\n", &save)) {
		static const char ignoring[] = "ignoring nonexistent directory \"";
		char *p, *quote;

		if (strncmp(line, ignoring, sizeof(ignoring) - 1) == 0) {
			p = line + sizeof(ignoring) - 1;
			if ((quote = strrchr(p, '"')))
				*quote = '\0';
			r = push_dir(dirs, n, p);
		} else if ((p = search_list_dir(line, &in_list, &end))) {
			r = push_dir(&listed, &n_listed, p);
		}
	}
	for (size_t i = 0; i < n_listed; i++) {
		if (r == 0)
			r = push_dir(dirs, n, listed[i]);
		free(listed[i]);
	}
	free(listed);
	return r;
}

/* Is v an absolute path, or a colon-separated list of them? */
static bool all_absolute(const char *v)
{
	for (const char *p = v; p; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL)
		if (*p != '/')
			return false;
	return true;
}

/*
 * Can the answer to a question under opts and env not depend on the folder
 * it is asked in? Then one answer serves every folder of a build (a
 * recursive make asks from each), and a hit in a new folder after a server
 * restart does not pay a question. Only options known to name no file,
 * and paths that are absolute; anything else is asked per folder.
 */
static bool cwd_free(char *const *opts, size_t n_opts, char *const *env)
{
	static const char *const flags[] = {
	        "-m",           "--target=",     "-stdlib=", "-nostdinc",
	        "-nostdlibinc", "-nobuiltininc", "-pthread", "-ansi"};
	static const char *const abs_joined[] = {"--sysroot=", "--gcc-toolchain=", "-isysroot"};
	static const char *const abs_separate[] = {"--sysroot", "-isysroot", "--gcc-toolchain"};

	for (size_t i = 0; i < n_opts; i++) {
		const char *o = opts[i];
		bool ok = false;

		for (size_t k = 0; !ok && k < sizeof(flags) / sizeof(flags[0]); k++)
			ok = strncmp(o, flags[k], strlen(flags[k])) == 0;
		for (size_t k = 0; !ok && k < sizeof(abs_separate) / sizeof(abs_separate[0]); k++)
			if (strcmp(o, abs_separate[k]) == 0 && i + 1 < n_opts &&
			    opts[i + 1][0] == '/') {
				ok = true;
				i++;
			}
		for (size_t k = 0; !ok && k < sizeof(abs_joined) / sizeof(abs_joined[0]); k++)
			ok = strncmp(o, abs_joined[k], strlen(abs_joined[k])) == 0 &&
			     o[strlen(abs_joined[k])] == '/';
		if (strcmp(o, "-target") == 0 && i + 1 < n_opts && opts[i + 1][0] != '-') {
			ok = true;
			i++;
		}
		if (!ok)
			return false;
	}
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');

		if (!eq || !all_absolute(eq + 1))
			return false;
	}
	return true;
}

/* Is memo entry m still the driver's answer? An answer about include
 * folders stands while the folders the driver scanned look the same. */
static bool memo_holds(const struct builtin_memo *m, const struct compiler_info *ci)
{
	if (!m->scan || driver_scan_holds(m->scan))
		return true;
	log_info("compiler %s: a folder it looks for GCC installations or -B include "
	         "folders in changed; asking for its include folders again",
	         ci->path);
	return false;
}

/* The wall clock in ns: folders' ctimes are on it. */
static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The memo entry for one question put to the compiler (opts, then argv
 * tail, under env in cwd), asking it when it is new, or when scan (a
 * question about include folders) and the folders the driver scanned for
 * the answer changed. NULL on failure.
 */
static struct builtin_memo *ask(struct compiler_cache *cc, const struct compiler_info *ci,
                                char *const *opts, size_t n_opts, char *const *tail,
                                char *const *env, const char *cwd, bool scan)
{
	int64_t asked_ns;
	struct builtin_memo *m, **pp;
	struct hasher *h = hasher_new();
	struct digest key;
	char **argv, *out = NULL;
	size_t k = 0, n_tail = 0;
	int r;

	if (!h)
		return NULL;
	while (tail[n_tail])
		n_tail++;
	hasher_update_str(h, "ask-v1");
	hasher_update(h, ci->id.bytes, sizeof(ci->id.bytes));
	hasher_update_str(h, ci->path);
	if (scan && cwd_free(opts, n_opts, env))
		cwd = NULL; /* asked in the probe folder, for every folder */
	hasher_update_str(h, cwd ? cwd : "");
	for (size_t i = 0; i < n_opts; i++)
		hasher_update_str(h, opts[i]);
	hasher_update_str(h, "\x01tail");
	for (size_t i = 0; i < n_tail; i++)
		hasher_update_str(h, tail[i]);
	hasher_update_str(h, "\x01env");
	for (size_t i = 0; env && env[i]; i++)
		hasher_update_str(h, env[i]);
	hasher_final(h, &key);
	hasher_free(h);
	for (pp = &cc->builtins; (m = *pp); pp = &m->next) {
		if (digest_equal(&m->key, &key)) {
			if (memo_holds(m, ci))
				return m;
			*pp = m->next;
			builtin_memo_free(m);
			cc->n_builtins--;
			break;
		}
		if (!m->next && cc->n_builtins >= BUILTIN_MEMO_MAX) {
			*pp = NULL; /* the oldest goes */
			builtin_memo_free(m);
			cc->n_builtins--;
			break;
		}
	}
	argv = calloc(n_opts + n_tail + 2, sizeof(char *));
	m = calloc(1, sizeof(*m));
	if (!argv || !m) {
		free(argv);
		free(m);
		return NULL;
	}
	argv[k++] = ci->path;
	for (size_t i = 0; i < n_opts; i++)
		argv[k++] = opts[i];
	for (size_t i = 0; i < n_tail; i++)
		argv[k++] = tail[i];
	asked_ns = realtime_ns();
	r = run_capture(argv, cwd, env, &out, IDENTIFY_TIMEOUT_MS);
	free(argv);
	if (r >= 0 && scan &&
	    driver_scan_record(out, opts, n_opts, cwd ? cwd : probe_folder, asked_ns, &m->scan) < 0)
		r = -ENOMEM;
	if (r < 0) {
		free(out);
		free(m);
		return NULL;
	}
	m->status = r;
	m->text = out;
	m->key = key;
	m->next = cc->builtins;
	cc->builtins = m;
	cc->n_builtins++;
	return m;
}

_Static_assert(COMPILER_PROBE_ENV_MAX == 2 + FAMILY_ENV_MAX, "room for a family's probe_env");

static int probe_env_add(const char *name, const char *(*getenv)(void *ctx, const char *name),
                         void *env_ctx, char **env, int *k)
{
	const char *v = getenv(env_ctx, name);

	if (!v)
		return 0;
	if (asprintf(&env[*k], "%s=%s", name, v) < 0) {
		env[*k] = NULL;
		return -ENOMEM;
	}
	env[++*k] = NULL;
	return 0;
}

int compiler_probe_env(enum compiler_family family,
                       const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                       char **env)
{
	static const char *const names[] = {"GCC_EXEC_PREFIX", "COMPILER_PATH"};
	const struct family *fam = family_of(family);
	int k = 0, r = 0;

	env[0] = NULL;
	for (size_t i = 0; r == 0 && i < sizeof(names) / sizeof(names[0]); i++)
		r = probe_env_add(names[i], getenv, env_ctx, env, &k);
	for (size_t i = 0; r == 0 && fam && fam->probe_env && fam->probe_env[i]; i++)
		r = probe_env_add(fam->probe_env[i], getenv, env_ctx, env, &k);
	if (r < 0) {
		compiler_probe_env_free(env);
		return r;
	}
	return k;
}

void compiler_probe_env_free(char **env)
{
	for (size_t i = 0; env[i]; i++) {
		free(env[i]);
		env[i] = NULL;
	}
}

int compiler_builtin_dirs(struct compiler_cache *cc, const struct compiler_info *ci,
                          const char *lang, char *const *opts, size_t n_opts, char *const *env,
                          const char *cwd, char *const **dirs, size_t *n)
{
	char *tail[] = {"-x", (char *)lang, "-E", "-v", "-", NULL};
	struct builtin_memo *m = ask(cc, ci, opts, n_opts, tail, env, cwd, true);
	char *copy;

	if (!m)
		return -ENOMEM;
	if (m->status != 0 || !m->text)
		return -EPROTO;
	if (!m->parsed) {
		/* parse_builtins cuts its input into lines: a copy. */
		copy = strdup(m->text);
		if (!copy || parse_builtins(copy, &m->dirs, &m->n) < 0) {
			free(copy);
			return -ENOMEM;
		}
		free(copy);
		m->parsed = true;
	}
	*dirs = m->dirs;
	*n = m->n;
	return 0;
}

int compiler_prog_name(struct compiler_cache *cc, const struct compiler_info *ci, const char *prog,
                       char *const *env, const char **out)
{
	char arg[64], *tail[] = {arg, NULL}, *nl;
	struct builtin_memo *m;

	snprintf(arg, sizeof(arg), "-print-prog-name=%s", prog);
	m = ask(cc, ci, NULL, 0, tail, env, NULL, false);
	if (!m)
		return -ENOMEM;
	if (m->status != 0 || !m->text || !m->text[0])
		return -EPROTO;
	if ((nl = strchr(m->text, '\n')))
		*nl = '\0';
	*out = m->text;
	return 0;
}
