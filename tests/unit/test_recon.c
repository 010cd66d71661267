/* test_recon.c: reconcile on hand-built models: every finding kind, and the negatives
 * (rolling updates in grace, dnsrr, a service on two networks, names.map, a worker view). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "finding.h"
#include "propose.h"
#include "recon.h"
#include "testutil.h"

#define NOW    1800000000000LL /* a fixed "now" in ms */
#define AGO(s) (NOW - (int64_t)(s)*1000)

static ip4_t ip(const char *s)
{
	ip4_t v;

	assert_int_equal(ip4_parse(s, (size_t)-1, &v, NULL), 0);
	return v;
}

/* ---------------------------------------------------------------- model builders */

static struct sw_view *sw_manager(void)
{
	struct sw_view *v = model_sw_new();
	struct sw_node *n;

	assert_non_null(v);
	v->self.id = "node1id";
	v->self.hostname = "node1";
	v->self.manager = v->self.leader = v->self.swarm_active = true;
	n = model_sw_add_node(v);
	n->id = "node1id";
	n->hostname = "node1";
	n->leader = true;
	return v;
}

/* A network with an IPAM subnet: scope "swarm" for overlays, "local" for bridges. */
static struct sw_network *add_net_subnet(struct sw_view *v, const char *id, const char *name,
                                         const char *scope, const char *subnet, int prefix)
{
	struct sw_network *n = model_sw_add_network(v);

	n->id = id;
	n->name = name;
	n->scope = scope;
	n->driver = strcmp(scope, "swarm") == 0 ? "overlay" : "bridge";
	n->has_subnet = true;
	n->subnet = ip(subnet);
	n->prefix = prefix;
	return n;
}

/* An overlay: ingress is 10.255.0.0/16, the others 10.0.0.0/16. */
static void add_net(struct sw_view *v, const char *id, const char *name, bool ingress)
{
	add_net_subnet(v, id, name, "swarm", ingress ? "10.255.0.0" : "10.0.0.0", 16)->ingress =
	    ingress;
}

static void add_svc(struct sw_view *v, const char *id, const char *name, long replicas, bool dnsrr,
                    const char *net1, const char *vip1, const char *net2, const char *vip2)
{
	struct sw_service *s = model_sw_add_service(v);

	s->id = id;
	s->name = name;
	s->mode = SW_MODE_REPLICATED;
	s->replicas = replicas;
	s->dnsrr = dnsrr;
	s->created_ms = s->updated_ms = AGO(86400);
	s->vips = pool_alloc(v->pool, 2 * sizeof(*s->vips));
	if (vip1 != NULL) {
		s->vips[s->n_vips].net_id = net1;
		s->vips[s->n_vips++].ip = ip(vip1);
	}
	if (vip2 != NULL) {
		s->vips[s->n_vips].net_id = net2;
		s->vips[s->n_vips++].ip = ip(vip2);
	}
}

static void add_alias(struct sw_view *v, const char *svc_id, const char *net, const char *alias)
{
	for (size_t i = 0; i < v->n_services; i++) {
		struct sw_service *s = &v->services[i];
		if (strcmp(s->id, svc_id) != 0)
			continue;
		s->aliases = pool_alloc(v->pool, sizeof(*s->aliases));
		s->aliases[0].net_id = net;
		s->aliases[0].alias = alias;
		s->n_aliases = 1;
	}
}

static void add_task(struct sw_view *v, const char *id, const char *svc_id, long slot,
                     enum sw_state state, enum sw_state desired, const char *net, const char *addr,
                     int64_t changed_ms, const char *container)
{
	struct sw_task *t = model_sw_add_task(v);

	t->id = id;
	t->service_id = svc_id;
	t->slot = slot;
	t->node_id = "node1id";
	t->state = state;
	t->desired = desired;
	t->created_ms = t->updated_ms = t->status_ms = changed_ms;
	t->container_id = container;
	if (addr != NULL) {
		t->addrs = pool_alloc(v->pool, sizeof(*t->addrs));
		t->addrs[0].net_id = net;
		t->addrs[0].ip = ip(addr);
		t->addrs[0].prefix = 24;
		t->n_addrs = 1;
	}
}

static void add_container(struct sw_view *v, const char *id, const char *name, const char *net,
                          const char *addr, const char *alias)
{
	struct sw_container *c = model_sw_add_container(v);

	c->id = id;
	c->name = name;
	c->state = "running";
	c->nets = pool_alloc(v->pool, sizeof(*c->nets));
	c->nets[0].net_id = net;
	c->nets[0].net_name = net;
	c->nets[0].ip = ip(addr);
	c->nets[0].has_ip = true;
	if (alias != NULL) {
		c->nets[0].aliases = pool_alloc(v->pool, sizeof(char *));
		c->nets[0].aliases[0] = alias;
		c->nets[0].n_aliases = 1;
	}
	c->n_nets = 1;
}

/* This node's verbose view of a network: one service entry with a VIP and endpoints. */
static void add_netview(struct sw_view *v, size_t net, const char *svc, const char *vip,
                        const char *ep_name, const char *ep_ip)
{
	struct sw_network *n = &v->nets[net];
	struct sw_netsvc *old = n->svcs, *s;

	n->svcs = pool_alloc(v->pool, (n->n_svcs + 1) * sizeof(*n->svcs));
	if (n->n_svcs)
		memcpy(n->svcs, old, n->n_svcs * sizeof(*old));
	s = &n->svcs[n->n_svcs++];
	s->name = svc;
	if (vip != NULL) {
		s->has_vip = true;
		s->vip = ip(vip);
	}
	if (ep_name != NULL) {
		s->eps = pool_alloc(v->pool, sizeof(*s->eps));
		s->eps[0].name = ep_name;
		s->eps[0].ip = ip(ep_ip);
		s->n_eps = 1;
	}
	n->verbose_read = true;
}

static void link_sw(struct sw_view *v)
{
	struct esra_err err;

	assert_int_equal(model_sw_link(v, &err), ESRA_OK);
}

static struct eu_instance *add_inst(struct eu_registry *r, const char *app, const char *id,
                                    const char *addr, int port, int64_t registered, int64_t renewed)
{
	struct eu_instance *in = model_reg_add(r);

	assert_non_null(in);
	in->app = app;
	in->instance_id = id;
	in->hostname = addr;
	in->ip_str = addr;
	in->ip_valid = ip4_parse(addr, (size_t)-1, &in->ip, NULL) == 0;
	in->hostname_is_ip = in->ip_valid;
	in->port = port;
	in->status = EU_UP;
	in->registration_ms = registered;
	in->last_renewal_ms = renewed;
	return in;
}

