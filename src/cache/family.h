/*
 * family: what the cache engine needs to know about a compiler family, as one
 * row of ops per family and one table of rows. The engine (args.c, compiler.c,
 * programs.c, key.c, cache.c) asks the row; only a family's own file knows
 * its driver's names, options, helper programs, environment and habits. A new
 * compiler is one file that defines a row, plus its line in families[].
 */
#ifndef ZCCACHE_FAMILY_H
#define ZCCACHE_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "buf.h"
#include "depfile.h"

struct compiler_info;

#define FAMILY_ENV_MAX 48

struct family {
	const char *name; /* for logs, the journal and explain: "gcc", "clang" */
	enum compiler_family id;

	/* Does this base name (of argv[0] or of the resolved binary) name a
	 * driver of the family? *cxx: one that compiles .c/.h as C++. */
	bool (*names)(const char *base, bool *cxx);
	/* Fill out (argv expanded, family and driver mode set) as run in cwd:
	 * 0 with out->reason set, or -errno. */
	int (*classify)(struct compile_args *out, const char *cwd);

	/*
	 * Identity. version_args/machine_args: the one-argument questions
	 * whose first lines name its version and target. identity_programs:
	 * the helper programs (asked by -print-prog-name) that are part of the
	 * compiler's identity, NULL-terminated, or NULL.
	 */
	const char *version_arg, *machine_arg;
	const char *const *identity_programs;
	/*
	 * The helper programs the driver runs for compile a, as it names them
	 * to -print-prog-name (cc1, as): their identity is part of the key.
	 * Fills progs (room for max) and returns how many.
	 */
	size_t (*programs)(const struct compile_args *a, const char **progs, size_t max);
	/*
	 * For a driver that cannot name its helpers (emcc, a Python program
	 * that runs a clang its config names): the files whose content makes
	 * the compiler, found for compile a of the driver ci (run in cwd)
	 * under the request's environment (getenv). A missing file is keyed
	 * as absent: one created later changes the key. Hashed with the programs
	 * on every lookup, so each costs one stat on a hit. Fills files (each
	 * malloc'ed, room for max) and returns how many, or -errno (the compile
	 * is then not cached). NULL: none.
	 */
	int (*helper_files)(const struct compiler_info *ci, const char *cwd,
	                    const struct compile_args *a,
	                    const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
	                    char **files, size_t max);

	/* Environment variables that change its output, beyond those every
	 * family reads (key.c); NULL-terminated, at most FAMILY_ENV_MAX. */
	const char *const *env_vars;
	/* Of those, the ones that move where the driver finds its own files
	 * and headers: the questions put to it (-E -v) are asked under the
	 * request's values, never the server's. NULL-terminated, or NULL. */
	const char *const *probe_env;
	/* Variables whose presence makes a compile uncacheable (the driver
	 * then writes logs or temporary files, or reads arguments no
	 * classifier saw); NULL-terminated, or NULL. */
	const char *const *uncacheable_env;
	/*
	 * Prefixes of the variables the driver reads where no list can be
	 * whole (emcc: EM_<KEY> for every key of its config, and more EMCC_*
	 * in each release): the launcher sends every variable so named
	 * (sent_env.h), the key holds each one set, by name and value, and
	 * the driver's questions (-E -v) never see the server's own.
	 * NULL-terminated, or NULL.
	 */
	const char *const *env_prefixes;
	/* Colour: the variable the driver reads to colour diagnostics (NULL:
	 * none), and the option that forces colour when the user's terminal
	 * wants it and the compile runs without one. */
	const char *color_env;
	const char *color_always_arg;
	/* Colour on a terminal only when its terminfo entry has colours
	 * (clang), not for any TERM but "dumb" (gcc). */
	bool color_by_terminfo;
	/* The first major version whose __DATE__/__TIME__ follow
	 * SOURCE_DATE_EPOCH. */
	int epoch_major;

