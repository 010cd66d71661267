/* docker.c: the Docker Engine API client: negotiates the API version and reads every
 * endpoint into an sw_view (see docker.h), each answer streamed into the payload parser
 * (docker_parse.c) as it arrives. It must never log, never send anything but GET, and never
 * hand out a view that is missing a part it should have read. */
#include "docker.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "docker_parse.h"
#include "limits.h"

/* Connections read at the same time: /tasks, /services + /nodes, /networks + their verbose
 * views, /containers + inspects. */
#define DOCKER_LANES 4

struct docker {
	struct http *http;                /* lane 0, and everything outside docker_read */
	struct http *lanes[DOCKER_LANES]; /* lanes[0] == http */
	char host[512];                   /* opts->host, for messages */
	char base[512]; /* "http://localhost" (unix socket) or "http(s)://host:port" */
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char ca[1024], cert[1024], key[1024];
	char version[DOCKER_VERSION_MAX]; /* negotiated, "" until then */
	long events_seconds;              /* opts->events_seconds */
};

/* ---------------------------------------------------------------- version */

/* "1.41" -> 1, 41. Anything else is malformed. */
static int version_parse(const char *s, int *major, int *minor)
{
	char *end;
	long a, b;

	if (s[0] < '0' || s[0] > '9')
		return ESRA_EPARSE;
	a = strtol(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9' || a > 999)
		return ESRA_EPARSE;
	b = strtol(end + 1, &end, 10);
	if (*end != '\0' || b > 999)
		return ESRA_EPARSE;
	*major = (int)a;
	*minor = (int)b;
	return ESRA_OK;
}

static int version_cmp(int a_major, int a_minor, int b_major, int b_minor)
{
	if (a_major != b_major)
		return a_major < b_major ? -1 : 1;
	return a_minor < b_minor ? -1 : a_minor > b_minor;
}

/* min(daemon ApiVersion, newest) when that is at least the oldest esra reads and at least
 * what the daemon accepts (MinAPIVersion). */
static int version_pick(const char *api, const char *min_api, char *out, size_t outsz,
                        struct esra_err *err)
{
	int maj, min, lo_maj, lo_min, hi_maj, hi_min, dmin_maj, dmin_min;

	if (version_parse(DOCKER_API_OLDEST, &lo_maj, &lo_min) != ESRA_OK ||
	    version_parse(DOCKER_API_NEWEST, &hi_maj, &hi_min) != ESRA_OK)
		return esra_err_set(err, ESRA_EINVAL, "docker: bad built-in API versions");
	if (version_parse(api, &maj, &min) != ESRA_OK)
		return esra_err_set(err, ESRA_EPARSE, "ApiVersion \"%.20s\" is not a version", api);
	if (version_cmp(maj, min, lo_maj, lo_min) < 0)
		return esra_err_set(err, ESRA_EINVAL,
		                    "the daemon speaks Engine API %d.%d, older than %s, the oldest "
		                    "esra reads (Docker 20.10)",
		                    maj, min, DOCKER_API_OLDEST);
	if (version_cmp(maj, min, hi_maj, hi_min) > 0) {
		maj = hi_maj;
		min = hi_min;
	}
	if (min_api[0] != '\0') {
		if (version_parse(min_api, &dmin_maj, &dmin_min) != ESRA_OK)
			return esra_err_set(err, ESRA_EPARSE,
			                    "MinAPIVersion \"%.20s\" is not a version", min_api);
		if (version_cmp(dmin_maj, dmin_min, maj, min) > 0)
			return esra_err_set(err, ESRA_EINVAL,
			                    "the daemon accepts Engine API %s and newer only; esra "
			                    "speaks %s to %s",
			                    min_api, DOCKER_API_OLDEST, DOCKER_API_NEWEST);
	}
	snprintf(out, outsz, "%d.%d", maj, min);
	return ESRA_OK;
}

ESRA_STATIC int docker_pick_version(const char *json, size_t n, char *out, size_t outsz,
                                    struct esra_err *err)
{
	struct docker_parser *p;
	const char *api, *min_api;
	int rc;

	if (outsz > 0)
		out[0] = '\0';
	if (n > ESRA_MAX_DOCKER_BODY)
		return esra_err_set(err, ESRA_ETOOLARGE,
		                    "%zu bytes is over %u (ESRA_MAX_DOCKER_BODY)", n,
		                    ESRA_MAX_DOCKER_BODY);
	p = docker_parser_new(DK_VERSION, NULL, MODEL_NONE, err);
	if (p == NULL)
		return ESRA_ENOMEM;
	rc = docker_parser_feed(p, json, n, err);
	if (rc == ESRA_OK)
		rc = docker_parser_finish(p, err);
	if (rc == ESRA_OK) {
		docker_parser_version(p, &api, &min_api);
		rc = version_pick(api, min_api, out, outsz, err);
	}
	docker_parser_free(p);
	return rc;
}

/* ---------------------------------------------------------------- transport */

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* cert_path as the docker CLI reads it: cert.pem and key.pem (client certificate, sent when
 * present; one without the other is an error), ca.pem (verifies the daemon, needed when
 * tls_verify; without tls_verify the daemon's certificate is not checked). */
static int setup_tls(struct docker *d, const struct docker_opts *opts, struct esra_err *err)
{
	const char *dir = opts->cert_path != NULL ? opts->cert_path : "";
	bool has_cert, has_key;

	if (dir[0] == '\0')
		return ESRA_OK;
	if ((size_t)snprintf(d->ca, sizeof(d->ca), "%s/ca.pem", dir) >= sizeof(d->ca) ||
	    (size_t)snprintf(d->cert, sizeof(d->cert), "%s/cert.pem", dir) >= sizeof(d->cert) ||
	    (size_t)snprintf(d->key, sizeof(d->key), "%s/key.pem", dir) >= sizeof(d->key))
		return esra_err_set(err, ESRA_ECONFIG, "docker.cert_path \"%.100s\": too long",
		                    dir);
	has_cert = readable(d->cert);
	has_key = readable(d->key);
	if (has_cert != has_key)
		return esra_err_set(
		    err, ESRA_ECONFIG,
		    "docker.cert_path \"%.100s\": %s is there but %s cannot be read", dir,
		    has_cert ? "cert.pem" : "key.pem", has_cert ? "key.pem" : "cert.pem");
	if (!has_cert)
		d->cert[0] = d->key[0] = '\0';
	if (!opts->tls_verify)
		d->ca[0] = '\0';
	else if (!readable(d->ca))
		return esra_err_set(err, ESRA_ECONFIG,
		                    "docker.cert_path \"%.100s\": ca.pem cannot be read (needed to "
		                    "verify the daemon with tls_verify)",
		                    dir);
	return ESRA_OK;
}

struct docker *docker_new(const struct docker_opts *opts, struct esra_err *err)
{
	struct docker *d = NULL;
	struct http_opts ho;
	const char *host = opts->host != NULL ? opts->host : "unix:///var/run/docker.sock";
	bool tls = false;

	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
		return NULL;
	}
	if (strlen(host) >= sizeof(d->host)) {
		esra_err_set(err, ESRA_ECONFIG, "docker.host: too long");
		goto fail;
	}
	snprintf(d->host, sizeof(d->host), "%s", host);
	if (has_prefix(host, "unix://")) {
		const char *path = host + strlen("unix://");
		if (path[0] != '/' || strlen(path) >= sizeof(d->sock)) {
			esra_err_set(
			    err, ESRA_ECONFIG,
			    "docker.host \"%.200s\": needs an absolute socket path under %zu "
			    "bytes",
			    host, sizeof(d->sock));
			goto fail;
		}
		snprintf(d->sock, sizeof(d->sock), "%s", path);
		snprintf(d->base, sizeof(d->base), "http://localhost");
	} else if (has_prefix(host, "tcp://") && host[strlen("tcp://")] != '\0') {
		size_t len;
		tls = opts->tls_verify || (opts->cert_path != NULL && opts->cert_path[0] != '\0');
		snprintf(d->base, sizeof(d->base), "%s://%s", tls ? "https" : "http",
		         host + strlen("tcp://"));
		len = strlen(d->base);
		if (d->base[len - 1] == '/')
			d->base[len - 1] = '\0';
		if (tls && setup_tls(d, opts, err) != ESRA_OK)
			goto fail;
	} else {
		esra_err_set(err, ESRA_ECONFIG,
		             "docker.host \"%.200s\": must be unix:///path or tcp://host:port",
		             host);
		goto fail;
	}
	memset(&ho, 0, sizeof(ho));
	ho.unix_socket = d->sock[0] != '\0' ? d->sock : NULL;
	d->events_seconds = opts->events_seconds;
	ho.timeout_ms = opts->timeout_ms;
	ho.tls_verify = tls && opts->tls_verify;
	ho.ca_file = d->ca[0] != '\0' ? d->ca : NULL;
	ho.cert_file = d->cert[0] != '\0' ? d->cert : NULL;
	ho.key_file = d->key[0] != '\0' ? d->key : NULL;
	ho.max_body = opts->max_body != 0 ? opts->max_body : ESRA_MAX_DOCKER_BODY;
	ho.get_only = true; /* esra only reads the Docker API: any other method is refused */
	ho.stop = opts->stop;
	for (int i = 0; i < DOCKER_LANES; i++)
		if ((d->lanes[i] = http_new(&ho, err)) == NULL)
			goto fail;
	d->http = d->lanes[0];
	return d;
fail:
	docker_free(d);
	return NULL;
}

void docker_free(struct docker *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < DOCKER_LANES; i++)
		http_free(d->lanes[i]);
	free(d);
}

