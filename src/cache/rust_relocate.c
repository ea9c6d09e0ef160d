/*
 * rust_relocate: a rustc compile whose cwd a --remap-path-prefix covers.
 * rustc then writes the cwd and every source under it mapped (file!(),
 * panic locations, debug info, diagnostics), so the crate and the link are
 * the same bytes in any checkout (checked: cargo builds of one workspace at
 * two paths, RUSTFLAGS=--remap-path-prefix=$PWD=/src, differ in dep-info
 * files only). What still names the cwd unmapped is the requesting
 * command's own: its dep-info (targets, files under OUT_DIR) and rustc's
 * JSON artifact notices. Those are stored with a stand-in for the cwd and
 * written back with the hit's. An output that holds the cwd otherwise
 * (env!("CARGO_MANIFEST_DIR") kept as a string, a proc macro that embeds a
 * path it read) is not stored: it would be another checkout's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reasons.h"
#include "rust_relocate.h"

/* What a stored text holds where the compile's cwd was. */
static const char marker[] = "\001zccache-cwd\001";
#define MARKER_LEN (sizeof(marker) - 1)
/* What a key holds for it: never part of a real argument. */
static const char key_stand_in[] = "\001cwd\001";

/* FROM's length without trailing slashes ("/" stays). */
static size_t trimmed_len(const char *from, size_t len)
{
	while (len > 1 && from[len - 1] == '/')
		len--;
	return len;
}

/* Is the first len bytes of from a path prefix of path, component-wise, as
 * rustc's Path::strip_prefix compares them? "." and "//" are not taken as
 * rustc would normalize them: such a map covers nothing here. */
