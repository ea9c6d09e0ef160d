/*
 * conn: one client connection. Reads length-prefixed frames, hands each
 * request to the dispatcher, and writes the reply whenever the handler gives
 * it (now, or later for a compile that waits on another). One request at a
 * time per connection; a malformed frame gets an error and closes only this
 * connection.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"
#include "server.h"

/* A client that stops halfway through a frame, or sends nothing, is dropped
 * after this. */
#define PARTIAL_FRAME_TIMEOUT_S 30
/* A client that does not read its reply is dropped after this. */
#define WRITE_TIMEOUT_S 30

struct conn {
	struct server *srv;
	struct bufferevent *bev;
	struct conn *prev, *next;
	pid_t peer_pid;
	bool busy;       /* a request is being handled; its reply is pending */
	bool closing;    /* close once the output has been written */
	bool dead;       /* the peer left while busy: drop the reply when it comes */
	bool in_read;    /* inside the read callback: it will pick up more input */
	bool drain;      /* shutting down: close after the next reply */
	unsigned served; /* requests answered on this connection */
	char token[40];  /* the miss being compiled through this connection */
};

void conn_set_token(struct conn *c, const char *token)
{
	snprintf(c->token, sizeof(c->token), "%s", token ? token : "");
}

const char *conn_token(const struct conn *c)
{
	return c->token[0] ? c->token : NULL;
}

pid_t conn_peer_pid(const struct conn *c)
{
	return c->peer_pid;
}

static void conn_free(struct conn *c)
{
	struct server *srv = c->srv;

	if (c->token[0])
		server_conn_lost(srv, c);

	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->busy)
		srv->n_busy--;
	if (c->bev)
		bufferevent_free(c->bev);
	free(c);
	srv->n_conns--;
	listener_resume(srv);
	if (srv->stopping && srv->n_conns == 0)
		event_base_loopexit(srv->base, NULL);
}

static void write_frame(struct conn *c, json_t *msg)
{
	struct buf b = BUF_INIT;
	int r = proto_encode(msg, &b);

	if (r == -EMSGSIZE) {
		json_t *err = proto_error_new(PROTO_ERR_TOO_LARGE, "reply exceeds the frame limit");

		buf_reset(&b);
		r = err ? proto_encode(err, &b) : -ENOMEM;
		json_decref(err);
	}
	if (r < 0 || evbuffer_add(bufferevent_get_output(c->bev), b.data, b.len) < 0) {
		log_warnx("cannot queue a reply for pid %ld; closing", (long)c->peer_pid);
		c->closing = true;
	}
	buf_free(&b);
}

static void process_input(struct conn *c);

static void finish_request(struct conn *c)
{
	c->busy = false;
	c->srv->n_busy--;
	c->srv->last_activity_ms = monotonic_ms();
}

/* Every refused request, whoever refused it (the dispatcher's field checks or
 * a handler), is counted and logged once, here. */
static void note_refusal(struct conn *c, json_t *reply)
{
	const char *code = proto_get_str(reply, "error");

	if (!code ||
	    (strcmp(code, PROTO_ERR_BAD_REQUEST) != 0 && strcmp(code, PROTO_ERR_UNKNOWN) != 0))
		return;
	c->srv->bad_requests++;
	log_info("pid %ld: refused a request: %s", (long)c->peer_pid,
	         proto_get_str(reply, "message") ?: "");
}

