/* cache_lookup: a compile's lookup: its key, a hit, or the argv of a miss
 * (cache_internal.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache_internal.h"
#include "cscan.h"
#include "dircache.h"
#include "family.h"
#include "index.h"
#include "key.h"
#include "log.h"
#include "manifest.h"
#include "manifest_memo.h"
#include "multi_source.h"
#include "paths.h"
#include "pch.h"
#include "pp_gch.h"
#include "preprocess.h"
#include "programs.h"
#include "search.h"
#include "store.h"
#include "sysheaders.h"
#include "terminfo.h"

/* ---- lookup ------------------------------------------------------------- */

static const char *cpu_description(struct cache *c)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	struct buf b = BUF_INIT;

	if (c->cpu)
		return c->cpu;
	f = fopen("/proc/cpuinfo", "re");
	while (f && getline(&line, &cap, f) > 0) {
		/* The first processor's model and flags are what -march=native reads. */
		if (strncmp(line, "model name", 10) == 0 || strncmp(line, "flags", 5) == 0 ||
		    strncmp(line, "vendor_id", 9) == 0 || strncmp(line, "cpu family", 10) == 0 ||
		    strncmp(line, "model\t", 6) == 0)
			buf_append(&b, line, strlen(line));
		if (line[0] == '\n')
			break;
	}
	free(line);
	if (f)
		fclose(f);
	buf_terminate(&b);
	c->cpu = b.data ? (char *)b.data : strdup("unknown");
	return c->cpu;
}

static bool color_wanted(const struct compile_args *a, const struct cache_request *req)
{
	const char *term = req->getenv(req->env_ctx, "TERM");

	if (a->color != COLOR_AUTO)
		return a->color == COLOR_ALWAYS;
	if (!req->stderr_tty || !term || strcmp(term, "dumb") == 0)
		return false;
	/* An empty colour variable (GCC_COLORS=) turns colour off. */
	if (family_of(a->family)->color_env) {
		const char *gc = req->getenv(req->env_ctx, family_of(a->family)->color_env);

		if (gc && !*gc)
			return false;
	}
	if (family_of(a->family)->color_by_terminfo) {
		struct terminfo_env te = {
		        .term = term,
		        .terminfo = req->getenv(req->env_ctx, "TERMINFO"),
		        .terminfo_dirs = req->getenv(req->env_ctx, "TERMINFO_DIRS"),
		        .home = req->getenv(req->env_ctx, "HOME"),
		        .cwd = req->cwd,
		};

		return terminfo_colors(&te) > 0;
	}
	return true;
}

bool cache_preprocessed_language(const char *lang)
{
	return lang && strcmp(lang, "assembler") != 0 && !strstr(lang, "cpp-output");
}

/* The argv to run on a miss: the expanded command, adjusted so the compile
 * itself tells us its include closure and prints what the user would see. */
/* Does the command already ask the assembler for its dependency file? Then
 * it is the build's, not ours to add. */
static bool asks_assembler_deps(const struct compile_args *a)
{
	for (size_t i = 1; i < a->argc; i++)
		if ((strncmp(a->argv[i], "-Wa,", 4) == 0 && strstr(a->argv[i], "--MD")) ||
		    (strcmp(a->argv[i], "-Xassembler") == 0 && i + 1 < a->argc &&
		     strncmp(a->argv[i + 1], "--MD", 4) == 0))
			return true;
	return false;
}

/*
 * An assembler that names every file it read (.incbin, .include, however
 * they were spelled) in its own dependency file (GNU as, run by gcc for an
 * object) is asked to. One that cannot say (clang's integrated assembler):
 * there a file that may use them is not cached.
 */
bool cache_assembler_reports(const struct compile_args *a)
{
	return family_of(a->family)->assembler_depfile && a->output_kind == OUTPUT_OBJECT &&
	       !a->assembler_options_recorded && !asks_assembler_deps(a);
}

/* Files the assembler may read that nobody will report make it uncacheable. */
bool cache_unreported_asm_includes(const struct compile_args *a, const struct file_digest *fd)
{
	if (cache_assembler_reports(a))
		return false;
	/* A family whose assembler can report reads only what the scanner
	 * calls .incbin/.include; another may read more (asm_includes_maybe). */
	return family_of(a->family)->assembler_depfile && !a->assembler_options_recorded
	               ? fd->asm_includes
	               : fd->asm_includes_maybe;
}

/* The command to run for a miss: argv (the command, or its private-output
 * form) with what the cache adds. */
