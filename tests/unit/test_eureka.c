/* test_eureka.c: every Eureka dialect in tests/fixtures/eureka parses to the values the payload
 * holds, however the bytes are cut; every malformed payload in tests/fixtures/eureka/bad is a
 * clear error; the client talks to an in-process libmicrohttpd server (failover, 403, 401,
 * caps, timeouts, writes) and never shows the password. */
#include <arpa/inet.h>
#include <dirent.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "eureka.h"
#include "eureka_parse.h"
#include "http.h"
#include "limits.h"
#include "testutil.h"

/* ================================================================ helpers */

/* Every field of a registry as text, to compare parses of the same bytes. */
static void dump(const struct eu_registry *r, struct buf *b)
{
	assert_int_equal(buf_printf(b, "vd=%lld hash=%s n=%zu apps=%zu\n",
	                            (long long)r->versions_delta, r->apps_hashcode, r->n_inst,
	                            r->n_apps),
	                 0);
	for (size_t i = 0; i < r->n_apps; i++)
		assert_int_equal(buf_printf(b, "app %s %zu+%zu\n", r->apps[i].name,
		                            r->apps[i].first, r->apps[i].count),
		                 0);
	for (size_t i = 0; i < r->n_inst; i++) {
		const struct eu_instance *in = &r->inst[i];
		assert_int_equal(
		    buf_printf(b,
		               "%s|%s|%s|%s|%u|%d|%d|%d/%d|%d/%d|%d|%d|%s|%lld|%lld|%lld|%lld|"
		               "%lld|%lld|%d|%d|%d|",
		               in->app, in->instance_id, in->hostname, in->ip_str, in->ip,
		               in->ip_valid, in->hostname_is_ip, in->port, in->port_enabled,
		               in->secure_port, in->secure_port_enabled, in->status, in->overridden,
		               in->vip_address, (long long)in->registration_ms,
		               (long long)in->last_renewal_ms, (long long)in->eviction_ms,
		               (long long)in->service_up_ms, (long long)in->last_updated_ms,
		               (long long)in->last_dirty_ms, in->lease_duration_s,
		               in->renewal_interval_s, in->action),
		    0);
		for (const char *m = in->metadata; m != NULL && *m != '\0';) {
			const char *v = m + strlen(m) + 1;
			assert_int_equal(buf_printf(b, "%s=%s;", m, v), 0);
			m = v + strlen(v) + 1;
		}
		assert_int_equal(buf_puts(b, "\n"), 0);
	}
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Feed data in pieces: piece > 0 fixed size, piece == 0 random sizes 1..max_random. */
static int parse_pieces(const char *data, size_t len, size_t piece, size_t max_random,
                        struct eu_registry **out, struct esra_err *err)
{
	struct eureka_parser *p = eureka_parser_new();
	int rc = ESRA_OK;

	assert_non_null(p);
	for (size_t off = 0; off < len && rc == ESRA_OK;) {
		size_t n = piece > 0 ? piece : 1 + rng() % max_random;
		if (n > len - off)
			n = len - off;
		rc = eureka_parser_feed(p, data + off, n, err);
		off += n;
	}
	if (rc == ESRA_OK)
		rc = eureka_parser_finish(p, out, err);
	else
		*out = NULL;
	eureka_parser_free(p);
	return rc;
}

/* Parse a fixture whole, one byte at a time and in random pieces; all must agree. */
static struct eu_registry *parse_fixture(const char *rel)
{
	size_t len;
	char *data = tu_fixture(rel, &len);
	struct eu_registry *ref = NULL, *r = NULL;
	struct esra_err err;
	struct buf a, b;
	int rc;

	buf_init(&a, 0);
	buf_init(&b, 0);
	rc = eureka_parse(data, len, &ref, &err);
	if (rc != ESRA_OK)
		fail_msg("%s: %d %s", rel, rc, err.msg);
	dump(ref, &a);
	for (int mode = 0; mode < 6; mode++) {
		rc = parse_pieces(data, len, mode == 0 ? 1 : 0, mode < 3 ? 7 : 300, &r, &err);
		if (rc != ESRA_OK)
			fail_msg("%s (mode %d): %d %s", rel, mode, rc, err.msg);
		buf_reset(&b);
		dump(r, &b);
		assert_string_equal(a.data, b.data);
		assert_int_equal(r->bytes, len);
		model_reg_free(r);
	}
	buf_free(&a);
	buf_free(&b);
	free(data);
	return ref;
}

static const struct eu_instance *find(const struct eu_registry *r, const char *app, const char *id)
{
	const struct eu_instance *in = model_reg_find(r, app, id);

	if (in == NULL)
		fail_msg("no instance %s/%s", app, id);
	return in;
}

static struct eu_registry *parse_str(const char *s)
{
	struct eu_registry *r = NULL;
	struct esra_err err;
	int rc = eureka_parse(s, strlen(s), &r, &err);

	if (rc != ESRA_OK)
		fail_msg("parse \"%s\": %d %s", s, rc, err.msg);
	return r;
}

/* ================================================================ fixtures */

static void test_eureka_prometheus_xml_registry_has_two_apps_four_instances(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/prometheus-apps.xml");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_apps, 2);
	assert_int_equal(r->n_inst, 4);
	assert_int_equal(r->versions_delta, 1);
	assert_string_equal(r->apps_hashcode, "UP_4_");
	assert_string_equal(r->apps[0].name, "CONFIG-SERVICE");
	assert_int_equal(r->apps[0].count, 2);
	assert_string_equal(r->apps[1].name, "META-SERVICE");
	in = find(r, "CONFIG-SERVICE", "config-service001.test.com:config-service:8080");
	assert_string_equal(in->hostname, "config-service001.test.com");
	assert_string_equal(in->ip_str, "192.133.83.31");
	assert_true(in->ip_valid);
	assert_int_equal(in->ip, (192u << 24) | (133u << 16) | (83u << 8) | 31u);
	assert_false(in->hostname_is_ip);
	assert_int_equal(in->port, 8080);
	assert_true(in->port_enabled);
	assert_int_equal(in->secure_port, 8080);
	assert_false(in->secure_port_enabled);
	assert_int_equal(in->status, EU_UP);
	assert_int_equal(in->overridden, EU_UNKNOWN);
	assert_string_equal(in->vip_address, "config-service");
	assert_int_equal(in->lease_duration_s, 90);
	assert_int_equal(in->renewal_interval_s, 30);
	assert_int_equal(in->registration_ms, 1596003469304LL);
	assert_int_equal(in->last_renewal_ms, 1596110179310LL);
	assert_int_equal(in->eviction_ms, 0);
	assert_int_equal(in->service_up_ms, 1547190033103LL);
	assert_int_equal(in->last_updated_ms, 1596003469304LL);
	assert_int_equal(in->last_dirty_ms, 1596003469304LL);
	assert_int_equal(in->action, EU_ACT_ADDED);
	/* a metadata child named instanceId is metadata, not the instance's id */
	assert_string_equal(model_inst_meta(in, "instanceId"),
	                    "config-service001.test.com:config-service:8080");
	/* two instances share one ipAddr */
	assert_string_equal(
	    find(r, "CONFIG-SERVICE", "config-service002.test.com:config-service:8080")->ip_str,
	    "192.133.83.31");
	in = find(r, "META-SERVICE", "meta-service002.test.com:meta-service:8080");
	assert_string_equal(in->ip_str, "192.133.87.237");
	assert_int_equal(in->secure_port, 443);
	assert_string_equal(model_inst_meta(in, "management.port"), "8090");
	assert_string_equal(model_inst_meta(in, "project"), "meta-service");
	assert_null(model_inst_meta(in, "absent"));
	assert_int_equal(in->last_dirty_ms, 1535444352398LL);
	model_reg_free(r);
}

static void test_eureka_empty_xml_registry_keeps_delta_and_empty_hashcode(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/prometheus-TestEurekaSDEmptyList.xml");

	(void)state;
	assert_int_equal(r->n_inst, 0);
	assert_int_equal(r->n_apps, 0);
	assert_int_equal(r->versions_delta, 1);
	assert_string_equal(r->apps_hashcode, "");
	model_reg_free(r);
}

static void test_eureka_steeltoe_full_json_reads_port_object_and_legacy_renewal(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/steeltoe-apps-full.json");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_apps, 1);
	assert_int_equal(r->n_inst, 1);
	assert_int_equal(r->versions_delta, 1); /* sent as the string "1" */
	assert_string_equal(r->apps_hashcode, "UP_1_");
	in = find(r, "FOO", "localhost:foo");
	assert_string_equal(in->app, "FOO");
	assert_string_equal(in->hostname, "localhost");
	assert_string_equal(in->ip_str, "192.168.56.1");
	assert_true(in->ip_valid);
	assert_int_equal(in->port, 8080);
	assert_true(in->port_enabled);
	assert_int_equal(in->secure_port, 443);
	assert_false(in->secure_port_enabled);
	assert_int_equal(in->status, EU_UP);
	assert_int_equal(in->overridden, EU_UNKNOWN); /* absent */
	assert_int_equal(in->registration_ms, 1457714988223LL);
	assert_int_equal(in->last_renewal_ms, 1457716158319LL); /* from renewalTimestamp */
	assert_int_equal(in->service_up_ms, 1457714988223LL);
	assert_int_equal(in->last_updated_ms, 1457714988223LL); /* strings */
	assert_int_equal(in->last_dirty_ms, 1457714988172LL);
	assert_null(in->metadata); /* only "@class" */
	assert_string_equal(in->vip_address, "foo");
	assert_int_equal(in->action, EU_ACT_ADDED);
	model_reg_free(r);
}

static void test_eureka_steeltoe_delta_json_has_modified_action(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/steeltoe-apps-delta.json");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_inst, 1);
	assert_int_equal(r->versions_delta, 3);
	in = find(r, "FOO", "localhost:foo");
	assert_int_equal(in->action, EU_ACT_MODIFIED);
	assert_int_equal(in->overridden, EU_UNKNOWN);
	assert_int_equal(in->last_renewal_ms, 1457716158319LL);
	model_reg_free(r);
}

static void test_eureka_collapsed_application_without_instances_is_empty(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/steeltoe-application-single-element.json");

	(void)state;
	/* the applications body without its wrapper; app FOO has no instance */
	assert_int_equal(r->n_inst, 0);
	assert_int_equal(r->versions_delta, 1);
	assert_string_equal(r->apps_hashcode, "UP_1_");
	model_reg_free(r);
}

static void test_eureka_one_application_with_collapsed_instance_names_it(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/steeltoe-instance-single-element.json");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_inst, 1);
	assert_int_equal(r->versions_delta, -1);
	in = find(r, "FOO", "localhost:foo");
	assert_string_equal(in->app, "FOO"); /* from the application's name */
	assert_string_equal(in->hostname, "");
	assert_int_equal(in->port, -1);
	assert_int_equal(in->status, EU_UNKNOWN);
	assert_false(in->ip_valid);
	model_reg_free(r);
}

static void test_eureka_overridden_status_camel_case_wins(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/steeltoe-instance-info.json");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_inst, 1);
	in = find(r, "FOO", "localhost:foo");
	/* both spellings present and disagreeing: overriddenStatus (OUT_OF_SERVICE) wins over
	 * the legacy overriddenstatus (DOWN) */
	assert_int_equal(in->overridden, EU_OUT_OF_SERVICE);
	assert_int_equal(in->status, EU_UP);
	assert_int_equal(in->last_renewal_ms, 1457716158319LL);
	assert_int_equal(in->eviction_ms, 1457715134123LL);
	assert_int_equal(in->registration_ms, 1457714988223LL);
	assert_int_equal(in->port, 8080);
	model_reg_free(r);
}

static void test_eureka_fargo_old_registry_without_instance_ids(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/fargo-apps-sample-2-2.json");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_apps, 2);
	assert_int_equal(r->n_inst, 3);
	assert_int_equal(r->versions_delta, 1);
	assert_string_equal(r->apps_hashcode, "UP_24_");
	assert_string_equal(r->apps[0].name, "TESTENG.LSM");
	assert_int_equal(r->apps[0].count, 2);
	/* no instanceId: the id is the hostName */
	in = find(r, "TESTENG.METRICSD", "192.168.40.94:7101");
	assert_string_equal(in->instance_id, "");
	assert_string_equal(model_inst_id(in), "192.168.40.94:7101");
	assert_false(in->hostname_is_ip); /* "ip:port" is no IPv4 literal */
	assert_int_equal(in->port, 7101); /* "$" as a string */
	assert_true(in->port_enabled);
	assert_true(in->secure_port_enabled);
	assert_int_equal(in->overridden, EU_UP);
	assert_string_equal(in->vip_address, "[]");
	assert_int_equal(in->action, EU_ACT_MODIFIED);
	assert_string_equal(model_inst_meta(in, "base-uri"), "https://192.168.40.94:7101");
	in = find(r, "TESTENG.LSM", "qa22gs:7100");
	assert_string_equal(in->ip_str, "192.168.191.235");
	assert_int_equal(in->port, 7100);
	assert_int_equal(in->last_dirty_ms, 1401527685391LL);
	assert_int_equal(in->action, EU_ACT_ADDED);
	assert_string_equal(model_inst_meta(in, "swagger-api-docs"),
	                    "https://qa22gs:7100/api-docs");
	model_reg_free(r);
}

static void test_eureka_fargo_post_v122_numbers_and_strings_agree(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/fargo-apps-sample-1-1-post-v122.json");
	struct eu_registry *old = parse_fixture("eureka/fargo-apps-sample-2-2.json");
	const struct eu_instance *a, *b;

	(void)state;
	assert_int_equal(r->n_inst, 1);
	assert_int_equal(r->versions_delta, 1); /* "1" here, 1 there */
	a = find(r, "TESTENG.METRICSD", "192.168.40.94:7101");
	b = find(old, "TESTENG.METRICSD", "192.168.40.94:7101");
	assert_int_equal(a->port, b->port); /* 7101 here, "7101" there */
	assert_int_equal(a->registration_ms, 1402450388650LL);
	assert_int_equal(a->last_renewal_ms, 1402552694257LL);
	assert_int_equal(a->service_up_ms, 1402450388774LL);
	assert_int_equal(a->overridden, EU_UP);
	model_reg_free(r);
	model_reg_free(old);
}

static void test_eureka_asgard_xml_invalid_ip_is_not_an_error(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/asgard-apps-amazon.xml");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_apps, 2);
	assert_int_equal(r->n_inst, 2);
	assert_int_equal(r->versions_delta, -1); /* absent */
	assert_string_equal(r->apps_hashcode, "");
	in = find(r, "EMP_UI", "10.261.13.199");
	assert_string_equal(in->ip_str, "10.261.13.199");
	assert_false(in->ip_valid);
	assert_false(in->hostname_is_ip);
	assert_int_equal(in->port, 7001);
	assert_int_equal(in->secure_port, 7002);
	assert_false(in->secure_port_enabled);
	assert_int_equal(in->overridden, EU_UNKNOWN);
	assert_int_equal(in->last_renewal_ms, 1368486286156LL);
	/* the instance's metadata, not dataCenterInfo's */
	assert_string_equal(model_inst_meta(in, "route53NamePrefix"), "empui.us-east-1");
	assert_string_equal(model_inst_meta(in, "enableRoute53"), "true");
	assert_null(model_inst_meta(in, "availability-zone"));
	assert_null(model_inst_meta(in, "instance-id"));
	in = find(r, "EXAMPLECONTENTSERVER", "ec2-68-173-221-105.compute-1.amazonaws.com");
	assert_true(in->ip_valid);
	assert_string_equal(in->ip_str, "10.218.31.148");
	assert_null(in->metadata); /* <metadata class="...EmptyMap"/> */
	assert_int_equal(in->registration_ms, 1368382975624LL);
	model_reg_free(r);
}

static void test_eureka_bare_xml_instance_as_get_instance_returns(void **state)
{
	struct eu_registry *r = parse_fixture("eureka/asgard-instance-amazon.xml");
	const struct eu_instance *in;

	(void)state;
	assert_int_equal(r->n_inst, 1);
	in = find(r, "APP", "hostName"); /* no instanceId: hostName is the id */
	assert_string_equal(in->ip_str, "255.255.255.0");
	assert_true(in->ip_valid);
	assert_int_equal(in->port, 8888);
	assert_int_equal(in->secure_port, 9999);
	assert_int_equal(in->status, EU_UP);
	assert_int_equal(in->registration_ms, 1333504274856LL);
	assert_int_equal(in->last_renewal_ms, 1333575889624LL);
	assert_int_equal(in->last_dirty_ms, 0);
	assert_string_equal(in->vip_address, "something");
	assert_null(in->metadata);
	model_reg_free(r);
}

/* ================================================================ dialects */

static void test_eureka_json_instance_wrapper_as_get_instance_returns(void **state)
{
	struct eu_registry *r = parse_str(
	    "{\"instance\":{\"instanceId\":\"a:gbs-cms:8080\",\"hostName\":\"10.0.3.121\","
	    "\"app\":\"GBS-CMS\",\"ipAddr\":\"10.0.3.121\",\"status\":\"DOWN\","
	    "\"port\":8080,\"securePort\":\"8443\",\"metadata\":{\"@class\":\"x\","
	    "\"zone\":\"a\",\"n\":5,\"b\":true,\"z\":null}}}");
	const struct eu_instance *in = find(r, "gbs-cms", "a:gbs-cms:8080");

	(void)state;
	assert_true(in->hostname_is_ip);
	assert_true(in->ip_valid);
	assert_int_equal(in->port, 8080);
	assert_true(in->port_enabled); /* default for port */
	assert_int_equal(in->secure_port, 8443);
	assert_false(in->secure_port_enabled); /* default for securePort */
	assert_int_equal(in->status, EU_DOWN);
	assert_string_equal(model_inst_meta(in, "zone"), "a");
	assert_string_equal(model_inst_meta(in, "n"), "5");
	assert_string_equal(model_inst_meta(in, "b"), "true");
	assert_string_equal(model_inst_meta(in, "z"), "");
	assert_null(model_inst_meta(in, "@class"));
	model_reg_free(r);
}

static void test_eureka_xml_application_root_and_late_name(void **state)
{
	struct eu_registry *r = parse_str(
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<application>"
	    "<instance><hostName>h1</hostName><vipAddress>a,b</vipAddress>"
	    "<overriddenStatus>DOWN</overriddenStatus>"
	    "<overriddenstatus>OUT_OF_SERVICE</overriddenstatus>"
	    "<port>80</port><securePort enabled=\"true\">443</securePort>"
	    "<leaseInfo><lastRenewalTimestamp>5</lastRenewalTimestamp>"
	    "<renewalTimestamp>4</renewalTimestamp><durationInSecs>30</durationInSecs>"
	    "</leaseInfo><metadata><a>x &amp; y</a><b><![CDATA[<z>]]></b></metadata></instance>"
	    "<name>LATE</name></application>");
	const struct eu_instance *in = find(r, "LATE", "h1");

	(void)state;
	assert_string_equal(in->app, "LATE");        /* name after the instances still applies */
	assert_string_equal(in->vip_address, "a,b"); /* comma list kept as sent */
	assert_int_equal(in->overridden, EU_DOWN);   /* camelCase wins in XML too */
	assert_int_equal(in->last_renewal_ms, 5);
	assert_int_equal(in->lease_duration_s, 30);
	assert_true(in->port_enabled);
	assert_true(in->secure_port_enabled);
	assert_string_equal(model_inst_meta(in, "a"), "x & y");
	assert_string_equal(model_inst_meta(in, "b"), "<z>");
	model_reg_free(r);
}

static void test_eureka_json_app_name_after_instances_and_legacy_field_order(void **state)
{
	struct eu_registry *r = parse_str(
	    "\xEF\xBB\xBF {\"applications\":{\"application\":[{\"instance\":[{\"hostName\":\"h\","
	    "\"overriddenstatus\":\"DOWN\",\"overriddenStatus\":\"UP\",\"leaseInfo\":"
	    "{\"renewalTimestamp\":4,\"lastRenewalTimestamp\":5}}],\"name\":\"LATE\"},"
	    "{\"name\":\"EMPTY\",\"instance\":null},{\"name\":\"X\",\"instance\":[]}],"
	    "\"apps__hashcode\":null,\"versions__delta\":7}}");
	const struct eu_instance *in = find(r, "LATE", "h");

	(void)state;
	assert_int_equal(r->n_inst, 1);
	assert_int_equal(r->versions_delta, 7);
	assert_string_equal(r->apps_hashcode, "");
	assert_int_equal(in->overridden, EU_UP);
	assert_int_equal(in->last_renewal_ms, 5);
	model_reg_free(r);
}

static void test_eureka_null_application_list_is_empty(void **state)
{
	struct eu_registry *r = parse_str("{\"applications\":{\"versions__delta\":\"2\","
	                                  "\"apps__hashcode\":\"\",\"application\":null}}");

	(void)state;
	assert_int_equal(r->n_inst, 0);
	assert_int_equal(r->versions_delta, 2);
	model_reg_free(r);
}

static void test_eureka_parse_i64_accepts_only_integers(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(eureka_parse_i64(" 42 ", 4, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(eureka_parse_i64("-9223372036854775808", 20, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(eureka_parse_i64("9223372036854775807", 19, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(eureka_parse_i64("9223372036854775808", 19, &v), -1);
	assert_int_equal(eureka_parse_i64("  ", 2, &v), 1);
	assert_int_equal(eureka_parse_i64("1.5", 3, &v), -1);
	assert_int_equal(eureka_parse_i64("-", 1, &v), -1);
	assert_int_equal(eureka_parse_i64("12a", 3, &v), -1);
}

/* ================================================================ malformed payloads */

static int code_by_name(const char *s)
{
	if (strcmp(s, "EPARSE") == 0)
		return ESRA_EPARSE;
	if (strcmp(s, "ETOOLARGE") == 0)
		return ESRA_ETOOLARGE;
	fail_msg("unknown code %s in an .expect file", s);
	return 0;
}

static void check_bad(const char *name, const char *data, size_t len, int code, const char *want)
{
	struct eu_registry *r = (struct eu_registry *)1;
	struct esra_err err;

	for (int mode = 0; mode < 3; mode++) {
		int rc;
		esra_err_clear(&err);
		if (mode == 0)
			rc = eureka_parse(data, len, &r, &err);
		else
			rc = parse_pieces(data, len, mode == 1 ? 1 : 0, 13, &r, &err);
		if (rc != code || strstr(err.msg, want) == NULL)
			fail_msg("%s (mode %d): got %d \"%s\", want %d \"%s\"", name, mode, rc,
			         err.msg, code, want);
		assert_int_equal(err.code, code);
		assert_null(r);
	}
}

static void test_eureka_every_bad_fixture_is_a_clear_error(void **state)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", tu_fixture_path("eureka/bad"));
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char rel[600], exp_rel[640], *data, *exp, *nl, *want;
		size_t len, l = strlen(de->d_name);
		if (de->d_name[0] == '.' || (l > 7 && strcmp(de->d_name + l - 7, ".expect") == 0))
			continue;
		snprintf(rel, sizeof(rel), "eureka/bad/%s", de->d_name);
		snprintf(exp_rel, sizeof(exp_rel), "%s.expect", rel);
		data = tu_fixture(rel, &len);
		exp = tu_fixture(exp_rel, NULL);
		nl = strchr(exp, '\n');
		assert_non_null(nl);
		*nl = '\0';
		want = nl + 1;
		if ((nl = strchr(want, '\n')) != NULL)
			*nl = '\0';
		check_bad(de->d_name, data, len, code_by_name(exp), want);
		free(data);
		free(exp);
		n++;
	}
	closedir(d);
	assert_true(n >= 30);
}

static void test_eureka_huge_values_are_too_large(void **state)
{
	struct buf b;
	struct eu_registry *r = NULL;
	struct esra_err err;

	(void)state;
	buf_init(&b, 0);
	/* one instance over the JSON element cap */
	assert_int_equal(buf_puts(&b, "{\"applications\":{\"application\":[{\"name\":\"X\","
	                              "\"instance\":[{\"hostName\":\"h\",\"metadata\":{\"k\":\""),
	                 0);
	while (b.len < ESRA_MAX_JSON_ELEMENT + 1024)
		assert_int_equal(buf_puts(&b, "0123456789abcdef0123456789abcdef"), 0);
	assert_int_equal(buf_puts(&b, "\"}}]}]}}"), 0);
	assert_int_equal(eureka_parse(b.data, b.len, &r, &err), ESRA_ETOOLARGE);
	assert_non_null(strstr(err.msg, "over 33554432 bytes"));
	assert_null(r);

	/* an XML text over ESRA_MAX_XML_TEXT, even in an element esra ignores */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "<applications>\n<application><instance>"
	                              "<hostName>h</hostName><homePageUrl>"),
	                 0);
	while (b.len < ESRA_MAX_XML_TEXT + 100)
		assert_int_equal(buf_puts(&b, "0123456789abcdef"), 0);
	assert_int_equal(buf_puts(&b, "</homePageUrl></instance></application></applications>"), 0);
	check_bad("xml text", b.data, b.len, ESRA_ETOOLARGE, "line 2: text over 65536 bytes");

	/* a JSON metadata value over the same cap */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "{\"hostName\":\"h\",\"metadata\":{\"k\":\""), 0);
	while (b.len < ESRA_MAX_XML_TEXT + 100)
		assert_int_equal(buf_puts(&b, "0123456789abcdef"), 0);
	assert_int_equal(buf_puts(&b, "\"}}"), 0);
	check_bad("json meta", b.data, b.len, ESRA_ETOOLARGE, "metadata k: over 65536 bytes");

	/* a hostName over ESRA_MAX_STRING */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "<instance><hostName>"), 0);
	while (b.len < ESRA_MAX_STRING + 100)
		assert_int_equal(buf_puts(&b, "abcdefgh"), 0);
	assert_int_equal(buf_puts(&b, "</hostName></instance>"), 0);
	check_bad("xml hostName", b.data, b.len, ESRA_ETOOLARGE, "hostName is over 4096 bytes");
	buf_free(&b);
}

