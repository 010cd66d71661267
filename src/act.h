/* act.h: the only module that writes to Eureka. Actions are planned first (a pure function
 * of findings, registry and policy: which stale instances to deregister or flag, and why
 * each refused one is refused), then executed: audit line, uncached re-check, one write to
 * one peer with failover, verification on every peer, audit line. Never acts on a cycle
 * whose sources are incomplete, never on an instance this swarm does not provably own
 * (foreign instances get no stale_instance finding; another cluster's carries not_ours).
 * Every rule is one row of one table in act.c. Plans borrow the findings and registry they were
 * made from. */
#ifndef ESRA_ACT_H
#define ESRA_ACT_H

#include "cfg.h"
#include "common.h"
#include "eureka.h"
#include "finding.h"
#include "model.h"

enum act_kind { ACT_DEREGISTER = 0, ACT_FLAG };

/* The safety rules, one row each of the table in act.c, in the order they are checked; the
 * first that refuses an action names it. */
enum act_rule_id {
	ACT_R_NONE = 0,         /* no rule refused it */
	ACT_R_IN_REGISTRY,      /* the instance is in this cycle's registry */
	ACT_R_OWNED,            /* provably this swarm's, and the finding suggests an action */
	ACT_R_OWNER_METADATA,   /* policy.owner_metadata: the instance carries the marker */
	ACT_R_SOURCES_COMPLETE, /* every source read fully this cycle */
	ACT_R_LEADER_ONLY,      /* policy.leader_only */
	ACT_R_CONFIRM_CYCLES,   /* watch: policy.confirm_cycles */
	ACT_R_PEERS_AGREE,      /* no registry_divergence about it */
	ACT_R_GRACE,            /* policy.grace_seconds */
	ACT_R_NOT_FLAGGED,      /* a flag on an OUT_OF_SERVICE instance */
	ACT_R_LAST_UP,          /* policy.allow_empty_app */
	ACT_R_PER_APP,          /* policy.max_fraction_per_app */
	ACT_R_REGISTRY,         /* policy.max_fraction_registry */
	ACT_R_MAX_ACTIONS,      /* policy.max_actions_per_run */
	ACT_R_AUDIT_LOG,        /* executing: the audit log takes the "before" line */
	ACT_R_RECHECK,          /* executing: the uncached re-check still matches */
	ACT_R_STOPPING,         /* executing: esra is not stopping */
	ACT_R_COUNT
};

/* A rule's name ("owner_metadata"; "" for ACT_R_NONE) and what it demands, in words. */
const char *act_rule_name(enum act_rule_id r);
const char *act_rule_what(enum act_rule_id r);

struct act_item {
	enum act_kind kind;
	const struct finding *f;      /* the stale_instance finding (borrowed) */
	const struct eu_instance *in; /* the instance in the cycle's registry (borrowed) */
	bool go;                      /* planned to be sent */
	enum act_rule_id rule;        /* the rule that refused it, ACT_R_NONE when go */
	char reason[320];             /* why it is refused, or what it is for */
	/* what act_execute did with it */
	enum act_result result;
	char outcome[400]; /* why it was skipped, or what the write and its check gave */
	int peers_agree;   /* 1 yes, 0 no, -1 not verified */
	long http_status;  /* 0 when nothing was sent */
};

struct act_plan {
	struct act_item *items;
	size_t n;
};

struct act_input {
	const struct esra_config *cfg;
	bool apply;             /* --apply */
	bool sources_complete;  /* every source (every Eureka peer, Docker, DNS) read fully */
	const char *incomplete; /* which one was not, for the reason text */
	bool leader;            /* this node is the swarm leader */
	const struct eu_registry *reg;
	const struct finding_list *findings;
	/* watch mode: consecutive cycles a finding key has been seen; NULL = not applied */
	unsigned (*seen_cycles)(void *ud, const char *key);
	void *seen_ud;
	int64_t now_ms;
};

/* The effective policy: "report" (no actions), "flag" or "deregister". */
int act_effective_mode(const struct esra_config *cfg, bool apply);

/* Plan this cycle's actions under every planning rule of the table (act.c; doc/design.md,
 * Safety). Nothing is planned (n = 0) in report mode. Each refused item has go = false, the
 * rule in rule and why in reason. */
int act_plan(const struct act_input *in, struct act_plan *out, struct esra_err *err) ESRA_WUR;
void act_plan_free(struct act_plan *p);

struct act_exec {
	struct eureka *eu;
	size_t first_peer;                 /* the peer that answered this cycle's read */
	const char *node;                  /* for the audit log */
	long verify_wait_ms;               /* bound on waiting for every peer to show the write */
	const volatile sig_atomic_t *stop; /* NULL, or once non-zero no further write starts */
};

/* Execute the plan (items with go) and record in every item what became of it (result done,
 * skipped or failed; outcome; whether the peers agree; the HTTP status); the caller reports
 * them. Appends two audit lines per item to policy.audit_log; if that log cannot be
 * written, nothing is sent. */
void act_execute(const struct act_exec *ex, const struct act_input *in, struct act_plan *plan);
/* esra check --plan: record in every item what --apply would do (result planned, or
 * skipped with its rule and reason) without sending or logging anything. */
void act_preview(struct act_plan *plan);
/* The name of an item's action: "deregister" or "flag". */
const char *act_kind_name(enum act_kind k);

#endif
