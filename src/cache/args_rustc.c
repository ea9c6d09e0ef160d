/*
 * args_rustc: the Rust family (rustc, as cargo runs it, directly or through
 * RUSTC_WRAPPER). A library crate's compile (--crate-type lib/rlib) is
 * cached: its inputs come from its own dep-info (--emit=dep-info), its
 * outputs are the files --emit names in --out-dir, its identity is rustc's
 * version, its binary and its sysroot's driver and standard library. A
 * compile that links (bin, proc-macro, dylib, cdylib) adds what its linker
 * read and the linker itself (rust_link.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "args_family.h"
#include "family.h"
#include "rust_identity.h"
#include "rust_link.h"
#include "rust_relocate.h"
#include "rust_search.h"
#include "sent_env.h"

/* The questions cargo asks (-vV, --print, "-" on stdin), the crates that
 * are not libraries and any option not named here run uncached. */

/* An option with a value: a long one takes it after '=' or apart, a short
 * one joined or apart. */
struct rustc_opt {
	const char *name;
	char short_joined; /* -C opt, -Copt: 'C'; 0 for a long option */
};

/* The state of one walk. */
struct rustc_walk {
	struct compile_args *out;
	const char *cwd;
	struct strv extern_files;
	/* -L folders a native library may come from; -l names */
	struct strv native_dirs, native_libs;
	/* --remap-path-prefix FROM=TO, in order */
	struct strv remaps;
	const char *crate_name, *extra, *out_dir;
	bool lib, dep_info, metadata, link;
	/* crate types that link: an executable (bin, --test), a shared
	 * object (proc-macro, dylib, cdylib) */
	bool exe, shared;
	/* options that stop a link from being keyed exactly */
	const char *link_unsafe;
	bool json;
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int refuse(struct rustc_walk *w, enum uncacheable_reason r, const char *arg)
{
	if (w->out->reason != UNCACHEABLE_NONE)
		return 0;
	return args_set_reason(w->out, r, arg);
}

/* --crate-type: a comma list; staticlib (rustc archives every rlib of the
 * graph itself, no linker names them) is not cached. */
static int crate_types(struct rustc_walk *w, const char *v)
{
	char *copy = strdup(v), *save = NULL;
	int r = copy ? 0 : -ENOMEM;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && r == 0;
	     t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "lib") == 0 || strcmp(t, "rlib") == 0)
			w->lib = true;
		else if (strcmp(t, "bin") == 0)
			w->exe = true;
		else if (strcmp(t, "proc-macro") == 0 || strcmp(t, "dylib") == 0 ||
		         strcmp(t, "cdylib") == 0)
			w->shared = true;
		else
			r = refuse(w, UNCACHEABLE_RUST_CRATE_TYPE, t);
	}
	free(copy);
	return r;
}

/* --emit: dep-info, metadata and link, each to its default name. */
static int emits(struct rustc_walk *w, const char *v)
{
	char *copy = strdup(v), *save = NULL;
	int r = copy ? 0 : -ENOMEM;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && r == 0;
	     t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "dep-info") == 0)
			w->dep_info = true;
		else if (strcmp(t, "metadata") == 0)
			w->metadata = true;
		else if (strcmp(t, "link") == 0)
			w->link = true;
		else /* asm, llvm-ir, obj, a path of its own (dep-info=f) */
			r = refuse(w, UNCACHEABLE_EXTRA_OUTPUT, t);
	}
	free(copy);
	return r;
}

/*
 * -C options that, in a compile that links, name or read files the
 * linker's depfile may not list (link arguments, a linker script through
 * them), write more (split debuginfo, temps) or make rustc read every rlib
 * itself (LTO across crates): such a link is not cached.
 */
static const char *const link_unsafe_codegen[] = {
        "link-arg",
        "link-args",
        "linker-flavor",
        "link-self-contained",
        "linker-plugin-lto",
        "split-debuginfo",
        "save-temps",
        "profile-generate",
        "profile-use",
        "lto",
        NULL,
};

/*
 * -C options that make rustc leave files beside its outputs in any crate
 * type: save-temps keeps every codegen unit's .o/.bc and its rustc*
 * folder, split-debuginfo=unpacked a .dwo per codegen unit (that the
 * rlib's objects point at). A hit would write the rlib alone: not cached.
 * split-debuginfo=packed and off leave none for a library (a link's .dwp
 * is link_unsafe_codegen's).
 */
