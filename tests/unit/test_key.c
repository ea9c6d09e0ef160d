/*
 * Unit tests for key: every input that must change the direct key does, and
 * every input that must not (output names, the cwd when nothing records it)
 * doesn't. Commands go through args_classify, as the cache runs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "hash.h"
#include "key.h"

#define MAX_ENV      32
#define MAX_EXTRA    4
#define MAX_PREFIXED 4

/* Everything key_direct depends on, as a request would supply it. */
struct key_case {
	const char *cwd;
	const char *const *argv; /* NULL-terminated */
	const char *compiler;    /* hashed into the compiler id */
	const char *source;      /* hashed into the source digest */
	const char *env[MAX_ENV];
	bool color;
	const char *cpu;
	/* Per extra input the classifier names: present, and its content. */
	bool extra_present[MAX_EXTRA];
	const char *extra_content[MAX_EXTRA];
	/* What the helper programs the driver runs hash to (NULL: none known). */
	const char *programs;
	/* The include search folders, the compiler's own among them (NULL: none). */
	const char *search;
	/* For a family with env_prefixes: the variables they name, set. */
	bool prefixes;
	const char *prefixed_names[MAX_PREFIXED], *prefixed[MAX_PREFIXED];
	size_t n_prefixed;
};

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct key_case base_case(const char *const *argv)
{
	struct key_case c = {
	        .cwd = "/tmp/proj",
	        .argv = argv,
	        .compiler = "gcc 12.2.0 x86_64-linux-gnu",
	        .source = "int main(void) { return 0; }\n",
	};

	for (size_t i = 0; i < MAX_EXTRA; i++) {
		c.extra_present[i] = true;
		c.extra_content[i] = "plugin v1";
	}
	return c;
}

static int argv_count(const char *const *argv)
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

/* Classify c's command (it must be cacheable) and compute its direct key. */
static void key_of(const struct key_case *c, struct digest *out)
{
	struct compile_args a = {0};
	struct key_extra_input extra[MAX_EXTRA];
	struct digest compiler_id, source, programs, search;
	struct key_inputs in;

	assert_true(key_n_env_vars <= MAX_ENV);
	assert_int_equal(args_classify(argv_count(c->argv), c->argv, c->cwd, &a), 0);
	if (a.reason != UNCACHEABLE_NONE)
		fail_msg("%s: not cacheable: %s %s", c->argv[1], uncacheable_reason_name(a.reason),
		         a.reason_arg ? a.reason_arg : "");
	assert_true(a.n_extra_inputs <= MAX_EXTRA);
	for (size_t i = 0; i < a.n_extra_inputs; i++) {
		extra[i].path = a.extra_inputs[i];
		extra[i].present = c->extra_present[i];
		memset(&extra[i].digest, 0, sizeof(extra[i].digest));
		if (c->extra_present[i])
			digest_mem(c->extra_content[i], strlen(c->extra_content[i]),
			           &extra[i].digest);
	}
	digest_mem(c->compiler, strlen(c->compiler), &compiler_id);
	digest_mem(c->source, strlen(c->source), &source);
	in = (struct key_inputs){
	        .args = &a,
	        .compiler_id = &compiler_id,
	        .source = &source,
	        .env = c->env,
	        .color = c->color,
	        .cpu = c->cpu,
	        .extra = extra,
	        .n_extra = a.n_extra_inputs,
	        .cwd = c->cwd,
	};
	if (c->prefixes) {
		in.prefixed_env_names = c->prefixed_names;
		in.prefixed_env = c->prefixed;
		in.n_prefixed_env = c->n_prefixed;
	}
	if (c->programs) {
		digest_mem(c->programs, strlen(c->programs), &programs);
		in.programs = &programs;
	}
	if (c->search) {
		digest_mem(c->search, strlen(c->search), &search);
		in.search = &search;
	}
	key_direct(&in, out);
	compile_args_free(&a);
}

static void assert_same_key(const struct key_case *x, const struct key_case *y, const char *why)
{
	struct digest kx, ky;

	key_of(x, &kx);
	key_of(y, &ky);
	if (!digest_equal(&kx, &ky))
		fail_msg("key changed, but must not: %s", why);
}

static void assert_other_key(const struct key_case *x, const struct key_case *y, const char *why)
{
	struct digest kx, ky;

	key_of(x, &kx);
	key_of(y, &ky);
	if (digest_equal(&kx, &ky))
		fail_msg("key did not change, but must: %s", why);
}

/* Two commands that differ only in what the table row says. */
struct argv_pair {
	const char *why;
	const char *const *a, *const *b;
};

