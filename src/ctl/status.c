/*
 * zccachectl status: is the server running, which one, how was it started,
 * and how full and useful its cache is. On a terminal it reads like
 * `systemctl status`: a coloured dot, then one labelled field a line. No
 * escape codes when stdout is not a terminal, TERM is dumb or NO_COLOR is
 * set (https://no-color.org); --json is for programs.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

#define GREEN "\033[0;1;32m"
#define GREY  "\033[0;38;5;245m"
#define RED   "\033[0;1;31m"
#define RESET "\033[0m"

struct look {
	bool color;
	const char *dot;
};

static struct look look_here(void)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
	struct look l = {.dot = "*"};

	l.color = isatty(STDOUT_FILENO) && !(no_color && no_color[0]) &&
	          !(term && strcmp(term, "dumb") == 0);
	if (setlocale(LC_CTYPE, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		l.dot = "\u25cf"; /* ● */
	return l;
}

/* Text in a colour, when colours are on. */
static void paint(const struct look *l, const char *color, const char *text)
{
	if (l->color)
		printf("%s%s%s", color, text, RESET);
	else
		fputs(text, stdout);
}

static void label(const char *name)
{
	printf("%11s: ", name);
}

static void print_duration(long long s)
{
	if (s >= 86400)
		printf("%lldd %lldh %lldm", s / 86400, s % 86400 / 3600, s % 3600 / 60);
	else if (s >= 3600)
		printf("%lldh %lldm %llds", s / 3600, s % 3600 / 60, s % 60);
	else if (s >= 60)
		printf("%lldm %llds", s / 60, s % 60);
	else
		printf("%llds", s);
}

static const char *activation_words(const char *a)
{
	if (strcmp(a, "socket") == 0)
		return "socket (started by zccache.socket)";
	if (strcmp(a, "autospawn") == 0)
		return "autospawn (started by a compile or zccachectl)";
	if (strcmp(a, "manual") == 0)
		return "manual (started by hand)";
	return a;
}

static void print_not_running(struct ctl *ctl, const char *why)
{
	struct look l = look_here();

	paint(&l, why ? RED : GREY, l.dot);
	printf(" zccache server: %s\n", why ? "cannot be reached" : "not running");
	label("Active");
	if (why) {
		paint(&l, RED, "failed");
		printf(": %s\n", why);
	} else {
		printf("inactive\n");
	}
	label("Socket");
	printf("%s\n", ctl->paths.socket);
	label("Cache");
	printf("%s\n", ctl->paths.cache_dir);
	ctl_fallbacks_print(ctl);
}

static void print_running(struct ctl *ctl, json_t *reply)
{
	struct look l = look_here();
	time_t started = (time_t)proto_get_int(reply, "started", 0);
	long long idle = proto_get_int(reply, "idle_timeout", 0);
	struct tm tm;
	char since[64] = "";

	paint(&l, GREEN, l.dot);
	printf(" zccache server: running\n");
	label("Active");
	paint(&l, GREEN, "running");
	if (started > 0 && localtime_r(&started, &tm) &&
	    strftime(since, sizeof(since), "%a %Y-%m-%d %H:%M:%S %Z", &tm) > 0)
		printf(" since %s;", since);
	printf(" ");
	print_duration(proto_get_int(reply, "uptime", 0));
	printf(" ago\n");
	label("Activation");
	printf("%s\n", activation_words(proto_get_str(reply, "activation") ?: "?"));
	label("PID");
	printf("%lld (zccached %s, protocol %lld)\n", (long long)proto_get_int(reply, "pid", 0),
	       proto_get_str(reply, "version") ?: "?",
	       (long long)proto_get_int(reply, "protocol", 0));
	label("Socket");
	printf("%s\n", proto_get_str(reply, "socket") ?: "?");
	label("Cache");
	printf("%s\n", proto_get_str(reply, "cache_dir") ?: "?");
	if (json_object_get(reply, "entries")) {
		char size[32], limit[32];

		ctl_format_bytes((uint64_t)proto_get_int(reply, "size", 0), size, sizeof(size));
		ctl_format_bytes((uint64_t)proto_get_int(reply, "max_size", 0), limit,
		                 sizeof(limit));
		label("Size");
		printf("%s of %s (%lld entries)\n", size, limit,
		       (long long)proto_get_int(reply, "entries", 0));
		label("Hit rate");
		printf("%.1f %% (%lld hits, %lld misses)\n",
		       100.0 * json_real_value(json_object_get(reply, "hit_rate")),
		       (long long)proto_get_int(reply, "hits", 0),
		       (long long)proto_get_int(reply, "misses", 0));
	} else if (proto_get_str(reply, "cache_error")) {
		label("Size");
		paint(&l, RED, "unavailable");
		printf(": %s\n", proto_get_str(reply, "cache_error"));
	}
	label("Requests");
	printf("%lld\n", (long long)proto_get_int(reply, "requests", 0));
	ctl_fallbacks_print(ctl);
	if (idle > 0) {
		label("Idle exit");
		if (idle % 3600 == 0)
			printf("after %lldh without requests\n", idle / 3600);
		else if (idle % 60 == 0)
			printf("after %lldm without requests\n", idle / 60);
		else
			printf("after %llds without requests\n", idle);
	}
}

int ctl_status(struct ctl *ctl, int argc, char **argv)
{
	json_t *reply = NULL;
	int r;

	if (argc > 0) {
		fprintf(stderr, "zccachectl: status takes no arguments\n");
		return CTL_EXIT_USAGE;
	}
	/* Unreachable is a state to show, with why, not only an error. */
	ctl->quiet_connect = true;
	r = ctl_connect(ctl);
	if (r == CTL_EXIT_NOT_RUNNING || r == CTL_EXIT_UNREACHABLE) {
		const char *why = r == CTL_EXIT_UNREACHABLE ? ctl->why : NULL;

		if (ctl->json) {
			json_t *j = json_pack("{s:b,s:s,s:s,s:o}", "running", 0, "socket",
			                      ctl->paths.socket, "cache_dir", ctl->paths.cache_dir,
			                      "fallbacks", ctl_fallbacks_json(ctl, 0, NULL));

			if (why)
				json_object_set_new(j, "error", json_string(why));
			ctl_print_json(j);
			json_decref(j);
		} else {
			print_not_running(ctl, why);
		}
		return r;
	}
	if (r != 0)
		return r;
	r = ctl_call(ctl, proto_request_new(PROTO_STATUS), &reply);
	if (r != 0)
		return r;
	r = ctl_check_reply(ctl, reply);
	if (r == 0 && ctl->json) {
		json_object_set_new(reply, "running", json_true());
		json_object_set_new(reply, "fallbacks", ctl_fallbacks_json(ctl, 0, NULL));
		json_object_del(reply, "ok");
		json_object_del(reply, "v");
		ctl_print_json(reply);
	} else if (r == 0) {
		print_running(ctl, reply);
	}
	json_decref(reply);
	return r;
}
