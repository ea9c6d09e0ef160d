/*
 * miss: run a compile the server wants stored (its argv, its private output
 * folder), hand the result to the server, then put the outputs in place, or
 * leave the build's files as they were.
 */
#ifndef ZCCACHE_MISS_H
#define ZCCACHE_MISS_H

#include <jansson.h>
#include <stdbool.h>

#include "placement.h"
#include "run.h"

/* A miss that ran and was handed to the server, its object not in place. */
struct miss {
	json_t *reply; /* held: the placement's names are its strings */
	struct placement pl;
	bool private_output;
	struct run_result res; /* how it ended, what it printed */
	bool stored;           /* the server took it (and filtered the depfile) */
	bool rewritten;        /* the command's -MMD ran as -MD */
	bool reusable;         /* the store was answered: fd may ask again */
	bool settle;           /* its outputs are other compiles' inputs: see miss_place */
};

/*
 * Run the miss of cargv (the command as given) that reply describes, its
 * output passed on as it comes with tee, and store it. 0 with *m, to end
 * with miss_place or miss_abandon; -errno when the compiler did not run
 * (then nothing changed, and fd carries a token the server drops when it
 * closes).
 */
int miss_run(int fd, const char *compiler, char **cargv, json_t *reply, int timeout_ms, bool tee,
             struct miss *m);
/* The argv reply names (its strings still reply's), argv[0] compiler;
 * NULL when it names none. Free the array only. */
char **miss_argv_from_reply(json_t *reply, const char *compiler);
/* It exited 0 and printed nothing. */
bool miss_silent(const struct miss *m);
/* Put the outputs where the compiler would have left them; the wait status
 * to end with. Frees m. */
int miss_place(struct miss *m, const char *compiler, char **cargv);
/* Leave the build's object as it was before the compile. Frees m. */
void miss_abandon(struct miss *m);

/* miss_run with tee, miss_place, then end as the compiler did (or exec it
 * when it could not run as the server asked). */
_Noreturn void miss_run_and_exit(int fd, const char *compiler, char **cargv, json_t *reply,
                                 int timeout_ms);

#endif
