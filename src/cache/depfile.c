/*
 * depfile: parse the make rules gcc and clang write for -MD/-MMD, and write
 * them back byte for byte as each compiler would for another command line.
 * The format rules were measured on gcc 12.2 and clang 14.0.6.
 */
#include "depfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "strv.h"

/*
 * Measured: gcc starts a new line when a name would end past column 72,
 * clang when a name and a trailing " \" would end past column 75.
 */
#define GCC_COLMAX   72
#define CLANG_COLMAX 75

/*
 * A set of borrowed strings, so that recognising -MP rules and merging
 * rules stays linear on depfiles with thousands of headers.
 */
struct strset {
	const char **slots;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static const char *strset_get(const struct strset *set, const char *s)
{
	if (!set->cap)
		return NULL;
	for (size_t i = str_hash(s) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
		if (!set->slots[i])
			return NULL;
		if (strcmp(set->slots[i], s) == 0)
			return set->slots[i];
	}
}

static int strset_add(struct strset *set, const char *s)
{
	size_t i;

	if (strset_get(set, s))
		return 0;
	if ((set->n + 1) * 2 > set->cap) {
		struct strset bigger = {NULL, set->cap ? set->cap * 2 : 64, 0};

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots)
			return -ENOMEM;
		for (i = 0; i < set->cap; i++)
			if (set->slots[i])
				strset_add(&bigger, set->slots[i]); /* cannot grow again */
		free(set->slots);
		*set = bigger;
	}
	for (i = str_hash(s) & (set->cap - 1); set->slots[i]; i = (i + 1) & (set->cap - 1))
		;
	set->slots[i] = s;
	set->n++;
	return 0;
}

static void strset_free(struct strset *set)
{
	free(set->slots);
	set->slots = NULL;
	set->cap = set->n = 0;
}

/* ---- parsing ---- */

enum token { TOK_WORD, TOK_COLON, TOK_EOL, TOK_EOF };

struct lexer {
	const char *p;
	const char *end;
	struct buf word;
};

static bool at_newline(const struct lexer *lx, const char *q)
{
	return q < lx->end && (*q == '\n' || (*q == '\r' && q + 1 < lx->end && q[1] == '\n'));
}

static bool at_continuation(const struct lexer *lx, const char *q)
{
	return q < lx->end && *q == '\\' && at_newline(lx, q + 1);
}

/*
 * The colon that ends the targets is followed by blank space or the end of
 * the line: the compilers always write ": " or ":\n". Any other colon is
 * part of a name (a -MQ target "a:b", a drive letter "C:/").
 */
static bool colon_ends_targets(const struct lexer *lx, const char *q)
{
	const char *n = q + 1;

	return n == lx->end || *n == ' ' || *n == '\t' || at_newline(lx, n) ||
	       at_continuation(lx, n);
}

/* A byte lex_word copies as it is, wherever it stands. */
static bool plain_byte(char c)
{
	return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ':' && c != '$' &&
	       c != '\\' && c != '\0';
}

