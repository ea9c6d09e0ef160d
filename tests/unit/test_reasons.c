/* reasons: every reason a compile is not cached, wherever src/ names it, is
 * a row of reasons.h's table, with a name fit for a stats counter and prose;
 * the classifier's enum is the table's first rows. */
#include <ftw.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "reasons.h"

/*
 * Where src/ hands out a reason by name. Group 1 is the reason, or, for a
 * pattern marked "expression", an expression whose every string literal is
 * one (skip = a ? "x" : "y";). "return" rows apply to cache.c only, whose
 * functions that return a string all return reasons.
 */
static const struct {
	const char *pattern;
	bool expression;
	const char *only_in; /* a file name suffix, or NULL for every file */
	bool none_today;     /* no use in src/ has this shape now; a new one is caught */
} uses[] = {
        {"set_run\\([^,;]*, \"([a-z_]+)\"\\)", false, NULL, true},
        {"[^a-z_.](skip|\\*why) = ([^;]*);", true, NULL, false},
        {"\"uncacheable\\.([a-z_]+)\"", false, NULL, true},
        {"run_reply\\(\"([a-z_]+)\"\\)", false, NULL, false},
        {"(explain_record|journal_compile)\\([^;]*\"uncacheable\", \"([a-z_]+)\"", false, NULL,
         true},
        {"proto_get_str\\([a-z]*, \"reason\"\\) \\?: \"\", \"([a-z_]+)\"\\)", false, NULL, false},
        {"return \"([a-z_]+)\";", false, "src/cache/cache.c", true},
};

struct scan {
	regex_t re[sizeof(uses) / sizeof(uses[0])];
	regex_t literal;
	size_t found;                                /* reason names seen */
	size_t hits[sizeof(uses) / sizeof(uses[0])]; /* matches of each use */
	char missing[4096];                          /* "file: name" of those without a row */
};

static struct scan scan;

static void note(struct scan *s, const char *where, const char *name, size_t len)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%.*s", (int)len, name);
	s->found++;
	if (cache_reason_lookup(buf) < 0 &&
	    strlen(s->missing) + strlen(buf) + 80 < sizeof(s->missing))
		snprintf(s->missing + strlen(s->missing), sizeof(s->missing) - strlen(s->missing),
		         "%s: \"%s\" has no row in reasons.h\n", where, buf);
}

/* Every string literal of the expression text[0..len) is a reason. */
static void note_literals(struct scan *s, const char *where, const char *text, size_t len)
{
	char *expr = strndup(text, len);
	const char *q = expr;
	regmatch_t l[2];

	assert_non_null(expr);
	while (regexec(&s->literal, q, 2, l, 0) == 0) {
		note(s, where, q + l[1].rm_so, (size_t)(l[1].rm_eo - l[1].rm_so));
		q += l[0].rm_eo;
	}
	free(expr);
}

/* Every reason text (the contents of one source file) names, into s. */
static void scan_text(struct scan *s, const char *where, const char *text)
{
	for (size_t u = 0; u < sizeof(uses) / sizeof(uses[0]); u++) {
		const char *p = text;
		regmatch_t m[3];

		if (uses[u].only_in) {
			size_t n = strlen(where), k = strlen(uses[u].only_in);

			if (n < k || strcmp(where + n - k, uses[u].only_in) != 0)
				continue;
		}
		while (regexec(&s->re[u], p, 3, m, 0) == 0) {
			/* The last group that matched is the reason (or expression). */
			regmatch_t g = m[2].rm_so >= 0 ? m[2] : m[1];

			s->hits[u]++;

			if (!uses[u].expression)
				note(s, where, p + g.rm_so, (size_t)(g.rm_eo - g.rm_so));
			/* A call (proto_get_str(...)) hands on a name it got; only
			 * literals, maybe chosen by ?:, are handed out here. */
			else if (!memchr(p + g.rm_so, '(', (size_t)(g.rm_eo - g.rm_so)))
				note_literals(s, where, p + g.rm_so, (size_t)(g.rm_eo - g.rm_so));
			p += m[0].rm_eo;
		}
	}
}

static int scan_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	size_t n = strlen(path);
	FILE *f;
	char *text;

	if (type != FTW_F || n < 2 ||
	    (strcmp(path + n - 2, ".c") != 0 && strcmp(path + n - 2, ".h")))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return -1;
	text = calloc(1, (size_t)sb->st_size + 1);
	if (!text || fread(text, 1, (size_t)sb->st_size, f) != (size_t)sb->st_size) {
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	scan_text(&scan, path, text);
	free(text);
	return 0;
}

