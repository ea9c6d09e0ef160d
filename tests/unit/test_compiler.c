/*
 * Unit tests for compiler: the identity of gcc and clang as installed, and of
 * a fake compiler whose every answer we control; a changed binary (or cc1) is
 * a different compiler; capture collects output and enforces its timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "compiler.h"
#include "hash.h"

struct fixture {
	char root[128]; /* canonical */
	char gcc[160], cc1[160], inc[160];
	struct compiler_cache *cc;
};

static void write_file(const char *path, mode_t mode, const char *content)
{
	tu_write_file(path, content, strlen(content), mode);
}

/*
 * A gcc that answers like gcc: -dumpversion, -dumpmachine, where its cc1
 * is, and its include search list (with a folder that does not exist, which
 * must be left out). tag makes versions of the script differ in content.
 */
static void write_fake_gcc(const struct fixture *f, const char *tag)
{
	char script[8192];

	snprintf(script, sizeof(script),
	         "#!/bin/sh\n"
	         "# fake gcc, build %s\n"
	         "case \"$1\" in\n"
	         "-dumpversion) echo 99.1.0 ;;\n"
	         "-dumpmachine) echo x86_64-fake-linux-gnu ;;\n"
	         "-print-prog-name=cc1) echo %s ;;\n"
	         "-print-prog-name=*) echo \"${1#-print-prog-name=}\" ;;\n"
	         "-x)\n"
	         "\techo 'ignoring nonexistent directory \"/nonexistent\"' >&2\n"
	         "\techo '#include \"...\" search starts here:' >&2\n"
	         "\techo '#include <...> search starts here:' >&2\n"
	         "\techo ' %s' >&2\n"
	         "\techo ' %s/no-such-dir' >&2\n"
	         "\techo ' /usr/include' >&2\n"
	         "\techo 'End of search list.' >&2 ;;\n"
	         "*) exit 1 ;;\n"
	         "esac\n",
	         tag, f->cc1, f->inc, f->root);
	write_file(f->gcc, 0755, script);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/zccache-test-compiler-XXXXXX", real[PATH_MAX], bin[160];

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, real));
	assert_true(strlen(real) < sizeof(f->root));
	strcpy(f->root, real);
	snprintf(bin, sizeof(bin), "%s/bin", f->root);
	snprintf(f->gcc, sizeof(f->gcc), "%s/bin/gcc", f->root);
	snprintf(f->cc1, sizeof(f->cc1), "%s/cc1", f->root);
	snprintf(f->inc, sizeof(f->inc), "%s/inc", f->root);
	assert_int_equal(mkdir(bin, 0755), 0);
	assert_int_equal(mkdir(f->inc, 0755), 0);
	write_file(f->cc1, 0755, "cc1 build 1\n");
	write_fake_gcc(f, "1");
	assert_int_equal(compiler_cache_new(&f->cc), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	compiler_cache_free(f->cc);
	rmtree(f->root);
	free(f);
	return 0;
}

static bool has_dir(const struct compiler_info *ci, enum compiler_lang l, const char *dir)
{
	for (size_t i = 0; i < ci->n_sysdirs[l]; i++)
		if (strcmp(ci->sysdirs[l][i], dir) == 0)
			return true;
	return false;
}

/* ---- real compilers ---- */

static void check_installed(const char *path, enum compiler_family family)
{
	struct compiler_cache *cc;
	const struct compiler_info *ci, *again;

	if (access(path, X_OK) != 0)
		skip();
	assert_int_equal(compiler_cache_new(&cc), 0);
	assert_int_equal(compiler_identify(cc, path, &ci), 0);
	assert_int_equal(ci->family, family);
	assert_string_equal(ci->path, path);
	assert_non_null(ci->version);
	assert_true(ci->version[0] >= '1' && ci->version[0] <= '9');
	assert_non_null(strstr(ci->machine, "-"));
	for (int l = 0; l < COMPILER_LANG_COUNT; l++) {
		if (!has_dir(ci, l, "/usr/include"))
			fail_msg("%s: /usr/include not among the %s sysdirs", path,
			         l == COMPILER_LANG_C ? "C" : "C++");
		for (size_t i = 0; i < ci->n_sysdirs[l]; i++) {
			char real[PATH_MAX];
			bool listed = false;

			/* Each folder resolves, and its canonical form is listed too
			 * (clang's depfiles spell /usr/bin/../lib/..., so the list
			 * keeps the compiler's spelling beside the canonical one). */
			assert_non_null(realpath(ci->sysdirs[l][i], real));
			for (size_t k = 0; k < ci->n_sysdirs[l]; k++)
				listed = listed || strcmp(real, ci->sysdirs[l][k]) == 0;
			assert_true(listed);
		}
	}
	/* C++ searches its library headers first */
	assert_true(ci->n_sysdirs[COMPILER_LANG_CXX] > ci->n_sysdirs[COMPILER_LANG_C]);

	/* asked again: the same answer, not computed again */
	assert_int_equal(compiler_identify(cc, path, &again), 0);
	assert_ptr_equal(again, ci);
	compiler_cache_free(cc);
}

