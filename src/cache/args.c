/*
 * args: the family-independent half of argument classification: @response
 * file expansion, the walk that matches each argument against a family's
 * option rows, reason names, and the public entry points.
 */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args_family.h"
#include "buf.h"
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

int strv_push_owned(struct strv *s, char *str)
{
	char **v;
	size_t cap;

	if (!str)
		return -ENOMEM;
	if (s->n + 2 > s->cap) {
		cap = s->cap ? s->cap * 2 : 16;
		v = realloc(s->v, cap * sizeof(*v));
		if (!v) {
			free(str);
			return -ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

int strv_push(struct strv *s, const char *str)
{
	return strv_push_owned(s, strdup(str));
}

int strv_push_n(struct strv *s, const char *str, size_t len)
{
	return strv_push_owned(s, strndup(str, len));
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

char **strv_steal(struct strv *s, size_t *n)
{
	char **v = s->v;

	*n = s->n;
	s->v = NULL;
	s->n = s->cap = 0;
	return v;
}

char *args_path_join(const char *cwd, const char *path)
{
	char *p;

	if (path[0] == '/' || !cwd)
		return strdup(path);
	if (asprintf(&p, "%s/%s", cwd, path) < 0)
		return NULL;
	return p;
}

int args_set_reason(struct compile_args *out, enum uncacheable_reason r, const char *arg)
{
	char *copy = NULL;

	if (arg) {
		copy = strdup(arg);
		if (!copy)
			return -ENOMEM;
	}
	free(out->reason_arg);
	out->reason = r;
	out->reason_arg = copy;
	return 0;
}

/*
 * Read a response file whole. Only regular files: reading a FIFO here
 * (bash's @<(...)) would steal the compiler's input.
 */
static int rsp_read(const char *path, struct buf *b)
{
	struct stat st;
	ssize_t n;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	for (;;) {
		if (b->len >= RSP_MAX_SIZE) {
			r = -EFBIG;
			goto out;
		}
		r = buf_reserve(b, 65536);
		if (r < 0)
			goto out;
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	if (memchr(b->data, '\0', b->len))
		r = -EINVAL;
out:
	close(fd);
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
static const struct opt_row *walk_match(const struct opt_walk *w, const char *arg)
{
	const struct opt_row *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < w->n_rows; i++) {
		const struct opt_row *row = &w->rows[i];
		size_t len;
		bool hit;

		/* cheap rejections first: most rows differ in their first letters */
		if (!(row->families & w->families) || row->name[1] != arg[1] ||
		    (row->name[2] != '\0' && row->name[2] != arg[2]))
			continue;
		len = strlen(row->name);
		if (len <= best_len)
			continue;
		if (row->shape == OPT_FLAG || row->shape == OPT_SEPARATE)
			hit = strcmp(arg, row->name) == 0;
		else
			hit = strncmp(arg, row->name, len) == 0;
		if (hit) {
			best = row;
			best_len = len;
		}
	}
	return best;
}

int args_walk(const struct opt_walk *w, char *const *argv, size_t argc, unsigned char *uses)
{
	for (size_t i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL;
		const struct opt_row *row;
		bool next = false;
		int r;

		if (arg[0] != '-' || arg[1] == '\0') {
			r = w->input(w->ctx, arg);
		} else if (!(row = walk_match(w, arg))) {
			r = w->unknown(w->ctx, arg);
		} else {
			size_t len = strlen(row->name);

			if (row->shape == OPT_JOINED)
				value = arg + len;
			else if (row->shape == OPT_SEPARATE ||
			         (row->shape == OPT_JOINED_OR_SEPARATE && arg[len] == '\0'))
				next = true;
			else if (row->shape == OPT_JOINED_OR_SEPARATE)
				value = arg + len;
			if (next && i + 1 >= argc) {
				r = w->missing(w->ctx, arg);
				next = false;
			} else {
				if (next)
					value = argv[i + 1];
				r = row->handle(w->ctx, row, arg, value);
			}
		}
		if (r < 0)
			return r;
		uses[i] = (unsigned char)r;
		if (next)
			uses[++i] = (unsigned char)r;
	}
	return 0;
}

static const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

enum compiler_family args_family_from_name(const char *argv0_or_resolved_path)
{
	bool cxx;

	if (!argv0_or_resolved_path)
		return COMPILER_UNKNOWN;
	return args_gcc_family_from_base(path_base(argv0_or_resolved_path), &cxx);
}

int args_classify_as(const char *compiler_path, int argc, const char *const *argv, const char *cwd,
                     struct compile_args *out)
{
	struct strv args = {0};
	char *bad = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (argc < 1 || !argv || !argv[0] || !cwd || cwd[0] != '/')
		return -EINVAL;
	r = strv_push(&args, argv[0]);
	for (int i = 1; r == 0 && i < argc; i++)
		r = argv[i] ? rsp_expand(argv[i], cwd, 0, &args, &bad) : -EINVAL;
	out->argv = strv_steal(&args, &out->argc);
	if (r < 0) {
		free(bad);
		return r;
	}

	out->family = args_gcc_family_from_base(path_base(compiler_path ? compiler_path : argv[0]),
	                                        &out->cxx_driver);
	/* cc, c++ or even gcc may be a link to clang (Debian's alternatives):
	 * the binary decides the family, the name the driver mode. */
	if (compiler_path) {
		char real[PATH_MAX];
		bool cxx;

		if (realpath(compiler_path, real) &&
		    args_gcc_family_from_base(path_base(real), &cxx) == COMPILER_CLANG)
			out->family = COMPILER_CLANG;
	}
	if (bad) {
		log_debug("args: unusable response file %s", bad);
		r = args_set_reason(out, UNCACHEABLE_RESPONSE_FILE, bad);
		free(bad);
		return r;
	}
	if (out->family == COMPILER_UNKNOWN)
		return args_set_reason(out, UNCACHEABLE_UNSUPPORTED_COMPILER, argv[0]);
	return args_gcc_classify(out, cwd);
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
	free(a->language);
	free(a->output);
	free(a->depfile);
	free_vec(a->dep_targets, a->n_dep_targets);
	free(a->dep_target_quoted);
	free(a->dwo);
	free(a->gcno);
	free(a->stack_usage);
	free(a->output_cwd);
	free_vec(a->key_args, a->n_key_args);
	free_vec(a->extra_inputs, a->n_extra_inputs);
	free_vec(a->include_search, a->n_include_search);
	free_vec(a->forced_includes, a->n_forced_includes);
	memset(a, 0, sizeof(*a));
}
