/*
 * log: one place where the three programs say what happened. The server logs
 * to the journal (stderr with <N> prefixes when $JOURNAL_STREAM is stderr), to
 * a file, or to plain stderr in the foreground. The launcher logs only to the
 * file, opened lazily, so that nothing it says lands in the compiler's output.
 */
#ifndef ZCCACHE_LOG_H
#define ZCCACHE_LOG_H

#include <stdbool.h>

/* Syslog priorities; the numbers are what the journal's <N> prefix uses. */
enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

enum log_target {
	LOG_TARGET_STDERR,  /* plain lines, for --foreground and tools */
	LOG_TARGET_JOURNAL, /* stderr, each line prefixed with <N> */
	LOG_TARGET_FILE,    /* appended to a file, opened at first use */
};

/*
 * Set where messages go. ident names the program in file lines. path is
 * used with LOG_TARGET_FILE and copied. also_stderr mirrors every message on
 * stderr (the launcher's ZCCACHE_DEBUG).
 */
void log_open(const char *ident, enum log_target target, const char *path, bool also_stderr);
void log_close(void);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "error", "warning", "notice", "info", "debug". Returns 0 or -EINVAL. */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level level);

/* True when $JOURNAL_STREAM names the device and inode of our stderr. */
bool log_stderr_is_journal(void);

/* The *_errno forms append ": strerror(err)"; err may be negative. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_errno(enum log_level level, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_err(...)    log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warnx(...)  log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
/* Warn with the current errno appended. */
#define log_warn(...) log_errno(LOG_LEVEL_WARNING, errno, __VA_ARGS__)

/* For impossible states only: log and exit(1). */
_Noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
