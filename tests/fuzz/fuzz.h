/*
 * fuzz.h: what every harness in tests/fuzz shares. A harness is one
 * LLVMFuzzerTestOneInput that feeds its input to one parser and checks the
 * promises that parser's header makes; a broken promise aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#ifndef ZCCACHE_FUZZ_H
#define ZCCACHE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant, checked in every build (assert() may be compiled out). */
#define FUZZ_CHECK(cond)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                                 \
			abort();                                                        \
		}                                                                       \
	} while (0)

#endif
