/* test_docker.c: the Docker Engine reader: every fixture parses to known values, the same
 * model whatever the pieces, bad payloads give their expected errors, and docker_read works
 * against an in-process daemon stand-in (libmicrohttpd) over TCP, a unix socket and TLS with
 * client certificates. */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <microhttpd.h>
#ifdef ESRA_TEST_GNUTLS
#include <gnutls/gnutls.h>
#endif

#include "buf.h"
#include "docker.h"
#include "docker_parse.h"
#include "http.h"
#include "limits.h"
#include "model.h"
#include "testutil.h"

#define GBSNET     "5g21fb7f13lgu73cclrlv88of"
#define INGRESS    "wsh42qm8cxllvg3zwe2j56j94"
#define GATEWAY_ID "f8c81497c5564fde6e5c82084b6a7affb8c2aa4ec023aff3c09d7a67f5c735cc"
#define W2_ID      "15f4a2a98aacfda88fab4f08c09d833ebb8b2a67c2d75283682fc448f335d7ac"

/* ---------------------------------------------------------------- helpers */

static ip4_t ip(const char *s)
{
	ip4_t v;
	int prefix;

	assert_int_equal(ip4_parse(s, (size_t)-1, &v, &prefix), ESRA_OK);
	return v;
}

static const char *S(const char *s)
{
	return s != NULL ? s : "-";
}

static struct sw_view *new_view(void)
{
	struct sw_view *v = model_sw_new();

	assert_non_null(v);
	return v;
}

/* Parse fixture rel as payload kind (whole buffer, or pieces of `piece` bytes) into v. */
static int parse_fixture(struct sw_view *v, enum docker_payload kind, size_t target,
                         const char *rel, size_t piece, struct esra_err *err)
{
	size_t n;
	char *json = tu_fixture(rel, &n);
	int rc = docker_parse_pieces(kind, v, target, json, n, piece, err);

	free(json);
	return rc;
}

static void must_parse(struct sw_view *v, enum docker_payload kind, size_t target, const char *rel)
{
	struct esra_err err;

	esra_err_clear(&err);
	if (parse_fixture(v, kind, target, rel, 0, &err) != ESRA_OK)
		fail_msg("%s: %s", rel, err.msg);
}

static size_t task_by_id(const struct sw_view *v, const char *id)
{
	for (size_t i = 0; i < v->n_tasks; i++)
		if (strcmp(v->tasks[i].id, id) == 0)
			return i;
	fail_msg("no task %s", id);
	return MODEL_NONE;
}

static const struct sw_container *container_by_name(const struct sw_view *v, const char *name)
{
	for (size_t i = 0; i < v->n_containers; i++)
		if (strcmp(v->containers[i].name, name) == 0)
			return &v->containers[i];
	tu_fail("no container %s", name);
}

static const struct sw_netsvc *netsvc(const struct sw_network *n, const char *name)
{
	for (size_t i = 0; i < n->n_svcs; i++)
		if (strcmp(n->svcs[i].name, name) == 0)
			return &n->svcs[i];
	tu_fail("network %s has no service \"%s\"", n->name, name);
}

static const struct sw_netep *netep(const struct sw_netsvc *s, const char *name)
{
	for (size_t i = 0; i < s->n_eps; i++)
		if (strcmp(S(s->eps[i].name), name) == 0)
			return &s->eps[i];
	tu_fail("service \"%s\" has no endpoint %s", s->name, name);
}

static const struct sw_netep *local_ep(const struct sw_network *n, const char *name)
{
	for (size_t i = 0; i < n->n_local; i++)
		if (strcmp(S(n->local[i].name), name) == 0)
			return &n->local[i];
	tu_fail("network %s has no local container %s", n->name, name);
}

static void dump_addr(struct buf *b, const struct sw_addr *a)
{
	char s[IP4_STRLEN];

	assert_int_equal(buf_printf(b, " %s/%d@%s#%zd", ip4_format(a->ip, s), a->prefix,
	                            S(a->net_id), (ssize_t)a->net),
	                 0);
}

/* Every field of a view as text, so two parses can be compared whole. */
static void dump_view(const struct sw_view *v, struct buf *b)
{
	char s1[IP4_STRLEN];

	assert_int_equal(buf_printf(b,
	                            "self %s %s %s %s active=%d mgr=%d lead=%d api=%s worker=%d\n",
	                            v->self.id, v->self.hostname, v->self.node_addr,
	                            v->self.server_version, v->self.swarm_active, v->self.manager,
	                            v->self.leader, v->api_version, v->worker_view),
	                 0);
	for (size_t i = 0; i < v->n_nodes; i++) {
		const struct sw_node *n = &v->nodes[i];
		assert_int_equal(buf_printf(b, "node %s %s %s %s %s %s %d\n", S(n->id),
		                            S(n->hostname), S(n->role), S(n->state),
		                            S(n->availability), S(n->addr), n->leader),
		                 0);
	}
	for (size_t i = 0; i < v->n_services; i++) {
		const struct sw_service *s = &v->services[i];
		assert_int_equal(
		    buf_printf(b, "svc %s %s %s mode=%d dnsrr=%d %lld %lld %lld %lld %lld",
		               S(s->id), S(s->name), S(s->stack), s->mode, s->dnsrr,
		               (long long)s->replicas, (long long)s->running_tasks,
		               (long long)s->desired_tasks, (long long)s->created_ms,
		               (long long)s->updated_ms),
		    0);
		for (size_t j = 0; j < s->n_vips; j++)
			dump_addr(b, &s->vips[j]);
		for (size_t j = 0; j < s->n_aliases; j++)
			assert_int_equal(buf_printf(b, " alias %s@%s#%zd", S(s->aliases[j].alias),
			                            S(s->aliases[j].net_id),
			                            (ssize_t)s->aliases[j].net),
			                 0);
		assert_int_equal(buf_puts(b, "\n"), 0);
	}
	for (size_t i = 0; i < v->n_tasks; i++) {
		const struct sw_task *t = &v->tasks[i];
		assert_int_equal(buf_printf(b, "task %s %s#%zd %lld %s %d %d %lld %lld %lld %s %s",
		                            S(t->id), S(t->service_id), (ssize_t)t->service,
		                            (long long)t->slot, S(t->node_id), t->state, t->desired,
		                            (long long)t->created_ms, (long long)t->updated_ms,
		                            (long long)t->status_ms, S(t->container_id),
		                            S(t->message)),
		                 0);
		for (size_t j = 0; j < t->n_addrs; j++)
			dump_addr(b, &t->addrs[j]);
		assert_int_equal(buf_puts(b, "\n"), 0);
	}
	for (size_t i = 0; i < v->n_nets; i++) {
		const struct sw_network *n = &v->nets[i];
		assert_int_equal(buf_printf(b, "net %s %s %s %s %d%d%d sub=%d:%s/%d verbose=%d\n",
		                            S(n->id), S(n->name), S(n->driver), S(n->scope),
		                            n->ingress, n->attachable, n->internal, n->has_subnet,
		                            ip4_format(n->subnet, s1), n->prefix, n->verbose_read),
		                 0);
		for (size_t j = 0; j < n->n_svcs; j++) {
			const struct sw_netsvc *s = &n->svcs[j];
			assert_int_equal(buf_printf(b, "  svc \"%s\" vip=%d:%s", s->name,
			                            s->has_vip, ip4_format(s->vip, s1)),
			                 0);
			for (size_t k = 0; k < s->n_eps; k++)
				assert_int_equal(buf_printf(b, " [%s %s %s]", S(s->eps[k].name),
				                            ip4_format(s->eps[k].ip, s1),
				                            S(s->eps[k].host_ip)),
				                 0);
			assert_int_equal(buf_puts(b, "\n"), 0);
		}
		for (size_t j = 0; j < n->n_local; j++)
			assert_int_equal(buf_printf(b, "  local %s %s %s\n", S(n->local[j].name),
			                            ip4_format(n->local[j].ip, s1),
			                            S(n->local[j].host_ip)),
			                 0);
	}
	for (size_t i = 0; i < v->n_containers; i++) {
		const struct sw_container *c = &v->containers[i];
		assert_int_equal(buf_printf(b, "ctr %s %s %s %s %s %lld\n", S(c->id), S(c->name),
		                            S(c->state), S(c->service_name), S(c->task_id),
		                            (long long)c->created_ms),
		                 0);
		for (size_t j = 0; j < c->n_nets; j++) {
			const struct sw_cnet *cn = &c->nets[j];
			assert_int_equal(buf_printf(b, "  on %s %s#%zd %d:%s/%d", S(cn->net_name),
			                            S(cn->net_id), (ssize_t)cn->net, cn->has_ip,
			                            ip4_format(cn->ip, s1), cn->prefix),
			                 0);
			for (size_t k = 0; k < cn->n_aliases; k++)
				assert_int_equal(buf_printf(b, " alias=%s", cn->aliases[k]), 0);
			assert_int_equal(buf_puts(b, "\n"), 0);
		}
	}
}

/* ---------------------------------------------------------------- fixtures */

