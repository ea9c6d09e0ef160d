/*
 * fuzz.h: what every harness in tests/fuzz shares. A harness is one
 * LLVMFuzzerTestOneInput that feeds its input to one parser and checks the
 * promises that parser's header makes; a broken promise aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#ifndef ZCCACHE_FUZZ_H
#define ZCCACHE_FUZZ_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant, checked in every build (assert() may be compiled out). */
#define FUZZ_CHECK(cond)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

/*
 * Make a scratch folder for a harness in $TMPDIR (else /tmp) into dir, which
 * holds PATH_MAX bytes. run-fuzzer.sh points TMPDIR into its own scratch
 * folder, so that even a run that crashes leaves nothing behind.
 */
static inline void fuzz_scratch_dir(char *dir, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, PATH_MAX, "%s/zccache-fuzz-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
}

/* Two string vectors hold the same strings in the same order. */
static inline bool fuzz_strv_equal(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

#endif
