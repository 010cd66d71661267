/* eureka.c: the Eureka REST client: reads the registry from the configured peers (failing
 * over as eureka.h says), feeding each body to the parser (eureka_parse.c) as it arrives,
 * and performs the few REST writes act.c asks for. Never logs, never prints or stores a URL
 * with its userinfo, never sends the peer replication header. */
#include "eureka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "eureka_parse.h"
#include "http.h"
#include "limits.h"

struct eureka {
	struct http **http; /* one connection per peer: peers may be read at the same time */
	enum eureka_format format;
	size_t n;
	char **urls;     /* with userinfo, ending in '/'; never put into a message */
	char **shown;    /* the same without userinfo */
	uint64_t *bytes; /* per peer */
};

struct eureka *eureka_new(const struct eureka_opts *opts, struct esra_err *err)
{
	struct eureka *e = NULL;
	struct http_opts ho;

	if (opts == NULL || opts->n_urls == 0 || opts->urls == NULL) {
		esra_err_set(err, ESRA_ECONFIG, "eureka: no urls configured");
		return NULL;
	}
	if (opts->n_urls > ESRA_MAX_URLS) {
		esra_err_set(err, ESRA_ECONFIG, "eureka: %zu urls, at most %d", opts->n_urls,
		             ESRA_MAX_URLS);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		goto nomem;
	e->format = opts->format;
	e->urls = calloc(opts->n_urls, sizeof(*e->urls));
	e->shown = calloc(opts->n_urls, sizeof(*e->shown));
	e->http = calloc(opts->n_urls, sizeof(*e->http));
	e->bytes = calloc(opts->n_urls, sizeof(*e->bytes));
	if (e->urls == NULL || e->shown == NULL || e->http == NULL || e->bytes == NULL)
		goto nomem;
	for (size_t i = 0; i < opts->n_urls; i++, e->n++) {
		const char *u = opts->urls[i];
		size_t len = u != NULL ? strlen(u) : 0;
		bool slash = len > 0 && u[len - 1] == '/';
		/* never print the url itself here: without a scheme, redaction cannot find
		 * its userinfo */
		if (len == 0 || len > ESRA_MAX_STRING ||
		    (esra_strncasecmp(u, "http://", 7) != 0 &&
		     esra_strncasecmp(u, "https://", 8) != 0) ||
		    strpbrk(u, " \t\r\n?#") != NULL) {
			esra_err_set(
			    err, ESRA_ECONFIG,
			    "eureka: urls[%zu] is not an http:// or https:// base URL (a space, "
			    "'?' or '#' in it must be percent-encoded)",
			    i);
			goto fail;
		}
		e->urls[i] = malloc(len + 2);
		e->shown[i] = malloc(len + 2);
		if (e->urls[i] == NULL || e->shown[i] == NULL) {
			free(e->urls[i]);
			free(e->shown[i]);
			goto nomem;
		}
		snprintf(e->urls[i], len + 2, "%s%s", u, slash ? "" : "/");
		esra_redact_url(e->urls[i], e->shown[i], len + 2);
	}
	memset(&ho, 0, sizeof(ho));
	ho.timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 5000;
	ho.max_body = opts->max_body != 0 ? opts->max_body : ESRA_MAX_EUREKA_BODY;
	ho.tls_verify = !opts->no_tls_verify;
	ho.ca_file = opts->ca_file;
	ho.cert_file = opts->cert_file;
	ho.key_file = opts->key_file;
	ho.stop = opts->stop;
	for (size_t i = 0; i < e->n; i++)
		if ((e->http[i] = http_new(&ho, err)) == NULL)
			goto fail;
	return e;
nomem:
	esra_err_set(err, ESRA_ENOMEM, "eureka: out of memory");
fail:
	eureka_free(e);
	return NULL;
}

void eureka_free(struct eureka *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++) {
		if (e->http != NULL)
			http_free(e->http[i]);
		free(e->urls[i]);
		free(e->shown[i]);
	}
	free(e->http);
	free(e->bytes);
	free(e->urls);
	free(e->shown);
	free(e);
}

size_t eureka_peer_count(const struct eureka *e)
{
	return e->n;
}

const char *eureka_peer_url(const struct eureka *e, size_t peer)
{
	return peer < e->n ? e->shown[peer] : "";
}

uint64_t eureka_bytes_received(const struct eureka *e)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < e->n; i++)
		sum += e->bytes[i];
	return sum;
}

static const char *accept_type(const struct eureka *e)
{
	return e->format == EUREKA_XML ? "application/xml" : "application/json";
}