/* The manager's payloads, parsed as docker_read would, in its order. */
static struct sw_view *testbed_manager(size_t piece)
{
	struct sw_view *v = new_view();
	struct esra_err err;
	size_t gbsnet;
	static const struct {
		enum docker_payload kind;
		const char *rel;
	} files[] = {
	    {DK_INFO, "docker/testbed/manager-info.json"},
	    {DK_NODES, "docker/testbed/manager-nodes.json"},
	    {DK_SERVICES, "docker/testbed/manager-services.json"},
	    {DK_TASKS, "docker/testbed/manager-tasks.json"},
	    {DK_NETWORKS, "docker/testbed/manager-networks.json"},
	    {DK_CONTAINERS, "docker/testbed/manager-containers.json"},
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (parse_fixture(v, files[i].kind, MODEL_NONE, files[i].rel, piece, &err) != 0)
			fail_msg("%s: %s", files[i].rel, err.msg);
	gbsnet = model_sw_net_by_id_or_name(v, GBSNET);
	assert_int_not_equal(gbsnet, MODEL_NONE);
	if (parse_fixture(v, DK_NETWORK_VERBOSE, gbsnet,
	                  "docker/testbed/manager-network-gbsnet-verbose.json", piece, &err) != 0)
		fail_msg("verbose: %s", err.msg);
	if (parse_fixture(v, DK_INSPECT, 2, "docker/synthetic/inspect-gateway.json", piece, &err) !=
	    0)
		fail_msg("inspect: %s", err.msg);
	assert_int_equal(model_sw_link(v, &err), ESRA_OK);
	return v;
}

static void test_docker_testbed_manager_reads_the_poisoned_state(void **state)
{
	struct sw_view *v = testbed_manager(0);
	const struct sw_service *cms, *user, *ghost;
	const struct sw_task *t;
	const struct sw_network *n;
	const struct sw_netsvc *ns;
	const struct sw_container *c;
	int64_t ms;

	(void)state;
	/* /info and /nodes: this node is the manager and the leader */
	assert_string_equal(v->self.id, "sy70vnrklnt7q9ae0prxfsi6s");
	assert_string_equal(v->self.hostname, "vm");
	assert_string_equal(v->self.node_addr, "10.98.0.11");
	assert_string_equal(v->self.server_version, "20.10.24+dfsg1");
	assert_true(v->self.swarm_active);
	assert_true(v->self.manager);
	assert_true(v->self.leader);
	assert_false(v->worker_view);
	assert_int_equal(v->n_nodes, 2);
	assert_string_equal(v->nodes[0].id, "h6utgt6zwtxyxweaoyz4ynj1a");
	assert_string_equal(v->nodes[0].role, "worker");
	assert_string_equal(v->nodes[0].addr, "10.98.0.12");
	assert_false(v->nodes[0].leader);
	assert_string_equal(v->nodes[1].role, "manager");
	assert_string_equal(v->nodes[1].state, "ready");
	assert_string_equal(v->nodes[1].availability, "active");
	assert_string_equal(v->nodes[1].hostname, "vm");
	assert_true(v->nodes[1].leader);

	/* /services: three, with their VIPs on gbsnet */
	assert_int_equal(v->n_services, 3);
	user = &v->services[0];
	cms = &v->services[1];
	ghost = &v->services[2];
	assert_string_equal(user->name, "gbs-user");
	assert_string_equal(cms->name, "gbs-cms");
	assert_string_equal(ghost->name, "ghost");
	assert_string_equal(cms->id, "p1cw9b5qj34jof6vwmn6euzu5");
	assert_null(cms->stack);
	assert_int_equal(cms->mode, SW_MODE_REPLICATED);
	assert_false(cms->dnsrr);
	assert_int_equal(cms->replicas, 2);
	assert_int_equal(cms->running_tasks, 2);
	assert_int_equal(cms->desired_tasks, 2);
	assert_int_equal(ghost->replicas, 0);
	assert_int_equal(ghost->running_tasks, 1);
	assert_int_equal(ghost->desired_tasks, 0);
	assert_int_equal(cms->n_vips, 1);
	assert_int_equal(cms->vips[0].ip, ip("10.0.1.2"));
	assert_int_equal(cms->vips[0].prefix, 24);
	assert_string_equal(cms->vips[0].net_id, GBSNET);
	assert_int_equal(cms->vips[0].net, model_sw_net_by_id_or_name(v, "gbsnet"));
	assert_int_equal(user->vips[0].ip, ip("10.0.1.5"));
	assert_int_equal(user->vips[0].prefix, 24);
	assert_int_equal(ghost->n_vips, 1);
	assert_int_equal(ghost->vips[0].ip, ip("10.0.1.7"));
	assert_int_equal(ghost->vips[0].prefix, 24);
	assert_int_equal(cms->n_aliases, 0);
	assert_int_equal(ghost->n_aliases, 1);
	assert_string_equal(ghost->aliases[0].alias, "gbs-cms");
	assert_string_equal(ghost->aliases[0].net_id, GBSNET);
	assert_int_equal(ghost->aliases[0].net, model_sw_net_by_id_or_name(v, "gbsnet"));
	assert_int_equal(model_parse_time("2026-11-24T22:21:00.53500857Z", &ms), ESRA_OK);
	assert_int_equal(ghost->updated_ms, ms);

	/* /tasks: ghost's task still running with DesiredState remove; the shutdown gbs-cms task */
	assert_int_equal(v->n_tasks, 5);
	t = &v->tasks[task_by_id(v, "0b7egpw015dihxwe4slhjj3r7")];
	assert_int_equal(t->state, SW_ST_RUNNING);
	assert_int_equal(t->desired, SW_ST_REMOVE);
	assert_false(model_task_live(t));
	assert_int_equal(t->service, 2);
	assert_int_equal(t->slot, 1);
	assert_string_equal(t->node_id, "sy70vnrklnt7q9ae0prxfsi6s");
	assert_string_equal(t->container_id,
	                    "3e6869c81533124d8e0c98624a0f0310c89610b6d2c48df39382753116142655");
	assert_string_equal(t->message, "started");
	assert_int_equal(t->n_addrs, 1);
	assert_int_equal(t->addrs[0].ip, ip("10.0.1.18"));
	assert_int_equal(t->addrs[0].prefix, 24);
	assert_int_equal(model_parse_time("2026-11-24T22:21:00.639362327Z", &ms), ESRA_OK);
	assert_int_equal(t->status_ms, ms);
	assert_int_equal(model_parse_time("2026-11-24T22:20:52.515644482Z", &ms), ESRA_OK);
	assert_int_equal(t->created_ms, ms);
	t = &v->tasks[task_by_id(v, "glt9ae4ox22r9ppxk9mnx5agq")];
	assert_int_equal(t->state, SW_ST_SHUTDOWN);
	assert_int_equal(t->desired, SW_ST_SHUTDOWN);
	assert_int_equal(t->service, 1);
	assert_int_equal(t->slot, 2);
	assert_string_equal(t->node_id, "h6utgt6zwtxyxweaoyz4ynj1a");
	assert_string_equal(t->message, "shutdown");
	assert_int_equal(t->addrs[0].ip, ip("10.0.1.3"));
	assert_int_equal(t->addrs[0].net, model_sw_net_by_id_or_name(v, GBSNET));
	t = &v->tasks[task_by_id(v, "whkbnsvbz9el2loaj3h1f1bmb")];
	assert_true(model_task_live(t));
	assert_int_equal(t->addrs[0].ip, ip("10.0.1.4"));

	/* /networks */
	assert_int_equal(v->n_nets, 6);
	n = &v->nets[model_sw_net_by_id_or_name(v, "gbsnet")];
	assert_string_equal(n->id, GBSNET);
	assert_string_equal(n->driver, "overlay");
	assert_string_equal(n->scope, "swarm");
	assert_true(n->attachable);
	assert_false(n->ingress);
	assert_false(n->internal);
	assert_true(n->has_subnet);
	assert_int_equal(n->subnet, ip("10.0.1.0"));
	assert_int_equal(n->prefix, 24);
	assert_true(v->nets[model_sw_net_by_id_or_name(v, "ingress")].ingress);
	assert_false(v->nets[model_sw_net_by_id_or_name(v, "none")].has_subnet);
	assert_int_equal(v->nets[model_sw_net_by_id_or_name(v, "bridge")].prefix, 16);

	/* gbsnet's verbose view on this node: ghost's VIP and endpoint, the "" entry */
	assert_true(n->verbose_read);
	assert_int_equal(n->n_svcs, 4);
	ns = netsvc(n, "ghost");
	assert_true(ns->has_vip);
	assert_int_equal(ns->vip, ip("10.0.1.7"));
	assert_int_equal(ns->n_eps, 1);
	assert_int_equal(netep(ns, "ghost.1.0b7egpw015dihxwe4slhjj3r7")->ip, ip("10.0.1.18"));
	assert_string_equal(ns->eps[0].host_ip, "10.98.0.11");
	ns = netsvc(n, "");
	assert_false(ns->has_vip);
	assert_int_equal(ns->n_eps, 2);
	assert_int_equal(netep(ns, "gateway")->ip, ip("10.0.1.11"));
	assert_int_equal(netep(ns, "w2")->ip, ip("10.0.1.12"));
	assert_string_equal(netep(ns, "w2")->host_ip, "10.98.0.12");
	ns = netsvc(n, "gbs-cms");
	assert_int_equal(ns->vip, ip("10.0.1.2"));
	assert_int_equal(ns->n_eps, 2);
	assert_int_equal(netep(ns, "gbs-cms.2.m2w7xhrdxcun3srifwegomn5o")->ip, ip("10.0.1.16"));
	assert_int_equal(netsvc(n, "gbs-user")->vip, ip("10.0.1.5"));
	assert_int_equal(n->n_local, 6);
	assert_int_equal(local_ep(n, "gateway")->ip, ip("10.0.1.11"));
	assert_null(local_ep(n, "gateway")->host_ip);
	assert_int_equal(local_ep(n, "gbsnet-endpoint")->ip, ip("10.0.1.10"));
	assert_int_equal(local_ep(n, "ghost.1.0b7egpw015dihxwe4slhjj3r7")->ip, ip("10.0.1.18"));

	/* /containers/json + the gateway's inspect (its short id dropped from its aliases) */
	assert_int_equal(v->n_containers, 5);
	c = container_by_name(v, "gateway");
	assert_string_equal(c->id, GATEWAY_ID);
	assert_string_equal(c->state, "running");
	assert_null(c->task_id);
	assert_null(c->service_name);
	assert_int_equal(c->created_ms, 1795558677000LL);
	assert_int_equal(c->n_nets, 1);
	assert_string_equal(c->nets[0].net_name, "gbsnet");
	assert_string_equal(c->nets[0].net_id, GBSNET);
	assert_int_equal(c->nets[0].net, model_sw_net_by_id_or_name(v, "gbsnet"));
	assert_true(c->nets[0].has_ip);
	assert_int_equal(c->nets[0].ip, ip("10.0.1.11"));
	assert_int_equal(c->nets[0].prefix, 24);
	assert_int_equal(c->nets[0].n_aliases, 1);
	assert_string_equal(c->nets[0].aliases[0], "api-gw");
	c = container_by_name(v, "ghost.1.0b7egpw015dihxwe4slhjj3r7");
	assert_string_equal(c->service_name, "ghost");
	assert_string_equal(c->task_id, "0b7egpw015dihxwe4slhjj3r7");
	assert_int_equal(c->nets[0].ip, ip("10.0.1.18"));
	assert_int_equal(c->nets[0].n_aliases, 0);
	model_sw_free(v);
}

static struct sw_view *testbed_worker(size_t piece)
{
	struct sw_view *v = new_view();
	struct esra_err err;
	static const struct {
		enum docker_payload kind;
		size_t target;
		const char *rel;
	} files[] = {
	    {DK_INFO, MODEL_NONE, "docker/testbed/worker-info.json"},
	    {DK_NETWORK_VERBOSE, MODEL_NONE, "docker/testbed/worker-network-gbsnet-verbose.json"},
	    {DK_CONTAINERS, MODEL_NONE, "docker/testbed/worker-containers.json"},
	    {DK_INSPECT, 0, "docker/synthetic/inspect-w2.json"},
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (parse_fixture(v, files[i].kind, files[i].target, files[i].rel, piece, &err) !=
		    0)
			fail_msg("%s: %s", files[i].rel, err.msg);
	assert_int_equal(model_sw_link(v, &err), ESRA_OK);
	return v;
}

static void test_docker_testbed_worker_gives_containers_and_network_view(void **state)
{
	struct sw_view *v = testbed_worker(0);
	const struct sw_network *n;
	const struct sw_netsvc *ns;
	const struct sw_container *c;

	(void)state;
	assert_string_equal(v->self.id, "h6utgt6zwtxyxweaoyz4ynj1a");
	assert_string_equal(v->self.node_addr, "10.98.0.12");
	assert_true(v->self.swarm_active);
	assert_false(v->self.manager);
	assert_false(v->self.leader);
	/* the verbose inspect alone adds its network */
	assert_int_equal(v->n_nets, 1);
	n = &v->nets[0];
	assert_string_equal(n->name, "gbsnet");
	assert_string_equal(n->scope, "swarm");
	assert_int_equal(n->subnet, ip("10.0.1.0"));
	assert_true(n->verbose_read);
	ns = netsvc(n, "ghost");
	assert_int_equal(ns->vip, ip("10.0.1.7"));
	assert_int_equal(netep(ns, "ghost.1.0b7egpw015dihxwe4slhjj3r7")->ip, ip("10.0.1.18"));
	assert_int_equal(netsvc(n, "gbs-cms")->n_eps, 2);
	assert_int_equal(netep(netsvc(n, ""), "gateway")->ip, ip("10.0.1.11"));
	assert_int_equal(n->n_local, 2);
	assert_int_equal(local_ep(n, "w2")->ip, ip("10.0.1.12"));
	assert_int_equal(local_ep(n, "gbsnet-endpoint")->ip, ip("10.0.1.9"));
	assert_int_equal(v->n_containers, 1);
	c = container_by_name(v, "w2");
	assert_string_equal(c->id, W2_ID);
	assert_int_equal(c->nets[0].ip, ip("10.0.1.12"));
	assert_int_equal(c->nets[0].net, 0);
	assert_int_equal(c->nets[0].n_aliases, 0); /* only its short id, dropped */
	model_sw_free(v);
}

/* Wrap a single object (the spec's examples of one Node or Service) into an array. */
static char *as_array(const char *rel, size_t *n)
{
	size_t len;
	char *obj = tu_fixture(rel, &len), *arr = malloc(len + 3);

	assert_non_null(arr);
	arr[0] = '[';
	memcpy(arr + 1, obj, len);
	arr[len + 1] = ']';
	arr[len + 2] = '\0';
	*n = len + 2;
	free(obj);
	return arr;
}

static void test_docker_swagger_examples_parse(void **state)
{
	struct sw_view *v = new_view();
	struct esra_err err;
	const struct sw_task *t;
	const struct sw_service *s;
	const struct sw_network *n;
	size_t len;
	char *json;

	(void)state;
	/* old /info without a Swarm key: not in a swarm, not an error */
	must_parse(v, DK_INFO, MODEL_NONE, "docker/swagger-info.json");
	assert_string_equal(v->self.hostname, "prod-server-42");
	assert_string_equal(v->self.server_version, "1.9.0");
	assert_false(v->self.swarm_active);
	assert_false(v->self.manager);
	assert_string_equal(v->self.id, "");

	json = as_array("docker/swagger-node.json", &len);
	assert_int_equal(docker_parse_nodes(v, json, len, &err), ESRA_OK);
	free(json);
	assert_int_equal(v->n_nodes, 1);
	assert_string_equal(v->nodes[0].id, "24ifsmvkjbyhk");
	assert_string_equal(v->nodes[0].hostname, "bf3067039e47");
	assert_string_equal(v->nodes[0].role, "manager");
	assert_string_equal(v->nodes[0].addr, "172.17.0.2");
	assert_true(v->nodes[0].leader);
	assert_false(v->self.leader); /* not this node */

	json = as_array("docker/swagger-service.json", &len);
	assert_int_equal(docker_parse_services(v, json, len, &err), ESRA_OK);
	free(json);
	s = &v->services[0];
	assert_string_equal(s->name, "hopeful_cori");
	assert_int_equal(s->replicas, 1);
	assert_int_equal(s->running_tasks, -1); /* no ServiceStatus without ?status=true */
	assert_int_equal(s->n_vips, 2);
	assert_int_equal(s->vips[0].ip, ip("10.255.0.2"));
	assert_int_equal(s->vips[1].ip, ip("10.255.0.3"));
	assert_int_equal(s->vips[1].prefix, 16);
	assert_string_equal(s->vips[1].net_id, "4qvuz4ko70xaltuqbt8956gd1");

	must_parse(v, DK_TASKS, MODEL_NONE, "docker/swagger-tasks.json");
	assert_int_equal(v->n_tasks, 2);
	t = &v->tasks[0];
	assert_string_equal(t->id, "0kzzo1i0y4jz6027t0k7aezc7");
	assert_int_equal(t->state, SW_ST_RUNNING);
	assert_int_equal(t->addrs[0].ip, ip("10.255.0.10"));
	assert_int_equal(t->addrs[0].prefix, 16);
	t = &v->tasks[1];
	assert_int_equal(t->state, SW_ST_SHUTDOWN);
	assert_int_equal(t->desired, SW_ST_SHUTDOWN);
	assert_int_equal(t->addrs[0].ip, ip("10.255.0.5"));

	must_parse(v, DK_NETWORKS, MODEL_NONE, "docker/swagger-networks.json");
	assert_int_equal(v->n_nets, 3);
	assert_string_equal(v->nets[0].name, "bridge");
	assert_int_equal(v->nets[0].subnet, ip("172.17.0.0"));
	assert_string_equal(v->nets[2].name, "host");
	assert_false(v->nets[2].has_subnet);

	/* a local network's plain inspect: Containers only, no Services map */
	must_parse(v, DK_NETWORK_VERBOSE, MODEL_NONE, "docker/swagger-network.json");
	assert_int_equal(v->n_nets, 4);
	n = &v->nets[3];
	assert_string_equal(n->name, "net01");
	assert_int_equal(n->subnet, ip("172.19.0.0"));
	assert_true(n->verbose_read);
	assert_int_equal(n->n_svcs, 0);
	assert_int_equal(n->n_local, 1);
	assert_string_equal(n->local[0].name, "test");
	assert_int_equal(n->local[0].ip, ip("172.19.0.2"));
	assert_int_equal(model_sw_link(v, &err), ESRA_OK);
	model_sw_free(v);
}

static void test_docker_payloads_fed_byte_by_byte_give_the_same_model(void **state)
{
	static const size_t pieces[] = {1, 2, 7, 100, 4096};
	struct buf ref, got;

	(void)state;
	for (int worker = 0; worker < 2; worker++) {
		struct sw_view *v = worker ? testbed_worker(0) : testbed_manager(0);
		buf_init(&ref, 0);
		dump_view(v, &ref);
		model_sw_free(v);
		for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
			v = worker ? testbed_worker(pieces[i]) : testbed_manager(pieces[i]);
			buf_init(&got, 0);
			dump_view(v, &got);
			if (strcmp(ref.data, got.data) != 0)
				fail_msg("pieces of %zu differ:\n%s\n---\n%s", pieces[i], ref.data,
				         got.data);
			buf_free(&got);
			model_sw_free(v);
		}
		buf_free(&ref);
	}
	/* the swagger arrays too */
	{
		static const struct {
			enum docker_payload kind;
			const char *rel;
		} files[] = {
		    {DK_INFO, "docker/swagger-info.json"},
		    {DK_TASKS, "docker/swagger-tasks.json"},
		    {DK_NETWORKS, "docker/swagger-networks.json"},
		    {DK_NETWORK_VERBOSE, "docker/swagger-network.json"},
		};
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			struct sw_view *a = new_view(), *b = new_view();
			struct esra_err err;
			assert_int_equal(
			    parse_fixture(a, files[i].kind, MODEL_NONE, files[i].rel, 0, &err), 0);
			assert_int_equal(
			    parse_fixture(b, files[i].kind, MODEL_NONE, files[i].rel, 1, &err), 0);
			buf_init(&ref, 0);
			buf_init(&got, 0);
			dump_view(a, &ref);
			dump_view(b, &got);
			assert_string_equal(ref.data, got.data);
			buf_free(&ref);
			buf_free(&got);
			model_sw_free(a);
			model_sw_free(b);
		}
	}
}