static int build_run_argv(const struct compile_args *a, char *const *argv, size_t argc,
                          const char *tmp_depfile, const char *as_depfile, const char *ld_depfile,
                          bool color, char ***out)
{
	const struct family *fam = family_of(a->family);
	char **v = calloc(argc + 8, sizeof(char *));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < argc; i++) {
		const char *arg = argv[i];

		/* -MMD runs as -MD: the cache needs system headers; the user's
		 * file is filtered back when the result is stored. */
		if (a->depfile_mmd && strcmp(arg, "-MMD") == 0)
			arg = "-MD";
		if (a->depfile_mmd && strncmp(arg, "-Wp,-MMD,", 9) == 0) {
			if (asprintf(&v[n++], "-Wp,-MD,%s", arg + 9) < 0)
				goto nomem;
			continue;
		}
		v[n] = strdup(arg);
		if (!v[n++])
			goto nomem;
	}
	if (tmp_depfile) {
		if (!(v[n++] = strdup("-MD")) || !(v[n++] = strdup("-MF")) ||
		    !(v[n++] = strdup(tmp_depfile)))
			goto nomem;
	}
	if (as_depfile && asprintf(&v[n++], "-Wa,--MD,%s", as_depfile) < 0)
		goto nomem;
	if (ld_depfile && asprintf(&v[n++], "%s%s", fam->link_depfile_arg(a), ld_depfile) < 0)
		goto nomem;
	if (color && a->color == COLOR_AUTO && !a->records_command_line) {
		v[n] = strdup(fam->color_always_arg);
		if (!v[n++])
			goto nomem;
	}
	*out = v;
	return 0;
nomem:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

static void set_run(struct cache_decision *d, const char *reason)
{
	d->action = CACHE_RUN;
	snprintf(d->reason, sizeof(d->reason), "%s", reason);
}

/* Drop a result that cannot be served (missing or damaged artifact). */
static void forget_result(struct cache *c, const struct digest *rk)
{
	index_del(c->index, INDEX_RESULTS, rk);
}

/*
 * The result an entry of key's manifest names that still matches, from the
 * memo (decoding the index's manifest into it first when needed). 0, or
 * -ENOENT with d->explain saying why.
 */
static int find_result(struct cache *c, const struct cache_request *req,
                       const struct compile_args *a, const struct digest *key,
                       struct cache_decision *d, struct digest *result, bool *uses_gch)
{
	struct manifest decoded = {0}, *m = manifest_memo_get(c->memo, key);
	struct dircache_stats before, after;
	const char *changed = NULL;
	struct buf blob = BUF_INIT;
	int idx, ret;

	if (!m) {
		ret = index_get(c->index, INDEX_MANIFESTS, key, &blob);
		if (ret < 0) {
			snprintf(d->explain, sizeof(d->explain),
			         "no entry for this command and source");
			buf_free(&blob);
			return ret;
		}
		ret = manifest_decode(blob.data, blob.len, &decoded);
		if (ret < 0) {
			cache_stat_add(c, "error.index", 1);
			index_del(c->index, INDEX_MANIFESTS, key);
			buf_free(&blob);
			return ret;
		}
		manifest_memo_put(c->memo, key, &decoded, blob.len);
		buf_free(&blob);
		m = manifest_memo_get(c->memo, key);
		if (!m) /* too big to keep: the put freed it */
			return -ENOMEM;
	}
	m->no_gch = a->output_kind == OUTPUT_PCH;
	m->mtimes = a->pch_mtimes;
	dircache_get_stats(c->dc, &before);
	idx = manifest_match(m, c->hc, c->dc, req->cwd, a->source, &changed);
	dircache_get_stats(c->dc, &after);
	/* Tests see whether a hit skipped the include walk (manifest.c). */
	if (after.traces_held != before.traces_held)
		cache_stat_add(c, "search.walk_reused", 1);
	if (idx < 0) {
		snprintf(d->explain, sizeof(d->explain), "%s changed",
		         changed ? changed : "a header");
		return -ENOENT;
	}
	*result = m->entries[idx].result;
	*uses_gch = pch_entry_uses_gch(&m->entries[idx]);
	return 0;
}

/*
 * Would serving result r print where it must not? 1: a silent_only
 * request and r printed; 2: r prints on a stream the launcher cannot
 * write (the compiler would fail there: clang aborts on a diagnostic to
 * /dev/full). 0: it may be served.
 */
static int unservable(const struct cache_request *req, const struct result *r)
{
	if (req->silent_only && (r->out.len || r->err.len))
		return 1;
	if ((req->stdout_unwritable && r->out.len) || (req->stderr_unwritable && r->err.len))
		return 2;
	return 0;
}

/*
 * Serve result rk of compile a: its outputs put in place and its output in
 * d (CACHE_HIT), counted as counter. 0; unservable()'s 1 or 2 (req NULL:
 * no such limits); -errno with d->explain saying why it could not be served
 * (a damaged result is then dropped).
 */
