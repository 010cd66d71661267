/* act.c: the only module that writes to Eureka; never acts on incomplete data. Plans under
 * the safety rules, then executes with audit, re-check, failover and verification. */
#include "act.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hmap.h"

int act_effective_mode(const struct esra_config *cfg, bool apply)
{
	if (cfg->policy.mode == CFG_MODE_REPORT)
		return apply ? CFG_MODE_DEREGISTER : CFG_MODE_REPORT;
	return cfg->policy.mode;
}

static size_t frac_cap(size_t n, double frac)
{
	size_t cap = (size_t)((double)n * frac);

	return cap < 1 ? 1 : cap;
}

/* ---------------------------------------------------------------- the rules */

/* What the plan has taken so far this cycle, for the caps. */
struct plan_state {
	const struct act_input *in;
	int mode;
	size_t *done_app, *up_left; /* per registry app */
	size_t done_total, reg_cap;
};

typedef bool (*rule_fn)(const struct plan_state *s, const struct act_item *it, size_t app,
                        char *why, size_t whysz);

#define WHY(...) (snprintf(why, whysz, __VA_ARGS__), true)

static bool r_in_registry(const struct plan_state *s, const struct act_item *it, size_t app,
                          char *why, size_t whysz)
{
	(void)s;
	(void)app;
	return it->in == NULL && WHY("instance not in this cycle's registry");
}

static bool r_owned(const struct plan_state *s, const struct act_item *it, size_t app, char *why,
                    size_t whysz)
{
	const char *a = it->f->suggested_action;

	(void)s;
	(void)app;
	if (it->f->not_ours != NULL)
		return WHY("not this swarm's to write: %s", it->f->not_ours);
	if (a == NULL || (strcmp(a, "deregister") != 0 && strcmp(a, "flag") != 0))
		return WHY("the finding suggests no action (suggested_action %s)", a ? a : "null");
	return false;
}

static bool r_owner_metadata(const struct plan_state *s, const struct act_item *it, size_t app,
                             char *why, size_t whysz)
{
	const char *m = s->in->cfg->policy.owner_metadata;

	(void)app;
	return m[0] != '\0' && !model_inst_has_meta_pair(it->in, m) &&
	       WHY("its metadata does not carry %s (policy.owner_metadata)", m);
}

static bool r_sources_complete(const struct plan_state *s, const struct act_item *it, size_t app,
                               char *why, size_t whysz)
{
	(void)it;
	(void)app;
	return !s->in->sources_complete &&
	       WHY("sources incomplete this cycle (%s): nothing is written",
	           s->in->incomplete ? s->in->incomplete : "?");
}

static bool r_leader_only(const struct plan_state *s, const struct act_item *it, size_t app,
                          char *why, size_t whysz)
{
	(void)it;
	(void)app;
	return s->in->cfg->policy.leader_only && !s->in->leader &&
	       WHY("not the swarm leader (policy.leader_only)");
}

static bool r_confirm_cycles(const struct plan_state *s, const struct act_item *it, size_t app,
                             char *why, size_t whysz)
{
	unsigned seen;

	(void)app;
	if (s->in->seen_cycles == NULL)
		return false;
	seen = s->in->seen_cycles(s->in->seen_ud, it->f->key);
	return seen < (unsigned)s->in->cfg->policy.confirm_cycles &&
	       WHY("seen in %u of %ld consecutive cycles (policy.confirm_cycles)", seen,
	           s->in->cfg->policy.confirm_cycles);
}

static bool r_peers_agree(const struct plan_state *s, const struct act_item *it, size_t app,
                          char *why, size_t whysz)
{
	const struct finding_list *l = s->in->findings;

	(void)app;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == FK_REGISTRY_DIVERGENCE && l->v[i].app && l->v[i].instance_id &&
		    esra_strcasecmp(l->v[i].app, it->f->app) == 0 &&
		    strcmp(l->v[i].instance_id, it->f->instance_id) == 0)
			return WHY("the Eureka peers disagree about this instance");
	return false;
}

