/* cycle.c: gathers the views, runs reconcile, finds clean names and fills the report.
 * The only module that calls all readers; it never prints (agent/ renders the report). */
#include "cycle.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "cluster.h"
#include "docker.h"
#include "eureka.h"
#include "dns.h"
#include "history.h"
#include "hmap.h"
#include "limits.h"
#include "log.h"
#include "netns.h"
#include "probe.h"
#include "propose.h"
#include "recon.h"

struct cycle {
	const struct esra_config *cfg;
	const volatile sig_atomic_t *stop;
	struct eureka *eu;
	struct docker *dk;
	char docker_where[256];
	struct eu_registry *kept; /* watch: the registry followed through apps/delta */
	size_t kept_peer;
	/* watch: how many consecutive cycles each finding key has been seen */
	struct hmap *seen;
	struct pool *seen_pool;
	/* esra's memory (state.dir): loaded at the first cycle Docker answers */
	struct state *mem;
	bool mem_save; /* state.dir exists: save after each cycle */
};

/* The views one cycle gathers; freed at its end. */
struct views {
	struct sw_view *sw;
	struct eu_registry *reg;
	bool reg_kept;              /* reg is the cycle's kept registry: not freed with the views */
	size_t peer;                /* the Eureka peer that answered */
	struct eu_registry **peers; /* every peer's registry (peers[peer] == reg), or NULL */
	size_t n_peers;
	bool peers_ok; /* every peer was read */
	char peers_error[256];
	struct dns_view *dns;
	struct recon *rc;
	struct history *hist; /* the findings' addresses: who held them (memory()) */
	char seat[64];        /* netns path asked from, "" = own */
	bool seat_failed;
	char seat_error[256];
	char scope_error[512]; /* swarm.networks names a network this swarm lacks; "" if not */
};

static void views_free(struct views *v)
{
	for (size_t p = 0; p < v->n_peers; p++)
		if (p != v->peer)
			model_reg_free(v->peers[p]);
	free(v->peers);
	history_free(v->hist);
	recon_free(v->rc);
	model_dns_free(v->dns);
	if (!v->reg_kept)
		model_reg_free(v->reg);
	model_sw_free(v->sw);
}

/* In every report (text, JSON) and the log while eureka.tls_verify is false. */
static const char tls_off_warning[] =
    "eureka.tls_verify is false: the Eureka servers' certificates are not verified, so "
    "anyone on the path can pose as the registry and receive the credentials in "
    "eureka.urls";

struct cycle *cycle_new(const struct esra_config *cfg, const volatile sig_atomic_t *stop,
                        struct esra_err *err)
{
	struct cycle *c = calloc(1, sizeof(*c));
	struct eureka_opts eo;
	struct docker_opts dop;

	if (c == NULL) {
		esra_err_set(err, ESRA_ENOMEM, "out of memory");
		return NULL;
	}
	c->cfg = cfg;
	c->stop = stop;
	memset(&eo, 0, sizeof(eo));
	eo.urls = (const char *const *)cfg->eureka.urls.v;
	eo.n_urls = cfg->eureka.urls.n;
	eo.format = cfg->eureka.format == CFG_FORMAT_XML ? EUREKA_XML : EUREKA_JSON;
	eo.timeout_ms = cfg->eureka.timeout_ms;
	eo.no_tls_verify = !cfg->eureka.tls_verify;
	eo.ca_file = cfg->eureka.ca_file[0] != '\0' ? cfg->eureka.ca_file : NULL;
	eo.cert_file = cfg->eureka.cert_file[0] != '\0' ? cfg->eureka.cert_file : NULL;
	eo.key_file = cfg->eureka.key_file[0] != '\0' ? cfg->eureka.key_file : NULL;
	eo.stop = stop;
	if (!cfg->eureka.tls_verify)
		log_warnx("%s", tls_off_warning);
	c->eu = eureka_new(&eo, err);
	if (c->eu == NULL)
		goto fail;
	memset(&dop, 0, sizeof(dop));
	dop.host = cfg->docker.host;
	dop.tls_verify = cfg->docker.tls_verify;
	dop.cert_path = cfg->docker.cert_path;
	dop.timeout_ms = cfg->docker.timeout_ms;
	dop.events_seconds = cfg->policy.history_seconds; /* evidence for the address history */
	dop.stop = stop;
	c->dk = docker_new(&dop, err);
	if (c->dk == NULL)
		goto fail;
	esra_redact_url(cfg->docker.host, c->docker_where, sizeof(c->docker_where));
	return c;
fail:
	cycle_free(c);
	return NULL;
}

void cycle_free(struct cycle *c)
{
	if (c == NULL)
		return;
	eureka_free(c->eu);
	docker_free(c->dk);
	model_reg_free(c->kept);
	hmap_free(c->seen);
	pool_free(c->seen_pool);
	state_free(c->mem);
	free(c);
}

/* ---------------------------------------------------------------- sources */

/* A source_error finding: msg names the source, variant (SRC_*) picks the remedy. */
static int source_error(struct report *rep, const char *source, const char *msg, unsigned variant)
{
	struct finding *f = finding_add(&rep->findings, FK_SOURCE_ERROR);

	if (f == NULL)
		return ESRA_ENOMEM;
	f->source = source;
	f->variant = variant;
	f->words[0] = finding_strdup(&rep->findings, msg);
	if (f->words[0] == NULL || finding_set_key(f, &rep->findings, "%s", source) != 0 ||
	    finding_texts(f, &rep->findings) != ESRA_OK)
		return ESRA_ENOMEM;
	return ESRA_OK;
}

/* ---------------------------------------------------------------- gathering
 * Docker and Eureka are read at the same time, each on its own thread, and each asks DNS
 * for its names as soon as it has them (the swarm's service names, the instances'
 * hostNames), so a cycle costs about its slowest source. The threads only read and parse:
 * the report is written by the cycle's thread after the join. */

/* What a reader thread brings back. */
struct reader {
	struct cycle *c;
	struct views *v;
	int64_t now_ms;
	bool watch;    /* Eureka: follow apps/delta */
	bool prefetch; /* ask DNS for this source's names */
	int rc;
	struct esra_err e;
	int64_t ms;
	/* Eureka */
	bool delta;
	uint64_t bytes;
	struct esra_err *peer_err; /* per peer, code ESRA_OK when read */
	/* DNS asked from this thread */
	struct dns_view *dns;
	int dns_rc;
	struct esra_err dns_e;
	int64_t dns_ms;
	size_t dns_names;
};

static void dns_opts_of(const struct cycle *c, const struct views *v, struct dns_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->server = c->cfg->dns.server;
	o->port = (int)c->cfg->dns.port;
	o->timeout_ms = c->cfg->dns.timeout_ms;
	o->attempts = (int)c->cfg->dns.attempts;
	o->netns = v->seat[0] ? v->seat : NULL;
	o->stop = c->stop;
}