static void test_eureka_xml_whitespace_between_many_elements_is_not_capped(void **state)
{
	struct buf b;
	struct eu_registry *r = NULL;
	struct esra_err err;

	(void)state;
	/* 15,000 instances of one app, indented: over 100 KB of whitespace directly inside
	 * <application>, none of it one text over ESRA_MAX_XML_TEXT */
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "<applications>\n  <application>\n    <name>BIG</name>"), 0);
	for (int i = 0; i < 15000; i++)
		assert_int_equal(
		    buf_printf(&b, "\n      <instance><hostName>h%d</hostName></instance>", i), 0);
	assert_int_equal(buf_puts(&b, "\n  </application>\n</applications>\n"), 0);
	assert_int_equal(parse_pieces(b.data, b.len, 16384, 0, &r, &err), ESRA_OK);
	assert_int_equal(r->n_inst, 15000);
	assert_string_equal(find(r, "BIG", "h14999")->app, "BIG");
	model_reg_free(r);
	buf_free(&b);
}

static void test_eureka_parser_errors_are_sticky_and_finish_once(void **state)
{
	struct eureka_parser *p = eureka_parser_new();
	struct eu_registry *r = NULL;
	struct esra_err err;

	(void)state;
	assert_non_null(p);
	assert_int_equal(eureka_parser_feed(p, "<registry/>", 11, &err), ESRA_EPARSE);
	assert_int_equal(eureka_parser_feed(p, "<x/>", 4, &err), ESRA_EPARSE);
	assert_non_null(strstr(err.msg, "root element <registry>"));
	assert_int_equal(eureka_parser_finish(p, &r, &err), ESRA_EPARSE);
	assert_null(r);
	eureka_parser_free(p);

	p = eureka_parser_new();
	assert_int_equal(eureka_parser_feed(p, "{\"applications\":{}}", 19, &err), ESRA_OK);
	assert_int_equal(eureka_parser_finish(p, &r, &err), ESRA_OK);
	assert_int_equal(r->n_inst, 0);
	assert_int_equal(eureka_parser_feed(p, "x", 1, &err), ESRA_EINVAL);
	model_reg_free(r);
	eureka_parser_free(p);
	eureka_parser_free(NULL);
}

