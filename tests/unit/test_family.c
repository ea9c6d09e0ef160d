/* family: the table of compiler families and what the engine asks of a row. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "compiler.h"
#include "family.h"
#include "key.h"
#include "sent_env.h"
#include "testutil.h"

/* Every row answers every question the engine asks. */
static void test_rows_are_complete(void **state)
{
	(void)state;
	assert_non_null(families[0]);
	for (size_t i = 0; families[i]; i++) {
		const struct family *f = families[i];
		size_t n = 0;

		assert_non_null(f->name);
		assert_int_not_equal(f->id, COMPILER_UNKNOWN);
		assert_non_null(f->names);
		assert_non_null(f->classify);
		assert_non_null(f->programs);
		assert_non_null(f->version_arg);
		assert_non_null(f->machine_arg);
		assert_non_null(f->color_always_arg);
		for (; f->env_vars && f->env_vars[n]; n++)
			;
		assert_true(n < FAMILY_ENV_MAX);
		assert_ptr_equal(family_of(f->id), f);
		for (size_t k = 0; k < i; k++)
			assert_int_not_equal(families[k]->id, f->id);
	}
	assert_null(family_of(COMPILER_UNKNOWN));
	assert_string_equal(family_name(COMPILER_UNKNOWN), "unknown");
}

