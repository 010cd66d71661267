/* test_cluster.c: the cluster view: the merge of hand-built per-node views into
 * dns_divergence findings (the right nodes, the remedy naming exactly them, a peer that did
 * not answer named), a peer's /status parsed (and what is not one refused), reading peers
 * over HTTP with a bound, and /status carrying the DNS answers the merge compares. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <time.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "cluster.h"
#include "http.h"
#include "report.h"

static ip4_t ip(const char *s)
{
	ip4_t v = 0;

	assert_int_equal(ip4_parse(s, (size_t)-1, &v, NULL), ESRA_OK);
	return v;
}

/* A node that answered, with answers "name=ip,ip;name=;..." ("" = no record). */
static struct cluster_node *node(struct cluster *c, const char *host, const char *answers)
{
	struct cluster_node *n = cluster_add_node(c);
	char buf[512], *save = NULL;

	assert_non_null(n);
	snprintf(buf, sizeof(buf), "id-%s", host);
	assert_int_equal(cluster_node_set(c, n, buf, host, NULL), ESRA_OK);
	n->answered = true;
	n->status = "ok";
	snprintf(buf, sizeof(buf), "%s", answers);
	for (char *a = strtok_r(buf, ";", &save); a != NULL; a = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(a, '='), *s2 = NULL;
		ip4_t ips[8];
		size_t k = 0;
		assert_non_null(eq);
		*eq = '\0';
		for (char *p = strtok_r(eq + 1, ",", &s2); p != NULL; p = strtok_r(NULL, ",", &s2))
			ips[k++] = ip(p);
		assert_int_equal(cluster_node_add_answer(c, n, a, ips, k), ESRA_OK);
	}
	return n;
}

static const struct finding *find(const struct finding_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == FK_DNS_DIVERGENCE && strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	tu_fail("no dns_divergence for %s", name);
}

static bool has_evidence(const struct finding *f, const char *s)
{
	for (size_t i = 0; i < f->n_evidence; i++)
		if (strstr(f->evidence[i], s) != NULL)
			return true;
	return false;
}

/* node2 alone holds a stale address for gbs-cms: one finding naming node2 only. */
static void test_merge_one_node_diverges(void **state)
{
	struct cluster *c = cluster_new("esra_esra", "test");
	struct finding_list l;
	struct esra_err err;
	const struct finding *f;
	struct cluster_node *down;
	char b[IP4_STRLEN];

	(void)state;
	assert_non_null(c);
	assert_int_equal(finding_list_init(&l), ESRA_OK);
	node(c, "node1", "gbs-cms=10.0.1.2;tasks.gbs-cms=10.0.1.3,10.0.1.4;gbs-user=10.0.1.6")
	    ->self = true;
	node(c, "node2", "tasks.gbs-cms=10.0.1.4,10.0.1.3;gbs-cms=10.0.1.250,10.0.1.2");
	node(c, "node3", "GBS-CMS=10.0.1.2;tasks.gbs-cms=10.0.1.3,10.0.1.4;only-here=10.9.9.9");
	down = cluster_add_node(c);
	assert_int_equal(cluster_node_set(c, down, "id-node4", "node4", "10.0.1.40:9477"), 0);
	down->error = "GET http://10.0.1.40:9477/status: no answer within 2000 ms";

	assert_int_equal(cluster_merge(c, &l, &err), ESRA_OK);
	assert_int_equal(l.n, 1); /* tasks.gbs-cms agrees (order differs), others judged once */
	f = find(&l, "gbs-cms");
	assert_int_equal(f->severity, SEV_CRITICAL);
	assert_string_equal(f->key, "dns_divergence:gbs-cms");
	assert_int_equal(f->n_nodes, 1);
	assert_string_equal(f->nodes[0], "node2");
	assert_int_equal(f->n_stale, 1);
	assert_string_equal(ip4_format(f->stale[0].ip, b), "10.0.1.250");
	assert_null(f->stale[0].owner);
	assert_int_equal(f->n_expected, 1);
	assert_string_equal(ip4_format(f->expected_ips[0], b), "10.0.1.2");
	assert_int_equal(f->n_resolved, 2);
	/* the remedy names exactly node2 */
	assert_non_null(strstr(f->remedy, "node2"));
	assert_null(strstr(f->remedy, "node1"));
	assert_null(strstr(f->remedy, "node3"));
	assert_null(strstr(f->remedy, "node4"));
	assert_non_null(strstr(f->message, "10.0.1.250 only on node2"));
	/* every node's answer, and the one that did not answer is named */
	assert_true(has_evidence(f, "node1 answers 10.0.1.2"));
	assert_true(has_evidence(f, "node2 answers 10.0.1.2, 10.0.1.250"));
	assert_true(has_evidence(f, "node4 did not answer"));
	finding_list_free(&l);
	cluster_free(c);
}

