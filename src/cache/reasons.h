/*
 * reasons: every reason a compile is run without the cache, or run and not
 * stored, in one table: its enum, its name (the stats counter is
 * "uncacheable.<name>", the protocol's "reason" field and the journal carry
 * it too) and one line of prose for people (zccachectl explain).
 */
#ifndef ZCCACHE_REASONS_H
#define ZCCACHE_REASONS_H

/*
 * A row: R(X, ID, "name", "prose"). Names are stats counters: stable,
 * lowercase, underscores. Append new ones; never rename. Prose completes
 * "not cacheable: ..." (zccachectl explain may add ": <the argument>") and
 * says what to do when the user can do something.
 *
 * The first rows are the argument classifier's (args.h's enum
 * uncacheable_reason is made of them, in this order); the classifier's new
 * reasons go at the end of CACHE_CLASSIFIER_ROWS_, every other new one at the
 * end of CACHE_OTHER_ROWS_.
 */
#define CACHE_CLASSIFIER_ROWS_(R, X)                                                       \
	R(X, NONE, "none", "cacheable")                                                    \
	R(X, LINKING, "linking", "linking (no -c or -S): only compiles are cached")        \
	R(X, PREPROCESS_ONLY, "preprocess_only",                                           \
	  "preprocessing only (-E, -M, -MM): only compiles are cached")                    \
	R(X, PRINT_ONLY, "print_only",                                                     \
	  "prints information only (--version, -v, -###, -print-*, -dump*)")               \
	R(X, NO_SOURCE, "no_source", "no source file on the command line")                 \
	R(X, MULTIPLE_SOURCES, "multiple_sources",                                         \
	  "several sources in one command: compile them one per command to cache them")    \
	R(X, STDIN_SOURCE, "stdin_source",                                                 \
	  "source read from standard input: name a file to cache it")                      \
	R(X, OUTPUT_STDOUT, "output_stdout",                                               \
	  "output to standard output (-o -, -MF -): write to a file to cache it")          \
	R(X, NO_OUTPUT, "no_output", "no output file (-fsyntax-only, -o /dev/null)")       \
	R(X, UNKNOWN_LANGUAGE, "unknown_language",                                         \
	  "a language zccache does not cache (-x fortran, .cu, an object file)")           \
	R(X, PCH, "pch", "PCH cases not modelled: no -o, .gch folders, -fpch-deps")        \
	R(X, MODULES, "modules", "C++ modules (-fmodules, .cppm) are not cached")          \
	R(X, PROFILE_USE, "profile_use",                                                   \
	  "profile data whose file cannot be named (-fprofile-dir, -fauto-profile, ...)")  \
	R(X, EXTRA_OUTPUT, "extra_output",                                                 \
	  "extra outputs (-save-temps, -fdump-*, listings) the cache does not keep")       \
	R(X, MULTIPLE_ARCH, "multiple_arch", "several -arch options in one command")       \
	R(X, RESPONSE_FILE, "response_file", "an unreadable or too deeply nested @file")   \
	R(X, MISSING_ARGUMENT, "missing_argument", "an option without its argument")       \
	R(X, UNSUPPORTED_OPTION, "unsupported_option",                                     \
	  "uncacheable option: zccache does not know it to be safe to cache")              \
	R(X, UNSUPPORTED_COMPILER, "unsupported_compiler",                                 \
	  "not a compiler zccache knows (gcc, clang, emcc, rustc): it runs uncached")      \
	R(X, EMSCRIPTEN_PORT, "emscripten_port",                                           \
	  "an Emscripten port (-sUSE_SDL=2, --use-port): fetched and built, not cached")   \
	R(X, RUST_CRATE_TYPE, "rust_crate_type",                                           \
	  "a crate type zccache does not cache (staticlib, none given, a library and a "   \
	  "link in one compile)")                                                          \
	R(X, RUST_INCREMENTAL, "rust_incremental",                                         \
	  "incremental compilation (-C incremental): set CARGO_INCREMENTAL=0 to cache it") \
	R(X, RUST_NO_DEP_INFO, "rust_no_dep_info",                                         \
	  "no --emit=dep-info: the cache cannot name the compile's sources")               \
	R(X, MULTI_SOURCE_SAME_OUTPUT, "multi_source_same_output",                         \
	  "several sources that write one output (x.c twice, a/x.c and b/x.c)")            \
	R(X, MULTI_SOURCE_OPTION, "multi_source_option",                                   \
	  "several sources with an option that is not per source (-o, -MF, -Wp,-MD,f, "    \
	  "an @file)")                                                                     \
	R(X, MULTI_SOURCE_LANGUAGE, "multi_source_language",                               \
	  "several sources with -x changing between them")                                 \
	R(X, RUST_LINK, "rust_link",                                                       \
	  "a link the cache cannot key exactly (-C link-arg, -C lto, a verbatim native "   \
	  "library, a relative -C linker, ...)")

