/* cache_outputs: depfiles and output files, and a hit's materialization
 * (cache_internal.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache_internal.h"
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
#include "programs.h"
#include "search.h"
#include "store.h"
#include "sysheaders.h"

const char *const cache_role_names[ROLE_COUNT] = {"object", "dwo", "gcno", "su", "file"};

const char *cache_role_path(const struct compile_args *a, enum output_role role)
{
	switch (role) {
	case ROLE_OBJECT:
		return a->output;
	case ROLE_DWO:
		return a->dwo;
	case ROLE_GCNO:
		return a->gcno;
	case ROLE_SU:
		return a->stack_usage;
	default:
		return NULL;
	}
}

/* ---- depfiles ----------------------------------------------------------- */

static enum depfile_style style_of(const struct compile_args *a)
{
	return family_of(a->family)->depfile_style;
}

static enum compiler_lang lang_of(const struct compile_args *a)
{
	return strstr(a->language ? a->language : "", "c++") ? COMPILER_LANG_CXX : COMPILER_LANG_C;
}

/*
 * -MMD leaves out what the compiler calls system headers: decided by the
 * route each file was found by (sysheaders), and by folder where no route
 * is known. deps is the full -MD list of the compile; search its include
 * search (NULL: by folder alone).
 */
int cache_filter_mmd(struct cache *c, const struct compile_args *a, const struct compiler_info *ci,
                     const struct incpath *search, const char *cwd, struct depfile *deps)
{
	const char *sys[256], *user[256];
	struct depfile_search s = {.system_dirs = sys, .user_dirs = user};
	enum compiler_lang l = lang_of(a);
	signed char *verdict = NULL;
	size_t pos = 0;
	int r;

	for (size_t i = 0; i < ci->n_sysdirs[l] && s.n_system < 256; i++)
		sys[s.n_system++] = ci->sysdirs[l][i];
	for (int kind = 0; kind < INCLUDE_KIND_COUNT; kind++) {
		for (size_t i = 0; i < a->n_include[kind]; i++, pos++) {
			const char *d = a->include_search[pos];

			if ((kind == INCLUDE_SYSTEM || kind == INCLUDE_AFTER) && s.n_system < 256)
				sys[s.n_system++] = d;
			else if (s.n_user < 256)
				user[s.n_user++] = d;
		}
	}
	s.forced = (const char *const *)a->forced_includes;
	s.n_forced = a->n_forced_includes;
	if (search) {
		verdict = malloc(deps->n_prereqs + 1);
		if (!verdict)
			return -ENOMEM;
		r = sysheaders_classify(deps, search, a->forced_includes, a->n_forced_includes,
		                        c->hc, cwd, verdict);
		if (r < 0) {
			free(verdict);
			return r;
		}
		s.verdict = verdict;
	}
	r = depfile_filter_system(deps, &s);
	free(verdict);
	return r;
}

/* Render the depfile this command asked for from a list that is already
 * the one it wants (filtered for -MMD when stored). */
int cache_render_depfile(const struct compile_args *a, struct depfile *deps, struct buf *out)
{
	struct depfile_render_opts o = {
	        .style = style_of(a),
	        .targets = (const char *const *)a->dep_targets,
	        .n_targets = a->n_dep_targets,
	        .target_quoted = a->dep_target_quoted,
	        .phony = a->depfile_phony,
	};

	return depfile_render(deps, &o, out);
}

/*
 * Open path for writing from the start, as the compiler would: an existing
 * file is truncated in place, keeping its inode and mode, unless it has
 * other hard links: those must keep their bytes (the assembler unlinks and
 * creates anew), so the name gets a new file. Anything but a regular file
 * (a FIFO, a device behind a symlink) is left to the compiler: opened
 * without blocking, never as a controlling tty. *created: a new file.
 */
