/*
 * pp_gch: in preprocessor mode, a .gch gcc would load that the -E does not
 * read. gcc tries NAME.gch in every folder it searches for NAME, before
 * NAME there, and loads it even with no NAME beside it; the -E reads the
 * text it finds further on, so a key of that text would serve the wrong
 * object once such a .gch appears.
 */
#ifndef ZCCACHE_PP_GCH_H
#define ZCCACHE_PP_GCH_H

#include <stddef.h>

#include "dircache.h"
#include "incpath.h"

/*
 * Is there a NAME.gch gcc could reach for a file the -E entered (entered,
 * as its line markers spell them, relative to cwd or absolute), other than
 * the source? NAME is the entered file's name under a search folder of ip
 * it lies in; the folders looked in are every search folder at or before
 * that one, plus the folders a quote include or an -include looks in
 * first (cwd and the folder of every entered file). 1 with the .gch's path
 * in found, 0 when there is none, -errno when a folder could not be read
 * (the caller then treats it as there). Cost: a dircache round, so one
 * stat per folder, and a lookup in memory per (entered file, folder).
 */
int pp_gch_reachable(struct dircache *dc, const struct incpath *ip, const char *cwd,
                     const char *source, const char *const *entered, size_t n_entered, char *found,
                     size_t found_len);

#endif