/* A DNS view; answers are given as "name=ip,ip" or "name=NXDOMAIN". */
static struct dns_view *dns_of(const char *const *answers, size_t n)
{
	struct dns_view *d = model_dns_new(n);

	assert_non_null(d);
	d->server = "127.0.0.11:53";
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(answers[i], '=');
		struct dns_answer *a = &d->ans[i];
		char list[256], *save = NULL;
		assert_non_null(eq);
		a->name = pool_strndup(d->pool, answers[i], (size_t)(eq - answers[i]));
		if (strcmp(eq + 1, "NXDOMAIN") == 0) {
			a->rc = DNS_RC_NXDOMAIN;
			continue;
		}
		if (strcmp(eq + 1, "TIMEOUT") == 0) {
			a->rc = DNS_RC_TIMEOUT;
			continue;
		}
		a->rc = DNS_RC_OK;
		a->ips = pool_alloc(d->pool, 16 * sizeof(ip4_t));
		snprintf(list, sizeof(list), "%s", eq + 1);
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
			a->ips[a->n_ips++] = ip(t);
		a->ttl = 600;
	}
	return d;
}

struct world {
	struct esra_config cfg;
	struct sw_view *sw;
	struct eu_registry *reg;
	struct dns_view *dns;
	struct recon *r;
	struct finding_list out;
};

static void cfg_init(struct world *w, const char *text)
{
	struct esra_err err;
	const char *env[] = {NULL};

	memset(w, 0, sizeof(*w));
	assert_int_equal(cfg_load_string(&w->cfg, text ? text : "", "test", env, NULL, &err),
	                 ESRA_OK);
	assert_int_equal(finding_list_init(&w->out), ESRA_OK);
}

static void judge(struct world *w, const enum probe_rc *probes)
{
	struct recon_input in = {&w->cfg, w->reg, w->sw, NOW};
	struct esra_err err;

	if (w->reg != NULL)
		assert_int_equal(model_reg_finish(w->reg, &err), ESRA_OK);
	w->r = recon_new(&in, &err);
	assert_non_null(w->r);
	assert_int_equal(recon_judge(w->r, w->dns, probes, &w->out, &err), ESRA_OK);
}

static void world_free(struct world *w)
{
	recon_free(w->r);
	model_sw_free(w->sw);
	model_reg_free(w->reg);
	model_dns_free(w->dns);
	finding_list_free(&w->out);
	cfg_free(&w->cfg);
}

static const struct finding *find(const struct world *w, enum fkind k, const char *subject)
{
	for (size_t i = 0; i < w->out.n; i++) {
		const struct finding *f = &w->out.v[i];
		if (f->kind != k)
			continue;
		if (subject == NULL || (f->name && strcmp(f->name, subject) == 0) ||
		    (f->service && strcmp(f->service, subject) == 0) ||
		    (f->instance_id && strcmp(f->instance_id, subject) == 0))
			return f;
	}
	return NULL;
}

/* The orphan_endpoint finding about network endpoint ep (a task's "svc.slot.id"). */
static const struct finding *find_endpoint(const struct world *w, const char *ep)
{
	for (size_t i = 0; i < w->out.n; i++) {
		const struct finding *f = &w->out.v[i];
		if (f->kind == FK_ORPHAN_ENDPOINT && f->endpoint != NULL &&
		    strcmp(f->endpoint, ep) == 0)
			return f;
	}
	return NULL;
}

/* The incident: gbs-cms (VIP .2, tasks .4 .16) and ghost (VIP .7, alias gbs-cms, scaled to
 * 0, its task still running with desired state remove). */
static void incident(struct world *w)
{
	w->sw = sw_manager();
	add_net(w->sw, "net1", "gbsnet", false);
	add_net(w->sw, "ing", "ingress", true);
	add_svc(w->sw, "s1", "gbs-cms", 2, false, "net1", "10.0.1.2", NULL, NULL);
	add_svc(w->sw, "s3", "ghost", 0, false, "net1", "10.0.1.7", NULL, NULL);
	add_alias(w->sw, "s3", "net1", "gbs-cms");
	add_task(w->sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(3600),
	         "aaaaaaaaaaaa1111");
	add_task(w->sw, "t2", "s1", 2, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.16", AGO(3600),
	         "bbbbbbbbbbbb2222");
	add_task(w->sw, "t9", "s3", 1, SW_ST_RUNNING, SW_ST_REMOVE, "net1", "10.0.1.18", AGO(1800),
	         "3e6869c81533ffff");
	add_netview(w->sw, 0, "gbs-cms", "10.0.1.2", "gbs-cms.1.t1", "10.0.1.4");
	add_netview(w->sw, 0, "ghost", "10.0.1.7", "ghost.1.t9", "10.0.1.18");
	link_sw(w->sw);
	{
		static const char *const a[] = {"gbs-cms=10.0.1.2,10.0.1.7",
		                                "tasks.gbs-cms=10.0.1.4,10.0.1.16",
		                                "ghost=10.0.1.7", "tasks.ghost=NXDOMAIN"};
		w->dns = dns_of(a, 4);
	}
}

/* ---------------------------------------------------------------- tests */

static void test_recon_incident_poisoned_name_names_ghost_vip_without_backends(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, NULL);
	incident(&w);
	judge(&w, NULL);
	f = find(&w, FK_POISONED_NAME, "gbs-cms");
	assert_non_null(f);
	assert_int_equal(f->n_stale, 1);
	assert_int_equal(f->stale[0].ip, ip("10.0.1.7"));
	assert_string_equal(f->stale[0].owner, "service:ghost");
	assert_int_equal(f->stale[0].backends, 0);
	assert_int_equal(f->n_expected, 1);
	assert_int_equal(f->expected_ips[0], ip("10.0.1.2"));
	assert_int_equal(f->n_resolved, 2);
	assert_string_equal(f->network, "gbsnet");
	assert_string_equal(f->node, "node1");
	assert_non_null(strstr(f->remedy, "service ghost carries the alias gbs-cms"));
	/* ghost's own name and the task names are fine */
	assert_null(find(&w, FK_POISONED_NAME, "ghost"));
	assert_null(find(&w, FK_POISONED_NAME, "tasks.gbs-cms"));
	/* the crash history shows as drift: 1 running for 0 desired */
	f = find(&w, FK_REPLICA_DRIFT, "ghost");
	assert_non_null(f);
	assert_int_equal(f->desired, 0);
	assert_int_equal(f->running, 1);
	assert_null(find(&w, FK_REPLICA_DRIFT, "gbs-cms"));
	/* ghost's VIP and endpoint are in the network view, but its lingering task still runs
	 * (desired remove, State running): not orphaned */
	assert_null(find(&w, FK_ORPHAN_ENDPOINT, "ghost"));
	assert_null(find(&w, FK_ORPHAN_ENDPOINT, "gbs-cms"));
	world_free(&w);
}

