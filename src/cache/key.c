/* key: direct and result keys. Bump the tag strings when what goes in changes. */
#include "key.h"

#include <string.h>

/* What every family reads; each family adds its own (family.h). */
const char *const key_env_vars[] = {
        /* header search */
        "CPATH",
        "C_INCLUDE_PATH",
        "CPLUS_INCLUDE_PATH",
        "OBJC_INCLUDE_PATH",
        /* which programs the driver runs */
        "COMPILER_PATH",
        /* __DATE__/__TIME__ when pinned */
        "SOURCE_DATE_EPOCH",
        /* the language, encoding and colours of diagnostics */
        "LC_ALL",
        "LC_MESSAGES",
        "LC_CTYPE",
        "LANG",
        "LANGUAGE",
        /* the width diagnostics are cut to on a terminal: COLUMNS, else
         * the terminal's own (the launcher sends it under this name) */
        "COLUMNS",
        "ZCCACHE_TTY_COLUMNS",
        /* on a terminal only (cache.c): colours and links follow the
         * terminal's name and kind (terminfo, gcc's URL rules) */
        "TERM",
        "COLORTERM",
        "OBJCPLUS_INCLUDE_PATH",
};
const size_t key_n_env_vars = sizeof(key_env_vars) / sizeof(key_env_vars[0]);

const char *const key_driver_debug_env[] = {
        "CC_PRINT_HEADERS",           "CC_PRINT_HEADERS_FILE",  "CC_PRINT_HEADERS_FORMAT",
        "CC_PRINT_HEADERS_FILTERING", "CC_LOG_DIAGNOSTICS",     "CC_LOG_DIAGNOSTICS_FILE",
        "CC_PRINT_OPTIONS",           "CC_PRINT_OPTIONS_FILE",  "CC_PRINT_PROC_STAT",
        "CC_PRINT_PROC_STAT_FILE",    "CC_PRINT_INTERNAL_STAT", "CC_PRINT_INTERNAL_STAT_FILE",
        "GCC_COMPARE_DEBUG",
};
const size_t key_n_driver_debug_env =
        sizeof(key_driver_debug_env) / sizeof(key_driver_debug_env[0]);

/* -f*-prefix-map=OLD=NEW with OLD the cwd: the map erases the cwd from the
 * output, so the key must not hold it either. */
static void put_key_arg(struct hasher *h, const char *arg, const char *cwd)
{
	static const char *const maps[] = {
	        "-fdebug-prefix-map=", "-ffile-prefix-map=", "-fmacro-prefix-map=",
	        "-fprofile-prefix-map=", "-fcoverage-prefix-map="};
	size_t clen = cwd ? strlen(cwd) : 0;

	for (size_t i = 0; clen && i < sizeof(maps) / sizeof(maps[0]); i++) {
		size_t mlen = strlen(maps[i]);
		const char *old = arg + mlen, *eq;

		if (strncmp(arg, maps[i], mlen) != 0 || !(eq = strchr(old, '=')))
			continue;
		if ((size_t)(eq - old) == clen && strncmp(old, cwd, clen) == 0) {
			hasher_update(h, arg, mlen);
			hasher_update_str(h, eq); /* "=NEW", after a fixed "<cwd>" stand-in */
			hasher_update_str(h, "\x01cwd\x01");
			return;
		}
	}
	hasher_update_str(h, arg);
}

static void put_bool(struct hasher *h, bool b)
{
	hasher_update(h, b ? "1" : "0", 1);
}

void key_direct(const struct key_inputs *in, struct digest *out)
{
	const struct compile_args *a = in->args;
	struct hasher *h = hasher_new();

	if (!h) {
		/* No key without memory: a digest nobody else can produce. */
		memset(out, 0xff, sizeof(*out));
		return;
	}
	hasher_update_str(h, "zccache-direct-v2");
	hasher_update(h, in->compiler_id->bytes, sizeof(in->compiler_id->bytes));
	hasher_update_u64(h, (uint64_t)a->family);
	hasher_update_str(h, a->language ? a->language : "");
	hasher_update_u64(h, (uint64_t)a->output_kind);
	put_bool(h, a->cxx_driver);

	hasher_update_str(h, "args");
	hasher_update_u64(h, a->n_key_args);
	for (size_t i = 0; i < a->n_key_args; i++)
		put_key_arg(h, a->key_args[i], in->cwd);

	hasher_update_str(h, "source");
	hasher_update(h, in->source->bytes, sizeof(in->source->bytes));

	hasher_update_str(h, "env");
	for (size_t i = 0; i < key_n_env_vars; i++) {
		put_bool(h, in->env[i] != NULL);
		if (in->env[i])
			hasher_update_str(h, in->env[i]);
	}
	hasher_update_str(h, "family-env");
	for (size_t i = 0; in->family_env_names && in->family_env_names[i]; i++) {
		hasher_update_str(h, in->family_env_names[i]);
		put_bool(h, in->family_env[i] != NULL);
		if (in->family_env[i])
			hasher_update_str(h, in->family_env[i]);
	}
	/* Only for such a family, so that no other family's keys change. */
	if (in->prefixed_env_names) {
		hasher_update_str(h, "family-env-prefixed");
		hasher_update_u64(h, in->n_prefixed_env);
		for (size_t i = 0; i < in->n_prefixed_env; i++) {
			hasher_update_str(h, in->prefixed_env_names[i]);
			hasher_update_str(h, in->prefixed_env[i]);
		}
	}
	put_bool(h, in->color);

	/* Only when the output records them: otherwise two build folders share. */
	put_bool(h, a->cwd_in_output);
	if (a->cwd_in_output)
		hasher_update_str(h, a->output_cwd ? a->output_cwd : "");
	put_bool(h, in->cpu != NULL);
	if (in->cpu)
		hasher_update_str(h, in->cpu);

	hasher_update_str(h, "extra");
	hasher_update_u64(h, in->n_extra);
	for (size_t i = 0; i < in->n_extra; i++) {
		hasher_update_str(h, in->extra[i].path);
		put_bool(h, in->extra[i].present);
		if (in->extra[i].present)
			hasher_update(h, in->extra[i].digest.bytes,
			              sizeof(in->extra[i].digest.bytes));
	}
	put_bool(h, in->programs != NULL);
	if (in->programs)
		hasher_update(h, in->programs->bytes, sizeof(in->programs->bytes));
	put_bool(h, in->search != NULL);
	if (in->search)
		hasher_update(h, in->search->bytes, sizeof(in->search->bytes));
	hasher_final(h, out);
	hasher_free(h);
}

void key_result(const struct digest *direct, const struct key_file *files, size_t n,
                struct digest *out)
{
	struct hasher *h = hasher_new();

	if (!h) {
		memset(out, 0xff, sizeof(*out));
		return;
	}
	hasher_update_str(h, "zccache-result-v1");
	hasher_update(h, direct->bytes, sizeof(direct->bytes));
	hasher_update_u64(h, n);
	for (size_t i = 0; i < n; i++) {
		hasher_update_str(h, files[i].path);
		hasher_update(h, files[i].digest.bytes, sizeof(files[i].digest.bytes));
	}
	hasher_final(h, out);
	hasher_free(h);
}
