/* docker_parse.h: the Docker Engine API payload parsers: the bytes of one endpoint's answer
 * in, what it says added to an sw_view. No I/O: docker.c feeds them what the daemon sends,
 * tests feed them files.
 * Ownership: the caller owns the view and the parser (docker_parser_free); everything the
 * parser adds to the view lives in the view's pool. */
#ifndef ESRA_DOCKER_PARSE_H
#define ESRA_DOCKER_PARSE_H

#include "common.h"
#include "model.h"

/* The longest API version string ("1.51") kept, with its terminator. */
#define DOCKER_VERSION_MAX 16

/* Parsers of single endpoint payloads into v (for tests; docker_read streams the same
 * code). Each adds what it reads to v; on failure v may hold part of it (free it).
 * docker_parse_nodes marks self.leader, so parse /info first. */
int docker_parse_info(struct sw_view *v, const char *json, size_t n, struct esra_err *err) ESRA_WUR;
int docker_parse_nodes(struct sw_view *v, const char *json, size_t n,
                       struct esra_err *err) ESRA_WUR;
int docker_parse_services(struct sw_view *v, const char *json, size_t n,
                          struct esra_err *err) ESRA_WUR;
int docker_parse_tasks(struct sw_view *v, const char *json, size_t n,
                       struct esra_err *err) ESRA_WUR;
int docker_parse_networks(struct sw_view *v, const char *json, size_t n,
                          struct esra_err *err) ESRA_WUR;
/* The ?verbose=true inspect of one network: fills that network's svcs and local. */
int docker_parse_network_verbose(struct sw_view *v, const char *json, size_t n,
                                 struct esra_err *err) ESRA_WUR;
int docker_parse_containers(struct sw_view *v, const char *json, size_t n,
                            struct esra_err *err) ESRA_WUR;
/* GET /containers/{id}/json of v->containers[container]: fills the network aliases of that
 * container's networks, dropping the container's short id (which dockerd adds itself before
 * API 1.45). */
int docker_parse_container_aliases(struct sw_view *v, size_t container, const char *json, size_t n,
                                   struct esra_err *err) ESRA_WUR;

/* GET /events?since=..&until=..: a stream of JSON objects, one per event; the ones that
 * say when a container, service or network attachment began or ended go into v->events. */
int docker_parse_events(struct sw_view *v, const char *json, size_t n,
                        struct esra_err *err) ESRA_WUR;

/* What a payload is, for the streaming parser shared by the docker_parse_* functions and
 * docker_read (only docker.c and its tests use it). */
enum docker_payload {
	DK_VERSION,
	DK_INFO,
	DK_NODES,
	DK_SERVICES,
	DK_TASKS,
	DK_NETWORKS,
	DK_NETWORK_VERBOSE,
	DK_CONTAINERS,
	DK_INSPECT
};

/* The streaming parser behind them (docker.c feeds it each answer as it arrives). kind says
 * what the payload is; v receives what it reads (NULL for DK_VERSION, and for DK_INSPECT of
 * a container only its State is wanted from); target is the network (DK_NETWORK_VERBOSE)
 * or container (DK_INSPECT) index in v, or MODEL_NONE. NULL on ENOMEM (err says so). */
struct docker_parser;
struct docker_parser *docker_parser_new(enum docker_payload kind, struct sw_view *v, size_t target,
                                        struct esra_err *err);
void docker_parser_free(struct docker_parser *p); /* NULL is a no-op */
int docker_parser_feed(struct docker_parser *p, const char *data, size_t n,
                       struct esra_err *err) ESRA_WUR;
/* The end of the payload: what was gathered until the end is attached to v. */
int docker_parser_finish(struct docker_parser *p, struct esra_err *err) ESRA_WUR;
/* After a finished DK_VERSION parse: ApiVersion and MinAPIVersion ("" when absent); the
 * strings belong to p. */
void docker_parser_version(const struct docker_parser *p, const char **api, const char **min_api);
/* After a finished DK_INSPECT parse: whether State was there, State.Running, State.Pid. */
void docker_parser_state(const struct docker_parser *p, bool *has_state, bool *running,
                         int64_t *pid);

#ifdef ESRA_TESTING
/* Parse json fed in pieces of `piece` bytes (the http sink's path). target: the network
 * (DK_NETWORK_VERBOSE) or container (DK_INSPECT) index, or MODEL_NONE. */
int docker_parse_pieces(enum docker_payload kind, struct sw_view *v, size_t target,
                        const char *json, size_t n, size_t piece, struct esra_err *err) ESRA_WUR;
#endif

#endif
