/* family: the table of compiler families (see family.h). */
#include "family.h"

#include <stddef.h>

/* Each defined in its family's own file. */
extern const struct family family_gcc, family_clang, family_emcc, family_rustc;

const struct family *const families[] = {
        &family_gcc, &family_clang, &family_emcc, &family_rustc, NULL,
};

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
