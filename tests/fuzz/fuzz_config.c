/*
 * fuzz_config: the config file parser and what `zccachectl config set`
 * does to that file. The input is a key (first byte), a value (up to the
 * first NUL) and a config file (the rest). Loading never fails on content;
 * every value renders as text that parses back to it; and when the value
 * is accepted, config_write_key() of it (as `zccachectl config set` writes
 * it) leaves a file that loads with that value for the key and every other
 * setting as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static char dir[PATH_MAX], path[PATH_MAX + 16];

static void remove_scratch(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_scratch_dir(dir, "config");
	snprintf(path, sizeof(path), "%s/zccache.conf", dir);
	atexit(remove_scratch);
	return 0;
}

static void count_warning(const char *msg, void *ctx)
{
	FUZZ_CHECK(msg && msg[0]);
	(*(unsigned *)ctx)++;
}

static void load_text(struct config *cfg, const uint8_t *text, size_t len, unsigned *warnings)
{
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");

	FUZZ_CHECK(f != NULL);
	config_defaults(cfg);
	/* fmemopen() cannot open an empty buffer: one byte of nothing instead. */
	if (len)
		FUZZ_CHECK(config_load_stream(cfg, f, "fuzz.conf", count_warning, warnings) == 0);
	fclose(f);
}

/* config show prints what config_format() renders: it must parse back. */
static void check_format(const struct config *cfg)
{
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		struct config again;
		char text[64];

		config_defaults(&again);
		config_format(cfg, (enum config_key)k, text, sizeof(text));
		FUZZ_CHECK(config_set(&again, (enum config_key)k, text, CONFIG_SOURCE_FILE, NULL,
		                      0) == 0);
		FUZZ_CHECK(again.value[k] == cfg->value[k]);
	}
}

static void check_write(enum config_key key, const char *value, const uint8_t *file, size_t len,
                        const struct config *before, unsigned warnings_before)
{
	struct config set, after;
	unsigned warnings = 0;
	char canon[64];
	int fd;

	config_defaults(&set);
	if (config_set(&set, key, value, CONFIG_SOURCE_RUNTIME, NULL, 0) < 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FUZZ_CHECK(fd >= 0 && write(fd, file, len) == (ssize_t)len);
	close(fd);
	/* As req_config does: the file gets the value as parsed, not as sent
	 * (corpus/config/regress-newline-in-value: "1\nG" would be two lines). */
	config_format(&set, key, canon, sizeof(canon));
	FUZZ_CHECK(config_write_key(path, key, canon) == 0);
	config_defaults(&after);
	FUZZ_CHECK(config_load_file(&after, path, count_warning, &warnings) == 0);
	for (int k = 0; k < CONFIG_KEY_COUNT; k++)
		FUZZ_CHECK(after.value[k] == (k == (int)key ? set.value[k] : before->value[k]));
	/* The key's own bad lines go; nothing else may become bad. */
	FUZZ_CHECK(warnings <= warnings_before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul, *file;
	struct config cfg;
	enum config_key key;
	unsigned warnings = 0;
	char *value;
	size_t len;

	if (size == 0)
		return 0;
	key = (enum config_key)(data[0] % CONFIG_KEY_COUNT);
	nul = memchr(data + 1, '\0', size - 1);
	if (!nul)
		return 0;
	value = strndup((const char *)data + 1, (size_t)(nul - data - 1));
	FUZZ_CHECK(value != NULL);
	file = nul + 1;
	len = size - (size_t)(file - data);

	load_text(&cfg, file, len, &warnings);
	check_format(&cfg);
	check_write(key, value, file, len, &cfg, warnings);
	free(value);
	return 0;
}
