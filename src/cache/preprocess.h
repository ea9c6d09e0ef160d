/*
 * preprocess: the preprocessor-mode fallback. A compile the direct mode
 * refuses because it cannot prove the include closure (a computed
 * __has_include, a #pragma once copy, a clang .S that pastes tokens) is
 * keyed on what the preprocessor made of it instead, as ccache's
 * preprocessor mode does: the launcher runs the -E this module names,
 * hashes its output and stderr, and the result is stored under
 * H(direct key, those digests). Which refusals may go there, the -E argv,
 * and both keys are here; cache_lookup.c and cache_store.c do the rest.
 */
#ifndef ZCCACHE_PREPROCESS_H
#define ZCCACHE_PREPROCESS_H

#include <stdbool.h>

#include "args.h"
#include "hash.h"
#include "hashcache.h"

/*
 * Whether a unit refused for reason (a reasons.h name) is exactly keyed by
 * its preprocessed text: the reason is a doubt about which files the
 * preprocessor read or found, and the -E output shows what it did. Time
 * macros, #pragma GCC dependency, #line quoting and the like are not.
 */
bool preprocess_routes(const char *reason);

/* Whether compile a may go there at all: an object or assembly, not a
 * precompiled header. */
bool preprocess_may_route(const struct compile_args *a);

/*
 * Whether a file a compile read is a precompiled header (x.h.gch found
 * beside a header, clang's .pch): the -E reads the header's text instead,
 * so a unit in preprocessor mode that loads one is not stored.
 */
bool preprocess_loads_pch(const char *path);

/*
 * Why the unit compiled by a should go to preprocessor mode from its own
 * source alone (scanned as src), or NULL: a __has_include of a macro, or an
 * assembler source pasting tokens for an assembler that names no file it
 * reads (clang's integrated one: a pasted .include is seen by nobody else).
 */
const char *preprocess_source_route(const struct compile_args *a, bool assembler_reports,
                                    const struct file_digest *src);

/* A file of the closure that sends a direct-mode unit there (see above). */
bool preprocess_asm_paste(const struct compile_args *a, bool assembler_reports,
                          const struct file_digest *fd);

/*
 * The command that preprocesses a's source to output: a's argv without
 * what names outputs (-c, -S, -o, the depfile options), with -E -o output.
 * 0, -EINVAL when an option mixes a depfile request with others the -E
 * needs (-Wp,-MD,f,-DX), or -ENOMEM. NULL-terminated; free each string.
 */
int preprocess_argv(const struct compile_args *a, const char *output, char ***out);

/*
 * Preprocessor mode keyed the text the -E read. gcc's -E reads a header's
 * text where the compile loads x.h.gch instead (its depfile then names
 * neither): of the files the -E entered (pptext_entered), the first the
 * compile's depfile does not list, or NULL when it lists them all. Names
 * compare with "./" and "//" left out (clang's markers say ./x.h where its
 * depfile says x.h); the preprocessor's own (<built-in>) are not files.
 */
const char *preprocess_unread(char *const *entered, size_t n_entered, char *const *prereqs,
                              size_t n_prereqs);

/* path without "./" components and repeated slashes, in a new string
 * (NULL without memory). */
char *preprocess_lexical(const char *path);

/* Where a direct key remembers that its unit goes to preprocessor mode. */
void preprocess_route_key(const struct digest *direct, struct digest *out);
/* Where a direct key remembers that its last compile in preprocessor mode
 * printed: the next runs without the -E, and is not stored (cache_store.c). */
void preprocess_printed_key(const struct digest *direct, struct digest *out);
/* The key of a result in preprocessor mode. */
void preprocess_result_key(const struct digest *direct, const struct digest *text,
                           const struct digest *err, struct digest *out);

#endif
