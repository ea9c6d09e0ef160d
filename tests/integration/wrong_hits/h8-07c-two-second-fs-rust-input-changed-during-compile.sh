#!/bin/bash
# h8-07c-two-second-fs-rust-input-changed-during-compile: CLASS "changed while it compiled" on a filesystem with 2-second timestamps (h8-07's, for a dep-info input of rustc; FAT emulated by the FUSE passthrough fat2s). src/lib.rs has include_bytes!("../gen/v.txt"), gen on the 2-second filesystem; v.txt is rewritten while rustc compiles, in the odd second S.x the compile also started in, and is stamped S-1: below the one-second margin changed_since() gave a whole-second stamp, so the crate compiled from the old text was keyed under the new text's digest.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc rustc python3 pkg-config fusermount3
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
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir "$T/back" "$T/mnt"
"$T/fat2s" "$T/back" "$T/mnt" || { echo "SKIP: cannot mount fat2s"; exit 77; }
# the server may still hold folders of the mount open for a moment after its stop
CLEANUP_EXTRA='n=0; until fusermount3 -u "$T/mnt" 2>/dev/null; do n=$((n+1)); [ $n -ge 25 ] && { fusermount3 -uz "$T/mnt"; break; }; sleep 0.2; done'
mkdir src "$T/mnt/gen"
python3 -c "
print('#[no_mangle] pub static S: [u8; 13] = *include_bytes!(\"../gen/v.txt\");')
for i in range(600):
    print(f'pub fn f{i}(x: u64) -> u64 {{ let mut s = 0u64; for k in 0..x {{ s = s.wrapping_add((k*{i}) ^ (s >> 3)); }} s + {i} }}')
" > src/lib.rs
printf 'MARKER_ONE_h8' > "$T/mnt/gen/v.txt"; touch -d '-1 hour' "$T/mnt/gen/v.txt" "$T/mnt/gen" src/lib.rs src
ln -s "$T/mnt/gen" gen
C="$R --edition 2021 --crate-type lib --crate-name big -C opt-level=2 -C metadata=8 --emit=dep-info,metadata,link --out-dir $PWD src/lib.rs"
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
zc $R --edition 2021 --crate-type lib --crate-name warm --emit=metadata --out-dir "$T" src/lib.rs >/dev/null 2>&1  # the compiler's identity known before the timed compile
for try in 1 2 3 4; do
	# start just after an odd second begins; rewrite v.txt 0.3 s later,
	# while rustc still compiles (expansion read it): stamped the even second before
	python3 -c 'import time; t=time.time(); s=int(t)+1; s += (s % 2 == 0); time.sleep(s + 0.02 - t)'
	zc $C & pid=$!
	sleep 0.3; printf 'MARKER_TWO_h8' > gen/v.txt
	wait $pid
	grep -aq MARKER_ONE_h8 libbig.rlib && break
	printf 'MARKER_ONE_h8' > gen/v.txt; touch -d '-1 hour' gen/v.txt; rm -f libbig.rlib libbig.rmeta big.d
done
final "libbig.rlib libbig.rmeta big.d" $C
verdict