/* Between the phases of a cycle: has the caller asked to stop? */
static bool stopped(const struct cycle *c)
{
	return c->stop != NULL && *c->stop != 0;
}

/* One DNS round in the debug log: time, names, and how the congestion window went. */
static void log_dns_round(const char *what, const struct dns_view *d, size_t n, int64_t ms)
{
	log_debug("dns: %lld ms, %zu %s", (long long)ms, n, what);
	if (d != NULL)
		log_debug("dns: %zu queries, %zu retransmits, %zu lost; window %zu -> %zu "
		          "(min %zu, max %zu), srtt %ld us",
		          d->queries, d->retransmits, d->lost, d->window_start, d->window_end,
		          d->window_min, d->window_max, d->srtt_us);
}

static void reader_dns(struct reader *r, const char *const *names, size_t n)
{
	struct dns_opts o;
	int64_t t0 = esra_mono_ms();

	if (n == 0)
		return;
	dns_opts_of(r->c, r->v, &o);
	esra_err_clear(&r->dns_e);
	r->dns_rc = dns_resolve(&o, names, n, &r->dns, &r->dns_e);
	r->dns_ms = esra_mono_ms() - t0;
	r->dns_names = n;
}

/* Where DNS (and probes) are asked from, when dns.netns needs no lookup. */
static void static_seat(struct cycle *c, struct views *v)
{
	const char *ns = c->cfg->dns.netns;

	v->seat[0] = '\0';
	if (ns[0] != '\0' && strncmp(ns, "container:", 10) != 0)
		snprintf(v->seat, sizeof(v->seat), "%s", ns);
}

/* dns.netns = container:NAME: that container's namespace, from Docker (on the Docker
 * thread: it uses the Docker client). */
static void container_seat(struct cycle *c, struct views *v)
{
	const char *ns = c->cfg->dns.netns;
	struct esra_err e;
	pid_t pid;

	if (strncmp(ns, "container:", 10) != 0)
		return;
	if (v->sw == NULL) {
		v->seat_failed = true;
		snprintf(v->seat_error, sizeof(v->seat_error),
		         "dns.netns %s: cannot look up the container: Docker is not readable", ns);
		return;
	}
	esra_err_clear(&e);
	if (docker_container_pid(c->dk, ns + 10, &pid, &e) != ESRA_OK ||
	    netns_path_for_pid(pid, v->seat, sizeof(v->seat)) != ESRA_OK) {
		v->seat_failed = true;
		snprintf(v->seat_error, sizeof(v->seat_error), "dns.netns %s: %s", ns,
		         e.msg[0] ? e.msg : "no such process");
	}
}

static void *docker_thread(void *arg)
{
	struct reader *r = arg;
	struct views *v = r->v;
	struct recon_input in;
	const char **names = NULL;
	size_t n = 0;
	int64_t t0 = esra_mono_ms();

	esra_err_clear(&r->e);
	r->rc = docker_read(r->c->dk, &v->sw, &r->e);
	r->ms = esra_mono_ms() - t0;
	container_seat(r->c, v);
	if (!r->prefetch || r->rc != ESRA_OK || v->seat_failed)
		return NULL;
	/* the swarm's names: the checks recon makes of this view alone (the registry is added
	 * to the same recon after the join) */
	memset(&in, 0, sizeof(in));
	in.cfg = r->c->cfg;
	in.sw = v->sw;
	in.now_ms = r->now_ms;
	v->rc = recon_new(&in, &r->dns_e);
	if (v->rc == NULL || recon_dns_names(v->rc, &names, &n, &r->dns_e) != ESRA_OK) {
		r->dns_rc = r->dns_e.code;
		return NULL;
	}
	reader_dns(r, names, n);
	free(names);
	return NULL;
}

struct peer_job {
	struct eureka *eu;
	size_t peer;
	struct eu_registry **out;
	struct esra_err *err;
};

static void *peer_main(void *arg)
{
	struct peer_job *j = arg;
	int rc;

	esra_err_clear(j->err);
	rc = eureka_fetch_peer(j->eu, j->peer, j->out, j->err);
	if (rc != ESRA_OK)
		j->err->code = rc;
	return NULL;
}

/* With several peers, read every one, all at once: instances they disagree about are never
 * acted on, and an unreadable peer makes the cycle incomplete for acting. */
static int read_peers(struct reader *r)
{
	struct cycle *c = r->c;
	struct views *v = r->v;
	size_t np = eureka_peer_count(c->eu);
	struct peer_job *jobs;
	pthread_t *t;
	bool *started;
	int rc = ESRA_OK;

	if (np < 2)
		return ESRA_OK;
	v->peers = calloc(np, sizeof(*v->peers));
	r->peer_err = calloc(np, sizeof(*r->peer_err));
	jobs = calloc(np, sizeof(*jobs));
	t = calloc(np, sizeof(*t));
	started = calloc(np, sizeof(*started));
	if (v->peers == NULL || r->peer_err == NULL || jobs == NULL || t == NULL ||
	    started == NULL) {
		rc = ESRA_ENOMEM;
		goto out;
	}
	v->n_peers = np;
	v->peers[v->peer] = v->reg;
	for (size_t p = 0; p < np; p++) {
		if (p == v->peer)
			continue;
		jobs[p] = (struct peer_job){c->eu, p, &v->peers[p], &r->peer_err[p]};
		started[p] = pthread_create(&t[p], NULL, peer_main, &jobs[p]) == 0;
		if (!started[p]) /* no thread to be had: this one now */
			peer_main(&jobs[p]);
	}
	for (size_t p = 0; p < np; p++) {
		if (started[p])
			pthread_join(t[p], NULL);
		if (p != v->peer && r->peer_err[p].code == ESRA_ENOMEM)
			rc = ESRA_ENOMEM;
	}
out:
	free(jobs);
	free(t);
	free(started);
	return rc;
}

/* Watch steady state, as the Eureka client does it: apply apps/delta to the kept registry
 * and check the apps hashcode; any doubt (non-200, 403, mismatch) means a full fetch. */
static bool follow_delta(struct cycle *c, struct views *v, size_t *peer)
{
	struct eu_registry *delta = NULL;
	struct esra_err e;
	char mine[256];
	bool ok = false;

	if (c->kept == NULL)
		return false;
	if (eureka_fetch_delta(c->eu, c->kept_peer, &delta, &e) != ESRA_OK ||
	    model_reg_apply_delta(c->kept, delta, &e) != ESRA_OK) {
		log_debug("eureka delta: %s: full fetch", e.msg);
		goto out;
	}
	model_reg_hashcode(c->kept, mine, sizeof(mine));
	if (strcmp(mine, delta->apps_hashcode) != 0) {
		log_debug("eureka delta: hashcode %s, server %s: full fetch", mine,
		          delta->apps_hashcode);
		goto out;
	}
	v->reg = c->kept;
	v->reg_kept = true;
	*peer = c->kept_peer;
	ok = true;
out:
	model_reg_free(delta);
	if (!ok) {
		model_reg_free(c->kept);
		c->kept = NULL;
	}
	return ok;
}

