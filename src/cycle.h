/* cycle.h: one esra cycle: gather the three views (Docker, Eureka, DNS, optional TCP
 * probes), reconcile, propose clean names, act within the safety limits, and fill a report.
 * `esra check` runs it once, `esra watch` forever, `esra preflight` runs its name variant.
 * A struct cycle keeps the clients (connections) and what watch mode carries between cycles;
 * it borrows the config, which must outlive it. */
#ifndef ESRA_CYCLE_H
#define ESRA_CYCLE_H

#include <signal.h>

#include "cfg.h"
#include "common.h"
#include "history.h"
#include "model.h"
#include "report.h"

struct cycle;

/* What a cycle gathered, for a caller that looks before the views are freed (esra
 * explain). Every pointer is borrowed and valid only during the inspect call; any may be
 * NULL (that source failed). */
struct cycle_look {
	const struct sw_view *sw;
	const struct eu_registry *reg;
	const struct dns_view *dns;
	const struct history *hist;
};

struct cycle_opts {
	bool apply; /* --apply: act even in policy.mode "report" */
	bool plan; /* --plan: report what --apply would do (with the rule verdicts), send nothing */
	const char *const *services; /* --service NAME...: only findings about these */
	size_t n_services;
	bool watch; /* keep the registry and follow apps/delta (doc/design.md, Interfaces) */
	/* The cluster view (cluster.h): CYCLE_CLUSTER_WATCH on the swarm leader of a global
	 * service finds its peers by DNS (tasks.SERVICE); CYCLE_CLUSTER_CHECK (check --cluster,
	 * on a manager's host) by Docker (the service's tasks), asked from the netns of this
	 * node's esra task. cluster_port: where the peers serve /status. */
	enum { CYCLE_CLUSTER_OFF = 0, CYCLE_CLUSTER_WATCH, CYCLE_CLUSTER_CHECK } cluster;
	int cluster_port;
	/* esra explain: names asked of DNS besides the judged ones; read_only: nothing is
	 * written (no action, no state file); inspect is called once the findings are judged,
	 * before the views are freed (a non-zero return ends the cycle with that code). */
	const char *const *extra_names;
	size_t n_extra;
	bool read_only;
	int (*inspect)(void *ud, const struct cycle_look *look, struct report *rep);
	void *inspect_ud;
};

/* stop: NULL, or a flag a signal handler sets (watch's SIGTERM): once non-zero, the cycle's
 * reads (Docker, Eureka, DNS) end early, no write to Eureka starts, and cycle_check and
 * cycle_preflight return ESRA_ESTOPPED ("stopped") with a report that must not be used. */
struct cycle *cycle_new(const struct esra_config *cfg, const volatile sig_atomic_t *stop,
                        struct esra_err *err);
void cycle_free(struct cycle *c); /* NULL is a no-op */

/* Run one check cycle into rep (initialised by the caller with report_init). Source
 * failures are findings in rep, not errors; an error return means esra itself failed
 * (out of memory). */
int cycle_check(struct cycle *c, const struct cycle_opts *o, struct report *rep,
                struct esra_err *err) ESRA_WUR;

/* Is each name safe to deploy? Fills rep->names with a verdict and proposal per name, and
 * findings for taken or poisoned names. */
int cycle_preflight(struct cycle *c, const char *const *names, size_t n, struct report *rep,
                    struct esra_err *err) ESRA_WUR;

#endif