#define CACHE_OTHER_ROWS_(R, X)                                                                    \
	R(X, ERROR, "error", "an internal error: the server's log says which")                     \
	R(X, PROCESS_PATH, "process_path",                                                         \
	  "names a file under /proc/ or /dev/fd/, which the server sees as another file")          \
	R(X, DRIVER_DEBUG_ENV, "driver_debug_env",                                                 \
	  "a driver debugging variable (CC_PRINT_HEADERS, CC_LOG_DIAGNOSTICS, ...) is set")        \
	R(X, FILE_SIZE_LIMIT, "file_size_limit",                                                   \
	  "ZCCACHE_FSIZE_LIMIT is set: the compile runs under a file size limit")                  \
	R(X, DEPFILE_ENV, "depfile_env", "DEPENDENCIES_OUTPUT or SUNPRO_DEPENDENCIES is set")      \
	R(X, UNKNOWN_COMPILER, "unknown_compiler",                                                 \
	  "the compiler could not be identified: the server's log says why")                       \
	R(X, SOURCE_UNREADABLE, "source_unreadable", "the source could not be read")               \
	R(X, RECORDS_COMMAND_LINE, "records_command_line",                                         \
	  "the object records its command line (-frecord-gcc-switches) and the closure is "        \
	  "unknown: add -MD to cache it")                                                          \
	R(X, TIME_MACROS, "time_macros",                                                           \
	  "__DATE__ or __TIME__ without SOURCE_DATE_EPOCH: set it to cache the compile")           \
	R(X, ASSEMBLER_INCLUDE, "assembler_include",                                               \
	  "the assembler source includes files (.include, .incbin) the cache cannot follow")       \
	R(X, TOO_MANY_INPUTS, "too_many_inputs", "too many extra input files (plugins, profiles)") \
	R(X, DRIVER_PROGRAM_UNKNOWN, "driver_program_unknown",                                     \
	  "the programs the compiler driver runs could not be named")                              \
	R(X, BUSY, "busy", "too many misses compiling at once: run again to fill the cache")       \
	R(X, INCLUDE_SEARCH_UNKNOWN, "include_search_unknown",                                     \
	  "the compiler would not say where it finds headers")                                     \
	R(X, MISSING_INCLUDE, "missing_include", "a file the depfile lists could not be read")     \
	R(X, MODIFIED_DURING_COMPILE, "modified_during_compile",                                   \
	  "the source or a header changed while the compiler ran: the next compile is cached")     \
	R(X, PRAGMA_DEPENDENCY, "pragma_dependency",                                               \
	  "a dependency pragma (#pragma GCC ... \"file\"): the file it names is not in the "       \
	  "depfile; preprocessor mode caches it where nothing is printed")                         \
	R(X, UNKNOWN_TOKEN, "unknown_token",                                                       \
	  "a store for a compile the server does not know (restarted, or timed out)")              \
	R(X, COMPILE_FAILED, "compile_failed", "the compile failed: failures are not cached")      \
	R(X, DEPFILE_UNREADABLE, "depfile_unreadable",                                             \
	  "the depfile the compile wrote could not be read")                                       \
	R(X, AMBIGUOUS_INCLUDE, "ambiguous_include",                                               \
	  "a header appeared earlier in the include path during the compile")                      \
	R(X, PRAGMA_ONCE_COPY, "pragma_once_copy",                                                 \
	  "a copy of a #pragma once header on the include path: which one is read is unknown")     \
	R(X, FAMILY_ENV, "family_env",                                                             \
	  "a variable that makes the compiler log, read or add more is set (EMCC_DEBUG, "          \
	  "EMCC_CFLAGS...)")                                                                       \
	R(X, COMPUTED_PROBE, "computed_probe",                                                     \
	  "__has_include of a macro: the name the compiler looked for, and may find missing, "     \
	  "is unknown")                                                                            \
	R(X, LINE_DIRECTIVE, "line_directive",                                                     \
	  "diagnostics may quote a file a #line names (generated code, .i input), which no "       \
	  "depfile lists")                                                                         \
	R(X, CACHE_UNAVAILABLE, "cache_unavailable",                                               \
	  "the cache could not be opened: zccachectl status says why")                             \
	R(X, FOREIGN_NAMESPACE, "foreign_namespace",                                               \
	  "the client sees other files (another mount namespace or root)")                         \
	R(X, FOREIGN_CWD, "foreign_cwd", "the request's cwd is not the client's current folder")   \
	R(X, ENV_DEPENDENCY, "env_dependency",                                                     \
	  "the compile read an environment variable the key does not hold (env!, option_env!)")    \
	R(X, MULTI_SOURCE_DIAGNOSTICS, "multi_source_diagnostics",                                 \
	  "one of several sources prints diagnostics: it compiles with the others that do, "       \
	  "so that the compiler's output keeps its order")                                         \
	R(X, MULTI_SOURCE_MISSING, "multi_source_missing",                                         \
	  "several sources, one of which is not a file: the driver may then compile none")         \
	R(X, ASSEMBLER_PASTE, "assembler_paste",                                                   \
	  "an assembler source pastes tokens (##) for an assembler that names no file it reads: "  \
	  "only its preprocessed text shows a pasted .include")                                    \
	R(X, PREPROCESS_FAILED, "preprocess_failed",                                               \
	  "preprocessor mode: the -E run failed or its output could not be read")                  \
	R(X, PREPROCESS_UNSEEN_INPUT, "preprocess_unseen_input",                                   \
	  "preprocessor mode: the compile read a file its -E did not (no key holds it)")           \
	R(X, STREAM_UNWRITABLE, "stream_unwritable",                                               \
	  "stdout or stderr cannot take writes (a full device, a read-only descriptor, a pipe "    \
	  "without a reader): the compiler meets that itself, as it prints")                       \
	R(X, RUST_PATH_EMBEDDED, "rust_path_embedded",                                             \
	  "the output holds the cwd that --remap-path-prefix was to cover (env!() of a path, a "   \
	  "proc macro's): keyed relative to the cwd, it would be served to another checkout")      \
	R(X, UNKEYED_SEARCH, "unkeyed_search",                                                     \
	  "the compiler found an input by a search the cache cannot key (an rlib bundling a "      \
	  "native library from outside the -L folders)")                                           \
	R(X, DIAGNOSTICS_REAL_PATHS, "diagnostics_real_paths",                                     \
	  "it printed diagnostics that name files by their real folder (clang "                    \
	  "-fdiagnostics-absolute-paths), which no key holds: only silent compiles are cached")    \
	R(X, PREPROCESS_PRINTED, "preprocess_printed",                                             \
	  "preprocessor mode: the compile printed diagnostics, which quote lines as they are "     \
	  "on disk (comments, spacing) where the -E text keyed drops them: only silent "           \
	  "compiles are cached, and one that printed runs without the -E until it stops")

