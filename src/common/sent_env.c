/* sent_env: the environment a launcher sends with a compile request (see .h). */
#include "sent_env.h"

#include <string.h>

const char *const sent_env_vars[] = {
        "CPATH",
        "C_INCLUDE_PATH",
        "CPLUS_INCLUDE_PATH",
        "OBJC_INCLUDE_PATH",
        "OBJCPLUS_INCLUDE_PATH",
        "SOURCE_DATE_EPOCH",
        "LANG",
        "LC_ALL",
        "LC_CTYPE",
        "LC_MESSAGES",
        "LANGUAGE",
        "GCC_COLORS",
        "GCC_EXEC_PREFIX",
        "COMPILER_PATH",
        "DEPENDENCIES_OUTPUT",
        "SUNPRO_DEPENDENCIES",
        "CCC_OVERRIDE_OPTIONS",
        "TERM",
        "COLORTERM",
        /* where clang's terminfo finds TERM's entry (terminfo.h) */
        "TERMINFO",
        "TERMINFO_DIRS",
        "HOME",
        "NO_COLOR",
        "GCC_URLS",
        "TERM_URLS",
        "GCC_EXTRA_DIAGNOSTIC_OUTPUT",
        "COLUMNS",
        /* where the driver finds the assembler (not part of the key: the
         * server keys the program it finds) */
        "PATH",
        /* the driver's own logs: such compiles are not cached */
        "CC_PRINT_HEADERS",
        "CC_PRINT_HEADERS_FILE",
        "CC_PRINT_HEADERS_FORMAT",
        "CC_PRINT_HEADERS_FILTERING",
        "CC_LOG_DIAGNOSTICS",
        "CC_LOG_DIAGNOSTICS_FILE",
        "CC_PRINT_OPTIONS",
        "CC_PRINT_OPTIONS_FILE",
        "CC_PRINT_PROC_STAT",
        "CC_PRINT_PROC_STAT_FILE",
        "CC_PRINT_INTERNAL_STAT",
        "CC_PRINT_INTERNAL_STAT_FILE",
        "GCC_COMPARE_DEBUG",
        /* Emscripten's config, its overrides and its sysroot */
        SENT_ENV_EMSCRIPTEN,
        /* emcc's logs, temporary files and extra arguments: not cached */
        "EMCC_DEBUG",
        "EMCC_DEBUG_SAVE",
        "EMCC_STDERR_FILE",
        "EMPROFILE",
        "EMCC_VERBOSE",
        "EMCC_CFLAGS",
        "EM_COMPILER_WRAPPER",
        /* what cargo sets for rustc that env!() reads, and rustc's own */
        SENT_ENV_CARGO,
        "RUSTC_BOOTSTRAP",
        "RUSTC_LOG",
        SENT_ENV_RUSTC_OWN,
        /* a link's C driver, and clippy-driver's lints and configuration */
        "LIBRARY_PATH",
        "CLIPPY_ARGS",
        "CLIPPY_CONF_DIR",
};
const size_t sent_env_count = sizeof(sent_env_vars) / sizeof(sent_env_vars[0]);

bool sent_env_prefixed(const char *name, size_t len)
{
	static const char *const prefixes[] = {SENT_ENV_EMSCRIPTEN_PREFIXES};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (len >= n && strncmp(name, prefixes[i], n) == 0)
			return true;
	}
	return false;
}