	/* How it writes depfiles (line wrapping, continuation). */
	enum depfile_style depfile_style;
	/* The -Wp,-MD,f forms take their default target from -o (clang; gcc
	 * takes it from the source). */
	bool wp_depfile_target_from_output;
	/*
	 * How the object reaches its path: renamed over it from a new file
	 * (clang: a symlink there is replaced), or written by an assembler
	 * that unlinks a regular file or a symlink to one first and follows a
	 * dangling symlink (gcc's GNU as).
	 */
	bool object_renamed;
	/* A miss may write its object in a folder of its own and have it moved
	 * into place (private_output.c): the driver names nothing else after
	 * -o but what private_output.c knows (gcc's and clang's depfile rules).
	 * A family that names side files after -o keeps false. */
	bool private_output;
	/* On failure the driver prints the command it ran (emcc): the command
	 * the cache changed (-MD -MF, the private -o) must not show. */
	bool echoes_command_on_failure;
	/* Outputs written in place (through a symlink or a hard link, keeping
	 * the file's mode), as depfiles are: gcc's -S output (cc1), clang's
	 * split DWARF .dwo. The others are replaced as the object is. */
	bool assembly_in_place, dwo_in_place;
	/* Its assembler writes a depfile of its own on request (GNU as,
	 * -Wa,--MD,f), naming every .incbin and .include it read, however
	 * spelled: the cache asks for it and keys those files. */
	bool assembler_depfile;
	/*
	 * Its own dependency file (a->depfile, which it always writes: rustc's
	 * dep-info) names every input: no include search, no preprocessor
	 * scan; the files it lists are keyed by content.
	 */
	bool closure_from_depinfo;
	/* It expands @files itself, one argument a line (rustc): the
	 * classifier gets them as written, not split into shell words. */
	bool own_argfiles;
	/*
	 * A compile that links (rustc's bin, proc-macro, dylib): the option
	 * that, followed by a path, makes its linker write a depfile of
	 * every file it read (GNU ld, lld: --dependency-file), or
	 * NULL when compile a does not link. Those files join the closure as
	 * the dep-info's do. NULL: the family never links.
	 */
	const char *(*link_depfile_arg)(const struct compile_args *a);
	/* Of the files that depfile names, whether path is one the compile
	 * run in cwd wrote and removed itself (rustc's object files): not an
	 * input. */
	bool (*own_temporary)(const struct compile_args *a, const char *cwd, const char *path);
	/*
	 * A compile keyed relative to its cwd (args.h cwd_relocated): before
	 * its result is stored, each output (path: the command's name for it)
	 * and stdout and stderr (path NULL) in turn, put in the form that no
	 * longer names the cwd; NULL, or why the result may not be stored (the
	 * output holds the cwd where it may not be replaced). Each file of the
	 * closure under the cwd is asked too (path: its name relative to the
	 * cwd), for a verdict only. On a hit,
	 * relocate_restore puts each back with the hit's cwd: 0 or -errno.
	 * NULL: the family never relocates.
	 */
	const char *(*relocate_store)(const struct compile_args *a, const char *cwd,
	                              const char *path, struct buf *text);
	int (*relocate_restore)(const struct compile_args *a, const char *cwd, const char *path,
	                        struct buf *text);
	/*
	 * After a compile of a in cwd: what its own searches found beyond
	 * its depfile (rustc's crates in -L folders), appended to deps and
	 * keyed by content, and the names whose presence decided them
	 * (rustc's foo/mod.rs beside foo.rs), appended to probes in
	 * cscan_includes' format and probed on every hit as the include
	 * search is. 0, -ENOTSUP when a search cannot be keyed (not
	 * stored: unkeyed_search), -errno. NULL: none.
	 */
	int (*search_closure)(const struct compile_args *a, const char *cwd, struct depfile *deps,
	                      struct buf *probes);
};

/* The rows, NULL-terminated; the first whose names() matches wins. */
extern const struct family *const families[];

/* The row of id, or NULL for COMPILER_UNKNOWN. */
const struct family *family_of(enum compiler_family id);
/* The row naming base, or NULL; *cxx as names() says. */
const struct family *family_from_base(const char *base, bool *cxx);
/* The family's name, "unknown" for none. */
const char *family_name(enum compiler_family id);
/* Is the variable name[0, len) one of f's env_prefixes names? */
bool family_env_prefixed(const struct family *f, const char *name, size_t len);

#endif