/* ================================================================ size and speed */

static char *gen_registry(size_t n_inst, size_t per_app, bool xml, size_t *len)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, xml ? "<applications><versions__delta>1</versions__delta>"
	                                    "<apps__hashcode>UP_0_</apps__hashcode>"
	                                  : "{\"applications\":{\"versions__delta\":\"1\","
	                                    "\"apps__hashcode\":\"UP_0_\",\"application\":["),
	                 0);
	for (size_t a = 0; a * per_app < n_inst; a++) {
		if (xml)
			assert_int_equal(buf_printf(&b, "<application><name>APP-%zu</name>", a), 0);
		else
			assert_int_equal(buf_printf(&b, "%s{\"name\":\"APP-%zu\",\"instance\":[",
			                            a ? "," : "", a),
			                 0);
		for (size_t i = 0; i < per_app && a * per_app + i < n_inst; i++) {
			size_t k = a * per_app + i;
			unsigned ip3 = (unsigned)(k >> 8) & 255, ip4 = (unsigned)k & 255;
			if (xml)
				assert_int_equal(
				    buf_printf(
				        &b,
				        "<instance><instanceId>c%06zx:app-%zu:8080</instanceId>"
				        "<hostName>c%06zx</hostName><app>APP-%zu</app>"
				        "<ipAddr>10.1.%u.%u</ipAddr><status>UP</status>"
				        "<overriddenstatus>UNKNOWN</overriddenstatus>"
				        "<port enabled=\"true\">8080</port>"
				        "<securePort enabled=\"false\">443</securePort>"
				        "<countryId>1</countryId><dataCenterInfo "
				        "class=\"com.netflix."
				        "appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>MyOwn"
				        "</name></"
				        "dataCenterInfo><leaseInfo><renewalIntervalInSecs>30"
				        "</renewalIntervalInSecs><durationInSecs>90</"
				        "durationInSecs>"
				        "<registrationTimestamp>1700000000000</"
				        "registrationTimestamp>"
				        "<lastRenewalTimestamp>1700000030000</lastRenewalTimestamp>"
				        "<evictionTimestamp>0</"
				        "evictionTimestamp><serviceUpTimestamp>"
				        "1700000000000</serviceUpTimestamp></leaseInfo><metadata>"
				        "<management.port>8081</management.port><zone>z1</zone>"
				        "</metadata><homePageUrl>http://c%06zx:8080/</homePageUrl>"
				        "<statusPageUrl>http://c%06zx:8080/actuator/info"
				        "</statusPageUrl><healthCheckUrl>http://c%06zx:8080/"
				        "actuator/"
				        "health</healthCheckUrl><vipAddress>app-%zu</vipAddress>"
				        "<secureVipAddress>app-%zu</secureVipAddress>"
				        "<isCoordinatingDiscoveryServer>false"
				        "</isCoordinatingDiscoveryServer><lastUpdatedTimestamp>"
				        "1700000000000</lastUpdatedTimestamp><lastDirtyTimestamp>"
				        "1700000000000</lastDirtyTimestamp><actionType>ADDED"
				        "</actionType></instance>",
				        k, a, k, a, ip3, ip4, k, k, k, a, a),
				    0);
			else
				assert_int_equal(
				    buf_printf(
				        &b,
				        "%s{\"instanceId\":\"c%06zx:app-%zu:8080\",\"hostName\":"
				        "\"c%06zx\",\"app\":\"APP-%zu\",\"ipAddr\":\"10.1.%u.%u\","
				        "\"status\":\"UP\",\"overriddenStatus\":\"UNKNOWN\","
				        "\"port\":{\"$\":8080,\"@enabled\":\"true\"},"
				        "\"securePort\":"
				        "{\"$\":443,\"@enabled\":\"false\"},\"countryId\":1,"
				        "\"dataCenterInfo\":{\"@class\":\"com.netflix.appinfo."
				        "InstanceInfo$DefaultDataCenterInfo\",\"name\":\"MyOwn\"},"
				        "\"leaseInfo\":{\"renewalIntervalInSecs\":30,"
				        "\"durationInSecs\":90,\"registrationTimestamp\":"
				        "1700000000000,\"lastRenewalTimestamp\":1700000030000,"
				        "\"evictionTimestamp\":0,\"serviceUpTimestamp\":"
				        "1700000000000},\"metadata\":{\"management.port\":\"8081\","
				        "\"zone\":\"z1\"},\"homePageUrl\":\"http://c%06zx:8080/\","
				        "\"statusPageUrl\":\"http://c%06zx:8080/actuator/info\","
				        "\"healthCheckUrl\":\"http://c%06zx:8080/actuator/health\","
				        "\"vipAddress\":\"app-%zu\",\"secureVipAddress\":\"app-%"
				        "zu\","
				        "\"isCoordinatingDiscoveryServer\":\"false\","
				        "\"lastUpdatedTimestamp\":\"1700000000000\","
				        "\"lastDirtyTimestamp\":\"1700000000000\","
				        "\"actionType\":\"ADDED\"}",
				        i ? "," : "", k, a, k, a, ip3, ip4, k, k, k, a, a),
				    0);
		}
		assert_int_equal(buf_puts(&b, xml ? "</application>" : "]}"), 0);
	}
	assert_int_equal(buf_puts(&b, xml ? "</applications>" : "]}}"), 0);
	return buf_take(&b, len);
}

