/*
 * test_args: the classifier against command lines as CMake, meson, autotools,
 * make, the Linux kernel and others really issue them, and against the output
 * naming observed by running gcc 12 and clang 14 (noted beside each case).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "args.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS      256

/* Split a command line on blanks; '...' keeps blanks in a word. */
static int split(const char *cmd, char *buf, size_t bufsz, const char **argv)
{
	int argc = 0;
	char *o = buf;

	assert_true(strlen(cmd) < bufsz);
	for (const char *p = cmd; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		argv[argc++] = o;
		assert_true(argc < MAX_ARGS);
		while (*p && *p != ' ') {
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p++)
					*o++ = *p;
				if (*p)
					p++;
			} else {
				*o++ = *p++;
			}
		}
		*o++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static void classify(const char *cmd, const char *cwd, struct compile_args *a)
{
	static char buf[8192];
	const char *argv[MAX_ARGS + 1];
	int argc = split(cmd, buf, sizeof(buf), argv);

	assert_int_equal(args_classify(argc, argv, cwd, a), 0);
}

/* Does the space-separated list want hold exactly v[0..n)? */
static void assert_list(const char *what, const char *want, char **v, size_t n)
{
	char buf[4096], *save = NULL;
	size_t i = 0;

	snprintf(buf, sizeof(buf), "%s", want ? want : "");
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), i++) {
		if (i >= n)
			fail_msg("%s: missing %s", what, w);
		if (strcmp(w, v[i]) != 0)
			fail_msg("%s[%zu]: want %s, got %s", what, i, w, v[i]);
	}
	if (i != n)
		fail_msg("%s: %zu extra, first %s", what, n - i, v[i]);
}

static void assert_str(const char *what, const char *want, const char *got)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(want, got) != 0)
		fail_msg("%s: want %s, got %s", what, want ? want : "(null)", got ? got : "(null)");
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list ? strstr(list, word) : NULL; p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

struct cmd_case {
	const char *cmd;
	const char *cwd; /* default /src/build */
	const char *reason;
	const char *reason_arg;
	const char *source, *lang, *output, *depfile;
	const char *targets; /* "Q:quoted T:as-is ..." */
	const char *dwo, *gcno, *su;
	/* the booleans that must be true: debug cwd outpath native mmd phony nostdinc cxx asm
	 * pch */
	const char *flags;
	const char *output_cwd; /* default: the cwd itself, when "cwd" is set */
	const char *color;      /* "always", "never"; default auto */
	const char *extra;
	const char *includes; /* NULL: not checked */
	const char *forced;   /* NULL: not checked */
};

static void check_case(const struct cmd_case *c)
{
	const char *cwd = c->cwd ? c->cwd : "/src/build";
	struct compile_args a;
	char targets[4096] = "";
	const char *color;

	classify(c->cmd, cwd, &a);
	if (strcmp(uncacheable_reason_name(a.reason), c->reason) != 0)
		fail_msg("%s\n  reason: want %s, got %s (%s)", c->cmd, c->reason,
		         uncacheable_reason_name(a.reason), a.reason_arg ? a.reason_arg : "-");
	if (c->reason_arg)
		assert_str("reason_arg", c->reason_arg, a.reason_arg);
	if (a.reason != UNCACHEABLE_NONE) {
		compile_args_free(&a);
		return;
	}
	assert_str("source", c->source, a.source);
	assert_str("language", c->lang, a.language);
	assert_str("output", c->output, a.output);
	assert_int_equal(a.output_kind, has_word(c->flags, "asm")   ? OUTPUT_ASSEMBLY
	                                : has_word(c->flags, "pch") ? OUTPUT_PCH
	                                                            : OUTPUT_OBJECT);
	assert_int_equal(a.depfile_wanted, c->depfile != NULL);
	if (c->depfile) {
		assert_str("depfile", c->depfile, a.depfile);
		for (size_t i = 0; i < a.n_dep_targets; i++)
			snprintf(targets + strlen(targets), sizeof(targets) - strlen(targets),
			         "%s%c:%s", i ? " " : "", a.dep_target_quoted[i] ? 'Q' : 'T',
			         a.dep_targets[i]);
		assert_str("targets", c->targets, targets);
	}
	assert_str("dwo", c->dwo, a.dwo);
	assert_str("gcno", c->gcno, a.gcno);
	assert_str("stack_usage", c->su, a.stack_usage);
	assert_int_equal(a.debug_info, has_word(c->flags, "debug"));
	assert_int_equal(a.cwd_in_output, has_word(c->flags, "cwd"));
	if (a.cwd_in_output)
		assert_str("output_cwd", c->output_cwd ? c->output_cwd : cwd, a.output_cwd);
	assert_int_equal(a.output_path_in_output, has_word(c->flags, "outpath"));
	assert_int_equal(a.march_native, has_word(c->flags, "native"));
	assert_int_equal(a.depfile_mmd && a.depfile_wanted, has_word(c->flags, "mmd"));
	assert_int_equal(a.depfile_phony && a.depfile_wanted, has_word(c->flags, "phony"));
	assert_int_equal(a.nostdinc, has_word(c->flags, "nostdinc"));
	assert_int_equal(a.cxx_driver, has_word(c->flags, "cxx"));
	color = a.color == COLOR_ALWAYS ? "always" : a.color == COLOR_NEVER ? "never" : NULL;
	assert_str("color", c->color, color);
	assert_list("extra_inputs", c->extra, a.extra_inputs, a.n_extra_inputs);
	if (c->includes)
		assert_list("include_search", c->includes, a.include_search, a.n_include_search);
	if (c->forced)
		assert_list("forced_includes", c->forced, a.forced_includes, a.n_forced_includes);
	compile_args_free(&a);
}

/* ---- CMake (Ninja and Makefile generators) ---- */

static const struct cmd_case cmake_cases[] = {
        {.cmd = "/usr/bin/c++ -DFOO -I/src/include -O3 -DNDEBUG -std=gnu++17 -MD -MT "
                "CMakeFiles/app.dir/main.cpp.o -MF CMakeFiles/app.dir/main.cpp.o.d -o "
                "CMakeFiles/app.dir/main.cpp.o -c /src/main.cpp",
         .reason = "none",
         .source = "/src/main.cpp",
         .lang = "c++",
         .output = "CMakeFiles/app.dir/main.cpp.o",
         .depfile = "CMakeFiles/app.dir/main.cpp.o.d",
         .targets = "T:CMakeFiles/app.dir/main.cpp.o",
         .flags = "cxx",
         .includes = "/src/include"},
        {.cmd = "/usr/bin/cc -DBAR=1 -I/src/lib/include -g -fPIC -MD -MT "
                "lib/CMakeFiles/foo.dir/foo.c.o "
                "-MF lib/CMakeFiles/foo.dir/foo.c.o.d -o lib/CMakeFiles/foo.dir/foo.c.o -c "
                "/src/lib/foo.c",
         .reason = "none",
         .source = "/src/lib/foo.c",
         .lang = "c",
         .output = "lib/CMakeFiles/foo.dir/foo.c.o",
         .depfile = "lib/CMakeFiles/foo.dir/foo.c.o.d",
         .targets = "T:lib/CMakeFiles/foo.dir/foo.c.o",
         .flags = "debug cwd"},
        {.cmd = "/usr/bin/clang++ -I/src/include -isystem /usr/include/eigen3 -O2 -g -DNDEBUG "
                "-std=c++20 -fcolor-diagnostics -MD -MT CMakeFiles/app.dir/src/a.cpp.o -MF "
                "CMakeFiles/app.dir/src/a.cpp.o.d -o CMakeFiles/app.dir/src/a.cpp.o -c "
                "/src/src/a.cpp",
         .reason = "none",
         .source = "/src/src/a.cpp",
         .lang = "c++",
         .output = "CMakeFiles/app.dir/src/a.cpp.o",
         .depfile = "CMakeFiles/app.dir/src/a.cpp.o.d",
         .targets = "T:CMakeFiles/app.dir/src/a.cpp.o",
         .flags = "cxx debug cwd",
         .color = "always",
         .includes = "/src/include /usr/include/eigen3"},
        {.cmd = "/usr/bin/gcc  -DHAVE_X -I/src -Wall -Wextra -O2 -o CMakeFiles/tool.dir/tool.c.o "
                "-c "
                "/src/tool.c",
         .reason = "none",
         .source = "/src/tool.c",
         .lang = "c",
         .output = "CMakeFiles/tool.dir/tool.c.o"},
        {.cmd = "/usr/bin/c++ -O3 -DNDEBUG -rdynamic CMakeFiles/app.dir/main.cpp.o -o app "
                "-Wl,-rpath,/src/build/lib libfoo.a -lpthread",
         .reason = "linking"},
        {.cmd = "/usr/bin/clang++ -O2 -std=gnu++17 -Xclang -include-pch -Xclang "
                "/src/build/CMakeFiles/app.dir/cmake_pch.hxx.pch -Xclang -include -Xclang "
                "/src/build/CMakeFiles/app.dir/cmake_pch.hxx -MD -MT CMakeFiles/app.dir/main.cpp.o "
                "-MF "
                "CMakeFiles/app.dir/main.cpp.o.d -o CMakeFiles/app.dir/main.cpp.o -c /src/main.cpp",
         .reason = "none",
         .source = "/src/main.cpp",
         .lang = "c++",
         .output = "CMakeFiles/app.dir/main.cpp.o",
         .depfile = "CMakeFiles/app.dir/main.cpp.o.d",
         .targets = "T:CMakeFiles/app.dir/main.cpp.o",
         .flags = "cxx",
         .extra = "/src/build/CMakeFiles/app.dir/cmake_pch.hxx.pch",
         .forced = "/src/build/CMakeFiles/app.dir/cmake_pch.hxx"},
        {.cmd = "/usr/bin/c++ -O2 -std=gnu++17 -x c++-header -include "
                "/src/build/CMakeFiles/app.dir/cmake_pch.hxx -MD -MT "
                "CMakeFiles/app.dir/cmake_pch.hxx.gch -MF CMakeFiles/app.dir/cmake_pch.hxx.gch.d "
                "-o "
                "CMakeFiles/app.dir/cmake_pch.hxx.gch -c "
                "/src/build/CMakeFiles/app.dir/cmake_pch.hxx.cxx",
         .reason = "none",
         .source = "/src/build/CMakeFiles/app.dir/cmake_pch.hxx.cxx",
         .lang = "c++-header",
         .output = "CMakeFiles/app.dir/cmake_pch.hxx.gch",
         .depfile = "CMakeFiles/app.dir/cmake_pch.hxx.gch.d",
         .targets = "T:CMakeFiles/app.dir/cmake_pch.hxx.gch",
         .flags = "cxx cwd outpath pch",
         .forced = "/src/build/CMakeFiles/app.dir/cmake_pch.hxx"},
        {.cmd = "/usr/bin/c++ -DLIB_EXPORTS -I/src/include -O2 -g -DNDEBUG -fPIC "
                "-fvisibility=hidden "
                "-fvisibility-inlines-hidden -std=gnu++14 -o CMakeFiles/lib.dir/x.cpp.o -c "
                "/src/x.cpp",
         .reason = "none",
         .source = "/src/x.cpp",
         .lang = "c++",
         .output = "CMakeFiles/lib.dir/x.cpp.o",
         .flags = "cxx debug cwd"},
        {.cmd = "/usr/bin/g++ -O3 -march=native -std=c++17 -o CMakeFiles/bench.dir/b.cpp.o -c "
                "/src/b.cpp",
         .reason = "none",
         .source = "/src/b.cpp",
         .lang = "c++",
         .output = "CMakeFiles/bench.dir/b.cpp.o",
         .flags = "cxx native"},
        /* gcc 12: -o CMakeFiles/t.dir/t.c.o writes CMakeFiles/t.dir/t.c.gcno */
        {.cmd = "/usr/bin/gcc -g -O0 --coverage -fprofile-arcs -ftest-coverage -o "
                "CMakeFiles/t.dir/t.c.o -c /src/t.c",
         .reason = "none",
         .source = "/src/t.c",
         .lang = "c",
         .output = "CMakeFiles/t.dir/t.c.o",
         .gcno = "CMakeFiles/t.dir/t.c.gcno",
         .flags = "debug cwd outpath"},
        {.cmd = "/usr/bin/cc -o CMakeFiles/cmTC_1a2b3.dir/CheckSymbolExists.c.o -c "
                "/src/build/CMakeFiles/CMakeTmp/CheckSymbolExists.c",
         .reason = "none",
         .source = "/src/build/CMakeFiles/CMakeTmp/CheckSymbolExists.c",
         .lang = "c",
         .output = "CMakeFiles/cmTC_1a2b3.dir/CheckSymbolExists.c.o"},
        {.cmd = "/usr/bin/cc -DFOO -I/src -o CMakeFiles/x.dir/start.S.o -c /src/start.S",
         .reason = "none",
         .source = "/src/start.S",
         .lang = "assembler-with-cpp",
         .output = "CMakeFiles/x.dir/start.S.o"},
        {.cmd = "/usr/bin/cc -v -o CMakeFiles/cmTC_5e6f.dir/CMakeCCompilerABI.c.o -c "
                "/usr/share/cmake-3.25/Modules/CMakeCCompilerABI.c",
         .reason = "print_only",
         .reason_arg = "-v"},
        {.cmd = "/usr/bin/c++ @CMakeFiles/app.dir/includes_CXX.rsp -O2 -o "
                "CMakeFiles/app.dir/main.cpp.o "
                "-c /src/main.cpp",
         .reason = "response_file",
         .reason_arg = "@CMakeFiles/app.dir/includes_CXX.rsp"},
        /* gcc 12: -gsplit-dwarf -o x/m.cpp.o writes x/m.cpp.dwo (last suffix replaced) */
        {.cmd = "/usr/bin/g++ -g -gsplit-dwarf -O2 -o CMakeFiles/app.dir/m.cpp.o -c /src/m.cpp",
         .reason = "none",
         .source = "/src/m.cpp",
         .lang = "c++",
         .output = "CMakeFiles/app.dir/m.cpp.o",
         .dwo = "CMakeFiles/app.dir/m.cpp.dwo",
         .flags = "cxx debug cwd outpath"},
        {.cmd = "/ndk/toolchains/llvm/prebuilt/linux-x86_64/bin/clang++ "
                "--target=aarch64-none-linux-android21 "
                "--sysroot=/ndk/toolchains/llvm/prebuilt/linux-x86_64/sysroot -DANDROID "
                "-fdata-sections "
                "-ffunction-sections -funwind-tables -fstack-protector-strong "
                "-no-canonical-prefixes "
                "-D_FORTIFY_SOURCE=2 -Wformat -Werror=format-security -O3 -DNDEBUG -fPIC -MD -MT "
                "CMakeFiles/native.dir/native.cpp.o -MF CMakeFiles/native.dir/native.cpp.o.d -o "
                "CMakeFiles/native.dir/native.cpp.o -c /src/app/src/main/cpp/native.cpp",
         .reason = "none",
         .source = "/src/app/src/main/cpp/native.cpp",
         .lang = "c++",
         .output = "CMakeFiles/native.dir/native.cpp.o",
         .depfile = "CMakeFiles/native.dir/native.cpp.o.d",
         .targets = "T:CMakeFiles/native.dir/native.cpp.o",
         .flags = "cxx"},
        {.cmd = "/usr/bin/cc -I/src/include -Wall -Wextra -pedantic -std=gnu11 -O2 -g -DNDEBUG -MD "
                "-MT "
                "CMakeFiles/c.dir/x.c.o -MF CMakeFiles/c.dir/x.c.o.d -o CMakeFiles/c.dir/x.c.o -c "
                "/src/x.c",
         .reason = "none",
         .source = "/src/x.c",
         .lang = "c",
         .output = "CMakeFiles/c.dir/x.c.o",
         .depfile = "CMakeFiles/c.dir/x.c.o.d",
         .targets = "T:CMakeFiles/c.dir/x.c.o",
         .flags = "debug cwd"},
        {.cmd = "/usr/bin/gfortran -c /src/m.f90 -o CMakeFiles/m.dir/m.f90.o",
         .reason = "unsupported_compiler"},
        {.cmd = "/usr/bin/clang++ -x cuda --cuda-gpu-arch=sm_70 -c /src/k.cu -o "
                "CMakeFiles/k.dir/k.cu.o",
         .reason = "unsupported_option",
         .reason_arg = "--cuda-gpu-arch=sm_70"},
};

