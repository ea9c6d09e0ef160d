/* strv: a growable vector of owned strings (see strv.h). */
#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int strv_push_owned(struct strv *s, char *str)
{
	char **v;
	size_t cap;

	if (!str)
		return -ENOMEM;
	if (s->n + 2 > s->cap) {
		cap = s->cap ? s->cap * 2 : 16;
		v = realloc(s->v, cap * sizeof(*v));
		if (!v) {
			free(str);
			return -ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

int strv_push(struct strv *s, const char *str)
{
	return strv_push_owned(s, strdup(str));
}

int strv_push_n(struct strv *s, const char *str, size_t len)
{
	return strv_push_owned(s, strndup(str, len));
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

char **strv_steal(struct strv *s, size_t *n)
{
	char **v = s->v;

	*n = s->n;
	s->v = NULL;
	s->n = s->cap = 0;
	return v;
}