/* ---- stability ---- */

static void test_same_inputs_same_key(void **state)
{
	/* Two classify calls on separately built commands: nothing in the key
	 * may depend on addresses or leftover state. */
	char o1[] = "-O2", o2[] = "-O2";
	const char *argv1[] = {"gcc", "-c", o1, "-DX=1", "-Iinc", "a.c", "-o", "a.o", NULL};
	const char *argv2[] = {"gcc", "-c", o2, "-DX=1", "-Iinc", "a.c", "-o", "a.o", NULL};
	struct key_case x = base_case(argv1), y = base_case(argv2);
	struct digest k1, k2;

	x.env[0] = "/opt/include";
	y.env[0] = "/opt/include";
	assert_same_key(&x, &y, "identical inputs");
	key_of(&x, &k1);
	key_of(&x, &k2);
	assert_true(digest_equal(&k1, &k2));
}

/* ---- what must change the key ---- */

static void test_compiler_identity_changes_key(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "a.c")), y = x;

	y.compiler = "gcc 12.3.0 x86_64-linux-gnu";
	assert_other_key(&x, &y, "compiler identity");
}

static void test_key_arguments_change_key(void **state)
{
	const struct argv_pair pairs[] = {
	        {"a -D added", ARGV("gcc", "-c", "a.c"), ARGV("gcc", "-c", "-DX", "a.c")},
	        {"a -D value", ARGV("gcc", "-c", "-DX=1", "a.c"),
	         ARGV("gcc", "-c", "-DX=2", "a.c")},
	        {"-D vs -U", ARGV("gcc", "-c", "-DX", "a.c"), ARGV("gcc", "-c", "-UX", "a.c")},
	        {"-I order", ARGV("gcc", "-c", "-Ia", "-Ib", "a.c"),
	         ARGV("gcc", "-c", "-Ib", "-Ia", "a.c")},
	        {"-I folder", ARGV("gcc", "-c", "-Ia", "a.c"), ARGV("gcc", "-c", "-Ib", "a.c")},
	        {"-isystem vs -I", ARGV("gcc", "-c", "-isystem", "a", "a.c"),
	         ARGV("gcc", "-c", "-Ia", "a.c")},
	        {"-O level", ARGV("gcc", "-c", "-O1", "a.c"), ARGV("gcc", "-c", "-O2", "a.c")},
	        {"-O added", ARGV("gcc", "-c", "a.c"), ARGV("gcc", "-c", "-O2", "a.c")},
	        {"-std", ARGV("gcc", "-c", "-std=c11", "a.c"),
	         ARGV("gcc", "-c", "-std=c17", "a.c")},
	        {"-W flag", ARGV("gcc", "-c", "-Wall", "a.c"), ARGV("gcc", "-c", "-Wextra", "a.c")},
	        {"-W added", ARGV("gcc", "-c", "a.c"), ARGV("gcc", "-c", "-Werror", "a.c")},
	        {"-g", ARGV("gcc", "-c", "a.c"), ARGV("gcc", "-c", "-g", "a.c")},
	        {"-c vs -S", ARGV("gcc", "-c", "a.c"), ARGV("gcc", "-S", "a.c")},
	        {"-x", ARGV("gcc", "-c", "-x", "c", "a.c"), ARGV("gcc", "-c", "-x", "c++", "a.c")},
	        {"source name", ARGV("gcc", "-c", "a.c"), ARGV("gcc", "-c", "b.c")},
	        {"argument boundaries", ARGV("gcc", "-c", "-DAB", "a.c"),
	         ARGV("gcc", "-c", "-DA", "-DB", "a.c")},
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct key_case x = base_case(pairs[i].a), y = base_case(pairs[i].b);

		assert_other_key(&x, &y, pairs[i].why);
	}
}

static void test_source_digest_changes_key(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "a.c")), y = x;

	y.source = "int main(void) { return 1; }\n";
	assert_other_key(&x, &y, "source content");
}

static void test_each_env_var_changes_key(void **state)
{
	for (size_t i = 0; i < key_n_env_vars; i++) {
		struct key_case unset = base_case(ARGV("gcc", "-c", "a.c"));
		struct key_case empty = unset, one = unset, other = unset, next = unset;
		char why[128];

		empty.env[i] = "";
		one.env[i] = "/opt/one";
		other.env[i] = "/opt/other";
		snprintf(why, sizeof(why), "%s unset vs empty", key_env_vars[i]);
		assert_other_key(&unset, &empty, why);
		snprintf(why, sizeof(why), "%s unset vs set", key_env_vars[i]);
		assert_other_key(&unset, &one, why);
		snprintf(why, sizeof(why), "%s value", key_env_vars[i]);
		assert_other_key(&one, &other, why);
		/* The value must be attributed to its variable. */
		next.env[(i + 1) % key_n_env_vars] = "/opt/one";
		snprintf(why, sizeof(why), "%s vs the next variable", key_env_vars[i]);
		assert_other_key(&one, &next, why);
	}
}