/* ---- meson ---- */

static const struct cmd_case meson_cases[] = {
        {.cmd = "cc -Isrc/libfoo.a.p -Isrc -I../src -fdiagnostics-color=always "
                "-D_FILE_OFFSET_BITS=64 "
                "-Wall -Winvalid-pch -O2 -g -fPIC -MD -MQ src/libfoo.a.p/foo.c.o -MF "
                "src/libfoo.a.p/foo.c.o.d -o src/libfoo.a.p/foo.c.o -c ../src/foo.c",
         .reason = "none",
         .source = "../src/foo.c",
         .lang = "c",
         .output = "src/libfoo.a.p/foo.c.o",
         .depfile = "src/libfoo.a.p/foo.c.o.d",
         .targets = "Q:src/libfoo.a.p/foo.c.o",
         .flags = "debug cwd",
         .color = "always",
         .includes = "src/libfoo.a.p src ../src"},
        {.cmd = "c++ -Iapp.p -I. -I.. -fdiagnostics-color=always -D_GLIBCXX_ASSERTIONS=1 "
                "-D_FILE_OFFSET_BITS=64 -Wall -Winvalid-pch -Wnon-virtual-dtor -std=c++17 -O0 -g "
                "-MD -MQ "
                "app.p/main.cpp.o -MF app.p/main.cpp.o.d -o app.p/main.cpp.o -c ../main.cpp",
         .reason = "none",
         .source = "../main.cpp",
         .lang = "c++",
         .output = "app.p/main.cpp.o",
         .depfile = "app.p/main.cpp.o.d",
         .targets = "Q:app.p/main.cpp.o",
         .flags = "cxx debug cwd",
         .color = "always"},
        {.cmd = "clang -Isrc/z.p -Isrc -I../src -fcolor-diagnostics -D_FILE_OFFSET_BITS=64 -Wall "
                "-Winvalid-pch -Wextra -Werror -std=c11 -O1 -g -fsanitize=address,undefined "
                "-fno-omit-frame-pointer -MD -MQ src/z.p/z.c.o -MF src/z.p/z.c.o.d -o "
                "src/z.p/z.c.o -c "
                "../src/z.c",
         .reason = "none",
         .source = "../src/z.c",
         .lang = "c",
         .output = "src/z.p/z.c.o",
         .depfile = "src/z.p/z.c.o.d",
         .targets = "Q:src/z.p/z.c.o",
         .flags = "debug cwd",
         .color = "always"},
        {.cmd = "cc -Isrc/cache/libzccache-cache.a.p -Isrc/cache -I../src/cache -I. -I.. "
                "-Isrc/common "
                "-I../src/common -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall "
                "-Winvalid-pch "
                "-Wextra -Werror -std=c11 -O2 -g -D_GNU_SOURCE -Wshadow -Wmissing-prototypes "
                "-Wstrict-prototypes -Wformat=2 -Wvla -Wno-unused-parameter -Wimplicit-fallthrough "
                "-Wnull-dereference -fPIC -MD -MQ src/cache/libzccache-cache.a.p/args.c.o -MF "
                "src/cache/libzccache-cache.a.p/args.c.o.d -o "
                "src/cache/libzccache-cache.a.p/args.c.o -c "
                "../src/cache/args.c",
         .reason = "none",
         .source = "../src/cache/args.c",
         .lang = "c",
         .output = "src/cache/libzccache-cache.a.p/args.c.o",
         .depfile = "src/cache/libzccache-cache.a.p/args.c.o.d",
         .targets = "Q:src/cache/libzccache-cache.a.p/args.c.o",
         .flags = "debug cwd",
         .color = "always"},
        {.cmd = "cc -o src/server/zccached src/server/zccached.p/main.c.o -Wl,--as-needed "
                "-Wl,--no-undefined -Wl,--start-group src/common/libzccache-common.a -levent "
                "-llmdb "
                "-Wl,--end-group",
         .reason = "linking"},
        {.cmd = "cc -Ifoo.p -I. -I.. -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall "
                "-Winvalid-pch -O0 -g -MD -MQ foo.p/foo_pch.h.gch -MF foo.p/foo_pch.h.gch.d -o "
                "foo.p/foo_pch.h.gch -c ../pch/foo_pch.h",
         .reason = "none",
         .source = "../pch/foo_pch.h",
         .lang = "c-header",
         .output = "foo.p/foo_pch.h.gch",
         .depfile = "foo.p/foo_pch.h.gch.d",
         .targets = "Q:foo.p/foo_pch.h.gch",
         .flags = "debug cwd outpath pch",
         .color = "always"},
        {.cmd = "cc -Ifoo.p -I. -I.. -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall "
                "-Winvalid-pch -O0 -g -include foo_pch.h -MD -MQ foo.p/a.c.o -MF foo.p/a.c.o.d -o "
                "foo.p/a.c.o -c ../a.c",
         .reason = "none",
         .source = "../a.c",
         .lang = "c",
         .output = "foo.p/a.c.o",
         .depfile = "foo.p/a.c.o.d",
         .targets = "Q:foo.p/a.c.o",
         .flags = "debug cwd",
         .color = "always",
         .forced = "foo_pch.h"},
        {.cmd = "clang++ -Ia.p -I. -I.. -fcolor-diagnostics -stdlib=libc++ -Wall -Winvalid-pch "
                "-std=c++20 -O3 -MD -MQ a.p/b.cc.o -MF a.p/b.cc.o.d -o a.p/b.cc.o -c ../b.cc",
         .reason = "none",
         .source = "../b.cc",
         .lang = "c++",
         .output = "a.p/b.cc.o",
         .depfile = "a.p/b.cc.o.d",
         .targets = "Q:a.p/b.cc.o",
         .flags = "cxx",
         .color = "always"},
        {.cmd = "cc -Ia.p -I. -I.. -I/usr/include/glib-2.0 "
                "-I/usr/lib/x86_64-linux-gnu/glib-2.0/include "
                "-fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall -Winvalid-pch -O2 -g "
                "-pthread "
                "-MD -MQ a.p/x.c.o -MF a.p/x.c.o.d -o a.p/x.c.o -c ../x.c",
         .reason = "none",
         .source = "../x.c",
         .lang = "c",
         .output = "a.p/x.c.o",
         .depfile = "a.p/x.c.o.d",
         .targets = "Q:a.p/x.c.o",
         .flags = "debug cwd",
         .color = "always",
         .includes = "a.p . .. /usr/include/glib-2.0 /usr/lib/x86_64-linux-gnu/glib-2.0/include"},
        {.cmd = "cc -Ia.p -I. -I.. -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall "
                "-Winvalid-pch -O0 -g --coverage -MD -MQ a.p/x.c.o -MF a.p/x.c.o.d -o a.p/x.c.o -c "
                "../x.c",
         .reason = "none",
         .source = "../x.c",
         .lang = "c",
         .output = "a.p/x.c.o",
         .depfile = "a.p/x.c.o.d",
         .targets = "Q:a.p/x.c.o",
         .gcno = "a.p/x.c.gcno",
         .flags = "debug cwd outpath",
         .color = "always"},
        {.cmd = "cc sanitycheckc.c -o sanitycheckc.exe -D_FILE_OFFSET_BITS=64",
         .reason = "linking"},
        {.cmd = "cc /tmp/tmpabc/testfile.c -o /tmp/tmpabc/output.obj -c -D_FILE_OFFSET_BITS=64 -O0 "
                "-Werror=implicit-function-declaration",
         .reason = "none",
         .source = "/tmp/tmpabc/testfile.c",
         .lang = "c",
         .output = "/tmp/tmpabc/output.obj"},
        {.cmd = "cc /tmp/tmpx/testfile.c -E -P -D_FILE_OFFSET_BITS=64 -P -O0",
         .reason = "preprocess_only"},
        {.cmd = "cc --print-search-dirs", .reason = "print_only"},
        {.cmd = "cc -Wl,--version", .reason = "linking"},
};

/* ---- autotools / libtool ---- */