/* The hostNames DNS is asked for (recon_dns_names asks the same, minus those equal to a
 * service name, whose answer the swarm's round brings). */
static int hostnames_of(const struct eu_registry *g, const char ***out, size_t *n)
{
	const char **v = malloc((g->n_inst + 1) * sizeof(*v));
	struct hmap *seen = hmap_new(g->n_inst + 1, true);
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (v == NULL || seen == NULL)
		goto nomem;
	for (size_t i = 0; i < g->n_inst; i++) {
		const struct eu_instance *in = &g->inst[i];
		if (in->hostname[0] == '\0' || in->hostname_is_ip ||
		    hmap_get(seen, in->hostname) != HMAP_NONE)
			continue;
		if (hmap_put(seen, in->hostname, i) != 0)
			goto nomem;
		v[k++] = in->hostname;
	}
	hmap_free(seen);
	*out = v;
	*n = k;
	return ESRA_OK;
nomem:
	free(v);
	hmap_free(seen);
	return ESRA_ENOMEM;
}

static void *eureka_thread(void *arg)
{
	struct reader *r = arg;
	struct cycle *c = r->c;
	struct views *v = r->v;
	const char **names = NULL;
	size_t n = 0, peer = 0;
	uint64_t bytes0 = eureka_bytes_received(c->eu);
	int64_t t0 = esra_mono_ms();

	esra_err_clear(&r->e);
	r->delta = r->watch && follow_delta(c, v, &peer);
	if (!r->delta) {
		r->rc = eureka_fetch(c->eu, &v->reg, &peer, &r->e);
		if (r->rc == ESRA_OK && r->watch) {
			c->kept = v->reg;
			c->kept_peer = peer;
			v->reg_kept = true;
		}
	}
	r->ms = esra_mono_ms() - t0;
	r->bytes = eureka_bytes_received(c->eu) - bytes0;
	if (r->rc != ESRA_OK)
		return NULL;
	v->peer = peer;
	if ((r->rc = read_peers(r)) != ESRA_OK)
		return NULL;
	/* container:NAME seats are known once Docker is read: its hostNames wait for the join */
	if (!r->prefetch || strncmp(c->cfg->dns.netns, "container:", 10) == 0)
		return NULL;
	if (hostnames_of(v->reg, &names, &n) != ESRA_OK) {
		r->dns_rc = esra_err_set(&r->dns_e, ESRA_ENOMEM, "out of memory");
		return NULL;
	}
	reader_dns(r, names, n);
	free(names);
	return NULL;
}

static int record_docker(struct cycle *c, struct views *v, const struct reader *r,
                         struct report *rep)
{
	rep->docker.attempted = true;
	snprintf(rep->docker.where, sizeof(rep->docker.where), "%s", c->docker_where);
	log_debug("docker: %lld ms, %zu bytes", (long long)r->ms, v->sw != NULL ? v->sw->bytes : 0);
	if (r->rc == ESRA_ENOMEM)
		return r->rc;
	if (r->rc != ESRA_OK) {
		snprintf(rep->docker.error, sizeof(rep->docker.error), "%s", r->e.msg);
		return source_error(rep, "docker", r->e.msg, SRC_DOCKER);
	}
	rep->docker.ok = true;
	rep->docker_api = docker_api_version(c->dk);
	rep->docker.count_a = v->sw->n_services;
	rep->docker.count_b = v->sw->n_tasks;
	rep->docker.count_c = v->sw->n_containers;
	rep->node.known = true;
	rep->node.id = finding_strdup(&rep->findings, v->sw->self.id);
	rep->node.hostname = finding_strdup(&rep->findings, v->sw->self.hostname);
	if (rep->node.id == NULL || rep->node.hostname == NULL)
		return ESRA_ENOMEM;
	rep->node.manager = v->sw->self.manager;
	rep->node.leader = v->sw->self.leader;
	rep->node.worker_view = v->sw->worker_view;
	if (v->sw->worker_view &&
	    report_add_note(rep, "worker view: /services, /tasks and /nodes need a manager; "
	                         "stale_instance, wrong_network, orphan_endpoint, replica_drift "
	                         "and unregistered_service are judged on a manager") != 0)
		return ESRA_ENOMEM;
	return ESRA_OK;
}

static int record_eureka(struct cycle *c, struct views *v, const struct reader *r,
                         struct report *rep)
{
	rep->eureka.attempted = true;
	if (!c->cfg->eureka.tls_verify && report_add_warning(rep, "%s", tls_off_warning) != 0)
		return ESRA_ENOMEM;
	if (r->rc == ESRA_ENOMEM)
		return r->rc;
	if (r->rc != ESRA_OK) {
		snprintf(rep->eureka.error, sizeof(rep->eureka.error), "%s", r->e.msg);
		snprintf(rep->eureka.where, sizeof(rep->eureka.where), "%s",
		         eureka_peer_url(c->eu, 0));
		return source_error(rep, "eureka", r->e.msg,
		                    r->rc == ESRA_ENOTREADY ? SRC_EUREKA_NOTREADY
		                    : r->rc == ESRA_EAUTH   ? SRC_EUREKA_AUTH
		                                            : SRC_EUREKA);
	}
	log_debug("eureka: %lld ms, %zu instances, %s, %llu bytes", (long long)r->ms,
	          v->reg->n_inst, r->delta ? "apps/delta applied" : "full fetch",
	          (unsigned long long)r->bytes);
	rep->eureka.ok = true;
	v->peers_ok = true;
	snprintf(rep->eureka.where, sizeof(rep->eureka.where), "%s",
	         eureka_peer_url(c->eu, v->peer));
	rep->eureka.count_a = v->reg->n_apps;
	rep->eureka.count_b = v->reg->n_inst;
	for (size_t p = 0; r->peer_err != NULL && p < v->n_peers; p++) {
		if (p == v->peer || r->peer_err[p].code == ESRA_OK)
			continue;
		v->peers_ok = false;
		snprintf(v->peers_error, sizeof(v->peers_error), "%s", r->peer_err[p].msg);
		if (source_error(rep, "eureka", r->peer_err[p].msg, SRC_EUREKA_PEER) != ESRA_OK)
			return ESRA_ENOMEM;
	}
	return ESRA_OK;
}

/* Read Docker and Eureka at the same time (with prefetch: each asks DNS for its names as
 * soon as it has them; the answers are left in dr->dns and er->dns for gather_dns). */
static int gather(struct cycle *c, struct views *v, struct report *rep, bool watch, bool prefetch,
                  struct reader *dr, struct reader *er)
{
	pthread_t td;
	bool threaded;
	int rc;

