/* fat2s: a passthrough FUSE filesystem whose mtime and ctime are one field
 * in 2-second steps, as FAT keeps them (Linux's fat driver: ctime = mtime,
 * truncated to an even second). Usage: fat2s BACKING MOUNTPOINT [fuse options] */
#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char backing[PATH_MAX];

static void full(char *out, const char *path)
{
	snprintf(out, PATH_MAX, "%s%s", backing, path);
}

static int x_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	int r = fi ? fstat(fi->fh, st) : (full(p, path), lstat(p, st));
	if (r < 0)
		return -errno;
	st->st_mtim.tv_sec &= ~(time_t)1;
	st->st_mtim.tv_nsec = 0;
	st->st_ctim = st->st_mtim;
	return 0;
}
static int x_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                     struct fuse_file_info *fi, enum fuse_readdir_flags fl)
{
	char p[PATH_MAX];
	DIR *d;
	struct dirent *de;
	(void)off;
	(void)fi;
	(void)fl;
	full(p, path);
	if (!(d = opendir(p)))
		return -errno;
	while ((de = readdir(d))) {
		struct stat st = {0};
		st.st_ino = de->d_ino;
		st.st_mode = de->d_type << 12;
		fill(buf, de->d_name, &st, 0, 0);
	}
	closedir(d);
	return 0;
}
static int x_open(const char *path, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	int fd;
	full(p, path);
	if ((fd = open(p, fi->flags)) < 0)
		return -errno;
	fi->fh = fd;
	fi->direct_io = 1;
	return 0;
}
static int x_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	int fd;
	full(p, path);
	if ((fd = open(p, fi->flags, mode)) < 0)
		return -errno;
	fi->fh = fd;
	fi->direct_io = 1;
	return 0;
}
static int x_read(const char *path, char *buf, size_t n, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	ssize_t r = pread(fi->fh, buf, n, off);
	return r < 0 ? -errno : (int)r;
}
static int x_write(const char *path, const char *buf, size_t n, off_t off,
                   struct fuse_file_info *fi)
{
	(void)path;
	ssize_t r = pwrite(fi->fh, buf, n, off);
	return r < 0 ? -errno : (int)r;
}
static int x_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close(fi->fh);
	return 0;
}
static int x_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	if (fi)
		return ftruncate(fi->fh, size) < 0 ? -errno : 0;
	full(p, path);
	return truncate(p, size) < 0 ? -errno : 0;
}
static int x_unlink(const char *path)
{
	char p[PATH_MAX];
	full(p, path);
	return unlink(p) < 0 ? -errno : 0;
}
static int x_mkdir(const char *path, mode_t m)
{
	char p[PATH_MAX];
	full(p, path);
	return mkdir(p, m) < 0 ? -errno : 0;
}
static int x_rmdir(const char *path)
{
	char p[PATH_MAX];
	full(p, path);
	return rmdir(p) < 0 ? -errno : 0;
}
static int x_rename(const char *a, const char *b, unsigned int fl)
{
	char p[PATH_MAX], q[PATH_MAX];
	if (fl)
		return -EINVAL;
	full(p, a);
	full(q, b);
	return rename(p, q) < 0 ? -errno : 0;
}
static int x_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	if (fi)
		return futimens(fi->fh, tv) < 0 ? -errno : 0;
	full(p, path);
	return utimensat(AT_FDCWD, p, tv, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}
static int x_chmod(const char *path, mode_t m, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	(void)fi;
	full(p, path);
	return chmod(p, m) < 0 ? -errno : 0;
}
static void *x_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->use_ino = 1;
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	return NULL;
}
static const struct fuse_operations ops = {
        .init = x_init,
        .getattr = x_getattr,
        .readdir = x_readdir,
        .open = x_open,
        .create = x_create,
        .read = x_read,
        .write = x_write,
        .release = x_release,
        .truncate = x_truncate,
        .unlink = x_unlink,
        .mkdir = x_mkdir,
        .rmdir = x_rmdir,
        .rename = x_rename,
        .utimens = x_utimens,
        .chmod = x_chmod,
};
int main(int argc, char **argv)
{
	if (argc < 3 || !realpath(argv[1], backing))
		return 2;
	argv[1] = argv[0];
	return fuse_main(argc - 1, argv + 1, &ops, NULL);
}
