/* model.h: the plain data esra gathers: the Eureka registry, this node's swarm view and the
 * DNS answers. Readers (eureka.c, docker.c, dns.c) build them with the model_* functions;
 * everything else only reads them.
 * Ownership: each view owns a pool; every string and array reachable from a view lives in
 * it, and model_*_free releases all of it. Pointers into a view are borrowed. */
#ifndef ESRA_MODEL_H
#define ESRA_MODEL_H

#include "common.h"
#include "ipaddr.h"
#include "pool.h"

struct hmap;

#define MODEL_NONE ((size_t)-1) /* "no index" */

/* ---------------------------------------------------------------- Eureka registry */

enum eu_status { EU_UNKNOWN = 0, EU_UP, EU_DOWN, EU_STARTING, EU_OUT_OF_SERVICE };
enum eu_action { EU_ACT_NONE = 0, EU_ACT_ADDED, EU_ACT_MODIFIED, EU_ACT_DELETED };

struct eu_instance {
	const char *app;         /* as sent (Eureka upper-cases app names) */
	const char *instance_id; /* "" when the server sent none (old servers: use hostname) */
	const char *hostname;
	const char *ip_str; /* ipAddr as sent ("" if absent) */
	ip4_t ip;
	bool ip_valid;       /* ip_str parsed as an IPv4 literal */
	bool hostname_is_ip; /* hostname is an IPv4 literal */
	int port;            /* -1 if absent */
	bool port_enabled;
	int secure_port; /* -1 if absent */
	bool secure_port_enabled;
	enum eu_status status;
	enum eu_status overridden; /* EU_UNKNOWN when absent */
	const char *vip_address;   /* as sent, may be a comma list; "" if absent */
	int64_t registration_ms, last_renewal_ms, eviction_ms, service_up_ms;
	int64_t last_updated_ms, last_dirty_ms; /* 0 when absent */
	int32_t lease_duration_s;               /* leaseInfo.durationInSecs, 90 when absent */
	int32_t renewal_interval_s; /* leaseInfo.renewalIntervalInSecs, 30 when absent */
	enum eu_action action;
	const char *metadata; /* "k\0v\0k\0v\0\0" (pairs), NULL when none */
	uint32_t seq;         /* position in the payload: a delta applies in this order */
};

struct eu_app {
	const char *name;
	size_t first, count; /* range in eu_registry.inst after model_reg_finish */
};

struct eu_registry {
	struct pool *pool;
	struct eu_instance *inst;
	size_t n_inst, cap_inst;
	struct eu_app *apps; /* built by model_reg_finish */
	size_t n_apps;
	int64_t versions_delta;    /* -1 when absent */
	const char *apps_hashcode; /* as sent, "" when absent or empty */
	const char *source_url;    /* the url that answered, userinfo removed */
	size_t bytes;              /* payload bytes read */
};

struct eu_registry *model_reg_new(void);
void model_reg_free(struct eu_registry *r);
/* A new zeroed instance at the end (defaults: port -1, lease 90/30); NULL on ENOMEM or when
 * over ESRA_MAX_INSTANCES. The pointer is valid until the next model_reg_add. */
struct eu_instance *model_reg_add(struct eu_registry *r);
/* Sort instances by app then instance id and build apps[]. */
int model_reg_finish(struct eu_registry *r, struct esra_err *err) ESRA_WUR;
/* Instance by app and id (case-insensitive app), after finish; NULL if absent. */
const struct eu_instance *model_reg_find(const struct eu_registry *r, const char *app,
                                         const char *id);
/* The id Eureka uses for an instance: instance_id, or hostname when that is empty. */
const char *model_inst_id(const struct eu_instance *in);
/* The Eureka apps hashcode: every instance counted by status, statuses sorted by name:
 * "DOWN_1_UP_3_". Writes into out (size outsz). */
void model_reg_hashcode(const struct eu_registry *r, char *out, size_t outsz);
/* Apply a delta registry (action ADDED/MODIFIED/DELETED per instance) to r, in the order the
 * server sent the changes (seq; one instance may change several times); r is then
 * re-finished. Strings are copied into r's pool. */
