/*
 * ctl.h: what zccachectl's subcommands share: the options, the connection
 * to the server, and output helpers. One function per subcommand.
 */
#ifndef ZCCACHECTL_H
#define ZCCACHECTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "paths.h"
#include "proto.h"

/* Exit codes, documented in zccachectl(1). */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILED = 1,      /* the server answered with an error */
	CTL_EXIT_USAGE = 2,       /* bad command line */
	CTL_EXIT_NOT_RUNNING = 3, /* no server runs (with --no-start) */
	CTL_EXIT_UNREACHABLE = 4, /* no server could be reached or started */
	CTL_EXIT_PROBLEMS = 5,    /* verify found damage it did not (or could not) repair */
};

struct ctl {
	bool json;
	bool no_start;
	struct zc_paths paths;
	int fd;                   /* -1 until ctl_connect */
	int timeout_ms;           /* for a reply: 0 the default, -1 no limit */
	char why[PATH_MAX + 160]; /* why ctl_connect failed */
	bool quiet_connect;       /* the caller prints why itself */
	bool progress;            /* ask for progress and show it (on a terminal) */
};

/* Connect (autospawning unless --no-start). Returns 0 or a ctl_exit code. */
int ctl_connect(struct ctl *ctl);
/* Whether long work should show progress: stderr is a terminal, no --json. */
bool ctl_wants_progress(const struct ctl *ctl);
/* Send req (stolen) and wait for the reply. Returns 0 or a ctl_exit code,
 * printing why on failure. */
int ctl_call(struct ctl *ctl, json_t *req, json_t **reply);
/* Print a reply as JSON on stdout. */
void ctl_print_json(json_t *j);
/* When the reply is an error: print it and return CTL_EXIT_FAILED. */
int ctl_check_reply(struct ctl *ctl, json_t *reply);
/* ctl_call, then ctl_check_reply: 0 with *reply (the caller's), or an exit
 * code with nothing to free. */
int ctl_call_ok(struct ctl *ctl, json_t *req, json_t **reply);

/* fallbacks.c: the compiles launchers ran without the cache, from the
 * records in the cache and socket folders, written at or after since. As
 * {"total", "reasons": {name: n}, "last": {"time", "reason", "cwd",
 * "message"}}; and as status lines. */
json_t *ctl_fallbacks_json(const struct ctl *ctl, time_t since, const char *session);
void ctl_fallbacks_print(const struct ctl *ctl);
/* Add "fallback.<reason>" counters (stats) / remove the records (zero-stats). */
void ctl_fallbacks_add_counters(const struct ctl *ctl, json_t *counters, time_t since,
                                const char *session);
void ctl_fallbacks_clear(const struct ctl *ctl);

/* journal.c: the compile journal, filtered. */
struct ctl_filter {
	time_t since;        /* 0: from the start */
	const char *session; /* NULL: any */
};
/* DURATION back from now (90s, 30m, 2h, 1d), @UNIXTIME, or a local
 * YYYY-MM-DD[ HH:MM[:SS]] (T also separates). 0 or -EINVAL. */
int ctl_parse_since(const char *text, time_t *out);
/* fn for each record that passes f, oldest first. -ENOENT: no journal. */
int ctl_journal_foreach(const struct ctl *ctl, const struct ctl_filter *f,
                        void (*fn)(json_t *rec, void *ctx), void *ctx);
/* The stats counters of the records that pass f (fallbacks included);
 * NULL when there is no journal. */
json_t *ctl_journal_counters(const struct ctl *ctl, const struct ctl_filter *f);

/* "1.5 GiB" */
void ctl_format_bytes(uint64_t n, char *out, size_t len);

typedef int ctl_command(struct ctl *ctl, int argc, char **argv);
ctl_command ctl_status, ctl_stop, ctl_stats, ctl_zero_stats, ctl_flush, ctl_trim, ctl_config,
        ctl_explain, ctl_verify, ctl_report;

#endif
