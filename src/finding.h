/* finding.h: what esra reports. Each finding kind is ONE row of one table (name, severity,
 * the fields it carries, how it is summed up); reconcile fills findings, report and act only
 * read them. Reconcile fills findings with pointers into the views it judged; once judging
 * is done, finding_list_adopt copies them into the list's pool, and from then on the list
 * owns everything it points to; finding_list_free releases it.
 * Adding a kind = one enum value + one table row in finding.c. */
#ifndef ESRA_FINDING_H
#define ESRA_FINDING_H

#include "buf.h"
#include "common.h"
#include "ipaddr.h"
#include "pool.h"

enum severity { SEV_OK = 0, SEV_INFO, SEV_WARNING, SEV_CRITICAL, SEV_UNKNOWN };

enum fkind {
	FK_POISONED_NAME = 0,
	FK_STALE_INSTANCE,
	FK_ORPHAN_ENDPOINT,
	FK_WRONG_NETWORK,
	FK_UNREACHABLE_INSTANCE,
	FK_HOSTNAME_MISMATCH,
	FK_REPLICA_DRIFT,
	FK_UNREGISTERED_SERVICE,
	FK_DNS_DIVERGENCE,
	FK_REGISTRY_DIVERGENCE,
	FK_NAME_TAKEN,
	FK_SOURCE_ERROR,
	FK_FOREIGN_INSTANCE,
	FK_COUNT
};

/* Fields a kind carries in JSON (bit set per table row). */
enum {
	FF_NAME = 1u << 0,
	FF_SERVICE = 1u << 1,
	FF_NETWORK = 1u << 2,
	FF_APP = 1u << 3,
	FF_INSTANCE = 1u << 4, /* instance_id, hostname, ip, port, status */
	FF_IPS = 1u << 5,      /* expected_ips, resolved_ips, stale_ips, owners, backends */
	FF_PROPOSAL = 1u << 6,
	FF_ACTION = 1u << 7,
	FF_REPLICAS = 1u << 8,
	FF_SOURCE = 1u << 9,
	FF_NODES = 1u << 10,   /* nodes holding a divergent record / peers */
	FF_LEASE = 1u << 11,   /* registered_at, last_renewal_at, lease_seconds */
	FF_ENDPOINT = 1u << 12 /* endpoint name + ip in a network view */
};

/* The most text variants a kind has (finding.variant picks one). */
#define FK_VARIANTS 12

/* One row. subject, message and remedy are templates over the finding's fields (see
 * finding_render): reconcile fills the fields, the row's templates make the texts. */
struct fkind_info {
	const char *name; /* "poisoned_name" */
	enum severity severity;
	unsigned fields;
	const char *label; /* "poisoned name" (summary, singular) */
	const char *label_plural;
	const char *subject;              /* what the summary lists it by; NULL = nothing */
	const char *message[FK_VARIANTS]; /* by finding.variant, [0] when that one is NULL */
	const char *remedy[FK_VARIANTS];
};

/* Text variants (finding.variant) of the kinds that have more than one. */
enum {
	/* poisoned_name (judged): who holds the extra address */
	POISONED_ALIAS = 0, /* an object carrying the name as an alias: {2} holder, {3} alias,
	                     * {4} "container" or "service" */
	POISONED_CONTAINER, /* a container on another node: {2} its name, {3} the alias */
	POISONED_STALE,     /* nothing live: a stale record */
	POISONED_LIVE,      /* another live object */
	POISONED_PREFLIGHT, /* esra preflight: nothing live behind the answer */
};
enum { STALE_DEREGISTER = 0, STALE_FLAG, STALE_OTHER_CLUSTER };
enum { WRONG_TASK_NET = 0, WRONG_LOCAL_NET }; /* wrong_network: a swarm network, a local one */
enum {
	ORPHAN_VIP_GONE = 0, /* a VIP of a service that does not exist */
	ORPHAN_VIP_OLD,      /* not that service's VIP */
	ORPHAN_VIP_DEAD,     /* the service has no live task */
	ORPHAN_TASK_UNKNOWN, /* an endpoint of a task swarm does not know */
	ORPHAN_TASK_DEAD,    /* an endpoint whose task is not running */
};
enum { DRIFT_REPLICAS = 0, DRIFT_FAILURES };
enum { TAKEN_BY_DNS = 0, TAKEN_BY_DNS_AND_OBJECT, TAKEN_BY_OBJECT };
enum { DIVERGENCE_ONE_NODE = 0, DIVERGENCE_NODES };
enum {
	SRC_CONFIG = 0,
	SRC_DOCKER,
	SRC_EUREKA,
	SRC_EUREKA_NOTREADY,
	SRC_EUREKA_AUTH,
	SRC_EUREKA_PEER,
	SRC_DNS,
	SRC_DNS_SEAT,
	SRC_DNS_NOTHING,
	SRC_DNS_SOME,
	SRC_PROBE,
	SRC_SCOPE, /* config: swarm.networks names a network this swarm does not have */
};

/* One extra IP in a DNS answer and who holds it. */
struct stale_ip {
	ip4_t ip;
	const char *owner; /* "service:ghost", "container:x", "task:svc.1"; NULL = nothing live */
	long backends;     /* live tasks behind it (service VIP), -1 unknown */
};

