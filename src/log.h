/* log.h: the only diagnostics sink. Writes to stderr as text or JSON lines, saves errno,
 * and redacts URL userinfo itself so no caller can leak a password. */
#ifndef ESRA_LOG_H
#define ESRA_LOG_H

#include "common.h"

enum log_level { ESRA_LOG_ERROR = 0, ESRA_LOG_WARN, ESRA_LOG_INFO, ESRA_LOG_DEBUG };

/* Process-wide settings, set once by agent/ (the sink is the one global of the library). */
void log_setup(enum log_level level, bool json);
/* The level names, by enum log_level, NULL-terminated: "error", "warn", "info", "debug". */
extern const char *const log_level_names[];
/* Parse a level name (case-insensitive); -1 when unknown. */
int log_level_parse(const char *s);

void log_error(const char *fmt, ...) ESRA_PRINTF(1, 2);
void log_warn(const char *fmt, ...) ESRA_PRINTF(1, 2); /* appends ": strerror(errno)" */
void log_warnx(const char *fmt, ...) ESRA_PRINTF(1, 2);
void log_info(const char *fmt, ...) ESRA_PRINTF(1, 2);
void log_debug(const char *fmt, ...) ESRA_PRINTF(1, 2);

#endif
