/*
 * private_output: where a miss writes its object so that the bytes stored are
 * the bytes this compile wrote. The object is read back after the compile; at
 * its final path another writer (a second compile to the same -o, a build
 * step, a hit being written) can have replaced it meanwhile, and its bytes
 * would then be stored under this compile's key for every later build. So the
 * compile writes into a folder of its own next to the output, under the same
 * base name, and the launcher renames the object into place after the server
 * has read it.
 *
 * Only where the move cannot change what is written: the output's name or
 * folder reaches no output (coverage notes and data, split DWARF, profiles,
 * dumps, recorded command lines, plugins and specs that may use it), and the
 * depfile's default name and target, which gcc and clang derive from -o,
 * are given explicitly as their drivers would give them.
 */
#ifndef ZCCACHE_PRIVATE_OUTPUT_H
#define ZCCACHE_PRIVATE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"

struct private_output {
	/* The private folder, named as the command names the output: relative
	 * to cwd or absolute. */
	char *dir;
	char *object; /* dir + "/" + the output's base name */
	char *final;  /* the output as the command names it */
	/* The command with -o moved and the depfile's name and target pinned;
	 * NULL-terminated, the strings owned. */
	char **argv;
	size_t argc;
};

/*
 * Plan the private output of compile a (classified, cacheable) under token,
 * from cwd. 0 with *po filled; 1 when the compile must write in place (po
 * untouched); -ENOMEM.
 */
int private_output_plan(const struct compile_args *a, const char *cwd, const char *token,
                        struct private_output *po);
void private_output_free(struct private_output *po);

#endif