static int serve_result(struct cache *c, const struct compile_args *a,
                        const struct compiler_info *ci, const char *cwd, mode_t umask,
                        const struct cache_request *req, const struct digest *rk,
                        const char *counter, struct cache_decision *d, struct result *r)
{
	struct buf blob = BUF_INIT;
	bool dest_failed = false, damaged = false;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = index_get(c->index, INDEX_RESULTS, rk, &blob);
	if (ret == 0) {
		ret = cache_result_decode(&blob, r);
		damaged = ret == -EBADMSG;
	}
	buf_free(&blob);
	if (ret == 0 && req && (ret = unservable(req, r)) > 0)
		return ret;
	if (ret == 0)
		ret = cache_materialize(c, a, cwd, ci, r, 0666 & ~umask, &dest_failed, &damaged);
	if (ret < 0 && dest_failed) {
		snprintf(d->explain, sizeof(d->explain), "cannot write the outputs: %s",
		         strerror(-ret));
	} else if (ret < 0) {
		if (ret != -ENOENT || !damaged)
			snprintf(d->explain, sizeof(d->explain), "cached result unusable: %s",
			         strerror(-ret));
		/* Only a result that can never be served again goes: a hit that
		 * failed for want of a descriptor used to drop its result. */
		if (damaged)
			forget_result(c, rk);
	} else {
		d->action = CACHE_HIT;
		d->exit_code = 0;
		if (buf_append(&d->out, r->out.data, r->out.len) < 0 ||
		    buf_append(&d->err, r->err.data, r->err.len) < 0)
			return -ENOMEM;
		index_touch(c->index, INDEX_RESULTS, rk, time(NULL));
		cache_stat_add(c, counter, 1);
		cache_stat_add(c, "time_saved_ms",
		               (uint64_t)(r->duration_ms > 0 ? r->duration_ms : 0));
	}
	return ret;
}

static int try_hit(struct cache *c, const struct cache_request *req, const struct compile_args *a,
                   const struct compiler_info *ci, const struct digest *key,
                   struct cache_decision *d)
{
	struct digest rk;
	struct result r;
	bool uses_gch = false;
	const char *pch;
	int ret;

	ret = find_result(c, req, a, key, d, &rk, &uses_gch);
	if (ret < 0)
		return ret;
	ret = serve_result(c, a, ci, req->cwd, req->umask, req, &rk, "direct_hit", d, &r);
	if (ret == 0) {
		index_touch(c->index, INDEX_MANIFESTS, key, time(NULL));
		if ((pch = pch_counter(a, uses_gch, true)))
			cache_stat_add(c, pch, 1);
	}
	cache_result_free(&r);
	return ret;
}

static const char *req_env(const struct cache_request *req, const char *name)
{
	return req->getenv(req->env_ctx, name);
}

/* Variables that change only what a terminal gets: the key holds them when
 * stderr is one (off a terminal, every compiler prints plain text). */
static bool terminal_only(const char *name)
{
	return strcmp(name, "TERM") == 0 || strcmp(name, "COLORTERM") == 0;
}

/*
 * Variables that make the driver print or write more than the compile's
 * output (clang's header, option and diagnostics logs, gcc's compare-debug
 * run): a hit would not print or write it.
 */
static bool driver_debug_env(const struct cache_request *req)
{
	for (size_t i = 0; i < key_n_driver_debug_env; i++)
		if (req_env(req, key_driver_debug_env[i]))
			return true;
	return false;
}

/* A variable that makes this family's driver write or read more than the
 * compile (family.h): its name goes to d->explain. */
static bool family_uncacheable_env(const struct family *fam, const struct cache_request *req,
                                   struct cache_decision *d)
{
	for (size_t i = 0; fam->uncacheable_env && fam->uncacheable_env[i]; i++) {
		if (req_env(req, fam->uncacheable_env[i])) {
			snprintf(d->explain, sizeof(d->explain), "%s is set",
			         fam->uncacheable_env[i]);
			return true;
		}
	}
	return false;
}

/*
 * /proc/self/cwd, /proc/<pid>/..., /dev/fd/N name one thing in the
 * compiler and another in the server, which checks the files: a compile
 * that names one (as a source, search folder, -include or in the include
 * path variables) is not cached; check_closure does the same for the files
 * it read.
 */
bool cache_is_process_path(const char *p)
{
	return p && (strncmp(p, "/proc/", 6) == 0 || strncmp(p, "/dev/fd/", 8) == 0 ||
	             strstr(p, ":/proc/") || strstr(p, ":/dev/fd/"));
}

static bool names_process_path(const struct compile_args *a, const struct cache_request *req)
{
	static const char *const vars[] = {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
	                                   "OBJC_INCLUDE_PATH", "OBJCPLUS_INCLUDE_PATH"};

	if (cache_is_process_path(a->source))
		return true;
	for (size_t i = 0; i < a->n_include_search; i++)
		if (cache_is_process_path(a->include_search[i]))
			return true;
	for (size_t i = 0; i < a->n_forced_includes; i++)
		if (cache_is_process_path(a->forced_includes[i]))
			return true;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (cache_is_process_path(req_env(req, vars[i])))
			return true;
	return false;
}

/* A time macro named on the command line (-DBUILT=__TIME__, in an @file
 * too: argv has them expanded). */
static bool args_name_time_macros(const struct compile_args *a)
{
	for (size_t i = 1; i < a->argc; i++)
		if (strstr(a->argv[i], "__DATE__") || strstr(a->argv[i], "__TIME__") ||
		    strstr(a->argv[i], "__TIMESTAMP__"))
			return true;
	return false;
}

/*
 * A pragma the command line brings (-D'X=_Pragma("GCC dependency \"f\"")'):
 * the scanner reads files, not arguments, and these make the compile read a
 * file no depfile names, or skip one by its identity.
 */