static bool leaves_side_outputs(const char *v)
{
	static const char *const off[] = {"=no", "=n", "=off", "=false", NULL};
	bool saved = strcmp(v, "save-temps") == 0 || starts_with(v, "save-temps=");

	for (size_t k = 0; off[k] && saved; k++)
		saved = strcmp(v + strlen("save-temps"), off[k]) != 0;
	return saved ||
	       (starts_with(v, "split-debuginfo") && strcmp(v, "split-debuginfo=packed") != 0 &&
	        strcmp(v, "split-debuginfo=off") != 0);
}

/* -C name[=value]: incremental keeps state between compiles. */
static int codegen(struct rustc_walk *w, const char *v)
{
	size_t len = strcspn(v, "=");

	if (starts_with(v, "incremental"))
		return refuse(w, UNCACHEABLE_RUST_INCREMENTAL, v);
	if (leaves_side_outputs(v))
		return refuse(w, UNCACHEABLE_EXTRA_OUTPUT, v);
	if (starts_with(v, "extra-filename="))
		w->extra = v + strlen("extra-filename=");
	/* Files beside the crate that no --emit names (checked: unpacked split
	 * debuginfo leaves <crate>.<cgu>.rcgu.dwo in --out-dir for a library
	 * too, which its rlib's debug info points to): a hit could not put
	 * them back. */
	if (strcmp(v, "split-debuginfo=unpacked") == 0 || starts_with(v, "save-temps"))
		return refuse(w, UNCACHEABLE_EXTRA_OUTPUT, v);
	/* A linker named by a relative path: the server cannot tell it from
	 * another checkout's. */
	if (starts_with(v, "linker=") && strchr(v, '/') && v[7] != '/')
		w->link_unsafe = v;
	for (size_t k = 0; link_unsafe_codegen[k]; k++)
		if (strlen(link_unsafe_codegen[k]) == len &&
		    strncmp(v, link_unsafe_codegen[k], len) == 0 && strcmp(v, "lto=off") != 0 &&
		    strcmp(v, "lto=no") != 0 && strcmp(v, "lto=n") != 0)
			w->link_unsafe = v;
	return 0;
}

/* --extern [mods:]name[=path]: the file is an input, keyed by content. */
static int extern_crate(struct rustc_walk *w, const char *v)
{
	const char *eq = strchr(v, '=');

	return eq && eq[1] ? strv_push(&w->extern_files, eq + 1) : 0;
}

/*
 * -l [kind[:mods]=]name[:rename]: a static library is bundled into an rlib
 * (or its objects into a link, whole-archive) by rustc itself, and nothing
 * names that file to the cache. A dynamic one a link reads through the
 * linker, whose depfile names it; a verbatim name is not searched as
 * lib<name>.
 */
static int native_lib(struct rustc_walk *w, const char *arg, const char *v)
{
	const char *eq = strchr(v, '='), *name = eq ? eq + 1 : v;

	if (starts_with(v, "static"))
		return refuse(w, UNCACHEABLE_UNSUPPORTED_OPTION, arg);
	if (eq && strstr(v, "verbatim") && strstr(v, "verbatim") < eq)
		w->link_unsafe = arg;
	return strv_push_n(&w->native_libs, name, strcspn(name, ":"));
}

/* A plain or all= -L folder: searched for crates and native libraries. */
static int crate_and_native_dir(struct rustc_walk *w, const char *dir)
{
	int r = rust_crate_dir_inputs(w->cwd, dir, &w->extern_files);

	return r == 0 ? strv_push(&w->native_dirs, dir) : r;
}

/* -L [kind=]dir: the folders but dependency= and crate= hold native
 * libraries; those but native= and dependency= the crates `extern crate`
 * finds by name, keyed whole (rust_search.c). */
static int search_dir(struct rustc_walk *w, const char *v)
{
	if (starts_with(v, "crate="))
		return rust_crate_dir_inputs(w->cwd, v + strlen("crate="), &w->extern_files);
	if (starts_with(v, "dependency=") || starts_with(v, "framework="))
		return 0;
	if (starts_with(v, "native="))
		return strv_push(&w->native_dirs, v + strlen("native="));
	if (starts_with(v, "all="))
		v += strlen("all=");
	return crate_and_native_dir(w, v);
}

