/* cluster.h: the cluster view of esra's global service: one node per esra task, each with
 * its findings and the DNS answers it judged, gathered by reading the peers' /status (the
 * JSON report of `esra watch`) with bounded time, and merged: a name whose answers differ
 * between nodes is a dns_divergence finding naming the nodes whose answer holds the extra
 * address. A peer that does not answer is kept, named, with the reason; it is never waited
 * on beyond the bound. Never acts, never prints, never writes to a peer (GET only).
 * Ownership: a struct cluster owns every string and array its nodes point to (one pool);
 * cluster_free releases it. Findings added by cluster_merge are owned by their list. */
#ifndef ESRA_CLUSTER_H
#define ESRA_CLUSTER_H

#include <signal.h>

#include "common.h"
#include "finding.h"
#include "ipaddr.h"
#include "model.h"

/* A definite DNS answer one node got: its A records, none for NXDOMAIN / NODATA. */
struct cluster_answer {
	const char *name; /* as asked (compared case-insensitively) */
	ip4_t *ips;       /* sorted ascending, no duplicates */
	size_t n_ips;
};

/* One of a node's own findings, as its report states it. */
struct cluster_finding {
	const char *kind;     /* "poisoned_name" */
	const char *severity; /* "critical" */
	const char *subject;  /* name, service, app or source; NULL when none */
	const char *key;      /* "poisoned_name:gbs-cms"; NULL when none */
	const char *message;  /* NULL when none */
};

struct cluster_node {
	const char *id;       /* swarm node id, "" when not known */
	const char *hostname; /* "" when not known */
	const char *addr;     /* where its /status was asked ("10.0.1.7:9477"), "" for self */
	bool self;            /* the node this esra runs on (judged here, not asked) */
	bool answered;        /* its report was read (always true for self) */
	bool leader;
	const char *error;  /* why it did not answer, naming the peer; NULL when answered */
	const char *status; /* its report's status ("critical"); "" when not answered */
	struct cluster_finding *findings;
	size_t n_findings, cap_findings;
	struct cluster_answer *answers; /* sorted by name (case-insensitive) */
	size_t n_answers, cap_answers;
};

struct cluster {
	struct pool *pool;
	const char *service; /* the global service, "" when none was found */
	const char *how;     /* how the peers were found ("DNS tasks.esra_esra") */
	struct cluster_node *nodes;
	size_t n_nodes, cap_nodes;
};

/* A peer to read: its address and, when the Docker view tells, which node it runs on. */
struct cluster_peer {
	ip4_t ip;
	int port;
	const char *node_id, *hostname; /* NULL when not known */
};

struct cluster_fetch_opts {
	long timeout_ms;   /* per peer, the whole request */
	const char *netns; /* NULL/"" = esra's own network namespace; else a path to join */
	size_t max_body;   /* cap on one /status body; 0 = 64 MiB */
	const volatile sig_atomic_t *stop; /* NULL, or ends the reads early: see http_opts.stop */
};

struct cluster *cluster_new(const char *service, const char *how);
void cluster_free(struct cluster *c); /* NULL is a no-op */

/* A new node at the end, zeroed with "" strings; NULL on ENOMEM. Valid until the next
 * add. Strings passed to the cluster_node_* functions are copied into the pool. */
struct cluster_node *cluster_add_node(struct cluster *c);
int cluster_node_set(struct cluster *c, struct cluster_node *n, const char *id,
                     const char *hostname, const char *addr) ESRA_WUR;
int cluster_node_add_finding(struct cluster *c, struct cluster_node *n, const char *kind,
                             const char *severity, const char *subject, const char *key,
                             const char *message) ESRA_WUR;
/* Record a definite answer (ips need not be sorted). Answers are kept sorted by name; a
 * name given twice keeps the first. */
int cluster_node_add_answer(struct cluster *c, struct cluster_node *n, const char *name,
                            const ip4_t *ips, size_t n_ips) ESRA_WUR;
/* Every definite answer (OK, NXDOMAIN, NODATA) of a DNS view. */
int cluster_node_add_dns(struct cluster *c, struct cluster_node *n,
                         const struct dns_view *v) ESRA_WUR;
/* Fill n from a peer's /status body (an esra JSON report): node id and hostname, leader,
 * status, findings, dns_answers. A body that is not such a report is ESRA_EPARSE with a
 * message naming what is wrong (where = the peer, for the message). */
int cluster_node_parse_status(struct cluster *c, struct cluster_node *n, const char *where,
                              const char *body, size_t len, struct esra_err *err) ESRA_WUR;

/* GET http://IP:PORT/status of every peer concurrently, each bounded by timeout_ms, from
 * the given network namespace, and add one node per peer: answered with its report, or not
 * answered with the reason. A peer whose report says it is a node already in the cluster
 * (this node's own task, found by DNS) is dropped. Fails only on ENOMEM or when the
 * namespace cannot be entered (ESRA_EIO naming it). */
int cluster_fetch(struct cluster *c, const struct cluster_peer *peers, size_t n,
                  const struct cluster_fetch_opts *o, struct esra_err *err) ESRA_WUR;

/* The merge: for every name that two or more answering nodes judged, compare their
 * answers; an address not in every one of them is extra, and the name gets one
 * dns_divergence finding (key "dns_divergence:NAME") in out: nodes = the nodes whose answer
 * holds an extra address (hostname, else id), stale_ips = the extra addresses,
 * expected_ips = the addresses every node answered, resolved_ips = all of them, evidence =
 * each node's answer, and a remedy naming exactly those nodes. Nodes that did not answer
 * are named in the evidence as not compared. */
int cluster_merge(const struct cluster *c, struct finding_list *out, struct esra_err *err) ESRA_WUR;

/* ---------------------------------------------------------------- finding the peers */

/* The global service to build the view of, from this node's Docker view: the service of
 * the container named by hostname (esra's own container: a task's hostname is its
 * container id's start); else, when hostname is NULL (esra on a host), a global service
 * named "esra" or "STACK_esra". NULL when there is none. The string is the view's. */
const char *cluster_find_service(const struct sw_view *sw, const char *hostname);
/* The container esra runs in, found by its hostname (a container's hostname is the start
 * of its id); NULL when none (esra on a host, or a hostname set by hand). */
const struct sw_container *cluster_self_container(const struct sw_view *sw, const char *hostname);
/* The running container of service on this node (NULL when none): where the peers are
 * reached from on a host. */
const struct sw_container *cluster_local_task(const struct sw_view *sw, const char *service);
/* The live tasks of service (a manager's view): one peer per task not on this node, at its
 * first address, with its node's id and hostname. *out is malloc'ed (caller frees). */
int cluster_peers_from_tasks(const struct sw_view *sw, const char *service, int port,
                             struct cluster_peer **out, size_t *n) ESRA_WUR;
/* Peers from the addresses DNS gave tasks.SERVICE: addresses of this node's own container
 * (self, may be NULL) are left out; the node of each is named when sw holds its task. */
int cluster_peers_from_dns(const struct sw_view *sw, const char *service,
                           const struct sw_container *self, const ip4_t *ips, size_t n_ips,
                           int port, struct cluster_peer **out, size_t *n) ESRA_WUR;

/* The name a node is shown by: its hostname, else its id, else its address. */
const char *cluster_node_label(const struct cluster_node *n);
/* How many nodes answered (self included). */
size_t cluster_answered(const struct cluster *c);
/* The nodes whose own findings hold a poisoned_name for name (case-insensitive): labels
 * into out (at most cap), the count returned. */
size_t cluster_poisoned_on(const struct cluster *c, const char *name, const char **out, size_t cap);

#endif
