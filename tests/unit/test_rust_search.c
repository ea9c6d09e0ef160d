/*
 * Unit tests for rust_search: what rustc found by searching joins the
 * closure (files by content) or the probes (names whose presence must
 * stay): the other module file, the crates a crate's metadata says it
 * loaded, the archives an rlib bundles.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "depfile.h"
#include "rust_search.h"

static char dir[] = "/tmp/zcc-rust-search.XXXXXX";

static void put(const char *name, const void *data, size_t len)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* One ar member header (60 bytes) and its data, padded to even. */
static size_t ar_member(char *out, const char *name, const char *data)
{
	size_t len = strlen(data), n;

	n = (size_t)sprintf(out, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", "644",
	                    len);
	memcpy(out + n, data, len);
	n += len;
	if (len & 1)
		out[n++] = '\n';
	return n;
}

/* A compile of lib crate l in dir: argv, its outputs, the dep-info's files. */
struct compile {
	struct compile_args a;
	struct depfile deps;
	struct buf probes;
};

static void compile_init(struct compile *c, char **argv, size_t argc, char **outputs, size_t n)
{
	memset(c, 0, sizeof(*c));
	c->a.argv = argv;
	c->a.argc = argc;
	c->a.source = "l.rs";
	c->a.files = outputs;
	c->a.n_files = n;
	c->a.output_kind = OUTPUT_OBJECT;
	c->deps.prereqs = calloc(1, sizeof(char *));
}

static void compile_free(struct compile *c)
{
	depfile_free(&c->deps);
	buf_free(&c->probes);
}

static void add_dep(struct compile *c, const char *path)
{
	c->deps.prereqs = realloc(c->deps.prereqs, (c->deps.n_prereqs + 2) * sizeof(char *));
	c->deps.prereqs[c->deps.n_prereqs++] = strdup(path);
	c->deps.prereqs[c->deps.n_prereqs] = NULL;
}

static bool has_dep(const struct compile *c, const char *path)
{
	for (size_t i = 0; i < c->deps.n_prereqs; i++)
		if (strcmp(c->deps.prereqs[i], path) == 0)
			return true;
	return false;
}

static bool has_probe(const struct compile *c, const char *path)
{
	for (size_t at = 0; at < c->probes.len; at += strlen((char *)c->probes.data + at) + 1)
		if (c->probes.data[at] == 'q' && strcmp((char *)c->probes.data + at + 1, path) == 0)
			return true;
	return false;
}

/* X.rs probes X/mod.rs, D/X/mod.rs probes D/X.rs; the crate root and
 * files that are not Rust sources probe nothing. */
static void test_module_alternatives(void **state)
{
	char *argv[] = {"rustc", "--crate-name", "l", NULL};
	struct compile c;
	static const char want[] = "qfoo/mod.rs\0qx/y.rs";

	(void)state;
	compile_init(&c, argv, 3, NULL, 0);
	add_dep(&c, "l.rs");
	add_dep(&c, "foo.rs");
	add_dep(&c, "x/y/mod.rs");
	add_dep(&c, "data.txt");
	assert_int_equal(rust_search_closure(&c.a, dir, &c.deps, &c.probes), 0);
	assert_int_equal(c.probes.len, sizeof(want));
	assert_memory_equal(c.probes.data, want, sizeof(want));
	compile_free(&c);
}

/* Of a dependency= folder, the crates whose -C extra-filename the
 * output's metadata records: the .rmeta by content when there is one,
 * else the .rlib with the .rmeta's absence probed; a name without a dash
 * always; the others, and the compile's own outputs, are not inputs. */
