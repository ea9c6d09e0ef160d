/* paths: socket/cache/config locations and the private-folder check. */
#include "paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An XDG variable counts only when set to an absolute path (XDG spec). */
static const char *xdg_env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? v : NULL;
}

/* out = a followed by b, or -ENAMETOOLONG. */
static int concat_path(char *out, size_t n, const char *a, const char *b)
{
	int len = snprintf(out, n, "%s%s", a, b);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int (*paths_home_nss)(char *out, size_t n);

/* Our entry in /etc/passwd, read as a file: no NSS, so a statically linked
 * launcher can do it too. */
static int home_from_passwd_file(char *out, size_t n)
{
	FILE *fp = fopen("/etc/passwd", "re");
	struct passwd *pw;
	uid_t uid = getuid();
	int r = -ENOENT;

	if (!fp)
		return -errno;
	while ((pw = fgetpwent(fp)) != NULL)
		if (pw->pw_uid == uid) {
			if (pw->pw_dir && pw->pw_dir[0] == '/')
				r = concat_path(out, n, pw->pw_dir, "");
			break;
		}
	fclose(fp);
	return r;
}

int paths_home(char *out, size_t n)
{
	const char *home = getenv("HOME");

	if (home && home[0] == '/')
		return concat_path(out, n, home, "");
	if (home_from_passwd_file(out, n) == 0)
		return 0;
	return paths_home_nss ? paths_home_nss(out, n) : -ENOENT;
}

int paths_resolve_socket(struct zc_paths *p)
{
	const char *sock = getenv("ZCCACHE_SOCKET");
	const char *rt;
	char *slash;
	int r;

	if (sock && sock[0]) {
		if (sock[0] != '/')
			return -EINVAL;
		r = concat_path(p->socket, sizeof(p->socket), sock, "");
		if (r < 0)
			return r;
		r = concat_path(p->runtime_dir, sizeof(p->runtime_dir), sock, "");
		if (r < 0)
			return r;
		slash = strrchr(p->runtime_dir, '/');
		if (slash == p->runtime_dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	} else {
		rt = xdg_env("XDG_RUNTIME_DIR");
		if (rt)
			r = concat_path(p->runtime_dir, sizeof(p->runtime_dir), rt, "/zccache");
		else
			r = snprintf(p->runtime_dir, sizeof(p->runtime_dir), "/tmp/zccache-%u",
			             (unsigned)getuid()) >= (int)sizeof(p->runtime_dir)
			            ? -ENAMETOOLONG
			            : 0;
		if (r < 0)
			return r;
		r = concat_path(p->socket, sizeof(p->socket), p->runtime_dir, "/zccache.sock");
		if (r < 0)
			return r;
	}
	r = concat_path(p->spawn_lock, sizeof(p->spawn_lock), p->socket, ".spawn-lock");
	if (r < 0)
		return r;
	return concat_path(p->pid_file, sizeof(p->pid_file), p->socket, ".pid");
}

/*
 * Where a file or folder of ours goes by the XDG rules: the override
 * variable when set (absolute, where override_absolute), else under the XDG
 * variable, else under the home folder.
 */
struct xdg_place {
	const char *override;
	bool override_absolute;
	const char *xdg, *under_xdg, *under_home;
};

static const struct xdg_place cache_place = {"ZCCACHE_DIR", true, "XDG_CACHE_HOME", "/zccache",
                                             "/.cache/zccache"};
static const struct xdg_place config_place = {"ZCCACHE_CONFIG", false, "XDG_CONFIG_HOME",
                                              "/zccache/zccache.conf",
                                              "/.config/zccache/zccache.conf"};

static int resolve_place(const struct xdg_place *pl, char *out, size_t n)
{
	const char *v = getenv(pl->override);
	char home[PATH_MAX];
	int r;

	if (v && v[0]) {
		if (pl->override_absolute && v[0] != '/')
			return -EINVAL;
		return concat_path(out, n, v, "");
	}
	v = xdg_env(pl->xdg);
	if (v)
		return concat_path(out, n, v, pl->under_xdg);
	r = paths_home(home, sizeof(home));
	if (r < 0)
		return r;
	return concat_path(out, n, home, pl->under_home);
}

int paths_resolve(struct zc_paths *p)
{
	int r, first = 0;

	/* Each field independently: a socket path that cannot work must not
	 * also take away the log file that would say so. */
	memset(p, 0, sizeof(*p));
	r = resolve_place(&cache_place, p->cache_dir, sizeof(p->cache_dir));
	if (r == 0)
		r = concat_path(p->log_file, sizeof(p->log_file), p->cache_dir, "/log");
	if (r < 0) {
		p->cache_dir[0] = p->log_file[0] = '\0';
		first = r;
	}
	r = resolve_place(&config_place, p->config_file, sizeof(p->config_file));
	if (r < 0) {
		p->config_file[0] = '\0';
		first = first ? first : r;
	}
	r = paths_resolve_socket(p);
	if (r < 0) {
		p->socket[0] = '\0';
		first = first ? first : r;
	}
	return first;
}

int paths_join(char *out, size_t n, const char *a, const char *b)
{
	size_t la = a && b[0] != '/' ? strlen(a) : 0, lb = strlen(b);
	bool slash = a && b[0] != '/' && (la == 0 || a[la - 1] != '/');

	if (la + slash + lb >= n)
		return -ENAMETOOLONG;
	if (la > 0)
		memcpy(out, a, la);
	if (slash)
		out[la++] = '/';
	memcpy(out + la, b, lb + 1);
	return 0;
}

int paths_mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* A folder at path (made when create), ours, with none of the mode bits in
 * forbidden. 0, -ENOTDIR, -EPERM or -errno. */
static int ensure_dir(const char *path, bool create, mode_t forbidden)
{
	struct stat st;
	int r;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT || !create)
			return -errno;
		r = paths_mkdir_p(path, 0700);
		if (r < 0)
			return r;
		if (lstat(path, &st) < 0)
			return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & forbidden) != 0)
		return -EPERM;
	return 0;
}

int paths_ensure_private_dir(const char *path, bool create)
{
	return ensure_dir(path, create, 077);
}

/*
 * Owned by us and writable by nobody else: nobody else can replace the
 * socket, the pid file or the spawn lock, and the socket itself is 0600
 * and checks its peer's uid. Read or search access for others (0755, as a
 * user's own folder often is) shows them only the names, so it is allowed.
 */
int paths_ensure_socket_dir(const char *path, bool create)
{
	return ensure_dir(path, create, 022);
}

void paths_dir_problem(const char *path, const char *what, int err, bool socket_rule, char *out,
                       size_t n)
{
	struct stat st;

	if (err == -EPERM && lstat(path, &st) == 0) {
		if (st.st_uid != geteuid())
			snprintf(out, n, "%s %s is owned by uid %u, not by you (uid %u)", what,
			         path, (unsigned)st.st_uid, (unsigned)geteuid());
		else if (socket_rule)
			snprintf(out, n,
			         "%s %s is mode 0%o; it must not be writable by group or others "
			         "(chmod go-w %s)",
			         what, path, (unsigned)(st.st_mode & 07777), path);
		else
			snprintf(out, n,
			         "%s %s is mode 0%o; it must be private to you (chmod 700 %s)",
			         what, path, (unsigned)(st.st_mode & 07777), path);
		return;
	}
	if (err == -ENOTDIR)
		snprintf(out, n, "%s %s is not a folder", what, path);
	else
		snprintf(out, n, "%s %s is unusable: %s", what, path, strerror(-err));
}
