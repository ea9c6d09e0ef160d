/*
 * config: the server's tunables. Defaults, then the config file
 * ("key = value", '#' comments), then ZCCACHE_<KEY> environment variables,
 * then values set at run time; each value remembers which of those it came
 * from so that `zccachectl config show` can say so.
 */
#ifndef ZCCACHE_CONFIG_H
#define ZCCACHE_CONFIG_H

#include <stdint.h>
#include <stdio.h>

enum config_key {
	CONFIG_MAX_SIZE,
	CONFIG_IDLE_TIMEOUT,
	CONFIG_COMPRESSION_LEVEL,
	CONFIG_LOG_LEVEL,
	CONFIG_MAX_AGE,          /* evict what was not used for this long; 0: never */
	CONFIG_JOURNAL,          /* 0/1: write the compile journal */
	CONFIG_JOURNAL_MAX_SIZE, /* rotate the journal past this */
	CONFIG_KEY_COUNT,
};

enum config_source {
	CONFIG_SOURCE_DEFAULT,
	CONFIG_SOURCE_FILE,
	CONFIG_SOURCE_ENV,
	CONFIG_SOURCE_RUNTIME,
};

struct config {
	uint64_t value[CONFIG_KEY_COUNT];
	enum config_source source[CONFIG_KEY_COUNT];
};

void config_defaults(struct config *cfg);

/* Key by its file name ("max_size"); -1 when unknown. */
int config_key_lookup(const char *name);
const char *config_key_name(enum config_key key);
/* The environment variable that overrides key ("ZCCACHE_MAX_SIZE"). */
const char *config_key_env(enum config_key key);
const char *config_source_name(enum config_source src);

/*
 * Parse text for key and store it with src. Sizes take K/M/G/T suffixes
 * (binary, optional "iB"/"B"); durations take s/m/h/d (bare = seconds).
 * Returns 0 or -EINVAL (bad syntax) or -ERANGE (out of bounds); on error the
 * old value stays. err, when given, receives a message for the user.
 */
int config_set(struct config *cfg, enum config_key key, const char *text, enum config_source src,
               char *err, size_t errlen);

/* Render key's value the way a user would write it ("10G", "600s", "info"). */
void config_format(const struct config *cfg, enum config_key key, char *out, size_t n);

/*
 * Apply the config file at path. A missing file is not an error. Each bad
 * line is reported through warn (file:line: why) and skipped; the rest
 * applies. Returns 0 or -errno when the file exists but cannot be read.
 */
int config_load_file(struct config *cfg, const char *path, void (*warn)(const char *msg, void *ctx),
                     void *ctx);
int config_load_stream(struct config *cfg, FILE *f, const char *name,
                       void (*warn)(const char *msg, void *ctx), void *ctx);

/* Apply ZCCACHE_* environment overrides, reporting bad values through warn. */
void config_load_env(struct config *cfg, void (*warn)(const char *msg, void *ctx), void *ctx);

/*
 * Set key = value in the config file at path, keeping every other line
 * (and comments) as they are; written as tmp + rename. Returns 0 or -errno.
 */
int config_write_key(const char *path, enum config_key key, const char *value);

#endif
