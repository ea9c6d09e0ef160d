/*
 * rmtree: rm -rf of a folder the caller owns (an index moved aside, a
 * folder of left-over temporary files). Symbolic links are removed, never
 * followed; what cannot be removed is left, and the rest still goes.
 */
#ifndef ZCCACHE_RMTREE_H
#define ZCCACHE_RMTREE_H

/* Remove path and everything below it. 0, or -errno when path cannot be
 * walked at all (-ENOENT: nothing there). */
int rmtree(const char *path);
/* The same, keeping the folder itself. */
int rmtree_contents(const char *dir);

#endif