/* ---------------------------------------------------------------- bad payloads */

static int code_by_name(const char *name)
{
	static const struct {
		const char *name;
		int code;
	} codes[] = {{"EPARSE", ESRA_EPARSE},
	             {"ETOOLARGE", ESRA_ETOOLARGE},
	             {"EINVAL", ESRA_EINVAL},
	             {"ENOMEM", ESRA_ENOMEM},
	             {"ENOTREADY", ESRA_ENOTREADY}};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].name, name) == 0)
			return codes[i].code;
	fail_msg("unknown code %s", name);
	return 0;
}

static enum docker_payload payload_by_name(const char *name)
{
	static const struct {
		const char *name;
		enum docker_payload kind;
	} kinds[] = {{"version", DK_VERSION},
	             {"info", DK_INFO},
	             {"nodes", DK_NODES},
	             {"services", DK_SERVICES},
	             {"tasks", DK_TASKS},
	             {"networks", DK_NETWORKS},
	             {"network-verbose", DK_NETWORK_VERBOSE},
	             {"containers", DK_CONTAINERS}};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return kinds[i].kind;
	fail_msg("unknown payload %s", name);
	return DK_INFO;
}

/* One bad fixture: its .expect names the payload, the code and a part of the message. The
 * same error must come whether the payload arrives whole or byte by byte. */