static bool is_symlink(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static int open_output(const char *path, mode_t mode, bool through_links, bool *created)
{
	struct stat st;
	int r;

	/* Three tries: the name may vanish or be unlinked between the opens. */
	for (int tries = 0; tries < 3; tries++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

		*created = fd >= 0;
		if (fd < 0 && errno == EEXIST)
			fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		/* A dangling symlink (it exists, yet opening it finds nothing): the
		 * compiler creates the file it names, and so do we; clang's objects
		 * replace the link instead (replace_linked_object ran first). */
		if (fd < 0 && errno == ENOENT && is_symlink(path)) {
			fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
			          mode);
			*created = fd >= 0;
		}
		if (fd < 0) {
			if (errno == ENOENT && tries < 2)
				continue;
			return -errno;
		}
		if (*created)
			return fd;
		if (fstat(fd, &st) < 0) {
			r = -errno;
		} else if (!S_ISREG(st.st_mode)) {
			r = -EINVAL;
		} else if (st.st_nlink > 1 && !through_links) {
			close(fd);
			if (unlink(path) < 0 && errno != ENOENT)
				return -errno;
			continue;
		} else if (ftruncate(fd, 0) == 0) {
			return fd;
		} else {
			r = -errno;
		}
		close(fd);
		return r;
	}
	return -EAGAIN;
}

/*
 * Write bytes to path the way a compiler does (see open_output). No tmp
 * and rename: on ext4 the inode churn of that cost more than the rest of a
 * hit. A write that fails removes the partial file; if the server dies
 * mid-write, the launcher falls back to the compiler, which rewrites it.
 */
/* through_links: the compiler writes this file with fopen() (depfiles,
 * .su, .gcno): other hard links see the new bytes. The object and .dwo
 * come from tools that make a new file. */
/* Past this size a file is rewritten rather than compared. */
#define SAME_BYTES_MAX (16u << 20)

/*
 * Are these bytes already at path, in a regular file of one link? Then the
 * compile would leave the same file with a new time, and so does this: a
 * hit after a touched source or header (make's usual rebuild) writes
 * nothing, and ext4 starts no flush for a file truncated to zero. True when
 * done.
 */
/*
 * Would a new file at path be this one in all but its bytes and times? The
 * assembler unlinks and creates the object anew (clang renames a new file
 * over it): a new file is ours, of the group a new file gets there, with
 * no extended attributes (ACLs, labels). Files written in place (depfiles)
 * keep all of that anyway.
 */
static bool as_if_new(const struct stat *st, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat dst;
	gid_t gid = getegid();

	if (st->st_uid != geteuid() || llistxattr(path, NULL, 0) != 0)
		return false;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		return false;
	/* A setgid folder gives its own group to what is made in it. */
	if (stat(dir, &dst) == 0 && (dst.st_mode & S_ISGID))
		gid = dst.st_gid;
	return st->st_gid == gid;
}

static bool touch_if_same(const char *path, const void *p, size_t n)
{
	struct buf b = BUF_INIT;
	struct stat st;
	bool same = false;
	int fd;

	if (n > SAME_BYTES_MAX)
		return false;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return false;
	/* An object another owner's or with attributes was replaced before
	 * (replace_linked_object: as_if_new), so this is one we would make. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    (uint64_t)st.st_size == n && read_to_end(fd, &b, n + 1) == 0)
		same = b.len == n && (n == 0 || memcmp(b.data, p, n) == 0) &&
		       futimens(fd, NULL) == 0;
	buf_free(&b);
	close(fd);
	return same;
}

int cache_write_output(const char *path, const void *p, size_t n, mode_t mode, bool through_links)
{
	bool created;
	int fd, r = 0;

	if (touch_if_same(path, p, n))
		return 0;
	fd = open_output(path, mode, through_links, &created);
	if (fd < 0)
		return fd;
	/* The server runs with umask 077: a new file gets the build's mode,
	 * 0666 less its umask, as from the compiler, not ours. */
	if (created && fchmod(fd, mode) < 0)
		r = -errno;
	for (size_t off = 0; off < n && r == 0;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);

		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0)
			off += (size_t)w;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlink(path);
	return r;
}

/*
 * A hit's output could not be written where the command wants it (a full or
 * read-only build tree, a missing folder): the cached bytes are sound, so the
 * entry stays; the compiler then runs and meets the same trouble itself.
 */
