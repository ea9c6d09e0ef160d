/* terminfo: a terminal type's colour count from its compiled entry. */
#include "terminfo.h"
#include "le.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The compiled formats (term(5)): 16-bit numbers, and 32-bit ones. */
#define MAGIC_16 0432
#define MAGIC_32 01036
/* max_colors: the 14th numeric capability of every compiled entry. */
#define MAX_COLORS_INDEX 13
/* Enough for the header, names, booleans and numbers of any real entry. */
#define ENTRY_HEAD 8192

/* Where ncurses looks when nothing says otherwise (Debian's build). */
static const char *const system_dirs[] = {"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"};

/* max_colors from the bytes of an entry, or -1. */
static int parse_colors(const unsigned char *p, size_t n)
{
	unsigned magic, names, bools, nums;
	size_t at, width;

	if (n < 12)
		return -ENOENT;
	magic = le_get16(p);
	names = le_get16(p + 2);
	bools = le_get16(p + 4);
	nums = le_get16(p + 6);
	if (magic != MAGIC_16 && magic != MAGIC_32)
		return -ENOENT;
	width = magic == MAGIC_32 ? 4 : 2;
	at = 12 + (size_t)names + bools;
	at += at % 2; /* the numbers start on an even byte */
	if (nums <= MAX_COLORS_INDEX || at + (MAX_COLORS_INDEX + 1) * width > n)
		return -1;
	at += MAX_COLORS_INDEX * width;
	if (width == 4) {
		int32_t v = (int32_t)(uint32_t)le_get(p + at, 4);

		return v > 0 ? (int)v : -1;
	}
	return (int16_t)le_get16(p + at) > 0 ? (int16_t)le_get16(p + at) : -1;
}

/* max_colors of dir/<first letter>/term, or -ENOENT when there is none. A
 * relative dir is the compiler's: under the compile's cwd. */
static int colors_in(const char *cwd, const char *dir, size_t dir_len, const char *term)
{
	unsigned char buf[ENTRY_HEAD];
	char path[PATH_MAX];
	bool rel = dir[0] != '/';
	ssize_t n;
	int fd;

	if (dir_len == 0 || (rel && !cwd) ||
	    (size_t)snprintf(path, sizeof(path), "%s%s%.*s/%c/%s", rel ? cwd : "", rel ? "/" : "",
	                     (int)dir_len, dir, term[0], term) >= sizeof(path))
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -ENOENT;
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	close(fd);
	/* An entry ncurses cannot read is skipped: it looks further. */
	return n < 12 ? -ENOENT : parse_colors(buf, (size_t)n);
}

/* The folders ncurses searches when TERMINFO_DIRS is not set (Debian's
 * build); an empty element of TERMINFO_DIRS is the last of them only. */
static int colors_in_system(const char *term)
{
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++) {
		int r = colors_in(NULL, system_dirs[i], strlen(system_dirs[i]), term);

		if (r != -ENOENT)
			return r;
	}
	return -ENOENT;
}

int terminfo_colors(const struct terminfo_env *env)
{
	static const char default_dir[] = "/usr/share/terminfo";
	const char *term = env->term;
	char home[PATH_MAX];
	int r;

	/* A name with a slash would leave the database; ncurses refuses one
	 * with a colon too. */
	if (!term || !*term || strchr(term, '/') || strchr(term, ':') || strcmp(term, ".") == 0 ||
	    strcmp(term, "..") == 0)
		return -1;
	/* ncurses' order: $TERMINFO, ~/.terminfo, then $TERMINFO_DIRS (an
	 * empty element: its default folder) or, unset, its compiled list. */
	if (env->terminfo &&
	    (r = colors_in(env->cwd, env->terminfo, strlen(env->terminfo), term)) != -ENOENT)
		return r;
	if (env->home &&
	    (size_t)snprintf(home, sizeof(home), "%s/.terminfo", env->home) < sizeof(home) &&
	    (r = colors_in(env->cwd, home, strlen(home), term)) != -ENOENT)
		return r;
	if (!env->terminfo_dirs) {
		r = colors_in_system(term);
		return r == -ENOENT ? -1 : r;
	}
	for (const char *p = env->terminfo_dirs;;) {
		size_t len = strcspn(p, ":");

		r = len ? colors_in(env->cwd, p, len, term)
		        : colors_in(NULL, default_dir, strlen(default_dir), term);
		if (r != -ENOENT)
			return r;
		if (!p[len])
			return -1;
		p += len + 1;
	}
}
