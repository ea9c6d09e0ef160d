/*
 * journal: with `journal = on`, one JSON line per compile request in
 * <cache>/journal.jsonl, rotated to journal.jsonl.1 past journal_max_size.
 * A record: {"time": unix s, "session", "cwd", "source", "compiler",
 * "family", "outcome": "hit" | "miss" | "uncacheable", "reason",
 * "duration_ms", "saved_ms"}. A miss is written when its store ends (the
 * reason is then "stored", or why not), its duration the time from the
 * server's "run" to that end. zccachectl stats --since/--session and report
 * read it; nothing else does, and the server never reads it back.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cache.h"
#include "family.h"
#include "log.h"
#include "server.h"

/* Misses waiting for their store: more than this, the oldest is written as
 * abandoned (a launcher that never stores). */
#define PENDING_MAX 4096

struct pending_miss {
	struct pending_miss *next;
	char token[40];
	json_t *record;
	int64_t start_ms;
};

struct journal {
	int fd;
	off_t size;
	struct pending_miss *pending;
	unsigned n_pending;
};

bool journal_enabled(const struct server *srv)
{
	return srv->cfg.value[CONFIG_JOURNAL] != 0;
}

static int journal_path(const struct server *srv, char *out, size_t n, bool old)
{
	return snprintf(out, n, "%s/journal.jsonl%s", srv->paths.cache_dir, old ? ".1" : "") >=
	                       (int)n
	               ? -ENAMETOOLONG
	               : 0;
}

static struct journal *journal_get(struct server *srv)
{
	if (!srv->journal) {
		srv->journal = calloc(1, sizeof(*srv->journal));
		if (srv->journal)
			srv->journal->fd = -1;
	}
	return srv->journal;
}

static void journal_write(struct server *srv, json_t *record)
{
	struct journal *j = journal_get(srv);
	char path[PATH_MAX], old[PATH_MAX], *line;
	size_t len;
	struct stat st;

	if (!j || !journal_enabled(srv))
		return;
	if (j->fd < 0) {
		if (journal_path(srv, path, sizeof(path), false) < 0)
			return;
		j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (j->fd < 0) {
			log_warn("journal: cannot open %s", path);
			return;
		}
		j->size = fstat(j->fd, &st) == 0 ? st.st_size : 0;
	}
	line = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
	if (!line)
		return;
	len = strlen(line);
	line[len] = '\n'; /* json_dumps' NUL, replaced: one write per record */
	if (write(j->fd, line, len + 1) != (ssize_t)(len + 1))
		log_warn("journal: cannot write");
	else
		j->size += (off_t)(len + 1);
	free(line);
	if ((uint64_t)j->size > srv->cfg.value[CONFIG_JOURNAL_MAX_SIZE] &&
	    journal_path(srv, path, sizeof(path), false) == 0 &&
	    journal_path(srv, old, sizeof(old), true) == 0) {
		if (rename(path, old) < 0)
			log_warn("journal: cannot rotate %s", path);
		close(j->fd);
		j->fd = -1;
	}
}

/* The source named in argv: the last word that is not an option and ends
 * like a source file (a good guess; the journal is for people). */
static const char *source_of(json_t *argv)
{
	static const char *const ext[] = {".c",  ".cc", ".cpp", ".cxx", ".c++", ".C",  ".m",
	                                  ".mm", ".S",  ".s",   ".i",   ".ii",  ".rs", ".cu"};
	const char *found = "";
	size_t n = json_array_size(argv);

	for (size_t i = 1; i < n; i++) {
		const char *a = json_string_value(json_array_get(argv, i)), *dot;

		if (!a || a[0] == '-' || !(dot = strrchr(a, '.')))
			continue;
		for (size_t k = 0; k < sizeof(ext) / sizeof(ext[0]); k++)
			if (strcmp(dot, ext[k]) == 0)
				found = a;
	}
	return found;
}

static json_t *new_record(json_t *req, const char *outcome, const char *reason)
{
	const char *compiler = proto_get_str(req, "compiler") ?: "";
	char session[129];
	enum compiler_family f = args_family_from_name(compiler);
	const char *slash = strrchr(compiler, '/');

	/* A label, bounded: a request may carry megabytes of it. */
	snprintf(session, sizeof(session), "%s", proto_get_str(req, "session") ?: "");
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "time", (json_int_t)time(NULL),
	                 "session", session, "cwd", proto_get_str(req, "cwd") ?: "", "source",
	                 source_of(json_object_get(req, "argv")), "compiler",
	                 slash ? slash + 1 : compiler, "family", family_name(f), "outcome", outcome,
	                 "reason", reason ? reason : "");
}

void journal_compile(struct server *srv, json_t *req, const char *outcome, const char *reason,
                     const char *token, int64_t duration_ms, uint64_t saved_ms)
{
	struct journal *j;
	struct pending_miss *p;
	json_t *rec;

	if (!journal_enabled(srv) || !(j = journal_get(srv)))
		return;
	rec = new_record(req, outcome, reason);
	if (!rec)
		return;
	if (!token) {
		json_object_set_new(rec, "duration_ms", json_integer(duration_ms));
		json_object_set_new(rec, "saved_ms", json_integer((json_int_t)saved_ms));
		journal_write(srv, rec);
		json_decref(rec);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(rec);
		return;
	}
	snprintf(p->token, sizeof(p->token), "%s", token);
	p->record = rec;
	p->start_ms = monotonic_ms();
	p->next = j->pending;
	j->pending = p;
	if (++j->n_pending > PENDING_MAX) {
		struct pending_miss **pp = &j->pending;

		while ((*pp)->next)
			pp = &(*pp)->next;
		journal_outcome(srv, (*pp)->token, "abandoned");
	}
}

void journal_outcome(struct server *srv, const char *token, const char *outcome)
{
	struct journal *j = srv->journal;
	struct pending_miss **pp, *p;

	if (!j || !token || !token[0])
		return;
	for (pp = &j->pending; (p = *pp); pp = &p->next) {
		if (strcmp(p->token, token) != 0)
			continue;
		*pp = p->next;
		j->n_pending--;
		json_object_set_new(p->record, "reason", json_string(outcome));
		json_object_set_new(p->record, "duration_ms",
		                    json_integer(monotonic_ms() - p->start_ms));
		json_object_set_new(p->record, "saved_ms", json_integer(0));
		journal_write(srv, p->record);
		json_decref(p->record);
		free(p);
		return;
	}
}

uint64_t journal_saved_before(struct server *srv)
{
	return journal_enabled(srv) && srv->cache ? cache_counter(srv->cache, "time_saved_ms") : 0;
}

void journal_free(struct server *srv)
{
	struct journal *j = srv->journal;

	if (!j)
		return;
	while (j->pending) {
		struct pending_miss *p = j->pending;

		j->pending = p->next;
		json_decref(p->record);
		free(p);
	}
	if (j->fd >= 0)
		close(j->fd);
	free(j);
	srv->journal = NULL;
}
