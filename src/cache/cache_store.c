/* cache_store: a miss's store: its outputs, closure, manifest and index
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
#include "clock.h"
#include "cscan.h"
#include "dircache.h"
#include "family.h"
#include "index.h"
#include "io.h"
#include "key.h"
#include "log.h"
#include "manifest.h"
#include "manifest_memo.h"
#include "paths.h"
#include "pch.h"
#include "preprocess.h"
#include "programs.h"
#include "search.h"
#include "store.h"
#include "sysheaders.h"

/* ---- store ------------------------------------------------------------- */

static struct pending *take_pending(struct cache *c, const char *token)
{
	for (struct pending **pp = &c->pending; *pp; pp = &(*pp)->next) {
		struct pending *p = *pp;

		if (strcmp(p->token, token) == 0) {
			*pp = p->next;
			c->n_pending--;
			return p;
		}
	}
	return NULL;
}

void cache_abandon(struct cache *c, const char *token)
{
	struct pending *p = take_pending(c, token);

	if (p)
		cache_pending_free(p);
}

/*
 * Read one output of p (at rel, recorded as named) into out and its entry
 * in res. 0, 1 when it is not there or not this compile's (a stale file
 * from an earlier build, a wrong output prediction, must never be stored:
 * the margin allows filesystems that keep whole seconds), or -errno.
 */
static int read_output(struct pending *p, enum output_role role, const char *rel, const char *named,
                       struct buf *out, struct result *res)
{
	struct result_output *o = &res->outs[res->n_outs];
	char *path = cache_abs_join(p->cwd, rel);
	struct stat st;
	int fd, r;

	if (res->n_outs >= RESULT_MAX_OUTPUTS) {
		free(path);
		return -E2BIG;
	}
	/* O_NONBLOCK: an output named by a request may be a FIFO. */
	fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : -1;
	free(path);
	if (fd < 0)
		return 1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec <
	            p->started_ns - 2000000000LL) {
		close(fd);
		return 2;
	}
	r = read_to_end(fd, out, 65536);
	close(fd);
	if (r < 0)
		return r;
	if (!(o->path = strdup(named)))
		return -ENOMEM;
	o->role = role;
	o->mode = st.st_mode & 07777;
	res->n_outs++;
	return 0;
}

/*
 * Read every output of p into memory (out[i], res->outs[i] without its
 * digest), before the reply: the launcher then moves the object into place
 * and the build goes on, and whatever happens to the files afterwards is
 * not this compile's. 0, or -errno (-ENOENT: a required output is missing;
 * -ESTALE: one this compile did not write). The object, when the command
 * names one, and a family's files are required; the C extras may
 * legitimately not be there.
 */
static int read_outputs(struct pending *p, struct buf *out, struct result *res)
{
	for (int k = 0; k < ROLE_FILE; k++) {
		const char *named = cache_role_path(&p->args, (enum output_role)k);
		const char *rel = k == ROLE_OBJECT && p->priv.object ? p->priv.object : named;
		int r;

		if (!rel)
			continue;
		r = read_output(p, (enum output_role)k, rel, named, &out[res->n_outs], res);
		if (r < 0)
			return r;
		if (r > 0 && k == ROLE_OBJECT)
			return r == 1 ? -ENOENT : -ESTALE;
	}
	for (size_t i = 0; i < p->args.n_files; i++) {
		int r = read_output(p, ROLE_FILE, p->args.files[i], p->args.files[i],
		                    &out[res->n_outs], res);

		if (r != 0)
			return r < 0 ? r : r == 1 ? -ENOENT : -ESTALE;
	}
	return 0;
}

/* Put the outputs read by read_outputs in the store, each digest in res. */
static int store_outputs(struct cache *c, const struct buf *out, struct result *res,
                         uint64_t *bytes)
{
	for (size_t k = 0; k < res->n_outs; k++) {
		uint64_t stored;
		int r;

		r = store_put_mem(c->store, out[k].data, out[k].len, &res->outs[k].digest, &stored);
		if (r < 0)
			return r;
		*bytes += stored;
	}
	return 0;
}

/* What the C scanner said of a file, for a closure no preprocessor read. */
/*
 * A dependency pragma (#pragma GCC dependency "f", or a _Pragma that may
 * spell one) only warns when f is newer than the file. Its file is in no
 * depfile, so the direct mode cannot key it; in preprocessor mode the key
 * holds the -E's stderr, which warns at every lookup as the compile would.
 * Kept only where neither printed: then the warning was off when the -E
 * ran and when the compile ran (a touch between the two would show in the
 * compile's stderr), and a hit needs a silent -E.
 */
static bool dependency_pragma_silent(const struct pending *p)
{
	return p->route[0] && p->preprocessed_quietly && !p->printed;
}

