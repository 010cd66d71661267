/* log.c: the only place that writes diagnostics (stderr, text or JSON lines). Saves errno,
 * redacts URL userinfo in every message. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

static enum log_level log_level = ESRA_LOG_INFO;
static bool log_json;

void log_setup(enum log_level level, bool json)
{
	log_level = level;
	log_json = json;
}

const char *const log_level_names[] = {
    [ESRA_LOG_ERROR] = "error", [ESRA_LOG_WARN] = "warn",    [ESRA_LOG_INFO] = "info",
    [ESRA_LOG_DEBUG] = "debug", [ESRA_LOG_DEBUG + 1] = NULL,
};

int log_level_parse(const char *s)
{
	for (size_t i = 0; log_level_names[i] != NULL; i++)
		if (esra_strcasecmp(s, log_level_names[i]) == 0)
			return (int)i;
	return -1;
}

ESRA_PRINTF(3, 0)
static void vlog(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	const char *const *names = log_level_names;
	char msg[2048], ts[ESRA_TIME_MAX];

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (suffix != NULL) {
		size_t len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", suffix);
	}
	esra_redact(msg);
	esra_format_time(esra_now_ms(), false, ts, sizeof(ts));
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
