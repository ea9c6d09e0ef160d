/* pptext: the launcher's check of a preprocessor's output (see .h). */
#include "pptext.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const words[] = {"include", "incbin", ".macro", ".irp"};

/* Does the line [p, end) hold one of words, in any case? */
static bool line_names_one(const char *p, const char *end)
{
	for (; p < end; p++) {
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			size_t len = strlen(words[w]);

			if ((size_t)(end - p) >= len && strncasecmp(p, words[w], len) == 0)
				return true;
		}
	}
	return false;
}

bool pptext_may_include(const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		const char *q = p;

		while (q < stop && (*q == ' ' || *q == '\t'))
			q++;
		/* A line marker (# 12 "/usr/include/x.h") names a file the
		 * preprocessor read, not one the assembler will. */
		if (!(q + 2 < stop && q[0] == '#' && q[1] == ' ' && isdigit((unsigned char)q[2])) &&
		    line_names_one(q, stop))
			return true;
		p = stop + 1;
	}
	return false;
}
