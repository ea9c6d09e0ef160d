/* Paths: XDG rules (relative values ignored), overrides, and the private-folder check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "paths.h"

static const char *const vars[] = {"ZCCACHE_SOCKET",  "ZCCACHE_DIR",    "ZCCACHE_CONFIG",
                                   "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"};

static int clear_env(void **state)
{
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	setenv("HOME", "/home/tester", 1);
	return 0;
}

static void test_all_unset(void **state)
{
	struct zc_paths p;
	char sock[64];

	assert_int_equal(paths_resolve(&p), 0);
	snprintf(sock, sizeof(sock), "/tmp/zccache-%u/zccache.sock", (unsigned)getuid());
	assert_string_equal(p.socket, sock);
	assert_string_equal(p.cache_dir, "/home/tester/.cache/zccache");
	assert_string_equal(p.config_file, "/home/tester/.config/zccache/zccache.conf");
	assert_string_equal(p.log_file, "/home/tester/.cache/zccache/log");
	assert_string_equal(p.spawn_lock, strcat(sock, ".spawn-lock"));
}

static void test_xdg_set(void **state)
{
	struct zc_paths p;

	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	setenv("XDG_CACHE_HOME", "/var/cache/me", 1);
	setenv("XDG_CONFIG_HOME", "/etc/me", 1);
	assert_int_equal(paths_resolve(&p), 0);
	assert_string_equal(p.socket, "/run/user/1000/zccache/zccache.sock");
	assert_string_equal(p.runtime_dir, "/run/user/1000/zccache");
	assert_string_equal(p.cache_dir, "/var/cache/me/zccache");
	assert_string_equal(p.config_file, "/etc/me/zccache/zccache.conf");
	assert_string_equal(p.pid_file, "/run/user/1000/zccache/zccache.sock.pid");
}

/* The XDG spec: a relative value is invalid and ignored. */
static void test_xdg_relative_ignored(void **state)
{
	struct zc_paths p;
	char sock[64];

	setenv("XDG_RUNTIME_DIR", "run/user", 1);
	setenv("XDG_CACHE_HOME", ".cache", 1);
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_int_equal(paths_resolve(&p), 0);
	snprintf(sock, sizeof(sock), "/tmp/zccache-%u/zccache.sock", (unsigned)getuid());
	assert_string_equal(p.socket, sock);
	assert_string_equal(p.cache_dir, "/home/tester/.cache/zccache");
	assert_string_equal(p.config_file, "/home/tester/.config/zccache/zccache.conf");
}

static void test_overrides_win(void **state)
{
	struct zc_paths p;

	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	setenv("XDG_CACHE_HOME", "/var/cache/me", 1);
	setenv("ZCCACHE_SOCKET", "/srv/zc/s.sock", 1);
	setenv("ZCCACHE_DIR", "/srv/zc/cache", 1);
	setenv("ZCCACHE_CONFIG", "/srv/zc/my.conf", 1);
	assert_int_equal(paths_resolve(&p), 0);
	assert_string_equal(p.socket, "/srv/zc/s.sock");
	assert_string_equal(p.runtime_dir, "/srv/zc");
	assert_string_equal(p.cache_dir, "/srv/zc/cache");
	assert_string_equal(p.config_file, "/srv/zc/my.conf");
	assert_string_equal(p.log_file, "/srv/zc/cache/log");
}

/* Our own overrides must be absolute: silently using a cwd-relative cache would scatter caches. */
static void test_relative_overrides_refused(void **state)
{
	struct zc_paths p;

	setenv("ZCCACHE_SOCKET", "zc.sock", 1);
	assert_int_equal(paths_resolve(&p), -EINVAL);
	unsetenv("ZCCACHE_SOCKET");
	setenv("ZCCACHE_DIR", "cache", 1);
	assert_int_equal(paths_resolve(&p), -EINVAL);
}