/* emcc's EM_*: a variable set or not, its value, and its name. */
static void test_prefixed_env_changes_key(void **state)
{
	struct key_case none = base_case(ARGV("clang", "-c", "a.c"));
	struct key_case empty, one, other, renamed;

	none.prefixes = true;
	empty = none;
	empty.prefixed_names[0] = "EM_BINARYEN_ROOT";
	empty.prefixed[0] = "";
	empty.n_prefixed = 1;
	one = empty;
	one.prefixed[0] = "/usr";
	other = empty;
	other.prefixed[0] = "/opt";
	renamed = one;
	renamed.prefixed_names[0] = "EM_NODE_JS";
	assert_other_key(&none, &empty, "EM_BINARYEN_ROOT unset vs empty");
	assert_other_key(&empty, &one, "EM_BINARYEN_ROOT empty vs set");
	assert_other_key(&one, &other, "EM_BINARYEN_ROOT value");
	assert_other_key(&one, &renamed, "the variable's name");
}

static void test_color_changes_key(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "a.c")), y = x;

	y.color = true;
	assert_other_key(&x, &y, "diagnostics colour");
}

static void test_cpu_changes_key_with_march_native(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "-march=native", "a.c")), y = x, z = x;
	struct compile_args a = {0};

	assert_int_equal(args_classify(argv_count(x.argv), x.argv, x.cwd, &a), 0);
	assert_true(a.march_native);
	compile_args_free(&a);

	x.cpu = "GenuineIntel 6/85 avx512f";
	y.cpu = "AuthenticAMD 25/33 avx2";
	assert_other_key(&x, &y, "host CPU under -march=native");
	assert_other_key(&x, &z, "host CPU known vs not");
}

static void test_extra_input_changes_key(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "-fplugin=./plug.so", "a.c"));
	struct key_case content = x, absent = x;
	struct key_case renamed = base_case(ARGV("gcc", "-c", "-fplugin=./plug2.so", "a.c"));

	content.extra_content[0] = "plugin v2";
	absent.extra_present[0] = false;
	assert_other_key(&x, &content, "extra input content");
	assert_other_key(&x, &absent, "extra input present vs absent");
	assert_other_key(&x, &renamed, "extra input path");
}

static void test_programs_change_key(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "a.c"));
	struct key_case as1 = x, as2 = x;

	as1.programs = "cc1 /usr/lib/gcc/cc1 as /usr/bin/as v1";
	as2.programs = "cc1 /usr/lib/gcc/cc1 as /home/me/bin/as v2";
	assert_other_key(&as1, &as2, "another assembler first in PATH");
	assert_other_key(&x, &as1, "programs known vs not");
}

static void test_builtin_search_changes_key(void **state)
{
	struct key_case x = base_case(ARGV("clang++", "-c", "a.cc"));
	struct key_case v12 = x, v13 = x;

	/* --gcc-toolchain's newest GCC chose the C++ headers: another one
	 * installed there moves them, and nothing in the command changed. */
	v12.search = "/t/lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12";
	v13.search = "/t/lib/gcc/x86_64-linux-gnu/13/../../../../include/c++/13";
	assert_other_key(&v12, &v13, "a newer GCC installation under the toolchain");
	assert_other_key(&x, &v12, "search known vs not");
}

static void test_driver_language_changes_key(void **state)
{
	/* clang and clang++ are one binary: only the driver name says a .c
	 * file is C++, and it is not among the key arguments. */
	struct key_case c = base_case(ARGV("clang", "-c", "a.c"));
	struct key_case cxx = base_case(ARGV("clang++", "-c", "a.c"));

	cxx.compiler = c.compiler;
	assert_other_key(&c, &cxx, "clang vs clang++ on a .c file");
}

