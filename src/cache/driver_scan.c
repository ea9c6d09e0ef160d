/* driver_scan: the folders behind a driver's choice of include folders. */
#include "driver_scan.h"
#include "clock.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One folder as it was: where it exists, its identity and ctime (an entry
 * created, removed or renamed in it moves the ctime); where it does not,
 * only that. presence: only whether it exists matters (gcc's -B include
 * folder: what it holds is the include walk's business). */
struct watched {
	char *path;
	bool exists, presence;
	dev_t dev;
	ino_t ino;
	int64_t ctime_ns;
};

struct driver_scan {
	struct watched *v;
	size_t n, cap;
	/* A folder changed around the question: the answer may predate the
	 * change, so it holds until checked once (driver_scan_holds says no). */
	bool racy;
	int64_t asked_ns;
};

static int64_t ctime_of(const struct stat *st)
{
	return (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

/* Watch path; *st its stat when it exists (else NULL). Same folder twice
 * (/usr/bin/.. and /usr) is watched once. */
static int watch(struct driver_scan *s, const char *path, const struct stat *st, bool presence)
{
	struct watched *w;

	for (size_t i = 0; i < s->n; i++) {
		if (st && s->v[i].exists && s->v[i].dev == st->st_dev &&
		    s->v[i].ino == st->st_ino && s->v[i].presence == presence)
			return 0;
		if (strcmp(s->v[i].path, path) == 0 && s->v[i].presence == presence)
			return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct watched *g = realloc(s->v, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		s->v = g;
		s->cap = cap;
	}
	w = &s->v[s->n];
	memset(w, 0, sizeof(*w));
	if (!(w->path = strdup(path)))
		return -ENOMEM;
	w->presence = presence;
	w->exists = st != NULL;
	if (st) {
		w->dev = st->st_dev;
		w->ino = st->st_ino;
		w->ctime_ns = ctime_of(st);
		if (!presence && w->ctime_ns >= s->asked_ns - timestamp_racy_margin_ns(w->ctime_ns))
			s->racy = true;
	}
	s->n++;
	return 0;
}

/* Watch path if it is a folder; 1 when it is, 0 when not, or -ENOMEM. */
static int watch_if_folder(struct driver_scan *s, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	return watch(s, path, &st, false) < 0 ? -ENOMEM : 1;
}

/* Each folder in dir (an absent one's creation moves dir's ctime). */
static int watch_children(struct driver_scan *s, const char *dir,
                          int (*then)(struct driver_scan *s, const char *child))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	if (!d)
		return 0;
	while (r == 0 && (e = readdir(d))) {
		char p[PATH_MAX];

		if (e->d_name[0] == '.' || e->d_type == DT_REG ||
		    paths_join(p, sizeof(p), dir, e->d_name) < 0)
			continue;
		r = watch_if_folder(s, p);
		if (r == 1)
			r = then ? then(s, p) : 0;
	}
	closedir(d);
	return r < 0 ? r : 0;
}

/* A version folder's multilib folders (clang wants crtbegin.o in the one
 * of -m32, -mx32). */
static int watch_multilibs(struct driver_scan *s, const char *version)
{
	static const char *const multilibs[] = {"32", "64", "x32"};

	for (size_t i = 0; i < sizeof(multilibs) / sizeof(multilibs[0]); i++) {
		char p[PATH_MAX];

		if (paths_join(p, sizeof(p), version, multilibs[i]) == 0 &&
		    watch_if_folder(s, p) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* A version folder: its multilibs, and its include/ (Gentoo's
 * include/g++-v<version>, which clang takes when nothing else holds
 * libstdc++: one created there moves include/'s ctime). */
static int watch_version(struct driver_scan *s, const char *version)
{
	char p[PATH_MAX];

	if (watch_multilibs(s, version) < 0)
		return -ENOMEM;
	if (paths_join(p, sizeof(p), version, "include") == 0 && watch_if_folder(s, p) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * Where clang++ takes libstdc++'s headers from for a GCC under a prefix
 * (clang 14's addGCCLibStdCxxIncludePaths): base/include/c++/<version>,
 * base being the prefix or prefix/<triple>, each taken when it exists
 * (with its <triple>/ and backward/). Every folder on the way is watched,
 * present or absent, and each version folder in include/c++: a version
 * created in an existing include/c++ moves no other watched folder.
 */
static int watch_cxx_headers(struct driver_scan *s, const char *base)
{
	static const char *const steps[] = {"", "include", "include/c++"};
	char p[PATH_MAX];
	struct stat st;
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (paths_join(p, sizeof(p), base, steps[i]) < 0)
			return 0;
		r = watch(s, p, stat(p, &st) == 0 && S_ISDIR(st.st_mode) ? &st : NULL, false);
	}
	return r < 0 ? r : watch_children(s, p, NULL);
}

/* A triple folder's versions (a version counts when it holds crtbegin.o:
 * its creation moves the version folder's ctime), and the libstdc++ folders
 * under <prefix>/<triple>, which clang spells from the version's lib
 * folder (<prefix>/lib/gcc/<triple>/../../../<triple>) as this does. */
static int watch_versions(struct driver_scan *s, const char *triple)
{
	const char *name = strrchr(triple, '/');
	char base[PATH_MAX];
	int r = watch_children(s, triple, watch_version);

	if (r == 0 && name &&
	    (size_t)snprintf(base, sizeof(base), "%s/../../..%s", triple, name) < sizeof(base))
		r = watch_cxx_headers(s, base);
	return r;
}

/*
 * A prefix clang looks for GCC installations under: the prefix itself
 * (watched even when absent: its creation is the change), then those of
 * prefix/{lib,lib32,lib64,libx32}/{gcc,gcc-cross}/<triple>/<version>
 * that exist.
 */
static int watch_gcc_prefix(struct driver_scan *s, const char *prefix)
{
	static const char *const libs[] = {"lib", "lib32", "lib64", "libx32"};
	static const char *const gccs[] = {"gcc", "gcc-cross"};
	struct stat st;
	int r;

	r = watch(s, prefix, stat(prefix, &st) == 0 ? &st : NULL, false);
	for (size_t l = 0; r == 0 && l < sizeof(libs) / sizeof(libs[0]); l++) {
		char lib[PATH_MAX];

		if (paths_join(lib, sizeof(lib), prefix, libs[l]) < 0 ||
		    (r = watch_if_folder(s, lib)) <= 0)
			continue;
		r = 0;
		for (size_t g = 0; r == 0 && g < sizeof(gccs) / sizeof(gccs[0]); g++) {
			char gcc[PATH_MAX];

			if (paths_join(gcc, sizeof(gcc), lib, gccs[g]) < 0 ||
			    (r = watch_if_folder(s, gcc)) <= 0)
				continue;
			r = watch_children(s, gcc, watch_versions);
		}
	}
	return r < 0 ? r : watch_cxx_headers(s, prefix);
}

/* A path option's value, absolute (relative ones are the cwd's). */
static int absolute(const char *cwd, const char *v, char *out, size_t n)
{
	return paths_join(out, n, cwd && v[0] != '/' ? cwd : NULL, v);
}

/* The value of option name in opts[i] ("--name=v", "-Xv" or "name" "v"),
 * else NULL. joined: the spelling glued to its value ("--sysroot=", "-B"). */
static const char *option_value(char *const *opts, size_t n, size_t *i, const char *name,
                                const char *joined)
{
	size_t jl = strlen(joined);

	if (strcmp(opts[*i], name) == 0 && *i + 1 < n)
		return opts[++*i];
	if (strncmp(opts[*i], joined, jl) == 0 && opts[*i][jl])
		return opts[*i] + jl;
	return NULL;
}

/* The installation prefix of a "Found candidate GCC installation:" path:
 * prefix/lib/gcc/<triple>/<version>, four folders up. */
static int candidate_prefix(const char *path, char *out, size_t n)
{
	size_t len = strlen(path);

	for (int up = 0; up < 4; up++) {
		while (len > 1 && path[len - 1] == '/')
			len--;
		while (len > 0 && path[len - 1] != '/')
			len--;
	}
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len == 0 || len >= n)
		return -1;
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}

/* The prefixes the answer names: every GCC installation clang found, and
 * its install folder's parent. 1 when the driver is one that scans (it
 * says where it is installed), else 0. */
static int answer_prefixes(struct driver_scan *s, const char *answer, bool *scans)
{
	static const char *const found[] = {"Found candidate GCC installation: ",
	                                    "Selected GCC installation: "};
	static const char installed[] = "InstalledDir: ";
	int r = 0;

	for (const char *line = answer; r == 0 && line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char v[PATH_MAX], prefix[PATH_MAX];

		for (size_t k = 0; k < sizeof(found) / sizeof(found[0]); k++) {
			size_t fl = strlen(found[k]);

			if (len > fl && len - fl < sizeof(v) && strncmp(line, found[k], fl) == 0) {
				snprintf(v, sizeof(v), "%.*s", (int)(len - fl), line + fl);
				if (candidate_prefix(v, prefix, sizeof(prefix)) == 0)
					r = watch_gcc_prefix(s, prefix);
			}
		}
		if (r == 0 && len > sizeof(installed) - 1 &&
		    len - (sizeof(installed) - 1) + 4 < sizeof(v) &&
		    strncmp(line, installed, sizeof(installed) - 1) == 0) {
			*scans = true;
			snprintf(v, sizeof(v), "%.*s/..", (int)(len - (sizeof(installed) - 1)),
			         line + sizeof(installed) - 1);
			r = watch_gcc_prefix(s, v);
		}
		line = nl ? nl + 1 : NULL;
	}
	return r;
}

/* root/usr/include, by its ctime: clang adds root/usr/include/<multiarch>
 * when it exists and names it nowhere when it does not (so its creation,
 * which moves this ctime, is the change). */
static int watch_usr_include(struct driver_scan *s, const char *root)
{
	char p[PATH_MAX];
	struct stat st;

	if (paths_join(p, sizeof(p), root, "usr/include") < 0)
		return 0;
	return watch(s, p, stat(p, &st) == 0 ? &st : NULL, false);
}

/*
 * The prefixes the options name: --gcc-toolchain (then clang looks there
 * only), else the sysroot and its /usr, else /usr; -B prefixes, whose
 * include folder gcc adds when it exists. And the sysroot's (or -isysroot's,
 * or the root's) usr/include.
 */
static int option_prefixes(struct driver_scan *s, char *const *opts, size_t n, const char *cwd,
                           bool scans)
{
	const char *toolchain = NULL, *sysroot = NULL, *isysroot = NULL, *v;
	char p[PATH_MAX];
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		if ((v = option_value(opts, n, &i, "--gcc-toolchain", "--gcc-toolchain=")) ||
		    (v = option_value(opts, n, &i, "-gcc-toolchain", "-gcc-toolchain=")))
			toolchain = v;
		else if ((v = option_value(opts, n, &i, "--sysroot", "--sysroot=")))
			sysroot = v;
		else if ((v = option_value(opts, n, &i, "-isysroot", "-isysroot")))
			isysroot = v;
		else if ((v = option_value(opts, n, &i, "-B", "-B")) ||
		         (v = option_value(opts, n, &i, "--prefix", "--prefix="))) {
			char inc[PATH_MAX];
			struct stat st;

			if (absolute(cwd, v, p, sizeof(p)) == 0 &&
			    paths_join(inc, sizeof(inc), p, "include") == 0)
				r = watch(s, inc, stat(inc, &st) == 0 ? &st : NULL, true);
		}
	}
	if (r < 0 || !scans)
		return r;
	if (isysroot && absolute(cwd, isysroot, p, sizeof(p)) == 0)
		r = watch_usr_include(s, p);
	if (r == 0)
		r = sysroot ? (absolute(cwd, sysroot, p, sizeof(p)) == 0 ? watch_usr_include(s, p)
		                                                         : 0)
		            : watch_usr_include(s, "/");
	if (r < 0)
		return r;
	if (toolchain)
		return absolute(cwd, toolchain, p, sizeof(p)) == 0 ? watch_gcc_prefix(s, p) : 0;
	if (sysroot && absolute(cwd, sysroot, p, sizeof(p)) == 0) {
		char usr[PATH_MAX];

		r = watch_gcc_prefix(s, p);
		if (r == 0 && paths_join(usr, sizeof(usr), p, "usr") == 0)
			r = watch_gcc_prefix(s, usr);
		return r;
	}
	return watch_gcc_prefix(s, "/usr");
}

int driver_scan_record(const char *answer, char *const *opts, size_t n_opts, const char *cwd,
                       int64_t asked_ns, struct driver_scan **out)
{
	struct driver_scan *s = calloc(1, sizeof(*s));
	bool scans = false;
	int r;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->asked_ns = asked_ns;
	r = answer_prefixes(s, answer ? answer : "", &scans);
	if (r == 0)
		r = option_prefixes(s, opts, n_opts, cwd, scans);
	if (r < 0) {
		driver_scan_free(s);
		return r;
	}
	*out = s;
	return 0;
}

bool driver_scan_holds(const struct driver_scan *s)
{
	if (s->racy)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		const struct watched *w = &s->v[i];
		struct stat st;
		bool exists = stat(w->path, &st) == 0;

		if (exists != w->exists)
			return false;
		if (exists && !w->presence &&
		    (st.st_dev != w->dev || st.st_ino != w->ino || ctime_of(&st) != w->ctime_ns))
			return false;
	}
	return true;
}

size_t driver_scan_count(const struct driver_scan *s)
{
	return s ? s->n : 0;
}

void driver_scan_free(struct driver_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	free(s);
}
