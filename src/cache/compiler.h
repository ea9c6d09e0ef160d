/*
 * compiler: who a compiler is. Its identity digest covers the driver binary
 * and, for gcc, the cc1/cc1plus it runs, plus -dumpversion and -dumpmachine;
 * it is computed once per (path, device, inode, size, mtime) and kept in
 * memory. Also its built-in include search path for C and C++.
 */
#ifndef ZCCACHE_COMPILER_H
#define ZCCACHE_COMPILER_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "hash.h"

enum compiler_lang {
	COMPILER_LANG_C,
	COMPILER_LANG_CXX,
	COMPILER_LANG_COUNT,
};

struct compiler_info {
	char *path; /* as the launcher resolved it */
	enum compiler_family family;
	struct digest id;
	char *version, *machine;
	/* Built-in "#include <...>" search dirs, in order, canonical paths. */
	char **sysdirs[COMPILER_LANG_COUNT];
	size_t n_sysdirs[COMPILER_LANG_COUNT];
};

struct compiler_cache;

int compiler_cache_new(struct compiler_cache **out);
void compiler_cache_free(struct compiler_cache *cc);

/*
 * The identity of the compiler at path. The result stays valid until the
 * cache is freed or the binary changes. Returns 0, -ENOENT when the path is
 * not an executable, -EPROTO when it does not answer like gcc or clang.
 */
int compiler_identify(struct compiler_cache *cc, const char *path,
                      const struct compiler_info **out);

/*
 * The compiler's own "#include <...>" folders for lang under opts (the
 * options that can move them: --sysroot, -isysroot, -m32, -stdlib=,
 * -nostdinc...) and env (NAME=VALUE strings: GCC_EXEC_PREFIX,
 * COMPILER_PATH; the include path variables are never passed), run in cwd:
 * first the folders it ignored because they do not exist, then those it
 * searches, as it prints them. Asked once per distinct question (a run of
 * `-E -v`), then answered from memory. The list is owned by cc.
 */
/*
 * The request's variables that move where the driver finds its own files
 * (GCC_EXEC_PREFIX, COMPILER_PATH, and the family's probe_env: family.h)
 * as NAME=VALUE strings in env (room for COMPILER_PROBE_ENV_MAX + 1,
 * NULL-terminated), for the questions below. Returns how many, or
 * -ENOMEM. Free with compiler_probe_env_free.
 */
#define COMPILER_PROBE_ENV_MAX (2 + 48) /* 2 + FAMILY_ENV_MAX */
int compiler_probe_env(enum compiler_family family,
                       const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                       char **env);
void compiler_probe_env_free(char **env);

int compiler_builtin_dirs(struct compiler_cache *cc, const struct compiler_info *ci,
                          const char *lang, char *const *opts, size_t n_opts, char *const *env,
                          const char *cwd, char *const **dirs, size_t *n);

/*
 * What `-print-prog-name=prog` prints under env (as above): an absolute
 * path, or the bare name when the driver would search PATH. Asked once per
 * (compiler, prog, env). *out is owned by cc.
 */
int compiler_prog_name(struct compiler_cache *cc, const struct compiler_info *ci, const char *prog,
                       char *const *env, const char **out);

/*
 * Identification without blocking the caller's loop: compiler_known says
 * whether compiler_identify would answer at once (known, or known to fail
 * within the last minute, or not even there); if not, compiler_compute
 * runs the compiler (seconds, or its timeouts) on any thread, touching no
 * cache, and compiler_cache_add files its result on the cache's thread.
 * A failure is remembered for a minute too, so a hung compiler costs the
 * timeout once a minute rather than once per compile.
 */
struct compiler_result;
bool compiler_known(struct compiler_cache *cc, const char *path);
/* NULL when out of memory; else a result, perhaps a failed one. */
struct compiler_result *compiler_compute(const char *path);
/* Takes the result (and frees any older one for the same path). */
void compiler_cache_add(struct compiler_cache *cc, struct compiler_result *r);
void compiler_result_free(struct compiler_result *r);

/*
 * Run argv (argv[0] a path) with stdin on /dev/null, collecting stdout and
 * stderr into out (NUL-terminated, caller frees), killing it after
 * timeout_ms or once it has printed more than a MiB (-E2BIG). Returns the
 * exit status (>= 0) or -errno.
 */
int compiler_run_capture(char *const argv[], char **out, int timeout_ms);

/* Where questions to a compiler run when no cwd is theirs (the cache's own
 * scratch folder): a driver that writes files leaves them there. Copied. */
void compiler_set_probe_folder(const char *dir);

#endif
