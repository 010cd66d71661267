/* test_report.c: the three renderings: the monitoring-plugins first line, the JSON contract
 * fields (doc/design.md, Interfaces), Prometheus text, 80-column text, and status = worst severity.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "testutil.h"

static ip4_t ip(const char *s)
{
	ip4_t v;

	assert_int_equal(ip4_parse(s, (size_t)-1, &v, NULL), 0);
	return v;
}

static void incident_report(struct report *r)
{
	struct finding *f;
	static ip4_t exp[1], res[2];
	struct stale_ip *st;

	assert_int_equal(report_init(r, "check"), 0);
	r->generated_ms = 1795000000000LL;
	r->duration_s = 0.41;
	r->node.known = true;
	r->node.id = "sy70vnrklnt7";
	r->node.hostname = "node1";
	r->node.manager = r->node.leader = true;
	r->eureka.attempted = r->eureka.ok = true;
	strcpy(r->eureka.where, "http://eureka:8761/eureka/");
	r->eureka.count_a = 2;
	r->eureka.count_b = 3;
	r->docker.attempted = r->docker.ok = true;
	r->docker.count_a = 3;
	r->dns.attempted = r->dns.ok = true;
	strcpy(r->dns.where, "127.0.0.11:53");
	exp[0] = ip("10.0.1.2");
	res[0] = ip("10.0.1.2");
	res[1] = ip("10.0.1.7");
	f = finding_add(&r->findings, FK_POISONED_NAME);
	f->name = "gbs-cms";
	f->service = "gbs-cms";
	f->network = "gbsnet";
	f->node = "node1";
	f->expected_ips = exp;
	f->n_expected = 1;
	f->resolved_ips = res;
	f->n_resolved = 2;
	st = pool_alloc(r->findings.pool, sizeof(*st));
	st->ip = ip("10.0.1.7");
	st->owner = "service:ghost";
	st->backends = 0;
	f->stale = st;
	f->n_stale = 1;
	f->proposal = "gbs-cms-new";
	f->message = "gbs-cms resolves to 10.0.1.7 besides its VIP 10.0.1.2 (node node1, network "
	             "gbsnet)";
	f->remedy = "service ghost carries the alias gbs-cms: remove that alias (or that "
	            "service); until then deploy as gbs-cms-new";
	assert_int_equal(finding_add_evidence(f, &r->findings,
	                                      "10.0.1.7: VIP of service ghost, "
	                                      "0 live tasks behind it"),
	                 0);
	f = finding_add(&r->findings, FK_STALE_INSTANCE);
	f->app = "GBS-CMS";
	f->instance_id = "deadbeef0000:gbs-cms:8080";
	f->hostname = "deadbeef0000";
	f->ip = ip("10.0.1.200");
	f->has_ip = true;
	f->port = 8080;
	f->suggested_action = "deregister";
	f->message = "GBS-CMS instance deadbeef0000:gbs-cms:8080 at 10.0.1.200:8080 has no live "
	             "task or container behind it";
	f = finding_add(&r->findings, FK_REPLICA_DRIFT);
	f->service = "ghost";
	f->desired = 0;
	f->running = 1;
	f->failed_recent = 0;
	report_finish(r);
}

static void test_report_first_line_follows_monitoring_plugins(void **state)
{
	struct report r;
	struct buf b;
	char *nl;

	(void)state;
	incident_report(&r);
	buf_init(&b, 0);
	assert_int_equal(report_text(&r, &b), 0);
	nl = strchr(b.data, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_non_null(strstr(b.data, "ESRA CRITICAL - 1 poisoned name (gbs-cms), 1 stale "
	                               "instance, 1 replica drift (ghost) | "));
	assert_non_null(strstr(b.data, " poisoned_name=1;;;0 stale_instance=1;;;0 "));
	assert_non_null(strstr(b.data, " replica_drift=1;;;0 "));
	assert_non_null(strstr(b.data, " duration=0.41s"));
	*nl = '\n';
	/* the details name the node, the stale IP, its owner, the proposal, what to do */
	assert_non_null(strstr(b.data, "node node1 (manager, leader)"));
	assert_non_null(strstr(b.data, "CRITICAL poisoned_name gbs-cms"));
	assert_non_null(strstr(b.data, "10.0.1.7: VIP of service ghost"));
	assert_non_null(strstr(b.data, "proposal: gbs-cms-new"));
	assert_non_null(strstr(b.data, "do: service ghost carries the alias"));
	/* readable in an 80-column terminal (the perfdata first line aside) */
	for (char *line = strchr(b.data, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
		size_t len = strcspn(line, "\n");
		if (len > 79)
			fail_msg("line over 79 columns: %.*s", (int)len, line);
	}
	buf_free(&b);
	report_free(&r);
}

