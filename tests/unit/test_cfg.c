/* test_cfg.c: configuration defaults, file parsing, environment overrides and errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "testutil.h"

static void test_cfg_defaults_match_spec(void **state)
{
	struct esra_config c;
	struct esra_err err;
	const char *env[] = {NULL};

	(void)state;
	assert_int_equal(cfg_load(&c, NULL, env, NULL, &err), ESRA_OK);
	assert_int_equal(c.eureka.urls.n, 1);
	assert_string_equal(c.eureka.urls.v[0], "http://eureka:8761/eureka/");
	assert_int_equal(c.eureka.format, CFG_FORMAT_JSON);
	assert_int_equal(c.eureka.timeout_ms, 5000);
	assert_true(c.eureka.tls_verify); /* verified unless set false */
	assert_string_equal(c.eureka.ca_file, "");
	assert_string_equal(c.eureka.cert_file, "");
	assert_string_equal(c.eureka.key_file, "");
	assert_string_equal(c.docker.host, "unix:///var/run/docker.sock");
	assert_false(c.docker.tls_verify);
	assert_string_equal(c.dns.server, "127.0.0.11");
	assert_int_equal(c.dns.port, 53);
	assert_int_equal(c.dns.timeout_ms, 1000);
	assert_int_equal(c.dns.attempts, 2);
	assert_string_equal(c.names.rename_pattern, "{name}-new");
	assert_int_equal(c.policy.mode, CFG_MODE_REPORT);
	assert_int_equal(c.policy.grace_seconds, 120);
	assert_int_equal(c.policy.history_seconds, 3600);
	assert_int_equal(c.policy.confirm_cycles, 3);
	assert_int_equal(c.policy.max_actions_per_run, 5);
	assert_true(c.policy.max_fraction_per_app > 0.339 && c.policy.max_fraction_per_app < 0.341);
	assert_true(c.policy.max_fraction_registry > 0.149 &&
	            c.policy.max_fraction_registry < 0.151);
	assert_false(c.policy.allow_empty_app);
	assert_true(c.policy.leader_only);
	assert_int_equal(c.watch.interval_seconds, 30);
	assert_string_equal(c.watch.listen, "127.0.0.1:9477");
	cfg_free(&c);
	/* "" means no HTTP endpoint; a port without an address does not parse */
	assert_int_equal(cfg_load_string(&c, "watch = { listen = \"\"; };", "t", env, NULL, &err),
	                 0);
	assert_string_equal(c.watch.listen, "");
	cfg_free(&c);
	assert_int_equal(
	    cfg_load_string(&c, "watch = { listen = \"9477\"; };", "t", env, NULL, &err),
	    ESRA_ECONFIG);
	assert_int_equal(cfg_load(&c, NULL, env, NULL, &err), ESRA_OK);
	assert_string_equal(c.log.level, "info");
	assert_int_equal(c.log.format, CFG_LOG_TEXT);
	cfg_free(&c);
}

static void test_cfg_file_values_are_read(void **state)
{
	const char *text = "eureka = { urls = [\"http://a:1/eureka/\", \"http://b:2/eureka/\"]; "
	                   "format = \"xml\"; };\n"
	                   "names = { map = ( (\"GBS-CMS\", \"gbs-cms\"), (\"X\", \"y\") );\n"
	                   "          expect_registered = [\"gbs-cms\"]; };\n"
	                   "policy = { mode = \"deregister\"; max_fraction_per_app = 0.5; "
	                   "max_actions_per_run = 2; };\n"
	                   "log = { level = \"debug\"; format = \"json\"; };\n";
	struct esra_config c;
	struct esra_err err;
	const char *env[] = {NULL};

	(void)state;
	assert_int_equal(cfg_load_string(&c, text, "t.conf", env, NULL, &err), ESRA_OK);
	assert_int_equal(c.eureka.urls.n, 2);
	assert_string_equal(c.eureka.urls.v[1], "http://b:2/eureka/");
	assert_int_equal(c.eureka.format, CFG_FORMAT_XML);
	assert_int_equal(c.names.map.n, 2);
	assert_string_equal(c.names.map.v[0].from, "GBS-CMS");
	assert_string_equal(c.names.map.v[0].to, "gbs-cms");
	assert_int_equal(c.names.expect_registered.n, 1);
	assert_int_equal(c.policy.mode, CFG_MODE_DEREGISTER);
	assert_int_equal(c.policy.max_actions_per_run, 2);
	assert_true(c.policy.max_fraction_per_app == 0.5);
	assert_string_equal(c.log.level, "debug");
	assert_int_equal(c.log.format, CFG_LOG_JSON);
	cfg_free(&c);
}

static void test_cfg_unknown_key_names_file_line_and_key(void **state)
{
	const char *text = "eureka = {\n  timeout_ms = 10;\n  colour = \"red\";\n};\n";
	struct esra_config c;
	struct esra_err err;
	struct buf all;
	const char *env[] = {NULL};

	(void)state;
	buf_init(&all, 0);
	assert_int_equal(cfg_load_string(&c, text, "my.conf", env, &all, &err), ESRA_ECONFIG);
	assert_string_equal(err.msg, "my.conf:3: eureka.colour: unknown key");
	assert_non_null(strstr(all.data, "my.conf:3: eureka.colour: unknown key"));
	buf_free(&all);
}

