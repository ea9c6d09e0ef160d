/*
 * cscan: time macros in code count, in comments and literals they do not,
 * and every construct the scanner does not follow counts as a use. The
 * include scan reports every name a directive or __has_include asks for,
 * none from comments or literals, and flags what it cannot read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
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

/* clang's assembler cannot report what it read: any spelling that may
 * start .incbin/.include counts; longer names (members, designators) not. */
static bool maybe(const char *p, size_t n)
{
	return cscan_asm_includes_maybe(p, n);
}

static void test_asm_includes_maybe(void **state)
{
	static const struct scan_case cases[] = {
	        {"asm(\".incbin \\\"blob.bin\\\"\");", true},
	        {"asm(\".inc\" \"bin \\\"d\\\"\");", true},
	        {"#define S(x) #x\nasm(S(.incbin \"f\"));", true},
	        {"#define C(a, b) a##b\nasm(S(C(.inc, bin) \"f\"));", true},
	        {"asm(\".include \\\"x.s\\\"\");", true},
	        {"int f(struct s *s) { return s->x + s.incoming + c.increment(); }", false},
	        {"struct t v = { .increment = 1, .inclusive = 2 };", false},
	        {"#include \"x.inc\"\nint y;", false},
	        {"FILE *f = fopen(\"tables.inc\", \"r\");", false},
	        {"asm(\"nop\\n\\t.incbin \\\"d\\\"\");", true},
	        {"asm(\"nop\\x09.incbin \\\"d\\\"\");", true},
	        {"asm(\"nop;.inc\" \"bin \\\"d\\\"\");", true},
	        /* the dot or the name spelled otherwise: escapes, macros, case */
	        {"__asm__(\"\\056incbin \\\"x.bin\\\"\");", true},
	        {"__asm__(\"\\x2eINCBIN \\\"x.bin\\\"\");", true},
	        {"#define DOT .\n#define S(x) #x\n__asm__(S(DOT) \"incbin \\\"x\\\"\");", true},
	        {"#define DOT .\n__asm__(S(DOT) \"inc\" \"bin\");", true},
	        {"__asm__(\"nop\"); const char *m = \"the include files\";", true},
	        {"__asm__(\"nop\"); const char *m = \"hello\";", false},
	        {"extern int f(void) __asm__(\"\" \"f64\");", false},
	};

	(void)state;
	check_with(maybe, cases, sizeof(cases) / sizeof(cases[0]));
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

/* ---- cscan_includes ---- */

struct include_case {
	const char *text;
	const char *names; /* each "form:name", joined by '|' */
	unsigned flags;
};

/* cscan_includes' output as "form:name|form:name". */
static void render(const struct buf *b, char *out, size_t n)
{
	size_t pos = 0;

	out[0] = '\0';
	for (size_t i = 0; i < b->len; i += strlen((const char *)b->data + i) + 1) {
		const char *item = (const char *)b->data + i;

		pos += (size_t)snprintf(out + pos, n - pos, "%s%c:%s", pos ? "|" : "", item[0],
		                        item + 1);
		assert_true(pos < n);
	}
}

static void check_includes(const struct include_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		char got[512];
		int flags = cscan_includes(cases[i].text, strlen(cases[i].text), &b);

		assert_true(flags >= 0);
		render(&b, got, sizeof(got));
		if (strcmp(got, cases[i].names) != 0 || (unsigned)flags != cases[i].flags)
			fail_msg("case %zu: %s: got \"%s\" flags %d, want \"%s\" flags %u", i,
			         cases[i].text, got, flags, cases[i].names, cases[i].flags);
		buf_free(&b);
	}
}

#define N(cases) (sizeof(cases) / sizeof(cases[0]))

static void test_includes_every_form(void **state)
{
	static const struct include_case cases[] = {
	        {"#include \"a.h\"\n", "q:a.h", 0},
	        {"#include <a.h>\n", "a:a.h", 0},
	        {"#include_next \"a.h\"\n", "Q:a.h", 0},
	        {"#include_next <a.h>\n", "A:a.h", 0},
	        /* #import gives what it imports #pragma once semantics */
	        {"#import \"a.h\"\n", "q:a.h", CSCAN_PRAGMA_ONCE},
	        {"#import <a.h>\n", "a:a.h", CSCAN_PRAGMA_ONCE},
	        {"  #  include<sys/x.h>", "a:sys/x.h", 0},
	        {"#include \"../up.h\"\r\n", "q:../up.h", 0},
	        {"#include \"a.h\"\n#include <b.h>\n#include_next <c.h>\n", "q:a.h|a:b.h|A:c.h", 0},
	        /* every branch: a superset of what one compile reads */
	        {"#if 0\n#include \"off.h\"\n#else\n#include \"on.h\"\n#endif\n", "q:off.h|q:on.h",
	         0},
	        {"#if __has_include(\"a.h\")\n#endif\n", "q:a.h", 0},
	        {"#if __has_include(<a.h>)\n#endif\n", "a:a.h", 0},
	        {"#if __has_include_next(\"a.h\")\n#endif\n", "Q:a.h", 0},
	        {"#if __has_include_next(<a.h>)\n#endif\n", "A:a.h", 0},
	        {"#if __has_include ( <a.h> ) && __has_include(\"b.h\")\n", "a:a.h|q:b.h", 0},
	        {"#define HAVE_X __has_include(<x.h>)\n", "a:x.h", 0},
	        {"", "", 0},
	        {"int x;\n", "", 0},
	        {"#includes \"a.h\"\n#define include \"b.h\"\n", "", 0},
	};

	(void)state;
	check_includes(cases, N(cases));
}

