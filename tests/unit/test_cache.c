/*
 * Unit tests for the cache engine without a server: the result record's
 * codec, and lookup -> miss -> store -> hit against a temporary cache. The
 * compiler is "fakecc", a family that exists only here: this file links its
 * own families[] (the real rows plus one), which proves that a family is one
 * row and one file, with outputs of its own (an object, a map, an executable
 * tool and its dep-info) put back byte for byte, mode bits included.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "args_family.h"
#include "cache.h"
#include "cache_internal.h"
#include "family.h"
#include "log.h"

/* ---- the fake family ------------------------------------------------------ */

/* Outside the enum on purpose: the engine must not need to know the id. */
#define COMPILER_FAKE ((enum compiler_family)(COMPILER_RUSTC + 100))

static bool names_fake(const char *base, bool *cxx)
{
	*cxx = false;
	return strcmp(base, "fakecc") == 0;
}

/*
 * fakecc SOURCE -o OBJECT --map MAP --tool TOOL --deps DEPINFO: all four
 * outputs required, anything else uncacheable. The key holds every argument.
 */
static int classify_fake(struct compile_args *out, const char *cwd)
{
	static const char *const opts[] = {"-o", "--map", "--tool", "--deps"};
	char *files[3] = {NULL}; /* the map, the tool, then the dep-info */
	char **named[] = {&out->output, &files[0], &files[1], &out->depfile};
	struct strv keys = {0};
	int r = 0;

	(void)cwd;
	for (size_t i = 1; i < out->argc && r == 0; i++) {
		size_t k = 0;

		r = strv_push(&keys, out->argv[i]);
		while (k < 4 && strcmp(out->argv[i], opts[k]) != 0)
			k++;
		if (r < 0)
			break;
		if (k < 4 && i + 1 < out->argc) {
			free(*named[k]);
			*named[k] = strdup(out->argv[++i]);
			r = *named[k] ? strv_push(&keys, out->argv[i]) : -ENOMEM;
		} else if (out->argv[i][0] == '-') {
			r = args_set_reason(out, UNCACHEABLE_UNSUPPORTED_OPTION, out->argv[i]);
		} else if (!out->source && !(out->source = strdup(out->argv[i]))) {
			r = -ENOMEM;
		}
	}
	if (r == 0 && out->reason == UNCACHEABLE_NONE &&
	    (!out->source || !out->output || !files[0] || !files[1] || !out->depfile))
		r = args_set_reason(out, UNCACHEABLE_NO_OUTPUT, NULL);
	if (r == 0 && out->reason == UNCACHEABLE_NONE) {
		out->output_kind = OUTPUT_OBJECT;
		files[2] = strdup(out->depfile);
		out->files = calloc(4, sizeof(char *));
		r = files[2] && out->files ? 0 : -ENOMEM;
		for (size_t k = 0; r == 0 && k < 3; k++)
			out->files[out->n_files++] = files[k];
		if (r == 0)
			memset(files, 0, sizeof(files));
		out->key_args = strv_steal(&keys, &out->n_key_args);
	}
	for (size_t k = 0; k < 3; k++)
		free(files[k]);
	strv_free(&keys);
	return r;
}

static size_t programs_none(const struct compile_args *a, const char **progs, size_t max)
{
	(void)a;
	(void)progs;
	(void)max;
	return 0;
}

static const struct family family_fake = {
        .name = "fakecc",
        .id = COMPILER_FAKE,
        .names = names_fake,
        .classify = classify_fake,
        .version_arg = "--version",
        .machine_arg = "--machine",
        .programs = programs_none,
        .color_always_arg = "--color",
        .epoch_major = INT_MAX,
        .depfile_style = DEPFILE_STYLE_GCC,
        .object_renamed = true,
        .closure_from_depinfo = true,
};

extern const struct family family_gcc, family_clang, family_emcc, family_rustc;

