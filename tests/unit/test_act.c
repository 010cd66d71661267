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

/* Execute x's plan against a registry that does not answer (127.0.0.1:1). */
static void execute_dead(struct fx *x)
{
	struct esra_err err;
	const char *urls[] = {"http://127.0.0.1:1/eureka/"};
	struct eureka_opts eo = {urls, 1, EUREKA_JSON, 500, 0, false, NULL, NULL, NULL, NULL};
	struct act_exec ex;

	memset(&ex, 0, sizeof(ex));
	ex.eu = eureka_new(&eo, &err);
	assert_non_null(ex.eu);
	ex.node = "node1";
	ex.verify_wait_ms = 100;
	act_execute(&ex, &x->in, &x->plan);
	eureka_free(ex.eu);
}

static void test_act_unwritable_audit_log_sends_nothing(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "policy = { audit_log = \"/nonexistent-dir/esra/audit.log\"; "
	            "max_fraction_registry = 1.0; };");
	app(&x, "A", 10, 2, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 2);
	execute_dead(&x);
	assert_int_equal(x.plan.n, 2);
	for (size_t i = 0; i < x.plan.n; i++) {
		/* skipped, not failed: nothing was even tried against the (dead) server */
		assert_int_equal(x.plan.items[i].result, ACT_SKIPPED);
		assert_non_null(strstr(x.plan.items[i].outcome, "audit log"));
		assert_int_equal(x.plan.items[i].rule, ACT_R_AUDIT_LOG);
		assert_int_equal(x.plan.items[i].http_status, 0);
		assert_int_equal(x.plan.items[i].peers_agree, -1);
	}
	fx_free(&x);
}

/* The item of instance id (the test fails without one). */
static const struct act_item *item(const struct fx *x, const char *id)
{
	for (size_t i = 0; i < x->plan.n; i++)
		if (strcmp(x->plan.items[i].f->instance_id, id) == 0)
			return &x->plan.items[i];
	tu_fail("no planned item for %s", id);
}

/* The stale finding of instance id (to mark it another cluster's). */
static struct finding *finding_of(struct fx *x, const char *id)
{
	for (size_t i = 0; i < x->fl.n; i++)
		if (x->fl.v[i].instance_id && strcmp(x->fl.v[i].instance_id, id) == 0)
			return &x->fl.v[i];
	tu_fail("no finding for %s", id);
}

static void other_cluster(struct fx *x, const char *id)
{
	struct finding *f = finding_of(x, id);

	f->suggested_action = "none";
	f->not_ours = "instanceId starts with deadbeef0123, a container this swarm never ran";
}

static void carry(struct fx *x, size_t inst, const char *meta)
{
	x->reg->inst[inst].metadata = meta;
}

/* One scene per planning rule: each is refused by exactly that rule, by name; removing
 * the rule's row from the table makes its scene go (or be refused by another rule). */
