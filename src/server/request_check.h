/*
 * request_check: the pure half of dispatch. Which request kinds exist, the
 * fields each one requires and the checks beyond their types, with no
 * server state, so that the fuzzer (tests/fuzz) runs exactly what zccached
 * runs on every request before a handler sees it.
 */
#ifndef ZCCACHED_REQUEST_CHECK_H
#define ZCCACHED_REQUEST_CHECK_H

#include <jansson.h>

#include "proto.h"

/*
 * Check req (a JSON object). Returns 0 with *kind set when a handler may
 * take it. Otherwise *err is the error reply (owned by the caller) and the
 * result says why: -EPROTO for another protocol version (*peer_version is
 * what it sent; stop is accepted from every version), -EBADMSG for an
 * unknown kind, a missing or mistyped field or a failed check.
 */
int request_check(json_t *req, enum proto_kind *kind, int *peer_version, json_t **err);

#endif
