#include "passwd.h"

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

int passwd_home_nss(char *out, size_t n)
{
	struct passwd *pw = getpwuid(getuid());
	size_t len;

	if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
		return -ENOENT;
	len = strlen(pw->pw_dir);
	if (len >= n)
		return -ENAMETOOLONG;
	memcpy(out, pw->pw_dir, len + 1);
	return 0;
}