static void test_gcc_identity(void **state)
{
	check_installed("/usr/bin/gcc", COMPILER_GCC);
}

static void test_clang_identity(void **state)
{
	check_installed("/usr/bin/clang", COMPILER_CLANG);
}

static void test_gcc_and_clang_differ(void **state)
{
	struct compiler_cache *cc;
	const struct compiler_info *gcc, *clang;

	if (access("/usr/bin/gcc", X_OK) != 0 || access("/usr/bin/clang", X_OK) != 0)
		skip();
	assert_int_equal(compiler_cache_new(&cc), 0);
	assert_int_equal(compiler_identify(cc, "/usr/bin/gcc", &gcc), 0);
	assert_int_equal(compiler_identify(cc, "/usr/bin/clang", &clang), 0);
	assert_ptr_not_equal(gcc, clang);
	assert_false(digest_equal(&gcc->id, &clang->id));
	compiler_cache_free(cc);
}

/* ---- a fake compiler ---- */

static void test_fake_compiler_answers_are_read(void **state)
{
	struct fixture *f = *state;
	const struct compiler_info *ci;

	assert_int_equal(compiler_identify(f->cc, f->gcc, &ci), 0);
	assert_int_equal(ci->family, COMPILER_GCC);
	assert_string_equal(ci->version, "99.1.0");
	assert_string_equal(ci->machine, "x86_64-fake-linux-gnu");
	for (int l = 0; l < COMPILER_LANG_COUNT; l++) {
		/* in order; the folder that does not exist left out */
		assert_int_equal(ci->n_sysdirs[l], 2);
		assert_string_equal(ci->sysdirs[l][0], f->inc);
		assert_string_equal(ci->sysdirs[l][1], "/usr/include");
	}
}

static void test_changed_compiler_gets_new_id(void **state)
{
	struct fixture *f = *state;
	const struct compiler_info *ci;
	struct digest first, second;

	assert_int_equal(compiler_identify(f->cc, f->gcc, &ci), 0);
	first = ci->id;

	write_fake_gcc(f, "2 (upgraded)");
	assert_int_equal(compiler_identify(f->cc, f->gcc, &ci), 0);
	second = ci->id;
	assert_false(digest_equal(&first, &second));

	/* the identity is the content, not the moment: back to build 1, back
	 * to its id */
	write_fake_gcc(f, "1");
	assert_int_equal(compiler_identify(f->cc, f->gcc, &ci), 0);
	assert_true(digest_equal(&first, &ci->id));
}

static void test_copied_compiler_shares_id(void **state)
{
	struct fixture *f = *state;
	const struct compiler_info *ci, *copy;
	char other[192];
	FILE *in, *out;
	int c;

	snprintf(other, sizeof(other), "%s/bin/x86_64-linux-gnu-gcc-99", f->root);
	in = fopen(f->gcc, "r");
	out = fopen(other, "w");
	assert_non_null(in);
	assert_non_null(out);
	while ((c = fgetc(in)) != EOF)
		fputc(c, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(other, 0755), 0);

	assert_int_equal(compiler_identify(f->cc, f->gcc, &ci), 0);
	assert_int_equal(compiler_identify(f->cc, other, &copy), 0);
	assert_ptr_not_equal(ci, copy);
	assert_string_equal(copy->path, other);
	assert_true(digest_equal(&ci->id, &copy->id));
}

static void test_gcc_identity_covers_cc1(void **state)
{
	struct fixture *f = *state;
	struct compiler_cache *fresh;
	const struct compiler_info *before, *after;

	assert_int_equal(compiler_identify(f->cc, f->gcc, &before), 0);
	/* cc1 upgraded alone, the driver untouched */
	write_file(f->cc1, 0755, "cc1 build 2\n");
	assert_int_equal(compiler_cache_new(&fresh), 0);
	assert_int_equal(compiler_identify(fresh, f->gcc, &after), 0);
	assert_false(digest_equal(&before->id, &after->id));
	compiler_cache_free(fresh);
}

