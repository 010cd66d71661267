/* test_docker.c: the Docker Engine API reader on real payloads (a dockerd 20.10 swarm and
 * moby's API examples), malformed payloads (tests/fixtures/docker/bad/: NAME.json plus
 * NAME.expect = endpoint, code, message part), and the client against a canned server over
 * TCP and a unix socket: manager, worker, version negotiation, timeouts, errors. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docker.h"
#include "http.h"
#include "limits.h"
#include "testsrv.h"
#include "testutil.h"

static ip4_t ip(const char *s)
{
	ip4_t v;

	assert_int_equal(ip4_parse(s, (size_t)-1, &v, NULL), 0);
	return v;
}

static void feed(struct sw_view *v, const char *endpoint, const char *fixture, size_t piece)
{
	struct esra_err err;
	size_t n;
	char *data = tu_fixture(fixture, &n);

	esra_err_clear(&err);
	if (docker_parse_pieces(v, endpoint, data, n, piece, &err) != ESRA_OK)
		fail_msg("%s: %s", fixture, err.msg);
	free(data);
}

/* The testbed manager's view, fed in pieces of `piece` bytes. */
static struct sw_view *manager_view(size_t piece)
{
	struct sw_view *v = model_sw_new();
	struct esra_err err;

	assert_non_null(v);
	feed(v, "info", "docker/testbed/manager-info.json", piece);
	feed(v, "nodes", "docker/testbed/manager-nodes.json", piece);
	feed(v, "services", "docker/testbed/manager-services.json", piece);
	feed(v, "tasks", "docker/testbed/manager-tasks.json", piece);
	feed(v, "networks", "docker/testbed/manager-networks.json", piece);
	feed(v, "network", "docker/testbed/manager-network-gbsnet-verbose.json", piece);
	feed(v, "containers", "docker/testbed/manager-containers.json", piece);
	assert_int_equal(model_sw_link(v, &err), ESRA_OK);
	return v;
}

static const struct sw_service *svc(const struct sw_view *v, const char *name)
{
	size_t i = model_sw_service_by_name(v, name);

	if (i == MODEL_NONE)
		fail_msg("no service %s", name);
	return &v->services[i];
}

static const struct sw_task *task(const struct sw_view *v, const char *id)
{
	size_t i = 0;

	while (i < v->n_tasks && strcmp(v->tasks[i].id, id) != 0)
		i++;
	if (i == v->n_tasks)
		fail_msg("no task %s", id);
	return &v->tasks[i];
}