int model_reg_apply_delta(struct eu_registry *r, const struct eu_registry *delta,
                          struct esra_err *err) ESRA_WUR;
const char *model_eu_status_name(enum eu_status s);
enum eu_status model_eu_status_parse(const char *s, size_t n);
/* A metadata value by key, NULL if absent. */
const char *model_inst_meta(const struct eu_instance *in, const char *key);
/* Whether the instance's metadata holds pair, given as "key=value" (split at the first
 * '='); false when pair has no '='. */
bool model_inst_has_meta_pair(const struct eu_instance *in, const char *pair);

/* ---------------------------------------------------------------- swarm (Docker Engine) */

enum sw_state {
	SW_ST_UNKNOWN = 0,
	SW_ST_NEW,
	SW_ST_ALLOCATED,
	SW_ST_PENDING,
	SW_ST_ASSIGNED,
	SW_ST_ACCEPTED,
	SW_ST_PREPARING,
	SW_ST_READY,
	SW_ST_STARTING,
	SW_ST_RUNNING,
	SW_ST_COMPLETE,
	SW_ST_SHUTDOWN,
	SW_ST_FAILED,
	SW_ST_REJECTED,
	SW_ST_REMOVE,
	SW_ST_ORPHANED
};
enum sw_mode {
	SW_MODE_REPLICATED = 0,
	SW_MODE_GLOBAL,
	SW_MODE_REPLICATED_JOB,
	SW_MODE_GLOBAL_JOB,
	SW_MODE_OTHER
};

/* An address on a network. net is the index into sw_view.nets (MODEL_NONE if that network
 * is not in /networks); ip has its prefix length parsed off into prefix (-1 if none). */
struct sw_addr {
	size_t net;
	const char *net_id;
	ip4_t ip;
	int prefix;
};

struct sw_alias {
	size_t net;         /* index into nets, MODEL_NONE if unknown */
	const char *net_id; /* Spec.TaskTemplate.Networks[].Target as sent (id or name) */
	const char *alias;
};

struct sw_service {
	const char *id, *name;
	const char *stack; /* label com.docker.stack.namespace, NULL if none */
	enum sw_mode mode;
	bool dnsrr;            /* EndpointSpec.Mode == dnsrr */
	int64_t replicas;      /* Spec replicas (replicated), -1 otherwise */
	int64_t running_tasks; /* ServiceStatus.RunningTasks, -1 if absent */
	int64_t desired_tasks; /* ServiceStatus.DesiredTasks, -1 if absent */
	int64_t created_ms, updated_ms;
	struct sw_addr *vips; /* Endpoint.VirtualIPs */
	size_t n_vips;
	struct sw_alias *aliases; /* network aliases from the task template */
	size_t n_aliases;
};

struct sw_task {
	const char *id;
	const char *service_id;
	size_t service; /* index into services, MODEL_NONE if unknown */
	int64_t slot;   /* 0 for global services */
	const char *node_id;
	enum sw_state state;                       /* Status.State */
	enum sw_state desired;                     /* DesiredState */
	int64_t created_ms, updated_ms, status_ms; /* status_ms = Status.Timestamp */
	const char *container_id;                  /* NULL if none */
	const char *message;                       /* Status.Err, else Status.Message */
	int exit_code;         /* Status.ContainerStatus.ExitCode, -1 if absent */
	struct sw_addr *addrs; /* NetworksAttachments[].Addresses[] */
	size_t n_addrs;
};

