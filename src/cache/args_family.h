/*
 * args_family: the toolkit (args_walk.c) for the files that describe a
 * compiler family's arguments (args_gcc.c). Private to args*.c.
 */
#ifndef ZCCACHE_ARGS_FAMILY_H
#define ZCCACHE_ARGS_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "strv.h"

/* How an option row matches an argument. */
enum opt_shape {
	OPT_FLAG,               /* exactly the name */
	OPT_JOINED,             /* the name is a prefix, the value is the rest */
	OPT_SEPARATE,           /* exactly the name, the value is the next argument */
	OPT_JOINED_OR_SEPARATE, /* -Idir or -I dir */
};

/* Which families know an option. */
#define OPT_GCC   1u
#define OPT_CLANG 2u
#define OPT_ANY   (OPT_GCC | OPT_CLANG)

/* What a handler says about the argument(s) it consumed, for the key. */
enum key_use {
	KEY_KEEP,      /* reaches the compiler: in the key */
	KEY_NAMING,    /* pure output naming (-o f, -MF f): left out */
	KEY_NAMING_WP, /* -Wp,-MD,f: the key keeps -Wp,-MD */
};

struct opt_row;
/*
 * Handle one matched option. arg is the option as written, value the joined
 * rest or the next argument (NULL for OPT_FLAG). Returns an enum key_use or
 * a negative errno.
 */
typedef int (*opt_handler)(void *ctx, const struct opt_row *row, const char *arg,
                           const char *value);

struct opt_row {
	const char *name;
	unsigned char shape;
	unsigned char families;
	opt_handler handle;
	int param; /* handler-specific: a reason, a kind */
};

struct opt_walk {
	const struct opt_row *rows;
	size_t n_rows;
	unsigned families; /* OPT_GCC or OPT_CLANG */
	void *ctx;
	/* A non-option argument (a file, "-"). Returns an enum key_use or -errno. */
	int (*input)(void *ctx, const char *arg);
	/* An option no row matches, or a separate value missing at the end. */
	int (*unknown)(void *ctx, const char *arg);
	int (*missing)(void *ctx, const char *arg);
};

/*
 * Walk argv[1..argc-1] through the rows, the longest matching name winning.
 * uses[i] receives the key_use of argv[i] (uses[0] is unused). Returns 0 or
 * the first negative errno a callback returned.
 */
int args_walk(const struct opt_walk *w, char *const *argv, size_t argc, unsigned char *uses);

/* cwd/path, or a copy of path when it is absolute. NULL on ENOMEM. */
char *args_path_join(const char *cwd, const char *path);

/* Set out->reason and out->reason_arg (copied). 0 or -ENOMEM. */
int args_set_reason(struct compile_args *out, enum uncacheable_reason r, const char *arg);

/* The gcc and clang families' classifier (args_gcc.c, their rows). */
int args_gcc_classify(struct compile_args *out, const char *cwd);

/*
 * The same classifier for a driver that takes gcc's or clang's options
 * (clang: clang's rules for names, depfile targets, debug info) plus rows of
 * its own (emcc), which win over a gcc_rows entry of the same name.
 */
struct gcc_dialect {
	bool clang;
	const struct opt_row *extra;
	size_t n_extra;
};
int args_gcc_classify_dialect(struct compile_args *out, const char *cwd,
                              const struct gcc_dialect *d);
/* For the handlers of extra rows (ctx is the walk's): the first reason an
 * option gives wins, the mode reasons (linking, -E) come before it. Returns
 * KEY_KEEP. */
int args_gcc_opt_reason(void *ctx, enum uncacheable_reason r, const char *arg);

#endif