static void test_report_json_carries_the_contract_fields(void **state)
{
	struct report r;
	struct buf b;
	cJSON *j, *f, *s;

	(void)state;
	incident_report(&r);
	buf_init(&b, 0);
	assert_int_equal(report_json(&r, &b), 0);
	j = cJSON_Parse(b.data);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "esra_version")->valuestring, ESRA_VERSION);
	assert_string_equal(cJSON_GetObjectItem(j, "generated_at")->valuestring,
	                    "2026-11-18T11:06:40Z");
	assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "critical");
	s = cJSON_GetObjectItem(j, "node");
	assert_string_equal(cJSON_GetObjectItem(s, "hostname")->valuestring, "node1");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(s, "leader")));
	s = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "sources"), "eureka");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(s, "ok")));
	assert_string_equal(cJSON_GetObjectItem(s, "url")->valuestring,
	                    "http://eureka:8761/eureka/");
	assert_int_equal(cJSON_GetObjectItem(s, "instances")->valueint, 3);
	f = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "findings"), 0);
	assert_string_equal(cJSON_GetObjectItem(f, "kind")->valuestring, "poisoned_name");
	assert_string_equal(cJSON_GetObjectItem(f, "severity")->valuestring, "critical");
	assert_string_equal(cJSON_GetObjectItem(f, "name")->valuestring, "gbs-cms");
	assert_string_equal(cJSON_GetObjectItem(f, "network")->valuestring, "gbsnet");
	assert_string_equal(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(f, "expected_ips"), 0)->valuestring, "10.0.1.2");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(f, "resolved_ips")), 2);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "stale_ips"), 0)->valuestring,
	                    "10.0.1.7");
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(f, "owners"), "10.0.1.7")->valuestring,
	    "service:ghost");
	assert_int_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(f, "backends"), "10.0.1.7")->valueint, 0);
	assert_string_equal(cJSON_GetObjectItem(f, "proposal")->valuestring, "gbs-cms-new");
	assert_non_null(cJSON_GetObjectItem(f, "message")->valuestring);
	f = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "findings"), 1);
	assert_string_equal(cJSON_GetObjectItem(f, "kind")->valuestring, "stale_instance");
	assert_string_equal(cJSON_GetObjectItem(f, "app")->valuestring, "GBS-CMS");
	assert_string_equal(cJSON_GetObjectItem(f, "instance_id")->valuestring,
	                    "deadbeef0000:gbs-cms:8080");
	assert_string_equal(cJSON_GetObjectItem(f, "ip")->valuestring, "10.0.1.200");
	assert_int_equal(cJSON_GetObjectItem(f, "port")->valueint, 8080);
	assert_string_equal(cJSON_GetObjectItem(f, "suggested_action")->valuestring, "deregister");
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "actions")));
	cJSON_Delete(j);
	buf_free(&b);
	report_free(&r);
}

static void test_report_status_worst_wins_critical_over_unknown(void **state)
{
	struct report r;
	struct finding *f;

	(void)state;
	assert_int_equal(report_init(&r, "check"), 0);
	report_finish(&r);
	assert_int_equal(r.status, SEV_OK);
	assert_non_null(finding_add(&r.findings, FK_UNREGISTERED_SERVICE));
	report_finish(&r);
	assert_int_equal(r.status, SEV_OK); /* info is ok */
	assert_int_equal(finding_exit_code(r.status), 0);
	assert_non_null(finding_add(&r.findings, FK_REPLICA_DRIFT));
	report_finish(&r);
	assert_int_equal(finding_exit_code(r.status), 1);
	f = finding_add(&r.findings, FK_SOURCE_ERROR);
	assert_non_null(f);
	f->source = "eureka";
	report_finish(&r);
	assert_int_equal(r.status, SEV_UNKNOWN);
	assert_int_equal(finding_exit_code(r.status), 3);
	/* a poisoned name seen while Eureka is down is still critical */
	assert_non_null(finding_add(&r.findings, FK_POISONED_NAME));
	report_finish(&r);
	assert_int_equal(r.status, SEV_CRITICAL);
	assert_int_equal(finding_exit_code(r.status), 2);
	report_free(&r);
}