/* base + "apps" [+ "/" esc(app) [+ "/" esc(id)]] + suffix */
static int build_url(const struct eureka *e, size_t peer, const char *path, const char *app,
                     const char *id, const char *suffix, struct buf *b, struct esra_err *err)
{
	int rc = buf_puts(b, e->urls[peer]);

	if (rc == 0)
		rc = buf_puts(b, path);
	if (rc == 0 && app != NULL)
		rc = buf_puts(b, "/") != 0 ? ESRA_ENOMEM : http_escape(b, app);
	if (rc == 0 && id != NULL)
		rc = buf_puts(b, "/") != 0 ? ESRA_ENOMEM : http_escape(b, id);
	if (rc == 0 && suffix != NULL)
		rc = buf_puts(b, suffix);
	if (rc != 0)
		return esra_err_set(err, ESRA_ENOMEM, "eureka: out of memory");
	return ESRA_OK;
}

/* A message for a non-2xx answer; the body start helps (redacted by esra_err_set). */
static int status_error(const struct eureka *e, size_t peer, const char *method, const char *what,
                        const struct http_resp *resp, struct esra_err *err)
{
	const char *u = e->shown[peer];
	char ex[80];

	esra_excerpt(resp->body.data != NULL ? resp->body.data : "", resp->body.len, ex,
	             sizeof(ex));
	switch (resp->status) {
	case 401:
		return esra_err_set(err, ESRA_EAUTH,
		                    "eureka %s: 401 Unauthorized for %s %s: credentials missing or "
		                    "wrong (user:password in the url)",
		                    u, method, what);
	case 403:
		return esra_err_set(err, ESRA_ENOTREADY,
		                    "eureka %s: 403 Forbidden for %s %s: the server refuses reads "
		                    "(not ready, e.g. just started with an empty registry)",
		                    u, method, what);
	case 404:
		return esra_err_set(err, ESRA_ENOTFOUND, "eureka %s: 404 Not Found for %s %s", u,
		                    method, what);
	default:
		return esra_err_set(err, ESRA_EHTTP, "eureka %s: HTTP %ld for %s %s%s%s", u,
		                    resp->status, method, what, ex[0] ? ": " : "", ex);
	}
}

static int parse_sink(void *ud, const char *data, size_t n, struct esra_err *err)
{
	return eureka_parser_feed(ud, data, n, err);
}

/* One GET that returns a registry; *status gets the HTTP status (0 when none). */
static int get_registry(struct eureka *e, size_t peer, const char *path, const char *app,
                        const char *id, struct eu_registry **out, long *status,
                        struct esra_err *err)
{
	struct buf url;
	struct http_resp resp;
	struct http_req req;
	struct eureka_parser *parser = NULL;
	char what[128];
	int rc;

	*out = NULL;
	*status = 0;
	if (peer >= e->n)
		return esra_err_set(err, ESRA_EINVAL, "eureka: no peer %zu (%zu configured)", peer,
		                    e->n);
	buf_init(&url, 0);
	http_resp_init(&resp);
	snprintf(what, sizeof(what), "%s%s%s%s%s", path, app ? "/" : "", app ? app : "",
	         id ? "/" : "", id ? id : "");
	rc = build_url(e, peer, path, app, id, NULL, &url, err);
	if (rc != ESRA_OK)
		goto out;
	parser = eureka_parser_new();
	if (parser == NULL) {
		rc = esra_err_set(err, ESRA_ENOMEM, "eureka: out of memory");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url.data;
	req.accept = accept_type(e);
	req.sink = parse_sink;
	req.sink_ud = parser;
	rc = http_do(e->http[peer], &req, &resp, err);
	e->bytes[peer] += resp.bytes;
	*status = resp.status;
	if (rc != ESRA_OK) {
		esra_err_prefix(err, "eureka: ");
		goto out;
	}
	if (resp.status < 200 || resp.status > 299) {
		rc = status_error(e, peer, "GET", what, &resp, err);
		goto out;
	}
	rc = eureka_parser_finish(parser, out, err);
	if (rc != ESRA_OK) {
		esra_err_prefix(err, "eureka %s: GET %s: ", e->shown[peer], what);
		goto out;
	}
	(*out)->source_url = pool_strdup((*out)->pool, e->shown[peer]);
	if ((*out)->source_url == NULL) {
		model_reg_free(*out);
		*out = NULL;
		rc = esra_err_set(err, ESRA_ENOMEM, "eureka: out of memory");
	}
out:
	eureka_parser_free(parser);
	http_resp_free(&resp);
	buf_free(&url);
	return rc;
}

int eureka_fetch_peer(struct eureka *e, size_t peer, struct eu_registry **out, struct esra_err *err)
{
	long status;

	return get_registry(e, peer, "apps", NULL, NULL, out, &status, err);
}

int eureka_fetch_delta(struct eureka *e, size_t peer, struct eu_registry **out,
                       struct esra_err *err)
{
	long status;

