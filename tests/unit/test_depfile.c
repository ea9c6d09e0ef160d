/*
 * Unit tests for depfile: parsing recovers the names the compiler meant, and
 * rendering gives back byte for byte what gcc 12 and clang 14 write, checked
 * against their captured output and, when they are installed, live.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "buf.h"
#include "depfile.h"

static void parse_ok(const char *text, struct depfile *d)
{
	assert_int_equal(depfile_parse(text, strlen(text), d), 0);
}

static void assert_names(char **got, size_t n, const char *const *want, size_t n_want)
{
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
}

#define ASSERT_NAMES(got, n, ...)                                              \
	do {                                                                   \
		const char *const want_[] = {__VA_ARGS__};                     \
		assert_names(got, n, want_, sizeof(want_) / sizeof(want_[0])); \
	} while (0)

/* ---- parser ---- */

static void test_parse_escapes(void **state)
{
	struct depfile d;

	/* "\ " is a space, "\\\ " a backslash and a space, "$$" a dollar,
	 * "\#" a hash; a backslash before anything else is itself. */
	parse_ok("out\\ dir/a.o: a\\ b.c d$$e.h f\\#g.h h\\\\\\ i.h j\\k.h n\\\\#o.h "
	         "end\\\\ \n",
	         &d);
	ASSERT_NAMES(d.targets, d.n_targets, "out dir/a.o");
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "a b.c", "d$e.h", "f#g.h", "h\\ i.h", "j\\k.h",
	             "n\\#o.h", "end\\\\");
	assert_false(d.phony);
	depfile_free(&d);
}

static void test_parse_continuations(void **state)
{
	struct depfile d;

	parse_ok("t1 t2 \\\n t3: a.c \\\n  b.h \\\n c.h\\\nd.h\n", &d);
	ASSERT_NAMES(d.targets, d.n_targets, "t1", "t2", "t3");
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "a.c", "b.h", "c.h", "d.h");
	depfile_free(&d);
}

static void test_parse_crlf(void **state)
{
	struct depfile d;

	parse_ok("a.o: a.c \\\r\n b\\ c.h\r\n\r\nb\\ c.h:\r\n", &d);
	ASSERT_NAMES(d.targets, d.n_targets, "a.o");
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "a.c", "b c.h");
	assert_true(d.phony);
	depfile_free(&d);
}

static void test_parse_colons_in_names(void **state)
{
	struct depfile d;

	/* Only a colon before blank space or the line's end ends the targets. */
	parse_ok("C:/out/a.o v:w: C:/src/a.c inc/colon:name.h x:\\ y.h\n", &d);
	ASSERT_NAMES(d.targets, d.n_targets, "C:/out/a.o", "v:w");
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "C:/src/a.c", "inc/colon:name.h", "x: y.h");
	depfile_free(&d);
}

static void test_parse_raw_mt_target(void **state)
{
	struct depfile d;

	/* -MT is written as given: a '#' there is not a comment. */
	parse_ok("# a comment line\na#b $x: a.c\n", &d);
	ASSERT_NAMES(d.targets, d.n_targets, "a#b", "$x");
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "a.c");
	depfile_free(&d);
}

static void test_parse_gcc_phony(void **state)
{
	struct depfile d;

	/* gcc keeps a name twice when two spellings print alike. */
	parse_ok("a.o: a.c h.h g\\ h.h h.h\nh.h:\ng\\ h.h:\nh.h:\n", &d);
	ASSERT_NAMES(d.targets, d.n_targets, "a.o");
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "a.c", "h.h", "g h.h", "h.h");
	assert_true(d.phony);
	assert_int_equal(d.source_index, 0);
	depfile_free(&d);
}

static void test_parse_clang_phony_finds_source(void **state)
{
	struct depfile d;

	/* clang puts -fsanitize ignorelists first; -MP skips only the source. */
	parse_ok("a.o: /r/share/asan_ignorelist.txt \\\n  a.c h.h\n\n"
	         "/r/share/asan_ignorelist.txt:\n\nh.h:\n",
	         &d);
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "/r/share/asan_ignorelist.txt", "a.c", "h.h");
	assert_true(d.phony);
	assert_int_equal(d.source_index, 1);
	depfile_free(&d);
}

static void test_parse_merges_rules(void **state)
{
	struct depfile d;

	/* rustc writes one rule per output, then phony rules. */
	parse_ok("a.d: src/lib.rs src/m.rs\n\nliba.rlib: src/lib.rs src/m.rs src/n.rs\n\n"
	         "src/lib.rs:\nsrc/m.rs:\nsrc/n.rs:\n",
	         &d);
	ASSERT_NAMES(d.targets, d.n_targets, "a.d", "liba.rlib");
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "src/lib.rs", "src/m.rs", "src/n.rs");
	assert_true(d.phony);
	depfile_free(&d);
}

