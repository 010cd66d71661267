/* report.h: the result of one cycle (node, sources, findings, actions) and its renderings:
 * text for people and cron mail (first line per the monitoring-plugins convention), JSON
 * (field names are the contract: doc/design.md, Interfaces), and Prometheus text. Only reads; never
 * acts. A report owns its finding list and action records; report_free releases them. */
#ifndef ESRA_REPORT_H
#define ESRA_REPORT_H

#include "buf.h"
#include "cluster.h"
#include "common.h"
#include "finding.h"
#include "model.h"

struct report_source {
	bool attempted;
	bool ok;
	char error[256]; /* why not ok (names the source) */
	char where[256]; /* eureka: url; dns: server; docker: host (all redacted) */
	size_t count_a, count_b, count_c; /* eureka: apps, instances; docker: services, tasks,
	                                      containers; dns: names, queries */
};

struct report_action {
	const char *action; /* "deregister" | "flag" */
	const char *app, *instance_id;
	enum act_result result;
	const char *reason;
	int peers_agree;  /* 1 yes, 0 no, -1 not verified */
	long http_status; /* 0 when nothing was sent */
	const char *rule; /* the safety rule that refused it (act_rule_name), NULL if none */
};

/* Preflight verdict for one name. */
struct report_name {
	const char *name;
	const char *state;    /* free | clean | taken | poisoned | unknown */
	const char *proposal; /* NULL when not needed or none found */
};

struct report {
	const char *command; /* "check" | "preflight" | "watch" */
	int64_t generated_ms;
	double duration_s;
	struct {
		const char *id, *hostname;
		bool manager, leader, worker_view, known;
	} node;
	struct report_source eureka, docker, dns;
	const char *docker_api; /* negotiated version, "" if none */
	const char *dns_seat;   /* "" = esra's own namespace, else the netns asked from */
	struct finding_list findings;
	struct report_action *actions;
	size_t n_actions, cap_actions;
	struct report_name *names;
	size_t n_names;
	const char **notes; /* what this view could not judge, e.g. on a worker */
	size_t n_notes, cap_notes;
	const char **warnings; /* how esra is configured unsafely, e.g. TLS not verified */
	size_t n_warnings, cap_warnings;
	enum severity status;
	/* The definite DNS answers this node judged (/status carries them so that the
	 * cluster view can compare nodes); strings in the findings pool. */
	struct dns_answer *answers;
	size_t n_answers;
	struct cluster *cluster; /* the cluster view, NULL when none; owned */
};

int report_init(struct report *r, const char *command) ESRA_WUR;
void report_free(struct report *r);
/* Strings for actions/names/notes are copied into the findings pool. */
int report_add_action(struct report *r, const struct report_action *a) ESRA_WUR;
int report_add_note(struct report *r, const char *fmt, ...) ESRA_PRINTF(2, 3) ESRA_WUR;
/* A warning about esra's own configuration: text "warning: ..." lines, JSON "warnings";
 * it does not change the status (it is no finding). */
int report_add_warning(struct report *r, const char *fmt, ...) ESRA_PRINTF(2, 3) ESRA_WUR;
/* Keep the definite answers of v (copied) as this report's DNS answers. */
int report_set_answers(struct report *r, const struct dns_view *v) ESRA_WUR;
/* Recompute status: worst of findings (critical > unknown > warning > ok). */
void report_finish(struct report *r);

/* "3d 4h", "2h 5m", "7m", "40s": how long ms is, for people. */
void report_age(int64_t ms, char *out, size_t outsz);
/* One address holder as JSON ({kind, name, id, service, node, state, message, exit_code,
 * from, until, holds_now, source}); NULL on ENOMEM. The caller owns it. */
struct cJSON *report_owner_json(const struct addr_owner *w);

/* Render. Each appends to out. */
int report_text(const struct report *r, struct buf *out) ESRA_WUR;
int report_json(const struct report *r, struct buf *out) ESRA_WUR;

/* Counters that outlive one cycle (watch mode), for Prometheus. */
struct report_counters {
	uint64_t actions[3][3];  /* [deregister, flag, other][done, skipped, failed] */
	int64_t last_success_ms; /* last cycle whose sources were all ok, 0 = never */
};
void report_count_actions(const struct report *r, struct report_counters *c);
int report_prometheus(const struct report *r, const struct report_counters *c,
                      struct buf *out) ESRA_WUR;

#endif