	memset(dr, 0, sizeof(*dr));
	memset(er, 0, sizeof(*er));
	dr->c = er->c = c;
	dr->v = er->v = v;
	dr->now_ms = er->now_ms = rep->generated_ms;
	dr->prefetch = er->prefetch = prefetch;
	er->watch = watch;
	static_seat(c, v);
	if (c->cfg->dns.netns[0] != '\0')
		rep->dns_seat = c->cfg->dns.netns;
	threaded = pthread_create(&td, NULL, docker_thread, dr) == 0;
	if (!threaded) /* no thread to be had: one after the other */
		docker_thread(dr);
	eureka_thread(er);
	if (threaded)
		pthread_join(td, NULL);
	rc = record_docker(c, v, dr, rep);
	if (rc == ESRA_OK)
		rc = record_eureka(c, v, er, rep);
	free(er->peer_err);
	er->peer_err = NULL;
	if (rc == ESRA_OK && dr->dns_rc == ESRA_ENOMEM)
		rc = ESRA_ENOMEM;
	if (rc == ESRA_OK && er->dns_rc == ESRA_ENOMEM)
		rc = ESRA_ENOMEM;
	return rc;
}

static void reader_free(struct reader *r)
{
	model_dns_free(r->dns);
	r->dns = NULL;
}

/* The answers for names: those the readers' rounds brought, and one more round for any
 * they did not ask. A round that could not ask at all fails the whole. */
static int resolve(struct cycle *c, struct views *v, const char *const *names, size_t n,
                   const struct reader *dr, const struct reader *er, struct dns_view **out,
                   struct esra_err *e)
{
	const struct dns_view *from[2] = {NULL, NULL};
	struct dns_view *rest = NULL;
	const char **ask = NULL;
	size_t *missing = NULL, nm = 0;
	struct dns_opts o;
	int rc = ESRA_OK;