static void test_recon_orphan_endpoint_remedy_names_the_tasks_node(void **state)
{
	struct world w;
	const struct finding *f;
	struct sw_node *n2;

	(void)state;
	cfg_init(&w, NULL);
	incident(&w);
	n2 = model_sw_add_node(w.sw);
	n2->id = "node2id";
	n2->hostname = "node2";
	/* ghost's task on node2 has stopped, yet node1's view still lists its endpoint */
	for (size_t i = 0; i < w.sw->n_tasks; i++)
		if (strcmp(w.sw->tasks[i].id, "t9") == 0) {
			w.sw->tasks[i].state = SW_ST_SHUTDOWN;
			w.sw->tasks[i].node_id = "node2id";
		}
	judge(&w, NULL);
	if ((f = find_endpoint(&w, "ghost.1.t9")) == NULL)
		tu_fail("no orphan_endpoint for ghost.1.t9");
	assert_string_equal(f->node, "node1");
	assert_non_null(strstr(f->remedy, "restart docker on node2"));
	assert_null(strstr(f->remedy, "node1"));
	world_free(&w);
}

static void test_recon_stale_vip_owned_by_nothing_is_the_incident(void **state)
{
	struct world w;
	const struct finding *f;
	static const char *const a[] = {"gbs-cms=10.0.1.2,10.0.1.121", "tasks.gbs-cms=10.0.1.4"};

	(void)state;
	cfg_init(&w, NULL);
	w.sw = sw_manager();
	add_net(w.sw, "net1", "gbsnet", false);
	add_svc(w.sw, "s1", "gbs-cms", 1, false, "net1", "10.0.1.2", NULL, NULL);
	add_task(w.sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(3600),
	         NULL);
	/* the old VIP lingers in this node's network view */
	add_netview(w.sw, 0, "gbs-cms", "10.0.1.121", NULL, NULL);
	link_sw(w.sw);
	w.dns = dns_of(a, 2);
	judge(&w, NULL);
	f = find(&w, FK_POISONED_NAME, "gbs-cms");
	assert_non_null(f);
	assert_null(f->stale[0].owner);
	assert_int_equal(f->stale[0].backends, 0);
	assert_non_null(strstr(f->remedy, "docker system prune"));
	assert_non_null(strstr(f->remedy, "node1"));
	f = find(&w, FK_ORPHAN_ENDPOINT, "gbs-cms");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "not that service's VIP"));
	world_free(&w);
}

static void test_recon_alias_collision_owner_names_the_container(void **state)
{
	struct world w;
	const struct finding *f;
	static const char *const a[] = {"gbs-cms=10.0.1.2,10.0.1.30", "tasks.gbs-cms=10.0.1.4"};

	(void)state;
	cfg_init(&w, NULL);
	w.sw = sw_manager();
	add_net(w.sw, "net1", "gbsnet", false);
	add_svc(w.sw, "s1", "gbs-cms", 1, false, "net1", "10.0.1.2", NULL, NULL);
	add_task(w.sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(3600),
	         NULL);
	add_container(w.sw, "cccccccccccc0000", "intruder", "net1", "10.0.1.30", "gbs-cms");
	link_sw(w.sw);
	w.dns = dns_of(a, 2);
	judge(&w, NULL);
	f = find(&w, FK_POISONED_NAME, "gbs-cms");
	assert_non_null(f);
	assert_string_equal(f->stale[0].owner, "container:intruder");
	assert_int_equal(f->stale[0].backends, 1);
	assert_non_null(strstr(f->remedy, "container intruder carries the alias gbs-cms"));
	world_free(&w);
}

static void test_recon_rolling_update_in_grace_is_not_a_finding(void **state)
{
	struct world w;
	/* dnsrr: the old task (stopped 10 s ago) is still answered */
	static const char *const a[] = {"api=10.0.1.40,10.0.1.41", "tasks.api=10.0.1.40,10.0.1.41"};

	(void)state;
	cfg_init(&w, NULL);
	w.sw = sw_manager();
	add_net(w.sw, "net1", "gbsnet", false);
	add_svc(w.sw, "s1", "api", 1, true, NULL, NULL, NULL, NULL);
	add_task(w.sw, "new", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.41", AGO(20),
	         NULL);
	add_task(w.sw, "old", "s1", 1, SW_ST_SHUTDOWN, SW_ST_SHUTDOWN, "net1", "10.0.1.40", AGO(10),
	         NULL);
	link_sw(w.sw);
	w.dns = dns_of(a, 2);
	w.reg = model_reg_new();
	/* the old instance is still registered, its task stopped 10 s ago */
	add_inst(w.reg, "API", "old:api:8080", "10.0.1.40", 8080, AGO(3600), AGO(100));
	judge(&w, NULL);
	assert_int_equal(w.out.n, 0);
	world_free(&w);
}

static void test_recon_dnsrr_expects_task_ips_and_flags_strangers(void **state)
{
	struct world w;
	const struct finding *f;
	static const char *const ok[] = {"api=10.0.1.41,10.0.1.42",
	                                 "tasks.api=10.0.1.41,10.0.1.42"};
	static const char *const bad[] = {"api=10.0.1.41,10.0.1.42,10.0.1.99",
	                                  "tasks.api=10.0.1.41,10.0.1.42"};

	(void)state;
	for (int round = 0; round < 2; round++) {
		cfg_init(&w, NULL);
		w.sw = sw_manager();
		add_net(w.sw, "net1", "gbsnet", false);
		add_svc(w.sw, "s1", "api", 2, true, NULL, NULL, NULL, NULL);
		add_task(w.sw, "a", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.41",
		         AGO(600), NULL);
		add_task(w.sw, "b", "s1", 2, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.42",
		         AGO(600), NULL);
		link_sw(w.sw);
		w.dns = dns_of(round == 0 ? ok : bad, 2);
		judge(&w, NULL);
		f = find(&w, FK_POISONED_NAME, "api");
		if (round == 0) {
			assert_null(f);
		} else {
			assert_non_null(f);
			assert_int_equal(f->n_expected, 2);
			assert_int_equal(f->stale[0].ip, ip("10.0.1.99"));
			assert_null(f->stale[0].owner);
			assert_non_null(strstr(f->message, "besides its tasks"));
		}
		world_free(&w);
	}
}

