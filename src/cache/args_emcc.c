/*
 * args_emcc: the Emscripten family (emcc, em++). The driver is a Python
 * program that reads its config, adds its flags and --sysroot to the
 * command, and runs the clang the config names (checked on Debian's 3.1.6):
 * it takes clang's options, classified by args_gcc.c with clang's rules,
 * plus the rows below. Its identity is the config, that clang and the
 * Python files that choose the flags.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "args_family.h"
#include "compiler.h"
#include "family.h"
#include "sent_env.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A config bigger than this is not one emcc's template made. */
#define CONFIG_MAX (64u << 10)

/* ---- options ---- */

/*
 * Settings that make emcc fetch and build a port (each tools/ports module's
 * needed()) even for -c: a download, a build into the Emscripten cache,
 * and headers no depfile of ours would see first.
 */
static const char *const port_settings[] = {
        "USE_BOOST_HEADERS",
        "USE_BULLET",
        "USE_BZIP2",
        "USE_COCOS2D",
        "USE_FREETYPE",
        "USE_GIFLIB",
        "USE_HARFBUZZ",
        "USE_ICU",
        "USE_LIBJPEG",
        "USE_LIBPNG",
        "USE_MODPLUG",
        "USE_MPG123",
        "USE_OGG",
        "USE_REGAL",
        "USE_SDL",
        "USE_SDL_GFX",
        "USE_SDL_IMAGE",
        "USE_SDL_MIXER",
        "USE_SDL_NET",
        "USE_SDL_TTF",
        "USE_VORBIS",
        "USE_ZLIB",
        "SDL2_IMAGE_FORMATS",
        "SDL2_MIXER_FORMATS",
};

/* emcc's is_dash_s_for_emcc: an upper-case identifier, then "=value" or nothing. */
static bool setting_name(const char *s, size_t len)
{
	bool upper = false;

	if (len == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (islower((unsigned char)s[i]))
			return false;
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return false;
		upper = upper || isupper((unsigned char)s[i]);
	}
	return upper;
}

/*
 * -s NAME[=VALUE] and -sNAME[=VALUE]. The setting reaches the key with the
 * argument; only what it makes emcc do beyond the compile is checked: ports
 * (fetched and built), and values read from a file (@file).
 */
static int h_setting(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	size_t len = strcspn(value, "=");
	const char *shown = arg[2] == '\0' ? value : arg;

	if (!setting_name(value, len))
		return args_gcc_opt_reason(ctx, UNCACHEABLE_UNSUPPORTED_OPTION, shown);
	for (size_t i = 0; i < ARRAY_SIZE(port_settings); i++)
		if (strlen(port_settings[i]) == len && memcmp(value, port_settings[i], len) == 0)
			return args_gcc_opt_reason(ctx, UNCACHEABLE_EMSCRIPTEN_PORT, shown);
	if (value[len] == '=' && strchr(value + len + 1, '@'))
		return args_gcc_opt_reason(ctx, UNCACHEABLE_UNSUPPORTED_OPTION, shown);
	return KEY_KEEP;
}

static int h_emcc_keep(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return KEY_KEEP;
}

/* The row's param is the reason. */
static int h_emcc_reason(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return args_gcc_opt_reason(ctx, (enum uncacheable_reason)row->param, arg);
}

/* clang-format off */
#define FLAG(n, ...)     {n, OPT_FLAG, OPT_CLANG, __VA_ARGS__}
#define JOINED(n, ...)   {n, OPT_JOINED, OPT_CLANG, __VA_ARGS__}
#define SEPARATE(n, ...) {n, OPT_SEPARATE, OPT_CLANG, __VA_ARGS__}
#define JOINSEP(n, ...)  {n, OPT_JOINED_OR_SEPARATE, OPT_CLANG, __VA_ARGS__}
/* clang-format on */
#define KEEP      h_emcc_keep, 0
#define REASON(r) h_emcc_reason, UNCACHEABLE_##r

/*
 * emcc's own options (emcc.py parse_args), ahead of clang's rows: "-s" is
 * a setting here, not the linker's strip. Link-only options that take a
 * value are named so that the value is never taken for a source; with -c
 * emcc reads nothing of them.
 */
