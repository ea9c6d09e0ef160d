/*
 * args: decides whether one gcc/clang invocation is a cacheable single-source
 * compile and, if so, names everything the cache needs: source, outputs as the
 * compiler would write them, the arguments that make up the key, extra inputs.
 */
#ifndef ZCCACHE_ARGS_H
#define ZCCACHE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "reasons.h"

enum compiler_family {
	COMPILER_UNKNOWN,
	COMPILER_GCC,
	COMPILER_CLANG,
	COMPILER_EMCC,
	COMPILER_RUSTC,
};

/*
 * Why an invocation is not cached: the classifier's rows of reasons.h's
 * table, X(ID, "name"), there with their prose.
 */
#define UNCACHEABLE_REASONS(X) CACHE_CLASSIFIER_REASONS(X)

#define UNCACHEABLE_ENUM_(id, name) UNCACHEABLE_##id,
enum uncacheable_reason { UNCACHEABLE_REASONS(UNCACHEABLE_ENUM_) UNCACHEABLE_REASON_COUNT };
#undef UNCACHEABLE_ENUM_

/* The counter name of a reason; "unknown" for a value out of range. */
const char *uncacheable_reason_name(enum uncacheable_reason r);

enum compile_output_kind {
	OUTPUT_OBJECT,   /* -c */
	OUTPUT_ASSEMBLY, /* -S */
	OUTPUT_PCH,      /* -c of a header: a precompiled header at output */
	OUTPUT_LINKED,   /* a family's own link: rustc's bin, proc-macro, dylib */
};

enum diagnostics_color {
	COLOR_AUTO,
	COLOR_ALWAYS,
	COLOR_NEVER,
};

/* The include directory lists, in the order gcc searches them. */
enum include_kind {
	INCLUDE_QUOTE,  /* -iquote */
	INCLUDE_DIR,    /* -I */
	INCLUDE_SYSTEM, /* -isystem (and clang's -cxx-isystem) */
	INCLUDE_AFTER,  /* -idirafter */
	INCLUDE_KIND_COUNT,
};

/*
 * The verdict. Paths are as the command spelled them (relative to the cwd
 * unless absolute), except where a field says otherwise. When reason is not
 * UNCACHEABLE_NONE only family, cxx_driver, reason, reason_arg and argv are
 * meaningful; the rest may be partly filled.
 */
struct compile_args {
	enum compiler_family family;
	/* g++/clang++/c++ (or --driver-mode=g++): .c/.h/.i are C++. */
	bool cxx_driver;

	enum uncacheable_reason reason;
	char *reason_arg; /* the offending argument, or NULL */

	/* argv with @response files expanded; argv[0] as given; NULL-terminated. */
	char **argv;
	size_t argc;

	char *source;
	/*
	 * Several sources (reason UNCACHEABLE_MULTIPLE_SOURCES) that may be
	 * cached one by one (multi_source.h): the index in argv of each, in
	 * order; NULL otherwise.
	 */
	size_t *source_args;
	size_t n_source_args;
	/*
	 * Canonical -x name: "c", "c++", "objective-c", "objective-c++",
	 * "assembler", "assembler-with-cpp", "cpp-output", "c++-cpp-output",
	 * "objective-c-cpp-output", "objective-c++-cpp-output". It depends on
	 * the driver name (clang and clang++ are one binary), so the key must
	 * include it.
	 */
	char *language;
	enum compile_output_kind output_kind;
	/* -o, else the source's basename with its suffix replaced by .o/.s. */
	char *output;

	/*
	 * Dependency file. depfile_wanted: the build asked for one (-MD, -MMD,
	 * -Wp,-MD,f, -Wp,-MMD,f) and the language is preprocessed, so the
	 * compiler writes it. depfile: -MF / the -Wp path, else the output with
	 * its suffix replaced by .d. dep_targets: the rule's targets as given,
	 * in command-line order, dep_target_quoted[i] saying whether the
	 * compiler make-quotes it (-MQ and the default target) or not (-MT).
	 * Without -MT/-MQ there is one default target: the -o path, else the
	 * source's basename with .o (gcc with -Wp,-MD: always the latter).
	 * For gcc, a leading "./" is already removed, as gcc removes it; gcc's
	 * reordering (-MT before -MQ) is left to the depfile renderer.
	 */
	bool depfile_wanted;
	bool depfile_mmd;   /* -MMD: system headers left out */
	bool depfile_phony; /* -MP */
	char *depfile;
	char **dep_targets;
	bool *dep_target_quoted;
	size_t n_dep_targets;

