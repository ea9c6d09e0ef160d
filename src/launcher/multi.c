/* multi: a command of several sources served source by source (see .h). */
#include "multi.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fallback_note.h"
#include "log.h"
#include "miss.h"
#include "proto.h"
#include "run.h"

/* The sources the server named, as indices into argv: at least two,
 * increasing, within argv past argv[0]. NULL when the answer is not that. */
static size_t *split_sources(json_t *split, int argc, size_t *n)
{
	json_t *arr = json_object_get(split, "sources");
	size_t *v;

	*n = json_array_size(arr);
	if (*n < 2 || *n >= (size_t)argc || !(v = calloc(*n, sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < *n; i++) {
		json_t *e = json_array_get(arr, i);
		json_int_t at = json_is_integer(e) ? json_integer_value(e) : -1;

		if (at < 1 || at >= argc || (i > 0 && (size_t)at <= v[i - 1])) {
			free(v);
			return NULL;
		}
		v[i] = (size_t)at;
	}
	return v;
}

/* Into v (room for argc + 1), argv without the sources src[k] whose
 * drop[k] is set, NULL-terminated; v may be argv itself. Returns the count. */
static int argv_without_into(char **v, int argc, char **argv, const size_t *src, size_t n,
                             const bool *drop)
{
	size_t k = 0;
	int m = 0;

	for (int i = 0; i < argc; i++) {
		if (k < n && (size_t)i == src[k]) {
			if (drop[k++])
				continue;
		}
		v[m++] = argv[i];
	}
	v[m] = NULL;
	return m;
}

/* The same in a new array (NULL on ENOMEM), for a source served while
 * argv must stay whole. */
static char **argv_without(int argc, char **argv, const size_t *src, size_t n, const bool *drop,
                           int *out_argc)
{
	char **v = calloc((size_t)argc + 1, sizeof(*v));

	if (v)
		*out_argc = argv_without_into(v, argc, argv, src, n, drop);
	return v;
}

enum part_outcome {
	PART_SERVED,  /* silent: in place from the cache or a quiet compile */
	PART_PENDING, /* to compile with the command's other unserved sources */
	PART_HELD,    /* the same, but its quiet compile is kept in *held */
};

/*
 * Serve one source only if it prints nothing: a silent hit (the server has
 * written its outputs), or a miss compiled quietly that turned out silent
 * (stored, then put in place). A miss that printed or failed is stored as
 * usual (it is that source's own compile) and, the first time (*holding
 * then becomes true), kept in *held unplaced: when no other source prints,
 * its output and outputs are the command's, and it need not compile again.
 * *fd becomes -1 when the connection can carry no further request.
 */
static enum part_outcome serve_silently(const struct launch *l, int *fd, int argc, char **argv,
                                        bool *holding, struct miss *held)
{
	enum part_outcome out = PART_PENDING;
	const char *bad = NULL, *action;
	json_t *reply = NULL;
	struct miss m;
	int r = launch_ask(l, *fd, argc, argv, LAUNCH_PART | LAUNCH_SILENT_ONLY, &reply, &bad);

	if (r < 0 || !proto_get_bool(reply, "ok", 0)) {
		/* Nothing sent (not UTF-8) leaves the connection as it was. */
		if (r != -EILSEQ && r != -ENOMEM) {
			close(*fd);
			*fd = -1;
		}
		json_decref(reply);
		return PART_PENDING;
	}
	action = proto_get_str(reply, "action") ?: "";
	if (strcmp(action, "hit") == 0) {
		/* What the hit wrote is written again by the run that follows
		 * when it printed (which a silent_only server never answers). */
		if (proto_get_int(reply, "exit", 1) == 0 &&
		    strcmp(proto_get_str(reply, "stdout") ?: "-", "") == 0 &&
		    strcmp(proto_get_str(reply, "stderr") ?: "-", "") == 0)
			out = PART_SERVED;
	} else if (strcmp(action, "run") == 0 && proto_get_bool(reply, "store", 0)) {
		r = miss_run(*fd, l->compiler, argv, reply, l->timeout_ms, false, &m);
		if (r < 0 || !m.reusable) {
			close(*fd);
			*fd = -1;
		}
		/* Interrupted: the command as a whole would have died so. */
		if (r == 0 && WIFSIGNALED(m.res.wait_status)) {
			int wait_status = m.res.wait_status;

			miss_abandon(&m);
			if (*holding)
				miss_abandon(held);
			run_exit_like(wait_status);
		}
		/* A depfile the server did not filter back after -MMD ran as
		 * -MD is not the build's: the source compiles again. */
		if (r < 0) {
			out = PART_PENDING;
		} else if (miss_silent(&m) && (m.stored || !m.rewritten)) {
			r = miss_place(&m, l->compiler, argv);
			out = WIFEXITED(r) && WEXITSTATUS(r) == 0 ? PART_SERVED : PART_PENDING;
		} else if (!*holding && !m.res.overflow) {
			*held = m;
			*holding = true;
			out = PART_HELD;
		} else {
			miss_abandon(&m);
		}
	}
	json_decref(reply);
	return out;
}

/* Did the compile print a name only the cache gave it (its private folder,
 * its depfile)? emcc quotes the command it ran when it fails. */
static bool printed_token(const struct miss *m)
{
	const char *token = proto_get_str(m->reply, "token") ?: "";
	size_t n = strlen(token);

	return n == 0 || (m->res.out.len && memmem(m->res.out.data, m->res.out.len, token, n)) ||
	       (m->res.err.len && memmem(m->res.err.data, m->res.err.len, token, n));
}

/* The held compile is the command's: what it printed, then its outputs,
 * then its end (argv is that source's command). Unless it printed the
 * cache's names: then the command compiles that source as the user gave it. */
static _Noreturn void finish_held(const struct launch *l, struct miss *held, char **argv)
{
	if (printed_token(held)) {
		miss_abandon(held);
		launch_exec(l->compiler, argv);
	}
	run_write_all(STDOUT_FILENO, held->res.out.data, held->res.out.len);
	run_write_all(STDERR_FILENO, held->res.err.data, held->res.err.len);
	run_exit_like(miss_place(held, l->compiler, argv));
}

_Noreturn void multi_serve(const struct launch *l, int fd, int argc, char **argv, json_t *split)
{
	size_t n, pending = 0, last = 0, *src = split_sources(split, argc, &n);
	bool *served = src ? calloc(n, sizeof(*served)) : NULL;
	bool *others = src ? calloc(n, sizeof(*others)) : NULL;
	bool holding = false;
	struct miss held;
	char **part;
	int part_argc;

	json_decref(split);
	if (!served || !others) {
		close(fd);
		fallback_note(l->paths, FALLBACK_BAD_REPLY, l->cwd,
		              "the server split the sources wrongly (or out of memory)");
		launch_exec(l->compiler, argv);
	}
	for (size_t k = 0; k < n; k++) {
		enum part_outcome o = PART_PENDING;

		for (size_t j = 0; j < n; j++)
			others[j] = j != k;
		/* The last source, all others silent: its own compile, output
		 * and all, is exactly what the command would do now. (The
		 * command's own argv becomes it: nothing is left to free.) */
		if (k == n - 1 && pending == 0 && fd >= 0) {
			part_argc = argv_without_into(argv, argc, argv, src, n, others);
			free(src);
			free(served);
			free(others);
			launch_compile(l, fd, part_argc, argv, LAUNCH_PART);
		}
		part = argv_without(argc, argv, src, n, others, &part_argc);
		/* Once one source waits for the final run, every later one
		 * waits too: emcc stops at a failed source (those after it are
		 * never written), and with any driver a later source may read
		 * what an earlier one writes (.incbin of its object, its .gch
		 * beside a header), which a hit or an early compile would take
		 * from before that write. */
		if (part && fd >= 0 && !pending)
			o = serve_silently(l, &fd, part_argc, part, &holding, &held);
		served[k] = o == PART_SERVED;
		if (!served[k]) {
			pending++;
			last = k;
		}
		free(part);
	}
	if (pending == 0) {
		free(src);
		free(served);
		free(others);
		exit(0);
	}
	if (pending == 1) {
		for (size_t j = 0; j < n; j++)
			others[j] = j != last;
		part_argc = argv_without_into(argv, argc, argv, src, n, others);
		free(src);
		free(served);
		free(others);
		/* The held one is the pending one: it was the first. */
		if (holding) {
			if (fd >= 0)
				close(fd);
			finish_held(l, &held, argv);
		}
		if (fd >= 0)
			launch_compile(l, fd, part_argc, argv, LAUNCH_PART);
		launch_exec(l->compiler, argv);
	}
	if (holding)
		miss_abandon(&held);
	if (fd >= 0)
		close(fd);
	/* What printed, failed or could not be cached: one run, the sources
	 * in their order, as the command without the silent ones. */
	argv_without_into(argv, argc, argv, src, n, served);
	free(src);
	free(served);
	free(others);
	log_debug("%zu of %zu sources compile together", pending, n);
	launch_exec(l->compiler, argv);
}