const char *docker_api_version(const struct docker *d)
{
	return d->version;
}

/* The daemon's reason from a non-2xx body ({"message": "..."}, else the text's first line),
 * printable and cut to outsz. */
static void daemon_message(const struct buf *body, char *out, size_t outsz)
{
	cJSON *j = body->len > 0 ? cJSON_ParseWithLength(body->data, body->len) : NULL;
	const cJSON *m = cJSON_IsObject(j) ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;
	const char *s = cJSON_IsString(m) ? m->valuestring : (body->data != NULL ? body->data : "");
	size_t i;

	for (i = 0; i + 1 < outsz && s[i] != '\0' && s[i] != '\n'; i++)
		out[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	if (outsz > 0)
		out[i] = '\0';
	if (outsz > 0 && i == 0)
		snprintf(out, outsz, "(no message)");
	cJSON_Delete(j);
}

/* The http sink: each piece of a 2xx body goes straight into the parser's splitter. */
static int sink(void *ud, const char *data, size_t n, struct esra_err *err)
{
	return docker_parser_feed(ud, data, n, err);
}

/* GET d->base + path. A 2xx body streams through p, or (p NULL) is handed over in *body.
 * Non-2xx answers are errors: ESRA_ENOTFOUND (404), ESRA_EAUTH (401, 403),
 * ESRA_ENOTMANAGER (503 "not a swarm manager": a worker), ESRA_EHTTP otherwise. Every
 * message reads "docker GET <path>: <reason>". */
static int get(struct docker *d, struct http *h, struct sw_view *v, const char *path,
               struct docker_parser *p, struct buf *body, struct esra_err *err)
{
	struct buf url;
	struct http_resp resp;
	struct http_req req;
	struct esra_err e;
	char where[600];
	bool on_host = false; /* no answer at all: the message names the daemon's address */
	int rc;

	buf_init(&url, 0);
	http_resp_init(&resp);
	esra_err_clear(&e);
	memset(&req, 0, sizeof(req));
	rc = buf_printf(&url, "%s%s", d->base, path);
	if (rc != ESRA_OK) {
		rc = esra_err_set(&e, ESRA_ENOMEM, "out of memory");
		goto out;
	}
	req.url = url.data;
	req.accept = "application/json";
	if (p != NULL) {
		req.sink = sink;
		req.sink_ud = p;
	}
	rc = http_do(h, &req, &resp, &e);
	if (v != NULL)
		v->bytes += resp.bytes;
	if (rc != ESRA_OK) {
		/* http_do wrote "GET <url>: <reason>": keep the reason */
		const char *m = e.msg;
		char reason[sizeof(e.msg)];
		esra_redact_url(url.data, where, sizeof(where));
		if (has_prefix(m, "GET ") && has_prefix(m + 4, where) &&
		    has_prefix(m + 4 + strlen(where), ": "))
			m += 4 + strlen(where) + 2;
		snprintf(reason, sizeof(reason), "%s", m);
		esra_err_set(&e, rc, "%s", reason);
		on_host = rc == ESRA_ECONNECT || rc == ESRA_ETIMEOUT;
		goto out;
	}
	if (resp.status >= 200 && resp.status <= 299) {
		if (p != NULL) {
			rc = docker_parser_finish(p, &e);
		} else {
			buf_free(body);
			*body = resp.body;
			buf_init(&resp.body, 0);
		}
		goto out;
	} else {
		char msg[160];
		daemon_message(&resp.body, msg, sizeof(msg));
		if (resp.status == 404)
			rc = ESRA_ENOTFOUND;
		else if (resp.status == 401 || resp.status == 403)
			rc = ESRA_EAUTH;
		else if (resp.status == 503 && strstr(msg, "not a swarm manager") != NULL)
			rc = ESRA_ENOTMANAGER;
		else
			rc = ESRA_EHTTP;
		esra_err_set(&e, rc, "HTTP %ld: %s", resp.status, msg);
	}
out:
	if (rc != ESRA_OK && on_host)
		esra_err_set(err, rc, "docker GET %s on %s: %s", path, d->host, e.msg);
	else if (rc != ESRA_OK)
		esra_err_set(err, rc, "docker GET %s: %s", path, e.msg);
	buf_free(&url);
	http_resp_free(&resp);
	return rc;
}

#ifdef ESRA_TESTING
int docker_send(struct docker *d, const char *method, const char *path, long *status,
                struct esra_err *err)
{
	struct buf url;
	struct http_resp resp;
	struct http_req req;
	int rc;

	buf_init(&url, 0);
	http_resp_init(&resp);
	memset(&req, 0, sizeof(req));
	rc = buf_printf(&url, "%s%s", d->base, path);
	req.method = method;
	req.url = url.data;
	if (rc == ESRA_OK)
		rc = http_do(d->http, &req, &resp, err);
	*status = resp.status;
	buf_free(&url);
	http_resp_free(&resp);
	return rc;
}
#endif

int docker_negotiate(struct docker *d, struct esra_err *err)
{
	struct buf body;
	int rc;

	buf_init(&body, 0);
	d->version[0] = '\0';
	rc = get(d, d->http, NULL, "/version", NULL, &body, err);
	if (rc == ESRA_OK) {
		rc = docker_pick_version(body.data != NULL ? body.data : "", body.len, d->version,
		                         sizeof(d->version), err);
		if (rc != ESRA_OK)
			esra_err_prefix(err, "docker GET /version (%s): ", d->host);
	}
	buf_free(&body);
	if (rc != ESRA_OK)
		d->version[0] = '\0';
	return rc;
}

/* "/v1.41" + a + escaped id + b into path. */
static int vpath(const struct docker *d, struct buf *path, const char *a, const char *id,
                 const char *b)
{
	buf_reset(path);
	if (buf_printf(path, "/v%s%s", d->version, a) != ESRA_OK ||
	    (id != NULL && http_escape(path, id) != ESRA_OK) ||
	    (b != NULL && buf_puts(path, b) != ESRA_OK))
		return ESRA_ENOMEM;
	return ESRA_OK;
}

/* GET one endpoint into v through a parser of kind. */
static int read_one(struct docker *d, struct http *h, struct sw_view *v, enum docker_payload kind,
                    size_t target, const char *a, const char *id, const char *b,
                    struct esra_err *err)
{
	struct docker_parser *p = NULL;
	struct buf path;
	int rc;

	buf_init(&path, 0);
	if (vpath(d, &path, a, id, b) != ESRA_OK) {
		rc = esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
		goto out;
	}
	p = docker_parser_new(kind, v, target, err);
	rc = p != NULL ? get(d, h, v, path.data, p, NULL, err) : ESRA_ENOMEM;
out:
	docker_parser_free(p);
	buf_free(&path);
	return rc;
}

/* One lane of docker_read: what it reads goes into its own view (its own pool), merged
 * into the cycle's view after the join. */
struct lane {
	struct docker *d;
	struct http *h;
	struct sw_view *v;
	int (*read)(struct lane *l, struct esra_err *err);
	int rc;
	struct esra_err e;
};

/* /nodes then /services, and /tasks on its own lane: a 503 "not a swarm manager" on any of
 * them is ESRA_ENOTMANAGER, for docker_read to turn into a worker view. */
static int read_nodes_services(struct lane *l, struct esra_err *err)
{
	int rc = read_one(l->d, l->h, l->v, DK_NODES, MODEL_NONE, "/nodes", NULL, NULL, err);

	if (rc == ESRA_OK)
		rc = read_one(l->d, l->h, l->v, DK_SERVICES, MODEL_NONE, "/services?status=true",
		              NULL, NULL, err);
	return rc;
}

static int read_tasks(struct lane *l, struct esra_err *err)
{
	return read_one(l->d, l->h, l->v, DK_TASKS, MODEL_NONE, "/tasks", NULL, NULL, err);
}

/* The events of the last d->events_seconds (containers, services, network attachments):
 * evidence of what ended when, for the address history. Never a source failure: a daemon
 * that cannot give them leaves v->events_error. The stream ends at `until` (now). */
static void read_events(struct lane *l)
{
	static const char filters[] = "%7B%22type%22%3A%5B%22container%22%2C%22service%22%2C"
	                              "%22network%22%5D%7D";
	struct sw_view *v = l->v;
	struct buf path, body;
	struct esra_err e;
	int64_t now = esra_now_ms() / 1000;
	int rc;

	if (l->d->events_seconds <= 0)
		return;
	buf_init(&path, 0);
	buf_init(&body, 0);
	esra_err_clear(&e);
	rc = buf_printf(&path, "/v%s/events?since=%lld&until=%lld&filters=%s", l->d->version,
	                (long long)(now - l->d->events_seconds), (long long)now, filters);
	if (rc == ESRA_OK)
		rc = get(l->d, l->h, v, path.data, NULL, &body, &e);
	if (rc == ESRA_OK && (rc = docker_parse_events(v, body.data != NULL ? body.data : "",
	                                               body.len, &e)) != ESRA_OK)
		esra_err_prefix(&e, "docker GET /events: ");
	if (rc != ESRA_OK) {
		v->n_events = 0;
		v->events_error = pool_strdup(v->pool, e.msg);
	}
	buf_free(&path);
	buf_free(&body);
}

/* /networks, then this node's verbose view of every swarm-scoped one. A 404 (the network
 * was removed after the list) leaves that network's verbose_read false. */
static int read_networks(struct lane *l, struct esra_err *err)
{
	struct sw_view *v = l->v;
	int rc = read_one(l->d, l->h, v, DK_NETWORKS, MODEL_NONE, "/networks", NULL, NULL, err);
	size_t n = v->n_nets;

	if (rc == ESRA_OK)
		read_events(l);

	for (size_t i = 0; i < n && rc == ESRA_OK; i++) {
		if (v->nets[i].scope == NULL || strcmp(v->nets[i].scope, "swarm") != 0)
			continue;
		rc = read_one(l->d, l->h, v, DK_NETWORK_VERBOSE, i, "/networks/", v->nets[i].id,
		              "?verbose=true", err);
		if (rc == ESRA_ENOTFOUND) {
			esra_err_clear(err);
			rc = ESRA_OK;
		}
	}
	return rc;
}

/* Running containers, then the inspect of each one that is not a swarm task (the list
 * leaves Aliases null; a task's aliases come from its service's template). A 404 (the
 * container stopped after the list) leaves it without aliases. */
static int read_containers(struct lane *l, struct esra_err *err)
{
	struct sw_view *v = l->v;
	int rc =
	    read_one(l->d, l->h, v, DK_CONTAINERS, MODEL_NONE, "/containers/json", NULL, NULL, err);
	size_t n = v->n_containers;

	for (size_t i = 0; i < n && rc == ESRA_OK; i++) {
		if (v->containers[i].task_id != NULL || v->containers[i].n_nets == 0)
			continue;
		rc = read_one(l->d, l->h, v, DK_INSPECT, i, "/containers/", v->containers[i].id,
		              "/json", err);
		if (rc == ESRA_ENOTFOUND) {
			esra_err_clear(err);
			rc = ESRA_OK;
		}
	}
	return rc;
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;

	esra_err_clear(&l->e);
	l->rc = l->read(l, &l->e);
	return NULL;
}

/* Run the lanes at once (lane 0 on the calling thread; one that gets no thread runs after
 * it, so the read completes either way). */
static void run_lanes(struct lane *lanes, size_t n)
{
	pthread_t t[DOCKER_LANES];
	bool started[DOCKER_LANES] = {false};

	for (size_t i = 1; i < n; i++)
		started[i] = pthread_create(&t[i], NULL, lane_main, &lanes[i]) == 0;
	lane_main(&lanes[0]);
	for (size_t i = 1; i < n; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		else
			lane_main(&lanes[i]);
	}
}

/* What a lane read becomes part of v: each array is read by one lane only. */
#define ADOPT(field, n, cap)                                                                       \
	do {                                                                                       \
		if (src->n > 0) {                                                                  \
			free(v->field);                                                            \
			v->field = src->field;                                                     \
			v->n = src->n;                                                             \
			v->cap = src->cap;                                                         \
			src->field = NULL;                                                         \
			src->n = src->cap = 0;                                                     \
		}                                                                                  \
	} while (0)

static void adopt(struct sw_view *v, struct sw_view *src)
{
	ADOPT(services, n_services, cap_services);
	ADOPT(tasks, n_tasks, cap_tasks);
	ADOPT(nets, n_nets, cap_nets);
	ADOPT(containers, n_containers, cap_containers);
	ADOPT(nodes, n_nodes, cap_nodes);
	ADOPT(events, n_events, cap_events);
	if (src->events_error != NULL)
		v->events_error = src->events_error; /* in src's pool, adopted below */
	v->bytes += src->bytes;
	pool_adopt(v->pool, src->pool);
	src->pool = NULL;
}

int docker_read(struct docker *d, struct sw_view **out, struct esra_err *err)
{
	struct sw_view *v = NULL;
	struct lane lanes[DOCKER_LANES];
	size_t nl = 0, first;
	bool manager;
	int rc = ESRA_OK;

	*out = NULL;
	memset(lanes, 0, sizeof(lanes));
	if (d->version[0] == '\0' && (rc = docker_negotiate(d, err)) != ESRA_OK)
		goto out;
	v = model_sw_new();
	if (v == NULL || (v->api_version = pool_strdup(v->pool, d->version)) == NULL) {
		rc = esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
		goto out;
	}
	rc = read_one(d, d->http, v, DK_INFO, MODEL_NONE, "/info", NULL, NULL, err);
	if (rc != ESRA_OK)
		goto out;
	/* the lanes: /tasks first (the largest, on this thread), the manager's endpoints only
	 * on a manager */
	manager = v->self.swarm_active && v->self.manager;
	if (manager) {
		lanes[nl++].read = read_tasks;
		lanes[nl++].read = read_nodes_services;
	}
	first = nl; /* lanes before it: the manager's */
	lanes[nl++].read = read_networks;
	lanes[nl++].read = read_containers;
	for (size_t i = 0; i < nl; i++) {
		lanes[i].d = d;
		lanes[i].h = d->lanes[i];
		if ((lanes[i].v = model_sw_new()) == NULL) {
			rc = esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
			goto out;
		}
		lanes[i].v->self = v->self; /* /nodes marks the leader by self.id */
		lanes[i].v->api_version = v->api_version;
	}
	run_lanes(lanes, nl);
	/* the first error in the order the endpoints were read one after the other: /nodes,
	 * /services, /tasks, /networks, /containers */
	if (manager && lanes[1].rc == ESRA_OK && lanes[0].rc != ESRA_OK) {
		rc = lanes[0].rc;
		*err = lanes[0].e;
	} else if (manager && lanes[1].rc != ESRA_OK) {
		rc = lanes[1].rc;
		*err = lanes[1].e;
	}
	if (rc == ESRA_ENOTMANAGER || (v->self.swarm_active && !v->self.manager)) {
		/* a worker: what a worker cannot read is left out, not failed */
		esra_err_clear(err);
		rc = ESRA_OK;
		v->worker_view = true;
		v->self.manager = v->self.leader = false;
		for (size_t i = 0; i < first; i++) {
			lanes[i].v->n_nodes = lanes[i].v->n_services = lanes[i].v->n_tasks = 0;
		}
	} else if (manager && rc == ESRA_OK) {
		v->self.leader = lanes[1].v->self.leader;
	}
	for (size_t i = first; i < nl && rc == ESRA_OK; i++)
		if (lanes[i].rc != ESRA_OK) {
			rc = lanes[i].rc;
			*err = lanes[i].e;
		}
	if (rc != ESRA_OK)
		goto out;
	for (size_t i = 0; i < nl; i++)
		adopt(v, lanes[i].v);
	if ((rc = model_sw_link(v, err)) != ESRA_OK)
		goto out;
	*out = v;
	v = NULL;
out:
	for (size_t i = 0; i < nl; i++)
		model_sw_free(lanes[i].v);
	model_sw_free(v);
	if (rc != ESRA_OK)
		d->version[0] =
		    '\0'; /* ask /version again next time: the daemon may have changed */
	return rc;
}

int docker_container_pid(struct docker *d, const char *name, pid_t *pid, struct esra_err *err)
{
	struct docker_parser *p = NULL;
	struct buf path;
	bool has_state, running;
	int64_t st_pid;
	int rc;

	*pid = 0;
	buf_init(&path, 0);
	if (name == NULL || name[0] == '\0') {
		rc = esra_err_set(err, ESRA_EINVAL, "docker: no container name");
		goto out;
	}
	if (d->version[0] == '\0' && (rc = docker_negotiate(d, err)) != ESRA_OK)
		goto out;
	if (vpath(d, &path, "/containers/", name, "/json") != ESRA_OK) {
		rc = esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
		goto out;
	}
	p = docker_parser_new(DK_INSPECT, NULL, MODEL_NONE, err);
	rc = p != NULL ? get(d, d->http, NULL, path.data, p, NULL, err) : ESRA_ENOMEM;
	if (rc != ESRA_OK)
		goto out;
	docker_parser_state(p, &has_state, &running, &st_pid);
	if (!has_state) {
		rc = esra_err_set(err, ESRA_EPARSE, "docker GET %s: no State object", path.data);
	} else if (!running) {
		rc =
		    esra_err_set(err, ESRA_EINVAL, "docker: container %.100s is not running", name);
	} else if (st_pid <= 0 || st_pid > (int64_t)INT32_MAX) {
		rc =
		    esra_err_set(err, ESRA_EPARSE, "docker GET %s: State.Pid %lld is not a process",
		                 path.data, (long long)st_pid);
	} else {
		*pid = (pid_t)st_pid;
	}
out:
	docker_parser_free(p);
	buf_free(&path);
	return rc;
}
