/* rmtree: rm -rf of a folder the caller owns (see rmtree.h). */
#include "rmtree.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

/* Descriptors nftw may hold: one a level, more than our trees are deep. */
#define RMTREE_FDS 16

/* Bottom up (FTW_DEPTH), so a folder is empty by the time it comes. */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int remove_below(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return ftw->level == 0 ? 0 : remove_entry(path, st, flag, ftw);
}

int rmtree(const char *path)
{
	return nftw(path, remove_entry, RMTREE_FDS, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

int rmtree_contents(const char *dir)
{
	return nftw(dir, remove_below, RMTREE_FDS, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}
