/*
 * family: finding a compiler family's row (see family.h). The rows are
 * listed in family_table.c, alone in its file, so that a program can link
 * a list of its own in its place.
 */
#include "family.h"

#include <stddef.h>
#include <string.h>

const struct family *family_of(enum compiler_family id)
{
	for (size_t i = 0; families[i]; i++)
		if (families[i]->id == id)
			return families[i];
	return NULL;
}

const struct family *family_from_base(const char *base, bool *cxx)
{
	*cxx = false;
	for (size_t i = 0; families[i]; i++)
		if (families[i]->names(base, cxx))
			return families[i];
	*cxx = false;
	return NULL;
}

const char *family_name(enum compiler_family id)
{
	const struct family *f = family_of(id);

	return f ? f->name : "unknown";
}

bool family_env_prefixed(const struct family *f, const char *name, size_t len)
{
	for (size_t i = 0; f->env_prefixes && f->env_prefixes[i]; i++) {
		size_t n = strlen(f->env_prefixes[i]);

		if (len >= n && strncmp(name, f->env_prefixes[i], n) == 0)
			return true;
	}
	return false;
}
