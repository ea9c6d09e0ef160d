/* placement: move a miss's privately written object into place (see .h). */
#include "placement.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

int placement_prepare(struct placement *pl)
{
	struct stat st;

	pl->linked = false;
	if (mkdir(pl->dir, 0700) < 0)
		return -errno;
	if (lstat(pl->final, &st) == 0 && S_ISREG(st.st_mode)) {
		if (link(pl->final, pl->object) < 0) {
			int e = errno;

			rmdir(pl->dir);
			return -e;
		}
		pl->linked = true;
		pl->dev = st.st_dev;
		pl->ino = st.st_ino;
	}
	return 0;
}

/* Empty the folder (a compiler killed midway may leave its temporaries) and
 * remove it. */
static void remove_dir(const char *dir)
{
	DIR *d;
	struct dirent *de;

	if (rmdir(dir) == 0 || errno == ENOENT)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[4096];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
	if (rmdir(dir) < 0)
		log_warn("cannot remove %s", dir);
}

int placement_finish(struct placement *pl, int wait_status)
{
	bool ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
	struct stat st;
	int r = 0;

	if (lstat(pl->object, &st) < 0) {
		/* Gone: the compiler deleted its output (or never made one). */
		if (pl->linked && WIFEXITED(wait_status))
			unlink(pl->final);
	} else if (pl->linked && st.st_dev == pl->dev && st.st_ino == pl->ino) {
		/* Untouched: the output stays as it was. */
		unlink(pl->object);
	} else if (!WIFEXITED(wait_status)) {
		unlink(pl->object); /* killed: a partial object goes nowhere */
	} else if (rename(pl->object, pl->final) < 0) {
		r = -errno;
		if (ok)
			fprintf(stderr, "zccache: cannot put the object in place as %s: %s\n",
			        pl->final, strerror(-r));
		unlink(pl->object);
	}
	remove_dir(pl->dir);
	return ok ? r : 0;
}

void placement_abandon(struct placement *pl)
{
	unlink(pl->object);
	remove_dir(pl->dir);
}
