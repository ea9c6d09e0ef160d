/* search: a compile's include folders, in the compiler's order. */
#include "search.h"
#include "buf.h"
#include "cscan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Options that cannot move the compiler's own folders are left out of the
 * question put to it, so that one answer serves every unit of a project:
 * those with a separate value (which goes too), and prefixes of those that
 * take none or a joined one. Everything else (--sysroot, -isysroot, -m32,
 * -stdlib=, -nostdinc++, --target...) is asked with.
 */
static const char *const with_value[] = {
        "-D",           "-U",       "-I",       "-iquote",      "-isystem", "-idirafter",
        "-cxx-isystem", "-include", "-imacros", "-o",           "-MF",      "-MT",
        "-MQ",          "-x",       "--param",  "-include-pch",
};
static const char *const prefixes[] = {
        "-D",           "-U",       "-I",       "-iquote", "-isystem", "-idirafter",
        "-cxx-isystem", "-include", "-imacros", "-o",      "-O",       "-g",
        "-f",           "-M",       "-c",       "-S",      "-w",       "-pedantic",
        "-std=",        "-x",       "-pipe",    "--param"};

static bool is_one_of(const char *arg, const char *const *v, size_t n, bool prefix)
{
	for (size_t i = 0; i < n; i++)
		if (prefix ? strncmp(arg, v[i], strlen(v[i])) == 0 : strcmp(arg, v[i]) == 0)
			return true;
	return false;
}

static size_t builtin_options(const struct compile_args *a, char **opts)
{
	size_t n = 0;

	for (size_t i = 1; i < a->argc; i++) {
		const char *arg = a->argv[i];

		if (is_one_of(arg, with_value, sizeof(with_value) / sizeof(with_value[0]), false)) {
			i++;
			continue;
		}
		if (a->source && strcmp(arg, a->source) == 0)
			continue;
		/* -Xclang and its value go together; a PCH to load or make, or
		 * a file to include, through cc1 go too (the folders do not
		 * depend on them; the probe would load them). */
		if (strcmp(arg, "-Xclang") == 0 && i + 1 < a->argc) {
			const char *v = a->argv[i + 1];

			if (strcmp(v, "-include-pch") == 0 || strcmp(v, "-include") == 0)
				i += 3;
			else if (strcmp(v, "-emit-pch") == 0 ||
			         is_one_of(v, prefixes, sizeof(prefixes) / sizeof(prefixes[0]),
			                   true))
				i++;
			else {
				opts[n++] = a->argv[i++];
				opts[n++] = a->argv[i];
			}
			continue;
		}
		/* -Wp, passes options to the preprocessor itself: kept, but for
		 * its depfile (the question would write the build's depfile,
		 * and one question per unit would be asked). */
		if (strncmp(arg, "-W", 2) == 0 && strncmp(arg, "-Wp,", 4) != 0)
			continue;
		if (strncmp(arg, "-Wp,-MD,", 8) == 0 || strncmp(arg, "-Wp,-MMD,", 9) == 0)
			continue;
		if (is_one_of(arg, prefixes, sizeof(prefixes) / sizeof(prefixes[0]), true))
			continue;
		opts[n++] = a->argv[i];
	}
	return n;
}

/* The variable that adds system folders for a's language (gcc's incpath.cc
 * picks it by C++ and Objective-C). */
static const char *lang_path_var(const char *lang)
{
	bool cxx = strstr(lang, "c++") != NULL, objc = strncmp(lang, "objective-c", 11) == 0;

	if (objc)
		return cxx ? "OBJCPLUS_INCLUDE_PATH" : "OBJC_INCLUDE_PATH";
	return cxx ? "CPLUS_INCLUDE_PATH" : "C_INCLUDE_PATH";
}