static bool r_grace(const struct plan_state *s, const struct act_item *it, size_t app, char *why,
                    size_t whysz)
{
	long grace = s->in->cfg->policy.grace_seconds;

	(void)app;
	return it->in->registration_ms > 0 &&
	       s->in->now_ms - it->in->registration_ms < grace * 1000 &&
	       WHY("registered less than %lds ago (policy.grace_seconds)", grace);
}

static bool r_not_flagged(const struct plan_state *s, const struct act_item *it, size_t app,
                          char *why, size_t whysz)
{
	(void)s;
	(void)app;
	return it->kind == ACT_FLAG && it->in->status == EU_OUT_OF_SERVICE &&
	       WHY("already OUT_OF_SERVICE");
}

static bool r_last_up(const struct plan_state *s, const struct act_item *it, size_t app, char *why,
                      size_t whysz)
{
	return it->in->status == EU_UP && s->up_left[app] <= 1 &&
	       !s->in->cfg->policy.allow_empty_app &&
	       WHY("last UP instance of %s (policy.allow_empty_app)", it->in->app);
}

static bool r_per_app(const struct plan_state *s, const struct act_item *it, size_t app, char *why,
                      size_t whysz)
{
	const struct eu_app *a = &s->in->reg->apps[app];
	double frac = s->in->cfg->policy.max_fraction_per_app;

	return s->done_app[app] >= frac_cap(a->count, frac) &&
	       WHY("%zu of %zu instances of %s already acted on this cycle "
	           "(policy.max_fraction_per_app %.2f)",
	           s->done_app[app], a->count, it->in->app, frac);
}

static bool r_registry(const struct plan_state *s, const struct act_item *it, size_t app, char *why,
                       size_t whysz)
{
	(void)it;
	(void)app;
	return s->done_total >= s->reg_cap &&
	       WHY("%zu of %zu registry instances already acted on this cycle "
	           "(policy.max_fraction_registry %.2f)",
	           s->done_total, s->in->reg->n_inst, s->in->cfg->policy.max_fraction_registry);
}

static bool r_max_actions(const struct plan_state *s, const struct act_item *it, size_t app,
                          char *why, size_t whysz)
{
	(void)it;
	(void)app;
	return s->done_total >= (size_t)s->in->cfg->policy.max_actions_per_run &&
	       WHY("%zu actions already this cycle (policy.max_actions_per_run)", s->done_total);
}

/* THE rule table: every safety rule, in the order an operator reads them; the first that
 * refuses an action is its rule and reason. Rows without a function are checked while
 * executing (they need I/O), after every planning rule passed. */
