/*
 * args_gcc: the gcc/clang family: how their drivers are named, the option
 * rows both share (with the per-family differences), and where each writes
 * its outputs. Every naming rule here was checked against gcc 12 and clang 14.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "args_family.h"
#include "family.h"
#include "gcc_specs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool str_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool str_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- driver names ---- */

static const struct {
	const char *name;
	enum compiler_family family;
	bool cxx;
} driver_names[] = {
        {"gcc", COMPILER_GCC, false},     {"g++", COMPILER_GCC, true},
        {"cc", COMPILER_GCC, false},      {"c++", COMPILER_GCC, true},
        {"clang", COMPILER_CLANG, false}, {"clang++", COMPILER_CLANG, true},
};

/* The length of base without a version suffix such as "-12" or "-14.0.6". */
static size_t strip_version(const char *base, size_t len)
{
	size_t i = len;

	while (i > 0 && (isdigit((unsigned char)base[i - 1]) || base[i - 1] == '.'))
		i--;
	if (i < len && i > 0 && base[i - 1] == '-' && isdigit((unsigned char)base[i]))
		return i - 1;
	return len;
}

static enum compiler_family driver_family(const char *base, bool *cxx)
{
	size_t len = strip_version(base, strlen(base));

	*cxx = false;
	/* Debian's c89-gcc/c99-gcc are scripts adding flags we would not see. */
	if (str_prefix(base, "c89-") || str_prefix(base, "c99-"))
		return COMPILER_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(driver_names); i++) {
		size_t n = strlen(driver_names[i].name);

		if (len < n || memcmp(base + len - n, driver_names[i].name, n) != 0)
			continue;
		/* a target prefix ends in '-': x86_64-linux-gnu-gcc */
		if (len > n && base[len - n - 1] != '-')
			continue;
		*cxx = driver_names[i].cxx;
		return driver_names[i].family;
	}
	return COMPILER_UNKNOWN;
}

/* ---- languages ---- */

enum lang_kind {
	LANG_C_FAMILY,     /* preprocessed, then compiled by cc1 */
	LANG_PREPROCESSED, /* *-cpp-output: compiled, not preprocessed */
	LANG_ASM_CPP,      /* preprocessed, then assembled */
	LANG_ASM,          /* assembled only */
	LANG_HEADER,       /* the compile makes a precompiled header */
	LANG_MODULE,       /* C++20 module interface */
};

struct lang {
	const char *name;      /* as -x spells it */
	const char *canonical; /* clang's objc aliases map to gcc's names */
	enum lang_kind kind;
};

static const struct lang x_languages[] = {
        {"c", "c", LANG_C_FAMILY},
        {"c++", "c++", LANG_C_FAMILY},
        {"objective-c", "objective-c", LANG_C_FAMILY},
        {"objective-c++", "objective-c++", LANG_C_FAMILY},
        {"cpp-output", "cpp-output", LANG_PREPROCESSED},
        {"c++-cpp-output", "c++-cpp-output", LANG_PREPROCESSED},
        {"objective-c-cpp-output", "objective-c-cpp-output", LANG_PREPROCESSED},
        {"objc-cpp-output", "objective-c-cpp-output", LANG_PREPROCESSED},
        {"objective-c++-cpp-output", "objective-c++-cpp-output", LANG_PREPROCESSED},
        {"objc++-cpp-output", "objective-c++-cpp-output", LANG_PREPROCESSED},
        {"assembler", "assembler", LANG_ASM},
        {"assembler-with-cpp", "assembler-with-cpp", LANG_ASM_CPP},
        {"c-header", "c-header", LANG_HEADER},
        {"c++-header", "c++-header", LANG_HEADER},
        {"objective-c-header", "objective-c-header", LANG_HEADER},
        {"objective-c++-header", "objective-c++-header", LANG_HEADER},
        {"c++-system-header", "c++-system-header", LANG_HEADER},
        {"c++-user-header", "c++-user-header", LANG_HEADER},
        {"c-header-cpp-output", "c-header-cpp-output", LANG_HEADER},
        {"c++-header-cpp-output", "c++-header-cpp-output", LANG_HEADER},
        {"objective-c-header-cpp-output", "objective-c-header-cpp-output", LANG_HEADER},
        {"objective-c++-header-cpp-output", "objective-c++-header-cpp-output", LANG_HEADER},
        {"precompiled-header", "precompiled-header", LANG_HEADER},
        {"c++-module", "c++-module", LANG_MODULE},
};

/*
 * Suffixes as `gcc -###` and `clang -###` map them. cxx_lang is what
 * g++/clang++ make of it instead. A suffix not listed (or not for this
 * family) is a linker input, which gcc ignores with -c.
 */
static const struct ext_lang {
	const char *ext;
	unsigned families;
	const char *lang;
	const char *cxx_lang;
} ext_languages[] = {
        {"c", OPT_ANY, "c", "c++"},
        {"i", OPT_ANY, "cpp-output", "c++-cpp-output"},
        {"ii", OPT_ANY, "c++-cpp-output", NULL},
        {"cc", OPT_ANY, "c++", NULL},
        {"cp", OPT_ANY, "c++", NULL},
        {"cxx", OPT_ANY, "c++", NULL},
        {"cpp", OPT_ANY, "c++", NULL},
        {"CPP", OPT_ANY, "c++", NULL},
        {"c++", OPT_ANY, "c++", NULL},
        {"C", OPT_ANY, "c++", NULL},
        {"CC", OPT_CLANG, "c++", NULL},
        {"m", OPT_ANY, "objective-c", NULL},
        {"mi", OPT_ANY, "objective-c-cpp-output", NULL},
        {"mm", OPT_ANY, "objective-c++", NULL},
        {"M", OPT_ANY, "objective-c++", NULL},
        {"mii", OPT_ANY, "objective-c++-cpp-output", NULL},
        {"s", OPT_ANY, "assembler", NULL},
        {"S", OPT_ANY, "assembler-with-cpp", NULL},
        {"sx", OPT_GCC, "assembler-with-cpp", NULL},
        {"h", OPT_ANY, "c-header", "c++-header"},
        {"H", OPT_ANY, "c++-header", NULL},
        {"hh", OPT_ANY, "c++-header", NULL},
        {"hpp", OPT_ANY, "c++-header", NULL},
        {"hxx", OPT_ANY, "c++-header", NULL},
        {"hp", OPT_GCC, "c++-header", NULL},
        {"HPP", OPT_GCC, "c++-header", NULL},
        {"h++", OPT_GCC, "c++-header", NULL},
        {"tcc", OPT_GCC, "c++-header", NULL},
        {"pch", OPT_ANY, "precompiled-header", NULL},
        {"gch", OPT_ANY, "precompiled-header", NULL},
        {"cppm", OPT_ANY, "c++-module", NULL},
};

static const struct lang *lang_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(x_languages); i++)
		if (str_eq(x_languages[i].name, name))
			return &x_languages[i];
	return NULL;
}

static const struct lang *lang_by_suffix(const char *path, unsigned family, bool cxx)
{
	const char *dot = strrchr(path_base(path), '.');

	if (!dot)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(ext_languages); i++) {
		const struct ext_lang *e = &ext_languages[i];

		if ((e->families & family) && str_eq(e->ext, dot + 1))
			return lang_by_name(cxx && e->cxx_lang ? e->cxx_lang : e->lang);
	}
	return NULL;
}

/* ---- -f options ---- */

/*
 * -f options (without "no-" and "=value") that only change code generation
 * or diagnostics: from `gcc --help=common,optimizers,c,c++,undocumented`
 * and `clang --help-hidden`, less every option that reads or writes a file
 * of its own, changes where outputs go, or has a row of its own below.
 * Sorted (C locale) for bsearch.
 */