	return get_registry(e, peer, "apps/delta", NULL, NULL, out, &status, err);
}

static bool failover(int rc, long status)
{
	return rc == ESRA_ECONNECT || rc == ESRA_ETIMEOUT || rc == ESRA_ENOTREADY ||
	       (rc == ESRA_EHTTP && status >= 500 && status <= 599);
}

int eureka_fetch(struct eureka *e, struct eu_registry **out, size_t *peer, struct esra_err *err)
{
	size_t n403 = 0;
	int rc = ESRA_EINVAL;

	*out = NULL;
	if (peer != NULL)
		*peer = MODEL_NONE;
	for (size_t i = 0; i < e->n; i++) {
		long status = 0;
		rc = get_registry(e, i, "apps", NULL, NULL, out, &status, err);
		if (rc == ESRA_OK) {
			if (peer != NULL)
				*peer = i;
			return ESRA_OK;
		}
		if (!failover(rc, status))
			return rc;
		if (rc == ESRA_ENOTREADY)
			n403++;
	}
	if (e->n > 1 && n403 == e->n)
		return esra_err_set(err, ESRA_ENOTREADY,
		                    "eureka: all %zu peers answered 403: the servers refuse reads "
		                    "(not ready, e.g. just started with an empty registry)",
		                    e->n);
	if (e->n > 1)
		return esra_err_prefix(err, "eureka: all %zu peers failed; last: ", e->n);
	return rc;
}

int eureka_get_instance(struct eureka *e, size_t peer, const char *app, const char *id,
                        struct eu_registry **out, struct esra_err *err)
{
	long status;
	int rc;

	*out = NULL;
	if (app == NULL || id == NULL || app[0] == '\0' || id[0] == '\0')
		return esra_err_set(err, ESRA_EINVAL,
		                    "eureka: get instance needs an app and an id");
	rc = get_registry(e, peer, "apps", app, id, out, &status, err);
	if (rc == ESRA_OK && (*out)->n_inst != 1) {
		rc = esra_err_set(err, ESRA_EPARSE,
		                  "eureka %s: GET apps/%s/%s: %zu instances in "
		                  "the answer, expected 1",
		                  e->shown[peer], app, id, (*out)->n_inst);
		model_reg_free(*out);
		*out = NULL;
	}
	return rc;
}

/* A write: 2xx is success; *status gets the HTTP status (0 when there was no answer). */
static int write_req(struct eureka *e, size_t peer, const char *method, const char *app,
                     const char *id, const char *suffix, long *status, struct esra_err *err)
{
	struct buf url;
	struct http_resp resp;
	struct http_req req;
	char what[160];
	long st = 0;
	int rc;

	if (status != NULL)
		*status = 0;
	if (peer >= e->n)
		return esra_err_set(err, ESRA_EINVAL, "eureka: no peer %zu (%zu configured)", peer,
		                    e->n);
	if (app == NULL || id == NULL || app[0] == '\0' || id[0] == '\0')
		return esra_err_set(err, ESRA_EINVAL, "eureka: %s needs an app and an id", method);
	buf_init(&url, 0);
	http_resp_init(&resp);
	snprintf(what, sizeof(what), "apps/%s/%s%s", app, id, suffix != NULL ? suffix : "");
	rc = build_url(e, peer, "apps", app, id, suffix, &url, err);
	if (rc != ESRA_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url.data;
	req.accept = accept_type(e);
	rc = http_do(e->http[peer], &req, &resp, err);
	e->bytes[peer] += resp.bytes;
	st = resp.status;
	if (rc != ESRA_OK) {
		esra_err_prefix(err, "eureka: ");
		goto out;
	}
	if (resp.status < 200 || resp.status > 299) {
		rc = status_error(e, peer, method, what, &resp, err);
		if (rc == ESRA_ENOTREADY) /* 403 on a write is a refusal, not "not ready" */
			rc = esra_err_set(err, ESRA_EHTTP, "eureka %s: 403 Forbidden for %s %s",
			                  e->shown[peer], method, what);
	}
out:
	if (status != NULL)
		*status = st;
	http_resp_free(&resp);
	buf_free(&url);
	return rc;
}

int eureka_delete_instance(struct eureka *e, size_t peer, const char *app, const char *id,
                           long *status, struct esra_err *err)
{
	return write_req(e, peer, "DELETE", app, id, NULL, status, err);
}

int eureka_set_status(struct eureka *e, size_t peer, const char *app, const char *id,
                      enum eu_status st, long *status, struct esra_err *err)
{
	char suffix[48];

	snprintf(suffix, sizeof(suffix), "/status?value=%s", model_eu_status_name(st));
	return write_req(e, peer, "PUT", app, id, suffix, status, err);
}

int eureka_clear_status(struct eureka *e, size_t peer, const char *app, const char *id,
                        long *status, struct esra_err *err)
{
	return write_req(e, peer, "DELETE", app, id, "/status?value=UP", status, err);
}
