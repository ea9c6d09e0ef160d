/* stamp_trust: which filesystems' ctimes can be set from userspace, and a
 * small per-device memory of the answer. */
#include "stamp_trust.h"

#include <linux/magic.h>
#include <sys/statfs.h>

/* Filesystems whose ctime is not the kernel's own record of the last
 * change: FAT and exFAT keep one on-disk time (the kernel reports ctime =
 * mtime: cp -p, tar x put both back); FUSE reports whatever its daemon says
 * (fat2s, ntfs-3g, sshfs, a passthrough that restores times); SMB and 9p
 * (and VirtualBox's shared folders) report the server's or host's times,
 * which Windows lets a program set (ChangeTime); HFS+ has no ctime (Linux
 * reports the content's mtime); NTFS keeps a change time that Windows
 * lets programs set. */
#define HFS_SUPER_MAGIC_     0x4244
#define HFSPLUS_SUPER_MAGIC_ 0x482b
#define NTFS_SB_MAGIC_       0x5346544e
#define NTFS3_SUPER_MAGIC_   0x7366746e
#define VBOXSF_SUPER_MAGIC_  0x786f4256

bool stamp_trust_fs_type(unsigned long f_type)
{
	switch ((unsigned int)f_type) {
	case MSDOS_SUPER_MAGIC:
	case EXFAT_SUPER_MAGIC:
	case FUSE_SUPER_MAGIC:
	case SMB_SUPER_MAGIC:
	case CIFS_SUPER_MAGIC:
	case SMB2_SUPER_MAGIC:
	case V9FS_MAGIC:
	case HFS_SUPER_MAGIC_:
	case HFSPLUS_SUPER_MAGIC_:
	case NTFS_SB_MAGIC_:
	case NTFS3_SUPER_MAGIC_:
	case VBOXSF_SUPER_MAGIC_:
		return false;
	default:
		return true;
	}
}

bool stamp_trust_ask(int fd, const char *path)
{
	struct statfs sf;

	return (fd >= 0 ? fstatfs(fd, &sf) : statfs(path, &sf)) == 0 &&
	       stamp_trust_fs_type((unsigned long)sf.f_type);
}

bool stamp_trust_learn(struct stamp_trust *t, dev_t dev, int fd, const char *path)
{
	bool vouches = stamp_trust_ask(fd, path);
	size_t i;

	for (i = 0; i < t->n && t->dev[i].dev != dev; i++)
		;
	if (i == t->n) {
		if (t->n < STAMP_TRUST_DEVICES) {
			i = t->n++;
		} else {
			i = t->next;
			t->next = (t->next + 1) % STAMP_TRUST_DEVICES;
		}
	}
	t->dev[i].dev = dev;
	t->dev[i].vouches = vouches;
	return vouches;
}

bool stamp_trust_vouches(const struct stamp_trust *t, dev_t dev)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->dev[i].dev == dev)
			return t->dev[i].vouches;
	return false;
}