static const struct cmd_case autotools_cases[] = {
        {.cmd = "gcc -DHAVE_CONFIG_H -I. -I..  -g -O2 -MT foo.o -MD -MP -MF .deps/foo.Tpo -c -o "
                "foo.o "
                "foo.c",
         .reason = "none",
         .source = "foo.c",
         .lang = "c",
         .output = "foo.o",
         .depfile = ".deps/foo.Tpo",
         .targets = "T:foo.o",
         .flags = "debug cwd phony",
         .includes = ". .."},
        {.cmd = "gcc -DHAVE_CONFIG_H -I. -I.. -g -O2 -MT libfoo_la-bar.lo -MD -MP -MF "
                ".deps/libfoo_la-bar.Tpo -c bar.c  -fPIC -DPIC -o .libs/libfoo_la-bar.o",
         .reason = "none",
         .source = "bar.c",
         .lang = "c",
         .output = ".libs/libfoo_la-bar.o",
         .depfile = ".deps/libfoo_la-bar.Tpo",
         .targets = "T:libfoo_la-bar.lo",
         .flags = "debug cwd phony"},
        {.cmd = "gcc -DHAVE_CONFIG_H -I. -I.. -g -O2 -MT libfoo_la-bar.lo -MD -MP -MF "
                ".deps/libfoo_la-bar.Tpo -c bar.c -o libfoo_la-bar.o",
         .reason = "none",
         .source = "bar.c",
         .lang = "c",
         .output = "libfoo_la-bar.o",
         .depfile = ".deps/libfoo_la-bar.Tpo",
         .targets = "T:libfoo_la-bar.lo",
         .flags = "debug cwd phony"},
        {.cmd = "gcc -o conftest -g -O2 conftest.c", .reason = "linking"},
        {.cmd = "gcc -c -g -O2 conftest.c",
         .reason = "none",
         .source = "conftest.c",
         .lang = "c",
         .output = "conftest.o",
         .flags = "debug cwd"},
        {.cmd = "gcc -E conftest.c", .reason = "preprocess_only", .reason_arg = "-E"},
        {.cmd = "gcc -DHAVE_CONFIG_H -I. -I./lib -I/usr/include/libxml2 -g -O2 -MT src/prog-main.o "
                "-MD "
                "-MP -MF src/.deps/prog-main.Tpo -c -o src/prog-main.o src/main.c",
         .reason = "none",
         .source = "src/main.c",
         .lang = "c",
         .output = "src/prog-main.o",
         .depfile = "src/.deps/prog-main.Tpo",
         .targets = "T:src/prog-main.o",
         .flags = "debug cwd phony",
         .includes = ". ./lib /usr/include/libxml2"},
        {.cmd = "gcc -std=gnu11 -DHAVE_CONFIG_H -I. -I..    -Wall -W -Wno-unused -g -O2 -MT util.o "
                "-MD "
                "-MP -MF .deps/util.Tpo -c -o util.o ../lib/util.c",
         .reason = "none",
         .source = "../lib/util.c",
         .lang = "c",
         .output = "util.o",
         .depfile = ".deps/util.Tpo",
         .targets = "T:util.o",
         .flags = "debug cwd phony"},
        {.cmd = "g++ -DHAVE_CONFIG_H -I. -I..   -g -O2 -MT x.o -MD -MP -MF .deps/x.Tpo -c -o x.o "
                "x.cc",
         .reason = "none",
         .source = "x.cc",
         .lang = "c++",
         .output = "x.o",
         .depfile = ".deps/x.Tpo",
         .targets = "T:x.o",
         .flags = "cxx debug cwd phony"},
        {.cmd = "gcc -g -O2 -o .libs/prog prog.o  ./.libs/libfoo.so -Wl,-rpath -Wl,/usr/local/lib",
         .reason = "linking"},
        {.cmd = "gcc --version", .reason = "print_only", .reason_arg = "--version"},
        {.cmd = "gcc -c -Werror -Wno-error=unused -g -O2 -pthread conftest.c",
         .reason = "none",
         .source = "conftest.c",
         .lang = "c",
         .output = "conftest.o",
         .flags = "debug cwd"},
};

/* ---- plain make (implicit rules and hand-written ones) ---- */

static const struct cmd_case make_cases[] = {
        {.cmd = "cc -O2 -Wall -c -o main.o main.c",
         .reason = "none",
         .source = "main.c",
         .lang = "c",
         .output = "main.o"},
        {.cmd = "g++ -O2 -std=c++11 -c -o util.o util.cc",
         .reason = "none",
         .source = "util.cc",
         .lang = "c++",
         .output = "util.o",
         .flags = "cxx"},
        {.cmd = "cc -g -I include -DDEBUG -c -o obj/x.o src/x.c",
         .reason = "none",
         .source = "src/x.c",
         .lang = "c",
         .output = "obj/x.o",
         .flags = "debug cwd",
         .includes = "include"},
        {.cmd = "cc -c -o start.o start.s",
         .reason = "none",
         .source = "start.s",
         .lang = "assembler",
         .output = "start.o"},
        {.cmd = "cc main.o util.o -o prog -lm", .reason = "linking"},
        /* gcc 12 and clang 14: -MMD without -MF next to -o build/foo.o is build/foo.d */
        {.cmd = "gcc -Wall -O2 -MMD -MP -c src/foo.c -o build/foo.o",
         .reason = "none",
         .source = "src/foo.c",
         .lang = "c",
         .output = "build/foo.o",
         .depfile = "build/foo.d",
         .targets = "Q:build/foo.o",
         .flags = "mmd phony"},
        {.cmd = "gcc -O2 -o hello hello.c", .reason = "linking"},
        {.cmd = "gcc -c a.c b.c c.c", .reason = "multiple_sources", .reason_arg = "b.c"},
        /* several sources that are not the sum of their own compiles */
        {.cmd = "gcc -c p/x.c q/x.c", .reason = "multi_source_same_output", .reason_arg = "q/x.c"},
        {.cmd = "clang -c a.c a.c", .reason = "multi_source_same_output", .reason_arg = "a.c"},
        {.cmd = "gcc -c a.c b.c -MD -MF all.d",
         .reason = "multi_source_option",
         .reason_arg = "-MF"},
        {.cmd = "gcc -c a.c -Wp,-MD,x.d b.c",
         .reason = "multi_source_option",
         .reason_arg = "-Wp,-MD,x.d"},
        {.cmd = "clang -c a.c b.c -o ab.o", .reason = "multi_source_option", .reason_arg = "-o"},
        {.cmd = "gcc -c -x c a.c -x none b.c",
         .reason = "multi_source_language",
         .reason_arg = "b.c"},
        {.cmd = "cc -c foo.c", .reason = "none", .source = "foo.c", .lang = "c", .output = "foo.o"},
        {.cmd = "c++ -c -O2 -fno-exceptions -fno-rtti widget.C",
         .reason = "none",
         .source = "widget.C",
         .lang = "c++",
         .output = "widget.o",
         .flags = "cxx"},
        {.cmd = "gcc -c -x c++ legacy.c -o legacy.o",
         .reason = "none",
         .source = "legacy.c",
         .lang = "c++",
         .output = "legacy.o"},
        {.cmd = "gcc -MM a.c b.c", .reason = "preprocess_only", .reason_arg = "-MM"},
        {.cmd = "gcc -M -MF deps.mk a.c", .reason = "preprocess_only", .reason_arg = "-M"},
        {.cmd = "cc -c -fsyntax-only lint.c", .reason = "no_output"},
};

/* ---- the Linux kernel (Kbuild), run from the source tree ---- */

#define KCWD "/usr/src/linux"

static const struct cmd_case kernel_cases[] = {
        /* gcc 12: with -Wp,-MMD,f the target is the source's basename with .o, not -o */
        {.cmd = "gcc -Wp,-MMD,drivers/net/.dummy.o.d -nostdinc -I./arch/x86/include "
                "-I./arch/x86/include/generated -I./include -I./arch/x86/include/uapi "
                "-I./arch/x86/include/generated/uapi -I./include/uapi -I./include/generated/uapi "
                "-include ./include/linux/compiler-version.h -include ./include/linux/kconfig.h "
                "-include ./include/linux/compiler_types.h -D__KERNEL__ -fmacro-prefix-map=./= "
                "-std=gnu11 -fshort-wchar -funsigned-char -fno-common -fno-PIE "
                "-fno-strict-aliasing "
                "-mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -fcf-protection=branch "
                "-fno-jump-tables -m64 -falign-jumps=1 -falign-loops=1 -mno-80387 "
                "-mno-fp-ret-in-387 "
                "-mpreferred-stack-boundary=3 -mskip-rax-setup -mtune=generic -mno-red-zone "
                "-mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables "
                "-mindirect-branch=thunk-extern -mindirect-branch-register "
                "-mindirect-branch-cs-prefix -mfunction-return=thunk-extern -mharden-sls=all "
                "-fpatchable-function-entry=16,16 -fno-delete-null-pointer-checks -O2 "
                "-fno-allow-store-data-races -fstack-protector-strong -fno-omit-frame-pointer "
                "-fno-optimize-sibling-calls -ftrivial-auto-var-init=zero "
                "-fno-stack-clash-protection "
                "-fzero-call-used-regs=used-gpr -pg -mrecord-mcount -mfentry -DCC_USING_FENTRY "
                "-falign-functions=16 -fstrict-flex-arrays=3 -fno-strict-overflow -fstack-check=no "
                "-fconserve-stack -Wall -Wundef -Werror=implicit-function-declaration "
                "-Werror=implicit-int -Werror=return-type -Wno-format-security -g -gdwarf-5 "
                "-fsanitize=bounds-strict -fsanitize=shift -DMODULE -DKBUILD_BASENAME=\"dummy\" "
                "-DKBUILD_MODNAME=\"dummy\" -D__KBUILD_MODNAME=kmod_dummy -c -o "
                "drivers/net/dummy.o "
                "drivers/net/dummy.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "drivers/net/dummy.c",
         .lang = "c",
         .output = "drivers/net/dummy.o",
         .depfile = "drivers/net/.dummy.o.d",
         .targets = "Q:dummy.o",
         .flags = "debug cwd mmd nostdinc",
         .includes = "./arch/x86/include ./arch/x86/include/generated ./include "
                     "./arch/x86/include/uapi ./arch/x86/include/generated/uapi ./include/uapi "
                     "./include/generated/uapi",
         .forced = "./include/linux/compiler-version.h ./include/linux/kconfig.h "
                   "./include/linux/compiler_types.h"},
        {.cmd = "gcc -Wp,-MMD,kernel/.fork.o.d -nostdinc -I./include -D__KERNEL__ -O2 "
                "-fplugin=./scripts/gcc-plugins/latent_entropy_plugin.so "
                "-fplugin-arg-latent_entropy_plugin-disable -DLATENT_ENTROPY_PLUGIN -c -o "
                "kernel/fork.o "
                "kernel/fork.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "kernel/fork.c",
         .lang = "c",
         .output = "kernel/fork.o",
         .depfile = "kernel/.fork.o.d",
         .targets = "Q:fork.o",
         .flags = "mmd nostdinc",
         .extra = "./scripts/gcc-plugins/latent_entropy_plugin.so"},
        /* clang 14: with -Wp,-MMD,f the target is the -o path */
        {.cmd = "clang -Wp,-MMD,kernel/.fork.o.d -nostdinc -I./arch/x86/include -I./include "
                "-include "
                "./include/linux/compiler-version.h -D__KERNEL__ -Qunused-arguments "
                "-fmacro-prefix-map=./= -Wall -Wundef --target=x86_64-linux-gnu -fintegrated-as "
                "-Werror=unknown-warning-option -Werror=ignored-optimization-argument -mno-sse "
                "-mno-mmx "
                "-mno-sse2 -mno-3dnow -mno-avx -fcf-protection=branch -fno-jump-tables -m64 "
                "-falign-loops=1 -mno-80387 -mstack-alignment=8 -mskip-rax-setup -mtune=generic "
                "-mno-red-zone -mcmodel=kernel -mretpoline-external-thunk "
                "-mfunction-return=thunk-extern "
                "-fpatchable-function-entry=16,16 -fno-delete-null-pointer-checks -O2 "
                "-fstack-protector-strong -fno-omit-frame-pointer -fno-optimize-sibling-calls "
                "-ftrivial-auto-var-init=zero -fno-stack-clash-protection -pg -mfentry "
                "-DCC_USING_NOP_MCOUNT -DCC_USING_FENTRY -fno-lto -flto=thin -fsplit-lto-unit "
                "-fvisibility=hidden -fno-strict-overflow -fno-stack-check -g -gdwarf-5 "
                "-DKBUILD_MODFILE=\"kernel/fork\" -DKBUILD_BASENAME=\"fork\" "
                "-DKBUILD_MODNAME=\"fork\" "
                "-D__KBUILD_MODNAME=kmod_fork -c -o kernel/fork.o kernel/fork.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "kernel/fork.c",
         .lang = "c",
         .output = "kernel/fork.o",
         .depfile = "kernel/.fork.o.d",
         .targets = "Q:kernel/fork.o",
         .flags = "debug cwd mmd nostdinc",
         /* clang's driver would load a PCH beside the -include */
         .extra = "./include/linux/compiler-version.h.pch "
                  "./include/linux/compiler-version.h.gch"},
        /* the assembler records the cwd itself; no prefix map is trusted for it */
        {.cmd = "gcc -Wp,-MMD,arch/x86/entry/.entry_64.o.d -nostdinc -I./arch/x86/include "
                "-I./include "
                "-include ./include/linux/compiler-version.h -include ./include/linux/kconfig.h "
                "-D__KERNEL__ -fmacro-prefix-map=./= -D__ASSEMBLY__ -fno-PIE -m64 -g -gdwarf-5 -c "
                "-o "
                "arch/x86/entry/entry_64.o arch/x86/entry/entry_64.S",
         .cwd = KCWD,
         .reason = "none",
         .source = "arch/x86/entry/entry_64.S",
         .lang = "assembler-with-cpp",
         .output = "arch/x86/entry/entry_64.o",
         .depfile = "arch/x86/entry/.entry_64.o.d",
         .targets = "Q:entry_64.o",
         .flags = "debug cwd mmd nostdinc"},
        {.cmd = "gcc -Wp,-MMD,scripts/kconfig/.conf.o.d -Wall -Wmissing-prototypes "
                "-Wstrict-prototypes "
                "-O2 -fomit-frame-pointer -std=gnu11 -c -o scripts/kconfig/conf.o "
                "scripts/kconfig/conf.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "scripts/kconfig/conf.c",
         .lang = "c",
         .output = "scripts/kconfig/conf.o",
         .depfile = "scripts/kconfig/.conf.o.d",
         .targets = "Q:conf.o",
         .flags = "mmd"},
        {.cmd = "gcc -Werror -mno-sse -c -x c /dev/null -o .tmp_1234/tmp",
         .cwd = KCWD,
         .reason = "none",
         .source = "/dev/null",
         .lang = "c",
         .output = ".tmp_1234/tmp"},
        {.cmd = "gcc -Wp,-MMD,kernel/.fork.s.d -nostdinc -I./include -D__KERNEL__ -O2 "
                "-fverbose-asm -S "
                "-o kernel/fork.s kernel/fork.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "kernel/fork.c",
         .lang = "c",
         .output = "kernel/fork.s",
         .depfile = "kernel/.fork.s.d",
         .targets = "Q:fork.o",
         .flags = "asm mmd nostdinc"},
        {.cmd = "gcc -E -Wp,-MMD,arch/x86/kernel/.vmlinux.lds.d -nostdinc -I./arch/x86/include "
                "-I./include -P -Ux86 -D__ASSEMBLY__ -DLINKER_SCRIPT -o "
                "arch/x86/kernel/vmlinux.lds "
                "arch/x86/kernel/vmlinux.lds.S",
         .cwd = KCWD,
         .reason = "preprocess_only"},
        {.cmd = "gcc -Wp,-MMD,kernel/.fork.i.d -nostdinc -I./include -D__KERNEL__ -O2 -E -o "
                "kernel/fork.i kernel/fork.c",
         .cwd = KCWD,
         .reason = "preprocess_only"},
        {.cmd = "gcc -Wp,-MMD,drivers/net/.dummy.mod.o.d -nostdinc -I./include -D__KERNEL__ -O2 "
                "-DMODULE "
                "-DKBUILD_BASENAME=\"dummy.mod\" -DKBUILD_MODNAME=\"dummy\" "
                "-D__KBUILD_MODNAME=kmod_dummy "
                "-c -o drivers/net/dummy.mod.o drivers/net/dummy.mod.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "drivers/net/dummy.mod.c",
         .lang = "c",
         .output = "drivers/net/dummy.mod.o",
         .depfile = "drivers/net/.dummy.mod.o.d",
         .targets = "Q:dummy.mod.o",
         .flags = "mmd nostdinc"},
        /* Debian's kernel packaging maps the build directory away */
        {.cmd = "gcc -Wp,-MMD,fs/.inode.o.d -nostdinc -I./include -D__KERNEL__ -O2 -g -gdwarf-5 "
                "-fdebug-prefix-map=/build/linux-6.1=. -c -o fs/inode.o fs/inode.c",
         .cwd = "/build/linux-6.1",
         .reason = "none",
         .source = "fs/inode.c",
         .lang = "c",
         .output = "fs/inode.o",
         .depfile = "fs/.inode.o.d",
         .targets = "Q:inode.o",
         .flags = "debug cwd mmd nostdinc",
         .output_cwd = "."},
        {.cmd = "clang -Wp,-MMD,arch/x86/lib/.memcpy_64.o.d -nostdinc -I./arch/x86/include "
                "-I./include "
                "-D__KERNEL__ --target=x86_64-linux-gnu -fintegrated-as -D__ASSEMBLY__ -fno-PIE "
                "-m64 "
                "-Wa,-gdwarf-5 -c -o arch/x86/lib/memcpy_64.o arch/x86/lib/memcpy_64.S",
         .cwd = KCWD,
         .reason = "none",
         .source = "arch/x86/lib/memcpy_64.S",
         .lang = "assembler-with-cpp",
         .output = "arch/x86/lib/memcpy_64.o",
         .depfile = "arch/x86/lib/.memcpy_64.o.d",
         .targets = "Q:arch/x86/lib/memcpy_64.o",
         .flags = "debug cwd mmd nostdinc"},
        {.cmd = "gcc -Wp,-MMD,arch/x86/entry/vdso/.vma.o.d -nostdinc -I./include -D__KERNEL__ "
                "-mcmodel=small -fPIC -O2 -fasynchronous-unwind-tables -m64 -fno-stack-protector "
                "-fno-omit-frame-pointer -foptimize-sibling-calls -DDISABLE_BRANCH_PROFILING "
                "-DBUILD_VDSO -c -o arch/x86/entry/vdso/vma.o arch/x86/entry/vdso/vma.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "arch/x86/entry/vdso/vma.c",
         .lang = "c",
         .output = "arch/x86/entry/vdso/vma.o",
         .depfile = "arch/x86/entry/vdso/.vma.o.d",
         .targets = "Q:vma.o",
         .flags = "mmd nostdinc"},
        {.cmd = "gcc -Wp,-MMD,mm/.slub.o.d -nostdinc -I./include -D__KERNEL__ -O2 "
                "-fsanitize=kernel-address -fasan-shadow-offset=0xdffffc0000000000 --param "
                "asan-globals=1 --param asan-instrumentation-with-call-threshold=10000 --param "
                "asan-stack=1 --param asan-instrument-allocas=1 -fsanitize-coverage=trace-pc -c -o "
                "mm/slub.o mm/slub.c",
         .cwd = KCWD,
         .reason = "none",
         .source = "mm/slub.c",
         .lang = "c",
         .output = "mm/slub.o",
         .depfile = "mm/.slub.o.d",
         .targets = "Q:slub.o",
         .flags = "mmd nostdinc"},
};