static void test_output_path_changes_key_when_recorded(void **state)
{
	const struct argv_pair pairs[] = {
	        {"-o with -gsplit-dwarf (the .dwo name)",
	         ARGV("gcc", "-c", "-g", "-gsplit-dwarf", "a.c", "-o", "a.o"),
	         ARGV("gcc", "-c", "-g", "-gsplit-dwarf", "a.c", "-o", "b.o")},
	        {"-o with --coverage (the .gcda name)",
	         ARGV("gcc", "-c", "--coverage", "a.c", "-o", "a.o"),
	         ARGV("gcc", "-c", "--coverage", "a.c", "-o", "b.o")},
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct key_case x = base_case(pairs[i].a), y = base_case(pairs[i].b);

		assert_other_key(&x, &y, pairs[i].why);
	}
}

static void test_cwd_changes_key_with_debug_info(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "-g", "a.c")), y = x;
	/* A map that does not cover the cwd leaves it recorded as is. */
	struct key_case mx =
	        base_case(ARGV("gcc", "-c", "-g", "-fdebug-prefix-map=/usr=/u", "a.c"));
	struct key_case my = mx;

	y.cwd = "/tmp/other";
	assert_other_key(&x, &y, "cwd under -g");
	my.cwd = "/tmp/other";
	assert_other_key(&mx, &my, "cwd under -g with an unrelated prefix map");
}

/* ---- what must not change the key ---- */

static void test_output_names_do_not_change_key(void **state)
{
	const struct argv_pair pairs[] = {
	        {"-o path", ARGV("gcc", "-c", "a.c", "-o", "a.o"),
	         ARGV("gcc", "-c", "a.c", "-o", "out/b.o")},
	        {"-o given or not", ARGV("gcc", "-c", "a.c"),
	         ARGV("gcc", "-c", "a.c", "-o", "x.o")},
	        {"-MF path", ARGV("gcc", "-c", "-MD", "-MF", "a.d", "a.c", "-o", "a.o"),
	         ARGV("gcc", "-c", "-MD", "-MF", "dep/b.d", "a.c", "-o", "a.o")},
	        {"-MF joined", ARGV("gcc", "-c", "-MMD", "-MFa.d", "a.c"),
	         ARGV("gcc", "-c", "-MMD", "-MFb.d", "a.c")},
	        {"-Wp,-MD path", ARGV("gcc", "-c", "-Wp,-MD,a.d", "a.c"),
	         ARGV("gcc", "-c", "-Wp,-MD,b.d", "a.c")},
	        {"-o with -MD (the default depfile target)",
	         ARGV("gcc", "-c", "-MD", "a.c", "-o", "a.o"),
	         ARGV("gcc", "-c", "-MD", "a.c", "-o", "b.o")},
	        {"-o with -g (only the cwd and source are recorded)",
	         ARGV("gcc", "-c", "-g", "a.c", "-o", "a.o"),
	         ARGV("gcc", "-c", "-g", "a.c", "-o", "b.o")},
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct key_case x = base_case(pairs[i].a), y = base_case(pairs[i].b);

		assert_same_key(&x, &y, pairs[i].why);
	}
}

/*
 * The depfile is rendered per request from dep_targets, so the names a rule
 * targets do not reach anything the cache stores.
 */
static void test_depfile_targets_do_not_change_key(void **state)
{
	const struct argv_pair pairs[] = {
	        {"-MT value", ARGV("gcc", "-c", "-MD", "-MT", "a.o", "a.c"),
	         ARGV("gcc", "-c", "-MD", "-MT", "obj/a.o", "a.c")},
	        {"-MQ value", ARGV("gcc", "-c", "-MD", "-MQ", "a.o", "a.c"),
	         ARGV("gcc", "-c", "-MD", "-MQ", "$(OBJ)/a.o", "a.c")},
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct key_case x = base_case(pairs[i].a), y = base_case(pairs[i].b);

		assert_same_key(&x, &y, pairs[i].why);
	}
}

static void test_cwd_without_debug_info_does_not_change_key(void **state)
{
	struct key_case x = base_case(ARGV("gcc", "-c", "-O2", "-Iinc", "a.c", "-o", "a.o"));
	struct key_case y = x;

	y.cwd = "/home/someone/else";
	assert_same_key(&x, &y, "cwd without -g");
}