/* clang-format off */
static const char *const f_allowed[] = {
	"PIC", "PIE", "aapcs-bitfield-load", "aapcs-bitfield-width", "abi-compat-version",
	"abi-version", "access-control", "addrsig", "aggressive-loop-optimizations",
	"align-functions", "align-jumps", "align-labels", "align-loops", "aligned-allocation",
	"aligned-new", "all-virtual", "allocation-dce", "allow-editor-placeholders",
	"allow-leading-underscore", "allow-parameterless-variadic-functions",
	"allow-store-data-races", "alt-external-templates", "altivec-src-compat", "analyzer",
	"analyzer-call-summaries", "analyzer-checker", "analyzer-feasibility",
	"analyzer-fine-grained", "analyzer-show-duplicate-count", "analyzer-state-merge",
	"analyzer-state-purge", "analyzer-transitivity", "analyzer-verbose-edges",
	"analyzer-verbose-state-changes", "analyzer-verbosity", "ansi-escape-codes", "apple-kext",
	"apple-link-rtlib", "apple-pragma-pack", "application-extension", "approx-func",
	"argument-alias", "argument-noalias", "argument-noalias-anything",
	"argument-noalias-global", "asan-shadow-offset", "asm", "associative-math",
	"assume-sane-operator-new", "async-exceptions", "asynchronous-unwind-tables",
	"auto-inc-dec", "autolink", "binutils-version", "bit-tests", "blocks", "borland-extensions",
	"bracket-depth", "branch-count-reg", "branch-target-load-optimize",
	"branch-target-load-optimize2", "btr-bb-exclusive", "building-libgcc",
	"building-libgfortran", "building-libphobos-tests", "builtin", "builtin-printf", "c++-abi",
	"c++-static-destructors", "caller-saves", "canonical-system-headers", "caret-diagnostics",
	"cf-protection", "char8_t", "check-data-deps", "check-new", "check-pointer-bounds",
	"checking", "clang-abi-compat", "code-hoisting", "combine-stack-adjustments",
	"comment-block-commands", "common", "compare-elim", "complete-member-pointers", "concepts",
	"concepts-diagnostics-depth", "concepts-ts", "cond-mismatch", "conserve-space",
	"conserve-stack", "const-string-class", "constant-cfstrings", "constexpr-backtrace-limit",
	"constexpr-cache-depth", "constexpr-depth", "constexpr-fp-except", "constexpr-loop-limit",
	"constexpr-ops-limit", "constexpr-steps", "convergent-functions", "coroutines",
	"coroutines-ts", "cprop-registers", "crash-diagnostics", "crash-diagnostics-dir",
	"crossjumping", "cs-profile-generate", "cse-follow-jumps", "cse-skip-blocks",
	"cuda-approx-transcendentals", "cuda-short-ptr", "cx-fortran-rules", "cx-limited-range",
	"cxx-exceptions", "data-sections", "dce", "debug-default-version",
	"debug-info-for-profiling", "debug-macro", "debug-ranges-base-address",
	"debug-types-section", "declone-ctor-dtor", "declspec", "deduce-init-list",
	"default-inline", "defer-pop", "delayed-branch", "delayed-template-parsing",
	"delete-dead-exceptions", "delete-null-pointer-checks", "devirtualize",
	"devirtualize-at-ltrans", "devirtualize-speculatively", "diagnostics-column-origin",
	"diagnostics-column-unit", "diagnostics-escape-format", "diagnostics-fixit-info",
	"diagnostics-format", "diagnostics-generate-patch", "diagnostics-hotness-threshold",
	"diagnostics-minimum-margin-width", "diagnostics-parseable-fixits",
	"diagnostics-path-format", "diagnostics-plain-output",
	"diagnostics-print-source-range-info", "diagnostics-show-caret",
	"diagnostics-show-category", "diagnostics-show-cwe", "diagnostics-show-hotness",
	"diagnostics-show-labels", "diagnostics-show-line-numbers", "diagnostics-show-location",
	"diagnostics-show-note-include-stack", "diagnostics-show-option",
	"diagnostics-show-path-depths", "diagnostics-show-template-tree", "diagnostics-urls",
	"digraphs", "direct-access-external-data", "directives-only", "discard-value-names",
	"dollars-in-identifiers", "double-square-bracket-attributes", "dse", "dwarf-exceptions",
	"dwarf2-cfi-asm", "early-inlining", "elide-constructors", "elide-type",
	"eliminate-dwarf2-dups", "eliminate-unused-debug-symbols", "eliminate-unused-debug-types",
	"emit-all-decls", "emit-class-debug-always", "emit-struct-debug-baseonly",
	"emit-struct-debug-detailed", "emit-struct-debug-reduced", "emulated-tls", "enable-matrix",
	"enforce-eh-specs", "enum-int-equiv", "exceptions", "excess-precision", "exec-charset",
	"expensive-optimizations", "experimental-new-constant-interpreter",
	"experimental-new-pass-manager", "experimental-relative-c++-abi-vtables",
	"experimental-strict-floating-point", "ext-numeric-literals", "extend-arguments",
	"extended-identifiers", "extern-tls-init", "external-templates", "fast-math",
	"fat-lto-objects", "fine-grained-bitfield-accesses", "finite-loops", "finite-math-only",
	"fixed-point", "float-store", "fold-simple-inlines", "for-scope", "force-addr",
	"force-dwarf-frame", "force-emit-vtables", "force-enable-int128", "forward-propagate",
	"fp-contract", "fp-exception-behavior", "fp-int-builtin-inexact", "fp-model",
	"freestanding", "friend-injection", "fuchsia-api-level", "function-cse",
	"function-sections", "gcse", "gcse-after-reload", "gcse-las", "gcse-lm", "gcse-sm",
	"gimple", "global-isel", "gnat-encodings", "gnu-inline-asm", "gnu-keywords", "gnu-runtime",
	"gnu-tm", "gnu-unique", "gnu89-inline", "gnuc-version", "gpu-allow-device-init",
	"gpu-defer-diag", "gpu-exclude-wrong-side-overloads", "gpu-flush-denormals-to-zero",
	"gpu-inline-threshold", "gpu-rdc", "gpu-sanitize", "graphite", "graphite-identity",
	"guess-branch-probability", "guiding-decls", "handle-exceptions", "harden-compares",
	"harden-conditional-branches", "hip-fp32-correctly-rounded-divide-sqrt",
	"hip-new-launch-api", "hoist-adjacent-loads", "honor-infinities", "honor-nans", "honor-std",
	"hosted", "huge-objects", "ident", "if-conversion", "if-conversion2", "ignore-exceptions",
	"implement-inlines", "implicit-constexpr", "implicit-inline-templates",
	"implicit-templates", "indirect-inlining", "inhibit-size-directive", "inline",
	"inline-atomics", "inline-functions", "inline-functions-called-once",
	"inline-hint-functions", "inline-limit", "inline-small-functions", "input-charset",
	"instrument-function-entry-bare", "instrument-functions",
	"instrument-functions-after-inlining", "instrument-functions-exclude-file-list",
	"instrument-functions-exclude-function-list", "integrated-as", "integrated-cc1",
	"ipa-bit-cp", "ipa-cp", "ipa-cp-alignment", "ipa-cp-clone", "ipa-icf", "ipa-icf-functions",
	"ipa-icf-variables", "ipa-matrix-reorg", "ipa-modref", "ipa-profile", "ipa-pta",
	"ipa-pure-const", "ipa-ra", "ipa-reference", "ipa-reference-addressable", "ipa-sra",
	"ipa-stack-alignment", "ipa-strict-aliasing", "ipa-struct-reorg", "ipa-vrp",
	"ira-algorithm", "ira-hoist-pressure", "ira-loop-pressure", "ira-region",
	"ira-share-save-slots", "ira-share-spill-slots", "ira-verbose",
	"isolate-erroneous-paths-attribute", "isolate-erroneous-paths-dereference", "ivopts",
	"jump-tables", "keep-gc-roots-live", "keep-inline-functions", "keep-static-consts",
	"keep-static-functions", "labels-ok", "large-source-files", "lax-vector-conversions",
	"leading-underscore", "legacy-pass-manager", "lifetime-dse", "limit-function-alignment",
	"live-patching", "live-range-shrinkage", "local-ivars", "loop-block", "loop-flatten",
	"loop-interchange", "loop-nest-optimize", "loop-optimize", "loop-parallelize-all",
	"loop-strip-mine", "loop-unroll-and-jam", "lra-remat", "lto", "lto-compression-level",
	"lto-jobs", "lto-odr-type-merging", "lto-partition", "macro-backtrace-limit",
	"macro-prefix-map", "math-errno", "max-errors", "max-include-depth", "max-tokens",
	"max-type-align", "merge-all-constants", "merge-constants", "merge-debug-strings",
	"merge-functions", "message-length", "minimize-whitespace", "modulo-sched",
	"modulo-sched-allow-regmoves", "move-loop-invariants", "move-loop-stores",
	"ms-compatibility", "ms-compatibility-version", "ms-extensions", "ms-hotpatch",
	"msc-version", "new-abi", "new-alignment", "new-infallible", "new-inheriting-ctors",
	"new-ttp-matching", "next-runtime", "nil-receivers", "non-call-exceptions",
	"nonansi-builtins", "nonnull-objects", "nothrow-opt", "objc-abi-version", "objc-arc",
	"objc-arc-exceptions", "objc-direct-dispatch", "objc-disable-direct-methods-for-testing",
	"objc-encode-cxx-class-template-spec", "objc-exceptions", "objc-gc",
	"objc-infer-related-result-type", "objc-nilcheck", "objc-runtime", "objc-sjlj-exceptions",
	"objc-std", "objc-weak", "omit-frame-pointer", "openacc", "openacc-dim", "openmp",
	"openmp-enable-irbuilder", "openmp-extensions", "openmp-implicit-rpath",
	"openmp-new-driver", "openmp-simd", "openmp-version", "operator-arrow-depth",
	"operator-names", "optimize-register-move", "optimize-sibling-calls", "optimize-strlen",
	"optional-diags", "pack-struct", "partial-inlining", "pascal-strings",
	"patchable-function-entry", "pcc-struct-return", "peel-loops", "peephole", "peephole2",
	"permissive", "permitted-flt-eval-methods", "pic", "pie", "plan9-extensions", "plt",
	"predictive-commoning", "prefetch-loop-arrays", "preprocessed", "preserve-as-comments",
	"pretty-templates", "printf-return-value", "profile-abs-path", "profile-correction",
	"profile-exclude-files", "profile-filter-files", "profile-info-section",
	"profile-partial-training", "profile-prefix-map", "profile-prefix-path",
	"profile-reorder-functions", "profile-reproducible", "profile-sample-accurate",
	"profile-update", "profile-values", "protect-parens", "pseudo-probe-for-profiling",
	"random-seed", "reciprocal-math", "ree", "reg-struct-return",
	"register-global-dtors-with-atexit", "regmove", "relaxed-template-template-args",
	"rename-registers", "reorder-blocks", "reorder-blocks-algorithm",
	"reorder-blocks-and-partition", "reorder-functions", "replace-objc-classes", "report-bug",
	"reroll-loops", "rerun-cse-after-loop", "rerun-loop-opt",
	"reschedule-modulo-scheduled-loops", "retain-comments-from-system-headers", "ropi",
	"rounding-math", "rtlib-add-rpath", "rtti", "rtti-data", "rwpi", "sanitize",
	"sanitize-address-destructor", "sanitize-address-field-padding",
	"sanitize-address-globals-dead-stripping", "sanitize-address-outline-instrumentation",
	"sanitize-address-poison-custom-array-cookie", "sanitize-address-use-after-return",
	"sanitize-address-use-after-scope", "sanitize-address-use-odr-indicator",
	"sanitize-cfi-canonical-jump-tables", "sanitize-cfi-cross-dso",
	"sanitize-cfi-icall-generalize-pointers", "sanitize-coverage", "sanitize-hwaddress-abi",
	"sanitize-hwaddress-experimental-aliasing", "sanitize-link-c++-runtime",
	"sanitize-link-runtime", "sanitize-memory-param-retval", "sanitize-memory-track-origins",
	"sanitize-memory-use-after-dtor", "sanitize-minimal-runtime", "sanitize-recover",
	"sanitize-sections", "sanitize-stats", "sanitize-thread-atomics",
	"sanitize-thread-func-entry-exit", "sanitize-thread-memory-access", "sanitize-trap",
	"sanitize-undefined-strip-path-components", "sanitize-undefined-trap-on-error",
	"sched-critical-path-heuristic", "sched-dep-count-heuristic", "sched-group-heuristic",
	"sched-interblock", "sched-last-insn-heuristic", "sched-pressure", "sched-rank-heuristic",
	"sched-spec", "sched-spec-insn-heuristic", "sched-spec-load", "sched-spec-load-dangerous",
	"sched-stalled-insns", "sched-stalled-insns-dep", "sched-verbose", "sched2-use-superblocks",
	"sched2-use-traces", "schedule-fusion", "schedule-insns", "schedule-insns2",
	"section-anchors", "see", "seh-exceptions", "sel-sched-pipelining",
	"sel-sched-pipelining-outer-loops", "sel-sched-reschedule-pipelined",
	"selective-scheduling", "selective-scheduling2", "semantic-interposition", "short-enums",
	"short-wchar", "show-column", "show-overloads", "show-skipped-includes",
	"show-source-location", "shrink-wrap", "shrink-wrap-separate", "signaling-nans",
	"signed-bitfields", "signed-char", "signed-zeros", "simd-cost-model",
	"single-precision-constant", "sized-deallocation", "sjlj-exceptions", "slp-vectorize",
	"spell-checking", "spell-checking-limit", "split-dwarf-inlining", "split-ivs-in-unroller",
	"split-loops", "split-lto-unit", "split-machine-functions", "split-paths", "split-stack",
	"split-wide-types", "split-wide-types-early", "squangle", "ssa-backprop", "ssa-phiopt",
	"sso-struct", "stack-check", "stack-clash-protection", "stack-limit",
	"stack-limit-register", "stack-limit-symbol", "stack-protector", "stack-protector-all",
	"stack-protector-explicit", "stack-protector-strong", "stack-reuse", "stack-size-section",
	"standalone-debug", "stdarg-opt", "store-merging", "strength-reduce", "strict-aliasing",
	"strict-enums", "strict-flex-arrays", "strict-float-cast-overflow", "strict-overflow",
	"strict-prototype", "strict-return", "strict-volatile-bitfields", "strict-vtable-pointers",
	"strong-eval-order", "swift-async-fp", "sycl", "sync-libcalls", "tabstop",
	"template-backtrace-limit", "template-depth", "this-is-variable", "thread-jumps",
	"threadsafe-statics", "time-trace-granularity", "tls-model", "toplevel-reorder", "tracer",
	"track-macro-expansion", "trampolines", "trap-function", "trapping-math", "trapv",
	"trapv-handler", "tree-bit-ccp", "tree-builtin-call-dce", "tree-ccp", "tree-ch",
	"tree-coalesce-inlined-vars", "tree-coalesce-vars", "tree-copy-prop", "tree-copyrename",
	"tree-cselim", "tree-dce", "tree-dominator-opts", "tree-dse", "tree-forwprop", "tree-fre",
	"tree-loop-distribute-patterns", "tree-loop-distribution", "tree-loop-if-convert",
	"tree-loop-if-convert-stores", "tree-loop-im", "tree-loop-ivcanon", "tree-loop-linear",
	"tree-loop-optimize", "tree-loop-vectorize", "tree-lrs", "tree-parallelize-loops",
	"tree-partial-pre", "tree-phiprop", "tree-pre", "tree-pta", "tree-reassoc", "tree-salias",
	"tree-scev-cprop", "tree-sink", "tree-slp-vectorize", "tree-slsr", "tree-sra",
	"tree-store-ccp", "tree-store-copy-prop", "tree-switch-conversion", "tree-tail-merge",
	"tree-ter", "tree-vect-loop-version", "tree-vectorize", "tree-vectorizer-verbose",
	"tree-vrp", "trigraphs", "trivial-auto-var-init", "trivial-auto-var-init-stop-after",
	"unconstrained-commons", "unique-basic-block-section-names",
	"unique-internal-linkage-names", "unique-section-names", "unit-at-a-time",
	"unroll-all-loops", "unroll-completely-grow-size", "unroll-loops",
	"unsafe-loop-optimizations", "unsafe-math-optimizations", "unsigned-bitfields",
	"unsigned-char", "unswitch-loops", "unwind-tables", "use-cuid", "use-cxa-atexit",
	"use-cxa-get-exception-ptr", "use-init-array", "use-ld", "use-line-directives",
	"use-linker-plugin", "var-tracking", "var-tracking-assignments",
	"var-tracking-assignments-toggle", "var-tracking-uninit", "variable-expansion-in-unroller",
	"veclib", "vect-cost-model", "vectorize", "verbose-asm", "version-loops-for-strides",
	"virtual-function-elimination", "visibility", "visibility-dllexport",
	"visibility-externs-dllimport", "visibility-externs-nodllstorageclass",
	"visibility-from-dllstorageclass", "visibility-global-new-delete-hidden",
	"visibility-inlines-hidden", "visibility-inlines-hidden-static-local-var",
	"visibility-ms-compat", "visibility-nodllstorageclass", "vpt", "vtable-gc", "vtable-thunks",
	"vtable-verify", "wasm-exceptions", "weak", "web", "whole-program", "whole-program-vtables",
	"wide-exec-charset", "working-directory", "wrapv", "wrapv-pointer", "writable-strings",
	"xl-pragma-pack", "xray-always-emit-customevents", "xray-always-emit-typedevents",
	"xray-function-groups", "xray-function-index", "xray-ignore-loops",
	"xray-instruction-threshold", "xray-instrument", "xray-instrumentation-bundle",
	"xray-link-deps", "xray-modes", "xray-selected-function-group", "zee",
	"zero-call-used-regs", "zero-initialized-in-bss", "zero-link", "zvector",
};
/* clang-format on */

/* -ffixed-x18, -fno-builtin-memcpy, -fplugin-arg-name-key=v: open-ended. */
static const char *const f_allowed_prefix[] = {
        "builtin-", "call-saved-", "call-used-", "fixed-", "plugin-arg-",
};

static bool f_is_allowed(const char *name, size_t len)
{
	size_t lo = 0, hi = ARRAY_SIZE(f_allowed);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(name, f_allowed[mid], len);

		if (c == 0 && f_allowed[mid][len] != '\0')
			c = -1;
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(f_allowed_prefix); i++) {
		size_t n = strlen(f_allowed_prefix[i]);

		if (len > n && strncmp(name, f_allowed_prefix[i], n) == 0)
			return true;
	}
	return false;
}

/* ---- classification state ---- */

struct input {
	const char *path;
	const char *x; /* the -x in force, NULL for "by suffix" */
};

