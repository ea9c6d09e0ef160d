/* programs: the driver's helper programs and their identity. */
#include "programs.h"
#include "buf.h"
#include "family.h"
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* More than any family names (emcc: about a dozen; gcc: two specs files
 * per LIBRARY_PATH folder). */
#define PROGRAMS_HELPER_FILES_MAX 64

/*
 * The first executable name in the colon-separated folders of var (an
 * empty element is the cwd), as execvp would pick it. 0 with *found set,
 * 0 with *found false when none, or -errno.
 */
static int search_path_var(struct dircache *dc, const char *cwd, const char *var, const char *name,
                           char *out, size_t n, bool *found)
{
	const char *p = var;

	*found = false;
	while (p && *p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char dir[PATH_MAX], rel[PATH_MAX];
		struct dircache_probe pr;
		int r;

		snprintf(rel, sizeof(rel), "%.*s", (int)len, len ? p : ".");
		if (paths_join(dir, sizeof(dir), cwd, rel) == 0) {
			r = dircache_probe(dc, dir, name, &pr);
			if (r < 0)
				return r;
			if ((pr.bits & DIRCACHE_FILE) && paths_join(out, n, dir, name) == 0 &&
			    access(out, X_OK) == 0) {
				*found = true;
				return 0;
			}
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	return 0;
}

/*
 * Where the driver looks for prog before its own folders' answer can be
 * trusted: GCC_EXEC_PREFIX and each COMPILER_PATH folder, plain and with
 * the machine/version subfolders. Which of them hold prog now goes into
 * the question asked (a memo key): a new one there asks again.
 */
static int candidates(struct dircache *dc, const struct compiler_info *ci, const char *cwd,
                      const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                      const char *prog, struct buf *seen)
{
	const char *vars[] = {getenv(env_ctx, "GCC_EXEC_PREFIX"), getenv(env_ctx, "COMPILER_PATH")};

	for (size_t v = 0; v < 2; v++) {
		const char *p = vars[v];

		while (p && *p) {
			const char *colon = v == 1 ? strchr(p, ':') : NULL;
			size_t len = colon ? (size_t)(colon - p) : strlen(p);
			char rel[PATH_MAX], dir[PATH_MAX], sub[3][PATH_MAX];

			snprintf(rel, sizeof(rel), "%.*s", (int)len, len ? p : ".");
			snprintf(sub[0], sizeof(sub[0]), "%s", prog);
			snprintf(sub[1], sizeof(sub[1]), "%s/%s/%s", ci->machine, ci->version,
			         prog);
			snprintf(sub[2], sizeof(sub[2]), "%s/%s", ci->machine, prog);
			if (paths_join(dir, sizeof(dir), cwd, rel) == 0) {
				for (int k = 0; k < 3; k++) {
					struct dircache_probe pr;
					int r = dircache_probe(dc, dir, sub[k], &pr);

					if (r < 0)
						return r;
					if (buf_printf(seen, "%s/%s=%u;", dir, sub[k], pr.bits) < 0)
						return -ENOMEM;
				}
			}
			if (!colon)
				break;
			p = colon + 1;
		}
	}
	return buf_terminate(seen);
}

/* Fold program prog (as the driver names it) into h. */
static int add_program(struct compiler_cache *cc, const struct compiler_info *ci, const char *prog,
                       char *const *base_env, size_t n_env, const char *cwd,
                       const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                       struct hashcache *hc, struct dircache *dc, struct hasher *h)
{
	char path[PATH_MAX], *env[COMPILER_PROBE_ENV_MAX + 2] = {NULL};
	struct buf seen = BUF_INIT;
	const char *where;
	struct file_digest fd;
	bool found = false;
	int r;

	r = candidates(dc, ci, cwd, getenv, env_ctx, prog, &seen);
	for (size_t i = 0; i < n_env; i++)
		env[i] = base_env[i];
	/* Not an environment variable the driver reads: only the memo key. */
	if (r == 0 && seen.len && asprintf(&env[n_env], "ZCCACHE_SEEN=%s", seen.data) < 0) {
		env[n_env] = NULL;
		r = -ENOMEM;
	}
	buf_free(&seen);
	if (r == 0)
		r = compiler_prog_name(cc, ci, prog, env, &where);
	free(env[n_env]);
	if (r < 0)
		return r;
	if (where[0] == '/') {
		snprintf(path, sizeof(path), "%s", where);
	} else {
		/* Not in the driver's own folders: COMPILER_PATH, then PATH. */
		r = search_path_var(dc, cwd, getenv(env_ctx, "COMPILER_PATH"), where, path,
		                    sizeof(path), &found);
		if (r == 0 && !found)
			r = search_path_var(dc, cwd, getenv(env_ctx, "PATH"), where, path,
			                    sizeof(path), &found);
		if (r < 0)
			return r;
		if (!found)
			return -ENOENT;
	}
	r = hashcache_get(hc, path, &fd);
	if (r < 0)
		return r;
	hasher_update_str(h, prog);
	hasher_update_str(h, path);
	hasher_update(h, fd.digest.bytes, sizeof(fd.digest.bytes));
	return 0;
}

/* Fold the files a family names as its helpers (family.h) into h. A
 * missing one is folded as absent: the driver then fails, or finds
 * another, which the next lookup sees. */
static int add_helper_files(const struct family *fam, const struct compiler_info *ci,
                            const char *cwd, const struct compile_args *a,
                            const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                            struct hashcache *hc, struct hasher *h)
{
	char *files[PROGRAMS_HELPER_FILES_MAX] = {NULL};
	int n = fam->helper_files(ci, cwd, a, getenv, env_ctx, files, PROGRAMS_HELPER_FILES_MAX);

	if (n < 0)
		return n;
	hasher_update_str(h, "helper-files");
	for (int i = 0; i < n; i++) {
		struct file_digest fd;
		bool present = hashcache_get(hc, files[i], &fd) == 0;

		hasher_update_str(h, files[i]);
		hasher_update(h, present ? "1" : "0", 1);
		if (present)
			hasher_update(h, fd.digest.bytes, sizeof(fd.digest.bytes));
		free(files[i]);
	}
	return 0;
}

int programs_digest(struct compiler_cache *cc, const struct compiler_info *ci,
                    const struct compile_args *a, const char *cwd,
                    const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                    struct hashcache *hc, struct dircache *dc, struct digest *out)
{
	const struct family *fam = family_of(ci->family);
	const char *progs[4];
	size_t n_progs = fam ? fam->programs(a, progs, 4) : 0;
	char *env[COMPILER_PROBE_ENV_MAX + 1];
	struct hasher *h;
	int r, k;

	h = hasher_new();
	if (!h)
		return -ENOMEM;
	hasher_update_str(h, "programs-v1");
	k = r = compiler_probe_env(ci->family, getenv, env_ctx, env);
	for (size_t i = 0; i < n_progs && r >= 0; i++)
		r = add_program(cc, ci, progs[i], env, (size_t)k, cwd, getenv, env_ctx, hc, dc, h);
	if (r >= 0 && fam && fam->helper_files)
		r = add_helper_files(fam, ci, cwd, a, getenv, env_ctx, hc, h);
	if (r >= 0)
		hasher_final(h, out);
	hasher_free(h);
	if (k >= 0)
		compiler_probe_env_free(env);
	return r < 0 ? r : 0;
}
