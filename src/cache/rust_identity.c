/*
 * rust_identity: what makes a rustc or clippy-driver the compiler it is,
 * beyond its binary and version (args_rustc.c's family row): its sysroot's
 * driver library and standard library, clippy's configuration files, and
 * for a link the linker (rust_link.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "rust_identity.h"
#include "rust_link.h"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The base name of path. */
static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * clippy-driver, as cargo runs it (RUSTC_WRAPPER=zccache cargo clippy: the
 * wrapper, then clippy-driver, then rustc's path): it drops an argv[1]
 * named rustc, as the cache does; rustc itself is not run.
 */
bool rust_is_clippy(const struct compile_args *a)
{
	return strcmp(base_of(a->argv[0]), "clippy-driver") == 0;
}

size_t rust_first_arg(const struct compile_args *a)
{
	return rust_is_clippy(a) && a->argc > 1 && strcmp(base_of(a->argv[1]), "rustc") == 0 ? 2
	                                                                                     : 1;
}

/*
 * clippy reads clippy.toml or .clippy.toml from CLIPPY_CONF_DIR, else the
 * crate's folder (CARGO_MANIFEST_DIR) and each one above it: every place
 * one may be is keyed, present or absent, so one created later misses.
 */
static int clippy_conf_files(const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                             char **files, size_t max, size_t *n)
{
	static const char *const names[] = {"clippy.toml", ".clippy.toml"};
	const char *start = getenv(env_ctx, "CLIPPY_CONF_DIR");
	char dir[PATH_MAX], *slash;

	if (!start)
		start = getenv(env_ctx, "CARGO_MANIFEST_DIR");
	if (!start || start[0] != '/' || strlen(start) >= sizeof(dir))
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s", start);
	for (;;) {
		for (size_t k = 0; k < 2; k++) {
			if (*n >= max)
				return -ENAMETOOLONG;
			if (asprintf(&files[*n], "%s/%s", dir, names[k]) < 0)
				return -ENOMEM;
			(*n)++;
		}
		slash = strrchr(dir, '/');
		if (!slash || slash == dir || getenv(env_ctx, "CLIPPY_CONF_DIR"))
			break;
		*slash = '\0';
	}
	return 0;
}

/* The host's or --target's standard library folder's crates worth a key:
 * the ones every crate links. */
static const char *const std_crates[] = {"libstd-", "libcore-", "liballoc-",
                                         "libcompiler_builtins-", NULL};

static const char *target_of(const struct compile_args *a)
{
	for (size_t i = 1; i + 1 < a->argc; i++)
		if (strcmp(a->argv[i], "--target") == 0)
			return a->argv[i + 1];
	for (size_t i = 1; i < a->argc; i++)
		if (starts_with(a->argv[i], "--target="))
			return a->argv[i] + strlen("--target=");
	return NULL;
}

/* Files of dir whose names start with one of prefixes and end in suffix,
 * appended to files (room for max) from *n. */
static int add_dir_files(const char *dir, const char *const *prefixes, const char *suffix,
                         char **files, size_t max, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d)) && *n < max) {
		size_t len = strlen(e->d_name), slen = strlen(suffix);
		bool match = false;

		for (size_t k = 0; prefixes[k] && !match; k++)
			match = starts_with(e->d_name, prefixes[k]);
		if (!match || len < slen || strcmp(e->d_name + len - slen, suffix) != 0)
			continue;
		if (asprintf(&files[*n], "%s/%s", dir, e->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
		(*n)++;
	}
	closedir(d);
	return 0;
}

/*
 * The sysroot (the folder above rustc's bin/) holds the compiler proper
 * (lib/librustc_driver-*.so) and the standard library the crate links
 * (lib/rustlib/<target>/lib/): both are part of its identity. The binary
 * cargo runs is the toolchain's own rustc (rustup's proxy resolves it).
 */
int rust_helper_files(const struct compiler_info *ci, const char *cwd, const struct compile_args *a,
                      const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                      char **files, size_t max)
{
	static const char *const driver[] = {"librustc_driver-", NULL};
	char real[PATH_MAX], dir[PATH_MAX + 64], *slash;
	const char *target = target_of(a);
	size_t n = 0;
	int r;

	if (!realpath(ci->path, real))
		return -errno;
	/* <sysroot>/bin/rustc */
	for (int up = 0; up < 2; up++) {
		slash = strrchr(real, '/');
		if (!slash || slash == real)
			return -ENOENT;
		*slash = '\0';
	}
	snprintf(dir, sizeof(dir), "%s/lib", real);
	r = add_dir_files(dir, driver, ".so", files, max, &n);
	if (r == 0 && n == 0)
		r = -ENOENT;
	if (r == 0 && target) {
		snprintf(dir, sizeof(dir), "%s/lib/rustlib/%s/lib", real, target);
		r = add_dir_files(dir, std_crates, ".rlib", files, max, &n);
	} else if (r == 0) {
		/* The host's: rustlib's one folder with a std. */
		snprintf(dir, sizeof(dir), "%s/lib/rustlib", real);
		DIR *d = opendir(dir);
		struct dirent *e;

		while (d && r == 0 && (e = readdir(d))) {
			char sub[2 * PATH_MAX + 512];

			if (e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s/lib", dir, e->d_name);
			if (access(sub, F_OK) == 0)
				r = add_dir_files(sub, std_crates, ".rlib", files, max, &n);
		}
		if (d)
			closedir(d);
	}
	if (r == 0 && rust_is_clippy(a))
		r = clippy_conf_files(getenv, env_ctx, files, max, &n);
	if (r == 0) {
		int k = rust_link_identity(a, getenv(env_ctx, "PATH"), files + n, max - n);

		if (k < 0)
			r = k;
		else
			n += (size_t)k;
	}
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(files[i]);
		return r;
	}
	return (int)n;
}