static const struct opt_row emcc_rows[] = {
        JOINSEP("-s", h_setting, 0),
        SEPARATE("--use-port", REASON(EMSCRIPTEN_PORT)),
        JOINED("--use-port=", REASON(EMSCRIPTEN_PORT)),
        /* where the config and the cache (the sysroot) are: the config is
         * keyed (helper_files), the sysroot through the include search */
        SEPARATE("--em-config", KEEP),
        SEPARATE("--cache", KEEP),
        /* a program run around clang, or another object name */
        SEPARATE("--compiler-wrapper", REASON(UNSUPPORTED_OPTION)),
        SEPARATE("--default-obj-ext", REASON(UNSUPPORTED_OPTION)),
        /* they change the Emscripten cache, or only print */
        FLAG("--clear-cache", REASON(UNSUPPORTED_OPTION)),
        FLAG("--clear-ports", REASON(UNSUPPORTED_OPTION)),
        FLAG("--show-ports", REASON(PRINT_ONLY)),
        FLAG("--check", REASON(PRINT_ONLY)),
        FLAG("--generate-config", REASON(UNSUPPORTED_OPTION)),
        FLAG("--cflags", REASON(PRINT_ONLY)),
        /* the linker's */
        SEPARATE("--pre-js", KEEP),
        SEPARATE("--post-js", KEEP),
        SEPARATE("--extern-pre-js", KEEP),
        SEPARATE("--extern-post-js", KEEP),
        SEPARATE("--js-library", KEEP),
        SEPARATE("--shell-file", KEEP),
        SEPARATE("--embed-file", KEEP),
        SEPARATE("--preload-file", KEEP),
        SEPARATE("--exclude-file", KEEP),
        SEPARATE("--closure", KEEP),
        SEPARATE("--closure-args", KEEP),
        SEPARATE("--js-transform", KEEP),
        SEPARATE("--minify", KEEP),
        SEPARATE("--memory-init-file", KEEP),
        SEPARATE("--source-map-base", KEEP),
        SEPARATE("--oformat", KEEP),
        SEPARATE("--output_eol", KEEP),
        FLAG("--emrun", KEEP),
        FLAG("--profiling", KEEP),
        FLAG("-profiling", KEEP),
        FLAG("--profiling-funcs", KEEP),
        FLAG("-profiling-funcs", KEEP),
        FLAG("--no-entry", KEEP),
        FLAG("--bind", KEEP),
        FLAG("--emit-symbol-map", KEEP),
        JOINED("-jsD", KEEP),
};

static int classify_emcc(struct compile_args *out, const char *cwd)
{
	const struct gcc_dialect d = {
	        .clang = true,
	        .extra = emcc_rows,
	        .n_extra = ARRAY_SIZE(emcc_rows),
	};

	return args_gcc_classify_dialect(out, cwd, &d);
}

/* ---- names ---- */

static bool names_emcc(const char *base, bool *cxx)
{
	*cxx = strcmp(base, "em++") == 0;
	return *cxx || strcmp(base, "emcc") == 0;
}

/* emcc names no helper to -print-prog-name: helper_files does instead. */
static size_t programs_emcc(const struct compile_args *a, const char **progs, size_t max)
{
	return 0;
}

/* ---- identity: the config, its clang, the Python that picks the flags ---- */

/* The folder of path (which is not "/"), as a new string. */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* os.path.expanduser for "~/..." (HOME from the request, else ours). */
static char *expand_home(const char *path, const char *home)
{
	char *s;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return strdup(path);
	if (!home)
		home = getenv("HOME");
	if (!home)
		return NULL;
	if (asprintf(&s, "%s%s", home, path + 1) < 0)
		return NULL;
	return s;
}

/* tools/config.py: --em-config, EM_CONFIG, the root's .emscripten, emsdk's
 * two levels up, ~/.emscripten (the last one even when missing). */
static char *config_path(const char *root, const struct compile_args *a, const char *env_config,
                         const char *home)
{
	char *p, *up, *upup;

	for (size_t i = 1; i + 1 < a->argc; i++)
		if (strcmp(a->argv[i], "--em-config") == 0)
			return expand_home(a->argv[i + 1], home);
	if (env_config)
		return expand_home(env_config, home);
	if (asprintf(&p, "%s/.emscripten", root) < 0)
		return NULL;
	if (is_file(p))
		return p;
	free(p);
	up = folder_of(root);
	upup = up ? folder_of(up) : NULL;
	p = NULL;
	if (upup && asprintf(&p, "%s/.emscripten", upup) < 0)
		p = NULL;
	free(up);
	free(upup);
	if (p && is_file(p))
		return p;
	free(p);
	return expand_home("~/.emscripten", home);
}

