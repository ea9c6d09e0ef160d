/*
 * sent_env: the environment variables a launcher sends with a compile
 * request: every one that can change what any compiler family produces or
 * how it runs (the server keys them: key.c and each family's row), where the
 * driver finds its programs (PATH), and those that make a compile
 * uncacheable. The launcher knows no family; a unit test checks that this
 * list covers what the server reads.
 */
#ifndef ZCCACHE_SENT_ENV_H
#define ZCCACHE_SENT_ENV_H

#include <stddef.h>

extern const char *const sent_env_vars[];
extern const size_t sent_env_count;

#endif
