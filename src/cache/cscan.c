/*
 * cscan: a lexer just precise enough to tell code from comments and
 * literals, for the time-macro question (see cscan.h). Every construct
 * where a mistake could hide code inside what it takes for a comment or a
 * literal either is handled the way gcc handles it or answers "used".
 */
#include "cscan.h"

#include <string.h>

enum state { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, CHAR, HEADER_NAME };

/* What a scan looks for, and where. Every name starts with the same byte
 * (a cheap first test). */
struct wanted {
	const char *const *names;
	size_t n_names;
	bool whole_identifier; /* not part of a longer identifier */
	bool in_literals;      /* string and char literals count too */
};

static const char *const time_macros[] = {"__DATE__", "__TIME__", "__TIMESTAMP__"};
static const struct wanted time_macros_wanted = {time_macros, 3, true, false};

/* In asm("...") the directives sit in string literals, or in code that a
 * macro stringifies: only comments are skipped. */
static const char *const asm_includes[] = {".incbin", ".include"};
static const struct wanted asm_includes_wanted = {asm_includes, 2, false, true};

static bool ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Length of a line splice at p[i] (backslash, blanks, CR?, LF: gcc takes
 * blanks before the newline too), or 0. */
static size_t splice_len(const char *p, size_t i, size_t n)
{
	size_t j = i + 1;

	if (p[i] != '\\')
		return 0;
	while (j < n && blank(p[j]))
		j++;
	if (j < n && p[j] == '\r')
		j++;
	return j < n && p[j] == '\n' ? j + 1 - i : 0;
}

/* One of w's names starts at p[i]. */
static bool names_wanted(const struct wanted *w, const char *p, size_t i, size_t n)
{
	if (w->whole_identifier && i > 0 && ident_char((unsigned char)p[i - 1]))
		return false;
	for (size_t k = 0; k < w->n_names; k++) {
		size_t len = strlen(w->names[k]);

		if (n - i >= len && memcmp(p + i, w->names[k], len) == 0 &&
		    (!w->whole_identifier || n - i == len ||
		     !ident_char((unsigned char)p[i + len])))
			return true;
	}
	return false;
}

/* Text before p[i] (a '<') on its line ends an #include-like directive or
 * __has_include( : the '<' opens a header name, where // and quotes mean
 * nothing. */
static bool opens_header_name(const char *p, size_t line, size_t i)
{
	static const char *const directives[] = {"include_next", "include", "import"};
	static const char *const checks[] = {"__has_include_next(", "__has_include("};
	size_t j = line, end = i;

	while (end > line && blank(p[end - 1]))
		end--;
	for (size_t k = 0; k < sizeof(checks) / sizeof(checks[0]); k++) {
		size_t len = strlen(checks[k]);

		if (end - line >= len && memcmp(p + end - len, checks[k], len) == 0)
			return true;
	}
	while (j < end && blank(p[j]))
		j++;
	if (j == end || p[j] != '#')
		return false;
	j++;
	while (j < end && blank(p[j]))
		j++;
	for (size_t k = 0; k < sizeof(directives) / sizeof(directives[0]); k++) {
		size_t len = strlen(directives[k]);

		if (end - j == len && memcmp(p + j, directives[k], len) == 0)
			return true;
	}
	return false;
}

static bool scan(const char *p, size_t n, const struct wanted *w)
{
	enum state s = CODE;
	size_t line = 0; /* where the current line starts */

	for (size_t i = 0; i < n; i++) {
		char c = p[i], next = i + 1 < n ? p[i + 1] : '\0';
		size_t sp = splice_len(p, i, n);

		/* Trigraphs (-trigraphs, -std=c11): ??' is a caret, not a quote
		 * (which matters where a quote would open or close a literal);
		 * ??/ is a backslash, a splice before a newline and an escape in
		 * a literal. Not followed. */
		if (c == '?' && n - i >= 3 && p[i + 1] == '?' && p[i + 2] == '\'' &&
		    (s == CODE || s == CHAR))
			return true;
		if (c == '?' && n - i >= 3 && p[i + 1] == '?' && p[i + 2] == '/') {
			size_t j = i + 3;

			while (j < n && blank(p[j]))
				j++;
			if (s == STRING || s == CHAR || (j < n && (p[j] == '\n' || p[j] == '\r')))
				return true;
		}

		if (c == '\n')
			line = i + 1;
		switch (s) {
		case CODE:
			if (c == '/' && next == '/') {
				s = LINE_COMMENT;
				i++;
			} else if (c == '/' && next == '*') {
				s = BLOCK_COMMENT;
				i++;
			} else if (c == '/' && next == '\\') {
				return true; /* a splice might make // or slash-star */
			} else if (c == '"') {
				if (i > 0 && p[i - 1] == 'R')
					return true; /* raw string: )delim" is not followed */
				s = STRING;
			} else if (c == '\'') {
				if (i > 0 && ident_char((unsigned char)p[i - 1]))
					return true; /* 1'000 or L'x' */
				s = CHAR;
			} else if (c == '<' && opens_header_name(p, line, i)) {
				s = HEADER_NAME;
			} else if (c == w->names[0][0] && names_wanted(w, p, i, n)) {
				return true;
			}
			break;
		case LINE_COMMENT:
			if (sp) {
				i += sp - 1;
				line = i + 1;
			} else if (c == '\n') {
				s = CODE;
			}
			break;
		case BLOCK_COMMENT:
			if (c == '*' && next == '/') {
				s = CODE;
				i++;
			} else if (c == '*' && next == '\\') {
				return true; /* a splice might end the comment */
			}
			break;
		case STRING:
		case CHAR:
			if (w->in_literals && c == w->names[0][0] && names_wanted(w, p, i, n))
				return true;
			if (sp) {
				i += sp - 1;
				line = i + 1;
			} else if (c == '\\')
				i++;
			else if (c == (s == STRING ? '"' : '\''))
				s = CODE;
			else if (c == '\n')
				return true; /* unterminated: not a literal we understand */
			break;
		case HEADER_NAME:
			if (c == '>')
				s = CODE;
			else if (c == '\n')
				return true;
			break;
		}
	}
	return false;
}

bool cscan_time_macros_in_code(const char *p, size_t n)
{
	return scan(p, n, &time_macros_wanted);
}

bool cscan_asm_includes_outside_comments(const char *p, size_t n)
{
	return scan(p, n, &asm_includes_wanted);
}
