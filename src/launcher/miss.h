/*
 * miss: run a compile the server wants stored (its argv, its private output
 * folder), hand the result to the server, then put the object in place.
 */
#ifndef ZCCACHE_MISS_H
#define ZCCACHE_MISS_H

#include <jansson.h>
#include <stdbool.h>

struct miss_result {
	int wait_status; /* as from waitpid() */
	bool silent;     /* exited 0 having printed nothing */
	bool placed;     /* the outputs are where the build expects them */
	bool reusable;   /* the server answered the store: fd may ask again */
};

/*
 * Run the miss of cargv (the command as given) that reply describes. With
 * quiet, the compiler's output is kept from the user, and the outputs are
 * placed only for a silent compile (else the build's files are left as they
 * were, for the caller to compile again). 0 with *mr, or -errno when the
 * compiler did not run (then nothing changed).
 */
int miss_run(int fd, const char *compiler, char **cargv, json_t *reply, int timeout_ms, bool quiet,
             struct miss_result *mr);

/* miss_run, not quiet, then end as the compiler did (or exec it when it
 * could not run as the server asked). */
_Noreturn void miss_run_and_exit(int fd, const char *compiler, char **cargv, json_t *reply,
                                 int timeout_ms);

#endif