static void test_recon_service_on_two_networks_is_clean(void **state)
{
	struct world w;
	static const char *const a[] = {"web=10.0.1.5,10.0.2.5", "tasks.web=10.0.1.6,10.0.2.6"};
	struct sw_task *t;

	(void)state;
	cfg_init(&w, NULL);
	w.sw = sw_manager();
	add_net(w.sw, "n1", "front", false);
	add_net(w.sw, "n2", "back", false);
	add_svc(w.sw, "s1", "web", 1, false, "n1", "10.0.1.5", "n2", "10.0.2.5");
	add_task(w.sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "n1", "10.0.1.6", AGO(600),
	         NULL);
	t = &w.sw->tasks[0];
	{
		struct sw_addr *two = pool_alloc(w.sw->pool, 2 * sizeof(*two));
		two[0] = t->addrs[0];
		two[1].net_id = "n2";
		two[1].ip = ip("10.0.2.6");
		t->addrs = two;
		t->n_addrs = 2;
	}
	link_sw(w.sw);
	w.dns = dns_of(a, 2);
	judge(&w, NULL);
	assert_int_equal(w.out.n, 0);
	world_free(&w);
}

static void test_recon_stale_instance_deregister_or_flag_by_lease(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, NULL);
	incident(&w);
	w.reg = model_reg_new();
	/* live: backed by task t1 */
	add_inst(w.reg, "GBS-CMS", "aaaaaaaaaaaa:gbs-cms:8080", "10.0.1.4", 8080, AGO(3600),
	         AGO(5));
	/* dead and no longer renewed: deregister */
	add_inst(w.reg, "GBS-CMS", "10.0.1.200:gbs-cms:8080", "10.0.1.200", 8080, AGO(7200),
	         AGO(600));
	/* no task but still heartbeating: flag */
	add_inst(w.reg, "GBS-CMS", "zombie:gbs-cms:8080", "10.0.1.201", 8080, AGO(7200), AGO(10));
	/* registered 30 s ago: inside grace, not judged */
	add_inst(w.reg, "GBS-CMS", "fresh:gbs-cms:8080", "10.0.1.202", 8080, AGO(30), AGO(5));
	/* the ghost task's container (not live): stale, and the evidence says which task */
	add_inst(w.reg, "GBS-CMS", "3e6869c81533:gbs-cms:8080", "10.0.1.18", 8080, AGO(7200),
	         AGO(900));
	judge(&w, NULL);
	assert_null(find(&w, FK_STALE_INSTANCE, "aaaaaaaaaaaa:gbs-cms:8080"));
	assert_null(find(&w, FK_STALE_INSTANCE, "fresh:gbs-cms:8080"));
	f = find(&w, FK_STALE_INSTANCE, "10.0.1.200:gbs-cms:8080");
	assert_non_null(f);
	assert_string_equal(f->suggested_action, "deregister");
	assert_null(f->not_ours);
	assert_string_equal(f->service, "gbs-cms");
	assert_int_equal(f->ip, ip("10.0.1.200"));
	assert_int_equal(f->port, 8080);
	f = find(&w, FK_STALE_INSTANCE, "zombie:gbs-cms:8080");
	assert_non_null(f);
	assert_string_equal(f->suggested_action, "flag");
	f = find(&w, FK_STALE_INSTANCE, "3e6869c81533:gbs-cms:8080");
	assert_non_null(f);
	{
		bool seen = false;
		for (size_t i = 0; i < f->n_evidence; i++)
			if (strstr(f->evidence[i],
			           "container of task ghost.1 (state running, desired "
			           "remove)") != NULL)
				seen = true;
		assert_true(seen);
	}
	world_free(&w);
}

static void test_recon_registration_on_ingress_is_wrong_network(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, NULL);
	w.sw = sw_manager();
	add_net(w.sw, "net1", "gbsnet", false);
	add_net(w.sw, "ing", "ingress", true);
	add_svc(w.sw, "s1", "gbs-cms", 1, false, "net1", "10.0.1.2", NULL, NULL);
	add_task(w.sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(3600),
	         NULL);
	{
		struct sw_task *t = &w.sw->tasks[0];
		struct sw_addr *two = pool_alloc(w.sw->pool, 2 * sizeof(*two));
		two[0] = t->addrs[0];
		two[1].net_id = "ing";
		two[1].ip = ip("10.255.0.9");
		t->addrs = two;
		t->n_addrs = 2;
	}
	link_sw(w.sw);
	w.reg = model_reg_new();
	add_inst(w.reg, "GBS-CMS", "x:gbs-cms:8080", "10.255.0.9", 8080, AGO(3600), AGO(5));
	judge(&w, NULL);
	f = find(&w, FK_WRONG_NETWORK, "x:gbs-cms:8080");
	assert_non_null(f);
	assert_string_equal(f->network, "ingress");
	assert_null(find(&w, FK_STALE_INSTANCE, NULL));
	world_free(&w);
}

static void test_recon_names_map_and_stack_prefix_match_apps(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, "names = { map = ( (\"CMS-BACKEND\", \"gbs-cms\") ); "
	             "expect_registered = [\"gbs-cms\", \"gbs-user\"]; };\n"
	             "swarm = { stack_prefix = \"prod_\"; };\n");
	w.sw = sw_manager();
	add_net(w.sw, "net1", "gbsnet", false);
	add_svc(w.sw, "s1", "prod_gbs-cms", 1, false, "net1", "10.0.1.2", NULL, NULL);
	add_svc(w.sw, "s2", "prod_gbs-user", 1, false, "net1", "10.0.1.5", NULL, NULL);
	add_task(w.sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(3600),
	         NULL);
	add_task(w.sw, "t2", "s2", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.6", AGO(3600),
	         NULL);
	link_sw(w.sw);
	w.reg = model_reg_new();
	add_inst(w.reg, "CMS-BACKEND", "gone:cms:8080", "10.0.1.99", 8080, AGO(3600), AGO(600));
	judge(&w, NULL);
	assert_int_equal(recon_service_of_app(w.r, "cms-backend"), 0);
	assert_int_equal(recon_service_of_app(w.r, "GBS-USER"), 1); /* prefix stripped */
	f = find(&w, FK_STALE_INSTANCE, "gone:cms:8080");
	assert_non_null(f);
	assert_string_equal(f->service, "prod_gbs-cms");
	/* gbs-cms maps from CMS-BACKEND; gbs-user has no app */
	assert_null(find(&w, FK_UNREGISTERED_SERVICE, "prod_gbs-cms"));
	f = find(&w, FK_UNREGISTERED_SERVICE, "prod_gbs-user");
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_INFO);
	world_free(&w);
}