static void test_docker_testbed_manager_view_is_read_in_full(void **state)
{
	struct sw_view *v = manager_view(0);
	const struct sw_service *s;
	const struct sw_task *t;
	const struct sw_network *n;

	(void)state;
	assert_true(model_sw_net_by_id_or_name(v, "gbsnet") != MODEL_NONE);
	assert_string_equal(v->self.id, "sy70vnrklnt7q9ae0prxfsi6s");
	assert_true(v->self.manager);
	assert_true(v->self.leader);
	assert_true(v->self.swarm_active);
	assert_false(v->worker_view);
	assert_int_equal(v->n_nodes, 2);
	assert_int_equal(v->n_services, 3);
	s = svc(v, "gbs-cms");
	assert_int_equal(s->replicas, 2);
	assert_int_equal(s->n_vips, 1);
	assert_int_equal(s->vips[0].ip, ip("10.0.1.2"));
	assert_int_equal(s->vips[0].prefix, 24);
	assert_false(s->dnsrr);
	assert_int_equal(s->running_tasks, 2);
	s = svc(v, "ghost");
	assert_int_equal(s->replicas, 0);
	assert_int_equal(s->vips[0].ip, ip("10.0.1.7"));
	assert_int_equal(s->n_aliases, 1);
	assert_string_equal(s->aliases[0].alias, "gbs-cms");
	assert_string_equal(v->nets[s->aliases[0].net].name, "gbsnet");
	assert_int_equal(svc(v, "gbs-user")->vips[0].ip, ip("10.0.1.5"));
	assert_int_equal(v->n_tasks, 5);
	t = task(v, "0b7egpw015dihxwe4slhjj3r7");
	assert_int_equal(t->state, SW_ST_RUNNING);
	assert_int_equal(t->desired, SW_ST_REMOVE);
	assert_false(model_task_live(t));
	assert_string_equal(v->services[t->service].name, "ghost");
	assert_int_equal(t->addrs[0].ip, ip("10.0.1.18"));
	assert_string_equal(t->container_id, "3e6869c81533124d8e0c98624a0f0310c89610b6d2c48df39382753116142655");
	assert_true(t->status_ms > 0);
	t = task(v, "glt9ae4ox22r9ppxk9mnx5agq");
	assert_int_equal(t->state, SW_ST_SHUTDOWN);
	assert_int_equal(t->addrs[0].ip, ip("10.0.1.3"));
	assert_true(model_task_live(task(v, "whkbnsvbz9el2loaj3h1f1bmb")));
	n = &v->nets[model_sw_net_by_id_or_name(v, "gbsnet")];
	assert_true(n->verbose_read);
	assert_false(n->ingress);
	assert_int_equal(n->subnet, ip("10.0.1.0"));
	assert_int_equal(n->n_svcs, 4);
	for (size_t i = 0; i < n->n_svcs; i++) {
		const struct sw_netsvc *ns = &n->svcs[i];
		if (strcmp(ns->name, "ghost") == 0) {
			assert_true(ns->has_vip);
			assert_int_equal(ns->vip, ip("10.0.1.7"));
			assert_int_equal(ns->eps[0].ip, ip("10.0.1.18"));
		} else if (ns->name[0] == '\0') {
			assert_false(ns->has_vip); /* "<nil>" */
			assert_int_equal(ns->n_eps, 2);
			assert_string_equal(ns->eps[0].name, "gateway");
			assert_int_equal(ns->eps[0].ip, ip("10.0.1.11"));
			assert_int_equal(ns->eps[1].ip, ip("10.0.1.12"));
		}
	}
	assert_int_equal(v->n_containers, 5);
	for (size_t i = 0; i < v->n_containers; i++) {
		const struct sw_container *c = &v->containers[i];
		if (strcmp(c->name, "gateway") == 0) {
			assert_null(c->task_id);
			assert_int_equal(c->nets[0].ip, ip("10.0.1.11"));
			assert_string_equal(v->nets[c->nets[0].net].name, "gbsnet");
		} else {
			assert_non_null(c->task_id);
			assert_non_null(c->service_name);
		}
	}
	model_sw_free(v);
}

static void test_docker_byte_pieces_give_the_same_model(void **state)
{
	struct sw_view *whole = manager_view(0), *bytes = manager_view(1), *odd = manager_view(7);

	(void)state;
	assert_int_equal(bytes->n_tasks, whole->n_tasks);
	assert_int_equal(odd->n_services, whole->n_services);
	for (size_t i = 0; i < whole->n_tasks; i++) {
		assert_string_equal(bytes->tasks[i].id, whole->tasks[i].id);
		assert_int_equal(bytes->tasks[i].state, whole->tasks[i].state);
		assert_int_equal(bytes->tasks[i].status_ms, whole->tasks[i].status_ms);
		assert_int_equal(odd->tasks[i].addrs[0].ip, whole->tasks[i].addrs[0].ip);
	}
	assert_int_equal(bytes->nets[0].n_svcs, whole->nets[0].n_svcs);
	model_sw_free(whole);
	model_sw_free(bytes);
	model_sw_free(odd);
}

static void test_docker_testbed_worker_view(void **state)
{
	struct sw_view *v = model_sw_new();
	struct esra_err err;

	(void)state;
	feed(v, "info", "docker/testbed/worker-info.json", 0);
	assert_false(v->self.manager);
	assert_true(v->self.swarm_active);
	feed(v, "network", "docker/testbed/worker-network-gbsnet-verbose.json", 0);
	feed(v, "containers", "docker/testbed/worker-containers.json", 0);
	assert_int_equal(model_sw_link(v, &err), 0);
	assert_true(v->n_nets == 1 && v->nets[0].verbose_read);
	assert_true(v->nets[0].n_svcs > 0);
	assert_true(v->n_containers >= 1);
	model_sw_free(v);
}