static void output_failed(struct cache *c, int r, const char *path, bool *dest_failed)
{
	cache_stat_add(c, "error.output_write", 1);
	log_errno(LOG_LEVEL_WARNING, r, "cannot write %s from the cache", path);
	*dest_failed = true;
}

/*
 * Compilers do not write an object in place: as (BFD) unlinks a regular file
 * or a symlink to one before creating it (a dangling symlink is followed),
 * clang renames a new file over the path. Either way a symlink there is
 * replaced and the file it names is left as it was; a hit must do the same,
 * or it would write through the link to a file that is not an output.
 * Depfiles, .su and .gcno are written in place through symlinks by both, as
 * cache_write_output does. A regular file of another mode, owner or group,
 * or with extended attributes, is replaced too, since the compiler's new
 * file gets the umask's mode and has none of those (as_if_new). (Hard
 * links: open_output.)
 */
static void replace_linked_object(const char *path, enum compiler_family family, mode_t mode)
{
	struct stat lst, st;

	if (lstat(path, &lst) < 0)
		return;
	if (S_ISLNK(lst.st_mode)) {
		if (family_of(family)->object_renamed ||
		    (stat(path, &st) == 0 && S_ISREG(st.st_mode)))
			unlink(path);
	} else if (S_ISREG(lst.st_mode) &&
	           ((lst.st_mode & 07777) != (mode & 07777) || !as_if_new(&lst, path))) {
		unlink(path);
	}
}

/* Does the compiler write this output in place, through a symlink or a hard
 * link, as it writes depfiles (family.h)? */
static bool in_place(const struct compile_args *a, enum output_role role)
{
	const struct family *f = family_of(a->family);

	if (role == ROLE_OBJECT)
		return a->output_kind == OUTPUT_ASSEMBLY && f->assembly_in_place;
	return role == ROLE_DWO && f->dwo_in_place;
}

/* Read and verify every artifact of r that a's command has a place for
 * (where[k], NULL for none) into text[k]. 0 or -errno, *damaged as for
 * cache_materialize. */
static int load_artifacts(struct cache *c, const struct compile_args *a, const struct result *r,
                          struct buf *text, const char **where, bool *damaged)
{
	int ret = 0;

	for (size_t k = 0; k < r->n_outs && ret == 0; k++) {
		const struct result_output *o = &r->outs[k];

		where[k] = o->role == ROLE_FILE ? o->path : cache_role_path(a, o->role);
		if (!where[k])
			continue;
		ret = store_get_mem(c->store, &o->digest, &text[k]);
		if (ret < 0) {
			*damaged = ret == -ENOENT || ret == -EBADMSG;
			cache_stat_add(c,
			               ret == -EBADMSG  ? "error.checksum"
			               : ret == -ENOENT ? "error.missing_file"
			                                : "error.store_read",
			               1);
			log_errno(LOG_LEVEL_WARNING, ret, "cannot restore %s of a cached result",
			          cache_role_names[o->role]);
		}
	}
	return ret;
}

/* A result keyed relative to the cwd (args.h cwd_relocated): its outputs,
 * stdout and stderr as this command's compiler writes them here. */
static int restore_relocated(const struct compile_args *a, const char *cwd, struct result *r,
                             struct buf *text, const char **where)
{
	const struct family *f = family_of(a->family);
	int ret = 0;

	if (!a->cwd_relocated)
		return 0;
	if (!f->relocate_restore)
		return -EINVAL;
	for (size_t k = 0; k < r->n_outs && ret == 0; k++)
		if (where[k])
			ret = f->relocate_restore(a, cwd, where[k], &text[k]);
	if (ret == 0)
		ret = f->relocate_restore(a, cwd, NULL, &r->out);
	if (ret == 0)
		ret = f->relocate_restore(a, cwd, NULL, &r->err);
	return ret;
}

/* The build's depfile, rendered from r's prerequisites as a's compiler
 * would write it for this command line. 0 or -errno. */
