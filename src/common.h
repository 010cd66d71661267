/* common.h: what every esra module shares: status codes, the error record callers print,
 * and small attribute macros. No state lives here. */
#ifndef ESRA_COMMON_H
#define ESRA_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESRA_WUR          __attribute__((warn_unused_result))
#define ESRA_PRINTF(a, b) __attribute__((format(printf, a, b)))
/* An intended fall-through to the next case label (gcc and clang both check this one). */
#define ESRA_FALLTHROUGH __attribute__((fallthrough))

/* File-local helpers that unit tests need are marked ESRA_STATIC: `static` in the product,
 * visible (with a prototype in the module's header under ESRA_TESTING) in the test build. */
#ifdef ESRA_TESTING
#define ESRA_STATIC
#else
#define ESRA_STATIC static
#endif

/* Status codes: 0 is success, every failure is negative. */
enum esra_status {
	ESRA_OK = 0,
	ESRA_EINVAL = -1,       /* bad argument or usage */
	ESRA_ENOMEM = -2,       /* out of memory */
	ESRA_ECONFIG = -3,      /* configuration file or environment is wrong */
	ESRA_ECONNECT = -4,     /* could not connect, or the transfer broke */
	ESRA_ETIMEOUT = -5,     /* a source did not answer in time */
	ESRA_EHTTP = -6,        /* an HTTP status the caller did not expect */
	ESRA_ENOTREADY = -7,    /* Eureka answered 403: server not ready (never "empty") */
	ESRA_EAUTH = -8,        /* 401: credentials missing or wrong */
	ESRA_ENOTFOUND = -9,    /* 404, or a name that does not exist */
	ESRA_EPARSE = -10,      /* a payload is malformed */
	ESRA_ETOOLARGE = -11,   /* a payload or value is over its cap in limits.h */
	ESRA_ENOTMANAGER = -12, /* Docker: this node is not a swarm manager (503) */
	ESRA_EDNS = -13,        /* DNS could not be asked at all */
	ESRA_EIO = -14,         /* a local file or system call failed */
	ESRA_EREFUSED = -15,    /* a safety rule refused an action */
	ESRA_ESTOPPED = -16,    /* the caller asked to stop (SIGTERM in watch) */
};

/* The error record: a code plus a message naming its source. Callers own it (usually on the
 * stack); functions fill it on failure. msg never holds credentials: esra_err_set redacts
 * URL userinfo. */
struct esra_err {
	int code;
	char msg[256];
};

/* Fill err (NULL tolerated) and return code, so `return esra_err_set(err, ...)` reads well. */
int esra_err_set(struct esra_err *err, int code, const char *fmt, ...) ESRA_PRINTF(3, 4);
/* Prefix an existing message with more context ("eureka http://x: " + old). */
int esra_err_prefix(struct esra_err *err, const char *fmt, ...) ESRA_PRINTF(2, 3);
void esra_err_clear(struct esra_err *err);
const char *esra_strerror(int code);

/* Replace the userinfo of every URL in s ("user:pw@" after the scheme becomes "***@"),
 * in place. Used by esra_err_set and by log.c, so no call site can leak a password. */
void esra_redact(char *s);
/* Copy url into out (size outsz) with its userinfo removed. */
void esra_redact_url(const char *url, char *out, size_t outsz);

/* A short printable excerpt of the n bytes at s for an error message, into out (size
 * outsz): bytes outside printable ASCII become '?', a cut is marked "...". */
void esra_excerpt(const char *s, size_t n, char *out, size_t outsz);

/* Case-insensitive ASCII comparisons (locale independent). */
int esra_strcasecmp(const char *a, const char *b);
int esra_strncasecmp(const char *a, const char *b, size_t n);

/* Milliseconds since the epoch, wall clock; and a monotonic clock in milliseconds. */
int64_t esra_now_ms(void);
int64_t esra_mono_ms(void);

/* The one timestamp format (UTC, RFC 3339): epoch ms as "2026-11-24T21:00:00Z", or with
 * millis "2026-11-24T21:00:00.639Z", into out (ESRA_TIME_MAX bytes is always enough).
 * Returns out. */
#define ESRA_TIME_MAX 32
char *esra_format_time(int64_t ms, bool millis, char *out, size_t outsz);

#endif
