/*
 * run: run the compiler as our child when its output has to be stored. Its
 * stdout and stderr reach ours as they are written (the user sees progress
 * and diagnostics live) and are kept for the cache; termination signals sent
 * to us are passed on; we end the way it ended.
 */
#ifndef ZCCACHE_RUN_H
#define ZCCACHE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "proto.h"

/* Output beyond this is still passed through but not kept (not cached). */
#define RUN_CAPTURE_MAX PROTO_MAX_OUTPUT

struct run_result {
	int wait_status; /* as from waitpid() */
	struct buf out, err;
	bool overflow; /* more than RUN_CAPTURE_MAX was printed */
	int64_t duration_ms;
};

/* Returns 0 with res filled, or -errno when the compiler could not be started.
 * With tee, the output also reaches ours as it is written. */
int run_captured(const char *compiler, char **argv, bool tee, struct run_result *res);
void run_result_free(struct run_result *res);

/* Write all of p to fd, retrying short writes; errors are ignored (the
 * reader went away), as they would be for the compiler's own writes. */
void run_write_all(int fd, const void *p, size_t n);

/* Exit with the child's exit code, or die of the same signal it died of. */
_Noreturn void run_exit_like(int wait_status);

#endif
