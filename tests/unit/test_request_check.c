/*
 * request_check: a request reaches its handler only with the fields the
 * handler relies on, and every refusal comes with an error reply. The
 * regress_* cases are inputs fuzz_request found (tests/fuzz/corpus/request).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"
#include "request_check.h"

/* Check a request given as JSON text; returns request_check()'s result. */
static int check_text(const char *text, enum proto_kind *kind, json_t **err)
{
	json_t *req = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	int peer, r;

	assert_non_null(req);
	r = request_check(req, kind, &peer, err);
	json_decref(req);
	if (r < 0) {
		assert_non_null(*err);
		assert_false(proto_get_bool(*err, "ok", 1));
	} else {
		assert_null(*err);
	}
	return r;
}

static void expect_error(const char *text, int want, const char *code)
{
	enum proto_kind kind;
	json_t *err;

	assert_int_equal(check_text(text, &kind, &err), want);
	assert_string_equal(proto_get_str(err, "error"), code);
	json_decref(err);
}

static void test_accepts(void **state)
{
	enum proto_kind kind;
	json_t *err;

	assert_int_equal(
	        check_text("{\"v\":1,\"kind\":\"compile\",\"argv\":[\"gcc\",\"-c\",\"a.c\"],"
	                   "\"cwd\":\"/src\",\"compiler\":\"/usr/bin/gcc\",\"env\":{}}",
	                   &kind, &err),
	        0);
	assert_int_equal(kind, PROTO_COMPILE);
	assert_int_equal(check_text("{\"v\":1,\"kind\":\"status\"}", &kind, &err), 0);
	assert_int_equal(kind, PROTO_STATUS);
	/* stop from any version: a newer launcher retires an older server. */
	assert_int_equal(check_text("{\"v\":99,\"kind\":\"stop\"}", &kind, &err), 0);
	assert_int_equal(kind, PROTO_STOP);
}

static void test_refuses(void **state)
{
	expect_error("{\"v\":2,\"kind\":\"status\"}", -EPROTO, PROTO_ERR_VERSION);
	expect_error("{\"kind\":\"status\"}", -EPROTO, PROTO_ERR_VERSION);
	expect_error("{\"v\":1,\"kind\":\"nope\"}", -EBADMSG, PROTO_ERR_UNKNOWN);
	expect_error("{\"v\":1,\"kind\":7}", -EBADMSG, PROTO_ERR_UNKNOWN);
	expect_error("{\"v\":1,\"kind\":\"store\"}", -EBADMSG, PROTO_ERR_BAD_REQUEST);
	expect_error("{\"v\":1,\"kind\":\"config\",\"op\":1}", -EBADMSG, PROTO_ERR_BAD_REQUEST);
	expect_error(
	        "{\"v\":1,\"kind\":\"compile\",\"argv\":[],\"cwd\":\"/\",\"compiler\":\"/cc\"}",
	        -EBADMSG, PROTO_ERR_BAD_REQUEST);
	expect_error("{\"v\":1,\"kind\":\"compile\",\"argv\":[\"gcc\",3],\"cwd\":\"/\","
	             "\"compiler\":\"/cc\"}",
	             -EBADMSG, PROTO_ERR_BAD_REQUEST);
	expect_error("{\"v\":1,\"kind\":\"compile\",\"argv\":[\"gcc\"],\"cwd\":\"rel\","
	             "\"compiler\":\"/cc\"}",
	             -EBADMSG, PROTO_ERR_BAD_REQUEST);
	expect_error("{\"v\":1,\"kind\":\"compile\",\"argv\":[\"gcc\"],\"cwd\":\"/\","
	             "\"compiler\":\"/cc\",\"env\":[]}",
	             -EBADMSG, PROTO_ERR_BAD_REQUEST);
	/* Optional fields: typed and ranged when present. */
	expect_error("{\"v\":1,\"kind\":\"store\",\"token\":\"t\",\"exit\":256}", -EBADMSG,
	             PROTO_ERR_BAD_REQUEST);
	expect_error("{\"v\":1,\"kind\":\"flush\",\"older_than\":7}", -EBADMSG,
	             PROTO_ERR_BAD_REQUEST);
	expect_error("{\"v\":1,\"kind\":\"verify\",\"repair\":1}", -EBADMSG, PROTO_ERR_BAD_REQUEST);
}

/* corpus/request/regress-utf8-cut: a 600-byte unknown kind of 'é's. The
 * 512-byte message cut an 'é' in two, jansson refused the string, and the
 * client got no reply at all (fixed on main as this fuzzer was written). */
static void test_regress_utf8_cut(void **state)
{
	char text[700] = "{\"v\":1,\"kind\":\"";
	size_t n = strlen(text);

	for (int i = 0; i < 300; i++, n += 2)
		memcpy(text + n, "\xc3\xa9", 2);
	memcpy(text + n, "\"}", 3);
	expect_error(text, -EBADMSG, PROTO_ERR_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accepts),
	        cmocka_unit_test(test_refuses),
	        cmocka_unit_test(test_regress_utf8_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