/* A configuration warning is in every rendering and changes no status. */
static void test_report_warnings_in_every_format(void **state)
{
	struct report r;
	struct report_counters c;
	struct buf t, j, p;
	enum severity before;

	(void)state;
	incident_report(&r);
	before = r.status;
	assert_int_equal(report_add_warning(&r, "eureka.tls_verify is false: %s", "unverified"), 0);
	report_finish(&r);
	assert_int_equal(r.status, before);
	memset(&c, 0, sizeof(c));
	buf_init(&t, 0);
	buf_init(&j, 0);
	buf_init(&p, 0);
	assert_int_equal(report_text(&r, &t), 0);
	assert_int_equal(report_json(&r, &j), 0);
	assert_int_equal(report_prometheus(&r, &c, &p), 0);
	assert_non_null(strstr(t.data, "\nwarning: eureka.tls_verify is false: unverified\n"));
	assert_non_null(
	    strstr(j.data, "\"warnings\":\t[\"eureka.tls_verify is false: unverified\"]"));
	assert_non_null(strstr(p.data, "\nesra_config_warnings 1\n"));
	buf_free(&t);
	buf_free(&j);
	buf_free(&p);
	report_free(&r);
}

static void test_report_prometheus_metrics(void **state)
{
	struct report r;
	struct report_counters c;
	struct report_action a = {"deregister", "GBS-CMS", "x", ACT_DONE, "verified", 1, 200, NULL};
	struct buf b;

	(void)state;
	incident_report(&r);
	assert_int_equal(report_add_action(&r, &a), 0);
	memset(&c, 0, sizeof(c));
	report_count_actions(&r, &c);
	buf_init(&b, 0);
	assert_int_equal(report_prometheus(&r, &c, &b), 0);
	assert_non_null(
	    strstr(b.data, "esra_findings{kind=\"poisoned_name\",severity=\"critical\"} 1\n"));
	assert_non_null(
	    strstr(b.data, "esra_findings{kind=\"orphan_endpoint\",severity=\"critical\"} 0\n"));
	assert_non_null(strstr(b.data, "esra_source_up{source=\"eureka\"} 1\n"));
	assert_non_null(strstr(b.data, "esra_check_duration_seconds 0.41"));
	assert_non_null(
	    strstr(b.data, "esra_actions_total{action=\"deregister\",result=\"done\"} 1\n"));
	assert_non_null(strstr(b.data, "esra_last_success_timestamp_seconds 1795000000.000\n"));
	assert_non_null(strstr(b.data, "esra_is_leader 1\n"));
	assert_non_null(strstr(b.data, "# TYPE esra_actions_total counter\n"));
	assert_non_null(strstr(b.data, "esra_config_warnings 0\n"));
	buf_free(&b);
	report_free(&r);
}

/* A finding's age: "since 3d 4h" in text, first_seen and history in JSON, and a first-seen
 * gauge per finding id (escaped as a label value) in Prometheus. */