/* The first file of the compile's depfile, its source aside (the -E's line
 * markers do not count it as entered), that its -E did not enter. */
static const char *read_unentered(const struct pending *p, const struct depfile *deps)
{
	char **others = calloc(deps->n_prereqs + 1, sizeof(char *));
	const char *missing;
	size_t n = 0;

	if (!others)
		return deps->n_prereqs ? deps->prereqs[0] : NULL;
	for (size_t i = 0; i < deps->n_prereqs; i++)
		if (i != deps->source_index)
			others[n++] = deps->prereqs[i];
	missing = preprocess_unread(others, n, p->entered, p->n_entered);
	free(others);
	return missing;
}

/* Was the file changed at or after the compile started (a whole-second
 * stamp: in the two seconds before, FAT's step)? Then which version the
 * compiler read is unknown. */
static bool changed_since(const struct file_digest *fd, int64_t started_ns)
{
	/* The ctime, which the kernel sets, tells the filesystem's precision:
	 * with nanoseconds, a whole-second mtime was set by hand (touch -d). */
	if (fd->ctime_ns % 1000000000LL != 0)
		return fd->mtime_ns >= started_ns || fd->ctime_ns >= started_ns;
	return timestamp_at_or_after(fd->mtime_ns, started_ns) ||
	       timestamp_at_or_after(fd->ctime_ns, started_ns);
}

void cache_store_record_folders(struct pending *p)
{
	const char **more = calloc(p->args.n_extra_inputs + ROLE_FILE + 2, sizeof(char *));
	size_t n = 0;

	/* Where it reads (the extra inputs: cargo's deps folder) and where
	 * it writes: folders the build changes while it compiles. */
	for (size_t i = 0; more && i < p->args.n_extra_inputs; i++)
		more[n++] = p->args.extra_inputs[i];
	for (int k = 0; more && k < ROLE_FILE; k++)
		if (cache_role_path(&p->args, (enum output_role)k))
			more[n++] = cache_role_path(&p->args, (enum output_role)k);
	if (more && p->args.depfile)
		more[n++] = p->args.depfile;
	p->before = more ? swap_record_take(p->cwd, p->args.source, &p->search, more, n) : NULL;
	free(more);
}

/* Is name now found by another way than the compile found it (a symlink
 * on its path repointed, a folder renamed over: swap_check.h)? The digest
 * taken now is then of other bytes than the compiler read, whatever their
 * stamps say. */
static bool reached_otherwise(struct pending *p, const char *name)
{
	char changed[PATH_MAX];
	int r = swap_check_path(p->before, p->cwd, name, p->started_ns, changed, sizeof(changed));

	if (r == 0)
		return false;
	if (r > 0)
		log_info("not caching %s: %s changed while it compiled (%s)", p->args.source,
		         changed, name);
	else
		log_errno(LOG_LEVEL_INFO, r, "not caching %s: cannot follow %s", p->args.source,
		          name);
	return true;
}

/*
 * An extra input (a Rust crate's --extern rlib or rmeta) stamped in the
 * tick the compile started in, or after, whose bytes are those the key
 * took before it began: cargo hard-links a crate it finished into
 * target/debug/ (its ctime moves) while the crates after it compile, and
 * starts a crate in the tick the rmeta it needs was written. The bytes
 * read before the start and after the end are the same, so the compile
 * read them, unless a write changed them and another put them back.
 */
static bool keyed_as_read(const struct pending *p, const char *name, const struct file_digest *fd)
{
	char *path, *keyed;
	bool same = false;

	if (!(path = cache_abs_join(p->cwd, name)))
		return false;
	for (size_t i = 0; i < p->extra.n && i < p->args.n_extra_inputs && !same; i++) {
		if (!p->extra.present[i] ||
		    !(keyed = cache_abs_join(p->cwd, p->args.extra_inputs[i])))
			continue;
		same = strcmp(keyed, path) == 0 && digest_equal(&p->extra.digest[i], &fd->digest);
		free(keyed);
	}
	free(path);
	return same;
}

static void forget_c_scan(struct file_digest *fd)
{
	fd->time_macros = fd->timestamp_macro = false;
	fd->asm_includes = fd->asm_includes_maybe = false;
	fd->paste_flags = 0;
	fd->include_flags = 0;
}

/* Decide, file by file, whether the include closure can be trusted. */
static const char *check_closure(struct cache *c, struct pending *p, struct depfile *deps,
                                 struct manifest_entry *e)
{
	/* A dep-info (rustc's, a linker's) names files no preprocessor read:
	 * what the C scanner finds in them (#line, __TIME__, pragmas, in a
	 * Rust source or an rlib's bytes) means nothing to the compile. */
	bool c_scan = !family_of(p->args.family)->closure_from_depinfo;
	unsigned pasted = 0, pragmas = 0;

