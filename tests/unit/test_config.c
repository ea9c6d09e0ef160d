/* Config: values parse with their units, bad lines are reported and skipped, sources are tracked.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "log.h"

static int n_warnings;
static char last_warning[512];

static void count_warning(const char *msg, void *ctx)
{
	n_warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static void test_defaults(void **state)
{
	struct config c;

	config_defaults(&c);
	assert_int_equal(c.value[CONFIG_MAX_SIZE], 10ull << 30);
	assert_int_equal(c.value[CONFIG_IDLE_TIMEOUT], 600);
	assert_int_equal(c.source[CONFIG_IDLE_TIMEOUT], CONFIG_SOURCE_DEFAULT);
}

static void test_sizes(void **state)
{
	static const struct {
		const char *text;
		unsigned long long bytes;
	} cases[] = {
	        {"5M", 5ull << 20},   {"5MiB", 5ull << 20}, {"2g", 2ull << 30},  {"1T", 1ull << 40},
	        {"1048576", 1048576}, {" 64 K ", 0},        {"3GB", 3ull << 30},
	};
	struct config c;

	config_defaults(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = config_set(&c, CONFIG_MAX_SIZE, cases[i].text, CONFIG_SOURCE_RUNTIME, NULL,
		                   0);

		if (cases[i].bytes == 0) {
			/* 64K is below the 1 MiB floor. */
			assert_int_equal(r, -ERANGE);
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal(c.value[CONFIG_MAX_SIZE], cases[i].bytes);
	}
}

/* journal = on/off and its synonyms; anything else is refused. */
static void test_bool(void **state)
{
	static const char *const on[] = {"on", "ON", "true", "yes", "1", " on "};
	static const char *const off[] = {"off", "false", "no", "0"};
	static const char *const bad[] = {"", "onn", "2", "on off", "maybe"};
	struct config c;
	char out[16];

	config_defaults(&c);
	assert_int_equal(c.value[CONFIG_JOURNAL], 0);
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		assert_int_equal(config_set(&c, CONFIG_JOURNAL, on[i], CONFIG_SOURCE_FILE, NULL, 0),
		                 0);
		assert_int_equal(c.value[CONFIG_JOURNAL], 1);
	}
	config_format(&c, CONFIG_JOURNAL, out, sizeof(out));
	assert_string_equal(out, "on");
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		assert_int_equal(
		        config_set(&c, CONFIG_JOURNAL, off[i], CONFIG_SOURCE_FILE, NULL, 0), 0);
		assert_int_equal(c.value[CONFIG_JOURNAL], 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		        config_set(&c, CONFIG_JOURNAL, bad[i], CONFIG_SOURCE_FILE, NULL, 0),
		        -EINVAL);
	assert_int_equal(config_set(&c, CONFIG_MAX_AGE, "7d", CONFIG_SOURCE_FILE, NULL, 0), 0);
	assert_int_equal(c.value[CONFIG_MAX_AGE], 7 * 86400);
}

static void test_bad_values_keep_old(void **state)
{
	static const char *const bad[] = {"", "G", "-1", "12Q", "1.5G", "99999999999999999999T"};
	struct config c;
	char err[256];

	config_defaults(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(config_set(&c, CONFIG_MAX_SIZE, bad[i], CONFIG_SOURCE_FILE, err,
		                       sizeof(err)) < 0);
		assert_int_equal(c.value[CONFIG_MAX_SIZE], 10ull << 30);
		assert_int_equal(c.source[CONFIG_MAX_SIZE], CONFIG_SOURCE_DEFAULT);
		assert_non_null(strstr(err, "max_size"));
	}
	assert_int_equal(
	        config_set(&c, CONFIG_COMPRESSION_LEVEL, "20", CONFIG_SOURCE_FILE, NULL, 0),
	        -ERANGE);
	assert_int_equal(config_set(&c, CONFIG_LOG_LEVEL, "loud", CONFIG_SOURCE_FILE, NULL, 0),
	                 -EINVAL);
}

