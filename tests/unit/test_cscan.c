/*
 * cscan: time macros in code count, in comments and literals they do not,
 * and every construct the scanner does not follow counts as a use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cscan.h"

struct scan_case {
	const char *text;
	bool used;
};

/* Each case through scan, which must answer its "used". */
static void check_with(bool (*scan)(const char *, size_t), const struct scan_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool got = scan(cases[i].text, strlen(cases[i].text));

		if (got != cases[i].used)
			fail_msg("case %zu: %s: got %d, want %d", i, cases[i].text, got,
			         cases[i].used);
	}
}

static void check(const struct scan_case *cases, size_t n)
{
	check_with(cscan_time_macros_in_code, cases, n);
}

static void test_code_uses(void **state)
{
	static const struct scan_case cases[] = {
	        {"const char *d = __DATE__;", true},
	        {"const char *t = __TIME__;\n", true},
	        {"x(__TIMESTAMP__)", true},
	        {"__DATE__", true},
	        {"#define NOW (a < b ? __DATE__ : \"\")\n", true},
	        {"#if 1 // c\n#endif\nchar *d = __DATE__;\n", true},
	        {"/* c */ __TIME__", true},
	        {"\"a\" __DATE__ \"b\"", true},
	        {"'a', __DATE__", true},
	        {"\"http://x\"; const char *d = __DATE__;", true},
	        {"\"/*\" __DATE__ \"*/\"", true},
	        {"'\"' __DATE__ '\"'", true},
	        {"\"esc \\\" still\" __DATE__", true},
	        {"\"bs\\\\\" __DATE__", true},
	        {"#include <a.h> /* ok */\n__DATE__", true},
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_comments_and_literals_do_not(void **state)
{
	static const struct scan_case cases[] = {
	        {"/* uses __DATE__ */ int x;", false},
	        {"// __TIME__\nint x;\n", false},
	        {"int x; /* multi\n line __TIMESTAMP__\n */ int y;", false},
	        {"const char *m[] = {\"__DATE__\", \"__TIME__\"};", false},
	        {"char c = '_'; char *s = \"__DATE__\";", false},
	        {"// a comment \\\n continued __DATE__\nint x;", false},
	        {"// trailing blanks \\  \n continued __DATE__\n", false},
	        {"\"spliced \\\n __DATE__\" ;", false},
	        {"int my__DATE__x;", false},
	        {"int __DATE__x;", false},
	        {"int x__DATE__;", false},
	        {"#include <a//b.h>\n", false},
	        {"#include <x/*.h>\nint x; // __DATE__\n", false},
	        {"# include_next <a'b.h>\n", false},
	        {"#if __has_include(<a/*b>)\n#endif\n", false},
	        {"int x;\r\n// __DATE__\r\nint y;\r\n", false},
	        {"/* ?\?/ is a backslash */ int x; // __DATE__\n", false},
	        {"/* ?\?' is a caret */ int x; // __DATE__\n", false},
	        {"const char *s = \"?\?'\"; // __DATE__\n", false},
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]));
}

/* What the scanner does not follow is a use, whatever else is there. */
static void test_unfollowed_constructs_count_as_use(void **state)
{
	static const struct scan_case cases[] = {
	        {"R\"x(__DATE__)x\"", true},
	        {"auto s = u8R\"(// )\"; int y;", true},
	        {"int n = 1'000; // __DATE__", true},
	        {"wchar_t c = L'x'; // __DATE__", true},
	        {"// ?\?/\n__DATE__", true},
	        {"\"?\?/\" __DATE__ \"\"", true},
	        {"x = a ?\?' b; // __DATE__ 'c'", true},
	        {"/\\\n/ __DATE__", true},
	        {"/* *\\\n/ __DATE__", true},
	        {"\"unterminated\n// __DATE__", true},
	        {"#error don't // __DATE__\n", true},
	        {"#include <unterminated\n// __DATE__", true},
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]));
}

/* The assembler directives: in literals (asm statements) and code they
 * count, in comments they do not. */
static void test_asm_includes(void **state)
{
	static const struct scan_case cases[] = {
	        {"asm(\".incbin \\\"blob.bin\\\"\");", true},
	        {"__asm__(\"\\t.include \\\"x.s\\\"\");", true},
	        {"#define S(x) #x\nasm(S(.incbin \"f\"));", true},
	        {"\t.incbin \"data.bin\"\n", true},
	        {"/* mentions .incbin or .include */ int x;", false},
	        {"// .include\nint x;", false},
	        {"int x; // .incbin\n", false},
	        {"R\"(x)\" // .incbin", true},
	        {"int include;", false},
	};

	(void)state;
	check_with(cscan_asm_includes_outside_comments, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_empty_and_nul(void **state)
{
	static const char with_nul[] = "int x;\0 __DATE__";

	(void)state;
	assert_false(cscan_time_macros_in_code("", 0));
	assert_true(cscan_time_macros_in_code(with_nul, sizeof(with_nul) - 1));
	/* A name cut off at the end of the buffer is not a use. */
	assert_false(cscan_time_macros_in_code("__DATE", 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_code_uses),
	        cmocka_unit_test(test_comments_and_literals_do_not),
	        cmocka_unit_test(test_unfollowed_constructs_count_as_use),
	        cmocka_unit_test(test_asm_includes),
	        cmocka_unit_test(test_empty_and_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
