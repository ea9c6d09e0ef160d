/*
 * Unit tests for rust_relocate: which --remap-path-prefix covers the cwd (as
 * rustc picks it), how a key argument names paths under the cwd, and what a
 * relocated result may store: the command's own paths come back as the
 * hit's, anything else holding the cwd is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "buf.h"
#include "reasons.h"
#include "rust_relocate.h"

/* The mapped cwd of cwd under maps, or NULL when none covers it. */
static char *mapped(const char *cwd, char *const *maps, size_t n)
{
	bool nomem;
	char *s = rust_mapped_cwd(cwd, maps, n, &nomem);

	assert_false(nomem);
	return s;
}

static void test_map_covers_by_component(void **state)
{
	char *exact[] = {"/ws/a=/src"}, *slash[] = {"/ws/a/=/src"}, *parent[] = {"/ws=/p"},
	     *sibling[] = {"/ws/ab=/src"}, *dotted[] = {"/ws/./a=/src"};
	char *s;

	(void)state;
	assert_null(mapped("/ws/a", NULL, 0));
	s = mapped("/ws/a", exact, 1);
	assert_string_equal(s, "/src\001");
	free(s);
	s = mapped("/ws/a", slash, 1);
	assert_string_equal(s, "/src\001");
	free(s);
	/* the part below FROM stays: /p/a and /p/b are different outputs */
	s = mapped("/ws/a", parent, 1);
	assert_string_equal(s, "/p\001/a");
	free(s);
	/* a string prefix is not a path prefix */
	assert_null(mapped("/ws/a", sibling, 1));
	/* spelled as rustc would normalize it: not taken as covering */
	assert_null(mapped("/ws/a", dotted, 1));
}

/* The outputs must spell the cwd as it is for the rewrite to find it:
 * rustc's dep-info escapes a space, its JSON a quote, a backslash and
 * control bytes; bytes past ASCII may be re-encoded. */
static void test_cwd_escaped_somewhere_is_not_relocated(void **state)
{
	(void)state;
	assert_true(rust_cwd_relocatable("/ws/a-b_c.d/e+f@g"));
	assert_false(rust_cwd_relocatable("/ws/a b"));
	assert_false(rust_cwd_relocatable("/ws/a\\b"));
	assert_false(rust_cwd_relocatable("/ws/a\"b"));
	assert_false(rust_cwd_relocatable("/ws/a\tb"));
	assert_false(rust_cwd_relocatable("/ws/caf\xc3\xa9"));
}

static void test_last_map_wins(void **state)
{
	char *maps[] = {"/ws/a=/first", "/ws=/second", "/elsewhere=/x"};
	char *s;

	(void)state;
	s = mapped("/ws/a", maps, 3);
	assert_string_equal(s, "/second\001/a");
	free(s);
}

