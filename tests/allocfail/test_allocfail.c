/* test_allocfail.c: every allocation esra makes on the fixture paths fails once. Linked with
 * -Wl,--wrap for malloc, calloc, realloc, strdup and strndup, so every call from esra's own
 * objects goes through the counters below (libraries allocate on their own). Each scenario
 * runs once to count its allocations, then again with the 1st, the 2nd, ... the Nth failing,
 * until a run makes fewer than N: each run must end in ESRA_ENOMEM with a message, or (where
 * esra degrades on purpose, e.g. an index it can do without) in the same result as with no
 * failure; never a crash, another error code or, under ASan, a leak (checked after every run).
 * Scenarios: the Eureka parser on every fixture (whole and in pieces), each Docker payload
 * parser on the testbed's payloads, the configuration text, and reconcile + report (text and
 * JSON) over the testbed's views. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cfg.h"
#include "docker_parse.h"
#include "eureka_parse.h"
#include "finding.h"
#include "model.h"
#include "pool.h"
#include "recon.h"
#include "report.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

/* ---------------------------------------------------------------- the wrapped allocator */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static bool armed;    /* count (and fail) only while a scenario runs */
static long fail_at;  /* the allocation that fails, 0 = none */
static long n_allocs; /* allocations so far in this run */
static bool injected; /* this run reached fail_at */

