/* docker.h: reads the Docker Engine API (unix socket, or tcp:// with TLS client certs) into
 * a normalized sw_view: this node, the swarm's nodes, services, tasks, networks (with this
 * node's verbose service map) and local containers. On a worker the manager-only endpoints
 * answer 503: that makes a "worker view", not an error. Never logs. Only ever sends GET: its
 * HTTP handle refuses any other method, so no bug here can change the daemon's state.
 * Ownership: views returned through out-parameters belong to the caller (model_sw_free). */
#ifndef ESRA_DOCKER_H
#define ESRA_DOCKER_H

#include <signal.h>
#include <sys/types.h>

#include "common.h"
#include "model.h"

struct docker_opts {
	const char *host;      /* "unix:///var/run/docker.sock" or "tcp://host:port" */
	bool tls_verify;       /* verify the daemon's certificate (ca.pem in cert_path) */
	const char *cert_path; /* folder with ca.pem, cert.pem, key.pem; "" = none */
	long timeout_ms;       /* per request, connect included */
	size_t max_body;       /* 0 = ESRA_MAX_DOCKER_BODY */
	const volatile sig_atomic_t *stop; /* NULL, or ends reads early: see http_opts.stop */
	long events_seconds; /* > 0: docker_read also reads GET /events of the last seconds */
};

struct docker;

/* A client for one daemon; the strings in opts are copied. tcp:// speaks https when
 * tls_verify is set or cert_path is not "" (as the docker CLI): cert.pem + key.pem are sent
 * when present (one without the other is ESRA_ECONFIG), ca.pem verifies the daemon and is
 * required with tls_verify; without tls_verify the daemon's certificate is not checked.
 * Anything but unix:///abs/path or tcp://host:port is ESRA_ECONFIG. Nothing is sent yet. */
struct docker *docker_new(const struct docker_opts *opts, struct esra_err *err);
void docker_free(struct docker *d); /* NULL is a no-op */

/* The API versions esra speaks: every field it reads is the same from 1.41 (Docker 20.10) to
 * 1.51. Docker 29 refuses versions below 1.44, so the version is negotiated, never pinned. */
#define DOCKER_API_OLDEST "1.41"
#define DOCKER_API_NEWEST "1.51"

/* GET /version (unversioned) and pick the API version: the daemon's ApiVersion, capped at
 * DOCKER_API_NEWEST. A daemon older than DOCKER_API_OLDEST, or one whose MinAPIVersion is
 * above DOCKER_API_NEWEST, is refused (ESRA_EINVAL, the message names both versions).
 * Done once per client; docker_read calls it when needed, and a failed docker_read makes the
 * next one ask again (the daemon may have been upgraded or restarted). */
int docker_negotiate(struct docker *d, struct esra_err *err) ESRA_WUR;
const char *docker_api_version(const struct docker *d);

/* Read everything (one connection reused): /info, /nodes, /services?status=true, /tasks,
 * /networks, /networks/{id}?verbose=true for each swarm-scoped network, /containers/json,
 * and /containers/{id}/json for each running container that is not a swarm task (the list
 * leaves network Aliases null). Then model_sw_link.
 * Not errors: a worker (ControlAvailable false, or a manager-only call answering 503 "not a
 * swarm manager") gives v->worker_view with no nodes, services or tasks; a node outside any
 * swarm gives self.swarm_active false and no services; a network or container that vanished
 * between the list and its inspect (404) is kept without its detail.
 * Anything else (no answer, timeout, another non-2xx, malformed or mistyped JSON, a payload
 * over its cap) is an error naming the endpoint; *out is then NULL. */
int docker_read(struct docker *d, struct sw_view **out, struct esra_err *err) ESRA_WUR;

/* The PID of a running container (GET /containers/{name}/json State.Pid, negotiating the
 * version first when needed); ESRA_ENOTFOUND when there is no such container, ESRA_EINVAL
 * when it is not running. *pid is 0 on failure. */
int docker_container_pid(struct docker *d, const char *name, pid_t *pid,
                         struct esra_err *err) ESRA_WUR;

#ifdef ESRA_TESTING
/* The version docker_negotiate picks for a /version answer, into out (e.g. "1.41"). */
int docker_pick_version(const char *json, size_t n, char *out, size_t outsz,
                        struct esra_err *err) ESRA_WUR;
/* One request with any method through the reader's HTTP handle (which refuses all but GET:
 * the test that esra cannot write to the Docker API); *status is the HTTP status, 0 none. */
int docker_send(struct docker *d, const char *method, const char *path, long *status,
                struct esra_err *err) ESRA_WUR;
#endif

#endif