static void test_cfg_wrong_type_and_all_errors_reported(void **state)
{
	const char *text = "dns = {\n  port = \"53\";\n};\n"
	                   "policy = {\n  mode = \"delete\";\n  confirm_cycles = 0;\n};\n"
	                   "bogus = { a = 1; };\n";
	struct esra_config c;
	struct esra_err err;
	struct buf all;
	const char *env[] = {NULL};

	(void)state;
	buf_init(&all, 0);
	assert_int_equal(cfg_load_string(&c, text, "e.conf", env, &all, &err), ESRA_ECONFIG);
	assert_non_null(strstr(all.data, "e.conf:2: dns.port: must be an integer"));
	assert_non_null(strstr(all.data, "e.conf:5: policy.mode: \"delete\" is not one of"));
	assert_non_null(strstr(all.data, "e.conf:6: policy.confirm_cycles: 0 is out of range"));
	assert_non_null(strstr(all.data, "e.conf:8: bogus: unknown key"));
	assert_non_null(strstr(err.msg, "(and 3 more)"));
	buf_free(&all);
}

static void test_cfg_syntax_error_names_line(void **state)
{
	const char *text = "eureka = {\n  timeout_ms = ;\n};\n";
	struct esra_config c;
	struct esra_err err;
	const char *env[] = {NULL};

	(void)state;
	assert_int_equal(cfg_load_string(&c, text, "s.conf", env, NULL, &err), ESRA_ECONFIG);
	assert_non_null(strstr(err.msg, "s.conf:2: syntax:"));
}

