/* reasons: the lookups over reasons.h's table; the table itself is there. */
#include "reasons.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *name, *prose;
} rows[CACHE_REASON_COUNT] = {
#define ROW_(id, name, prose) [CACHE_REASON_##id] = {name, prose},
        CACHE_REASONS(ROW_)
#undef ROW_
};

const char *cache_reason_name(enum cache_reason r)
{
	if ((unsigned)r >= CACHE_REASON_COUNT)
		return "unknown";
	return rows[r].name;
}

const char *cache_reason_prose(enum cache_reason r)
{
	if ((unsigned)r >= CACHE_REASON_COUNT)
		return NULL;
	return rows[r].prose;
}

int cache_reason_lookup(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < CACHE_REASON_COUNT; i++)
		if (strcmp(rows[i].name, name) == 0)
			return i;
	return -1;
}

const char *cache_reason_prose_of(const char *name)
{
	int r = cache_reason_lookup(name);

	return r < 0 ? NULL : rows[r].prose;
}