static bool fail_now(void)
{
	if (!armed)
		return false;
	if (++n_allocs == fail_at) {
		injected = true;
#ifdef HAVE_LSAN
		if (getenv("ALLOCFAIL_TRACE") != NULL && atol(getenv("ALLOCFAIL_TRACE")) == fail_at)
			__sanitizer_print_stack_trace(); /* where allocation N is */
#endif
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

/* ---------------------------------------------------------------- the runner */

/* One scenario on one input: a status, and a digest of what it produced when ESRA_OK. */
typedef int (*scenario_fn)(const void *input, uint64_t *digest, struct esra_err *err);

static void digest_str(uint64_t *h, const char *s)
{
	*h = *h * 31u + (s != NULL);
	for (; s != NULL && *s != '\0'; s++)
		*h = *h * 131u + (unsigned char)*s;
}

static long run_once(scenario_fn fn, const void *input, long at, int *rc, uint64_t *digest,
                     struct esra_err *err)
{
	fail_at = at;
	n_allocs = 0;
	injected = false;
	*digest = 0;
	esra_err_clear(err);
	armed = true;
	*rc = fn(input, digest, err);
	armed = false;
	return n_allocs;
}

/* Fail every allocation of fn(input) once; returns how many there were. */
static long fail_each(const char *name, scenario_fn fn, const void *input)
{
	struct esra_err err;
	uint64_t want, got;
	long total, n;
	int rc;

	total = run_once(fn, input, 0, &rc, &want, &err);
	if (rc != ESRA_OK)
		fail_msg("%s: fails with no allocation failing: %d %s", name, rc, err.msg);
	for (n = 1;; n++) {
		run_once(fn, input, n, &rc, &got, &err);
		if (!injected)
			break;
		if (rc == ESRA_ENOMEM && (err.code != rc || err.msg[0] == '\0'))
			fail_msg("%s: allocation %ld failed: ENOMEM without a message", name, n);
		if (rc != ESRA_ENOMEM && !(rc == ESRA_OK && got == want))
			fail_msg("%s: allocation %ld failed: got %d \"%s\"%s, want ESRA_ENOMEM",
			         name, n, rc, err.msg,
			         rc == ESRA_OK ? " and a different result" : "");
#ifdef HAVE_LSAN
		if (__lsan_do_recoverable_leak_check() != 0)
			fail_msg("%s: allocation %ld failed: memory leaked (above)", name, n);
#endif
	}
	if (n - 1 != total)
		fail_msg("%s: %ld allocations counted, %ld failed", name, total, n - 1);
	printf("allocfail: %s: %ld allocations, each failed once: clean\n", name, total);
	return total;
}

/* ---------------------------------------------------------------- Eureka */

struct blob {
	const char *rel;
	char *data;
	size_t n;
	size_t piece; /* 0 = whole */
};

static int eureka_scenario(const void *input, uint64_t *digest, struct esra_err *err)
{
	const struct blob *b = input;
	struct eu_registry *reg = NULL;
	struct eureka_parser *p;
	int rc = ESRA_OK;

	if (b->piece == 0) {
		rc = eureka_parse(b->data, b->n, &reg, err);
	} else {
		if ((p = eureka_parser_new()) == NULL)
			return esra_err_set(err, ESRA_ENOMEM, "test: parser");
		for (size_t off = 0; off < b->n && rc == ESRA_OK; off += b->piece)
			rc = eureka_parser_feed(p, b->data + off,
			                        b->n - off < b->piece ? b->n - off : b->piece, err);
		if (rc == ESRA_OK)
			rc = eureka_parser_finish(p, &reg, err);
		eureka_parser_free(p);
	}
	if (rc == ESRA_OK) {
		*digest = reg->n_inst * 1000u + reg->n_apps;
		for (size_t i = 0; i < reg->n_inst; i++)
			digest_str(digest, reg->inst[i].instance_id);
	}
	model_reg_free(reg);
	return rc;
}

static const char *const eureka_fixtures[] = {
    "eureka/asgard-apps-amazon.xml",
    "eureka/asgard-instance-amazon.xml",
    "eureka/fargo-apps-sample-1-1-post-v122.json",
    "eureka/fargo-apps-sample-2-2.json",
    "eureka/prometheus-TestEurekaSDEmptyList.xml",
    "eureka/prometheus-apps.xml",
    "eureka/steeltoe-application-single-element.json",
    "eureka/steeltoe-apps-delta.json",
    "eureka/steeltoe-apps-full.json",
    "eureka/steeltoe-instance-info.json",
    "eureka/steeltoe-instance-single-element.json",
};

static void test_allocfail_eureka_parser(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(eureka_fixtures) / sizeof(eureka_fixtures[0]); i++) {
		struct blob b = {eureka_fixtures[i], NULL, 0, 0};
		char name[256];
		b.data = tu_fixture(b.rel, &b.n);
		for (size_t piece = 0; piece <= 64; piece += 64) {
			b.piece = piece;
			snprintf(name, sizeof(name), "eureka %s (%s)", b.rel,
			         piece ? "64-byte pieces" : "whole");
			fail_each(name, eureka_scenario, &b);
		}
		free(b.data);
	}
}

/* ---------------------------------------------------------------- Docker */

struct dk_case {
	enum docker_payload kind;
	const char *rel;
	char *data;
	size_t n;
};

/* the testbed's manager, in docker_read's order: each parsed into a view holding the ones
 * before it (parsed with no failure), the last one is the scenario */
static struct dk_case dk_cases[] = {
    {DK_VERSION, "docker/testbed/manager-version.json", NULL, 0},
    {DK_INFO, "docker/testbed/manager-info.json", NULL, 0},
    {DK_NODES, "docker/testbed/manager-nodes.json", NULL, 0},
    {DK_SERVICES, "docker/testbed/manager-services.json", NULL, 0},
    {DK_TASKS, "docker/testbed/manager-tasks.json", NULL, 0},
    {DK_NETWORKS, "docker/testbed/manager-networks.json", NULL, 0},
    {DK_NETWORK_VERBOSE, "docker/testbed/manager-network-gbsnet-verbose.json", NULL, 0},
    {DK_CONTAINERS, "docker/testbed/manager-containers.json", NULL, 0},
    {DK_INSPECT, "docker/synthetic/inspect-gateway.json", NULL, 0},
};
#define N_DK (sizeof(dk_cases) / sizeof(dk_cases[0]))

static size_t dk_target(const struct sw_view *v, enum docker_payload kind)
{
	if (kind == DK_NETWORK_VERBOSE)
		return model_sw_net_by_id_or_name(v, "gbsnet");
	if (kind == DK_INSPECT) {
		for (size_t i = 0; i < v->n_containers; i++)
			if (v->containers[i].name != NULL &&
			    strcmp(v->containers[i].name, "gateway") == 0)
				return i;
	}
	return MODEL_NONE;
}

static int dk_parse(struct sw_view *v, const struct dk_case *c, size_t piece, struct esra_err *err)
{
	struct docker_parser *p;
	int rc = ESRA_OK;

	p = docker_parser_new(c->kind, c->kind == DK_VERSION ? NULL : v, dk_target(v, c->kind),
	                      err);
	if (p == NULL)
		return err->code != 0 ? err->code : ESRA_ENOMEM;
	for (size_t off = 0; off < c->n && rc == ESRA_OK; off += piece)
		rc = docker_parser_feed(p, c->data + off, c->n - off < piece ? c->n - off : piece,
		                        err);
	if (rc == ESRA_OK)
		rc = docker_parser_finish(p, err);
	docker_parser_free(p);
	return rc;
}

struct dk_input {
	size_t upto; /* dk_cases[upto] is parsed under failures; upto == N_DK: model_sw_link */
};

static uint64_t view_digest(const struct sw_view *v)
{
	uint64_t h = v->n_services + v->n_tasks * 10u + v->n_nets * 100u + v->n_containers * 1000u +
	             v->n_nodes * 10000u;
	for (size_t i = 0; i < v->n_tasks; i++)
		digest_str(&h, v->tasks[i].id);
	for (size_t i = 0; i < v->n_nets; i++)
		h = h * 31u + v->nets[i].n_svcs + v->nets[i].n_local;
	return h;
}

/* A view holding dk_cases[0, upto) (no failure injected: the runner is not armed). */
static struct sw_view *dk_view(size_t upto)
{
	struct sw_view *v = model_sw_new();
	struct esra_err err;

	assert_non_null(v);
	for (size_t i = 0; i < upto; i++)
		if (dk_parse(v, &dk_cases[i], 1 << 16, &err) != ESRA_OK)
			fail_msg("%s: %s", dk_cases[i].rel, err.msg);
	return v;
}

static int dk_scenario(const void *input, uint64_t *digest, struct esra_err *err)
{
	const struct dk_input *in = input;
	bool was = armed;
	struct sw_view *v;
	int rc;

	armed = false; /* the view before this payload is built without failures */
	v = dk_view(in->upto);
	armed = was;
	if (in->upto < N_DK)
		rc = dk_parse(v, &dk_cases[in->upto], 4096, err);
	else
		rc = model_sw_link(v, err);
	if (rc == ESRA_OK)
		*digest = view_digest(v);
	model_sw_free(v);
	return rc;
}

static void test_allocfail_docker_parsers(void **state)
{
	char name[256];

	(void)state;
	for (size_t i = 0; i < N_DK; i++)
		dk_cases[i].data = tu_fixture(dk_cases[i].rel, &dk_cases[i].n);
	for (size_t i = 0; i <= N_DK; i++) {
		struct dk_input in = {i};
		snprintf(name, sizeof(name), "docker %s",
		         i < N_DK ? dk_cases[i].rel : "model_sw_link");
		fail_each(name, dk_scenario, &in);
	}
}

/* ---------------------------------------------------------------- configuration */

static int cfg_scenario(const void *input, uint64_t *digest, struct esra_err *err)
{
	static const char *const no_env[] = {NULL};
	struct esra_config cfg;
	struct buf dump;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	rc = cfg_load_string(&cfg, input, "esra.conf", no_env, NULL, err);
	if (rc != ESRA_OK)
		return rc;
	buf_init(&dump, 0);
	rc = cfg_dump(&cfg, &dump);
	if (rc == ESRA_OK)
		digest_str(digest, dump.data);
	else
		rc = esra_err_set(err, rc, "test: cfg_dump failed");
	buf_free(&dump);
	cfg_free(&cfg);
	return rc;
}

/* Long-lived test data is global: LeakSanitizer's check after each run scans globals, and a
 * failed assertion (cmocka's longjmp) must leave nothing unreachable behind. */
static char *conf_text;

static void test_allocfail_config(void **state)
{
	char path[4096], *text;
	FILE *f;
	long n;

	(void)state;
	snprintf(path, sizeof(path), "%s/../../etc/esra.conf", tu_fixture_path("."));
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	text = conf_text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	fail_each("config etc/esra.conf", cfg_scenario, text);
	free(text);
	conf_text = NULL;
}

/* ---------------------------------------------------------------- reconcile + report */

struct world {
	struct esra_config cfg;
	struct sw_view *sw;
	struct eu_registry *reg;
	struct dns_view *dns;
};

/* What the testbed's gateway (node1) asked 127.0.0.11 (dns-answers.txt), as a view. */
static struct dns_view *testbed_dns(void)
{
	size_t n = 0, len;
	char *text = tu_fixture("docker/testbed/dns-answers.txt", &len), *save = NULL, *line;
	struct dns_view *d = model_dns_new(64);

	assert_non_null(d);
	d->server = "127.0.0.11:53";
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *sp = strchr(line, ' '), *save2 = NULL, *t;
		struct dns_answer *a;
		if (strncmp(line, "node1 ", 6) != 0 || colon == NULL || sp == NULL || n == 64)
			continue;
		a = &d->ans[n++];
		a->name = pool_strndup(d->pool, sp + 1, (size_t)(colon - sp - 1));
		a->ips = pool_alloc(d->pool, 16 * sizeof(ip4_t));
		a->rc = DNS_RC_NODATA;
		a->ttl = -1;
		for (t = strtok_r(colon + 1, " ", &save2); t != NULL;
		     t = strtok_r(NULL, " ", &save2)) {
			ip4_t ip;
			int prefix;
			assert_int_equal(ip4_parse(t, (size_t)-1, &ip, &prefix), ESRA_OK);
			a->ips[a->n_ips++] = ip;
			a->rc = DNS_RC_OK;
			a->ttl = 600;
		}
	}
	d->n = n;
	free(text);
	return d;
}