static const struct rustc_opt valued[] = {
        {"--crate-name", 0},
        {"--edition", 0},
        {"--crate-type", 0},
        {"--emit", 0},
        {"--cfg", 0},
        {"--check-cfg", 0},
        {"--extern", 0},
        {"--out-dir", 0},
        {"--error-format", 0},
        {"--json", 0},
        {"--cap-lints", 0},
        {"--target", 0},
        {"--color", 0},
        {"--codegen", 0},
        {"--remap-path-prefix", 0},
        {"--diagnostic-width", 0},
        {"--force-warn", 0},
        {"--warn", 0},
        {"--allow", 0},
        {"--deny", 0},
        {"--forbid", 0},
        {"--crate-attr", 0},
        {"--print", 0},
        {"--explain", 0},
        {"-o", 0},
        {"-C", 'C'},
        {"-L", 'L'},
        {"-l", 'l'},
        {"-A", 'A'},
        {"-W", 'W'},
        {"-D", 'D'},
        {"-F", 'F'},
        {"-Z", 'Z'},
};

/* Options without a value that are safe to cache. */
static const char *const flags[] = {"-g", "-O", NULL};

/*
 * Match argv[*i] against the valued options: *name the option, *value its
 * value (advancing *i past a separate one). false: no such option; true
 * with *value NULL: its value is missing.
 */
static bool match_valued(char *const *argv, size_t argc, size_t *i, const char **name,
                         const char **value)
{
	const char *arg = argv[*i];

	for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
		const struct rustc_opt *o = &valued[k];
		size_t len = strlen(o->name);

		if (strncmp(arg, o->name, len) != 0)
			continue;
		if (arg[len] == '\0') {
			*name = o->name;
			*value = *i + 1 < argc ? argv[++*i] : NULL;
			return true;
		}
		if ((o->short_joined && len == 2) || (!o->short_joined && arg[len] == '=')) {
			*name = o->name;
			*value = arg + len + (o->short_joined ? 0 : 1);
			return true;
		}
	}
	return false;
}

static bool is_flag(const char *arg)
{
	for (size_t k = 0; flags[k]; k++)
		if (strcmp(arg, flags[k]) == 0)
			return true;
	return false;
}

static int option(struct rustc_walk *w, const char *arg, const char *name, const char *v)
{
	if (strcmp(name, "--crate-name") == 0)
		w->crate_name = v;
	else if (strcmp(name, "--crate-type") == 0)
		return crate_types(w, v);
	else if (strcmp(name, "--emit") == 0)
		return emits(w, v);
	else if (strcmp(name, "-C") == 0 || strcmp(name, "--codegen") == 0)
		return codegen(w, v);
	else if (strcmp(name, "--extern") == 0)
		return extern_crate(w, v);
	else if (strcmp(name, "--out-dir") == 0)
		w->out_dir = v;
	else if (strcmp(name, "--remap-path-prefix") == 0)
		return strv_push(&w->remaps, v);
	else if (strcmp(name, "-l") == 0)
		return native_lib(w, arg, v);
	else if (strcmp(name, "-L") == 0)
		return search_dir(w, v);
	else if (strcmp(name, "--error-format") == 0)
		w->json = strcmp(v, "json") == 0;
	else if (strcmp(name, "--color") == 0)
		w->out->color = strcmp(v, "always") == 0  ? COLOR_ALWAYS
		                : strcmp(v, "never") == 0 ? COLOR_NEVER
		                                          : COLOR_AUTO;
	else if (strcmp(name, "--print") == 0 || strcmp(name, "--explain") == 0)
		return refuse(w, UNCACHEABLE_PRINT_ONLY, arg);
	else if (strcmp(name, "-o") == 0 || strcmp(name, "-Z") == 0)
		return refuse(w, UNCACHEABLE_UNSUPPORTED_OPTION, arg);
	return 0;
}

/* Name the files the compile writes: --out-dir/lib<crate><extra>.rlib,
 * .rmeta, and <crate><extra>.d. */
