/*
 * cscan: does C or C++ source text use __DATE__, __TIME__ or __TIMESTAMP__
 * in code, as opposed to naming them in a comment or a string literal? And
 * does it use the assembler's .incbin or .include outside comments?
 *
 * A file that uses them cannot be cached (its object changes with the
 * clock), and hashcache finds them with a plain substring search. That
 * search also fires on a comment that documents them, which made every file
 * including such a header uncacheable. This second look, run only when the
 * substring search fired, skips comments and literals.
 *
 * It errs one way only: anything it does not fully understand (raw string
 * literals, digit separators, prefixed character literals, trigraphs, a
 * line splice where it could join or end a comment) counts as a use. Uses it
 * cannot see at all (a name built by ## pasting) are not seen by the
 * substring search either.
 */
#ifndef ZCCACHE_CSCAN_H
#define ZCCACHE_CSCAN_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

bool cscan_time_macros_in_code(const char *p, size_t n);

/*
 * The text as the preprocessor reads it after translation phases 1 and 2:
 * trigraphs replaced, line splices (backslash, blanks, newline) removed.
 * A time macro or directive split by a splice is whole again. Appends to
 * out (NUL-terminated). 0 or -ENOMEM.
 */
int cscan_normalize(const char *p, size_t n, struct buf *out);

/*
 * Token pasting can build __TIME__ out of pieces no search sees whole:
 * CSCAN_PASTE when the text pastes (## or %:%:), CSCAN_TIME_PIECE when an
 * identifier outside comments is a piece of a time macro's name (a prefix,
 * a suffix or a part with an underscore, three characters or more: "__"
 * alone is in every glibc closure). A compile whose files have both may use
 * the clock. Pieces without an underscore ("TIME") are not caught.
 */
enum cscan_paste_flags {
	CSCAN_PASTE = 1u << 0,
	CSCAN_TIME_PIECE = 1u << 1,
};
unsigned cscan_paste_flags(const char *p, size_t n);

/* __TIMESTAMP__ alone: it is the including file's mtime, which
 * SOURCE_DATE_EPOCH does not pin. */
bool cscan_timestamp_in_code(const char *p, size_t n);

/*
 * The assembler directives .incbin and .include outside comments. In C they
 * live in asm() string literals, so literals count here; only comments
 * (which name them in documentation) are skipped. Same rule for what the
 * scanner does not follow: it counts.
 */
bool cscan_asm_includes_outside_comments(const char *p, size_t n);

/*
 * The same question for a compiler whose assembler cannot say what it read
 * (clang's integrated one): a directive may be spelled across adjacent
 * literals (".inc" "bin") or built by a macro. Answers yes for ".inc"
 * anywhere outside comments, and, in a file with an asm statement, for a
 * literal that ends with the start of either directive (".in", ".").
 */
bool cscan_asm_includes_maybe(const char *p, size_t n);

/*
 * The files a C text may ask the preprocessor for: every #include,
 * #include_next and #import, and every __has_include(_next) operand, in
 * every branch of every conditional (a superset of what one compile reads,
 * which is what the shadow check needs: a spelling that was looked up and
 * not found must stay unfound). Each is appended to out as one form byte
 * and the name, NUL-terminated. What cannot be read as a literal name (an
 * #include of a macro, a raw string that hides where comments are) sets
 * CSCAN_COMPUTED: the caller must then assume any name.
 */
#define CSCAN_QUOTE      'q' /* #include "x" */
#define CSCAN_ANGLE      'a' /* #include <x> */
#define CSCAN_NEXT_QUOTE 'Q' /* #include_next "x" */
#define CSCAN_NEXT_ANGLE 'A' /* #include_next <x> */

enum cscan_include_flags {
	CSCAN_COMPUTED = 1u << 0,
	/* #pragma GCC dependency: the diagnostics depend on another file's
	 * mtime, which no key can follow. */
	CSCAN_PRAGMA_DEPENDENCY = 1u << 1,
	/* #pragma GCC/clang system_header: the rest of the file is a system
	 * header (for -MMD). */
	CSCAN_SYSTEM_HEADER = 1u << 2,
	/* _Pragma anywhere, and the word "dependency" anywhere in code: a
	 * compile whose files have both may build #pragma GCC dependency out
	 * of a macro (DEP(GCC dependency "x") with DEP(x) _Pragma(#x)). */
	CSCAN_PRAGMA_OPERATOR = 1u << 3,
	CSCAN_DEPENDENCY_WORD = 1u << 4,
	/* #pragma once or #import: whether a second include of this file is
	 * read depends on file identity (inode for clang, mtime and content
	 * for gcc), not only on content. */
	CSCAN_PRAGMA_ONCE = 1u << 5,
	/* #line N "file" or a line marker (# N "file"): gcc reads that file to
	 * quote its lines in diagnostics, and no depfile names it. */
	CSCAN_LINE_FILE = 1u << 6,
	/* #pragma GCC pch_preprocess "x.gch" (-fpch-preprocess output): the
	 * compile reads a precompiled header no depfile names. */
	CSCAN_PCH_PREPROCESS = 1u << 7,
	/* __has_include(MACRO): a name the compiler may probe, and find
	 * missing, that no text spells. */
	CSCAN_COMPUTED_PROBE = 1u << 8,
};

/* Returns the flags, or -ENOMEM. */
int cscan_includes(const char *p, size_t n, struct buf *out);

#endif