static bool args_name_pragmas(const struct compile_args *a)
{
	static const char *const words[] = {"dependency", "once", "system_header",
	                                    "pch_preprocess"};

	for (size_t i = 1; i < a->argc; i++) {
		if (!strstr(a->argv[i], "_Pragma") && !strstr(a->argv[i], "pragma"))
			continue;
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strstr(a->argv[i], words[k]))
				return true;
	}
	return false;
}

/* SOURCE_DATE_EPOCH pins __DATE__/__TIME__ from a version on (family.h). */
static bool epoch_pins(const struct cache_request *req, const struct compiler_info *ci)
{
	int major = ci->version ? atoi(ci->version) : 0;

	if (!req_env(req, "SOURCE_DATE_EPOCH"))
		return false;
	return major >= family_of(ci->family)->epoch_major;
}

/*
 * Why compile a, classified and cacheable by its arguments, cannot be cached
 * as the request stands (its environment, paths, compiler, source), or NULL;
 * *ci and *src are then the compiler and the source.
 */
static const char *refusal(struct cache *c, const struct cache_request *req,
                           const struct compile_args *a, struct cache_decision *d,
                           const struct compiler_info **ci, struct file_digest *src)
{
	char *srcpath;
	int r;

	if (names_process_path(a, req))
		return REASON(PROCESS_PATH);
	if (driver_debug_env(req))
		return REASON(DRIVER_DEBUG_ENV);
	if (family_uncacheable_env(family_of(a->family), req, d))
		return REASON(FAMILY_ENV);
	if (req_env(req, "ZCCACHE_FSIZE_LIMIT"))
		return REASON(FILE_SIZE_LIMIT);
	if (req_env(req, "DEPENDENCIES_OUTPUT") || req_env(req, "SUNPRO_DEPENDENCIES"))
		return REASON(DEPFILE_ENV);
	if (compiler_identify(c->cc, req->compiler, ci) < 0)
		return REASON(UNKNOWN_COMPILER);
	srcpath = cache_abs_join(req->cwd, a->source);
	r = srcpath ? hashcache_get(c->hc, srcpath, src) : -ENOMEM;
	free(srcpath);
	if (r < 0)
		return REASON(SOURCE_UNREADABLE);
	/* A command line the object records must run exactly as given: the
	 * closure must then come from the build's own -MD file. */
	if (a->records_command_line &&
	    (a->depfile_mmd || (!a->depfile_wanted && cache_preprocessed_language(a->language))))
		return REASON(RECORDS_COMMAND_LINE);
	if (src->timestamp_macro || (src->time_macros && !epoch_pins(req, *ci)) ||
	    (src->paste_flags & (CSCAN_PASTE | CSCAN_TIME_PIECE)) ==
	            (CSCAN_PASTE | CSCAN_TIME_PIECE) ||
	    args_name_time_macros(a))
		return REASON(TIME_MACROS);
	if (args_name_pragmas(a))
		return REASON(PRAGMA_DEPENDENCY);
	/* The assembler writes a depfile of the build's: an output a hit would
	 * not put back. */
	if (asks_assembler_deps(a))
		return REASON(EXTRA_OUTPUT);
	if (cache_unreported_asm_includes(a, src))
		return REASON(ASSEMBLER_INCLUDE);
	return NULL;
}

