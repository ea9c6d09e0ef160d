/*
 * proto: the wire format between zccache/zccachectl and zccached.
 * A frame is a 4-byte big-endian length followed by that many bytes of one
 * JSON object. Every message carries "v" (PROTO_VERSION). Requests name their
 * kind in "kind"; replies carry "ok" and, on failure, "error" and "message".
 */
#ifndef ZCCACHE_PROTO_H
#define ZCCACHE_PROTO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "proto_kinds.h"

/* Bump on any incompatible change to a request or reply. */
#define PROTO_VERSION 1
/* Hard limit on one frame. Large enough for a hit's captured diagnostics. */
#define PROTO_MAX_FRAME   (32u << 20)
#define PROTO_HEADER_SIZE 4
/* The most compiler output (stdout + stderr) a store may carry: a hit
 * replays it base64-encoded (4/3 larger), and that reply must fit a frame. */
#define PROTO_MAX_OUTPUT (12u << 20)

/* PROTO_COMPILE, PROTO_STORE, ...: proto_kinds.h has one row each. */
enum proto_kind {
#define PROTO_KIND_ENUM_(id, name, handler, ...) PROTO_##id,
	PROTO_KINDS(PROTO_KIND_ENUM_)
#undef PROTO_KIND_ENUM_
	        PROTO_KIND_COUNT,
	PROTO_KIND_UNKNOWN = -1,
};

/* Error codes carried in a reply's "error" field. */
#define PROTO_ERR_VERSION     "version"
#define PROTO_ERR_BAD_FRAME   "bad-frame"
#define PROTO_ERR_TOO_LARGE   "too-large"
#define PROTO_ERR_BAD_REQUEST "bad-request"
#define PROTO_ERR_UNKNOWN     "unknown-kind"
#define PROTO_ERR_INTERNAL    "internal"
#define PROTO_ERR_UNSUPPORTED "unsupported"

const char *proto_kind_name(enum proto_kind kind);
enum proto_kind proto_kind_lookup(const char *name);

/* Append the frame for msg to out. -EMSGSIZE when over PROTO_MAX_FRAME. */
int proto_encode(json_t *msg, struct buf *out);

/*
 * Try to decode one frame from the front of data. Returns 1 with *msg (a JSON
 * object, owned by the caller) and *consumed set; 0 when more bytes are
 * needed; -EMSGSIZE when the announced length exceeds the limit; -EBADMSG
 * when the payload is not a JSON object (*consumed still covers the frame so
 * the reader can resynchronise if it wants to).
 */
int proto_decode(const uint8_t *data, size_t len, size_t *consumed, json_t **msg);

/*
 * Check msg's "v". Returns 0 when it is PROTO_VERSION, -EPROTO otherwise,
 * storing what the peer sent (0 when absent or not an integer) in *peer.
 */
int proto_check_version(json_t *msg, int *peer);

/* {"v":PROTO_VERSION,"kind":name} */
json_t *proto_request_new(enum proto_kind kind);
/* {"v":PROTO_VERSION,"ok":true} */
json_t *proto_reply_new(void);
/* {"v":PROTO_VERSION,"ok":false,"error":code,"message":message} */
json_t *proto_error_new(const char *code, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Field accessors that tolerate absent or mistyped fields. */
const char *proto_get_str(json_t *msg, const char *key);
int64_t proto_get_int(json_t *msg, const char *key, int64_t dflt);
int proto_get_bool(json_t *msg, const char *key, int dflt);

#endif
