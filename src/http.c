/* http.c: libcurl wrapper (see http.h). One easy handle per struct http, so connections
 * (a Docker socket, a Eureka keep-alive) are reused across calls. */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

struct http {
	CURL *curl;
	struct http_opts opts;
	char errbuf[CURL_ERROR_SIZE];
};

struct xfer {
	struct http *h;
	const struct http_req *req;
	struct http_resp *resp;
	int sink_rc;
	struct esra_err sink_err;
	bool too_large;
};

int http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ESRA_OK : ESRA_ENOMEM;
}

void http_global_cleanup(void)
{
	curl_global_cleanup();
}

struct http *http_new(const struct http_opts *opts, struct esra_err *err)
{
	struct http *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		esra_err_set(err, ESRA_ENOMEM, "http: out of memory");
		return NULL;
	}
	h->opts = *opts;
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		free(h);
		esra_err_set(err, ESRA_ENOMEM, "http: cannot create a libcurl handle");
		return NULL;
	}
	return h;
}

void http_free(struct http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

void http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 0);
}

void http_resp_free(struct http_resp *r)
{
	buf_free(&r->body);
}

/* libcurl's progress callback: non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK). */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	const struct http *h = ud;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return *h->opts.stop != 0;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	long status = 0;

	curl_easy_getinfo(x->h->curl, CURLINFO_RESPONSE_CODE, &status);
	x->resp->bytes += n;
	if (status < 200 || status > 299) {
		/* keep the start of an error body for the message, drop the rest */
		size_t room = ESRA_MAX_ERROR_BODY > x->resp->body.len
		                  ? ESRA_MAX_ERROR_BODY - x->resp->body.len
		                  : 0;
		if (room > 0 && buf_append(&x->resp->body, data, n < room ? n : room) != 0)
			return 0;
		return n;
	}
	if (x->h->opts.max_body != 0 && x->resp->bytes > x->h->opts.max_body) {
		x->too_large = true;
		return 0;
	}
	if (x->req->sink != NULL) {
		x->sink_rc = x->req->sink(x->req->sink_ud, data, n, &x->sink_err);
		return x->sink_rc == 0 ? n : 0;
	}
	if (buf_append(&x->resp->body, data, n) != 0) {
		x->sink_rc = ESRA_ENOMEM;
		esra_err_set(&x->sink_err, ESRA_ENOMEM, "out of memory");
		return 0;
	}
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	static const char key[] = "content-type:";

	if (n > sizeof(key) - 1 && esra_strncasecmp(data, key, sizeof(key) - 1) == 0) {
		const char *v = data + sizeof(key) - 1;
		size_t len = n - (sizeof(key) - 1);
		while (len > 0 && (*v == ' ' || *v == '\t'))
			v++, len--;
		while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
			len--;
		if (len >= sizeof(x->resp->content_type))
			len = sizeof(x->resp->content_type) - 1;
		memcpy(x->resp->content_type, v, len);
		x->resp->content_type[len] = '\0';
	}
	/* a new response (redirect or 100-continue) starts over */
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		x->resp->content_type[0] = '\0';
		buf_reset(&x->resp->body);
		x->resp->bytes = 0;
	}
	return n;
}

/* What a TLS failure is called in a message ("" for other failures). */
static const char *tls_failure(CURLcode cc)
{
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		return "TLS: the server's certificate is not trusted: ";
	case CURLE_SSL_CONNECT_ERROR:
		return "TLS handshake failed: ";
	case CURLE_SSL_CERTPROBLEM:
		return "TLS: the client certificate cannot be used: ";
	case CURLE_SSL_CACERT_BADFILE:
		return "TLS: the CA file cannot be used: ";
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CIPHER:
		return "TLS: ";
	default:
		return "";
	}
}

int http_do(struct http *h, const struct http_req *req, struct http_resp *resp,
            struct esra_err *err)
{
	struct curl_slist *hdrs = NULL, *tmp;
	struct xfer x;
	char line[256], where[512];
	const char *method = req->method != NULL ? req->method : "GET";
	bool is_get = strcmp(method, "GET") == 0;
	CURL *c = h->curl;
	CURLcode cc;
	int rc = ESRA_OK;

