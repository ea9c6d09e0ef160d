/* b64: RFC 4648 base64 with padding. */
#include "b64.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_encode(const void *p, size_t n, struct buf *out)
{
	const uint8_t *in = p;
	size_t need = (n + 2) / 3 * 4;
	char *o;
	int r = buf_reserve(out, need);

	if (r < 0)
		return r;
	o = (char *)out->data + out->len;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? alphabet[v & 63] : '=';
	}
	out->len += need;
	out->data[out->len] = '\0';
	return 0;
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int b64_decode(const char *text, size_t len, struct buf *out)
{
	uint8_t *o;
	int r;

	if (len % 4 != 0)
		return -EINVAL;
	r = buf_reserve(out, len / 4 * 3);
	if (r < 0)
		return r;
	o = out->data + out->len;
	for (size_t i = 0; i < len; i += 4) {
		int a = value_of(text[i]), b = value_of(text[i + 1]);
		int c = text[i + 2] == '=' ? 0 : value_of(text[i + 2]);
		int d = text[i + 3] == '=' ? 0 : value_of(text[i + 3]);
		bool last = i + 4 == len;
		uint32_t v;

		if (a < 0 || b < 0 || c < 0 || d < 0)
			return -EINVAL;
		/* Padding only at the very end, and "x=y=" is not padding. */
		if ((text[i + 2] == '=' || text[i + 3] == '=') &&
		    (!last || (text[i + 2] == '=' && text[i + 3] != '=')))
			return -EINVAL;
		v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
		*o++ = (uint8_t)(v >> 16);
		if (text[i + 2] != '=')
			*o++ = (uint8_t)(v >> 8);
		if (text[i + 3] != '=')
			*o++ = (uint8_t)v;
	}
	out->len = (size_t)(o - out->data);
	return 0;
}
