/*
 * rust_search: the inputs rustc finds by searching (see rust_search.h):
 * module files beside the dep-info's sources, crates in -L folders, and
 * native libraries named by the crate itself.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cscan.h"
#include "rust_identity.h"
#include "rust_search.h"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The base name of path. */
static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A file name rustc takes for a crate: lib<name>....rlib, .rmeta, .so. */
static bool crate_file_name(const char *name)
{
	return starts_with(name, "lib") &&
	       (ends_with(name, ".rlib") || ends_with(name, ".rmeta") || ends_with(name, ".so"));
}

int rust_crate_dir_inputs(const char *cwd, const char *dir, struct strv *out)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir[0] == '/' ? "" : cwd, dir) >=
	    (int)sizeof(path))
		return 0;
	d = opendir(path);
	while (d && r == 0 && (e = readdir(d)))
		if (crate_file_name(e->d_name)) {
			char *p;

			r = asprintf(&p, "%s/%s", dir, e->d_name) < 0 ? -ENOMEM
			                                              : strv_push_owned(out, p);
		}
	if (d)
		closedir(d);
	return r;
}

/* ---- the command's -L folders ---------------------------------------- */

enum search_kind { SEARCH_CRATE = 1, SEARCH_DEPENDENCY = 2, SEARCH_NATIVE = 4 };

/* The -L folders whose kind is among kinds (rustc: a plain or all= folder
 * is searched for everything, crate= for crates and their dependencies,
 * dependency= for those only, native= for native libraries only). */
static int search_dirs(const struct compile_args *a, unsigned kinds, struct strv *out)
{
	static const struct {
		const char *prefix;
		unsigned kinds;
	} forms[] = {
	        {"dependency=", SEARCH_DEPENDENCY},
	        {"crate=", SEARCH_CRATE | SEARCH_DEPENDENCY},
	        {"native=", SEARCH_NATIVE},
	        {"framework=", 0},
	        {"all=", SEARCH_CRATE | SEARCH_DEPENDENCY | SEARCH_NATIVE},
	};
	int r = 0;

	for (size_t i = rust_first_arg(a); i < a->argc && r == 0; i++) {
		const char *v = NULL;
		unsigned k = SEARCH_CRATE | SEARCH_DEPENDENCY | SEARCH_NATIVE;

		if (strcmp(a->argv[i], "-L") == 0 && i + 1 < a->argc)
			v = a->argv[++i];
		else if (starts_with(a->argv[i], "-L"))
			v = a->argv[i] + 2;
		else
			continue;
		for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
			if (starts_with(v, forms[f].prefix)) {
				v += strlen(forms[f].prefix);
				k = forms[f].kinds;
				break;
			}
		if (k & kinds)
			r = strv_push(out, v);
	}
	return r;
}

/* A visit of one file of a search folder: dir as spelled, abs its path. */
struct search_visit {
	int (*file)(struct search_visit *v, const char *dir, const char *abs, const char *name);
	const struct compile_args *a;
	const char *meta;
	size_t meta_len;
	struct depfile *deps;
	struct buf *probes;
};

/* v->file for every file of the -L folders of kinds, until one fails;
 * an unreadable folder holds nothing. */
static int each_search_file(const struct compile_args *a, const char *cwd, unsigned kinds,
                            struct search_visit *v)
{
	struct strv dirs = {0};
	int r = search_dirs(a, kinds, &dirs);

	for (size_t k = 0; k < dirs.n && r == 0; k++) {
		char path[PATH_MAX];
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%s", dirs.v[k][0] == '/' ? "" : cwd, dirs.v[k]);
		d = opendir(path);
		while (d && r == 0 && (e = readdir(d)))
			r = v->file(v, dirs.v[k], path, e->d_name);
		if (d)
			closedir(d);
	}
	strv_free(&dirs);
	return r;
}

/* ---- what the compile found ------------------------------------------- */

/* path, relative to cwd or absolute, in cscan_includes' quote form: a
 * probe of its presence from the cwd. */
static int add_probe(struct buf *probes, const char *path)
{
	int r = buf_append(probes, (char[]){CSCAN_QUOTE}, 1);

	return r == 0 ? buf_append(probes, path, strlen(path) + 1) : r;
}

