/*
 * le: little-endian integers in byte arrays, the byte order of every format
 * the cache writes (store headers, index values, manifests), whatever the
 * host's.
 */
#ifndef ZCCACHE_LE_H
#define ZCCACHE_LE_H

#include <stddef.h>
#include <stdint.h>

/* The low n (at most 8) bytes of v at p, least significant first. */
static inline void le_put(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The n-byte (at most 8) little-endian number at p. */
static inline uint64_t le_get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void le_put16(uint8_t *p, uint16_t v)
{
	le_put(p, v, 2);
}

static inline void le_put64(uint8_t *p, uint64_t v)
{
	le_put(p, v, 8);
}

static inline uint16_t le_get16(const uint8_t *p)
{
	return (uint16_t)le_get(p, 2);
}

static inline uint64_t le_get64(const uint8_t *p)
{
	return le_get(p, 8);
}

#endif