/* The engine's table for this program (family_table.c's is not linked). */
const struct family *const families[] = {
        &family_gcc, &family_clang, &family_emcc, &family_rustc, &family_fake, NULL,
};

/*
 * The compiler: answers its identity questions, and compiles by copying the
 * source and the file its "include" line names into the object (with bytes
 * no text tool keeps: NUL, 0xff), writing a map, an executable tool and a
 * dep-info naming both inputs, and talking on stdout and stderr.
 */
static const char fakecc_script[] =
        "#!/bin/sh\n"
        "case \"$1\" in\n"
        "--version) echo 'fakecc 1.0'; exit 0;;\n"
        "--machine) echo 'fake-unknown-none'; exit 0;;\n"
        "esac\n"
        "while [ $# -gt 0 ]; do\n"
        "  case \"$1\" in\n"
        "  -o) obj=$2; shift;; --map) map=$2; shift;;\n"
        "  --tool) tool=$2; shift;; --deps) dep=$2; shift;;\n"
        "  -*) exit 2;; *) src=$1;;\n"
        "  esac\n"
        "  shift\n"
        "done\n"
        "[ -n \"$src\" ] && [ -n \"$obj\" ] && [ -n \"$map\" ] && [ -n \"$tool\" ] || exit 2\n"
        "inc=$(sed -n 's/^include //p' \"$src\")\n"
        "{ printf 'FAKEOBJ\\000\\377'; cat \"$src\" \"$inc\"; } > \"$obj\" || exit 1\n"
        "printf 'map of %s\\n' \"$src\" > \"$map\"\n"
        "printf '#!/bin/sh\\necho %s\\n' \"$src\" > \"$tool\"\n"
        "chmod 755 \"$tool\"\n"
        "printf '%s: %s %s\\n' \"$map\" \"$src\" \"$inc\" > \"$dep\"\n"
        "echo \"compiled $src\"\n"
        "echo 'fakecc: warning: nothing to optimise' >&2\n";

/* ---- the result record's codec ------------------------------------------- */

static void fill_digest(struct digest *d, uint8_t seed)
{
	for (size_t i = 0; i < sizeof(d->bytes); i++)
		d->bytes[i] = (uint8_t)(seed + 7 * i);
}

/* A record with every field set to something its neighbours are not. */
static void sample_record(struct buf *b)
{
	static const char out[] = "out\0put", err[] = "diagnostics\xff";
	char *deps[] = {"include/a.h", "src/main.c", "/usr/include/stdio.h"};
	struct result r = {0};
	static const struct {
		enum output_role role;
		const char *path;
		mode_t mode;
	} outs[] = {
	        {ROLE_OBJECT, "obj/main.o", 0644},
	        {ROLE_DWO, "obj/main.dwo", 0600},
	        {ROLE_FILE, "bin/tool", 04755},
	        {ROLE_FILE, "", 0},
	};

	for (size_t k = 0; k < sizeof(outs) / sizeof(outs[0]); k++) {
		r.outs[k].role = outs[k].role;
		r.outs[k].path = (char *)outs[k].path;
		r.outs[k].mode = outs[k].mode;
		fill_digest(&r.outs[k].digest, (uint8_t)(k * 40 + 1));
	}
	r.n_outs = 4;
	r.source_index = 1;
	r.duration_ms = 123456789012LL;
	assert_int_equal(
	        cache_result_encode(&r, out, sizeof(out), err, sizeof(err) - 1, deps, 3, b), 0);
}

