/*
 * passwd: the home folder from the password database through NSS. In a
 * module of its own so that the statically linked launcher never links
 * getpwuid (see paths_home).
 */
#ifndef ZCCACHE_PASSWD_H
#define ZCCACHE_PASSWD_H

#include <stddef.h>

/* 0, -ENOENT when there is no entry or no absolute home, -ENAMETOOLONG. */
int passwd_home_nss(char *out, size_t n);

#endif