/* path joined to the closure (keyed by content), unless it is there. */
static int add_input(struct depfile *deps, const char *path)
{
	char **v;

	for (size_t i = 0; i < deps->n_prereqs; i++)
		if (strcmp(deps->prereqs[i], path) == 0)
			return 0;
	v = realloc(deps->prereqs, (deps->n_prereqs + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	deps->prereqs = v;
	if (!(v[deps->n_prereqs] = strdup(path)))
		return -ENOMEM;
	v[++deps->n_prereqs] = NULL;
	return 0;
}

/* For D/X/mod.rs: D/X.rs as spelled (rustc does not resolve symlinks),
 * or named from the real folder when X is none, "." or "..". */
static int mod_rs_alternative(const char *cwd, const char *f, char *alt, size_t size)
{
	size_t folder = strlen(f) - strlen("mod.rs");
	char spelled[PATH_MAX], real[PATH_MAX];
	const char *x;

	snprintf(spelled, sizeof(spelled), "%.*s", folder ? (int)folder - 1 : 0, f);
	x = base_of(spelled);
	if (spelled[0] && strcmp(x, ".") != 0 && strcmp(x, "..") != 0)
		return snprintf(alt, size, "%s.rs", spelled) < (int)size ? 0 : -ENAMETOOLONG;
	if (snprintf(real, sizeof(real), "%s/%s", f[0] == '/' ? "" : cwd,
	             spelled[0] ? spelled : ".") >= (int)sizeof(real) ||
	    !realpath(real, spelled) || strcmp(spelled, "/") == 0)
		return -ENOENT;
	return snprintf(alt, size, "%s.rs", spelled) < (int)size ? 0 : -ENAMETOOLONG;
}

/*
 * `mod foo;` finds foo.rs or foo/mod.rs (both: error E0761), in the
 * declaring file's folder, or in its own folder named after it for a file
 * that is not a mod.rs (a/b.rs looks in a/b/). The dep-info names the one
 * found; the other must stay as it was. Each non-root .rs file's
 * alternative is a probe: X.rs <-> X/mod.rs.
 */
static int module_probes(const struct compile_args *a, const char *cwd, const struct depfile *deps,
                         struct buf *probes)
{
	int r = 0;

	for (size_t i = 0; i < deps->n_prereqs && r == 0; i++) {
		const char *f = deps->prereqs[i];
		char alt[PATH_MAX];
		size_t n = strlen(f);

		if (!ends_with(f, ".rs") || (a->source && strcmp(f, a->source) == 0) ||
		    n >= sizeof(alt))
			continue;
		if (strcmp(base_of(f), "mod.rs") != 0)
			snprintf(alt, sizeof(alt), "%.*s/mod.rs", (int)(n - 3), f);
		else if (mod_rs_alternative(cwd, f, alt, sizeof(alt)) < 0)
			continue;
		r = add_probe(probes, alt);
	}
	return r;
}

/* The bytes of the output whose name ends in suffix (.rmeta, .rlib),
 * malloc'ed in *data; 0 or -errno. */
static int read_output(const struct compile_args *a, const char *cwd, const char *suffix,
                       char **data, size_t *len)
{
	char path[PATH_MAX];
	struct stat st;
	FILE *f = NULL;

	for (size_t i = 0; i < a->n_files && !f; i++)
		if (ends_with(a->files[i], suffix) &&
		    snprintf(path, sizeof(path), "%s/%s", a->files[i][0] == '/' ? "" : cwd,
		             a->files[i]) < (int)sizeof(path))
			f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	if (fstat(fileno(f), &st) < 0 || !(*data = malloc((size_t)st.st_size + 1))) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(*data, 1, (size_t)st.st_size, f);
	fclose(f);
	return 0;
}

/* The --extern files' bytes, one after the other, malloc'ed in *data
 * (an unreadable one adds nothing: rustc failed on it); 0 or -ENOMEM. */
static int read_externs(const struct compile_args *a, const char *cwd, char **data, size_t *len)
{
	struct buf b = BUF_INIT;
	int r = 0;

	for (size_t i = rust_first_arg(a); i < a->argc && r == 0; i++) {
		const char *v = strcmp(a->argv[i], "--extern") == 0 && i + 1 < a->argc
		                        ? a->argv[++i]
		                : starts_with(a->argv[i], "--extern=") ? a->argv[i] + 9
		                                                       : NULL;
		const char *eq = v ? strchr(v, '=') : NULL;
		char path[PATH_MAX], chunk[65536];
		size_t n;
		FILE *f;

		if (!eq ||
		    snprintf(path, sizeof(path), "%s/%s", eq[1] == '/' ? "" : cwd, eq + 1) >=
		            (int)sizeof(path) ||
		    !(f = fopen(path, "re")))
			continue;
		while (r == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			r = buf_append(&b, chunk, n);
		fclose(f);
	}
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	*data = (char *)b.data;
	*len = b.len;
	return 0;
}

/* Is name (a file of a search folder) one of the compile's own outputs?
 * Its metadata records its own <extra>: it is no input. */
static bool own_output(const struct compile_args *a, const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot ? (size_t)(dot - name) : strlen(name);

	for (size_t i = 0; i < a->n_files; i++) {
		const char *b = base_of(a->files[i]);

		if (strncmp(b, name, stem) == 0 && b[stem] == '.')
			return true;
	}
	return false;
}

/*
 * One file of a dependency= folder (dir as spelled, abs its path): keyed
 * when its crate may have been loaded (see dependency_crates). Each crate
 * is handled once, through the one of its files that is keyed.
 */
static int dependency_crate(struct search_visit *v, const char *dir, const char *abs,
                            const char *name)
{
	static const char *const exts[] = {".rmeta", ".rlib", ".so"};
	const char *ext = strrchr(name, '.'), *chosen = NULL, *mark;
	char stem[NAME_MAX + 1], path[PATH_MAX * 2];
	int r;

	if (!crate_file_name(name) || (size_t)(ext - name) - 3 >= sizeof(stem))
		return 0;
	snprintf(stem, sizeof(stem), "%.*s", (int)(ext - name - 3), name + 3);
	/* the <extra> the metadata records (cargo's "-<hash>"); a name
	 * without a dash may hide one (extra-filename=x: libdepx.rlib, whose
	 * name and extra the metadata holds apart): always keyed */
	mark = strchr(stem, '-');
	if (mark && (!v->meta_len || !memmem(v->meta, v->meta_len, mark, strlen(mark))))
		return 0;
	for (size_t k = 0; k < 3 && !chosen; k++) {
		snprintf(path, sizeof(path), "%s/lib%s%s", abs, stem, exts[k]);
		if (access(path, F_OK) == 0)
			chosen = exts[k];
	}
	if (!chosen || strcmp(chosen, ext) != 0 || own_output(v->a, name))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = add_input(v->deps, path);
	if (r == 0 && strcmp(chosen, ".rmeta") != 0) {
		snprintf(path, sizeof(path), "%s/lib%s.rmeta", dir, stem);
		r = add_probe(v->probes, path);
	}
	return r;
}

/*
 * A crate depended on is found in the -L dependency= (and crate=, all=)
 * folders as lib<name><extra>.{rmeta,rlib,so}, <extra> its -C
 * extra-filename, which the crate's metadata records for every crate it
 * loaded. A file whose <extra> the output's metadata holds may have been
 * loaded: the .rmeta is keyed by content when present (cargo writes it
 * first, the .rlib of one run holds the same metadata, and whether the
 * .rlib is there yet depends on timing), else the .rlib, else the .so,
 * with the .rmeta's presence probed. An <extra> found by chance only
 * keys more. Crate= and all= folders are keyed whole at lookup time
 * (rust_crate_dir_inputs).
 */
static int dependency_crates(const struct compile_args *a, const char *cwd, const char *meta,
                             size_t meta_len, struct depfile *deps, struct buf *probes)
{
	struct search_visit v = {dependency_crate, a, meta, meta_len, deps, probes};

	return each_search_file(a, cwd, SEARCH_DEPENDENCY, &v);
}

/*
 * A native library the link read, lib<X>.a or lib<X>.so, named by -l or
 * by #[link(name = "X")] in some crate: the linker takes the first
 * lib<X>.so or lib<X>.a in the -L folders (then its own), so both names
 * are probed in each folder: one appearing earlier is a miss.
 */
static int native_probes(const struct compile_args *a, const struct depfile *deps,
                         struct buf *probes)
{
	struct strv dirs = {0};
	int r = search_dirs(a, SEARCH_NATIVE, &dirs);

	for (size_t i = 0; i < deps->n_prereqs && r == 0; i++) {
		const char *b = base_of(deps->prereqs[i]);
		size_t n = strlen(b), stem = ends_with(b, ".a")    ? n - 2
		                             : ends_with(b, ".so") ? n - 3
		                                                   : 0;

		if (!starts_with(b, "lib") || stem <= 3)
			continue;
		for (size_t k = 0; k < dirs.n && r == 0; k++) {
			char p[PATH_MAX * 2];

			snprintf(p, sizeof(p), "%s/%.*s.so", dirs.v[k], (int)stem, b);
			r = add_probe(probes, p);
			snprintf(p, sizeof(p), "%s/%.*s.a", dirs.v[k], (int)stem, b);
			if (r == 0)
				r = add_probe(probes, p);
		}
	}
	strv_free(&dirs);
	return r;
}

/* The value of --crate-name in a's argv, or NULL. */
static const char *crate_name_of(const struct compile_args *a)
{
	for (size_t i = rust_first_arg(a); i < a->argc; i++) {
		if (strcmp(a->argv[i], "--crate-name") == 0 && i + 1 < a->argc)
			return a->argv[i + 1];
		if (starts_with(a->argv[i], "--crate-name="))
			return a->argv[i] + strlen("--crate-name=");
	}
	return NULL;
}

/*
 * Does the rlib (an ar archive: "!<arch>\n", then 60-byte member headers,
 * GNU long names in the "//" member) hold a member rustc did not write
 * itself (lib.rmeta, <crate>[<extra>].*.rcgu.o)? Those are a native static
 * library's objects, bundled by #[link(kind = "static")].
 */
static bool bundles_native(const char *ar, size_t len, const char *crate)
{
	const char *names = NULL;
	size_t names_len = 0, at = 8, clen = strlen(crate);

	if (len < 8 || memcmp(ar, "!<arch>\n", 8) != 0)
		return true; /* unknown: take it as bundling */
	while (at + 60 <= len) {
		const char *h = ar + at, *name = h;
		size_t size, nlen;
		char num[11];

		memcpy(num, h + 48, 10);
		num[10] = '\0';
		size = strtoul(num, NULL, 10);
		nlen = strcspn(h, "/ ");
		if (nlen > 16)
			nlen = 16;
		if (h[0] == '/' && h[1] == '/') {
			names = h + 60;
			names_len = size;
		} else if (h[0] == '/' && h[1] >= '0' && h[1] <= '9' && names) {
			size_t off = strtoul(h + 1, NULL, 10);

			if (off >= names_len)
				return true;
			name = names + off;
			nlen = strcspn(name, "/\n");
		}
		if (!(h[0] == '/' &&
		      (h[1] == ' ' || h[1] == '/' || (h[1] == 'S' && h[2] == 'Y'))) &&
		    !(nlen == 9 && memcmp(name, "lib.rmeta", 9) == 0) &&
		    !(nlen > clen + 7 && memcmp(name, crate, clen) == 0 &&
		      (name[clen] == '.' || name[clen] == '-') &&
		      memcmp(name + nlen - 7, ".rcgu.o", 7) == 0))
			return true;
		at += 60 + size + (size & 1);
	}
	return false;
}

/* A lib*.a of a native folder: keyed by content. */
static int native_archive(struct search_visit *v, const char *dir, const char *abs,
                          const char *name)
{
	char p[PATH_MAX * 2];

	if (!starts_with(name, "lib") || !ends_with(name, ".a"))
		return 0;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return add_input(v->deps, p);
}

/*
 * A library crate whose rlib bundles a native static library: the
 * archive came from an -L native (or all, plain) folder as lib<X>.a, X
 * named in the source, not in the dep-info. Every lib*.a there is keyed
 * by content (and probed by native_probes); none there: -ENOTSUP.
 */
static int bundled_archives(const struct compile_args *a, const char *cwd, const char *rlib,
                            size_t len, struct depfile *deps)
{
	struct search_visit v = {native_archive, a, NULL, 0, deps, NULL};
	const char *crate = crate_name_of(a);
	size_t before = deps->n_prereqs;
	int r;

	if (!crate || !bundles_native(rlib, len, crate))
		return 0;
	r = each_search_file(a, cwd, SEARCH_NATIVE, &v);
	return r == 0 && deps->n_prereqs == before ? -ENOTSUP : r;
}

int rust_search_closure(const struct compile_args *a, const char *cwd, struct depfile *deps,
                        struct buf *probes)
{
	char *data = NULL;
	size_t len = 0;
	int r = module_probes(a, cwd, deps, probes);

	/* A library's metadata names the crates it loaded. A link writes
	 * none: its --extern crates' metadata names the crates they loaded
	 * (its linker's depfile names the rlibs, not a proc-macro's .so). */
	if (r == 0 && a->output_kind != OUTPUT_LINKED &&
	    (read_output(a, cwd, ".rmeta", &data, &len) == 0 ||
	     read_output(a, cwd, ".rlib", &data, &len) == 0))
		r = dependency_crates(a, cwd, data, len, deps, probes);
	else if (r == 0 && a->output_kind == OUTPUT_LINKED)
		r = read_externs(a, cwd, &data, &len);
	if (r == 0 && a->output_kind == OUTPUT_LINKED)
		r = dependency_crates(a, cwd, data, len, deps, probes);
	free(data);
	data = NULL;
	if (r == 0 && read_output(a, cwd, ".rlib", &data, &len) == 0)
		r = bundled_archives(a, cwd, data, len, deps);
	free(data);
	return r == 0 ? native_probes(a, deps, probes) : r;
}
