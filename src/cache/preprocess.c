/* preprocess: the preprocessor-mode fallback's rules and keys (see .h). */
#include "preprocess.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cscan.h"
#include "reasons.h"
#include "strv.h"

bool preprocess_routes(const char *reason)
{
	/* Doubts about the search or the names looked up that last as long
	 * as the files do, all answered by the text the preprocessor produced
	 * (and the line markers in it). Not ambiguous_include: a header that
	 * appeared during one compile is no doubt for the next, which the
	 * direct mode caches. */
	static const enum cache_reason routed[] = {
	        CACHE_REASON_COMPUTED_PROBE,
	        CACHE_REASON_PRAGMA_ONCE_COPY,
	        CACHE_REASON_ASSEMBLER_PASTE,
	        /* Only where neither the -E nor the compile prints: a
	         * dependency pragma only warns (cache_store.c). */
	        CACHE_REASON_PRAGMA_DEPENDENCY,
	};

	for (size_t i = 0; reason && i < sizeof(routed) / sizeof(routed[0]); i++)
		if (strcmp(reason, cache_reason_name(routed[i])) == 0)
			return true;
	return false;
}

bool preprocess_asm_paste(const struct compile_args *a, bool assembler_reports,
                          const struct file_digest *fd)
{
	return !assembler_reports && a->language &&
	       strcmp(a->language, "assembler-with-cpp") == 0 && (fd->paste_flags & CSCAN_PASTE);
}

bool preprocess_may_route(const struct compile_args *a)
{
	/* A PCH's bytes are more than its text: the direct mode models them. */
	return a->output_kind == OUTPUT_OBJECT || a->output_kind == OUTPUT_ASSEMBLY;
}

bool preprocess_loads_pch(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && (strcmp(path + n - 4, ".gch") == 0 || strcmp(path + n - 4, ".pch") == 0);
}

const char *preprocess_source_route(const struct compile_args *a, bool assembler_reports,
                                    const struct file_digest *src)
{
	if (!preprocess_may_route(a))
		return NULL;
	if (src->include_flags & CSCAN_COMPUTED_PROBE)
		return cache_reason_name(CACHE_REASON_COMPUTED_PROBE);
	if (preprocess_asm_paste(a, assembler_reports, src))
		return cache_reason_name(CACHE_REASON_ASSEMBLER_PASTE);
	return NULL;
}

/* Options that name an output or ask for a depfile: the -E leaves them out.
 * value: the next argument is theirs too. */
static const struct {
	const char *name;
	bool value;
} dropped[] = {
        {"-c", false}, {"-S", false}, {"-o", true},  {"-MD", false}, {"-MMD", false},
        {"-MF", true}, {"-MT", true}, {"-MQ", true}, {"-MP", false},
};

/* The joined forms (-ofile, -MFfile, -MTx, -MQx). */
static bool dropped_joined(const char *arg)
{
	return strncmp(arg, "-o", 2) == 0 || strncmp(arg, "-MF", 3) == 0 ||
	       strncmp(arg, "-MT", 3) == 0 || strncmp(arg, "-MQ", 3) == 0;
}

static bool preprocessor_output_option(const char *arg)
{
	static const char *const exact[] = {"-P", "-fdirectives-only", "-fpreprocessed",
	                                    "-Xpreprocessor"};

	for (size_t k = 0; k < sizeof(exact) / sizeof(exact[0]); k++)
		if (strcmp(arg, exact[k]) == 0)
			return true;
	/* -dD, -dM, -dN, -dI, -dU: dumps; -Wp,: the preprocessor's own options */
	return (arg[0] == '-' && arg[1] == 'd' && strchr("DMNIU", arg[2]) && arg[2] && !arg[3]) ||
	       strncmp(arg, "-Wp,", 4) == 0;
}

/* Is argument i of a (and those it takes) left out of the -E? 1 yes, with
 * *skip the values it takes; 0 no; -EINVAL when it cannot be split. */