static void test_recon_worker_view_judges_names_from_its_network_view_only(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, NULL);
	w.sw = model_sw_new();
	w.sw->self.id = "node2id";
	w.sw->self.hostname = "node2";
	w.sw->worker_view = true;
	add_net(w.sw, "net1", "gbsnet", false);
	add_netview(w.sw, 0, "gbs-cms", "10.0.1.2", "gbs-cms.1.t1", "10.0.1.4");
	add_netview(w.sw, 0, "ghost", "10.0.1.7", "ghost.1.t9", "10.0.1.18");
	link_sw(w.sw);
	{
		static const char *const a[] = {"gbs-cms=10.0.1.2,10.0.1.7",
		                                "tasks.gbs-cms=10.0.1.4"};
		w.dns = dns_of(a, 2);
	}
	w.reg = model_reg_new();
	add_inst(w.reg, "GBS-CMS", "gone:gbs-cms:8080", "10.0.1.200", 8080, AGO(7200), AGO(600));
	judge(&w, NULL);
	f = find(&w, FK_POISONED_NAME, "gbs-cms");
	assert_non_null(f);
	assert_string_equal(f->stale[0].owner, "service:ghost");
	assert_int_equal(f->stale[0].backends, -1); /* a worker cannot count tasks */
	assert_string_equal(f->node, "node2");
	/* what needs /tasks is not judged on a worker */
	assert_null(find(&w, FK_STALE_INSTANCE, NULL));
	assert_null(find(&w, FK_REPLICA_DRIFT, NULL));
	assert_null(find(&w, FK_ORPHAN_ENDPOINT, NULL));
	world_free(&w);
}

static void test_recon_hostname_mismatch_and_unreachable(void **state)
{
	struct world w;
	static const char *const a[] = {"gbs-cms=10.0.1.2", "tasks.gbs-cms=10.0.1.4",
	                                "cms-host=10.0.1.99"};
	enum probe_rc probes[2];
	struct eu_instance *in;
	const struct finding *f;

	(void)state;
	cfg_init(&w, NULL);
	w.sw = sw_manager();
	add_net(w.sw, "net1", "gbsnet", false);
	add_svc(w.sw, "s1", "gbs-cms", 1, false, "net1", "10.0.1.2", NULL, NULL);
	add_task(w.sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(3600),
	         NULL);
	link_sw(w.sw);
	w.dns = dns_of(a, 3);
	w.reg = model_reg_new();
	in = add_inst(w.reg, "GBS-CMS", "a:gbs-cms:8080", "10.0.1.4", 8080, AGO(3600), AGO(5));
	in->hostname = "cms-host";
	in->hostname_is_ip = false;
	probes[0] = PROBE_REFUSED;
	judge(&w, probes);
	f = find(&w, FK_HOSTNAME_MISMATCH, "a:gbs-cms:8080");
	assert_non_null(f);
	assert_int_equal(f->resolved_ips[0], ip("10.0.1.99"));
	f = find(&w, FK_UNREACHABLE_INSTANCE, "a:gbs-cms:8080");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "refused"));
	assert_null(find(&w, FK_STALE_INSTANCE, NULL));
	world_free(&w);
}

/* The cycle makes recon of the swarm view alone (to know the names DNS is asked first) and
 * adds the registry when Eureka has answered: the same names and findings as made at once. */
static void test_recon_registry_added_later_judges_the_same(void **state)
{
	static const char *const a[] = {"gbs-cms=10.0.1.2", "tasks.gbs-cms=10.0.1.4",
	                                "cms-host=10.0.1.99"};
	struct world w[2];
	struct esra_err err;

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct recon_input in;
		struct eu_instance *i;
		const char **names = NULL;
		size_t n = 0;
		cfg_init(&w[k], NULL);
		w[k].sw = sw_manager();
		add_net(w[k].sw, "net1", "gbsnet", false);
		add_svc(w[k].sw, "s1", "gbs-cms", 1, false, "net1", "10.0.1.2", NULL, NULL);
		add_task(w[k].sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4",
		         AGO(3600), NULL);
		link_sw(w[k].sw);
		w[k].dns = dns_of(a, 3);
		w[k].reg = model_reg_new();
		i = add_inst(w[k].reg, "GBS-CMS", "a:gbs-cms:8080", "10.0.1.4", 8080, AGO(3600),
		             AGO(5));
		i->hostname = "cms-host";
		i->hostname_is_ip = false;
		add_inst(w[k].reg, "GBS-CMS", "b:gbs-cms:8080", "10.0.1.77", 8080, AGO(3600),
		         AGO(5));
		if (k == 0) {
			judge(&w[k], NULL);
			continue;
		}
		assert_int_equal(model_reg_finish(w[k].reg, &err), ESRA_OK);
		in = (struct recon_input){&w[k].cfg, NULL, w[k].sw, NOW};
		w[k].r = recon_new(&in, &err);
		assert_non_null(w[k].r);
		assert_int_equal(recon_dns_names(w[k].r, &names, &n, &err), ESRA_OK);
		assert_int_equal(n, 2); /* the swarm's names only */
		free(names);
		assert_int_equal(recon_add_registry(w[k].r, w[k].reg, &err), ESRA_OK);
		assert_int_not_equal(recon_add_registry(w[k].r, w[k].reg, &err), ESRA_OK);
		assert_int_equal(recon_dns_names(w[k].r, &names, &n, &err), ESRA_OK);
		assert_int_equal(n, 3);
		assert_string_equal(names[2], "cms-host");
		free(names);
		assert_int_equal(recon_judge(w[k].r, w[k].dns, NULL, &w[k].out, &err), ESRA_OK);
	}
	assert_non_null(find(&w[0], FK_STALE_INSTANCE, "b:gbs-cms:8080"));
	assert_non_null(find(&w[0], FK_HOSTNAME_MISMATCH, "a:gbs-cms:8080"));
	assert_int_equal(w[0].out.n, w[1].out.n);
	for (size_t i = 0; i < w[0].out.n; i++)
		assert_string_equal(w[0].out.v[i].key, w[1].out.v[i].key);
	world_free(&w[0]);
	world_free(&w[1]);
}

static void test_recon_failed_tasks_in_history_are_drift_older_are_not(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, "policy = { history_seconds = 3600; };");
	w.sw = sw_manager();
	add_net(w.sw, "net1", "gbsnet", false);
	add_svc(w.sw, "s1", "a", 1, false, "net1", "10.0.1.2", NULL, NULL);
	add_svc(w.sw, "s2", "b", 1, false, "net1", "10.0.1.3", NULL, NULL);
	add_task(w.sw, "a1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(1000),
	         NULL);
	add_task(w.sw, "a0", "s1", 1, SW_ST_FAILED, SW_ST_SHUTDOWN, "net1", "10.0.1.5", AGO(1200),
	         NULL);
	add_task(w.sw, "b1", "s2", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.6", AGO(9000),
	         NULL);
	add_task(w.sw, "b0", "s2", 1, SW_ST_FAILED, SW_ST_SHUTDOWN, "net1", "10.0.1.7", AGO(9000),
	         NULL);
	link_sw(w.sw);
	judge(&w, NULL);
	f = find(&w, FK_REPLICA_DRIFT, "a");
	assert_non_null(f);
	assert_int_equal(f->failed_recent, 1);
	assert_null(find(&w, FK_REPLICA_DRIFT, "b"));
	world_free(&w);
}

