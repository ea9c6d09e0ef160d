/* pptext: the launcher's check of a preprocessor's output (see .h). */
#include "pptext.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
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

/* The quoted name at q (after its opening quote), unescaped into name
 * (PATH_MAX + 1 bytes), *after past its closing quote. 1; 0 when it is
 * not closed on the line; -ENAMETOOLONG. */
static int marker_name(const char *q, const char *stop, char *name, const char **after)
{
	size_t len = 0;

	for (; q < stop && *q != '"'; q++) {
		if (*q == '\\' && q + 1 < stop)
			q++;
		if (len == PATH_MAX)
			return -ENAMETOOLONG;
		name[len++] = *q;
	}
	name[len] = '\0';
	*after = q + 1;
	return q < stop;
}

/* Does the rest of a marker's line, its flags, hold flag 1? */
static bool flags_enter(const char *q, const char *stop)
{
	while (q < stop) {
		char *next;
		long flag = strtol(q, &next, 10);

		if (next == q)
			return false;
		if (flag == 1)
			return true;
		q = next;
		while (q < stop && *q == ' ')
			q++;
	}
	return false;
}

int pptext_entered(const char *p, size_t n, void (*fn)(void *ctx, const char *name), void *ctx)
{
	const char *end = p + n;
	char *name = malloc(PATH_MAX + 1);
	int r = 0;

	if (!name)
		return -ENOMEM;
	while (p < end && r >= 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end, *q = p + 2, *after;

		r = 0;
		if (q < stop && p[0] == '#' && p[1] == ' ' && isdigit((unsigned char)*q)) {
			while (q < stop && isdigit((unsigned char)*q))
				q++;
			if (stop - q >= 3 && q[0] == ' ' && q[1] == '"')
				r = marker_name(q + 2, stop, name, &after);
		}
		if (r > 0 && flags_enter(after, stop))
			fn(ctx, name);
		p = stop + 1;
	}
	free(name);
	return r < 0 ? r : 0;
}
