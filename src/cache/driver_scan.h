/*
 * driver_scan: the folders a compiler driver looked through to choose its
 * own include folders, and whether they still look as they did. clang
 * takes its C++ headers from the highest GCC version it finds under
 * <prefix>/{lib,lib64,...}/{gcc,gcc-cross}/<triple>/ (the prefix: --gcc-toolchain, else the
 * sysroot's /usr and its own install folder's parent, else /usr); gcc adds
 * <-B prefix>/include when that exists; clang adds
 * <sysroot>/usr/include/<multiarch> when that exists, and clang++ libstdc++'s
 * <prefix>[/<triple>]/include/c++/<version> (else the installation's
 * include/g++-v<version>) when that exists. A version installed
 * there later, or such a folder created, moves the built-in search path
 * without any folder of the old one changing: the answer of `-E -v` is
 * only good while these folders look the same.
 */
#ifndef ZCCACHE_DRIVER_SCAN_H
#define ZCCACHE_DRIVER_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct driver_scan;

/*
 * What the driver scanned to give answer (the text of `-E -v` under opts,
 * run in cwd), each folder as it is now. asked_ns: the wall clock
 * (CLOCK_REALTIME) just before the question ran; a folder changed since
 * then (or within a clock tick before) may have changed after the driver
 * read it, so the record then holds only until its next check. 0 or
 * -ENOMEM. Cost: a stat per folder and a listing per lib/gcc folder.
 */
int driver_scan_record(const char *answer, char *const *opts, size_t n_opts, const char *cwd,
                       int64_t asked_ns, struct driver_scan **out);

/* Does every folder still look as recorded? One stat per folder, no
 * listing. False when in doubt. */
bool driver_scan_holds(const struct driver_scan *s);

/* How many folders s watches (tests, and the cost a hit pays). */
size_t driver_scan_count(const struct driver_scan *s);

void driver_scan_free(struct driver_scan *s);

#endif