/* One endpoint in a network's verbose view: a task or container as THIS node knows it. */
struct sw_netep {
	const char *name;    /* "svc.slot.taskid" or container name */
	ip4_t ip;            /* EndpointIP (no prefix) */
	const char *host_ip; /* Info["Host IP"], NULL if absent */
};
/* One entry of a network's verbose Services map (key "" holds plain containers). */
struct sw_netsvc {
	const char *name;
	bool has_vip;
	ip4_t vip;
	struct sw_netep *eps;
	size_t n_eps;
};
struct sw_network {
	const char *id, *name, *driver, *scope;
	bool ingress, attachable, internal;
	bool has_subnet;
	ip4_t subnet;
	int prefix;
	bool verbose_read;      /* the ?verbose=true view was read for this network */
	struct sw_netsvc *svcs; /* this node's service map (verbose view) */
	size_t n_svcs;
	/* Containers attached on this node (plain inspect "Containers"): ip per container */
	struct sw_netep *local;
	size_t n_local;
};

struct sw_cnet {
	const char *net_name;
	const char *net_id;
	size_t net; /* index into nets, MODEL_NONE if unknown */
	ip4_t ip;
	int prefix;
	bool has_ip;
	const char **aliases;
	size_t n_aliases;
};
struct sw_container {
	const char *id;
	const char *name;         /* first name without the leading '/' */
	const char *state;        /* "running", "exited", ... */
	const char *service_name; /* label com.docker.swarm.service.name, NULL if none */
	const char *task_id;      /* label com.docker.swarm.task.id, NULL if none */
	int64_t created_ms;
	struct sw_cnet *nets;
	size_t n_nets;
};

struct sw_node {
	const char *id, *hostname, *role, *state, *availability, *addr;
	bool leader;
};

struct sw_self {
	const char *id;        /* Swarm.NodeID ("" when not in a swarm) */
	const char *hostname;  /* Name */
	const char *node_addr; /* Swarm.NodeAddr */
	const char *server_version;
	bool swarm_active; /* Swarm.LocalNodeState == active */
	bool manager;      /* Swarm.ControlAvailable */
	bool leader;       /* from /nodes (ManagerStatus.Leader of self) */
};

/* One Docker event (GET /events within policy.history_seconds): what ended when. */
struct sw_event {
	const char *type;      /* "container" | "service" | "network" */
	const char *action;    /* "die", "destroy", "remove", "disconnect", ... */
	const char *actor_id;  /* Actor.ID: the container, service or network id */
	const char *name;      /* Actor.Attributes.name, "" if absent */
	const char *container; /* network events: Actor.Attributes.container, "" if absent */
	int exit_code;         /* die: Actor.Attributes.exitCode, -1 if absent */
	int64_t time_ms;       /* timeNano (or time) in ms */
};

struct sw_view {
	struct pool *pool;
	struct sw_self self;
	const char *api_version; /* negotiated, e.g. "1.41" */
	bool worker_view;        /* /services, /tasks, /nodes refused: this is a worker */
	struct sw_service *services;
	size_t n_services, cap_services;
	struct sw_task *tasks;
	size_t n_tasks, cap_tasks;
	struct sw_network *nets;
	size_t n_nets, cap_nets;
	struct sw_container *containers;
	size_t n_containers, cap_containers;
	struct sw_node *nodes;
	size_t n_nodes, cap_nodes;
	struct sw_event *events; /* in the daemon's order; only read when history is asked */
	size_t n_events, cap_events;
	const char *events_error; /* why /events could not be read (evidence only), NULL */
	size_t bytes;             /* payload bytes read */
};

struct sw_view *model_sw_new(void);
void model_sw_free(struct sw_view *v);
/* New zeroed entries at the end (index fields preset to MODEL_NONE, counts -1 where the
 * struct says so); NULL on ENOMEM or over ESRA_MAX_OBJECTS. Valid until the next add. */
struct sw_service *model_sw_add_service(struct sw_view *v);
struct sw_task *model_sw_add_task(struct sw_view *v);
struct sw_network *model_sw_add_network(struct sw_view *v);
struct sw_container *model_sw_add_container(struct sw_view *v);
struct sw_node *model_sw_add_node(struct sw_view *v);
struct sw_event *model_sw_add_event(struct sw_view *v);
/* Resolve the index fields (task.service, addr.net, alias.net, cnet.net) by id or name,
 * with hash maps (no quadratic joins). Call once after all reads. */
