/*
 * preprocess: the -E a unit runs leaves out exactly what names an output
 * or asks for a depfile, keeps everything that reaches preprocessing, and
 * refuses a -Wp that mixes both; only lasting doubts route; the launcher's
 * check of -E text sees .include/.incbin however the case, never in a line
 * marker's file name.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "pptext.h"
#include "preprocess.h"

/* argv (NULL-terminated), classified as gcc would be and split for -E. */
static int split(const char *const *argv, char ***out)
{
	struct compile_args a = {0};
	int argc = 0, r;

	while (argv[argc])
		argc++;
	r = args_classify_as("/usr/bin/gcc", argc, argv, "/tmp", &a);
	assert_int_equal(r, 0);
	r = preprocess_argv(&a, "/run/x.i", out);
	compile_args_free(&a);
	return r;
}

static char *joined(char **v)
{
	static char s[1024];

	s[0] = '\0';
	for (size_t i = 0; v[i]; i++) {
		strcat(s, i ? " " : "");
		strcat(s, v[i]);
	}
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
	return s;
}

static void test_argv_drops_outputs_keeps_the_rest(void **state)
{
	const char *argv[] = {"gcc", "-c",  "a.c", "-o",  "a.o",   "-MD",   "-MF", "a.d",   "-MT",
	                      "t",   "-MQ", "q",   "-MP", "-Ifoo", "-DX=1", "-O2", "-Wall", NULL};
	const char *joined_forms[] = {"gcc",    "-c",   "a.c",      "-oa.o", "-MMD",
	                              "-MFa.d", "-MTt", "-include", "cfg.h", NULL};
	const char *wp[] = {"gcc", "-c", "a.c", "-o", "a.o", "-Wp,-MMD,a.d", NULL};
	char **v;

	(void)state;
	assert_int_equal(split(argv, &v), 0);
	assert_string_equal(joined(v), "gcc a.c -Ifoo -DX=1 -O2 -Wall -E -o /run/x.i");
	assert_int_equal(split(joined_forms, &v), 0);
	assert_string_equal(joined(v), "gcc a.c -include cfg.h -E -o /run/x.i");
	assert_int_equal(split(wp, &v), 0);
	assert_string_equal(joined(v), "gcc a.c -E -o /run/x.i");
}

static void test_argv_refuses_mixed_wp(void **state)
{
	const char *mixed[] = {"gcc", "-c", "a.c", "-o", "a.o", "-Wp,-MD,a.d,-DX", NULL};
	const char *other[] = {"gcc", "-c", "a.c", "-o", "a.o", "-Wp,-DX,-MD,a.d", NULL};
	char **v = NULL;

	(void)state;
	assert_int_equal(split(mixed, &v), -EINVAL);
	assert_int_equal(split(other, &v), -EINVAL);
}

static void test_routes(void **state)
{
	(void)state;
	assert_true(preprocess_routes("computed_probe"));
	assert_true(preprocess_routes("pragma_once_copy"));
	assert_true(preprocess_routes("assembler_paste"));
	assert_false(preprocess_routes("ambiguous_include"));
	assert_false(preprocess_routes("time_macros"));
	assert_true(preprocess_routes("pragma_dependency"));
	assert_false(preprocess_routes("line_directive"));
	assert_false(preprocess_routes(NULL));
}

static void test_keys_differ(void **state)
{
	struct digest d = {{1}}, t = {{2}}, e = {{3}}, k1, k2, r;

	(void)state;
	preprocess_result_key(&d, &t, &e, &k1);
	preprocess_result_key(&d, &e, &t, &k2);
	preprocess_route_key(&d, &r);
	assert_false(digest_equal(&k1, &k2));
	assert_false(digest_equal(&k1, &r));
	assert_false(digest_equal(&d, &r));
}

