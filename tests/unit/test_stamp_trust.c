/* stamp_trust: a stat vouches for a file only where the kernel keeps the
 * ctime itself; what was learned for a device is what the next mount on
 * that device number is taken to be, until asked again. */
#include <linux/magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stamp_trust.h"

static void test_settable_ctimes_do_not_vouch(void **state)
{
	(void)state;
	assert_false(stamp_trust_fs_type(MSDOS_SUPER_MAGIC));
	assert_false(stamp_trust_fs_type(EXFAT_SUPER_MAGIC));
	assert_false(stamp_trust_fs_type(FUSE_SUPER_MAGIC));
	assert_false(stamp_trust_fs_type(CIFS_SUPER_MAGIC));
	assert_false(stamp_trust_fs_type(V9FS_MAGIC));
	assert_true(stamp_trust_fs_type(EXT4_SUPER_MAGIC));
	assert_true(stamp_trust_fs_type(TMPFS_MAGIC));
	assert_true(stamp_trust_fs_type(BTRFS_SUPER_MAGIC));
}

static void test_unknown_device_does_not_vouch(void **state)
{
	struct stamp_trust t = {0};

	(void)state;
	assert_false(stamp_trust_vouches(&t, 42));
}

static void test_learned_answer_is_kept_and_replaced(void **state)
{
	struct stamp_trust t = {0};
	bool here = stamp_trust_learn(&t, 7, -1, ".");

	(void)state;
	assert_int_equal(stamp_trust_vouches(&t, 7), here);
	/* a path that cannot be asked: no vouching, and it replaces */
	assert_false(stamp_trust_learn(&t, 7, -1, "/nonexistent/zccache"));
	assert_false(stamp_trust_vouches(&t, 7));
	assert_int_equal(t.n, 1);
	/* a full table forgets the oldest: then it vouches no more */
	for (dev_t d = 100; d < 100 + STAMP_TRUST_DEVICES; d++)
		stamp_trust_learn(&t, d, -1, ".");
	assert_false(stamp_trust_vouches(&t, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_settable_ctimes_do_not_vouch),
	        cmocka_unit_test(test_unknown_device_does_not_vouch),
	        cmocka_unit_test(test_learned_answer_is_kept_and_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
