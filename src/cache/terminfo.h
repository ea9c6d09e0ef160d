/*
 * terminfo: how many colours a terminal type has, read from the terminfo
 * database as ncurses finds it. clang colours its diagnostics on a terminal
 * only when the terminal's entry says it has colours (gcc needs only a TERM
 * other than "dumb"); a miss runs the compiler on a pipe, so the cache must
 * make that decision for it, the same way.
 */
#ifndef ZCCACHE_TERMINFO_H
#define ZCCACHE_TERMINFO_H

/* The variables the lookup reads, from the compile's environment. */
struct terminfo_env {
	const char *term, *terminfo, *terminfo_dirs, *home;
	const char *cwd; /* the compile's: relative folders are under it */
};

/* The terminal's max_colors: > 0 with colours, -1 when it has none, no
 * entry is found, or the entry cannot be read. */
int terminfo_colors(const struct terminfo_env *env);

#endif