static void test_cfg_missing_file_is_a_clear_error(void **state)
{
	struct esra_config c;
	struct esra_err err;
	const char *env[] = {NULL};

	(void)state;
	assert_int_equal(cfg_load(&c, "/nonexistent/esra.conf", env, NULL, &err), ESRA_ECONFIG);
	assert_non_null(strstr(err.msg, "/nonexistent/esra.conf"));
	assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_cfg_environment_overrides_file(void **state)
{
	const char *text = "docker = { host = \"unix:///x.sock\"; };\n"
	                   "eureka = { urls = [\"http://file:1/eureka/\"]; };\n"
	                   "cluster = { service = \"from-file\"; };\n";
	const char *env[] = {
	    "DOCKER_HOST=tcp://10.0.0.1:2376",
	    "DOCKER_TLS_VERIFY=1",
	    "DOCKER_CERT_PATH=/certs",
	    "ESRA_EUREKA_URLS=http://u:secret@e1:8761/eureka/, http://e2:8761/eureka/",
	    "ESRA_DNS_SERVER=127.0.0.1:5353",
	    "ESRA_CLUSTER_SERVICE=esra_esra",
	    NULL};
	struct esra_config c;
	struct esra_err err;
	char base[128], sock[128];
	bool tls;

	(void)state;
	assert_int_equal(cfg_load_string(&c, text, "t.conf", env, NULL, &err), ESRA_OK);
	assert_string_equal(c.docker.host, "tcp://10.0.0.1:2376");
	assert_true(c.docker.tls_verify);
	assert_string_equal(c.docker.cert_path, "/certs");
	assert_int_equal(c.eureka.urls.n, 2);
	assert_string_equal(c.eureka.urls.v[0], "http://u:secret@e1:8761/eureka/");
	assert_string_equal(c.eureka.urls.v[1], "http://e2:8761/eureka/");
	assert_string_equal(c.dns.server, "127.0.0.1");
	assert_int_equal(c.dns.port, 5353);
	assert_string_equal(c.cluster.service, "esra_esra");
	assert_int_equal(
	    cfg_docker_endpoint(&c, base, sizeof(base), sock, sizeof(sock), &tls, &err), 0);
	assert_string_equal(base, "https://10.0.0.1:2376");
	assert_true(tls);
	cfg_free(&c);
}

static void test_cfg_dump_redacts_credentials(void **state)
{
	const char *env[] = {"ESRA_EUREKA_URLS=http://admin:hunter2@e1:8761/eureka/", NULL};
	struct esra_config c, again;
	struct esra_err err;
	struct buf out;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(cfg_load(&c, NULL, env, NULL, &err), ESRA_OK);
	assert_int_equal(cfg_dump(&c, &out), ESRA_OK);
	assert_null(strstr(out.data, "hunter2"));
	assert_non_null(strstr(out.data, "http://***@e1:8761/eureka/"));
	/* the dump is itself a valid configuration */
	const char *noenv[] = {NULL};
	assert_int_equal(cfg_load_string(&again, out.data, "dump", noenv, NULL, &err), ESRA_OK);
	assert_int_equal(again.policy.max_actions_per_run, 5);
	cfg_free(&again);
	cfg_free(&c);
	buf_free(&out);
}

static void test_cfg_bad_values_are_rejected(void **state)
{
	const char *text = "eureka = { urls = [\"ftp://x/\"]; };\n"
	                   "dns = { server = \"localhost\"; netns = \"pid:1\"; };\n"
	                   "names = { rename_pattern = \"new\"; };\n"
	                   "docker = { host = \"/var/run/docker.sock\"; };\n";
	struct esra_config c;
	struct esra_err err;
	struct buf all;
	const char *env[] = {NULL};

	(void)state;
	buf_init(&all, 0);
	assert_int_equal(cfg_load_string(&c, text, "v.conf", env, &all, &err), ESRA_ECONFIG);
	assert_non_null(strstr(all.data, "eureka.urls"));
	assert_non_null(strstr(all.data, "dns.server"));
	assert_non_null(strstr(all.data, "dns.netns"));
	assert_non_null(strstr(all.data, "names.rename_pattern"));
	assert_non_null(strstr(all.data, "docker.host"));
	buf_free(&all);
}

/* The Eureka TLS files are read once at load (a missing file is a config error naming the key,
 * not a failed request later); a client certificate needs its key and the other way round. */
static void test_cfg_eureka_tls_keys(void **state)
{
	char dir[] = "/tmp/esra-cfg-tls-XXXXXX", text[1024], ca[64], crt[64], key[64];
	const char *env[] = {NULL};
	struct esra_config c;
	struct esra_err err;
	struct buf all;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(crt, sizeof(crt), "%s/c.pem", dir);
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	for (int i = 0; i < 3; i++) {
		assert_non_null(f = fopen(i == 0 ? ca : i == 1 ? crt : key, "w"));
		fclose(f);
	}
	snprintf(text, sizeof(text),
	         "eureka = { urls = [\"https://e:8761/eureka/\"]; tls_verify = false;\n"
	         "  ca_file = \"%s\"; cert_file = \"%s\"; key_file = \"%s\"; };\n",
	         ca, crt, key);
	assert_int_equal(cfg_load_string(&c, text, "t.conf", env, NULL, &err), ESRA_OK);
	assert_false(c.eureka.tls_verify);
	assert_string_equal(c.eureka.ca_file, ca);
	assert_string_equal(c.eureka.cert_file, crt);
	assert_string_equal(c.eureka.key_file, key);
	cfg_free(&c);

	/* a certificate without its key, and a CA file that is not there */
	snprintf(text, sizeof(text),
	         "eureka = { ca_file = \"%s/none.pem\"; cert_file = \"%s\"; };\n", dir, crt);
	buf_init(&all, 0);
	assert_int_equal(cfg_load_string(&c, text, "t.conf", env, &all, &err), ESRA_ECONFIG);
	assert_non_null(strstr(all.data, "t.conf: eureka.ca_file: \""));
	assert_non_null(strstr(all.data, "none.pem\" cannot be read: No such file"));
	assert_non_null(strstr(all.data, "t.conf: eureka.key_file: eureka.cert_file and "
	                                 "eureka.key_file go together"));
	buf_free(&all);
	/* a key without its certificate */
	snprintf(text, sizeof(text), "eureka = { key_file = \"%s\"; };\n", key);
	assert_int_equal(cfg_load_string(&c, text, "t.conf", env, NULL, &err), ESRA_ECONFIG);
	assert_non_null(strstr(err.msg, "t.conf: eureka.cert_file: eureka.cert_file and"));
	for (int i = 0; i < 3; i++)
		assert_int_equal(remove(i == 0 ? ca : i == 1 ? crt : key), 0);
	assert_int_equal(remove(dir), 0);
}

static void test_cfg_shipped_file_documents_the_defaults(void **state)
{
	struct esra_config shipped, defaults;
	struct esra_err err;
	struct buf a, b;
	const char *env[] = {NULL};
	char path[4096];

	(void)state;
	/* etc/esra.conf sits two folders above the fixtures */
	snprintf(path, sizeof(path), "%s/../../etc/esra.conf", tu_fixture_path(""));
	assert_int_equal(cfg_load(&shipped, path, env, NULL, &err), ESRA_OK);
	assert_int_equal(cfg_load(&defaults, NULL, env, NULL, &err), ESRA_OK);
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(cfg_dump(&shipped, &a), ESRA_OK);
	assert_int_equal(cfg_dump(&defaults, &b), ESRA_OK);
	assert_string_equal(a.data, b.data);
	buf_free(&a);
	buf_free(&b);
	cfg_free(&shipped);
	cfg_free(&defaults);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cfg_defaults_match_spec),
	    cmocka_unit_test(test_cfg_file_values_are_read),
	    cmocka_unit_test(test_cfg_unknown_key_names_file_line_and_key),
	    cmocka_unit_test(test_cfg_wrong_type_and_all_errors_reported),
	    cmocka_unit_test(test_cfg_syntax_error_names_line),
	    cmocka_unit_test(test_cfg_missing_file_is_a_clear_error),
	    cmocka_unit_test(test_cfg_environment_overrides_file),
	    cmocka_unit_test(test_cfg_dump_redacts_credentials),
	    cmocka_unit_test(test_cfg_bad_values_are_rejected),
	    cmocka_unit_test(test_cfg_eureka_tls_keys),
	    cmocka_unit_test(test_cfg_shipped_file_documents_the_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
