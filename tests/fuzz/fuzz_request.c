/*
 * fuzz_request: what zccached does with a frame's JSON before any handler
 * runs: decode it and check it against the request table
 * (src/server/request_check.c). A request that passes must have every field
 * its handler reads without checking; one that fails must get an error
 * reply the client can decode, because a peer that gets no reply waits
 * for its whole timeout.
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "proto.h"
#include "request_check.h"

/* What the handlers take for granted once request_check() said yes. */
static void check_accepted(json_t *req, enum proto_kind kind)
{
	FUZZ_CHECK(kind >= 0 && kind < PROTO_KIND_COUNT);
	FUZZ_CHECK(strcmp(proto_get_str(req, "kind"), proto_kind_name(kind)) == 0);
	if (kind != PROTO_STOP)
		FUZZ_CHECK(proto_get_int(req, "v", 0) == PROTO_VERSION);
	if (kind == PROTO_COMPILE) {
		json_t *argv = json_object_get(req, "argv"), *env = json_object_get(req, "env");

		FUZZ_CHECK(json_array_size(argv) > 0);
		for (size_t i = 0; i < json_array_size(argv); i++)
			FUZZ_CHECK(json_is_string(json_array_get(argv, i)));
		FUZZ_CHECK(proto_get_str(req, "compiler")[0] == '/');
		FUZZ_CHECK(proto_get_str(req, "cwd")[0] == '/');
		FUZZ_CHECK(!env || json_is_object(env));
		FUZZ_CHECK((proto_get_int(req, "umask", 0) & ~0777) == 0);
	} else if (kind == PROTO_STORE) {
		FUZZ_CHECK(proto_get_str(req, "token") != NULL);
		FUZZ_CHECK(proto_get_int(req, "exit", 0) >= 0 &&
		           proto_get_int(req, "exit", 0) <= 255);
	} else if (kind == PROTO_CONFIG) {
		FUZZ_CHECK(proto_get_str(req, "op") != NULL);
	}
}

/* An error reply is a frame like any other: it must encode and decode. */
static void check_error_reply(json_t *err, int r)
{
	const char *code = proto_get_str(err, "error");
	struct buf b = BUF_INIT;
	json_t *back;
	size_t used;

	FUZZ_CHECK(err != NULL);
	FUZZ_CHECK(proto_get_bool(err, "ok", 1) == 0);
	FUZZ_CHECK(code && proto_get_str(err, "message"));
	FUZZ_CHECK(r == -EPROTO ? strcmp(code, PROTO_ERR_VERSION) == 0
	                        : strcmp(code, PROTO_ERR_VERSION) != 0);
	FUZZ_CHECK(proto_encode(err, &b) == 0);
	FUZZ_CHECK(proto_decode(b.data, b.len, &used, &back) == 1);
	FUZZ_CHECK(json_equal(err, back));
	json_decref(back);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf frame = BUF_INIT;
	uint8_t hdr[PROTO_HEADER_SIZE] = {(uint8_t)(size >> 24), (uint8_t)(size >> 16),
	                                  (uint8_t)(size >> 8), (uint8_t)size};
	enum proto_kind kind;
	json_t *req, *err;
	int peer, r;
	size_t used;

	/* The input is a frame's payload; decode it exactly as conn.c does. */
	if (size > PROTO_MAX_FRAME)
		return 0;
	FUZZ_CHECK(buf_append(&frame, hdr, sizeof(hdr)) == 0);
	FUZZ_CHECK(buf_append(&frame, data, size) == 0);
	r = proto_decode(frame.data, frame.len, &used, &req);
	buf_free(&frame);
	if (r != 1)
		return 0;

	r = request_check(req, &kind, &peer, &err);
	FUZZ_CHECK(r == 0 || r == -EPROTO || r == -EBADMSG);
	if (r == 0) {
		FUZZ_CHECK(err == NULL);
		check_accepted(req, kind);
	} else {
		check_error_reply(err, r);
		FUZZ_CHECK(r != -EPROTO || (kind != PROTO_STOP && peer != PROTO_VERSION));
	}
	json_decref(err);
	json_decref(req);
	return 0;
}