/* The most variables a request may send, and key by a family's prefixes. */
#define REQUEST_ENV_MAX  1024
#define PREFIXED_ENV_MAX 64

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The request's variables one of the family's env_prefixes names, sorted
 * (the launcher sends them in its environment's order): how many, or
 * -E2BIG when there are more than max (not keyed: not cached).
 */
static int prefixed_env(const struct family *fam, const struct cache_request *req,
                        const char **names, size_t max)
{
	const char *all[REQUEST_ENV_MAX];
	size_t n_all, n = 0;

	if (!fam->env_prefixes || !req->env_names)
		return 0;
	n_all = req->env_names(req->env_ctx, all, REQUEST_ENV_MAX);
	if (n_all > REQUEST_ENV_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n_all; i++) {
		if (!family_env_prefixed(fam, all[i], strlen(all[i])))
			continue;
		if (n == max)
			return -E2BIG;
		names[n++] = all[i];
	}
	qsort(names, n, sizeof(*names), by_name);
	return (int)n;
}

/* The direct key of compile a into *key, and whether its diagnostics will be
 * coloured; NULL, or why it cannot be keyed. */
static const char *direct_key(struct cache *c, const struct cache_request *req,
                              const struct compile_args *a, const struct compiler_info *ci,
                              const struct file_digest *src, const struct incpath *search,
                              struct digest *key, bool *color, struct pending_extra *keyed)
{
	struct digest search_digest;
	const struct family *fam = family_of(a->family);
	const char *env[32], *fenv[FAMILY_ENV_MAX] = {NULL};
	const char *pnames[PREFIXED_ENV_MAX], *penv[PREFIXED_ENV_MAX];
	struct key_extra_input extra[PENDING_EXTRA_MAX];
	struct digest programs;
	struct key_inputs ki;
	int r, np;

	if (a->n_extra_inputs > sizeof(extra) / sizeof(extra[0]))
		return REASON(TOO_MANY_INPUTS);
	np = prefixed_env(fam, req, pnames, PREFIXED_ENV_MAX);
	if (np < 0)
		return REASON(FAMILY_ENV);
	for (int i = 0; i < np; i++)
		penv[i] = req_env(req, pnames[i]);
	for (size_t i = 0; i < a->n_extra_inputs; i++) {
		struct file_digest fd;
		char *ep = cache_abs_join(req->cwd, a->extra_inputs[i]);

		extra[i].path = a->extra_inputs[i];
		extra[i].present = ep && hashcache_digest(c->hc, ep, &fd) == 0;
		if (extra[i].present)
			extra[i].digest = fd.digest;
		free(ep);
		keyed->present[i] = extra[i].present;
		keyed->digest[i] = extra[i].digest;
	}
	keyed->n = a->n_extra_inputs;
	/* One round of folder checks per lookup: the programs' PATH and the
	 * include search share it. */
	dircache_next_round(c->dc);
	r = programs_digest(c->cc, ci, a, req->cwd, req->getenv, req->env_ctx, c->hc, c->dc,
	                    &programs);
	if (r < 0) {
		log_errno(LOG_LEVEL_INFO, r, "cannot name the programs %s runs", req->compiler);
		return REASON(DRIVER_PROGRAM_UNKNOWN);
	}
	for (size_t i = 0; i < key_n_env_vars; i++)
		env[i] = terminal_only(key_env_vars[i]) && !req->stderr_tty
		                 ? NULL
		                 : req_env(req, key_env_vars[i]);
	for (size_t i = 0; fam->env_vars && fam->env_vars[i]; i++)
		fenv[i] = req_env(req, fam->env_vars[i]);
	*color = color_wanted(a, req);
	if (incpath_digest(search, &search_digest) < 0)
		return REASON(ERROR);
	ki = (struct key_inputs){
	        .args = a,
	        .compiler_id = &ci->id,
	        .source = &src->digest,
	        .cwd = req->cwd,
	        .env = env,
	        .family_env_names = fam->env_vars,
	        .family_env = fenv,
	        .prefixed_env_names = fam->env_prefixes ? pnames : NULL,
	        .prefixed_env = penv,
	        .n_prefixed_env = (size_t)np,
	        .color = *color,
	        .cpu = a->march_native ? cpu_description(c) : NULL,
	        .extra = extra,
	        .n_extra = a->n_extra_inputs,
	        .programs = &programs,
	        .search = &search_digest,
	};
	key_direct(&ki, key);
	return NULL;
}

/*
 * A miss to be stored: remember it as pending under a new token (taking *a
 * and *search) and put the argv the launcher runs in d. 0, or -ENOMEM (a and
 * search then still the caller's).
 */
static int prepare_miss(struct cache *c, const struct cache_request *req, struct compile_args *a,
                        const struct compiler_info *ci, const struct file_digest *src,
                        struct incpath *search, bool color, struct cache_decision *d)
{
	struct pending *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	snprintf(p->token, sizeof(p->token), "%016llx%08lx", (unsigned long long)++c->token_seq,
	         (unsigned long)(cache_now_ns() & 0xffffffff));
	if (!a->depfile_wanted && cache_preprocessed_language(a->language) &&
	    asprintf(&p->tmp_depfile, "%s/%s.d", c->tmp_dir, p->token) < 0) {
		p->tmp_depfile = NULL;
		goto nomem;
	}
	if (cache_assembler_reports(a) &&
	    asprintf(&p->as_depfile, "%s/%s.as.d", c->tmp_dir, p->token) < 0) {
		p->as_depfile = NULL;
		goto nomem;
	}
	if (family_of(a->family)->link_depfile_arg && family_of(a->family)->link_depfile_arg(a) &&
	    asprintf(&p->ld_depfile, "%s/%s.ld.d", c->tmp_dir, p->token) < 0) {
		p->ld_depfile = NULL;
		goto nomem;
	}
	d->echoes_command = family_of(a->family)->echoes_command_on_failure;
	d->settle = family_of(a->family)->closure_from_depinfo || a->output_kind == OUTPUT_PCH;
	r = private_output_plan(a, req->cwd, p->token, &p->priv);
	if (r < 0)
		goto nomem;
	if (r == 0 && (!(d->private_dir = strdup(p->priv.dir)) ||
	               !(d->private_object = strdup(p->priv.object)) ||
	               !(d->final_object = strdup(p->priv.final))))
		goto nomem;
	if (build_run_argv(a, r == 0 ? p->priv.argv : a->argv, r == 0 ? p->priv.argc : a->argc,
	                   p->tmp_depfile, p->as_depfile, p->ld_depfile, color, &d->run_argv) < 0)
		goto nomem;
	p->cwd = strdup(req->cwd);
	if (!p->cwd)
		goto nomem;
	p->key = d->key;
	p->args = *a;
	memset(a, 0, sizeof(*a));
	p->ci = ci;
	p->started_ns = cache_now_coarse_ns();
	p->source = src->digest;
	p->date_epoch = epoch_pins(req, ci);
	p->umask = req->umask;
	p->search = *search;
	memset(search, 0, sizeof(*search));
	/* The folders as the compile will meet them: a store keeps nothing
	 * reached another way afterwards (swap_check.h). */
	cache_store_record_folders(p);
	p->next = c->pending;
	c->pending = p;
	c->n_pending++;
	memcpy(d->token, p->token, sizeof(d->token));
	return 0;
nomem:
	free(p->tmp_depfile);
	free(p->as_depfile);
	free(p->ld_depfile);
	free(p->cwd);
	private_output_free(&p->priv);
	free(p);
	return -ENOMEM;
}

/* ---- preprocessor mode (preprocess.h) ---------------------------------- */

/*
 * The refusal that sends the compile with direct key key to preprocessor
 * mode, or NULL: a store of it refused for a reason the preprocessed text
 * answers, and left a route record saying which (cache_store.c).
 */
static const char *preprocessor_route(struct cache *c, const struct digest *key, char *reason,
                                      size_t len)
{
	struct buf blob = BUF_INIT;
	struct digest rk;
	struct result r = {0};
	const char *why = NULL;

	preprocess_route_key(key, &rk);
	if (index_get(c->index, INDEX_RESULTS, &rk, &blob) == 0 &&
	    cache_result_decode(&blob, &r) == 0 && r.err.len < len) {
		memcpy(reason, r.err.data, r.err.len);
		reason[r.err.len] = '\0';
		why = preprocess_routes(reason) ? reason : NULL;
	}
	cache_result_free(&r);
	buf_free(&blob);
	return why;
}

/* Did the last compile of the unit with direct key key print in
 * preprocessor mode (cache_store.c printed_refusal)? */
static bool preprocessor_printed(struct cache *c, const struct digest *key)
{
	struct buf blob = BUF_INIT;
	struct digest nk;
	bool printed;

	preprocess_printed_key(key, &nk);
	printed = index_get(c->index, INDEX_RESULTS, &nk, &blob) == 0;
	buf_free(&blob);
	return printed;
}

/*
 * The miss just prepared (the newest pending) goes to preprocessor mode:
 * it keeps the compile's argv for later, and d says to run the -E.
 */
static int start_preprocessor(struct cache *c, const struct compile_args *a, const char *route,
                              struct cache_decision *d)
{
	struct pending *p = c->pending;
	int r;

	snprintf(p->route, sizeof(p->route), "%s", route);
	snprintf(d->route, sizeof(d->route), "%s", route);
	if (asprintf(&p->preprocessed, "%s/%s.i", c->tmp_dir, p->token) < 0) {
		p->preprocessed = NULL;
		return -ENOMEM;
	}
	p->run_argv = d->run_argv;
	p->echoes_command = d->echoes_command;
	d->run_argv = NULL;
	d->echoes_command = false;
	free(d->private_dir);
	free(d->private_object);
	free(d->final_object);
	d->private_dir = d->private_object = d->final_object = NULL;
	r = preprocess_argv(a, p->preprocessed, &d->run_argv);
	if (r < 0)
		return r;
	d->preprocessed = strdup(p->preprocessed);
	if (!d->preprocessed)
		return -ENOMEM;
	d->scan_asm = !cache_assembler_reports(a);
	d->asm_source = a->language && strcmp(a->language, "assembler-with-cpp") == 0;
	d->action = CACHE_PREPROCESS;
	snprintf(d->explain, sizeof(d->explain), "preprocessor mode (%s)", route);
	return 0;
}

void preprocess_pending_free(struct pending *p)
{
	if (p->preprocessed) {
		unlink(p->preprocessed);
		free(p->preprocessed);
	}
	for (char **v = p->run_argv; v && *v; v++)
		free(*v);
	free(p->run_argv);
	for (size_t i = 0; i < p->n_entered; i++)
		free(p->entered[i]);
	free(p->entered);
}

/* Keep the names the -E entered for the store's check. 0 or -ENOMEM. */
static int keep_entered(struct pending *p, const struct cache_preprocessed *pp)
{
	p->entered = calloc(pp->n_entered + 1, sizeof(char *));
	if (!p->entered)
		return -ENOMEM;
	for (; p->n_entered < pp->n_entered; p->n_entered++)
		if (!(p->entered[p->n_entered] = strdup(pp->entered[p->n_entered])))
			return -ENOMEM;
	return 0;
}

static struct pending *unlink_pending(struct cache *c, struct pending *p)
{
	for (struct pending **pp = &c->pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			c->n_pending--;
			break;
		}
	}
	return p;
}

