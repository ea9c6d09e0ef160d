/* log: journal, file or stderr logging with syslog priorities. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

static struct {
	char ident[32];
	enum log_target target;
	char *path;
	int fd; /* file target: -1 until the first message */
	bool also_stderr;
	enum log_level level;
} logger = {"zccache", LOG_TARGET_STDERR, NULL, -1, false, LOG_LEVEL_INFO};

static const char *const level_names[] = {
        [LOG_LEVEL_ERR] = "error", [LOG_LEVEL_WARNING] = "warning", [LOG_LEVEL_NOTICE] = "notice",
        [LOG_LEVEL_INFO] = "info", [LOG_LEVEL_DEBUG] = "debug",
};

void log_open(const char *ident, enum log_target target, const char *path, bool also_stderr)
{
	log_close();
	snprintf(logger.ident, sizeof(logger.ident), "%s", ident);
	logger.target = target;
	logger.path = path ? strdup(path) : NULL;
	logger.also_stderr = also_stderr;
}

void log_close(void)
{
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
	free(logger.path);
	logger.path = NULL;
}

void log_set_level(enum log_level level)
{
	logger.level = level;
}

enum log_level log_get_level(void)
{
	return logger.level;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (level_names[i] && strcmp(level_names[i], s) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcmp(s, "warn") == 0) {
		*out = LOG_LEVEL_WARNING;
		return 0;
	}
	return -EINVAL;
}

const char *log_level_name(enum log_level level)
{
	if ((size_t)level < sizeof(level_names) / sizeof(level_names[0]) && level_names[level])
		return level_names[level];
	return "unknown";
}

bool log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* One write_all() per line: concurrent appenders never interleave. */
static void log_emit(enum log_level level, const char *msg)
{
	char line[4096];
	int n;

	if (level > logger.level && !(logger.also_stderr && level <= LOG_LEVEL_DEBUG))
		return;
	if (logger.also_stderr) {
		n = snprintf(line, sizeof(line), "%s: %s\n", logger.ident, msg);
		(void)write_all(STDERR_FILENO, line,
		                n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
		if (logger.target != LOG_TARGET_FILE)
			return;
	}
	if (level > logger.level)
		return;

	switch (logger.target) {
	case LOG_TARGET_JOURNAL:
		n = snprintf(line, sizeof(line), "<%d>%s\n", (int)level, msg);
		(void)write_all(STDERR_FILENO, line,
		                n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
		break;
	case LOG_TARGET_STDERR:
		n = snprintf(line, sizeof(line), "%s: %s: %s\n", logger.ident,
		             log_level_name(level), msg);
		(void)write_all(STDERR_FILENO, line,
		                n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
		break;
	case LOG_TARGET_FILE: {
		struct timespec ts;
		struct tm tm;
		char when[32];

		if (logger.fd < 0 && logger.path)
			logger.fd =
			        open(logger.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (logger.fd < 0)
			return;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%ld]: %s: %s\n", when,
		             ts.tv_nsec / 1000000, logger.ident, (long)getpid(),
		             log_level_name(level), msg);
		(void)write_all(logger.fd, line,
		                n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
		break;
	}
	}
}

/* One message, one line: a newline quoted from a request ("10G\nfake
 * entry") must not forge a second one. */
static void one_line(char *msg)
{
	for (unsigned char *p = (unsigned char *)msg; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			*p = '?';
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[3072];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	one_line(msg);
	log_emit(level, msg);
	errno = saved;
}

void log_errno(enum log_level level, int err, const char *fmt, ...)
{
	char msg[3072];
	va_list ap;
	size_t n;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(err < 0 ? -err : err));
	one_line(msg);
	log_emit(level, msg);
	errno = saved;
}

_Noreturn void fatalx(const char *fmt, ...)
{
	char msg[3072];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	one_line(msg);
	log_emit(LOG_LEVEL_ERR, msg);
	exit(1);
}