static int name_outputs(struct rustc_walk *w)
{
	struct compile_args *out = w->out;
	const char *dir = w->out_dir ? w->out_dir : ".", *extra = w->extra ? w->extra : "";
	struct strv files = {0};
	char *depinfo = NULL;
	int r = 0;

	if (asprintf(&depinfo, "%s/%s%s.d", dir, w->crate_name, extra) < 0)
		return -ENOMEM;
	out->depfile = depinfo;
	if (w->link && w->lib) {
		char *p;

		r = asprintf(&p, "%s/lib%s%s.rlib", dir, w->crate_name, extra) < 0
		            ? -ENOMEM
		            : strv_push_owned(&files, p);
	}
	if (r == 0 && w->link && (w->exe || w->shared)) {
		char *p;

		r = (w->exe ? asprintf(&p, "%s/%s%s", dir, w->crate_name, extra)
		            : asprintf(&p, "%s/lib%s%s.so", dir, w->crate_name, extra)) < 0
		            ? -ENOMEM
		            : strv_push_owned(&files, p);
	}
	if (r == 0 && w->metadata) {
		char *p;

		r = asprintf(&p, "%s/lib%s%s.rmeta", dir, w->crate_name, extra) < 0
		            ? -ENOMEM
		            : strv_push_owned(&files, p);
	}
	if (r == 0)
		r = strv_push(&files, depinfo);
	out->files = strv_steal(&files, &out->n_files);
	strv_free(&files);
	return r;
}