static int word_put(struct lexer *lx, char c, size_t count)
{
	int r;

	while (count--) {
		r = buf_append(&lx->word, &c, 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Unescape one name. Both compilers escape a space as a backslash after
 * doubling the backslashes before it, '$' as "$$" and '#' as "\#" (without
 * doubling); every other backslash is literal.
 */
static int lex_word(struct lexer *lx, bool in_targets)
{
	int r = 0;

	lx->word.len = 0;
	while (lx->p < lx->end && r == 0) {
		char c = *lx->p;

		if (c == ' ' || c == '\t' || at_newline(lx, lx->p))
			break;
		if (c == ':' && in_targets && colon_ends_targets(lx, lx->p))
			break;
		if (c == '\0')
			return -EBADMSG;
		if (c == '$') {
			/* A lone '$' would be a make variable; keep it literal. */
			r = word_put(lx, '$', 1);
			lx->p += lx->p + 1 < lx->end && lx->p[1] == '$' ? 2 : 1;
		} else if (c == '\\') {
			const char *q = lx->p;
			size_t k;

			while (q < lx->end && *q == '\\')
				q++;
			k = (size_t)(q - lx->p);
			if (q == lx->end)
				return -EBADMSG; /* a continuation cut off: truncated */
			if (*q == ' ' || *q == '\t') {
				if (k % 2 == 0) {
					/* the name ends in k backslashes */
					r = word_put(lx, '\\', k);
					lx->p = q;
					break;
				}
				r = word_put(lx, '\\', k / 2);
				if (r == 0)
					r = word_put(lx, *q, 1);
				lx->p = q + 1;
			} else if (*q == '#') {
				r = word_put(lx, '\\', k - 1);
				if (r == 0)
					r = word_put(lx, '#', 1);
				lx->p = q + 1;
			} else if (at_newline(lx, q)) {
				/* the last backslash continues the line */
				r = word_put(lx, '\\', k - 1);
				lx->p = q - 1;
				break;
			} else {
				r = word_put(lx, '\\', k);
				lx->p = q;
			}
		} else {
			/* This byte and the ordinary ones after it in one append:
			 * most of every name. */
			const char *q = lx->p + 1;

			while (q < lx->end && plain_byte(*q))
				q++;
			r = buf_append(&lx->word, lx->p, (size_t)(q - lx->p));
			lx->p = q;
		}
	}
	if (r == 0)
		r = buf_terminate(&lx->word);
	return r;
}

/*
 * A '#' starts a comment only where a line starts: the compilers escape it
 * in names but write -MT targets as given, so "a#b: x.c" is one target.
 */
static int lex_next(struct lexer *lx, bool in_targets, bool line_start, enum token *tok)
{
	for (;;) {
		if (lx->p == lx->end) {
			*tok = TOK_EOF;
			return 0;
		}
		if (*lx->p == ' ' || *lx->p == '\t') {
			lx->p++;
		} else if (at_continuation(lx, lx->p)) {
			lx->p += lx->p[1] == '\r' ? 3 : 2;
		} else if (at_newline(lx, lx->p)) {
			lx->p += *lx->p == '\r' ? 2 : 1;
			*tok = TOK_EOL;
			return 0;
		} else if (*lx->p == '#' && line_start) {
			/* Like make, a comment goes on past backslash-newline. */
			while (lx->p < lx->end && !at_newline(lx, lx->p))
				lx->p +=
				        at_continuation(lx, lx->p) ? (lx->p[1] == '\r' ? 3 : 2) : 1;
		} else if (*lx->p == ':' && in_targets && colon_ends_targets(lx, lx->p)) {
			lx->p++;
			*tok = TOK_COLON;
			return 0;
		} else {
			*tok = TOK_WORD;
			return lex_word(lx, in_targets);
		}
	}
}

struct parse_state {
	struct strv targets;
	struct strv prereqs;
	struct strset prereq_set; /* over prereqs, once a second rule is seen */
	struct strset phony_set;  /* prereqs that have a -MP rule */
	bool have_rule;
	bool set_built;
	bool phony;
};

static bool strv_has(const struct strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return true;
	return false;
}

static int build_prereq_set(struct parse_state *st)
{
	int r;

	if (st->set_built)
		return 0;
	for (size_t i = 0; i < st->prereqs.n; i++) {
		r = strset_add(&st->prereq_set, st->prereqs.v[i]);
		if (r < 0)
			return r;
	}
	st->set_built = true;
	return 0;
}

/*
 * Fold one rule into the result. The first rule is the compilation's. A
 * later rule without prerequisites that names only known prereqs is a -MP
 * phony rule. Anything else (several outputs each with a rule, as rustc
 * writes) is merged in, without repeating names.
 */
static int add_rule(struct parse_state *st, struct strv *targets, struct strv *prereqs)
{
	size_t i;
	int r;

	if (!st->have_rule) {
		st->targets = *targets;
		st->prereqs = *prereqs;
		*targets = (struct strv){0};
		*prereqs = (struct strv){0};
		st->have_rule = true;
		return 0;
	}
	r = build_prereq_set(st);
	if (r < 0)
		return r;
	if (prereqs->n == 0) {
		for (i = 0; i < targets->n; i++)
			if (!strset_get(&st->prereq_set, targets->v[i]))
				break;
		if (i == targets->n) {
			for (i = 0; i < targets->n; i++) {
				r = strset_add(&st->phony_set,
				               strset_get(&st->prereq_set, targets->v[i]));
				if (r < 0)
					return r;
			}
			st->phony = true;
			return 0;
		}
	}
	for (i = 0; i < targets->n; i++) {
		if (strv_has(&st->targets, targets->v[i]))
			continue;
		r = strv_push_owned(&st->targets, targets->v[i]);
		targets->v[i] = NULL;
		if (r < 0)
			return r;
	}
	for (i = 0; i < prereqs->n; i++) {
		char *name = prereqs->v[i];

		if (strset_get(&st->prereq_set, name))
			continue;
		prereqs->v[i] = NULL;
		r = strv_push_owned(&st->prereqs, name);
		if (r == 0)
			r = strset_add(&st->prereq_set, name);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_rules(struct lexer *lx, struct parse_state *st)
{
	struct strv targets = {0}, prereqs = {0};
	bool in_targets = true;
	enum token tok;
	int r;

	for (;;) {
		r = lex_next(lx, in_targets, in_targets && targets.n == 0, &tok);
		if (r < 0)
			break;
		if (tok == TOK_WORD) {
			r = strv_push(in_targets ? &targets : &prereqs, (char *)lx->word.data);
			if (r < 0)
				break;
		} else if (tok == TOK_COLON) {
			if (targets.n == 0) {
				r = -EBADMSG;
				break;
			}
			in_targets = false;
		} else {
			if (in_targets && targets.n) {
				r = -EBADMSG; /* words but no colon */
				break;
			}
			if (!in_targets) {
				r = add_rule(st, &targets, &prereqs);
				if (r < 0)
					break;
			}
			strv_free(&targets);
			strv_free(&prereqs);
			in_targets = true;
			if (tok == TOK_EOF)
				break;
		}
	}
	strv_free(&targets);
	strv_free(&prereqs);
	return r;
}

int depfile_parse(const char *text, size_t len, struct depfile *out)
{
	struct lexer lx = {text, text + len, BUF_INIT};
	struct parse_state st = {0};
	int r;

	memset(out, 0, sizeof(*out));
	r = parse_rules(&lx, &st);
	buf_free(&lx.word);
	if (r == 0 && st.phony) {
		/* The one prereq -MP left without a rule is the source. */
		for (size_t i = 0; i < st.prereqs.n; i++) {
			if (!strset_get(&st.phony_set, st.prereqs.v[i])) {
				out->source_index = i;
				break;
			}
		}
	}
	strset_free(&st.prereq_set);
	strset_free(&st.phony_set);
	if (r < 0) {
		strv_free(&st.targets);
		strv_free(&st.prereqs);
		return r;
	}
	out->targets = st.targets.v;
	out->n_targets = st.targets.n;
	out->prereqs = st.prereqs.v;
	out->n_prereqs = st.prereqs.n;
	out->phony = st.phony;
	return 0;
}

int depfile_read(const char *path, struct depfile *out)
{
	struct buf b = BUF_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	/* The path comes from a request: only a regular file is a depfile. */
	r = read_regular_file(path, 0, &b);
	if (r == 0)
		r = depfile_parse((const char *)b.data, b.len, out);
	buf_free(&b);
	return r;
}

void depfile_free(struct depfile *d)
{
	for (size_t i = 0; i < d->n_targets; i++)
		free(d->targets[i]);
	for (size_t i = 0; i < d->n_prereqs; i++)
		free(d->prereqs[i]);
	free(d->targets);
	free(d->prereqs);
	memset(d, 0, sizeof(*d));
}

/* ---- rendering ---- */

/*
 * Make-quote a name the way gcc's munge() and clang's QuoteTarget() do: a
 * space (and a tab, except in clang's prerequisites) gets a backslash after
 * the backslashes before it are doubled; '$' doubles; '#' gets a backslash.
 */
static int make_quote(struct buf *b, const char *s, bool tab)
{
	size_t bs = 0; /* backslashes just before this character */
	int r = 0;

	for (; *s && r == 0; s++) {
		/* Bytes that need nothing go in one append: a warm hit renders
		 * every header's name. */
		size_t run = strcspn(s, tab ? " \t$#\\" : " $#\\");

		if (run > 0) {
			r = buf_append(b, s, run);
			s += run - 1;
			bs = 0;
			continue;
		}
		if (*s == ' ' || (tab && *s == '\t')) {
			for (size_t i = 0; i <= bs && r == 0; i++)
				r = buf_append(b, "\\", 1);
		} else if (*s == '$') {
			r = buf_append(b, "$", 1);
		} else if (*s == '#') {
			r = buf_append(b, "\\", 1);
		}
		bs = *s == '\\' ? bs + 1 : 0;
		if (r == 0)
			r = buf_append(b, s, 1);
	}
	return r;
}

static int put_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/*
 * gcc's make_write_name(): before every name but the line's first, a space,
 * or " \" newline space when the name would end past column 72. The column
 * counts escaped bytes.
 */
static int gcc_put_name(struct buf *out, struct buf *tmp, const char *name, bool quote, size_t *col)
{
	int r;

	/* gcc's apply_vpath() drops a leading "./" (and the slashes after it)
	 * from every target and prerequisite, -MT ones included. */
	while (name[0] == '.' && name[1] == '/') {
		name += 2;
		while (*name == '/')
			name++;
	}
	tmp->len = 0;
	r = quote ? make_quote(tmp, name, true) : put_str(tmp, name);
	if (r < 0)
		return r;
	if (*col) {
		if (*col + tmp->len > GCC_COLMAX) {
			r = put_str(out, " \\\n");
			*col = 0;
		}
		(*col)++;
		if (r == 0)
			r = put_str(out, " ");
	}
	*col += tmp->len;
	return r < 0 ? r : buf_append(out, tmp->data, tmp->len);
}

/*
 * gcc keeps -MQ targets (and the default one) after the -MT ones: each -MT
 * takes the slot of the first quoted target, which moves to the end. The
 * driver also hands cc1 every -MQ before any -MT. So "-MQ a -MQ b -MT c"
 * comes out "c b a".
 */
static int gcc_order_targets(const struct depfile_render_opts *o, const char ***names,
                             size_t *n_unquoted)
{
	const char **v = malloc((o->n_targets + 1) * sizeof(*v));
	size_t n = 0, lwm = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < o->n_targets; i++)
		if (!o->target_quoted || o->target_quoted[i])
			v[n++] = o->targets[i];
	for (size_t i = 0; i < o->n_targets; i++) {
		if (o->target_quoted && !o->target_quoted[i]) {
			const char *t = o->targets[i];

			if (lwm != n) {
				const char *lowest = v[lwm];

				v[lwm] = t;
				t = lowest;
			}
			lwm++;
			v[n++] = t;
		}
	}
	*names = v;
	*n_unquoted = lwm;
	return 0;
}

static int render_gcc(const struct depfile *d, const struct depfile_render_opts *o, struct buf *out,
                      struct buf *tmp)
{
	const char **names = NULL;
	size_t n_unquoted = 0, n_names, col = 0;
	int r = 0;

	/* gcc writes an empty file, not "t:", when nothing was read (stdin). */
	if (d->n_prereqs == 0)
		return 0;
	if (o->n_targets) {
		r = gcc_order_targets(o, &names, &n_unquoted);
		if (r < 0)
			return r;
		n_names = o->n_targets;
	} else {
		names = (const char **)d->targets;
		n_names = d->n_targets;
	}
	for (size_t i = 0; i < n_names && r == 0; i++)
		r = gcc_put_name(out, tmp, names[i], i >= n_unquoted, &col);
	if (o->n_targets)
		free(names);
	if (r == 0)
		r = put_str(out, ":");
	col++;
	for (size_t i = 0; i < d->n_prereqs && r == 0; i++)
		r = gcc_put_name(out, tmp, d->prereqs[i], true, &col);
	if (r == 0)
		r = put_str(out, "\n");
	/* -MP: every prereq but the main file, one "name:" line each. */
	for (size_t i = 1; o->phony && i < d->n_prereqs && r == 0; i++) {
		col = 0;
		r = gcc_put_name(out, tmp, d->prereqs[i], true, &col);
		if (r == 0)
			r = put_str(out, ":\n");
	}
	return r;
}

/*
 * clang's DependencyFileGenerator::outputDependencyFile(): targets wrap
 * with " \" newline and two spaces once a target (as quoted) would pass
 * column 75 counting a following space; prerequisites wrap with " \"
 * newline and a space, before their own space, when the unescaped length
 * plus 3 would pass 75. Tabs in prerequisites are not escaped.
 */
static int render_clang(const struct depfile *d, const struct depfile_render_opts *o,
                        struct buf *out, struct buf *tmp)
{
	size_t n_names = o->n_targets ? o->n_targets : d->n_targets;
	size_t col = 0;
	int r = 0;

	for (size_t i = 0; i < n_names && r == 0; i++) {
		const char *t = o->n_targets ? o->targets[i] : d->targets[i];
		bool quote = !o->n_targets || !o->target_quoted || o->target_quoted[i];

		tmp->len = 0;
		r = quote ? make_quote(tmp, t, true) : put_str(tmp, t);
		if (r < 0)
			break;
		if (col == 0) {
			col = tmp->len;
		} else if (col + tmp->len + 2 > CLANG_COLMAX) {
			col = tmp->len + 2;
			r = put_str(out, " \\\n  ");
		} else {
			col += tmp->len + 1;
			r = put_str(out, " ");
		}
		if (r == 0)
			r = buf_append(out, tmp->data, tmp->len);
	}
	if (r == 0)
		r = put_str(out, ":");
	col++;
	for (size_t i = 0; i < d->n_prereqs && r == 0; i++) {
		size_t len = strlen(d->prereqs[i]);

		if (col + len + 1 + 2 > CLANG_COLMAX) {
			r = put_str(out, " \\\n ");
			col = 2;
		}
		if (r == 0)
			r = put_str(out, " ");
		if (r == 0)
			r = make_quote(out, d->prereqs[i], false);
		col += len + 1;
	}
	if (r == 0)
		r = put_str(out, "\n");
	/* -MP: a blank line, then "name:", for each prereq but the source. */
	for (size_t i = 0; o->phony && i < d->n_prereqs && r == 0; i++) {
		if (i == d->source_index)
			continue;
		r = put_str(out, "\n");
		if (r == 0)
			r = make_quote(out, d->prereqs[i], false);
		if (r == 0)
			r = put_str(out, ":\n");
	}
	return r;
}

int depfile_render(const struct depfile *deps, const struct depfile_render_opts *o, struct buf *out)
{
	struct buf tmp = BUF_INIT;
	size_t start = out->len;
	int r;

	if (o->style == DEPFILE_STYLE_CLANG)
		r = render_clang(deps, o, out, &tmp);
	else
		r = render_gcc(deps, o, out, &tmp);
	buf_free(&tmp);
	if (r < 0)
		out->len = start; /* no half-written depfile */
	return r;
}

/* ---- -MMD ---- */

/*
 * How the compilers decide, as measured: a header is a system header when
 * the search that found it stopped in a system directory (built-in,
 * -isystem, -idirafter; a directory given both as -I and -isystem is a
 * system one), or when the file or line that included it is in a system
 * header (a "" include next to a system header, anything included from one,
 * anything after "#pragma GCC system_header"). The spelling does not
 * matter: "/usr/include/x.h" included by absolute path, "inc/../sys/x.h"
 * reached through a -I directory, or an -include file found from the cwd
 * all stay in -MMD output. gcc 12 and clang 14 agree on all of this.
 *
 * A flat -MD list has lost who included whom, so this applies the first
 * rule only, by spelling: the compiler writes a searched header as
 * "<dir as given>/<name>" (leading "./" and trailing '/' dropped), so the
 * longest directory that prefixes the name is the one it was found in. It
 * differs from the compiler for a user-directory header included from a
 * system header or after "#pragma GCC system_header" (kept here, dropped by
 * the compiler), for an #include by absolute or relative path whose
 * spelling starts with a system directory (dropped here, kept by it), and for
 * clang's own sanitizer ignorelist unless <resource-dir>/share is passed
 * as a system directory.
 */

/* Trim a directory to the compiler's spelling; returns its length. */
static size_t dir_spelling(const char **dir)
{
	const char *s = *dir;
	size_t len;

	for (;;) {
		if (s[0] == '.' && s[1] == '/') {
			s += 2;
			while (*s == '/')
				s++;
		} else if (s[0] == '.' && s[1] == '\0') {
			s++;
		} else {
			break;
		}
	}
	len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		len--;
	*dir = s;
	return len;
}

/*
 * Length of dir when it prefixes path as a directory, else -1. An empty dir
 * (the current one) prefixes every relative path.
 */
static long dir_match(const char *dir, const char *path)
{
	size_t len = dir_spelling(&dir);

	if (len == 0)
		return path[0] == '/' ? -1 : 0;
	if (len == 1 && dir[0] == '/')
		return path[0] == '/' ? 1 : -1;
	if (strncmp(path, dir, len) != 0 || path[len] != '/')
		return -1;
	return (long)len;
}

static long longest_match(const char *const *dirs, size_t n, const char *path)
{
	long best = -1, m;

	for (size_t i = 0; i < n; i++) {
		m = dir_match(dirs[i], path);
		if (m > best)
			best = m;
	}
	return best;
}

static bool is_system_header(const char *path, const struct depfile_search *s)
{
	long sys, user;

	for (size_t i = 0; i < s->n_forced; i++) {
		const char *f = s->forced[i];

		/* An -include file that exists from the cwd is written as given. */
		dir_spelling(&f);
		if (strcmp(f, path) == 0)
			return false;
	}
	sys = longest_match(s->system_dirs, s->n_system, path);
	user = longest_match(s->user_dirs, s->n_user, path);
	return sys >= 0 && sys >= user;
}

int depfile_filter_system(struct depfile *deps, const struct depfile_search *s)
{
	size_t kept = 0, source = deps->source_index;

	for (size_t i = 0; i < deps->n_prereqs; i++) {
		char *p = deps->prereqs[i];

		bool sys = s->verdict && s->verdict[i] >= 0 ? s->verdict[i] == 1
		                                            : is_system_header(p, s);

		if (i != source && sys) {
			free(p);
			continue;
		}
		if (i == source)
			deps->source_index = kept;
		deps->prereqs[kept++] = p;
	}
	deps->n_prereqs = kept;
	return 0;
}
