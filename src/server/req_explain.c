/*
 * req_explain: the last compiles that were not hits, newest first, each with
 * why (the classifier's reason and argument, the header that changed, no
 * entry for the command), its source and cwd, and for a miss what became of
 * it (stored, compile_failed, ...). A ring of EXPLAIN_MAX entries, in memory
 * only: req_compile records, req_store and a lost connection set outcomes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

struct explain_slot {
	json_t *entry;  /* NULL when unused */
	char token[40]; /* the miss's token until its outcome is known */
};

struct explain_log {
	struct explain_slot slot[EXPLAIN_MAX];
	unsigned next;  /* the slot the next entry goes to */
	uint64_t total; /* entries ever recorded; the last one's id */
};

/* Options whose value is the next argument: never a source. */
/* clang-format off */
static const char *const separate_value_options[] = {
	"-o", "-MF", "-MT", "-MQ", "-MJ", "-x", "-I", "-D", "-U", "-L", "-l", "-T", "-u",
	"-z", "-e", "-B", "-include", "-imacros", "-include-pch", "-isystem", "-iquote",
	"-idirafter", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot",
	"-cxx-isystem", "--sysroot", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-Xclang",
	"-target", "-arch", "-aux-info", "-dumpdir", "-dumpbase", "-main-file-name", "--param",
};

static const char *const source_suffixes[] = {
	"c", "i", "ii", "cc", "cp", "cxx", "cpp", "CPP", "c++", "C", "m", "mi", "mm", "M",
	"mii", "s", "S", "sx", "h", "hh", "H", "hp", "hxx", "hpp", "HPP", "h++", "tcc", "cu",
	"cppm", "ccm", "cxxm", "c++m", "ixx",
};
/* clang-format on */

/* A request's absurd strings or argv (30 MiB, 100 000 arguments) are kept
 * shortened: EXPLAIN_MAX of them must not hold gigabytes, and the explain
 * reply must still fit in a frame. */
#define EXPLAIN_STR_MAX  4096
#define EXPLAIN_ARGS_MAX 1000

/* s itself (a new reference), or its first EXPLAIN_STR_MAX bytes and a note. */
static json_t *bounded_str(json_t *s)
{
	const char *text = json_string_value(s);
	size_t n = json_string_length(s), cut = EXPLAIN_STR_MAX;
	char *shorter;
	json_t *j;

	if (!text || n <= EXPLAIN_STR_MAX)
		return json_incref(s);
	/* Cut on a character's first byte: a JSON string must stay UTF-8. */
	while (cut > 0 && ((unsigned char)text[cut] & 0xc0) == 0x80)
		cut--;
	if (asprintf(&shorter, "%.*s... (%zu bytes)", (int)cut, text, n) < 0)
		return json_string("(too long)");
	j = json_string(shorter);
	free(shorter);
	return j;
}

/* argv itself, or a copy with long arguments shortened and at most
 * EXPLAIN_ARGS_MAX of them, the rest counted. */
static json_t *bounded_argv(json_t *argv)
{
	size_t n = json_array_size(argv), i;
	bool small = n <= EXPLAIN_ARGS_MAX;
	json_t *copy, *a;

	json_array_foreach(argv, i, a) small = small && json_string_length(a) <= EXPLAIN_STR_MAX;
	if (small)
		return json_incref(argv);
	copy = json_array();
	for (i = 0; i < n && i < EXPLAIN_ARGS_MAX; i++)
		json_array_append_new(copy, bounded_str(json_array_get(argv, i)));
	if (n > EXPLAIN_ARGS_MAX)
		json_array_append_new(
		        copy, json_sprintf("... (%zu more arguments)", n - EXPLAIN_ARGS_MAX));
	return copy;
}

static bool takes_separate_value(const char *arg)
{
	for (size_t i = 0; i < sizeof(separate_value_options) / sizeof(*separate_value_options);
	     i++)
		if (strcmp(arg, separate_value_options[i]) == 0)
			return true;
	return false;
}

static bool looks_like_source(const char *arg)
{
	const char *dot = strrchr(arg, '.'), *slash = strrchr(arg, '/');

	if (!dot || dot == arg || (slash && dot < slash) || (slash && dot == slash + 1))
		return false;
	for (size_t i = 0; i < sizeof(source_suffixes) / sizeof(*source_suffixes); i++)
		if (strcmp(dot + 1, source_suffixes[i]) == 0)
			return true;
	return false;
}

/*
 * The sources and the output a command names, as spelled: the arguments
 * with a source suffix that are neither options nor option values, and -o's
 * value. Good enough to show; the engine decides what is compiled.
 */
static void name_files(json_t *argv, json_t **sources, json_t **output)
{
	size_t n = json_array_size(argv);

	*sources = json_array();
	*output = json_null();
	for (size_t i = 1; i < n; i++) {
		const char *a = json_string_value(json_array_get(argv, i));

		if (!a)
			continue;
		if (strcmp(a, "-o") == 0 && i + 1 < n) {
			json_decref(*output);
			*output = json_incref(json_array_get(argv, i + 1));
		}
		if (takes_separate_value(a)) {
			i++;
		} else if (a[0] != '-' && a[0] != '@' && looks_like_source(a)) {
			json_array_append_new(*sources, json_string(a));
		}
	}
}

static bool array_has(json_t *array, json_t *value)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v)
	{
		if (json_equal(v, value))
			return true;
	}
	return false;
}

static void append(char *out, size_t len, const char *s)
{
	size_t used = strlen(out);

	if (used + 1 < len)
		snprintf(out + used, len - used, "%s", s);
}