static void run_bad(const char *name)
{
	char rel[256], payload[64] = "", code[32] = "", msg[256] = "";
	char *expect, *json, *line, *save = NULL;
	size_t n;

	snprintf(rel, sizeof(rel), "docker/bad/%s.expect", name);
	expect = tu_fixture(rel, NULL);
	for (line = strtok_r(expect, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "payload ", 8) == 0)
			snprintf(payload, sizeof(payload), "%s", line + 8);
		else if (strncmp(line, "code ", 5) == 0)
			snprintf(code, sizeof(code), "%s", line + 5);
		else if (strncmp(line, "message ", 8) == 0)
			snprintf(msg, sizeof(msg), "%s", line + 8);
	}
	free(expect);
	snprintf(rel, sizeof(rel), "docker/bad/%s.json", name);
	json = tu_fixture(rel, &n);
	for (size_t piece = 0; piece <= 1; piece++) {
		struct sw_view *v = new_view();
		struct esra_err err;
		char version[16];
		int rc;

		esra_err_clear(&err);
		if (strcmp(payload, "version") == 0)
			rc = docker_pick_version(json, n, version, sizeof(version), &err);
		else
			rc = docker_parse_pieces(payload_by_name(payload), v, MODEL_NONE, json, n,
			                         piece, &err);
		if (rc != code_by_name(code) || err.code != rc || strstr(err.msg, msg) == NULL)
			fail_msg("%s (pieces of %zu): got %d \"%s\", want %s \"%s\"", name, piece,
			         rc, err.msg, code, msg);
		model_sw_free(v);
	}
	free(json);
}

static void test_docker_bad_fixtures_fail_with_their_expected_error(void **state)
{
	DIR *dir = opendir(tu_fixture_path("docker/bad"));
	struct dirent *de;
	int seen = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);
		char name[256];
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), de->d_name);
		run_bad(name);
		seen++;
	}
	closedir(dir);
	assert_true(seen >= 25);
}

static void test_docker_parse_errors_name_the_payload(void **state)
{
	struct sw_view *v = new_view();
	struct esra_err err;

	(void)state;
	assert_int_equal(docker_parse_tasks(v, "[{}", 3, &err), ESRA_EPARSE);
	assert_string_equal(err.msg, "docker /tasks payload: task[0]: ID is missing");
	assert_int_equal(docker_parse_tasks(v, "[", 1, &err), ESRA_EPARSE);
	assert_string_equal(
	    err.msg, "docker /tasks payload: malformed JSON at byte 1: document is truncated");
	assert_int_equal(docker_parse_tasks(v, "[5]", 3, &err), ESRA_EPARSE);
	assert_string_equal(err.msg, "docker /tasks payload: task[0]: not a JSON object");
	model_sw_free(v);
}

static void test_docker_element_over_the_cap_is_too_large(void **state)
{
	size_t n = ESRA_MAX_JSON_ELEMENT + 64;
	char *json = malloc(n);
	struct sw_view *v = new_view();
	struct esra_err err;
	static const char head[] = "[{\"ID\":\"big\",\"Spec\":\"";

	(void)state;
	assert_non_null(json);
	memcpy(json, head, sizeof(head) - 1);
	memset(json + sizeof(head) - 1, 'x', n - sizeof(head) + 1);
	memcpy(json + n - 3, "\"}]", 3);
	assert_int_equal(docker_parse_tasks(v, json, n, &err), ESRA_ETOOLARGE);
	assert_non_null(
	    strstr(err.msg, "docker /tasks payload: a JSON value is over 33554432 bytes"));
	assert_int_equal(v->n_tasks, 0);
	/* byte by byte too: the cap holds across pieces */
	assert_int_equal(docker_parse_pieces(DK_TASKS, v, MODEL_NONE, json, n, 1 << 16, &err),
	                 ESRA_ETOOLARGE);
	free(json);
	model_sw_free(v);
}

static void test_docker_too_many_addresses_are_too_large(void **state)
{
	struct buf b;
	struct sw_view *v = new_view();
	struct esra_err err;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "[{\"ID\":\"s\",\"Spec\":{\"Name\":\"s\"},\"Endpoint\":"
	                              "{\"VirtualIPs\":["),
	                 0);
	for (int i = 0; i <= ESRA_MAX_ADDRS; i++)
		assert_int_equal(buf_printf(&b,
		                            "%s{\"NetworkID\":\"n\",\"Addr\":\"10.0.%d.%d/16\"}",
		                            i ? "," : "", i / 250, i % 250 + 1),
		                 0);
	assert_int_equal(buf_puts(&b, "]}}]"), 0);
	assert_int_equal(docker_parse_services(v, b.data, b.len, &err), ESRA_ETOOLARGE);
	assert_non_null(strstr(err.msg, "more than 64 Endpoint.VirtualIPs (ESRA_MAX_ADDRS)"));
	buf_free(&b);
	model_sw_free(v);
}

