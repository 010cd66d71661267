/* http.h: one reusable HTTP client (a libcurl easy handle) for Eureka and the Docker Engine:
 * unix sockets, TLS (server verification, client certificates), timeouts, body caps,
 * streaming bodies, and a GET-only mode for a reader that must never write.
 * Never logs; errors name the (redacted) URL. A struct http is owned by its creator. */
#ifndef ESRA_HTTP_H
#define ESRA_HTTP_H

#include "buf.h"
#include <signal.h>

#include "common.h"

struct http;

struct http_opts {
	const char *unix_socket; /* path, or NULL for TCP */
	long timeout_ms;         /* whole transfer */
	long connect_timeout_ms; /* 0 = timeout_ms */
	bool tls_verify;         /* verify the server's certificate and name (https://) against
	                            ca_file, NULL = the system CA store */
	const char *ca_file, *cert_file, *key_file; /* NULL = none; cert+key: mutual TLS */
	bool get_only;   /* refuse every method but GET (ESRA_EREFUSED), before any connection */
	size_t max_body; /* cap on a 2xx body; 0 = no cap */
	const char *user_agent; /* NULL = "esra/VERSION" */
	/* NULL, or a flag (set by a signal handler): once non-zero, a GET is not started, and
	 * one under way is aborted within libcurl's progress interval (a signal interrupting
	 * its wait makes that at once): ESRA_ESTOPPED. Writes are never cut short. */
	const volatile sig_atomic_t *stop;
};

/* A 2xx body is handed to the sink in pieces as it arrives; a non-zero return stops the
 * transfer and that code is returned from http_do (set the message in sink_err). */
typedef int (*http_sink_fn)(void *ud, const char *data, size_t n, struct esra_err *sink_err);

struct http_req {
	const char *method;       /* "GET" (default), "PUT", "POST", "DELETE" */
	const char *url;          /* may carry user:password@ (basic auth), never printed */
	const char *accept;       /* Accept header, NULL = none */
	const char *content_type; /* for a body */
	const char *body;
	size_t body_len;
	http_sink_fn sink; /* NULL: the 2xx body is collected in resp->body */
	void *sink_ud;
};

struct http_resp {
	long status;     /* HTTP status, 0 when no answer */
	size_t bytes;    /* body bytes received */
	struct buf body; /* 2xx body without a sink; else a non-2xx body (capped) */
	char content_type[96];
};

struct http *http_new(const struct http_opts *opts, struct esra_err *err);
void http_free(struct http *h);
void http_resp_init(struct http_resp *r);
void http_resp_free(struct http_resp *r);

/* Perform one request. Returns ESRA_OK when an HTTP answer arrived, whatever its status
 * (the caller judges resp->status); ESRA_ECONNECT / ESRA_ETIMEOUT when there was none (a TLS
 * handshake or verification failure is ESRA_ECONNECT, the message says "TLS" and libcurl's
 * reason; the request, with any userinfo credential, is only sent after the handshake
 * verified the peer); ESRA_ETOOLARGE over max_body; ESRA_EREFUSED for a method other than
 * GET on a get_only handle (nothing is sent); or the sink's code. */
int http_do(struct http *h, const struct http_req *req, struct http_resp *resp,
            struct esra_err *err) ESRA_WUR;

/* Percent-encode s for a URL path segment or query value into b. */
int http_escape(struct buf *b, const char *s) ESRA_WUR;

/* The process-wide libcurl init/cleanup, called once by agent/ and tests. */
int http_global_init(void);
void http_global_cleanup(void);

#endif
