/* hash: XXH3-128 over memory, strings and files. */
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

struct hasher {
	XXH3_state_t *state;
};

struct hasher *hasher_new(void)
{
	struct hasher *h = malloc(sizeof(*h));

	if (!h)
		return NULL;
	h->state = XXH3_createState();
	if (!h->state) {
		free(h);
		return NULL;
	}
	XXH3_128bits_reset(h->state);
	return h;
}

void hasher_free(struct hasher *h)
{
	if (!h)
		return;
	XXH3_freeState(h->state);
	free(h);
}

void hasher_reset(struct hasher *h)
{
	XXH3_128bits_reset(h->state);
}

void hasher_update(struct hasher *h, const void *p, size_t n)
{
	XXH3_128bits_update(h->state, p, n);
}

void hasher_update_str(struct hasher *h, const char *s)
{
	XXH3_128bits_update(h->state, s, strlen(s) + 1);
}

void hasher_update_u64(struct hasher *h, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	XXH3_128bits_update(h->state, b, sizeof(b));
}

static void digest_from_xxh(XXH128_hash_t x, struct digest *out)
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, x);
	memcpy(out->bytes, c.digest, sizeof(out->bytes));
}

void hasher_final(struct hasher *h, struct digest *out)
{
	digest_from_xxh(XXH3_128bits_digest(h->state), out);
}

void digest_mem(const void *p, size_t n, struct digest *out)
{
	digest_from_xxh(XXH3_128bits(p, n), out);
}

int digest_fd(int fd, struct digest *out)
{
	XXH3_state_t *st = XXH3_createState();
	uint8_t chunk[65536];
	ssize_t n;

	if (!st)
		return -ENOMEM;
	XXH3_128bits_reset(st);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			XXH3_freeState(st);
			return (int)n;
		}
		if (n == 0)
			break;
		XXH3_128bits_update(st, chunk, (size_t)n);
	}
	digest_from_xxh(XXH3_128bits_digest(st), out);
	XXH3_freeState(st);
	return 0;
}

int digest_file(const char *path, struct digest *out)
{
	/* A compiler named by a request may be a FIFO (open would wait for a
	 * writer) or /dev/zero (never ends): only regular files are hashed. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	r = digest_fd(fd, out);
	close(fd);
	return r;
}

void digest_to_hex(const struct digest *d, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < sizeof(d->bytes); i++) {
		out[2 * i] = hex[d->bytes[i] >> 4];
		out[2 * i + 1] = hex[d->bytes[i] & 0xf];
	}
	out[DIGEST_HEX_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int digest_from_hex(const char *hex, struct digest *out)
{
	if (strlen(hex) != DIGEST_HEX_LEN)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(out->bytes); i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

bool digest_equal(const struct digest *a, const struct digest *b)
{
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}
