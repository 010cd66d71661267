/* testsrv.c: canned HTTP server for unit tests (see testsrv.h). */
#include "testsrv.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define MAX_ROUTES 64
#define MAX_SEEN 4096

struct route {
	char uri[512];
	unsigned status;
	char *body;
	size_t len;
	long delay_ms;
};

struct tsrv {
	struct MHD_Daemon *d;
	int lfd;
	char unix_path[108];
	unsigned short port;
	pthread_mutex_t mu;
	struct route routes[MAX_ROUTES];
	int n_routes;
	char *seen[MAX_SEEN];
	int n_seen;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	return strdup(uri);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static bool matches(const char *route, const char *uri)
{
	size_t n = strlen(route);

	if (n > 0 && route[n - 1] == '*')
		return strncmp(route, uri, n - 1) == 0;
	return strcmp(route, uri) == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct tsrv *s = cls;
	const char *uri = *con_cls;
	struct MHD_Response *resp;
	const struct route *r = NULL;
	unsigned status = 404;
	char *body = NULL;
	size_t len = 0;
	long delay = 0;
	enum MHD_Result ret;

	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&s->mu);
	if (s->n_seen < MAX_SEEN)
		s->seen[s->n_seen++] = strdup(uri != NULL ? uri : "");
	for (int i = s->n_routes - 1; i >= 0 && r == NULL; i--)
		if (uri != NULL && matches(s->routes[i].uri, uri))
			r = &s->routes[i];
	if (r != NULL) {
		status = r->status;
		len = r->len;
		body = malloc(len + 1);
		if (body != NULL)
			memcpy(body, r->body, len);
		delay = r->delay_ms;
	}
	pthread_mutex_unlock(&s->mu);
	if (delay > 0) {
		struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (body == NULL) {
		body = strdup("{\"message\":\"no route\"}");
		len = body != NULL ? strlen(body) : 0;
	}
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct tsrv *tsrv_start(const char *unix_path)
{
	struct tsrv *s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo *info;

	assert_non_null(s);
	pthread_mutex_init(&s->mu, NULL);
	s->lfd = -1;
	if (unix_path != NULL) {
		struct sockaddr_un su;
		memset(&su, 0, sizeof(su));
		su.sun_family = AF_UNIX;
		snprintf(su.sun_path, sizeof(su.sun_path), "%s", unix_path);
		snprintf(s->unix_path, sizeof(s->unix_path), "%s", unix_path);
		unlink(unix_path);
		s->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		assert_true(s->lfd >= 0);
		assert_int_equal(bind(s->lfd, (struct sockaddr *)&su, sizeof(su)), 0);
		assert_int_equal(listen(s->lfd, 16), 0);
		s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, s,
		                        MHD_OPTION_LISTEN_SOCKET, s->lfd,
		                        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		                        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
	} else {
		struct sockaddr_in sa;
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, s,
		                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		                        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		                        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
	}
	assert_non_null(s->d);
	if (unix_path == NULL) {
		info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
		assert_non_null(info);
		s->port = info->port;
	}
	return s;
}

void tsrv_stop(struct tsrv *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->unix_path[0])
		unlink(s->unix_path);
	for (int i = 0; i < s->n_routes; i++)
		free(s->routes[i].body);
	for (int i = 0; i < s->n_seen; i++)
		free(s->seen[i]);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

unsigned short tsrv_port(const struct tsrv *s)
{
	return s->port;
}

void tsrv_route(struct tsrv *s, const char *uri, unsigned status, const char *body, size_t len,
                long delay_ms)
{
	struct route *r;

	pthread_mutex_lock(&s->mu);
	assert_true(s->n_routes < MAX_ROUTES);
	r = &s->routes[s->n_routes++];
	snprintf(r->uri, sizeof(r->uri), "%s", uri);
	r->status = status;
	r->body = malloc(len + 1);
	assert_non_null(r->body);
	memcpy(r->body, body, len);
	r->len = len;
	r->delay_ms = delay_ms;
	pthread_mutex_unlock(&s->mu);
}

int tsrv_hits(struct tsrv *s, const char *prefix)
{
	int n = 0;

	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < s->n_seen; i++)
		if (strncmp(s->seen[i], prefix, strlen(prefix)) == 0)
			n++;
	pthread_mutex_unlock(&s->mu);
	return n;
}