enum profile_use {
	PU_NONE,
	PU_DEFAULT, /* -fprofile-use: gcc's <output>.gcda, clang's default.profdata */
	PU_PATH,    /* -fprofile-use=p: gcc's directory, clang's file or directory */
	PU_FILE,    /* -fprofile-instr-use=f */
};

enum xclang_next {
	XC_OPTION,    /* the next -Xclang value is a cc1 option */
	XC_VALUE,     /* ... the value of the previous one */
	XC_PLUGIN,    /* ... a plugin to load */
	XC_INCLUDE,   /* ... a file to -include */
	XC_DEBUG_DIR, /* ... the debug compilation dir */
	XC_PCH,       /* ... a precompiled header to load (-include-pch) */
	XC_PASSED,    /* ... an LLVM option or a plugin's argument (passed_value) */
};

struct gcc_state {
	struct compile_args *out;
	const char *cwd;
	bool clang;

	/* the first option-level reason, with the argument that caused it */
	enum uncacheable_reason reason;
	const char *reason_arg;
	const char *print_arg;
	const char *preprocess_arg;
	const char *syntax_only_arg;
	bool compile, assemble;

	const char *x;
	struct input *inputs;
	size_t n_inputs, cap_inputs;
	const char *output;

	bool md, mmd, mp;
	const char *mf;
	const char *wp_arg;
	const char *wp_depfile;
	bool wp_mmd;
	struct strv targets;
	bool *target_quoted;
	size_t cap_quoted;

	bool debug, split, as_debug, record_cmdline;
	/* gcc's -flto, -fopenmp, -fopenacc, -foffload: the object records
	 * the cwd without -g (found by compiling in two checkouts). */
	bool cwd_recorded;
	bool coverage, arcs, test_coverage, profile_generate, coverage_mapping;
	bool debug_dir_fixed, coverage_dir_fixed, absolute_paths, stack_usage;
	struct strv prefix_maps;
	enum profile_use profile_use;
	const char *profile_path;
	bool profile_dir;
	const char *arch;
	enum xclang_next xclang_next;
	/* -Xclang -emit-pch; -Xclang -fno-pch-timestamp (see pch_compile) */
	bool emit_pch, pch_no_timestamp;

	struct strv extra_inputs;
	struct strv includes[INCLUDE_KIND_COUNT];
	struct strv forced;
};

/* Remember the first reason an option gives; mode reasons come later. */
static int opt_reason(struct gcc_state *st, enum uncacheable_reason r, const char *arg)
{
	if (st->reason == UNCACHEABLE_NONE) {
		st->reason = r;
		st->reason_arg = arg;
	}
	return KEY_KEEP;
}

static int unsupported(struct gcc_state *st, const char *arg)
{
	return opt_reason(st, UNCACHEABLE_UNSUPPORTED_OPTION, arg);
}

