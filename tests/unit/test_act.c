/* test_act.c: the action planner under every safety rule (doc/design.md, Safety), alone and in
 * combination: exactly which actions go and which are skipped, and why. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "testutil.h"

#define NOW    1800000000000LL
#define AGO(s) (NOW - (int64_t)(s)*1000)

struct fx {
	struct esra_config cfg;
	struct eu_registry *reg;
	struct finding_list fl;
	struct act_input in;
	struct act_plan plan;
	unsigned seen;
};

static void fx_init(struct fx *x, const char *conf)
{
	struct esra_err err;
	const char *env[] = {NULL};

	memset(x, 0, sizeof(*x));
	assert_int_equal(cfg_load_string(&x->cfg, conf ? conf : "", "t", env, NULL, &err), 0);
	x->reg = model_reg_new();
	assert_non_null(x->reg);
	assert_int_equal(finding_list_init(&x->fl), 0);
	x->in.cfg = &x->cfg;
	x->in.apply = true;
	x->in.sources_complete = true;
	x->in.leader = true;
	x->in.reg = x->reg;
	x->in.findings = &x->fl;
	x->in.now_ms = NOW;
}

static void fx_free(struct fx *x)
{
	act_plan_free(&x->plan);
	finding_list_free(&x->fl);
	model_reg_free(x->reg);
	cfg_free(&x->cfg);
}

/* n instances of app; the first `stale` of them get a stale_instance finding. */
static void app(struct fx *x, const char *name, int n, int stale, const char *action,
                enum eu_status status)
{
	for (int i = 0; i < n; i++) {
		struct eu_instance *in = model_reg_add(x->reg);
		char id[64];
		snprintf(id, sizeof(id), "%s-%d", name, i);
		in->app = pool_strdup(x->reg->pool, name);
		in->instance_id = pool_strdup(x->reg->pool, id);
		in->hostname = "h";
		in->ip = 0x0a000100u + (ip4_t)x->reg->n_inst;
		in->ip_valid = true;
		in->status = status;
		in->registration_ms = AGO(7200);
		in->last_renewal_ms = AGO(600);
		if (i < stale) {
			struct finding *f = finding_add(&x->fl, FK_STALE_INSTANCE);
			assert_non_null(f);
			f->app = in->app;
			f->instance_id = in->instance_id;
			f->suggested_action = action;
			f->ip = in->ip;
			f->has_ip = true;
			assert_int_equal(finding_set_key(f, &x->fl, "%s/%s", name, id), 0);
		}
	}
}

static void plan(struct fx *x)
{
	struct esra_err err;

	assert_int_equal(model_reg_finish(x->reg, &err), 0);
	assert_int_equal(act_plan(&x->in, &x->plan, &err), 0);
}

static size_t n_go(const struct fx *x)
{
	size_t n = 0;

	for (size_t i = 0; i < x->plan.n; i++)
		n += x->plan.items[i].go;
	return n;
}

/* How many items are refused with a reason containing s. */
static size_t n_refused(const struct fx *x, const char *s)
{
	size_t n = 0;

	for (size_t i = 0; i < x->plan.n; i++)
		if (!x->plan.items[i].go && strstr(x->plan.items[i].reason, s) != NULL)
			n++;
	return n;
}

static void test_act_report_mode_plans_nothing_without_apply(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NULL);
	x.in.apply = false;
	app(&x, "A", 10, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(x.plan.n, 0);
	fx_free(&x);
}

static void test_act_apply_follows_suggested_action(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NULL);
	app(&x, "A", 10, 1, "deregister", EU_UP);
	app(&x, "B", 10, 1, "flag", EU_UP);
	plan(&x);
	assert_int_equal(x.plan.n, 2);
	assert_int_equal(n_go(&x), 2);
	assert_int_equal(x.plan.items[0].kind, ACT_DEREGISTER);
	assert_int_equal(x.plan.items[1].kind, ACT_FLAG);
	fx_free(&x);
}

static void test_act_flag_mode_never_deregisters(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "policy = { mode = \"flag\"; };");
	x.in.apply = false;
	app(&x, "A", 10, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(x.plan.n, 1);
	assert_true(x.plan.items[0].go);
	assert_int_equal(x.plan.items[0].kind, ACT_FLAG);
	fx_free(&x);
}

static void test_act_incomplete_sources_refuse_everything(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NULL);
	x.in.sources_complete = false;
	x.in.incomplete = "eureka http://e:8761/eureka/: server not ready (403)";
	app(&x, "A", 10, 2, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 0);
	assert_int_equal(n_refused(&x, "sources incomplete this cycle (eureka"), 2);
	fx_free(&x);
}

static void test_act_leader_only_refuses_on_a_follower(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NULL);
	x.in.leader = false;
	app(&x, "A", 10, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_refused(&x, "not the swarm leader (policy.leader_only)"), 1);
	fx_free(&x);
	fx_init(&x, "policy = { leader_only = false; };");
	x.in.leader = false;
	app(&x, "A", 10, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	fx_free(&x);
}

