/* log.c: the only place that writes diagnostics (stderr, text or JSON lines). Saves errno,
 * redacts URL userinfo in every message. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"

static enum log_level log_level = ESRA_LOG_INFO;
static bool log_json;

void log_setup(enum log_level level, bool json)
{
	log_level = level;
	log_json = json;
}

int log_level_parse(const char *s)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (esra_strcasecmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

ESRA_PRINTF(3, 0)
static void vlog(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	char msg[2048], ts[32];
	struct tm tm;
	time_t now = time(NULL);

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (suffix != NULL) {
		size_t len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", suffix);
	}
	esra_redact(msg);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (log_json) {
		struct buf b;
		buf_init(&b, 0);
		if (buf_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":", ts,
		               names[level]) == 0 &&
		    buf_json_str(&b, msg) == 0 && buf_puts(&b, "}\n") == 0)
			fputs(b.data, stderr);
		buf_free(&b);
	} else {
		fprintf(stderr, "%s esra %s: %s\n", ts, names[level], msg);
	}
}

#define LOG_BODY(level, suffix)                                                                    \
	do {                                                                                       \
		int saved = errno;                                                                 \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vlog(level, suffix, fmt, ap);                                                      \
		va_end(ap);                                                                        \
		errno = saved;                                                                     \
	} while (0)

void log_error(const char *fmt, ...)
{
	LOG_BODY(ESRA_LOG_ERROR, NULL);
}
void log_warnx(const char *fmt, ...)
{
	LOG_BODY(ESRA_LOG_WARN, NULL);
}
void log_info(const char *fmt, ...)
{
	LOG_BODY(ESRA_LOG_INFO, NULL);
}
void log_debug(const char *fmt, ...)
{
	LOG_BODY(ESRA_LOG_DEBUG, NULL);
}

void log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(ESRA_LOG_WARN, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}
