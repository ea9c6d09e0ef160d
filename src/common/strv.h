/*
 * strv: a growable vector of owned strings, kept NULL-terminated, so that
 * its array can be handed over as an argv or a list the receiver frees.
 */
#ifndef ZCCACHE_STRV_H
#define ZCCACHE_STRV_H

#include <stddef.h>

struct strv {
	char **v;
	size_t n;
	size_t cap;
};

/* Append a copy of str (of its first len bytes). 0 or -ENOMEM. */
int strv_push(struct strv *s, const char *str);
int strv_push_n(struct strv *s, const char *str, size_t len);
/* Append str itself, taking ownership also on failure; a NULL str (a
 * failed strdup) is -ENOMEM. */
int strv_push_owned(struct strv *s, char *str);
/* Free every string (a slot set to NULL is skipped) and the array. */
void strv_free(struct strv *s);
/* Hand the array over (NULL-terminated, NULL when empty) and reset s. */
char **strv_steal(struct strv *s, size_t *n);

#endif