static void test_act_every_rule_refuses_by_name(void **state)
{
	static const struct {
		enum act_rule_id rule;
		const char *conf;
		const char *reason;
	} scenes[] = {
	    {ACT_R_IN_REGISTRY, NULL, "not in this cycle's registry"},
	    {ACT_R_OWNED, NULL, "not this swarm's to write: instanceId starts with"},
	    {ACT_R_OWNER_METADATA, "policy = { owner_metadata = \"swarm=prod-a\"; };",
	     "does not carry swarm=prod-a (policy.owner_metadata)"},
	    {ACT_R_SOURCES_COMPLETE, NULL, "sources incomplete"},
	    {ACT_R_LEADER_ONLY, NULL, "policy.leader_only"},
	    {ACT_R_CONFIRM_CYCLES, NULL, "policy.confirm_cycles"},
	    {ACT_R_PEERS_AGREE, NULL, "peers disagree"},
	    {ACT_R_GRACE, NULL, "policy.grace_seconds"},
	    {ACT_R_NOT_FLAGGED, NULL, "already OUT_OF_SERVICE"},
	    {ACT_R_LAST_UP, NULL, "policy.allow_empty_app"},
	    {ACT_R_PER_APP, "policy = { max_fraction_registry = 1.0; };",
	     "policy.max_fraction_per_app"},
	    {ACT_R_REGISTRY, "policy = { max_fraction_per_app = 1.0; };",
	     "policy.max_fraction_registry"},
	    {ACT_R_MAX_ACTIONS,
	     "policy = { max_actions_per_run = 1; max_fraction_per_app = 1.0; "
	     "max_fraction_registry = 1.0; };",
	     "policy.max_actions_per_run"},
	};
	unsigned zero = 0;

	(void)state;
	assert_int_equal(sizeof(scenes) / sizeof(scenes[0]), ACT_R_AUDIT_LOG - ACT_R_IN_REGISTRY);
	for (size_t k = 0; k < sizeof(scenes) / sizeof(scenes[0]); k++) {
		struct fx x;
		const struct act_item *it;
		const char *last = "A-0";
		fx_init(&x, scenes[k].conf);
		switch (scenes[k].rule) {
		case ACT_R_IN_REGISTRY: {
			struct finding *f;
			app(&x, "A", 4, 0, "deregister", EU_UP);
			f = finding_add(&x.fl, FK_STALE_INSTANCE);
			f->app = "A";
			f->instance_id = last = "A-gone";
			f->suggested_action = "deregister";
			break;
		}
		case ACT_R_OWNED:
			app(&x, "A", 4, 1, "deregister", EU_UP);
			other_cluster(&x, "A-0");
			break;
		case ACT_R_SOURCES_COMPLETE:
			app(&x, "A", 4, 1, "deregister", EU_UP);
			x.in.sources_complete = false;
			break;
		case ACT_R_LEADER_ONLY:
			app(&x, "A", 4, 1, "deregister", EU_UP);
			x.in.leader = false;
			break;
		case ACT_R_CONFIRM_CYCLES:
			app(&x, "A", 4, 1, "deregister", EU_UP);
			x.in.seen_cycles = seen_fn;
			x.in.seen_ud = &zero;
			break;
		case ACT_R_PEERS_AGREE: {
			struct finding *d;
			app(&x, "A", 4, 1, "deregister", EU_UP);
			d = finding_add(&x.fl, FK_REGISTRY_DIVERGENCE);
			d->app = "A";
			d->instance_id = "A-0";
			break;
		}
		case ACT_R_GRACE:
			app(&x, "A", 4, 1, "deregister", EU_UP);
			x.reg->inst[0].registration_ms = AGO(10);
			break;
		case ACT_R_NOT_FLAGGED:
			app(&x, "A", 4, 1, "flag", EU_OUT_OF_SERVICE);
			break;
		case ACT_R_LAST_UP:
			app(&x, "A", 1, 1, "deregister", EU_UP);
			break;
		case ACT_R_PER_APP:
		case ACT_R_REGISTRY:
		case ACT_R_MAX_ACTIONS:
			/* two stale of 4: the second is refused (per app floor(4 x 0.34) = 1,
			 * registry floor(4 x 0.15) -> 1, run cap 1) */
			app(&x, "A", 4, 2, "deregister", EU_UP);
			last = "A-1";
			break;
		default:
			app(&x, "A", 4, 1, "deregister", EU_UP);
			break;
		}
		plan(&x);
		it = item(&x, last);
		if (it->go || it->rule != scenes[k].rule ||
		    strstr(it->reason, scenes[k].reason) == NULL)
			fail_msg("scene %s: go %d, rule %s, reason \"%s\"",
			         act_rule_name(scenes[k].rule), it->go, act_rule_name(it->rule),
			         it->reason);
		assert_string_not_equal(act_rule_what(scenes[k].rule), "");
		fx_free(&x);
	}
}

/* Another cluster's instances (not_ours) are refused by ownership, whatever the caps allow,
 * and take nothing from the caps: this swarm's own stale instances still go. */
static void test_act_other_cluster_never_written_caps_lifted_or_not(void **state)
{
	static const char *const lifted = "policy = { max_fraction_per_app = 1.0; "
	                                  "max_fraction_registry = 1.0; max_actions_per_run = 100; "
	                                  "allow_empty_app = true; };";
	struct fx x;

	(void)state;
	/* caps lifted: 3 other-cluster + 3 of ours, all stale */
	fx_init(&x, lifted);
	app(&x, "GBS-CMS", 6, 6, "deregister", EU_UP);
	other_cluster(&x, "GBS-CMS-0");
	other_cluster(&x, "GBS-CMS-1");
	other_cluster(&x, "GBS-CMS-2");
	plan(&x);
	assert_int_equal(n_go(&x), 3);
	for (int i = 0; i < 3; i++) {
		char id[32];
		snprintf(id, sizeof(id), "GBS-CMS-%d", i);
		assert_false(item(&x, id)->go);
		assert_int_equal(item(&x, id)->rule, ACT_R_OWNED);
		snprintf(id, sizeof(id), "GBS-CMS-%d", i + 3);
		assert_true(item(&x, id)->go);
	}
	fx_free(&x);
	/* default caps: per app floor(6 x 0.34) = 2, registry floor(6 x 0.15) -> 1: the one that
	 * goes is ours, and the refusals of the others name ownership, not a cap */
	fx_init(&x, NULL);
	app(&x, "GBS-CMS", 6, 6, "deregister", EU_UP);
	other_cluster(&x, "GBS-CMS-0");
	other_cluster(&x, "GBS-CMS-1");
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	assert_true(item(&x, "GBS-CMS-2")->go);
	assert_int_equal(n_refused(&x, "not this swarm's to write"), 2);
	assert_int_equal(n_refused(&x, "policy.max_fraction_registry"), 3);
	fx_free(&x);
	/* "none" without a reason is refused too: only deregister and flag are ever sent */
	fx_init(&x, lifted);
	app(&x, "A", 4, 1, "none", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 0);
	assert_int_equal(item(&x, "A-0")->rule, ACT_R_OWNED);
	fx_free(&x);
}