static int recon_scenario(const void *input, uint64_t *digest, struct esra_err *err)
{
	const struct world *w = input;
	struct recon_input in = {&w->cfg, w->reg, w->sw, 1700000000000};
	struct report rep;
	struct recon *r;
	struct buf out;
	const char **names = NULL;
	size_t n_names = 0;
	int rc;

	if ((rc = report_init(&rep, "check")) != ESRA_OK)
		return esra_err_set(err, rc, "test: report_init");
	r = recon_new(&in, err);
	if (r == NULL) {
		report_free(&rep);
		return err->code;
	}
	rc = recon_dns_names(r, &names, &n_names, err);
	free(names);
	if (rc == ESRA_OK)
		rc = recon_judge(r, w->dns, NULL, &rep.findings, err);
	if (rc == ESRA_OK && (rc = finding_list_adopt(&rep.findings)) != ESRA_OK)
		esra_err_set(err, rc, "test: finding_list_adopt");
	recon_free(r);
	buf_init(&out, 0);
	if (rc == ESRA_OK) {
		report_finish(&rep);
		rc = report_text(&rep, &out);
		if (rc == ESRA_OK)
			rc = report_json(&rep, &out);
		if (rc != ESRA_OK)
			esra_err_set(err, rc, "test: report rendering");
	}
	if (rc == ESRA_OK) {
		*digest = rep.findings.n;
		digest_str(digest, out.data);
	}
	buf_free(&out);
	report_free(&rep);
	return rc;
}