/* Every field comes back as it went in. */
static void test_result_round_trip(void **state)
{
	struct buf b = BUF_INIT;
	struct result r;
	struct digest d;
	const char *paths[] = {"obj/main.o", "obj/main.dwo", "bin/tool", ""};
	const enum output_role roles[] = {ROLE_OBJECT, ROLE_DWO, ROLE_FILE, ROLE_FILE};
	const mode_t modes[] = {0644, 0600, 04755, 0};

	(void)state;
	sample_record(&b);
	assert_int_equal(cache_result_decode(&b, &r), 0);
	assert_int_equal(r.n_outs, 4);
	for (size_t k = 0; k < 4; k++) {
		assert_int_equal(r.outs[k].role, roles[k]);
		assert_string_equal(r.outs[k].path, paths[k]);
		assert_int_equal(r.outs[k].mode, modes[k]);
		fill_digest(&d, (uint8_t)(k * 40 + 1));
		assert_memory_equal(r.outs[k].digest.bytes, d.bytes, sizeof(d.bytes));
	}
	assert_int_equal(r.out.len, 8);
	assert_memory_equal(r.out.data, "out\0put", 8);
	assert_int_equal(r.err.len, 12);
	assert_memory_equal(r.err.data, "diagnostics\xff", 12);
	assert_int_equal(r.n_deps, 3);
	assert_string_equal(r.deps[0], "include/a.h");
	assert_string_equal(r.deps[1], "src/main.c");
	assert_string_equal(r.deps[2], "/usr/include/stdio.h");
	assert_int_equal(r.source_index, 1);
	assert_true(r.duration_ms == 123456789012LL);
	assert_ptr_equal(cache_result_output(&r, ROLE_DWO), &r.outs[1]);
	assert_null(cache_result_output(&r, ROLE_GCNO));
	cache_result_free(&r);
	buf_free(&b);
}

/* A record cut anywhere, or with a byte more, is refused. */
static void test_result_truncated(void **state)
{
	struct buf b = BUF_INIT;
	struct result r;

	(void)state;
	sample_record(&b);
	for (size_t len = 0; len < b.len; len++) {
		struct buf cut = {b.data, len, len};

		if (cache_result_decode(&cut, &r) != -EBADMSG)
			fail_msg("a record cut to %zu of %zu bytes decoded", len, b.len);
	}
	assert_int_equal(buf_append(&b, "", 1), 0);
	assert_int_equal(cache_result_decode(&b, &r), -EBADMSG);
	buf_free(&b);
}

/* The fields a decoder must check, each broken once; and any byte flipped
 * decodes or is refused, never more (ASan watches the reads). */
static void test_result_corrupted(void **state)
{
	struct buf b = BUF_INIT;
	struct result r;
	size_t second_role = 5 + 1 + 2 + 2 + strlen("obj/main.o") + 16;
	static const struct {
		size_t at; /* 0: second_role */
		uint8_t value;
	} breaks[] = {
	        {0, 'X'},                    /* magic */
	        {3, RESULT_FORMAT - 1},      /* an older format */
	        {4, RESULT_MAX_OUTPUTS + 1}, /* too many outputs */
	        {5, ROLE_COUNT},             /* a role nobody knows */
	        {9, 0xff},                   /* a path longer than the record */
	        {SIZE_MAX, ROLE_OBJECT},     /* a second object */
	};

	(void)state;
	sample_record(&b);
	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		size_t at = breaks[i].at == SIZE_MAX ? second_role : breaks[i].at;
		uint8_t was = b.data[at];

		b.data[at] = breaks[i].value;
		if (cache_result_decode(&b, &r) != -EBADMSG)
			fail_msg("break %zu (byte %zu = %u) decoded", i, at, breaks[i].value);
		b.data[at] = was;
	}
	assert_int_equal(cache_result_decode(&b, &r), 0);
	cache_result_free(&r);
	for (size_t at = 0; at < b.len; at++) {
		int ret;

		b.data[at] ^= 0xa5;
		ret = cache_result_decode(&b, &r);
		assert_true(ret == 0 || ret == -EBADMSG);
		if (ret == 0)
			cache_result_free(&r);
		b.data[at] ^= 0xa5;
	}
	buf_free(&b);
}