static bool covers(const char *from, size_t len, const char *path)
{
	len = trimmed_len(from, len);
	if (!from || len == 0 || from[0] != '/' || memmem(from, len, "//", 2) ||
	    memmem(from, len, "/./", 3))
		return false;
	if (len == 1)
		return path[0] == '/';
	return strncmp(path, from, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

char *rust_mapped_cwd(const char *cwd, char *const *maps, size_t n, bool *nomem)
{
	*nomem = false;
	/* rustc tries the maps from the last one given. */
	for (size_t i = n; i-- > 0;) {
		const char *eq = strchr(maps[i], '=');
		size_t len;
		char *s;

		if (!eq || !covers(maps[i], (size_t)(eq - maps[i]), cwd))
			continue;
		len = trimmed_len(maps[i], (size_t)(eq - maps[i]));
		/* TO, then what of the cwd is left: a key, not the path
		 * rustc prints, but one for each path it can print. */
		if (asprintf(&s, "%s\001%s", eq + 1, cwd + (len == 1 ? 0 : len)) < 0) {
			*nomem = true;
			return NULL;
		}
		return s;
	}
	return NULL;
}

bool rust_cwd_relocatable(const char *cwd)
{
	for (const unsigned char *p = (const unsigned char *)cwd; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '\\')
			return false;
	return true;
}

/* Does arg start with the cwd, or a path under it (or a FROM=, the cwd)?
 * The length of the cwd's part, or 0. */
static size_t under_cwd(const char *cwd, const char *arg)
{
	size_t len = strlen(cwd);

	if (strcmp(cwd, "/") == 0)
		return 0; /* everything: nothing would be told apart */
	return strncmp(arg, cwd, len) == 0 &&
	                       (arg[len] == '/' || arg[len] == '\0' || arg[len] == '=')
	               ? len
	               : 0;
}

char *rust_relocated_key(const char *cwd, const char *arg)
{
	struct buf b = BUF_INIT;
	const char *p = arg;
	int r = 0;

	while (r == 0) {
		size_t len = under_cwd(cwd, p);
		const char *eq;

		if (len) {
			r = buf_append(&b, key_stand_in, sizeof(key_stand_in) - 1);
			p += len;
		}
		eq = strchr(p, '=');
		if (r == 0)
			r = buf_append(&b, p, eq ? (size_t)(eq - p + 1) : strlen(p) + 1);
		if (!eq)
			break;
		p = eq + 1;
	}
	if (r < 0) {
		buf_free(&b);
		return NULL;
	}
	return (char *)b.data;
}

/* A character that may end a path the text names as a whole: the end of a
 * dep-info line or name, of a JSON string, of a quoted name. */
static bool ends_path(const uint8_t *p, const uint8_t *end)
{
	return p == end || *p == '/' || *p == '\n' || *p == ' ' || *p == '"' || *p == '\'' ||
	       *p == ':';
}

/* ... and one that may start it. */
static bool starts_path(const uint8_t *text, const uint8_t *p)
{
	return p == text || p[-1] == '\n' || p[-1] == ' ' || p[-1] == '"' || p[-1] == '\'' ||
	       p[-1] == '=' || p[-1] == '\t';
}

/* Is the cwd at p on a "# env-dep:NAME=value" line (a variable rustc read
 * for env!(): its value may be in the crate)? */
static bool on_env_dep_line(const uint8_t *text, const uint8_t *p)
{
	static const char tag[] = "# env-dep:";

	while (p > text && p[-1] != '\n')
		p--;
	return strncmp((const char *)p, tag, sizeof(tag) - 1) == 0;
}

/*
 * text (the dep-info, stdout or stderr) with each whole path naming the
 * cwd, or under it, rewritten to the marker; NULL, or why not: a cwd
 * inside another word, on an env-dep line, or a marker already there.
 */
static const char *to_marker(const char *cwd, struct buf *text)
{
	const uint8_t *t = text->data, *end = t + text->len, *p = t;
	size_t clen = strlen(cwd);
	struct buf out = BUF_INIT;
	const char *why = NULL;

	if (text->len == 0)
		return NULL;
	if (memmem(t, text->len, marker, MARKER_LEN))
		return cache_reason_name(CACHE_REASON_RUST_PATH_EMBEDDED);
	while (!why) {
		const uint8_t *at = memmem(p, (size_t)(end - p), cwd, clen);

		if (!at)
			break;
		if (!starts_path(t, at) || !ends_path(at + clen, end) || on_env_dep_line(t, at))
			why = cache_reason_name(CACHE_REASON_RUST_PATH_EMBEDDED);
		else if (buf_append(&out, p, (size_t)(at - p)) < 0 ||
		         buf_append(&out, marker, MARKER_LEN) < 0)
			why = cache_reason_name(CACHE_REASON_ERROR);
		p = at + clen;
	}
	if (!why && out.data && buf_append(&out, p, (size_t)(end - p)) < 0)
		why = cache_reason_name(CACHE_REASON_ERROR);
	if (!why && out.data) {
		buf_free(text);
		*text = out;
	} else {
		buf_free(&out);
	}
	return why;
}

/* Is path the compile's dep-info? Both are the command's names. */
static bool is_depinfo(const struct compile_args *a, const char *path)
{
	return path && a->depfile && strcmp(path, a->depfile) == 0;
}

const char *rust_relocate_store(const struct compile_args *a, const char *cwd, const char *path,
                                struct buf *text)
{
	if (!path || is_depinfo(a, path))
		return to_marker(cwd, text);
	/* The crate, its metadata, the linked file: the cwd must not be in
	 * them at all. A short cwd may be found by chance: not stored. */
	if (text->len && memmem(text->data, text->len, cwd, strlen(cwd)))
		return cache_reason_name(CACHE_REASON_RUST_PATH_EMBEDDED);
	return NULL;
}

int rust_relocate_restore(const struct compile_args *a, const char *cwd, const char *path,
                          struct buf *text)
{
	const uint8_t *p, *end, *at;
	struct buf out = BUF_INIT;
	int r = 0;

	if ((path && !is_depinfo(a, path)) || text->len == 0 ||
	    !memmem(text->data, text->len, marker, MARKER_LEN))
		return 0;
	p = text->data;
	end = p + text->len;
	while (r == 0 && (at = memmem(p, (size_t)(end - p), marker, MARKER_LEN))) {
		r = buf_append(&out, p, (size_t)(at - p));
		if (r == 0)
			r = buf_append(&out, cwd, strlen(cwd));
		p = at + MARKER_LEN;
	}
	if (r == 0)
		r = buf_append(&out, p, (size_t)(end - p));
	if (r < 0) {
		buf_free(&out);
		return r;
	}
	buf_free(text);
	*text = out;
	return 0;
}