	e->files = calloc(deps->n_prereqs + 1, sizeof(*e->files));
	if (!e->files)
		return REASON(ERROR);
	for (size_t i = 0; i < deps->n_prereqs; i++) {
		struct file_digest fd;
		char *path = cache_abs_join(p->cwd, deps->prereqs[i]);
		/* A dep-info's files are no C text: their digest, not their scan. */
		int r = !path    ? -ENOMEM
		        : c_scan ? hashcache_get(c->hc, path, &fd)
		                 : hashcache_digest(c->hc, path, &fd);

		free(path);
		if (cache_is_process_path(deps->prereqs[i]))
			return REASON(PROCESS_PATH);
		if (r < 0)
			return REASON(MISSING_INCLUDE);
		if (reached_otherwise(p, deps->prereqs[i]))
			return REASON(MODIFIED_DURING_COMPILE);
		/* Changed while the compiler ran: which version did it read? */
		if (changed_since(&fd, p->started_ns) && !keyed_as_read(p, deps->prereqs[i], &fd)) {
			log_info("not caching %s: %s changed while it compiled", p->args.source,
			         deps->prereqs[i]);
			return REASON(MODIFIED_DURING_COMPILE);
		}
		if (!c_scan)
			forget_c_scan(&fd);
		if (fd.timestamp_macro || (fd.time_macros && !p->date_epoch))
			return REASON(TIME_MACROS);
		pasted |= fd.paste_flags;
		if (pasted == (CSCAN_PASTE | CSCAN_TIME_PIECE))
			return REASON(TIME_MACROS); /* __TIME__ may be pasted together */
		if (cache_unreported_asm_includes(&p->args, &fd))
			return REASON(ASSEMBLER_INCLUDE);
		pragmas |= fd.include_flags;
		if (((fd.include_flags & CSCAN_PRAGMA_DEPENDENCY) ||
		     (pragmas & (CSCAN_PRAGMA_OPERATOR | CSCAN_DEPENDENCY_WORD)) ==
		             (CSCAN_PRAGMA_OPERATOR | CSCAN_DEPENDENCY_WORD)) &&
		    !dependency_pragma_silent(p))
			return REASON(PRAGMA_DEPENDENCY);
		if ((fd.include_flags & CSCAN_PCH_PREPROCESS) ||
		    (p->route[0] && preprocess_loads_pch(deps->prereqs[i])))
			return REASON(PCH);
		/* Preprocessor mode keyed what the preprocessor found. */
		if ((fd.include_flags & CSCAN_COMPUTED_PROBE) && !p->route[0])
			return REASON(COMPUTED_PROBE);
		if (!p->route[0] &&
		    preprocess_asm_paste(&p->args, cache_assembler_reports(&p->args), &fd))
			return REASON(ASSEMBLER_PASTE);
		/* gcc quoted lines of a file #line names, read then: keep
		 * only compiles that printed nothing it could quote. */
		if ((fd.include_flags & CSCAN_LINE_FILE) && p->printed)
			return REASON(LINE_DIRECTIVE);
		if (i == deps->source_index) {
			if (!digest_equal(&fd.digest, &p->source))
				return REASON(MODIFIED_DURING_COMPILE);
			/* the source is in the direct key already, its mtime
			 * not: a PCH that records it keeps it here (a unit
			 * that loads one: the PCH does not record the unit) */
			if (!p->args.pch_mtimes || p->args.output_kind != OUTPUT_PCH)
				continue;
		}
		e->files[e->n_files].path = strdup(deps->prereqs[i]);
		if (!e->files[e->n_files].path)
			return REASON(ERROR);
		/* A dep-info's files are keyed by content; no include is
		 * followed in them (nor again in the source). */
		e->files[e->n_files].preprocessed =
		        !family_of(p->args.family)->closure_from_depinfo && i != deps->source_index;
		if (p->args.pch_mtimes)
			manifest_fold_mtime(&fd.digest, &fd);
		e->files[e->n_files++].digest = fd.digest;
	}
	return NULL;
}

/* A temporary file of gcc's (/tmp/ccXXXXXX.s), gone by now. */
static bool is_gcc_temp(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	return strncmp(base, "cc", 2) == 0 && len > 4 && strcmp(base + len - 2, ".s") == 0 &&
	       access(path, F_OK) < 0;
}

/* What the assembler read besides its input (.incbin data, .include files):
 * part of the closure, followed for content only. */