/* ---- other build systems and toolchains ---- */

static const struct cmd_case other_cases[] = {
        /* Bazel */
        {.cmd = "/usr/bin/gcc -U_FORTIFY_SOURCE -fstack-protector -Wall -Wunused-but-set-parameter "
                "-Wno-free-nonheap-object -fno-omit-frame-pointer -g0 -O2 -D_FORTIFY_SOURCE=1 "
                "-DNDEBUG "
                "-ffunction-sections -fdata-sections -std=c++0x -MD -MF "
                "bazel-out/k8-opt/bin/main/_objs/hello-world/hello-world.pic.d "
                "-frandom-seed=bazel-out/k8-opt/bin/main/_objs/hello-world/hello-world.pic.o -fPIC "
                "-iquote . -iquote bazel-out/k8-opt/bin -iquote external/bazel_tools "
                "-Wno-builtin-macro-redefined -D__DATE__=\"redacted\" -D__TIMESTAMP__=\"redacted\" "
                "-D__TIME__=\"redacted\" -c main/hello-world.cc -o "
                "bazel-out/k8-opt/bin/main/_objs/hello-world/hello-world.pic.o",
         .cwd = "/home/u/.cache/bazel/_bazel_u/abc/execroot/__main__",
         .reason = "none",
         .source = "main/hello-world.cc",
         .lang = "c++",
         .output = "bazel-out/k8-opt/bin/main/_objs/hello-world/hello-world.pic.o",
         .depfile = "bazel-out/k8-opt/bin/main/_objs/hello-world/hello-world.pic.d",
         .targets = "Q:bazel-out/k8-opt/bin/main/_objs/hello-world/hello-world.pic.o",
         .includes = ". bazel-out/k8-opt/bin external/bazel_tools"},
        /* GN / Chromium */
        {.cmd = "../../third_party/llvm-build/Release+Asserts/bin/clang++ -MMD -MF "
                "obj/base/base/file.o.d -DUSE_UDEV -I../.. -Igen -fno-delete-null-pointer-checks "
                "-fno-ident -fno-strict-aliasing --param=ssp-buffer-size=4 -fstack-protector "
                "-funwind-tables -fPIC -pthread -fcolor-diagnostics -fmerge-all-constants "
                "-fcrash-diagnostics-dir=../../tools/clang/crashreports -mllvm "
                "-instcombine-lower-dbg-declare=0 -ffp-contract=off -m64 -march=x86-64 -msse3 "
                "-Wno-builtin-macro-redefined -D__DATE__= -D__TIME__= -D__TIMESTAMP__= "
                "-ffile-compilation-dir=. -no-canonical-prefixes -O2 -fdata-sections "
                "-ffunction-sections "
                "-fno-unique-section-names -fno-omit-frame-pointer -g2 -gsplit-dwarf "
                "-fvisibility=hidden -Wheader-hygiene -Wstring-conversion "
                "-Wtautological-overlap-compare -std=c++17 -fno-exceptions -fno-rtti -nostdinc++ "
                "-isystem../../buildtools/third_party/libc++/trunk/include "
                "-fvisibility-inlines-hidden -c ../../base/file.cc -o obj/base/base/file.o",
         .cwd = "/src/chromium/src/out/Release",
         .reason = "none",
         .source = "../../base/file.cc",
         .lang = "c++",
         .output = "obj/base/base/file.o",
         .depfile = "obj/base/base/file.o.d",
         .targets = "Q:obj/base/base/file.o",
         .dwo = "obj/base/base/file.dwo",
         .flags = "cxx debug outpath mmd",
         .color = "always",
         .includes = "../.. gen ../../buildtools/third_party/libc++/trunk/include"},
        /* Rust's cc crate */
        {.cmd = "cc -O2 -ffunction-sections -fdata-sections -fPIC -gdwarf-4 "
                "-fno-omit-frame-pointer -m64 "
                "-I include -Wall -Wextra -o /home/u/proj/target/debug/build/foo-123/out/a.o -c "
                "src/a.c",
         .cwd = "/home/u/proj",
         .reason = "none",
         .source = "src/a.c",
         .lang = "c",
         .output = "/home/u/proj/target/debug/build/foo-123/out/a.o",
         .flags = "debug cwd"},
        /* Python setuptools */
        {.cmd = "x86_64-linux-gnu-gcc -Wno-unused-result -Wsign-compare -DNDEBUG -g -fwrapv -O2 "
                "-Wall -g "
                "-fstack-protector-strong -Wformat -Werror=format-security -g -fwrapv -O2 -fPIC "
                "-I/usr/include/python3.11 -c src/ext.c -o "
                "build/temp.linux-x86_64-cpython-311/src/ext.o",
         .reason = "none",
         .source = "src/ext.c",
         .lang = "c",
         .output = "build/temp.linux-x86_64-cpython-311/src/ext.o",
         .flags = "debug cwd"},
        {.cmd = "x86_64-linux-gnu-g++ -Wno-unused-result -Wsign-compare -DNDEBUG -g -fwrapv -O2 "
                "-Wall "
                "-fPIC -I/usr/include/python3.11 -c src/x.cpp -o "
                "build/temp.linux-x86_64-cpython-311/src/x.o -std=c++17",
         .reason = "none",
         .source = "src/x.cpp",
         .lang = "c++",
         .output = "build/temp.linux-x86_64-cpython-311/src/x.o",
         .flags = "cxx debug cwd"},
        /* Debian packaging: the build directory is mapped to "." */
        {.cmd = "gcc -g -O2 -ffile-prefix-map=/build/pkg-1.0=. -fstack-protector-strong -Wformat "
                "-Werror=format-security -Wdate-time -D_FORTIFY_SOURCE=2 -c foo.c -o foo.o",
         .cwd = "/build/pkg-1.0",
         .reason = "none",
         .source = "foo.c",
         .lang = "c",
         .output = "foo.o",
         .flags = "debug cwd",
         .output_cwd = "."},
        /* Fedora's RPM optflags: the specs files are inputs */
        {.cmd = "gcc -O2 -flto=auto -ffat-lto-objects -fexceptions -g -grecord-gcc-switches -pipe "
                "-Wall "
                "-Werror=format-security -Wp,-D_FORTIFY_SOURCE=2 -Wp,-D_GLIBCXX_ASSERTIONS "
                "-specs=/usr/lib/rpm/redhat/redhat-hardened-cc1 -fstack-protector-strong "
                "-specs=/usr/lib/rpm/redhat/redhat-annobin-cc1 -m64 -mtune=generic "
                "-fasynchronous-unwind-tables -fstack-clash-protection -fcf-protection -c -o "
                "src/x.o "
                "src/x.c",
         .reason = "none",
         .source = "src/x.c",
         .lang = "c",
         .output = "src/x.o",
         .flags = "debug cwd",
         .extra = "/usr/lib/rpm/redhat/redhat-hardened-cc1 /usr/lib/rpm/redhat/redhat-annobin-cc1"},
        /* Go's cgo: the map covers $WORK, not the package directory */
        {.cmd = "gcc -I . -fPIC -m64 -pthread -fmessage-length=0 "
                "-fdebug-prefix-map=/tmp/go-build123/b001=/tmp/go-build -gno-record-gcc-switches "
                "-I "
                "/tmp/go-build123/b001/ -g -O2 -o /tmp/go-build123/b001/_x001.o -c _cgo_export.c",
         .cwd = "/home/u/go/src/example.com/pkg",
         .reason = "none",
         .source = "_cgo_export.c",
         .lang = "c",
         .output = "/tmp/go-build123/b001/_x001.o",
         .flags = "debug cwd",
         .includes = ". /tmp/go-build123/b001/"},
        {.cmd = "gcc -Wall -Werror -c -x c - -o /dev/null", .reason = "stdin_source"},
        {.cmd = "clang --target=aarch64-linux-gnu --sysroot=/opt/sysroot -march=armv8-a -O2 -c "
                "foo.c -o "
                "foo.o",
         .reason = "none",
         .source = "foo.c",
         .lang = "c",
         .output = "foo.o"},
        {.cmd = "clang -target arm-none-eabi -mcpu=cortex-m4 -mthumb -mfloat-abi=hard "
                "-mfpu=fpv4-sp-d16 -ffreestanding -nostdlib -c startup.c -o startup.o",
         .reason = "none",
         .source = "startup.c",
         .lang = "c",
         .output = "startup.o"},
        /* STM32CubeMX Makefile: the assembler listing is an output we cannot restore */
        {.cmd = "arm-none-eabi-gcc -c -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard "
                "-DUSE_HAL_DRIVER -DSTM32F407xx -ICore/Inc -IDrivers/CMSIS/Include -Og -Wall "
                "-fdata-sections -ffunction-sections -g -gdwarf-2 -MMD -MP -MFbuild/main.d "
                "-Wa,-a,-ad,-alms=build/main.lst Core/Src/main.c -o build/main.o",
         .reason = "extra_output",
         .reason_arg = "-Wa,-a,-ad,-alms=build/main.lst"},
        /* STM32CubeIDE: -fstack-usage writes Core/Src/main.su next to the object */
        {.cmd = "arm-none-eabi-gcc ../Core/Src/main.c -mcpu=cortex-m4 -std=gnu11 -g3 -DDEBUG "
                "-DUSE_HAL_DRIVER -DSTM32F407xx -c -I../Core/Inc -O0 -ffunction-sections "
                "-fdata-sections -Wall -fstack-usage -MMD -MP -MFCore/Src/main.d "
                "-MTCore/Src/main.o "
                "--specs=nano.specs -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb -o Core/Src/main.o",
         .cwd = "/home/u/ws/blinky/Debug",
         .reason = "none",
         .source = "../Core/Src/main.c",
         .lang = "c",
         .output = "Core/Src/main.o",
         .depfile = "Core/Src/main.d",
         .targets = "T:Core/Src/main.o",
         .su = "Core/Src/main.su",
         .flags = "debug cwd mmd phony",
         .extra = "nano.specs"},
        {.cmd = "emcc -c foo.c -o foo.o",
         .reason = "none",
         .source = "foo.c",
         .lang = "c",
         .output = "foo.o"},
        {.cmd = "em++ -O2 -sSTRICT=1 -MMD -MP -c foo.c -o obj/foo.o",
         .reason = "none",
         .source = "foo.c",
         .lang = "c++",
         .output = "obj/foo.o",
         .depfile = "obj/foo.d",
         .targets = "Q:obj/foo.o",
         .flags = "cxx mmd phony"},
        {.cmd = "emcc5 -c foo.c -o foo.o", .reason = "unsupported_compiler", .reason_arg = "emcc5"},
        /* gcc's LTO and offload sections record the cwd, even without -g */
        {.cmd = "gcc -fopenmp -O2 -c omp.c -o omp.o",
         .reason = "none",
         .source = "omp.c",
         .lang = "c",
         .output = "omp.o",
         .flags = "cwd"},
        {.cmd = "gcc -flto=auto -ffat-lto-objects -O2 -c a.c -o a.o",
         .reason = "none",
         .source = "a.c",
         .lang = "c",
         .output = "a.o",
         .flags = "cwd"},
        {.cmd = "clang -flto=thin -O2 -c a.c -o a.o",
         .reason = "none",
         .source = "a.c",
         .lang = "c",
         .output = "a.o"},
        {.cmd = "clang -fsanitize=address -fsanitize-ignorelist=/src/asan_ignore.txt -g -c a.c -o "
                "a.o",
         .reason = "none",
         .source = "a.c",
         .lang = "c",
         .output = "a.o",
         .flags = "debug cwd",
         .extra = "/src/asan_ignore.txt"},
        /* gcc 12 reads <cwd>/<-o without suffix>.gcda (strace) */
        {.cmd = "gcc -O2 -fprofile-use -fprofile-correction -c hot.c -o build/hot.o",
         .cwd = "/src",
         .reason = "none",
         .source = "hot.c",
         .lang = "c",
         .output = "build/hot.o",
         .extra = "/src/build/hot.gcda"},
        /* gcc 12 embeds /src/build/hot.gcda in the object */
        {.cmd = "gcc -O2 -fprofile-generate -c hot.c -o build/hot.o",
         .cwd = "/src",
         .reason = "none",
         .source = "hot.c",
         .lang = "c",
         .output = "build/hot.o",
         .flags = "cwd outpath"},
        {.cmd = "clang -O2 -fprofile-instr-use=/src/code.profdata -c hot.c -o hot.o",
         .reason = "none",
         .source = "hot.c",
         .lang = "c",
         .output = "hot.o",
         .extra = "/src/code.profdata"},
        {.cmd = "gcc -save-temps -c a.c", .reason = "extra_output", .reason_arg = "-save-temps"},
        {.cmd = "clang++ -fmodules -fcxx-modules -c m.cpp", .reason = "modules"},
        {.cmd = "g++ -std=c++20 -fmodules-ts -c hello.cc", .reason = "modules"},
        {.cmd = "clang++ -std=c++20 --precompile m.cppm -o m.pcm", .reason = "modules"},
        {.cmd = "clang -arch arm64 -arch x86_64 -c a.c", .reason = "multiple_arch"},
        {.cmd = "gcc -c a.c -o -", .reason = "output_stdout"},
        {.cmd = "x86_64-w64-mingw32-gcc -O2 -c a.c -o a.o",
         .reason = "none",
         .source = "a.c",
         .lang = "c",
         .output = "a.o"},
        {.cmd = "clang-14 -O2 -c a.c",
         .reason = "none",
         .source = "a.c",
         .lang = "c",
         .output = "a.o"},
        /* clang 14: -S with -gsplit-dwarf drops <source basename>.dwo in the cwd */
        {.cmd = "/usr/lib/llvm-14/bin/clang++ -S -g -gsplit-dwarf src/w.cc -o out/w.s",
         .reason = "none",
         .source = "src/w.cc",
         .lang = "c++",
         .output = "out/w.s",
         .dwo = "w.dwo",
         .flags = "cxx asm debug cwd outpath"},
        {.cmd = "gcc -c -aux-info protos.h a.c",
         .reason = "extra_output",
         .reason_arg = "-aux-info"},
        {.cmd = "clang -MJ build/a.o.json -c a.c -o build/a.o", .reason = "extra_output"},
        {.cmd = "gcc -c -fdiagnostics-color=never -Xlinker -rpath -Xlinker /opt/lib a.c",
         .reason = "none",
         .source = "a.c",
         .lang = "c",
         .output = "a.o",
         .color = "never"},
        {.cmd = "gcc -c -fdump-tree-optimized a.c", .reason = "extra_output"},
        {.cmd = "gcc -c a.c -frobnicate",
         .reason = "unsupported_option",
         .reason_arg = "-frobnicate"},
        {.cmd = "gcc -c a.c -o", .reason = "missing_argument", .reason_arg = "-o"},
        {.cmd = "gcc -c", .reason = "no_source"},
        {.cmd = "gcc -c lib.o", .reason = "unknown_language", .reason_arg = "lib.o"},
        {.cmd = "gcc -c -x fortran a.f", .reason = "unknown_language"},
        {.cmd = "gcc -c api.h", .reason = "pch"},
        {.cmd = "gcc -S start.s", .reason = "no_output"},
        {.cmd = "gcc -c -I- a.c", .reason = "unsupported_option", .reason_arg = "-I-"},
        /* gcc takes the last -o, but names a depfile per -o under -MD */
        {.cmd = "gcc -c src/foo.c -o a.o -o b.o",
         .reason = "unsupported_option",
         .reason_arg = "-o"},
        /* the -MD the cache adds would give these a meaning */
        {.cmd = "gcc -c a.c -MF a.d", .reason = "unsupported_option"},
        {.cmd = "clang -c a.c -MT x", .reason = "unsupported_option"},
        {.cmd = "clang -c a.c -MMD -MD", .reason = "unsupported_option"},
        {.cmd = "gcc -c -B/opt/gcc/libexec a.c", .reason = "unsupported_option"},
        {.cmd = "gcc -dumpmachine", .reason = "print_only"},
        {.cmd = "clang -### -c a.c", .reason = "print_only"},
        {.cmd = "gcc -print-file-name=libgcc.a", .reason = "print_only"},
};