/* A past or present holder of an address, as history.c found it. */
struct addr_owner {
	const char *kind;          /* "task" | "service_vip" | "container" */
	const char *name;          /* task "gbs-cms.2", service or container name */
	const char *id;            /* task, service or container id, NULL unknown */
	const char *service;       /* NULL for a plain container */
	const char *node;          /* hostname of the node it lived on, NULL unknown */
	const char *state;         /* "running", "shutdown", "failed", ...; NULL unknown */
	const char *message;       /* the task's last status message or error, NULL none */
	int exit_code;             /* the task's container exit code, -1 unknown */
	int64_t from_ms, until_ms; /* 0 unknown; until_ms 0 with live: holds it now */
	bool live;                 /* holds the address now */
	bool until_event;          /* until_ms (and state) come from a Docker event */
	const char *source;        /* "docker" | "events" | "state" */
};

/* What esra knows of one address's holders, newest first. */
struct addr_history {
	ip4_t ip;
	struct addr_owner *owners;
	size_t n;
};

struct finding {
	enum fkind kind;
	enum severity severity;
	const char *key;  /* stable identity across cycles (kind + subject) */
	const char *name; /* DNS name */
	const char *service;
	const char *network;
	const char *node; /* where it was seen (hostname) */
	const char *app, *instance_id, *hostname, *status;
	ip4_t ip;
	bool has_ip;
	int port;
	ip4_t *expected_ips, *resolved_ips;
	size_t n_expected, n_resolved;
	struct stale_ip *stale;
	size_t n_stale;
	const char *proposal;
	const char *suggested_action; /* "deregister" | "flag" | "none" | NULL */
	const char *not_ours; /* why this swarm cannot claim the instance (never acted on), NULL
	                         when it provably owns it */
	long desired, running, failed_recent;
	const char *source; /* source_error: "eureka" | "docker" | "dns" | "probe" */
	const char **nodes; /* divergence: nodes or peers holding the odd record */
	size_t n_nodes;
	int64_t registered_ms, last_renewal_ms;
	long lease_seconds;
	const char *endpoint;  /* orphan_endpoint: "VIP" or the endpoint name */
	unsigned variant;      /* which of its kind's texts (the variant enums above) */
	const char *words[4];  /* {1}..{4} in its kind's texts: what no field holds */
	const char *message;   /* what and where, one sentence (made by finding_render) */
	const char *remedy;    /* what to do (made by finding_render) */
	const char **evidence; /* supporting facts, one per line */
	size_t n_evidence;
	int64_t first_seen_ms;        /* when esra first saw this finding open, 0 unknown */
	struct addr_history *history; /* past holders of the addresses it names (history.c) */
	size_t n_history;
};

/* What became of one planned action on a finding (act.c decides, report.c renders). */
enum act_result { ACT_DONE = 0, ACT_SKIPPED, ACT_FAILED, ACT_PLANNED };

struct finding_list {
	struct pool *pool;
	struct finding *v;
	size_t n, cap;
};

const struct fkind_info *finding_kind(enum fkind k);
const char *finding_severity_name(enum severity s);
/* Worst of two severities in the order critical > unknown > warning > info/ok. */
enum severity finding_worse(enum severity a, enum severity b);
/* Monitoring-plugins exit code of a severity: 0 ok/info, 1 warning, 2 critical, 3 unknown. */
int finding_exit_code(enum severity s);

int finding_list_init(struct finding_list *l) ESRA_WUR;
void finding_list_free(struct finding_list *l);
/* A new finding of kind k (severity from the table), zeroed; NULL on ENOMEM. Valid until
 * the next add. */
struct finding *finding_add(struct finding_list *l, enum fkind k);
/* printf into the list's pool; NULL on ENOMEM. */
const char *finding_printf(struct finding_list *l, const char *fmt, ...) ESRA_PRINTF(2, 3);
const char *finding_strdup(struct finding_list *l, const char *s);
int finding_add_evidence(struct finding *f, struct finding_list *l, const char *fmt, ...)
    ESRA_PRINTF(3, 4) ESRA_WUR;
/* Set f->key to "kind:subject" (subject printf'd). */
int finding_set_key(struct finding *f, struct finding_list *l, const char *fmt, ...)
    ESRA_PRINTF(3, 4) ESRA_WUR;
/* Make the list own everything its findings point to: every string and array is copied
 * into the list's pool, so the views the findings were judged from can be freed. */
int finding_list_adopt(struct finding_list *l) ESRA_WUR;
/* Templates: text with {field} for a field of the finding: name, service, network, node,
 * app, instance_id, hostname, status, endpoint, source, proposal ("a free name (none
 * found)" when there is none), ip, port, desired, running, failed_recent, lease_seconds,
 * n_nodes; lists: expected_ips, resolved_ips, stale_ips (space-separated), nodes ("a, b
 * and c"); {1}..{4} for words[0..3]; {s:X} is "s" unless X renders as "1".
 * Render template tpl for f into out; an unknown placeholder is kept as written. A field
 * that is NULL renders as "?". */
int finding_render(const struct finding *f, const char *tpl, struct buf *out) ESRA_WUR;
/* Set f->message and f->remedy from its row's templates (for its variant), when the row
 * has them; strings in l's pool. */
int finding_texts(struct finding *f, struct finding_list *l) ESRA_WUR;
/* finding_texts for every finding (again after proposals are known). */
int finding_list_texts(struct finding_list *l) ESRA_WUR;
/* What the summary lists f by ("gbs-cms", "eureka"), into out: *subject is out, or NULL when
 * its row lists nothing or the field is not set. ESRA_ENOMEM when it could not be rendered. */
int finding_subject(const struct finding *f, char *out, size_t outsz,
                    const char **subject) ESRA_WUR;
/* Count findings of a kind. */
size_t finding_count(const struct finding_list *l, enum fkind k);
/* Worst severity over all findings (SEV_OK when none). */
enum severity finding_list_status(const struct finding_list *l);

#endif