/* Append "; <what>A B C": the arguments of a that b lacks. */
static void append_missing(json_t *a, json_t *b, const char *what, char *out, size_t len)
{
	bool first = true;
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
	{
		if (array_has(b, v))
			continue;
		if (first) {
			append(out, len, out[0] ? "; " : "");
			append(out, len, what);
			first = false;
		} else {
			append(out, len, " ");
		}
		append(out, len, json_string_value(v) ?: "");
	}
}

/*
 * A miss with no entry for its command: compare with the newest earlier
 * miss of the same source in the same folder, which is what a user who
 * changed a flag wants to see.
 */
static void compare_with_previous(struct explain_log *log, json_t *entry, char *out, size_t len)
{
	json_t *sources = json_object_get(entry, "sources"), *cwd = json_object_get(entry, "cwd");
	json_t *argv = json_object_get(entry, "argv"), *prev = NULL;
	char diff[512] = "";

	if (json_array_size(sources) == 0)
		return;
	for (unsigned k = 1; k <= EXPLAIN_MAX; k++) {
		json_t *e = log->slot[(log->next + EXPLAIN_MAX - k) % EXPLAIN_MAX].entry;

		if (!e)
			break;
		if (strcmp(proto_get_str(e, "kind") ?: "", "miss") == 0 &&
		    json_equal(json_object_get(e, "sources"), sources) &&
		    json_equal(json_object_get(e, "cwd"), cwd)) {
			prev = e;
			break;
		}
	}
	if (!prev)
		return;
	append_missing(argv, json_object_get(prev, "argv"), "added ", diff, sizeof(diff));
	append_missing(json_object_get(prev, "argv"), argv, "removed ", diff, sizeof(diff));
	if (diff[0]) {
		snprintf(out + strlen(out), len - strlen(out), "; since compile #%lld: %s",
		         (long long)json_integer_value(json_object_get(prev, "id")), diff);
	} else if (strcmp(proto_get_str(prev, "outcome") ?: "", "stored") == 0) {
		snprintf(out + strlen(out), len - strlen(out),
		         "; same arguments as compile #%lld, which was stored: the source, the "
		         "compiler or the environment changed since, or the entry was evicted",
		         (long long)json_integer_value(json_object_get(prev, "id")));
	} else if (proto_get_str(prev, "outcome")) {
		snprintf(out + strlen(out), len - strlen(out),
		         "; same arguments as compile #%lld, which was not stored (%s)",
		         (long long)json_integer_value(json_object_get(prev, "id")),
		         proto_get_str(prev, "outcome"));
	}
}

void explain_record(struct server *srv, struct conn *c, json_t *req, const char *kind,
                    const char *reason, const char *detail, const char *token)
{
	struct explain_log *log = srv->explain;
	struct explain_slot *s;
	json_t *entry, *argv, *sources, *output;
	char why[1024];

	if (!log) {
		log = srv->explain = calloc(1, sizeof(*log));
		if (!log)
			return;
	}
	argv = bounded_argv(json_object_get(req, "argv"));
	name_files(argv, &sources, &output);
	entry = json_pack("{s:I,s:I,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id",
	                  (json_int_t)(log->total + 1), "time", (json_int_t)time(NULL), "pid",
	                  (json_int_t)conn_peer_pid(c), "kind", kind, "reason", reason, "cwd",
	                  bounded_str(json_object_get(req, "cwd")), "sources", sources, "output",
	                  output, "compiler", bounded_str(json_object_get(req, "compiler")), "argv",
	                  argv);
	if (!entry)
		return;
	snprintf(why, sizeof(why), "%s", detail && detail[0] ? detail : reason);
	if (token && strncmp(why, "no entry", 8) == 0)
		compare_with_previous(log, entry, why, sizeof(why));
	json_object_set_new(entry, "explain", json_string(why));
	if (token)
		json_object_set_new(entry, "outcome", json_string("compiling"));
	s = &log->slot[log->next];
	json_decref(s->entry);
	s->entry = entry;
	snprintf(s->token, sizeof(s->token), "%s", token ? token : "");
	log->next = (log->next + 1) % EXPLAIN_MAX;
	log->total++;
}

void explain_outcome(struct server *srv, const char *token, const char *outcome)
{
	struct explain_log *log = srv->explain;

	journal_outcome(srv, token, outcome);
	if (!log || !token || !token[0])
		return;
	for (unsigned i = 0; i < EXPLAIN_MAX; i++) {
		struct explain_slot *s = &log->slot[i];

		if (s->entry && strcmp(s->token, token) == 0) {
			json_object_set_new(s->entry, "outcome", json_string(outcome));
			s->token[0] = '\0';
			return;
		}
	}
}

void explain_free(struct server *srv)
{
	if (!srv->explain)
		return;
	for (unsigned i = 0; i < EXPLAIN_MAX; i++)
		json_decref(srv->explain->slot[i].entry);
	free(srv->explain);
	srv->explain = NULL;
}

void req_explain(struct server *srv, struct conn *c, json_t *req)
{
	struct explain_log *log = srv->explain;
	json_t *reply = proto_reply_new(), *list = json_array();
	int64_t limit = proto_get_int(req, "limit", 0);

	if (limit <= 0 || limit > EXPLAIN_MAX)
		limit = EXPLAIN_MAX;
	for (unsigned k = 1; log && k <= (unsigned)limit; k++) {
		json_t *e = log->slot[(log->next + EXPLAIN_MAX - k) % EXPLAIN_MAX].entry;

		if (!e)
			break;
		json_array_append_new(list, json_deep_copy(e));
	}
	json_object_set_new(reply, "compiles", list);
	json_object_set_new(reply, "recorded", json_integer(log ? (json_int_t)log->total : 0));
	json_object_set_new(reply, "capacity", json_integer(EXPLAIN_MAX));
	conn_reply(c, reply);
}
