/*
 * sysheaders: which files of a compile's closure gcc and clang call system
 * headers, which -MMD leaves out of the depfile. The compiler decides by
 * how it found each file, not where it lies: a header in an -isystem folder
 * included as "sys/x.h" from the source's own folder is a user header. The
 * routes are rebuilt from the spellings each file asks for (cscan) and the
 * search folders (incpath).
 */
#ifndef ZCCACHE_SYSHEADERS_H
#define ZCCACHE_SYSHEADERS_H

#include "depfile.h"
#include "hashcache.h"
#include "incpath.h"

enum sysheader_verdict {
	SYSHEADER_UNKNOWN = -1, /* no route found (an include of a macro): decide by folder */
	SYSHEADER_NO = 0,
	SYSHEADER_YES = 1,
};

/*
 * For each prereq of deps (the full -MD list, in the compiler's order,
 * spelled as it spells them, relative to cwd), a verdict in out[i]: a file
 * reached by any route through a user folder, the including file's own
 * folder when that file is a user header, or the command line is a user
 * header; one reached only through system folders is a system header.
 * forced: the -include/-imacros arguments. 0 or -ENOMEM.
 */
int sysheaders_classify(const struct depfile *deps, const struct incpath *search,
                        char *const *forced, size_t n_forced, struct hashcache *hc, const char *cwd,
                        signed char *out);

#endif
