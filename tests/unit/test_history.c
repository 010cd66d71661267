/* test_history.c: the address history join on payloads captured from the test swarm
 * (tests/fixtures/docker/testbed): a shut-down task's address is attributed to it with its
 * node, end state, exit code and time; a lingering task (running, desired remove) and a VIP
 * hold theirs now; esra's memory names a holder Docker forgot, once, and Docker wins over
 * the memory for a holder both know; findings get the history and one evidence line per
 * past holder; only present holders are remembered. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_parse.h"
#include "history.h"
#include "model.h"
#include "state.h"

static struct sw_view *testbed(void)
{
	static const struct {
		const char *file;
		int (*parse)(struct sw_view *, const char *, size_t, struct esra_err *);
	} files[] = {
	    {"docker/testbed/manager-info.json", docker_parse_info},
	    {"docker/testbed/manager-nodes.json", docker_parse_nodes},
	    {"docker/testbed/manager-services.json", docker_parse_services},
	    {"docker/testbed/manager-tasks.json", docker_parse_tasks},
	    {"docker/testbed/manager-networks.json", docker_parse_networks},
	    {"docker/testbed/manager-containers.json", docker_parse_containers},
	};
	struct sw_view *v = model_sw_new();
	struct esra_err err;

	assert_non_null(v);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t n;
		char *text = tu_fixture(files[i].file, &n);
		if (files[i].parse(v, text, n, &err) != ESRA_OK)
			tu_fail("%s: %s", files[i].file, err.msg);
		free(text);
	}
	if (model_sw_link(v, &err) != ESRA_OK)
		tu_fail("link: %s", err.msg);
	return v;
}

static ip4_t ip(const char *s)
{
	ip4_t a;
	int prefix;

	assert_int_equal(ip4_parse(s, strlen(s), &a, &prefix), ESRA_OK);
	return a;
}

static void test_history_names_the_shut_down_task_of_an_address(void **unused)
{
	struct sw_view *v = testbed();
	struct esra_err err;
	struct history *h = history_new(v, NULL, &err);
	struct addr_owner o[8];
	char line[512], ts[32];
	size_t n;

	(void)unused;
	assert_non_null(h);
	n = history_get(h, ip("10.0.1.3"), o, 8);
	assert_int_equal(n, 1);
	assert_string_equal(o[0].kind, "task");
	assert_string_equal(o[0].name, "gbs-cms.2");
	assert_string_equal(o[0].service, "gbs-cms");
	assert_string_equal(o[0].id, "glt9ae4ox22r9ppxk9mnx5agq");
	assert_string_equal(o[0].state, "shutdown");
	assert_string_equal(o[0].source, "docker");
	assert_int_equal(o[0].exit_code, 137);
	assert_false(o[0].live);
	assert_string_equal(esra_format_time(o[0].until_ms, false, ts, sizeof(ts)),
	                    "2026-11-24T22:21:07Z");
	assert_non_null(o[0].node);
	history_describe(&o[0], line, sizeof(line));
	assert_string_equal(line, "was task gbs-cms.2 (glt9ae4ox22r, vm, shutdown "
	                          "2026-11-24T22:21:07Z: shutdown, exit code 137) of service "
	                          "gbs-cms");
	history_free(h);
	model_sw_free(v);
}

static void test_history_lingering_task_and_vip_hold_their_addresses_now(void **unused)
{
	struct sw_view *v = testbed();
	struct esra_err err;
	struct history *h = history_new(v, NULL, &err);
	struct addr_owner o[8];

	(void)unused;
	/* ghost's task: running while swarm wants it removed, so it still holds 10.0.1.18 */
	assert_int_equal(history_get(h, ip("10.0.1.18"), o, 8), 1);
	assert_string_equal(o[0].name, "ghost.1");
	assert_true(o[0].live);
	assert_int_equal(o[0].until_ms, 0);
	assert_int_equal(history_get(h, ip("10.0.1.7"), o, 8), 1);
	assert_string_equal(o[0].kind, "service_vip");
	assert_string_equal(o[0].name, "ghost");
	assert_true(o[0].live);
	/* nothing ever held it */
	assert_int_equal(history_get(h, ip("10.0.1.250"), o, 8), 0);
	history_free(h);
	model_sw_free(v);
}