static void test_docker_swagger_examples(void **state)
{
	struct sw_view *v = model_sw_new();
	struct esra_err err;
	char *svc_obj, *arr;
	size_t n;

	(void)state;
	/* an old /info without any Swarm key: not in a swarm, not an error */
	feed(v, "info", "docker/swagger-info.json", 0);
	assert_false(v->self.swarm_active);
	assert_false(v->self.manager);
	feed(v, "tasks", "docker/swagger-tasks.json", 0);
	assert_int_equal(v->n_tasks, 2);
	assert_int_equal(v->tasks[0].state, SW_ST_RUNNING);
	assert_int_equal(v->tasks[0].addrs[0].ip, ip("10.255.0.10"));
	assert_int_equal(v->tasks[0].addrs[0].prefix, 16);
	assert_int_equal(v->tasks[1].desired, SW_ST_SHUTDOWN);
	assert_string_equal(v->tasks[1].container_id,
	                    "1cf8d63d18e79668b0004a4be4c6ee58cddfad2dae29506d8781581d0688a213");
	feed(v, "networks", "docker/swagger-networks.json", 0);
	assert_int_equal(v->n_nets, 3);
	assert_string_equal(v->nets[0].name, "bridge");
	assert_false(v->nets[1].has_subnet);
	/* /services answers an array of the Service example */
	svc_obj = tu_fixture("docker/swagger-service.json", &n);
	arr = malloc(n + 3);
	assert_non_null(arr);
	snprintf(arr, n + 3, "[%s]", svc_obj);
	assert_int_equal(docker_parse_services(v, arr, strlen(arr), &err), 0);
	assert_int_equal(v->n_services, 1);
	assert_int_equal(v->services[0].n_vips, 2);
	assert_int_equal(v->services[0].mode, SW_MODE_REPLICATED);
	free(svc_obj);
	free(arr);
	svc_obj = tu_fixture("docker/swagger-node.json", &n);
	arr = malloc(n + 3);
	assert_non_null(arr);
	snprintf(arr, n + 3, "[%s]", svc_obj);
	assert_int_equal(docker_parse_nodes(v, arr, strlen(arr), &err), 0);
	assert_int_equal(v->n_nodes, 1);
	assert_true(v->nodes[0].leader);
	assert_string_equal(v->nodes[0].addr, "172.17.0.2");
	free(svc_obj);
	free(arr);
	/* a plain (non-verbose) inspect: the Containers map, no Services */
	feed(v, "network", "docker/swagger-network.json", 0);
	assert_int_equal(v->nets[v->n_nets - 1].n_local, 1);
	assert_int_equal(v->nets[v->n_nets - 1].local[0].ip, ip("172.19.0.2"));
	model_sw_free(v);
}

static void test_docker_every_bad_fixture_is_a_clear_error(void **state)
{
	DIR *d = opendir(tu_fixture_path("docker/bad"));
	struct dirent *e;
	int seen = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char rel[512], endpoint[32], code[32], part[256];
		struct sw_view *v;
		struct esra_err err;
		char *exp, *data;
		size_t n, len = strlen(e->d_name);
		int rc;
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(rel, sizeof(rel), "docker/bad/%.*s.expect", (int)(len - 5), e->d_name);
		exp = tu_fixture(rel, NULL);
		if (sscanf(exp, "%31[^\n]\n%31[^\n]\n%255[^\n]", endpoint, code, part) != 3)
			fail_msg("%s: want endpoint, code and message lines", rel);
		snprintf(rel, sizeof(rel), "docker/bad/%s", e->d_name);
		data = tu_fixture(rel, &n);
		for (size_t piece = 0; piece <= 3; piece += 3) {
			v = model_sw_new();
			esra_err_clear(&err);
			rc = docker_parse_pieces(v, endpoint, data, n, piece, &err);
			if (strcmp(code, "EPARSE") == 0 ? rc != ESRA_EPARSE : rc != ESRA_ETOOLARGE)
				fail_msg("%s: got %d (%s)", e->d_name, rc, err.msg);
			if (strstr(err.msg, part) == NULL)
				fail_msg("%s: message \"%s\" lacks \"%s\"", e->d_name, err.msg, part);
			if (strncmp(err.msg, "docker ", 7) != 0)
				fail_msg("%s: message \"%s\" does not name its source", e->d_name, err.msg);
			model_sw_free(v);
		}
		free(data);
		free(exp);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 20);
}

