/* recon.c: joins Eureka instances, swarm services/tasks/networks/containers and DNS answers
 * through hash indexes (no quadratic joins) and derives findings. Ownership comes before
 * judgment: an instance this swarm cannot claim is foreign_instance, never stale. Never
 * writes anywhere: findings are its only output. */
#include "recon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "hmap.h"
#include "limits.h"

enum ow_type { OW_VIP, OW_TASK, OW_CONT, OW_NETVIP, OW_NETEP };

/* Something that holds an IP: a service VIP, a task or container address, or an entry of a
 * network's verbose view. Owners of one IP are chained through next. */
struct owner {
	enum ow_type type;
	size_t a, b; /* VIP/TASK/CONT: object index; NETVIP: svc index; NETEP: svc, ep index */
	size_t net;  /* network index, MODEL_NONE if unknown */
	size_t next;
};

/* One DNS name to judge and what swarm says it should answer. */
struct namecheck {
	const char *name;
	const char *svc_name;
	size_t svc; /* index into services, MODEL_NONE in a worker view */
	bool tasks; /* tasks.<name> */
	bool dnsrr;
	size_t net; /* first watched network the service is on */
	ip4_t *exp;
	size_t n_exp, cap_exp;
};

struct recon {
	struct recon_input in;
	const struct esra_config *cfg;
	const struct sw_view *sw;
	const struct eu_registry *reg;
	bool manager; /* full view: /services and /tasks were read */
	struct pool *pool;
	bool *watched; /* per network */
	struct hmap *svc_by_name, *task_by_id, *cont_by_name, *aliases, *eu_apps, *eu_hosts;
	struct hmap *short_ids, *ip_owners;
	struct hmap *netsvc_names; /* service name in a network's verbose view -> network */
	struct owner *owners;
	size_t n_owners, cap_owners;
	long *live, *running, *failed_recent; /* per service */
	int64_t *last_change;                 /* per service: newest task or service change */
	size_t *app_svc;                      /* per registry app */
	bool *svc_has_app;
	struct namecheck *checks;
	size_t n_checks, cap_checks;
	struct hmap *check_by_name;
	bool scope_bad; /* swarm.networks names a network this swarm does not have */
	bool *foreign;  /* per registry instance: this swarm cannot claim it (never judged) */
};

#define NONE MODEL_NONE
_Static_assert(HMAP_NONE == MODEL_NONE, "an absent hmap key reads as no index");

static int64_t task_changed_ms(const struct sw_task *t)
{
	int64_t m = t->updated_ms;

	if (t->status_ms > m)
		m = t->status_ms;
	if (t->created_ms > m)
		m = t->created_ms;
	return m;
}

static bool young(const struct recon *r, int64_t ms)
{
	return ms > 0 && r->in.now_ms - ms < r->cfg->policy.grace_seconds * 1000;
}

static const char *svc_name(const struct recon *r, size_t s)
{
	return s != NONE && s < r->sw->n_services ? r->sw->services[s].name : "?";
}

/* The name without swarm.stack_prefix, or without "<stack>_" of its stack label. */
static const char *strip_name(const struct recon *r, const char *name, const char *stack)
{
	const char *p = r->cfg->swarm.stack_prefix;
	size_t n = strlen(p);

	if (n > 0 && esra_strncasecmp(name, p, n) == 0 && name[n] != '\0')
		return name + n;
	if (n == 0 && stack != NULL && (n = strlen(stack)) > 0 && strncmp(name, stack, n) == 0 &&
	    name[n] == '_' && name[n + 1] != '\0')
		return name + n + 1;
	return name;
}

static int add_owner(struct recon *r, ip4_t ip, enum ow_type type, size_t a, size_t b, size_t net)
{
	struct owner *o;
	size_t head;

	if ((o = array_grow(r->owners, &r->cap_owners, r->n_owners, sizeof(*o), 256)) == NULL)
		return ESRA_ENOMEM;
	r->owners = o;
	head = hmap_get_u64(r->ip_owners, ip);
	o = &r->owners[r->n_owners];
	o->type = type;
	o->a = a;
	o->b = b;
	o->net = net;
	o->next = head;
	if (hmap_set_u64(r->ip_owners, ip, r->n_owners) != 0)
		return ESRA_ENOMEM;
	r->n_owners++;
	return ESRA_OK;
}

static bool net_watched(const struct recon *r, size_t net)
{
	return net != NONE && r->sw != NULL && net < r->sw->n_nets && r->watched[net];
}

static void mark_watched(struct recon *r)
{
	const struct cfg_strlist *want = &r->cfg->swarm.networks;

	for (size_t i = 0; i < r->sw->n_nets; i++) {
		const struct sw_network *n = &r->sw->nets[i];
		if (want->n == 0) {
			r->watched[i] =
			    !n->ingress && n->scope != NULL && strcmp(n->scope, "swarm") == 0;
			continue;
		}
		for (size_t j = 0; j < want->n; j++)
			if ((n->name != NULL && strcmp(n->name, want->v[j]) == 0) ||
			    (n->id != NULL && strcmp(n->id, want->v[j]) == 0))
				r->watched[i] = true;
	}
}

/* A manager sees every swarm network: swarm.networks naming one it does not have is a
 * wrong scope (a worker lists only the networks its tasks use, so it cannot tell). */
bool recon_scope_error(const struct recon *r, char *out, size_t outsz)
{
	const struct cfg_strlist *want = &r->cfg->swarm.networks;
	size_t len = 0, missing = 0;

	if (!r->manager || outsz == 0)
		return false;
	out[0] = '\0';
	for (size_t j = 0; j < want->n; j++) {
		bool found = false;
		for (size_t i = 0; i < r->sw->n_nets && !found; i++) {
			const struct sw_network *n = &r->sw->nets[i];
			found = (n->name != NULL && strcmp(n->name, want->v[j]) == 0) ||
			        (n->id != NULL && strcmp(n->id, want->v[j]) == 0);
		}
		if (!found && len < outsz)
			len += (size_t)snprintf(
			    out + len, outsz - len, "%s\"%s\"",
			    missing++ ? ", " : "swarm.networks: this swarm has no network ",
			    want->v[j]);
	}
	if (missing == 0)
		return false;
	for (size_t i = 0, shown = 0; i < r->sw->n_nets && len < outsz; i++) {
		const struct sw_network *n = &r->sw->nets[i];
		if (n->scope == NULL || strcmp(n->scope, "swarm") != 0 || n->name == NULL)
			continue;
		len += (size_t)snprintf(out + len, outsz - len, "%s%s",
		                        shown++ ? ", " : "; its networks are ", n->name);
	}
	if (len < outsz)
		snprintf(out + len, outsz - len,
		         "; instances are not judged and nothing is written");
	return true;
}

static int index_swarm(struct recon *r)
{
	const struct sw_view *v = r->sw;
	size_t ns = v->n_services;

	r->watched = calloc(v->n_nets + 1, sizeof(bool));
	r->live = calloc(ns + 1, sizeof(long));
	r->running = calloc(ns + 1, sizeof(long));
	r->failed_recent = calloc(ns + 1, sizeof(long));
	r->last_change = calloc(ns + 1, sizeof(int64_t));
	r->svc_has_app = calloc(ns + 1, sizeof(bool));
	r->svc_by_name = hmap_new(ns * 2, true);
	r->task_by_id = hmap_new(v->n_tasks, false);
	r->cont_by_name = hmap_new(v->n_containers, true);
	r->aliases = hmap_new(ns + v->n_containers, true);
	r->short_ids = hmap_new(v->n_tasks + v->n_containers, true);
	r->netsvc_names = hmap_new(ns + 1, true);
	if (!r->watched || !r->live || !r->running || !r->failed_recent || !r->last_change ||
	    !r->svc_has_app || !r->svc_by_name || !r->task_by_id || !r->cont_by_name ||
	    !r->aliases || !r->short_ids || !r->netsvc_names)
		return ESRA_ENOMEM;
	mark_watched(r);
	{
		char msg[8];
		r->scope_bad = recon_scope_error(r, msg, sizeof(msg));
	}

	for (size_t i = 0; i < ns; i++) {
		const struct sw_service *s = &v->services[i];
		if (s->name == NULL)
			continue;
		if (hmap_put(r->svc_by_name, s->name, i) != 0 ||
		    hmap_put(r->svc_by_name, strip_name(r, s->name, s->stack), i) != 0)
			return ESRA_ENOMEM;
		r->last_change[i] = s->updated_ms > s->created_ms ? s->updated_ms : s->created_ms;
		for (size_t j = 0; j < s->n_vips; j++)
			if (add_owner(r, s->vips[j].ip, OW_VIP, i, 0, s->vips[j].net) != 0)
				return ESRA_ENOMEM;
		for (size_t j = 0; j < s->n_aliases; j++)
			if (s->aliases[j].alias != NULL &&
			    hmap_put(r->aliases, s->aliases[j].alias, i << 1) != 0)
				return ESRA_ENOMEM;
	}
	for (size_t i = 0; i < v->n_tasks; i++) {
		const struct sw_task *t = &v->tasks[i];
		int64_t ch = task_changed_ms(t);
		if (t->id != NULL && hmap_put(r->task_by_id, t->id, i) != 0)
			return ESRA_ENOMEM;
		if (t->container_id != NULL && strlen(t->container_id) >= 12) {
			const char *sid = pool_strndup(r->pool, t->container_id, 12);
			if (sid == NULL || hmap_put(r->short_ids, sid, i << 1) != 0)
				return ESRA_ENOMEM;
		}
		for (size_t j = 0; j < t->n_addrs; j++)
			if (add_owner(r, t->addrs[j].ip, OW_TASK, i, 0, t->addrs[j].net) != 0)
				return ESRA_ENOMEM;
		if (t->service == NONE)
			continue;
		if (model_task_live(t))
			r->live[t->service]++;
		if (t->state == SW_ST_RUNNING)
			r->running[t->service]++;
		if ((t->state == SW_ST_FAILED || t->state == SW_ST_REJECTED) &&
		    r->in.now_ms - ch < r->cfg->policy.history_seconds * 1000)
			r->failed_recent[t->service]++;
		if (ch > r->last_change[t->service])
			r->last_change[t->service] = ch;
	}
	for (size_t i = 0; i < v->n_containers; i++) {
		const struct sw_container *c = &v->containers[i];
		if (c->name != NULL && hmap_put(r->cont_by_name, c->name, i) != 0)
			return ESRA_ENOMEM;
		if (c->id != NULL && strlen(c->id) >= 12 && c->task_id == NULL) {
			const char *sid = pool_strndup(r->pool, c->id, 12);
			if (sid == NULL || hmap_put(r->short_ids, sid, (i << 1) | 1) != 0)
				return ESRA_ENOMEM;
		}
		for (size_t j = 0; j < c->n_nets; j++) {
			const struct sw_cnet *cn = &c->nets[j];
			if (cn->has_ip && add_owner(r, cn->ip, OW_CONT, i, 0, cn->net) != 0)
				return ESRA_ENOMEM;
			for (size_t k = 0; k < cn->n_aliases; k++)
				if (hmap_put(r->aliases, cn->aliases[k], (i << 1) | 1) != 0)
					return ESRA_ENOMEM;
		}
	}
	for (size_t i = 0; i < v->n_nets; i++) {
		const struct sw_network *n = &v->nets[i];
		for (size_t j = 0; j < n->n_svcs; j++) {
			const struct sw_netsvc *s = &n->svcs[j];
			if (s->name != NULL && hmap_put(r->netsvc_names, s->name, i) != 0)
				return ESRA_ENOMEM;
			if (s->has_vip && add_owner(r, s->vip, OW_NETVIP, j, 0, i) != 0)
				return ESRA_ENOMEM;
			for (size_t k = 0; k < s->n_eps; k++)
				if (add_owner(r, s->eps[k].ip, OW_NETEP, j, k, i) != 0)
					return ESRA_ENOMEM;
		}
	}
	return ESRA_OK;
}