static void test_durations(void **state)
{
	struct config c;
	char out[32];

	config_defaults(&c);
	assert_int_equal(config_set(&c, CONFIG_IDLE_TIMEOUT, "90", CONFIG_SOURCE_ENV, NULL, 0), 0);
	assert_int_equal(c.value[CONFIG_IDLE_TIMEOUT], 90);
	assert_int_equal(config_set(&c, CONFIG_IDLE_TIMEOUT, "2h", CONFIG_SOURCE_ENV, NULL, 0), 0);
	assert_int_equal(c.value[CONFIG_IDLE_TIMEOUT], 7200);
	config_format(&c, CONFIG_IDLE_TIMEOUT, out, sizeof(out));
	assert_string_equal(out, "2h");
	assert_int_equal(config_set(&c, CONFIG_IDLE_TIMEOUT, "0", CONFIG_SOURCE_ENV, NULL, 0), 0);
	config_format(&c, CONFIG_IDLE_TIMEOUT, out, sizeof(out));
	assert_string_equal(out, "0s");
}

/* What config_format prints parses back to the same value. */
static void test_format_round_trip(void **state)
{
	struct config c, d;
	char out[64];

	config_defaults(&c);
	config_set(&c, CONFIG_MAX_SIZE, "1536M", CONFIG_SOURCE_RUNTIME, NULL, 0);
	config_format(&c, CONFIG_MAX_SIZE, out, sizeof(out));
	assert_string_equal(out, "1536M");
	config_defaults(&d);
	assert_int_equal(config_set(&d, CONFIG_MAX_SIZE, out, CONFIG_SOURCE_RUNTIME, NULL, 0), 0);
	assert_int_equal(d.value[CONFIG_MAX_SIZE], c.value[CONFIG_MAX_SIZE]);
}

static void test_file_parsing(void **state)
{
	static const char text[] = "# comment\n"
	                           "\n"
	                           "max_size = 2G\n"
	                           "  idle_timeout=30s   \n"
	                           "no equals sign here\n"
	                           "colour = blue\n"
	                           "compression_level = 99\n"
	                           "log_level = debug # not a comment: invalid\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct config c;

	config_defaults(&c);
	n_warnings = 0;
	assert_int_equal(config_load_stream(&c, f, "test.conf", count_warning, NULL), 0);
	fclose(f);
	assert_int_equal(c.value[CONFIG_MAX_SIZE], 2ull << 30);
	assert_int_equal(c.source[CONFIG_MAX_SIZE], CONFIG_SOURCE_FILE);
	assert_int_equal(c.value[CONFIG_IDLE_TIMEOUT], 30);
	assert_int_equal(c.value[CONFIG_COMPRESSION_LEVEL], 1);
	assert_int_equal(c.source[CONFIG_LOG_LEVEL], CONFIG_SOURCE_DEFAULT);
	/* no '=', unknown key, out of range, invalid level: four warnings with line numbers */
	assert_int_equal(n_warnings, 4);
	assert_non_null(strstr(last_warning, "test.conf:8"));
}

static void test_env_overrides_file(void **state)
{
	static const char text[] = "idle_timeout = 30\nmax_size = 1G\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct config c;

	config_defaults(&c);
	config_load_stream(&c, f, "t", NULL, NULL);
	fclose(f);
	setenv("ZCCACHE_IDLE_TIMEOUT", "5m", 1);
	setenv("ZCCACHE_MAX_SIZE", "lots", 1);
	n_warnings = 0;
	config_load_env(&c, count_warning, NULL);
	unsetenv("ZCCACHE_IDLE_TIMEOUT");
	unsetenv("ZCCACHE_MAX_SIZE");
	assert_int_equal(c.value[CONFIG_IDLE_TIMEOUT], 300);
	assert_int_equal(c.source[CONFIG_IDLE_TIMEOUT], CONFIG_SOURCE_ENV);
	/* A bad environment value is reported and the file's value stays. */
	assert_int_equal(n_warnings, 1);
	assert_int_equal(c.value[CONFIG_MAX_SIZE], 1ull << 30);
	assert_int_equal(c.source[CONFIG_MAX_SIZE], CONFIG_SOURCE_FILE);
}