static int write_depfile(struct cache *c, const struct compile_args *a, const char *cwd,
                         const struct result *r, mode_t mode, bool *dest_failed)
{
	struct depfile deps = {0};
	struct buf text = BUF_INIT;
	char *path;
	int ret;

	deps.prereqs = calloc(r->n_deps + 1, sizeof(char *));
	ret = deps.prereqs ? 0 : -ENOMEM;
	/* Every name or none: a depfile short of one would be a wrong hit. */
	for (size_t i = 0; ret == 0 && i < r->n_deps; i++) {
		if (!(deps.prereqs[deps.n_prereqs] = strdup(r->deps[i])))
			ret = -ENOMEM;
		else
			deps.n_prereqs++;
	}
	deps.source_index = r->source_index;
	if (ret == 0)
		ret = cache_render_depfile(a, &deps, &text);
	if (ret == 0) {
		path = cache_abs_join(cwd, a->depfile);
		ret = path ? cache_write_output(path, text.data, text.len, mode, true) : -ENOMEM;
		if (ret < 0 && path)
			output_failed(c, ret, path, dest_failed);
		free(path);
	}
	buf_free(&text);
	depfile_free(&deps);
	return ret;
}

/*
 * Put every output of result r in place for args a. 0, or -errno (a miss);
 * *dest_failed tells a failed write at the destination from a bad artifact,
 * and *damaged an artifact that is missing or bad (the result must go) from
 * one that could not be read now (out of descriptors or memory: it stays).
 * Each artifact is verified in memory before a byte of it is written.
 */
int cache_materialize(struct cache *c, const struct compile_args *a, const char *cwd,
                      const struct compiler_info *ci, struct result *r, mode_t mode,
                      bool *dest_failed, bool *damaged)
{
	struct buf text[RESULT_MAX_OUTPUTS] = {BUF_INIT};
	const char *where[RESULT_MAX_OUTPUTS] = {NULL};
	char *path;
	int ret = 0;

	(void)ci;
	*dest_failed = false;
	/* A command that names an object gets one: a result without it (not
	 * ours to write) is damaged. */
	if (cache_role_path(a, ROLE_OBJECT) && !cache_result_output(r, ROLE_OBJECT)) {
		*damaged = true;
		return -EBADMSG;
	}
	/* Every artifact read and verified before anything is written. */
	ret = load_artifacts(c, a, r, text, where, damaged);
	if (ret == 0)
		ret = restore_relocated(a, cwd, r, text, where);
	/*
	 * In the order the compiler finishes them: the depfile, then what cc1
	 * writes, the object last. An output that cannot be written (its
	 * folder is missing) stops the hit where the compiler would stop, so
	 * the compile that follows fails on the same files.
	 */
	if (ret == 0 && a->depfile_wanted)
		ret = write_depfile(c, a, cwd, r, mode, dest_failed);
	for (size_t i = r->n_outs; i-- > 0 && ret == 0;) {
		enum output_role k = r->outs[i].role;
		/* The build's umask decides, as for the compiler's own files;
		 * an executable stays one, executable where it is readable. */
		mode_t m = r->outs[i].mode & 0111 ? mode | ((mode & 0444) >> 2) : mode;
		/* Written as a new file (an object, a .dwo, a family's file)
		 * or through links (depfiles, .su, .gcno: fopen()). */
		bool new_file =
		        (k == ROLE_OBJECT || k == ROLE_DWO || k == ROLE_FILE) && !in_place(a, k);

		if (!where[i])
			continue;
		path = cache_abs_join(cwd, where[i]);
		if (!path) {
			ret = -ENOMEM;
			break;
		}
		if (new_file)
			replace_linked_object(path, a->family, m);
		ret = cache_write_output(path, text[i].data, text[i].len, m, !new_file);
		if (ret < 0)
			output_failed(c, ret, path, dest_failed);
		free(path);
	}
	for (size_t k = 0; k < RESULT_MAX_OUTPUTS; k++)
		buf_free(&text[k]);
	return ret;
}