	*out = NULL;
	for (int k = 0; k < 2; k++) {
		const struct reader *r = k == 0 ? dr : er;
		if (r == NULL || r->dns_names == 0)
			continue;
		log_dns_round(k == 0 ? "swarm names, asked once Docker was read"
		                     : "hostNames, asked once Eureka was read",
		              r->dns, r->dns_names, r->dns_ms);
		if (r->dns_rc != ESRA_OK) {
			*e = r->dns_e;
			return r->dns_rc;
		}
		from[k] = r->dns;
	}
	*out = model_dns_pick(names, n, from, 2, &missing, &nm);
	if (*out == NULL)
		return esra_err_set(e, ESRA_ENOMEM, "out of memory");
	if (nm == 0)
		return ESRA_OK;
	if ((ask = malloc(nm * sizeof(*ask))) == NULL) {
		rc = esra_err_set(e, ESRA_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nm; i++)
		ask[i] = names[missing[i]];
	dns_opts_of(c, v, &o);
	{
		int64_t t0 = esra_mono_ms();
		rc = dns_resolve(&o, ask, nm, &rest, e);
		log_dns_round("names no reader asked", rest, nm, esra_mono_ms() - t0);
	}
	if (rc != ESRA_OK)
		goto out;
	model_dns_add_counts(*out, rest);
	for (size_t i = 0; i < nm && rc == ESRA_OK; i++)
		if (model_dns_set(*out, missing[i], &rest->ans[i]) != ESRA_OK)
			rc = esra_err_set(e, ESRA_ENOMEM, "out of memory");
out:
	if (rc != ESRA_OK) {
		model_dns_free(*out);
		*out = NULL;
	}
	model_dns_free(rest);
	free(ask);
	free(missing);
	return rc;
}

/* Resolve names; a view with indefinite answers is kept (definite ones are judged) but the
 * source is marked failed with a message naming what did not answer. */
static int gather_dns(struct cycle *c, struct views *v, const char *const *names, size_t n,
                      const struct reader *dr, const struct reader *er, struct report *rep)
{
	struct esra_err e;
	size_t bad = 0, first_bad = 0, upstream = 0, first_up = 0;
	int64_t t0;
	int rc;

	rep->dns.attempted = true;
	snprintf(rep->dns.where, sizeof(rep->dns.where), "%s:%ld", c->cfg->dns.server,
	         c->cfg->dns.port);
	if (v->seat_failed) {
		snprintf(rep->dns.error, sizeof(rep->dns.error), "%s", v->seat_error);
		return source_error(rep, "dns", v->seat_error, SRC_DNS_SEAT);
	}
	esra_err_clear(&e);
	t0 = esra_mono_ms();
	rc = resolve(c, v, names, n, dr, er, &v->dns, &e);
	log_debug("dns: %lld ms after the readers, %zu names in all",
	          (long long)(esra_mono_ms() - t0), n);
	if (rc == ESRA_ENOMEM || rc == ESRA_ESTOPPED)
		return rc;
	if (rc != ESRA_OK) {
		snprintf(rep->dns.error, sizeof(rep->dns.error), "%s", e.msg);
		return source_error(rep, "dns", e.msg, SRC_DNS);
	}
	rep->dns.count_a = n;
	rep->dns.count_b = v->dns->queries;
	/* Only a name swarm must answer counts as a DNS failure; swarm forwards the others
	 * upstream, whose silence (air-gapped swarms) means "no swarm record". */
	for (size_t i = 0; i < v->dns->n; i++) {
		if (model_dns_rc_definite(v->dns->ans[i].rc))
			continue;
		if (v->rc == NULL || recon_name_expected(v->rc, v->dns->ans[i].name)) {
			if (bad++ == 0)
				first_bad = i;
		} else if (upstream++ == 0) {
			first_up = i;
		}
	}
	if (bad == 0 && upstream < n) {
		rep->dns.ok = true;
		if (upstream > 0 &&
		    report_add_note(rep,
		                    "dns: %zu name%s swarm holds no record of got no answer "
		                    "from the upstream resolver (first %s: %s); judged as having "
		                    "no swarm record",
		                    upstream, upstream == 1 ? "" : "s", v->dns->ans[first_up].name,
		                    model_dns_rc_name(v->dns->ans[first_up].rc)) != 0)
			return ESRA_ENOMEM;
		return ESRA_OK;
	}
	if (bad == 0) /* nothing at all answered */
		first_bad = first_up;
	if (bad + upstream == n)
		snprintf(rep->dns.error, sizeof(rep->dns.error),
		         "dns %s: no definite answer for any of %zu names (%s: %s)", rep->dns.where,
		         n, v->dns->ans[first_bad].name,
		         model_dns_rc_name(v->dns->ans[first_bad].rc));
	else
		snprintf(rep->dns.error, sizeof(rep->dns.error),
		         "dns %s: %zu of %zu names swarm must answer got no answer (first %s: %s)",
		         rep->dns.where, bad, n, v->dns->ans[first_bad].name,
		         model_dns_rc_name(v->dns->ans[first_bad].rc));
	return source_error(rep, "dns", rep->dns.error,
	                    bad + upstream == n ? SRC_DNS_NOTHING : SRC_DNS_SOME);
}

struct probe_job {
	const struct probe_target *t;
	size_t n;
	long timeout_ms;
	const volatile sig_atomic_t *stop;
	enum probe_rc *out;
};

static int probe_job_run(void *arg, struct esra_err *err)
{
	struct probe_job *j = arg;

	return probe_tcp(j->t, j->n, j->timeout_ms, 64, j->stop, j->out, err);
}

/* TCP probes of every instance with an address, from the DNS seat. *out is one result per
 * registry instance (malloc'ed, caller frees), NULL when probes are off or impossible. */
static int run_probes(struct cycle *c, struct views *v, struct report *rep, enum probe_rc **out)
{
	size_t *idx = NULL, n = 0;
	struct probe_target *t = NULL;
	enum probe_rc *res = NULL, *all = NULL;
	struct probe_job job;
	struct esra_err e;
	int rc = ESRA_OK;

	*out = NULL;
	if (!c->cfg->probe.tcp || v->reg == NULL || v->seat_failed)
		return ESRA_OK;
	if (recon_probe_targets(v->rc, &idx, &n) != ESRA_OK)
		return ESRA_ENOMEM;
	t = calloc(n + 1, sizeof(*t));
	res = calloc(n + 1, sizeof(*res));
	all = calloc(v->reg->n_inst + 1, sizeof(*all));
	if (t == NULL || res == NULL || all == NULL) {
		rc = ESRA_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		t[i].ip = v->reg->inst[idx[i]].ip;
		t[i].port = v->reg->inst[idx[i]].port;
	}
	job.t = t;
	job.n = n;
	job.timeout_ms = c->cfg->probe.timeout_ms;
	job.stop = c->stop;
	job.out = res;
	esra_err_clear(&e);
	if (netns_run(v->seat, probe_job_run, &job, NULL, &e) != ESRA_OK) {
		rc = source_error(rep, "probe", e.msg, SRC_PROBE);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		all[idx[i]] = res[i];
	*out = all;
	all = NULL;
out:
	free(idx);
	free(t);
	free(res);
	free(all);
	return rc;
}

/* Proposals for poisoned or taken names, asked from the DNS seat; a DNS failure is a note. */
static int propose(struct cycle *c, struct views *v, struct report *rep)
{
	struct dns_opts o;
	struct esra_err e;
	int rc;

	dns_opts_of(c, v, &o);
	esra_err_clear(&e);
	rc = propose_names(c->cfg, v->rc, &o, &rep->findings, &rep->dns.count_b, &e);
	if (rc == ESRA_EDNS)
		rc = report_add_note(rep, "no proposal: %s", e.msg);
	return rc;
}

static int divergence(struct cycle *c, struct views *v, struct report *rep, struct esra_err *err)
{
	const char **names = calloc(v->n_peers, sizeof(*names));
	int rc;

	if (names == NULL)
		return ESRA_ENOMEM;
	for (size_t p = 0; p < v->n_peers; p++)
		names[p] = eureka_peer_url(c->eu, p);
	rc = recon_peer_divergence(v->rc, (const struct eu_registry *const *)v->peers, names,
	                           v->n_peers, &rep->findings, err);
	free(names);
	return rc;
}

/* ---------------------------------------------------------------- the cluster view */

/* This node as the cluster view holds it: what this cycle judged. */
static int cluster_self(struct cluster *cl, const struct views *v, const struct report *rep)
{
	struct cluster_node *n = cluster_add_node(cl);
	const struct finding_list *l = &rep->findings;

	if (n == NULL || cluster_node_set(cl, n, rep->node.id, rep->node.hostname, NULL) != 0)
		return ESRA_ENOMEM;
	n->self = n->answered = true;
	n->leader = rep->node.leader;
	n->status = finding_severity_name(finding_list_status(l));
	if (finding_list_status(l) == SEV_INFO)
		n->status = "ok";
	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->v[i];
		const char *subj = f->name      ? f->name
		                   : f->service ? f->service
		                   : f->app     ? f->app
		                                : f->source;
		if (cluster_node_add_finding(cl, n, finding_kind(f->kind)->name,
		                             finding_severity_name(f->severity), subj, f->key,
		                             f->message) != 0)
			return ESRA_ENOMEM;
	}
	return cluster_node_add_dns(cl, n, v->dns);
}

/* The peers: by DNS (watch, in the service's container) or by Docker (check --cluster). */
static int cluster_peers(struct cycle *c, struct views *v, const struct cycle_opts *o,
                         const char *svc, struct cluster_peer **peers, size_t *n, char *seat,
                         size_t seatsz, struct report *rep)
{
	struct esra_err e;

	seat[0] = '\0';
	if (o->cluster == CYCLE_CLUSTER_CHECK) {
		const struct sw_container *ct = cluster_local_task(v->sw, svc);
		pid_t pid;
		esra_err_clear(&e);
		if (ct != NULL && (docker_container_pid(c->dk, ct->id, &pid, &e) != ESRA_OK ||
		                   netns_path_for_pid(pid, seat, seatsz) != ESRA_OK)) {
			seat[0] = '\0';
			if (report_add_note(rep,
			                    "cluster: cannot enter the network of %s (%s): peers "
			                    "asked from esra's own",
			                    ct->name, e.msg) != 0)
				return ESRA_ENOMEM;
		}
		return cluster_peers_from_tasks(v->sw, svc, o->cluster_port, peers, n);
	} else {
		char name[ESRA_MAX_STRING], host[256] = "";
		const char *ask[1] = {name};
		struct dns_view *dv = NULL;
		struct dns_opts dop;
		const struct dns_answer *a;
		int rc;
		snprintf(name, sizeof(name), "tasks.%s", svc);
		dns_opts_of(c, v, &dop);
		snprintf(seat, seatsz, "%s", v->seat);
		esra_err_clear(&e);
		if ((rc = dns_resolve(&dop, ask, 1, &dv, &e)) != ESRA_OK) {
			*peers = NULL;
			*n = 0;
			return rc == ESRA_ENOMEM
			           ? rc
			           : report_add_note(rep, "cluster: peers not found: %s", e.msg);
		}
		a = &dv->ans[0];
		if (a->rc != DNS_RC_OK && report_add_note(rep, "cluster: %s: %s: no peers asked",
		                                          name, model_dns_rc_name(a->rc)) != 0)
			rc = ESRA_ENOMEM;
		(void)gethostname(host, sizeof(host) - 1);
		if (rc == ESRA_OK)
			rc = cluster_peers_from_dns(v->sw, svc, cluster_self_container(v->sw, host),
			                            a->ips, a->rc == DNS_RC_OK ? a->n_ips : 0,
			                            o->cluster_port, peers, n);
		model_dns_free(dv);
		return rc;
	}
}

/* The cluster view into rep (rep->cluster) and its dns_divergence findings. */
static int gather_cluster(struct cycle *c, struct views *v, const struct cycle_opts *o,
                          struct report *rep, struct esra_err *err)
{
	char host[256] = "", how[ESRA_MAX_STRING], seat[64];
	const char *svc = c->cfg->cluster.service;
	struct cluster_peer *peers = NULL;
	struct cluster_fetch_opts fo;
	struct cluster *cl;
	size_t n = 0;
	int rc;