void conn_reply(struct conn *c, json_t *reply)
{
	note_refusal(c, reply);
	if (c->dead) {
		json_decref(reply);
		conn_free(c);
		return;
	}
	if (reply)
		write_frame(c, reply);
	json_decref(reply);
	if (c->busy)
		finish_request(c);
	c->served++;
	/* Shutting down: this was the request we waited for; the token (if a
	 * miss is compiling) keeps the connection for its store. */
	if (c->drain && !c->token[0])
		c->closing = true;
	/* A deferred reply: nobody else will look at input that queued meanwhile. */
	if (!c->in_read && !c->closing)
		process_input(c);
	else if (c->closing && !c->in_read && c->bev &&
	         evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

void conn_send_interim(struct conn *c, json_t *msg)
{
	if (!c->dead && c->bev)
		write_frame(c, msg);
	json_decref(msg);
}

void conn_send_now(struct conn *c, json_t *msg)
{
	if (!c->dead && c->bev) {
		write_frame(c, msg);
		/* The loop does not run until the work is done: write it now. A
		 * client that does not read gets the rest later, as usual. */
		evbuffer_write(bufferevent_get_output(c->bev), bufferevent_getfd(c->bev));
	}
	json_decref(msg);
}

void conn_fail(struct conn *c, json_t *reply)
{
	c->srv->bad_requests++;
	c->closing = true;
	bufferevent_disable(c->bev, EV_READ);
	conn_reply(c, reply);
}

/*
 * The read timeout: a connection that stalls halfway through a frame, or
 * that holds a slot without asking anything, is dropped; one whose request we
 * are handling (a joined compile waits minutes) or whose launcher is
 * compiling a miss (the store comes when the compiler is done) is not. A
 * request that arrived in pieces used to keep the partial-frame timer while
 * it waited, and lost its reply after 30 s.
 */
static void set_timeouts(struct conn *c, bool partial)
{
	struct timeval rt = {PARTIAL_FRAME_TIMEOUT_S, 0}, wt = {WRITE_TIMEOUT_S, 0};
	bool waiting_on_us = c->busy || (c->token[0] && !partial);

	bufferevent_set_timeouts(c->bev, waiting_on_us ? NULL : &rt, &wt);
}

/* Handle every complete frame in the input, one request at a time. */
static void process_input(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);

	c->in_read = true;
	while (!c->busy && !c->closing) {
		uint8_t hdr[PROTO_HEADER_SIZE];
		size_t avail = evbuffer_get_length(in), need, used;
		uint32_t n;
		json_t *req;
		int r;

		if (avail == 0) {
			set_timeouts(c, false);
			break;
		}
		if (avail < PROTO_HEADER_SIZE) {
			set_timeouts(c, true);
			break;
		}
		evbuffer_copyout(in, hdr, sizeof(hdr));
		n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 |
		    hdr[3];
		if (n > PROTO_MAX_FRAME) {
			log_warnx("pid %ld sent a frame of %u bytes (limit %u); closing",
			          (long)c->peer_pid, n, PROTO_MAX_FRAME);
			conn_fail(c, proto_error_new(PROTO_ERR_TOO_LARGE,
			                             "frame of %u bytes exceeds the limit of %u", n,
			                             PROTO_MAX_FRAME));
			break;
		}
		need = PROTO_HEADER_SIZE + (size_t)n;
		if (avail < need) {
			set_timeouts(c, true);
			break;
		}
		r = proto_decode(evbuffer_pullup(in, (ev_ssize_t)need), need, &used, &req);
		evbuffer_drain(in, need);
		if (r < 0) {
			log_warnx("pid %ld sent a frame that is not a JSON object; closing",
			          (long)c->peer_pid);
			conn_fail(c, proto_error_new(PROTO_ERR_BAD_FRAME,
			                             "frame is not a JSON object"));
			break;
		}
		c->busy = true;
		c->srv->n_busy++;
		c->srv->last_activity_ms = monotonic_ms();
		set_timeouts(c, false);
		dispatch_request(c->srv, c, req);
		json_decref(req);
	}
	c->in_read = false;
	if (c->closing && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	process_input(arg);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->closing && !c->busy)
		conn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_TIMEOUT)
		log_warnx("pid %ld stalled %s; closing its connection", (long)c->peer_pid,
		          !(what & BEV_EVENT_READING) ? "without reading its reply"
		          : evbuffer_get_length(bufferevent_get_input(bev))
		                  ? "in the middle of a request"
		                  : "without sending a request");
	if (c->busy) {
		/* The handler still owns the request; free when it replies. */
		bufferevent_free(c->bev);
		c->bev = NULL;
		c->dead = true;
		return;
	}
	conn_free(c);
}

int conn_accept(struct server *srv, int fd, pid_t peer_pid)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		log_warnx("out of memory accepting a connection");
		return -ENOMEM;
	}
	evutil_make_socket_nonblocking(fd);
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		free(c);
		return -ENOMEM;
	}
	c->srv = srv;
	c->peer_pid = peer_pid;
	c->next = srv->conns;
	if (c->next)
		c->next->prev = c;
	srv->conns = c;
	srv->n_conns++;
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	set_timeouts(c, false);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return 0;
}

/*
 * On shutdown: a connection that has been answered and has nothing in
 * flight goes now. One that has not sent its request yet (just accepted from
 * the backlog), is being answered, or is compiling a miss whose store is to
 * come, is served first and closed after; the grace timer bounds the wait.
 */
void conn_close_idle(struct server *srv)
{
	struct conn *c = srv->conns, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->dead)
			continue;
		if (c->served > 0 && !c->busy && !c->token[0] &&
		    evbuffer_get_length(bufferevent_get_input(c->bev)) == 0 &&
		    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			conn_free(c);
		else
			c->drain = true;
	}
}
