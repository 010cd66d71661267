/* finding.h: what esra reports. Each finding kind is ONE row of one table (name, severity,
 * the fields it carries, how it is summed up); reconcile fills findings, report and act only
 * read them. Reconcile fills findings with pointers into the views it judged; once judging
 * is done, finding_list_adopt copies them into the list's pool, and from then on the list
 * owns everything it points to; finding_list_free releases it.
 * Adding a kind = one enum value + one table row in finding.c. */
#ifndef ESRA_FINDING_H
#define ESRA_FINDING_H

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

struct fkind_info {
	const char *name; /* "poisoned_name" */
	enum severity severity;
	unsigned fields;
	const char *label; /* "poisoned name" (summary, singular) */
	const char *label_plural;
};

/* One extra IP in a DNS answer and who holds it. */
struct stale_ip {
	ip4_t ip;
	const char *owner; /* "service:ghost", "container:x", "task:svc.1"; NULL = nothing live */
	long backends;     /* live tasks behind it (service VIP), -1 unknown */
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
	const char *suggested_action; /* "deregister" | "flag" | NULL */
	long desired, running, failed_recent;
	const char *source; /* source_error: "eureka" | "docker" | "dns" | "probe" */
	const char **nodes; /* divergence: nodes or peers holding the odd record */
	size_t n_nodes;
	int64_t registered_ms, last_renewal_ms;
	long lease_seconds;
	const char *endpoint;  /* orphan_endpoint: "VIP" or the endpoint name */
	const char *message;   /* what and where, one sentence */
	const char *remedy;    /* what to do */
	const char **evidence; /* supporting facts, one per line */
	size_t n_evidence;
};

/* What became of one planned action on a finding (act.c decides, report.c renders). */
enum act_result { ACT_DONE = 0, ACT_SKIPPED, ACT_FAILED };

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
/* Replace "{proposal}" in every remedy with the finding's proposal, or "a free name (none
 * found)" when there is none. */
int finding_list_fill_proposals(struct finding_list *l) ESRA_WUR;
/* Count findings of a kind. */
size_t finding_count(const struct finding_list *l, enum fkind k);
/* Worst severity over all findings (SEV_OK when none). */
enum severity finding_list_status(const struct finding_list *l);

#endif