static char *read_small_file(const char *path)
{
	char *text = malloc(CONFIG_MAX + 1);
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!text)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		free(text);
		return NULL;
	}
	while (len < CONFIG_MAX && (n = read(fd, text + len, CONFIG_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len >= CONFIG_MAX || memchr(text, '\0', len)) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

enum config_value {
	CONFIG_UNSET,  /* the key is not assigned */
	CONFIG_SET,    /* assigned a plain string (or None/True/False/number) */
	CONFIG_OPAQUE, /* assigned something only Python could evaluate */
};

/* The value of a plain string literal starting at q (a quote) that ends
 * the line [q, end) but for blanks and a comment; NULL if it is not one. */
static char *string_literal(const char *q, const char *end)
{
	const char *close = memchr(q + 1, *q, (size_t)(end - q - 1)), *rest;

	if (!close || memchr(q + 1, '\\', (size_t)(close - q - 1)))
		return NULL;
	rest = close + 1;
	while (rest < end && (*rest == ' ' || *rest == '\t' || *rest == '\r'))
		rest++;
	if (rest < end && *rest != '#')
		return NULL;
	return strndup(q + 1, (size_t)(close - q - 1));
}

/*
 * The value the config file (Python, exec'ed by emcc) gives key, when every
 * assignment to it is a top-level one of a plain string literal (or None),
 * as emcc's template and --generate-config write them. The last one wins,
 * as in Python. *out is a new string for CONFIG_SET.
 */
static enum config_value config_get(const char *text, const char *key, char **out)
{
	enum config_value v = CONFIG_UNSET;
	size_t klen = strlen(key);

	*out = NULL;
	for (const char *line = text; *line;) {
		const char *end = line + strcspn(line, "\n"), *p = line, *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 &&
		    strchr(" \t=", p[klen])) {
			q = p + klen;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < end && *q == '=' && q + 1 < end && q[1] != '=') {
				free(*out);
				*out = NULL;
				v = CONFIG_OPAQUE;
				for (q++; q < end && (*q == ' ' || *q == '\t'); q++)
					;
				/* inside an if or a def (p != line): not followed */
				if (p == line && q < end && (*q == '\'' || *q == '"'))
					v = (*out = string_literal(q, end)) ? CONFIG_SET
					                                    : CONFIG_OPAQUE;
				else if (p == line && (size_t)(end - q) >= 4 &&
				         strncmp(q, "None", 4) == 0)
					v = CONFIG_UNSET;
			}
		}
		line = *end ? end + 1 : end;
	}
	if (v == CONFIG_OPAQUE) {
		free(*out);
		*out = NULL;
	}
	return v;
}

/* The code of one line [p, end): up to a '#' outside a string literal. */
static const char *code_end(const char *p, const char *end)
{
	char quote = 0;

	for (; p < end; p++) {
		if (quote && *p == '\\' && p + 1 < end)
			p++;
		else if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		else if (!quote && *p == '#')
			return p;
	}
	return end;
}

/*
 * Does the config's code (comments aside) read the environment? emcc
 * exec's it, so it may take any key from any variable (configs emcc
 * generated once read LLVM, BINARYEN, NODE): variables no list or prefix
 * names, which the launcher does not send. Such a config is not cached.
 */
static bool config_reads_env(const char *text)
{
	static const char *const words[] = {"environ", "getenv"};

	for (const char *line = text; *line;) {
		const char *end = line + strcspn(line, "\n"), *code = code_end(line, end);

		for (size_t i = 0; i < ARRAY_SIZE(words); i++)
			if (memmem(line, (size_t)(code - line), words[i], strlen(words[i])))
				return true;
		line = *end ? end + 1 : end;
	}
	return false;
}

