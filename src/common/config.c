/* config: defaults, file, environment and run-time values with their sources. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"

enum config_type { TYPE_SIZE, TYPE_DURATION, TYPE_INT, TYPE_LOG_LEVEL, TYPE_BOOL };

static const struct config_def {
	const char *name;
	const char *env;
	enum config_type type;
	uint64_t dflt;
	uint64_t min, max;
} defs[CONFIG_KEY_COUNT] = {
        [CONFIG_MAX_SIZE] = {"max_size", "ZCCACHE_MAX_SIZE", TYPE_SIZE, 10ull << 30, 1ull << 20,
                             UINT64_MAX},
        [CONFIG_IDLE_TIMEOUT] = {"idle_timeout", "ZCCACHE_IDLE_TIMEOUT", TYPE_DURATION, 600, 0,
                                 365ull * 86400},
        [CONFIG_COMPRESSION_LEVEL] = {"compression_level", "ZCCACHE_COMPRESSION_LEVEL", TYPE_INT, 1,
                                      1, 19},
        [CONFIG_LOG_LEVEL] = {"log_level", "ZCCACHE_LOG_LEVEL", TYPE_LOG_LEVEL, LOG_LEVEL_INFO,
                              LOG_LEVEL_ERR, LOG_LEVEL_DEBUG},
        [CONFIG_MAX_AGE] = {"max_age", "ZCCACHE_MAX_AGE", TYPE_DURATION, 0, 0, 3650ull * 86400},
        [CONFIG_JOURNAL] = {"journal", "ZCCACHE_JOURNAL", TYPE_BOOL, 0, 0, 1},
        [CONFIG_JOURNAL_MAX_SIZE] = {"journal_max_size", "ZCCACHE_JOURNAL_MAX_SIZE", TYPE_SIZE,
                                     16ull << 20, 4096, 1ull << 40},
};

static const char *const source_names[] = {
        [CONFIG_SOURCE_DEFAULT] = "default",
        [CONFIG_SOURCE_FILE] = "file",
        [CONFIG_SOURCE_ENV] = "environment",
        [CONFIG_SOURCE_RUNTIME] = "runtime",
};

void config_defaults(struct config *cfg)
{
	for (int i = 0; i < CONFIG_KEY_COUNT; i++) {
		cfg->value[i] = defs[i].dflt;
		cfg->source[i] = CONFIG_SOURCE_DEFAULT;
	}
}

int config_key_lookup(const char *name)
{
	for (int i = 0; i < CONFIG_KEY_COUNT; i++)
		if (strcmp(defs[i].name, name) == 0)
			return i;
	return -1;
}

const char *config_key_name(enum config_key key)
{
	return defs[key].name;
}

const char *config_key_env(enum config_key key)
{
	return defs[key].env;
}

const char *config_source_name(enum config_source src)
{
	return source_names[src];
}

/* Parse an unsigned number followed by a unit suffix from table units. */
static int parse_scaled(const char *text, const char *const *suffixes, const uint64_t *scale,
                        size_t n, uint64_t *out)
{
	char *end;
	unsigned long long v;
	const char *p = text;
	size_t unit_len;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno)
		return -ERANGE;
	while (isspace((unsigned char)*end))
		end++;
	unit_len = strlen(end);
	while (unit_len > 0 && isspace((unsigned char)end[unit_len - 1]))
		unit_len--;
	for (size_t i = 0; i < n; i++) {
		if (strlen(suffixes[i]) == unit_len &&
		    strncasecmp(end, suffixes[i], unit_len) == 0) {
			if (scale[i] && v > UINT64_MAX / scale[i])
				return -ERANGE;
			*out = (uint64_t)v * scale[i];
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_size(const char *text, uint64_t *out)
{
	static const char *const sfx[] = {"",    "b", "k",  "kb",  "kib", "m",  "mb",
	                                  "mib", "g", "gb", "gib", "t",   "tb", "tib"};
	static const uint64_t scale[] = {1,          1,          1ull << 10, 1ull << 10, 1ull << 10,
	                                 1ull << 20, 1ull << 20, 1ull << 20, 1ull << 30, 1ull << 30,
	                                 1ull << 30, 1ull << 40, 1ull << 40, 1ull << 40};

	return parse_scaled(text, sfx, scale, sizeof(scale) / sizeof(scale[0]), out);
}

static int parse_duration(const char *text, uint64_t *out)
{
	static const char *const sfx[] = {"", "s", "sec", "m", "min", "h", "d"};
	static const uint64_t scale[] = {1, 1, 1, 60, 60, 3600, 86400};

	return parse_scaled(text, sfx, scale, sizeof(scale) / sizeof(scale[0]), out);
}

int config_set(struct config *cfg, enum config_key key, const char *text, enum config_source src,
               char *err, size_t errlen)
{
	const struct config_def *d = &defs[key];
	uint64_t v = 0;
	int r = 0;

	switch (d->type) {
	case TYPE_SIZE:
		r = parse_size(text, &v);
		break;
	case TYPE_DURATION:
		r = parse_duration(text, &v);
		break;
	case TYPE_INT: {
		static const char *const none[] = {""};
		static const uint64_t one[] = {1};

		r = parse_scaled(text, none, one, 1, &v);
		break;
	}
	case TYPE_LOG_LEVEL: {
		enum log_level lvl;

		r = log_level_parse(text, &lvl);
		v = (uint64_t)lvl;
		break;
	}
	case TYPE_BOOL: {
		static const char *const words[] = {"off", "on",  "false", "true",
		                                    "no",  "yes", "0",     "1"};
		char w[8];
		size_t len;

		while (isspace((unsigned char)*text))
			text++;
		len = strcspn(text, " \t\r\n");
		r = -EINVAL;
		if (len < sizeof(w)) {
			memcpy(w, text, len);
			w[len] = '\0';
			for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
				if (strcasecmp(w, words[i]) == 0 &&
				    text[len + strspn(text + len, " \t\r\n")] == '\0') {
					v = i % 2;
					r = 0;
				}
		}
		break;
	}
	}
	if (r == 0 && (v < d->min || v > d->max))
		r = -ERANGE;
	if (r < 0) {
		if (err)
			snprintf(err, errlen, "%s: %s value '%s'", d->name,
			         r == -ERANGE ? "out of range" : "invalid", text);
		return r;
	}
	cfg->value[key] = v;
	cfg->source[key] = src;
	return 0;
}

static void format_scaled(uint64_t v, const char *const *units, const uint64_t *scale, size_t n,
                          char *out, size_t len)
{
	/* Largest unit that divides the value exactly, so the text parses back. */
	for (size_t i = n; i-- > 0;) {
		if (v != 0 && v % scale[i] == 0) {
			snprintf(out, len, "%llu%s", (unsigned long long)(v / scale[i]), units[i]);
			return;
		}
	}
	snprintf(out, len, "%llu%s", (unsigned long long)v, units[0]);
}

void config_format(const struct config *cfg, enum config_key key, char *out, size_t n)
{
	uint64_t v = cfg->value[key];

	switch (defs[key].type) {
	case TYPE_SIZE: {
		static const char *const u[] = {"", "K", "M", "G", "T"};
		static const uint64_t s[] = {1, 1ull << 10, 1ull << 20, 1ull << 30, 1ull << 40};

		format_scaled(v, u, s, 5, out, n);
		break;
	}
	case TYPE_DURATION: {
		static const char *const u[] = {"s", "m", "h", "d"};
		static const uint64_t s[] = {1, 60, 3600, 86400};

		format_scaled(v, u, s, 4, out, n);
		break;
	}
	case TYPE_INT:
		snprintf(out, n, "%llu", (unsigned long long)v);
		break;
	case TYPE_LOG_LEVEL:
		snprintf(out, n, "%s", log_level_name((enum log_level)v));
		break;
	case TYPE_BOOL:
		snprintf(out, n, "%s", v ? "on" : "off");
		break;
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void report(void (*warn)(const char *, void *), void *ctx, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void report(void (*warn)(const char *, void *), void *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(msg, ctx);
}

int config_load_stream(struct config *cfg, FILE *f, const char *name,
                       void (*warn)(const char *msg, void *ctx), void *ctx)
{
	char *line = NULL, *key, *val, *eq;
	size_t cap = 0;
	unsigned lineno = 0;
	char err[256];
	int k;

	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			report(warn, ctx, "%s:%u: expected 'key = value'", name, lineno);
			continue;
		}
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
		k = config_key_lookup(key);
		if (k < 0) {
			report(warn, ctx, "%s:%u: unknown key '%s'", name, lineno, key);
			continue;
		}
		if (config_set(cfg, (enum config_key)k, val, CONFIG_SOURCE_FILE, err, sizeof(err)) <
		    0)
			report(warn, ctx, "%s:%u: %s", name, lineno, err);
	}
	free(line);
	return ferror(f) ? -EIO : 0;
}

int config_load_file(struct config *cfg, const char *path, void (*warn)(const char *msg, void *ctx),
                     void *ctx)
{
	FILE *f = fopen(path, "re");
	int r;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	r = config_load_stream(cfg, f, path, warn, ctx);
	fclose(f);
	return r;
}

void config_load_env(struct config *cfg, void (*warn)(const char *msg, void *ctx), void *ctx)
{
	char err[256];

	for (int i = 0; i < CONFIG_KEY_COUNT; i++) {
		const char *v = getenv(defs[i].env);

		if (!v || !*v)
			continue;
		if (config_set(cfg, (enum config_key)i, v, CONFIG_SOURCE_ENV, err, sizeof(err)) < 0)
			report(warn, ctx, "$%s: %s", defs[i].env, err);
	}
}

int config_write_key(const char *path, enum config_key key, const char *value)
{
	char tmp[4096], *line = NULL, *dir, *slash;
	size_t cap = 0;
	ssize_t len;
	bool done = false, at_line_start = true;
	FILE *in, *out;
	int fd, r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		paths_mkdir_p(dir, 0700);
	}
	free(dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	out = fdopen(fd, "w");
	if (!out) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	in = fopen(path, "re");
	while (in && (len = getline(&line, &cap, in)) > 0) {
		char *k = line, *eq;

		while (isspace((unsigned char)*k))
			k++;
		eq = strchr(k, '=');
		if (*k != '#' && eq) {
			size_t klen = (size_t)(eq - k);

			while (klen > 0 && isspace((unsigned char)k[klen - 1]))
				klen--;
			if (klen == strlen(defs[key].name) &&
			    strncmp(k, defs[key].name, klen) == 0) {
				if (!done)
					fprintf(out, "%s = %s\n", defs[key].name, value);
				done = true;
				continue;
			}
		}
		/* Byte for byte: a NUL in the line must not cut off its end. */
		fwrite(line, 1, (size_t)len, out);
		at_line_start = line[len - 1] == '\n';
	}
	free(line);
	if (in)
		fclose(in);
	/* A last line without its newline must not swallow the new key. */
	if (!done)
		fprintf(out, "%s%s = %s\n", at_line_start ? "" : "\n", defs[key].name, value);
	if (fflush(out) != 0 || fsync(fileno(out)) < 0)
		r = -errno;
	if (fclose(out) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}