	esra_redact_url(req->url, where, sizeof(where));
	if (is_get && h->opts.stop != NULL && *h->opts.stop != 0)
		return esra_err_set(err, ESRA_ESTOPPED, "%s %s: stopped", method, where);
	if (h->opts.get_only && strcmp(method, "GET") != 0)
		return esra_err_set(err, ESRA_EREFUSED,
		                    "%s %s: refused: this client only sends GET (esra never writes "
		                    "to this API)",
		                    method, where);
	memset(&x, 0, sizeof(x));
	x.h = h;
	x.req = req;
	x.resp = resp;
	buf_reset(&resp->body);
	resp->status = 0;
	resp->bytes = 0;
	resp->content_type[0] = '\0';

	curl_easy_reset(c);
	h->errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	                 h->opts.timeout_ms > 0 ? h->opts.timeout_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	                 h->opts.connect_timeout_ms > 0
	                     ? h->opts.connect_timeout_ms
	                     : (h->opts.timeout_ms > 0 ? h->opts.timeout_ms : 5000L));
	curl_easy_setopt(c, CURLOPT_USERAGENT,
	                 h->opts.user_agent != NULL ? h->opts.user_agent : "esra/" ESRA_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	/* pieces of 256 KiB, not 16: a 40 MB /tasks in fewer reads and parser calls */
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024L);
	if (h->opts.unix_socket != NULL)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, h->opts.unix_socket);
	if (h->opts.ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->opts.ca_file);
	if (h->opts.cert_file != NULL)
		curl_easy_setopt(c, CURLOPT_SSLCERT, h->opts.cert_file);
	if (h->opts.key_file != NULL)
		curl_easy_setopt(c, CURLOPT_SSLKEY, h->opts.key_file);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->opts.tls_verify ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->opts.tls_verify ? 2L : 0L);
	if (is_get && h->opts.stop != NULL) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}

	if (req->accept != NULL) {
		snprintf(line, sizeof(line), "Accept: %s", req->accept);
		if ((tmp = curl_slist_append(hdrs, line)) == NULL)
			goto nomem;
		hdrs = tmp;
	}
	if (req->body != NULL || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
		snprintf(line, sizeof(line), "Content-Type: %s",
		         req->content_type != NULL ? req->content_type : "application/json");
		if ((tmp = curl_slist_append(hdrs, line)) == NULL)
			goto nomem;
		hdrs = tmp;
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(req->body != NULL ? req->body_len : 0));
	}
	if ((tmp = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto nomem;
	hdrs = tmp;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);

	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (x.too_large) {
		rc = esra_err_set(err, ESRA_ETOOLARGE, "%s %s: response over %zu bytes", method,
		                  where, h->opts.max_body);
	} else if (x.sink_rc != 0) {
		rc = esra_err_set(err, x.sink_rc, "%s %s: %s", method, where, x.sink_err.msg);
	} else if (cc == CURLE_ABORTED_BY_CALLBACK) {
		rc = esra_err_set(err, ESRA_ESTOPPED, "%s %s: stopped", method, where);
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		rc = esra_err_set(err, ESRA_ETIMEOUT, "%s %s: no answer within %ld ms", method,
		                  where, h->opts.timeout_ms);
	} else if (cc != CURLE_OK) {
		rc = esra_err_set(err, ESRA_ECONNECT, "%s %s: %s%s", method, where, tls_failure(cc),
		                  h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc));
	}
	curl_slist_free_all(hdrs);
	return rc;
nomem:
	curl_slist_free_all(hdrs);
	return esra_err_set(err, ESRA_ENOMEM, "%s %s: out of memory", method, where);
}

int http_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = ESRA_OK;

	for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			rc = buf_append(b, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			rc = buf_append(b, e, 3);
		}
	}
	return rc;
}
