/*
 * zccachectl: control the zccache server. Commands are rows in a table;
 * each is one function in its own file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"
#include "passwd.h"
#include "paths.h"
#include "zccache-config.h"

static const struct ctl_command_entry {
	const char *name;
	ctl_command *run;
	const char *usage;
	const char *help;
} commands[] = {
        {"status", ctl_status, "status",
         "show whether the server runs, and how; compiles run without it"},
        {"explain", ctl_explain, "explain [N]", "why the last N (20) compiles were not hits"},
        {"stats", ctl_stats, "stats [--since DURATION|TIME] [--session NAME]",
         "show the statistics (of all time, or of one build)"},
        {"report", ctl_report, "report [--since WHEN] [--session NAME] [-o FILE]",
         "a build's report: HTML with charts, or text on a terminal"},
        {"zero-stats", ctl_zero_stats, "zero-stats", "reset the statistics"},
        {"flush", ctl_flush, "flush [--older-than DURATION]", "empty the cache"},
        {"trim", ctl_trim, "trim", "evict entries down to max_size now"},
        {"config", ctl_config, "config show | get KEY | set KEY VALUE",
         "show or change the configuration"},
        {"verify", ctl_verify, "verify [--repair]",
         "check every entry's checksums; --repair drops bad ones"},
        {"stop", ctl_stop, "stop", "stop the server"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: zccachectl [OPTION]... COMMAND [ARGUMENT]...\n"
	           "Control the zccache server.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strlen(commands[i].usage) > 38)
			fprintf(f, "  %s\n  %-38s %s\n", commands[i].usage, "", commands[i].help);
		else
			fprintf(f, "  %-38s %s\n", commands[i].usage, commands[i].help);
	}
	fprintf(f, "\nOptions:\n"
	           "  -j, --json      print machine-readable JSON\n"
	           "  -n, --no-start  do not start a server when none is running\n"
	           "  -h, --help      show this help and exit\n"
	           "  -V, --version   show the version and exit\n"
	           "\nExit status: 0 success, 1 the server reported an error, 2 usage error,\n"
	           "3 no server is running (with --no-start), 4 no server could be reached,\n"
	           "5 verify found damage that is not repaired.\n");
}

int ctl_connect(struct ctl *ctl)
{
	char why[PATH_MAX + 128];
	int fd;

	if (ctl->fd >= 0)
		return 0;
	fd = client_connect(&ctl->paths, !ctl->no_start, why, sizeof(why));
	if (fd >= 0) {
		ctl->fd = fd;
		return 0;
	}
	if (ctl->no_start && (fd == -ENOENT || fd == -ECONNREFUSED))
		return CTL_EXIT_NOT_RUNNING;
	snprintf(ctl->why, sizeof(ctl->why), "%s", why);
	if (!ctl->quiet_connect)
		fprintf(stderr, "zccachectl: %s\n", why);
	return CTL_EXIT_UNREACHABLE;
}

/* "\rverify: 1234 of 5000 entries (24 %)" on stderr, over and over. */
static void show_progress(json_t *msg)
{
	long long done = proto_get_int(msg, "done", 0), total = proto_get_int(msg, "total", 0);

	if (done > total)
		total = done;
	fprintf(stderr, "\r%s: %lld of %lld entries (%lld %%)\033[K",
	        proto_get_str(msg, "what") ?: "working", done, total,
	        total ? done * 100 / total : 100);
}

int ctl_call(struct ctl *ctl, json_t *req, json_t **reply)
{
	int r = ctl_connect(ctl), timeout = ctl->timeout_ms ? ctl->timeout_ms : 30000;
	bool shown = false;

	if (r != 0) {
		if (r == CTL_EXIT_NOT_RUNNING)
			fprintf(stderr, "zccachectl: the server is not running\n");
		json_decref(req);
		return r;
	}
	if (!ctl->progress) {
		r = client_request(ctl->fd, req, reply, timeout);
	} else {
		/* Progress frames until the reply: on a terminal, a line redrawn. */
		json_object_set_new(req, "progress", json_true());
		r = client_send(ctl->fd, req, timeout);
		while (r == 0) {
			r = client_recv(ctl->fd, reply, timeout);
			if (r < 0 || strcmp(proto_get_str(*reply, "action") ?: "", "progress") != 0)
				break;
			show_progress(*reply);
			shown = true;
			json_decref(*reply);
			*reply = NULL;
		}
		if (shown)
			fputs("\r\033[K", stderr);
	}
	json_decref(req);
	if (r < 0) {
		fprintf(stderr, "zccachectl: no answer from the server at %s: %s\n",
		        ctl->paths.socket, strerror(-r));
		return CTL_EXIT_UNREACHABLE;
	}
	return 0;
}

bool ctl_wants_progress(const struct ctl *ctl)
{
	const char *term = getenv("TERM");

	return !ctl->json && isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

void ctl_format_bytes(uint64_t n, char *out, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void ctl_print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
}

int ctl_check_reply(struct ctl *ctl, json_t *reply)
{
	if (proto_get_bool(reply, "ok", 0))
		return 0;
	if (ctl->json)
		ctl_print_json(reply);
	else
		fprintf(stderr, "zccachectl: %s\n",
			proto_get_str(reply, "message") ?: proto_get_str(reply, "error") ?: "error");
	return CTL_EXIT_FAILED;
}

int ctl_call_ok(struct ctl *ctl, json_t *req, json_t **reply)
{
	int r = ctl_call(ctl, req, reply);

	if (r != 0)
		return r;
	r = ctl_check_reply(ctl, *reply);
	if (r != 0) {
		json_decref(*reply);
		*reply = NULL;
	}
	return r;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"json", no_argument, NULL, 'j'},
	        {"no-start", no_argument, NULL, 'n'},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	struct ctl ctl = {.fd = -1};
	int c, r;

	/* "+": options stop at the command, so each command parses its own. */
	while ((c = getopt_long(argc, argv, "+jnhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl.json = true;
			break;
		case 'n':
			ctl.no_start = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			printf("zccachectl %s (protocol %d)\n", ZCCACHE_VERSION, PROTO_VERSION);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	paths_home_nss = passwd_home_nss;
	r = paths_resolve(&ctl.paths);
	if (r < 0) {
		fprintf(stderr, "zccachectl: cannot resolve paths: %s\n", strerror(-r));
		return CTL_EXIT_UNREACHABLE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			/* Command options may also follow the command name. */
			optind++;
			for (int k = optind; k < argc; k++) {
				if (strcmp(argv[k], "--json") == 0 || strcmp(argv[k], "-j") == 0)
					ctl.json = true;
				else if (strcmp(argv[k], "--no-start") == 0 ||
				         strcmp(argv[k], "-n") == 0)
					ctl.no_start = true;
				else
					continue;
				memmove(argv + k, argv + k + 1, (size_t)(argc - k) * sizeof(*argv));
				argc--;
				k--;
			}
			r = commands[i].run(&ctl, argc - optind, argv + optind);
			if (ctl.fd >= 0)
				close(ctl.fd);
			return r;
		}
	}
	fprintf(stderr, "zccachectl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