static void test_recon_preflight_free_clean_taken_poisoned(void **state)
{
	struct world w;
	static const char *const a[] = {"gbs-cms=10.0.1.2,10.0.1.7",
	                                "tasks.gbs-cms=10.0.1.4,10.0.1.16",
	                                "gbs-user=10.0.1.5",
	                                "tasks.gbs-user=10.0.1.6",
	                                "fresh=NXDOMAIN",
	                                "tasks.fresh=NXDOMAIN",
	                                "old-name=10.0.1.121",
	                                "tasks.old-name=NXDOMAIN",
	                                "gateway=10.0.1.11",
	                                "tasks.gateway=NXDOMAIN",
	                                "slow=TIMEOUT",
	                                "tasks.slow=TIMEOUT"};
	enum recon_name_state st;
	struct esra_err err;
	struct recon_input in;

	(void)state;
	cfg_init(&w, NULL);
	incident(&w);
	add_svc(w.sw, "s2", "gbs-user", 1, false, "net1", "10.0.1.5", NULL, NULL);
	add_task(w.sw, "u1", "s2", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.6", AGO(3600),
	         NULL);
	add_container(w.sw, "dddddddddddd0000", "gateway", "net1", "10.0.1.11", NULL);
	link_sw(w.sw);
	model_dns_free(w.dns);
	w.dns = dns_of(a, sizeof(a) / sizeof(a[0]));
	in = (struct recon_input){&w.cfg, NULL, w.sw, NOW};
	w.r = recon_new(&in, &err);
	assert_non_null(w.r);
	assert_int_equal(recon_preflight(w.r, w.dns, "fresh", true, &w.out, &st, &err), 0);
	assert_int_equal(st, NAME_FREE);
	assert_int_equal(recon_preflight(w.r, w.dns, "gbs-user", true, &w.out, &st, &err), 0);
	assert_int_equal(st, NAME_CLEAN);
	assert_int_equal(w.out.n, 0);
	assert_int_equal(recon_preflight(w.r, w.dns, "gbs-cms", true, &w.out, &st, &err), 0);
	assert_int_equal(st, NAME_POISONED);
	assert_int_equal(recon_preflight(w.r, w.dns, "old-name", true, &w.out, &st, &err), 0);
	assert_int_equal(st, NAME_POISONED);
	assert_null(find(&w, FK_POISONED_NAME, "old-name")->stale[0].owner);
	assert_int_equal(recon_preflight(w.r, w.dns, "gateway", true, &w.out, &st, &err), 0);
	assert_int_equal(st, NAME_TAKEN);
	assert_string_equal(find(&w, FK_NAME_TAKEN, "gateway")->stale[0].owner,
	                    "container:gateway");
	/* silence: unknown while the resolver itself may be down ... */
	assert_int_equal(recon_preflight(w.r, w.dns, "slow", false, &w.out, &st, &err), 0);
	assert_int_equal(st, NAME_UNKNOWN);
	/* ... no swarm record when it answers swarm's own names (upstream is what is silent) */
	assert_true(recon_resolver_alive(w.dns, recon_canary(w.r)));
	assert_string_equal(recon_canary(w.r), "gbs-cms");
	assert_int_equal(recon_preflight(w.r, w.dns, "slow", true, &w.out, &st, &err), 0);
	assert_int_equal(st, NAME_FREE);
	assert_true(recon_name_free_in_dns(w.dns, "slow", true));
	assert_false(recon_name_free_in_dns(w.dns, "slow", false));
	assert_true(recon_name_expected(w.r, "tasks.gbs-cms"));
	assert_false(recon_name_expected(w.r, "fresh"));
	world_free(&w);
}

static void test_propose_candidates_follow_the_rename_pattern(void **state)
{
	struct world w;
	char out[64];
	const char *by;

	(void)state;
	cfg_init(&w, NULL);
	assert_int_equal(propose_candidate(&w.cfg, "gbs-cms", 1, out, sizeof(out)), 0);
	assert_string_equal(out, "gbs-cms-new");
	assert_int_equal(propose_candidate(&w.cfg, "gbs-cms", 2, out, sizeof(out)), 0);
	assert_string_equal(out, "gbs-cms-new2");
	assert_int_equal(propose_candidate(&w.cfg, "gbs-cms", 3, out, sizeof(out)), 0);
	assert_string_equal(out, "gbs-cms-new3");
	assert_int_equal(propose_candidate(&w.cfg, "x", 1, out, 3), ESRA_ETOOLARGE);
	cfg_free(&w.cfg);
	finding_list_free(&w.out);
	cfg_init(&w, "names = { rename_pattern = \"v2-{name}\"; };");
	assert_int_equal(propose_candidate(&w.cfg, "gbs-cms", 2, out, sizeof(out)), 0);
	assert_string_equal(out, "v2-gbs-cms2");
	/* local freedom: services, aliases, containers, Eureka apps, case-insensitive */
	incident(&w);
	w.reg = model_reg_new();
	add_inst(w.reg, "GBS-CMS-NEW", "i", "10.0.1.4", 8080, AGO(3600), AGO(5));
	judge(&w, NULL);
	assert_true(recon_name_taken_locally(w.r, "GHOST", &by));
	assert_string_equal(by, "service ghost");
	assert_true(recon_name_taken_locally(w.r, "gbs-cms-new", &by));
	assert_string_equal(by, "Eureka app GBS-CMS-NEW");
	assert_false(recon_name_taken_locally(w.r, "gbs-cms-new2", NULL));
	world_free(&w);
}

/* ---------------------------------------------------------------- ownership */

/* gbsnet 10.0.1.0/24 and ingress 10.0.0.0/24 (swarm), docker_gwbridge 172.18.0.0/16 (local);
 * gbs-cms with live task t1 (container aaaaaaaaaaaa...) and a shut-down task t0 of a renamed
 * service (container c0ffee00beef...). */
static void owned_world(struct world *w)
{
	w->sw = sw_manager();
	add_net_subnet(w->sw, "net1", "gbsnet", "swarm", "10.0.1.0", 24);
	add_net_subnet(w->sw, "ing", "ingress", "swarm", "10.0.0.0", 24)->ingress = true;
	add_net_subnet(w->sw, "gw", "docker_gwbridge", "local", "172.18.0.0", 16);
	add_svc(w->sw, "s1", "gbs-cms", 1, false, "net1", "10.0.1.2", NULL, NULL);
	add_svc(w->sw, "s2", "cms-old", 0, false, "net1", "10.0.1.3", NULL, NULL);
	add_task(w->sw, "t1", "s1", 1, SW_ST_RUNNING, SW_ST_RUNNING, "net1", "10.0.1.4", AGO(3600),
	         "aaaaaaaaaaaa1111");
	add_task(w->sw, "t0", "s2", 1, SW_ST_SHUTDOWN, SW_ST_SHUTDOWN, "net1", "10.0.1.9",
	         AGO(7200), "c0ffee00beef2222");
	link_sw(w->sw);
	w->reg = model_reg_new();
}