	if (o == NULL || o->cluster == CYCLE_CLUSTER_OFF || v->sw == NULL)
		return o != NULL && o->cluster == CYCLE_CLUSTER_CHECK
		           ? report_add_note(rep, "cluster: Docker is not readable: this node only")
		           : ESRA_OK;
	if (o->cluster == CYCLE_CLUSTER_WATCH && !v->sw->self.leader)
		return ESRA_OK; /* the leader holds the cluster view */
	(void)gethostname(host, sizeof(host) - 1);
	if (svc[0] == '\0')
		svc = cluster_find_service(v->sw, o->cluster == CYCLE_CLUSTER_WATCH ? host : NULL);
	if (svc == NULL || svc[0] == '\0' ||
	    (o->cluster == CYCLE_CLUSTER_CHECK && v->sw->worker_view))
		return o->cluster == CYCLE_CLUSTER_WATCH
		           ? ESRA_OK /* a watch that is no global service's task */
		       : v->sw->worker_view
		           ? report_add_note(rep,
		                             "cluster: this node is a worker: the cluster view "
		                             "needs a manager; this node only")
		           : report_add_note(rep,
		                             "cluster: no global esra service runs here (no "
		                             "cluster.service, and no global service named esra or "
		                             "STACK_esra): this node only");
	snprintf(how, sizeof(how),
	         o->cluster == CYCLE_CLUSTER_WATCH ? "DNS tasks.%s" : "Docker tasks of %s", svc);
	if ((cl = cluster_new(svc, how)) == NULL)
		return ESRA_ENOMEM;
	rep->cluster = cl;
	if ((rc = cluster_self(cl, v, rep)) != ESRA_OK ||
	    (rc = cluster_peers(c, v, o, svc, &peers, &n, seat, sizeof(seat), rep)) != ESRA_OK)
		goto out;
	memset(&fo, 0, sizeof(fo));
	fo.timeout_ms = c->cfg->cluster.timeout_ms;
	fo.netns = seat;
	fo.stop = c->stop;
	if ((rc = cluster_fetch(cl, peers, n, &fo, err)) == ESRA_EIO) {
		rc = report_add_note(rep, "cluster: peers not asked: %s", err->msg);
		goto out;
	}
	if (rc != ESRA_OK)
		goto out;
	for (size_t i = 0; i < cl->n_nodes && rc == ESRA_OK; i++)
		if (!cl->nodes[i].answered)
			rc = report_add_note(rep, "cluster: %s did not answer: %s",
			                     cluster_node_label(&cl->nodes[i]), cl->nodes[i].error);
	if (rc == ESRA_OK)
		rc = cluster_merge(cl, &rep->findings, err);
out:
	free(peers);
	return rc;
}

/* Watch: a finding key seen in this cycle counts one more than in the last; keys not seen
 * now start over. */
static int count_seen(struct cycle *c, struct report *rep)
{
	struct hmap *now = hmap_new(rep->findings.n + 1, false);
	struct pool *pool = pool_new();

	if (now == NULL || pool == NULL)
		goto nomem;
	for (size_t i = 0; i < rep->findings.n; i++) {
		const char *key = rep->findings.v[i].key;
		size_t before = key != NULL ? hmap_get(c->seen, key) : HMAP_NONE;
		const char *copy;
		if (key == NULL || hmap_get(now, key) != HMAP_NONE)
			continue;
		if ((copy = pool_strdup(pool, key)) == NULL ||
		    hmap_put(now, copy, before == HMAP_NONE ? 1 : before + 1) != 0)
			goto nomem;
	}
	hmap_free(c->seen);
	pool_free(c->seen_pool);
	c->seen = now;
	c->seen_pool = pool;
	return ESRA_OK;
nomem:
	hmap_free(now);
	pool_free(pool);
	return ESRA_ENOMEM;
}

static unsigned seen_cycles(void *ud, const char *key)
{
	const struct cycle *c = ud;
	size_t n = key != NULL ? hmap_get(c->seen, key) : HMAP_NONE;

	return n == HMAP_NONE ? 0 : (unsigned)n;
}

/* Plan and execute this cycle's actions (doc/design.md, Safety). */
static int act(struct cycle *c, struct views *v, const struct cycle_opts *o, struct report *rep,
               struct esra_err *err)
{
	struct act_input in;
	struct act_exec ex;
	struct act_plan plan;
	char incomplete[512] = "";
	int rc;

	memset(&in, 0, sizeof(in));
	in.cfg = c->cfg;
	in.apply = o != NULL && (o->apply || o->plan);
	if (!rep->eureka.ok)
		snprintf(incomplete, sizeof(incomplete), "%s", rep->eureka.error);
	else if (!v->peers_ok)
		snprintf(incomplete, sizeof(incomplete), "%s", v->peers_error);
	else if (!rep->docker.ok)
		snprintf(incomplete, sizeof(incomplete), "%s", rep->docker.error);
	else if (!rep->dns.ok)
		snprintf(incomplete, sizeof(incomplete), "%s", rep->dns.error);
	else if (v->scope_error[0] != '\0')
		snprintf(incomplete, sizeof(incomplete), "%s", v->scope_error);
	in.sources_complete = incomplete[0] == '\0';
	in.incomplete = incomplete;
	in.leader = v->sw != NULL && v->sw->self.leader;
	in.reg = v->reg;
	in.findings = &rep->findings;
	if (o != NULL && o->watch) {
		in.seen_cycles = seen_cycles;
		in.seen_ud = c;
	}
	in.now_ms = rep->generated_ms;
	if ((rc = act_plan(&in, &plan, err)) != ESRA_OK)
		return rc;
	memset(&ex, 0, sizeof(ex));
	ex.eu = c->eu;
	ex.first_peer = v->peer;
	ex.node = rep->node.hostname;
	ex.verify_wait_ms = ESRA_VERIFY_WAIT_MS;
	ex.stop = c->stop;
	if (o != NULL && o->plan)
		act_preview(&plan); /* --plan: nothing is sent */
	else
		act_execute(&ex, &in, &plan);
	for (size_t i = 0; i < plan.n && rc == ESRA_OK; i++) {
		const struct act_item *it = &plan.items[i];
		struct report_action ra;
		memset(&ra, 0, sizeof(ra));
		ra.action = act_kind_name(it->kind);
		ra.app = it->f->app;
		ra.instance_id = it->f->instance_id;
		ra.result = it->result;
		ra.reason = it->outcome;
		ra.rule = it->rule != ACT_R_NONE ? act_rule_name(it->rule) : NULL;
		ra.peers_agree = it->peers_agree;
		ra.http_status = it->http_status;
		if (report_add_action(rep, &ra) != ESRA_OK)
			rc = esra_err_set(err, ESRA_ENOMEM, "act: out of memory");
	}
	act_plan_free(&plan);
	return rc;
}

/* Owners are remembered for 30 days, a finding for an hour after it was last seen (one
 * that comes back later is a new one). */
#define MEM_KEEP_OWNER_MS   (30LL * 86400 * 1000)
#define MEM_KEEP_FINDING_MS (3600LL * 1000)

/* Load esra's memory once, when Docker has said which node this is. A state.dir that does
 * not exist keeps the memory in this process only. */
static int memory_open(struct cycle *c, struct views *v, struct report *rep)
{
	const char *dir = c->cfg->state.dir;
	char warn[512];
	int rc;

	if (c->mem != NULL || v->sw == NULL)
		return ESRA_OK;
	if ((c->mem = state_new(v->sw->self.id)) == NULL)
		return ESRA_ENOMEM;
	if (dir == NULL || dir[0] == '\0')
		return ESRA_OK;
	if (access(dir, F_OK) != 0) {
		log_debug("state: %s does not exist: memory is kept in this process only", dir);
		return ESRA_OK;
	}
	c->mem_save = true;
	if ((rc = state_load(c->mem, dir, warn, sizeof(warn))) != ESRA_OK)
		return rc;
	if (warn[0] != '\0') {
		log_warnx("%s", warn);
		return report_add_warning(rep, "%s", warn);
	}
	log_debug("state: %zu owners, %zu findings from %s/%s", state_n_owners(c->mem),
	          state_n_findings(c->mem), dir, STATE_FILE);
	return ESRA_OK;
}

/* What esra knows of the findings' addresses (Docker's history and its own memory), when
 * each finding was first seen, and the memory updated and saved. A memory that cannot be
 * saved is a warning: it never changes what is judged or done. */
static int memory(struct cycle *c, struct views *v, struct report *rep, bool save,
                  struct esra_err *err)
{
	int64_t now = rep->generated_ms;
	struct esra_err e;
	int rc;