/* Odd values that are normal in the field are read, not refused. */
static void test_docker_odd_but_normal_values_are_tolerated(void **state)
{
	struct sw_view *v = new_view();
	struct esra_err err;
	const char *tasks =
	    "[{\"ID\":\"pending\",\"ServiceID\":\"s\",\"Status\":{\"State\":\"pending\"},"
	    "\"DesiredState\":\"running\"},"
	    "{\"ID\":\"dual\",\"Slot\":3,\"NodeID\":\"\",\"Status\":{\"State\":\"hibernating\","
	    "\"Err\":\"no suitable node\",\"Message\":\"pending task scheduling\"},"
	    "\"DesiredState\":\"running\",\"NetworksAttachments\":[{\"Network\":{\"ID\":\"n\"},"
	    "\"Addresses\":[\"fd00::3/64\",\"10.0.9.3/24\"]},{\"Network\":{\"ID\":\"m\"},"
	    "\"Addresses\":null}]}]";
	const char *services =
	    "[{\"ID\":\"g\",\"Spec\":{\"Name\":\"glob\",\"Labels\":{\"com.docker.stack.namespace\":"
	    "\"prod\"},\"Mode\":{\"Global\":{}},\"EndpointSpec\":{\"Mode\":\"dnsrr\"},"
	    "\"Networks\":[{\"Target\":\"n\",\"Aliases\":[\"old-style\"]}]},"
	    "\"Endpoint\":{\"VirtualIPs\":[{\"NetworkID\":\"n\"},{\"NetworkID\":\"m\",\"Addr\":"
	    "\"\"}]}},"
	    "{\"ID\":\"j\",\"Spec\":{\"Name\":\"job\",\"Mode\":{\"ReplicatedJob\":{"
	    "\"TotalCompletions\":3}}}},"
	    "{\"ID\":\"x\",\"Spec\":{\"Name\":\"x\"}}]";
	const char *verbose =
	    "{\"Id\":\"n\",\"Name\":\"dnsnet\",\"Scope\":\"swarm\",\"Services\":{\"glob\":"
	    "{\"VIP\":\"\",\"Tasks\":null},\"gone\":{\"Tasks\":[{\"Name\":\"gone.1.x\","
	    "\"EndpointIP\":\"10.0.9.9\"}]}},\"Containers\":{\"a\":{\"Name\":\"v6only\","
	    "\"IPv4Address\":\"\",\"IPv6Address\":\"fd00::9/64\"}}}";
	const char *containers =
	    "[{\"Id\":\"c1\",\"Names\":[],\"State\":\"created\",\"Labels\":null,"
	    "\"NetworkSettings\":{\"Networks\":{\"none\":{\"NetworkID\":\"z\",\"IPAddress\":\"\","
	    "\"IPPrefixLen\":0,\"Aliases\":null}}}},{\"Id\":\"c2\",\"Names\":[\"/c2\",\"/x/"
	    "link\"]}]";
	const char *info = "{\"Name\":\"solo\",\"Swarm\":{\"NodeID\":\"\",\"LocalNodeState\":"
	                   "\"inactive\",\"ControlAvailable\":false}}";

	(void)state;
	assert_int_equal(docker_parse_info(v, info, strlen(info), &err), ESRA_OK);
	assert_false(v->self.swarm_active);
	assert_string_equal(v->self.hostname, "solo");

	assert_int_equal(docker_parse_tasks(v, tasks, strlen(tasks), &err), ESRA_OK);
	assert_int_equal(v->n_tasks, 2);
	assert_int_equal(v->tasks[0].n_addrs, 0); /* no NetworksAttachments: fine */
	assert_int_equal(v->tasks[0].state, SW_ST_PENDING);
	assert_null(v->tasks[0].container_id);
	assert_null(v->tasks[0].node_id);
	assert_int_equal(v->tasks[1].state, SW_ST_UNKNOWN); /* a state esra does not know */
	assert_string_equal(v->tasks[1].message, "no suitable node"); /* Err before Message */
	assert_string_equal(v->tasks[1].node_id, "");
	assert_int_equal(v->tasks[1].n_addrs, 1); /* IPv6 skipped */
	assert_int_equal(v->tasks[1].addrs[0].ip, ip("10.0.9.3"));

	assert_int_equal(docker_parse_services(v, services, strlen(services), &err), ESRA_OK);
	assert_int_equal(v->services[0].mode, SW_MODE_GLOBAL);
	assert_int_equal(v->services[0].replicas, -1);
	assert_true(v->services[0].dnsrr);
	assert_string_equal(v->services[0].stack, "prod");
	assert_int_equal(v->services[0].n_vips, 0);    /* VIP entries without Addr: none */
	assert_int_equal(v->services[0].n_aliases, 1); /* deprecated Spec.Networks */
	assert_string_equal(v->services[0].aliases[0].alias, "old-style");
	assert_int_equal(v->services[1].mode, SW_MODE_REPLICATED_JOB);
	assert_int_equal(v->services[2].mode, SW_MODE_OTHER);
	assert_int_equal(v->services[2].created_ms, 0);

	assert_int_equal(docker_parse_network_verbose(v, verbose, strlen(verbose), &err), ESRA_OK);
	assert_int_equal(v->n_nets, 1);
	assert_int_equal(v->nets[0].n_svcs, 2);
	assert_false(v->nets[0].svcs[0].has_vip);       /* "" VIP */
	assert_int_equal(v->nets[0].svcs[0].n_eps, 0);  /* Tasks null */
	assert_false(v->nets[0].svcs[1].has_vip);       /* VIP missing */
	assert_null(v->nets[0].svcs[1].eps[0].host_ip); /* no Info */
	assert_int_equal(v->nets[0].n_local, 0);        /* IPv6-only endpoint skipped */

	assert_int_equal(docker_parse_containers(v, containers, strlen(containers), &err), ESRA_OK);
	assert_string_equal(v->containers[0].name, "");
	assert_false(v->containers[0].nets[0].has_ip);
	assert_null(v->containers[0].task_id);
	assert_string_equal(v->containers[1].name, "c2");
	assert_int_equal(v->containers[1].n_nets, 0);
	assert_int_equal(model_sw_link(v, &err), ESRA_OK);
	assert_int_equal(v->tasks[1].addrs[0].net, 0);
	model_sw_free(v);
}

static void test_docker_version_negotiation_picks_the_lower_of_daemon_and_esra(void **state)
{
	static const struct {
		const char *json;
		int rc;
		const char *want;
	} cases[] = {
	    {"{\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}", ESRA_OK, "1.41"},
	    {"{\"ApiVersion\":\"1.47\",\"MinAPIVersion\":\"1.24\"}", ESRA_OK, "1.47"},
	    {"{\"ApiVersion\":\"1.51\"}", ESRA_OK, "1.51"},
	    /* Docker 29: newest 1.52, refuses below 1.44: esra speaks its newest, 1.51 */
	    {"{\"ApiVersion\":\"1.52\",\"MinAPIVersion\":\"1.44\"}", ESRA_OK, "1.51"},
	    {"{\"ApiVersion\":\"1.100\",\"MinAPIVersion\":\"1.51\"}", ESRA_OK, "1.51"},
	    {"{\"ApiVersion\":\"1.40\",\"MinAPIVersion\":\"1.12\"}", ESRA_EINVAL, ""},
	    {"{\"ApiVersion\":\"1.60\",\"MinAPIVersion\":\"1.52\"}", ESRA_EINVAL, ""},
	    {"{\"ApiVersion\":\"1.41.2\"}", ESRA_EPARSE, ""},
	    {"{\"ApiVersion\":141}", ESRA_EPARSE, ""},
	    {"[]", ESRA_EPARSE, ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[16];
		struct esra_err err;
		int rc = docker_pick_version(cases[i].json, strlen(cases[i].json), out, sizeof(out),
		                             &err);
		if (rc != cases[i].rc || strcmp(out, cases[i].want) != 0)
			fail_msg("%s: got %d \"%s\" (%s)", cases[i].json, rc, out, err.msg);
	}
}

/* ---------------------------------------------------------------- a daemon stand-in */

struct payloads {
	char *m_info, *m_nodes, *m_services, *m_tasks, *m_networks, *m_verbose, *m_containers;
	char *w_info, *w_verbose, *w_containers, *w_503;
	char *i_gateway, *i_w2;
};
static struct payloads P;

struct srv {
	struct MHD_Daemon *d;
	unsigned short port;
	char sock_dir[64], sock[108];
	/* the scenario */
	const char *api, *min_api; /* what /version says */
	const char *path_api;      /* the only /vX.Y paths served (NULL: api) */
	const char *info;          /* /info body */
	bool worker;               /* 503 on /nodes, /services, /tasks */
	const char *fail_path;     /* this path (after /vX.Y/) answers fail_status */
	int fail_status;
	const char *fail_body;
	const char *slow_path; /* this path sleeps slow_ms first */
	int slow_ms;
	bool need_client_cert;
	/* what happened */
	pthread_mutex_t mu;
	char log[8192];
	int connections;
	int rejected_certs;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Api-Version", "1.41");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static bool client_cert_ok(struct MHD_Connection *c)
{
#ifdef ESRA_TEST_GNUTLS
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	unsigned status = 0;

	if (ci == NULL || ci->tls_session == NULL)
		return false;
	return gnutls_certificate_verify_peers2((gnutls_session_t)ci->tls_session, &status) == 0 &&
	       status == 0;
#else
	(void)c;
	return false;
#endif
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
	struct srv *s = cls;
	const char *verbose = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "verbose");
	const char *status = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "status");
	char prefix[32], msg[256];
	const char *rest;

	static int first_call;

	(void)version;
	(void)upload;
	(void)upload_size;
	/* libmicrohttpd 0.9.75 closes the connection when a response is queued in the first
	 * call for a request: answer in the second one, so keep-alive (and esra's connection
	 * reuse) can be seen */
	if (*con_cls == NULL) {
		*con_cls = &first_call;
		return MHD_YES;
	}
	pthread_mutex_lock(&s->mu);
	snprintf(s->log + strlen(s->log), sizeof(s->log) - strlen(s->log), "%s %s%s\n", method, url,
	         verbose != NULL ? "?verbose" : "");
	pthread_mutex_unlock(&s->mu);
	if (s->need_client_cert && !client_cert_ok(c)) {
		pthread_mutex_lock(&s->mu);
		s->rejected_certs++;
		pthread_mutex_unlock(&s->mu);
		return reply(c, 403, "{\"message\":\"a client certificate is required\"}");
	}
	if (strcmp(method, "GET") != 0)
		return reply(c, 405, "{\"message\":\"esra only reads\"}");
	if (strcmp(url, "/version") == 0) {
		snprintf(msg, sizeof(msg),
		         "{\"Version\":\"test\",\"ApiVersion\":\"%s\",\"MinAPIVersion\":\"%s\","
		         "\"Os\":\"linux\"}",
		         s->api, s->min_api);
		return reply(c, 200, msg);
	}
	snprintf(prefix, sizeof(prefix), "/v%s/", s->path_api != NULL ? s->path_api : s->api);
	if (strncmp(url, prefix, strlen(prefix)) != 0) {
		snprintf(msg, sizeof(msg), "{\"message\":\"client version in %.40s is not %s\"}",
		         url, prefix);
		return reply(c, 400, msg);
	}
	rest = url + strlen(prefix);
	if (s->fail_path != NULL && strcmp(rest, s->fail_path) == 0)
		return reply(c, (unsigned)s->fail_status, s->fail_body);
	if (s->slow_path != NULL && strcmp(rest, s->slow_path) == 0)
		usleep((useconds_t)s->slow_ms * 1000);
	if (strcmp(rest, "info") == 0)
		return reply(c, 200, s->info);
	if (strcmp(rest, "nodes") == 0 || strcmp(rest, "services") == 0 ||
	    strcmp(rest, "tasks") == 0) {
		if (s->worker)
			return reply(c, 503, P.w_503);
		if (strcmp(rest, "services") == 0 &&
		    (status == NULL || strcmp(status, "true") != 0))
			return reply(c, 400, "{\"message\":\"want status=true\"}");
		return reply(c, 200,
		             rest[0] == 'n'   ? P.m_nodes
		             : rest[0] == 's' ? P.m_services
		                              : P.m_tasks);
	}
	if (strcmp(rest, "networks") == 0)
		return reply(c, 200, P.m_networks); /* the worker lists the same swarm networks */
	if (strcmp(rest, "networks/" GBSNET) == 0 && verbose != NULL &&
	    strcmp(verbose, "true") == 0)
		return reply(c, 200, s->worker || s->info == P.w_info ? P.w_verbose : P.m_verbose);
	if (strncmp(rest, "networks/", 9) == 0) {
		snprintf(msg, sizeof(msg), "{\"message\":\"network %.80s not found\"}", rest + 9);
		return reply(c, 404, msg);
	}
	if (strcmp(rest, "containers/json") == 0)
		return reply(c, 200, s->info == P.w_info ? P.w_containers : P.m_containers);
	if (strcmp(rest, "containers/" GATEWAY_ID "/json") == 0 ||
	    strcmp(rest, "containers/gateway/json") == 0)
		return reply(c, 200, P.i_gateway);
	if (strcmp(rest, "containers/" W2_ID "/json") == 0)
		return reply(c, 200, P.i_w2);
	if (strcmp(rest, "containers/stopped/json") == 0)
		return reply(c, 200,
		             "{\"Id\":\"abc\",\"State\":{\"Status\":\"exited\","
		             "\"Running\":false,\"Pid\":0}}");
	snprintf(msg, sizeof(msg), "{\"message\":\"No such object: %.80s\"}", rest);
	return reply(c, 404, msg);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct srv *s = cls;

	(void)c;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		pthread_mutex_lock(&s->mu);
		s->connections++;
		pthread_mutex_unlock(&s->mu);
	}
}