static const char *add_assembler_inputs(struct cache *c, struct pending *p,
                                        const struct depfile *deps, struct manifest_entry *e)
{
	struct depfile as = {0};
	const char *skip = NULL;
	struct manifest_file *grown;

	if (depfile_read(p->as_depfile, &as) < 0)
		return REASON(DEPFILE_UNREADABLE);
	grown = realloc(e->files, (e->n_files + as.n_prereqs + 1) * sizeof(*e->files));
	if (!grown) {
		depfile_free(&as);
		return REASON(ERROR);
	}
	e->files = grown;
	for (size_t i = 0; i < as.n_prereqs && !skip; i++) {
		const char *f = as.prereqs[i];
		struct file_digest fd;
		bool known =
		        deps->n_prereqs > 0 && strcmp(f, deps->prereqs[deps->source_index]) == 0;
		char *path;
		int r;

		for (size_t k = 0; k < e->n_files && !known; k++)
			known = strcmp(e->files[k].path, f) == 0;
		if (known || strcmp(f, p->args.source) == 0 || is_gcc_temp(f))
			continue;
		path = cache_abs_join(p->cwd, f);
		r = path ? hashcache_get(c->hc, path, &fd) : -ENOMEM;
		free(path);
		/* GNU as also lists the name of the first .file directive (the
		 * source's base name, or a line marker's), which it never reads:
		 * a missing name without a folder is that. A missing .incbin
		 * file would have failed the assembly. */
		if (r == -ENOENT && !strchr(f, '/'))
			continue;
		if (r < 0)
			skip = REASON(MISSING_INCLUDE);
		else if (changed_since(&fd, p->started_ns) || reached_otherwise(p, f))
			skip = REASON(MODIFIED_DURING_COMPILE);
		else if (!(e->files[e->n_files].path = strdup(f)))
			skip = REASON(ERROR);
		else {
			e->files[e->n_files].preprocessed = false;
			e->files[e->n_files++].digest = fd.digest;
		}
	}
	depfile_free(&as);
	return skip;
}

/* -MMD ran as -MD: put the depfile the user asked for in place. */
static int filter_user_mmd(struct cache *c, struct pending *p)
{
	struct depfile copy = {0};
	struct buf text = BUF_INIT;
	char *user;
	int r;

	if (!p->args.depfile_mmd)
		return 0;
	user = cache_abs_join(p->cwd, p->args.depfile);
	r = user ? depfile_read(user, &copy) : -ENOMEM;
	if (r == 0)
		r = cache_filter_mmd(c, &p->args, p->ci, &p->search, p->cwd, &copy);
	if (r == 0)
		r = cache_render_depfile(&p->args, &copy, &text);
	if (r == 0)
		r = cache_write_output(user, text.data, text.len, 0666 & ~p->umask, true);
	free(user);
	depfile_free(&copy);
	buf_free(&text);
	return r;
}

/* A store between its two halves (cache.h). */
struct cache_store_job {
	struct pending *p;
	struct depfile deps;
	struct buf outputs[RESULT_MAX_OUTPUTS];
	struct result res; /* the outputs read, their digests once stored */
	struct buf out, err;
	int64_t duration_ms;
};

static void store_job_free(struct cache_store_job *j)
{
	if (!j)
		return;
	if (j->p)
		cache_pending_free(j->p);
	depfile_free(&j->deps);
	for (int k = 0; k < RESULT_MAX_OUTPUTS; k++)
		buf_free(&j->outputs[k]);
	cache_result_free(&j->res);
	buf_free(&j->out);
	buf_free(&j->err);
	free(j);
}

/* Count why a result was not stored; 1, as cache_store returns then. */
static int not_stored(struct cache *c, const char *skip, const char **why)
{
	if (strcmp(skip, "error") == 0)
		cache_stat_add(c, "error.store", 1);
	else
		cache_stat_uncacheable(c, skip);
	*why = skip;
	return 1;
}

/*
 * A dep-info's "# env-dep:NAME=value" lines (rustc: env!, option_env!)
 * name variables the compile read: each must be one the family keys, whose
 * value the direct key already holds. NULL, or why the result is not stored.
 */
static const char *check_env_deps(const struct family *fam, const char *path)
{
	static const char tag[] = "# env-dep:";
	const char *skip = NULL;
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return REASON(DEPFILE_UNREADABLE);
	while (!skip && getline(&line, &cap, f) > 0) {
		size_t len;
		bool keyed = false;

		if (strncmp(line, tag, sizeof(tag) - 1) != 0)
			continue;
		len = strcspn(line + sizeof(tag) - 1, "=\n");
		for (size_t i = 0; fam->env_vars && fam->env_vars[i] && !keyed; i++)
			keyed = strlen(fam->env_vars[i]) == len &&
			        strncmp(fam->env_vars[i], line + sizeof(tag) - 1, len) == 0;
		if (!keyed) {
			log_info("not caching: %s reads %.*s", path, (int)len,
			         line + sizeof(tag) - 1);
			skip = REASON(ENV_DEPENDENCY);
		}
	}
	free(line);
	fclose(f);
	return skip;
}