static void test_allocfail_reconcile_and_report(void **state)
{
	static const char *const no_env[] = {NULL};
	static struct world w;
	struct esra_err err;
	size_t n;
	char *data;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(cfg_load_string(&w.cfg, "", "test", no_env, NULL, &err), ESRA_OK);
	for (size_t i = 0; i < N_DK; i++)
		if (dk_cases[i].data == NULL)
			dk_cases[i].data = tu_fixture(dk_cases[i].rel, &dk_cases[i].n);
	w.sw = dk_view(N_DK);
	assert_int_equal(model_sw_link(w.sw, &err), ESRA_OK);
	data = tu_fixture("eureka/prometheus-apps.xml", &n);
	assert_int_equal(eureka_parse(data, n, &w.reg, &err), ESRA_OK);
	free(data);
	w.dns = testbed_dns();
	fail_each("reconcile + report (testbed views)", recon_scenario, &w);
	model_dns_free(w.dns);
	model_reg_free(w.reg);
	model_sw_free(w.sw);
	cfg_free(&w.cfg);
}

static int free_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_DK; i++) {
		free(dk_cases[i].data);
		dk_cases[i].data = NULL;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_allocfail_eureka_parser),
	    cmocka_unit_test(test_allocfail_docker_parsers),
	    cmocka_unit_test(test_allocfail_config),
	    cmocka_unit_test(test_allocfail_reconcile_and_report),
	};
	return cmocka_run_group_tests(tests, NULL, free_cases);
}