static size_t count(const struct world *w, enum fkind k)
{
	return finding_count(&w->out, k);
}

/* Outside every subnet of this swarm: foreign (info), never stale, never critical. */
static void test_recon_outside_every_subnet_is_foreign(void **state)
{
	struct world w;
	const struct finding *f;
	struct eu_instance *in;

	(void)state;
	cfg_init(&w, NULL);
	owned_world(&w);
	add_inst(w.reg, "LEGACY-BILLING", "vm-billing-1", "192.168.77.5", 8080, AGO(86400), AGO(5));
	add_inst(w.reg, "LEGACY-BILLING", "vm-billing-2", "192.168.77.6", 8080, AGO(86400), AGO(5));
	in = add_inst(w.reg, "LEGACY-BILLING", "vm-billing-3", "192.168.77.7", 8080, AGO(86400),
	              AGO(900));
	in->hostname = "billing-3.corp";
	in->hostname_is_ip = false;
	{
		static const char *const a[] = {"billing-3.corp=192.168.1.1"};
		w.dns = dns_of(a, 1);
	}
	/* even an app of this swarm's name is not ours outside its subnets */
	add_inst(w.reg, "GBS-CMS", "10.9.9.9:gbs-cms:8080", "10.9.9.9", 8080, AGO(7200), AGO(900));
	judge(&w, NULL);
	assert_int_equal(count(&w, FK_FOREIGN_INSTANCE), 4);
	assert_int_equal(count(&w, FK_STALE_INSTANCE), 0);
	f = find(&w, FK_FOREIGN_INSTANCE, "vm-billing-3");
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_INFO);
	assert_non_null(strstr(f->not_ours, "192.168.77.7 is in no subnet of this swarm's networks "
	                                    "(gbsnet 10.0.1.0/24, ingress 10.0.0.0/24)"));
	assert_true(finding_list_status(&w.out) <= SEV_INFO); /* never critical */
	/* never judged in any way: not probed, its hostName not asked nor judged */
	assert_null(find(&w, FK_HOSTNAME_MISMATCH, NULL));
	{
		size_t *idx, n;
		const char **names;
		struct esra_err err;
		assert_int_equal(recon_probe_targets(w.r, &idx, &n), ESRA_OK);
		assert_int_equal(n, 0);
		free(idx);
		assert_int_equal(recon_dns_names(w.r, &names, &n, &err), ESRA_OK);
		for (size_t i = 0; i < n; i++)
			assert_string_not_equal(names[i], "billing-3.corp");
		free(names);
	}
	{
		/* the same when the registry joins a reconcile made of the swarm view alone */
		struct recon_input rin = {&w.cfg, NULL, w.sw, NOW};
		struct esra_err err;
		struct recon *r2 = recon_new(&rin, &err);
		size_t *idx, n;
		assert_non_null(r2);
		assert_int_equal(recon_add_registry(r2, w.reg, &err), ESRA_OK);
		assert_int_equal(recon_probe_targets(r2, &idx, &n), ESRA_OK);
		assert_int_equal(n, 0);
		free(idx);
		recon_free(r2);
	}
	world_free(&w);
}

/* Inside a subnet, but neither the app nor the instanceId names anything of this swarm:
 * foreign. The instanceId naming a shut-down task (history) makes it ours. */
static void test_recon_in_subnet_needs_a_name_of_this_swarm(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, NULL);
	owned_world(&w);
	add_inst(w.reg, "ORDERS", "orders-1:orders:8080", "10.0.1.77", 8080, AGO(7200), AGO(900));
	/* the renamed service's instance: app unknown, container of task t0 (shut down) */
	add_inst(w.reg, "CMS", "c0ffee00beef:cms:8080", "10.0.1.9", 8080, AGO(7200), AGO(900));
	/* or by task id */
	add_inst(w.reg, "CMS", "t0:cms:8081", "10.0.1.10", 8081, AGO(7200), AGO(900));
	judge(&w, NULL);
	f = find(&w, FK_FOREIGN_INSTANCE, "orders-1:orders:8080");
	assert_non_null(f);
	assert_non_null(strstr(f->not_ours, "in the subnet of gbsnet, but neither the app ORDERS"));
	assert_null(find(&w, FK_STALE_INSTANCE, "orders-1:orders:8080"));
	f = find(&w, FK_STALE_INSTANCE, "c0ffee00beef:cms:8080");
	assert_non_null(f);
	assert_null(f->not_ours);
	assert_string_equal(f->suggested_action, "deregister");
	assert_int_equal(f->severity, SEV_CRITICAL);
	f = find(&w, FK_STALE_INSTANCE, "t0:cms:8081");
	assert_non_null(f);
	assert_null(f->not_ours);
	assert_int_equal(count(&w, FK_FOREIGN_INSTANCE), 1);
	world_free(&w);
}

/* Another cluster in the same subnet: a container-ID instanceId no task of this swarm and
 * no container of this node ever had is stale with suggested_action none (warning), and
 * says why. A plain container of this node, or the owner marker, makes it ours. */