static void test_names(void **state)
{
	static const struct {
		const char *base;
		enum compiler_family id;
		bool cxx;
	} cases[] = {
	        {"gcc", COMPILER_GCC, false},
	        {"gcc-12", COMPILER_GCC, false},
	        {"x86_64-linux-gnu-g++-12", COMPILER_GCC, true},
	        {"cc", COMPILER_GCC, false},
	        {"c++", COMPILER_GCC, true},
	        {"clang", COMPILER_CLANG, false},
	        {"clang++-14", COMPILER_CLANG, true},
	        {"c99-gcc", COMPILER_UNKNOWN, false},
	        {"emcc", COMPILER_EMCC, false},
	        {"em++", COMPILER_EMCC, true},
	        {"emcc.py", COMPILER_UNKNOWN, false},
	        {"wrapper", COMPILER_UNKNOWN, false},
	        {"rustc", COMPILER_RUSTC, false},
	        {"rustdoc", COMPILER_UNKNOWN, false},
	        {"xgcc", COMPILER_UNKNOWN, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool cxx = true;
		const struct family *f = family_from_base(cases[i].base, &cxx);

		if ((f ? f->id : COMPILER_UNKNOWN) != cases[i].id || cxx != cases[i].cxx)
			fail_msg("%s: got %s cxx=%d", cases[i].base, f ? f->name : "none", cxx);
	}
}

static bool sent(const char *name)
{
	for (size_t i = 0; i < sent_env_count; i++)
		if (strcmp(sent_env_vars[i], name) == 0)
			return true;
	return sent_env_prefixed(name, strlen(name));
}

/* The launcher knows no family: what it sends must cover what any family
 * and the key read, or a change of that variable would be a wrong hit. */
static void test_launcher_sends_what_the_server_reads(void **state)
{
	(void)state;
	for (size_t i = 0; i < key_n_env_vars; i++)
		if (strcmp(key_env_vars[i], "ZCCACHE_TTY_COLUMNS") != 0 && !sent(key_env_vars[i]))
			fail_msg("key variable %s is not sent", key_env_vars[i]);
	for (size_t i = 0; i < key_n_driver_debug_env; i++)
		if (!sent(key_driver_debug_env[i]))
			fail_msg("driver log variable %s is not sent", key_driver_debug_env[i]);
	for (size_t i = 0; families[i]; i++) {
		const struct family *f = families[i];

		for (size_t k = 0; f->env_vars && f->env_vars[k]; k++)
			if (!sent(f->env_vars[k]))
				fail_msg("%s variable %s is not sent", f->name, f->env_vars[k]);
		for (size_t k = 0; f->probe_env && f->probe_env[k]; k++)
			if (!sent(f->probe_env[k]))
				fail_msg("%s probe variable %s is not sent", f->name,
				         f->probe_env[k]);
		for (size_t k = 0; f->uncacheable_env && f->uncacheable_env[k]; k++)
			if (!sent(f->uncacheable_env[k]))
				fail_msg("%s variable %s is not sent", f->name,
				         f->uncacheable_env[k]);
		if (f->color_env && !sent(f->color_env))
			fail_msg("%s colour variable %s is not sent", f->name, f->color_env);
		/* a prefix the server keys names only variables sent */
		for (size_t k = 0; f->env_prefixes && f->env_prefixes[k]; k++)
			if (!sent(f->env_prefixes[k]))
				fail_msg("%s prefix %s is not sent", f->name, f->env_prefixes[k]);
	}
	assert_true(sent("PATH"));
	/* emcc reads EM_<KEY> for every key of its config */
	assert_true(sent("EM_BINARYEN_ROOT"));
	assert_true(sent("EMMAKEN_NO_SDK"));
	assert_false(sent_env_prefixed("EMX", 3));
}

/* The helper programs: gcc runs its compiler proper and as; clang none,
 * unless told to use an external assembler. */
static void test_programs(void **state)
{
	static const char *const gcc_argv[] = {"gcc", "-c", "a.c", "-o", "a.o"};
	static const char *const clang_argv[] = {"clang", "-fno-integrated-as", "-c", "a.cc"};
	struct compile_args a;
	const char *progs[4];

	(void)state;
	assert_int_equal(args_classify(5, gcc_argv, "/tmp", &a), 0);
	assert_int_equal(family_of(a.family)->programs(&a, progs, 4), 2);
	assert_string_equal(progs[0], "cc1");
	assert_string_equal(progs[1], "as");
	compile_args_free(&a);
	assert_int_equal(args_classify(4, clang_argv, "/tmp", &a), 0);
	assert_int_equal(family_of(a.family)->programs(&a, progs, 4), 1);
	assert_string_equal(progs[0], "as");
	compile_args_free(&a);
}

/* emcc's settings: ports and @file values are not cached, the rest are
 * keyed with the command; "-s" is a setting, not the linker's strip. */
static void test_emcc_settings(void **state)
{
	static const struct {
		const char *argv[6];
		const char *reason, *reason_arg;
	} cases[] = {
	        {{"emcc", "-sSTRICT=1", "-c", "a.c"}, "none", NULL},
	        {{"emcc", "-s", "ALLOW_MEMORY_GROWTH", "-c", "a.c"}, "none", NULL},
	        {{"em++", "-sUSE_SDL=2", "-c", "a.cc"}, "emscripten_port", "-sUSE_SDL=2"},
	        {{"emcc", "-s", "USE_ZLIB=1", "-c", "a.c"}, "emscripten_port", "USE_ZLIB=1"},
	        {{"emcc", "--use-port=sdl2", "-c", "a.c"}, "emscripten_port", "--use-port=sdl2"},
	        {{"emcc", "-sEXPORTED_FUNCTIONS=@f.txt", "-c", "a.c"},
	         "unsupported_option",
	         "-sEXPORTED_FUNCTIONS=@f.txt"},
	        {{"emcc", "-slowercase", "-c", "a.c"}, "unsupported_option", "-slowercase"},
	        {{"emcc", "--default-obj-ext", ".bc", "-c", "a.c"},
	         "unsupported_option",
	         "--default-obj-ext"},
	        {{"emcc", "-sUSE_SDL=2", "a.c"}, "linking", NULL},
	        {{"emcc", "--cache", "/tmp/c", "-c", "a.c"}, "none", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct compile_args a;
		int argc = 0;

		while (cases[i].argv[argc])
			argc++;
		assert_int_equal(args_classify(argc, cases[i].argv, "/tmp", &a), 0);
		assert_int_equal(a.family, COMPILER_EMCC);
		if (strcmp(uncacheable_reason_name(a.reason), cases[i].reason) != 0)
			fail_msg("case %zu: reason %s", i, uncacheable_reason_name(a.reason));
		if (cases[i].reason_arg)
			assert_string_equal(a.reason_arg, cases[i].reason_arg);
		if (a.reason == UNCACHEABLE_NONE) {
			/* clang's rules: the object and its depfile target */
			assert_string_equal(a.output, "a.o");
			assert_int_equal(family_of(a.family)->programs(&a, NULL, 0), 0);
		}
		compile_args_free(&a);
	}
}

/* rustc as cargo runs it: a library's compile is cached, with its outputs
 * named from --out-dir, --crate-name and -C extra-filename; cargo's
 * questions, binaries and incremental builds are not. */
static void test_rustc_commands(void **state)
{
#define LIB "--crate-name", "u", "--edition=2021", "src/lib.rs", "--crate-type", "lib"
	static const struct {
		const char *argv[32];
		const char *reason, *reason_arg;
	} cases[] = {
	        {{"rustc",
	          LIB,
	          "--emit=dep-info,metadata,link",
	          "-C",
	          "extra-filename=-x",
	          "--out-dir",
	          "/o",
	          "--error-format=json",
	          "--json=artifacts",
	          "--extern",
	          "a=/o/liba.rlib",
	          "-L",
	          "dependency=/o",
	          "--cfg",
	          "feature=\"x\"",
	          "--check-cfg",
	          "cfg(test)",
	          "--cap-lints",
	          "allow",
	          "-Cdebuginfo=2"},
	         "none",
	         NULL},
	        {{"rustc", LIB, "--emit=dep-info,metadata", "--out-dir", "/o"}, "none", NULL},
	        {{"rustc", LIB, "--emit=dep-info,metadata,link", "-C", "incremental=/i"},
	         "rust_incremental",
	         "incremental=/i"},
	        {{"rustc", "--crate-name", "b", "src/main.rs", "--crate-type", "bin",
	          "--emit=dep-info,link"},
	         "none",
	         NULL},
	        {{"rustc", "--crate-name", "m", "src/lib.rs", "--crate-type", "proc-macro",
	          "--emit=dep-info,link", "-C", "link-arg=-Wl,-T,x.ld"},
	         "rust_link",
	         "link-arg=-Wl,-T,x.ld"},
	        {{"rustc", "--crate-name", "s", "src/lib.rs", "--crate-type", "staticlib",
	          "--emit=dep-info,link"},
	         "rust_crate_type",
	         "staticlib"},
	        {{"rustc", LIB, "--emit=link"}, "rust_no_dep_info", NULL},
	        {{"rustc", LIB, "--emit=dep-info,llvm-ir"}, "extra_output", "llvm-ir"},
	        {{"rustc", LIB, "--emit=dep-info,link", "--frobnicate"},
	         "unsupported_option",
	         "--frobnicate"},
	        {{"rustc", "-vV"}, "print_only", "-vV"},
	        {{"rustc", "-", "--crate-name", "___", "--print=file-names"}, "stdin_source", "-"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct compile_args a;
		int argc = 0;

		while (cases[i].argv[argc])
			argc++;
		assert_int_equal(args_classify(argc, cases[i].argv, "/w", &a), 0);
		assert_int_equal(a.family, COMPILER_RUSTC);
		if (strcmp(uncacheable_reason_name(a.reason), cases[i].reason) != 0)
			fail_msg("case %zu: reason %s", i, uncacheable_reason_name(a.reason));
		if (cases[i].reason_arg)
			assert_string_equal(a.reason_arg, cases[i].reason_arg);
		compile_args_free(&a);
	}
	{
		const char *argv[] = {"rustc",
		                      LIB,
		                      "--emit=dep-info,metadata,link",
		                      "-C",
		                      "extra-filename=-x",
		                      "--out-dir",
		                      "/o",
		                      "--extern",
		                      "a=/o/liba.rlib"};
		struct compile_args a;

		assert_int_equal(args_classify(14, argv, "/w", &a), 0);
		assert_int_equal(a.reason, UNCACHEABLE_NONE);
		assert_string_equal(a.source, "src/lib.rs");
		assert_int_equal(a.n_files, 3);
		assert_string_equal(a.files[0], "/o/libu-x.rlib");
		assert_string_equal(a.files[1], "/o/libu-x.rmeta");
		assert_string_equal(a.files[2], "/o/u-x.d");
		assert_string_equal(a.depfile, "/o/u-x.d");
		assert_int_equal(a.n_extra_inputs, 1);
		assert_string_equal(a.extra_inputs[0], "/o/liba.rlib");
		/* the output naming stays in the key: cargo reads those files */
		assert_int_equal(a.n_key_args, 13);
		compile_args_free(&a);
	}
#undef LIB
}

static const char *no_env(void *ctx, const char *name)
{
	return NULL;
}

/* files (n of them, freed here) are want (count of them), in order. */
static void assert_files(char **files, int n, const char *const *want, int count)
{
	assert_int_equal(n, count);
	for (int i = 0; i < n; i++) {
		assert_string_equal(files[i], want[i]);
		free(files[i]);
	}
}

static const char *specs_env(void *ctx, const char *name)
{
	if (strcmp(name, "LIBRARY_PATH") == 0)
		return "/l1::rel";
	if (strcmp(name, "GCC_EXEC_PREFIX") == 0)
		return "/x/gep/";
	return NULL;
}

/* gcc takes a specs file from LIBRARY_PATH's folders and GCC_EXEC_PREFIX
 * (its tool folder too), each with and without <machine>/<version>/, an
 * empty element being the cwd: every such place is keyed. */
static void test_gcc_specs_places(void **state)
{
	const struct family *gcc = family_of(COMPILER_GCC);
	struct compile_args a = {0};
	struct compiler_info ci = {.path = "/usr/bin/gcc", .machine = "m", .version = "9"};
	const char *want[] = {"/x/gep/m/9/specs",  "/x/gep/specs",  "/x/../m/lib/m/9/specs",
	                      "/x/../m/lib/specs", "/l1/m/9/specs", "/l1/specs",
	                      "/w/m/9/specs",      "/w/specs",      "/w/rel/m/9/specs",
	                      "/w/rel/specs"};
	char *files[16];
	int n = gcc->helper_files(&ci, "/w", &a, specs_env, NULL, files, 16);

	assert_files(files, n, want, 10);
	/* More places than room: the compile runs uncached. */
	assert_int_equal(gcc->helper_files(&ci, "/w", &a, specs_env, NULL, files, 3), -E2BIG);
	assert_int_equal(gcc->helper_files(&ci, "/w", &a, no_env, NULL, files, 16), 0);
}

static const char *lp_env(void *ctx, const char *name)
{
	return strcmp(name, "LIBRARY_PATH") == 0 ? "/l" : NULL;
}

/* A relative -specs=f is looked up in those folders too, before the cwd;
 * an absolute one is only itself (the classifier keys it). */
static void test_gcc_specs_option_names(void **state)
{
	const struct family *gcc = family_of(COMPILER_GCC);
	char *argv[] = {
	        "gcc", "-specs=n.specs", "--specs=/abs.specs", "-specs", "sub/x.specs", "-c", "a.c",
	        NULL};
	struct compile_args a = {.argv = argv, .argc = 7};
	struct compiler_info ci = {.path = "/usr/bin/gcc", .machine = "m", .version = "9"};
	const char *want[] = {"/l/m/9/specs", "/l/specs",           "/l/m/9/n.specs",
	                      "/l/n.specs",   "/l/m/9/sub/x.specs", "/l/sub/x.specs"};
	char *files[16];
	int n = gcc->helper_files(&ci, "/w", &a, lp_env, NULL, files, 16);

	assert_files(files, n, want, 6);
}

/* emcc's helper files under a config in root: how many, or -errno. */
static int emcc_helpers(const char *root, const char *config)
{
	const struct family *emcc = family_of(COMPILER_EMCC);
	struct compile_args a = {0};
	struct compiler_info ci = {.path = (char *)tu_in(root, "emcc")};
	char *files[32];
	int n;

	tu_write_file(tu_in(root, ".emscripten"), config, strlen(config), 0644);
	n = emcc->helper_files(&ci, root, &a, no_env, NULL, files, 32);
	for (int i = 0; i < n; i++)
		free(files[i]);
	return n;
}

/* emcc exec's its config: one that reads the environment may take any key
 * from a variable the launcher never sends, so it is not cached. */
static void test_emcc_config_reading_env(void **state)
{
	char root[] = "/tmp/zcc-emroot.XXXXXX";
	const char *plain = "# each key may be set by the EM_<KEY> environment variable\n"
	                    "LLVM_ROOT = '/usr/bin' # getenv in a comment\n"
	                    "NODE_JS = 'a#b' # os.environ\n";

	(void)state;
	assert_non_null(mkdtemp(root));
	tu_write_file(tu_in(root, "emcc"), "", 0, 0755);
	tu_write_file(tu_in(root, "emcc.py"), "", 0, 0644);
	assert_true(emcc_helpers(root, plain) > 0);
	assert_int_equal(emcc_helpers(root, "import os\nLLVM_ROOT = '/usr/bin'\n"
	                                    "BINARYEN_ROOT = os.getenv('BINARYEN', '/usr')\n"),
	                 -ENOTSUP);
	assert_int_equal(emcc_helpers(root, "LLVM_ROOT = '/usr/bin'\n"
	                                    "NODE_JS = '#' + os.environ['NODE']\n"),
	                 -ENOTSUP);
	assert_int_equal(rmtree(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rows_are_complete),
	        cmocka_unit_test(test_names),
	        cmocka_unit_test(test_launcher_sends_what_the_server_reads),
	        cmocka_unit_test(test_programs),
	        cmocka_unit_test(test_emcc_settings),
	        cmocka_unit_test(test_rustc_commands),
	        cmocka_unit_test(test_emcc_config_reading_env),
	        cmocka_unit_test(test_gcc_specs_places),
	        cmocka_unit_test(test_gcc_specs_option_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
