/*
 * placement: the launcher's half of a private output (src/cache/private_output.h).
 * Before the compile, make the object's own folder and link the output's
 * present file into it under the object's name; after the compile (and the
 * store, which read the object there), move the object into place. The link
 * lets the end mirror what the compiler would have done to the output:
 * replaced (the object is a new file), left alone (the link is still there:
 * gcc failed before assembling), or deleted (the link is gone: the assembler
 * failed, or clang failed, and each deletes its output).
 */
#ifndef ZCCACHE_PLACEMENT_H
#define ZCCACHE_PLACEMENT_H

#include <stdbool.h>
#include <sys/types.h>

struct placement {
	const char *dir, *object, *final; /* as the server named them, relative to cwd */
	bool linked;                      /* the output existed and is linked as the object */
	dev_t dev;
	ino_t ino; /* the output's file before the compile, when linked */
};

/* 0, or -errno when the compile cannot write privately (then it must run
 * as the command was given). */
int placement_prepare(struct placement *pl);

/*
 * After the compile ended with wait_status: put the object in place or mirror
 * the compiler's end, then remove the folder. 0, or -errno when a compile
 * that succeeded could not be put in place (said on stderr).
 */
int placement_finish(struct placement *pl, int wait_status);

/* Drop what the compile wrote in the folder, and the folder: the output
 * stays as it was before the compile. */
void placement_abandon(struct placement *pl);

#endif