/* A record one node has and another does not (NXDOMAIN there), and different extras on
 * different nodes: the nodes holding them, in cluster order. */
static void test_merge_missing_and_several(void **state)
{
	struct cluster *c = cluster_new("esra", "test");
	struct finding_list l;
	struct esra_err err;
	const struct finding *f;

	(void)state;
	assert_int_equal(finding_list_init(&l), ESRA_OK);
	node(c, "node1", "ghost=;a=10.0.0.1,10.0.0.7");
	node(c, "node2", "ghost=10.0.1.10;a=10.0.0.1");
	node(c, "node3", "ghost=;a=10.0.0.1,10.0.0.8");
	assert_int_equal(cluster_merge(c, &l, &err), ESRA_OK);
	assert_int_equal(l.n, 2);
	f = find(&l, "ghost");
	assert_int_equal(f->n_nodes, 1);
	assert_string_equal(f->nodes[0], "node2");
	assert_int_equal(f->n_expected, 0);
	assert_true(has_evidence(f, "node1 answers no record"));
	f = find(&l, "a");
	assert_int_equal(f->n_nodes, 2);
	assert_string_equal(f->nodes[0], "node1");
	assert_string_equal(f->nodes[1], "node3");
	assert_int_equal(f->n_stale, 2);
	assert_non_null(strstr(f->remedy, "node1 and node3"));
	assert_null(strstr(f->remedy, "node2"));
	finding_list_free(&l);
	cluster_free(c);
}