static void test_report_finding_age_and_history(void **state)
{
	struct report r;
	struct report_counters c;
	struct addr_owner o;
	struct addr_history *h;
	struct buf b;
	cJSON *j, *f, *e;

	(void)state;
	incident_report(&r);
	r.findings.v[0].first_seen_ms = r.generated_ms - (3 * 86400 + 4 * 3600 + 60) * 1000LL;
	r.findings.v[1].key = "stale_instance:GBS-CMS/dead\"x";
	r.findings.v[1].first_seen_ms = 1794000000000LL;
	memset(&o, 0, sizeof(o));
	o.kind = "task";
	o.name = "gbs-cms.2";
	o.service = "gbs-cms";
	o.node = "node2";
	o.state = "failed";
	o.exit_code = 137;
	o.until_ms = 1794990000000LL;
	o.source = "docker";
	h = pool_alloc(r.findings.pool, sizeof(*h));
	h->ip = ip("10.0.1.200");
	h->owners = &o;
	h->n = 1;
	r.findings.v[1].history = h;
	r.findings.v[1].n_history = 1;
	buf_init(&b, 0);
	assert_int_equal(report_text(&r, &b), 0);
	assert_non_null(strstr(b.data, "CRITICAL poisoned_name gbs-cms (since 3d 4h)\n"));
	buf_reset(&b);
	assert_int_equal(report_json(&r, &b), 0);
	j = cJSON_Parse(b.data);
	assert_non_null(j);
	f = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "findings"), 1);
	assert_string_equal(cJSON_GetObjectItem(f, "first_seen")->valuestring,
	                    "2026-11-06T21:20:00Z");
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "history"), "10.0.1.200"),
	                       0);
	assert_non_null(e);
	assert_string_equal(cJSON_GetObjectItem(e, "name")->valuestring, "gbs-cms.2");
	assert_string_equal(cJSON_GetObjectItem(e, "state")->valuestring, "failed");
	assert_string_equal(cJSON_GetObjectItem(e, "source")->valuestring, "docker");
	assert_int_equal(cJSON_GetObjectItem(e, "exit_code")->valueint, 137);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(e, "holds_now")));
	cJSON_Delete(j);
	buf_reset(&b);
	memset(&c, 0, sizeof(c));
	assert_int_equal(report_prometheus(&r, &c, &b), 0);
	assert_non_null(strstr(b.data, "esra_finding_first_seen_timestamp_seconds{id=\"stale_"
	                               "instance:GBS-CMS/dead\\\"x\",kind=\"stale_instance\"} "
	                               "1794000000\n"));
	buf_free(&b);
	report_free(&r);
}

static void test_report_adopted_findings_outlive_their_views(void **state)
{
	struct report r;
	struct finding *f;
	struct buf b;
	char *name = strdup("gbs-cms"), *owner = strdup("service:ghost"), *ev = strdup("evidence");
	ip4_t *ips = malloc(2 * sizeof(ip4_t));
	struct stale_ip *st;
	const char **evs;

	(void)state;
	assert_int_equal(report_init(&r, "check"), 0);
	f = finding_add(&r.findings, FK_POISONED_NAME);
	/* pointers into memory the finding list does not own, as reconcile leaves them */
	f->name = name;
	f->service = name;
	ips[0] = ip("10.0.1.2");
	ips[1] = ip("10.0.1.7");
	f->resolved_ips = ips;
	f->n_resolved = 2;
	st = malloc(sizeof(*st));
	st->ip = ips[1];
	st->owner = owner;
	st->backends = 0;
	f->stale = st;
	f->n_stale = 1;
	evs = malloc(sizeof(*evs));
	evs[0] = ev;
	f->evidence = evs;
	f->n_evidence = 1;
	assert_int_equal(finding_list_adopt(&r.findings), 0);
	/* the views go away */
	memset(name, 'X', strlen(name));
	memset(owner, 'X', strlen(owner));
	free(name);
	free(owner);
	free(ev);
	free(ips);
	free(st);
	free(evs);
	report_finish(&r);
	buf_init(&b, 0);
	assert_int_equal(report_json(&r, &b), 0);
	assert_non_null(strstr(b.data, "\"name\":\t\"gbs-cms\""));
	assert_non_null(strstr(b.data, "\"10.0.1.7\":\t\"service:ghost\""));
	assert_non_null(strstr(b.data, "\"evidence\""));
	buf_free(&b);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_first_line_follows_monitoring_plugins),
	    cmocka_unit_test(test_report_json_carries_the_contract_fields),
	    cmocka_unit_test(test_report_status_worst_wins_critical_over_unknown),
	    cmocka_unit_test(test_report_prometheus_metrics),
	    cmocka_unit_test(test_report_warnings_in_every_format),
	    cmocka_unit_test(test_report_adopted_findings_outlive_their_views),
	    cmocka_unit_test(test_report_finding_age_and_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
