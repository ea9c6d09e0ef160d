/*
 * rust_search: what rustc finds by searching rather than by a name it was
 * given, and so what a key must hold beyond its dep-info: module files
 * (foo.rs or foo/mod.rs), crates found in -L folders (`extern crate`
 * without --extern, cargo's transitive crates under -L dependency=) and
 * native libraries named by #[link] in the source. Private to the family.
 */
#ifndef ZCCACHE_RUST_SEARCH_H
#define ZCCACHE_RUST_SEARCH_H

#include "args.h"
#include "buf.h"
#include "depfile.h"
#include "strv.h"

/*
 * Lookup time: the crates `extern crate` may find in folder dir (an -L
 * crate=, all= or plain one, as spelled, relative to cwd): every
 * lib*.rlib, .rmeta and .so in it, pushed to out to be keyed present and
 * by content, so that a crate rebuilt or added there is a miss. 0 or
 * -ENOMEM (an unreadable folder holds nothing).
 */
int rust_crate_dir_inputs(const char *cwd, const char *dir, struct strv *out);

/*
 * family.h search_closure: after a compile of a, appends to deps the
 * crates it loaded from -L dependency= folders and the bundled native
 * archives it may have read, and to probes (cscan_includes' format) the
 * names whose presence decided what its searches found. 0, -ENOTSUP when
 * a search cannot be keyed, -ENOMEM.
 */
int rust_search_closure(const struct compile_args *a, const char *cwd, struct depfile *deps,
                        struct buf *probes);

#endif
