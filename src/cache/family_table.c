/*
 * family_table: the list of compiler families (family.h); a new family adds
 * its line here. The table stands alone in its file so that a program may
 * link a table of its own in its place, and no other symbol may join it.
 */
#include "family.h"

#include <stddef.h>

/* Each defined in its family's own file. */
extern const struct family family_gcc, family_clang, family_emcc, family_rustc;

const struct family *const families[] = {
        &family_gcc, &family_clang, &family_emcc, &family_rustc, NULL,
};