size_t recon_service_of_app(const struct recon *r, const char *app)
{
	const struct cfg_pairlist *map = &r->cfg->names.map;

	if (r->sw == NULL || r->svc_by_name == NULL)
		return NONE;
	for (size_t i = 0; i < map->n; i++)
		if (esra_strcasecmp(map->v[i].from, app) == 0)
			return hmap_get(r->svc_by_name, map->v[i].to);
	return hmap_get(r->svc_by_name, app);
}

static int index_registry(struct recon *r)
{
	const struct eu_registry *g = r->reg;

	r->eu_apps = hmap_new(g->n_apps, true);
	r->eu_hosts = hmap_new(g->n_inst, true);
	r->app_svc = calloc(g->n_apps + 1, sizeof(size_t));
	if (r->eu_apps == NULL || r->eu_hosts == NULL || r->app_svc == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < g->n_apps; i++) {
		if (hmap_put(r->eu_apps, g->apps[i].name, i) != 0)
			return ESRA_ENOMEM;
		r->app_svc[i] = recon_service_of_app(r, g->apps[i].name);
		if (r->app_svc[i] != NONE)
			r->svc_has_app[r->app_svc[i]] = true;
	}
	for (size_t i = 0; i < g->n_inst; i++)
		if (g->inst[i].hostname[0] != '\0' &&
		    hmap_put(r->eu_hosts, g->inst[i].hostname, i) != 0)
			return ESRA_ENOMEM;
	return ESRA_OK;
}

static struct namecheck *check_for(struct recon *r, const char *name, bool *fresh)
{
	size_t i = hmap_get(r->check_by_name, name);
	struct namecheck *c;

	*fresh = false;
	if (i != NONE)
		return &r->checks[i];
	/* names in the map point into the pool, so moving the array is fine */
	if ((c = array_grow(r->checks, &r->cap_checks, r->n_checks, sizeof(*c), 64)) == NULL)
		return NULL;
	r->checks = c;
	c = &r->checks[r->n_checks];
	memset(c, 0, sizeof(*c));
	c->name = pool_strdup(r->pool, name);
	c->svc = NONE;
	c->net = NONE;
	if (c->name == NULL || hmap_put(r->check_by_name, c->name, r->n_checks) != 0)
		return NULL;
	r->n_checks++;
	*fresh = true;
	return c;
}

static int check_expect(struct recon *r, struct namecheck *c, ip4_t ip)
{
	for (size_t i = 0; i < c->n_exp; i++)
		if (c->exp[i] == ip)
			return ESRA_OK;
	if (c->n_exp == c->cap_exp) {
		size_t cap = c->cap_exp ? c->cap_exp * 2 : 4;
		ip4_t *v = pool_alloc(r->pool, cap * sizeof(*v));
		if (v == NULL)
			return ESRA_ENOMEM;
		if (c->n_exp)
			memcpy(v, c->exp, c->n_exp * sizeof(*v));
		c->exp = v;
		c->cap_exp = cap;
	}
	c->exp[c->n_exp++] = ip;
	return ESRA_OK;
}

static int add_check(struct recon *r, const char *name, bool tasks, size_t svc, const char *sname,
                     bool dnsrr, size_t net, struct namecheck **out)
{
	char full[ESRA_MAX_STRING];
	bool fresh;
	struct namecheck *c;

	snprintf(full, sizeof(full), "%s%s", tasks ? "tasks." : "", name);
	c = check_for(r, full, &fresh);
	if (c == NULL)
		return ESRA_ENOMEM;
	if (fresh) {
		c->svc = svc;
		c->svc_name = sname;
		c->tasks = tasks;
		c->dnsrr = dnsrr;
		c->net = net;
	}
	*out = c;
	return ESRA_OK;
}

/* What swarm says each service name should answer, from /services + /tasks (manager). */
static int build_checks_manager(struct recon *r)
{
	const struct sw_view *v = r->sw;
	size_t *task_net = malloc((v->n_services + 1) * sizeof(*task_net));

	/* per service, the watched network of its first task on one (dnsrr services have no
	 * VIP to say which): one pass over the tasks */
	if (task_net == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < v->n_services; i++)
		task_net[i] = NONE;
	for (size_t k = 0; k < v->n_tasks; k++) {
		const struct sw_task *t = &v->tasks[k];
		size_t last = NONE;
		if (t->service == NONE || task_net[t->service] != NONE)
			continue;
		for (size_t j = 0; j < t->n_addrs; j++)
			if (net_watched(r, t->addrs[j].net))
				last = t->addrs[j].net;
		task_net[t->service] = last;
	}
	for (size_t i = 0; i < v->n_services; i++) {
		const struct sw_service *s = &v->services[i];
		struct namecheck *c, *t;
		size_t net = NONE;

		for (size_t j = 0; j < s->n_vips && net == NONE; j++)
			if (net_watched(r, s->vips[j].net))
				net = s->vips[j].net;
		for (size_t j = 0; j < s->n_aliases && net == NONE; j++)
			if (net_watched(r, s->aliases[j].net))
				net = s->aliases[j].net;
		if (net == NONE && s->dnsrr) /* dnsrr: the network comes from the tasks */
			net = task_net[i];
		if (net == NONE || s->name == NULL)
			continue;
		if (add_check(r, s->name, false, i, s->name, s->dnsrr, net, &c) != 0 ||
		    add_check(r, s->name, true, i, s->name, s->dnsrr, net, &t) != 0)
			goto nomem;
		if (!s->dnsrr)
			for (size_t j = 0; j < s->n_vips; j++)
				if (net_watched(r, s->vips[j].net) &&
				    check_expect(r, c, s->vips[j].ip) != 0)
					goto nomem;
	}
	free(task_net);
	task_net = NULL;
	/* live task addresses: tasks.<name> always, <name> too in dnsrr mode */
	for (size_t k = 0; k < v->n_tasks; k++) {
		const struct sw_task *t = &v->tasks[k];
		const struct sw_service *s;
		size_t ci, ti;
		if (!model_task_live(t) || t->service == NONE)
			continue;
		s = &v->services[t->service];
		if (s->name == NULL)
			continue;
		{
			char tn[ESRA_MAX_STRING];
			snprintf(tn, sizeof(tn), "tasks.%s", s->name);
			ti = hmap_get(r->check_by_name, tn);
		}
		ci = hmap_get(r->check_by_name, s->name);
		for (size_t j = 0; j < t->n_addrs; j++) {
			if (!net_watched(r, t->addrs[j].net))
				continue;
			if (ti != NONE && check_expect(r, &r->checks[ti], t->addrs[j].ip) != 0)
				return ESRA_ENOMEM;
			if (s->dnsrr && ci != NONE &&
			    check_expect(r, &r->checks[ci], t->addrs[j].ip) != 0)
				return ESRA_ENOMEM;
		}
	}
	return ESRA_OK;
nomem:
	free(task_net);
	return ESRA_ENOMEM;
}