static void test_recon_other_cluster_in_the_same_subnet(void **state)
{
	struct world w;
	const struct finding *f;
	struct eu_instance *in;

	(void)state;
	cfg_init(&w, "policy = { owner_metadata = \"swarm=prod-a\"; };");
	owned_world(&w);
	add_inst(w.reg, "GBS-CMS", "deadbeef0123:gbs-cms:8080", "10.0.1.7", 8080, AGO(7200),
	         AGO(5));
	in = add_inst(w.reg, "GBS-CMS", "hostname-only", "10.0.1.8", 8080, AGO(7200), AGO(900));
	in->hostname = "deadbeef4567";
	in->hostname_is_ip = false;
	/* the marker makes an unknown container ours */
	in = add_inst(w.reg, "GBS-CMS", "feedfacefeed:gbs-cms:8080", "10.0.1.11", 8080, AGO(7200),
	              AGO(900));
	in->metadata = "swarm\0prod-a\0";
	judge(&w, NULL);
	f = find(&w, FK_STALE_INSTANCE, "deadbeef0123:gbs-cms:8080");
	assert_non_null(f);
	assert_string_equal(f->suggested_action, "none");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_non_null(f->not_ours);
	assert_non_null(strstr(f->not_ours, "instanceId starts with deadbeef0123, a container that "
	                                    "no task of this swarm (history included) and no "
	                                    "container of this node ever had"));
	assert_non_null(strstr(f->message, "another cluster's instance"));
	f = find(&w, FK_STALE_INSTANCE, "hostname-only");
	assert_non_null(f);
	assert_string_equal(f->suggested_action, "none");
	assert_non_null(strstr(f->not_ours, "hostName starts with deadbeef4567"));
	f = find(&w, FK_STALE_INSTANCE, "feedfacefeed:gbs-cms:8080");
	assert_non_null(f);
	assert_null(f->not_ours);
	assert_string_equal(f->suggested_action, "deregister");
	world_free(&w);

	/* a plain container of this node with that short ID: ours */
	cfg_init(&w, NULL);
	owned_world(&w);
	add_container(w.sw, "deadbeef0123ffff", "batch", "net1", "10.0.1.30", NULL);
	link_sw(w.sw);
	add_inst(w.reg, "GBS-CMS", "deadbeef0123:gbs-cms:8080", "10.0.1.7", 8080, AGO(7200),
	         AGO(900));
	judge(&w, NULL);
	f = find(&w, FK_STALE_INSTANCE, "deadbeef0123:gbs-cms:8080");
	assert_non_null(f);
	assert_null(f->not_ours);
	assert_string_equal(f->suggested_action, "deregister");
	world_free(&w);
}

/* A live task's docker_gwbridge address: wrong_network, never stale; an unknown one there
 * is foreign. */
static void test_recon_gwbridge_address_of_a_live_task_is_wrong_network(void **state)
{
	struct world w;
	const struct finding *f;

	(void)state;
	cfg_init(&w, NULL);
	owned_world(&w);
	add_inst(w.reg, "GBS-CMS", "aaaaaaaaaaaa:gbs-cms:8080", "172.18.0.3", 8080, AGO(7200),
	         AGO(5));
	add_inst(w.reg, "GBS-CMS", "bbbbbbbbbbbb:gbs-cms:8080", "172.18.0.4", 8080, AGO(7200),
	         AGO(5));
	/* the shut-down task's container: not live, so not wrong_network */
	add_inst(w.reg, "GBS-CMS", "c0ffee00beef:gbs-cms:8080", "172.18.0.5", 8080, AGO(7200),
	         AGO(900));
	judge(&w, NULL);
	f = find(&w, FK_WRONG_NETWORK, "aaaaaaaaaaaa:gbs-cms:8080");
	assert_non_null(f);
	assert_string_equal(f->network, "docker_gwbridge");
	assert_non_null(strstr(f->message, "registered its docker_gwbridge address 172.18.0.3"));
	assert_null(find(&w, FK_STALE_INSTANCE, NULL));
	assert_non_null(find(&w, FK_FOREIGN_INSTANCE, "bbbbbbbbbbbb:gbs-cms:8080"));
	f = find(&w, FK_FOREIGN_INSTANCE, "c0ffee00beef:gbs-cms:8080");
	assert_non_null(f);
	assert_non_null(strstr(f->not_ours, "on docker_gwbridge (a node-local network)"));
	world_free(&w);
}

/* swarm.networks naming a network this swarm does not have: a clear error naming the key
 * and the networks that exist; instances are not judged (no wrong_network en masse). */
static void test_recon_wrong_scope_is_an_error_not_findings(void **state)
{
	struct world w;
	char msg[512];

	(void)state;
	cfg_init(&w, "swarm = { networks = [ \"appnet-typo\" ]; };");
	owned_world(&w);
	add_inst(w.reg, "GBS-CMS", "aaaaaaaaaaaa:gbs-cms:8080", "10.0.1.4", 8080, AGO(7200),
	         AGO(5));
	add_inst(w.reg, "GBS-CMS", "10.0.1.200:gbs-cms:8080", "10.0.1.200", 8080, AGO(7200),
	         AGO(900));
	judge(&w, NULL);
	assert_true(recon_scope_error(w.r, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "swarm.networks: this swarm has no network \"appnet-typo\""));
	assert_non_null(strstr(msg, "its networks are gbsnet, ingress"));
	assert_int_equal(count(&w, FK_WRONG_NETWORK), 0);
	assert_int_equal(count(&w, FK_STALE_INSTANCE), 0);
	world_free(&w);
	/* the right name: no error, judged */
	cfg_init(&w, "swarm = { networks = [ \"gbsnet\" ]; };");
	owned_world(&w);
	add_inst(w.reg, "GBS-CMS", "10.0.1.200:gbs-cms:8080", "10.0.1.200", 8080, AGO(7200),
	         AGO(900));
	judge(&w, NULL);
	assert_false(recon_scope_error(w.r, msg, sizeof(msg)));
	assert_int_equal(count(&w, FK_STALE_INSTANCE), 1);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recon_incident_poisoned_name_names_ghost_vip_without_backends),
	    cmocka_unit_test(test_recon_orphan_endpoint_remedy_names_the_tasks_node),
	    cmocka_unit_test(test_recon_stale_vip_owned_by_nothing_is_the_incident),
	    cmocka_unit_test(test_recon_alias_collision_owner_names_the_container),
	    cmocka_unit_test(test_recon_rolling_update_in_grace_is_not_a_finding),
	    cmocka_unit_test(test_recon_dnsrr_expects_task_ips_and_flags_strangers),
	    cmocka_unit_test(test_recon_service_on_two_networks_is_clean),
	    cmocka_unit_test(test_recon_stale_instance_deregister_or_flag_by_lease),
	    cmocka_unit_test(test_recon_registration_on_ingress_is_wrong_network),
	    cmocka_unit_test(test_recon_names_map_and_stack_prefix_match_apps),
	    cmocka_unit_test(test_recon_worker_view_judges_names_from_its_network_view_only),
	    cmocka_unit_test(test_recon_hostname_mismatch_and_unreachable),
	    cmocka_unit_test(test_recon_registry_added_later_judges_the_same),
	    cmocka_unit_test(test_recon_failed_tasks_in_history_are_drift_older_are_not),
	    cmocka_unit_test(test_recon_preflight_free_clean_taken_poisoned),
	    cmocka_unit_test(test_propose_candidates_follow_the_rename_pattern),
	    cmocka_unit_test(test_recon_outside_every_subnet_is_foreign),
	    cmocka_unit_test(test_recon_in_subnet_needs_a_name_of_this_swarm),
	    cmocka_unit_test(test_recon_other_cluster_in_the_same_subnet),
	    cmocka_unit_test(test_recon_gwbridge_address_of_a_live_task_is_wrong_network),
	    cmocka_unit_test(test_recon_wrong_scope_is_an_error_not_findings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
