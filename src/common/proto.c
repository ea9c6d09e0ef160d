/* proto: length-prefixed JSON frames and the table of request kinds. */
#include "proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[PROTO_KIND_COUNT] = {
#define KIND_NAME_(id, name, handler, ...) [PROTO_##id] = name,
        PROTO_KINDS(KIND_NAME_)
#undef KIND_NAME_
};

const char *proto_kind_name(enum proto_kind kind)
{
	if (kind < 0 || kind >= PROTO_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

enum proto_kind proto_kind_lookup(const char *name)
{
	if (!name)
		return PROTO_KIND_UNKNOWN;
	for (int i = 0; i < PROTO_KIND_COUNT; i++)
		if (strcmp(kind_names[i], name) == 0)
			return (enum proto_kind)i;
	return PROTO_KIND_UNKNOWN;
}

static int dump_to_buf(const char *p, size_t n, void *data)
{
	return buf_append(data, p, n) < 0 ? -1 : 0;
}

int proto_encode(json_t *msg, struct buf *out)
{
	size_t start = out->len, payload;
	uint8_t hdr[PROTO_HEADER_SIZE] = {0};
	int r;

	r = buf_append(out, hdr, sizeof(hdr));
	if (r < 0)
		return r;
	if (json_dump_callback(msg, dump_to_buf, out, JSON_COMPACT) < 0) {
		out->len = start;
		return -ENOMEM;
	}
	payload = out->len - start - PROTO_HEADER_SIZE;
	if (payload > PROTO_MAX_FRAME) {
		out->len = start;
		return -EMSGSIZE;
	}
	out->data[start] = (uint8_t)(payload >> 24);
	out->data[start + 1] = (uint8_t)(payload >> 16);
	out->data[start + 2] = (uint8_t)(payload >> 8);
	out->data[start + 3] = (uint8_t)payload;
	return 0;
}

int proto_decode(const uint8_t *data, size_t len, size_t *consumed, json_t **msg)
{
	uint32_t n;
	json_t *j;

	*msg = NULL;
	*consumed = 0;
	if (len < PROTO_HEADER_SIZE)
		return 0;
	n = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	if (n > PROTO_MAX_FRAME)
		return -EMSGSIZE;
	if (len - PROTO_HEADER_SIZE < n)
		return 0;
	*consumed = PROTO_HEADER_SIZE + (size_t)n;
	j = json_loadb((const char *)data + PROTO_HEADER_SIZE, n, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return -EBADMSG;
	if (!json_is_object(j)) {
		json_decref(j);
		return -EBADMSG;
	}
	*msg = j;
	return 1;
}

int proto_check_version(json_t *msg, int *peer)
{
	json_t *v = json_object_get(msg, "v");

	*peer = json_is_integer(v) ? (int)json_integer_value(v) : 0;
	return *peer == PROTO_VERSION ? 0 : -EPROTO;
}

json_t *proto_request_new(enum proto_kind kind)
{
	return json_pack("{s:i,s:s}", "v", PROTO_VERSION, "kind", proto_kind_name(kind));
}

json_t *proto_reply_new(void)
{
	return json_pack("{s:i,s:b}", "v", PROTO_VERSION, "ok", 1);
}

/*
 * Replace with '?' every byte that does not belong to a whole UTF-8
 * sequence. A message quoting a client's string is cut to fit, and a cut
 * through a character would make it invalid JSON text: jansson then refuses
 * to build the reply, and the client would get none.
 */
static void utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80                  ? 1
		           : *p >= 0xc2 && *p <= 0xdf ? 2
		           : *p >= 0xe0 && *p <= 0xef ? 3
		           : *p >= 0xf0 && *p <= 0xf4 ? 4
		                                      : 0;
		size_t i = 1;

		while (i < n && (p[i] & 0xc0) == 0x80)
			i++;
		if (n == 0 || i < n) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

json_t *proto_error_new(const char *code, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	json_t *err;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	utf8_scrub(message);
	err = json_pack("{s:i,s:b,s:s,s:s}", "v", PROTO_VERSION, "ok", 0, "error", code, "message",
	                message);
	/* Still not valid text (an overlong form, a surrogate): the code alone. */
	return err ? err
	           : json_pack("{s:i,s:b,s:s,s:s}", "v", PROTO_VERSION, "ok", 0, "error", code,
	                       "message", code);
}

const char *proto_get_str(json_t *msg, const char *key)
{
	return json_string_value(json_object_get(msg, key));
}

int64_t proto_get_int(json_t *msg, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(msg, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

int proto_get_bool(json_t *msg, const char *key, int dflt)
{
	json_t *v = json_object_get(msg, key);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}
