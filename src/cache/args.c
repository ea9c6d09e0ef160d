/*
 * args: the family-independent half of argument classification: @response
 * file expansion, reason names, and the public entry points, which pick the
 * family's row (family.h) and let it classify.
 */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args_family.h"
#include "buf.h"
#include "family.h"
#include "io.h"
#include "log.h"

/*
 * gcc gives up on runaway nesting too; 16 levels is far beyond what build
 * systems generate, and the size cap keeps a stray @/dev/zero-like file
 * from eating the server's memory.
 */
#define RSP_MAX_DEPTH 16
#define RSP_MAX_SIZE  (16u << 20)

#define REASON_NAME_(id, name) name,
static const char *const reason_names[] = {UNCACHEABLE_REASONS(REASON_NAME_)};
#undef REASON_NAME_

const char *uncacheable_reason_name(enum uncacheable_reason r)
{
	if ((unsigned)r >= UNCACHEABLE_REASON_COUNT)
		return "unknown";
	return reason_names[r];
}

/*
 * Read a response file whole. Only regular files: reading a FIFO here
 * (bash's @<(...)) would steal the compiler's input.
 */
static int rsp_read(const char *path, struct buf *b)
{
	int r = read_regular_file(path, RSP_MAX_SIZE, b);

	if (r == 0 && b->len && memchr(b->data, '\0', b->len))
		r = -EINVAL;
	return r;
}

/*
 * Split a response file as gcc's libiberty and clang's GNU tokenizer do
 * (both checked): whitespace separates, '...' and "..." group, a backslash
 * takes the next character literally even inside quotes, no comments. An
 * empty quoted word is an (empty) argument for gcc; clang drops it, so it
 * only ever makes a command uncacheable here.
 */
static int rsp_tokenize(const char *p, size_t len, struct strv *out)
{
	struct buf tok = BUF_INIT;
	bool in_word = false;
	char quote = 0;
	int r = 0;

	for (size_t i = 0; i < len && r == 0; i++) {
		char c = p[i];

		if (c == '\\') {
			if (i + 1 < len)
				r = buf_append(&tok, &p[++i], 1);
			in_word = true;
		} else if (quote) {
			if (c == quote)
				quote = 0;
			else
				r = buf_append(&tok, &c, 1);
		} else if (c == '\'' || c == '"') {
			quote = c;
			in_word = true;
		} else if (isspace((unsigned char)c)) {
			if (in_word) {
				r = strv_push_n(out, tok.data ? (char *)tok.data : "", tok.len);
				tok.len = 0;
				in_word = false;
			}
		} else {
			r = buf_append(&tok, &c, 1);
			in_word = true;
		}
	}
	if (r == 0 && in_word)
		r = strv_push_n(out, tok.data ? (char *)tok.data : "", tok.len);
	buf_free(&tok);
	return r;
}

/*
 * Append arg to out, replacing @file by its words, recursively. Nested
 * names are relative to the cwd, not to the file naming them (gcc 12 and
 * clang 14 agree). A file that cannot be used stays as the literal
 * argument, as the compilers keep it, and *bad records the first one.
 */
static int rsp_expand(const char *arg, const char *cwd, int depth, struct strv *out, char **bad)
{
	struct strv words = {0};
	struct buf text = BUF_INIT;
	char *path;
	int r;

	if (arg[0] != '@' || arg[1] == '\0')
		return strv_push(out, arg);
	if (depth >= RSP_MAX_DEPTH) {
		r = 0;
		goto literal;
	}
	path = args_path_join(cwd, arg + 1);
	if (!path)
		return -ENOMEM;
	r = rsp_read(path, &text);
	free(path);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		r = 0;
		goto literal;
	}
	r = rsp_tokenize(text.data ? (const char *)text.data : "", text.len, &words);
	for (size_t i = 0; r == 0 && i < words.n; i++)
		r = rsp_expand(words.v[i], cwd, depth + 1, out, bad);
	goto out;
literal:
	if (!*bad) {
		*bad = strdup(arg);
		if (!*bad) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = strv_push(out, arg);
out:
	strv_free(&words);
	buf_free(&text);
	return r;
}

/* The row whose name matches arg longest, for this family. */
static const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

enum compiler_family args_family_from_name(const char *argv0_or_resolved_path)
{
	const struct family *f;
	bool cxx;

	if (!argv0_or_resolved_path)
		return COMPILER_UNKNOWN;
	f = family_from_base(path_base(argv0_or_resolved_path), &cxx);
	return f ? f->id : COMPILER_UNKNOWN;
}

int args_classify_as(const char *compiler_path, int argc, const char *const *argv, const char *cwd,
                     struct compile_args *out)
{
	const struct family *fam;
	struct strv args = {0};
	char *bad = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (argc < 1 || !argv || !argv[0] || !cwd || cwd[0] != '/')
		return -EINVAL;

	fam = family_from_base(path_base(compiler_path ? compiler_path : argv[0]),
	                       &out->cxx_driver);
	/* cc, c++ or even gcc may be a link to another family's binary (clang
	 * by Debian's alternatives): the binary decides the family, the name
	 * the driver mode. */
	if (compiler_path) {
		char real[PATH_MAX];
		const struct family *bin;
		bool cxx;

		if (realpath(compiler_path, real) &&
		    (bin = family_from_base(path_base(real), &cxx)))
			fam = bin;
	}
	/* A family that reads its @files itself gets them as written. */
	r = strv_push(&args, argv[0]);
	for (int i = 1; r == 0 && i < argc; i++)
		r = !argv[i]                   ? -EINVAL
		    : fam && fam->own_argfiles ? strv_push(&args, argv[i])
		                               : rsp_expand(argv[i], cwd, 0, &args, &bad);
	out->argv = strv_steal(&args, &out->argc);
	if (r < 0) {
		free(bad);
		return r;
	}
	out->family = fam ? fam->id : COMPILER_UNKNOWN;
	if (bad) {
		log_debug("args: unusable response file %s", bad);
		r = args_set_reason(out, UNCACHEABLE_RESPONSE_FILE, bad);
		free(bad);
		return r;
	}
	if (!fam)
		return args_set_reason(out, UNCACHEABLE_UNSUPPORTED_COMPILER, argv[0]);
	return fam->classify(out, cwd);
}

int args_classify(int argc, const char *const *argv, const char *cwd, struct compile_args *out)
{
	return args_classify_as(NULL, argc, argv, cwd, out);
}

static void free_vec(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void compile_args_free(struct compile_args *a)
{
	if (!a)
		return;
	free(a->reason_arg);
	free_vec(a->argv, a->argc);
	free(a->source);
	free(a->source_args);
	free(a->language);
	free(a->output);
	free(a->depfile);
	free_vec(a->dep_targets, a->n_dep_targets);
	free(a->dep_target_quoted);
	free(a->dwo);
	free(a->gcno);
	free(a->stack_usage);
	free_vec(a->files, a->n_files);
	free(a->output_cwd);
	free_vec(a->key_args, a->n_key_args);
	free_vec(a->extra_inputs, a->n_extra_inputs);
	free_vec(a->include_search, a->n_include_search);
	free_vec(a->forced_includes, a->n_forced_includes);
	memset(a, 0, sizeof(*a));
}