static int left_out(const struct compile_args *a, size_t i, size_t *skip)
{
	const char *arg = a->argv[i];

	*skip = 0;
	for (size_t k = 0; k < sizeof(dropped) / sizeof(dropped[0]); k++) {
		if (strcmp(arg, dropped[k].name) == 0) {
			*skip = dropped[k].value;
			return 1;
		}
	}
	if (dropped_joined(arg))
		return 1;
	/* -Wp,-MD,f and -Wp,-MMD,f alone; mixed with other options the -E
	 * needs, the command is not split. */
	if (strncmp(arg, "-Wp,-MD,", 8) == 0 || strncmp(arg, "-Wp,-MMD,", 9) == 0)
		return strchr(strchr(arg + 5, ',') + 1, ',') ? -EINVAL : 1;
	/* What the -E would print otherwise than the compile reads: without
	 * line markers (-P: which copy of a header, no longer shown), only
	 * directives run (-fdirectives-only: no _Pragma, no macro expansion),
	 * an already preprocessed input, dumps in place of text, and anything
	 * handed to the preprocessor itself (-Wp, -Xpreprocessor). */
	if (preprocessor_output_option(arg))
		return -EINVAL;
	return 0;
}

int preprocess_argv(const struct compile_args *a, const char *output, char ***out)
{
	struct strv v = {0};
	size_t n;
	int r = strv_push(&v, a->argv[0]);

	for (size_t i = 1; r == 0 && i < a->argc; i++) {
		size_t skip;

		r = left_out(a, i, &skip);
		if (r == 0)
			r = strv_push(&v, a->argv[i]);
		else if (r > 0)
			r = 0;
		i += skip;
	}
	if (r == 0)
		r = strv_push(&v, "-E");
	if (r == 0)
		r = strv_push(&v, "-o");
	if (r == 0)
		r = strv_push(&v, output);
	if (r < 0) {
		strv_free(&v);
		return r;
	}
	*out = strv_steal(&v, &n);
	return 0;
}

char *preprocess_lexical(const char *path)
{
	char *out = malloc(strlen(path) + 1), *o = out;
	const char *p = path;

	if (!out)
		return NULL;
	while (*p) {
		if (p[0] == '.' && p[1] == '/' && (p == path || p[-1] == '/')) {
			p += 2;
			continue;
		}
		if (*p == '/' && o > out && o[-1] == '/') {
			p++;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *preprocess_unread(char *const *entered, size_t n_entered, char *const *prereqs,
                              size_t n_prereqs)
{
	char **known = calloc(n_prereqs + 1, sizeof(char *));
	const char *missing = NULL;
	size_t n = 0;

	if (!known)
		return n_entered ? entered[0] : NULL;
	for (; n < n_prereqs; n++)
		if (!(known[n] = preprocess_lexical(prereqs[n])))
			break;
	qsort(known, n, sizeof(char *), cmp_str);
	for (size_t i = 0; !missing && i < n_entered; i++) {
		size_t len = strlen(entered[i]);
		char *name;

		if (entered[i][0] == '<' && len > 1 && entered[i][len - 1] == '>')
			continue;
		name = preprocess_lexical(entered[i]);
		if (n < n_prereqs || !name || !bsearch(&name, known, n, sizeof(char *), cmp_str))
			missing = entered[i];
		free(name);
	}
	for (size_t i = 0; i < n; i++)
		free(known[i]);
	free(known);
	return missing;
}

/* H(tag, the digests): a tag per key kind, so that no route key is ever a
 * result key. */
static void tagged_key(const char *tag, const struct digest *const *parts, size_t n,
                       struct digest *out)
{
	unsigned char b[64 + 3 * sizeof(struct digest)];
	size_t len = strlen(tag) + 1;

	memcpy(b, tag, len);
	for (size_t i = 0; i < n; i++, len += sizeof(struct digest))
		memcpy(b + len, parts[i]->bytes, sizeof(struct digest));
	digest_mem(b, len, out);
}

void preprocess_route_key(const struct digest *direct, struct digest *out)
{
	const struct digest *parts[] = {direct};

	tagged_key("zccache preprocessor route 1", parts, 1, out);
}

void preprocess_printed_key(const struct digest *direct, struct digest *out)
{
	const struct digest *parts[] = {direct};

	tagged_key("zccache preprocessor printed 1", parts, 1, out);
}

void preprocess_result_key(const struct digest *direct, const struct digest *text,
                           const struct digest *err, struct digest *out)
{
	const struct digest *parts[] = {direct, text, err};

	tagged_key("zccache preprocessor result 1", parts, 3, out);
}
