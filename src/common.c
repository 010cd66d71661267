/* common.c: the error record, URL redaction and clocks every module uses. */
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int esra_err_set(struct esra_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	esra_redact(err->msg);
	return code;
}

int esra_err_prefix(struct esra_err *err, const char *fmt, ...)
{
	char head[sizeof(err->msg)], old[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return ESRA_EINVAL;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s%s", head, old);
	esra_redact(err->msg);
	return err->code;
}

void esra_err_clear(struct esra_err *err)
{
	if (err == NULL)
		return;
	err->code = ESRA_OK;
	err->msg[0] = '\0';
}

const char *esra_strerror(int code)
{
	switch (code) {
	case ESRA_OK:
		return "ok";
	case ESRA_EINVAL:
		return "invalid argument";
	case ESRA_ENOMEM:
		return "out of memory";
	case ESRA_ECONFIG:
		return "configuration error";
	case ESRA_ECONNECT:
		return "connection failed";
	case ESRA_ETIMEOUT:
		return "timed out";
	case ESRA_EHTTP:
		return "unexpected HTTP status";
	case ESRA_ENOTREADY:
		return "server not ready";
	case ESRA_EAUTH:
		return "authentication failed";
	case ESRA_ENOTFOUND:
		return "not found";
	case ESRA_EPARSE:
		return "malformed payload";
	case ESRA_ETOOLARGE:
		return "too large";
	case ESRA_ENOTMANAGER:
		return "not a swarm manager";
	case ESRA_EDNS:
		return "DNS failure";
	case ESRA_EIO:
		return "I/O error";
	case ESRA_EREFUSED:
		return "refused by a safety rule";
	case ESRA_ESTOPPED:
		return "stopped";
	}
	return "unknown error";
}

/* In "scheme://user:pw@host/...", the userinfo ends at the last '@' before the next '/', '?',
 * '#', whitespace or quote. */
void esra_redact(char *s)
{
	char *p = s;

	if (s == NULL)
		return;
	while ((p = strstr(p, "://")) != NULL) {
		char *start = p + 3, *q = start, *at = NULL;

		while (*q != '\0' && *q != '/' && *q != '?' && *q != '#' && *q != ' ' &&
		       *q != '\t' && *q != '\n' && *q != '"' && *q != '\'' && *q != ',' &&
		       *q != '>' && *q != '<') {
			if (*q == '@')
				at = q;
			q++;
		}
		if (at != NULL && !(at == start + 3 && memcmp(start, "***", 3) == 0)) {
			memmove(start + 3, at, strlen(at) + 1);
			memcpy(start, "***", 3);
			p = start + 4;
		} else {
			p = start;
		}
	}
}

void esra_redact_url(const char *url, char *out, size_t outsz)
{
	if (outsz == 0)
		return;
	snprintf(out, outsz, "%s", url != NULL ? url : "");
	esra_redact(out);
}

void esra_excerpt(const char *s, size_t n, char *out, size_t outsz)
{
	size_t w = 0;

	for (size_t i = 0; i < n && w + 4 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		out[w++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
	}
	if (n > 0 && w + 4 >= outsz && outsz > 4) {
		memcpy(out + w, "...", 3);
		w += 3;
	}
	out[w] = '\0';
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int esra_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = lower((unsigned char)*a), cb = lower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

int esra_strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; a++, b++, n--) {
		int ca = lower((unsigned char)*a), cb = lower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
	return 0;
}

int64_t esra_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *esra_format_time(int64_t ms, bool millis, char *out, size_t outsz)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t len;

	if (outsz == 0)
		return out;
	out[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL)
		return out;
	len = strftime(out, outsz, "%Y-%m-%dT%H:%M:%S", &tm);
	if (millis)
		snprintf(out + len, outsz - len, ".%03dZ", (int)((ms % 1000 + 1000) % 1000));
	else
		snprintf(out + len, outsz - len, "Z");
	return out;
}

int64_t esra_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