static void test_parse_empty(void **state)
{
	struct depfile d;

	assert_int_equal(depfile_parse("", 0, &d), 0);
	assert_int_equal(d.n_targets, 0);
	assert_int_equal(d.n_prereqs, 0);
	depfile_free(&d);
	parse_ok("\n \r\n\t\n", &d);
	assert_int_equal(d.n_targets + d.n_prereqs, 0);
	depfile_free(&d);
	parse_ok("a.o:\n", &d);
	ASSERT_NAMES(d.targets, d.n_targets, "a.o");
	assert_int_equal(d.n_prereqs, 0);
	depfile_free(&d);
}

static void test_parse_malformed(void **state)
{
	static const char *const bad[] = {
	        "a.o a.c\n",    /* no colon */
	        ": a.c\n",      /* no target */
	        "a.o: a.c \\",  /* continuation cut off */
	        "a.o: a.c b\\", /* truncated inside a name */
	        "a.o: a.c\nnot a rule\n",
	};
	struct depfile d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(depfile_parse(bad[i], strlen(bad[i]), &d), -EBADMSG);
		assert_null(d.targets);
		assert_null(d.prereqs);
	}
	assert_int_equal(depfile_parse("a.o: a\0.c\n", 10, &d), -EBADMSG);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/zccache-depfile-XXXXXX";
	const char text[] = "a.o: a.c b.h\n";
	struct depfile d;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(depfile_read(path, &d), 0);
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "a.c", "b.h");
	depfile_free(&d);
	unlink(path);
	assert_int_equal(depfile_read(path, &d), -ENOENT);
}

/* A depfile path comes from a request: a FIFO must not block the server
 * (no writer ever comes), nor /dev/zero fill its memory. */
static void test_read_refuses_what_is_not_a_file(void **state)
{
	char dir[] = "/tmp/zccache-depfile-XXXXXX", fifo[64];
	struct depfile d;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo.d", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(depfile_read(fifo, &d), -EINVAL);
	assert_int_equal(depfile_read("/dev/zero", &d), -EINVAL);
	assert_int_equal(depfile_read(dir, &d), -EINVAL);
	unlink(fifo);
	rmdir(dir);
}

/* ---- renderer: goldens captured from gcc 12.2 and clang 14.0.6 ---- */

/*
 * They were run in a tree where main.c includes the headers its depfile
 * names, in that order (inc/sub/x.h as "inc/../inc/sub/x.h", sys/sysh.h as
 * <sysh.h>), and e.c and f.c include the w/ headers their depfiles name.
 * The w/ names are sized to land on either side of each wrap column.
 */
/* gcc -nostdinc -isystem sys -MF out.d -c main.c -MD -o main.o */
static const char GCC_MAIN[] = "main.o: main.c inc/short.h inc/with\\ space/spaced\\ header.h \\\n"
                               " inc/dollar$$sign.h inc/hash\\#mark.h inc/colon:name.h \\\n"
                               " inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
                               " inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n";

/* gcc -nostdinc -isystem sys -MF out.d -c main.c -MD -MP -o main.o -MQ 'build dir/$out#1.o' */
static const char GCC_RETARGET[] =
        "build\\ dir/$$out\\#1.o: main.c inc/short.h \\\n"
        " inc/with\\ space/spaced\\ header.h inc/dollar$$sign.h inc/hash\\#mark.h \\\n"
        " inc/colon:name.h \\\n"
        " inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        " inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n"
        "inc/short.h:\n"
        "inc/with\\ space/spaced\\ header.h:\n"
        "inc/dollar$$sign.h:\n"
        "inc/hash\\#mark.h:\n"
        "inc/colon:name.h:\n"
        "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h:\n"
        "inc/../inc/sub/x.h:\n"
        "inc/sub/exactly_to_the_column.h:\n"
        "sys/sysh.h:\n";

/* gcc -nostdinc -isystem sys -MF out.d -c main.c -MD -o main.o -MT first -MQ 'q$ $x' -MT 'second$
 * target' -MQ b */
static const char GCC_MIXED[] =
        "first second$ target q$$\\ $$x b: main.c inc/short.h \\\n"
        " inc/with\\ space/spaced\\ header.h inc/dollar$$sign.h inc/hash\\#mark.h \\\n"
        " inc/colon:name.h \\\n"
        " inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        " inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n";

/* gcc -nostdinc -isystem sys -MF out.d -c main.c -MD -MP -o main.o -MT
 * tttttttttttttttttttttttttttttttttttttttt -MQ 'uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu x' -MT
 * vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv -MT w */
