/*
 * zccachectl stop: ask the server to exit, then wait until it has let go of
 * the socket, so that a following command sees it stopped. Under systemd
 * the socket stays (systemd owns it) and the next request starts it again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"

int ctl_stop(struct ctl *ctl, int argc, char **argv)
{
	json_t *reply = NULL, *req;
	bool socket_activated;
	int r;

	ctl->no_start = true;
	r = ctl_connect(ctl);
	if (r == CTL_EXIT_NOT_RUNNING) {
		if (!ctl->json)
			printf("zccache server: not running\n");
		return CTL_EXIT_OK;
	}
	if (r != 0)
		return r;
	r = ctl_call(ctl, proto_request_new(PROTO_STATUS), &reply);
	if (r != 0)
		return r;
	socket_activated = strcmp(proto_get_str(reply, "activation") ?: "", "socket") == 0;
	json_decref(reply);
	req = proto_request_new(PROTO_STOP);
	json_object_set_new(req, "reason", json_string("zccachectl stop"));
	r = ctl_call_ok(ctl, req, &reply);
	if (r != 0)
		return r;
	json_decref(reply);
	close(ctl->fd);
	ctl->fd = -1;
	for (int i = 0; !socket_activated && i < 500; i++) {
		struct timespec ts = {0, 10 * 1000000};
		int fd = client_connect_once(ctl->paths.socket);

		if (fd < 0)
			break;
		close(fd);
		nanosleep(&ts, NULL);
	}
	if (ctl->json)
		printf("{\"stopped\": true}\n");
	else
		printf("zccache server: stopped\n");
	return CTL_EXIT_OK;
}