/*
 * The files the linker read (family.h link_depfile_arg), appended to the
 * closure: rlibs found through the search path, the standard library, the
 * C runtime, native libraries. Its own temporaries are left out; a link
 * whose linker wrote no depfile is not stored. 0, or -errno.
 */
static int add_link_closure(const struct pending *p, struct depfile *deps)
{
	const struct family *fam = family_of(p->args.family);
	struct depfile ld = {0};
	size_t n = deps->n_prereqs;
	char **v;
	int r = depfile_read(p->ld_depfile, &ld);

	if (r < 0)
		return r;
	v = realloc(deps->prereqs, (n + ld.n_prereqs + 1) * sizeof(char *));
	if (!v) {
		depfile_free(&ld);
		return -ENOMEM;
	}
	deps->prereqs = v;
	for (size_t i = 0; i < ld.n_prereqs; i++) {
		bool dup =
		        fam->own_temporary && fam->own_temporary(&p->args, p->cwd, ld.prereqs[i]);

		for (size_t k = 0; k < n && !dup; k++)
			dup = strcmp(v[k], ld.prereqs[i]) == 0;
		if (dup)
			continue;
		v[n++] = ld.prereqs[i];
		ld.prereqs[i] = NULL;
	}
	v[n] = NULL;
	deps->n_prereqs = n;
	depfile_free(&ld);
	return 0;
}

/* The prerequisites the compile's depfile names (ours or the build's), with
 * the source located among them; for an unpreprocessed input, the source. */
static const char *read_closure(struct pending *p, struct depfile *deps)
{
	const struct family *fam = family_of(p->args.family);
	char *depfile_path;
	int r;

	if (!cache_preprocessed_language(p->args.language) && !fam->closure_from_depinfo) {
		deps->prereqs = calloc(2, sizeof(char *));
		if (!deps->prereqs || !(deps->prereqs[0] = strdup(p->args.source)))
			return REASON(ERROR);
		deps->n_prereqs = 1;
		return NULL;
	}
	depfile_path =
	        p->tmp_depfile ? strdup(p->tmp_depfile) : cache_abs_join(p->cwd, p->args.depfile);
	r = depfile_path ? depfile_read(depfile_path, deps) : -ENOMEM;
	if (r == 0 && fam->closure_from_depinfo) {
		const char *skip = check_env_deps(fam, depfile_path);

		if (skip) {
			free(depfile_path);
			return skip;
		}
	}
	free(depfile_path);
	if (r == 0 && p->ld_depfile)
		r = add_link_closure(p, deps);
	if (r < 0)
		return REASON(DEPFILE_UNREADABLE);
	/* The source is where the classifier says, whatever the depfile's order. */
	for (size_t i = 0; i < deps->n_prereqs; i++) {
		char *a1 = cache_abs_join(p->cwd, deps->prereqs[i]),
		     *a2 = cache_abs_join(p->cwd, p->args.source);
		char r1[PATH_MAX], r2[PATH_MAX];
		bool same = a1 && a2 && realpath(a1, r1) && realpath(a2, r2) && strcmp(r1, r2) == 0;

		free(a1);
		free(a2);
		if (same) {
			deps->source_index = i;
			break;
		}
	}
	return NULL;
}

/*
 * A closure file under the cwd of a relocated compile (rel: its name
 * relative to the cwd), asked of the family as an output is: one that holds
 * the cwd itself (a source with include_str!("<cwd>/data")) reads the same
 * file from another checkout, not that checkout's own. NULL, or why not.
 */
static const char *relocated_input(const struct pending *p, const char *rel)
{
	const struct family *fam = family_of(p->args.family);
	struct buf text = BUF_INIT;
	char *path = cache_abs_join(p->cwd, rel);
	const char *skip = NULL;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : -1;

	free(path);
	if (fd < 0 || read_to_end(fd, &text, 65536) < 0)
		skip = REASON(MISSING_INCLUDE);
	else
		skip = fam->relocate_store(&p->args, p->cwd, rel, &text);
	if (fd >= 0)
		close(fd);
	buf_free(&text);
	return skip;
}

/*
 * A compile keyed relative to its cwd (args.h cwd_relocated): the closure's
 * files under the cwd recorded relative to it, found from the next hit's
 * cwd; its outputs, stdout and stderr in the family's stored form. NULL, or
 * why the result is not stored.
 */