	if ((rc = memory_open(c, v, rep)) != ESRA_OK)
		return rc;
	if (v->sw != NULL && v->sw->events_error != NULL &&
	    (rc = report_add_note(rep, "no Docker events for the address history: %s",
	                          v->sw->events_error)) != ESRA_OK)
		return rc;
	if ((v->hist = history_new(v->sw, c->mem, err)) == NULL)
		return err->code;
	if ((rc = history_annotate(v->hist, &rep->findings)) != ESRA_OK || c->mem == NULL)
		return rc;
	if ((rc = history_remember(v->sw, c->mem, now)) != ESRA_OK)
		return rc;
	for (size_t i = 0; i < rep->findings.n; i++) {
		struct finding *f = &rep->findings.v[i];
		if (f->key != NULL && f->kind != FK_SOURCE_ERROR &&
		    (rc = state_note_finding(c->mem, f->key, now, &f->first_seen_ms)) != ESRA_OK)
			return rc;
	}
	if ((rc = state_prune(c->mem, now, MEM_KEEP_OWNER_MS, MEM_KEEP_FINDING_MS)) != ESRA_OK)
		return rc;
	if (!c->mem_save || !save)
		return ESRA_OK;
	esra_err_clear(&e);
	if (state_save(c->mem, c->cfg->state.dir, now, &e) != ESRA_OK) {
		if (e.code == ESRA_ENOMEM)
			return ESRA_ENOMEM;
		log_warnx("%s", e.msg);
		return report_add_warning(rep, "%s (the memory is kept in this process)", e.msg);
	}
	return ESRA_OK;
}

static int build_recon(struct cycle *c, struct views *v, struct report *rep, struct esra_err *err)
{
	struct recon_input in;

	if (v->rc != NULL) /* made of the swarm view on the Docker thread */
		return v->reg != NULL ? recon_add_registry(v->rc, v->reg, err) : ESRA_OK;
	memset(&in, 0, sizeof(in));
	in.cfg = c->cfg;
	in.reg = v->reg;
	in.sw = v->sw;
	in.now_ms = rep->generated_ms;
	v->rc = recon_new(&in, err);
	return v->rc != NULL ? ESRA_OK : err->code;
}

/* The names asked besides the judged ones (esra explain), each once. */
static int add_extra(const char ***names, size_t *n, const struct cycle_opts *o)
{
	const char **v = realloc(*names, (*n + o->n_extra + 1) * sizeof(*v));

	if (v == NULL)
		return ESRA_ENOMEM;
	*names = v;
	for (size_t i = 0; i < o->n_extra; i++) {
		bool dup = false;
		for (size_t k = 0; k < *n && !dup; k++)
			dup = esra_strcasecmp(v[k], o->extra_names[i]) == 0;
		if (!dup)
			v[(*n)++] = o->extra_names[i];
	}
	return ESRA_OK;
}

int cycle_check(struct cycle *c, const struct cycle_opts *o, struct report *rep,
                struct esra_err *err)
{
	struct views v;
	struct reader dr, er;
	const char **names = NULL;
	size_t n = 0;
	enum probe_rc *probes = NULL;
	int64_t t0 = esra_mono_ms(), tr = 0, t1;
	int rc;