static void srv_init(struct srv *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->api = "1.41";
	s->min_api = "1.12";
	s->info = P.m_info;
}

/* Start on 127.0.0.1:random (or a unix socket, or with TLS: key/cert PEM and the CA that
 * signs client certificates). */
static void srv_start(struct srv *s, bool unix_sock, const char *tls_key, const char *tls_cert,
                      const char *tls_trust)
{
	/* a thread per connection: esra reads the endpoints on several at once */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tls_key != NULL)
		flags |= MHD_USE_TLS;
	if (unix_sock) {
		struct sockaddr_un sun;
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		assert_true(fd >= 0);
		snprintf(s->sock_dir, sizeof(s->sock_dir), "/tmp/esra-dk-XXXXXX");
		assert_non_null(mkdtemp(s->sock_dir));
		snprintf(s->sock, sizeof(s->sock), "%s/docker.sock", s->sock_dir);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->sock);
		assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
		assert_int_equal(listen(fd, 16), 0);
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_LISTEN_SOCKET,
		                        fd, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		                        MHD_OPTION_END);
		if (s->d == NULL)
			close(fd);
	} else if (tls_key != NULL) {
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &sin,
		                        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		                        MHD_OPTION_HTTPS_MEM_KEY, tls_key,
		                        MHD_OPTION_HTTPS_MEM_CERT, tls_cert,
		                        MHD_OPTION_HTTPS_MEM_TRUST, tls_trust, MHD_OPTION_END);
	} else {
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &sin,
		                        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		                        MHD_OPTION_END);
	}
	assert_non_null(s->d);
	if (!unix_sock) {
		const union MHD_DaemonInfo *di =
		    MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
		assert_non_null(di);
		s->port = di->port;
		assert_true(s->port > 0);
	}
}

static void srv_stop(struct srv *s)
{
	if (s->d != NULL)
		MHD_stop_daemon(s->d);
	s->d = NULL;
	if (s->sock[0] != '\0') {
		unlink(s->sock);
		rmdir(s->sock_dir);
	}
	pthread_mutex_destroy(&s->mu);
}

static struct docker *client(const struct srv *s, const char *scheme, long timeout_ms)
{
	struct docker_opts o;
	struct esra_err err;
	char host[160];
	struct docker *d;

	memset(&o, 0, sizeof(o));
	if (s->sock[0] != '\0')
		snprintf(host, sizeof(host), "unix://%s", s->sock);
	else
		snprintf(host, sizeof(host), "%s://127.0.0.1:%u", scheme, s->port);
	o.host = host;
	o.timeout_ms = timeout_ms;
	o.cert_path = "";
	d = docker_new(&o, &err);
	if (d == NULL)
		fail_msg("docker_new: %s", err.msg);
	return d;
}

static bool logged(struct srv *s, const char *line)
{
	bool found;

	pthread_mutex_lock(&s->mu);
	found = strstr(s->log, line) != NULL;
	pthread_mutex_unlock(&s->mu);
	return found;
}

/* The full manager read matches the model the fixture parse gives. */
static void assert_manager_model(struct sw_view *v)
{
	struct sw_view *ref = testbed_manager(0);
	struct buf a, b;

	buf_init(&a, 0);
	buf_init(&b, 0);
	dump_view(ref, &a);
	dump_view(v, &b);
	/* the fixture parse did not read ingress verbose (404 here): same either way */
	if (strcmp(a.data, b.data) != 0)
		fail_msg("docker_read differs from the fixtures:\n%s\n---\n%s", a.data, b.data);
	buf_free(&a);
	buf_free(&b);
	model_sw_free(ref);
}

static void test_docker_read_over_tcp_as_manager(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
	srv_init(&s);
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("docker_read: %s", err.msg);
	assert_string_equal(docker_api_version(d), "1.41");
	assert_string_equal(v->api_version, "1.41");
	v->api_version = ""; /* the fixture parse has none */
	assert_manager_model(v);
	assert_true(v->bytes > 50000);
	/* every call went to /v1.41, ingress's verbose was asked too (404: kept without it) */
	/* every call went to /v1.41, ingress's verbose was asked too (404: kept without it);
	 * after /info the four lanes run at once, each in its own order */
	{
		static const char *const calls[] = {"GET /v1.41/nodes\n",
		                                    "GET /v1.41/services\n",
		                                    "GET /v1.41/tasks\n",
		                                    "GET /v1.41/networks\n",
		                                    "GET /v1.41/networks/" GBSNET "?verbose\n",
		                                    "GET /v1.41/networks/" INGRESS "?verbose\n",
		                                    "GET /v1.41/containers/json\n",
		                                    "GET /v1.41/containers/" GATEWAY_ID "/json\n"};
		size_t lines = 0;
		pthread_mutex_lock(&s.mu);
		assert_int_equal(strncmp(s.log, "GET /version\nGET /v1.41/info\n", 29), 0);
		for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
			if (strstr(s.log, calls[i]) == NULL)
				fail_msg("no %s in:\n%s", calls[i], s.log);
		assert_true(strstr(s.log, calls[0]) < strstr(s.log, calls[1]));
		assert_true(strstr(s.log, calls[3]) < strstr(s.log, calls[4]));
		assert_true(strstr(s.log, calls[6]) < strstr(s.log, calls[7]));
		/* only the non-task container was inspected: nothing else was asked */
		for (const char *l = s.log; (l = strchr(l, '\n')) != NULL; l++)
			lines++;
		assert_int_equal(lines, 10);
		pthread_mutex_unlock(&s.mu);
	}
	assert_false(v->nets[model_sw_net_by_id_or_name(v, "ingress")].verbose_read);
	/* one connection per lane for all ten calls */
	assert_int_equal(s.connections, 4);
	model_sw_free(v);
	/* a second read reuses the negotiated version: no new /version */
	s.log[0] = '\0';
	assert_int_equal(docker_read(d, &v, &err), ESRA_OK);
	assert_false(logged(&s, "/version"));
	model_sw_free(v);
	docker_free(d);
	srv_stop(&s);
}

static void check_worker_read(struct srv *s, bool by_info)
{
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;
	const struct sw_network *n;

	d = client(s, "tcp", 5000);
	esra_err_clear(&err);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("docker_read: %s", err.msg);
	assert_int_equal(err.code, ESRA_OK);
	assert_true(v->worker_view);
	assert_false(v->self.manager);
	assert_false(v->self.leader);
	assert_int_equal(v->n_nodes, 0);
	assert_int_equal(v->n_services, 0);
	assert_int_equal(v->n_tasks, 0);
	n = &v->nets[model_sw_net_by_id_or_name(v, "gbsnet")];
	assert_true(n->verbose_read);
	assert_int_equal(netsvc(n, "ghost")->vip, ip("10.0.1.7"));
	if (by_info) {
		assert_string_equal(v->self.id, "h6utgt6zwtxyxweaoyz4ynj1a");
		assert_int_equal(v->n_containers, 1);
		assert_string_equal(v->containers[0].name, "w2");
		assert_int_equal(v->containers[0].nets[0].n_aliases, 0);
		assert_false(logged(s, "/nodes"));
		assert_true(logged(s, "GET /v1.41/containers/" W2_ID "/json\n"));
	} else {
		assert_true(logged(s, "GET /v1.41/nodes\n"));
		assert_false(logged(s, "/services"));
	}
	model_sw_free(v);
	docker_free(d);
}

static void test_docker_read_as_worker_is_a_worker_view_not_an_error(void **state)
{
	struct srv s;

	(void)state;
	/* /info says ControlAvailable false: the manager-only calls are not even made */
	srv_init(&s);
	s.info = P.w_info;
	s.worker = true;
	srv_start(&s, false, NULL, NULL, NULL);
	check_worker_read(&s, true);
	srv_stop(&s);
	/* /info says manager, /nodes answers 503 "not a swarm manager" (demoted meanwhile) */
	srv_init(&s);
	s.worker = true;
	srv_start(&s, false, NULL, NULL, NULL);
	check_worker_read(&s, false);
	srv_stop(&s);
}