static const char GCC_LONG[] =
        "tttttttttttttttttttttttttttttttttttttttt \\\n"
        " vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv w \\\n"
        " uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\\ x: main.c inc/short.h \\\n"
        " inc/with\\ space/spaced\\ header.h inc/dollar$$sign.h inc/hash\\#mark.h \\\n"
        " inc/colon:name.h \\\n"
        " inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        " inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n"
        "inc/short.h:\n"
        "inc/with\\ space/spaced\\ header.h:\n"
        "inc/dollar$$sign.h:\n"
        "inc/hash\\#mark.h:\n"
        "inc/colon:name.h:\n"
        "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h:\n"
        "inc/../inc/sub/x.h:\n"
        "inc/sub/exactly_to_the_column.h:\n"
        "sys/sysh.h:\n";

/* gcc -nostdinc -isystem sys -MF out.d -c e.c -MD -o e.o -MT x */
static const char GCC_EDGE[] =
        "x: e.c w/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h \\\n"
        " w/bbbbbbbbbbbbbbbbbbbbbbbbbb.h w/cccccccccccccccccccccccccccccccccccc.h \\\n"
        " w/ddddddddddddddddd\\ dddddddddddddddd.h w/eeeeeeeeeeeee\\ eeeeeeeeeeeee.h \\\n"
        " w/z.h\n";

/* gcc -nostdinc -isystem sys -MF out.d -c f.c -MD -o e.o -MT x */
static const char GCC_EDGE_ESC[] =
        "x: f.c \\\n"
        " w/fffffffffffffffffffffffffffffff\\ ffffffffffffffffffffffffffffff.h\n";

/* gcc -nostdinc -isystem sys -MF out.d -c main.c -MMD -MP -o main.o */
static const char GCC_MMD[] = "main.o: main.c inc/short.h inc/with\\ space/spaced\\ header.h \\\n"
                              " inc/dollar$$sign.h inc/hash\\#mark.h inc/colon:name.h \\\n"
                              " inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
                              " inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h\n"
                              "inc/short.h:\n"
                              "inc/with\\ space/spaced\\ header.h:\n"
                              "inc/dollar$$sign.h:\n"
                              "inc/hash\\#mark.h:\n"
                              "inc/colon:name.h:\n"
                              "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h:\n"
                              "inc/../inc/sub/x.h:\n"
                              "inc/sub/exactly_to_the_column.h:\n";

/* clang -nostdinc -isystem sys -MF out.d -c main.c -MD -o main.o */
static const char CLANG_MAIN[] =
        "main.o: main.c inc/short.h inc/with\\ space/spaced\\ header.h \\\n"
        "  inc/dollar$$sign.h inc/hash\\#mark.h inc/colon:name.h \\\n"
        "  inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        "  inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n";

/* clang -nostdinc -isystem sys -MF out.d -c main.c -MD -MP -o main.o -MQ 'build dir/$out#1.o' */
static const char CLANG_RETARGET[] =
        "build\\ dir/$$out\\#1.o: main.c inc/short.h inc/with\\ space/spaced\\ header.h \\\n"
        "  inc/dollar$$sign.h inc/hash\\#mark.h inc/colon:name.h \\\n"
        "  inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        "  inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n"
        "\n"
        "inc/short.h:\n"
        "\n"
        "inc/with\\ space/spaced\\ header.h:\n"
        "\n"
        "inc/dollar$$sign.h:\n"
        "\n"
        "inc/hash\\#mark.h:\n"
        "\n"
        "inc/colon:name.h:\n"
        "\n"
        "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h:\n"
        "\n"
        "inc/../inc/sub/x.h:\n"
        "\n"
        "inc/sub/exactly_to_the_column.h:\n"
        "\n"
        "sys/sysh.h:\n";

/* clang -nostdinc -isystem sys -MF out.d -c main.c -MD -o main.o -MT first -MQ 'q$ $x' -MT 'second$
 * target' -MQ b */
static const char CLANG_MIXED[] =
        "first q$$\\ $$x second$ target b: main.c inc/short.h \\\n"
        "  inc/with\\ space/spaced\\ header.h inc/dollar$$sign.h inc/hash\\#mark.h \\\n"
        "  inc/colon:name.h \\\n"
        "  inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        "  inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n";

/* clang -nostdinc -isystem sys -MF out.d -c main.c -MD -MP -o main.o -MT
 * tttttttttttttttttttttttttttttttttttttttt -MQ 'uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu x' -MT
 * vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv -MT w */