static void test_pptext(void **state)
{
	static const struct {
		const char *text;
		bool asm_source, may;
	} cases[] = {
	        {"# 1 \"/usr/include/stdio.h\" 1 3 4\nint x;\n", false, false},
	        {"# 1 \"/usr/include/stdio.h\" 1 3 4\n.byte 1\n", true, false},
	        {".data\n.include \"m.s\"\n", true, true},
	        {".data\n.INCBIN \"m.bin\"\n", true, true},
	        {"  .InClude \"m.s\"\n", true, true},
	        {".macro m a\n.\\a \"x\"\n.endm\n", true, true},
	        {".irpc c,xy\n.endr\n", true, true},
	        {"# 7 \"include/incbin.S\"\n.byte 2\n", true, false},
	        {"no newline at the end .include", true, true},
	        /* C: what asm() gets, in literals, joined as the compiler will. */
	        {"int included_twice; int include;\n", false, false},
	        {"asm(\".incbin \\\"f\\\"\");\n", false, true},
	        {"asm(\".in\" \"clude \\\"m.s\\\"\");\n", false, true},
	        {"asm(\".\"\n# 3 \"a.c\"\n \"InClUdE x\");\n", false, true},
	        {"asm(\"\\x2e\\x69nclude x\");\n", false, true},
	        {"asm(\"\\056\\151ncbin x\");\n", false, true},
	        {"puts(\"a.\"); puts(\"inc\" \"lusion\");\n", false, false},
	        {"puts(\"a.in\") ; puts(\"clude\");\n", false, false},
	        {"char c = '\"'; asm(\".include x\");\n", false, true},
	        {"/* \" */ asm(\".include x\");\n", false, true},
	        {"auto s = R\"x(anything)x\";\n", false, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (pptext_may_include(cases[i].text, strlen(cases[i].text), cases[i].asm_source) !=
		    cases[i].may)
			fail_msg("case %zu: %s: want %d", i, cases[i].text, cases[i].may);
}

static void collect(void *ctx, const char *name)
{
	strcat(ctx, name);
	strcat(ctx, "|");
}

static void test_pptext_entered(void **state)
{
	static const char text[] = "# 0 \"a.c\"\n"
	                           "# 0 \"<built-in>\"\n"
	                           "# 1 \"/usr/include/stdc-predef.h\" 1 3 4\n"
	                           "# 0 \"<command-line>\" 2\n"
	                           "# 1 \"inc/x.h\" 1\n"
	                           "#  5 \"not a marker\" 1\n"
	                           "int x; # 3 \"nor this\" 1\n"
	                           "# 7 \"gen.y\"\n"
	                           "# 1 \"we\\\"ird\\\\n.h\" 1\n"
	                           "# 2 \"a.c\" 2\n"
	                           "# 1 \"inc/x.h\" 1 3";
	char got[256] = "";

	(void)state;
	assert_int_equal(pptext_entered(text, strlen(text), collect, got), 0);
	assert_string_equal(got, "/usr/include/stdc-predef.h|inc/x.h|we\"ird\\n.h|inc/x.h|");
}

static void test_unread(void **state)
{
	char *deps[] = {"probe.c", "probed.h", "inc//w.h", "/usr/include/stdio.h", NULL};
	char *clang[] = {"<built-in>", "<command line>", "./probed.h", "inc/./w.h"};
	char *gch[] = {"/usr/include/stdio.h", "pre.h"};

	(void)state;
	assert_null(preprocess_unread(clang, 4, deps, 4));
	assert_string_equal(preprocess_unread(gch, 2, deps, 4), "pre.h");
	assert_null(preprocess_unread(gch, 0, deps, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_argv_drops_outputs_keeps_the_rest),
	        cmocka_unit_test(test_argv_refuses_mixed_wp),
	        cmocka_unit_test(test_routes),
	        cmocka_unit_test(test_keys_differ),
	        cmocka_unit_test(test_pptext),
	        cmocka_unit_test(test_pptext_entered),
	        cmocka_unit_test(test_unread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