static void test_missing_file_is_fine(void **state)
{
	struct config c;

	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "/nonexistent/zccache.conf", NULL, NULL), 0);
	assert_int_equal(c.source[CONFIG_MAX_SIZE], CONFIG_SOURCE_DEFAULT);
}

static void test_write_key_keeps_other_lines(void **state)
{
	char dir[] = "/tmp/zcconf.XXXXXX", path[256], text[512];
	struct config c;
	FILE *f;
	size_t n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/zccache.conf", dir);
	/* Creates the file (and its folder) when missing. */
	assert_int_equal(config_write_key(path, CONFIG_MAX_SIZE, "3G"), 0);
	f = fopen(path, "a");
	fputs("# keep me\nidle_timeout = 1m\n", f);
	fclose(f);
	assert_int_equal(config_write_key(path, CONFIG_MAX_SIZE, "4G"), 0);
	assert_int_equal(config_write_key(path, CONFIG_LOG_LEVEL, "debug"), 0);
	f = fopen(path, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_string_equal(text,
	                    "max_size = 4G\n# keep me\nidle_timeout = 1m\nlog_level = debug\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, NULL, NULL), 0);
	assert_int_equal(c.value[CONFIG_MAX_SIZE], 4ull << 30);
	assert_int_equal(c.value[CONFIG_LOG_LEVEL], LOG_LEVEL_DEBUG);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

/* Write fuzz_config's input's file to a scratch config, set key, load it back. */
static void write_then_load(const char *file, size_t len, enum config_key key, const char *value,
                            struct config *c)
{
	char dir[] = "/tmp/zcconf.XXXXXX", path[256];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zccache.conf", dir);
	f = fopen(path, "w");
	assert_int_equal(fwrite(file, 1, len, f), len);
	fclose(f);
	assert_int_equal(config_write_key(path, key, value), 0);
	config_defaults(c);
	assert_int_equal(config_load_file(c, path, NULL, NULL), 0);
	unlink(path);
	rmdir(dir);
}

/* Found by fuzz_config (corpus/config/regress-no-final-newline): the new
 * line was glued to a last line that had no newline, losing both. */
static void test_write_key_after_unterminated_last_line(void **state)
{
	struct config c;

	write_then_load("log_level = debug", 17, CONFIG_COMPRESSION_LEVEL, "3", &c);
	assert_int_equal(c.value[CONFIG_COMPRESSION_LEVEL], 3);
	assert_int_equal(c.value[CONFIG_LOG_LEVEL], LOG_LEVEL_DEBUG);
	write_then_load("\xff", 1, CONFIG_COMPRESSION_LEVEL, "3", &c);
	assert_int_equal(c.value[CONFIG_COMPRESSION_LEVEL], 3);
}

/* Found by fuzz_config (corpus/config/regress-nul-in-line): a line holding
 * a NUL was copied only up to it, so its newline went and the next line
 * was glued to it. */
static void test_write_key_keeps_lines_with_nul(void **state)
{
	static const char file[] = "junk\0more\nlog_level = debug\n";
	struct config c;

	write_then_load(file, sizeof(file) - 1, CONFIG_MAX_SIZE, "2G", &c);
	assert_int_equal(c.value[CONFIG_MAX_SIZE], 2ull << 30);
	assert_int_equal(c.value[CONFIG_LOG_LEVEL], LOG_LEVEL_DEBUG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_sizes),
	        cmocka_unit_test(test_bad_values_keep_old),
	        cmocka_unit_test(test_durations),
	        cmocka_unit_test(test_format_round_trip),
	        cmocka_unit_test(test_file_parsing),
	        cmocka_unit_test(test_env_overrides_file),
	        cmocka_unit_test(test_missing_file_is_fine),
	        cmocka_unit_test(test_write_key_keeps_other_lines),
	        cmocka_unit_test(test_write_key_after_unterminated_last_line),
	        cmocka_unit_test(test_write_key_keeps_lines_with_nul),
	        cmocka_unit_test(test_bool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