static const char *relocate_for_store(struct cache_store_job *j)
{
	const struct pending *p = j->p;
	const struct family *fam = family_of(p->args.family);
	const char *skip = NULL;

	if (!p->args.cwd_relocated)
		return NULL;
	if (!fam->relocate_store)
		return REASON(ERROR);
	for (size_t i = 0; i < j->deps.n_prereqs && !skip; i++) {
		char *rel = args_path_relative(p->cwd, j->deps.prereqs[i]);

		if (!rel)
			return REASON(ERROR);
		free(j->deps.prereqs[i]);
		j->deps.prereqs[i] = rel;
		if (rel[0] != '/')
			skip = relocated_input(p, rel);
	}
	for (size_t k = 0; k < j->res.n_outs && !skip; k++)
		skip = fam->relocate_store(&p->args, p->cwd, j->res.outs[k].path, &j->outputs[k]);
	if (!skip)
		skip = fam->relocate_store(&p->args, p->cwd, NULL, &j->out);
	if (!skip)
		skip = fam->relocate_store(&p->args, p->cwd, NULL, &j->err);
	return skip;
}

/* A record under rk: a result with no output and text as its stderr. */
static void put_note(struct cache *c, const struct digest *rk, const char *text)
{
	struct result none = {0};
	struct buf blob = BUF_INIT;

	if (cache_result_encode(&none, NULL, 0, text, strlen(text), NULL, 0, &blob) == 0 &&
	    index_put(c->index, INDEX_RESULTS, rk, blob.data, blob.len, blob.len, time(NULL)) < 0)
		cache_stat_add(c, "error.index", 1);
	buf_free(&blob);
}

/*
 * Refusals of a compile that printed, decided before its closure is read.
 * clang's -fdiagnostics-absolute-paths prints real paths no key holds.
 * In preprocessor mode gcc quotes a warned line as it is on disk, comments
 * and spacing included, where the -E text keyed drops them: only silent
 * compiles are stored there, and a note sends the next lookup of a printing
 * unit to a plain miss without the -E (cache_lookup.c), until one prints
 * nothing: that one clears the note. NULL: not refused here.
 */
static const char *printed_refusal(struct cache *c, struct pending *p)
{
	struct digest nk;
	int r;

	if (p->printed_route[0] || p->route[0])
		preprocess_printed_key(p->route[0] ? &p->direct_key : &p->key, &nk);
	if (p->printed_route[0]) {
		int route = cache_reason_lookup(p->printed_route);

		if (p->printed)
			return REASON(PREPROCESS_PRINTED);
		r = index_del(c->index, INDEX_RESULTS, &nk);
		if (r < 0 && r != -ENOENT)
			cache_stat_add(c, "error.index", 1);
		return route < 0 ? REASON(ERROR) : cache_reason_name((enum cache_reason)route);
	}
	if (!p->printed)
		return NULL;
	if (p->args.diagnostics_real_paths)
		return REASON(DIAGNOSTICS_REAL_PATHS);
	if (p->route[0]) {
		put_note(c, &nk, p->route);
		return REASON(PREPROCESS_PRINTED);
	}
	return NULL;
}

int cache_store_begin(struct cache *c, const char *token, int exit_code, const void *out,
                      size_t out_len, const void *err, size_t err_len, int64_t duration_ms,
                      struct cache_store_job **job, const char **why)
{
	struct pending *p = take_pending(c, token);
	struct cache_store_job *j;
	const char *skip, *printed;
	int r;

	*why = NULL;
	*job = NULL;
	if (!p) {
		*why = REASON(UNKNOWN_TOKEN);
		return -ENOENT;
	}
	if (exit_code != 0) {
		filter_user_mmd(c, p); /* gcc and clang leave it behind on errors */
		cache_stat_add(c, "compile_failed", 1);
		*why = REASON(COMPILE_FAILED);
		cache_pending_free(p);
		return 1;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		cache_pending_free(p);
		return not_stored(c, REASON(ERROR), why);
	}
	j->p = p;
	j->duration_ms = duration_ms;
	p->printed = err_len > 0;
	skip = printed = printed_refusal(c, p);
	if (!skip)
		skip = read_closure(p, &j->deps);
	/* The user's -MMD file: the compile wrote -MD; filter it back now
	 * (also when printed_refusal left the closure unread). */
	if ((!skip || printed) && filter_user_mmd(c, p) < 0)
		skip = REASON(DEPFILE_UNREADABLE);
	if (!skip &&
	    (buf_append(&j->out, out, out_len) < 0 || buf_append(&j->err, err, err_len) < 0))
		skip = REASON(ERROR);
	if (!skip && (r = read_outputs(p, j->outputs, &j->res)) < 0) {
		cache_stat_add(c,
		               r == -ENOENT   ? "error.missing_file"
		               : r == -ESTALE ? "error.stale_output"
		                              : "error.store_write",
		               1);
		log_errno(LOG_LEVEL_WARNING, r, "cannot read the outputs of %s", p->args.source);
		skip = REASON(ERROR);
	}
	if (!skip)
		skip = relocate_for_store(j);
	if (skip) {
		store_job_free(j);
		return not_stored(c, skip, why);
	}
	*job = j;
	return 0;
}