static const char CLANG_LONG[] =
        "tttttttttttttttttttttttttttttttttttttttt uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\\ x \\\n"
        "  vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv w: \\\n"
        "  main.c inc/short.h inc/with\\ space/spaced\\ header.h inc/dollar$$sign.h \\\n"
        "  inc/hash\\#mark.h inc/colon:name.h \\\n"
        "  inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        "  inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n"
        "\n"
        "inc/short.h:\n"
        "\n"
        "inc/with\\ space/spaced\\ header.h:\n"
        "\n"
        "inc/dollar$$sign.h:\n"
        "\n"
        "inc/hash\\#mark.h:\n"
        "\n"
        "inc/colon:name.h:\n"
        "\n"
        "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h:\n"
        "\n"
        "inc/../inc/sub/x.h:\n"
        "\n"
        "inc/sub/exactly_to_the_column.h:\n"
        "\n"
        "sys/sysh.h:\n";

/* clang -nostdinc -isystem sys -MF out.d -c e.c -MD -o e.o -MT x */
static const char CLANG_EDGE[] =
        "x: e.c w/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h \\\n"
        "  w/bbbbbbbbbbbbbbbbbbbbbbbbbb.h \\\n"
        "  w/cccccccccccccccccccccccccccccccccccc.h \\\n"
        "  w/ddddddddddddddddd\\ dddddddddddddddd.h w/eeeeeeeeeeeee\\ eeeeeeeeeeeee.h \\\n"
        "  w/z.h\n";

/* clang -nostdinc -isystem sys -MF out.d -c f.c -MD -o e.o -MT x */
static const char CLANG_EDGE_ESC[] =
        "x: f.c w/fffffffffffffffffffffffffffffff\\ ffffffffffffffffffffffffffffff.h\n";

/* clang -nostdinc -isystem sys -MF out.d -c main.c -MMD -MP -o main.o */
static const char CLANG_MMD[] =
        "main.o: main.c inc/short.h inc/with\\ space/spaced\\ header.h \\\n"
        "  inc/dollar$$sign.h inc/hash\\#mark.h inc/colon:name.h \\\n"
        "  inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        "  inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h\n"
        "\n"
        "inc/short.h:\n"
        "\n"
        "inc/with\\ space/spaced\\ header.h:\n"
        "\n"
        "inc/dollar$$sign.h:\n"
        "\n"
        "inc/hash\\#mark.h:\n"
        "\n"
        "inc/colon:name.h:\n"
        "\n"
        "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h:\n"
        "\n"
        "inc/../inc/sub/x.h:\n"
        "\n"
        "inc/sub/exactly_to_the_column.h:\n";

/* clang -nostdinc -isystem sys -MF out.d -c main.c -MD -MP -fsanitize=address -o main.o */
static const char CLANG_ASAN[] =
        "main.o: /usr/lib/llvm-14/lib/clang/14.0.6/share/asan_ignorelist.txt \\\n"
        "  main.c inc/short.h inc/with\\ space/spaced\\ header.h inc/dollar$$sign.h \\\n"
        "  inc/hash\\#mark.h inc/colon:name.h \\\n"
        "  inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h \\\n"
        "  inc/../inc/sub/x.h inc/sub/exactly_to_the_column.h sys/sysh.h\n"
        "\n"
        "/usr/lib/llvm-14/lib/clang/14.0.6/share/asan_ignorelist.txt:\n"
        "\n"
        "inc/short.h:\n"
        "\n"
        "inc/with\\ space/spaced\\ header.h:\n"
        "\n"
        "inc/dollar$$sign.h:\n"
        "\n"
        "inc/hash\\#mark.h:\n"
        "\n"
        "inc/colon:name.h:\n"
        "\n"
        "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h:\n"
        "\n"
        "inc/../inc/sub/x.h:\n"
        "\n"
        "inc/sub/exactly_to_the_column.h:\n"
        "\n"
        "sys/sysh.h:\n";

struct golden {
	const char *name;
	enum depfile_style style;
	const char *text;
	const char *targets[4];
	bool quoted[4];
	size_t n_targets;
	bool phony;
};

#define T40 "tttttttttttttttttttttttttttttttttttttttt"
#define U30 "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
#define V70 "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"

