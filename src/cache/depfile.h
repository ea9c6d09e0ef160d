/*
 * depfile: make-style dependency files as gcc 12 and clang 14 write them for
 * -MD/-MMD. Parsing tells the cache a compile's include closure; rendering
 * gives a hit the exact bytes the compiler would have written for the
 * user's own -o/-MT/-MQ/-MP/-MMD flags.
 */
#ifndef ZCCACHE_DEPFILE_H
#define ZCCACHE_DEPFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * One dependency rule. Names are unescaped (what the filesystem calls them).
 * prereqs keep the compiler's order and its duplicates: gcc may list the same
 * spelling twice ("./h.h" and "h.h" both print as "h.h"), clang never does.
 */
struct depfile {
	char **targets;
	size_t n_targets;
	char **prereqs;
	size_t n_prereqs;
	/*
	 * Which prereq is the translation unit. 0 for gcc; clang lists its
	 * extra dependencies (e.g. the -fsanitize ignorelist) before it, and its
	 * -MP output leaves that one entry without a phony rule. The parser
	 * can only know it from -MP rules; otherwise it says 0 and a caller
	 * that knows better may set it.
	 */
	size_t source_index;
	/* The text carried -MP phony rules ("hdr.h:"). */
	bool phony;
};

/*
 * Parse text (not NUL-terminated) into out, which is overwritten. Handles
 * "\ ", "$$", "\#", backslash-newline, CRLF, several targets and rules;
 * phony rules for known prereqs are recognised and not taken as deps, later
 * rules with prerequisites are merged into the first. Returns 0, -EBADMSG
 * when a line is not a rule or a continuation runs off the end, or -ENOMEM.
 */
int depfile_parse(const char *text, size_t len, struct depfile *out);
/* depfile_parse() on a file's contents. Also returns read errors. */
int depfile_read(const char *path, struct depfile *out);
void depfile_free(struct depfile *d);

enum depfile_style {
	DEPFILE_STYLE_GCC,   /* gcc 12: wraps at 72, one-space continuation */
	DEPFILE_STYLE_CLANG, /* clang 14: wraps at 75, two-space continuation */
};

struct depfile_render_opts {
	enum depfile_style style;
	/*
	 * The targets in command-line order: each -MT (target_quoted false,
	 * written as is) and -MQ (true, make-quoted). Without either, the
	 * compiler uses one quoted target: the -o path, else the source's
	 * basename with .o (the caller decides which). gcc puts all -MT
	 * targets before the -MQ ones in an order of its own; render does that.
	 * n_targets 0 means deps->targets, quoted.
	 */
	const char *const *targets;
	size_t n_targets;
	const bool *target_quoted; /* NULL: all quoted */
	bool phony;                /* -MP */
};

/* Append to out exactly the bytes the compiler would write. 0 or -ENOMEM. */
int depfile_render(const struct depfile *deps, const struct depfile_render_opts *o,
                   struct buf *out);

/*
 * What -MMD filtering needs to know of the command. Directories as
 * `cc -E -v` lists them (the compiler spells headers found there that way)
 * and as the -I/-iquote (user) and -isystem/-idirafter (system) arguments
 * were written. forced: the -include/-imacros arguments as written.
 */
struct depfile_search {
	const char *const *system_dirs;
	size_t n_system;
	const char *const *user_dirs;
	size_t n_user;
	const char *const *forced;
	size_t n_forced;
	/* Per prereq, when known from the routes (see sysheaders): 1 a system
	 * header, 0 not, -1 unknown (decided by folder as above). NULL: all
	 * unknown. */
	const signed char *verdict;
};

/*
 * Turn a -MD list into the -MMD one by dropping system headers: each prereq
 * belongs to the longest search directory (system or not) that prefixes it,
 * and goes when that one is a system directory. The source and -include
 * files the compiler found from the cwd stay. depfile.c says where this
 * differs from the compiler. Returns 0.
 */
int depfile_filter_system(struct depfile *deps, const struct depfile_search *s);

#endif