/* What the family's own searches found (family.h search_closure): files
 * joined to deps, the names they looked for after e->forced's. NULL, or
 * why the result is not stored. */
static const char *search_closure(struct pending *p, struct depfile *deps, struct manifest_entry *e)
{
	const struct family *fam = family_of(p->args.family);
	struct buf probes = {(uint8_t *)e->forced, e->forced_len, e->forced_len};
	int r;

	if (!fam->search_closure)
		return NULL;
	r = fam->search_closure(&p->args, p->cwd, deps, &probes);
	e->forced = (char *)probes.data;
	e->forced_len = probes.len;
	if (r == -ENOTSUP)
		log_info("not caching %s: an input found by a search cannot be keyed",
		         p->args.source);
	return r == -ENOTSUP ? REASON(UNKEYED_SEARCH) : r < 0 ? REASON(ERROR) : NULL;
}

/* The closure checked and recorded with its include search: the manifest
 * entry, with e->result set. NULL, or why the result is not stored. */
static const char *record_entry(struct cache *c, struct pending *p, struct depfile *deps,
                                struct manifest_entry *e)
{
	char conflict[PATH_MAX];
	struct key_file *kf;
	const char *skip, *missing;
	int r;

	/* The preprocessed route keys no search (its result is its key). */
	if (!p->route[0] && search_forced_names(&p->args, &e->forced, &e->forced_len) < 0)
		return REASON(ERROR);
	skip = search_closure(p, deps, e);
	if (!skip)
		skip = check_closure(c, p, deps, e);
	if (!skip && p->as_depfile) {
		size_t before = e->n_files;

		skip = add_assembler_inputs(c, p, deps, e);
		/* The preprocessed key cannot follow what the assembler read. */
		if (!skip && p->route[0] && e->n_files != before)
			skip = REASON(ASSEMBLER_INCLUDE);
	}
	if (skip)
		return skip;
	e->search = p->search;
	memset(&p->search, 0, sizeof(p->search));
	if (p->route[0]) {
		e->result = p->key;
		missing =
		        preprocess_unread(p->entered, p->n_entered, deps->prereqs, deps->n_prereqs);
		if (missing) {
			log_info("not caching %s: the compile did not read %s, which its -E did "
			         "(a precompiled header in its place)",
			         p->args.source, missing);
			return REASON(PCH);
		}
		/* The key holds what the -E read: a file only the compile read
		 * (clang's sanitizer ignorelist in its resource folder) is in no
		 * key, so such a compile is not kept. */
		missing = read_unentered(p, deps);
		if (missing) {
			log_info("not caching %s: the compile read %s, which its -E did not",
			         p->args.source, missing);
			return REASON(PREPROCESS_UNSEEN_INPUT);
		}
		return NULL;
	}
	e->no_gch = p->args.output_kind == OUTPUT_PCH;
	r = manifest_record_search(e, c->hc, c->dc, p->cwd, p->args.source, p->started_ns, conflict,
	                           sizeof(conflict));
	if (r == -EEXIST || r == -EXDEV || r == -EDOM) {
		log_info("not caching %s: %s %s", p->args.source, conflict,
		         r == -EEXIST  ? "appeared during the compile"
		         : r == -EXDEV ? "may be used for a header"
		                       : "is a copy of a #pragma once header");
		return r == -EEXIST  ? REASON(AMBIGUOUS_INCLUDE)
		       : r == -EXDEV ? REASON(PCH)
		                     : REASON(PRAGMA_ONCE_COPY);
	}
	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "cannot record the include search of %s",
		          p->args.source);
		return r == -ENOENT ? REASON(MODIFIED_DURING_COMPILE) : REASON(ERROR);
	}
	kf = calloc(e->n_files + 1, sizeof(*kf));
	if (!kf)
		return REASON(ERROR);
	for (size_t i = 0; i < e->n_files; i++)
		kf[i] = (struct key_file){e->files[i].path, e->files[i].digest};
	key_result(&p->key, kf, e->n_files, &e->result);
	free(kf);
	return NULL;
}

/* Result before manifest: the index never names a result it lacks. The memo
 * keeps what the index then holds. */