/* A worker cannot read /services: it judges names by this node's network view. */
static int build_checks_worker(struct recon *r)
{
	const struct sw_view *v = r->sw;

	for (size_t i = 0; i < v->n_nets; i++) {
		const struct sw_network *n = &v->nets[i];
		if (!r->watched[i] || !n->verbose_read)
			continue;
		for (size_t j = 0; j < n->n_svcs; j++) {
			const struct sw_netsvc *s = &n->svcs[j];
			struct namecheck *c, *t;
			if (s->name == NULL || s->name[0] == '\0')
				continue;
			if (add_check(r, s->name, false, NONE, s->name, !s->has_vip, i, &c) != 0 ||
			    add_check(r, s->name, true, NONE, s->name, !s->has_vip, i, &t) != 0)
				return ESRA_ENOMEM;
			if (s->has_vip && check_expect(r, c, s->vip) != 0)
				return ESRA_ENOMEM;
			for (size_t k = 0; k < s->n_eps; k++) {
				if (check_expect(r, t, s->eps[k].ip) != 0)
					return ESRA_ENOMEM;
				if (!s->has_vip && check_expect(r, c, s->eps[k].ip) != 0)
					return ESRA_ENOMEM;
			}
		}
	}
	return ESRA_OK;
}

static int mark_foreign(struct recon *r);
static bool is_foreign(const struct recon *r, size_t inst);

struct recon *recon_new(const struct recon_input *in, struct esra_err *err)
{
	struct recon *r = calloc(1, sizeof(*r));
	int rc = ESRA_ENOMEM;

	if (r == NULL)
		goto fail;
	r->in = *in;
	r->cfg = in->cfg;
	r->sw = in->sw;
	r->reg = in->reg;
	r->manager = in->sw != NULL && !in->sw->worker_view;
	r->pool = pool_new();
	r->ip_owners = hmap_new(1024, false);
	r->check_by_name = hmap_new(256, true);
	if (r->pool == NULL || r->ip_owners == NULL || r->check_by_name == NULL)
		goto fail;
	if (r->sw != NULL) {
		if ((rc = index_swarm(r)) != ESRA_OK)
			goto fail;
		rc = r->manager ? build_checks_manager(r) : build_checks_worker(r);
		if (rc != ESRA_OK)
			goto fail;
	}
	if (r->reg != NULL && (rc = index_registry(r)) != ESRA_OK)
		goto fail;
	if (r->reg != NULL && r->manager && (rc = mark_foreign(r)) != ESRA_OK)
		goto fail;
	return r;
fail:
	recon_free(r);
	esra_err_set(err, rc, "reconcile: %s", esra_strerror(rc));
	return NULL;
}

int recon_add_registry(struct recon *r, const struct eu_registry *reg, struct esra_err *err)
{
	int rc;

	if (r->reg != NULL || reg == NULL)
		return esra_err_set(err, ESRA_EINVAL, "reconcile: the registry is added once");
	r->reg = reg;
	r->in.reg = reg;
	if ((rc = index_registry(r)) != ESRA_OK ||
	    (r->manager && (rc = mark_foreign(r)) != ESRA_OK))
		return esra_err_set(err, rc, "reconcile: %s", esra_strerror(rc));
	return ESRA_OK;
}

void recon_free(struct recon *r)
{
	if (r == NULL)
		return;
	hmap_free(r->svc_by_name);
	hmap_free(r->task_by_id);
	hmap_free(r->cont_by_name);
	hmap_free(r->aliases);
	hmap_free(r->eu_apps);
	hmap_free(r->eu_hosts);
	hmap_free(r->short_ids);
	hmap_free(r->netsvc_names);
	hmap_free(r->ip_owners);
	hmap_free(r->check_by_name);
	free(r->owners);
	free(r->watched);
	free(r->live);
	free(r->running);
	free(r->failed_recent);
	free(r->last_change);
	free(r->app_svc);
	free(r->foreign);
	free(r->svc_has_app);
	free(r->checks);
	pool_free(r->pool);
	free(r);
}

int recon_dns_names(struct recon *r, const char ***names, size_t *n, struct esra_err *err)
{
	size_t cap = r->n_checks + (r->reg != NULL ? r->reg->n_inst : 0) + 1, k = 0;
	const char **v = malloc(cap * sizeof(*v));
	struct hmap *seen = hmap_new(cap, true);

	if (v == NULL || seen == NULL) {
		free(v);
		hmap_free(seen);
		*names = NULL;
		*n = 0;
		return esra_err_set(err, ESRA_ENOMEM, "reconcile: out of memory");
	}
	for (size_t i = 0; i < r->n_checks; i++) {
		v[k++] = r->checks[i].name;
		if (hmap_put(seen, r->checks[i].name, i) != 0)
			goto nomem;
	}
	for (size_t i = 0; r->reg != NULL && i < r->reg->n_inst; i++) {
		const struct eu_instance *in = &r->reg->inst[i];
		if (in->hostname[0] == '\0' || in->hostname_is_ip || is_foreign(r, i) ||
		    hmap_get(seen, in->hostname) != NONE)
			continue;
		if (hmap_put(seen, in->hostname, i) != 0)
			goto nomem;
		v[k++] = in->hostname;
	}
	hmap_free(seen);
	*names = v;
	*n = k;
	return ESRA_OK;
nomem:
	free(v);
	hmap_free(seen);
	*names = NULL;
	*n = 0;
	return esra_err_set(err, ESRA_ENOMEM, "reconcile: out of memory");
}

int recon_probe_targets(const struct recon *r, size_t **idx, size_t *n)
{
	size_t k = 0;

	*idx = NULL;
	*n = 0;
	if (r->reg == NULL)
		return ESRA_OK;
	*idx = malloc((r->reg->n_inst + 1) * sizeof(**idx));
	if (*idx == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < r->reg->n_inst; i++)
		if (r->reg->inst[i].ip_valid && r->reg->inst[i].port > 0 && !is_foreign(r, i))
			(*idx)[k++] = i; /* what is not ours is not probed either */
	*n = k;
	return ESRA_OK;
}

/* ---------------------------------------------------------------- owners of an IP */

struct ownership {
	const char *owner;    /* NULL: nothing live */
	long backends;        /* -1 unknown */
	bool in_grace;        /* a task that changed within grace: do not judge */
	bool same_service;    /* held by the service being judged (any network) */
	const char *evidence; /* what holds it, in words */
};

static const char *fmt(struct recon *r, const char *f, ...) ESRA_PRINTF(2, 3);

static const char *fmt(struct recon *r, const char *f, ...)
{
	char tmp[1024];
	va_list ap;

	va_start(ap, f);
	vsnprintf(tmp, sizeof(tmp), f, ap);
	va_end(ap);
	return pool_strdup(r->pool, tmp);
}

static const char *task_label(const struct recon *r, const struct sw_task *t, char *out,
                              size_t outsz)
{
	if (t->slot > 0)
		snprintf(out, outsz, "%s.%lld", svc_name(r, t->service), (long long)t->slot);
	else
		snprintf(out, outsz, "%s.%.12s", svc_name(r, t->service),
		         t->node_id != NULL ? t->node_id : "?");
	return out;
}

/* Classify who holds ip; svc is the service being judged (MODEL_NONE: none). */
static void classify(struct recon *r, ip4_t ip, size_t svc, const char *svcname,
                     struct ownership *o)
{
	const struct sw_view *v = r->sw;
	int best = 0; /* higher = more live */
	char lbl[ESRA_MAX_STRING];

	memset(o, 0, sizeof(*o));
	o->backends = -1;
	if (v == NULL)
		return;
	for (size_t i = hmap_get_u64(r->ip_owners, ip); i != NONE; i = r->owners[i].next) {
		const struct owner *w = &r->owners[i];
		switch (w->type) {
		case OW_VIP: {
			const struct sw_service *s = &v->services[w->a];
			if (w->a == svc)
				o->same_service = true;
			if (best < 6) {
				best = 6;
				o->owner = fmt(r, "service:%s", s->name);
				o->backends = r->manager ? r->live[w->a] : -1;
				o->evidence =
				    fmt(r, "VIP of service %s, %ld live task%s behind it", s->name,
				        r->live[w->a], r->live[w->a] == 1 ? "" : "s");
			}
			break;
		}
		case OW_TASK: {
			const struct sw_task *t = &v->tasks[w->a];
			task_label(r, t, lbl, sizeof(lbl));
			if (model_task_live(t)) {
				if (t->service == svc)
					o->same_service = true;
				if (best < 5) {
					best = 5;
					o->owner = fmt(r, "task:%s", lbl);
					o->backends = 1;
					o->evidence = fmt(r, "address of live task %s", lbl);
				}
			} else {
				if (young(r, task_changed_ms(t)))
					o->in_grace = true;
				if (best < 1) {
					best = 1;
					o->evidence = fmt(
					    r,
					    "address of task %s (state %s, desired %s): not live",
					    lbl, model_sw_state_name(t->state),
					    model_sw_state_name(t->desired));
				}
			}
			break;
		}
		case OW_CONT: {
			const struct sw_container *c = &v->containers[w->a];
			if (c->task_id != NULL)
				break; /* a task's container: judged through /tasks */
			if (best < 4) {
				best = 4;
				o->owner = fmt(r, "container:%s", c->name);
				o->backends = 1;
				o->evidence = fmt(r, "address of running container %s", c->name);
			}
			break;
		}
		case OW_NETVIP: {
			const struct sw_netsvc *s = &v->nets[w->net].svcs[w->a];
			if (!r->manager) {
				if (svcname != NULL && strcmp(s->name, svcname) == 0)
					o->same_service = true;
				if (best < 3) {
					best = 3;
					o->owner = fmt(r, "service:%s", s->name);
					o->backends = -1;
					o->evidence =
					    fmt(r, "VIP of service %s in this node's view of %s",
					        s->name, v->nets[w->net].name);
				}
			} else if (best < 2 && hmap_get(r->svc_by_name, s->name) == NONE) {
				best = 2;
				o->evidence =
				    fmt(r,
				        "this node's view of network %s still lists it as "
				        "the VIP of service %s, which swarm does not know",
				        v->nets[w->net].name, s->name[0] ? s->name : "?");
			}
			break;
		}
		case OW_NETEP: {
			const struct sw_netsvc *s = &v->nets[w->net].svcs[w->a];
			const struct sw_netep *e = &s->eps[w->b];
			if (!r->manager || s->name[0] == '\0') {
				/* a worker trusts its view; plain containers live on any node */
				if (!r->manager && svcname != NULL && strcmp(s->name, svcname) == 0)
					o->same_service = true;
				if (best < 3) {
					best = 3;
					o->owner = fmt(r, "%s:%s",
					               s->name[0] ? "task" : "container", e->name);
					o->backends = 1;
					o->evidence =
					    fmt(r, "endpoint %s in this node's view of %s", e->name,
					        v->nets[w->net].name);
				}
			}
			break;
		}
		}
	}
	if (o->evidence == NULL)
		o->evidence = "no service, task or container holds it";
}

