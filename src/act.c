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

static bool divergent(const struct finding_list *l, const char *app, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == FK_REGISTRY_DIVERGENCE && l->v[i].app && l->v[i].instance_id &&
		    esra_strcasecmp(l->v[i].app, app) == 0 && strcmp(l->v[i].instance_id, id) == 0)
			return true;
	return false;
}

static void refuse(struct act_item *it, const char *fmt, ...) ESRA_PRINTF(2, 3);

static void refuse(struct act_item *it, const char *fmt, ...)
{
	va_list ap;

	it->go = false;
	va_start(ap, fmt);
	vsnprintf(it->reason, sizeof(it->reason), fmt, ap);
	va_end(ap);
}

int act_plan(const struct act_input *in, struct act_plan *out, struct esra_err *err)
{
	const struct esra_config *cfg = in->cfg;
	int mode = act_effective_mode(cfg, in->apply);
	const struct finding_list *l = in->findings;
	size_t *done_app = NULL, *up_left = NULL, done_total = 0;
	size_t reg_cap, n = 0;
	int rc = ESRA_OK;

	memset(out, 0, sizeof(*out));
	if (mode == CFG_MODE_REPORT || in->reg == NULL)
		return ESRA_OK;
	out->items = calloc(l->n + 1, sizeof(*out->items));
	done_app = calloc(in->reg->n_apps + 1, sizeof(size_t));
	up_left = calloc(in->reg->n_apps + 1, sizeof(size_t));
	if (out->items == NULL || done_app == NULL || up_left == NULL) {
		rc = esra_err_set(err, ESRA_ENOMEM, "act: out of memory");
		goto out;
	}
	for (size_t a = 0; a < in->reg->n_apps; a++)
		for (size_t i = 0; i < in->reg->apps[a].count; i++)
			if (in->reg->inst[in->reg->apps[a].first + i].status == EU_UP)
				up_left[a]++;
	reg_cap = frac_cap(in->reg->n_inst, cfg->policy.max_fraction_registry);

	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->v[i];
		struct act_item *it;
		size_t app;
		if (f->kind != FK_STALE_INSTANCE)
			continue;
		it = &out->items[n++];
		it->f = f;
		it->kind = (mode == CFG_MODE_FLAG || f->suggested_action == NULL ||
		            strcmp(f->suggested_action, "deregister") != 0)
		               ? ACT_FLAG
		               : ACT_DEREGISTER;
		it->in = model_reg_find(in->reg, f->app, f->instance_id);
		it->go = true;
		snprintf(it->reason, sizeof(it->reason), "%s",
		         f->remedy ? f->remedy : "stale instance");
		if (it->in == NULL) {
			refuse(it, "instance not in this cycle's registry");
			continue;
		}
		app = 0;
		for (size_t a = 0; a < in->reg->n_apps; a++)
			if (esra_strcasecmp(in->reg->apps[a].name, it->in->app) == 0)
				app = a;
		/* the rules, in the order an operator reads them */
		if (!in->sources_complete) {
			refuse(it, "sources incomplete this cycle (%s): nothing is written",
			       in->incomplete ? in->incomplete : "?");
			continue;
		}
		if (cfg->policy.leader_only && !in->leader) {
			refuse(it, "not the swarm leader (policy.leader_only)");
			continue;
		}
		if (in->seen_cycles != NULL) {
			unsigned seen = in->seen_cycles(in->seen_ud, f->key);
			if (seen < (unsigned)cfg->policy.confirm_cycles) {
				refuse(
				    it,
				    "seen in %u of %ld consecutive cycles (policy.confirm_cycles)",
				    seen, cfg->policy.confirm_cycles);
				continue;
			}
		}
		if (divergent(l, f->app, f->instance_id)) {
			refuse(it, "the Eureka peers disagree about this instance");
			continue;
		}
		if (it->in->registration_ms > 0 &&
		    in->now_ms - it->in->registration_ms < cfg->policy.grace_seconds * 1000) {
			refuse(it, "registered less than %lds ago (policy.grace_seconds)",
			       cfg->policy.grace_seconds);
			continue;
		}
		if (it->kind == ACT_FLAG && it->in->status == EU_OUT_OF_SERVICE) {
			refuse(it, "already OUT_OF_SERVICE");
			continue;
		}
		if (it->in->status == EU_UP && up_left[app] <= 1 && !cfg->policy.allow_empty_app) {
			refuse(it, "last UP instance of %s (policy.allow_empty_app)", it->in->app);
			continue;
		}
		if (done_app[app] >=
		    frac_cap(in->reg->apps[app].count, cfg->policy.max_fraction_per_app)) {
			refuse(it,
			       "%zu of %zu instances of %s already acted on this cycle "
			       "(policy.max_fraction_per_app %.2f)",
			       done_app[app], in->reg->apps[app].count, it->in->app,
			       cfg->policy.max_fraction_per_app);
			continue;
		}
		if (done_total >= reg_cap) {
			refuse(it,
			       "%zu of %zu registry instances already acted on this cycle "
			       "(policy.max_fraction_registry %.2f)",
			       done_total, in->reg->n_inst, cfg->policy.max_fraction_registry);
			continue;
		}
		if (done_total >= (size_t)cfg->policy.max_actions_per_run) {
			refuse(it, "%zu actions already this cycle (policy.max_actions_per_run)",
			       done_total);
			continue;
		}
		done_total++;
		done_app[app]++;
		if (it->in->status == EU_UP)
			up_left[app]--;
	}
	out->n = n;
out:
	free(done_app);
	free(up_left);
	if (rc != ESRA_OK)
		act_plan_free(out);
	return rc;
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
		char why[256], rbuf[256];

		if (audit_broken)
			refuse(it, "%s", audit_err);
		if (!audit_broken && audit(fd, ex, it, "before", it->go ? "planned" : "skipped",
		                           it->reason, 0, -1) != 0) {
			audit_broken = true;
			snprintf(audit_err, sizeof(audit_err),
			         "audit log %s cannot be written (%s): "
			         "nothing more is sent",
			         path, strerror(errno));
			refuse(it, "%s", audit_err);
		}
		snprintf(why, sizeof(why), "%s", it->reason);
		if (it->go && ex->stop != NULL && *ex->stop != 0) {
			snprintf(why, sizeof(why), "esra is stopping: nothing more is sent");
		} else if (it->go) {
			const char *stop = recheck(ex, in, it, rbuf, sizeof(rbuf));
			if (stop != NULL) {
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