static void run_cases(const struct cmd_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_case(&cases[i]);
}

static void test_cmake(void **state)
{
	run_cases(cmake_cases, ARRAY_SIZE(cmake_cases));
}

static void test_meson(void **state)
{
	run_cases(meson_cases, ARRAY_SIZE(meson_cases));
}

static void test_autotools(void **state)
{
	run_cases(autotools_cases, ARRAY_SIZE(autotools_cases));
}

static void test_make(void **state)
{
	run_cases(make_cases, ARRAY_SIZE(make_cases));
}

static void test_kernel(void **state)
{
	run_cases(kernel_cases, ARRAY_SIZE(kernel_cases));
}

static void test_other(void **state)
{
	run_cases(other_cases, ARRAY_SIZE(other_cases));
}

static void test_enough_real_commands(void **state)
{
	size_t n = ARRAY_SIZE(cmake_cases) + ARRAY_SIZE(meson_cases) + ARRAY_SIZE(autotools_cases) +
	           ARRAY_SIZE(make_cases) + ARRAY_SIZE(kernel_cases) + ARRAY_SIZE(other_cases);

	assert_true(n >= 80);
}

/*
 * ---- output naming, as gcc 12 and clang 14 write files ----
 *
 * Observed by running both compilers in an empty directory: the default
 * object drops the last suffix of the source's basename in the cwd; -MD
 * without -MF replaces the last suffix of the output (a leading dot counts:
 * -o out/.hidden gives out/.d for both); .dwo/.gcno/.su replace the last
 * suffix of the output, except that gcc keeps a leading-dot name whole
 * (out/.hidden.dwo) where clang gives out/.dwo.
 */
struct naming_case {
	const char *cmd;
	const char *output, *depfile, *targets, *dwo, *gcno, *su;
};

