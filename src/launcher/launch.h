/*
 * launch: one compile through the server, once connected: the request, the
 * server's answer (hit, miss to run and store, run uncached, or several
 * sources to serve one by one) and the end that mirrors the compiler's.
 */
#ifndef ZCCACHE_LAUNCH_H
#define ZCCACHE_LAUNCH_H

#include <jansson.h>
#include <stdbool.h>

#include "paths.h"

struct launch {
	const char *compiler; /* absolute */
	const char *cwd;      /* as the compiler names it */
	const struct zc_paths *paths;
	int timeout_ms;
};

/* How a request is asked (multi.h). */
enum launch_flags {
	LAUNCH_SPLIT = 1,       /* several sources may come back as a split */
	LAUNCH_PART = 2,        /* one source of a split command */
	LAUNCH_SILENT_ONLY = 4, /* a hit only when the compiler printed nothing */
};

/* Replace this process with the compiler: same pid, fds, signals, status. */
_Noreturn void launch_exec(const char *compiler, char **argv);

/*
 * Ask the server about argv (argv[0] as given) on fd, waiting through
 * "wait" answers. 0 with *reply, whose "ok" the caller checks; -errno when
 * no answer came (the connection is then unusable); -EILSEQ with *bad
 * naming what the protocol cannot carry.
 */
int launch_ask(const struct launch *l, int fd, int argc, char **argv, unsigned flags,
               json_t **reply, const char **bad);

/* Ask about argv and do what the server says; end as the compiler did. */
_Noreturn void launch_compile(const struct launch *l, int fd, int argc, char **argv,
                              unsigned flags);

#endif