/* ---------------------------------------------------------------- findings */

#define TRY(x)                                                                                     \
	do {                                                                                       \
		if ((x) != 0)                                                                      \
			goto nomem;                                                                \
	} while (0)
#define NN(p)                                                                                      \
	do {                                                                                       \
		if ((p) == NULL)                                                                   \
			goto nomem;                                                                \
	} while (0)

static const char *node_name(const struct recon *r)
{
	if (r->sw == NULL)
		return "";
	return r->sw->self.hostname[0] ? r->sw->self.hostname : r->sw->self.id;
}

static const char *net_name(const struct recon *r, size_t net)
{
	return net != NONE && r->sw != NULL && net < r->sw->n_nets && r->sw->nets[net].name
	           ? r->sw->nets[net].name
	           : "";
}

/* The extra addresses of a DNS answer, each with who holds it and that evidence (kept from
 * the one classification, for the finding's evidence lines). */
struct stale_acc {
	struct stale_ip *st;
	const char **ev;
	size_t n, cap;
	bool nothing_live; /* some address has no live owner or no backend */
};

static int stale_add(struct finding_list *out, struct stale_acc *s, size_t cap, ip4_t ip,
                     const struct ownership *o)
{
	if (s->st == NULL) {
		s->st = pool_alloc(out->pool, cap * sizeof(*s->st));
		s->ev = pool_alloc(out->pool, cap * sizeof(*s->ev));
		s->cap = cap;
		if (s->st == NULL || s->ev == NULL)
			return ESRA_ENOMEM;
	}
	if (s->n == s->cap)
		return ESRA_ETOOLARGE;
	s->st[s->n].ip = ip;
	s->st[s->n].owner = o->owner != NULL ? finding_strdup(out, o->owner) : NULL;
	if (o->owner != NULL && s->st[s->n].owner == NULL)
		return ESRA_ENOMEM;
	s->st[s->n].backends = o->owner == NULL ? 0 : o->backends;
	s->ev[s->n] = o->evidence;
	if (o->owner == NULL || o->backends == 0)
		s->nothing_live = true;
	s->n++;
	return ESRA_OK;
}

/* Hand the addresses to f, with one evidence line each ("10.0.1.7: VIP of service ..."). */
static int stale_attach(struct finding *f, struct finding_list *out, const struct stale_acc *s)
{
	char ib[IP4_STRLEN];

	f->stale = s->st;
	f->n_stale = s->n;
	for (size_t i = 0; i < s->n; i++)
		if (finding_add_evidence(f, out, "%s: %s", ip4_format(s->st[i].ip, ib), s->ev[i]) !=
		    0)
			return ESRA_ENOMEM;
	return ESRA_OK;
}

static bool has_ip(const ip4_t *ips, size_t n, ip4_t ip)
{
	for (size_t i = 0; i < n; i++)
		if (ips[i] == ip)
			return true;
	return false;
}

/* Which alias of which service or container makes name answer ip (for the remedy). */
static const char *alias_holder(struct recon *r, const char *name)
{
	size_t a = hmap_get(r->aliases, name);

	if (a == NONE || r->sw == NULL)
		return NULL;
	if (a & 1)
		return fmt(r, "container %s", r->sw->containers[a >> 1].name);
	return fmt(r, "service %s", r->sw->services[a >> 1].name);
}

static int judge_name(struct recon *r, const struct namecheck *c, const struct dns_answer *a,
                      struct finding_list *out, struct finding **made)
{
	struct stale_acc sa = {0};
	struct finding *f;
	const char *holder;