static void test_act_max_actions_per_run(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "policy = { max_actions_per_run = 2; max_fraction_registry = 1.0; };");
	app(&x, "A", 10, 1, "deregister", EU_UP);
	app(&x, "B", 10, 1, "deregister", EU_UP);
	app(&x, "C", 10, 1, "deregister", EU_UP);
	app(&x, "D", 10, 1, "flag", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 2);
	assert_int_equal(n_refused(&x, "policy.max_actions_per_run"), 2);
	fx_free(&x);
}

static void test_act_per_app_fraction_four_stale_lose_one(void **state)
{
	struct fx x;

	(void)state;
	/* floor(4 x 0.34) = 1 */
	fx_init(&x, "policy = { max_fraction_registry = 1.0; };");
	app(&x, "A", 4, 4, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	assert_int_equal(n_refused(&x, "policy.max_fraction_per_app"), 3);
	fx_free(&x);
	/* floor(10 x 0.34) = 3 */
	fx_init(&x, "policy = { max_fraction_registry = 1.0; };");
	app(&x, "A", 10, 5, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 3);
	assert_int_equal(n_refused(&x, "policy.max_fraction_per_app"), 2);
	fx_free(&x);
	/* a small app still allows max(1, floor(2 x 0.34)) = 1 */
	fx_init(&x, "policy = { max_fraction_registry = 1.0; };");
	app(&x, "A", 2, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	fx_free(&x);
}

static void test_act_registry_fraction(void **state)
{
	struct fx x;

	(void)state;
	/* 20 instances x 0.15 = 3 */
	fx_init(&x, "policy = { max_actions_per_run = 100; };");
	for (int i = 0; i < 5; i++) {
		char name[8];
		snprintf(name, sizeof(name), "A%d", i);
		app(&x, name, 4, 1, "deregister", EU_UP);
	}
	plan(&x);
	assert_int_equal(n_go(&x), 3);
	assert_int_equal(n_refused(&x, "policy.max_fraction_registry"), 2);
	fx_free(&x);
}

static void test_act_never_the_last_up_instance(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NULL);
	app(&x, "SOLO", 1, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_refused(&x, "last UP instance of SOLO (policy.allow_empty_app)"), 1);
	fx_free(&x);
	/* two UP, both stale, a per-app cap that would allow both: the second is the last */
	fx_init(&x, "policy = { max_fraction_per_app = 1.0; max_fraction_registry = 1.0; };");
	app(&x, "PAIR", 2, 2, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	assert_int_equal(n_refused(&x, "last UP instance of PAIR"), 1);
	fx_free(&x);
	/* a DOWN instance is not an UP one */
	fx_init(&x, NULL);
	app(&x, "DOWNONE", 1, 1, "deregister", EU_DOWN);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	fx_free(&x);
	fx_init(&x, "policy = { allow_empty_app = true; };");
	app(&x, "SOLO", 1, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	fx_free(&x);
}

static void test_act_divergent_instances_are_left_alone(void **state)
{
	struct fx x;
	struct finding *d;

	(void)state;
	fx_init(&x, NULL);
	app(&x, "A", 10, 2, "deregister", EU_UP);
	d = finding_add(&x.fl, FK_REGISTRY_DIVERGENCE);
	d->app = "a"; /* apps compare case-insensitively */
	d->instance_id = "A-1";
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	assert_int_equal(n_refused(&x, "peers disagree"), 1);
	assert_string_equal(x.plan.items[1].f->instance_id, "A-1");
	fx_free(&x);
}

static void test_act_grace_and_already_flagged(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NULL);
	app(&x, "A", 10, 2, "flag", EU_UP);
	x.reg->inst[0].registration_ms = AGO(30);
	x.reg->inst[1].status = EU_OUT_OF_SERVICE;
	plan(&x);
	assert_int_equal(n_go(&x), 0);
	assert_int_equal(n_refused(&x, "policy.grace_seconds"), 1);
	assert_int_equal(n_refused(&x, "already OUT_OF_SERVICE"), 1);
	fx_free(&x);
}

static unsigned seen_fn(void *ud, const char *key)
{
	(void)key;
	return *(unsigned *)ud;
}

static void test_act_watch_needs_confirm_cycles(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "policy = { confirm_cycles = 3; };");
	app(&x, "A", 10, 1, "deregister", EU_UP);
	x.in.seen_cycles = seen_fn;
	x.in.seen_ud = &x.seen;
	x.seen = 2;
	plan(&x);
	assert_int_equal(n_refused(&x, "seen in 2 of 3 consecutive cycles"), 1);
	act_plan_free(&x.plan);
	x.seen = 3;
	assert_int_equal(act_plan(&x.in, &x.plan, NULL), 0);
	assert_int_equal(n_go(&x), 1);
	fx_free(&x);
}

static void test_act_limits_combine_in_order(void **state)
{
	struct fx x;

	(void)state;
	/* 3 apps x 10 instances = 30; registry cap floor(30 x 0.15) = 4; per app 3; run cap 5 */
	fx_init(&x, NULL);
	app(&x, "A", 10, 5, "deregister", EU_UP);
	app(&x, "B", 10, 2, "deregister", EU_UP);
	app(&x, "C", 10, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(x.plan.n, 8);
	assert_int_equal(n_go(&x), 4);
	/* A: 3 go, 2 per-app refusals; B: 1 go, 1 registry refusal; C: registry refusal */
	assert_int_equal(n_refused(&x, "policy.max_fraction_per_app"), 2);
	assert_int_equal(n_refused(&x, "policy.max_fraction_registry"), 2);
	for (size_t i = 0; i < x.plan.n; i++)
		if (!x.plan.items[i].go)
			assert_true(strlen(x.plan.items[i].reason) > 10);
	fx_free(&x);
}

static void test_act_unwritable_audit_log_sends_nothing(void **state)
{
	struct fx x;
	struct esra_err err;
	const char *urls[] = {"http://127.0.0.1:1/eureka/"};
	struct eureka_opts eo = {urls, 1, EUREKA_JSON, 500, 0, false, NULL, NULL, NULL, NULL};
	struct act_exec ex;

	(void)state;
	fx_init(&x, "policy = { audit_log = \"/nonexistent-dir/esra/audit.log\"; "
	            "max_fraction_registry = 1.0; };");
	app(&x, "A", 10, 2, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 2);
	memset(&ex, 0, sizeof(ex));
	ex.eu = eureka_new(&eo, &err);
	assert_non_null(ex.eu);
	ex.node = "node1";
	ex.verify_wait_ms = 100;
	act_execute(&ex, &x.in, &x.plan);
	assert_int_equal(x.plan.n, 2);
	for (size_t i = 0; i < x.plan.n; i++) {
		/* skipped, not failed: nothing was even tried against the (dead) server */
		assert_int_equal(x.plan.items[i].result, ACT_SKIPPED);
		assert_non_null(strstr(x.plan.items[i].outcome, "audit log"));
		assert_int_equal(x.plan.items[i].http_status, 0);
		assert_int_equal(x.plan.items[i].peers_agree, -1);
	}
	eureka_free(ex.eu);
	fx_free(&x);
}

static void test_act_stop_flag_starts_no_write_and_audits_whole_lines(void **state)
{
	struct fx x;
	struct esra_err err;
	const char *urls[] = {"http://127.0.0.1:1/eureka/"};
	struct eureka_opts eo = {urls, 1, EUREKA_JSON, 500, 0, false, NULL, NULL, NULL, NULL};
	struct act_exec ex;
	volatile sig_atomic_t stop = 1;
	char dir[] = "/tmp/esra-act-XXXXXX", path[64], conf[160], line[4096];
	FILE *f;
	size_t lines = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	snprintf(conf, sizeof(conf),
	         "policy = { audit_log = \"%s\"; max_fraction_registry = 1.0; };", path);
	fx_init(&x, conf);
	app(&x, "A", 10, 2, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 2);
	memset(&ex, 0, sizeof(ex));
	ex.eu = eureka_new(&eo, &err);
	assert_non_null(ex.eu);
	ex.node = "node1";
	ex.verify_wait_ms = 100;
	ex.stop = &stop;
	act_execute(&ex, &x.in, &x.plan);
	assert_int_equal(x.plan.n, 2);
	for (size_t i = 0; i < x.plan.n; i++) {
		assert_int_equal(x.plan.items[i].result, ACT_SKIPPED);
		assert_non_null(strstr(x.plan.items[i].outcome, "stopping"));
		assert_int_equal(x.plan.items[i].http_status, 0); /* nothing was tried */
	}
	/* a before and an after line per item, each whole (ends with a newline) */
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);

		assert_true(n > 2 && line[0] == '{' && line[n - 1] == '\n' && line[n - 2] == '}');
		if (lines % 2 == 1)
			assert_non_null(strstr(line, "\"skipped\""));
		lines++;
	}
	fclose(f);
	assert_int_equal(lines, 4);
	unlink(path);
	rmdir(dir);
	eureka_free(ex.eu);
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_act_report_mode_plans_nothing_without_apply),
	    cmocka_unit_test(test_act_apply_follows_suggested_action),
	    cmocka_unit_test(test_act_flag_mode_never_deregisters),
	    cmocka_unit_test(test_act_incomplete_sources_refuse_everything),
	    cmocka_unit_test(test_act_leader_only_refuses_on_a_follower),
	    cmocka_unit_test(test_act_max_actions_per_run),
	    cmocka_unit_test(test_act_per_app_fraction_four_stale_lose_one),
	    cmocka_unit_test(test_act_registry_fraction),
	    cmocka_unit_test(test_act_never_the_last_up_instance),
	    cmocka_unit_test(test_act_divergent_instances_are_left_alone),
	    cmocka_unit_test(test_act_grace_and_already_flagged),
	    cmocka_unit_test(test_act_watch_needs_confirm_cycles),
	    cmocka_unit_test(test_act_limits_combine_in_order),
	    cmocka_unit_test(test_act_unwritable_audit_log_sends_nothing),
	    cmocka_unit_test(test_act_stop_flag_starts_no_write_and_audits_whole_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