/* policy.owner_metadata: only carriers of the exact pair are written to, alone and under
 * the caps (the others take nothing from the caps). */
static void test_act_owner_metadata_only_carriers(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "policy = { owner_metadata = \"swarm=prod-a\"; max_fraction_per_app = 1.0; "
	            "max_fraction_registry = 1.0; max_actions_per_run = 100; };");
	app(&x, "A", 5, 4, "deregister", EU_UP);
	carry(&x, 1, "zone\0a\0swarm\0prod-a\0");
	carry(&x, 2, "swarm\0prod-b\0");  /* another value */
	carry(&x, 3, "swarmx\0prod-a\0"); /* another key */
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	assert_true(item(&x, "A-1")->go);
	assert_int_equal(item(&x, "A-0")->rule, ACT_R_OWNER_METADATA);
	assert_int_equal(item(&x, "A-2")->rule, ACT_R_OWNER_METADATA);
	assert_int_equal(item(&x, "A-3")->rule, ACT_R_OWNER_METADATA);
	fx_free(&x);
	/* with the default per-app cap (floor(10 x 0.34) = 3) and registry cap lifted: four
	 * carriers, three go; the non-carriers are refused by ownership, not counted */
	fx_init(&x,
	        "policy = { owner_metadata = \"swarm=prod-a\"; max_fraction_registry = 1.0; };");
	app(&x, "A", 10, 8, "deregister", EU_UP);
	for (size_t i = 4; i < 8; i++)
		carry(&x, i, "swarm\0prod-a\0");
	plan(&x);
	assert_int_equal(n_go(&x), 3);
	assert_int_equal(n_refused(&x, "policy.owner_metadata"), 4);
	assert_int_equal(n_refused(&x, "policy.max_fraction_per_app"), 1);
	assert_true(item(&x, "A-4")->go && item(&x, "A-5")->go && item(&x, "A-6")->go);
	fx_free(&x);
	/* unset: no such rule */
	fx_init(&x, NULL);
	app(&x, "A", 10, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	fx_free(&x);
}

/* The executing rules: an unreachable registry stops the write at the re-check, by name. */
static void test_act_recheck_rule_stops_the_write(void **state)
{
	struct fx x;
	char path[] = "/tmp/esra-test-audit.XXXXXX", conf[128];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(conf, sizeof(conf), "policy = { audit_log = \"%s\"; };", path);
	fx_init(&x, conf);
	app(&x, "A", 10, 1, "deregister", EU_UP);
	plan(&x);
	assert_int_equal(n_go(&x), 1);
	execute_dead(&x);
	assert_int_equal(x.plan.items[0].result, ACT_SKIPPED);
	assert_int_equal(x.plan.items[0].rule, ACT_R_RECHECK);
	assert_non_null(strstr(x.plan.items[0].outcome, "cannot re-check"));
	unlink(path);
	fx_free(&x);
}

/* --plan: every item gets what --apply would do, and nothing is executed. */
static void test_act_preview_sends_nothing(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "policy = { audit_log = \"/nonexistent-dir/esra/audit.log\"; };");
	app(&x, "A", 10, 2, "deregister", EU_UP);
	other_cluster(&x, "A-1");
	plan(&x);
	act_preview(&x.plan);
	assert_int_equal(item(&x, "A-0")->result, ACT_PLANNED);
	assert_non_null(strstr(item(&x, "A-0")->outcome, "every planning rule passes"));
	assert_int_equal(item(&x, "A-1")->result, ACT_SKIPPED);
	assert_int_equal(item(&x, "A-1")->rule, ACT_R_OWNED);
	assert_int_equal(item(&x, "A-1")->http_status, 0);
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
		assert_int_equal(x.plan.items[i].rule, ACT_R_STOPPING);
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
	    cmocka_unit_test(test_act_every_rule_refuses_by_name),
	    cmocka_unit_test(test_act_other_cluster_never_written_caps_lifted_or_not),
	    cmocka_unit_test(test_act_owner_metadata_only_carriers),
	    cmocka_unit_test(test_act_recheck_rule_stops_the_write),
	    cmocka_unit_test(test_act_preview_sends_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