static void test_docker_node_outside_a_swarm_reads_no_swarm_endpoints(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
	srv_init(&s);
	s.info = "{\"Name\":\"solo\",\"ServerVersion\":\"20.10.24\",\"Swarm\":{\"NodeID\":\"\","
	         "\"NodeAddr\":\"\",\"LocalNodeState\":\"inactive\",\"ControlAvailable\":false,"
	         "\"Error\":\"\",\"RemoteManagers\":null}}";
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("docker_read: %s", err.msg);
	assert_false(v->self.swarm_active);
	assert_false(v->worker_view);
	assert_string_equal(v->self.hostname, "solo");
	assert_int_equal(v->n_services, 0);
	assert_false(logged(&s, "/nodes"));
	assert_false(logged(&s, "/services"));
	assert_false(logged(&s, "/tasks"));
	assert_true(logged(&s, "GET /v1.41/containers/json\n"));
	model_sw_free(v);
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_503_without_a_leader_is_an_error(void **state)
{
	struct srv s;
	struct docker *d;
	static struct sw_view dummy;
	struct sw_view *v = &dummy;
	struct esra_err err;

	(void)state;
	srv_init(&s);
	s.fail_path = "nodes";
	s.fail_status = 503;
	s.fail_body = "{\"message\":\"rpc error: code = Unknown desc = The swarm does not have a "
	              "leader. It's possible that too few managers are online.\"}";
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_EHTTP);
	assert_null(v);
	assert_non_null(strstr(err.msg, "docker GET /v1.41/nodes: HTTP 503: rpc error"));
	assert_non_null(strstr(err.msg, "does not have a leader"));
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_daemon_older_than_1_41_is_refused(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
	srv_init(&s);
	s.api = "1.40";
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_EINVAL);
	assert_null(v);
	assert_non_null(strstr(err.msg, "docker GET /version (tcp://127.0.0.1:"));
	assert_non_null(strstr(err.msg, "the daemon speaks Engine API 1.40, older than 1.41"));
	assert_string_equal(docker_api_version(d), "");
	assert_false(logged(&s, "/info"));
	docker_free(d);
	srv_stop(&s);
}

static void run_at_version(const char *daemon, const char *min, const char *want)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;
	char line[64];

	srv_init(&s);
	s.api = daemon; /* what /version reports */
	s.min_api = min;
	s.path_api = want; /* the stand-in serves only the version esra should pick */
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("docker_read against %s: %s", daemon, err.msg);
	assert_string_equal(docker_api_version(d), want);
	assert_string_equal(v->api_version, want);
	assert_int_equal(v->n_tasks, 5);
	snprintf(line, sizeof(line), "GET /v%s/tasks\n", want);
	assert_true(logged(&s, line));
	model_sw_free(v);
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_daemon_at_1_47_is_spoken_to_at_1_47(void **state)
{
	(void)state;
	run_at_version("1.47", "1.24", "1.47");
	/* Docker 29 (1.52, refuses < 1.44): esra's newest */
	run_at_version("1.52", "1.44", "1.51");
}

static void test_docker_timeout_names_the_endpoint(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;
	int64_t t0;

	(void)state;
	srv_init(&s);
	s.slow_path = "tasks";
	s.slow_ms = 1500;
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 300);
	t0 = esra_mono_ms();
	assert_int_equal(docker_read(d, &v, &err), ESRA_ETIMEOUT);
	assert_true(esra_mono_ms() - t0 < 1400);
	assert_null(v);
	if (strstr(err.msg, "docker GET /v1.41/tasks on tcp://127.0.0.1:") == NULL)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(err.msg, "no answer within 300 ms"));
	/* a failed read asks /version again next time */
	assert_string_equal(docker_api_version(d), "");
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_500_on_tasks_names_tasks(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
	srv_init(&s);
	s.fail_path = "tasks";
	s.fail_status = 500;
	s.fail_body = "{\"message\":\"rpc error: code = ResourceExhausted desc = grpc: received "
	              "message larger than max\"}\n";
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_EHTTP);
	assert_null(v);
	assert_string_equal(err.msg,
	                    "docker GET /v1.41/tasks: HTTP 500: rpc error: code = "
	                    "ResourceExhausted desc = grpc: received message larger than max");
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_malformed_answer_names_endpoint_and_byte(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
	srv_init(&s);
	s.fail_path = "networks";
	s.fail_status = 200;
	s.fail_body = "[{\"Id\":\"a\",\"Name\":\"x\"} {\"Id\":\"b\"}]";
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_EPARSE);
	assert_null(v);
	assert_string_equal(err.msg, "docker GET /v1.41/networks: malformed JSON at byte 23: "
	                             "expected ',' or a closing bracket");
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_answer_over_max_body_is_too_large(void **state)
{
	struct srv s;
	struct docker *d;
	struct docker_opts o;
	struct sw_view *v = NULL;
	struct esra_err err;
	char host[64];

	(void)state;
	srv_init(&s);
	srv_start(&s, false, NULL, NULL, NULL);
	memset(&o, 0, sizeof(o));
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%u", s.port);
	o.host = host;
	o.timeout_ms = 5000;
	o.max_body = 10000; /* /tasks is 15519 bytes */
	d = docker_new(&o, &err);
	assert_non_null(d);
	assert_int_equal(docker_read(d, &v, &err), ESRA_ETOOLARGE);
	assert_null(v);
	assert_non_null(strstr(err.msg, "docker GET /v1.41/tasks: "));
	assert_non_null(strstr(err.msg, "over 10000 bytes"));
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_connect_failure_is_econnect(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;
	unsigned short port;

	(void)state;
	srv_init(&s);
	srv_start(&s, false, NULL, NULL, NULL);
	port = s.port;
	srv_stop(&s);
	srv_init(&s);
	s.port = port; /* nobody listens there now */
	d = client(&s, "tcp", 2000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_ECONNECT);
	assert_null(v);
	if (strstr(err.msg, "docker GET /version on tcp://127.0.0.1:") == NULL)
		fail_msg("%s", err.msg);
	docker_free(d);
	pthread_mutex_destroy(&s.mu);
	/* a socket path with no daemon behind it */
	{
		struct docker_opts o;
		memset(&o, 0, sizeof(o));
		o.host = "unix:///nonexistent/esra/docker.sock";
		o.timeout_ms = 1000;
		d = docker_new(&o, &err);
		assert_non_null(d);
		assert_int_equal(docker_read(d, &v, &err), ESRA_ECONNECT);
		assert_non_null(strstr(err.msg, "docker GET /version on unix:///nonexistent/esra/"
		                                "docker.sock: "));
		docker_free(d);
	}
}

static void test_docker_read_over_a_unix_socket(void **state)
{
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
	srv_init(&s);
	srv_start(&s, true, NULL, NULL, NULL);
	d = client(&s, NULL, 5000);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("docker_read over %s: %s", s.sock, err.msg);
	v->api_version = "";
	assert_manager_model(v);
	assert_int_equal(s.connections, 4); /* one per lane */
	model_sw_free(v);
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_container_pid(void **state)
{
	struct srv s;
	struct docker *d;
	struct esra_err err;
	pid_t pid = 1;

	(void)state;
	srv_init(&s);
	srv_start(&s, false, NULL, NULL, NULL);
	d = client(&s, "tcp", 5000);
	assert_int_equal(docker_container_pid(d, "gateway", &pid, &err), ESRA_OK);
	assert_int_equal(pid, 21877);
	assert_int_equal(docker_container_pid(d, "nosuch", &pid, &err), ESRA_ENOTFOUND);
	assert_int_equal(pid, 0);
	assert_string_equal(err.msg, "docker GET /v1.41/containers/nosuch/json: HTTP 404: No such "
	                             "object: containers/nosuch/json");
	assert_int_equal(docker_container_pid(d, "stopped", &pid, &err), ESRA_EINVAL);
	assert_non_null(strstr(err.msg, "stopped is not running"));
	/* a name is escaped into the path */
	assert_int_equal(docker_container_pid(d, "a/b c", &pid, &err), ESRA_ENOTFOUND);
	assert_true(logged(&s, "GET /v1.41/containers/a/b c/json") ||
	            logged(&s, "GET /v1.41/containers/a%2Fb%20c/json"));
	docker_free(d);
	srv_stop(&s);
}

static void test_docker_new_rejects_bad_hosts(void **state)
{
	static const char *const bad[] = {"http://127.0.0.1:2375", "unix://relative.sock", "tcp://",
	                                  "npipe:////./pipe/docker_engine", ""};
	struct docker_opts o;
	struct esra_err err;
	char dir[] = "/tmp/esra-dk-XXXXXX", path[128];
	FILE *f;

	(void)state;
	memset(&o, 0, sizeof(o));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.host = bad[i];
		assert_null(docker_new(&o, &err));
		assert_int_equal(err.code, ESRA_ECONFIG);
	}
	/* cert.pem without key.pem */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cert.pem", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	o.host = "tcp://127.0.0.1:2376";
	o.cert_path = dir;
	assert_null(docker_new(&o, &err));
	assert_int_equal(err.code, ESRA_ECONFIG);
	assert_non_null(strstr(err.msg, "cert.pem is there but key.pem cannot be read"));
	/* tls_verify needs ca.pem */
	unlink(path);
	o.tls_verify = true;
	assert_null(docker_new(&o, &err));
	assert_non_null(strstr(err.msg, "ca.pem cannot be read"));
	rmdir(dir);
}

/* esra only reads the Docker API, by construction: the reader's HTTP handle refuses every
 * other method before connecting (a read-only bind mount of the socket would not stop a
 * POST: the daemon takes it), and the same handle still reads. */
static void test_docker_http_handle_sends_only_get(void **state)
{
	static const char *const methods[] = {"POST", "PUT", "DELETE", "PATCH", "HEAD", "get"};
	struct srv s;
	struct docker *d;
	struct esra_err err;
	long status;

	(void)state;
	srv_init(&s);
	srv_start(&s, true, NULL, NULL, NULL);
	d = client(&s, "http", 2000);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		status = -1;
		assert_int_equal(docker_send(d, methods[i], "/v1.41/volumes/create", &status, &err),
		                 ESRA_EREFUSED);
		assert_int_equal(status, 0);
		assert_non_null(strstr(err.msg, methods[i]));
		assert_non_null(strstr(err.msg, "refused: this client only sends GET"));
	}
	pthread_mutex_lock(&s.mu);
	assert_int_equal(s.connections, 0);
	assert_string_equal(s.log, "");
	pthread_mutex_unlock(&s.mu);
	assert_int_equal(docker_send(d, "GET", "/version", &status, &err), ESRA_OK);
	assert_int_equal(status, 200);
	assert_true(logged(&s, "GET /version\n"));
	docker_free(d);
	srv_stop(&s);
}

