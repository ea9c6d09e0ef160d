/* ppmode: run a preprocessor-mode -E and report it (see .h). */
#include "ppmode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "hash.h"
#include "io.h"
#include "log.h"
#include "miss.h"
#include "pptext.h"
#include "proto.h"
#include "run.h"

struct entered {
	json_t *set;
	bool lost; /* a name JSON cannot carry (not UTF-8) */
};

static void add_entered(void *ctx, const char *name)
{
	struct entered *e = ctx;

	if (json_object_set_new(e->set, name, json_true()) < 0)
		e->lost = true;
}

/* The set's names as a JSON array, or NULL when one cannot be carried (not
 * UTF-8): the server must see every one. */
static json_t *names_of(json_t *set)
{
	json_t *list = json_array(), *v;
	const char *name;

	json_object_foreach(set, name, v)
	{
		if (!list || json_array_append_new(list, json_string(name)) < 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/*
 * The digest of the -E's output file, the files it entered (a set: the
 * server checks that the compile read them, not a PCH in their place),
 * and *may_include (pptext.h) when asked; then the file goes. 0 or -errno.
 */
static int digest_output(const char *path, bool scan, bool asm_source, struct digest *out,
                         json_t *entered, json_t **list, bool *may_include)
{
	struct buf text = BUF_INIT;
	struct entered e = {entered, false};
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), r;

	if (fd < 0)
		return -errno;
	r = read_to_end(fd, &text, 1 << 20);
	close(fd);
	unlink(path);
	if (r == 0)
		r = buf_terminate(&text);
	if (r == 0)
		r = pptext_entered((const char *)text.data, text.len, add_entered, &e);
	if (r == 0 && (e.lost || !(*list = names_of(e.set))))
		r = -EILSEQ;
	if (r == 0) {
		digest_mem(text.data, text.len, out);
		*may_include =
		        scan && pptext_may_include((const char *)text.data, text.len, asm_source);
	}
	buf_free(&text);
	return r;
}

json_t *ppmode_run(const struct launch *l, int fd, json_t *reply)
{
	const char *token = proto_get_str(reply, "token"), *output = proto_get_str(reply, "output");
	char **argv = miss_argv_from_reply(reply, l->compiler);
	json_t *req = proto_request_new(PROTO_PREPROCESSED), *next = NULL, *entered = json_object();
	json_t *list = NULL;
	struct run_result res = {0};
	struct digest text, err;
	char hex[DIGEST_HEX_LEN + 1];
	bool may_include = false, ran = false;
	int r;

	if (!req || !token || !entered) {
		json_decref(req);
		json_decref(entered);
		json_decref(reply);
		free(argv);
		return NULL;
	}
	json_object_set_new(req, "token", json_string(token));
	/* Without an argv or an output the -E cannot run: reported as failed. */
	if (argv && output && run_captured(l->compiler, argv, false, &res) == 0) {
		ran = WIFEXITED(res.wait_status) && WEXITSTATUS(res.wait_status) == 0;
		json_object_set_new(req, "exit",
		                    json_integer(WIFEXITED(res.wait_status)
		                                         ? WEXITSTATUS(res.wait_status)
		                                         : 255));
	} else {
		json_object_set_new(req, "exit", json_integer(255));
	}
	if (ran && !res.overflow &&
	    (r = digest_output(output, proto_get_bool(reply, "scan_asm", 0),
	                       proto_get_bool(reply, "asm_source", 0), &text, entered, &list,
	                       &may_include)) == 0) {
		json_object_set_new(req, "entered", list);
		digest_mem(res.err.data, res.err.len, &err);
		digest_to_hex(&text, hex);
		json_object_set_new(req, "digest", json_string(hex));
		digest_to_hex(&err, hex);
		json_object_set_new(req, "stderr_digest", json_string(hex));
		if (may_include)
			json_object_set_new(req, "may_include", json_true());
	} else if (ran) {
		log_warnx("cannot read the preprocessed output %s", output);
	}
	if (output)
		unlink(output);
	r = client_request(fd, req, &next, l->timeout_ms);
	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "preprocessor mode: no answer");
		next = NULL;
	}
	run_result_free(&res);
	json_decref(entered);
	json_decref(req);
	free(argv); /* its strings belong to reply */
	json_decref(reply);
	return next;
}