	memset(&v, 0, sizeof(v));
	rep->generated_ms = esra_now_ms();
	rc = gather(c, &v, rep, o != NULL && o->watch, true, &dr, &er);
	if (rc != ESRA_OK)
		goto out;
	if (stopped(c)) /* the reads may have been cut short: nothing below may judge them */
		goto stop;
	tr = esra_mono_ms();
	if ((rc = build_recon(c, &v, rep, err)) != ESRA_OK)
		goto out;
	tr = esra_mono_ms() - tr;
	if (recon_scope_error(v.rc, v.scope_error, sizeof(v.scope_error)) &&
	    (rc = source_error(rep, "config", v.scope_error, SRC_SCOPE)) != ESRA_OK)
		goto out;
	if ((rc = recon_dns_names(v.rc, &names, &n, err)) != ESRA_OK)
		goto out;
	if (o != NULL && o->n_extra > 0 && (rc = add_extra(&names, &n, o)) != ESRA_OK)
		goto out;
	rc = n > 0 ? gather_dns(c, &v, names, n, &dr, &er, rep) : ESRA_OK;
	reader_free(&dr);
	reader_free(&er);
	if (rc != ESRA_OK)
		goto out;
	if (n == 0) {
		rep->dns.attempted = true;
		rep->dns.ok = !v.seat_failed && v.sw != NULL;
		snprintf(rep->dns.where, sizeof(rep->dns.where), "%s:%ld", c->cfg->dns.server,
		         c->cfg->dns.port);
		if (!rep->dns.ok)
			snprintf(rep->dns.error, sizeof(rep->dns.error),
			         "dns: not asked (no names to judge without Docker)");
	}
	if ((rc = run_probes(c, &v, rep, &probes)) != ESRA_OK)
		goto out;
	if (stopped(c))
		goto stop;
	t1 = esra_mono_ms();
	if ((rc = recon_judge(v.rc, v.dns, probes, &rep->findings, err)) != ESRA_OK)
		goto out;
	log_debug("reconcile: %lld ms (indexes %lld ms), %zu findings",
	          (long long)(esra_mono_ms() - t1 + tr), (long long)tr, rep->findings.n);
	if (v.n_peers > 1 && (rc = divergence(c, &v, rep, err)) != ESRA_OK)
		goto out;
	if (v.dns != NULL && (rc = propose(c, &v, rep)) != ESRA_OK)
		goto out;
	if ((rc = finding_list_texts(&rep->findings)) != ESRA_OK)
		goto out;
	if ((rc = report_set_answers(rep, v.dns)) != ESRA_OK ||
	    (rc = gather_cluster(c, &v, o, rep, err)) != ESRA_OK)
		goto out;
	if (o != NULL)
		recon_filter_services(v.rc, &rep->findings, o->services, o->n_services);
	if ((rc = memory(c, &v, rep, o == NULL || !o->read_only, err)) != ESRA_OK)
		goto out;
	if (o != NULL && o->watch && (rc = count_seen(c, rep)) != ESRA_OK)
		goto out;
	if (o != NULL && o->inspect != NULL) {
		struct cycle_look look = {v.sw, v.reg, v.dns, v.hist};
		if ((rc = o->inspect(o->inspect_ud, &look, rep)) != ESRA_OK)
			goto out;
	}
	if (stopped(c))
		goto stop;
	if (o == NULL || !o->read_only)
		rc = act(c, &v, o, rep, err);
	goto out;
stop:
	rc = ESRA_ESTOPPED;
out:
	/* the views are freed next: the report keeps its own copies */
	if (finding_list_adopt(&rep->findings) != ESRA_OK && rc == ESRA_OK)
		rc = ESRA_ENOMEM;
	if (rc == ESRA_ENOMEM)
		esra_err_set(err, rc, "out of memory");
	if (rc == ESRA_ESTOPPED)
		esra_err_set(err, rc, "stopped");
	free(names);
	free(probes);
	reader_free(&dr);
	reader_free(&er);
	views_free(&v);
	rep->duration_s = (double)(esra_mono_ms() - t0) / 1000.0;
	report_finish(rep);
	return rc;
}

int cycle_preflight(struct cycle *c, const char *const *names, size_t n, struct report *rep,
                    struct esra_err *err)
{
	struct views v;
	struct reader dr, er;
	const char **ask = NULL, *canary;
	struct hmap *asked = NULL;
	size_t *same_next = NULL;
	bool alive;
	int64_t t0 = esra_mono_ms();
	int rc;

	memset(&v, 0, sizeof(v));
	memset(&dr, 0, sizeof(dr));
	memset(&er, 0, sizeof(er));
	rep->generated_ms = esra_now_ms();
	rep->names = calloc(n + 1, sizeof(*rep->names));
	ask = calloc(2 * n + 2, sizeof(*ask));
	if (rep->names == NULL || ask == NULL) {
		rc = esra_err_set(err, ESRA_ENOMEM, "out of memory");
		goto out;
	}
	rep->n_names = n;
	if ((rc = gather(c, &v, rep, false, false, &dr, &er)) != ESRA_OK)
		goto out;
	if ((rc = build_recon(c, &v, rep, err)) != ESRA_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		ask[2 * i] = names[i];
		ask[2 * i + 1] = finding_printf(&rep->findings, "tasks.%s", names[i]);
		if (ask[2 * i + 1] == NULL) {
			rc = ESRA_ENOMEM;
			goto out;
		}
	}
	canary = recon_canary(v.rc);
	if (canary != NULL)
		ask[2 * n] = canary;
	if ((rc = gather_dns(c, &v, ask, 2 * n + (canary != NULL), NULL, NULL, rep)) != ESRA_OK)
		goto out;
	alive = v.dns != NULL && recon_resolver_alive(v.dns, canary);
	for (size_t i = 0; i < n; i++) {
		enum recon_name_state st = NAME_UNKNOWN;
		rep->names[i].name = names[i];
		if (v.dns != NULL && (rc = recon_preflight(v.rc, v.dns, names[i], alive,
		                                           &rep->findings, &st, err)) != ESRA_OK)
			goto out;
		/* what was not readable makes the verdict unknown, never "free" */
		if (st == NAME_FREE && (!rep->docker.ok || !rep->eureka.ok))
			st = NAME_UNKNOWN;
		rep->names[i].state = recon_name_state_name(st);
	}
	if (v.dns != NULL && (rc = propose(c, &v, rep)) != ESRA_OK)
		goto out;
	if ((rc = finding_list_texts(&rep->findings)) != ESRA_OK)
		goto out;
	{
		struct history *h = history_new(v.sw, c->mem, err);
		if (h == NULL) {
			rc = err->code;
			goto out;
		}
		rc = history_annotate(h, &rep->findings);
		history_free(h);
		if (rc != ESRA_OK)
			goto out;
	}
	/* each name's proposal: the last finding about it that has one; same_next chains the
	 * copies of a name given twice */
	asked = hmap_new(n + 1, false);
	same_next = malloc((n + 1) * sizeof(*same_next));
	if (asked == NULL || same_next == NULL) {
		rc = ESRA_ENOMEM;
		goto out;
	}
	for (size_t i = n; i-- > 0;) {
		same_next[i] = hmap_get(asked, names[i]);
		if (hmap_set(asked, names[i], i) != 0) {
			rc = ESRA_ENOMEM;
			goto out;
		}
	}
	for (size_t k = 0; k < rep->findings.n; k++) {
		const struct finding *f = &rep->findings.v[k];
		if (f->name == NULL || f->proposal == NULL)
			continue;
		for (size_t i = hmap_get(asked, f->name); i != MODEL_NONE; i = same_next[i])
			rep->names[i].proposal = f->proposal;
	}
out:
	/* the views are freed next: the report keeps its own copies */
	if (finding_list_adopt(&rep->findings) != ESRA_OK && rc == ESRA_OK)
		rc = ESRA_ENOMEM;
	for (size_t i = 0; rc == ESRA_OK && i < rep->n_names; i++)
		if (rep->names[i].proposal != NULL &&
		    (rep->names[i].proposal =
		         finding_strdup(&rep->findings, rep->names[i].proposal)) == NULL)
			rc = ESRA_ENOMEM;
	if (rc == ESRA_ENOMEM)
		esra_err_set(err, rc, "out of memory");
	if (rc == ESRA_ESTOPPED)
		esra_err_set(err, rc, "stopped");
	free(ask);
	hmap_free(asked);
	free(same_next);
	reader_free(&dr);
	reader_free(&er);
	views_free(&v);
	rep->duration_s = (double)(esra_mono_ms() - t0) / 1000.0;
	report_finish(rep);
	return rc;
}