/* Agreement, a lone node and a silent peer give nothing to report. */
static void test_merge_nothing(void **state)
{
	struct cluster *c = cluster_new("esra", "test");
	struct finding_list l;
	struct esra_err err;
	struct cluster_node *n;

	(void)state;
	assert_int_equal(finding_list_init(&l), ESRA_OK);
	node(c, "node1", "gbs-cms=10.0.1.2");
	assert_int_equal(cluster_merge(c, &l, &err), ESRA_OK);
	assert_int_equal(l.n, 0); /* one node: nothing to compare */
	n = node(c, "node2", "gbs-cms=10.0.1.2,10.0.1.9");
	n->answered = false; /* a node that did not answer is never compared */
	node(c, "node3", "gbs-cms=10.0.1.2");
	assert_int_equal(cluster_merge(c, &l, &err), ESRA_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(cluster_answered(c), 2);
	finding_list_free(&l);
	cluster_free(c);
}

static void test_poisoned_on(void **state)
{
	struct cluster *c = cluster_new("esra", "test");
	const char *on[4];

	(void)state;
	assert_int_equal(cluster_node_add_finding(c, node(c, "node1", ""), "poisoned_name",
	                                          "critical", "gbs-cms", NULL, NULL),
	                 0);
	assert_int_equal(cluster_node_add_finding(c, node(c, "node2", ""), "stale_instance",
	                                          "critical", "GBS-CMS", NULL, NULL),
	                 0);
	assert_int_equal(cluster_node_add_finding(c, node(c, "node3", ""), "poisoned_name",
	                                          "critical", "GBS-cms", NULL, NULL),
	                 0);
	assert_int_equal(cluster_poisoned_on(c, "gbs-cms", on, 4), 2);
	assert_string_equal(on[0], "node1");
	assert_string_equal(on[1], "node3");
	cluster_free(c);
}

/* ---------------------------------------------------------------- a peer's /status */

static void test_parse_status(void **state)
{
	struct cluster *c = cluster_new("esra", "test");
	struct cluster_node *n = cluster_add_node(c);
	struct esra_err err;
	size_t len;
	char *body = tu_fixture("cluster/status-node2.json", &len);
	char b[IP4_STRLEN];

	(void)state;
	assert_int_equal(cluster_node_parse_status(c, n, "peer 10.0.1.7:9477", body, len, &err),
	                 ESRA_OK);
	assert_string_equal(n->id, "n2id0000000000000000000000");
	assert_string_equal(n->hostname, "node2");
	assert_string_equal(n->status, "critical");
	assert_false(n->leader);
	assert_int_equal(n->n_findings, 1);
	assert_string_equal(n->findings[0].kind, "poisoned_name");
	assert_string_equal(n->findings[0].subject, "gbs-cms");
	assert_string_equal(n->findings[0].key, "poisoned_name:gbs-cms");
	assert_int_equal(n->n_answers, 3);
	/* sorted by name; addresses sorted */
	assert_string_equal(n->answers[0].name, "gbs-cms");
	assert_int_equal(n->answers[0].n_ips, 2);
	assert_string_equal(ip4_format(n->answers[0].ips[0], b), "10.0.1.2");
	assert_string_equal(ip4_format(n->answers[0].ips[1], b), "10.0.1.250");
	assert_string_equal(n->answers[1].name, "gbs-none");
	assert_int_equal(n->answers[1].n_ips, 0);
	free(body);
	cluster_free(c);
}

static void test_parse_status_bad(void **state)
{
	static const struct {
		const char *file, *msg;
		int code;
	} cases[] = {
	    {"cluster/bad-not-json.json", "peer P: /status is not a JSON object", ESRA_EPARSE},
	    {"cluster/bad-no-id.json", "peer P: /status is not an esra report (no node.id)",
	     ESRA_EPARSE},
	    {"cluster/bad-no-answers.json", "peer P: /status has no dns_answers", ESRA_EPARSE},
	    {"cluster/bad-answer-ip.json",
	     "peer P: /status dns_answers.gbs-cms holds something that is not an IPv4 address",
	     ESRA_EPARSE},
	    {"cluster/bad-finding-kind.json",
	     "peer P: /status holds a finding without kind or severity", ESRA_EPARSE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cluster *c = cluster_new("esra", "test");
		struct cluster_node *n = cluster_add_node(c);
		struct esra_err err;
		size_t len;
		char *body = tu_fixture(cases[i].file, &len);
		int rc = cluster_node_parse_status(c, n, "peer P", body, len, &err);
		if (rc != cases[i].code || strstr(err.msg, cases[i].msg) != err.msg)
			tu_fail("%s: rc %d, \"%s\"", cases[i].file, rc, err.msg);
		free(body);
		cluster_free(c);
	}
}

/* /status carries the DNS answers (definite ones, each name once) and parses back. */
static void test_status_round_trip(void **state)
{
	struct dns_view *v = model_dns_new(4);
	struct report rep;
	struct buf js;
	struct cluster *c = cluster_new("esra", "test");
	struct cluster_node *n;
	struct esra_err err;
	static const char *const names[] = {"gbs-cms", "tasks.gbs-cms", "slow", "GBS-CMS"};
	ip4_t ips[2] = {ip("10.0.1.10"), ip("10.0.1.2")};

	(void)state;
	assert_non_null(v);
	for (size_t i = 0; i < 4; i++) {
		v->ans[i].name = names[i];
		v->ans[i].rc = i == 2 ? DNS_RC_TIMEOUT : i == 1 ? DNS_RC_NXDOMAIN : DNS_RC_OK;
		v->ans[i].ips = i == 1 || i == 2 ? NULL : ips;
		v->ans[i].n_ips = i == 1 || i == 2 ? 0 : 2;
	}
	v->n = 4;
	assert_int_equal(report_init(&rep, "watch"), 0);
	rep.node.known = true;
	rep.node.id = "n1";
	rep.node.hostname = "node1";
	assert_int_equal(report_set_answers(&rep, v), ESRA_OK);
	assert_int_equal(rep.n_answers, 2); /* the timeout is not an answer; GBS-CMS once */
	report_finish(&rep);
	buf_init(&js, 0);
	assert_int_equal(report_json(&rep, &js), 0);
	n = cluster_add_node(c);
	assert_int_equal(cluster_node_parse_status(c, n, "peer", js.data, js.len, &err), ESRA_OK);
	assert_string_equal(n->hostname, "node1");
	assert_int_equal(n->n_answers, 2);
	assert_string_equal(n->answers[0].name, "gbs-cms");
	assert_int_equal(n->answers[0].n_ips, 2);
	assert_string_equal(n->answers[1].name, "tasks.gbs-cms");
	assert_int_equal(n->answers[1].n_ips, 0);
	buf_free(&js);
	report_free(&rep);
	cluster_free(c);
	/* the view's strings are the test's: free only the view */
	model_dns_free(v);
}

/* The cluster object in JSON and text: every node, who answered, per poisoned name where. */
static void test_report_renders_cluster(void **state)
{
	struct report_counters counters;
	struct report rep;
	struct buf out;
	struct cluster_node *n;

	(void)state;
	assert_int_equal(report_init(&rep, "watch"), 0);
	rep.cluster = cluster_new("esra_esra", "DNS tasks.esra_esra");
	assert_non_null(rep.cluster);
	n = node(rep.cluster, "node1", "");
	n->self = n->leader = true;
	assert_int_equal(cluster_node_add_finding(rep.cluster, n, "poisoned_name", "critical",
	                                          "gbs-cms", "poisoned_name:gbs-cms", "m"),
	                 0);
	n = node(rep.cluster, "node2", "");
	assert_int_equal(cluster_node_add_finding(rep.cluster, n, "poisoned_name", "critical",
	                                          "gbs-cms", "poisoned_name:gbs-cms", "m"),
	                 0);
	n = cluster_add_node(rep.cluster);
	assert_int_equal(cluster_node_set(rep.cluster, n, "id3", "node3", "10.0.1.9:9477"), 0);
	n->error = "GET http://10.0.1.9:9477/status: connection refused";
	report_finish(&rep);
	buf_init(&out, 0);
	assert_int_equal(report_text(&rep, &out), 0);
	assert_non_null(strstr(out.data, "cluster esra_esra: 3 nodes, 2 answered"));
	assert_non_null(strstr(out.data, "node3 (id3) at 10.0.1.9:9477: did not answer: GET"));
	assert_non_null(strstr(out.data, "gbs-cms is poisoned on node1, node2 (2 of 2 nodes"));
	buf_reset(&out);
	assert_int_equal(report_json(&rep, &out), 0);
	assert_non_null(
	    strstr(out.data, "\"poisoned\":\t{\n\t\t\t\"gbs-cms\":\t[\"node1\", \"node2\"]"));
	assert_non_null(strstr(out.data, "\"answered\":\tfalse"));
	buf_reset(&out);
	memset(&counters, 0, sizeof(counters));
	assert_int_equal(report_prometheus(&rep, &counters, &out), 0);
	assert_non_null(strstr(out.data, "esra_cluster_nodes{answered=\"true\"} 2\n"));
	assert_non_null(strstr(out.data, "esra_cluster_nodes{answered=\"false\"} 1\n"));
	buf_free(&out);
	report_free(&rep);
}

/* ---------------------------------------------------------------- reading peers */

struct peer_srv {
	struct MHD_Daemon *d;
	int port;
	const char *body;
	bool hold; /* answer only once released (or after 20 s) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool released;
};

static void srv_release(struct peer_srv *s)
{
	pthread_mutex_lock(&s->lock);
	s->released = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result serve(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **con_cls)
{
	struct peer_srv *s = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 || strcmp(url, "/status") != 0)
		return MHD_NO;
	if (s->hold) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 20;
		pthread_mutex_lock(&s->lock);
		while (!s->released && pthread_cond_timedwait(&s->cond, &s->lock, &until) == 0)
			;
		pthread_mutex_unlock(&s->lock);
	}
	r = MHD_create_response_from_buffer(strlen(s->body), (void *)s->body,
	                                    MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static void srv_start(struct peer_srv *s)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *di;

	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
	                        NULL, NULL, serve, s, MHD_OPTION_SOCK_ADDR, &sin, MHD_OPTION_END);
	assert_non_null(s->d);
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(di);
	s->port = di->port;
}

static const struct cluster_node *by_addr(const struct cluster *c, int port)
{
	char want[32];

	snprintf(want, sizeof(want), "127.0.0.1:%d", port);
	for (size_t i = 0; i < c->n_nodes; i++)
		if (strcmp(c->nodes[i].addr, want) == 0)
			return &c->nodes[i];
	tu_fail("no node at %s", want);
}

static bool has_addr(const struct cluster *c, int port)
{
	char want[32];

	snprintf(want, sizeof(want), "127.0.0.1:%d", port);
	for (size_t i = 0; i < c->n_nodes; i++)
		if (strcmp(c->nodes[i].addr, want) == 0)
			return true;
	return false;
}

/* One peer answers, one is too slow (named, not waited on), one refuses, one says it is
 * this node (dropped). */
static void test_fetch(void **state)
{
	struct peer_srv ok, slow, self;
	struct cluster *c = cluster_new("esra", "test");
	struct cluster_peer peers[4];
	struct cluster_fetch_opts o;
	struct esra_err err;
	const struct cluster_node *n;
	size_t len;
	char *body = tu_fixture("cluster/status-node2.json", &len);
	int64_t t0;

	(void)state;
	memset(&ok, 0, sizeof(ok));
	memset(&slow, 0, sizeof(slow));
	memset(&self, 0, sizeof(self));
	ok.body = slow.body = body;
	slow.hold = true;
	self.body = "{\"node\": {\"id\": \"id-node1\"}, \"status\": \"ok\", \"findings\": [], "
	            "\"dns_answers\": {}}";
	srv_start(&ok);
	srv_start(&slow);
	srv_start(&self);
	node(c, "node1", "gbs-cms=10.0.1.2")->self = true;
	memset(peers, 0, sizeof(peers));
	for (size_t i = 0; i < 4; i++)
		peers[i].ip = ip("127.0.0.1");
	peers[0].port = ok.port;
	peers[1].port = slow.port;
	peers[1].hostname = "node3";
	peers[1].node_id = "id-node3";
	peers[2].port = 1; /* nothing listens there */
	peers[3].port = self.port;
	memset(&o, 0, sizeof(o));
	o.timeout_ms = 300;
	t0 = esra_mono_ms();
	assert_int_equal(cluster_fetch(c, peers, 4, &o, &err), ESRA_OK);
	/* the silent one cost its bound (300 ms), not the 20 s it would have taken */
	assert_true(esra_mono_ms() - t0 < 10000);
	srv_release(&slow);
	assert_int_equal(c->n_nodes, 4); /* self, ok, slow, refused; the self echo dropped */
	n = by_addr(c, ok.port);
	assert_true(n->answered);
	assert_string_equal(n->hostname, "node2");
	assert_int_equal(n->n_answers, 3);
	n = by_addr(c, slow.port);
	assert_false(n->answered);
	assert_string_equal(cluster_node_label(n), "node3"); /* named from the Docker view */
	assert_non_null(strstr(n->error, "no answer within 300 ms"));
	n = by_addr(c, 1);
	assert_false(n->answered);
	assert_string_equal(cluster_node_label(n), "127.0.0.1:1");
	assert_non_null(strstr(n->error, "127.0.0.1:1"));
	assert_false(has_addr(c, self.port));
	MHD_stop_daemon(ok.d);
	MHD_stop_daemon(slow.d);
	MHD_stop_daemon(self.d);
	pthread_mutex_destroy(&ok.lock);
	pthread_mutex_destroy(&slow.lock);
	pthread_mutex_destroy(&self.lock);
	pthread_cond_destroy(&ok.cond);
	pthread_cond_destroy(&slow.cond);
	pthread_cond_destroy(&self.cond);
	cluster_free(c);
	free(body);
}

/* Peers from DNS leave out this node's own container; from Docker, tasks on other nodes. */
static void test_peers(void **state)
{
	struct sw_view *sw = model_sw_new();
	struct sw_service *svc;
	struct sw_task *t;
	struct sw_container *ct;
	struct sw_node *nd;
	struct cluster_peer *p = NULL;
	struct sw_cnet cnet;
	size_t n = 0;
	ip4_t ips[2] = {ip("10.0.1.20"), ip("10.0.1.21")};
	static struct sw_addr a20, a21;

	(void)state;
	assert_non_null(sw);
	sw->self.id = "N1";
	svc = model_sw_add_service(sw);
	svc->id = "S";
	svc->name = "esra_esra";
	svc->mode = SW_MODE_GLOBAL;
	a20.ip = ips[0];
	a21.ip = ips[1];
	t = model_sw_add_task(sw);
	t->service = 0;
	t->node_id = "N1";
	t->state = t->desired = SW_ST_RUNNING;
	t->addrs = &a20;
	t->n_addrs = 1;
	t = model_sw_add_task(sw);
	t->service = 0;
	t->node_id = "N2";
	t->state = t->desired = SW_ST_RUNNING;
	t->addrs = &a21;
	t->n_addrs = 1;
	nd = model_sw_add_node(sw);
	nd->id = "N2";
	nd->hostname = "node2";
	ct = model_sw_add_container(sw);
	ct->id = "0123456789abcdef";
	ct->name = "esra_esra.x";
	ct->state = "running";
	ct->service_name = "esra_esra";
	memset(&cnet, 0, sizeof(cnet));
	cnet.ip = ips[0];
	cnet.has_ip = true;
	ct->nets = &cnet;
	ct->n_nets = 1;

	assert_string_equal(cluster_find_service(sw, "0123456789ab"), "esra_esra");
	assert_null(cluster_find_service(sw, "somehost"));
	assert_string_equal(cluster_find_service(sw, NULL), "esra_esra");
	assert_ptr_equal(cluster_local_task(sw, "esra_esra"), ct);

	assert_int_equal(cluster_peers_from_dns(sw, "esra_esra",
	                                        cluster_self_container(sw, "0123456789ab"), ips, 2,
	                                        9477, &p, &n),
	                 ESRA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].ip, ips[1]);
	assert_int_equal(p[0].port, 9477);
	assert_string_equal(p[0].hostname, "node2");
	free(p);
	assert_int_equal(cluster_peers_from_tasks(sw, "esra_esra", 9000, &p, &n), ESRA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].ip, ips[1]);
	assert_string_equal(p[0].node_id, "N2");
	free(p);
	/* the arrays above are the test's own: detach them before the view is freed */
	sw->tasks[0].addrs = sw->tasks[1].addrs = NULL;
	ct->nets = NULL;
	model_sw_free(sw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_one_node_diverges),
	    cmocka_unit_test(test_merge_missing_and_several),
	    cmocka_unit_test(test_merge_nothing),
	    cmocka_unit_test(test_poisoned_on),
	    cmocka_unit_test(test_parse_status),
	    cmocka_unit_test(test_parse_status_bad),
	    cmocka_unit_test(test_status_round_trip),
	    cmocka_unit_test(test_report_renders_cluster),
	    cmocka_unit_test(test_fetch),
	    cmocka_unit_test(test_peers),
	};

	int rc;

	if (http_global_init() != ESRA_OK)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	http_global_cleanup();
	return rc;
}