static const struct naming_case naming_cases[] = {
        {"gcc -c src/foo.c", "foo.o", NULL, NULL, NULL, NULL, NULL},
        {"gcc -S src/foo.c", "foo.s", NULL, NULL, NULL, NULL, NULL},
        {"gcc -c src/foo.bar.c", "foo.bar.o", NULL, NULL, NULL, NULL, NULL},
        {"gcc -c -x c src/noext", "noext.o", NULL, NULL, NULL, NULL, NULL},
        {"gcc -c src/foo.c -ofoo2.o", "foo2.o", NULL, NULL, NULL, NULL, NULL},
        /* -S wins over -c in either order */
        {"gcc -c -S src/foo.c", "foo.s", NULL, NULL, NULL, NULL, NULL},
        {"gcc -c src/foo.c -MD", "foo.o", "foo.d", "Q:foo.o", NULL, NULL, NULL},
        {"gcc -S src/foo.c -MD", "foo.s", "foo.d", "Q:foo.o", NULL, NULL, NULL},
        {"gcc -S src/foo.c -MD -o out/y.s", "out/y.s", "out/y.d", "Q:out/y.s", NULL, NULL, NULL},
        {"gcc -c src/foo.c -MD -o out/x.obj.o", "out/x.obj.o", "out/x.obj.d", "Q:out/x.obj.o", NULL,
         NULL, NULL},
        {"gcc -c src/foo.c -MD -o out/xnosuf", "out/xnosuf", "out/xnosuf.d", "Q:out/xnosuf", NULL,
         NULL, NULL},
        {"gcc -c src/foo.c -MD -o out.d/xnosuf", "out.d/xnosuf", "out.d/xnosuf.d", "Q:out.d/xnosuf",
         NULL, NULL, NULL},
        {"gcc -c src/foo.c -MD -o out/.hidden", "out/.hidden", "out/.d", "Q:out/.hidden", NULL,
         NULL, NULL},
        {"clang -c src/foo.c -MD -o out/.hidden", "out/.hidden", "out/.d", "Q:out/.hidden", NULL,
         NULL, NULL},
        /* a dot file as the source: gcc keeps .hid.o, clang makes .o; both target ".o" */
        {"gcc -c -x c src/.hid -MD", ".hid.o", ".hid.d", "Q:.o", NULL, NULL, NULL},
        {"clang -c -x c src/.hid -MD", ".o", ".d", "Q:.o", NULL, NULL, NULL},
        /* gcc drops a leading ./ from targets, clang keeps it */
        {"gcc -c src/foo.c -MD -o ./out/x.o", "./out/x.o", "./out/x.d", "Q:out/x.o", NULL, NULL,
         NULL},
        {"clang -c src/foo.c -MD -o ./out/x.o", "./out/x.o", "./out/x.d", "Q:./out/x.o", NULL, NULL,
         NULL},
        {"gcc -c src/foo.c -MD -MT ./t1 -MQ .//t3", "foo.o", "foo.d", "T:t1 Q:t3", NULL, NULL,
         NULL},
        /* the last -MF wins; -MT/-MQ replace the default target, in command-line order */
        {"gcc -c src/foo.c -MD -MF out/k.d -MF out/k2.d", "foo.o", "out/k2.d", "Q:foo.o", NULL,
         NULL, NULL},
        {"clang -c src/foo.c -MD -MQ a -MT b -MQ c", "foo.o", "foo.d", "Q:a T:b Q:c", NULL, NULL,
         NULL},
        /* -Wp,-MD: gcc targets the source's basename, clang the -o path */
        {"gcc -S -Wp,-MD,out/k.d src/foo.c -o out/y.s", "out/y.s", "out/k.d", "Q:foo.o", NULL, NULL,
         NULL},
        {"clang -S -Wp,-MD,out/k.d src/foo.c -o out/y.s", "out/y.s", "out/k.d", "Q:out/y.s", NULL,
         NULL, NULL},
        {"clang -c -Wp,-MD,out/k.d src/foo.c", "foo.o", "out/k.d", "Q:foo.o", NULL, NULL, NULL},
        /* no depfile from the assembler or from already preprocessed input */
        {"gcc -c -MD src/a.s", "a.o", NULL, NULL, NULL, NULL, NULL},
        {"clang -c -MD src/c.i", "c.o", NULL, NULL, NULL, NULL, NULL},
        {"gcc -c -MD src/b.S", "b.o", "b.d", "Q:b.o", NULL, NULL, NULL},
        /* split DWARF */
        {"gcc -c -gsplit-dwarf src/foo.c", "foo.o", NULL, NULL, "foo.dwo", NULL, NULL},
        {"clang -c -gsplit-dwarf src/foo.c", "foo.o", NULL, NULL, NULL, NULL, NULL},
        {"clang -c -g -gsplit-dwarf src/foo.c", "foo.o", NULL, NULL, "foo.dwo", NULL, NULL},
        {"gcc -c -g0 -gsplit-dwarf src/foo.c -o out/x.o", "out/x.o", NULL, NULL, "out/x.dwo", NULL,
         NULL},
        {"clang -c -g -g0 -gsplit-dwarf src/foo.c -o out/x.o", "out/x.o", NULL, NULL, NULL, NULL,
         NULL},
        {"gcc -c -g -gsplit-dwarf src/foo.c -o out/x.o.tmp", "out/x.o.tmp", NULL, NULL,
         "out/x.o.dwo", NULL, NULL},
        {"gcc -c -g -gsplit-dwarf src/foo.c -o out/.hidden", "out/.hidden", NULL, NULL,
         "out/.hidden.dwo", NULL, NULL},
        {"clang -c -g -gsplit-dwarf src/foo.c -o out/.hidden", "out/.hidden", NULL, NULL,
         "out/.dwo", NULL, NULL},
        {"gcc -S -g -gsplit-dwarf src/foo.c -o out/x.s", "out/x.s", NULL, NULL, NULL, NULL, NULL},
        {"clang -S -g -gsplit-dwarf src/foo.bar.c -o out/y.s", "out/y.s", NULL, NULL, "foo.bar.dwo",
         NULL, NULL},
        {"clang -c -g -gsplit-dwarf=single src/foo.c -o out/x.o", "out/x.o", NULL, NULL, NULL, NULL,
         NULL},
        {"clang -c -g -gsplit-dwarf -gno-split-dwarf src/foo.c", "foo.o", NULL, NULL, NULL, NULL,
         NULL},
        {"clang -c -gsplit-dwarf src/a.s -o out/x.o", "out/x.o", NULL, NULL, "out/x.dwo", NULL,
         NULL},
        /* coverage notes and stack usage come from cc1: not for assembler sources */
        {"gcc -c --coverage src/foo.c -o out/xnosuf", "out/xnosuf", NULL, NULL, NULL,
         "out/xnosuf.gcno", NULL},
        {"gcc -c --coverage src/foo.c -o out/.hidden", "out/.hidden", NULL, NULL, NULL,
         "out/.hidden.gcno", NULL},
        {"clang -c --coverage src/foo.c -o out/.hidden", "out/.hidden", NULL, NULL, NULL,
         "out/.gcno", NULL},
        {"gcc -S --coverage src/foo.c -o out/x.s", "out/x.s", NULL, NULL, NULL, "out/x.gcno", NULL},
        {"gcc -c -ftest-coverage -fno-test-coverage src/foo.c", "foo.o", NULL, NULL, NULL, NULL,
         NULL},
        {"clang -c --coverage -fno-test-coverage src/foo.c", "foo.o", NULL, NULL, NULL, "foo.gcno",
         NULL},
        {"gcc -c -fprofile-arcs src/foo.c", "foo.o", NULL, NULL, NULL, NULL, NULL},
        {"gcc -c --coverage -fstack-usage src/b.S", "b.o", NULL, NULL, NULL, NULL, NULL},
        {"gcc -c -fstack-usage src/foo.c -o out.d/xnosuf", "out.d/xnosuf", NULL, NULL, NULL, NULL,
         "out.d/xnosuf.su"},
        {"clang -S -fstack-usage src/foo.c -o out/x.s", "out/x.s", NULL, NULL, NULL, NULL,
         "out/x.su"},
        {"clang -c -fstack-usage src/foo.c -o out/.hidden", "out/.hidden", NULL, NULL, NULL, NULL,
         "out/.su"},
        {"gcc -c -g -gsplit-dwarf --coverage -fstack-usage src/c.i -o out/x.o", "out/x.o", NULL,
         NULL, "out/x.dwo", "out/x.gcno", "out/x.su"},
};

static void test_output_naming(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(naming_cases); i++) {
		const struct naming_case *c = &naming_cases[i];
		struct compile_args a;
		char targets[1024] = "";

		classify(c->cmd, "/w", &a);
		if (a.reason != UNCACHEABLE_NONE)
			fail_msg("%s: %s", c->cmd, uncacheable_reason_name(a.reason));
		assert_str(c->cmd, c->output, a.output);
		assert_str(c->cmd, c->depfile, a.depfile_wanted ? a.depfile : NULL);
		for (size_t k = 0; a.depfile_wanted && k < a.n_dep_targets; k++)
			snprintf(targets + strlen(targets), sizeof(targets) - strlen(targets),
			         "%s%c:%s", k ? " " : "", a.dep_target_quoted[k] ? 'Q' : 'T',
			         a.dep_targets[k]);
		assert_str(c->cmd, c->targets, a.depfile_wanted ? targets : NULL);
		assert_str(c->cmd, c->dwo, a.dwo);
		assert_str(c->cmd, c->gcno, a.gcno);
		assert_str(c->cmd, c->su, a.stack_usage);
		compile_args_free(&a);
	}
}

/* ---- the key ---- */