static void test_socket_path_too_long(void **state)
{
	char longdir[200];
	struct zc_paths p;

	memset(longdir, 'a', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	setenv("XDG_RUNTIME_DIR", longdir, 1);
	assert_int_equal(paths_resolve(&p), -ENAMETOOLONG);
}

static void test_no_home_uses_passwd(void **state)
{
	struct zc_paths p;

	unsetenv("HOME");
	assert_int_equal(paths_resolve(&p), 0);
	assert_true(p.cache_dir[0] == '/');
	setenv("HOME", "relative/home", 1);
	assert_int_equal(paths_resolve(&p), 0);
	assert_true(p.cache_dir[0] == '/');
}

static void test_join(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(paths_join(out, sizeof(out), "/a/b", "c.h"), 0);
	assert_string_equal(out, "/a/b/c.h");
	assert_int_equal(paths_join(out, sizeof(out), "/", "c.h"), 0);
	assert_string_equal(out, "/c.h");
	assert_int_equal(paths_join(out, sizeof(out), "", "c.h"), 0);
	assert_string_equal(out, "/c.h");
	assert_int_equal(paths_join(out, sizeof(out), "/a", "/abs"), 0);
	assert_string_equal(out, "/abs");
	assert_int_equal(paths_join(out, sizeof(out), NULL, "rel"), 0);
	assert_string_equal(out, "rel");
	/* 15 bytes and the NUL fit; one more does not. */
	assert_int_equal(paths_join(out, sizeof(out), "/abcdefg", "hijklm"), 0);
	assert_string_equal(out, "/abcdefg/hijklm");
	assert_int_equal(paths_join(out, sizeof(out), "/abcdefg", "hijklmn"), -ENAMETOOLONG);
}

/* The socket folder: others may look (0755), never write (0775, 0777);
 * and the line that says so names the mode and the fix. */
static void test_socket_dir(void **state)
{
	char base[] = "/tmp/zcpaths.XXXXXX", why[512], want[512];

	assert_non_null(mkdtemp(base));
	assert_int_equal(paths_ensure_socket_dir(base, false), 0);
	chmod(base, 0755);
	assert_int_equal(paths_ensure_socket_dir(base, false), 0);
	chmod(base, 0775);
	assert_int_equal(paths_ensure_socket_dir(base, false), -EPERM);
	chmod(base, 0777);
	assert_int_equal(paths_ensure_socket_dir(base, false), -EPERM);
	paths_dir_problem(base, "socket folder", -EPERM, true, why, sizeof(why));
	snprintf(want, sizeof(want),
	         "socket folder %s is mode 0777; it must not be writable by group or others "
	         "(chmod go-w %s)",
	         base, base);
	assert_string_equal(why, want);
	chmod(base, 0755);
	assert_int_equal(paths_ensure_private_dir(base, false), -EPERM);
	paths_dir_problem(base, "cache folder", -EPERM, false, why, sizeof(why));
	snprintf(want, sizeof(want),
	         "cache folder %s is mode 0755; it must be private to you (chmod 700 %s)", base,
	         base);
	assert_string_equal(why, want);
	rmdir(base);
}

static void test_private_dir(void **state)
{
	char base[] = "/tmp/zcpaths.XXXXXX", dir[256], file[300];
	FILE *f;

	assert_non_null(mkdtemp(base));
	snprintf(dir, sizeof(dir), "%s/a/b/c", base);
	assert_int_equal(paths_ensure_private_dir(dir, false), -ENOENT);
	assert_int_equal(paths_ensure_private_dir(dir, true), 0);
	assert_int_equal(paths_ensure_private_dir(dir, false), 0);
	/* Group- or world-accessible folders are not trusted. */
	chmod(dir, 0750);
	assert_int_equal(paths_ensure_private_dir(dir, true), -EPERM);
	chmod(dir, 0701);
	assert_int_equal(paths_ensure_private_dir(dir, true), -EPERM);
	chmod(dir, 0700);
	assert_int_equal(paths_ensure_private_dir(dir, true), 0);
	snprintf(file, sizeof(file), "%s/file", dir);
	f = fopen(file, "w");
	fclose(f);
	assert_int_equal(paths_ensure_private_dir(file, true), -ENOTDIR);
	unlink(file);
	/* A symlink is not a folder we own, even when it points at one. */
	snprintf(file, sizeof(file), "%s/link", base);
	assert_int_equal(symlink(dir, file), 0);
	assert_int_equal(paths_ensure_private_dir(file, true), -ENOTDIR);
	unlink(file);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/a/b", base);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/a", base);
	rmdir(dir);
	rmdir(base);
}

/* A folder owned by someone else is refused (needs root to set up). */
static void test_private_dir_other_owner(void **state)
{
	char base[] = "/tmp/zcpaths.XXXXXX";

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(base));
	assert_int_equal(chown(base, 65534, 65534), 0);
	assert_int_equal(paths_ensure_private_dir(base, true), -EPERM);
	rmdir(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_all_unset, clear_env),
	        cmocka_unit_test_setup(test_xdg_set, clear_env),
	        cmocka_unit_test_setup(test_xdg_relative_ignored, clear_env),
	        cmocka_unit_test_setup(test_overrides_win, clear_env),
	        cmocka_unit_test_setup(test_relative_overrides_refused, clear_env),
	        cmocka_unit_test_setup(test_socket_path_too_long, clear_env),
	        cmocka_unit_test_setup(test_no_home_uses_passwd, clear_env),
	        cmocka_unit_test_setup(test_join, clear_env),
	        cmocka_unit_test_setup(test_private_dir, clear_env),
	        cmocka_unit_test_setup(test_socket_dir, clear_env),
	        cmocka_unit_test_setup(test_private_dir_other_owner, clear_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