static void test_history_memory_names_what_docker_forgot_once(void **unused)
{
	struct sw_view *v = testbed();
	struct state *st = state_new(v->self.id);
	struct state_owner gone, known;
	struct esra_err err;
	struct history *h;
	struct addr_owner o[8];
	char line[512];

	(void)unused;
	memset(&gone, 0, sizeof(gone));
	gone.ip = ip("10.0.1.10");
	gone.kind = "service_vip";
	gone.name = "gbs-cms-old";
	gone.id = "oldsvc";
	gone.service = "gbs-cms-old";
	assert_int_equal(state_note_owner(st, &gone, 1764400000000), ESRA_OK);
	known = gone;
	known.ip = ip("10.0.1.3");
	known.kind = "task";
	known.name = "gbs-cms.2";
	known.id = "glt9ae4ox22r9ppxk9mnx5agq";
	assert_int_equal(state_note_owner(st, &known, 1764400000000), ESRA_OK);
	h = history_new(v, st, &err);
	assert_int_equal(history_get(h, ip("10.0.1.10"), o, 8), 1);
	assert_string_equal(o[0].source, "state");
	assert_false(o[0].live);
	history_describe(&o[0], line, sizeof(line));
	assert_string_equal(line, "was the VIP of service gbs-cms-old until 2025-11-29T07:06:40Z "
	                          "(seen by esra)");
	/* the same task from Docker and the memory: listed once, from Docker */
	assert_int_equal(history_get(h, ip("10.0.1.3"), o, 8), 1);
	assert_string_equal(o[0].source, "docker");
	history_free(h);
	state_free(st);
	model_sw_free(v);
}

static void test_history_annotates_findings_with_past_holders(void **unused)
{
	struct sw_view *v = testbed();
	struct esra_err err;
	struct history *h = history_new(v, NULL, &err);
	struct finding_list l;
	struct finding *f, *p;

	(void)unused;
	assert_int_equal(finding_list_init(&l), ESRA_OK);
	f = finding_add(&l, FK_STALE_INSTANCE);
	f->ip = ip("10.0.1.3");
	f->has_ip = true;
	p = finding_add(&l, FK_POISONED_NAME);
	p->stale = pool_alloc(l.pool, sizeof(*p->stale));
	p->stale[0].ip = ip("10.0.1.7");
	p->n_stale = 1;
	f = &l.v[0];
	assert_int_equal(history_annotate(h, &l), ESRA_OK);
	history_free(h);
	model_sw_free(v); /* the list owns its copies */
	assert_int_equal(f->n_history, 1);
	assert_int_equal(f->history[0].n, 1);
	assert_string_equal(f->history[0].owners[0].name, "gbs-cms.2");
	assert_int_equal(f->n_evidence, 1);
	assert_non_null(strstr(f->evidence[0], "10.0.1.3 was task gbs-cms.2 (glt9ae4ox22r"));
	/* a present holder is history but no "was" evidence */
	assert_int_equal(l.v[1].n_history, 1);
	assert_true(l.v[1].history[0].owners[0].live);
	assert_int_equal(l.v[1].n_evidence, 0);
	finding_list_free(&l);
}

static void test_history_remembers_only_present_holders(void **unused)
{
	struct sw_view *v = testbed();
	struct state *st = state_new(v->self.id);
	const struct state_owner *got[4];

	(void)unused;
	assert_int_equal(history_remember(v, st, 5000), ESRA_OK);
	assert_int_equal(state_owners(st, ip("10.0.1.3"), got, 4), 0);  /* shut down */
	assert_int_equal(state_owners(st, ip("10.0.1.18"), got, 4), 1); /* lingering */
	assert_string_equal(got[0]->name, "ghost.1");
	assert_int_equal(state_owners(st, ip("10.0.1.2"), got, 4), 1);
	assert_string_equal(got[0]->kind, "service_vip");
	assert_int_equal(got[0]->first_ms, 5000);
	state_free(st);
	model_sw_free(v);
}

