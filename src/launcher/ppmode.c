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

/* The digest of the -E's output file, with *may_include (pptext.h) when
 * asked; then the file goes. 0 or -errno. */
static int digest_output(const char *path, bool scan, struct digest *out, bool *may_include)
{
	struct buf text = BUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), r;

	if (fd < 0)
		return -errno;
	r = read_to_end(fd, &text, 1 << 20);
	close(fd);
	unlink(path);
	if (r == 0) {
		digest_mem(text.data, text.len, out);
		*may_include = scan && pptext_may_include((const char *)text.data, text.len);
	}
	buf_free(&text);
	return r;
}

json_t *ppmode_run(const struct launch *l, int fd, json_t *reply)
{
	const char *token = proto_get_str(reply, "token"), *output = proto_get_str(reply, "output");
	char **argv = miss_argv_from_reply(reply, l->compiler);
	json_t *req = proto_request_new(PROTO_PREPROCESSED), *next = NULL;
	struct run_result res = {0};
	struct digest text, err;
	char hex[DIGEST_HEX_LEN + 1];
	bool may_include = false, ran = false;
	int r;

	if (!req || !token) {
		json_decref(req);
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
	    (r = digest_output(output, proto_get_bool(reply, "scan_asm", 0), &text,
	                       &may_include)) == 0) {
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
	json_decref(req);
	free(argv); /* its strings belong to reply */
	json_decref(reply);
	return next;
}
