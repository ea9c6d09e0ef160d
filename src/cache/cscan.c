/*
 * cscan: a lexer just precise enough to tell code from comments and
 * literals, for the time-macro question (see cscan.h). Every construct
 * where a mistake could hide code inside what it takes for a comment or a
 * literal either is handled the way gcc handles it or answers "used".
 */
#include "cscan.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

enum state { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, CHAR, HEADER_NAME };

static int strip_comments(const char *p, size_t n, struct buf *out, unsigned *flags);
static const char *skip_blanks(const char *q, const char *end);
static bool word_at(const char *q, const char *end, const char *w);

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
static const char *const timestamp[] = {"__TIMESTAMP__"};
static const struct wanted timestamp_wanted = {timestamp, 1, true, false};

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

/* Could a wanted name start with c? (They need not share a first
 * character: "asm" and "__asm__".) */
static bool first_of_a_name(const struct wanted *w, char c)
{
	for (size_t k = 0; k < w->n_names; k++)
		if (w->names[k][0] == c)
			return true;
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
			} else if (first_of_a_name(w, c) && names_wanted(w, p, i, n)) {
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
			if (w->in_literals && first_of_a_name(w, c) && names_wanted(w, p, i, n))
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

bool cscan_timestamp_in_code(const char *p, size_t n)
{
	return scan(p, n, &timestamp_wanted);
}

static const char *const asm_keywords[] = {"asm", "__asm", "__asm__"};
static const struct wanted asm_keywords_wanted = {asm_keywords, 3, true, false};

/* A string literal of the comment-free text ends with the start of a
 * directive: ".incbin" or ".include" cut between two literals. */
static bool literal_ends_with_directive_start(const char *t, size_t n)
{
	static const char *const directives[] = {".incbin", ".include"};

	for (size_t i = 0; i < n; i++) {
		size_t end;

		if (t[i] != '"' || (i > 0 && t[i - 1] == '\\'))
			continue;
		end = i;
		/* A lone "." that ends a literal followed by a macro's name:
		 * the directive's name may be the macro's expansion. */
		if (end >= 1 && t[end - 1] == '.' &&
		    (end < 2 || !(isalnum((unsigned char)t[end - 2]) || t[end - 2] == '_'))) {
			size_t j = end + 1;

			while (j < n &&
			       (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
				j++;
			if (j < n && (isalpha((unsigned char)t[j]) || t[j] == '_'))
				return true;
		}
		/* t[i] closes or opens a literal; look at the text before it. */
		for (size_t k = 0; k < 2; k++) {
			size_t dl = strlen(directives[k]);

			/* Two characters at least: a sentence's closing "." is
			 * everywhere (a three-piece ".", "in", "cbin" stays unseen). */
			for (size_t len = 2; len < dl && len <= end; len++)
				if (memcmp(t + end - len, directives[k], len) == 0 &&
				    (len == dl || t[end - len - 1] != '\\'))
					return true;
		}
	}
	return false;
}

/*
 * A string literal of the comment-free text that, its escapes decoded and
 * whatever the case, names .incbin or .include, or ends with the start of
 * one ("inc", "incb"...): the dot may come from elsewhere (\056, a
 * stringified macro) and the assembler does not care for case.
 */
/* The next character of a literal at t[*i] (a backslash escape decoded),
 * *i left on its last byte. */
static char literal_char(const char *t, size_t n, size_t *i)
{
	char c = t[*i];
	int v = 0;

	if (c != '\\' || *i + 1 >= n)
		return c;
	c = t[++*i];
	if (c >= '0' && c <= '7') {
		for (int k = 0; k < 3 && *i < n && t[*i] >= '0' && t[*i] <= '7'; k++)
			v = v * 8 + (t[(*i)++] - '0');
		--*i;
		return (char)v;
	}
	if (c != 'x')
		return c;
	while (*i + 1 < n && isxdigit((unsigned char)t[*i + 1])) {
		char h = (char)tolower((unsigned char)t[++*i]);

		v = v * 16 + (isdigit((unsigned char)h) ? h - '0' : h - 'a' + 10);
	}
	return (char)v;
}

static bool literal_names_directive(const char *t, size_t n)
{
	static const char *const words[] = {"incbin", "include"};

	for (size_t i = 0; i < n; i++) {
		char win[8] = {0}; /* the literal's last seven characters, lowercased */
		size_t len = 0;

		if (t[i] != '"')
			continue;
		for (i++; i < n && t[i] != '"' && t[i] != '\n'; i++) {
			memmove(win, win + 1, 6);
			win[6] = (char)tolower((unsigned char)literal_char(t, n, &i));
			len++;
			for (size_t k = 0; k < 2; k++)
				if (memcmp(win + 7 - strlen(words[k]), words[k],
				           strlen(words[k])) == 0)
					return true;
		}
		/* Ends with the start of one: "inc" "bin", or "incl" "ude". */
		for (size_t k = 0; k < 2; k++)
			for (size_t pl = 3; pl < strlen(words[k]) && pl <= len; pl++)
				if (memcmp(win + 7 - pl, words[k], pl) == 0)
					return true;
	}
	return false;
}

/* ---- include directives ------------------------------------------------- */

/*
 * Translation phases 2 and 3, just enough: line splices removed, every
 * comment made one space, literals kept. A raw string literal is not
 * followed (it may hide a comment opener): CSCAN_COMPUTED.
 */
static int strip_comments(const char *p, size_t n, struct buf *out, unsigned *flags)
{
	enum state s = CODE;
	char c;

	if (buf_reserve(out, n + 1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t sp = splice_len(p, i, n);

		if (sp) {
			i += sp - 1;
			continue;
		}
		c = p[i];
		switch (s) {
		case CODE:
			if (c == '/' && i + 1 < n && (p[i + 1] == '/' || p[i + 1] == '*')) {
				s = p[i + 1] == '/' ? LINE_COMMENT : BLOCK_COMMENT;
				out->data[out->len++] = ' ';
				i++;
				continue;
			}
			if (c == '"' && i > 0 && p[i - 1] == 'R')
				*flags |= CSCAN_COMPUTED;
			if (c == '"')
				s = STRING;
			else if (c == '\'' && !(i > 0 && ident_char((unsigned char)p[i - 1])))
				s = CHAR;
			break;
		case LINE_COMMENT:
			if (c != '\n')
				continue;
			s = CODE;
			break;
		case BLOCK_COMMENT:
			if (c == '*' && i + 1 < n && p[i + 1] == '/') {
				s = CODE;
				i++;
			}
			continue;
		case STRING:
		case CHAR:
			if (c == '\\' && i + 1 < n && p[i + 1] != '\n') {
				out->data[out->len++] = c;
				c = p[++i];
			} else if (c == (s == STRING ? '"' : '\'') || c == '\n') {
				s = CODE;
			}
			break;
		default:
			break;
		}
		out->data[out->len++] = c;
	}
	out->data[out->len] = '\0';
	return 0;
}

static const char *skip_blanks(const char *q, const char *end)
{
	while (q < end && blank(*q))
		q++;
	return q;
}

/* A header name at q ("x" or <x>) up to end: appended with its form. */
static int put_header_name(const char *q, const char *end, bool next, struct buf *out,
                           unsigned *flags)
{
	char close, form;
	const char *e;

	q = skip_blanks(q, end);
	if (q == end || (*q != '"' && *q != '<')) {
		*flags |= CSCAN_COMPUTED;
		return 0;
	}
	close = *q == '"' ? '"' : '>';
	form = *q == '"' ? (next ? CSCAN_NEXT_QUOTE : CSCAN_QUOTE)
	                 : (next ? CSCAN_NEXT_ANGLE : CSCAN_ANGLE);
	e = memchr(q + 1, close, (size_t)(end - q - 1));
	if (!e || e == q + 1) {
		*flags |= CSCAN_COMPUTED;
		return 0;
	}
	if (buf_append(out, &form, 1) < 0 || buf_append(out, q + 1, (size_t)(e - q - 1)) < 0 ||
	    buf_append(out, "", 1) < 0)
		return -ENOMEM;
	return 0;
}

static bool word_at(const char *q, const char *end, const char *w)
{
	size_t len = strlen(w);

	return (size_t)(end - q) >= len && memcmp(q, w, len) == 0 &&
	       ((size_t)(end - q) == len || !ident_char((unsigned char)q[len]));
}

/* A directive line (after the #): include-like directives and pragmas. */
static int scan_directive(const char *q, const char *end, struct buf *out, unsigned *flags)
{
	static const char *const names[] = {"include_next", "include", "import"};

	q = skip_blanks(q, end);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (!word_at(q, end, names[k]))
			continue;
		if (k == 2)
			*flags |= CSCAN_PRAGMA_ONCE; /* #import */
		return put_header_name(q + strlen(names[k]), end, k == 0, out, flags);
	}
	/* #line 12 "parse.y", or a line marker: # 12 "parse.y" 2 */
	if ((word_at(q, end, "line") || (q < end && isdigit((unsigned char)*q))) &&
	    memchr(q, '"', (size_t)(end - q)))
		*flags |= CSCAN_LINE_FILE;
	if (word_at(q, end, "line") && !memchr(q, '"', (size_t)(end - q))) {
		const char *v = skip_blanks(q + 4, end);

		while (v < end && isdigit((unsigned char)*v))
			v++;
		if (skip_blanks(v, end) < end)
			*flags |= CSCAN_LINE_FILE; /* #line 12 NAME: a macro's file name */
	}
	if (word_at(q, end, "pragma")) {
		const char *line = q;

		if (memmem(line, (size_t)(end - line), "pch_preprocess", 14))
			*flags |= CSCAN_PCH_PREPROCESS;

		if (memmem(line, (size_t)(end - line), "once", 4))
			*flags |= CSCAN_PRAGMA_ONCE;
		if (memmem(line, (size_t)(end - line), "dependency", 10))
			*flags |= CSCAN_PRAGMA_DEPENDENCY;
		if (memmem(line, (size_t)(end - line), "system_header", 13))
			*flags |= CSCAN_SYSTEM_HEADER;
	}
	return 0;
}

/* __has_include(...) and _Pragma("...") anywhere on a line. */
/* "#define __has_include(...) 0", a stand-in for compilers without it (libc++'s
 * __config): a definition, not a probe. */
static bool defines_has_include(const char *h, const char *eol)
{
	if (h >= eol || *h != '#')
		return false;
	h = skip_blanks(h + 1, eol);
	if (!word_at(h, eol, "define"))
		return false;
	h = skip_blanks(h + 6, eol);
	return word_at(h, eol, "__has_include") || word_at(h, eol, "__has_include_next");
}

static int scan_operators(const char *line, const char *end, struct buf *out, unsigned *flags)
{
	for (const char *q = line; q < end; q++) {
		bool next;
		size_t len;

		if (*q != '_' || (q > line && ident_char((unsigned char)q[-1])))
			continue;
		if (word_at(q, end, "_Pragma")) {
			*flags |= CSCAN_PRAGMA_OPERATOR;
			/* _Pragma("once"), as #pragma once */
			if (memmem(q, (size_t)(end - q), "once", 4))
				*flags |= CSCAN_PRAGMA_ONCE;
			if (memmem(q, (size_t)(end - q), "dependency", 10))
				*flags |= CSCAN_PRAGMA_DEPENDENCY;
			if (memmem(q, (size_t)(end - q), "system_header", 13))
				*flags |= CSCAN_SYSTEM_HEADER;
			if (memmem(q, (size_t)(end - q), "pch_preprocess", 14))
				*flags |= CSCAN_PCH_PREPROCESS;
			continue;
		}
		next = word_at(q, end, "__has_include_next");
		if (!next && !word_at(q, end, "__has_include"))
			continue;
		len = next ? strlen("__has_include_next") : strlen("__has_include");
		q = skip_blanks(q + len, end);
		if (q == end || *q != '(') {
			*flags |= CSCAN_COMPUTED; /* defined(__has_include) and the like */
			continue;
		}
		{
			const char *operand = skip_blanks(q + 1, end);

			if (operand == end || (*operand != '"' && *operand != '<'))
				*flags |= CSCAN_COMPUTED_PROBE;
		}
		if (put_header_name(q + 1, end, next, out, flags) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The word "dependency" at w, on the comment-free line starting at line,
 * could make a pragma: in code (a macro argument, a #define body), or in a
 * string literal after "GCC" (P("GCC dependency \"x\"") with P(s)
 * _Pragma(s)). Not in any other literal: "a missing dependency" is text,
 * and is everywhere.
 */
static bool pragma_word_at(const char *line, const char *w)
{
	const char *open = NULL;

	for (const char *c = line; c < w; c++) {
		if (*c == '\\' && open) {
			c++;
			continue;
		}
		if (*c == '"')
			open = open ? NULL : c;
	}
	if (!open)
		return true;
	while (w > open + 1 && (w[-1] == ' ' || w[-1] == '\t'))
		w--;
	return w - open - 1 >= 3 && memcmp(w - 3, "GCC", 3) == 0;
}

/* A CR not followed by a LF: a line end to gcc and clang. */
static bool has_lone_cr(const char *p, size_t n)
{
	for (const char *c = p; (c = memchr(c, '\r', n - (size_t)(c - p))); c++)
		if (c + 1 >= p + n || c[1] != '\n')
			return true;
	return false;
}

int cscan_includes(const char *p, size_t n, struct buf *out)
{
	struct buf text = BUF_INIT;
	unsigned flags = 0;
	const char *q, *end;
	int r;

	/* Trigraphs would move splices and quotes, and count only in some
	 * modes; a NUL is white space to the compiler and a lone CR ends a
	 * line: not followed, the includes are unknown. */
	if (memmem(p, n, "??", 2) || memchr(p, '\0', n) || has_lone_cr(p, n))
		flags |= CSCAN_COMPUTED;
	/* A UTF-8 byte order mark before the first line is not text. */
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	r = strip_comments(p, n, &text, &flags);
	/* text.data is set once strip_comments succeeds; saying so keeps
	 * gcc's -Wnonnull quiet under -fsanitize=undefined */
	if (r < 0 || !text.data) {
		buf_free(&text);
		return r < 0 ? r : (int)flags;
	}
	for (q = (const char *)text.data, end = q + text.len; r == 0 && q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q)), *eol = nl ? nl : end;
		const char *h = skip_blanks(q, eol);

		if (h < eol && *h == '#')
			r = scan_directive(h + 1, eol, out, &flags);
		else if (eol - h >= 2 && h[0] == '%' && h[1] == ':')
			r = scan_directive(h + 2, eol, out, &flags);
		if (r == 0 && memmem(q, (size_t)(eol - q), "_", 1) && !defines_has_include(h, eol))
			r = scan_operators(q, eol, out, &flags);
		for (const char *w = q; (w = memmem(w, (size_t)(eol - w), "dependency", 10)); w++)
			if ((w == q || !ident_char((unsigned char)w[-1])) &&
			    word_at(w, eol, "dependency") && pragma_word_at(q, w))
				flags |= CSCAN_DEPENDENCY_WORD;
		q = nl ? nl + 1 : end;
	}
	buf_free(&text);
	return r < 0 ? r : (int)flags;
}

/*
 * Could this ".inc" begin an assembler directive? Only .incbin and .include
 * start so, spelled whole or cut at ".inc" (string concatenation, macros):
 * not a longer name such as a member or a designator (s.incoming,
 * .increment = 1), which are everywhere in C.
 */
static bool directive_inc_at(const char *line, const char *at, const char *eol)
{
	const char *next = at + 4, *run = at;

	/* After a name (tables.inc, x.incbin): a file name or a member, no
	 * directive; but a name that is an escape's tail (\t.incbin,
	 * \x09.incbin) is a separator. */
	while (run > line && (isalnum((unsigned char)run[-1]) || run[-1] == '_'))
		run--;
	if (run < at && !(run > line && run[-1] == '\\'))
		return false;
	if (next >= eol || !(isalnum((unsigned char)*next) || *next == '_'))
		return true;
	return ((size_t)(eol - next) >= 3 && memcmp(next, "bin", 3) == 0) ||
	       ((size_t)(eol - next) >= 4 && memcmp(next, "lude", 4) == 0);
}

/* A ".inc" that may begin a directive anywhere in the comment-free text
 * but in the names of #include lines ("x.inc" files are common and
 * harmless). */
static bool inc_outside_include_lines(const char *t, size_t n)
{
	const char *q = t, *end = t + n;

	while (q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q)), *eol = nl ? nl : end;
		const char *h = skip_blanks(q, eol);
		bool include_line = false;

		if (h < eol && *h == '#') {
			h = skip_blanks(h + 1, eol);
			include_line = word_at(h, eol, "include") ||
			               word_at(h, eol, "include_next") || word_at(h, eol, "import");
		}
		for (const char *at = q; !include_line && at < eol;) {
			at = memmem(at, (size_t)(eol - at), ".inc", 4);
			if (!at)
				break;
			if (directive_inc_at(q, at, eol))
				return true;
			at += 4;
		}
		q = nl ? nl + 1 : end;
	}
	return false;
}

/* Blank, in place, the lines whose literals never reach the assembler:
 * #error, #warning, #include and the like (a #define body may). */
static void blank_message_lines(char *t, size_t n)
{
	static const char *const names[] = {"error",  "warning", "include", "include_next",
	                                    "import", "line",    "pragma",  "ident"};

	for (size_t i = 0; i < n;) {
		char *nl = memchr(t + i, '\n', n - i), *eol = nl ? nl : t + n;
		const char *h = skip_blanks(t + i, eol);

		if (h < eol && *h == '#') {
			h = skip_blanks(h + 1, eol);
			for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				if (word_at(h, eol, names[k])) {
					memset(t + i, ' ', (size_t)(eol - (t + i)));
					break;
				}
		}
		i = (size_t)(eol - t) + 1;
	}
}

bool cscan_asm_includes_maybe(const char *p, size_t n)
{
	struct buf text = BUF_INIT;
	unsigned flags = 0;
	bool maybe;

	if (!memmem(p, n, ".inc", 4) && !memmem(p, n, "asm", 3))
		return false;
	if (strip_comments(p, n, &text, &flags) < 0)
		return true;
	maybe = inc_outside_include_lines((const char *)text.data, text.len);
	blank_message_lines((char *)text.data, text.len);
	maybe = maybe || (scan(p, n, &asm_keywords_wanted) &&
	                  (literal_ends_with_directive_start((const char *)text.data, text.len) ||
	                   literal_names_directive((const char *)text.data, text.len)));
	buf_free(&text);
	return maybe;
}

/* ---- phases 1 and 2, and pasted names ---------------------------------- */

int cscan_normalize(const char *p, size_t n, struct buf *out)
{
	static const char tri_from[] = "=/'()!<>-", tri_to[] = "#\\^[]|{}~";

	if (buf_reserve(out, n + 1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		const char *t;

		if (c == '?' && i + 2 < n && p[i + 1] == '?' && (t = strchr(tri_from, p[i + 2])) &&
		    p[i + 2]) {
			c = tri_to[t - tri_from];
			i += 2;
		}
		if (c == '\\') {
			size_t j = i + 1;

			while (j < n && blank(p[j]))
				j++;
			if (j < n && p[j] == '\r')
				j++;
			if (j < n && p[j] == '\n') {
				i = j;
				continue;
			}
		}
		out->data[out->len++] = (uint8_t)c;
	}
	out->data[out->len] = '\0';
	return 0;
}

static bool is_time_piece(const char *tok, size_t len)
{
	static const char *const names[] = {"__DATE__", "__TIME__", "__TIMESTAMP__"};

	/*
	 * A name pasted from two pieces is a prefix and a suffix of it, one of
	 * at least four characters; shorter ones are everywhere: "__" in every
	 * glibc closure, "__T" in math.h, "__D" in gcc's intrinsics headers,
	 * each with a ## nearby; inner ones too ("_TIME" of START##_TIME).
	 * (Three pieces or more stay unseen.)
	 */
	if (len < 4)
		return false;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t nl = strlen(names[k]);

		for (size_t at = 0; len < nl && at + len <= nl; at++) {
			if (memcmp(names[k] + at, tok, len) != 0)
				continue;
			/* Two pieces are a prefix and a suffix of the name. */
			if (at == 0 || at + len == nl)
				return true;
		}
	}
	return false;
}

static unsigned paste_flags_of(const char *p, size_t n);

unsigned cscan_paste_flags(const char *p, size_t n)
{
	struct buf text = BUF_INIT;
	unsigned comments = 0, flags;

	/* Names in comments are never pasted. */
	if (strip_comments(p, n, &text, &comments) < 0)
		return CSCAN_PASTE | CSCAN_TIME_PIECE;
	flags = paste_flags_of((const char *)text.data, text.len);
	buf_free(&text);
	return flags;
}

static unsigned paste_flags_of(const char *p, size_t n)
{
	unsigned flags = 0;

	if (memmem(p, n, "##", 2) || memmem(p, n, "%:%:", 4))
		flags |= CSCAN_PASTE;
	for (size_t i = 0; i < n && !(flags & CSCAN_TIME_PIECE);) {
		size_t start = i;

		if (!ident_char((unsigned char)p[i]) || (p[i] >= '0' && p[i] <= '9')) {
			i++;
			continue;
		}
		while (i < n && ident_char((unsigned char)p[i]))
			i++;
		if (start > 0 && p[start - 1] >= '0' && p[start - 1] <= '9')
			continue; /* the tail of a number */
		if (is_time_piece(p + start, i - start))
			flags |= CSCAN_TIME_PIECE;
	}
	return flags;
}