static const struct act_rule {
	const char *name;
	rule_fn refuses;
	const char *what;
} rules[ACT_R_COUNT] = {
    [ACT_R_NONE] = {"", NULL, "no rule refused it"},
    [ACT_R_IN_REGISTRY] = {"in_registry", r_in_registry,
                           "the instance is in this cycle's registry"},
    [ACT_R_OWNED] = {"owned", r_owned,
                     "this swarm provably owns the instance (its address is in a subnet of a "
                     "network of this swarm, and its app or its instanceId names a service, "
                     "task or container of this swarm) and the finding suggests an action"},
    [ACT_R_OWNER_METADATA] = {"owner_metadata", r_owner_metadata,
                              "with policy.owner_metadata set, the instance carries that "
                              "metadata pair"},
    [ACT_R_SOURCES_COMPLETE] = {"sources_complete", r_sources_complete,
                                "every source (every Eureka peer, Docker, DNS) was read fully "
                                "this cycle"},
    [ACT_R_LEADER_ONLY] = {"leader_only", r_leader_only,
                           "policy.leader_only: only the swarm leader acts"},
    [ACT_R_CONFIRM_CYCLES] = {"confirm_cycles", r_confirm_cycles,
                              "watch: seen in policy.confirm_cycles consecutive cycles"},
    [ACT_R_PEERS_AGREE] = {"peers_agree", r_peers_agree,
                           "the Eureka peers agree about the instance"},
    [ACT_R_GRACE] = {"grace", r_grace, "registered longer than policy.grace_seconds ago"},
    [ACT_R_NOT_FLAGGED] = {"not_flagged", r_not_flagged, "a flag is not already set"},
    [ACT_R_LAST_UP] = {"last_up", r_last_up,
                       "never the last UP instance of an app (policy.allow_empty_app)"},
    [ACT_R_PER_APP] = {"max_fraction_per_app", r_per_app,
                       "at most max(1, floor(n x policy.max_fraction_per_app)) of an app's n "
                       "instances"},
    [ACT_R_REGISTRY] = {"max_fraction_registry", r_registry,
                        "at most max(1, floor(N x policy.max_fraction_registry)) of the "
                        "registry's N instances"},
    [ACT_R_MAX_ACTIONS] = {"max_actions_per_run", r_max_actions,
                           "at most policy.max_actions_per_run actions"},
    [ACT_R_AUDIT_LOG] = {"audit_log", NULL,
                         "the audit log (policy.audit_log) takes the \"before\" line"},
    [ACT_R_RECHECK] = {"recheck", NULL,
                       "the uncached GET of the instance still matches the finding (not "
                       "gone, same address, lease not renewed for a delete)"},
    [ACT_R_STOPPING] = {"stopping", NULL,
                        "executing: esra is not stopping (SIGTERM/SIGINT in watch mode)"},
};

const char *act_rule_name(enum act_rule_id r)
{
	return (unsigned)r < ACT_R_COUNT ? rules[r].name : "";
}

const char *act_rule_what(enum act_rule_id r)
{
	return (unsigned)r < ACT_R_COUNT ? rules[r].what : "";
}

static void refuse(struct act_item *it, enum act_rule_id rule, const char *fmt, ...)
    ESRA_PRINTF(3, 4);

static void refuse(struct act_item *it, enum act_rule_id rule, const char *fmt, ...)
{
	va_list ap;

	it->go = false;
	it->rule = rule;
	va_start(ap, fmt);
	vsnprintf(it->reason, sizeof(it->reason), fmt, ap);
	va_end(ap);
}

static size_t app_index(const struct eu_registry *reg, const char *name)
{
	for (size_t a = 0; a < reg->n_apps; a++)
		if (esra_strcasecmp(reg->apps[a].name, name) == 0)
			return a;
	return 0;
}

int act_plan(const struct act_input *in, struct act_plan *out, struct esra_err *err)
{
	const struct finding_list *l = in->findings;
	struct plan_state st;
	size_t n = 0;
	int rc = ESRA_OK;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.in = in;
	st.mode = act_effective_mode(in->cfg, in->apply);
	if (st.mode == CFG_MODE_REPORT || in->reg == NULL)
		return ESRA_OK;
	out->items = calloc(l->n + 1, sizeof(*out->items));
	st.done_app = calloc(in->reg->n_apps + 1, sizeof(size_t));
	st.up_left = calloc(in->reg->n_apps + 1, sizeof(size_t));
	if (out->items == NULL || st.done_app == NULL || st.up_left == NULL) {
		rc = esra_err_set(err, ESRA_ENOMEM, "act: out of memory");
		goto out;
	}
	for (size_t a = 0; a < in->reg->n_apps; a++)
		for (size_t i = 0; i < in->reg->apps[a].count; i++)
			if (in->reg->inst[in->reg->apps[a].first + i].status == EU_UP)
				st.up_left[a]++;
	st.reg_cap = frac_cap(in->reg->n_inst, in->cfg->policy.max_fraction_registry);

	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->v[i];
		struct act_item *it;
		size_t app = 0;
		if (f->kind != FK_STALE_INSTANCE)
			continue;
		it = &out->items[n++];
		it->f = f;
		it->kind = (st.mode == CFG_MODE_FLAG || f->suggested_action == NULL ||
		            strcmp(f->suggested_action, "deregister") != 0)
		               ? ACT_FLAG
		               : ACT_DEREGISTER;
		it->in = model_reg_find(in->reg, f->app, f->instance_id);
		it->go = true;
		it->rule = ACT_R_NONE;
		snprintf(it->reason, sizeof(it->reason), "%s",
		         f->remedy ? f->remedy : "stale instance");
		if (it->in != NULL)
			app = app_index(in->reg, it->in->app);
		for (int r = 0; r < ACT_R_COUNT && it->go; r++) {
			char why[sizeof(it->reason)];
			if (rules[r].refuses != NULL &&
			    rules[r].refuses(&st, it, app, why, sizeof(why)))
				refuse(it, (enum act_rule_id)r, "%s", why);
		}
		if (!it->go)
			continue;
		st.done_total++;
		st.done_app[app]++;
		if (it->in->status == EU_UP)
			st.up_left[app]--;
	}
	out->n = n;
