/* resolve: PATH search for the real compiler, skipping links to ourselves. */
#include "resolve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool self_known;
static struct stat self_st;

bool resolve_is_self(const char *path)
{
	struct stat st;

	if (!self_known) {
		if (stat("/proc/self/exe", &self_st) < 0)
			return false;
		self_known = true;
	}
	/* stat() follows symlinks, so any link to us has our inode. */
	return stat(path, &st) == 0 && st.st_dev == self_st.st_dev && st.st_ino == self_st.st_ino;
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int resolve_compiler(const char *name, char *out, size_t n)
{
	const char *path = getenv("PATH"), *p, *colon, *base;
	size_t dirlen;

	if (strchr(name, '/')) {
		if (!resolve_is_self(name)) {
			if (!is_executable_file(name))
				return -ENOENT;
			if ((size_t)snprintf(out, n, "%s", name) >= n)
				return -ENAMETOOLONG;
			return 0;
		}
		/* A path to one of our own links: look for the real one by name. */
		base = strrchr(name, '/') + 1;
		if (!*base)
			return -ENOENT;
		name = base;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		dirlen = colon ? (size_t)(colon - p) : strlen(p);
		/* An empty PATH entry means the current folder. */
		if ((size_t)snprintf(out, n, "%.*s/%s", (int)(dirlen ? dirlen : 1),
		                     dirlen ? p : ".", name) < n &&
		    is_executable_file(out) && !resolve_is_self(out))
			return 0;
		if (!colon)
			break;
	}
	return -ENOENT;
}