static int setup(void **state)
{
	for (size_t u = 0; u < sizeof(uses) / sizeof(uses[0]); u++)
		if (regcomp(&scan.re[u], uses[u].pattern, REG_EXTENDED) != 0)
			return -1;
	return regcomp(&scan.literal, "\"([a-z_]+)\"", REG_EXTENDED) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	for (size_t u = 0; u < sizeof(uses) / sizeof(uses[0]); u++)
		regfree(&scan.re[u]);
	regfree(&scan.literal);
	return 0;
}

static void reset(void)
{
	memset(&scan.hits, 0, sizeof(scan.hits));
	scan.found = 0;
	scan.missing[0] = '\0';
}

static void test_every_reason_in_src_has_a_row(void **state)
{
	const char *root = getenv("ZCCACHE_SOURCE_ROOT");
	char src[4096];

	if (!root)
		skip();
	snprintf(src, sizeof(src), "%s/src", root);
	reset();
	assert_int_equal(nftw(src, scan_file, 16, FTW_PHYS), 0);
	if (scan.missing[0])
		fail_msg("%s", scan.missing);
	/* Each pattern still finds what src/ does today (req_compile.c's
	 * refusals, the launcher; cache.c names its reasons by REASON(ID), which
	 * the compiler checks): a scan that finds nothing proves nothing. */
	assert_true(scan.found >= 2);
	for (size_t u = 0; u < sizeof(uses) / sizeof(uses[0]); u++)
		if (scan.hits[u] == 0 && !uses[u].none_today)
			fail_msg("no use in src/ looks like %s: the scan is out of date",
			         uses[u].pattern);
}

/* The scan itself: a new literal without a row is caught, in each shape. */
static void test_a_reason_without_a_row_is_caught(void **state)
{
	static const char *const shapes[] = {
	        "\tset_run(d, \"no_such_reason\");\n",
	        "\t\tskip = r == -EEXIST ? \"pch\"\n\t\t       : \"no_such_reason\";\n",
	        "\t*why = \"no_such_reason\";\n",
	        "\tcache_count(srv->cache, \"uncacheable.no_such_reason\", 1);\n",
	        "\tconn_reply(c, run_reply(\"no_such_reason\"));\n",
	        "\texplain_record(srv, c, req, \"uncacheable\", \"no_such_reason\", x, NULL);\n",
	};

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		reset();
		scan_text(&scan, "x.c", shapes[i]);
		assert_non_null(strstr(scan.missing, "\"no_such_reason\""));
	}
	reset();
	scan_text(&scan, "src/cache/cache.c", "\t\treturn \"no_such_reason\";\n");
	assert_non_null(strstr(scan.missing, "no_such_reason"));
	reset();
	scan_text(&scan, "x.c", "\tset_run(d, \"busy\");\n\tskip = \"error\";\n");
	assert_int_equal(scan.found, 2);
	assert_string_equal(scan.missing, "");
}

static void test_names_are_counters_and_prose_is_there(void **state)
{
	for (int i = 0; i < CACHE_REASON_COUNT; i++) {
		const char *name = cache_reason_name((enum cache_reason)i);

		assert_true(name[0] != '\0');
		assert_int_equal(strspn(name, "abcdefghijklmnopqrstuvwxyz_"), strlen(name));
		assert_int_equal(cache_reason_lookup(name), i);
		assert_non_null(cache_reason_prose((enum cache_reason)i));
		assert_true(strlen(cache_reason_prose((enum cache_reason)i)) > 5);
		assert_ptr_equal(cache_reason_prose_of(name),
		                 cache_reason_prose((enum cache_reason)i));
	}
	assert_string_equal(cache_reason_name(CACHE_REASON_COUNT), "unknown");
	assert_null(cache_reason_prose(CACHE_REASON_COUNT));
	assert_int_equal(cache_reason_lookup("nope"), -1);
	assert_int_equal(cache_reason_lookup(NULL), -1);
	assert_null(cache_reason_prose_of("nope"));
}

/* args.h's enum is the table's first rows: the same values, the same names. */
static void test_classifier_reasons_are_the_first_rows(void **state)
{
	assert_true((int)UNCACHEABLE_REASON_COUNT < (int)CACHE_REASON_COUNT);
	for (int i = 0; i < UNCACHEABLE_REASON_COUNT; i++)
		assert_string_equal(uncacheable_reason_name((enum uncacheable_reason)i),
		                    cache_reason_name((enum cache_reason)i));
	assert_int_equal((int)UNCACHEABLE_EXTRA_OUTPUT, (int)CACHE_REASON_EXTRA_OUTPUT);
	assert_int_equal((int)UNCACHEABLE_UNSUPPORTED_COMPILER,
	                 (int)CACHE_REASON_UNSUPPORTED_COMPILER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_reason_in_src_has_a_row),
	        cmocka_unit_test(test_a_reason_without_a_row_is_caught),
	        cmocka_unit_test(test_names_are_counters_and_prose_is_there),
	        cmocka_unit_test(test_classifier_reasons_are_the_first_rows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