/* A config key as emcc sees it: EM_<KEY> from the environment first. */
static int config_key(const char *text, const char *key,
                      const char *(*getenv_req)(void *ctx, const char *name), void *env_ctx,
                      char **out)
{
	char name[64];
	const char *env;

	snprintf(name, sizeof(name), "EM_%s", key);
	env = getenv_req(env_ctx, name);
	if (env) {
		*out = strdup(env);
		return *out ? 0 : -ENOMEM;
	}
	switch (config_get(text, key, out)) {
	case CONFIG_SET:
		return 0;
	case CONFIG_UNSET:
		return 0;
	case CONFIG_OPAQUE:
		break;
	}
	return -EINVAL;
}

/* The files under the Emscripten root that turn an emcc command into a
 * clang command (flags, settings and their defaults, ports, version). */
static const char *const root_files[] = {
        "emcc.py",
        "em++.py",
        "emscripten-version.txt",
        "tools/shared.py",
        "tools/config.py",
        "tools/settings.py",
        "tools/building.py",
        "tools/utils.py",
        "tools/ports/__init__.py",
        "src/settings.js",
        "src/settings_internal.js",
};

static int push_file(char **files, size_t max, size_t *n, char *path)
{
	if (!path)
		return -ENOMEM;
	if (*n >= max) {
		free(path);
		return -E2BIG;
	}
	files[(*n)++] = path;
	return 0;
}

static int helper_files_emcc(const struct compiler_info *ci, const char *cwd,
                             const struct compile_args *a,
                             const char *(*getenv_req)(void *ctx, const char *name), void *env_ctx,
                             char **files, size_t max)
{
	char real[PATH_MAX], *root = NULL, *config = NULL, *text = NULL, *llvm = NULL;
	char *clang_ver = NULL, *wrapper = NULL, *p;
	size_t n = 0;
	int r = 0;

	if (!realpath(ci->path, real))
		return -errno;
	root = folder_of(real);
	if (!root)
		return -ENOMEM;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(root_files); i++)
		r = push_file(files, max, &n,
		              asprintf(&p, "%s/%s", root, root_files[i]) < 0 ? NULL : p);
	if (r < 0)
		goto out;
	if (!is_file(files[0])) {
		/* not an Emscripten root: nothing here says what runs */
		r = -ENOENT;
		goto out;
	}
	config =
	        config_path(root, a, getenv_req(env_ctx, "EM_CONFIG"), getenv_req(env_ctx, "HOME"));
	if (!config) {
		r = -ENOMEM;
		goto out;
	}
	text = read_small_file(config);
	if (!text) {
		r = -ENOENT;
		goto out;
	}
	r = push_file(files, max, &n, strdup(config));
	if (r == 0 && config_reads_env(text))
		r = -ENOTSUP;
	if (r == 0)
		r = config_key(text, "LLVM_ROOT", getenv_req, env_ctx, &llvm);
	if (r == 0)
		r = config_key(text, "CLANG_ADD_VERSION", getenv_req, env_ctx, &clang_ver);
	if (r == 0)
		r = config_key(text, "COMPILER_WRAPPER", getenv_req, env_ctx, &wrapper);
	if (r < 0)
		goto out;
	/* a wrapper (ccache...) runs clang its own way; no LLVM_ROOT: emcc fails */
	if ((wrapper && wrapper[0]) || !llvm || !llvm[0]) {
		r = -ENOTSUP;
		goto out;
	}
	if (!clang_ver && getenv_req(env_ctx, "CLANG_ADD_VERSION"))
		clang_ver = strdup(getenv_req(env_ctx, "CLANG_ADD_VERSION"));
	/* emcc runs clang or clang++ by language and driver: both are keyed */
	for (int cxx = 0; r == 0 && cxx < 2; cxx++) {
		char *tool = NULL, *full;

		if (asprintf(&tool, "%s/clang%s%s%s", llvm, cxx ? "++" : "",
		             clang_ver && clang_ver[0] ? "-" : "",
		             clang_ver ? clang_ver : "") < 0) {
			r = -ENOMEM;
			break;
		}
		full = expand_home(tool, getenv_req(env_ctx, "HOME"));
		free(tool);
		r = push_file(files, max, &n, full);
	}
out:
	free(root);
	free(config);
	free(text);
	free(llvm);
	free(clang_ver);
	free(wrapper);
	if (r < 0) {
		while (n > 0)
			free(files[--n]);
		return r;
	}
	return (int)n;
}

/* ---- the row ---- */