static void test_cwd_mapped_away_does_not_change_key(void **state)
{
	/* The classifier keeps cwd_in_output with the cwd as the map
	 * rewrites it: "." in both checkouts, so both objects are identical
	 * and must share a key. */
	static const struct {
		const char *cwd, *map;
	} checkouts[][2] = {
	        {{"/tmp/a", "-fdebug-prefix-map=/tmp/a=."},
	         {"/tmp/b", "-fdebug-prefix-map=/tmp/b=."}},
	        {{"/tmp/a", "-ffile-prefix-map=/tmp/a=/src"},
	         {"/home/b/work", "-ffile-prefix-map=/home/b/work=/src"}},
	};

	for (size_t i = 0; i < sizeof(checkouts) / sizeof(checkouts[0]); i++) {
		const char *argv_x[] = {"gcc", "-c", "-g", checkouts[i][0].map, "a.c", NULL};
		const char *argv_y[] = {"gcc", "-c", "-g", checkouts[i][1].map, "a.c", NULL};
		struct key_case x = base_case(argv_x), y = base_case(argv_y);
		struct compile_args ax = {0}, ay = {0};

		x.cwd = checkouts[i][0].cwd;
		y.cwd = checkouts[i][1].cwd;
		assert_int_equal(args_classify(argv_count(argv_x), argv_x, x.cwd, &ax), 0);
		assert_int_equal(args_classify(argv_count(argv_y), argv_y, y.cwd, &ay), 0);
		assert_true(ax.cwd_in_output);
		assert_true(ay.cwd_in_output);
		assert_string_equal(ax.output_cwd, ay.output_cwd);
		compile_args_free(&ax);
		compile_args_free(&ay);
		assert_same_key(&x, &y, checkouts[i][0].map);
	}
}

static void test_cwd_mapped_away_same_checkout_same_key(void **state)
{
	/* The same map from the same cwd is stable (the weaker property). */
	struct key_case x =
	        base_case(ARGV("gcc", "-c", "-g", "-fdebug-prefix-map=/tmp/proj=.", "a.c"));
	struct key_case y = x;

	assert_same_key(&x, &y, "same map, same cwd");
}

/* ---- the result key ---- */

static void test_result_key(void **state)
{
	struct digest direct, other_direct, dh, dg, k, k2;
	struct key_file files[2], swapped[2], changed[2], renamed[2];

	digest_mem("direct", 6, &direct);
	digest_mem("direct2", 7, &other_direct);
	digest_mem("#define H 1\n", 12, &dh);
	digest_mem("#define G 1\n", 12, &dg);
	files[0] = (struct key_file){"h.h", dh};
	files[1] = (struct key_file){"/usr/include/g.h", dg};
	swapped[0] = files[1];
	swapped[1] = files[0];
	changed[0] = files[0];
	changed[1] = (struct key_file){"/usr/include/g.h", dh};
	renamed[0] = (struct key_file){"h2.h", dh};
	renamed[1] = files[1];

	key_result(&direct, files, 2, &k);
	key_result(&direct, files, 2, &k2);
	assert_true(digest_equal(&k, &k2));

	key_result(&direct, swapped, 2, &k2);
	assert_false(digest_equal(&k, &k2)); /* include order */
	key_result(&direct, changed, 2, &k2);
	assert_false(digest_equal(&k, &k2)); /* a header's content */
	key_result(&direct, renamed, 2, &k2);
	assert_false(digest_equal(&k, &k2)); /* a header's path */
	key_result(&direct, files, 1, &k2);
	assert_false(digest_equal(&k, &k2)); /* a header fewer */
	key_result(&other_direct, files, 2, &k2);
	assert_false(digest_equal(&k, &k2)); /* the direct key */
	key_result(&direct, NULL, 0, &k2);
	assert_false(digest_equal(&k2, &direct)); /* never the direct key itself */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_same_inputs_same_key),
	        cmocka_unit_test(test_compiler_identity_changes_key),
	        cmocka_unit_test(test_key_arguments_change_key),
	        cmocka_unit_test(test_source_digest_changes_key),
	        cmocka_unit_test(test_each_env_var_changes_key),
	        cmocka_unit_test(test_prefixed_env_changes_key),
	        cmocka_unit_test(test_color_changes_key),
	        cmocka_unit_test(test_cpu_changes_key_with_march_native),
	        cmocka_unit_test(test_extra_input_changes_key),
	        cmocka_unit_test(test_driver_language_changes_key),
	        cmocka_unit_test(test_output_path_changes_key_when_recorded),
	        cmocka_unit_test(test_cwd_changes_key_with_debug_info),
	        cmocka_unit_test(test_output_names_do_not_change_key),
	        cmocka_unit_test(test_depfile_targets_do_not_change_key),
	        cmocka_unit_test(test_cwd_without_debug_info_does_not_change_key),
	        cmocka_unit_test(test_cwd_mapped_away_does_not_change_key),
	        cmocka_unit_test(test_cwd_mapped_away_same_checkout_same_key),
	        cmocka_unit_test(test_result_key),
	        cmocka_unit_test(test_programs_change_key),
	        cmocka_unit_test(test_builtin_search_changes_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