	*made = NULL;
	if (a == NULL || a->rc != DNS_RC_OK || c->n_exp == 0)
		return ESRA_OK;
	for (size_t i = 0; i < a->n_ips; i++) {
		struct ownership o;
		if (has_ip(c->exp, c->n_exp, a->ips[i]))
			continue;
		classify(r, a->ips[i], c->svc, c->svc_name, &o);
		if (o.same_service || o.in_grace)
			continue;
		TRY(stale_add(out, &sa, a->n_ips, a->ips[i], &o));
	}
	if (sa.n == 0)
		return ESRA_OK;
	NN(f = finding_add(out, FK_POISONED_NAME));
	f->name = c->name;
	f->service = c->svc_name;
	f->network = net_name(r, c->net);
	f->node = node_name(r);
	NN(f->expected_ips = pool_memdup(out->pool, c->exp, c->n_exp * sizeof(ip4_t)));
	f->n_expected = c->n_exp;
	NN(f->resolved_ips = pool_memdup(out->pool, a->ips, a->n_ips * sizeof(ip4_t)));
	f->n_resolved = a->n_ips;
	TRY(finding_set_key(f, out, "%s", c->name));
	f->words[0] = c->tasks || c->dnsrr ? "its tasks" : "its VIP";
	TRY(stale_attach(f, out, &sa));
	TRY(finding_add_evidence(f, out, "swarm DNS answered %zu address%s for %s", a->n_ips,
	                         a->n_ips == 1 ? "" : "es", c->name));
	holder = alias_holder(r, c->tasks ? c->name + 6 : c->name);
	if (holder != NULL && strncmp(holder, "service ", 8) == 0 && c->svc_name != NULL &&
	    strcmp(holder + 8, c->svc_name) == 0)
		holder = NULL; /* the service's own alias */
	if (holder != NULL) {
		f->variant = POISONED_ALIAS;
		f->words[1] = holder;
		f->words[2] = c->tasks ? c->name + 6 : c->name;
		f->words[3] = strncmp(holder, "container", 9) == 0 ? "container" : "service";
	} else if (sa.st[0].owner != NULL && strncmp(sa.st[0].owner, "container:", 10) == 0) {
		/* a container on another node: known from this node's network view only */
		f->variant = POISONED_CONTAINER;
		f->words[1] = sa.st[0].owner + 10;
		f->words[2] = c->tasks ? c->name + 6 : c->name;
	} else {
		f->variant = sa.nothing_live ? POISONED_STALE : POISONED_LIVE;
	}
	TRY(finding_texts(f, out));
	*made = f;
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

static int judge_names(struct recon *r, const struct dns_view *dns, struct hmap *ans,
                       struct finding_list *out)
{
	for (size_t i = 0; i < r->n_checks; i++) {
		const struct namecheck *c = &r->checks[i];
		size_t k = hmap_get(ans, c->name);
		struct finding *f;
		if (k == NONE)
			continue;
		if (judge_name(r, c, &dns->ans[k], out, &f) != 0)
			return ESRA_ENOMEM;
	}
	return ESRA_OK;
}

/* A container-ID-like prefix: 12 lowercase hex digits, then the end or a separator (Spring's
 * default instanceId is hostname:app:port, and a container's hostname is its short ID). */
static bool container_prefix(const char *s, char sid[13])
{
	size_t n = 0;

	while (n < 12 && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
		n++;
	if (n != 12 || (s[12] != '\0' && s[12] != ':' && s[12] != '.' && s[12] != '-'))
		return false;
	memcpy(sid, s, 12);
	sid[12] = '\0';
	return true;
}

static const char *evidence_container_prefix(struct recon *r, const struct eu_instance *in)
{
	/* Spring's default instanceId (and a container's hostName) starts with the short id */
	const char *cands[2] = {in->instance_id, in->hostname};
	char sid[13];

	for (int k = 0; k < 2; k++) {
		size_t hit;
		if (cands[k] == NULL || !container_prefix(cands[k], sid))
			continue;
		hit = hmap_get(r->short_ids, sid);
		if (hit == NONE)
			return fmt(r, "%s starts with %s, which matches no task or container here",
			           k == 0 ? "instanceId" : "hostName", sid);
		if (hit & 1)
			return fmt(r, "%s starts with %s = container %s",
			           k == 0 ? "instanceId" : "hostName", sid,
			           r->sw->containers[hit >> 1].name);
		{
			const struct sw_task *t = &r->sw->tasks[hit >> 1];
			char lbl[ESRA_MAX_STRING];
			return fmt(
			    r, "%s starts with %s = container of task %s (state %s, desired %s)",
			    k == 0 ? "instanceId" : "hostName", sid,
			    task_label(r, t, lbl, sizeof(lbl)), model_sw_state_name(t->state),
			    model_sw_state_name(t->desired));
		}
	}
	return NULL;
}

static void age_str(int64_t ms, char *out, size_t outsz)
{
	int64_t s = ms / 1000;

	if (s < 120)
		snprintf(out, outsz, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(out, outsz, "%lldm", (long long)(s / 60));
	else if (s < 172800)
		snprintf(out, outsz, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, outsz, "%lldd", (long long)(s / 86400));
}

static struct finding *instance_finding(struct recon *r, struct finding_list *out, enum fkind k,
                                        const struct eu_instance *in, size_t svc)
{
	struct finding *f = finding_add(out, k);

	if (f == NULL)
		return NULL;
	f->app = in->app;
	f->instance_id = model_inst_id(in);
	f->hostname = in->hostname;
	f->ip = in->ip;
	f->has_ip = in->ip_valid;
	f->port = in->port;
	f->status = model_eu_status_name(in->status);
	f->service = svc != NONE ? svc_name(r, svc) : NULL;
	f->node = node_name(r);
	f->registered_ms = in->registration_ms;
	f->last_renewal_ms = in->last_renewal_ms;
	f->lease_seconds = in->lease_duration_s;
	if (finding_set_key(f, out, "%s/%s", in->app, model_inst_id(in)) != 0)
		return NULL;
	return f;
}

/* ---------------------------------------------------------------- ownership */

/* The network (scope "swarm" when swarm_scope, else node-local) whose IPAM subnet holds ip;
 * NONE if none. */
static size_t net_holding(const struct recon *r, ip4_t ip, bool swarm_scope)
{
	for (size_t i = 0; i < r->sw->n_nets; i++) {
		const struct sw_network *n = &r->sw->nets[i];
		bool swarm = n->scope != NULL && strcmp(n->scope, "swarm") == 0;
		if (n->has_subnet && swarm == swarm_scope &&
		    ip4_in_subnet(ip, n->subnet, n->prefix))
			return i;
	}
	return NONE;
}

/* What the instanceId and hostName name in this swarm. */
struct named {
	bool id_like;      /* one of them starts with a container-ID-like prefix */
	char sid[13];      /* that prefix */
	const char *field; /* "instanceId" or "hostName" */
	size_t hit;        /* short_ids value ((index << 1) | is_container), NONE if unknown */
	size_t task;       /* a task (any state) the instance names, NONE if none */
	bool live_task;    /* ... and that task is live */
};

static void names_of(const struct recon *r, const struct eu_instance *in, struct named *nm)
{
	const char *cands[2] = {in->instance_id, in->hostname};

	memset(nm, 0, sizeof(*nm));
	nm->hit = nm->task = NONE;
	for (int k = 0; k < 2 && nm->hit == NONE; k++) {
		char sid[13];
		if (cands[k] == NULL || !container_prefix(cands[k], sid))
			continue;
		if (!nm->id_like) {
			nm->id_like = true;
			memcpy(nm->sid, sid, sizeof(sid));
			nm->field = k == 0 ? "instanceId" : "hostName";
		}
		nm->hit = hmap_get(r->short_ids, sid);
		if (nm->hit != NONE) {
			memcpy(nm->sid, sid, sizeof(sid));
			nm->field = k == 0 ? "instanceId" : "hostName";
		}
	}
	if (nm->hit != NONE && (nm->hit & 1) == 0)
		nm->task = nm->hit >> 1;
	if (nm->task == NONE && in->instance_id != NULL) {
		/* an instanceId that starts with a task ID ("<task id>:app:port") */
		char tid[ESRA_MAX_STRING];
		size_t len = strcspn(in->instance_id, ":");
		if (len > 0 && len < sizeof(tid)) {
			memcpy(tid, in->instance_id, len);
			tid[len] = '\0';
			nm->task = hmap_get(r->task_by_id, tid);
		}
	}
	nm->live_task = nm->task != NONE && model_task_live(&r->sw->tasks[nm->task]);
}

/* The networks of this swarm and their subnets, for a message ("gbsnet 10.0.1.0/24, ..."). */
static const char *swarm_subnets(struct recon *r)
{
	char out[512], ib[IP4_STRLEN];
	size_t len = 0, shown = 0;

	out[0] = '\0';
	for (size_t i = 0; i < r->sw->n_nets && len < sizeof(out); i++) {
		const struct sw_network *n = &r->sw->nets[i];
		if (!n->has_subnet || n->scope == NULL || strcmp(n->scope, "swarm") != 0)
			continue;
		if (shown++ == 4) {
			snprintf(out + len, sizeof(out) - len, ", ...");
			break;
		}
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s %s/%d", len ? ", " : "",
		                        n->name ? n->name : n->id, ip4_format(n->subnet, ib),
		                        n->prefix);
	}
	return fmt(r, "%s", shown ? out : "none with a subnet");
}

/* foreign_instance: an instance this swarm cannot claim; never judged, never acted on. */
static int foreign(struct recon *r, struct finding_list *out, const struct eu_instance *in,
                   const char *why)
{
	struct finding *f = instance_finding(r, out, FK_FOREIGN_INSTANCE, in, NONE);

	if (f == NULL)
		return ESRA_ENOMEM;
	f->not_ours = why;
	if (finding_texts(f, out) != 0 || finding_add_evidence(f, out, "%s", why) != 0)
		return ESRA_ENOMEM;
	return ESRA_OK;
}

static int wrong_network(struct recon *r, struct finding_list *out, const struct eu_instance *in,
                         const struct sw_task *t, size_t net, bool local)
{
	char ib[IP4_STRLEN], lbl[ESRA_MAX_STRING];
	struct finding *f;

	ip4_format(in->ip, ib);
	task_label(r, t, lbl, sizeof(lbl));
	NN(f = instance_finding(r, out, FK_WRONG_NETWORK, in, t->service));
	f->network = net_name(r, net);
	f->variant = local ? WRONG_LOCAL_NET : WRONG_TASK_NET;
	NN(f->words[0] = finding_strdup(out, lbl));
	TRY(finding_texts(f, out));
	if (local)
		TRY(finding_add_evidence(f, out, "%s is in the subnet of %s, scope local", ib,
		                         f->network));
	else
		TRY(finding_add_evidence(f, out, "task %s is live on %s (%s)", lbl, f->network,
		                         r->sw->nets[net].ingress ? "the ingress network"
		                                                  : "not a watched network"));
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

/* Whether this swarm cannot claim the instance: outside every subnet of its networks, or
 * inside one while neither its app nor its instanceId/hostName names anything of this
 * swarm. *net: the network whose subnet holds it (swarm-scoped, else node-local: *local). */
static bool unclaimed(const struct recon *r, const struct eu_instance *in, size_t svc,
                      const struct named *nm, size_t *net, bool *local)
{
	*local = false;
	*net = net_holding(r, in->ip, true);
	if (*net == NONE) {
		*net = net_holding(r, in->ip, false);
		*local = *net != NONE;
		return true;
	}
	return svc == NONE && nm->task == NONE && nm->hit == NONE;
}

/* Ownership before judgment: is this instance provably this swarm's? Returns ESRA_OK with
 * *ours set, after reporting it (foreign_instance, or wrong_network for a node-local address
 * of a live task) when it is not. */
static int claim(struct recon *r, struct finding_list *out, const struct eu_instance *in,
                 size_t svc, const struct named *nm, bool *ours)
{
	char ib[IP4_STRLEN];
	size_t net;
	bool local;

	*ours = !unclaimed(r, in, svc, nm, &net, &local);
	ip4_format(in->ip, ib);
	if (local && nm->live_task) {
		*ours = false;
		if (young(r, in->registration_ms))
			return ESRA_OK;
		return wrong_network(r, out, in, &r->sw->tasks[nm->task], net, true);
	}
	if (*ours)
		return ESRA_OK;
	if (local)
		return foreign(r, out, in,
		               fmt(r,
		                   "%s is on %s (a node-local network) and its instanceId names "
		                   "no live task of this swarm",
		                   ib, net_name(r, net)));
	if (net == NONE)
		return foreign(r, out, in,
		               fmt(r, "%s is in no subnet of this swarm's networks (%s)", ib,
		                   swarm_subnets(r)));
	return foreign(r, out, in,
	               fmt(r,
	                   "%s is in the subnet of %s, but neither the app %s nor the "
	                   "instanceId/hostName names a service, task or container of this swarm",
	                   ib, net_name(r, net), in->app));
}

/* Before anything is judged or probed: which instances this swarm cannot claim. An address
 * something of this swarm holds is never foreign. */
static int mark_foreign(struct recon *r)
{
	const struct eu_registry *g = r->reg;

	r->foreign = calloc(g->n_inst + 1, sizeof(bool));
	if (r->foreign == NULL)
		return ESRA_ENOMEM;
	for (size_t ai = 0; ai < g->n_apps; ai++)
		for (size_t ii = g->apps[ai].first; ii < g->apps[ai].first + g->apps[ai].count;
		     ii++) {
			const struct eu_instance *in = &g->inst[ii];
			struct named nm;
			size_t net;
			bool local;
			if (!in->ip_valid || hmap_get_u64(r->ip_owners, in->ip) != NONE)
				continue;
			names_of(r, in, &nm);
			r->foreign[ii] = unclaimed(r, in, r->app_svc[ai], &nm, &net, &local) &&
			                 !(local && nm.live_task);
		}
	return ESRA_OK;
}

static bool is_foreign(const struct recon *r, size_t inst)
{
	return r->foreign != NULL && r->foreign[inst];
}

/* stale_instance and wrong_network (manager view only), after ownership. */
static int judge_instances(struct recon *r, struct finding_list *out)
{
	const struct eu_registry *g = r->reg;
	const char *marker = r->cfg->policy.owner_metadata;
	char ib[IP4_STRLEN], age[32], lease[32];

	for (size_t ai = 0; ai < g->n_apps; ai++) {
		size_t svc = r->app_svc[ai];
		for (size_t ii = g->apps[ai].first; ii < g->apps[ai].first + g->apps[ai].count;
		     ii++) {
			const struct eu_instance *in = &g->inst[ii];
			bool backed = false, grace = false, ours, other_cluster;
			size_t wrong_task = NONE, wrong_net = NONE;
			struct named nm;
			struct finding *f;
			const char *ev;

			if (!in->ip_valid)
				continue;
			for (size_t oi = hmap_get_u64(r->ip_owners, in->ip); oi != NONE;
			     oi = r->owners[oi].next) {
				const struct owner *w = &r->owners[oi];
				if (w->type == OW_TASK) {
					const struct sw_task *t = &r->sw->tasks[w->a];
					if (model_task_live(t)) {
						if (net_watched(r, w->net))
							backed = true;
						else if (wrong_task == NONE) {
							wrong_task = w->a;
							wrong_net = w->net;
						}
					} else if (young(r, task_changed_ms(t))) {
						grace = true;
					}
				} else if (w->type == OW_CONT) {
					const struct sw_container *c = &r->sw->containers[w->a];
					if (c->task_id == NULL && net_watched(r, w->net))
						backed = true;
				} else if (w->type == OW_VIP) {
					if (net_watched(r, w->net) && r->live[w->a] > 0)
						backed = true;
				} else if (w->type == OW_NETEP) {
					/* a plain container on another node, listed in this node's
					 * view */
					const struct sw_netsvc *s = &r->sw->nets[w->net].svcs[w->a];
					if (s->name[0] == '\0' && net_watched(r, w->net))
						backed = true;
				}
			}
			if (backed)
				continue;
			if (wrong_task != NONE) {
				/* a live task of this swarm holds the address: ours */
				if (!young(r, in->registration_ms))
					TRY(wrong_network(r, out, in, &r->sw->tasks[wrong_task],
					                  wrong_net, false));
				continue;
			}
			names_of(r, in, &nm);
			TRY(claim(r, out, in, svc, &nm, &ours));
			if (!ours || grace || young(r, in->registration_ms))
				continue;
			/* another cluster in the same subnet: a container this swarm never ran */
			other_cluster =
			    nm.id_like && nm.hit == NONE && nm.task == NONE &&
			    !(marker[0] != '\0' && model_inst_has_meta_pair(in, marker));
			ip4_format(in->ip, ib);
			NN(f = instance_finding(r, out, FK_STALE_INSTANCE, in, svc));
			if (other_cluster) {
				f->severity = SEV_WARNING;
				f->suggested_action = "none";
				NN(f->not_ours = finding_printf(
				       out,
				       "%s starts with %s, a container that no task of this swarm "
				       "(history included) and no container of this node ever had",
				       nm.field, nm.sid));
				f->variant = STALE_OTHER_CLUSTER;
				f->words[0] = nm.field; /* static: "instanceId" | "hostName" */
				TRY(finding_texts(f, out));
				TRY(finding_add_evidence(f, out, "%s", f->not_ours));
				TRY(finding_add_evidence(f, out,
				                         "no live task or running container has %s "
				                         "on a watched network",
				                         ib));
				continue;
			}
			{
				int64_t since = r->in.now_ms - in->last_renewal_ms;
				bool expired = in->last_renewal_ms <= 0 ||
				               since > (int64_t)in->lease_duration_s * 1000;
				f->suggested_action = expired ? "deregister" : "flag";
				age_str(since, age, sizeof(age));
				snprintf(lease, sizeof(lease), "%ds", in->lease_duration_s);
				f->variant = expired ? STALE_DEREGISTER : STALE_FLAG;
				NN(f->words[0] = finding_strdup(
				       out, expired && in->last_renewal_ms <= 0 ? "never" : age));
				TRY(finding_texts(f, out));
				TRY(finding_add_evidence(f, out,
				                         "no live task or running container has %s "
				                         "on a watched network",
				                         ib));
				TRY(finding_add_evidence(
				    f, out, "status %s, last renewal %s ago, lease %s",
				    model_eu_status_name(in->status),
				    in->last_renewal_ms > 0 ? age : "never", lease));
			}
			if ((ev = evidence_container_prefix(r, in)) != NULL)
				TRY(finding_add_evidence(f, out, "%s", ev));
			{
				struct ownership o;
				classify(r, in->ip, NONE, NULL, &o);
				if (o.owner == NULL &&
				    strcmp(o.evidence, "no service, task or container "
				                       "holds it") != 0)
					TRY(finding_add_evidence(f, out, "%s: %s", ib, o.evidence));
			}
		}
	}
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

/* The node where a network endpoint's state lives: its task's node (from /nodes), else the
 * node whose address is the endpoint's Host IP, else this node. */
static const char *endpoint_node(const struct recon *r, const struct sw_task *t,
                                 const struct sw_netep *e)
{
	const struct sw_view *v = r->sw;

	for (size_t i = 0; i < v->n_nodes; i++) {
		const struct sw_node *nd = &v->nodes[i];
		const char *name = nd->hostname != NULL && nd->hostname[0] ? nd->hostname : nd->id;
		if (name == NULL)
			continue;
		if (t != NULL && t->node_id != NULL && nd->id != NULL &&
		    strcmp(t->node_id, nd->id) == 0)
			return name;
		if (t == NULL && e->host_ip != NULL && nd->addr != NULL &&
		    strcmp(e->host_ip, nd->addr) == 0)
			return name;
	}
	return node_name(r);
}

/* orphan_endpoint: this node's network view against /services + /tasks. A task that still
 * runs (a lingering one: desired shutdown or remove, State running) is not orphaned: its
 * endpoint is real until it stops, and the name it holds is judged as poisoned_name. */
static int judge_orphans(struct recon *r, struct finding_list *out)
{
	const struct sw_view *v = r->sw;
	char ib[IP4_STRLEN];

	for (size_t ni = 0; ni < v->n_nets; ni++) {
		const struct sw_network *n = &v->nets[ni];
		if (!r->watched[ni] || !n->verbose_read)
			continue;
		for (size_t si = 0; si < n->n_svcs; si++) {
			const struct sw_netsvc *s = &n->svcs[si];
			size_t svc;
			bool vip_ok = true;
			if (s->name == NULL || s->name[0] == '\0')
				continue; /* plain containers: no swarm record to compare with */
			svc = hmap_get(r->svc_by_name, s->name);
			if (svc != NONE && strcmp(v->services[svc].name, s->name) != 0)
				svc = NONE; /* matched a stripped name only */
			if (svc != NONE && s->has_vip) {
				vip_ok = false;
				for (size_t j = 0; j < v->services[svc].n_vips; j++)
					if (v->services[svc].vips[j].ip == s->vip)
						vip_ok = true;
			}
			if (s->has_vip &&
			    (svc == NONE || !vip_ok ||
			     (r->running[svc] == 0 && !young(r, r->last_change[svc])))) {
				struct finding *f;
				NN(f = finding_add(out, FK_ORPHAN_ENDPOINT));
				f->service = s->name;
				f->network = n->name;
				f->node = node_name(r);
				f->endpoint = "VIP";
				f->ip = s->vip;
				f->has_ip = true;
				TRY(finding_set_key(f, out, "%s/%s/vip/%s", n->name, s->name,
				                    ip4_format(s->vip, ib)));
				f->variant = svc == NONE ? ORPHAN_VIP_GONE
				             : !vip_ok   ? ORPHAN_VIP_OLD
				                         : ORPHAN_VIP_DEAD;
				TRY(finding_texts(f, out));
			}
			for (size_t ei = 0; ei < s->n_eps; ei++) {
				const struct sw_netep *e = &s->eps[ei];
				const char *dot = strrchr(e->name, '.');
				size_t ti = dot != NULL ? hmap_get(r->task_by_id, dot + 1) : NONE;
				const struct sw_task *t = ti != NONE ? &v->tasks[ti] : NULL;
				struct finding *f;
				const char *where;
				if (t != NULL && (t->state == SW_ST_RUNNING || model_task_live(t) ||
				                  young(r, task_changed_ms(t))))
					continue;
				if (t == NULL && svc != NONE && young(r, r->last_change[svc]))
					continue;
				NN(f = finding_add(out, FK_ORPHAN_ENDPOINT));
				f->service = s->name;
				f->network = n->name;
				f->node = node_name(r);
				f->endpoint = e->name;
				f->ip = e->ip;
				f->has_ip = true;
				TRY(finding_set_key(f, out, "%s/%s/%s", n->name, s->name, e->name));
				f->variant = t == NULL ? ORPHAN_TASK_UNKNOWN : ORPHAN_TASK_DEAD;
				if (t != NULL)
					TRY(finding_add_evidence(
					    f, out, "task %s: state %s, desired %s", t->id,
					    model_sw_state_name(t->state),
					    model_sw_state_name(t->desired)));
				where = endpoint_node(r, t, e);
				if (strcmp(where, f->node) != 0)
					TRY(finding_add_evidence(
					    f, out, "the endpoint belongs to node %s (%s)", where,
					    t != NULL ? "its task's node" : "its Host IP"));
				f->words[0] = where;
				TRY(finding_texts(f, out));
			}
		}
	}
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

static int judge_replicas(struct recon *r, struct finding_list *out)
{
	const struct sw_view *v = r->sw;

	for (size_t i = 0; i < v->n_services; i++) {
		const struct sw_service *s = &v->services[i];
		long desired = s->mode == SW_MODE_REPLICATED ? (long)s->replicas
		               : s->mode == SW_MODE_GLOBAL   ? (long)s->desired_tasks
		                                             : -1;
		/* a rolling update is a mismatch for a while: grace excuses that, not failures */
		bool drift =
		    desired >= 0 && r->running[i] != desired && !young(r, r->last_change[i]);
		struct finding *f;

		if (!drift && r->failed_recent[i] == 0)
			continue;
		NN(f = finding_add(out, FK_REPLICA_DRIFT));
		f->service = s->name;
		f->node = node_name(r);
		f->desired = desired;
		f->running = r->running[i];
		f->failed_recent = r->failed_recent[i];
		TRY(finding_set_key(f, out, "%s", s->name));
		f->variant = drift ? DRIFT_REPLICAS : DRIFT_FAILURES;
		NN(f->words[0] = finding_printf(out, "%ld", r->cfg->policy.history_seconds));
		TRY(finding_texts(f, out));
		if (drift && r->failed_recent[i] > 0)
			TRY(finding_add_evidence(
			    f, out, "%ld task%s failed in the last %lds", r->failed_recent[i],
			    r->failed_recent[i] == 1 ? "" : "s", r->cfg->policy.history_seconds));
		TRY(finding_add_evidence(f, out, "%ld live (running and desired running)",
		                         r->live[i]));
	}
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

static int judge_unregistered(struct recon *r, struct finding_list *out)
{
	const struct cfg_strlist *want = &r->cfg->names.expect_registered;

	for (size_t i = 0; i < want->n; i++) {
		size_t svc = hmap_get(r->svc_by_name, want->v[i]);
		struct finding *f;
		if (svc == NONE || r->live[svc] == 0 || r->svc_has_app[svc])
			continue;
		NN(f = finding_add(out, FK_UNREGISTERED_SERVICE));
		f->service = r->sw->services[svc].name;
		f->node = node_name(r);
		TRY(finding_set_key(f, out, "%s", f->service));
		NN(f->words[0] = finding_printf(out, "%ld", r->live[svc]));
		TRY(finding_texts(f, out));
	}
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

static int judge_hostnames(struct recon *r, const struct dns_view *dns, struct hmap *ans,
                           struct finding_list *out)
{
	const struct eu_registry *g = r->reg;

	for (size_t ai = 0; ai < g->n_apps; ai++) {
		size_t svc = r->app_svc[ai];
		for (size_t ii = g->apps[ai].first; ii < g->apps[ai].first + g->apps[ai].count;
		     ii++) {
			const struct eu_instance *in = &g->inst[ii];
			size_t k;
			const struct dns_answer *a;
			bool ok = false;
			struct finding *f;
			if (in->hostname[0] == '\0' || in->hostname_is_ip || !in->ip_valid ||
			    is_foreign(r, ii))
				continue;
			k = hmap_get(ans, in->hostname);
			if (k == NONE)
				continue;
			a = &dns->ans[k];
			if (a->rc != DNS_RC_OK || a->n_ips == 0)
				continue;
			for (size_t j = 0; j < a->n_ips && !ok; j++) {
				if (a->ips[j] == in->ip)
					ok = true;
				for (size_t vi = 0; svc != NONE && vi < r->sw->services[svc].n_vips;
				     vi++)
					if (r->sw->services[svc].vips[vi].ip == a->ips[j])
						ok = true;
			}
			if (ok)
				continue;
			NN(f = instance_finding(r, out, FK_HOSTNAME_MISMATCH, in, svc));
			f->name = in->hostname;
			NN(f->resolved_ips =
			       pool_memdup(out->pool, a->ips, a->n_ips * sizeof(ip4_t)));
			f->n_resolved = a->n_ips;
			TRY(finding_texts(f, out));
		}
	}
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

static int judge_probes(struct recon *r, const enum probe_rc *probes, struct finding_list *out)
{
	for (size_t i = 0; i < r->reg->n_inst; i++) {
		const struct eu_instance *in = &r->reg->inst[i];
		struct finding *f;
		if (probes[i] != PROBE_REFUSED && probes[i] != PROBE_TIMEOUT &&
		    probes[i] != PROBE_ERROR)
			continue;
		NN(f = instance_finding(r, out, FK_UNREACHABLE_INSTANCE, in,
		                        recon_service_of_app(r, in->app)));
		f->words[0] = probes[i] == PROBE_REFUSED   ? "is refused"
		              : probes[i] == PROBE_TIMEOUT ? "timed out"
		                                           : "failed";
		TRY(finding_texts(f, out));
	}
	return ESRA_OK;
nomem:
	return ESRA_ENOMEM;
}

static struct hmap *answer_index(const struct dns_view *dns)
{
	struct hmap *m = hmap_new(dns != NULL ? dns->n : 1, true);

	if (m == NULL || dns == NULL)
		return m;
	for (size_t i = 0; i < dns->n; i++)
		if (dns->ans[i].name != NULL && hmap_put(m, dns->ans[i].name, i) != 0) {
			hmap_free(m);
			return NULL;
		}
	return m;
}

int recon_judge(struct recon *r, const struct dns_view *dns, const enum probe_rc *probes,
                struct finding_list *out, struct esra_err *err)
{
	struct hmap *ans = answer_index(dns);
	int rc = ESRA_OK;

	if (ans == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "reconcile: out of memory");
	if (dns != NULL && (rc = judge_names(r, dns, ans, out)) != 0)
		goto out;
	if (r->manager && r->reg != NULL && !r->scope_bad && (rc = judge_instances(r, out)) != 0)
		goto out;
	if (r->manager && (rc = judge_orphans(r, out)) != 0)
		goto out;
	if (r->manager && (rc = judge_replicas(r, out)) != 0)
		goto out;
	if (r->manager && r->reg != NULL && (rc = judge_unregistered(r, out)) != 0)
		goto out;
	if (dns != NULL && r->reg != NULL && r->sw != NULL &&
	    (rc = judge_hostnames(r, dns, ans, out)) != 0)
		goto out;
	if (probes != NULL && r->reg != NULL && (rc = judge_probes(r, probes, out)) != 0)
		goto out;
out:
	hmap_free(ans);
	if (rc != 0)
		return esra_err_set(err, rc, "reconcile: %s", esra_strerror(rc));
	return ESRA_OK;
}

/* ---------------------------------------------------------------- names */

bool recon_name_taken_locally(const struct recon *r, const char *name, const char **by)
{
	size_t i;
	struct recon *m = (struct recon *)r; /* only the pool is written, for *by */
	const char *dummy;

	if (by == NULL)
		by = &dummy;
	*by = NULL;
	if (r->sw != NULL) {
		if ((i = hmap_get(r->svc_by_name, name)) != NONE) {
			*by = fmt(m, "service %s", r->sw->services[i].name);
			return true;
		}
		if ((i = hmap_get(r->cont_by_name, name)) != NONE) {
			*by = fmt(m, "container %s", r->sw->containers[i].name);
			return true;
		}
		if ((i = hmap_get(r->aliases, name)) != NONE) {
			*by = fmt(m, "an alias of %s %s", (i & 1) ? "container" : "service",
			          (i & 1) ? r->sw->containers[i >> 1].name
			                  : r->sw->services[i >> 1].name);
			return true;
		}
		if ((i = hmap_get(r->netsvc_names, name)) != NONE) { /* this node's view */
			*by = fmt(m, "service %s in this node's view of network %s", name,
			          r->sw->nets[i].name);
			return true;
		}
	}
	if (r->reg != NULL) {
		if ((i = hmap_get(r->eu_apps, name)) != NONE) {
			*by = fmt(m, "Eureka app %s", r->reg->apps[i].name);
			return true;
		}
		if ((i = hmap_get(r->eu_hosts, name)) != NONE) {
			*by = fmt(m, "the hostName of Eureka instance %s/%s", r->reg->inst[i].app,
			          model_inst_id(&r->reg->inst[i]));
			return true;
		}
	}
	return false;
}

/* No swarm record: a definite empty answer, or silence from upstream while alive. */
static bool no_record(const struct dns_answer *a, bool alive)
{
	if (a == NULL)
		return false;
	if (a->rc == DNS_RC_NXDOMAIN || a->rc == DNS_RC_NODATA ||
	    (a->rc == DNS_RC_OK && a->n_ips == 0))
		return true;
	return alive && (a->rc == DNS_RC_TIMEOUT || a->rc == DNS_RC_SERVFAIL);
}

/* A verdict can be given on a: a real answer, or silence meaning "no swarm record". */
static bool judgeable(const struct dns_answer *a, bool alive)
{
	return a != NULL && (model_dns_rc_definite(a->rc) || no_record(a, alive));
}

bool recon_name_free_in_dns(const struct dns_view *dns, const char *name, bool alive)
{
	char tn[ESRA_MAX_STRING];

	snprintf(tn, sizeof(tn), "tasks.%s", name);
	return no_record(model_dns_find(dns, name), alive) &&
	       no_record(model_dns_find(dns, tn), alive);
}

const char *recon_canary(const struct recon *r)
{
	for (size_t i = 0; i < r->n_checks; i++)
		if (!r->checks[i].tasks && !r->checks[i].dnsrr && r->checks[i].n_exp > 0)
			return r->checks[i].name;
	for (size_t i = 0; i < r->n_checks; i++)
		if (r->checks[i].n_exp > 0)
			return r->checks[i].name;
	return NULL;
}

bool recon_name_expected(const struct recon *r, const char *name)
{
	size_t i = hmap_get(r->check_by_name, name);

	/* a worker's tasks.<name> comes from its network view, which also lists endpoints of
	 * tasks that are no longer live: swarm need not answer those */
	return i != NONE && r->checks[i].n_exp > 0 && (r->manager || !r->checks[i].tasks);
}

bool recon_resolver_alive(const struct dns_view *dns, const char *canary)
{
	const struct dns_answer *a = canary != NULL ? model_dns_find(dns, canary) : NULL;

	return a != NULL && a->rc == DNS_RC_OK && a->n_ips > 0;
}

const char *recon_name_state_name(enum recon_name_state s)
{
	switch (s) {
	case NAME_FREE:
		return "free";
	case NAME_CLEAN:
		return "clean";
	case NAME_TAKEN:
		return "taken";
	case NAME_POISONED:
		return "poisoned";
	case NAME_UNKNOWN:
		break;
	}
	return "unknown";
}

int recon_preflight(struct recon *r, const struct dns_view *dns, const char *name, bool alive,
                    struct finding_list *out, enum recon_name_state *state, struct esra_err *err)
{
	const struct dns_answer *a = model_dns_find(dns, name);
	char tn[ESRA_MAX_STRING];
	const struct dns_answer *ta;
	const char *by = NULL;
	size_t ci = hmap_get(r->check_by_name, name);
	struct finding *f = NULL;
	bool taken;

	snprintf(tn, sizeof(tn), "tasks.%s", name);
	ta = model_dns_find(dns, tn);
	*state = NAME_UNKNOWN;
	if (!judgeable(a, alive) || !judgeable(ta, alive))
		return ESRA_OK;
	taken = recon_name_taken_locally(r, name, &by);
	if (ci != NONE && r->checks[ci].svc != NONE &&
	    esra_strcasecmp(r->checks[ci].svc_name, name) == 0) {
		/* the service of that name exists: clean unless its answers hold strangers */
		struct finding *p1 = NULL, *p2 = NULL;
		size_t ti = hmap_get(r->check_by_name, tn);
		if (judge_name(r, &r->checks[ci], a, out, &p1) != 0 ||
		    (ti != NONE && judge_name(r, &r->checks[ti], ta, out, &p2) != 0))
			return esra_err_set(err, ESRA_ENOMEM, "preflight: out of memory");
		*state = (p1 != NULL || p2 != NULL) ? NAME_POISONED : NAME_CLEAN;
		return ESRA_OK;
	}
	if (!taken && no_record(a, alive) && no_record(ta, alive)) {
		*state = NAME_FREE;
		return ESRA_OK;
	}
	/* answers with no such service: poisoned when nothing live holds an address */
	{
		struct stale_acc sa = {0};
		bool nothing_live, any;
		const struct dns_answer *both[2] = {a, ta};
		for (int k = 0; k < 2; k++) {
			for (size_t i = 0; both[k]->rc == DNS_RC_OK && i < both[k]->n_ips; i++) {
				struct ownership o;
				classify(r, both[k]->ips[i], NONE, NULL, &o);
				if (stale_add(out, &sa, a->n_ips + ta->n_ips, both[k]->ips[i],
				              &o) != 0)
					goto nomem;
			}
		}
		nothing_live = sa.nothing_live;
		any = sa.n > 0;
		*state = nothing_live ? NAME_POISONED : NAME_TAKEN;
		NN(f = finding_add(out, nothing_live ? FK_POISONED_NAME : FK_NAME_TAKEN));
		f->name = finding_strdup(out, name);
		f->node = node_name(r);
		if (a->rc == DNS_RC_OK && a->n_ips > 0) {
			NN(f->resolved_ips =
			       pool_memdup(out->pool, a->ips, a->n_ips * sizeof(ip4_t)));
			f->n_resolved = a->n_ips;
		}
		TRY(finding_set_key(f, out, "%s", name));
		f->variant = nothing_live ? POISONED_PREFLIGHT
		             : any        ? (by != NULL ? TAKEN_BY_DNS_AND_OBJECT : TAKEN_BY_DNS)
		                          : TAKEN_BY_OBJECT;
		f->words[0] = by != NULL ? by : "in use";
		TRY(stale_attach(f, out, &sa));
		if (by != NULL)
			TRY(finding_add_evidence(f, out, "the name is %s", by));
		TRY(finding_texts(f, out));
	}
	return ESRA_OK;
nomem:
	return esra_err_set(err, ESRA_ENOMEM, "preflight: out of memory");
}

/* ---------------------------------------------------------------- peers */

int recon_peer_divergence(struct recon *r, const struct eu_registry *const *regs,
                          const char *const *names, size_t n, struct finding_list *out,
                          struct esra_err *err)
{
	struct hmap *seen = NULL;
	uint32_t *mask = NULL;
	const char **keys = NULL;
	const struct eu_instance **first = NULL;
	size_t total = 0, k = 0, readable = 0;
	uint32_t all = 0;
	int rc = ESRA_OK;

	if (n > 32)
		n = 32;
	for (size_t p = 0; p < n; p++)
		if (regs[p] != NULL) {
			total += regs[p]->n_inst;
			all |= 1u << p;
			readable++;
		}
	if (readable < 2)
		return ESRA_OK;
	seen = hmap_new(total, false);
	mask = calloc(total + 1, sizeof(*mask));
	keys = calloc(total + 1, sizeof(*keys));
	first = calloc(total + 1, sizeof(*first));
	if (seen == NULL || mask == NULL || keys == NULL || first == NULL)
		goto nomem;
	for (size_t p = 0; p < n; p++) {
		for (size_t i = 0; regs[p] != NULL && i < regs[p]->n_inst; i++) {
			const struct eu_instance *in = &regs[p]->inst[i];
			char key[ESRA_MAX_STRING];
			size_t j;
			snprintf(key, sizeof(key), "%s/%s", in->app, model_inst_id(in));
			for (char *c = key; *c != '/' && *c;
			     c++) /* apps compare case-insensitively */
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 32);
			j = hmap_get(seen, key);
			if (j == NONE) {
				j = k++;
				NN(keys[j] = pool_strdup(r->pool, key));
				first[j] = in;
				if (hmap_put(seen, keys[j], j) != 0)
					goto nomem;
			}
			mask[j] |= 1u << p;
		}
	}
	for (size_t j = 0; j < k; j++) {
		struct finding *f;
		const char **nodes;
		size_t nn = 0;
		char have[512] = "", lack[512] = "";
		if (mask[j] == all)
			continue;
		NN(f = instance_finding(r, out, FK_REGISTRY_DIVERGENCE, first[j],
		                        recon_service_of_app(r, first[j]->app)));
		NN(nodes = pool_alloc(out->pool, n * sizeof(*nodes)));
		for (size_t p = 0; p < n; p++) {
			char *dst = (mask[j] & (1u << p)) ? have : lack;
			if (regs[p] == NULL)
				continue;
			if (mask[j] & (1u << p))
				NN(nodes[nn++] = finding_strdup(out, names[p]));
			snprintf(dst + strlen(dst), 512 - strlen(dst), "%s%s", dst[0] ? ", " : "",
			         names[p]);
		}
		f->nodes = nodes;
		f->n_nodes = nn;
		NN(f->words[0] = finding_strdup(out, have));
		NN(f->words[1] = finding_strdup(out, lack));
		TRY(finding_texts(f, out));
	}
	goto out;
nomem:
	rc = esra_err_set(err, ESRA_ENOMEM, "reconcile: out of memory");
out:
	hmap_free(seen);
	free(mask);
	free(keys);
	free(first);
	return rc;
}

void recon_filter_services(const struct recon *r, struct finding_list *l,
                           const char *const *services, size_t n)
{
	size_t w = 0;

	if (n == 0)
		return;
	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->v[i];
		bool keep = f->kind == FK_SOURCE_ERROR;
		for (size_t k = 0; k < n && !keep; k++) {
			const char *s = services[k];
			const char *base = f->name;
			size_t svc;
			if (base != NULL && strncmp(base, "tasks.", 6) == 0)
				base += 6;
			if ((f->service && esra_strcasecmp(f->service, s) == 0) ||
			    (base && esra_strcasecmp(base, s) == 0) ||
			    (f->app && esra_strcasecmp(f->app, s) == 0))
				keep = true;
			else if (f->app && r != NULL && r->sw != NULL &&
			         (svc = recon_service_of_app(r, f->app)) != MODEL_NONE &&
			         esra_strcasecmp(r->sw->services[svc].name, s) == 0)
				keep = true;
		}
		if (keep)
			l->v[w++] = *f;
	}
	l->n = w;
}