/* Read @file: one argument a line (rustc's rule), pushed to args. */
static int argfile(const char *cwd, const char *arg, struct strv *args, bool *bad)
{
	char *path = args_path_join(cwd, arg + 1), *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int r = 0;

	if (!path)
		return -ENOMEM;
	f = fopen(path, "re");
	free(path);
	if (!f) {
		*bad = true;
		return strv_push(args, arg);
	}
	while (r == 0 && (n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		r = strv_push(args, line);
	}
	free(line);
	fclose(f);
	return r;
}

static int walk(struct rustc_walk *w)
{
	struct compile_args *out = w->out;
	struct strv keys = {0};
	size_t first = rust_first_arg(out);
	int r = 0;

	for (size_t i = first; i < out->argc && r == 0; i++) {
		const char *arg = out->argv[i], *name, *value;
		size_t at = i;

		r = strv_push(&keys, arg);
		if (r < 0)
			break;
		if (match_valued(out->argv, out->argc, &i, &name, &value)) {
			if (!value) {
				r = refuse(w, UNCACHEABLE_MISSING_ARGUMENT, arg);
				break;
			}
			if (i != at) /* a separate value */
				r = strv_push(&keys, value);
			if (r == 0)
				r = option(w, arg, name, value);
		} else if (strcmp(arg, "-") == 0) {
			r = refuse(w, UNCACHEABLE_STDIN_SOURCE, arg);
		} else if (arg[0] != '-') {
			if (out->source)
				r = refuse(w, UNCACHEABLE_MULTIPLE_SOURCES, arg);
			else if (!(out->source = strdup(arg)))
				r = -ENOMEM;
		} else if (strcmp(arg, "-V") == 0 || strcmp(arg, "-vV") == 0 ||
		           strcmp(arg, "--version") == 0 || strcmp(arg, "-h") == 0 ||
		           strcmp(arg, "--help") == 0) {
			r = refuse(w, UNCACHEABLE_PRINT_ONLY, arg);
		} else if (strcmp(arg, "--test") == 0) {
			w->exe = true; /* the test harness, an executable */
		} else if (!is_flag(arg)) {
			r = refuse(w, UNCACHEABLE_UNSUPPORTED_OPTION, arg);
		}
	}
	if (r == 0)
		out->key_args = strv_steal(&keys, &out->n_key_args);
	strv_free(&keys);
	return r;
}

/*
 * A link's native libraries: every file -l name could be found as in the
 * -L folders, keyed present or absent, so that one appearing earlier in
 * the search is a miss (the linker's depfile names only the one it took).
 */
static int native_candidates(struct rustc_walk *w)
{
	static const char *const suffixes[] = {".so", ".a"};
	int r = 0;

	for (size_t l = 0; l < w->native_libs.n && r == 0; l++)
		for (size_t d = 0; d < w->native_dirs.n && r == 0; d++)
			for (size_t f = 0; f < 2 && r == 0; f++) {
				char *p;

				r = asprintf(&p, "%s/lib%s%s", w->native_dirs.v[d],
				             w->native_libs.v[l], suffixes[f]) < 0
				            ? -ENOMEM
				            : strv_push_owned(&w->extern_files, p);
			}
	return r;
}

/* Replace *s by f(cwd, *s): 0 or -ENOMEM. */
static int rewrite(char **s, const char *cwd, char *(*f)(const char *cwd, const char *s))
{
	char *n = f(cwd, *s);

	if (!n)
		return -ENOMEM;
	free(*s);
	*s = n;
	return 0;
}

/*
 * The cwd as the output records it. rustc names its folder by getcwd(),
 * the real path, where the request's cwd is $PWD's name for it (a checkout
 * entered through a symlink): the key holds both when they differ, and
 * the remap is matched against the real one. When a --remap-path-prefix
 * covers the cwd, rustc maps every path under it (rust_relocate.c): the
 * key then holds the mapped cwd and the paths under it relative to it, and
 * the files the command names are named so, found and written from the
 * hit's own cwd. That rewrite needs the cwd spelled alike everywhere: a
 * symlinked cwd (rustc prints its real path, the command $PWD's) or one
 * that an output escapes is keyed as it is instead.
 */
static int relocate(struct compile_args *out, const char *cwd, const struct strv *remaps)
{
	char real[PATH_MAX];
	bool nomem;
	int r = 0;

	if (!realpath(cwd, real))
		snprintf(real, sizeof(real), "%s", cwd);
	if (strcmp(real, cwd) != 0)
		return asprintf(&out->output_cwd, "%s\001%s", real, cwd) < 0 ? -ENOMEM : 0;
	nomem = false;
	if (rust_cwd_relocatable(cwd))
		out->output_cwd = rust_mapped_cwd(cwd, remaps->v, remaps->n, &nomem);
	if (nomem)
		return -ENOMEM;
	if (!out->output_cwd)
		return (out->output_cwd = strdup(cwd)) ? 0 : -ENOMEM;
	out->cwd_relocated = true;
	for (size_t i = 0; i < out->n_key_args && r == 0; i++)
		r = rewrite(&out->key_args[i], cwd, rust_relocated_key);
	for (size_t i = 0; i < out->n_extra_inputs && r == 0; i++)
		r = rewrite(&out->extra_inputs[i], cwd, args_path_relative);
	for (size_t i = 0; i < out->n_files && r == 0; i++)
		r = rewrite(&out->files[i], cwd, args_path_relative);
	if (r == 0)
		r = rewrite(&out->depfile, cwd, args_path_relative);
	return r;
}

static int classify_rustc(struct compile_args *out, const char *cwd)
{
	struct rustc_walk w = {.out = out, .cwd = cwd};
	struct strv expanded = {0};
	bool bad = false;
	int r = 0;

	/* @file: one argument a line, expanded once (rustc does not nest). */
	for (size_t i = 0; i < out->argc && r == 0; i++)
		r = i > 0 && out->argv[i][0] == '@' ? argfile(cwd, out->argv[i], &expanded, &bad)
		                                    : strv_push(&expanded, out->argv[i]);
	if (r < 0) {
		strv_free(&expanded);
		return r;
	}
	for (size_t i = 0; i < out->argc; i++)
		free(out->argv[i]);
	free(out->argv);
	out->argv = strv_steal(&expanded, &out->argc);
	if (bad)
		return args_set_reason(out, UNCACHEABLE_RESPONSE_FILE, NULL);

	r = walk(&w);
	if (r < 0 || out->reason != UNCACHEABLE_NONE)
		goto done;
	/* No --crate-type: the crate root says, which the cache does not read. */
	if (!w.lib && !w.exe && !w.shared)
		r = refuse(&w, UNCACHEABLE_RUST_CRATE_TYPE, "none given");
	else if (w.link && (w.exe || w.shared) && w.link_unsafe)
		r = refuse(&w, UNCACHEABLE_RUST_LINK, w.link_unsafe);
	else if (w.link && w.lib && (w.exe || w.shared))
		r = refuse(&w, UNCACHEABLE_RUST_CRATE_TYPE, "a library and a link in one compile");
	if (r < 0 || out->reason != UNCACHEABLE_NONE)
		goto done;
	if (!out->source)
		r = refuse(&w, UNCACHEABLE_NO_SOURCE, NULL);
	else if (!w.crate_name)
		r = refuse(&w, UNCACHEABLE_UNSUPPORTED_OPTION, "no --crate-name");
	else if (!w.dep_info)
		r = refuse(&w, UNCACHEABLE_RUST_NO_DEP_INFO, NULL);
	else if (!w.metadata && !w.link)
		r = refuse(&w, UNCACHEABLE_NO_OUTPUT, NULL);
	if (r < 0 || out->reason != UNCACHEABLE_NONE)
		goto done;
	r = name_outputs(&w);
	/* Paths in the dep-info, the diagnostics and the crate are the
	 * cwd's, mapped when a --remap-path-prefix covers it (relocate). */
	out->cwd_in_output = true;
	/* JSON diagnostics carry their colour in --json's rendering. */
	if (w.json)
		out->color = COLOR_NEVER;
	if (w.link && (w.exe || w.shared)) {
		out->output_kind = OUTPUT_LINKED;
		if (r == 0)
			r = native_candidates(&w);
	}
	if (r == 0)
		out->extra_inputs = strv_steal(&w.extern_files, &out->n_extra_inputs);
	if (r == 0)
		r = relocate(out, cwd, &w.remaps);
done:
	strv_free(&w.remaps);
	strv_free(&w.extern_files);
	strv_free(&w.native_dirs);
	strv_free(&w.native_libs);
	return r;
}

static bool names_rustc(const char *base, bool *cxx)
{
	*cxx = false;
	return strcmp(base, "rustc") == 0 || strcmp(base, "clippy-driver") == 0;
}

/* rustc runs no helper programs of its own for a library. */
static size_t programs_rustc(const struct compile_args *a, const char **progs, size_t max)
{
	(void)a;
	(void)progs;
	(void)max;
	return 0;
}

/*
 * What cargo sets for a crate's compile that env!() reads (dep-info's
 * env-dep lines): keyed, so a crate reading one of them is cached; one
 * reading anything else is not (cache_store checks the dep-info).
 */
static const char *const rustc_env[] = {
        SENT_ENV_CARGO,
        /* unstable features on a stable compiler */
        "RUSTC_BOOTSTRAP",
        /* where a link's C driver finds its programs and libraries
         * (COMPILER_PATH: key.c keys it for every family) */
        "LIBRARY_PATH",
        "GCC_EXEC_PREFIX",
        /* clippy-driver's lints and configuration */
        "CLIPPY_ARGS",
        "CLIPPY_CONF_DIR",
        /* what the drivers read themselves */
        SENT_ENV_RUSTC_OWN,
        NULL,
};

/* rustc's own logs. */
static const char *const rustc_uncacheable_env[] = {"RUSTC_LOG", NULL};

const struct family family_rustc = {
        .name = "rustc",
        .id = COMPILER_RUSTC,
        .names = names_rustc,
        .classify = classify_rustc,
        .version_arg = "-vV",
        .machine_arg = "--print=host-tuple",
        .identity_programs = NULL,
        .programs = programs_rustc,
        .helper_files = rust_helper_files,
        .env_vars = rustc_env,
        .probe_env = NULL,
        .uncacheable_env = rustc_uncacheable_env,
        .color_env = NULL,
        .color_always_arg = "--color=always",
        /* no __DATE__ */
        .epoch_major = INT_MAX,
        .depfile_style = DEPFILE_STYLE_GCC,
        .wp_depfile_target_from_output = false,
        /* rustc writes its outputs anew and renames them into place */
        .object_renamed = true,
        .assembler_depfile = false,
        .closure_from_depinfo = true,
        .own_argfiles = true,
        .link_depfile_arg = rust_link_depfile_arg,
        .own_temporary = rust_link_own_temporary,
        .relocate_store = rust_relocate_store,
        .relocate_restore = rust_relocate_restore,
        .search_closure = rust_search_closure,
};