#define GOLDENS(STYLE, P)                                                                        \
	{#P "_MAIN", STYLE, P##_MAIN, {"main.o"}, {true}, 1, false},                             \
	        {#P "_RETARGET", STYLE, P##_RETARGET, {"build dir/$out#1.o"}, {true}, 1, true},  \
	        {#P "_MIXED",                                                                    \
	         STYLE,                                                                          \
	         P##_MIXED,                                                                      \
	         {"first", "q$ $x", "second$ target", "b"},                                      \
	         {false, true, false, true},                                                     \
	         4,                                                                              \
	         false},                                                                         \
	        {#P "_LONG", STYLE, P##_LONG, {T40, U30 " x", V70, "w"}, {0, 1, 0, 0}, 4, true}, \
	        {#P "_EDGE", STYLE, P##_EDGE, {"x"}, {false}, 1, false},                         \
	        {#P "_EDGE_ESC", STYLE, P##_EDGE_ESC, {"x"}, {false}, 1, false},                 \
	{                                                                                        \
#P "_MMD", STYLE, P##_MMD, {"main.o" }, {true }, 1, true                         \
	}

static const struct golden goldens[] = {
        GOLDENS(DEPFILE_STYLE_GCC, GCC),
        GOLDENS(DEPFILE_STYLE_CLANG, CLANG),
        {"CLANG_ASAN", DEPFILE_STYLE_CLANG, CLANG_ASAN, {"main.o"}, {true}, 1, true},
};

static void render_ok(const struct depfile *d, const struct golden *g, const char *want)
{
	struct depfile_render_opts o = {g->style, g->targets, g->n_targets, g->quoted, g->phony};
	struct buf out = BUF_INIT;

	assert_int_equal(depfile_render(d, &o, &out), 0);
	assert_int_equal(buf_terminate(&out), 0);
	if (strcmp((char *)out.data, want) != 0)
		print_error("%s: rendered\n%s\nwanted\n%s\n", g->name, (char *)out.data, want);
	assert_string_equal((char *)out.data, want);
	buf_free(&out);
}

/* parse(compiler's bytes), render with the same options: the same bytes. */
static void test_render_goldens_round_trip(void **state)
{
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		struct depfile d;

		parse_ok(goldens[i].text, &d);
		render_ok(&d, &goldens[i], goldens[i].text);
		depfile_free(&d);
	}
}

/* A hit for another command: gcc's -MD depfile becomes each other one. */
static void test_render_for_other_commands(void **state)
{
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		const struct golden *g = &goldens[i];
		struct depfile d;

		if (strstr(g->name, "EDGE") || strstr(g->name, "MMD") || strstr(g->name, "ASAN"))
			continue;
		parse_ok(g->style == DEPFILE_STYLE_GCC ? GCC_MAIN : CLANG_MAIN, &d);
		render_ok(&d, g, g->text);
		depfile_free(&d);
		parse_ok(GCC_MAIN, &d); /* the include lists agree under -nostdinc */
		render_ok(&d, g, g->text);
		depfile_free(&d);
	}
}

/* Without render targets, the parsed ones are written, quoted. */
static void test_render_parsed_targets(void **state)
{
	struct depfile_render_opts o = {DEPFILE_STYLE_GCC, NULL, 0, NULL, true};
	struct buf out = BUF_INIT;
	struct depfile d;

	parse_ok(GCC_RETARGET, &d);
	assert_int_equal(depfile_render(&d, &o, &out), 0);
	assert_int_equal(buf_terminate(&out), 0);
	assert_string_equal((char *)out.data, GCC_RETARGET);
	buf_free(&out);
	depfile_free(&d);
}

static void test_render_gcc_target_order(void **state)
{
	/* gcc -MD -MQ q1 -MQ q2 -MT t1 -MQ q3 -MT t2 -MF x.d -c a.c; gcc also
	 * drops a leading "./" from every target, clang keeps it. */
	const char *targets[] = {"q1", "q2", "t1", "q3", "t2", ".//./a"};
	const bool quoted[] = {true, true, false, true, false, false};
	struct depfile_render_opts o = {DEPFILE_STYLE_GCC, targets, 6, quoted, false};
	struct buf out = BUF_INIT;
	struct depfile d;

	parse_ok("x: a.c\n", &d);
	assert_int_equal(depfile_render(&d, &o, &out), 0);
	assert_int_equal(buf_terminate(&out), 0);
	assert_string_equal((char *)out.data, "t1 t2 a q1 q2 q3: a.c\n");
	out.len = 0;
	o.style = DEPFILE_STYLE_CLANG;
	assert_int_equal(depfile_render(&d, &o, &out), 0);
	assert_int_equal(buf_terminate(&out), 0);
	assert_string_equal((char *)out.data, "q1 q2 t1 q3 t2 .//./a: a.c\n");
	buf_free(&out);
	depfile_free(&d);
}

static void test_render_nothing_read(void **state)
{
	/* echo 'int x;' | gcc -MD -MF x.d -c -x c - -o s.o  writes nothing;
	 * echo 'int x;' | clang -MD -MP -MF x.d -c -x c - -o s.o  writes "s.o:". */
	const char *targets[] = {"s.o"};
	struct depfile_render_opts o = {DEPFILE_STYLE_GCC, targets, 1, NULL, true};
	struct depfile d = {0};
	struct buf out = BUF_INIT;

	assert_int_equal(depfile_render(&d, &o, &out), 0);
	assert_int_equal(out.len, 0);
	o.style = DEPFILE_STYLE_CLANG;
	assert_int_equal(depfile_render(&d, &o, &out), 0);
	assert_int_equal(buf_terminate(&out), 0);
	assert_string_equal((char *)out.data, "s.o:\n");
	buf_free(&out);
}

static void test_render_tabs(void **state)
{
	/* gcc escapes a tab like a space everywhere; clang only in -MQ. */
	const char *targets[] = {"t\tq"};
	const bool quoted[] = {true};
	struct depfile_render_opts o = {DEPFILE_STYLE_GCC, targets, 1, quoted, false};
	struct buf out = BUF_INIT;
	char *prereqs[] = {"a.c", "t\\\tab.h"};
	struct depfile d = {NULL, 0, prereqs, 2, 0, false};

	assert_int_equal(depfile_render(&d, &o, &out), 0);
	assert_int_equal(buf_terminate(&out), 0);
	assert_string_equal((char *)out.data, "t\\\tq: a.c t\\\\\\\tab.h\n");
	out.len = 0;
	o.style = DEPFILE_STYLE_CLANG;
	assert_int_equal(depfile_render(&d, &o, &out), 0);
	assert_int_equal(buf_terminate(&out), 0);
	assert_string_equal((char *)out.data, "t\\\tq: a.c t\\\tab.h\n");
	buf_free(&out);
}

/* ---- -MMD ---- */

static void test_filter_matches_mmd_golden(void **state)
{
	const char *sys[] = {"/usr/include", "./sys/"};
	const char *user[] = {"inc"};
	struct depfile_search s = {sys, 2, user, 1, NULL, 0, NULL};

	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		const struct golden *g = &goldens[i];
		struct depfile d;

		if (!strstr(g->name, "MMD"))
			continue;
		parse_ok(g->style == DEPFILE_STYLE_GCC ? GCC_RETARGET : CLANG_RETARGET, &d);
		assert_int_equal(depfile_filter_system(&d, &s), 0);
		render_ok(&d, g, g->text);
		depfile_free(&d);
	}
}

static void test_filter_longest_dir_wins(void **state)
{
	/* -I/usr/include/glib-2.0 is not a system directory, though /usr/include
	 * is; a directory given both ways is; -include files found from the
	 * cwd stay; the source stays and keeps its index. */
	const char *sys[] = {"/usr/include", "/r/share", "both", "."};
	const char *user[] = {"/usr/include/glib-2.0/", "both", "./inc"};
	const char *forced[] = {"./sysdir/forced.h"};
	struct depfile_search s = {sys, 4, user, 3, forced, 1, NULL};
	struct depfile d;

	parse_ok("a.o: /r/share/asan_ignorelist.txt a.c /usr/include/stdio.h "
	         "/usr/include/glib-2.0/glib.h /usr/include/glib-2.0x/no.h both/b.h inc/i.h "
	         "sysdir/forced.h sysdir/other.h /elsewhere/e.h\n\n"
	         "/r/share/asan_ignorelist.txt:\n\n/usr/include/stdio.h:\n\n"
	         "/usr/include/glib-2.0/glib.h:\n\n/usr/include/glib-2.0x/no.h:\n\nboth/b.h:\n\n"
	         "inc/i.h:\n\nsysdir/forced.h:\n\nsysdir/other.h:\n\n/elsewhere/e.h:\n",
	         &d);
	assert_int_equal(d.source_index, 1);
	assert_int_equal(depfile_filter_system(&d, &s), 0);
	ASSERT_NAMES(d.prereqs, d.n_prereqs, "a.c", "/usr/include/glib-2.0/glib.h", "inc/i.h",
	             "sysdir/forced.h", "/elsewhere/e.h");
	assert_int_equal(d.source_index, 0);
	depfile_free(&d);
}

/* ---- live: the installed compilers against render() ---- */

/* Run argv in dir; stderr (where -v goes) into err when given. */
static int run_in(const char *dir, char *const argv[], struct buf *err)
{
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(err ? fds[1] : devnull, 2);
		close(fds[0]);
		if (chdir(dir) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char chunk[4096];
		ssize_t n = read(fds[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (err)
			buf_append(err, chunk, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool have_compiler(const char *cc)
{
	char *argv[] = {(char *)cc, "--version", NULL};

	return run_in("/", argv, NULL) == 0;
}

static const char *const tree_headers[] = {
        "inc/short.h",
        "inc/with space/spaced header.h",
        "inc/dollar$sign.h",
        "inc/hash#mark.h",
        "inc/colon:name.h",
        "inc/sub/a_header_whose_name_is_long_enough_to_wrap_the_line.h",
        "inc/sub/x.h",
        "inc/sub/exactly_to_the_column.h",
        "inc/two  spaces\\ and backslash.h", /* gcc only: clang turns '\' into '/' */
        "inc/ends with dollar$",
        "sys/sysh.h",
        "sys/forced.h",
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void make_tree(char *dir, bool backslashes)
{
	struct buf src = BUF_INIT;

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(tree_headers) / sizeof(tree_headers[0]); i++) {
		const char *h = tree_headers[i];

		write_file(dir, h, "");
		if (strchr(h, '\\') && !backslashes)
			continue;
		if (strcmp(h, "sys/forced.h") == 0)
			continue;
		if (strcmp(h, "inc/sub/x.h") == 0)
			h = "inc/../inc/sub/x.h";
		if (strcmp(h, "sys/sysh.h") == 0)
			buf_printf(&src, "#include <sysh.h>\n");
		else
			buf_printf(&src, "#include \"%s\"\n", h);
	}
	buf_printf(&src, "#include <stdio.h>\n#include <stddef.h>\n#include \"./inc/short.h\"\n");
	assert_int_equal(buf_terminate(&src), 0);
	write_file(dir, "main dir/m$in #1.c", (char *)src.data);
	buf_free(&src);
}

struct live_case {
	const char *args[12];
	const char *targets[4];
	bool quoted[4];
	size_t n_targets;
	bool phony;
};

static const struct live_case live_cases[] = {
        {{"-o", "main dir/m$in #1.o"}, {"main dir/m$in #1.o"}, {true}, 1, false},
        {{"-o", "m.o", "-MP"}, {"m.o"}, {true}, 1, true},
        {{"-o", "m.o", "-MT", "a$b c", "-MQ", "q\\ $#:x", "-MT", "./t", "-MQ", "./u", "-MP"},
         {"a$b c", "q\\ $#:x", "./t", "./u"},
         {false, true, false, true},
         4,
         true},
        {{"-o", "m.o", "-MQ", T40 T40, "-MQ", U30, "-MQ", "\\\\ x"},
         {T40 T40, U30, "\\\\ x"},
         {true, true, true},
         3,
         false},
};

static void check_live(const char *cc, bool backslashes, enum depfile_style style)
{
	char dir[] = "/tmp/zccache-depfile-live-XXXXXX";
	char depfile[sizeof(dir) + 16];

	if (!have_compiler(cc))
		skip();
	make_tree(dir, backslashes);
	snprintf(depfile, sizeof(depfile), "%s/out.d", dir);
	for (size_t i = 0; i < sizeof(live_cases) / sizeof(live_cases[0]); i++) {
		const struct live_case *c = &live_cases[i];
		const char *argv[24] = {cc,      "-I.", "-isystem",          "sys", "-MD", "-MF",
		                        "out.d", "-c",  "main dir/m$in #1.c"};
		size_t n = 9;
		struct depfile_render_opts o = {style, c->targets, c->n_targets, c->quoted,
		                                c->phony};
		struct buf want = BUF_INIT, got = BUF_INIT;
		struct depfile d;
		int fd;

		for (size_t j = 0; c->args[j]; j++)
			argv[n++] = c->args[j];
		assert_int_equal(run_in(dir, (char *const *)argv, NULL), 0);
		fd = open(depfile, O_RDONLY);
		assert_true(fd >= 0);
		for (char chunk[4096];;) {
			ssize_t r = read(fd, chunk, sizeof(chunk));

			assert_true(r >= 0);
			if (r == 0)
				break;
			buf_append(&want, chunk, (size_t)r);
		}
		close(fd);
		assert_int_equal(depfile_read(depfile, &d), 0);
		assert_int_equal(depfile_render(&d, &o, &got), 0);
		buf_terminate(&want);
		buf_terminate(&got);
		if (strcmp((char *)want.data, (char *)got.data) != 0)
			print_error("%s case %zu: compiler wrote\n%s\nrendered\n%s\n", cc, i,
			            (char *)want.data, (char *)got.data);
		assert_string_equal((char *)got.data, (char *)want.data);
		depfile_free(&d);
		buf_free(&want);
		buf_free(&got);
	}
	rmtree(dir);
}

static void test_live_gcc(void **state)
{
	check_live("gcc", true, DEPFILE_STYLE_GCC);
}

static void test_live_clang(void **state)
{
	check_live("clang", false, DEPFILE_STYLE_CLANG);
}

/* The <...> search list that `cc -E -v` prints, one directory a line. */
static size_t system_dirs_of(const char *cc, char *dirs[], size_t max, struct buf *err)
{
	char *argv[] = {(char *)cc, "-E", "-v", "-x", "c", "/dev/null", NULL};
	size_t n = 0;
	char *line, *save = NULL;
	bool in = false;

	assert_int_equal(run_in("/", argv, err), 0);
	assert_int_equal(buf_terminate(err), 0);
	for (line = strtok_r((char *)err->data, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "#include <...> search starts here:"))
			in = true;
		else if (strstr(line, "End of search list."))
			in = false;
		else if (in && line[0] == ' ')
			dirs[n++] = line + 1;
	}
	return n;
}

/* filter(-MD output) == -MMD output, with real system headers. */
static void check_live_mmd(const char *cc, enum depfile_style style)
{
	char dir[] = "/tmp/zccache-depfile-mmd-XXXXXX";
	char path[sizeof(dir) + 16];
	char *sys[32];
	const char *user[] = {".", "inc"};
	struct buf err = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	struct depfile d, mmd;
	size_t n_sys;

	if (!have_compiler(cc))
		skip();
	n_sys = system_dirs_of(cc, sys, 31, &err);
	assert_true(n_sys > 0);
	sys[n_sys++] = "sys";
	make_tree(dir, style == DEPFILE_STYLE_GCC);
	for (int mmd_run = 0; mmd_run < 2; mmd_run++) {
		char *argv[] = {(char *)cc,
		                "-I.",
		                "-isystem",
		                "sys",
		                "-Iinc",
		                "-include",
		                "sys/forced.h",
		                mmd_run ? "-MMD" : "-MD",
		                "-MP",
		                "-MF",
		                "out.d",
		                "-c",
		                "main dir/m$in #1.c",
		                "-o",
		                "m.o",
		                NULL};

		assert_int_equal(run_in(dir, argv, NULL), 0);
		snprintf(path, sizeof(path), "%s/out.d", dir);
		assert_int_equal(depfile_read(path, mmd_run ? &mmd : &d), 0);
	}
	{
		const char *forced[] = {"sys/forced.h"};
		struct depfile_search s = {
		        (const char *const *)sys, n_sys, user, 2, forced, 1, NULL};
		const char *targets[] = {"m.o"};
		const bool quoted[] = {true};
		struct depfile_render_opts o = {style, targets, 1, quoted, true};

		assert_true(d.n_prereqs > mmd.n_prereqs + 3); /* stdio.h brings several */
		assert_int_equal(depfile_filter_system(&d, &s), 0);
		assert_int_equal(depfile_render(&d, &o, &got), 0);
		assert_int_equal(depfile_render(&mmd, &o, &want), 0);
	}
	buf_terminate(&got);
	buf_terminate(&want);
	assert_string_equal((char *)got.data, (char *)want.data);
	depfile_free(&d);
	depfile_free(&mmd);
	buf_free(&err);
	buf_free(&got);
	buf_free(&want);
	rmtree(dir);
}

static void test_live_mmd_gcc(void **state)
{
	check_live_mmd("gcc", DEPFILE_STYLE_GCC);
}

static void test_live_mmd_clang(void **state)
{
	check_live_mmd("clang", DEPFILE_STYLE_CLANG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_escapes),
	        cmocka_unit_test(test_parse_continuations),
	        cmocka_unit_test(test_parse_crlf),
	        cmocka_unit_test(test_parse_colons_in_names),
	        cmocka_unit_test(test_parse_raw_mt_target),
	        cmocka_unit_test(test_parse_gcc_phony),
	        cmocka_unit_test(test_parse_clang_phony_finds_source),
	        cmocka_unit_test(test_parse_merges_rules),
	        cmocka_unit_test(test_parse_empty),
	        cmocka_unit_test(test_parse_malformed),
	        cmocka_unit_test(test_read_file),
	        cmocka_unit_test(test_read_refuses_what_is_not_a_file),
	        cmocka_unit_test(test_render_goldens_round_trip),
	        cmocka_unit_test(test_render_for_other_commands),
	        cmocka_unit_test(test_render_parsed_targets),
	        cmocka_unit_test(test_render_gcc_target_order),
	        cmocka_unit_test(test_render_nothing_read),
	        cmocka_unit_test(test_render_tabs),
	        cmocka_unit_test(test_filter_matches_mmd_golden),
	        cmocka_unit_test(test_filter_longest_dir_wins),
	        cmocka_unit_test(test_live_gcc),
	        cmocka_unit_test(test_live_clang),
	        cmocka_unit_test(test_live_mmd_gcc),
	        cmocka_unit_test(test_live_mmd_clang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