/* Its miss: the compile's argv and private-output plan, under its token. */
static int preprocessor_miss(struct pending *p, struct cache_decision *d)
{
	d->action = CACHE_RUN_STORE;
	d->run_argv = p->run_argv;
	p->run_argv = NULL;
	d->echoes_command = p->echoes_command;
	if (p->priv.object && (!(d->private_dir = strdup(p->priv.dir)) ||
	                       !(d->private_object = strdup(p->priv.object)) ||
	                       !(d->final_object = strdup(p->priv.final))))
		return -ENOMEM;
	d->key = p->key;
	memcpy(d->token, p->token, sizeof(d->token));
	return 0;
}

/*
 * Is there a precompiled header beside a header the -E entered? gcc's -E
 * reads the text, its compile loads x.h.gch in its place (clang: x.h.pch
 * for an -include): a .gch made after the store would be served the text's
 * result. One stat per header, on a path that already runs the -E.
 */
static bool precompiled_beside(const char *cwd, const struct cache_preprocessed *pp)
{
	static const char *const suffixes[] = {".gch", ".pch"};

	for (size_t i = 0; i < pp->n_entered; i++) {
		const char *f = pp->entered[i], *dir = f[0] == '/' ? "" : cwd;
		size_t len = strlen(f);

		if (f[0] == '<' && len > 1 && f[len - 1] == '>')
			continue;
		for (size_t k = 0; k < 2; k++) {
			char path[PATH_MAX];

			/* A name too long to probe counts as one there. */
			if ((size_t)snprintf(path, sizeof(path), "%s%s%s%s", dir, *dir ? "/" : "",
			                     f, suffixes[k]) >= sizeof(path) ||
			    access(path, F_OK) == 0)
				return true;
		}
	}
	return false;
}