static void test_dependency_crates(void **state)
{
	char *argv[] = {"rustc", "--crate-name", "l", "-L", "dependency=d", NULL};
	char *outputs[] = {"d/libl-self.rmeta", NULL};
	static const char meta[] = "rust metadata: dep -abc, solo -def, self -self";
	struct compile c;

	(void)state;
	put("d/libl-self.rmeta", meta, sizeof(meta));
	put("d/libdep-abc.rmeta", "m", 1);
	put("d/libdep-abc.rlib", "r", 1);
	put("d/libsolo-def.rlib", "r", 1);
	put("d/libother-xyz.rlib", "r", 1);
	put("d/libplainx.rlib", "r", 1); /* extra-filename=x: always an input */
	compile_init(&c, argv, 5, outputs, 1);
	assert_int_equal(rust_search_closure(&c.a, dir, &c.deps, &c.probes), 0);
	assert_true(has_dep(&c, "d/libdep-abc.rmeta"));
	assert_false(has_dep(&c, "d/libdep-abc.rlib"));
	assert_true(has_dep(&c, "d/libsolo-def.rlib"));
	assert_false(has_dep(&c, "d/libother-xyz.rlib"));
	assert_false(has_dep(&c, "d/libl-self.rmeta"));
	assert_true(has_dep(&c, "d/libplainx.rlib"));
	assert_true(has_probe(&c, "d/libsolo-def.rmeta"));
	assert_true(has_probe(&c, "d/libplainx.rmeta"));
	assert_false(has_probe(&c, "d/libdep-abc.rmeta"));
	compile_free(&c);
}

/* A link has no metadata of its own: its --extern crates' name the
 * crates they loaded, a proc-macro's .so among them (no linker reads
 * it). */
static void test_link_transitive_crates(void **state)
{
	char *argv[] = {"rustc",    "--crate-name",     "app", "--crate-type", "bin",
	                "--extern", "m=d/libm-mm.rlib", "-L",  "dependency=d", NULL};
	static const char meta[] = "metadata of m: pm -pm";
	struct compile c;

	(void)state;
	put("d/libm-mm.rlib", meta, sizeof(meta));
	put("d/libpm-pm.so", "so", 2);
	put("d/libunrelated-zz.so", "so", 2);
	compile_init(&c, argv, 9, NULL, 0);
	c.a.output_kind = OUTPUT_LINKED;
	assert_int_equal(rust_search_closure(&c.a, dir, &c.deps, &c.probes), 0);
	assert_true(has_dep(&c, "d/libpm-pm.so"));
	assert_true(has_probe(&c, "d/libpm-pm.rmeta"));
	assert_false(has_dep(&c, "d/libunrelated-zz.so"));
	compile_free(&c);
}

/* An rlib holding a member rustc does not write (a bundled native
 * object): every lib*.a of the native folders is an input, and each is
 * probed there; with none to be found the result cannot be keyed. */
static void test_bundled_archive(void **state)
{
	char *argv[] = {"rustc", "--crate-name", "l", "-L", "native=n", NULL};
	char *outputs[] = {"libl.rlib", NULL};
	char ar[1024] = "!<arch>\n";
	size_t n = 8;
	static const char want[] = "qn/libfoo.so\0qn/libfoo.a";
	struct compile c;

	(void)state;
	n += ar_member(ar + n, "lib.rmeta/", "meta");
	n += ar_member(ar + n, "l.1.rcgu.o/", "obj");
	put("libl.rlib", ar, n);
	compile_init(&c, argv, 5, outputs, 1);
	assert_int_equal(rust_search_closure(&c.a, dir, &c.deps, &c.probes), 0);
	assert_int_equal(c.deps.n_prereqs, 0); /* rustc's own members only */
	compile_free(&c);

	n += ar_member(ar + n, "f1.o/", "native");
	put("libl.rlib", ar, n);
	compile_init(&c, argv, 5, outputs, 1);
	assert_int_equal(rust_search_closure(&c.a, dir, &c.deps, &c.probes), -ENOTSUP);
	compile_free(&c);

	put("n/libfoo.a", "!<arch>\n", 8);
	compile_init(&c, argv, 5, outputs, 1);
	assert_int_equal(rust_search_closure(&c.a, dir, &c.deps, &c.probes), 0);
	assert_true(has_dep(&c, "n/libfoo.a"));
	assert_int_equal(c.probes.len, sizeof(want));
	assert_memory_equal(c.probes.data, want, sizeof(want));
	compile_free(&c);
}

static int setup(void **state)
{
	char p[512];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/d", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/n", dir);
	mkdir(p, 0700);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_module_alternatives),
	        cmocka_unit_test(test_dependency_crates),
	        cmocka_unit_test(test_link_transitive_crates),
	        cmocka_unit_test(test_bundled_archive),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
