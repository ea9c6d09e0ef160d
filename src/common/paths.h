/*
 * paths: where the socket, cache, config and log live, resolved from the
 * environment the way the XDG base directory spec says (relative values are
 * ignored), and the safety check on the folders we create or trust.
 */
#ifndef ZCCACHE_PATHS_H
#define ZCCACHE_PATHS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* sun_path is 108 bytes; longer socket paths cannot be bound. */
#define PATHS_SOCKET_MAX 108

struct zc_paths {
	char socket[PATHS_SOCKET_MAX]; /* $ZCCACHE_SOCKET or <runtime>/zccache.sock */
	char runtime_dir[PATH_MAX];    /* folder of the socket, 0700 */
	char spawn_lock[PATH_MAX];     /* launchers serialise autospawn on this */
	char pid_file[PATH_MAX];       /* held locked by the running server */
	char cache_dir[PATH_MAX];      /* $ZCCACHE_DIR, $XDG_CACHE_HOME/zccache, ~/.cache/zccache */
	char config_file[PATH_MAX]; /* $ZCCACHE_CONFIG or $XDG_CONFIG_HOME/zccache/zccache.conf */
	char log_file[PATH_MAX];    /* <cache_dir>/log */
};

/*
 * Fill every path from the environment; a path that cannot be resolved is
 * left empty and the others are still filled. Returns 0, or the first of:
 * -ENAMETOOLONG when the
 * socket path does not fit sun_path, -EINVAL when $ZCCACHE_SOCKET or
 * $ZCCACHE_DIR is relative, -ENOENT when no home folder can be found.
 */
int paths_resolve(struct zc_paths *p);

/* Only the socket and its folder: what a launcher needs on the hot path. */
int paths_resolve_socket(struct zc_paths *p);

/*
 * Home folder from $HOME, else /etc/passwd, else paths_home_nss when set.
 * The server and zccachectl set that to passwd_home_nss (getpwuid: LDAP,
 * sssd, ...); the launcher, linked statically for a faster start, does not
 * link NSS at all, whose modules a static binary cannot load reliably.
 */
int paths_home(char *out, size_t n);
extern int (*paths_home_nss)(char *out, size_t n);

/*
 * out = a "/" b (no second slash when a ends with one), or b alone when b
 * is absolute or a is NULL. 0, or -ENAMETOOLONG when it does not fit in n
 * bytes. For hot paths: memcpy, not snprintf.
 */
int paths_join(char *out, size_t n, const char *a, const char *b);

/* mkdir -p: create path and its missing parents with mode. 0 or -errno. */
int paths_mkdir_p(const char *path, mode_t mode);

/*
 * Make sure path is a folder owned by us with no group/other access,
 * creating it (and missing parents, 0700) when create is set.
 * Returns 0, -EPERM when it exists with the wrong owner or mode,
 * -ENOTDIR when it is not a folder, or the mkdir/stat error.
 */
int paths_ensure_private_dir(const char *path, bool create);

/*
 * The socket folder's rule: like paths_ensure_private_dir, but group and
 * others may read and search it (0755); only write access is refused.
 */
int paths_ensure_socket_dir(const char *path, bool create);

/*
 * One line naming why path (a "socket folder", "cache folder", ...) was
 * refused with err, the fix included: "socket folder /tmp/x is mode 0777;
 * it must not be writable by group or others (chmod go-w /tmp/x)".
 */
void paths_dir_problem(const char *path, const char *what, int err, bool socket_rule, char *out,
                       size_t n);

#endif