static void test_not_a_compiler_is_refused(void **state)
{
	struct fixture *f = *state;
	const struct compiler_info *ci;
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/bin/cc", f->root);
	assert_int_equal(compiler_identify(f->cc, missing, &ci), -ENOENT);

	/* exits 0 and says nothing: that is not how gcc answers -dumpversion */
	write_file(f->gcc, 0755, "#!/bin/sh\nexit 0\n");
	assert_int_equal(compiler_identify(f->cc, f->gcc, &ci), -EPROTO);

	/* fails every question */
	write_file(f->gcc, 0755, "#!/bin/sh\nexit 1\n");
	assert_int_equal(compiler_identify(f->cc, f->gcc, &ci), -EPROTO);
}

/* ---- running ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_sh(const char *script, char **out, int timeout_ms)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};

	return compiler_run_capture(argv, out, timeout_ms);
}

static void test_capture_collects_stdout_stderr_and_status(void **state)
{
	char *out;

	assert_int_equal(run_sh("echo to-out; echo to-err >&2; exit 3", &out, 5000), 3);
	assert_non_null(strstr(out, "to-out\n"));
	assert_non_null(strstr(out, "to-err\n"));
	free(out);

	/* parse-stable: untranslated, whatever our own locale */
	assert_int_equal(run_sh("echo \"[$LC_ALL]\"", &out, 5000), 0);
	assert_string_equal(out, "[C]\n");
	free(out);

	/* stdin is /dev/null: a program reading it ends at once */
	assert_int_equal(run_sh("cat; echo done", &out, 5000), 0);
	assert_string_equal(out, "done\n");
	free(out);

	/* death by signal is not an exit status */
	assert_int_equal(run_sh("kill -TERM $$", &out, 5000), 128 + SIGTERM);
	free(out);
}

static void test_capture_of_missing_program(void **state)
{
	char *argv[] = {"/nonexistent/cc", NULL}, *out;

	assert_int_equal(compiler_run_capture(argv, &out, 5000), 127);
	free(out);
}

static void test_capture_timeout_kills(void **state)
{
	char pidfile[] = "/tmp/zccache-test-compiler-pid-XXXXXX", script[256], *out = (char *)1;
	int64_t start = now_ms();
	long pid = 0;
	FILE *fp;
	int fd = mkstemp(pidfile);

	assert_true(fd >= 0);
	close(fd);
	snprintf(script, sizeof(script), "echo $$ > %s; exec sleep 10", pidfile);
	assert_int_equal(run_sh(script, &out, 300), -ETIMEDOUT);
	assert_null(out);
	assert_true(now_ms() - start < 3000);

	/* the sleeper is dead and reaped, not left behind */
	fp = fopen(pidfile, "r");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%ld", &pid), 1);
	fclose(fp);
	unlink(pidfile);
	assert_true(pid > 0);
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_int_equal(errno, ESRCH);
}

/* A "compiler" named in a request may talk without end: what it says is cut
 * at a MiB, at once, not read into memory until the timeout. */
static void test_capture_of_endless_output_is_bounded(void **state)
{
	int64_t start = now_ms();
	char *out = (char *)1;

	assert_int_equal(run_sh("exec yes", &out, 20000), -E2BIG);
	assert_null(out);
	assert_true(now_ms() - start < 10000);
}

static void on_timer(int sig)
{
}

/* One signal arriving while we wait (SIGCHLD of another job, a timer) must
 * not stretch the timeout to however long the child cares to run. */
static void test_capture_timeout_survives_signals(void **state)
{
	struct sigaction sa = {.sa_handler = on_timer}, old;
	struct itimerval once = {{0, 0}, {0, 100000}}, off = {{0, 0}, {0, 0}};
	char *argv[] = {"/bin/sleep", "3", NULL}, *out;
	int64_t start, took;
	int r;

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: poll and read see EINTR */
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &once, NULL), 0);
	start = now_ms();
	r = compiler_run_capture(argv, &out, 500);
	took = now_ms() - start;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (r >= 0)
		free(out);
	if (r != -ETIMEDOUT || took > 2000)
		fail_msg("a 500 ms timeout returned %d after %lld ms", r, (long long)took);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_gcc_identity),
	        cmocka_unit_test(test_clang_identity),
	        cmocka_unit_test(test_gcc_and_clang_differ),
	        cmocka_unit_test_setup_teardown(test_fake_compiler_answers_are_read, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_changed_compiler_gets_new_id, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_copied_compiler_shares_id, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_gcc_identity_covers_cc1, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_not_a_compiler_is_refused, setup, teardown),
	        cmocka_unit_test(test_capture_collects_stdout_stderr_and_status),
	        cmocka_unit_test(test_capture_of_missing_program),
	        cmocka_unit_test(test_capture_timeout_kills),
	        cmocka_unit_test(test_capture_timeout_survives_signals),
	        cmocka_unit_test(test_capture_of_endless_output_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