/* A record that could not be read back is never written. */
static void test_result_encode_limits(void **state)
{
	struct buf b = BUF_INIT;
	struct result r = {0};
	char *deps[1];
	char *long_name = malloc(0x10000 + 1);

	(void)state;
	assert_non_null(long_name);
	memset(long_name, 'a', 0x10000);
	long_name[0x10000] = '\0';
	r.n_outs = RESULT_MAX_OUTPUTS + 1;
	assert_int_equal(cache_result_encode(&r, "", 0, "", 0, NULL, 0, &b), -E2BIG);
	buf_reset(&b);
	r.n_outs = 1;
	r.outs[0].path = long_name;
	assert_int_equal(cache_result_encode(&r, "", 0, "", 0, NULL, 0, &b), -ENAMETOOLONG);
	buf_reset(&b);
	r.outs[0].path = "a.o";
	deps[0] = long_name;
	assert_int_equal(cache_result_encode(&r, "", 0, "", 0, deps, 1, &b), -ENAMETOOLONG);
	free(long_name);
	buf_free(&b);
}

/* ---- the engine ----------------------------------------------------------- */

struct fixture {
	char root[64];
	char cache_dir[128], work[128], compiler[128];
	struct cache *c;
};

/* The outputs of a fakecc compile, in the work folder. */
static const char *const outputs[] = {"out.fo", "out.map", "out.run", "out.d"};
#define N_OUTPUTS (sizeof(outputs) / sizeof(outputs[0]))

static const char *const compile_argv[] = {"fakecc",  "main.fk", "-o",      "out.fo", "--map",
                                           "out.map", "--tool",  "out.run", "--deps", "out.d"};
#define COMPILE_ARGC ((int)(sizeof(compile_argv) / sizeof(compile_argv[0])))