/* Comments are one space and splices vanish before the directive is read. */
static void test_includes_through_comments_splices_digraphs(void **state)
{
	static const struct include_case cases[] = {
	        {"# /*x*/ include \"a.h\"\n", "q:a.h", 0},
	        {"/* c */ #include \"a.h\"\n", "q:a.h", 0},
	        {"#include /* c */ <a.h> // d\n", "a:a.h", 0},
	        {"#\\\n include \"a.h\"\n", "q:a.h", 0},
	        {"#inc\\\nlude \"a.h\"\n", "q:a.h", 0},
	        {"#include \"a\\\n.h\"\n", "q:a.h", 0},
	        {"/* a\n comment */\n#include \"a.h\"\n", "q:a.h", 0},
	        {"%:include \"a.h\"\n", "q:a.h", 0},
	        {" %: include_next <a.h>\n", "A:a.h", 0},
	        {"#if __has_\\\ninclude(<a.h>)\n", "a:a.h", 0},
	};

	(void)state;
	check_includes(cases, N(cases));
}

static void test_includes_in_comments_and_literals_are_not_reported(void **state)
{
	static const struct include_case cases[] = {
	        {"/* #include \"a.h\" */\n", "", 0},
	        {"/*\n#include \"a.h\"\n*/\n", "", 0},
	        {"// #include \"a.h\"\n", "", 0},
	        {"// a comment \\\n#include \"a.h\"\n", "", 0},
	        {"puts(\"#include \\\"a.h\\\"\");\n", "", 0},
	        {"s = \"x\\\n#include <a.h>\";\n", "", 0},
	        {"/* __has_include(<a.h>) */\n", "", 0},
	        {"c = '\"';\n#include \"a.h\"\n", "q:a.h", 0},
	};

	(void)state;
	check_includes(cases, N(cases));
}

/* What cannot be read as a literal name: the caller must assume any name. */
static void test_includes_computed(void **state)
{
	static const struct include_case cases[] = {
	        {"#include MACRO\n", "", CSCAN_COMPUTED},
	        {"#include_next HDR(x)\n", "", CSCAN_COMPUTED},
	        {"#include\n", "", CSCAN_COMPUTED},
	        {"#include \"\"\n", "", CSCAN_COMPUTED},
	        {"#include <a.h\n", "", CSCAN_COMPUTED},
	        {"#if __has_include(MACRO)\n#endif\n", "", CSCAN_COMPUTED | CSCAN_COMPUTED_PROBE},
	        {"#if __has_include_next(MACRO)\n#endif\n", "",
	         CSCAN_COMPUTED | CSCAN_COMPUTED_PROBE},
	        /* libc++'s stand-in for compilers without it: no probe */
	        {"#ifndef __has_include\n#define __has_include(...) 0\n#endif\n", "",
	         CSCAN_COMPUTED},
	        {"#ifdef __has_include\n#endif\n", "", CSCAN_COMPUTED},
	        {"#include \"a.h\"\n#include MACRO\n", "q:a.h", CSCAN_COMPUTED},
	        {"auto s = u8R\"x(*/)x\";\n#include \"a.h\"\n", "q:a.h", CSCAN_COMPUTED},
	        {"?\?=include \"a.h\"\n", "", CSCAN_COMPUTED},
	};

	(void)state;
	check_includes(cases, N(cases));
}