/* A .gch gcc finds for an entered header in a folder searched before
 * (or beside) the one the -E found it in (pp_gch.h). In doubt: one. */
static bool gch_on_search(struct cache *c, const struct pending *p,
                          const struct cache_preprocessed *pp)
{
	char found[PATH_MAX];
	int r = pp_gch_reachable(c->dc, &p->search, p->cwd, p->args.source, pp->entered,
	                         pp->n_entered, found, sizeof(found));

	if (r > 0)
		log_info("preprocessor mode: %s would load %s, not what its -E read",
		         p->args.source, found);
	return r != 0;
}

/* Did the -E print nothing on stderr? */
static bool preprocessed_quietly(const struct cache_preprocessed *pp)
{
	struct digest none;

	digest_mem("", 0, &none);
	return digest_equal(pp->err, &none);
}

int cache_preprocessed(struct cache *c, const char *token, const struct cache_preprocessed *pp,
                       struct cache_decision *d)
{
	struct pending *p;
	const char *why = NULL;
	struct result r;
	int ret;

	memset(d, 0, sizeof(*d));
	for (p = c->pending; p && strcmp(p->token, token) != 0; p = p->next)
		;
	if (!p || !p->route[0] || !p->preprocessed) {
		set_run(d, REASON(UNKNOWN_TOKEN));
		cache_stat_uncacheable(c, d->reason);
		if (p)
			cache_pending_free(unlink_pending(c, p));
		return 0;
	}
	snprintf(d->route, sizeof(d->route), "%s", p->route);
	/* The launcher has read it (or never will): nothing needs it now. */
	unlink(p->preprocessed);
	if (pp->exit_code != 0 || !pp->text || !pp->err || !pp->entered)
		why = REASON(PREPROCESS_FAILED);
	else if (pp->may_include && !cache_assembler_reports(&p->args))
		why = REASON(ASSEMBLER_INCLUDE);
	else if (precompiled_beside(p->cwd, pp) || gch_on_search(c, p, pp))
		why = REASON(PCH);
	if (why) {
		snprintf(d->explain, sizeof(d->explain), "preprocessor mode (%s): %s", p->route,
		         why);
		set_run(d, why);
		cache_stat_uncacheable(c, why);
		cache_pending_free(unlink_pending(c, p));
		return 0;
	}
	p->preprocessed_quietly = preprocessed_quietly(pp);
	p->direct_key = p->key;
	preprocess_result_key(&p->key, pp->text, pp->err, &p->key);
	ret = serve_result(c, &p->args, p->ci, p->cwd, p->umask, NULL, &p->key, "preprocessor_hit",
	                   d, &r);
	cache_result_free(&r);
	if (ret == 0) {
		cache_pending_free(unlink_pending(c, p));
		return 0;
	}
	buf_free(&d->out);
	buf_free(&d->err);
	if (ret != -ENOENT || !d->explain[0])
		snprintf(d->explain, sizeof(d->explain),
		         "preprocessor mode (%s): no entry for this preprocessed text", p->route);
	if (keep_entered(p, pp) < 0 || preprocessor_miss(p, d) < 0) {
		cache_decision_free(d);
		set_run(d, REASON(ERROR));
		cache_pending_free(unlink_pending(c, p));
		return -ENOMEM;
	}
	return 0;
}

