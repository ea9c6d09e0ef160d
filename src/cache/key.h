/*
 * key: the direct key of a compile: H(compiler identity, language, the
 * arguments that reach the compiler, source content, the environment that
 * changes the output, and, only when they reach the output, the cwd and the
 * host CPU). Pure: every input is passed in, so tests can vary each one.
 */
#ifndef ZCCACHE_KEY_H
#define ZCCACHE_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "hash.h"

/* Environment variables that change what the compiler produces or prints. */
extern const char *const key_env_vars[];
extern const size_t key_n_env_vars;

/* Variables under which the driver prints or writes more than the compile
 * does: such a compile is not cached (the launcher sends them too). */
extern const char *const key_driver_debug_env[];
extern const size_t key_n_driver_debug_env;

struct key_extra_input {
	const char *path;
	bool present;
	struct digest digest;
};

struct key_inputs {
	const struct compile_args *args;
	const struct digest *compiler_id;
	const struct digest *source;
	/* Values of key_env_vars in order; NULL where unset. */
	const char *const *env;
	/* The family's own variables (NULL-terminated names, or NULL) and
	 * their values in order, NULL where unset. */
	const char *const *family_env_names;
	const char *const *family_env;
	/* For a family with env_prefixes (else NULL): every variable set that
	 * one names, sorted by name, and their values. */
	const char *const *prefixed_env_names;
	const char *const *prefixed_env;
	size_t n_prefixed_env;
	bool color;      /* diagnostics will carry colour codes */
	const char *cpu; /* host CPU description, when -march=native */
	const struct key_extra_input *extra;
	size_t n_extra;
	/* The compile's cwd: a prefix map from exactly it is keyed as "<cwd>",
	 * so two checkouts whose outputs the map makes identical share. */
	const char *cwd;
	/* The helper programs the driver runs (see programs.h), or NULL. */
	const struct digest *programs;
	/* The include search folders, the compiler's own among them (see
	 * incpath_digest), or NULL. */
	const struct digest *search;
};

void key_direct(const struct key_inputs *in, struct digest *out);

/* The result key: the direct key plus every included file and its digest. */
struct key_file {
	const char *path;
	struct digest digest;
};
void key_result(const struct digest *direct, const struct key_file *files, size_t n,
                struct digest *out);

#endif