out:
	free(st.done_app);
	free(st.up_left);
	if (rc != ESRA_OK)
		act_plan_free(out);
	return rc;
}

void act_preview(struct act_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct act_item *it = &plan->items[i];
		it->result = it->go ? ACT_PLANNED : ACT_SKIPPED;
		it->peers_agree = -1;
		it->http_status = 0;
		if (it->go)
			snprintf(
			    it->outcome, sizeof(it->outcome),
			    "every planning rule passes; --apply re-checks it (uncached GET) and "
			    "sends it: %s",
			    it->reason);
		else
			snprintf(it->outcome, sizeof(it->outcome), "%s", it->reason);
	}
}

void act_plan_free(struct act_plan *p)
{
	if (p == NULL)
		return;
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

/* ---------------------------------------------------------------- execution */

const char *act_kind_name(enum act_kind k)
{
	return k == ACT_DEREGISTER ? "deregister" : "flag";
}

/* One JSON line, flushed and fsynced; -1 when it could not be written. */
static int audit(int fd, const struct act_exec *ex, const struct act_item *it, const char *phase,
                 const char *result, const char *reason, long http_status, int peers_agree)
{
	cJSON *o = cJSON_CreateObject(), *ev;
	char ts[ESRA_TIME_MAX], ipb[IP4_STRLEN];
	char *line = NULL;
	int rc = -1;
	size_t len, off = 0;

	if (fd < 0) {
		cJSON_Delete(o);
		return 0; /* no audit log configured */
	}
	if (o == NULL)
		return -1;
	esra_format_time(esra_now_ms(), true, ts, sizeof(ts));
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddStringToObject(o, "node", ex->node ? ex->node : "");
	cJSON_AddStringToObject(o, "phase", phase);
	cJSON_AddStringToObject(o, "action", act_kind_name(it->kind));
	cJSON_AddStringToObject(o, "app", it->f->app ? it->f->app : "");
	cJSON_AddStringToObject(o, "instance_id", it->f->instance_id ? it->f->instance_id : "");
	if (it->f->has_ip)
		cJSON_AddStringToObject(o, "ip", ip4_format(it->f->ip, ipb));
	cJSON_AddStringToObject(o, "result", result);
	cJSON_AddStringToObject(o, "reason", reason);
	if (http_status > 0)
		cJSON_AddNumberToObject(o, "http_status", (double)http_status);
	if (peers_agree >= 0)
		cJSON_AddBoolToObject(o, "peers_agree", peers_agree == 1);
	ev = cJSON_AddArrayToObject(o, "evidence");
	for (size_t i = 0; ev != NULL && i < it->f->n_evidence; i++)
		cJSON_AddItemToArray(ev, cJSON_CreateString(it->f->evidence[i]));
	line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (line == NULL)
		return -1;
	len = strlen(line);
	line[len++] = '\n'; /* replaces the NUL: written by length */
	while (off < len) {
		ssize_t w = write(fd, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		off += (size_t)w;
	}
	rc = fsync(fd) == 0 ? 0 : -1;
out:
	free(line);
	return rc;
}

static bool retryable(int rc, long status)
{
	return rc == ESRA_ECONNECT || rc == ESRA_ETIMEOUT || (rc == ESRA_OK && status >= 500);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Does peer show the write? 1 yes, 0 no, -1 could not tell. */
static int shows_write(struct eureka *eu, size_t peer, const struct act_item *it)
{
	struct eu_registry *one = NULL;
	struct esra_err e;
	int rc = eureka_get_instance(eu, peer, it->f->app, it->f->instance_id, &one, &e);
	int r;

	if (rc == ESRA_ENOTFOUND)
		return it->kind == ACT_DEREGISTER ? 1 : 0;
	if (rc != ESRA_OK)
		return -1;
	r = it->kind == ACT_FLAG && one->n_inst == 1 && one->inst[0].status == EU_OUT_OF_SERVICE;
	model_reg_free(one);
	return r;
}

/* Poll every peer until all show the write or the wait is over. written[] gets per-peer. */
static int verify(const struct act_exec *ex, const struct act_item *it, size_t written_peer,
                  bool *on_written)
{
	size_t np = eureka_peer_count(ex->eu);
	int64_t deadline = esra_mono_ms() + ex->verify_wait_ms;
	bool all;

	*on_written = false;
	for (;;) {
		all = true;
		for (size_t p = 0; p < np; p++) {
			int s = shows_write(ex->eu, p, it);
			if (p == written_peer && s == 1)
				*on_written = true;
			if (s != 1)
				all = false;
		}
		if (all || esra_mono_ms() >= deadline)
			break;
		sleep_ms(250);
	}
	return all ? 1 : 0;
}

/* Send one write: the first peer, then the next on connect errors, timeouts and 5xx,
 * two tries each with a short backoff. */
static int send_write(const struct act_exec *ex, const struct act_item *it, size_t *peer_used,
                      long *status, struct esra_err *e)
{
	size_t np = eureka_peer_count(ex->eu);
	int rc = ESRA_ECONNECT;

	for (size_t k = 0; k < np; k++) {
		size_t p = (ex->first_peer + k) % np;
		for (int attempt = 0; attempt < 2; attempt++) {
			*status = 0;
			esra_err_clear(e);
			rc = it->kind == ACT_DEREGISTER
			         ? eureka_delete_instance(ex->eu, p, it->f->app, it->f->instance_id,
			                                  status, e)
			         : eureka_set_status(ex->eu, p, it->f->app, it->f->instance_id,
			                             EU_OUT_OF_SERVICE, status, e);
			*peer_used = p;
			if (!retryable(rc, *status))
				return rc;
			sleep_ms(attempt == 0 ? 200 : 500);
		}
	}
	return rc;
}

/* Before writing: the uncached view of the instance must still match the finding. */
static const char *recheck(const struct act_exec *ex, const struct act_input *in,
                           const struct act_item *it, char *buf, size_t bufsz)
{
	struct eu_registry *one = NULL;
	struct esra_err e;
	const struct eu_instance *x;
	const char *why = NULL;
	int rc =
	    eureka_get_instance(ex->eu, ex->first_peer, it->f->app, it->f->instance_id, &one, &e);

	if (rc == ESRA_ENOTFOUND)
		return "already gone from the registry";
	if (rc != ESRA_OK) {
		snprintf(buf, bufsz, "cannot re-check the instance: %s", e.msg);
		return buf;
	}
	x = one->n_inst == 1 ? &one->inst[0] : NULL;
	if (x == NULL)
		why = "cannot re-check the instance: unexpected answer";
	else if (x->ip != it->in->ip || x->ip_valid != it->in->ip_valid)
		why = "its address changed since the check";
	else if (it->kind == ACT_DEREGISTER && x->last_renewal_ms > 0 &&
	         in->now_ms - x->last_renewal_ms <= (int64_t)x->lease_duration_s * 1000)
		why = "its lease was renewed since the check (it heartbeats: flag it instead)";
	model_reg_free(one);
	return why;
}

void act_execute(const struct act_exec *ex, const struct act_input *in, struct act_plan *plan)
{
	const char *path = in->cfg->policy.audit_log;
	int fd = -1;
	bool audit_broken = false;
	char audit_err[200] = "";

	if (plan->n == 0)
		return;
	if (path[0] != '\0') {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0) {
			audit_broken = true;
			snprintf(audit_err, sizeof(audit_err),
			         "audit log %s cannot be written (%s): "
			         "nothing is sent",
			         path, strerror(errno));
		}
	}
	for (size_t i = 0; i < plan->n; i++) {
		struct act_item *it = &plan->items[i];
		struct esra_err e;
		long status = 0;
		size_t peer = ex->first_peer;
		int agree = -1;
		enum act_result res = ACT_SKIPPED;
		char why[sizeof(it->outcome)], rbuf[256];

		if (audit_broken)
			refuse(it, ACT_R_AUDIT_LOG, "%s", audit_err);
		if (!audit_broken && audit(fd, ex, it, "before", it->go ? "planned" : "skipped",
		                           it->reason, 0, -1) != 0) {
			audit_broken = true;
			snprintf(audit_err, sizeof(audit_err),
			         "audit log %s cannot be written (%s): "
			         "nothing more is sent",
			         path, strerror(errno));
			refuse(it, ACT_R_AUDIT_LOG, "%s", audit_err);
		}
		snprintf(why, sizeof(why), "%s", it->reason);
		if (it->go && ex->stop != NULL && *ex->stop != 0) {
			it->rule = ACT_R_STOPPING;
			snprintf(why, sizeof(why), "esra is stopping: nothing more is sent");
		} else if (it->go) {
			const char *stop = recheck(ex, in, it, rbuf, sizeof(rbuf));
			if (stop != NULL) {
				it->rule = ACT_R_RECHECK;
				snprintf(why, sizeof(why), "%s", stop);
			} else {
				int rc = send_write(ex, it, &peer, &status, &e);
				bool on_written = false;
				if (rc == ESRA_OK &&
				    (status == 200 || status == 204 ||
				     (status == 404 && it->kind == ACT_DEREGISTER))) {
					agree = verify(ex, it, peer, &on_written);
					res = on_written ? ACT_DONE : ACT_FAILED;
					snprintf(why, sizeof(why), "%s on %s (HTTP %ld)%s",
					         on_written ? "verified"
					                    : "not visible after the write",
					         eureka_peer_url(ex->eu, peer), status,
					         agree ? ", every peer agrees"
					               : ", the peers do not agree yet");
				} else {
					res = ACT_FAILED;
					if (rc == ESRA_OK)
						snprintf(why, sizeof(why), "%s answered HTTP %ld",
						         eureka_peer_url(ex->eu, peer), status);
					else
						snprintf(why, sizeof(why), "%s", e.msg);
				}
			}
		}
		if (fd >= 0 && !audit_broken &&
		    audit(fd, ex, it, "after",
		          res == ACT_DONE     ? "done"
		          : res == ACT_FAILED ? "failed"
		                              : "skipped",
		          why, status, agree) != 0) {
			audit_broken = true;
			snprintf(audit_err, sizeof(audit_err),
			         "audit log %s cannot be written (%s): "
			         "nothing more is sent",
			         path, strerror(errno));
		}
		it->result = res;
		snprintf(it->outcome, sizeof(it->outcome), "%s", why);
		it->peers_agree = agree;
		it->http_status = status;
	}
	if (fd >= 0)
		close(fd);
}