static void assert_key(const char *cmd, const char *want)
{
	struct compile_args a;

	classify(cmd, "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_list(cmd, want, a.key_args, a.n_key_args);
	compile_args_free(&a);
}

static void test_key_drops_only_output_naming(void **state)
{
	/* -o, -MF, -MT, -MQ and their values go (the depfile is rendered per
	 * request); everything else stays, in order */
	assert_key("gcc -DX -c -MD -MF out/a.d -MT t -o out/a.o -Iinc src/a.c -O2",
	           "-DX -c -MD -Iinc src/a.c -O2");
	assert_key("gcc -c -oout/a.o -MMD -MFout/a.d src/a.c", "-c -MMD src/a.c");
	/* the kernel's -Wp,-MMD,path keeps the flag, not the path */
	assert_key("gcc -Wp,-MMD,dir/.a.o.d -nostdinc -c -o dir/a.o dir/a.c",
	           "-Wp,-MMD -nostdinc -c dir/a.c");
	/* link-only flags reach the compiler, so they stay */
	assert_key("gcc -c a.c -Wl,-z,now -L/opt/lib -lfoo", "-c a.c -Wl,-z,now -L/opt/lib -lfoo");
	/* when the object embeds its own path the names stay too */
	assert_key("gcc -c -g -gsplit-dwarf -MD -MF a.d -o out/a.o a.c",
	           "-c -g -gsplit-dwarf -MD -MF a.d -o out/a.o a.c");
	assert_key("gcc -c --coverage -o out/a.o a.c", "-c --coverage -o out/a.o a.c");
	assert_key("clang -c -frecord-command-line -o out/a.o a.c",
	           "-c -frecord-command-line -o out/a.o a.c");
	/* gcc records switches without -o (checked: objects identical) */
	assert_key("gcc -c -g -frecord-gcc-switches -o out/a.o a.c",
	           "-c -g -frecord-gcc-switches a.c");
}

static void test_key_keeps_separate_values_paired(void **state)
{
	/* a value is never mistaken for the source */
	assert_key("clang -c -Xclang -load -Xclang plug.so -include pre.h -x c a.c --param max=1",
	           "-c -Xclang -load -Xclang plug.so -include pre.h -x c a.c --param max=1");
	assert_key("gcc -c -isystem sys -iquote q -idirafter after -L libdir -MD -MT o -o a.o a.c",
	           "-c -isystem sys -iquote q -idirafter after -L libdir -MD a.c");
}

/* ---- response files ---- */

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_tmpdir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_args.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int remove_tmpdir(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * rustc names its folder by getcwd() (the real path), a --remap-path-prefix
 * is matched against that: a checkout entered through a symlink is keyed
 * by both names, never relocated (nor one whose name an output escapes:
 * rust_relocate.h); a plain one the map covers is.
 */
static void test_rustc_remap_real_cwd(void **state)
{
	static const char *const rs = "rustc --crate-type lib --crate-name a --emit=dep-info,link "
	                              "--remap-path-prefix=%s=/src a.rs";
	char base[PATH_MAX], real[PATH_MAX + 8], link[PATH_MAX + 8], cmd[3 * PATH_MAX];
	char want[2 * PATH_MAX + 32];
	struct compile_args a;

	/* /tmp itself may be a symlink */
	assert_non_null(realpath(tmpdir, base));
	snprintf(real, sizeof(real), "%s/real", base);
	snprintf(link, sizeof(link), "%s/link", base);
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);

	snprintf(cmd, sizeof(cmd), rs, real);
	classify(cmd, real, &a);
	assert_true(a.cwd_relocated);
	compile_args_free(&a);
	snprintf(cmd, sizeof(cmd), rs, link);
	classify(cmd, link, &a);
	assert_false(a.cwd_relocated);
	snprintf(want, sizeof(want), "%s\001%s", real, link);
	assert_string_equal(a.output_cwd, want);
	compile_args_free(&a);
}

static void test_response_file_quoting(void **state)
{
	struct compile_args a;
	const char *argv[] = {"gcc", "@r1", "-c", "a.c"};

	/*
	 * gcc 12 and clang 14 (-###) agree: blanks separate, quotes group, a
	 * backslash takes the next character even inside quotes, no comments.
	 */
	write_file("r1", "-DA='x y' -DB=\"p q\" -DC=a\\ b -DD='a\\b'\n"
	                 "-DE=\"a\\\"b\"\t-DF=x'y z'w\"u v\" -DG=''\r\n");
	assert_int_equal(args_classify(4, argv, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_int_equal(a.argc, 10);
	assert_string_equal(a.argv[0], "gcc");
	assert_string_equal(a.argv[1], "-DA=x y");
	assert_string_equal(a.argv[2], "-DB=p q");
	assert_string_equal(a.argv[3], "-DC=a b");
	assert_string_equal(a.argv[4], "-DD=ab");
	assert_string_equal(a.argv[5], "-DE=a\"b");
	assert_string_equal(a.argv[6], "-DF=xy zwu v");
	assert_string_equal(a.argv[7], "-DG=");
	assert_string_equal(a.argv[8], "-c");
	assert_null(a.argv[10]);
	assert_string_equal(a.key_args[0], "-DA=x y");
	compile_args_free(&a);
}

static void test_response_file_nested(void **state)
{
	struct compile_args a;
	const char *argv[] = {"clang", "-c", "@sub/outer", "x.c"};
	char dir[300];

	/* nested names are relative to the cwd, not to the file (both checked) */
	snprintf(dir, sizeof(dir), "%s/sub", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file("sub/outer", "-DOUTER @inner -o out.o");
	write_file("inner", "-DINNER -Iinc");
	write_file("sub/inner", "-DWRONG");
	assert_int_equal(args_classify(4, argv, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_list("key", "-c -DOUTER -DINNER -Iinc x.c", a.key_args, a.n_key_args);
	assert_string_equal(a.output, "out.o");
	assert_list("includes", "inc", a.include_search, a.n_include_search);
	compile_args_free(&a);
}

static void test_response_file_unusable(void **state)
{
	struct compile_args a;
	const char *missing[] = {"gcc", "-c", "@nope", "a.c"};
	const char *loop[] = {"gcc", "-c", "@loop", "a.c"};
	const char *fifo[] = {"gcc", "-c", "@fifo", "a.c"};
	const char *at[] = {"gcc", "-c", "@", "a.c"};
	char path[300];

	assert_int_equal(args_classify(4, missing, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_RESPONSE_FILE);
	assert_string_equal(a.reason_arg, "@nope");
	/* the compilers keep an unreadable @file as a literal argument */
	assert_string_equal(a.argv[2], "@nope");
	compile_args_free(&a);

	write_file("loop", "-DX @loop");
	assert_int_equal(args_classify(4, loop, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_RESPONSE_FILE);
	compile_args_free(&a);

	/* reading a FIFO would steal the compiler's input */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(args_classify(4, fifo, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_RESPONSE_FILE);
	compile_args_free(&a);

	/* a lone "@" is an ordinary (odd) argument */
	assert_int_equal(args_classify(4, at, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_UNKNOWN_LANGUAGE);
	compile_args_free(&a);
}

/* ---- the cwd in the output ---- */

static void assert_cwd(const char *cmd, const char *cwd, bool in_output, const char *as)
{
	struct compile_args a;

	classify(cmd, cwd, &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	if (a.cwd_in_output != in_output)
		fail_msg("%s: cwd_in_output %d", cmd, a.cwd_in_output);
	assert_str(cmd, as, a.output_cwd);
	compile_args_free(&a);
}

static void test_prefix_maps(void **state)
{
	/* no debug info, no cwd */
	assert_cwd("gcc -c a.c", "/w/p", false, NULL);
	assert_cwd("gcc -c -g a.c", "/w/p", true, "/w/p");
	/* plain string prefixes: /w/pro maps /w/proj too (readelf, both) */
	assert_cwd("gcc -c -g -fdebug-prefix-map=/w/pro=/X a.c", "/w/proj", true, "/Xj");
	assert_cwd("clang -c -g -fdebug-prefix-map=/w=/X a.c", "/w/proj", true, "/X/proj");
	/* gcc: the last matching map wins */
	assert_cwd("gcc -c -g -fdebug-prefix-map=/w/p=/X -fdebug-prefix-map=/w=/Y a.c", "/w/p",
	           true, "/Y/p");
	/* clang: the longest old prefix wins, whatever the order */
	assert_cwd("clang -c -g -fdebug-prefix-map=/w/p=/X -fdebug-prefix-map=/w=/Y a.c", "/w/p",
	           true, "/X");
	assert_cwd("clang -c -g -ffile-prefix-map=/w=/Y -ffile-prefix-map=/w=/Z a.c", "/w/p", true,
	           "/w/p");
	/* a map that does not apply leaves the plain cwd */
	assert_cwd("gcc -c -g -fdebug-prefix-map=/elsewhere=. a.c", "/w/p", true, "/w/p");
	/* clang's compilation dir replaces the cwd altogether */
	assert_cwd("clang -c -g -fdebug-compilation-dir=. a.c", "/w/p", false, NULL);
	assert_cwd("clang -c -g -Xclang -fdebug-compilation-dir -Xclang . a.c", "/w/p", false,
	           NULL);
	/* coverage embeds absolute paths no map covers */
	assert_cwd("gcc -c -g --coverage -ffile-prefix-map=/w/p=. a.c", "/w/p", true, "/w/p");
	assert_cwd("clang -c -fprofile-instr-generate -fcoverage-mapping a.c", "/w/p", true,
	           "/w/p");
	assert_cwd("clang -c -fprofile-instr-generate -fcoverage-mapping "
	           "-fcoverage-compilation-dir=. a.c",
	           "/w/p", false, NULL);
	assert_cwd("clang -c -fdiagnostics-absolute-paths a.c", "/w/p", true, "/w/p");
}

/* ---- details of the option table ---- */

static void assert_reason(const char *cmd, enum uncacheable_reason want)
{
	struct compile_args a;

	classify(cmd, "/w", &a);
	if (a.reason != want)
		fail_msg("%s: want %s, got %s (%s)", cmd, uncacheable_reason_name(want),
		         uncacheable_reason_name(a.reason), a.reason_arg ? a.reason_arg : "-");
	compile_args_free(&a);
}

static void test_language_selection(void **state)
{
	struct compile_args a;

	/* -x applies to the inputs after it; -x none goes back to suffixes */
	classify("gcc -c -x c++ a.c -x none", "/w", &a);
	assert_string_equal(a.language, "c++");
	compile_args_free(&a);
	classify("gcc -c -x c -x none a.cpp", "/w", &a);
	assert_string_equal(a.language, "c++");
	compile_args_free(&a);
	classify("gcc -c -xassembler-with-cpp boot.inc", "/w", &a);
	assert_string_equal(a.language, "assembler-with-cpp");
	compile_args_free(&a);
	/* g++ and clang++ compile .c as C++ and .i as C++ output */
	classify("g++ -c a.c", "/w", &a);
	assert_string_equal(a.language, "c++");
	compile_args_free(&a);
	classify("clang++ -c a.i", "/w", &a);
	assert_string_equal(a.language, "c++-cpp-output");
	compile_args_free(&a);
	classify("clang --driver-mode=g++ -c a.c", "/w", &a);
	assert_string_equal(a.language, "c++");
	compile_args_free(&a);
	/* clang's objc alias has gcc's name */
	classify("clang -c -x objc-cpp-output a.mi", "/w", &a);
	assert_string_equal(a.language, "objective-c-cpp-output");
	compile_args_free(&a);
	/* .CC is C++ to clang, a linker input to gcc */
	assert_reason("clang -c a.CC", UNCACHEABLE_NONE);
	assert_reason("gcc -c a.CC", UNCACHEABLE_UNKNOWN_LANGUAGE);
	assert_reason("gcc -c a.hpp", UNCACHEABLE_PCH);
	assert_reason("gcc -c -x c-header a.c", UNCACHEABLE_PCH);
	assert_reason("clang -c a.pch", UNCACHEABLE_PCH);
	assert_reason("clang -c a.cppm", UNCACHEABLE_MODULES);
	assert_reason("gcc -c a.c b.o", UNCACHEABLE_UNKNOWN_LANGUAGE);
	assert_reason("cc -c -", UNCACHEABLE_STDIN_SOURCE);
}

static void test_option_details(void **state)
{
	struct compile_args a;

	/* known-harmless -f options, with no- forms and open-ended families */
	assert_reason("gcc -c -fno-strict-aliasing -fno-builtin-memcpy -ffixed-x18 -fPIC "
	              "-fstack-protector-strong -fvisibility=hidden -fno-PIE a.c",
	              UNCACHEABLE_NONE);
	assert_reason("gcc -c -fnot-an-option a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -fno-stack-usage a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c --frobnicate a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -fopt-info-vec=vec.txt a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("gcc -c -fopt-info-vec a.c", UNCACHEABLE_NONE);
	assert_reason("gcc -c -fcallgraph-info=su a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("clang -c -ftime-trace a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("clang -c -ftime-trace-granularity=50 a.c", UNCACHEABLE_NONE);
	assert_reason("gcc -c -save-temps=obj a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("clang -c -fsave-optimization-record a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("gcc -c -dA -dp a.c", UNCACHEABLE_NONE);
	assert_reason("gcc -c -dD a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -dumpbase x a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -gtoggle a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("clang -c -gmodules a.c", UNCACHEABLE_MODULES);
	assert_reason("clang -c -fmodule-map-file=m.modulemap a.c", UNCACHEABLE_MODULES);
	assert_reason("gcc -c -fpch-preprocess a.c", UNCACHEABLE_PCH);
	assert_reason("gcc -c -fauto-profile a.c", UNCACHEABLE_PROFILE_USE);
	assert_reason("gcc -c -fprofile-use -fprofile-dir=p a.c", UNCACHEABLE_PROFILE_USE);
	assert_reason("gcc -c -MG -MD a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -Wp,-MD,a.d -MD a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -Wp,-MD,a.d,-DX a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -Wp,-DX,-UY a.c", UNCACHEABLE_NONE);
	assert_reason("gcc -c -Wp,-I,inc a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -Wa,--noexecstack,-mrelax-relocations=no a.c", UNCACHEABLE_NONE);
	assert_reason("gcc -c -Wa,-adhln a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("gcc -c -Wa,--MD,a.dep a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("gcc -c -Wa,-Iasminc a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("gcc -c -Xassembler -alh a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("gcc -c -Xpreprocessor -DX a.c", UNCACHEABLE_NONE);
	assert_reason("gcc -c -Xpreprocessor -M a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	assert_reason("clang -c -Xclang -fno-pch-timestamp a.c", UNCACHEABLE_NONE);
	assert_reason("clang -c -Xclang -ast-dump a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	/* the plugin path is the next -Xclang, not the next argument */
	assert_reason("clang -c -Xclang -load a.c", UNCACHEABLE_MISSING_ARGUMENT);
	assert_reason("clang -c -Xclang", UNCACHEABLE_MISSING_ARGUMENT);
	assert_reason("clang -c -emit-llvm a.c", UNCACHEABLE_UNSUPPORTED_OPTION);
	/* gcc reads -emit-llvm as -e mit-llvm, a link option: compiled normally */
	assert_reason("gcc -c -emit-llvm a.c", UNCACHEABLE_NONE);
	assert_reason("clang -c -arch x86_64 -arch x86_64 a.c", UNCACHEABLE_NONE);
	assert_reason("gcc -c a.c -o /dev/null", UNCACHEABLE_NO_OUTPUT);
	assert_reason("gcc -c a.c -o /dev/stdout", UNCACHEABLE_OUTPUT_STDOUT);
	assert_reason("gcc -c a.c -MD -MF -", UNCACHEABLE_OUTPUT_STDOUT);
	assert_reason("gcc -c a.c -Wp,-MD,/dev/stderr", UNCACHEABLE_OUTPUT_STDOUT);
	/* a stray -MF with the assembler writes nothing, so nothing to refuse */
	assert_reason("gcc -c a.s -MD -MF -", UNCACHEABLE_NONE);
	assert_reason("gcc -fsyntax-only a.c", UNCACHEABLE_NO_OUTPUT);
	/* a print option wins over everything, a link over option trouble */
	assert_reason("gcc -c a.c -fnot-an-option --version", UNCACHEABLE_PRINT_ONLY);
	assert_reason("gcc a.c -fnot-an-option -o a", UNCACHEABLE_LINKING);
	assert_reason("gcc -E -c a.c", UNCACHEABLE_PREPROCESS_ONLY);

	/* plugins, lists and profiles are inputs the key must hash */
	classify("clang -c -Xclang -load -Xclang ./plug.so -fsanitize-blacklist=bl.txt "
	         "-fprofile-sample-use=s.prof -fxray-attr-list=x.txt "
	         "-fbasic-block-sections=list=b.txt "
	         "a.c",
	         "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_list("extra", "./plug.so bl.txt s.prof x.txt b.txt", a.extra_inputs,
	            a.n_extra_inputs);
	compile_args_free(&a);

	/* a value handed on to an LLVM pass or a plugin may name a file it
	 * reads: keyed, however it is passed; numbers and booleans name none */
	classify("clang -c -mllvm -dfsan-abilist=abi.txt,b.txt -mllvm -inline-threshold=50 "
	         "-mllvm -opt -mllvm v.txt -Xclang -mllvm -Xclang -x=c.txt "
	         "-Xclang -plugin-arg-p -Xclang p.txt -mllvm -enable-x=true a.c",
	         "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_list("extra", "abi.txt b.txt v.txt c.txt p.txt", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	classify("gcc -c -fplugin=./p.so -fplugin-arg-p-list=l.txt -fplugin-arg-p-off a.c", "/w",
	         &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_list("extra", "./p.so l.txt", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	/* ... and one that writes a file is an output the cache does not keep */
	assert_reason("clang -c -mllvm -info-output-file=i.txt a.c", UNCACHEABLE_EXTRA_OUTPUT);
	assert_reason("clang -c -mllvm -dot-cfg-only a.c", UNCACHEABLE_EXTRA_OUTPUT);

	/* the search path in gcc's order, each kind counted */
	classify("gcc -c -Ia -iquote q1 -isystem s -idirafter d -I b -iquoteq2 a.c", "/w", &a);
	assert_list("search", "q1 q2 a b s d", a.include_search, a.n_include_search);
	assert_int_equal(a.n_include[INCLUDE_QUOTE], 2);
	assert_int_equal(a.n_include[INCLUDE_DIR], 2);
	assert_int_equal(a.n_include[INCLUDE_SYSTEM], 1);
	assert_int_equal(a.n_include[INCLUDE_AFTER], 1);
	compile_args_free(&a);

	/* the last color option wins */
	classify("clang -c -fcolor-diagnostics -fno-color-diagnostics a.c", "/w", &a);
	assert_int_equal(a.color, COLOR_NEVER);
	compile_args_free(&a);
	classify("gcc -c -fno-diagnostics-color -fdiagnostics-color a.c", "/w", &a);
	assert_int_equal(a.color, COLOR_ALWAYS);
	compile_args_free(&a);
	classify("gcc -c -mtune=native a.c", "/w", &a);
	assert_true(a.march_native);
	compile_args_free(&a);
	classify("clang -c -mcpu=native a.c", "/w", &a);
	assert_true(a.march_native);
	compile_args_free(&a);
	/* debug info: -g0 after -g turns it off, -gsplit-dwarf alone does not turn it on */
	classify("gcc -c -g -g0 a.c", "/w", &a);
	assert_false(a.debug_info);
	compile_args_free(&a);
	classify("clang -c -gsplit-dwarf a.c", "/w", &a);
	assert_false(a.debug_info);
	compile_args_free(&a);
	classify("clang -c -gline-tables-only a.c", "/w", &a);
	assert_true(a.debug_info);
	compile_args_free(&a);
}

/*
 * A header compile is cached with its -o (gcc and clang pick their own name
 * without it), as one PCH output (clang's keyed by its inputs' mtimes too,
 * unless -fno-pch-timestamp); -emit-pch of a non-header, -S, side outputs
 * are refused.
 */
static void test_pch_compiles(void **state)
{
	struct compile_args a;

	classify("g++ -O2 -x c++-header -c all.h -o all.h.gch", "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_int_equal(a.output_kind, OUTPUT_PCH);
	assert_string_equal(a.output, "all.h.gch");
	assert_true(a.cwd_in_output && a.output_path_in_output);
	assert_string_equal(a.output_cwd, "/w");
	compile_args_free(&a);
	classify("clang -Xclang -fno-pch-timestamp -fpch-instantiate-templates -Xclang "
	         "-emit-pch -x c-header -c all.h -o all.h.pch",
	         "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_int_equal(a.output_kind, OUTPUT_PCH);
	assert_false(a.pch_mtimes);
	compile_args_free(&a);
	/* ... unless it loads one that records them: clang checks those */
	classify("clang -Xclang -fno-pch-timestamp -include-pch base.pch -x c-header -c all.h "
	         "-o all.h.pch",
	         "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_true(a.pch_mtimes);
	compile_args_free(&a);
	assert_reason("gcc -c all.h", UNCACHEABLE_PCH);
	/* clang's records its inputs' mtimes: keyed too */
	classify("clang -x c-header -c all.h -o all.h.pch", "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_true(a.pch_mtimes);
	compile_args_free(&a);
	assert_reason("gcc -S -x c-header all.h -o all.s", UNCACHEABLE_PCH);
	assert_reason("gcc --coverage -x c-header -c all.h -o all.h.gch", UNCACHEABLE_PCH);
	assert_reason("clang -Xclang -emit-pch -c a.c -o a.o", UNCACHEABLE_PCH);
	assert_reason("gcc -x c-header-cpp-output -c all.i -o all.h.gch", UNCACHEABLE_PCH);
	assert_reason("gcc -c -fpch-preprocess a.c", UNCACHEABLE_PCH);
	/* a unit loading one: keyed by its bytes, and its headers by their
	 * mtimes too (clang checks them against the PCH's record) */
	classify("clang -include-pch all.h.pch -c a.c", "/w", &a);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_true(a.pch_input);
	assert_true(a.pch_mtimes);
	assert_list("extra", "all.h.pch", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	assert_reason("clang -Xclang -include-pch -c a.c", UNCACHEABLE_MISSING_ARGUMENT);
}

static void test_precompiled_header_beside_include(void **state)
{
	struct compile_args a;
	const char *argv[] = {"gcc", "-c", "-include", "all.h", "a.c"};
	const char *clang[] = {"clang", "-c", "-include", "all.h", "a.c"};
	const char *named[] = {"gcc", "-c", "-include", "all.h.gch", "a.c"};

	/* gcc 12 uses all.h.gch for -include all.h, found by the include
	 * search (manifest.c keys it); clang's driver all.h.pch, else
	 * all.h.gch, keyed by content or absence here. */
	write_file("all.h.gch", "");
	assert_int_equal(args_classify(5, argv, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_list("forced", "all.h", a.forced_includes, a.n_forced_includes);
	assert_int_equal(a.n_extra_inputs, 0);
	compile_args_free(&a);
	assert_int_equal(args_classify(5, clang, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_NONE);
	assert_list("extra", "all.h.pch all.h.gch", a.extra_inputs, a.n_extra_inputs);
	assert_true(a.pch_input);
	assert_true(a.pch_mtimes);
	compile_args_free(&a);
	assert_int_equal(args_classify(5, named, tmpdir, &a), 0);
	assert_int_equal(a.reason, UNCACHEABLE_PCH);
	compile_args_free(&a);
}

/*
 * Profile data paths, each confirmed with strace on gcc 12 / clang 14:
 * -fprofile-use=dir reads dir/#cwd#out#x.gcda ('/' -> '#'); with an
 * absolute -o it reads dir//abs/x.gcda; clang reads default.profdata from
 * the cwd or from a directory given.
 */
static void test_profile_data_paths(void **state)
{
	struct compile_args a;
	const char *dir_use[] = {"clang", "-c", "-fprofile-use=prof", "a.c"};
	const char *file_use[] = {"clang", "-c", "-fprofile-use=prof/app.profdata", "a.c"};
	char path[300];

	classify("gcc -c -fprofile-use=pdir -o out/x.o a.c", "/tmp/pa", &a);
	assert_list("extra", "pdir/#tmp#pa#out#x.gcda", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	classify("gcc -c -fprofile-use=pdir a.c", "/tmp/pa", &a);
	assert_list("extra", "pdir/#tmp#pa#a.gcda", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	classify("gcc -c -fprofile-use=/p -o /tmp/pa/out/x.o a.c", "/tmp/pa", &a);
	assert_list("extra", "/p//tmp/pa/out/x.gcda", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	classify("gcc -c -fprofile-use -o out/.hid a.c", "/tmp/pa", &a);
	assert_list("extra", "/tmp/pa/out/.hid.gcda", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	classify("gcc -c -fprofile-use -fno-profile-use a.c", "/tmp/pa", &a);
	assert_int_equal(a.n_extra_inputs, 0);
	compile_args_free(&a);
	/* ".." in the output mangles to "^": not modelled */
	assert_reason("gcc -c -fprofile-use=pdir -o ../o/x.o a.c", UNCACHEABLE_PROFILE_USE);
	classify("clang -c -fprofile-use a.c", "/tmp/pa", &a);
	assert_list("extra", "default.profdata", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);

	snprintf(path, sizeof(path), "%s/prof", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(args_classify(4, dir_use, tmpdir, &a), 0);
	assert_list("extra", "prof/default.profdata", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
	assert_int_equal(args_classify(4, file_use, tmpdir, &a), 0);
	assert_list("extra", "prof/app.profdata", a.extra_inputs, a.n_extra_inputs);
	compile_args_free(&a);
}

static void test_family_from_name(void **state)
{
	static const struct {
		const char *name;
		enum compiler_family family;
	} names[] = {
	        {"gcc", COMPILER_GCC},
	        {"g++", COMPILER_GCC},
	        {"cc", COMPILER_GCC},
	        {"c++", COMPILER_GCC},
	        {"/usr/bin/x86_64-linux-gnu-gcc-12", COMPILER_GCC},
	        {"arm-none-eabi-g++", COMPILER_GCC},
	        {"gcc-12.2", COMPILER_GCC},
	        {"clang", COMPILER_CLANG},
	        {"clang-14", COMPILER_CLANG},
	        {"/usr/bin/clang++-14", COMPILER_CLANG},
	        {"/usr/lib/llvm-14/bin/clang++", COMPILER_CLANG},
	        {"x86_64-pc-linux-gnu-clang", COMPILER_CLANG},
	        {"gcc-ar-12", COMPILER_UNKNOWN},
	        {"clang-format", COMPILER_UNKNOWN},
	        {"clang-cpp-14", COMPILER_UNKNOWN},
	        {"clang-cl", COMPILER_UNKNOWN},
	        {"c99-gcc", COMPILER_UNKNOWN},
	        {"emcc", COMPILER_EMCC},
	        {"/usr/bin/em++", COMPILER_EMCC},
	        {"/usr/share/emscripten/wrapper", COMPILER_UNKNOWN},
	        {"tcc", COMPILER_UNKNOWN},
	        {"gfortran", COMPILER_UNKNOWN},
	        {"", COMPILER_UNKNOWN},
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (args_family_from_name(names[i].name) != names[i].family)
			fail_msg("%s", names[i].name);
	assert_int_equal(args_family_from_name(NULL), COMPILER_UNKNOWN);
}

static void test_classify_as_resolved_compiler(void **state)
{
	struct compile_args a;
	const char *argv[] = {"cc", "-c", "-Wp,-MD,a.d", "a.c", "-o", "o/a.o"};

	/* cc that is really clang: -Wp,-MD targets the -o path */
	assert_int_equal(args_classify_as("/usr/lib/llvm-14/bin/clang", 6, argv, "/w", &a), 0);
	assert_int_equal(a.family, COMPILER_CLANG);
	assert_string_equal(a.dep_targets[0], "o/a.o");
	compile_args_free(&a);
	assert_int_equal(args_classify(6, argv, "/w", &a), 0);
	assert_int_equal(a.family, COMPILER_GCC);
	assert_string_equal(a.dep_targets[0], "a.o");
	compile_args_free(&a);
}

static void test_reason_names(void **state)
{
	static const char *const want[] = {
	        "none",
	        "linking",
	        "preprocess_only",
	        "print_only",
	        "no_source",
	        "multiple_sources",
	        "stdin_source",
	        "output_stdout",
	        "no_output",
	        "unknown_language",
	        "pch",
	        "modules",
	        "profile_use",
	        "extra_output",
	        "multiple_arch",
	        "response_file",
	        "missing_argument",
	        "unsupported_option",
	        "unsupported_compiler",
	        "emscripten_port",
	        "rust_crate_type",
	        "rust_incremental",
	        "rust_no_dep_info",
	        "multi_source_same_output",
	        "multi_source_option",
	        "multi_source_language",
	        "rust_link",
	};

	assert_int_equal(ARRAY_SIZE(want), UNCACHEABLE_REASON_COUNT);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(uncacheable_reason_name((enum uncacheable_reason)i), want[i]);
	assert_string_equal(uncacheable_reason_name(UNCACHEABLE_REASON_COUNT), "unknown");
}

/* A split names each source by its place in argv, options kept around them. */
static void test_multi_source_args(void **state)
{
	struct compile_args a;
	const char *argv[] = {"gcc", "-O2", "a.c", "-c", "sub/b.c", "-MD", "c.cc"};

	assert_int_equal(args_classify(7, argv, "/w", &a), 0);
	assert_string_equal(uncacheable_reason_name(a.reason), "multiple_sources");
	assert_int_equal(a.n_source_args, 3);
	assert_int_equal(a.source_args[0], 2);
	assert_int_equal(a.source_args[1], 4);
	assert_int_equal(a.source_args[2], 6);
	compile_args_free(&a);
}

static void test_bad_calls(void **state)
{
	struct compile_args a;
	const char *argv[] = {"gcc", "-c", "a.c"};

	assert_int_equal(args_classify(3, argv, "relative", &a), -EINVAL);
	compile_args_free(&a);
	assert_int_equal(args_classify(0, argv, "/w", &a), -EINVAL);
	compile_args_free(&a);
}

/*
 * Found by fuzz_args (corpus/args/regress-empty-output): "gcc -c a.c
 * -MFo. -o ''" was cacheable with an empty output name, a file no hit can
 * write; gcc refuses it and clang writes a.o instead. An empty source or
 * -MF names nothing either.
 */
static void test_empty_names(void **state)
{
	static const struct {
		int argc;
		const char *argv[6];
		enum uncacheable_reason want;
	} cases[] = {
	        {6, {"gcc", "-c", "a.c", "-MFo.", "-o", ""}, UNCACHEABLE_MISSING_ARGUMENT},
	        {5, {"clang", "-c", "a.c", "-o", ""}, UNCACHEABLE_MISSING_ARGUMENT},
	        {5, {"gcc", "-c", "a.c", "-MD", "-MF"}, UNCACHEABLE_MISSING_ARGUMENT},
	        {6, {"gcc", "-c", "a.c", "-MD", "-MF", ""}, UNCACHEABLE_MISSING_ARGUMENT},
	        {5, {"gcc", "-x", "c", "-c", ""}, UNCACHEABLE_NO_SOURCE},
	};
	struct compile_args a;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(args_classify(cases[i].argc, cases[i].argv, "/src", &a), 0);
		assert_int_equal(a.reason, cases[i].want);
		compile_args_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cmake),
	        cmocka_unit_test(test_meson),
	        cmocka_unit_test(test_autotools),
	        cmocka_unit_test(test_make),
	        cmocka_unit_test(test_kernel),
	        cmocka_unit_test(test_other),
	        cmocka_unit_test(test_enough_real_commands),
	        cmocka_unit_test(test_output_naming),
	        cmocka_unit_test(test_key_drops_only_output_naming),
	        cmocka_unit_test(test_key_keeps_separate_values_paired),
	        cmocka_unit_test(test_prefix_maps),
	        cmocka_unit_test(test_language_selection),
	        cmocka_unit_test(test_option_details),
	        cmocka_unit_test(test_pch_compiles),
	        cmocka_unit_test(test_family_from_name),
	        cmocka_unit_test(test_classify_as_resolved_compiler),
	        cmocka_unit_test(test_reason_names),
	        cmocka_unit_test(test_multi_source_args),
	        cmocka_unit_test(test_bad_calls),
	        cmocka_unit_test(test_empty_names),
	        cmocka_unit_test_setup_teardown(test_response_file_quoting, make_tmpdir,
	                                        remove_tmpdir),
	        cmocka_unit_test_setup_teardown(test_response_file_nested, make_tmpdir,
	                                        remove_tmpdir),
	        cmocka_unit_test_setup_teardown(test_response_file_unusable, make_tmpdir,
	                                        remove_tmpdir),
	        cmocka_unit_test_setup_teardown(test_precompiled_header_beside_include, make_tmpdir,
	                                        remove_tmpdir),
	        cmocka_unit_test_setup_teardown(test_rustc_remap_real_cwd, make_tmpdir,
	                                        remove_tmpdir),
	        cmocka_unit_test_setup_teardown(test_profile_data_paths, make_tmpdir,
	                                        remove_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