/* ---------------------------------------------------------------- TLS */

static int sh(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

static char *slurp(const char *dir, const char *name)
{
	char path[256];
	FILE *f;
	char *data;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	data = calloc(1, (size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return data;
}

/* A CA, a server certificate for 127.0.0.1 and a client certificate in dir/pki, laid out for
 * the client as the docker CLI wants it (dir/client: ca.pem cert.pem key.pem), plus a second
 * CA the server is not signed by (dir/other/ca.pem). */
static int make_pki(const char *dir)
{
	char cmd[4096];

	snprintf(
	    cmd, sizeof(cmd),
	    "cd '%s' && (set -e; mkdir -p client other noclient;"
	    "K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';"
	    "openssl req -x509 $K -keyout ca.key -out ca.pem -days 2 -subj /CN=esra-test-ca;"
	    "openssl req $K -keyout server.key -out server.csr -subj /CN=127.0.0.1;"
	    "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext;"
	    "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
	    " -out server.pem -days 2 -extfile server.ext;"
	    "openssl req $K -keyout client/key.pem -out client.csr -subj /CN=esra;"
	    "printf 'extendedKeyUsage=clientAuth\\n' > client.ext;"
	    "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
	    " -out client/cert.pem -days 2 -extfile client.ext;"
	    "cp ca.pem client/ca.pem; cp ca.pem noclient/ca.pem;"
	    "openssl req -x509 $K -keyout other/ca.key -out other/ca.pem -days 2 -subj /CN=other"
	    ") >/dev/null 2>&1",
	    dir);
	return sh(cmd);
}

static struct docker *tls_client(const struct srv *s, const char *cert_path, bool verify,
                                 struct esra_err *err)
{
	struct docker_opts o;
	char host[64];

	memset(&o, 0, sizeof(o));
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%u", s->port);
	o.host = host;
	o.timeout_ms = 5000;
	o.tls_verify = verify;
	o.cert_path = cert_path;
	return docker_new(&o, err);
}

static void test_docker_read_over_tls_with_client_certificates(void **state)
{
	char dir[] = "/tmp/esra-dk-tls-XXXXXX", path[256], cmd[300];
	char *key, *cert, *ca;
	struct srv s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
#ifndef ESRA_TEST_GNUTLS
	print_message("TLS test needs GnuTLS headers to check client certificates\n");
	skip();
#endif
	if (sh("command -v openssl >/dev/null 2>&1") != 0) {
		print_message("TLS test needs the openssl command (Debian package openssl)\n");
		skip();
	}
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		print_message("TLS test needs libmicrohttpd built with TLS\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	assert_int_equal(make_pki(dir), 0);
	key = slurp(dir, "server.key");
	cert = slurp(dir, "server.pem");
	ca = slurp(dir, "ca.pem");
	srv_init(&s);
	s.need_client_cert = true;
	srv_start(&s, false, key, cert, ca);

	/* verified both ways: the daemon's certificate against ca.pem, ours by the daemon */
	snprintf(path, sizeof(path), "%s/client", dir);
	d = tls_client(&s, path, true, &err);
	assert_non_null(d);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("docker_read over TLS: %s", err.msg);
	assert_int_equal(v->n_tasks, 5);
	assert_int_equal(s.rejected_certs, 0);
	assert_int_equal(s.connections, 4); /* one per lane */
	model_sw_free(v);
	docker_free(d);

	/* without a client certificate the daemon refuses */
	snprintf(path, sizeof(path), "%s/noclient", dir);
	d = tls_client(&s, path, true, &err);
	assert_non_null(d);
	assert_int_equal(docker_read(d, &v, &err), ESRA_EAUTH);
	assert_non_null(strstr(err.msg, "docker GET /version: HTTP 403: a client certificate"));
	docker_free(d);

	/* a daemon certificate from another CA fails verification */
	snprintf(path, sizeof(path), "%s/other", dir);
	d = tls_client(&s, path, true, &err);
	assert_non_null(d);
	assert_int_equal(docker_read(d, &v, &err), ESRA_ECONNECT);
	assert_non_null(strstr(err.msg, "docker GET /version on tcp://127.0.0.1:"));
	docker_free(d);

	/* ... unless tls_verify is off (the client certificate is still sent) */
	snprintf(path, sizeof(path), "%s/other", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s/client/cert.pem' '%s/client/key.pem' '%s/other/'", dir,
	         dir, dir);
	assert_int_equal(sh(cmd), 0);
	d = tls_client(&s, path, false, &err);
	assert_non_null(d);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("docker_read over TLS without verify: %s", err.msg);
	model_sw_free(v);
	docker_free(d);

	srv_stop(&s);
	free(key);
	free(cert);
	free(ca);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(sh(cmd), 0);
}

/* ---------------------------------------------------------------- main */

static int load_payloads(void **state)
{
	(void)state;
	P.m_info = tu_fixture("docker/testbed/manager-info.json", NULL);
	P.m_nodes = tu_fixture("docker/testbed/manager-nodes.json", NULL);
	P.m_services = tu_fixture("docker/testbed/manager-services.json", NULL);
	P.m_tasks = tu_fixture("docker/testbed/manager-tasks.json", NULL);
	P.m_networks = tu_fixture("docker/testbed/manager-networks.json", NULL);
	P.m_verbose = tu_fixture("docker/testbed/manager-network-gbsnet-verbose.json", NULL);
	P.m_containers = tu_fixture("docker/testbed/manager-containers.json", NULL);
	P.w_info = tu_fixture("docker/testbed/worker-info.json", NULL);
	P.w_verbose = tu_fixture("docker/testbed/worker-network-gbsnet-verbose.json", NULL);
	P.w_containers = tu_fixture("docker/testbed/worker-containers.json", NULL);
	P.w_503 = tu_fixture("docker/testbed/worker-services-503.txt", NULL);
	*strchr(P.w_503, '\n') = '\0'; /* the file's next lines note the status */
	P.i_gateway = tu_fixture("docker/synthetic/inspect-gateway.json", NULL);
	P.i_w2 = tu_fixture("docker/synthetic/inspect-w2.json", NULL);
	return http_global_init();
}

static int free_payloads(void **state)
{
	char **all = (char **)&P;

	(void)state;
	for (size_t i = 0; i < sizeof(P) / sizeof(char *); i++)
		free(all[i]);
	http_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docker_testbed_manager_reads_the_poisoned_state),
	    cmocka_unit_test(test_docker_testbed_worker_gives_containers_and_network_view),
	    cmocka_unit_test(test_docker_swagger_examples_parse),
	    cmocka_unit_test(test_docker_payloads_fed_byte_by_byte_give_the_same_model),
	    cmocka_unit_test(test_docker_bad_fixtures_fail_with_their_expected_error),
	    cmocka_unit_test(test_docker_parse_errors_name_the_payload),
	    cmocka_unit_test(test_docker_element_over_the_cap_is_too_large),
	    cmocka_unit_test(test_docker_too_many_addresses_are_too_large),
	    cmocka_unit_test(test_docker_odd_but_normal_values_are_tolerated),
	    cmocka_unit_test(test_docker_version_negotiation_picks_the_lower_of_daemon_and_esra),
	    cmocka_unit_test(test_docker_read_over_tcp_as_manager),
	    cmocka_unit_test(test_docker_read_as_worker_is_a_worker_view_not_an_error),
	    cmocka_unit_test(test_docker_node_outside_a_swarm_reads_no_swarm_endpoints),
	    cmocka_unit_test(test_docker_503_without_a_leader_is_an_error),
	    cmocka_unit_test(test_docker_daemon_older_than_1_41_is_refused),
	    cmocka_unit_test(test_docker_daemon_at_1_47_is_spoken_to_at_1_47),
	    cmocka_unit_test(test_docker_timeout_names_the_endpoint),
	    cmocka_unit_test(test_docker_500_on_tasks_names_tasks),
	    cmocka_unit_test(test_docker_malformed_answer_names_endpoint_and_byte),
	    cmocka_unit_test(test_docker_answer_over_max_body_is_too_large),
	    cmocka_unit_test(test_docker_connect_failure_is_econnect),
	    cmocka_unit_test(test_docker_read_over_a_unix_socket),
	    cmocka_unit_test(test_docker_container_pid),
	    cmocka_unit_test(test_docker_new_rejects_bad_hosts),
	    cmocka_unit_test(test_docker_http_handle_sends_only_get),
	    cmocka_unit_test(test_docker_read_over_tls_with_client_certificates),
	};
	return cmocka_run_group_tests(tests, load_payloads, free_payloads);
}