/* The sysroot headers are found under: -isysroot, else --sysroot, else "". */
static const char *header_sysroot(const struct compile_args *a)
{
	const char *sysroot = "", *isysroot = NULL;

	for (size_t i = 1; i < a->argc; i++) {
		const char *arg = a->argv[i];

		if (strncmp(arg, "--sysroot=", 10) == 0)
			sysroot = arg + 10;
		else if (strcmp(arg, "--sysroot") == 0 && i + 1 < a->argc)
			sysroot = a->argv[++i];
		else if (strcmp(arg, "-isysroot") == 0 && i + 1 < a->argc)
			isysroot = a->argv[++i];
		else if (strncmp(arg, "-isysroot", 9) == 0)
			isysroot = arg + 9;
	}
	return isysroot ? isysroot : sysroot;
}

/* A folder option's "=dir" or "$SYSROOTdir" is under the sysroot. */
static char *sysroot_dir(const char *dir, const char *sysroot)
{
	char *out;

	if (dir[0] == '=')
		return asprintf(&out, "%s%s", sysroot, dir + 1) < 0 ? NULL : out;
	if (strncmp(dir, "$SYSROOT", 8) == 0)
		return asprintf(&out, "%s%s", sysroot, dir + 8) < 0 ? NULL : out;
	return strdup(dir);
}

int search_for_compile(struct compiler_cache *cc, const struct compiler_info *ci,
                       const struct compile_args *a, const char *cwd,
                       const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                       struct incpath *out)
{
	char **opts = calloc(a->argc + 1, sizeof(char *)), *env[COMPILER_PROBE_ENV_MAX + 1];
	char *const *builtin = NULL, **dirs;
	const char *lang = a->language ? a->language : "c";
	size_t n_opts, n_builtin = 0, pos[INCLUDE_KIND_COUNT + 1] = {0};
	struct incpath_spec s;
	int r = 0;

	if (!opts)
		return -ENOMEM;
	n_opts = builtin_options(a, opts);
	r = compiler_probe_env(ci->family, getenv, env_ctx, env);
	if (r >= 0 && !a->nostdinc)
		r = compiler_builtin_dirs(cc, ci, lang, opts, n_opts, env, cwd, &builtin,
		                          &n_builtin);
	free(opts);
	if (r >= 0)
		compiler_probe_env_free(env);
	if (r < 0)
		return r;
	r = 0;
	for (int kind = 0; kind < INCLUDE_KIND_COUNT; kind++)
		pos[kind + 1] = pos[kind] + a->n_include[kind];
	dirs = calloc(a->n_include_search + 1, sizeof(char *));
	if (!dirs)
		return -ENOMEM;
	for (size_t i = 0; i < a->n_include_search && r == 0; i++)
		if (!(dirs[i] = sysroot_dir(a->include_search[i], header_sysroot(a))))
			r = -ENOMEM;
	s = (struct incpath_spec){
	        .quote = dirs + pos[INCLUDE_QUOTE],
	        .n_quote = a->n_include[INCLUDE_QUOTE],
	        .user = dirs + pos[INCLUDE_DIR],
	        .n_user = a->n_include[INCLUDE_DIR],
	        .cpath = getenv(env_ctx, "CPATH"),
	        .system = dirs + pos[INCLUDE_SYSTEM],
	        .n_system = a->n_include[INCLUDE_SYSTEM],
	        .lang_path = getenv(env_ctx, lang_path_var(lang)),
	        .builtin = builtin,
	        .n_builtin = n_builtin,
	        .after = dirs + pos[INCLUDE_AFTER],
	        .n_after = a->n_include[INCLUDE_AFTER],
	};
	if (r == 0)
		r = incpath_build(&s, out);
	for (size_t i = 0; i < a->n_include_search; i++)
		free(dirs[i]);
	free(dirs);
	return r;
}

int search_forced_names(const struct compile_args *a, char **out, size_t *len)
{
	struct buf b = BUF_INIT;
	int r = 0;

	for (size_t i = 0; i < a->n_forced_includes && r == 0; i++) {
		r = buf_append(&b, (char[]){CSCAN_QUOTE}, 1);
		if (r == 0)
			r = buf_append(&b, a->forced_includes[i],
			               strlen(a->forced_includes[i]) + 1);
	}
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	*out = (char *)b.data;
	*len = b.len;
	return 0;
}