static void test_key_paths_relative_to_cwd(void **state)
{
	static const struct {
		const char *arg, *key;
	} cases[] = {
	        {"/ws/a/model/src/lib.rs", "\001cwd\001/model/src/lib.rs"},
	        {"--out-dir=/ws/a/target/debug/deps", "--out-dir=\001cwd\001/target/debug/deps"},
	        {"dependency=/ws/a/target", "dependency=\001cwd\001/target"},
	        {"serde=/ws/a/t/libserde.rlib", "serde=\001cwd\001/t/libserde.rlib"},
	        {"--remap-path-prefix=/ws/a=/src", "--remap-path-prefix=\001cwd\001=/src"},
	        /* the cwd as a string prefix of another folder, not under it */
	        {"dependency=/ws/ab/target", "dependency=/ws/ab/target"},
	        {"--cfg=feature=\"/ws/a\"", "--cfg=feature=\"/ws/a\""},
	        {"/usr/share/cargo/registry/x/src/lib.rs",
	         "/usr/share/cargo/registry/x/src/lib.rs"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *k = rust_relocated_key("/ws/a", cases[i].arg);

		assert_non_null(k);
		assert_string_equal(k, cases[i].key);
		free(k);
	}
}

/* args naming a dep-info, as the classifier leaves them for a relocated
 * compile. */
static struct compile_args depinfo_args(void)
{
	return (struct compile_args){.family = COMPILER_RUSTC,
	                             .depfile = "target/debug/deps/m-1.d",
	                             .cwd_relocated = true};
}

static void set(struct buf *b, const char *text)
{
	buf_reset(b);
	assert_int_equal(buf_append(b, text, strlen(text)), 0);
}

static bool equals(const struct buf *b, const char *text)
{
	return b->len == strlen(text) && memcmp(b->data, text, b->len) == 0;
}

static void test_depinfo_comes_back_with_the_hits_cwd(void **state)
{
	struct compile_args a = depinfo_args();
	struct buf b = BUF_INIT;

	(void)state;
	set(&b, "/ws/a/target/debug/deps/m-1.d: m/src/lib.rs /ws/a/target/out/gen.rs\n\n"
	        "m/src/lib.rs:\n/ws/a/target/out/gen.rs:\n\n# env-dep:CARGO_PKG_NAME=m\n");
	assert_null(rust_relocate_store(&a, "/ws/a", a.depfile, &b));
	assert_null(memmem(b.data, b.len, "/ws/a", 5));
	assert_int_equal(rust_relocate_restore(&a, "/other/checkout", a.depfile, &b), 0);
	assert_true(equals(&b, "/other/checkout/target/debug/deps/m-1.d: m/src/lib.rs "
	                       "/other/checkout/target/out/gen.rs\n\nm/src/lib.rs:\n"
	                       "/other/checkout/target/out/gen.rs:\n\n"
	                       "# env-dep:CARGO_PKG_NAME=m\n"));
	/* JSON artifact notices on stderr, the same way */
	set(&b, "{\"$message_type\":\"artifact\",\"artifact\":\"/ws/a/t/libm.rmeta\"}\n");
	assert_null(rust_relocate_store(&a, "/ws/a", NULL, &b));
	assert_int_equal(rust_relocate_restore(&a, "/b", NULL, &b), 0);
	assert_true(
	        equals(&b, "{\"$message_type\":\"artifact\",\"artifact\":\"/b/t/libm.rmeta\"}\n"));
	buf_free(&b);
}

static void test_cwd_held_otherwise_is_refused(void **state)
{
	static const char *const refused_text[] = {
	        /* env!() read a path: the crate may hold it */
	        "/ws/a/t/m.d: m/src/lib.rs\n\n# env-dep:OUT_DIR=/ws/a/target/out\n",
	        /* the cwd inside another path, or followed by more of a name */
	        "/x/ws/a/t/m.d: m/src/lib.rs\n",
	        "/ws/a.old/m.d: m/src/lib.rs\n",
	        /* a stand-in already there: which was the cwd? */
	        "\001zccache-cwd\001/m.d: m/src/lib.rs\n",
	};
	struct compile_args a = depinfo_args();
	struct buf b = BUF_INIT;
	const char *embedded = cache_reason_name(CACHE_REASON_RUST_PATH_EMBEDDED);

	(void)state;
	for (size_t i = 0; i < sizeof(refused_text) / sizeof(refused_text[0]); i++) {
		const char *why;

		set(&b, refused_text[i]);
		why = rust_relocate_store(&a, "/ws/a", a.depfile, &b);
		assert_non_null(why);
		assert_string_equal(why, embedded);
	}
	/* an rlib holding the cwd anywhere (a proc macro's string) */
	set(&b, "!<arch>\n\x01\x02/ws/a/usepm\x00more");
	assert_string_equal(rust_relocate_store(&a, "/ws/a", "t/libusepm.rlib", &b), embedded);
	/* one without it is stored as it is, and comes back untouched */
	set(&b, "!<arch>\n/src/usepm\x01\002zccache-cwd");
	assert_null(rust_relocate_store(&a, "/ws/a", "t/libusepm.rlib", &b));
	assert_int_equal(rust_relocate_restore(&a, "/b", "t/libusepm.rlib", &b), 0);
	assert_true(equals(&b, "!<arch>\n/src/usepm\x01\002zccache-cwd"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_map_covers_by_component),
	        cmocka_unit_test(test_last_map_wins),
	        cmocka_unit_test(test_cwd_escaped_somewhere_is_not_relocated),
	        cmocka_unit_test(test_key_paths_relative_to_cwd),
	        cmocka_unit_test(test_depinfo_comes_back_with_the_hits_cwd),
	        cmocka_unit_test(test_cwd_held_otherwise_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