static void test_docker_huge_element_is_too_large(void **state)
{
	size_t big = ESRA_MAX_JSON_ELEMENT + 100;
	char *doc = malloc(big + 64);
	struct sw_view *v = model_sw_new();
	struct esra_err err;
	size_t len;

	(void)state;
	assert_non_null(doc);
	len = (size_t)sprintf(doc, "[{\"ID\":\"");
	memset(doc + len, 'a', big);
	len += big;
	len += (size_t)sprintf(doc + len, "\"}]");
	assert_int_equal(docker_parse_pieces(v, "tasks", doc, len, 65536, &err), ESRA_ETOOLARGE);
	assert_non_null(strstr(err.msg, "over"));
	free(doc);
	model_sw_free(v);
}

/* ---------------------------------------------------------------- client */

static void route_fixture(struct tsrv *s, const char *uri, const char *fixture)
{
	size_t n;
	char *data = tu_fixture(fixture, &n);

	tsrv_route(s, uri, 200, data, n, 0);
	free(data);
}

static void route_manager(struct tsrv *s, const char *ver)
{
	char v[64], path[128];

	snprintf(v, sizeof(v), "{\"Version\":\"x\",\"ApiVersion\":\"%s\",\"MinAPIVersion\":\"1.12\"}",
	         "1.41");
	tsrv_route(s, "/version", 200, v, strlen(v), 0);
#define R(p, f)                                                                                    \
	do {                                                                                       \
		snprintf(path, sizeof(path), "/v%s%s", ver, p);                                    \
		route_fixture(s, path, "docker/testbed/" f);                                       \
	} while (0)
	R("/info", "manager-info.json");
	R("/nodes", "manager-nodes.json");
	R("/services?status=true", "manager-services.json");
	R("/tasks", "manager-tasks.json");
	R("/networks", "manager-networks.json");
	R("/networks/*", "manager-network-gbsnet-verbose.json");
	R("/containers/json", "manager-containers.json");
#undef R
	/* the gateway's inspect: its aliases, including the short id docker adds */
	{
		const char *insp = "{\"Id\":\"f8c81497c5564fde6e5c82084b6a7affb8c2aa4ec023aff3c09d7a67f5c735cc\","
		                   "\"State\":{\"Running\":true,\"Pid\":4242},\"NetworkSettings\":{\"Networks\":"
		                   "{\"gbsnet\":{\"Aliases\":[\"f8c81497c556\",\"gw\"]}}}}";
		snprintf(path, sizeof(path), "/v%s/containers/"
		                             "f8c81497c5564fde6e5c82084b6a7affb8c2aa4ec023aff3c09d7a67f5c735cc/json",
		         ver);
		tsrv_route(s, path, 200, insp, strlen(insp), 0);
		snprintf(path, sizeof(path), "/v%s/containers/gateway/json", ver);
		tsrv_route(s, path, 200, insp, strlen(insp), 0);
	}
}

static struct docker *client(const char *host, long timeout_ms)
{
	struct docker_opts o;
	struct esra_err err;
	struct docker *d;

	memset(&o, 0, sizeof(o));
	o.host = host;
	o.cert_path = "";
	o.timeout_ms = timeout_ms;
	d = docker_new(&o, &err);
	if (d == NULL)
		fail_msg("%s", err.msg);
	return d;
}

