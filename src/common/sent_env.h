/*
 * sent_env: the environment variables a launcher sends with a compile
 * request: every one that can change what any compiler family produces or
 * how it runs (the server keys them: key.c and each family's row), where the
 * driver finds its programs (PATH), and those that make a compile
 * uncacheable. The launcher knows no family; a unit test checks that this
 * list covers what the server reads.
 */
#ifndef ZCCACHE_SENT_ENV_H
#define ZCCACHE_SENT_ENV_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Lists a family keys in full, spelled once: its row in src/cache uses the
 * same macro (args_emcc.c, args_rustc.c), so the two cannot drift apart.
 */
/* Emscripten's config, its overrides and its sysroot (tools/config.py,
 * shared.py, emcc.py) */
#define SENT_ENV_EMSCRIPTEN                                                                     \
	"EM_CONFIG", "EM_CACHE", "EM_LLVM_ROOT", "EM_LLVM_ADD_VERSION", "EM_CLANG_ADD_VERSION", \
	        "LLVM_ADD_VERSION", "CLANG_ADD_VERSION", "EM_FROZEN_CACHE", "EM_PORTS",         \
	        "EMCC_STRICT", "EMCC_FORCE_STDLIBS", "EMCC_LOCAL_PORTS", "EMSDK_PYTHON"
/* The prefixes of Emscripten's variables: no list of them can be whole
 * (tools/config.py overrides every key of its config from EM_<KEY>, and each
 * release reads more EMCC_* and EM_*), and those of the Python that runs
 * it; every variable so named is sent and, for emcc, keyed (family.h
 * env_prefixes). */
#define SENT_ENV_EMSCRIPTEN_PREFIXES "EM_", "EMCC_", "EMMAKEN_", "EMSDK", "PYTHON"
/* What cargo sets for a crate's compile that env!() reads */
#define SENT_ENV_CARGO                                                                         \
	"CARGO_PKG_NAME", "CARGO_PKG_VERSION", "CARGO_PKG_VERSION_MAJOR",                      \
	        "CARGO_PKG_VERSION_MINOR", "CARGO_PKG_VERSION_PATCH", "CARGO_PKG_VERSION_PRE", \
	        "CARGO_PKG_AUTHORS", "CARGO_PKG_DESCRIPTION", "CARGO_PKG_HOMEPAGE",            \
	        "CARGO_PKG_REPOSITORY", "CARGO_PKG_LICENSE", "CARGO_PKG_LICENSE_FILE",         \
	        "CARGO_PKG_README", "CARGO_PKG_RUST_VERSION", "CARGO_MANIFEST_DIR",            \
	        "CARGO_MANIFEST_PATH", "CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE", "OUT_DIR"

/*
 * What rustc's driver (librustc_driver-*.so) and clippy-driver read
 * themselves, beyond cargo's: `strings` on both, less what changes no
 * output (RUST_BACKTRACE, RUST_MIN_STACK, RUSTC_ICE: a failed compile is
 * not stored; TMPDIR; the jobserver's MAKEFLAGS) and what -Z alone
 * enables (-Z is not cached). The version written into the metadata,
 * where --target finds a target's JSON, cargo-aware diagnostics, Apple
 * targets' SDK and deployment versions, clippy's help lines and width.
 */
#define SENT_ENV_RUSTC_OWN                                                                         \
	"RUSTC_FORCE_RUSTC_VERSION", "RUSTC_OVERRIDE_VERSION_STRING", "RUST_TARGET_PATH",          \
	        "RUSTC_CTFE_BACKTRACE", "CARGO", "CARGO_TARGET_DIR", "UNSTABLE_RUSTDOC_TEST_PATH", \
	        "UNSTABLE_RUSTDOC_TEST_LINE", "SDKROOT", "MACOSX_DEPLOYMENT_TARGET",               \
	        "IPHONEOS_DEPLOYMENT_TARGET", "TVOS_DEPLOYMENT_TARGET",                            \
	        "WATCHOS_DEPLOYMENT_TARGET", "XROS_DEPLOYMENT_TARGET",                             \
	        "CLIPPY_DISABLE_DOCS_LINKS", "CLIPPY_TERMINAL_WIDTH"

extern const char *const sent_env_vars[];
extern const size_t sent_env_count;

/* Is the variable name[0, len) sent for one of the prefixes (above)? */
bool sent_env_prefixed(const char *name, size_t len);

#endif