int model_sw_link(struct sw_view *v, struct esra_err *err) ESRA_WUR;
/* A network by id or name (a linear scan: for tests and tools, not hot paths). */
size_t model_sw_net_by_id_or_name(const struct sw_view *v, const char *s);
const char *model_sw_state_name(enum sw_state s);
enum sw_state model_sw_state_parse(const char *s);
/* A task is live only when its State and DesiredState are both running. */
bool model_task_live(const struct sw_task *t);

/* ---------------------------------------------------------------- DNS answers */

enum dns_rc {
	DNS_RC_OK = 0,
	DNS_RC_NXDOMAIN,
	DNS_RC_NODATA,
	DNS_RC_SERVFAIL,
	DNS_RC_REFUSED,
	DNS_RC_TIMEOUT,
	DNS_RC_ERROR
};

struct dns_answer {
	const char *name;
	enum dns_rc rc;
	ip4_t *ips; /* sorted ascending, duplicates removed */
	size_t n_ips;
	int ttl; /* smallest TTL seen, -1 when no records */
};

struct dns_view {
	struct pool *pool;
	const char *server;     /* "127.0.0.11:53" */
	const char *netns;      /* namespace asked from, NULL = esra's own */
	struct dns_answer *ans; /* in the order the names were given */
	size_t n;
	size_t queries;     /* queries sent, retransmits and TCP included */
	size_t retransmits; /* sends of a name already sent (after a loss or a refusal) */
	size_t lost;        /* sends no answer came for within the retransmit timeout */
	size_t window_start, window_min, window_max, window_end; /* the congestion window */
	long srtt_us;       /* the smoothed round trip at the end, -1 when none was measured */
	struct hmap *index; /* name -> answer, built by the first model_dns_find */
};

struct dns_view *model_dns_new(size_t n_names);
void model_dns_free(struct dns_view *v);
/* The first answer for name (case-insensitive), NULL if absent. The first call indexes the
 * answers (a hash map, so each later look-up is O(1)): fill every name before it. */
const struct dns_answer *model_dns_find(const struct dns_view *v, const char *name);
/* Answers gathered in several rounds, as one view: names[0..n) in that order, each answer
 * copied from the first of from[0..n_from) that holds the name (a NULL view is skipped).
 * Names none holds get DNS_RC_ERROR and their indexes in *missing (malloc'ed, caller frees,
 * NULL when none); fill those with model_dns_set. The counters add up the rounds', the
 * window figures span them (model_dns_add_counts). NULL on ENOMEM. */
struct dns_view *model_dns_pick(const char *const *names, size_t n,
                                const struct dns_view *const *from, size_t n_from, size_t **missing,
                                size_t *n_missing);
/* v's counters and window figures take in another round's (pick does it for from[]). */
void model_dns_add_counts(struct dns_view *v, const struct dns_view *round);
/* Slot i of v gets a copy of src's records (name kept). ESRA_ENOMEM on failure. */
int model_dns_set(struct dns_view *v, size_t i, const struct dns_answer *src) ESRA_WUR;
const char *model_dns_rc_name(enum dns_rc rc);
/* An answer is usable for judging when it is OK, NXDOMAIN or NODATA (a real reply). */
bool model_dns_rc_definite(enum dns_rc rc);

/* ---------------------------------------------------------------- TCP probes */

/* Result of a TCP probe of one instance (probe.tcp). */
enum probe_rc { PROBE_NOT_RUN = 0, PROBE_OK, PROBE_REFUSED, PROBE_TIMEOUT, PROBE_ERROR };

/* ---------------------------------------------------------------- time */

/* Parse RFC 3339 ("2026-11-24T22:21:00.639362327Z", offsets allowed) to epoch ms.
 * "0001-01-01T00:00:00Z" parses to a negative value. Returns ESRA_EPARSE when malformed. */
int model_parse_time(const char *s, int64_t *ms) ESRA_WUR;

#endif
