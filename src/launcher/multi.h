/*
 * multi: a command of several sources (`gcc -c a.c b.c`) served one source
 * at a time, as if each had been compiled alone (src/cache/multi_source.h).
 * A source is answered from the cache, or compiled and stored, only when it
 * prints nothing: its silence is all it adds to what the user sees. The
 * sources that print (or fail, or cannot be cached) compile together in one
 * run of the command without the others, so their output is exactly the
 * compiler's, in its order; alone, that run is their own cached compile.
 */
#ifndef ZCCACHE_MULTI_H
#define ZCCACHE_MULTI_H

#include <jansson.h>

#include "launch.h"

/* Serve split (the server's answer naming the sources of argv); end as the
 * command would have. */
_Noreturn void multi_serve(const struct launch *l, int fd, int argc, char **argv, json_t *split);

#endif