static const char *no_env(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

static void open_cache(struct fixture *f)
{
	struct cache_options o = {.dir = f->cache_dir, .compression_level = 1, .max_size = 1 << 30};

	assert_int_equal(cache_open(&o, &f->c), 0);
}

/* Write a file of the work folder. */
static void write_input(struct fixture *f, const char *name, const char *text)
{
	tu_write_file(tu_in(f->work, name), text, strlen(text), 0644);
}

/* Let the coarse clock pass the inputs' last change: the engine refuses a
 * closure file changed in the tick its compile started. */
static void wait_tick(struct fixture *f, const char *name)
{
	struct stat st;
	struct timespec now, ms = {0, 1000000};
	int64_t changed;

	assert_int_equal(stat(tu_in(f->work, name), &st), 0);
	changed = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	do {
		nanosleep(&ms, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
	} while ((int64_t)now.tv_sec * 1000000000LL + now.tv_nsec <= changed);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char bin[96];

	assert_non_null(f);
	log_set_level(LOG_LEVEL_ERR);
	snprintf(f->root, sizeof(f->root), "/tmp/zccache-test-cache-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->cache_dir, sizeof(f->cache_dir), "%s/cache", f->root);
	snprintf(f->work, sizeof(f->work), "%s/work", f->root);
	snprintf(bin, sizeof(bin), "%s/bin", f->root);
	snprintf(f->compiler, sizeof(f->compiler), "%s/fakecc", bin);
	assert_int_equal(mkdir(f->work, 0755), 0);
	assert_int_equal(mkdir(bin, 0755), 0);
	tu_write_file(f->compiler, fakecc_script, strlen(fakecc_script), 0755);
	write_input(f, "main.fk", "include part.fk\nmain body\n");
	write_input(f, "part.fk", "part body\n");
	wait_tick(f, "part.fk");
	open_cache(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cache_close(f->c);
	rmtree(f->root);
	free(f);
	return 0;
}

static int lookup(struct fixture *f, const char *const *argv, int argc, struct cache_decision *d)
{
	struct cache_request req = {
	        .compiler = f->compiler,
	        .argc = argc,
	        .argv = argv,
	        .cwd = f->work,
	        .getenv = no_env,
	        .umask = 022,
	};

	return cache_lookup(f->c, &req, d);
}

/* Run the miss's argv as the launcher does (the resolved compiler, in the
 * work folder, into the private folder when there is one): its exit
 * status, stdout and stderr. */
static int run(struct fixture *f, const struct cache_decision *d, struct buf *out, struct buf *err)
{
	char out_path[PATH_MAX], err_path[PATH_MAX];
	uint8_t *p;
	size_t n;
	int status;
	pid_t pid;

	snprintf(out_path, sizeof(out_path), "%s/stdout", f->root);
	snprintf(err_path, sizeof(err_path), "%s/stderr", f->root);
	if (d->private_dir)
		assert_int_equal(mkdir(tu_in(f->work, d->private_dir), 0700), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600),
		    e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 || chdir(f->work) < 0)
			_exit(126);
		umask(022);
		execv(f->compiler, d->run_argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	p = tu_read_file(out_path, &n);
	assert_int_equal(buf_append(out, p, n), 0);
	free(p);
	p = tu_read_file(err_path, &n);
	assert_int_equal(buf_append(err, p, n), 0);
	free(p);
	return WEXITSTATUS(status);
}

/* After the store, the launcher moves the object to its place. */
static void finish_private(struct fixture *f, const struct cache_decision *d)
{
	if (!d->private_dir)
		return;
	assert_int_equal(rename(tu_in(f->work, d->private_object), tu_in(f->work, d->final_object)),
	                 0);
	assert_int_equal(rmdir(tu_in(f->work, d->private_dir)), 0);
}

/* A miss compiled and stored: the compile's stdout and stderr. */
static void miss_and_store(struct fixture *f, struct buf *out, struct buf *err)
{
	struct cache_decision d;
	const char *why = NULL;

	assert_int_equal(lookup(f, compile_argv, COMPILE_ARGC, &d), 0);
	assert_int_equal(d.action, CACHE_RUN_STORE);
	assert_int_equal(run(f, &d, out, err), 0);
	assert_int_equal(
	        cache_store(f->c, d.token, 0, out->data, out->len, err->data, err->len, 7, &why),
	        0);
	finish_private(f, &d);
	cache_decision_free(&d);
}

struct saved {
	uint8_t *bytes;
	size_t len;
	mode_t mode;
};

/* Keep each output's bytes and mode, and remove it. */
static void save_outputs(struct fixture *f, struct saved *s)
{
	for (size_t k = 0; k < N_OUTPUTS; k++) {
		const char *path = tu_in(f->work, outputs[k]);
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		s[k].mode = st.st_mode & 07777;
		s[k].bytes = tu_read_file(path, &s[k].len);
		assert_int_equal(unlink(path), 0);
	}
}

/* The miss's outputs, stdout and stderr come back from the store, byte for
 * byte and with their modes, even from a cache opened anew. */
static void test_fake_family_hit(void **state)
{
	struct fixture *f = *state;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct saved s[N_OUTPUTS];
	struct cache_decision d;

	miss_and_store(f, &out, &err);
	assert_int_equal(cache_counter(f->c, "depend_miss"), 1);
	save_outputs(f, s);
	assert_int_equal(s[0].len, 9 + strlen("include part.fk\nmain body\npart body\n"));
	assert_int_equal(s[2].mode, 0755);
	cache_close(f->c);
	open_cache(f);

	assert_int_equal(lookup(f, compile_argv, COMPILE_ARGC, &d), 0);
	assert_int_equal(d.action, CACHE_HIT);
	assert_int_equal(d.exit_code, 0);
	assert_int_equal(d.out.len, out.len);
	assert_memory_equal(d.out.data, out.data, out.len);
	assert_int_equal(d.err.len, err.len);
	assert_memory_equal(d.err.data, err.data, err.len);
	for (size_t k = 0; k < N_OUTPUTS; k++) {
		const char *path = tu_in(f->work, outputs[k]);
		struct stat st;
		uint8_t *p;
		size_t n;

		assert_int_equal(stat(path, &st), 0);
		if ((st.st_mode & 07777) != s[k].mode)
			fail_msg("%s: mode %o, compiled %o", outputs[k], st.st_mode & 07777,
			         s[k].mode);
		p = tu_read_file(path, &n);
		assert_int_equal(n, s[k].len);
		assert_memory_equal(p, s[k].bytes, n);
		free(p);
		free(s[k].bytes);
	}
	assert_int_equal(cache_counter(f->c, "direct_hit"), 1);
	cache_decision_free(&d);
	buf_free(&out);
	buf_free(&err);
}

/* A file the dep-info names, or the command line, changed: a miss. */
static void test_fake_family_changed_input(void **state)
{
	struct fixture *f = *state;
	struct buf out = BUF_INIT, err = BUF_INIT;
	const char *argv[COMPILE_ARGC];
	struct cache_decision d;

	miss_and_store(f, &out, &err);
	write_input(f, "part.fk", "part body, changed\n");
	wait_tick(f, "part.fk");
	assert_int_equal(lookup(f, compile_argv, COMPILE_ARGC, &d), 0);
	assert_int_equal(d.action, CACHE_RUN_STORE);
	assert_non_null(strstr(d.explain, "part.fk"));
	cache_abandon(f->c, d.token);
	cache_decision_free(&d);

	memcpy(argv, compile_argv, sizeof(argv));
	argv[7] = "other.run";
	assert_int_equal(lookup(f, argv, COMPILE_ARGC, &d), 0);
	assert_int_equal(d.action, CACHE_RUN_STORE);
	cache_abandon(f->c, d.token);
	cache_decision_free(&d);
	buf_free(&out);
	buf_free(&err);
}

/* A compile whose output is missing, or that failed, stores nothing: the
 * next lookup misses again. */
static void test_fake_family_partial_not_stored(void **state)
{
	struct fixture *f = *state;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct cache_decision d;
	const char *why = NULL;

	assert_int_equal(lookup(f, compile_argv, COMPILE_ARGC, &d), 0);
	assert_int_equal(d.action, CACHE_RUN_STORE);
	assert_int_equal(run(f, &d, &out, &err), 0);
	assert_int_equal(unlink(tu_in(f->work, "out.run")), 0);
	assert_int_equal(
	        cache_store(f->c, d.token, 0, out.data, out.len, err.data, err.len, 7, &why), 1);
	assert_non_null(why);
	cache_decision_free(&d);

	assert_int_equal(lookup(f, compile_argv, COMPILE_ARGC, &d), 0);
	assert_int_equal(d.action, CACHE_RUN_STORE);
	assert_int_equal(cache_store(f->c, d.token, 1, "", 0, "", 0, 7, &why), 1);
	assert_string_equal(why, "compile_failed");
	cache_decision_free(&d);

	assert_int_equal(lookup(f, compile_argv, COMPILE_ARGC, &d), 0);
	assert_int_equal(d.action, CACHE_RUN_STORE);
	cache_abandon(f->c, d.token);
	cache_decision_free(&d);
	assert_int_equal(cache_counter(f->c, "depend_miss"), 0);
	buf_free(&out);
	buf_free(&err);
}

/* The row's classifier decides: without a dep-info, the compile runs
 * uncached, counted under the reason. */
static void test_fake_family_uncacheable(void **state)
{
	struct fixture *f = *state;
	struct cache_decision d;

	assert_int_equal(lookup(f, compile_argv, COMPILE_ARGC - 2, &d), 0);
	assert_int_equal(d.action, CACHE_RUN);
	assert_string_equal(d.reason, uncacheable_reason_name(UNCACHEABLE_NO_OUTPUT));
	cache_decision_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_result_round_trip),
	        cmocka_unit_test(test_result_truncated),
	        cmocka_unit_test(test_result_corrupted),
	        cmocka_unit_test(test_result_encode_limits),
	        cmocka_unit_test_setup_teardown(test_fake_family_hit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_fake_family_changed_input, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_fake_family_partial_not_stored, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_fake_family_uncacheable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
