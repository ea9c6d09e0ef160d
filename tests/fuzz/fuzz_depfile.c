/*
 * fuzz_depfile: depfile_parse() on any text, then the promises around it:
 * rendering what was parsed and parsing that again gives the same rule (the
 * cache stores the parse and renders it on every hit), rendering it again
 * gives the same bytes, and -MMD filtering keeps the source. The first
 * input byte picks the style and -MP; the rest is the depfile.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "depfile.h"
#include "fuzz.h"

static bool is_duplicate(const struct depfile *d, size_t i)
{
	for (size_t j = 0; j < d->n_prereqs; j++)
		if (j != i && strcmp(d->prereqs[i], d->prereqs[j]) == 0)
			return true;
	return false;
}

/*
 * Names make's syntax cannot carry, so that no compiler's depfile round
 * trips them either: one ending in a backslash (it would escape the
 * separator), one ending in '\r' (it joins the newline), a target ending
 * in ':' (make quoting leaves colons alone), for gcc one
 * starting with "./" (gcc drops it) and for clang a tab in a prerequisite
 * (clang does not escape it).
 */
static bool name_representable(const char *s, enum depfile_style style, bool prereq)
{
	size_t n = strlen(s);

	if (n == 0 || s[n - 1] == '\\' || s[n - 1] == '\r')
		return false;
	/* A target's final ':' followed by the separator would end the targets. */
	if (!prereq && s[n - 1] == ':')
		return false;
	if (style == DEPFILE_STYLE_GCC && s[0] == '.' && s[1] == '/')
		return false;
	if (style == DEPFILE_STYLE_CLANG && prereq && strchr(s, '\t'))
		return false;
	return true;
}

static bool representable(const struct depfile *d, enum depfile_style style)
{
	/* gcc writes nothing at all for a rule without prerequisites. */
	if (d->n_targets == 0 || (style == DEPFILE_STYLE_GCC && d->n_prereqs == 0))
		return false;
	for (size_t i = 0; i < d->n_targets; i++)
		if (!name_representable(d->targets[i], style, false))
			return false;
	for (size_t i = 0; i < d->n_prereqs; i++)
		if (!name_representable(d->prereqs[i], style, true))
			return false;
	return true;
}

static void check_round_trip(const struct depfile *d1, const struct depfile_render_opts *o,
                             const struct buf *text)
{
	struct depfile d2;
	struct buf again = BUF_INIT;

	FUZZ_CHECK(depfile_parse((const char *)text->data, text->len, &d2) == 0);
	FUZZ_CHECK(fuzz_strv_equal(d1->targets, d1->n_targets, d2.targets, d2.n_targets));
	FUZZ_CHECK(fuzz_strv_equal(d1->prereqs, d1->n_prereqs, d2.prereqs, d2.n_prereqs));
	FUZZ_CHECK(d2.phony == (o->phony && d1->n_prereqs > 1));
	if (d2.phony && !is_duplicate(d1, d1->source_index))
		FUZZ_CHECK(d2.source_index ==
		           (o->style == DEPFILE_STYLE_CLANG ? d1->source_index : 0));
	if (d2.source_index == d1->source_index) {
		FUZZ_CHECK(depfile_render(&d2, o, &again) == 0);
		FUZZ_CHECK(again.len == text->len &&
		           memcmp(again.data, text->data, text->len) == 0);
	}
	buf_free(&again);
	depfile_free(&d2);
}

/* -MMD filtering on a typical search path never drops the source. */
static void check_filter(struct depfile *d)
{
	static const char *const sys[] = {"/usr/include",
	                                  "/usr/lib/gcc/x86_64-linux-gnu/12/include", "sys/"};
	static const char *const user[] = {"inc", ".", "/usr/include/proj"};
	static const char *const forced[] = {"./forced.h"};
	const struct depfile_search s = {sys, 3, user, 3, forced, 1, NULL};
	char *source = d->n_prereqs ? strdup(d->prereqs[d->source_index]) : NULL;
	size_t before = d->n_prereqs;

	FUZZ_CHECK(depfile_filter_system(d, &s) == 0);
	FUZZ_CHECK(d->n_prereqs <= before);
	if (source) {
		FUZZ_CHECK(d->source_index < d->n_prereqs);
		FUZZ_CHECK(strcmp(d->prereqs[d->source_index], source) == 0);
	}
	free(source);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct depfile d;
	struct buf out = BUF_INIT;
	struct depfile_render_opts o = {0};
	bool quoted[8];
	int r;

	if (size == 0)
		return 0;
	o.style = data[0] & 1 ? DEPFILE_STYLE_CLANG : DEPFILE_STYLE_GCC;
	o.phony = data[0] & 2;
	for (size_t i = 0; i < 8; i++)
		quoted[i] = data[0] & (1u << i);

	r = depfile_parse((const char *)data + 1, size - 1, &d);
	FUZZ_CHECK(r == 0 || r == -EBADMSG);
	if (r < 0)
		return 0;
	FUZZ_CHECK(d.n_prereqs ? d.source_index < d.n_prereqs : d.source_index == 0);
	for (size_t i = 0; i < d.n_targets; i++)
		FUZZ_CHECK(d.targets[i][0] && !strchr(d.targets[i], '\n'));
	for (size_t i = 0; i < d.n_prereqs; i++)
		FUZZ_CHECK(d.prereqs[i][0] && !strchr(d.prereqs[i], '\n'));

	/* As stored: the parsed targets. */
	FUZZ_CHECK(depfile_render(&d, &o, &out) == 0);
	if (representable(&d, o.style))
		check_round_trip(&d, &o, &out);

	/* As a hit renders it for other -MT/-MQ flags: must not crash. */
	out.len = 0;
	o.targets = (const char *const *)d.targets;
	o.n_targets = d.n_targets < 8 ? d.n_targets : 8;
	o.target_quoted = quoted;
	FUZZ_CHECK(depfile_render(&d, &o, &out) == 0);

	check_filter(&d);
	buf_free(&out);
	depfile_free(&d);
	return 0;
}