	/* Extra outputs the compile writes, NULL when it writes none. */
	char *dwo;         /* -gsplit-dwarf */
	char *gcno;        /* --coverage, -ftest-coverage */
	char *stack_usage; /* -fstack-usage */
	/*
	 * Every other file the compile writes (a family's own outputs: rustc's
	 * .rlib, .rmeta and dep-info), as the command names them; each must
	 * be written for a result to be stored.
	 */
	char **files;
	size_t n_files;

	bool debug_info; /* the object carries debug info */
	/*
	 * The output depends on the cwd: debug info records it, coverage
	 * notes/data paths are absolute, and so on. Then the key must include
	 * output_cwd: the cwd as the output records it, i.e. after
	 * -fdebug-prefix-map/-ffile-prefix-map, or the plain cwd when a map
	 * cannot be proven to cover every use.
	 */
	bool cwd_in_output;
	char *output_cwd;
	/*
	 * The output names the cwd only mapped, or where the family puts the
	 * hit's own back (family.h relocate_store): key_args, extra_inputs,
	 * files and the depfile name paths under the cwd relative to it, the
	 * key holds the family's variables' values so, and the closure is
	 * recorded so. Two checkouts then share.
	 */
	bool cwd_relocated;
	/*
	 * The object embeds its own or a sibling's path (.gcda, .dwo names,
	 * clang's -frecord-command-line); key_args then keep the output names.
	 */
	bool output_path_in_output;
	bool march_native; /* -march=native & co: the key needs the host CPU */
	/*
	 * -frecord-gcc-switches, -frecord-command-line, -grecord-command-line:
	 * the object holds the command line, so the cache may add nothing to
	 * it (no depfile of its own, no -MD for -MMD, no assembler depfile).
	 */
	bool records_command_line;
	/*
	 * gcc's LTO and offload sections record the -Xassembler options (and
	 * lto-wrapper warns of, and drops, one it does not know at link time):
	 * the cache may not add an assembler depfile.
	 */
	bool assembler_options_recorded;
	/*
	 * Diagnostics name files by their real path (clang's
	 * -fdiagnostics-absolute-paths: the cwd and every folder with its
	 * symlinks resolved), which the key does not hold: only a compile
	 * that printed nothing is stored.
	 */
	bool diagnostics_real_paths;
	enum diagnostics_color color;

	/*
	 * The arguments that go into the key, in order: argv[1..] without the
	 * output naming (-o path, -MF path, the path of -Wp,-MD,path which
	 * becomes -Wp,-MD) unless output_path_in_output. The source stays.
	 */
	char **key_args;
	size_t n_key_args;

	/*
	 * Files the key must hash that no depfile lists: plugins, profile data,
	 * sanitizer lists, specs. They may not exist (gcc then compiles without
	 * the profile): the key must record absence.
	 */
	char **extra_inputs;
	size_t n_extra_inputs;

	/*
	 * The user include search path, as given, in gcc's order: -iquote,
	 * -I, -isystem, -idirafter; n_include[kind] counts each kind.
	 */
	char **include_search;
	size_t n_include_search;
	size_t n_include[INCLUDE_KIND_COUNT];
	bool nostdinc;
	/* -include and -imacros files, in order. */
	char **forced_includes;
	size_t n_forced_includes;
	/* clang loads a PCH (-include-pch, or -include f with f.pch or f.gch
	 * present), keyed by content through extra_inputs; for stats. */
	bool pch_input;
	/* What the compile does depends on its inputs' mtimes (whole seconds)
	 * and sizes, not only their bytes: a clang PCH records them when it is
	 * made (unless -fno-pch-timestamp), and clang rejects a PCH it loads
	 * when one of its inputs differs from the record (a fatal error). The
	 * manifest keys them with the bytes (manifest_fold_mtime). */
	bool pch_mtimes;
};

/*
 * The family a compiler name belongs to: gcc, g++, cc, c++, clang,
 * clang++, with a target prefix (x86_64-linux-gnu-gcc) and a version
 * suffix (gcc-12, clang++-14). A directory part is ignored. cc and c++
 * count as gcc: pass the resolved path when they may be clang.
 */
enum compiler_family args_family_from_name(const char *argv0_or_resolved_path);

/*
 * Classify argv as run in cwd (absolute). The family and driver mode come
 * from argv[0]. Returns 0 with out->reason set, or -ENOMEM / -EINVAL; out is
 * then still safe to pass to compile_args_free().
 */
int args_classify(int argc, const char *const *argv, const char *cwd, struct compile_args *out);

/* Same, with the family taken from the resolved compiler path instead. */
int args_classify_as(const char *compiler_path, int argc, const char *const *argv, const char *cwd,
                     struct compile_args *out);

void compile_args_free(struct compile_args *a);

/* path with a leading "<cwd>/" removed (the cwd itself: "."), malloc'ed;
 * any other path copied as it is. NULL on ENOMEM. */
char *args_path_relative(const char *cwd, const char *path);

#endif