static size_t reg_bytes(const struct eu_registry *r)
{
	return pool_bytes(r->pool) + r->cap_inst * sizeof(*r->inst) + r->n_apps * sizeof(*r->apps);
}

static void measure(size_t n, bool xml, size_t *bytes, double *ms, size_t *doc_len)
{
	size_t len;
	char *doc = gen_registry(n, 5, xml, &len);
	struct eu_registry *r = NULL;
	struct esra_err err;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* 16 KiB pieces, as libcurl hands them over */
	assert_int_equal(parse_pieces(doc, len, 16384, 0, &r, &err), ESRA_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(r->n_inst, n);
	assert_int_equal(r->n_apps, (n + 4) / 5);
	assert_string_equal(find(r, "APP-1", "c000007:app-1:8080")->ip_str, "10.1.0.7");
	*bytes = reg_bytes(r);
	*ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	*doc_len = len;
	model_reg_free(r);
	free(doc);
}

static void test_eureka_memory_grows_linearly_with_instances(void **state)
{
	(void)state;
	for (int xml = 0; xml <= 1; xml++) {
		size_t b1, b10, l1, l10;
		double ms1, ms10;
		measure(1000, xml, &b1, &ms1, &l1);
		measure(10000, xml, &b10, &ms10, &l10);
		print_message("eureka %s: 1,000 instances %zu bytes (%zu per 1,000 at 10,000); "
		              "10,000 instances: %.1f MB parsed in %.0f ms\n",
		              xml ? "XML" : "JSON", b1, b10 / 10, (double)l10 / 1e6, ms10);
		/* linear: 10x the instances is at most ~10x the memory, under 1 KB each */
		assert_true(b10 <= b1 * 12);
		assert_true(b10 / 10000 < 1024);
	}
}

/* ================================================================ client: test server */

struct req_rec {
	char method[16];
	char uri[512]; /* raw, as sent (percent-encoding intact) */
	char accept[128];
	char user[64], pass[64];
	bool replication; /* x-netflix-discovery-replication was sent */
};

struct srv {
	struct MHD_Daemon *d;
	unsigned short port;
	char base[128]; /* http://127.0.0.1:PORT/eureka/ */
	unsigned status;
	const char *body;
	size_t body_len;
	const char *ctype;
	pthread_mutex_t mu;
	int hits;
	struct req_rec last;
};

struct conn_state {
	char uri[512];
	bool seen;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn_state *cs = calloc(1, sizeof(*cs));

	(void)cls, (void)c;
	if (cs != NULL)
		snprintf(cs->uri, sizeof(cs->uri), "%s", uri);
	return cs;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct srv *s = cls;
	struct conn_state *cs = *con_cls;
	struct MHD_Response *resp;
	const char *v;
	char *pass = NULL, *user;
	enum MHD_Result ret;

	(void)url, (void)version, (void)upload;
	if (cs == NULL)
		return MHD_NO;
	if (!cs->seen) {
		cs->seen = true;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&s->mu);
	s->hits++;
	memset(&s->last, 0, sizeof(s->last));
	snprintf(s->last.method, sizeof(s->last.method), "%s", method);
	snprintf(s->last.uri, sizeof(s->last.uri), "%s", cs->uri);
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	snprintf(s->last.accept, sizeof(s->last.accept), "%s", v != NULL ? v : "");
	s->last.replication = MHD_lookup_connection_value(
	                          c, MHD_HEADER_KIND, "x-netflix-discovery-replication") != NULL;
	user = MHD_basic_auth_get_username_password(c, &pass);
	snprintf(s->last.user, sizeof(s->last.user), "%s", user != NULL ? user : "");
	snprintf(s->last.pass, sizeof(s->last.pass), "%s", pass != NULL ? pass : "");
	MHD_free(user);
	MHD_free(pass);
	pthread_mutex_unlock(&s->mu);
	resp =
	    MHD_create_response_from_buffer(s->body_len, (void *)s->body, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	if (s->ctype != NULL)
		MHD_add_response_header(resp, "Content-Type", s->ctype);
	ret = MHD_queue_response(c, s->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void srv_set(struct srv *s, unsigned status, const char *body, const char *ctype)
{
	pthread_mutex_lock(&s->mu);
	s->status = status;
	s->body = body;
	s->body_len = strlen(body);
	s->ctype = ctype;
	pthread_mutex_unlock(&s->mu);
}

static struct srv *srv_start(unsigned status, const char *body, const char *ctype)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	assert_non_null(s);
	pthread_mutex_init(&s->mu, NULL);
	srv_set(s, status, body, ctype);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, s,
	                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	                        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
	assert_non_null(s->d);
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	s->port = info->port;
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%u/eureka/", s->port);
	return s;
}

static void srv_stop(struct srv *s)
{
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static struct req_rec srv_last(struct srv *s, int *hits)
{
	struct req_rec r;

	pthread_mutex_lock(&s->mu);
	r = s->last;
	if (hits != NULL)
		*hits = s->hits;
	pthread_mutex_unlock(&s->mu);
	return r;
}

/* A loopback port nothing listens on. */
static unsigned short dead_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned short port;

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* A socket that listens but never accepts: the kernel completes the handshake, nobody
 * answers. */
static int silent_listener(unsigned short *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static struct eureka *client(const char *const *urls, size_t n, enum eureka_format f,
                             long timeout_ms, size_t max_body)
{
	struct eureka_opts o;
	struct esra_err err;
	struct eureka *e;

	memset(&o, 0, sizeof(o));
	o.urls = urls;
	o.n_urls = n;
	o.format = f;
	o.timeout_ms = timeout_ms;
	o.max_body = max_body;
	e = eureka_new(&o, &err);
	if (e == NULL)
		fail_msg("eureka_new: %s", err.msg);
	return e;
}

static const char JSON_REG[] =
    "{\"applications\":{\"versions__delta\":\"4\",\"apps__hashcode\":\"UP_1_\","
    "\"application\":[{\"name\":\"GBS-CMS\",\"instance\":[{\"instanceId\":\"a1b2:gbs-cms:8080\","
    "\"hostName\":\"a1b2\",\"app\":\"GBS-CMS\",\"ipAddr\":\"10.0.3.121\",\"status\":\"UP\","
    "\"port\":{\"$\":8080,\"@enabled\":\"true\"}}]}]}}";
static const char XML_REG[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<applications>"
    "<versions__delta>4</versions__delta><apps__hashcode>UP_1_</apps__hashcode>"
    "<application><name>GBS-CMS</name><instance><instanceId>a1b2:gbs-cms:8080</instanceId>"
    "<hostName>a1b2</hostName><app>GBS-CMS</app><ipAddr>10.0.3.121</ipAddr>"
    "<status>UP</status><port enabled=\"true\">8080</port></instance></application>"
    "</applications>";
#define PASSWORD "s3cr3t-pw"

static void no_password(const struct esra_err *err)
{
	if (strstr(err->msg, PASSWORD) != NULL || strstr(err->msg, "alice") != NULL)
		fail_msg("credentials in a message: %s", err->msg);
}

/* ================================================================ client tests */

static void test_eureka_fetch_json_sends_accept_and_basic_auth(void **state)
{
	struct srv *s = srv_start(200, JSON_REG, "application/json");
	char url[160], shown[160];
	const char *urls[1] = {url};
	struct eureka *e;
	struct eu_registry *r = NULL;
	struct esra_err err;
	struct req_rec q;
	size_t peer = 99;

	(void)state;
	/* Spring defaultZone style, without the trailing '/' */
	snprintf(url, sizeof(url), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka", s->port);
	snprintf(shown, sizeof(shown), "http://***@127.0.0.1:%u/eureka/", s->port);
	e = client(urls, 1, EUREKA_JSON, 2000, 0);
	assert_int_equal(eureka_peer_count(e), 1);
	assert_string_equal(eureka_peer_url(e, 0), shown);
	assert_int_equal(eureka_fetch(e, &r, &peer, &err), ESRA_OK);
	assert_int_equal(peer, 0);
	assert_int_equal(r->n_inst, 1);
	assert_int_equal(r->versions_delta, 4);
	assert_string_equal(find(r, "GBS-CMS", "a1b2:gbs-cms:8080")->ip_str, "10.0.3.121");
	assert_null(strstr(r->source_url, PASSWORD));
	assert_non_null(strstr(r->source_url, "127.0.0.1"));
	assert_int_equal(r->bytes, strlen(JSON_REG));
	q = srv_last(s, NULL);
	assert_string_equal(q.method, "GET");
	assert_string_equal(q.uri, "/eureka/apps");
	assert_string_equal(q.accept, "application/json");
	assert_string_equal(q.user, "alice");
	assert_string_equal(q.pass, PASSWORD);
	assert_false(q.replication);
	assert_int_equal(eureka_bytes_received(e), strlen(JSON_REG));
	model_reg_free(r);
	eureka_free(e);
	srv_stop(s);
}

static void test_eureka_fetch_xml_sends_xml_accept(void **state)
{
	struct srv *s = srv_start(200, XML_REG, "application/xml");
	const char *urls[1] = {s->base};
	struct eureka *e = client(urls, 1, EUREKA_XML, 2000, 0);
	struct eu_registry *r = NULL;
	struct esra_err err;

	(void)state;
	assert_int_equal(eureka_fetch_peer(e, 0, &r, &err), ESRA_OK);
	assert_int_equal(r->n_inst, 1);
	assert_string_equal(r->apps_hashcode, "UP_1_");
	assert_int_equal(find(r, "GBS-CMS", "a1b2:gbs-cms:8080")->port, 8080);
	assert_string_equal(srv_last(s, NULL).accept, "application/xml");
	model_reg_free(r);
	/* the delta endpoint */
	assert_int_equal(eureka_fetch_delta(e, 0, &r, &err), ESRA_OK);
	assert_string_equal(srv_last(s, NULL).uri, "/eureka/apps/delta");
	model_reg_free(r);
	assert_int_equal(eureka_fetch_peer(e, 1, &r, &err), ESRA_EINVAL);
	eureka_free(e);
	srv_stop(s);
}

static void test_eureka_failover_skips_dead_500_and_403_peers(void **state)
{
	struct srv *s500 = srv_start(500, "boom", "text/plain");
	struct srv *s403 = srv_start(403, "", "text/plain");
	struct srv *good = srv_start(200, JSON_REG, "application/json");
	char dead[96], u500[128], u403[128], ugood[128];
	const char *urls[4] = {dead, u500, u403, ugood};
	struct eureka *e;
	struct eu_registry *r = NULL;
	struct esra_err err;
	size_t peer = 99;
	int hits;

	(void)state;
	snprintf(dead, sizeof(dead), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/", dead_port());
	snprintf(u500, sizeof(u500), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/", s500->port);
	snprintf(u403, sizeof(u403), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/", s403->port);
	snprintf(ugood, sizeof(ugood), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/",
	         good->port);
	e = client(urls, 4, EUREKA_JSON, 2000, 0);
	assert_int_equal(eureka_fetch(e, &r, &peer, &err), ESRA_OK);
	assert_int_equal(peer, 3);
	assert_string_equal(r->source_url, eureka_peer_url(e, 3));
	assert_non_null(strstr(r->source_url, "http://***@127.0.0.1:"));
	assert_null(strstr(r->source_url, PASSWORD));
	(void)srv_last(s500, &hits);
	assert_int_equal(hits, 1);
	(void)srv_last(s403, &hits);
	assert_int_equal(hits, 1);
	(void)srv_last(good, &hits);
	assert_int_equal(hits, 1);
	model_reg_free(r);

	/* with the good peer answering 403 too: a mix of failures, the last one named */
	srv_set(good, 403, "", "text/plain");
	assert_int_equal(eureka_fetch(e, &r, &peer, &err), ESRA_ENOTREADY);
	assert_null(r);
	assert_int_equal(peer, MODEL_NONE);
	assert_non_null(strstr(err.msg, "all 4 peers failed"));
	no_password(&err);
	eureka_free(e);
	srv_stop(s500);
	srv_stop(s403);
	srv_stop(good);
}

static void test_eureka_403_is_not_ready_not_empty(void **state)
{
	struct srv *a = srv_start(403, "", "text/plain");
	struct srv *b = srv_start(403, "", "text/plain");
	const char *urls[2] = {a->base, b->base};
	struct eureka *e = client(urls, 2, EUREKA_JSON, 2000, 0);
	struct eureka *one = client(urls, 1, EUREKA_JSON, 2000, 0);
	struct eu_registry *r = (struct eu_registry *)1;
	struct esra_err err;
	size_t peer = 0;

	(void)state;
	assert_int_equal(eureka_fetch(e, &r, &peer, &err), ESRA_ENOTREADY);
	assert_null(r);
	assert_int_equal(peer, MODEL_NONE);
	assert_non_null(strstr(err.msg, "all 2 peers answered 403"));
	assert_non_null(strstr(err.msg, "refuse reads"));
	assert_int_equal(eureka_fetch(one, &r, NULL, &err), ESRA_ENOTREADY);
	assert_null(r);
	assert_non_null(strstr(err.msg, "403"));
	assert_non_null(strstr(err.msg, "refuses reads (not ready"));
	eureka_free(e);
	eureka_free(one);
	srv_stop(a);
	srv_stop(b);
}

static void test_eureka_401_is_auth_error_without_password(void **state)
{
	struct srv *s = srv_start(401, "Unauthorized", "text/plain");
	struct srv *next = srv_start(200, JSON_REG, "application/json");
	char url[160];
	const char *urls[2] = {url, next->base};
	struct eureka *e;
	struct eu_registry *r = NULL;
	struct esra_err err;
	int hits;

	(void)state;
	snprintf(url, sizeof(url), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/", s->port);
	e = client(urls, 2, EUREKA_JSON, 2000, 0);
	assert_int_equal(eureka_fetch(e, &r, NULL, &err), ESRA_EAUTH);
	assert_null(r);
	assert_non_null(strstr(err.msg, "401"));
	assert_non_null(strstr(err.msg, "credentials"));
	assert_non_null(strstr(err.msg, "http://***@127.0.0.1:"));
	no_password(&err);
	(void)srv_last(next, &hits);
	assert_int_equal(hits, 0); /* a credentials problem is not failed over */
	assert_string_equal(srv_last(s, NULL).pass, PASSWORD);
	eureka_free(e);
	srv_stop(s);
	srv_stop(next);
}

static void test_eureka_errors_never_show_the_password(void **state)
{
	struct srv *s = srv_start(502, "bad gateway http://alice:" PASSWORD "@x/", "text/plain");
	char url[160], dead[96];
	const char *urls[1] = {url};
	const char *durls[1] = {dead};
	struct eureka *e;
	struct eu_registry *r = NULL;
	struct esra_err err;
	long st = -1;

	(void)state;
	snprintf(url, sizeof(url), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/", s->port);
	e = client(urls, 1, EUREKA_JSON, 2000, 0);
	assert_int_equal(eureka_fetch(e, &r, NULL, &err), ESRA_EHTTP);
	assert_non_null(strstr(err.msg, "HTTP 502"));
	no_password(&err);
	srv_set(s, 200, "{\"applications\":{\"application\":5}}", "application/json");
	assert_int_equal(eureka_fetch(e, &r, NULL, &err), ESRA_EPARSE);
	assert_non_null(strstr(err.msg, "expected an application object or array"));
	assert_non_null(strstr(err.msg, "127.0.0.1"));
	no_password(&err);
	srv_set(s, 500, "", "text/plain");
	assert_int_equal(eureka_delete_instance(e, 0, "A", "b", &st, &err), ESRA_EHTTP);
	assert_int_equal(st, 500);
	no_password(&err);
	eureka_free(e);

	snprintf(dead, sizeof(dead), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/", dead_port());
	e = client(durls, 1, EUREKA_JSON, 2000, 0);
	assert_int_equal(eureka_fetch(e, &r, NULL, &err), ESRA_ECONNECT);
	no_password(&err);
	assert_int_equal(eureka_set_status(e, 0, "A", "b", EU_OUT_OF_SERVICE, &st, &err),
	                 ESRA_ECONNECT);
	assert_int_equal(st, 0);
	no_password(&err);
	eureka_free(e);
	srv_stop(s);
}

static void test_eureka_body_over_cap_is_too_large(void **state)
{
	char *big = malloc(8192);
	struct srv *s;
	const char *urls[1];
	struct eureka *e;
	struct eu_registry *r = NULL;
	struct esra_err err;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', 8191);
	big[0] = '{';
	memcpy(big + 8191 - 18, "\"applications\":{}}", 18);
	big[8191] = '\0';
	s = srv_start(200, big, "application/json");
	urls[0] = s->base;
	e = client(urls, 1, EUREKA_JSON, 2000, 4096);
	assert_int_equal(eureka_fetch(e, &r, NULL, &err), ESRA_ETOOLARGE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "over 4096 bytes"));
	eureka_free(e);
	e = client(urls, 1, EUREKA_JSON, 2000, 0); /* the default cap lets it through */
	assert_int_equal(eureka_fetch(e, &r, NULL, &err), ESRA_OK);
	model_reg_free(r);
	eureka_free(e);
	srv_stop(s);
	free(big);
}

static void test_eureka_silent_server_times_out_within_timeout(void **state)
{
	unsigned short port;
	int fd = silent_listener(&port);
	char url[96];
	const char *urls[1] = {url};
	struct eureka *e;
	struct eu_registry *r = NULL;
	struct esra_err err;
	int64_t t0, dt;

	(void)state;
	snprintf(url, sizeof(url), "http://alice:" PASSWORD "@127.0.0.1:%u/eureka/", port);
	e = client(urls, 1, EUREKA_JSON, 300, 0);
	t0 = esra_mono_ms();
	assert_int_equal(eureka_fetch(e, &r, NULL, &err), ESRA_ETIMEOUT);
	dt = esra_mono_ms() - t0;
	assert_null(r);
	assert_true(dt >= 250 && dt < 2000);
	assert_non_null(strstr(err.msg, "no answer within 300 ms"));
	no_password(&err);
	eureka_free(e);
	close(fd);
}

static void test_eureka_get_instance_404_is_not_found(void **state)
{
	struct srv *s = srv_start(404, "", "text/plain");
	const char *urls[1] = {s->base};
	struct eureka *e = client(urls, 1, EUREKA_JSON, 2000, 0);
	struct eu_registry *r = NULL;
	struct esra_err err;

	(void)state;
	assert_int_equal(eureka_get_instance(e, 0, "GBS-CMS", "a1b2:gbs-cms:8080", &r, &err),
	                 ESRA_ENOTFOUND);
	assert_null(r);
	assert_non_null(strstr(err.msg, "404"));
	assert_string_equal(srv_last(s, NULL).uri, "/eureka/apps/GBS-CMS/a1b2%3Agbs-cms%3A8080");
	srv_set(s, 200,
	        "{\"instance\":{\"instanceId\":\"a1b2:gbs-cms:8080\",\"hostName\":\"a1b2\","
	        "\"app\":\"GBS-CMS\",\"ipAddr\":\"10.0.3.121\",\"status\":\"OUT_OF_SERVICE\"}}",
	        "application/json");
	assert_int_equal(eureka_get_instance(e, 0, "GBS-CMS", "a1b2:gbs-cms:8080", &r, &err),
	                 ESRA_OK);
	assert_int_equal(r->n_inst, 1);
	assert_int_equal(r->inst[0].status, EU_OUT_OF_SERVICE);
	model_reg_free(r);
	eureka_free(e);
	srv_stop(s);
}

static void test_eureka_writes_use_the_rest_operations_without_replication(void **state)
{
	struct srv *s = srv_start(200, "", "application/xml");
	const char *urls[1] = {s->base};
	struct eureka *e = client(urls, 1, EUREKA_JSON, 2000, 0);
	struct esra_err err;
	struct req_rec q;
	long st = 0;

	(void)state;
	assert_int_equal(eureka_delete_instance(e, 0, "GBS-CMS", "a1b2:gbs cms/8080", &st, &err),
	                 ESRA_OK);
	assert_int_equal(st, 200);
	q = srv_last(s, NULL);
	assert_string_equal(q.method, "DELETE");
	assert_string_equal(q.uri, "/eureka/apps/GBS-CMS/a1b2%3Agbs%20cms%2F8080");
	assert_false(q.replication);

	assert_int_equal(eureka_set_status(e, 0, "GBS-CMS", "a1b2", EU_OUT_OF_SERVICE, &st, &err),
	                 ESRA_OK);
	q = srv_last(s, NULL);
	assert_string_equal(q.method, "PUT");
	assert_string_equal(q.uri, "/eureka/apps/GBS-CMS/a1b2/status?value=OUT_OF_SERVICE");
	assert_false(q.replication);

	assert_int_equal(eureka_clear_status(e, 0, "GBS-CMS", "a1b2", &st, &err), ESRA_OK);
	q = srv_last(s, NULL);
	assert_string_equal(q.method, "DELETE");
	assert_string_equal(q.uri, "/eureka/apps/GBS-CMS/a1b2/status?value=UP");
	assert_false(q.replication);

	srv_set(s, 404, "", "text/plain");
	assert_int_equal(eureka_delete_instance(e, 0, "GBS-CMS", "gone", &st, &err),
	                 ESRA_ENOTFOUND);
	assert_int_equal(st, 404);
	assert_int_equal(eureka_delete_instance(e, 0, "", "gone", &st, &err), ESRA_EINVAL);
	assert_int_equal(eureka_delete_instance(e, 5, "A", "gone", &st, &err), ESRA_EINVAL);
	eureka_free(e);
	srv_stop(s);
}

static void test_eureka_new_rejects_bad_urls_without_echoing_them(void **state)
{
	const char *bad1[1] = {"alice:" PASSWORD "@eureka:8761/eureka/"};
	const char *bad2[1] = {"ftp://eureka/"};
	const char *many[ESRA_MAX_URLS + 1];
	struct eureka_opts o;
	struct esra_err err;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_null(eureka_new(&o, &err));
	assert_int_equal(err.code, ESRA_ECONFIG);
	o.n_urls = 1;
	o.urls = bad1;
	assert_null(eureka_new(&o, &err));
	assert_int_equal(err.code, ESRA_ECONFIG);
	assert_non_null(strstr(err.msg, "urls[0]"));
	no_password(&err);
	o.urls = bad2;
	assert_null(eureka_new(&o, &err));
	for (size_t i = 0; i <= ESRA_MAX_URLS; i++)
		many[i] = "http://e/eureka/";
	o.urls = many;
	o.n_urls = ESRA_MAX_URLS + 1;
	assert_null(eureka_new(&o, &err));
	assert_int_equal(err.code, ESRA_ECONFIG);
	eureka_free(NULL);
}

static int setup(void **state)
{
	(void)state;
	return http_global_init() == ESRA_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	http_global_cleanup();
	return 0;
}

struct stopper {
	volatile sig_atomic_t flag;
	int after_ms;
};

static void *stop_later(void *arg)
{
	struct stopper *st = arg;
	struct timespec ts = {st->after_ms / 1000, (long)(st->after_ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
	st->flag = 1;
	return NULL;
}

static void test_eureka_read_held_by_a_silent_peer_ends_soon_after_the_stop_flag(void **state)
{
	char url[64];
	unsigned short port;
	int fd = silent_listener(&port);
	const char *urls[] = {url};
	struct stopper st = {0, 200};
	struct eureka_opts eo;
	struct eureka *eu;
	struct eu_registry *reg = NULL;
	struct esra_err err;
	pthread_t t;
	int64_t t0, ms;
	int rc;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/eureka/", port);
	memset(&eo, 0, sizeof(eo));
	eo.urls = urls;
	eo.n_urls = 1;
	eo.timeout_ms = 10000;
	eo.stop = &st.flag;
	eu = eureka_new(&eo, &err);
	assert_non_null(eu);
	assert_int_equal(pthread_create(&t, NULL, stop_later, &st), 0);
	t0 = esra_mono_ms();
	rc = eureka_fetch(eu, &reg, NULL, &err);
	ms = esra_mono_ms() - t0;
	pthread_join(t, NULL);
	assert_int_equal(rc, ESRA_ESTOPPED);
	assert_null(reg);
	assert_non_null(strstr(err.msg, "stopped"));
	/* libcurl looks at the flag at least once a second while it waits */
	if (ms < 190 || ms > 1600)
		tu_fail("stopped after %lld ms, want 200..1600", (long long)ms);
	/* once stopped, no read starts at all */
	t0 = esra_mono_ms();
	assert_int_equal(eureka_fetch(eu, &reg, NULL, &err), ESRA_ESTOPPED);
	assert_true(esra_mono_ms() - t0 < 100);
	eureka_free(eu);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eureka_read_held_by_a_silent_peer_ends_soon_after_the_stop_flag),
	    cmocka_unit_test(test_eureka_prometheus_xml_registry_has_two_apps_four_instances),
	    cmocka_unit_test(test_eureka_empty_xml_registry_keeps_delta_and_empty_hashcode),
	    cmocka_unit_test(test_eureka_steeltoe_full_json_reads_port_object_and_legacy_renewal),
	    cmocka_unit_test(test_eureka_steeltoe_delta_json_has_modified_action),
	    cmocka_unit_test(test_eureka_collapsed_application_without_instances_is_empty),
	    cmocka_unit_test(test_eureka_one_application_with_collapsed_instance_names_it),
	    cmocka_unit_test(test_eureka_overridden_status_camel_case_wins),
	    cmocka_unit_test(test_eureka_fargo_old_registry_without_instance_ids),
	    cmocka_unit_test(test_eureka_fargo_post_v122_numbers_and_strings_agree),
	    cmocka_unit_test(test_eureka_asgard_xml_invalid_ip_is_not_an_error),
	    cmocka_unit_test(test_eureka_bare_xml_instance_as_get_instance_returns),
	    cmocka_unit_test(test_eureka_json_instance_wrapper_as_get_instance_returns),
	    cmocka_unit_test(test_eureka_xml_application_root_and_late_name),
	    cmocka_unit_test(test_eureka_json_app_name_after_instances_and_legacy_field_order),
	    cmocka_unit_test(test_eureka_null_application_list_is_empty),
	    cmocka_unit_test(test_eureka_parse_i64_accepts_only_integers),
	    cmocka_unit_test(test_eureka_every_bad_fixture_is_a_clear_error),
	    cmocka_unit_test(test_eureka_huge_values_are_too_large),
	    cmocka_unit_test(test_eureka_xml_whitespace_between_many_elements_is_not_capped),
	    cmocka_unit_test(test_eureka_parser_errors_are_sticky_and_finish_once),
	    cmocka_unit_test(test_eureka_memory_grows_linearly_with_instances),
	    cmocka_unit_test(test_eureka_fetch_json_sends_accept_and_basic_auth),
	    cmocka_unit_test(test_eureka_fetch_xml_sends_xml_accept),
	    cmocka_unit_test(test_eureka_failover_skips_dead_500_and_403_peers),
	    cmocka_unit_test(test_eureka_403_is_not_ready_not_empty),
	    cmocka_unit_test(test_eureka_401_is_auth_error_without_password),
	    cmocka_unit_test(test_eureka_errors_never_show_the_password),
	    cmocka_unit_test(test_eureka_body_over_cap_is_too_large),
	    cmocka_unit_test(test_eureka_silent_server_times_out_within_timeout),
	    cmocka_unit_test(test_eureka_get_instance_404_is_not_found),
	    cmocka_unit_test(test_eureka_writes_use_the_rest_operations_without_replication),
	    cmocka_unit_test(test_eureka_new_rejects_bad_urls_without_echoing_them),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
