/* test_model.c: the model's own logic: applying Eureka deltas in the server's order, the apps
 * hashcode, lookups, RFC 3339 times and IPv4 parsing. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "testutil.h"

static struct eu_instance *add(struct eu_registry *r, const char *app, const char *id,
                               enum eu_status st, enum eu_action act)
{
	struct eu_instance *in = model_reg_add(r);

	assert_non_null(in);
	in->app = pool_strdup(r->pool, app);
	in->instance_id = pool_strdup(r->pool, id);
	in->status = st;
	in->action = act;
	return in;
}

static struct eu_registry *base(void)
{
	struct eu_registry *r = model_reg_new();
	struct esra_err err;

	add(r, "GBS-CMS", "a", EU_UP, EU_ACT_NONE);
	add(r, "GBS-CMS", "b", EU_UP, EU_ACT_NONE);
	add(r, "GBS-USER", "c", EU_DOWN, EU_ACT_NONE);
	assert_int_equal(model_reg_finish(r, &err), ESRA_OK);
	return r;
}

static void apply(struct eu_registry *r, struct eu_registry *d)
{
	struct esra_err err;

	/* the parser finishes a delta too, which sorts it: order must survive that */
	assert_int_equal(model_reg_finish(d, &err), ESRA_OK);
	assert_int_equal(model_reg_apply_delta(r, d, &err), ESRA_OK);
	model_reg_free(d);
}

static void test_model_delta_adds_modifies_and_deletes(void **state)
{
	struct eu_registry *r = base(), *d = model_reg_new();
	char hc[64];

	(void)state;
	add(d, "GBS-CMS", "new", EU_UP, EU_ACT_ADDED);
	add(d, "gbs-cms", "a", EU_OUT_OF_SERVICE, EU_ACT_MODIFIED); /* app case differs */
	add(d, "GBS-USER", "c", EU_DOWN, EU_ACT_DELETED);
	apply(r, d);
	assert_int_equal(r->n_inst, 3);
	assert_int_equal(r->n_apps, 1);
	assert_int_equal(model_reg_find(r, "GBS-CMS", "a")->status, EU_OUT_OF_SERVICE);
	assert_non_null(model_reg_find(r, "gbs-cms", "new"));
	assert_null(model_reg_find(r, "GBS-USER", "c"));
	model_reg_hashcode(r, hc, sizeof(hc));
	assert_string_equal(hc, "OUT_OF_SERVICE_1_UP_2_");
	model_reg_free(r);
}

static void test_model_delta_applies_in_the_servers_order(void **state)
{
	struct eu_registry *r = base(), *d;

	(void)state;
	/* registered and cancelled within one delta window: gone */
	d = model_reg_new();
	add(d, "GBS-CMS", "brief", EU_UP, EU_ACT_ADDED);
	add(d, "GBS-CMS", "brief", EU_UP, EU_ACT_DELETED);
	apply(r, d);
	assert_null(model_reg_find(r, "GBS-CMS", "brief"));
	assert_int_equal(r->n_inst, 3);
	/* cancelled and registered again: present, with the new data */
	d = model_reg_new();
	add(d, "GBS-CMS", "b", EU_UP, EU_ACT_DELETED);
	add(d, "GBS-CMS", "b", EU_STARTING, EU_ACT_ADDED);
	apply(r, d);
	assert_int_equal(model_reg_find(r, "GBS-CMS", "b")->status, EU_STARTING);
	assert_int_equal(r->n_inst, 3);
	/* the same delta applied twice (its window overlaps the next poll) changes nothing */
	for (int k = 0; k < 2; k++) {
		d = model_reg_new();
		add(d, "GBS-CMS", "x", EU_UP, EU_ACT_ADDED);
		add(d, "GBS-CMS", "x", EU_UP, EU_ACT_DELETED);
		add(d, "GBS-CMS", "y", EU_UP, EU_ACT_ADDED);
		add(d, "GBS-CMS", "y", EU_DOWN, EU_ACT_MODIFIED);
		apply(r, d);
		assert_int_equal(r->n_inst, 4);
		assert_null(model_reg_find(r, "GBS-CMS", "x"));
		assert_int_equal(model_reg_find(r, "GBS-CMS", "y")->status, EU_DOWN);
	}
	/* a MODIFIED for an instance never seen is added */
	d = model_reg_new();
	add(d, "NEW-APP", "z", EU_UP, EU_ACT_MODIFIED);
	apply(r, d);
	assert_non_null(model_reg_find(r, "NEW-APP", "z"));
	assert_int_equal(r->n_apps, 3);
	model_reg_free(r);
}

static void test_model_hashcode_sorts_statuses_by_name(void **state)
{
	struct eu_registry *r = model_reg_new();
	struct esra_err err;
	char hc[64];

	(void)state;
	add(r, "A", "1", EU_UP, EU_ACT_NONE);
	add(r, "A", "2", EU_UP, EU_ACT_NONE);
	add(r, "B", "3", EU_UP, EU_ACT_NONE);
	add(r, "B", "4", EU_DOWN, EU_ACT_NONE);
	assert_int_equal(model_reg_finish(r, &err), 0);
	model_reg_hashcode(r, hc, sizeof(hc));
	assert_string_equal(hc, "DOWN_1_UP_3_");
	model_reg_free(r);
	r = model_reg_new();
	model_reg_hashcode(r, hc, sizeof(hc));
	assert_string_equal(hc, "");
	model_reg_free(r);
}