#define CACHE_REASON_ROW_(X, id, name, prose)       X(id, name, prose)
#define CACHE_REASON_NAME_ONLY_(X, id, name, prose) X(id, name)

/* X(ID, "name", "prose") for every reason. */
#define CACHE_REASONS(X) \
	CACHE_CLASSIFIER_ROWS_(CACHE_REASON_ROW_, X) CACHE_OTHER_ROWS_(CACHE_REASON_ROW_, X)
/* X(ID, "name") for the classifier's: args.h's UNCACHEABLE_REASONS. */
#define CACHE_CLASSIFIER_REASONS(X) CACHE_CLASSIFIER_ROWS_(CACHE_REASON_NAME_ONLY_, X)

#define CACHE_REASON_ENUM_(id, name, prose) CACHE_REASON_##id,
enum cache_reason { CACHE_REASONS(CACHE_REASON_ENUM_) CACHE_REASON_COUNT };
#undef CACHE_REASON_ENUM_

/* The name of r; "unknown" for a value out of range. */
const char *cache_reason_name(enum cache_reason r);
/* The prose of r; NULL for a value out of range. */
const char *cache_reason_prose(enum cache_reason r);
/* The reason named name (a stats name without "uncacheable."), or -1. */
int cache_reason_lookup(const char *name);
/* The prose of the reason named name, or NULL when no reason has that name. */
const char *cache_reason_prose_of(const char *name);

#endif
