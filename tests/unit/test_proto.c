/* Framing: a frame decodes only when whole, never beyond the limit, and only as a JSON object. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

static void put_header(uint8_t *p, uint32_t n)
{
	p[0] = (uint8_t)(n >> 24);
	p[1] = (uint8_t)(n >> 16);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
}

static void test_round_trip(void **state)
{
	json_t *req = proto_request_new(PROTO_COMPILE), *out = NULL;
	struct buf b = BUF_INIT;
	size_t used;
	int peer;

	json_object_set_new(req, "cwd", json_string("/tmp/ü"));
	assert_int_equal(proto_encode(req, &b), 0);
	assert_int_equal(proto_decode(b.data, b.len, &used, &out), 1);
	assert_int_equal(used, b.len);
	assert_string_equal(proto_get_str(out, "kind"), "compile");
	assert_string_equal(proto_get_str(out, "cwd"), "/tmp/ü");
	assert_int_equal(proto_check_version(out, &peer), 0);
	assert_int_equal(peer, PROTO_VERSION);
	json_decref(req);
	json_decref(out);
	buf_free(&b);
}

/* Every split of a frame into two reads: nothing until the last byte. */
static void test_partial_reads(void **state)
{
	json_t *req = proto_request_new(PROTO_STATUS), *out = NULL;
	struct buf b = BUF_INIT;
	size_t used;

	assert_int_equal(proto_encode(req, &b), 0);
	for (size_t cut = 0; cut < b.len; cut++) {
		assert_int_equal(proto_decode(b.data, cut, &used, &out), 0);
		assert_null(out);
	}
	assert_int_equal(proto_decode(b.data, b.len, &used, &out), 1);
	json_decref(out);
	json_decref(req);
	buf_free(&b);
}

/* Two frames back to back come out one at a time. */
static void test_two_frames(void **state)
{
	json_t *a = proto_request_new(PROTO_STATUS), *z = proto_request_new(PROTO_STOP), *out;
	struct buf b = BUF_INIT;
	size_t used, first;

	assert_int_equal(proto_encode(a, &b), 0);
	first = b.len;
	assert_int_equal(proto_encode(z, &b), 0);
	assert_int_equal(proto_decode(b.data, b.len, &used, &out), 1);
	assert_int_equal(used, first);
	assert_string_equal(proto_get_str(out, "kind"), "status");
	json_decref(out);
	assert_int_equal(proto_decode(b.data + used, b.len - used, &used, &out), 1);
	assert_string_equal(proto_get_str(out, "kind"), "stop");
	json_decref(out);
	json_decref(a);
	json_decref(z);
	buf_free(&b);
}

static void test_oversized_frame(void **state)
{
	uint8_t hdr[4];
	size_t used;
	json_t *out = NULL;

	put_header(hdr, PROTO_MAX_FRAME + 1);
	/* Refused from the header alone: no need to receive 32 MiB first. */
	assert_int_equal(proto_decode(hdr, sizeof(hdr), &used, &out), -EMSGSIZE);
	assert_null(out);
	put_header(hdr, 0xffffffffu);
	assert_int_equal(proto_decode(hdr, sizeof(hdr), &used, &out), -EMSGSIZE);
	/* "GET " read as a length is far over the limit too. */
	assert_int_equal(proto_decode((const uint8_t *)"GET / HTTP/1.0", 14, &used, &out),
	                 -EMSGSIZE);
}

static void test_encode_refuses_oversized(void **state)
{
	size_t n = PROTO_MAX_FRAME + 16;
	char *big = malloc(n + 1);
	json_t *msg;
	struct buf b = BUF_INIT;

	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	msg = json_pack("{s:s}", "blob", big);
	assert_int_equal(proto_encode(msg, &b), -EMSGSIZE);
	assert_int_equal(b.len, 0);
	json_decref(msg);
	free(big);
	buf_free(&b);
}