static void test_model_instance_id_falls_back_to_hostname(void **state)
{
	struct eu_registry *r = model_reg_new();
	struct eu_instance *in;
	struct esra_err err;

	(void)state;
	in = add(r, "OLD", "", EU_UP, EU_ACT_NONE);
	in->hostname = "10.0.0.1:7101";
	assert_int_equal(model_reg_finish(r, &err), 0);
	assert_string_equal(model_inst_id(&r->inst[0]), "10.0.0.1:7101");
	assert_non_null(model_reg_find(r, "old", "10.0.0.1:7101"));
	model_reg_free(r);
}

static void test_model_parses_rfc3339_times(void **state)
{
	int64_t ms;

	(void)state;
	assert_int_equal(model_parse_time("2026-11-24T22:21:00.639362327Z", &ms), 0);
	assert_true(ms == 1795558860639LL);
	assert_int_equal(model_parse_time("2026-11-24T23:21:00.639+01:00", &ms), 0);
	assert_true(ms == 1795558860639LL);
	assert_int_equal(model_parse_time("1970-01-01T00:00:00Z", &ms), 0);
	assert_true(ms == 0);
	assert_int_equal(model_parse_time("0001-01-01T00:00:00Z", &ms), 0);
	assert_true(ms < 0);
	assert_int_equal(model_parse_time("2026-13-01T00:00:00Z", &ms), ESRA_EPARSE);
	assert_int_equal(model_parse_time("2026-11-24 22:21:00", &ms), ESRA_EPARSE);
	assert_int_equal(model_parse_time("2026-11-24T22:21:00.Z", &ms), ESRA_EPARSE);
	assert_int_equal(model_parse_time("yesterday", &ms), ESRA_EPARSE);
}

static void test_model_ipv4_parsing_is_strict(void **state)
{
	ip4_t ip;
	int pfx;
	char b[IP4_STRLEN];

	(void)state;
	assert_int_equal(ip4_parse("10.0.1.2/24", (size_t)-1, &ip, &pfx), 0);
	assert_string_equal(ip4_format(ip, b), "10.0.1.2");
	assert_int_equal(pfx, 24);
	assert_int_equal(ip4_parse("10.0.1.2", (size_t)-1, &ip, &pfx), 0);
	assert_int_equal(pfx, -1);
	assert_true(ip4_in_subnet(ip, 0x0a000000u, 8));
	assert_false(ip4_in_subnet(ip, 0x0b000000u, 8));
	static const char *const bad[] = {"10.261.13.199", "10.0.1",    "10.0.1.2.3", "010.0.1.2",
	                                  "10.0.1.2/33",   "10.0.1.2/", "",           "a.b.c.d",
	                                  "10..1.2",       " 10.0.1.2", "10.0.1.2 "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ip4_parse(bad[i], (size_t)-1, &ip, &pfx) != ESRA_EPARSE)
			fail_msg("\"%s\" parsed", bad[i]);
}

/* Answers of several DNS rounds as one view: found by name case-insensitively (the first
 * round that holds it wins), the rest listed as missing and filled afterwards. */
static void test_model_dns_pick_joins_rounds_and_lists_the_missing(void **state)
{
	struct dns_view *r1 = model_dns_new(2), *r2 = model_dns_new(1), *v;
	const struct dns_view *from[3];
	static const char *const names[] = {"svc", "TASKS.svc", "host", "other"};
	ip4_t ips[2];
	size_t *missing = NULL, nm = 0;
	struct dns_answer late;

	(void)state;
	assert_int_equal(ip4_parse("10.0.0.2", 8, &ips[0], NULL), ESRA_OK);
	assert_int_equal(ip4_parse("10.0.0.3", 8, &ips[1], NULL), ESRA_OK);
	r1->ans[0] = (struct dns_answer){"svc", DNS_RC_OK, ips, 1, 600};
	r1->ans[1] = (struct dns_answer){"tasks.svc", DNS_RC_OK, ips, 2, 600};
	r1->queries = 2;
	r2->ans[0] = (struct dns_answer){"HOST", DNS_RC_NXDOMAIN, NULL, 0, -1};
	r2->queries = 3;
	from[0] = r1;
	from[1] = NULL;
	from[2] = r2;
	assert_ptr_equal(model_dns_find(r1, "SVC"), &r1->ans[0]);
	assert_null(model_dns_find(r1, "host"));
	v = model_dns_pick(names, 4, from, 3, &missing, &nm);
	assert_non_null(v);
	assert_int_equal(v->queries, 5);
	assert_int_equal(v->ans[1].n_ips, 2);
	assert_int_equal(v->ans[1].ips[1], ips[1]);
	assert_true(v->ans[1].ips != ips); /* copied: the rounds may be freed */
	assert_int_equal(v->ans[2].rc, DNS_RC_NXDOMAIN);
	assert_string_equal(v->ans[2].name, "host");
	assert_int_equal(nm, 1);
	assert_int_equal(missing[0], 3);
	assert_int_equal(v->ans[3].rc, DNS_RC_ERROR);
	model_dns_free(r1);
	model_dns_free(r2);
	late = (struct dns_answer){"other", DNS_RC_OK, ips, 1, 30};
	assert_int_equal(model_dns_set(v, 3, &late), ESRA_OK);
	assert_int_equal(model_dns_find(v, "Other")->ips[0], ips[0]);
	assert_int_equal(model_dns_find(v, "tasks.SVC")->n_ips, 2);
	free(missing);
	model_dns_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_delta_adds_modifies_and_deletes),
	    cmocka_unit_test(test_model_delta_applies_in_the_servers_order),
	    cmocka_unit_test(test_model_hashcode_sorts_statuses_by_name),
	    cmocka_unit_test(test_model_instance_id_falls_back_to_hostname),
	    cmocka_unit_test(test_model_parses_rfc3339_times),
	    cmocka_unit_test(test_model_ipv4_parsing_is_strict),
	    cmocka_unit_test(test_model_dns_pick_joins_rounds_and_lists_the_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
