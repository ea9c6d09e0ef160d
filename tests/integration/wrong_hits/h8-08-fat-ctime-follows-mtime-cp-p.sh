#!/bin/bash
# h8-08-fat-ctime-follows-mtime-cp-p: CLASS hashcache stat trust on a filesystem whose ctime is its mtime (FAT: Linux's fat driver keeps one on-disk time, ctime = mtime, 2-second steps; emulated by the FUSE passthrough fat2s). cp -p (as rsync --inplace -t, or an unpacker that restores times, would) rewrites the header in place with other bytes of the same size and puts its old mtime back: on ext4 the ctime would still move, here it goes back with the mtime, so dev, ino, size, mtime and ctime are all as the hashcache saw them long ago (no racy margin applies). The hashcache serves the old digest, the direct walk matches, and the hit serves the object of the old text while gcc reads the new.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump pkg-config fusermount3
[ -e /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
pkg-config --exists fuse3 || { echo "SKIP: no libfuse3-dev"; exit 77; }
cat > "$T/fat2s.c" <<'EOC'
/* fat2s: a passthrough FUSE filesystem whose mtime and ctime are one field
 * in 2-second steps, as FAT keeps them (Linux's fat driver: ctime = mtime,
 * truncated to an even second). Usage: fat2s BACKING MOUNTPOINT [fuse options] */
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char backing[PATH_MAX];

static void full(char *out, const char *path) { snprintf(out, PATH_MAX, "%s%s", backing, path); }

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
	(void)off; (void)fi; (void)fl;
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
static int x_write(const char *path, const char *buf, size_t n, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	ssize_t r = pwrite(fi->fh, buf, n, off);
	return r < 0 ? -errno : (int)r;
}
static int x_release(const char *path, struct fuse_file_info *fi) { (void)path; close(fi->fh); return 0; }
static int x_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	if (fi)
		return ftruncate(fi->fh, size) < 0 ? -errno : 0;
	full(p, path);
	return truncate(p, size) < 0 ? -errno : 0;
}
static int x_unlink(const char *path) { char p[PATH_MAX]; full(p, path); return unlink(p) < 0 ? -errno : 0; }
static int x_mkdir(const char *path, mode_t m) { char p[PATH_MAX]; full(p, path); return mkdir(p, m) < 0 ? -errno : 0; }
static int x_rmdir(const char *path) { char p[PATH_MAX]; full(p, path); return rmdir(p) < 0 ? -errno : 0; }
static int x_rename(const char *a, const char *b, unsigned int fl)
{
	char p[PATH_MAX], q[PATH_MAX];
	if (fl)
		return -EINVAL;
	full(p, a); full(q, b);
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
	char p[PATH_MAX]; (void)fi;
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
	.init = x_init, .getattr = x_getattr, .readdir = x_readdir, .open = x_open,
	.create = x_create, .read = x_read, .write = x_write, .release = x_release,
	.truncate = x_truncate, .unlink = x_unlink, .mkdir = x_mkdir, .rmdir = x_rmdir,
	.rename = x_rename, .utimens = x_utimens, .chmod = x_chmod,
};
int main(int argc, char **argv)
{
	if (argc < 3 || !realpath(argv[1], backing))
		return 2;
	argv[1] = argv[0];
	return fuse_main(argc - 1, argv + 1, &ops, NULL);
}
EOC
gcc -O2 "$T/fat2s.c" $(pkg-config --cflags --libs fuse3) -o "$T/fat2s" || { echo "SKIP: cannot build fat2s"; exit 77; }
mkdir "$T/back" "$T/mnt"
"$T/fat2s" "$T/back" "$T/mnt" || { echo "SKIP: cannot mount fat2s"; exit 77; }
# the server may still hold folders of the mount open for a moment after its stop
CLEANUP_EXTRA='n=0; until fusermount3 -u "$T/mnt" 2>/dev/null; do n=$((n+1)); [ $n -ge 25 ] && { fusermount3 -uz "$T/mnt"; break; }; sleep 0.2; done'
printf '#include <h.h>\nint v = V;\n' > a.c
mkdir "$T/mnt/inc"; printf '#define V 1\n' > "$T/mnt/inc/h.h"; touch -d '-1 hour' "$T/mnt/inc/h.h"
printf '#define V 2\n' > "$T/h2.h"; touch -r "$T/mnt/inc/h.h" "$T/h2.h"   # the very time h.h has
ln -s "$T/mnt/inc" inc
stat -c 'before: ino %i size %s mtime %y ctime %z' inc/h.h
warm a.o gcc -O2 -Iinc -c a.c -o a.o
cp -p "$T/h2.h" inc/h.h   # in place: same size, and h.h's old mtime put back
stat -c 'after:  ino %i size %s mtime %y ctime %z' inc/h.h
final a.o gcc -O2 -Iinc -c a.c -o a.o
verdict