static void check_bad_payload(const char *payload)
{
	uint8_t frame[256];
	size_t n = strlen(payload), used = 0;
	json_t *out = NULL;

	put_header(frame, (uint32_t)n);
	memcpy(frame + 4, payload, n);
	assert_int_equal(proto_decode(frame, n + 4, &used, &out), -EBADMSG);
	assert_null(out);
	/* The bad frame is still delimited, so the reader knows where it ends. */
	assert_int_equal(used, n + 4);
}

static void test_bad_json(void **state)
{
	check_bad_payload("{\"kind\":");
	check_bad_payload("not json at all");
	check_bad_payload("[1,2,3]");
	check_bad_payload("\"a string\"");
	check_bad_payload("{\"a\":1,\"a\":2}");
	check_bad_payload("");
}

static void test_wrong_version(void **state)
{
	json_t *m = json_pack("{s:i,s:s}", "v", PROTO_VERSION + 1, "kind", "status");
	int peer;

	assert_int_equal(proto_check_version(m, &peer), -EPROTO);
	assert_int_equal(peer, PROTO_VERSION + 1);
	json_object_set_new(m, "v", json_string("1"));
	assert_int_equal(proto_check_version(m, &peer), -EPROTO);
	assert_int_equal(peer, 0);
	json_object_del(m, "v");
	assert_int_equal(proto_check_version(m, &peer), -EPROTO);
	json_decref(m);
}

static void test_kind_table(void **state)
{
	for (int k = 0; k < PROTO_KIND_COUNT; k++)
		assert_int_equal(proto_kind_lookup(proto_kind_name((enum proto_kind)k)), k);
	assert_int_equal(proto_kind_lookup("compile"), PROTO_COMPILE);
	assert_int_equal(proto_kind_lookup("zero-stats"), PROTO_ZERO_STATS);
	assert_int_equal(proto_kind_lookup("nope"), PROTO_KIND_UNKNOWN);
	assert_int_equal(proto_kind_lookup(NULL), PROTO_KIND_UNKNOWN);
}

static void test_error_reply(void **state)
{
	json_t *e = proto_error_new(PROTO_ERR_BAD_REQUEST, "field '%s' missing", "argv");

	assert_false(proto_get_bool(e, "ok", 1));
	assert_string_equal(proto_get_str(e, "error"), "bad-request");
	assert_string_equal(proto_get_str(e, "message"), "field 'argv' missing");
	assert_int_equal(proto_get_int(e, "v", -1), PROTO_VERSION);
	json_decref(e);
}

/* A message quoting a client's string is cut to fit; a cut through a
 * character must still give a reply (jansson refuses invalid UTF-8). */
static void test_error_reply_cut_through_a_character(void **state)
{
	char quoted[600] = "";
	json_t *e;

	for (int i = 0; i < 290; i++)
		strcat(quoted, "\xc3\xa9"); /* é, two bytes */
	for (int shift = 0; shift < 2; shift++) {
		e = proto_error_new(PROTO_ERR_UNKNOWN, "%.*skind '%s'", shift, "x", quoted);
		assert_non_null(e);
		assert_string_equal(proto_get_str(e, "error"), "unknown-kind");
		assert_true(strlen(proto_get_str(e, "message")) > 500);
		json_decref(e);
	}
	/* Bytes that are no UTF-8 at all: still a reply. */
	e = proto_error_new(PROTO_ERR_BAD_REQUEST, "bad '%s'", "\xff\xfe\xed\xa0\x80");
	assert_non_null(e);
	assert_string_equal(proto_get_str(e, "error"), "bad-request");
	json_decref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_partial_reads),
	        cmocka_unit_test(test_two_frames),
	        cmocka_unit_test(test_oversized_frame),
	        cmocka_unit_test(test_encode_refuses_oversized),
	        cmocka_unit_test(test_bad_json),
	        cmocka_unit_test(test_wrong_version),
	        cmocka_unit_test(test_kind_table),
	        cmocka_unit_test(test_error_reply),
	        cmocka_unit_test(test_error_reply_cut_through_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
