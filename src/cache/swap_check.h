/*
 * swap_check: was a file the compile read reached by the same way after it
 * as during it? The store digests each input by path once the compile has
 * ended; a symlinked folder repointed, a folder renamed over, a header
 * symlink retargeted while it compiled leave the file found by that path
 * with old stamps and other bytes, which changed_since() cannot see.
 *
 * When the compile starts, the folders it is likely to read from and write
 * to (the cwd, the source's folder, every include search folder, the
 * extra inputs' folders, and all their ancestors) are recorded by
 * identity, with symlinks resolved. After it, each input's path is
 * resolved again, component by component: a symlink met on the way must
 * be older than the compile (a link is replaced, never edited), a recorded
 * folder must be the same inode, and any other folder must not have been
 * put there since the compile started (renamed over: its ctime moved and
 * not its mtime; or born since). Not seen: a folder not recorded that was
 * both written in and renamed over during the compile, nor a swap on a
 * filesystem whose ctime the kernel does not keep (FAT, FUSE:
 * stamp_trust.h) unless the folder is recorded.
 */
#ifndef ZCCACHE_SWAP_CHECK_H
#define ZCCACHE_SWAP_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "incpath.h"

struct swap_record;

/* The folders as they are now, just before the compile runs (see above).
 * extra: further files whose folders count (inputs, outputs).
 * NULL without memory: then swap_check_path refuses everything. Cost: a
 * stat per component of each folder's path, once (the miss path only). */
struct swap_record *swap_record_take(const char *cwd, const char *source, const struct incpath *ip,
                                     const char *const *extra, size_t n_extra);
void swap_record_free(struct swap_record *r);

/*
 * Is path (relative to cwd or absolute) reached as it was when r was taken
 * at since_ns? 0 yes; 1 no, with the component that changed in changed;
 * -errno when a component cannot be looked at (a missing file is 0: the
 * digest then fails on its own). Cost: an lstat per component, none for a
 * folder already checked by this r (a depfile names many files per folder).
 */
int swap_check_path(struct swap_record *r, const char *cwd, const char *path, int64_t since_ns,
                    char *changed, size_t changed_len);

#endif