/* Docker's events end what the memory remembers: a removed container's die (with its exit
 * code) and a removed service's remove give the end times. */
static void test_history_events_end_what_the_memory_remembers(void **unused)
{
	struct sw_view *v = testbed();
	struct state *st = state_new(v->self.id);
	struct state_owner c, vip;
	struct esra_err err;
	struct history *h;
	struct addr_owner o[8];
	char line[512], ts[32];
	size_t n;
	char *text = tu_fixture("docker/testbed/manager-events.jsonl", &n);

	(void)unused;
	if (docker_parse_events(v, text, n, &err) != ESRA_OK)
		tu_fail("events: %s", err.msg);
	free(text);
	/* create, die, destroy, remove, connect, disconnect, update are kept; start, kill not */
	assert_int_equal(v->n_events, 13);
	memset(&c, 0, sizeof(c));
	c.ip = ip("10.0.2.9");
	c.kind = "container";
	c.name = "evc";
	c.id = "bc80462c95c49de7caff7889b037e1b906897f13b24566ef4ec3fbd0d8b340eb";
	c.node = "node1";
	c.state = "running";
	assert_int_equal(state_note_owner(st, &c, 1796160700000), ESRA_OK);
	vip = c;
	vip.ip = ip("10.0.2.2");
	vip.kind = "service_vip";
	vip.name = vip.service = "evsvc";
	vip.id = "broniy1c2pfbl0ffus1efku4x";
	assert_int_equal(state_note_owner(st, &vip, 1796160700000), ESRA_OK);
	h = history_new(v, st, &err);
	assert_int_equal(history_get(h, c.ip, o, 8), 1);
	assert_true(o[0].until_event);
	assert_string_equal(o[0].source, "state");
	assert_string_equal(o[0].state, "die");
	assert_int_equal(o[0].exit_code, 137);
	assert_string_equal(esra_format_time(o[0].until_ms, true, ts, sizeof(ts)),
	                    "2026-12-01T21:32:16.625Z");
	history_describe(&o[0], line, sizeof(line));
	assert_string_equal(line, "was container evc (bc80462c95c4, node1, die, exit code 137) "
	                          "until 2026-12-01T21:32:16Z (seen by esra; the end from Docker's "
	                          "events)");
	assert_int_equal(history_get(h, vip.ip, o, 8), 1);
	assert_string_equal(o[0].state, "removed");
	history_describe(&o[0], line, sizeof(line));
	assert_string_equal(line, "was the VIP of service evsvc until 2026-12-01T21:32:17Z, when "
	                          "the service was removed (seen by esra; the end from Docker's "
	                          "events)");
	history_free(h);
	state_free(st);
	model_sw_free(v);
}

/* A stream that is not JSON, or an event without its members, is an error naming it. */
static void test_history_bad_events_are_errors(void **unused)
{
	static const char bad[] = "{\"Type\":\"container\",\"Action\":\"die\"}\n";
	static const char junk[] = "{\"Type\":\"container\"} {oops";
	struct sw_view *v = model_sw_new();
	struct esra_err err;

	(void)unused;
	assert_int_equal(docker_parse_events(v, bad, sizeof(bad) - 1, &err), ESRA_EPARSE);
	assert_non_null(strstr(err.msg, "event #0 has no"));
	assert_int_equal(docker_parse_events(v, junk, sizeof(junk) - 1, &err), ESRA_EPARSE);
	assert_int_equal(docker_parse_events(v, "", 0, &err), ESRA_OK);
	model_sw_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_history_names_the_shut_down_task_of_an_address),
	    cmocka_unit_test(test_history_lingering_task_and_vip_hold_their_addresses_now),
	    cmocka_unit_test(test_history_memory_names_what_docker_forgot_once),
	    cmocka_unit_test(test_history_annotates_findings_with_past_holders),
	    cmocka_unit_test(test_history_remembers_only_present_holders),
	    cmocka_unit_test(test_history_events_end_what_the_memory_remembers),
	    cmocka_unit_test(test_history_bad_events_are_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