static void test_docker_read_manager_over_tcp(void **state)
{
	struct tsrv *s = tsrv_start(NULL);
	char host[64];
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;
	pid_t pid;

	(void)state;
	route_manager(s, "1.41");
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%u", tsrv_port(s));
	d = client(host, 5000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_OK);
	assert_string_equal(docker_api_version(d), "1.41");
	assert_false(v->worker_view);
	assert_int_equal(v->n_services, 3);
	assert_int_equal(v->n_tasks, 5);
	assert_true(v->nets[0].verbose_read || v->nets[1].verbose_read);
	/* only the one container that is not a swarm task was inspected */
	assert_int_equal(tsrv_hits(s, "/v1.41/containers/f8c8"), 1);
	assert_int_equal(tsrv_hits(s, "/v1.41/containers/3e68"), 0);
	for (size_t i = 0; i < v->n_containers; i++)
		if (strcmp(v->containers[i].name, "gateway") == 0) {
			assert_int_equal(v->containers[i].nets[0].n_aliases, 1);
			assert_string_equal(v->containers[i].nets[0].aliases[0], "gw");
		}
	/* /version is asked once per client */
	model_sw_free(v);
	assert_int_equal(docker_read(d, &v, &err), ESRA_OK);
	assert_int_equal(tsrv_hits(s, "/version"), 1);
	assert_int_equal(docker_container_pid(d, "gateway", &pid, &err), ESRA_OK);
	assert_int_equal(pid, 4242);
	assert_int_equal(docker_container_pid(d, "nosuch", &pid, &err), ESRA_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no container named nosuch"));
	model_sw_free(v);
	docker_free(d);
	tsrv_stop(s);
}

static void test_docker_worker_503_is_a_worker_view_not_an_error(void **state)
{
	struct tsrv *s = tsrv_start(NULL);
	char host[64], *body;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;
	size_t n;

	(void)state;
	tsrv_route(s, "/version", 200, "{\"ApiVersion\":\"1.41\"}", 21, 0);
	route_fixture(s, "/v1.41/info", "docker/testbed/worker-info.json");
	body = tu_fixture("docker/testbed/worker-services-503.txt", &n);
	*strstr(body, "\n\nHTTP 503") = '\0';
	tsrv_route(s, "/v1.41/nodes", 503, body, strlen(body), 0);
	tsrv_route(s, "/v1.41/services*", 503, body, strlen(body), 0);
	tsrv_route(s, "/v1.41/tasks", 503, body, strlen(body), 0);
	free(body);
	{
		const char *nets = "[{\"Name\":\"gbsnet\",\"Id\":\"5g21fb7f13lgu73cclrlv88of\","
		                   "\"Scope\":\"swarm\"}]";
		tsrv_route(s, "/v1.41/networks", 200, nets, strlen(nets), 0);
	}
	route_fixture(s, "/v1.41/networks/*", "docker/testbed/worker-network-gbsnet-verbose.json");
	tsrv_route(s, "/v1.41/containers/*", 200, "{\"Id\":\"x\"}", 10, 0);
	route_fixture(s, "/v1.41/containers/json", "docker/testbed/worker-containers.json");
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%u", tsrv_port(s));
	d = client(host, 5000);
	if (docker_read(d, &v, &err) != ESRA_OK)
		fail_msg("%s", err.msg);
	assert_true(v->worker_view);
	assert_int_equal(v->n_services, 0);
	assert_true(v->nets[0].verbose_read);
	/* /info says "not a manager": the manager-only endpoints are not even asked */
	assert_int_equal(tsrv_hits(s, "/v1.41/services"), 0);
	model_sw_free(v);
	docker_free(d);
	tsrv_stop(s);
}

static void test_docker_version_negotiation(void **state)
{
	struct tsrv *s = tsrv_start(NULL);
	char host[64];
	struct docker *d;
	struct esra_err err;

	(void)state;
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%u/", tsrv_port(s));
	tsrv_route(s, "/version", 200, "{\"ApiVersion\":\"1.40\"}", 21, 0);
	d = client(host, 5000);
	assert_int_equal(docker_negotiate(d, &err), ESRA_EHTTP);
	assert_non_null(strstr(err.msg, "API 1.40"));
	docker_free(d);
	tsrv_route(s, "/version", 200, "{\"ApiVersion\":\"1.47\"}", 21, 0);
	d = client(host, 5000);
	assert_int_equal(docker_negotiate(d, &err), ESRA_OK);
	assert_string_equal(docker_api_version(d), "1.47");
	docker_free(d);
	tsrv_route(s, "/version", 200, "{\"ApiVersion\":\"1.99\"}", 21, 0);
	d = client(host, 5000);
	assert_int_equal(docker_negotiate(d, &err), ESRA_OK);
	assert_string_equal(docker_api_version(d), "1.51");
	docker_free(d);
	tsrv_route(s, "/version", 200, "{\"ApiVersion\":2}", 16, 0);
	d = client(host, 5000);
	assert_int_equal(docker_negotiate(d, &err), ESRA_EPARSE);
	docker_free(d);
	tsrv_stop(s);
}

static void test_docker_errors_name_the_endpoint(void **state)
{
	struct tsrv *s = tsrv_start(NULL);
	char host[64];
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;
	int64_t t0;

	(void)state;
	route_manager(s, "1.41");
	tsrv_route(s, "/v1.41/tasks", 500, "{\"message\":\"raft is sad\"}", 25, 0);
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%u", tsrv_port(s));
	d = client(host, 5000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_EHTTP);
	assert_null(v);
	assert_non_null(strstr(err.msg, "/v1.41/tasks"));
	assert_non_null(strstr(err.msg, "HTTP 500: raft is sad"));
	docker_free(d);
	/* a daemon that never answers: a timeout, in time */
	tsrv_route(s, "/v1.41/tasks", 200, "[]", 2, 3000);
	d = client(host, 500);
	t0 = esra_mono_ms();
	assert_int_equal(docker_read(d, &v, &err), ESRA_ETIMEOUT);
	assert_true(esra_mono_ms() - t0 < 2500);
	assert_non_null(strstr(err.msg, "docker"));
	docker_free(d);
	tsrv_stop(s);
	/* nothing listening */
	d = client("tcp://127.0.0.1:1", 500);
	assert_int_equal(docker_read(d, &v, &err), ESRA_ECONNECT);
	assert_non_null(strstr(err.msg, "docker"));
	docker_free(d);
}

static void test_docker_read_over_a_unix_socket(void **state)
{
	char path[128], host[160];
	struct tsrv *s;
	struct docker *d;
	struct sw_view *v = NULL;
	struct esra_err err;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/esra-test-docker-%ld.sock", (long)getpid());
	s = tsrv_start(path);
	route_manager(s, "1.41");
	snprintf(host, sizeof(host), "unix://%s", path);
	d = client(host, 5000);
	assert_int_equal(docker_read(d, &v, &err), ESRA_OK);
	assert_int_equal(v->n_tasks, 5);
	model_sw_free(v);
	docker_free(d);
	tsrv_stop(s);
	/* a socket path that is not there */
	d = client("unix:///nonexistent/docker.sock", 500);
	assert_int_equal(docker_read(d, &v, &err), ESRA_ECONNECT);
	docker_free(d);
}

static void test_docker_bad_host_is_a_config_error(void **state)
{
	struct docker_opts o = {"http://x", false, "", 1000, 0};
	struct esra_err err;

	(void)state;
	assert_null(docker_new(&o, &err));
	assert_int_equal(err.code, ESRA_ECONFIG);
	o.host = "unix://relative.sock";
	assert_null(docker_new(&o, &err));
}

static int setup(void **state)
{
	(void)state;
	return http_global_init();
}

static int teardown(void **state)
{
	(void)state;
	http_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_testbed_manager_view_is_read_in_full),
		cmocka_unit_test(test_docker_byte_pieces_give_the_same_model),
		cmocka_unit_test(test_docker_testbed_worker_view),
		cmocka_unit_test(test_docker_swagger_examples),
		cmocka_unit_test(test_docker_every_bad_fixture_is_a_clear_error),
		cmocka_unit_test(test_docker_huge_element_is_too_large),
		cmocka_unit_test(test_docker_read_manager_over_tcp),
		cmocka_unit_test(test_docker_worker_503_is_a_worker_view_not_an_error),
		cmocka_unit_test(test_docker_version_negotiation),
		cmocka_unit_test(test_docker_errors_name_the_endpoint),
		cmocka_unit_test(test_docker_read_over_a_unix_socket),
		cmocka_unit_test(test_docker_bad_host_is_a_config_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