/* gcc prints every target without its leading "./" (and slashes after it). */
static int push_target(struct gcc_state *st, const char *name, bool quoted)
{
	int r;

	while (!st->clang && name[0] == '.' && name[1] == '/')
		for (name += 2; *name == '/'; name++)
			;

	if (st->targets.n + 1 > st->cap_quoted) {
		size_t cap = st->cap_quoted ? st->cap_quoted * 2 : 8;
		bool *q = realloc(st->target_quoted, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		st->target_quoted = q;
		st->cap_quoted = cap;
	}
	r = strv_push(&st->targets, name);
	if (r < 0)
		return r;
	st->target_quoted[st->targets.n - 1] = quoted;
	return KEY_KEEP;
}

static int push_value(struct strv *s, const char *value)
{
	int r = strv_push(s, value);

	return r < 0 ? r : KEY_KEEP;
}

/* ---- option handlers ---- */

#define STATE(ctx) ((struct gcc_state *)(ctx))

static int h_keep(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return KEY_KEEP;
}

/* The row's param is the reason. */
static int h_reason(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return opt_reason(STATE(ctx), (enum uncacheable_reason)row->param, arg);
}

static int h_print(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if (!STATE(ctx)->print_arg)
		STATE(ctx)->print_arg = arg;
	return KEY_KEEP;
}

static int h_preprocess(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if (!STATE(ctx)->preprocess_arg)
		STATE(ctx)->preprocess_arg = arg;
	return KEY_KEEP;
}

/* -fsyntax-only: a mode of its own, even without -c */
static int h_syntax_only(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->syntax_only_arg = arg;
	return KEY_KEEP;
}

/* clang's --precompile makes a module interface: a compile, not a link */
static int h_precompile(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->compile = true;
	return opt_reason(ctx, UNCACHEABLE_MODULES, arg);
}

static int h_compile(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->compile = true;
	return KEY_KEEP;
}

/* -S wins over -c whatever their order, in both drivers. */
static int h_assemble(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->assemble = true;
	return KEY_KEEP;
}

/* The last -o wins in both drivers. */
static int h_output(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	/* Two -o: the driver's own business (gcc takes the last; with -MD it
	 * names a depfile per -o and fails), not one the cache can mirror. */
	if (STATE(ctx)->output)
		return opt_reason(STATE(ctx), UNCACHEABLE_UNSUPPORTED_OPTION, arg);
	STATE(ctx)->output = value;
	return KEY_NAMING;
}

static int h_language(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->x = str_eq(value, "none") ? NULL : value;
	return KEY_KEEP;
}

enum dep_opt { DEP_MD, DEP_MMD, DEP_MP, DEP_MF, DEP_MT, DEP_MQ };

static int h_dep(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	struct gcc_state *st = ctx;

	switch ((enum dep_opt)row->param) {
	case DEP_MD:
		st->md = true;
		break;
	case DEP_MMD:
		st->mmd = true;
		break;
	case DEP_MP:
		st->mp = true;
		break;
	case DEP_MF:
		/* the last -MF wins in both */
		st->mf = value;
		return KEY_NAMING;
	case DEP_MT:
	case DEP_MQ: {
		/* Targets only name the depfile's rule, which is rendered for each
		 * request: they stay out of the key so that builds share. */
		int r = push_target(st, value, row->param == DEP_MQ);

		return r < 0 ? r : KEY_NAMING;
	}
	}
	return KEY_KEEP;
}

/*
 * -Wp,-MD,file and -Wp,-MMD,file (the Linux kernel's way), and -Wp,-D/-U.
 * Anything else handed to the preprocessor directly is not modelled; clang
 * even misreads -Wp,-MMD,f,-DX (it writes the default depfile instead).
 */
static int h_wp(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	struct gcc_state *st = ctx;
	const char *comma = strchr(value, ',');

	if (comma && (strncmp(value, "-MD,", 4) == 0 || strncmp(value, "-MMD,", 5) == 0)) {
		if (strchr(comma + 1, ',') || comma[1] == '\0' || st->wp_depfile)
			return unsupported(st, arg);
		st->wp_arg = arg;
		st->wp_depfile = comma + 1;
		st->wp_mmd = value[1] == 'M' && value[2] == 'M';
		return KEY_NAMING_WP;
	}
	for (const char *p = value;;) {
		size_t len = strcspn(p, ",");

		if (len < 3 || p[0] != '-' || (p[1] != 'D' && p[1] != 'U'))
			return unsupported(st, arg);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return KEY_KEEP;
}

static bool item_is(const char *item, size_t len, const char *what)
{
	return strlen(what) == len && memcmp(item, what, len) == 0;
}

static bool item_starts(const char *item, size_t len, const char *what)
{
	size_t n = strlen(what);

	return len >= n && memcmp(item, what, n) == 0;
}

/*
 * One assembler option (-Wa,x / -Xassembler x). Listings (-a...), -o and
 * --MD write files the cache would not restore; -I and @file read files no
 * depfile lists. -g and --gdwarf make the assembler record the cwd.
 */
static int as_option(struct gcc_state *st, const char *arg, const char *item, size_t len)
{
	if (len == 0)
		return KEY_KEEP;
	if (item[0] == '@' || item_starts(item, len, "-I"))
		return unsupported(st, arg);
	if (item_starts(item, len, "-a") || item_is(item, len, "-o") ||
	    item_is(item, len, "--MD") || item_is(item, len, "-MD"))
		return opt_reason(st, UNCACHEABLE_EXTRA_OUTPUT, arg);
	if (item_is(item, len, "-g") || item_is(item, len, "--gen-debug") ||
	    item_starts(item, len, "--gdwarf") || item_starts(item, len, "-gdwarf") ||
	    item_starts(item, len, "--gstabs") || item_starts(item, len, "-gstabs") ||
	    item_starts(item, len, "--gcodeview"))
		st->as_debug = true;
	return KEY_KEEP;
}

static int h_wa(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	for (const char *p = value;;) {
		size_t len = strcspn(p, ",");

		as_option(ctx, arg, p, len);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return KEY_KEEP;
}

static int h_xassembler(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return as_option(ctx, value, value, strlen(value));
}

/* -Xpreprocessor: macro definitions only; the rest is not modelled. */
static int h_xpreprocessor(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if ((str_prefix(value, "-D") || str_prefix(value, "-U")) && value[2] != '\0')
		return KEY_KEEP;
	if (str_eq(value, "-fopenmp"))
		return KEY_KEEP;
	return unsupported(ctx, value);
}

/*
 * clang loads a PCH: it checks every input the PCH recorded against the
 * file now, size and mtime (clang 14's ASTReader::getInputFile), and fails
 * on a difference even when the bytes are the same. Those inputs lead the
 * unit's depfile, so its entry keys their mtimes too (pch_mtimes): a
 * header touched, or set back, since the store misses. Only a miss more
 * where clang would not have checked (-fno-validate-pch, a PCH made with
 * -fno-pch-timestamp), never a hit where it fails.
 */
static void loads_pch(struct gcc_state *st)
{
	st->out->pch_input = true;
	st->out->pch_mtimes = true;
}

/*
 * A PCH clang loads (-include-pch f, or the f.pch the driver finds for
 * -include): the unit's output follows from its bytes, so the key hashes
 * them (absent too). Its headers are in clang's depfile; the PCH is not.
 */
static int use_pch(struct gcc_state *st, const char *path)
{
	if (path[0] == '\0')
		return opt_reason(st, UNCACHEABLE_MISSING_ARGUMENT, "-include-pch");
	loads_pch(st);
	return push_value(&st->extra_inputs, path);
}

static int h_include_pch(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return use_pch(ctx, value);
}

/* A value that names no file: a number or a boolean. */
static bool names_no_file(const char *v, size_t len)
{
	static const char *const words[] = {"true", "false", "TRUE", "FALSE", "True", "False"};
	size_t i = 0;

	for (size_t k = 0; k < ARRAY_SIZE(words); k++)
		if (strlen(words[k]) == len && strncmp(v, words[k], len) == 0)
			return true;
	if (i < len && (v[i] == '-' || v[i] == '+'))
		i++;
	if (i == len || !isdigit((unsigned char)v[i]))
		return len == 0;
	while (i < len && (isalnum((unsigned char)v[i]) || v[i] == '.'))
		i++;
	return i == len;
}

/*
 * An option handed on to an LLVM pass or a plugin (-mllvm -dfsan-abilist=f,
 * -mllvm -opt -mllvm f, -Xclang -plugin-arg-p -Xclang f,
 * -fplugin-arg-p-key=f) may name a file it reads, which no depfile names
 * and no table here can list: each value that could name one (after the
 * "=", each of a comma list) is keyed by content, or as absent, so a file
 * changed or created there misses. An LLVM option that writes a file
 * (-info-output-file=, -dot-cfg-*, ...) is an output the cache does not keep.
 */
static int passed_value(struct gcc_state *st, const char *value)
{
	static const char *const writers[] = {"output", "dot", "export", "dump"};
	bool option = value[0] == '-';
	const char *eq = option ? strchr(value, '=') : NULL;
	const char *p = option ? (eq ? eq + 1 : NULL) : value;

	for (size_t i = 0; option && i < ARRAY_SIZE(writers); i++) {
		const char *w = strstr(value, writers[i]);

		if (w && (!eq || w < eq))
			return opt_reason(st, UNCACHEABLE_EXTRA_OUTPUT, value);
	}
	while (p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (!names_no_file(p, len) && strv_push_n(&st->extra_inputs, p, len) < 0)
			return -ENOMEM;
		p = comma ? comma + 1 : NULL;
	}
	return KEY_KEEP;
}

static int h_passed(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return passed_value(ctx, value);
}

/* -fplugin-arg-<plugin>-<key>[=<value>]: the value is the plugin's. */
static int h_plugin_arg(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	const char *eq = strchr(value, '=');

	return eq ? passed_value(ctx, eq + 1) : KEY_KEEP;
}

/*
 * -Xclang passes cc1 options, some of which take the next -Xclang as their
 * value. Only the ones build systems actually use are modelled.
 */
static int h_xclang(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	static const char *const plain[] = {
	        "-fno-pch-timestamp",
	        "-disable-O0-optnone",
	        "-disable-llvm-passes",
	        "-disable-llvm-optzns",
	        "-fexperimental-new-pass-manager",
	        "-fno-experimental-new-pass-manager",
	        "-flegacy-pass-manager",
	        "-fno-legacy-pass-manager",
	        "-fno-validate-pch",
	};
	static const char *const with_value[] = {
	        "-add-plugin",
	        "-target-feature",
	        "-triple",
	};
	/* options whose value (the next -Xclang) the key or the search needs */
	static const struct {
		const char *name;
		enum xclang_next next;
	} with_file[] = {
	        {"-load", XC_PLUGIN},
	        {"-include", XC_INCLUDE},
	        {"-include-pch", XC_PCH},
	        {"-fdebug-compilation-dir", XC_DEBUG_DIR},
	};
	struct gcc_state *st = ctx;
	enum xclang_next next = st->xclang_next;

	st->xclang_next = XC_OPTION;
	switch (next) {
	case XC_OPTION:
		break;
	case XC_VALUE:
		return KEY_KEEP;
	case XC_PLUGIN:
		return push_value(&st->extra_inputs, value);
	case XC_INCLUDE:
		return push_value(&st->forced, value);
	case XC_DEBUG_DIR:
		st->debug_dir_fixed = true;
		return KEY_KEEP;
	case XC_PCH:
		return use_pch(st, value);
	case XC_PASSED:
		return passed_value(st, value);
	}

	for (size_t i = 0; i < ARRAY_SIZE(with_file); i++) {
		if (str_eq(value, with_file[i].name)) {
			st->xclang_next = with_file[i].next;
			return KEY_KEEP;
		}
	}
	if (str_prefix(value, "-fdebug-compilation-dir=")) {
		st->debug_dir_fixed = true;
		return KEY_KEEP;
	}
	if (str_prefix(value, "-plugin-arg-") || str_eq(value, "-mllvm")) {
		st->xclang_next = XC_PASSED;
		return KEY_KEEP;
	}
	for (size_t i = 0; i < ARRAY_SIZE(with_value); i++) {
		if (str_eq(value, with_value[i])) {
			st->xclang_next = XC_VALUE;
			return KEY_KEEP;
		}
	}
	if (str_eq(value, "-emit-pch")) {
		st->emit_pch = true;
		return KEY_KEEP;
	}
	if (str_eq(value, "-fno-pch-timestamp"))
		st->pch_no_timestamp = true;
	if (str_prefix(value, "-fmodules") || str_eq(value, "-emit-module"))
		return opt_reason(st, UNCACHEABLE_MODULES, value);
	if (str_eq(value, "-fcolor-diagnostics")) {
		st->out->color = COLOR_ALWAYS;
		return KEY_KEEP;
	}
	if (str_eq(value, "-fno-color-diagnostics")) {
		st->out->color = COLOR_NEVER;
		return KEY_KEEP;
	}
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		if (str_eq(value, plain[i]))
			return KEY_KEEP;
	if ((value[0] == '-' && value[1] != '\0' && strchr("DUWO", value[1])) ||
	    str_prefix(value, "-std="))
		return KEY_KEEP;
	return unsupported(st, value);
}

/* The row's param is the enum include_kind. */
static int h_include_dir(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return push_value(&STATE(ctx)->includes[row->param], value);
}

static int h_nostdinc(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->out->nostdinc = true;
	return KEY_KEEP;
}

/*
 * -include f: gcc tries f.gch in each folder it searches for f, which the
 * include search records and keys (manifest.c). clang's driver turns it
 * into -include-pch f.pch (else f.gch) when that exists next to f as
 * spelled from the cwd (clang 14's Clang.cpp): both are keyed by content
 * or absence, so one appearing or changing misses. Naming a PCH itself
 * (-include f.gch) is not modelled.
 */
static int h_forced_include(void *ctx, const struct opt_row *row, const char *arg,
                            const char *value)
{
	static const char *const pch_suffixes[] = {".pch", ".gch"};
	struct gcc_state *st = ctx;
	size_t len = strlen(value);

	for (size_t i = 0; i < ARRAY_SIZE(pch_suffixes); i++) {
		struct stat sb;
		char *path, *abs;
		int r;

		if (len > 4 && str_eq(value + len - 4, pch_suffixes[i]))
			return opt_reason(st, UNCACHEABLE_PCH, arg);
		if (!st->clang || !str_eq(row->name, "-include"))
			continue;
		if (asprintf(&path, "%s%s", value, pch_suffixes[i]) < 0)
			return -ENOMEM;
		abs = args_path_join(st->cwd, path);
		if (abs && stat(abs, &sb) == 0)
			loads_pch(st);
		free(abs);
		r = strv_push_owned(&st->extra_inputs, path);
		if (r < 0)
			return r;
	}
	return push_value(&st->forced, value);
}

enum g_effect {
	G_NONE,     /* format details only */
	G_ON,       /* enables debug info */
	G_OFF,      /* -g0 */
	G_SPLIT,    /* -gsplit-dwarf: enables nothing by itself (both checked) */
	G_NO_SPLIT, /* -gno-split-dwarf, clang's -gsplit-dwarf=single */
	G_RECORD,   /* clang's -grecord-command-line puts -o and the cwd in the object */
	G_NO_RECORD,
	G_MODULES,
	G_UNSUPPORTED,
};

/*
 * -g suffixes. Whether each enables debug info was checked with readelf on
 * gcc 12 and clang 14; unverified ones count as enabling, which only costs
 * hits (the cwd then goes into the key).
 */
static const struct {
	const char *suffix;
	bool prefix;
	enum g_effect effect;
} g_options[] = {
        {"", false, G_ON},
        {"0", false, G_OFF},
        {"1", false, G_ON},
        {"2", false, G_ON},
        {"3", false, G_ON},
        {"gdb", false, G_ON},
        {"gdb0", false, G_OFF},
        {"gdb1", false, G_ON},
        {"gdb2", false, G_ON},
        {"gdb3", false, G_ON},
        {"dwarf", false, G_ON},
        {"dwarf-", true, G_ON},
        {"dwarf32", false, G_ON},
        {"dwarf64", false, G_ON},
        {"line-tables-only", false, G_ON},
        {"line-directives-only", false, G_ON},
        {"mlt", false, G_ON},
        {"full", false, G_ON},
        {"used", false, G_ON},
        {"lldb", false, G_ON},
        {"sce", false, G_ON},
        {"dbx", false, G_ON},
        {"btf", false, G_ON},
        {"ctf", true, G_ON},
        {"codeview", false, G_ON},
        {"split-dwarf", false, G_SPLIT},
        {"split-dwarf=split", false, G_SPLIT},
        {"split-dwarf=single", false, G_NO_SPLIT},
        {"no-split-dwarf", false, G_NO_SPLIT},
        {"record-command-line", false, G_RECORD},
        {"record-gcc-switches", false, G_RECORD},
        {"no-record-command-line", false, G_NO_RECORD},
        {"no-record-gcc-switches", false, G_NO_RECORD},
        {"modules", false, G_MODULES},
        {"toggle", false, G_UNSUPPORTED},
        {"z", false, G_NONE},
        {"z=", true, G_NONE},
        {"dwarf-aranges", false, G_NONE},
        {"column-info", false, G_NONE},
        {"no-column-info", false, G_NONE},
        {"strict-dwarf", false, G_NONE},
        {"no-strict-dwarf", false, G_NONE},
        {"pubnames", false, G_NONE},
        {"no-pubnames", false, G_NONE},
        {"gnu-pubnames", false, G_NONE},
        {"no-gnu-pubnames", false, G_NONE},
        {"as-loc-support", false, G_NONE},
        {"no-as-loc-support", false, G_NONE},
        {"as-locview-support", false, G_NONE},
        {"no-as-locview-support", false, G_NONE},
        {"variable-location-views", false, G_NONE},
        {"variable-location-views=incompat5", false, G_NONE},
        {"no-variable-location-views", false, G_NONE},
        {"inline-points", false, G_NONE},
        {"no-inline-points", false, G_NONE},
        {"internal-reset-location-views", false, G_NONE},
        {"no-internal-reset-location-views", false, G_NONE},
        {"statement-frontiers", false, G_NONE},
        {"no-statement-frontiers", false, G_NONE},
        {"describe-dies", false, G_NONE},
        {"no-describe-dies", false, G_NONE},
        {"embed-source", false, G_NONE},
        {"no-embed-source", false, G_NONE},
        {"inline-line-tables", false, G_NONE},
        {"no-inline-line-tables", false, G_NONE},
        {"simple-template-names", false, G_NONE},
        {"no-simple-template-names", false, G_NONE},
        {"codeview-ghash", false, G_NONE},
        {"no-codeview-ghash", false, G_NONE},
};

static int h_debug(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	struct gcc_state *st = ctx;
	enum g_effect effect = G_UNSUPPORTED;
	size_t i;

	/* an exact suffix first, then the open-ended ones (-gdwarf-5, -gz=zlib) */
	for (i = 0; i < ARRAY_SIZE(g_options); i++)
		if (!g_options[i].prefix && str_eq(value, g_options[i].suffix))
			break;
	if (i == ARRAY_SIZE(g_options))
		for (i = 0; i < ARRAY_SIZE(g_options); i++)
			if (g_options[i].prefix && str_prefix(value, g_options[i].suffix))
				break;
	if (i < ARRAY_SIZE(g_options))
		effect = g_options[i].effect;
	switch (effect) {
	case G_NONE:
		break;
	case G_ON:
		st->debug = true;
		break;
	case G_OFF:
		st->debug = false;
		break;
	case G_SPLIT:
		st->split = true;
		break;
	case G_NO_SPLIT:
		st->split = false;
		break;
	case G_RECORD:
		st->record_cmdline = true;
		break;
	case G_NO_RECORD:
		st->record_cmdline = false;
		break;
	case G_MODULES:
		return opt_reason(st, UNCACHEABLE_MODULES, arg);
	case G_UNSUPPORTED:
		return unsupported(st, arg);
	}
	return KEY_KEEP;
}

/* Any -f option without a row of its own: the allow-list decides. */
static int h_f(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	const char *name = value;

	if (str_prefix(name, "no-"))
		name += 3;
	if (!f_is_allowed(name, strcspn(name, "=")))
		return unsupported(ctx, arg);
	/* gcc's LTO sections and offload tables hold the cwd (clang's do not:
	 * both checked by compiling in two folders), and the -Xassembler
	 * options, which lto-wrapper passes on at link time. */
	if (name == value && !STATE(ctx)->clang &&
	    (str_prefix(name, "lto") || str_prefix(name, "openmp") || str_prefix(name, "openacc") ||
	     str_prefix(name, "offload")))
		STATE(ctx)->cwd_recorded = true;
	return KEY_KEEP;
}

/* -m options are target flags; only "native" CPUs need the host in the key. */
static int h_machine(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	static const char *const cpu_options[] = {"arch=", "tune=", "cpu="};

	for (size_t i = 0; i < ARRAY_SIZE(cpu_options); i++)
		if (str_prefix(value, cpu_options[i]) &&
		    str_eq(value + strlen(cpu_options[i]), "native"))
			STATE(ctx)->out->march_native = true;
	return KEY_KEEP;
}

static int h_arch(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	struct gcc_state *st = ctx;

	if (st->arch && !str_eq(st->arch, value))
		return opt_reason(st, UNCACHEABLE_MULTIPLE_ARCH, value);
	st->arch = value;
	return KEY_KEEP;
}

/* The row's param is the color, or -1 to read it from the value. */
static int h_color(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	struct gcc_state *st = ctx;

	if (row->param >= 0)
		st->out->color = (enum diagnostics_color)row->param;
	else if (str_eq(value, "always"))
		st->out->color = COLOR_ALWAYS;
	else if (str_eq(value, "never"))
		st->out->color = COLOR_NEVER;
	else if (str_eq(value, "auto"))
		st->out->color = COLOR_AUTO;
	return KEY_KEEP;
}

static int h_prefix_map(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if (!strchr(value, '='))
		return unsupported(ctx, arg);
	return push_value(&STATE(ctx)->prefix_maps, value);
}

/* The row's param says whether the coverage directory is fixed too. */
static int h_compilation_dir(void *ctx, const struct opt_row *row, const char *arg,
                             const char *value)
{
	struct gcc_state *st = ctx;

	st->debug_dir_fixed = st->debug_dir_fixed || row->param != 0;
	st->coverage_dir_fixed = true;
	return KEY_KEEP;
}

static int h_debug_dir(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->debug_dir_fixed = true;
	return KEY_KEEP;
}

static int h_extra_input(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if (value[0] == '\0')
		return unsupported(ctx, arg);
	return push_value(&STATE(ctx)->extra_inputs, value);
}

/*
 * gcc looks a relative specs file up in its startfile folders before the
 * cwd (-specs=nano.specs): its own install's copy belongs to the toolchain
 * as cc1 does, LIBRARY_PATH's and GCC_EXEC_PREFIX's are keyed with the
 * programs (gcc_specs.c), and the cwd's one here.
 */
static int h_specs(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	return h_extra_input(ctx, row, arg, value);
}

enum profile_opt {
	PF_USE,
	PF_USE_PATH,
	PF_INSTR_USE_PATH,
	PF_NO_USE,
	PF_DIR,
	PF_ARCS,
	PF_NO_ARCS,
	PF_TEST_COVERAGE,
	PF_NO_TEST_COVERAGE,
	PF_GENERATE,
	PF_NO_GENERATE,
	PF_COVERAGE,
	PF_MAPPING,
	PF_NO_MAPPING,
};

static int h_profile(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	struct gcc_state *st = ctx;

	switch ((enum profile_opt)row->param) {
	case PF_USE:
		st->profile_use = PU_DEFAULT;
		break;
	case PF_USE_PATH:
		st->profile_use = PU_PATH;
		st->profile_path = value;
		break;
	case PF_INSTR_USE_PATH:
		st->profile_use = PU_FILE;
		st->profile_path = value;
		break;
	case PF_NO_USE:
		st->profile_use = PU_NONE;
		break;
	case PF_DIR:
		st->profile_dir = true;
		break;
	case PF_ARCS:
		st->arcs = true;
		break;
	case PF_NO_ARCS:
		st->arcs = false;
		break;
	case PF_TEST_COVERAGE:
		st->test_coverage = true;
		break;
	case PF_NO_TEST_COVERAGE:
		st->test_coverage = false;
		break;
	case PF_GENERATE:
		st->profile_generate = true;
		break;
	case PF_NO_GENERATE:
		st->profile_generate = false;
		break;
	case PF_COVERAGE:
		/* --coverage outlives a later -fno-test-coverage (both checked) */
		st->coverage = true;
		break;
	case PF_MAPPING:
		st->coverage_mapping = true;
		break;
	case PF_NO_MAPPING:
		st->coverage_mapping = false;
		break;
	}
	return KEY_KEEP;
}

static int h_stack_usage(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->stack_usage = true;
	return KEY_KEEP;
}

/* -frecord-command-line: the row's param is on/off. */
static int h_record(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	STATE(ctx)->record_cmdline = row->param != 0;
	return KEY_KEEP;
}

/* -fdiagnostics-absolute-paths puts real paths into the diagnostics we
 * replay (args.h diagnostics_real_paths). */
static int h_absolute_paths(void *ctx, const struct opt_row *row, const char *arg,
                            const char *value)
{
	STATE(ctx)->absolute_paths = row->param != 0;
	return KEY_KEEP;
}

/* -fopt-info goes to stderr unless given a file. */
static int h_opt_info(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if (strchr(value, '='))
		return opt_reason(ctx, UNCACHEABLE_EXTRA_OUTPUT, arg);
	return KEY_KEEP;
}

static int h_bb_sections(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if (str_prefix(value, "list="))
		return h_extra_input(ctx, row, arg, value + 5);
	return KEY_KEEP;
}

/* clang's --driver-mode=g++ is clang++; other modes are other languages. */
static int h_driver_mode(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	struct gcc_state *st = ctx;

	if (str_eq(value, "g++"))
		st->out->cxx_driver = true;
	else if (str_eq(value, "gcc"))
		st->out->cxx_driver = false;
	else
		return unsupported(st, arg);
	return KEY_KEEP;
}

/* -dA, -dp, -dP annotate the assembly; the other letters dump. */
static int h_dump_letters(void *ctx, const struct opt_row *row, const char *arg, const char *value)
{
	if (value[0] == '\0' || value[strspn(value, "ApP")] != '\0')
		return unsupported(ctx, arg);
	return KEY_KEEP;
}

/* clang-format off */
#define FLAG(n, fam, ...)     {n, OPT_FLAG, fam, __VA_ARGS__}
#define JOINED(n, fam, ...)   {n, OPT_JOINED, fam, __VA_ARGS__}
#define SEPARATE(n, fam, ...) {n, OPT_SEPARATE, fam, __VA_ARGS__}
#define JOINSEP(n, fam, ...)  {n, OPT_JOINED_OR_SEPARATE, fam, __VA_ARGS__}
/* clang-format on */
#define KEEP       h_keep, 0
#define REASON(r)  h_reason, UNCACHEABLE_##r
#define DEP(d)     h_dep, DEP_##d
#define PROFILE(p) h_profile, PF_##p

/*
 * The options gcc and clang drivers accept for a compile. The longest
 * matching name wins, so "-include-pch" beats "-include" and "-fdump-" beats
 * "-f". Options that take a value in the next argument are SEPARATE or
 * JOINSEP so that the value is never taken for a source.
 */
static const struct opt_row gcc_rows[] = {
        /* what the driver does */
        FLAG("-c", OPT_ANY, h_compile, 0),
        FLAG("-S", OPT_ANY, h_assemble, 0),
        FLAG("-E", OPT_ANY, h_preprocess, 0),
        FLAG("-M", OPT_ANY, h_preprocess, 0),
        FLAG("-MM", OPT_ANY, h_preprocess, 0),
        FLAG("-v", OPT_ANY, h_print, 0),
        FLAG("-###", OPT_ANY, h_print, 0),
        FLAG("--version", OPT_ANY, h_print, 0),
        FLAG("--verbose", OPT_CLANG, h_print, 0),
        FLAG("--help", OPT_ANY, h_print, 0),
        FLAG("-help", OPT_CLANG, h_print, 0),
        JOINED("--help=", OPT_GCC, h_print, 0),
        FLAG("--target-help", OPT_GCC, h_print, 0),
        JOINED("-print-", OPT_ANY, h_print, 0),
        JOINED("--print-", OPT_ANY, h_print, 0),
        FLAG("-dumpversion", OPT_ANY, h_print, 0),
        FLAG("-dumpfullversion", OPT_GCC, h_print, 0),
        FLAG("-dumpmachine", OPT_ANY, h_print, 0),
        FLAG("-dumpspecs", OPT_GCC, h_print, 0),
        /* -dumpbase/-dumpdir rename every auxiliary output */
        SEPARATE("-dumpbase", OPT_GCC, REASON(UNSUPPORTED_OPTION)),
        SEPARATE("-dumpbase-ext", OPT_GCC, REASON(UNSUPPORTED_OPTION)),
        SEPARATE("-dumpdir", OPT_GCC, REASON(UNSUPPORTED_OPTION)),
        JOINED("-d", OPT_ANY, h_dump_letters, 0),
        FLAG("-fsyntax-only", OPT_ANY, h_syntax_only, 0),
        FLAG("--precompile", OPT_CLANG, h_precompile, 0),
        FLAG("-emit-llvm", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        FLAG("-ObjC", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        FLAG("-ObjC++", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINED("-objcmt-", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINED("--driver-mode=", OPT_CLANG, h_driver_mode, 0),

        /* inputs and outputs */
        JOINSEP("-o", OPT_ANY, h_output, 0),
        JOINSEP("-x", OPT_ANY, h_language, 0),
        FLAG("-MD", OPT_ANY, DEP(MD)),
        FLAG("-MMD", OPT_ANY, DEP(MMD)),
        FLAG("-MP", OPT_ANY, DEP(MP)),
        JOINSEP("-MF", OPT_ANY, DEP(MF)),
        JOINSEP("-MT", OPT_ANY, DEP(MT)),
        JOINSEP("-MQ", OPT_ANY, DEP(MQ)),
        FLAG("-MG", OPT_ANY, REASON(UNSUPPORTED_OPTION)),
        FLAG("-MV", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-MJ", OPT_CLANG, REASON(EXTRA_OUTPUT)),
        FLAG("-save-temps", OPT_ANY, REASON(EXTRA_OUTPUT)),
        JOINED("-save-temps=", OPT_ANY, REASON(EXTRA_OUTPUT)),
        SEPARATE("-aux-info", OPT_GCC, REASON(EXTRA_OUTPUT)),
        FLAG("-time", OPT_GCC, REASON(EXTRA_OUTPUT)),
        JOINED("-time=", OPT_GCC, REASON(EXTRA_OUTPUT)),
        FLAG("-Q", OPT_GCC, REASON(UNSUPPORTED_OPTION)),
        FLAG("-Qn", OPT_GCC, KEEP),
        FLAG("-Qy", OPT_GCC, KEEP),
        FLAG("-Qunused-arguments", OPT_CLANG, KEEP),

        /* passing options on */
        JOINED("-Wp,", OPT_ANY, h_wp, 0),
        JOINED("-Wa,", OPT_ANY, h_wa, 0),
        JOINED("-Wl,", OPT_ANY, KEEP),
        SEPARATE("-Xassembler", OPT_ANY, h_xassembler, 0),
        SEPARATE("-Xpreprocessor", OPT_ANY, h_xpreprocessor, 0),
        SEPARATE("-Xlinker", OPT_ANY, KEEP),
        SEPARATE("-Xclang", OPT_CLANG, h_xclang, 0),
        JOINED("-Xarch_", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        SEPARATE("-mllvm", OPT_CLANG, h_passed, 0),
        SEPARATE("--param", OPT_ANY, KEEP),
        JOINED("--param=", OPT_ANY, KEEP),
        SEPARATE("-wrapper", OPT_GCC, REASON(UNSUPPORTED_OPTION)),
        /* -B changes which cc1 and as run: a different compiler */
        JOINSEP("-B", OPT_ANY, REASON(UNSUPPORTED_OPTION)),
        SEPARATE("-working-directory", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINED("-working-directory=", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),

        /* preprocessor */
        JOINSEP("-D", OPT_ANY, KEEP),
        JOINSEP("-U", OPT_ANY, KEEP),
        JOINSEP("-A", OPT_ANY, KEEP),
        JOINSEP("-I", OPT_ANY, h_include_dir, INCLUDE_DIR),
        JOINSEP("-iquote", OPT_ANY, h_include_dir, INCLUDE_QUOTE),
        JOINSEP("-isystem", OPT_ANY, h_include_dir, INCLUDE_SYSTEM),
        JOINSEP("-cxx-isystem", OPT_CLANG, h_include_dir, INCLUDE_SYSTEM),
        JOINSEP("-idirafter", OPT_ANY, h_include_dir, INCLUDE_AFTER),
        FLAG("-I-", OPT_ANY, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-iprefix", OPT_ANY, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-iwithprefix", OPT_ANY, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-iwithprefixbefore", OPT_ANY, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-iwithsysroot", OPT_ANY, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-imultilib", OPT_GCC, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-imultiarch", OPT_GCC, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-iframework", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-F", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINSEP("-include", OPT_ANY, h_forced_include, 0),
        JOINSEP("-imacros", OPT_ANY, h_forced_include, 0),
        JOINSEP("-include-pch", OPT_CLANG, h_include_pch, 0),
        FLAG("-nostdinc", OPT_ANY, h_nostdinc, 0),
        FLAG("-nostdinc++", OPT_ANY, KEEP),
        FLAG("-nostdlibinc", OPT_CLANG, KEEP),
        FLAG("-nobuiltininc", OPT_CLANG, KEEP),
        JOINSEP("-isysroot", OPT_ANY, KEEP),
        JOINED("--sysroot=", OPT_ANY, KEEP),
        SEPARATE("--sysroot", OPT_ANY, KEEP),
        FLAG("-undef", OPT_ANY, KEEP),
        FLAG("-trigraphs", OPT_ANY, KEEP),
        FLAG("-traditional", OPT_GCC, KEEP),
        FLAG("-traditional-cpp", OPT_ANY, KEEP),
        FLAG("-C", OPT_ANY, KEEP),
        FLAG("-CC", OPT_ANY, KEEP),
        FLAG("-P", OPT_ANY, KEEP),
        FLAG("-H", OPT_ANY, KEEP),

        /* language and diagnostics */
        JOINED("-std=", OPT_ANY, KEEP),
        JOINED("--std=", OPT_ANY, KEEP),
        FLAG("-ansi", OPT_ANY, KEEP),
        FLAG("-pedantic", OPT_ANY, KEEP),
        FLAG("-pedantic-errors", OPT_ANY, KEEP),
        FLAG("-w", OPT_ANY, KEEP),
        JOINED("-W", OPT_ANY, KEEP),
        JOINED("-O", OPT_ANY, KEEP),
        JOINED("-g", OPT_ANY, h_debug, 0),
        JOINED("-m", OPT_ANY, h_machine, 0),
        SEPARATE("-arch", OPT_CLANG, h_arch, 0),
        SEPARATE("-target", OPT_CLANG, KEEP),
        JOINED("--target=", OPT_CLANG, KEEP),
        JOINED("--gcc-toolchain=", OPT_CLANG, KEEP),
        JOINSEP("-resource-dir", OPT_CLANG, KEEP),
        JOINED("-resource-dir=", OPT_CLANG, KEEP),
        JOINED("-stdlib=", OPT_CLANG, KEEP),
        JOINED("-stdlib++-isystem", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINED("-rtlib=", OPT_CLANG, KEEP),
        JOINED("--rtlib=", OPT_CLANG, KEEP),
        JOINED("-unwindlib=", OPT_CLANG, KEEP),
        JOINED("--unwindlib=", OPT_CLANG, KEEP),
        FLAG("-pipe", OPT_ANY, KEEP),
        FLAG("-pthread", OPT_ANY, KEEP),
        FLAG("-integrated-as", OPT_CLANG, KEEP),
        FLAG("-no-integrated-as", OPT_CLANG, KEEP),
        FLAG("-no-canonical-prefixes", OPT_ANY, KEEP),
        FLAG("-p", OPT_ANY, KEEP),
        FLAG("-pg", OPT_ANY, KEEP),
        JOINED("-specs=", OPT_GCC, h_specs, 0),
        JOINED("--specs=", OPT_GCC, h_specs, 0),
        SEPARATE("-specs", OPT_GCC, h_specs, 0),

        /* linking: unused with -c, but they reach the compiler */
        JOINSEP("-L", OPT_ANY, KEEP),
        JOINSEP("-l", OPT_ANY, KEEP),
        JOINSEP("-T", OPT_ANY, KEEP),
        JOINSEP("-u", OPT_ANY, KEEP),
        JOINSEP("-z", OPT_ANY, KEEP),
        JOINSEP("-e", OPT_ANY, KEEP),
        JOINED("--entry=", OPT_ANY, KEEP),
        FLAG("-s", OPT_ANY, KEEP),
        FLAG("-r", OPT_ANY, KEEP),
        FLAG("-static", OPT_ANY, KEEP),
        FLAG("-shared", OPT_ANY, KEEP),
        FLAG("-static-pie", OPT_ANY, KEEP),
        FLAG("-static-libgcc", OPT_ANY, KEEP),
        FLAG("-shared-libgcc", OPT_ANY, KEEP),
        FLAG("-static-libstdc++", OPT_ANY, KEEP),
        FLAG("-static-libasan", OPT_ANY, KEEP),
        FLAG("-rdynamic", OPT_ANY, KEEP),
        FLAG("-symbolic", OPT_ANY, KEEP),
        FLAG("-nostdlib", OPT_ANY, KEEP),
        FLAG("-nodefaultlibs", OPT_ANY, KEEP),
        FLAG("-nostartfiles", OPT_ANY, KEEP),
        FLAG("-nolibc", OPT_ANY, KEEP),
        FLAG("-pie", OPT_ANY, KEEP),
        FLAG("-no-pie", OPT_ANY, KEEP),

        /* -f options with consequences; the rest go through the allow-list */
        JOINED("-f", OPT_ANY, h_f, 0),
        FLAG("-fdiagnostics-color", OPT_ANY, h_color, COLOR_ALWAYS),
        JOINED("-fdiagnostics-color=", OPT_ANY, h_color, -1),
        FLAG("-fno-diagnostics-color", OPT_ANY, h_color, COLOR_NEVER),
        /* gcc: no colour (nor URLs) unless a later option asks again */
        FLAG("-fdiagnostics-plain-output", OPT_GCC, h_color, COLOR_NEVER),
        FLAG("-fcolor-diagnostics", OPT_CLANG, h_color, COLOR_ALWAYS),
        FLAG("-fno-color-diagnostics", OPT_CLANG, h_color, COLOR_NEVER),
        FLAG("-fdiagnostics-absolute-paths", OPT_CLANG, h_absolute_paths, 1),
        FLAG("-fno-diagnostics-absolute-paths", OPT_CLANG, h_absolute_paths, 0),
        FLAG("-frecord-gcc-switches", OPT_ANY, h_record, 1),
        FLAG("-fno-record-gcc-switches", OPT_ANY, h_record, 0),
        FLAG("-frecord-command-line", OPT_CLANG, h_record, 1),
        FLAG("-fno-record-command-line", OPT_CLANG, h_record, 0),
        JOINED("-fdebug-prefix-map=", OPT_ANY, h_prefix_map, 0),
        JOINED("-ffile-prefix-map=", OPT_ANY, h_prefix_map, 0),
        JOINED("-fdebug-compilation-dir=", OPT_CLANG, h_debug_dir, 0),
        SEPARATE("-fdebug-compilation-dir", OPT_CLANG, h_debug_dir, 0),
        JOINED("-ffile-compilation-dir=", OPT_CLANG, h_compilation_dir, 1),
        JOINED("-fcoverage-compilation-dir=", OPT_CLANG, h_compilation_dir, 0),
        JOINED("-fcoverage-prefix-map=", OPT_CLANG, KEEP),
        FLAG("-fstack-usage", OPT_ANY, h_stack_usage, 0),
        JOINED("-fopt-info", OPT_GCC, h_opt_info, 0),
        JOINED("-fbasic-block-sections=", OPT_ANY, h_bb_sections, 0),
        FLAG("-fenable-matrix", OPT_CLANG, KEEP),
        JOINED("-ftime-trace-granularity=", OPT_CLANG, KEEP),
        /* files the compile reads that no depfile lists */
        JOINED("-fplugin=", OPT_ANY, h_extra_input, 0),
        JOINED("-fplugin-arg-", OPT_ANY, h_plugin_arg, 0),
        JOINED("-fpass-plugin=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-blacklist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-ignorelist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-system-blacklist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-system-ignorelist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-coverage-allowlist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-coverage-whitelist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-coverage-ignorelist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-coverage-blacklist=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fsanitize-coverage-blocklist=", OPT_CLANG, h_extra_input, 0),
        FLAG("-fno-sanitize-blacklist", OPT_CLANG, KEEP),
        FLAG("-fno-sanitize-ignorelist", OPT_CLANG, KEEP),
        JOINED("-fxray-always-instrument=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fxray-never-instrument=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fxray-attr-list=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fprofile-list=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fprofile-remapping-file=", OPT_CLANG, h_extra_input, 0),
        JOINED("-fprofile-sample-use=", OPT_ANY, h_extra_input, 0),
        FLAG("-fno-profile-sample-use", OPT_ANY, KEEP),
        JOINED("-fauto-profile=", OPT_ANY, h_extra_input, 0),
        FLAG("-fauto-profile", OPT_ANY, REASON(PROFILE_USE)),
        FLAG("-fno-auto-profile", OPT_ANY, KEEP),
        FLAG("-fbranch-probabilities", OPT_GCC, REASON(PROFILE_USE)),
        FLAG("-fno-branch-probabilities", OPT_GCC, KEEP),
        /* profiles and coverage */
        FLAG("-fprofile-use", OPT_ANY, PROFILE(USE)),
        JOINED("-fprofile-use=", OPT_ANY, PROFILE(USE_PATH)),
        FLAG("-fprofile-instr-use", OPT_CLANG, PROFILE(USE)),
        JOINED("-fprofile-instr-use=", OPT_CLANG, PROFILE(INSTR_USE_PATH)),
        FLAG("-fno-profile-use", OPT_ANY, PROFILE(NO_USE)),
        FLAG("-fno-profile-instr-use", OPT_CLANG, PROFILE(NO_USE)),
        JOINED("-fprofile-dir=", OPT_GCC, PROFILE(DIR)),
        FLAG("-fprofile-arcs", OPT_ANY, PROFILE(ARCS)),
        FLAG("-fno-profile-arcs", OPT_ANY, PROFILE(NO_ARCS)),
        FLAG("-ftest-coverage", OPT_ANY, PROFILE(TEST_COVERAGE)),
        FLAG("-fno-test-coverage", OPT_ANY, PROFILE(NO_TEST_COVERAGE)),
        FLAG("--coverage", OPT_ANY, PROFILE(COVERAGE)),
        FLAG("-fprofile-generate", OPT_ANY, PROFILE(GENERATE)),
        JOINED("-fprofile-generate=", OPT_ANY, PROFILE(GENERATE)),
        FLAG("-fno-profile-generate", OPT_ANY, PROFILE(NO_GENERATE)),
        FLAG("-fprofile-instr-generate", OPT_CLANG, KEEP),
        JOINED("-fprofile-instr-generate=", OPT_CLANG, KEEP),
        FLAG("-fno-profile-instr-generate", OPT_CLANG, KEEP),
        FLAG("-fcoverage-mapping", OPT_CLANG, PROFILE(MAPPING)),
        FLAG("-fno-coverage-mapping", OPT_CLANG, PROFILE(NO_MAPPING)),
        JOINED("-fprofile-note=", OPT_GCC, REASON(EXTRA_OUTPUT)),
        FLAG("-fprofile-report", OPT_GCC, REASON(EXTRA_OUTPUT)),
        /* dumps, reports, listings: files or timings a hit cannot reproduce */
        JOINED("-fdump-", OPT_ANY, REASON(EXTRA_OUTPUT)),
        JOINED("-fcallgraph-info", OPT_GCC, REASON(EXTRA_OUTPUT)),
        JOINED("-fsave-optimization-record", OPT_CLANG, REASON(EXTRA_OUTPUT)),
        JOINED("-foptimization-record-file=", OPT_CLANG, REASON(EXTRA_OUTPUT)),
        JOINED("-ftime-trace", OPT_CLANG, REASON(EXTRA_OUTPUT)),
        JOINED("-ftime-report", OPT_ANY, REASON(EXTRA_OUTPUT)),
        JOINED("-fmem-report", OPT_GCC, REASON(EXTRA_OUTPUT)),
        FLAG("-fpre-ipa-mem-report", OPT_GCC, REASON(EXTRA_OUTPUT)),
        FLAG("-fpost-ipa-mem-report", OPT_GCC, REASON(EXTRA_OUTPUT)),
        JOINED("-fproc-stat-report", OPT_CLANG, REASON(EXTRA_OUTPUT)),
        JOINED("-fcompare-debug", OPT_GCC, REASON(EXTRA_OUTPUT)),
        JOINED("-flto-report", OPT_GCC, REASON(EXTRA_OUTPUT)),
        FLAG("-fvtv-counts", OPT_GCC, REASON(EXTRA_OUTPUT)),
        FLAG("-fvtv-debug", OPT_GCC, REASON(EXTRA_OUTPUT)),
        JOINED("-fthin-link-bitcode=", OPT_CLANG, REASON(EXTRA_OUTPUT)),
        /* modules and precompiled headers */
        JOINED("-fmodules", OPT_ANY, REASON(MODULES)),
        /* clang then also searches the folder of every includer up the
         * include stack for "..." includes: not modelled */
        FLAG("-fms-compatibility", OPT_CLANG, REASON(UNSUPPORTED_OPTION)),
        JOINED("-fmodule-", OPT_ANY, REASON(MODULES)),
        FLAG("-fcxx-modules", OPT_CLANG, REASON(MODULES)),
        FLAG("-fimplicit-modules", OPT_CLANG, REASON(MODULES)),
        FLAG("-fimplicit-module-maps", OPT_CLANG, REASON(MODULES)),
        FLAG("-fbuiltin-module-map", OPT_CLANG, REASON(MODULES)),
        JOINED("-fprebuilt-", OPT_CLANG, REASON(MODULES)),
        JOINED("-fbuild-session-", OPT_CLANG, REASON(MODULES)),
        JOINED("-fpch-", OPT_ANY, REASON(PCH)),
        /* what a PCH holds (the key has it), not where anything goes */
        FLAG("-fpch-instantiate-templates", OPT_CLANG, KEEP),
        FLAG("-fno-pch-instantiate-templates", OPT_CLANG, KEEP),
        FLAG("-fpch-validate-input-files-content", OPT_CLANG, KEEP),
        FLAG("-fno-pch-validate-input-files-content", OPT_CLANG, KEEP),
};

/* ---- the walk's callbacks ---- */

static int gcc_input(void *ctx, const char *arg)
{
	struct gcc_state *st = ctx;

	if (st->n_inputs == st->cap_inputs) {
		size_t cap = st->cap_inputs ? st->cap_inputs * 2 : 4;
		struct input *v = realloc(st->inputs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		st->inputs = v;
		st->cap_inputs = cap;
	}
	st->inputs[st->n_inputs].path = arg;
	st->inputs[st->n_inputs].x = st->x;
	st->n_inputs++;
	return KEY_KEEP;
}

static int gcc_unknown(void *ctx, const char *arg)
{
	return unsupported(ctx, arg);
}

static int gcc_missing(void *ctx, const char *arg)
{
	return opt_reason(ctx, UNCACHEABLE_MISSING_ARGUMENT, arg);
}

/* ---- naming outputs ---- */

/*
 * path with the suffix of its last component replaced by add. Whether a
 * leading dot starts a suffix differs: clang always says so (".hidden" ->
 * ".d"), gcc does for the depfile it derives from -o and for the default
 * depfile target, but not for the object and its auxiliary outputs
 * (".hidden" -> ".hidden.dwo").
 */
static char *replace_suffix(const char *path, bool leading_dot, const char *add)
{
	const char *base = path_base(path);
	const char *dot = strrchr(base, '.');
	size_t keep = strlen(path);
	char *s;

	if (dot && (dot > base || leading_dot))
		keep = (size_t)(dot - path);
	if (asprintf(&s, "%.*s%s", (int)keep, path, add) < 0)
		return NULL;
	return s;
}

/* The cwd as debug info records it after the prefix maps, or NULL on ENOMEM. */
static char *mapped_cwd(const struct gcc_state *st)
{
	const char *best = NULL;
	size_t best_len = 0;
	bool ambiguous = false;
	char *s;

	for (size_t i = 0; i < st->prefix_maps.n; i++) {
		const char *map = st->prefix_maps.v[i];
		size_t old_len = (size_t)(strchr(map, '=') - map);

		/* both compare plain string prefixes, not path components */
		if (strncmp(st->cwd, map, old_len) != 0)
			continue;
		if (!st->clang) {
			/* gcc: the last matching map wins */
			best = map;
			best_len = old_len;
		} else if (!best || old_len > best_len) {
			/* clang: the longest old prefix wins, whatever the order */
			best = map;
			best_len = old_len;
			ambiguous = false;
		} else if (old_len == best_len && !str_eq(map, best)) {
			ambiguous = true;
		}
	}
	if (!best || ambiguous)
		return strdup(st->cwd);
	if (asprintf(&s, "%s%s", best + best_len + 1, st->cwd + best_len) < 0)
		return NULL;
	return s;
}

/*
 * Where gcc reads -fprofile-use data: <output without suffix>.gcda made
 * absolute, or with -fprofile-use=dir that absolute name mangled ('/' ->
 * '#') under dir; an absolute -o is not mangled. Paths with "." or ".."
 * components mangle differently: *unnamed says so. NULL on ENOMEM too.
 */
static char *gcc_profile_data(const struct gcc_state *st, const char *output, bool *unnamed)
{
	char *base, *abs, *s = NULL;

	*unnamed = false;
	base = replace_suffix(output, false, "");
	if (!base)
		return NULL;
	abs = args_path_join(st->cwd, base);
	if (!abs)
		goto out;
	if (st->profile_use == PU_DEFAULT) {
		if (asprintf(&s, "%s.gcda", abs) < 0)
			s = NULL;
		goto out;
	}
	if (base[0] == '/') {
		if (asprintf(&s, "%s/%s.gcda", st->profile_path, base) < 0)
			s = NULL;
		goto out;
	}
	for (const char *p = base; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 0 || item_is(p, len, ".") || item_is(p, len, "..")) {
			*unnamed = true;
			goto out;
		}
		p += len + (p[len] == '/');
	}
	for (char *p = abs; *p; p++)
		if (*p == '/')
			*p = '#';
	if (asprintf(&s, "%s/%s.gcda", st->profile_path, abs) < 0)
		s = NULL;
out:
	free(base);
	free(abs);
	return s;
}

static int add_profile_inputs(struct gcc_state *st, const char *output)
{
	struct stat sb;
	char *path = NULL, *abs;
	bool unnamed;
	int r;

	if (st->profile_use == PU_NONE)
		return 0;
	if (!st->clang) {
		if (st->profile_dir)
			return args_set_reason(st->out, UNCACHEABLE_PROFILE_USE, "-fprofile-dir");
		path = gcc_profile_data(st, output, &unnamed);
		if (unnamed)
			return args_set_reason(st->out, UNCACHEABLE_PROFILE_USE, output);
		if (!path)
			return -ENOMEM;
		return strv_push_owned(&st->extra_inputs, path);
	}
	/* clang: default.profdata in the cwd, or in a directory given */
	if (st->profile_use == PU_DEFAULT)
		return strv_push(&st->extra_inputs, "default.profdata");
	if (st->profile_use == PU_PATH) {
		abs = args_path_join(st->cwd, st->profile_path);
		if (!abs)
			return -ENOMEM;
		r = stat(abs, &sb) == 0 && S_ISDIR(sb.st_mode);
		free(abs);
		if (r && asprintf(&path, "%s/default.profdata", st->profile_path) < 0)
			return -ENOMEM;
		if (path)
			return strv_push_owned(&st->extra_inputs, path);
	}
	return strv_push(&st->extra_inputs, st->profile_path);
}

static int set_string(char **dst, char *s)
{
	free(*dst);
	*dst = s;
	return s ? 0 : -ENOMEM;
}

/*
 * "-" is stdout for -o and -MF; a device is never a file a hit may write (or
 * rename over). An empty name names no file: gcc refuses it, clang writes
 * its default name instead. Returns 1 with out->reason set, 0, or -ENOMEM.
 */
static int check_output_path(struct compile_args *out, const char *path)
{
	enum uncacheable_reason r = UNCACHEABLE_OUTPUT_STDOUT;
	int e;

	if (path[0] == '\0')
		r = UNCACHEABLE_MISSING_ARGUMENT;
	else if (!str_eq(path, "-") && !str_prefix(path, "/dev/"))
		return 0;
	if (str_eq(path, "/dev/null"))
		r = UNCACHEABLE_NO_OUTPUT;
	e = args_set_reason(out, r, path);
	return e < 0 ? e : 1;
}

/* The depfile, its path and its targets. */
static int name_depfile(struct gcc_state *st, const struct lang *lang, const char *source)
{
	struct compile_args *out = st->out;
	char *t;
	int r;

	out->depfile_mmd = st->mmd || (st->wp_depfile && st->wp_mmd);
	out->depfile_phony = st->mp;
	/* only what runs the preprocessor writes one (-MD with a .s or .i: none) */
	out->depfile_wanted = (st->md || st->mmd || st->wp_depfile) &&
	                      (lang->kind == LANG_C_FAMILY || lang->kind == LANG_ASM_CPP ||
	                       lang->kind == LANG_HEADER);
	/* clang warns that -MD goes unused beside -MMD; the cache runs -MMD as
	 * -MD, which would silence it. */
	if (st->clang && st->md && st->mmd)
		return args_set_reason(out, UNCACHEABLE_UNSUPPORTED_OPTION, "-MD with -MMD");
	/* -MF, -MT, -MQ or -MP without -MD/-MMD: gcc refuses them, clang warns
	 * they go unused; the -MD the cache would add gives them a meaning. */
	if (!out->depfile_wanted && !st->md && !st->mmd && !st->wp_depfile &&
	    (st->mf || st->targets.n || st->mp) &&
	    (lang->kind == LANG_C_FAMILY || lang->kind == LANG_ASM_CPP ||
	     lang->kind == LANG_HEADER))
		return args_set_reason(out, UNCACHEABLE_UNSUPPORTED_OPTION,
		                       st->mf ? "-MF without -MD" : "-MT/-MQ/-MP without -MD");
	if (!out->depfile_wanted)
		return 0;

	if (st->wp_depfile || st->mf) {
		r = check_output_path(out, st->wp_depfile ? st->wp_depfile : st->mf);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	if (st->wp_depfile)
		r = set_string(&out->depfile, strdup(st->wp_depfile));
	else if (st->mf)
		r = set_string(&out->depfile, strdup(st->mf));
	else
		r = set_string(&out->depfile, replace_suffix(out->output, true, ".d"));
	if (r < 0)
		return r;

	if (st->targets.n == 0) {
		/*
		 * The driver names the object it was given with -o; gcc's
		 * preprocessor on its own (-Wp,-MD) does not know it and
		 * uses the source's basename, with .o even for -S.
		 */
		if (st->output && (st->clang || !st->wp_depfile)) {
			r = push_target(st, st->output, true);
		} else {
			t = replace_suffix(path_base(source), true, ".o");
			if (!t)
				return -ENOMEM;
			r = push_target(st, t, true);
			free(t);
		}
		if (r < 0)
			return r;
	}
	out->dep_targets = strv_steal(&st->targets, &out->n_dep_targets);
	out->dep_target_quoted = st->target_quoted;
	st->target_quoted = NULL;
	return 0;
}

/*
 * .dwo, .gcno, .su. gcc writes the .dwo with -c whatever the -g level (even
 * -g0), not with -S; clang needs debug info for C sources but not for
 * assembler, and with -S drops foo.dwo in the cwd. .gcno and .su come from
 * cc1, so not from assembler sources.
 */
static int name_aux_outputs(struct gcc_state *st, const struct lang *lang, const char *source)
{
	struct compile_args *out = st->out;
	bool cc1 = lang->kind == LANG_C_FAMILY || lang->kind == LANG_PREPROCESSED;
	bool asm_only = lang->kind == LANG_ASM || lang->kind == LANG_ASM_CPP;
	bool lead = st->clang;
	int r = 0;

	if (st->split && out->output_kind == OUTPUT_OBJECT && (!st->clang || st->debug || asm_only))
		r = set_string(&out->dwo, replace_suffix(out->output, lead, ".dwo"));
	else if (st->split && st->clang && st->debug && out->output_kind == OUTPUT_ASSEMBLY)
		r = set_string(&out->dwo, replace_suffix(path_base(source), true, ".dwo"));
	if (r == 0 && cc1 && (st->coverage || st->test_coverage))
		r = set_string(&out->gcno, replace_suffix(out->output, lead, ".gcno"));
	if (r == 0 && cc1 && st->stack_usage)
		r = set_string(&out->stack_usage, replace_suffix(out->output, lead, ".su"));
	return r;
}

/*
 * Does the output depend on the cwd, and as what? Debug info records it as
 * DW_AT_comp_dir, remapped by -fdebug-prefix-map/-ffile-prefix-map (checked:
 * objects built in two checkouts with -fdebug-prefix-map=$PWD=. are
 * identical). Coverage and profile instrumentation embed absolute paths no
 * map is modelled for, so they take the plain cwd.
 */
static int place_cwd(struct gcc_state *st, const struct lang *lang)
{
	struct compile_args *out = st->out;
	bool asm_only = lang->kind == LANG_ASM || lang->kind == LANG_ASM_CPP;
	bool arcs = st->coverage || st->arcs || (!st->clang && st->profile_generate);
	bool plain = arcs || st->coverage || st->test_coverage || st->as_debug ||
	             st->cwd_recorded ||
	             (st->clang && st->coverage_mapping && !st->coverage_dir_fixed) ||
	             (st->clang && st->record_cmdline) || (st->clang && st->absolute_paths) ||
	             ((st->debug || st->split) && asm_only);
	bool debug = (st->debug || st->split) && !(st->clang && st->debug_dir_fixed);

	out->debug_info = st->debug || st->as_debug;
	/* gcc's records leave out -M options, -Wa and the colour: checked. */
	out->records_command_line = st->clang && st->record_cmdline;
	out->diagnostics_real_paths = st->clang && st->absolute_paths;
	/* cc1 records them; an assembler source's object has no LTO or
	 * offload sections. */
	out->assembler_options_recorded = st->cwd_recorded && !asm_only;
	out->output_path_in_output =
	        arcs || st->test_coverage || out->dwo != NULL || (st->clang && st->record_cmdline);
	out->cwd_in_output = plain || debug;
	if (plain)
		return set_string(&out->output_cwd, strdup(st->cwd));
	if (debug)
		return set_string(&out->output_cwd, mapped_cwd(st));
	return 0;
}

static int build_key(struct gcc_state *st, const unsigned char *uses)
{
	struct compile_args *out = st->out;
	struct strv key = {0};
	int r = 0;

	for (size_t i = 1; r == 0 && i < out->argc; i++) {
		const char *arg = out->argv[i];

		if (uses[i] == KEY_KEEP || out->output_path_in_output)
			r = strv_push(&key, arg);
		else if (uses[i] == KEY_NAMING_WP)
			r = strv_push_n(&key, arg, (size_t)(strrchr(arg, ',') - arg));
	}
	if (r < 0) {
		strv_free(&key);
		return r;
	}
	out->key_args = strv_steal(&key, &out->n_key_args);
	return 0;
}

static int collect_lists(struct gcc_state *st)
{
	struct compile_args *out = st->out;
	struct strv all = {0};
	int r = 0;

	for (int k = 0; k < INCLUDE_KIND_COUNT; k++) {
		out->n_include[k] = st->includes[k].n;
		for (size_t i = 0; r == 0 && i < st->includes[k].n; i++)
			r = strv_push(&all, st->includes[k].v[i]);
	}
	if (r < 0) {
		strv_free(&all);
		return r;
	}
	out->include_search = strv_steal(&all, &out->n_include_search);
	out->extra_inputs = strv_steal(&st->extra_inputs, &out->n_extra_inputs);
	out->forced_includes = strv_steal(&st->forced, &out->n_forced_includes);
	return 0;
}

/* The header languages whose compile makes a PCH that is cached. */
static bool pch_language(const struct lang *l)
{
	static const char *const names[] = {"c-header", "c++-header", "objective-c-header",
	                                    "objective-c++-header"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (str_eq(l->canonical, names[i]))
			return true;
	return false;
}

/*
 * A compile that makes a precompiled header (gcc's .gch, clang's .pch) is
 * cached as one output, at its -o (without it gcc and clang pick names of
 * their own: not modelled). Refused: -emit-pch on a non-header, -S, the
 * side outputs. A clang PCH records its inputs' mtimes (unless -Xclang
 * -fno-pch-timestamp), and clang rejects it when one differs: the key
 * takes them too (pch_mtimes), or a PCH served after a touch would fail
 * every unit compiled on a miss. 1 with out->reason set, 0, or -ENOMEM.
 */
static int pch_compile(struct gcc_state *st, const struct lang *lang, const char *source)
{
	const char *why = NULL;
	int r;

	if (lang->kind != LANG_HEADER)
		why = "-emit-pch";
	else if (st->assemble)
		why = "-S";
	else if (!st->output)
		why = source;
	else if (st->split || st->coverage || st->test_coverage || st->stack_usage ||
	         st->profile_generate || st->arcs || st->coverage_mapping)
		why = source;
	if (why) {
		r = args_set_reason(st->out, UNCACHEABLE_PCH, why);
		return r < 0 ? r : 1;
	}
	st->out->output_kind = OUTPUT_PCH;
	/* || : a PCH made without timestamps may still load one with them */
	st->out->pch_mtimes = st->out->pch_mtimes || (st->clang && !st->pch_no_timestamp);
	return 0;
}

/*
 * Several sources: each may be cached as its own `-c` (multi_source.h) only
 * when the command is exactly the sum of those: every source writes its own
 * output (no -o, -MF or -Wp depfile shared by all, no two sources with one
 * base name) and reads its language the same way alone (one -x for all).
 * Leaves UNCACHEABLE_MULTIPLE_SOURCES with out->source_args set, or names
 * the reason it cannot split. 0, or -ENOMEM.
 */
static int multi_source_verdict(struct gcc_state *st)
{
	struct compile_args *out = st->out;
	const char *ext = st->assemble ? ".s" : ".o";
	char **names = calloc(st->n_inputs, sizeof(*names));
	size_t *at = calloc(st->n_inputs, sizeof(*at));
	const char *clash = NULL;
	int r = 0;

	if (!names || !at) {
		free(names);
		free(at);
		return -ENOMEM;
	}
	for (size_t i = 0; i < st->n_inputs && r == 0 && !clash; i++) {
		const struct input *in = &st->inputs[i];

		names[i] = replace_suffix(path_base(in->path), st->clang, ext);
		if (!names[i])
			r = -ENOMEM;
		for (size_t k = 0; r == 0 && k < i && !clash; k++)
			if (str_eq(names[k], names[i]))
				clash = in->path;
		/* The walk hands inputs over as argv's own strings. */
		for (at[i] = 1; at[i] < out->argc && out->argv[at[i]] != in->path; at[i]++)
			;
	}
	for (size_t i = 0; i < st->n_inputs; i++)
		free(names[i]);
	free(names);
	if (r == 0 && (clash || st->output || st->mf || st->wp_depfile)) {
		free(at);
		if (clash)
			return args_set_reason(out, UNCACHEABLE_MULTI_SOURCE_SAME_OUTPUT, clash);
		return args_set_reason(out, UNCACHEABLE_MULTI_SOURCE_OPTION,
		                       st->output ? "-o"
		                       : st->mf   ? "-MF"
		                                  : st->wp_arg);
	}
	for (size_t i = 0; r == 0 && i < st->n_inputs; i++) {
		const char *x0 = st->inputs[0].x, *x = st->inputs[i].x;
		bool lost = at[i] >= out->argc;

		if (lost || (x0 && x ? !str_eq(x0, x) : x0 != x)) {
			free(at);
			return args_set_reason(out,
			                       lost ? UNCACHEABLE_MULTI_SOURCE_OPTION
			                            : UNCACHEABLE_MULTI_SOURCE_LANGUAGE,
			                       st->inputs[i].path);
		}
	}
	if (r < 0) {
		free(at);
		return r;
	}
	out->source_args = at;
	out->n_source_args = st->n_inputs;
	return args_set_reason(out, UNCACHEABLE_MULTIPLE_SOURCES, st->inputs[1].path);
}

/*
 * After the walk: the reasons in order of what a user most needs to hear
 * (a link is "linking" even with odd flags), then the outputs.
 */
static int gcc_finish(struct gcc_state *st, const unsigned char *uses)
{
	struct compile_args *out = st->out;
	const struct lang *lang = NULL;
	const char *source;
	int r;

	if (st->print_arg)
		return args_set_reason(out, UNCACHEABLE_PRINT_ONLY, st->print_arg);
	if (st->preprocess_arg)
		return args_set_reason(out, UNCACHEABLE_PREPROCESS_ONLY, st->preprocess_arg);
	if (st->syntax_only_arg)
		return args_set_reason(out, UNCACHEABLE_NO_OUTPUT, st->syntax_only_arg);
	if (!st->compile && !st->assemble)
		return args_set_reason(out, UNCACHEABLE_LINKING, NULL);
	if (st->reason != UNCACHEABLE_NONE)
		return args_set_reason(out, st->reason, st->reason_arg);
	if (st->xclang_next != XC_OPTION)
		return args_set_reason(out, UNCACHEABLE_MISSING_ARGUMENT, "-Xclang");
	if (st->wp_depfile && (st->md || st->mmd || st->mf))
		return args_set_reason(out, UNCACHEABLE_UNSUPPORTED_OPTION, st->wp_arg);
	if (st->n_inputs == 0)
		return args_set_reason(out, UNCACHEABLE_NO_SOURCE, NULL);
	for (size_t i = 0; i < st->n_inputs; i++) {
		const struct input *in = &st->inputs[i];
		const struct lang *l;

		if (str_eq(in->path, "-"))
			return args_set_reason(out, UNCACHEABLE_STDIN_SOURCE, in->path);
		/* An empty name is nothing to compile: clang says "no input
		 * files", gcc takes it for a linker input (and with -x, crashes). */
		if (in->path[0] == '\0')
			return args_set_reason(out, UNCACHEABLE_NO_SOURCE, in->path);
		l = in->x ? lang_by_name(in->x)
		          : lang_by_suffix(in->path, st->clang ? OPT_CLANG : OPT_GCC,
		                           out->cxx_driver);
		if (!l)
			return args_set_reason(out, UNCACHEABLE_UNKNOWN_LANGUAGE, in->path);
		if (l->kind == LANG_HEADER && !pch_language(l))
			return args_set_reason(out, UNCACHEABLE_PCH, in->path);
		if (l->kind == LANG_MODULE)
			return args_set_reason(out, UNCACHEABLE_MODULES, in->path);
		lang = l;
	}
	if (st->n_inputs > 1)
		return multi_source_verdict(st);
	source = st->inputs[0].path;

	out->output_kind = st->assemble ? OUTPUT_ASSEMBLY : OUTPUT_OBJECT;
	if (lang->kind == LANG_HEADER || st->emit_pch) {
		if ((r = pch_compile(st, lang, source)) != 0 || out->reason != UNCACHEABLE_NONE)
			return r < 0 ? r : 0;
	}
	if (st->assemble && lang->kind == LANG_ASM)
		return args_set_reason(out, UNCACHEABLE_NO_OUTPUT, source);
	if (st->output && (r = check_output_path(out, st->output)) != 0)
		return r < 0 ? r : 0;

	if ((r = set_string(&out->source, strdup(source))) < 0 ||
	    (r = set_string(&out->language, strdup(lang->canonical))) < 0)
		return r;
	if (st->output)
		r = set_string(&out->output, strdup(st->output));
	else
		r = set_string(&out->output, replace_suffix(path_base(source), st->clang,
		                                            st->assemble ? ".s" : ".o"));
	if (r < 0)
		return r;

	/* each step may still find a reason (stdout depfile, unnamed profile) */
	if ((r = name_depfile(st, lang, source)) < 0 || out->reason != UNCACHEABLE_NONE)
		return r;
	if ((r = name_aux_outputs(st, lang, source)) < 0 || (r = place_cwd(st, lang)) < 0)
		return r;
	if (out->output_kind == OUTPUT_PCH) {
		/* A PCH records the paths it read (clang: absolute) and its own
		 * name: the key keeps the cwd and the output's name. */
		out->cwd_in_output = out->output_path_in_output = true;
		if ((r = set_string(&out->output_cwd, strdup(st->cwd))) < 0)
			return r;
	}
	if ((r = add_profile_inputs(st, out->output)) < 0 || out->reason != UNCACHEABLE_NONE)
		return r;
	if ((r = build_key(st, uses)) < 0)
		return r;
	return collect_lists(st);
}

static void gcc_state_free(struct gcc_state *st)
{
	free(st->inputs);
	strv_free(&st->targets);
	free(st->target_quoted);
	strv_free(&st->prefix_maps);
	strv_free(&st->extra_inputs);
	for (int k = 0; k < INCLUDE_KIND_COUNT; k++)
		strv_free(&st->includes[k]);
	strv_free(&st->forced);
}

int args_gcc_opt_reason(void *ctx, enum uncacheable_reason r, const char *arg)
{
	return opt_reason(ctx, r, arg);
}

/*
 * The walk's rows: the dialect's own first (they win a tie of equal
 * length, as the first row does), then gcc_rows. NULL on ENOMEM.
 */
static struct opt_row *dialect_rows(const struct gcc_dialect *d, size_t *n)
{
	struct opt_row *rows = malloc((d->n_extra + ARRAY_SIZE(gcc_rows)) * sizeof(*rows));

	if (!rows)
		return NULL;
	if (d->n_extra)
		memcpy(rows, d->extra, d->n_extra * sizeof(*rows));
	memcpy(rows + d->n_extra, gcc_rows, sizeof(gcc_rows));
	*n = d->n_extra + ARRAY_SIZE(gcc_rows);
	return rows;
}

int args_gcc_classify_dialect(struct compile_args *out, const char *cwd,
                              const struct gcc_dialect *d)
{
	struct gcc_state st = {
	        .out = out,
	        .cwd = cwd,
	        .clang = d->clang,
	};
	struct opt_walk walk = {
	        .rows = gcc_rows,
	        .n_rows = ARRAY_SIZE(gcc_rows),
	        .families = st.clang ? OPT_CLANG : OPT_GCC,
	        .ctx = &st,
	        .input = gcc_input,
	        .unknown = gcc_unknown,
	        .missing = gcc_missing,
	};
	struct opt_row *rows = NULL;
	unsigned char *uses;
	int r;

	if (d->n_extra && !(rows = dialect_rows(d, &walk.n_rows)))
		return -ENOMEM;
	if (rows)
		walk.rows = rows;
	uses = calloc(out->argc + 1, 1);
	if (!uses) {
		free(rows);
		return -ENOMEM;
	}
	r = args_walk(&walk, out->argv, out->argc, uses);
	if (r == 0)
		r = gcc_finish(&st, uses);
	free(uses);
	free(rows);
	gcc_state_free(&st);
	return r;
}

int args_gcc_classify(struct compile_args *out, const char *cwd)
{
	const struct gcc_dialect d = {.clang = out->family == COMPILER_CLANG};

	return args_gcc_classify_dialect(out, cwd, &d);
}

/* ---- the family rows ---- */

static bool names_gcc(const char *base, bool *cxx)
{
	return driver_family(base, cxx) == COMPILER_GCC;
}

static bool names_clang(const char *base, bool *cxx)
{
	return driver_family(base, cxx) == COMPILER_CLANG;
}

static bool has_arg(const struct compile_args *a, const char *arg)
{
	for (size_t i = 1; i < a->argc; i++)
		if (strcmp(a->argv[i], arg) == 0)
			return true;
	return false;
}

/* gcc's compiler proper for a language; NULL where the driver runs none
 * (plain assembler). */
static const char *gcc_proper(const char *lang)
{
	if (!lang || strcmp(lang, "assembler") == 0)
		return NULL;
	if (strncmp(lang, "objective-c++", 13) == 0)
		return "cc1objplus";
	if (strncmp(lang, "objective-c", 11) == 0)
		return "cc1obj";
	if (strncmp(lang, "c++", 3) == 0)
		return "cc1plus";
	return "cc1";
}

/* gcc runs its compiler proper, then as for an object. */
static size_t programs_gcc(const struct compile_args *a, const char **progs, size_t max)
{
	size_t n = 0;

	if (n < max && gcc_proper(a->language))
		progs[n++] = gcc_proper(a->language);
	if (n < max && a->output_kind == OUTPUT_OBJECT)
		progs[n++] = "as";
	/* -gsplit-dwarf: objcopy moves the DWARF into the .dwo */
	if (n < max && a->output_kind == OUTPUT_OBJECT && a->dwo)
		progs[n++] = "objcopy";
	return n;
}

/* clang compiles in-process; it runs as only when told not to assemble
 * itself. */
static size_t programs_clang(const struct compile_args *a, const char **progs, size_t max)
{
	if (max > 0 && a->output_kind == OUTPUT_OBJECT &&
	    (has_arg(a, "-no-integrated-as") || has_arg(a, "-fno-integrated-as"))) {
		progs[0] = "as";
		return 1;
	}
	return 0;
}

static const char *const gcc_identity_programs[] = {"cc1", "cc1plus", NULL};

static const char *const gcc_env[] = {
        /* where the driver finds cc1 and friends */
        "GCC_EXEC_PREFIX",
        /* colours, links and fix-its in diagnostics */
        "GCC_COLORS",
        "GCC_URLS",
        "TERM_URLS",
        "GCC_EXTRA_DIAGNOSTIC_OUTPUT",
        NULL,
};

static const char *const clang_env[] = {
        /* edits the command line before the driver reads it */
        "CCC_OVERRIDE_OPTIONS",
        NULL,
};

const struct family family_gcc = {
        .name = "gcc",
        .id = COMPILER_GCC,
        .names = names_gcc,
        .classify = args_gcc_classify,
        .version_arg = "-dumpversion",
        .machine_arg = "-dumpmachine",
        .identity_programs = gcc_identity_programs,
        .programs = programs_gcc,
        .helper_files = gcc_specs_files,
        .env_vars = gcc_env,
        .color_env = "GCC_COLORS",
        .color_always_arg = "-fdiagnostics-color=always",
        .epoch_major = 7,
        .depfile_style = DEPFILE_STYLE_GCC,
        .wp_depfile_target_from_output = false,
        .object_renamed = false,
        .private_output = true,
        .assembly_in_place = true,
        .assembler_depfile = true,
};

const struct family family_clang = {
        .name = "clang",
        .id = COMPILER_CLANG,
        .names = names_clang,
        .classify = args_gcc_classify,
        .version_arg = "-dumpversion",
        .machine_arg = "-dumpmachine",
        .identity_programs = NULL,
        .programs = programs_clang,
        .env_vars = clang_env,
        .color_env = NULL,
        .color_by_terminfo = true,
        .color_always_arg = "-fcolor-diagnostics",
        .epoch_major = 16,
        .depfile_style = DEPFILE_STYLE_CLANG,
        .wp_depfile_target_from_output = true,
        .object_renamed = true,
        .private_output = true,
        .dwo_in_place = true,
        .assembler_depfile = false,
};
