/* docker.h: reads the Docker Engine API (unix socket, or tcp:// with TLS client certs) into
 * a normalized sw_view: this node, the swarm's nodes, services, tasks, networks (with this
 * node's verbose service map) and local containers. On a worker the manager-only endpoints
 * answer 503: that makes a "worker view", not an error. Never logs.
 * Ownership: views returned through out-parameters belong to the caller (model_sw_free). */
#ifndef ESRA_DOCKER_H
#define ESRA_DOCKER_H

#include <sys/types.h>

#include "common.h"
#include "model.h"

struct docker_opts {
	const char *host;      /* "unix:///var/run/docker.sock" or "tcp://host:port" */
	bool tls_verify;       /* verify the daemon's certificate (ca.pem in cert_path) */
	const char *cert_path; /* folder with ca.pem, cert.pem, key.pem; "" = none */
	long timeout_ms;
	size_t max_body;       /* 0 = ESRA_MAX_DOCKER_BODY */
};

struct docker;

struct docker *docker_new(const struct docker_opts *opts, struct esra_err *err);
void docker_free(struct docker *d); /* NULL is a no-op */

/* GET /version and pick the API version: the daemon's ApiVersion, capped at the newest esra
 * knows (1.41 is the oldest accepted: older daemons are an error). Done once per client;
 * docker_read calls it when needed. */
int docker_negotiate(struct docker *d, struct esra_err *err) ESRA_WUR;
const char *docker_api_version(const struct docker *d);

/* Read everything (one connection reused): /info, /nodes, /services?status=true, /tasks,
 * /networks, /networks/{id}?verbose=true for each swarm-scoped network, /containers/json.
 * Then model_sw_link. */
int docker_read(struct docker *d, struct sw_view **out, struct esra_err *err) ESRA_WUR;

/* The PID of a running container (GET /containers/{name}/json State.Pid); ESRA_ENOTFOUND
 * when there is no such container, ESRA_EINVAL when it is not running. */
int docker_container_pid(struct docker *d, const char *name, pid_t *pid,
                         struct esra_err *err) ESRA_WUR;

/* Parsers of single endpoint payloads into v (for tests; docker_read streams the same
 * code). Each adds what it reads to v. */
int docker_parse_info(struct sw_view *v, const char *json, size_t n, struct esra_err *err) ESRA_WUR;
int docker_parse_nodes(struct sw_view *v, const char *json, size_t n, struct esra_err *err) ESRA_WUR;
int docker_parse_services(struct sw_view *v, const char *json, size_t n, struct esra_err *err) ESRA_WUR;
int docker_parse_tasks(struct sw_view *v, const char *json, size_t n, struct esra_err *err) ESRA_WUR;
int docker_parse_networks(struct sw_view *v, const char *json, size_t n, struct esra_err *err) ESRA_WUR;
/* The ?verbose=true inspect of one network: fills that network's svcs and local. */
int docker_parse_network_verbose(struct sw_view *v, const char *json, size_t n,
                                 struct esra_err *err) ESRA_WUR;
int docker_parse_containers(struct sw_view *v, const char *json, size_t n, struct esra_err *err) ESRA_WUR;

#ifdef ESRA_TESTING
/* endpoint: info | nodes | services | tasks | networks | network | containers; the payload
 * is fed in pieces of `piece` bytes (0 = whole) as the network would. */
int docker_parse_pieces(struct sw_view *v, const char *endpoint, const char *json, size_t n,
                        size_t piece, struct esra_err *err);
#endif

#endif