static int index_entry(struct cache *c, struct pending *p, struct manifest_entry *e,
                       const struct buf *result_blob, uint64_t bytes)
{
	struct manifest m = {0};
	struct buf blob = BUF_INIT;
	int r;

	r = index_put(c->index, INDEX_RESULTS, &e->result, result_blob->data, result_blob->len,
	              bytes + result_blob->len, time(NULL));
	/* Preprocessor mode: the result key is found from the -E alone. */
	if (r < 0 || p->route[0])
		return r;
	if (index_get(c->index, INDEX_MANIFESTS, &p->key, &blob) == 0 &&
	    manifest_decode(blob.data, blob.len, &m) < 0)
		memset(&m, 0, sizeof(m));
	buf_reset(&blob);
	r = manifest_add(&m, e);
	if (r == 0)
		r = manifest_encode(&m, &blob);
	if (r == 0)
		r = index_put(c->index, INDEX_MANIFESTS, &p->key, blob.data, blob.len, blob.len,
		              time(NULL));
	if (r == 0)
		manifest_memo_put(c->memo, &p->key, &m, blob.len);
	else
		manifest_memo_drop(c->memo, &p->key);
	buf_free(&blob);
	manifest_free(&m);
	return r;
}

/*
 * The unit with direct key key was refused for reason, which its
 * preprocessed text answers: its next lookup goes to preprocessor mode
 * (cache_lookup.c). The record is a result with no output and the reason
 * as its stderr, so that the index, eviction and verify treat it as any
 * other; losing it costs one uncached compile.
 */
static void remember_route(struct cache *c, const struct digest *key, const char *reason)
{
	struct digest rk;

	preprocess_route_key(key, &rk);
	put_note(c, &rk, reason);
}

int cache_store_finish(struct cache *c, struct cache_store_job *j, const char **why)
{
	struct pending *p = j->p;
	struct manifest_entry e = {0};
	struct buf blob = BUF_INIT;
	char hex[DIGEST_HEX_LEN + 1];
	struct result *res = &j->res;
	uint64_t bytes = 0;
	const char *skip, *pch;
	bool uses_gch;
	int r;

	*why = NULL;
	skip = record_entry(c, p, &j->deps, &e);
	uses_gch = !skip && pch_entry_uses_gch(&e); /* e is moved into the manifest */
	if (!skip && (r = store_outputs(c, j->outputs, res, &bytes)) < 0) {
		cache_stat_add(c, cache_no_space(r) ? "error.disk_full" : "error.store_write", 1);
		log_errno(LOG_LEVEL_WARNING, r, "cannot store the outputs of %s", p->args.source);
		skip = REASON(ERROR);
	}
	/* The result keeps the list this command's depfile shows. */
	if (!skip && p->args.depfile_mmd &&
	    cache_filter_mmd(c, &p->args, p->ci, &e.search, p->cwd, &j->deps) < 0)
		skip = REASON(ERROR);
	res->source_index = j->deps.source_index;
	res->duration_ms = j->duration_ms;
	if (!skip && cache_result_encode(res, j->out.data, j->out.len, j->err.data, j->err.len,
	                                 j->deps.prereqs, j->deps.n_prereqs, &blob) < 0)
		skip = REASON(ERROR);
	if (!skip && (r = index_entry(c, p, &e, &blob, bytes)) < 0) {
		cache_stat_add(c, cache_no_space(r) ? "error.disk_full" : "error.index", 1);
		log_errno(LOG_LEVEL_WARNING, r, "cannot index the result of %s", p->args.source);
		skip = REASON(ERROR);
	}
	if (!skip && c->observer) {
		struct digest arts[RESULT_MAX_OUTPUTS];
		size_t n_arts = 0;

		for (size_t k = 0; k < res->n_outs; k++)
			arts[n_arts++] = res->outs[k].digest;
		c->observer(c->observer_ctx, &e.result, arts, n_arts);
	}
	if (!skip) {
		digest_to_hex(&e.result, hex);
		log_debug("stored %s as %s (%llu bytes)", p->args.source, hex,
		          (unsigned long long)bytes);
		cache_stat_add(c, p->route[0] ? "preprocessor_miss" : "depend_miss", 1);
		if ((pch = pch_counter(&p->args, uses_gch, false)))
			cache_stat_add(c, pch, 1);
		cache_stat_add(c, "bytes_stored", bytes);
	}
	if (skip && !p->route[0] && preprocess_routes(skip))
		remember_route(c, &p->key, skip);
	buf_free(&blob);
	manifest_entry_free(&e);
	store_job_free(j);
	return skip ? not_stored(c, skip, why) : 0;
}

int cache_store(struct cache *c, const char *token, int exit_code, const void *out, size_t out_len,
                const void *err, size_t err_len, int64_t duration_ms, const char **why)
{
	struct cache_store_job *job;
	int r = cache_store_begin(c, token, exit_code, out, out_len, err, err_len, duration_ms,
	                          &job, why);

	return r == 0 ? cache_store_finish(c, job, why) : r;
}