/* Read by emcc (tools/config.py, shared.py, emcc.py) and changing what a
 * compile makes: the config, its overrides, the sysroot, the flags; and by
 * the clang it runs, which edits its command line by CCC_OVERRIDE_OPTIONS
 * as the clang family's does. */
static const char *const emcc_env[] = {SENT_ENV_EMSCRIPTEN, "CCC_OVERRIDE_OPTIONS", NULL};

/* Those that move the sysroot and the clang that the include search asks. */
static const char *const emcc_probe_env[] = {
        "EM_CONFIG",
        "EM_CACHE",
        "EM_LLVM_ROOT",
        "EM_LLVM_ADD_VERSION",
        "EM_CLANG_ADD_VERSION",
        "LLVM_ADD_VERSION",
        "CLANG_ADD_VERSION",
        "EM_FROZEN_CACHE",
        "EMSDK_PYTHON",
        NULL,
};

/*
 * Debug logs and temporary files kept (EMCC_DEBUG, EMCC_DEBUG_SAVE,
 * EMPROFILE), stderr sent to a file, commands printed with their paths
 * (EMCC_VERBOSE, EM_BUILD_VERBOSE); EMCC_CFLAGS, arguments appended that
 * no classifier saw (-g would put the cwd in the object); what emcc
 * 3.1.6 refuses with an error (emcc.py run(): the EMMAKEN_* of old); and
 * of its Python's: what prints (imports, their times, allocator stats),
 * fails (PYTHONSAFEPATH: emcc.py cannot import its tools), reads stdin
 * after the run (PYTHONINSPECT), or loads modules from elsewhere, whose
 * content no key holds (PYTHONPATH, PYTHONHOME).
 */
static const char *const emcc_uncacheable_env[] = {
        "EMCC_DEBUG",
        "EMCC_DEBUG_SAVE",
        "EMCC_STDERR_FILE",
        "EMPROFILE",
        "EMCC_VERBOSE",
        "EM_BUILD_VERBOSE",
        "EMCC_CFLAGS",
        "EM_COMPILER_WRAPPER",
        "EMMAKEN_CFLAGS",
        "EMMAKEN_COMPILER",
        "EMMAKEN_NO_SDK",
        "PYTHONVERBOSE",
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONMALLOCSTATS",
        "PYTHONSAFEPATH",
        "PYTHONINSPECT",
        "PYTHONPATH",
        "PYTHONHOME",
        NULL,
};

/*
 * Every other variable of emcc's (tools/config.py takes EM_<KEY> for each
 * key of its config, EM_BINARYEN_ROOT and EM_NODE_JS too, and fails when a
 * mandatory one is empty; shared.py, settings.py, system_libs.py and the
 * ports read EMCC_* and EM_*): keyed by name and value, whatever emcc
 * makes of it; and PYTHON*, read by the interpreter that runs emcc.py
 * (PYTHONHASHSEED, PYTHONIOENCODING, PYTHONWARNINGS...). EMPROFILE,
 * LLVM_ADD_VERSION and CLANG_ADD_VERSION have no such prefix: they are
 * listed by name.
 */
static const char *const emcc_env_prefixes[] = {SENT_ENV_EMSCRIPTEN_PREFIXES, NULL};

const struct family family_emcc = {
        .name = "emcc",
        .id = COMPILER_EMCC,
        .names = names_emcc,
        .classify = classify_emcc,
        .version_arg = "-dumpversion",
        .machine_arg = "-dumpmachine",
        .identity_programs = NULL,
        .programs = programs_emcc,
        .helper_files = helper_files_emcc,
        .env_vars = emcc_env,
        .probe_env = emcc_probe_env,
        .uncacheable_env = emcc_uncacheable_env,
        .env_prefixes = emcc_env_prefixes,
        .color_env = NULL,
        .color_by_terminfo = true,
        .color_always_arg = "-fcolor-diagnostics",
        /* -dumpversion is emcc's (3.1.6), not its clang's: never assumed */
        .epoch_major = INT_MAX,
        .depfile_style = DEPFILE_STYLE_CLANG,
        .wp_depfile_target_from_output = true,
        .object_renamed = true,
        .private_output = true,
        .echoes_command_on_failure = true,
        .dwo_in_place = true,
        .assembler_depfile = false,
};
