/*
 * ppmode: the launcher's half of preprocessor mode (src/cache/preprocess.h).
 * The server answered a compile with "preprocess": run the -E it names,
 * with our environment, cwd and descriptors like any compile, hash what it
 * wrote and printed, and ask again with those digests.
 */
#ifndef ZCCACHE_PPMODE_H
#define ZCCACHE_PPMODE_H

#include <jansson.h>

#include "launch.h"

/*
 * Run the -E of reply (taken) and report it on fd. The server's answer,
 * as to a compile (hit, run-and-store, run), or NULL when none came; a -E
 * that failed or could not be read is reported as such (the server counts
 * it and says run), never hidden.
 */
json_t *ppmode_run(const struct launch *l, int fd, json_t *reply);

#endif
