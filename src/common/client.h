/*
 * client: how zccache and zccachectl reach the server. One blocking
 * connection, frames sent and received against a deadline, and autospawn:
 * when nothing listens, start zccached under a lock beside the socket so that
 * any number of simultaneous callers start exactly one server.
 */
#ifndef ZCCACHE_CLIENT_H
#define ZCCACHE_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "paths.h"

/* Default bound on waiting for an autospawned server to become ready. */
#define CLIENT_SPAWN_TIMEOUT_MS 5000

/* Connect once, no spawning. Returns the fd or -errno. */
int client_connect_once(const char *socket_path);

/*
 * Why an autospawn failed, beyond connect()'s own -errno values: distinct
 * codes, so a launcher can count the cause and name its fix. Below any errno.
 */
enum client_err {
	CLIENT_ERR_SOCKET_DIR = -4096, /* the socket folder is unsafe or unusable */
	CLIENT_ERR_NO_SERVER = -4097,  /* zccached is not installed where we look */
	CLIENT_ERR_SPAWN = -4098,      /* it was started but never listened */
};

/*
 * Connect, autospawning the server when allowed and nothing answers.
 * Returns a connected fd, -errno (connect failed, no autospawn) or a
 * client_err; why receives a one-line reason, with the fix, on failure.
 */
int client_connect(const struct zc_paths *p, bool autospawn, char *why, size_t whylen);

/* Where zccached is: $ZCCACHE_SERVER, next to our own binary, or bindir. */
int client_server_path(char *out, size_t n);

/* Send one frame / receive one frame, within timeout_ms (-1: no limit). */
int client_send(int fd, json_t *msg, int timeout_ms);
int client_recv(int fd, json_t **msg, int timeout_ms);
/* Send req and wait for its reply. */
int client_request(int fd, json_t *req, json_t **reply, int timeout_ms);

#endif