int cache_lookup(struct cache *c, const struct cache_request *req, struct cache_decision *d)
{
	struct file_digest src;
	const struct compiler_info *ci = NULL;
	struct compile_args a = {0};
	struct incpath search = {0};
	const char *why, *route = NULL;
	char route_buf[48];
	struct pending_extra keyed = {0};
	bool color = false;
	int r;

	memset(d, 0, sizeof(*d));
	r = args_classify_as(req->compiler, req->argc, req->argv, req->cwd, &a);
	if (r < 0) {
		compile_args_free(&a);
		set_run(d, REASON(ERROR));
		return r;
	}
	if (a.reason == UNCACHEABLE_MULTIPLE_SOURCES && a.source_args && req->can_split) {
		struct multi_source_split split;

		r = multi_source_split(&a, req->argc, req->argv, req->cwd, &split);
		if (r == 0) {
			d->action = CACHE_SPLIT;
			d->sources = split.sources;
			d->n_sources = split.n;
			cache_stat_add(c, "multi_source", 1);
			compile_args_free(&a);
			return 0;
		}
		if (r < 0) {
			compile_args_free(&a);
			set_run(d, REASON(ERROR));
			return r;
		}
		why = cache_reason_name((enum cache_reason)r);
		snprintf(d->explain, sizeof(d->explain), "%s", why);
		goto uncacheable;
	}
	if (a.reason != UNCACHEABLE_NONE) {
		set_run(d, uncacheable_reason_name(a.reason));
		snprintf(d->explain, sizeof(d->explain), "%s%s%s",
		         uncacheable_reason_name(a.reason), a.reason_arg ? ": " : "",
		         a.reason_arg ? a.reason_arg : "");
		cache_stat_uncacheable(c, d->reason);
		compile_args_free(&a);
		return 0;
	}
	why = refusal(c, req, &a, d, &ci, &src);
	/* The include search before the key: the compiler's own folders are
	 * part of it (they move with what its driver finds installed). */
	if (!why && cache_preprocessed_language(a.language)) {
		r = search_for_compile(c->cc, ci, &a, req->cwd, req->getenv, req->env_ctx, &search);
		if (r == -ENOMEM)
			goto nomem;
		if (r < 0) {
			log_errno(LOG_LEVEL_WARNING, r, "%s will not say where it finds headers",
			          req->compiler);
			why = REASON(INCLUDE_SEARCH_UNKNOWN);
		}
	}
	if (!why)
		why = direct_key(c, req, &a, ci, &src, &search, &d->key, &color, &keyed);
	if (why)
		goto uncacheable;
	/* A source the direct mode would refuse is not looked up there. */
	route = req->part ? NULL : preprocess_source_route(&a, cache_assembler_reports(&a), &src);
	r = route ? -ENOENT : try_hit(c, req, &a, ci, &d->key, d);
	if (r == 0) {
		if (req->part)
			cache_stat_add(c, "multi_source_hit", 1);
		compile_args_free(&a);
		incpath_free(&search);
		return 0;
	}
	if (r == 1) {
		why = REASON(MULTI_SOURCE_DIAGNOSTICS);
		goto uncacheable;
	}
	/* Not served, nor run through the launcher's tee, which would give
	 * the compiler a pipe in place of the stream it fails on. */
	if (r == 2 || req->stdout_unwritable || req->stderr_unwritable) {
		why = REASON(STREAM_UNWRITABLE);
		goto uncacheable;
	}
	d->action = CACHE_RUN_STORE;
	buf_free(&d->out);
	buf_free(&d->err);
	if (!req->part && !route && preprocess_may_route(&a))
		route = preprocessor_route(c, &d->key, route_buf, sizeof(route_buf));
	if (c->n_pending >= PENDING_MAX) {
		set_run(d, REASON(BUSY));
		compile_args_free(&a);
		incpath_free(&search);
		return 0;
	}
	if (prepare_miss(c, req, &a, ci, &src, &search, color, d) < 0)
		goto nomem;
	c->pending->extra = keyed;
	if (route && preprocessor_printed(c, &d->key)) {
		/* It printed there last time: run it as it is, no -E, not
		 * stored (its store clears the note once it is silent). */
		snprintf(c->pending->printed_route, sizeof(c->pending->printed_route), "%s", route);
		snprintf(d->explain, sizeof(d->explain),
		         "preprocessor mode (%s): it printed last time, run without the cache",
		         route);
	} else if (route) {
		r = start_preprocessor(c, &c->pending->args, route, d);
		if (r == -ENOMEM)
			goto nomem_pending;
		if (r < 0) {
			/* Not possible for this command: the refusal stands. */
			cache_abandon(c, d->token);
			cache_decision_free(d);
			why = route;
			goto uncacheable;
		}
	}
	if (req->part)
		cache_stat_add(c, "multi_source_miss", 1);
	return 0;

uncacheable:
	set_run(d, why);
	cache_stat_uncacheable(c, d->reason);
	compile_args_free(&a);
	incpath_free(&search);
	return 0;
nomem_pending:
	cache_abandon(c, d->token);
nomem:
	incpath_free(&search);
	compile_args_free(&a);
	cache_decision_free(d);
	set_run(d, REASON(ERROR));
	return -ENOMEM;
}

void cache_decision_free(struct cache_decision *d)
{
	buf_free(&d->out);
	buf_free(&d->err);
	if (d->run_argv) {
		for (char **v = d->run_argv; *v; v++)
			free(*v);
		free(d->run_argv);
		d->run_argv = NULL;
	}
	free(d->sources);
	d->sources = NULL;
	free(d->preprocessed);
	d->preprocessed = NULL;
	free(d->private_dir);
	free(d->private_object);
	free(d->final_object);
	d->private_dir = d->private_object = d->final_object = NULL;
}