static void test_includes_pragmas(void **state)
{
	static const struct include_case cases[] = {
	        {"#pragma GCC dependency \"parse.y\"\n", "",
	         CSCAN_PRAGMA_DEPENDENCY | CSCAN_DEPENDENCY_WORD},
	        {"_Pragma(\"GCC dependency \\\"parse.y\\\"\")\n", "",
	         CSCAN_PRAGMA_DEPENDENCY | CSCAN_PRAGMA_OPERATOR | CSCAN_DEPENDENCY_WORD},
	        {"#define D _Pragma(\"GCC dependency \\\"x\\\"\")\n", "",
	         CSCAN_PRAGMA_DEPENDENCY | CSCAN_PRAGMA_OPERATOR | CSCAN_DEPENDENCY_WORD},
	        /* the pragma built by a macro: operator and word, lines apart */
	        {"#define DEP(x) _Pragma(#x)\nDEP(GCC dependency \"parse.y\")\n", "",
	         CSCAN_PRAGMA_OPERATOR | CSCAN_DEPENDENCY_WORD},
	        /* the word in text is no pragma; after "GCC" in a literal, it may be */
	        {"const char *m = \"a missing dependency\";\n", "", 0},
	        {"P(\"GCC dependency \\\"x\\\"\")\n", "", CSCAN_DEPENDENCY_WORD},
	        {"#define W dependency\n", "", CSCAN_DEPENDENCY_WORD},
	        {"#pragma GCC system_header\n", "", CSCAN_SYSTEM_HEADER},
	        {"#pragma clang system_header\n", "", CSCAN_SYSTEM_HEADER},
	        {"# /* c */ pragma GCC system_header\n#include <a.h>\n", "a:a.h",
	         CSCAN_SYSTEM_HEADER},
	        {"#pragma once\n", "", CSCAN_PRAGMA_ONCE},
	        {"// #pragma GCC system_header\n", "", 0},
	        {"/* #pragma GCC dependency \"x\" */\n", "", 0},
	        /* files gcc reads to quote in diagnostics, and .gch of -E output */
	        {"#line 12 \"parse.y\"\nint x;\n", "", CSCAN_LINE_FILE},
	        {"# 1 \"h.h\" 1\nint x;\n", "", CSCAN_LINE_FILE},
	        {"#define F \"g.y\"\n#line 3 F\n", "", CSCAN_LINE_FILE},
	        {"#line 12\nint x;\n", "", 0},
	        {"#pragma GCC pch_preprocess \"h.h.gch\"\n", "", CSCAN_PCH_PREPROCESS},
	        {"/* #line 1 \"x\" */ int x;\n", "", 0},
	};

	(void)state;
	check_includes(cases, N(cases));
}

/* A name runs to its closing delimiter; a NUL in the text ends nothing. */
static void test_includes_odd_names(void **state)
{
	static const struct include_case cases[] = {
	        {"#include \"dir with space/x.h\"\n", "q:dir with space/x.h", 0},
	        {"#include <a//b.h>\n", "", CSCAN_COMPUTED}, /* read as a comment: unread */
	        {"#include \"a//b.h\"\n", "q:a//b.h", 0},
	        {"#include \"a.h\" extra tokens\n", "q:a.h", 0},
	};

	(void)state;
	check_includes(cases, N(cases));
}

/*
 * Where the scan is unsure it reports more, never less: an extra name only
 * costs a probe per folder, a missing one would let a shadow go unseen.
 */
static void test_includes_err_toward_more_names(void **state)
{
	static const struct include_case cases[] = {
	        /* the operator scan does not track literals */
	        {"puts(\"__has_include(<a.h>)\");\n", "a:a.h", 0},
	        /* a raw string is not followed: its lines read as lines */
	        {"const char *s = R\"(\n#include \"a.h\"\n)\";\n", "q:a.h", CSCAN_COMPUTED},
	        /* a pragma word anywhere on the line */
	        {"#pragma message(\"see system_header\")\n", "", CSCAN_SYSTEM_HEADER},
	};

	(void)state;
	check_includes(cases, N(cases));
}

/* Pasted time names: a piece of four characters or more is a time piece;
 * the short ones system headers use beside a ## (math.h, intrinsics) are not. */
static void test_paste_time_pieces(void **state)
{
	static const struct {
		const char *text;
		unsigned want;
	} cases[] = {
	        {"#define CAT(a,b) a##b\nconst char *t = CAT(__TI,ME__);\n",
	         CSCAN_PASTE | CSCAN_TIME_PIECE},
	        {"#define CAT(a,b) a##b\nconst char *t = CAT(__TIME,STAMP__);\n",
	         CSCAN_PASTE | CSCAN_TIME_PIECE},
	        {"#define CAT(a,b) a##b\nconst char *t = CAT(__DA,TE__);\n",
	         CSCAN_PASTE | CSCAN_TIME_PIECE},
	        /* math.h: __MATHCALL (..., __T) beside its ## pastes */
	        {"#define M(f, s) f ## s\n#define __T double\n", CSCAN_PASTE},
	        {"#define D(a) __D a\nint TIME, DATE;\n", 0},
	        {"#define C(a, b) a##b\nint C(START, _TIME), C(END, _DATE_);\n", CSCAN_PASTE},
	        {"/* __TI ## ME__ */ int x;\n", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned got = cscan_paste_flags(cases[i].text, strlen(cases[i].text));

		if (got != cases[i].want)
			fail_msg("case %zu: %s: got %#x, want %#x", i, cases[i].text, got,
			         cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_code_uses),
	        cmocka_unit_test(test_comments_and_literals_do_not),
	        cmocka_unit_test(test_unfollowed_constructs_count_as_use),
	        cmocka_unit_test(test_asm_includes),
	        cmocka_unit_test(test_asm_includes_maybe),
	        cmocka_unit_test(test_empty_and_nul),
	        cmocka_unit_test(test_includes_every_form),
	        cmocka_unit_test(test_includes_through_comments_splices_digraphs),
	        cmocka_unit_test(test_includes_in_comments_and_literals_are_not_reported),
	        cmocka_unit_test(test_includes_computed),
	        cmocka_unit_test(test_includes_pragmas),
	        cmocka_unit_test(test_includes_odd_names),
	        cmocka_unit_test(test_includes_err_toward_more_names),
	        cmocka_unit_test(test_paste_time_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
