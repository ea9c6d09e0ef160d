/*
 * fuzz_args: args_classify() on any command line. The input is argv with
 * NUL bytes between the arguments (argv[0] first: gcc, clang++-14, ...),
 * run in a scratch folder that holds a few response files, so that @file
 * expansion, nesting and its depth limit are reached too. The verdict must
 * be complete (a cacheable compile names its source, language and output),
 * internally consistent, and the same every time: the key depends on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "fuzz.h"

#define MAX_ARGS 512

static char cwd[PATH_MAX];

static void put_file(const char *name, const char *text, size_t len)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", cwd, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FUZZ_CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len);
	close(fd);
}

static void remove_scratch(void)
{
	static const char *const names[] = {"a.rsp", "nested.rsp", "loop.rsp", "nul.rsp", "q.rsp"};
	char path[PATH_MAX + 64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", cwd, names[i]);
		unlink(path);
	}
	rmdir(cwd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_scratch_dir(cwd, "args");
	atexit(remove_scratch);
	put_file("a.rsp", "-c src.c -o 'out dir/x.o' -MD\n", 30);
	put_file("nested.rsp", "@a.rsp -O2 \"-DX=a b\"", 20);
	put_file("loop.rsp", "@loop.rsp", 9);
	put_file("nul.rsp", "-c\0x.c", 6);
	put_file("q.rsp", "'' \\\" -I\\ inc", 13);
	return 0;
}

static void check_verdict(const struct compile_args *a, const char *argv0)
{
	size_t n_include = 0;

	FUZZ_CHECK(a->argv && a->argc >= 1 && !a->argv[a->argc]);
	FUZZ_CHECK(strcmp(a->argv[0], argv0) == 0);
	FUZZ_CHECK((unsigned)a->reason < UNCACHEABLE_REASON_COUNT);
	FUZZ_CHECK(strcmp(uncacheable_reason_name(a->reason), "unknown") != 0);
	if (a->reason != UNCACHEABLE_NONE)
		return;
	FUZZ_CHECK(a->family != COMPILER_UNKNOWN);
	FUZZ_CHECK(a->source && a->source[0] && a->language && a->output && a->output[0]);
	FUZZ_CHECK(!a->depfile_wanted || (a->depfile && a->n_dep_targets >= 1));
	FUZZ_CHECK(!a->cwd_in_output || a->output_cwd);
	for (int k = 0; k < INCLUDE_KIND_COUNT; k++)
		n_include += a->n_include[k];
	FUZZ_CHECK(n_include == a->n_include_search);
	FUZZ_CHECK(a->n_key_args < a->argc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *argv[MAX_ARGS];
	struct compile_args a, b;
	char *text;
	int argc = 0, r;

	/* One NUL-terminated copy; every NUL in it ends an argument. */
	text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i <= size && argc < MAX_ARGS; i += strlen(text + i) + 1)
		argv[argc++] = text + i;

	r = args_classify(argc, argv, cwd, &a);
	FUZZ_CHECK(r == 0);
	check_verdict(&a, argv[0]);

	FUZZ_CHECK(args_classify(argc, argv, cwd, &b) == 0);
	FUZZ_CHECK(a.reason == b.reason);
	FUZZ_CHECK(fuzz_strv_equal(a.argv, a.argc, b.argv, b.argc));
	FUZZ_CHECK(fuzz_strv_equal(a.key_args, a.n_key_args, b.key_args, b.n_key_args));

	compile_args_free(&a);
	compile_args_free(&b);
	free(text);
	return 0;
}
