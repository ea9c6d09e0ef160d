/*
 * rust_link: what a rustc compile that links (bin, proc-macro, dylib,
 * cdylib) adds to a library's key: the linker's identity (the program
 * rustc runs, cc unless -C linker says, and the collect2, ld and LTO plugin
 * that driver runs), and the linker's own depfile, which names every file
 * it read (every rlib of the dependency graph, the standard library, the C
 * runtime, native libraries), less rustc's own temporaries.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args_family.h"
#include "compiler.h"
#include "rust_link.h"

#define LINKER_TIMEOUT_MS 10000

const char *rust_link_depfile_arg(const struct compile_args *a)
{
	return a->output_kind == OUTPUT_LINKED ? "-Clink-arg=-Wl,--dependency-file=" : NULL;
}

/*
 * rustc writes its codegen units beside the output, as
 * <out-dir>/<crate><extra>.<cgu>.rcgu.o, and its symbols object and the
 * like in a <out-dir>/rustcXXXXXX/ folder, links them and removes them.
 */
bool rust_link_own_temporary(const struct compile_args *a, const char *cwd, const char *path)
{
	/* The linker names them as rustc does: under the --out-dir as given,
	 * which a relocated compile's depfile name is relative to the cwd of. */
	char *d = a->depfile && path[0] == '/' ? args_path_join(cwd, a->depfile) : NULL;
	const char *slash;
	size_t stem, len = strlen(path);
	bool own = false;

	if (!d && a->depfile && !(d = strdup(a->depfile)))
		return false;
	if (!d || strlen(d) < 2 || strcmp(d + strlen(d) - 2, ".d") != 0)
		goto out;
	stem = strlen(d) - 2;
	own = strncmp(path, d, stem) == 0 && path[stem] == '.' && len > 7 &&
	      strcmp(path + len - 7, ".rcgu.o") == 0;
	slash = strrchr(d, '/');
	stem = slash ? (size_t)(slash - d) + 1 : 0;
	own = own || (strncmp(path, d, stem) == 0 && strncmp(path + stem, "rustc", 5) == 0 &&
	              strlen(path + stem) > 12 && path[stem + 11] == '/' &&
	              !strchr(path + stem + 12, '/'));
out:
	free(d);
	return own;
}

/* The program name, as -C linker names it (the last one wins), or cc. */
static const char *linker_name(const struct compile_args *a)
{
	const char *name = "cc";

	for (size_t i = 1; i < a->argc; i++) {
		const char *v = NULL;

		if (strncmp(a->argv[i], "-Clinker=", 9) == 0)
			v = a->argv[i] + 9;
		else if (i + 1 < a->argc &&
		         (strcmp(a->argv[i], "-C") == 0 || strcmp(a->argv[i], "--codegen") == 0) &&
		         strncmp(a->argv[i + 1], "linker=", 7) == 0)
			v = a->argv[i + 1] + 7;
		else if (strncmp(a->argv[i], "--codegen=linker=", 17) == 0)
			v = a->argv[i] + 17;
		if (v)
			name = v;
	}
	return name;
}

/* name, resolved as execvp would on path (NULL: the default); malloc'ed,
 * or NULL when not found. */
static char *on_path(const char *name, const char *path)
{
	const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin";

	if (strchr(name, '/'))
		return strdup(name);
	while (*p) {
		size_t n = strcspn(p, ":");
		char *cand;

		if (asprintf(&cand, "%.*s%s%s", (int)n, n ? p : ".", "/", name) < 0)
			return NULL;
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
		p += n + (p[n] == ':');
	}
	return NULL;
}

/*
 * The driver's answers to -print-prog-name=collect2, =ld and
 * -print-file-name=liblto_plugin.so, remembered per driver binary (path,
 * inode, size, mtime): asking costs four runs of it, a lookup one stat.
 * The fourth question, -Wl,--help, is whether its linker writes a
 * depfile at all (GNU ld since 2.35, lld; not gold): one that does not
 * would fail the link the cache adds the option to, so its links run
 * uncached.
 */
struct linker_memo {
	char path[PATH_MAX];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char *answers[3];
};

static struct linker_memo memo[8];
static size_t memo_next;

static const char *const questions[3] = {"-print-prog-name=collect2", "-print-prog-name=ld",
                                         "-print-file-name=liblto_plugin.so"};

/* Ask the driver at path its questions; 0, or -errno. */
static int ask_driver(const char *path, char *answers[3])
{
	char *argv[] = {(char *)path, "-Wl,--help", NULL}, *out = NULL;
	int st = compiler_run_capture(argv, &out, LINKER_TIMEOUT_MS);
	bool depfile = st == 0 && out && strstr(out, "--dependency-file");

	free(out);
	if (!depfile)
		return st < 0 ? st : -ENOTSUP;
	for (int q = 0; q < 3; q++) {
		argv[1] = (char *)questions[q];
		out = NULL;
		st = compiler_run_capture(argv, &out, LINKER_TIMEOUT_MS);
		if (st != 0 || !out || !out[0]) {
			free(out);
			for (int k = 0; k < q; k++)
				free(answers[k]);
			return st < 0 ? st : -ENOEXEC;
		}
		out[strcspn(out, "\n")] = '\0';
		answers[q] = out;
	}
	return 0;
}

static const struct linker_memo *driver_answers(const char *path)
{
	struct stat st;
	struct linker_memo *m;

	if (stat(path, &st) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(memo) / sizeof(memo[0]); i++) {
		m = &memo[i];
		if (m->answers[0] && strcmp(m->path, path) == 0 && m->dev == st.st_dev &&
		    m->ino == st.st_ino && m->size == st.st_size &&
		    m->mtime.tv_sec == st.st_mtim.tv_sec && m->mtime.tv_nsec == st.st_mtim.tv_nsec)
			return m;
	}
	m = &memo[memo_next++ % (sizeof(memo) / sizeof(memo[0]))];
	for (int q = 0; q < 3; q++) {
		free(m->answers[q]);
		m->answers[q] = NULL;
	}
	if (strlen(path) >= sizeof(m->path) || ask_driver(path, m->answers) < 0)
		return NULL;
	snprintf(m->path, sizeof(m->path), "%s", path);
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->size = st.st_size;
	m->mtime = st.st_mtim;
	return m;
}

int rust_link_identity(const struct compile_args *a, const char *path_env, char **files, size_t max)
{
	char *linker, real[PATH_MAX];
	const struct linker_memo *m;
	size_t n = 0;

	if (a->output_kind != OUTPUT_LINKED)
		return 0;
	if (max < 4)
		return -ENOBUFS;
	linker = on_path(linker_name(a), path_env);
	if (!linker)
		return -ENOENT;
	if (!realpath(linker, real)) {
		int r = -errno;

		free(linker);
		return r;
	}
	files[n++] = linker;
	m = driver_answers(real);
	if (!m) {
		free(files[0]);
		return -ENOEXEC;
	}
	/* A bare answer is the driver's fallback: a PATH search. A file name
	 * the driver did not find comes back as given, and is keyed absent. */
	for (int q = 0; q < 3; q++) {
		char *f = on_path(m->answers[q], path_env);

		if (f)
			files[n++] = f;
	}
	return (int)n;
}
