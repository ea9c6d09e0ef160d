/* pptext: the launcher's check of a preprocessor's output (see .h). */
#include "pptext.h"

#include "buf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const words[] = {"include", "incbin", ".macro", ".irp"};

/* Does [p, end) hold one of words, in any case? */
static bool names_one(const char *p, const char *end)
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

/* A line marker (# 12 "/usr/include/x.h") names a file the preprocessor
 * read, not one the assembler will: the line at p, when it is one, ends at
 * the returned character; else p. */
static const char *past_marker(const char *p, const char *end)
{
	const char *q = p, *nl;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (!(q + 2 < end && q[0] == '#' && q[1] == ' ' && isdigit((unsigned char)q[2])))
		return p;
	nl = memchr(q, '\n', (size_t)(end - q));
	return nl ? nl : end;
}

/* An assembler source: its directives are bare words. */
static bool asm_text_names_one(const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;

		if (past_marker(p, stop) == p && names_one(p, stop))
			return true;
		p = stop + 1;
	}
	return false;
}

static int hex_value(char c)
{
	return isdigit((unsigned char)c)    ? c - '0'
	       : isxdigit((unsigned char)c) ? (c | 0x20) - 'a' + 10
	                                    : -1;
}

/* The string literal after its opening quote at p, its escapes decoded
 * (\x69 is an i), appended to out; the character past its closing quote
 * (a literal the line ends ends there), or NULL out of memory. */
static const char *literal(const char *p, const char *end, struct buf *out)
{
	while (p < end && *p != '"' && *p != '\n') {
		char c = *p++;

		if (c == '\\' && p < end) {
			c = *p++;
			if (c == 'x') {
				int v = 0;

				while (p < end && hex_value(*p) >= 0)
					v = (v * 16 + hex_value(*p++)) & 0xff;
				c = (char)v;
			} else if (c >= '0' && c <= '7') {
				int v = c - '0';

				for (int k = 0; k < 2 && p < end && *p >= '0' && *p <= '7'; k++)
					v = v * 8 + (*p++ - '0');
				c = (char)v;
			}
		}
		if (buf_append(out, &c, 1) < 0)
			return NULL;
	}
	return p < end && *p == '"' ? p + 1 : p;
}

/*
 * C text: an assembler reads what asm() statements say, in string literals,
 * and adjacent literals (".in" "clude") are joined after -E, by the
 * compiler: they are joined here too. Comments (-C) and character literals
 * are skipped; a raw string (R"x(...)x") counts as a yes.
 */
static bool c_text_names_one(const char *p, const char *end)
{
	struct buf joined = BUF_INIT;
	const char *start = p;
	bool found = false;

	while (p < end && !found) {
		const char *q;

		if (p == start || p[-1] == '\n') {
			q = past_marker(p, end);
			if (q != p) {
				p = q;
				continue;
			}
		}
		if (*p == '"') {
			if (p > start && p[-1] == 'R')
				found = true;
			p = literal(p + 1, end, &joined);
			if (!p) {
				found = true;
				break;
			}
		} else if (*p == '\'') {
			for (p++; p < end && *p != '\'' && *p != '\n'; p++)
				if (*p == '\\')
					p++;
			p++;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			q = memmem(p + 2, (size_t)(end - p - 2), "*/", 2);
			p = q ? q + 2 : end;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '/') {
			q = memchr(p, '\n', (size_t)(end - p));
			p = q ? q : end;
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else {
			/* Any other token ends a run of adjacent literals. */
			found = names_one((const char *)joined.data,
			                  (const char *)joined.data + joined.len);
			buf_reset(&joined);
			p++;
		}
	}
	found = found ||
	        names_one((const char *)joined.data, (const char *)joined.data + joined.len);
	buf_free(&joined);
	return found;
}

bool pptext_may_include(const char *p, size_t n, bool asm_source)
{
	return asm_source ? asm_text_names_one(p, p + n) : c_text_names_one(p, p + n);
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
