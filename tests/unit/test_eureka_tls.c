/* test_eureka_tls.c: the Eureka client over https:// against an in-process TLS server
 * (libmicrohttpd, built with GnuTLS on Debian), with certificates made by openssl at test
 * time. The server's certificate and name are verified by default and a peer that fails is
 * sent nothing (so no credential from the URL); eureka.ca_file; mutual TLS; and
 * eureka.tls_verify = false, which reads the registry and warns in the report and the log. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg.h"
#include "cycle.h"
#include "eureka.h"
#include "http.h"
#include "log.h"
#include "report.h"
#include "testutil.h"

#define USER     "alice"
#define PASSWORD "s3cr3t-pw"

static const char JSON_REG[] =
    "{\"applications\":{\"versions__delta\":\"4\",\"apps__hashcode\":\"UP_1_\","
    "\"application\":[{\"name\":\"GBS-CMS\",\"instance\":[{\"instanceId\":\"a1b2:gbs-cms:8080\","
    "\"hostName\":\"a1b2\",\"app\":\"GBS-CMS\",\"ipAddr\":\"10.0.3.121\",\"status\":\"UP\","
    "\"port\":{\"$\":8080,\"@enabled\":\"true\"}}]}]}}";

/* ---------------------------------------------------------------- certificates */

static char pki[] = "/tmp/esra-eu-tls-XXXXXX";

static int sh(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

/* pki/: ca.pem (a test CA); server.pem for 127.0.0.1 signed by it; other.pem, self-signed
 * for eureka.other.example (a server posing as the registry); client.pem, a client
 * certificate signed by the CA; all keys without a passphrase. */
static int make_pki(const char *dir)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd),
	         "cd '%s' && (set -e; K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';"
	         "openssl req -x509 $K -keyout ca.key -out ca.pem -days 2 -subj /CN=esra-test-ca;"
	         "openssl req $K -keyout server.key -out server.csr -subj /CN=127.0.0.1;"
	         "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext;"
	         "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
	         " -out server.pem -days 2 -extfile server.ext;"
	         "openssl req -x509 $K -keyout other.key -out other.pem -days 2"
	         " -subj /CN=eureka.other.example -addext subjectAltName=DNS:eureka.other.example;"
	         "openssl req $K -keyout client.key -out client.csr -subj /CN=esra;"
	         "printf 'extendedKeyUsage=clientAuth\\n' > client.ext;"
	         "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
	         " -out client.pem -days 2 -extfile client.ext"
	         ") >/dev/null 2>&1",
	         dir);
	return sh(cmd);
}

static const char *pki_path(const char *name)
{
	static char paths[8][256];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s", pki, name);
	return p;
}

static char *slurp(const char *name)
{
	FILE *f = fopen(pki_path(name), "rb");
	char *data;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	data = calloc(1, (size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return data;
}

/* ---------------------------------------------------------------- the HTTPS server */

struct srv {
	struct MHD_Daemon *d;
	unsigned short port;
	char *key, *cert, *trust;
	bool need_client_cert; /* answer 400 without a verified client certificate (nginx) */
	pthread_mutex_t mu;
	int connections; /* TCP connections accepted (before any TLS handshake) */
	int requests;    /* HTTP requests seen: only after a handshake */
	char user[64], pass[64];
	bool client_verified;
};

static bool client_cert_ok(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	unsigned status = 0;

	if (ci == NULL || ci->tls_session == NULL ||
	    gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, NULL) == NULL)
		return false;
	return gnutls_certificate_verify_peers2((gnutls_session_t)ci->tls_session, &status) == 0 &&
	       status == 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
	static int first_call;
	struct srv *s = cls;
	char *user, *pass = NULL;
	bool verified;

	(void)url, (void)method, (void)version, (void)upload, (void)upload_size;
	if (*con_cls == NULL) {
		*con_cls = &first_call;
		return MHD_YES;
	}
	verified = client_cert_ok(c);
	user = MHD_basic_auth_get_username_password(c, &pass);
	pthread_mutex_lock(&s->mu);
	s->requests++;
	s->client_verified = verified;
	snprintf(s->user, sizeof(s->user), "%s", user != NULL ? user : "");
	snprintf(s->pass, sizeof(s->pass), "%s", pass != NULL ? pass : "");
	pthread_mutex_unlock(&s->mu);
	MHD_free(user);
	MHD_free(pass);
	if (s->need_client_cert && !verified) /* what nginx's ssl_verify_client answers */
		return reply(c, 400, "No required SSL certificate was sent");
	return reply(c, 200, JSON_REG);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct srv *s = cls;

	(void)c, (void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		pthread_mutex_lock(&s->mu);
		s->connections++;
		pthread_mutex_unlock(&s->mu);
	}
}

/* Serve name.key/name.pem on 127.0.0.1:random; with trust (a CA file name) the server asks
 * for a client certificate and checks it against that CA. */
static struct srv *srv_start(const char *name, const char *trust, bool need_client_cert)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *di;
	char file[64];

	assert_non_null(s);
	pthread_mutex_init(&s->mu, NULL);
	snprintf(file, sizeof(file), "%s.key", name);
	s->key = slurp(file);
	snprintf(file, sizeof(file), "%s.pem", name);
	s->cert = slurp(file);
	s->need_client_cert = need_client_cert;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (trust != NULL) {
		s->trust = slurp(trust);
		s->d = MHD_start_daemon(
		    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS, 0, NULL, NULL, handle, s,
		    MHD_OPTION_SOCK_ADDR, &sin, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		    MHD_OPTION_HTTPS_MEM_KEY, s->key, MHD_OPTION_HTTPS_MEM_CERT, s->cert,
		    MHD_OPTION_HTTPS_MEM_TRUST, s->trust, MHD_OPTION_END);
	} else {
		s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS, 0, NULL,
		                        NULL, handle, s, MHD_OPTION_SOCK_ADDR, &sin,
		                        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		                        MHD_OPTION_HTTPS_MEM_KEY, s->key, MHD_OPTION_HTTPS_MEM_CERT,
		                        s->cert, MHD_OPTION_END);
	}
	assert_non_null(s->d);
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(di);
	s->port = di->port;
	return s;
}

static void srv_stop(struct srv *s)
{
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->mu);
	free(s->key);
	free(s->cert);
	free(s->trust);
	free(s);
}

static void srv_counts(struct srv *s, int *connections, int *requests)
{
	pthread_mutex_lock(&s->mu);
	*connections = s->connections;
	*requests = s->requests;
	pthread_mutex_unlock(&s->mu);
}

/* ---------------------------------------------------------------- the client */

static char url[128];

static struct eureka *client(const struct srv *s, bool verify, const char *ca, const char *cert,
                             const char *key)
{
	const char *urls[1] = {url};
	struct eureka_opts o;
	struct esra_err err;
	struct eureka *e;

	snprintf(url, sizeof(url), "https://" USER ":" PASSWORD "@127.0.0.1:%u/eureka/", s->port);
	memset(&o, 0, sizeof(o));
	o.urls = urls;
	o.n_urls = 1;
	o.timeout_ms = 5000;
	o.no_tls_verify = !verify;
	o.ca_file = ca != NULL ? pki_path(ca) : NULL;
	o.cert_file = cert != NULL ? pki_path(cert) : NULL;
	o.key_file = key != NULL ? pki_path(key) : NULL;
	e = eureka_new(&o, &err);
	if (e == NULL)
		tu_fail("eureka_new: %s", err.msg);
	return e;
}

static void no_credentials(const char *text)
{
	if (strstr(text, PASSWORD) != NULL || strstr(text, USER) != NULL)
		tu_fail("credentials in: %s", text);
}

static void expect_msg(const struct esra_err *err, const char *part)
{
	if (strstr(err->msg, part) == NULL)
		tu_fail("expected \"%s\" in: %s", part, err->msg);
	no_credentials(err->msg);
}

/* Fetch expecting a refusal in the TLS handshake: the server accepted a connection (when
 * handshake: it took part in one) and saw no request at all, so the URL's credentials never
 * left esra. */
static void refused_before_any_request(struct srv *s, struct eureka *e, bool handshake,
                                       const char *reason)
{
	struct eu_registry *reg = NULL;
	struct esra_err err;
	int conns0, reqs0, conns, reqs;

	srv_counts(s, &conns0, &reqs0);
	assert_int_equal(eureka_fetch(e, &reg, NULL, &err), ESRA_ECONNECT);
	assert_null(reg);
	expect_msg(&err, "GET https://***@127.0.0.1:");
	expect_msg(&err, reason);
	srv_counts(s, &conns, &reqs);
	if (handshake)
		assert_true(conns > conns0); /* the server was reached ... */
	assert_int_equal(reqs, reqs0);       /* ... and sent nothing */
}

static void accepted(struct srv *s, struct eureka *e)
{
	struct eu_registry *reg = NULL;
	struct esra_err err;

	if (eureka_fetch(e, &reg, NULL, &err) != ESRA_OK)
		tu_fail("eureka_fetch over TLS: %s", err.msg);
	assert_int_equal(reg->n_inst, 1);
	model_reg_free(reg);
	pthread_mutex_lock(&s->mu);
	/* the request, credentials included, went to the verified peer */
	assert_string_equal(s->user, USER);
	assert_string_equal(s->pass, PASSWORD);
	pthread_mutex_unlock(&s->mu);
}

/* ---------------------------------------------------------------- tests */

static void test_tls_self_signed_for_another_name_is_refused_before_any_request(void **state)
{
	struct srv *s = srv_start("other", NULL, false);
	struct eureka *e;

	(void)state;
	/* the system CA store does not know it */
	e = client(s, true, NULL, NULL, NULL);
	refused_before_any_request(s, e, true,
	                           "TLS: the server's certificate is not trusted: "
	                           "SSL certificate problem: self-signed certificate");
	eureka_free(e);
	/* trusted as a CA, it is still a certificate for another name */
	e = client(s, true, "other.pem", NULL, NULL);
	refused_before_any_request(s, e, true,
	                           "TLS: the server's certificate is not trusted: SSL: no "
	                           "alternative certificate subject name matches target host "
	                           "name '127.0.0.1'");
	eureka_free(e);
	srv_stop(s);
}

static void test_tls_ca_file_accepts_what_the_system_store_refuses(void **state)
{
	struct srv *s = srv_start("server", NULL, false);
	struct eureka *e;

	(void)state;
	e = client(s, true, NULL, NULL, NULL);
	refused_before_any_request(s, e, true,
	                           "SSL certificate problem: unable to get local issuer");
	eureka_free(e);
	e = client(s, true, "ca.pem", NULL, NULL);
	accepted(s, e);
	eureka_free(e);
	srv_stop(s);
}

static void test_tls_mutual_needs_the_client_certificate(void **state)
{
	struct srv *s = srv_start("server", "ca.pem", true);
	struct eu_registry *reg = NULL;
	struct esra_err err;
	struct eureka *e;

	(void)state;
	/* without a client certificate the server refuses */
	e = client(s, true, "ca.pem", NULL, NULL);
	assert_int_equal(eureka_fetch(e, &reg, NULL, &err), ESRA_EHTTP);
	assert_null(reg);
	expect_msg(&err, "HTTP 400 for GET apps: No required SSL certificate was sent");
	assert_false(s->client_verified);
	eureka_free(e);
	/* with it, it answers */
	e = client(s, true, "ca.pem", "client.pem", "client.key");
	accepted(s, e);
	assert_true(s->client_verified);
	eureka_free(e);
	/* a certificate with somebody else's key cannot be used: said before anything is sent */
	e = client(s, true, "ca.pem", "client.pem", "server.key");
	refused_before_any_request(s, e, false, "TLS: the client certificate cannot be used: ");
	eureka_free(e);
	srv_stop(s);
}

/* fd 2 into a file while f runs; the file's text is returned (caller frees). */
static char *capture_stderr(void (*f)(void *), void *ud)
{
	char path[] = "/tmp/esra-eu-tls-log-XXXXXX";
	int fd = mkstemp(path), saved;
	char *text;
	FILE *in;
	long n;

	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fd, 2) >= 0);
	f(ud);
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	close(fd);
	in = fopen(path, "rb");
	assert_non_null(in);
	assert_int_equal(fseek(in, 0, SEEK_END), 0);
	n = ftell(in);
	assert_int_equal(fseek(in, 0, SEEK_SET), 0);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, in), (size_t)n);
	fclose(in);
	unlink(path);
	return text;
}

struct one_cycle {
	const struct esra_config *cfg;
	struct report rep;
};

static void run_cycle(void *ud)
{
	struct one_cycle *oc = ud;
	struct esra_err err;
	struct cycle *c = cycle_new(oc->cfg, NULL, &err);

	if (c == NULL)
		tu_fail("cycle_new: %s", err.msg);
	assert_int_equal(report_init(&oc->rep, "check"), ESRA_OK);
	assert_int_equal(cycle_check(c, NULL, &oc->rep, &err), ESRA_OK);
	cycle_free(c);
}

/* A whole `esra check` cycle against the self-signed server for another name (Docker is not
 * there, which is its own source_error): verified, Eureka is a source_error naming the
 * reason; with tls_verify = false it is read, and the text report, the JSON report and the
 * log each carry the warning. No credential anywhere. */
static void test_tls_verify_false_reads_and_warns_everywhere(void **state)
{
	struct srv *s = srv_start("other", NULL, false);
	const char *env[] = {NULL};
	char text[1024];
	struct esra_config cfg;
	struct esra_err err;
	struct one_cycle oc;
	struct buf out;
	char *log;
	int conns, reqs;

	(void)state;
	log_setup(ESRA_LOG_WARN, false);
	for (int off = 0; off < 2; off++) {
		snprintf(
		    text, sizeof(text),
		    "eureka = { urls = [ \"https://" USER ":" PASSWORD
		    "@127.0.0.1:%u/eureka/\" ]; tls_verify = %s; };\n"
		    "docker = { host = \"unix://%s/no-docker.sock\"; timeout_ms = 500; };\n"
		    "dns = { server = \"127.0.0.1\"; port = 9; timeout_ms = 100; attempts = 1; "
		    "};\n",
		    s->port, off ? "false" : "true", pki);
		if (cfg_load_string(&cfg, text, "t.conf", env, NULL, &err) != ESRA_OK)
			tu_fail("config: %s", err.msg);
		oc.cfg = &cfg;
		log = capture_stderr(run_cycle, &oc);
		buf_init(&out, 0);
		assert_int_equal(report_text(&oc.rep, &out), ESRA_OK);
		assert_int_equal(report_json(&oc.rep, &out), ESRA_OK);
		no_credentials(out.data);
		no_credentials(log);
		srv_counts(s, &conns, &reqs);
		if (!off) {
			const struct finding *f = NULL;
			assert_false(oc.rep.eureka.ok);
			assert_int_equal(reqs, 0);
			for (size_t i = 0; i < oc.rep.findings.n; i++)
				if (oc.rep.findings.v[i].kind == FK_SOURCE_ERROR &&
				    strcmp(oc.rep.findings.v[i].source, "eureka") == 0)
					f = &oc.rep.findings.v[i];
			if (f == NULL)
				tu_fail("no source_error for eureka");
			assert_non_null(strstr(f->message, "TLS: the server's certificate is not "
			                                   "trusted: SSL certificate problem: "
			                                   "self-signed certificate"));
			assert_int_equal(oc.rep.n_warnings, 0);
			assert_null(strstr(out.data, "tls_verify"));
			assert_null(strstr(log, "tls_verify"));
			assert_non_null(strstr(out.data, "\"warnings\":\t[]"));
		} else {
			assert_true(oc.rep.eureka.ok);
			assert_int_equal(oc.rep.eureka.count_b, 1);
			assert_int_equal(reqs, 1);
			assert_int_equal(oc.rep.n_warnings, 1);
			assert_non_null(
			    strstr(out.data, "\nwarning: eureka.tls_verify is false: the "));
			assert_non_null(strstr(out.data,
			                       "\"warnings\":\t[\"eureka.tls_verify is false: "
			                       "the Eureka servers' certificates are not "
			                       "verified"));
			assert_non_null(strstr(log,
			                       "eureka.tls_verify is false: the Eureka servers' "
			                       "certificates are not verified"));
		}
		free(log);
		buf_free(&out);
		report_free(&oc.rep);
		cfg_free(&cfg);
	}
	srv_stop(s);
}

static int setup(void **state)
{
	(void)state;
	/* no skipping: scripts/deps.sh installs openssl, and Debian's libmicrohttpd has TLS */
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		print_error("libmicrohttpd is built without TLS\n");
		return -1;
	}
	if (mkdtemp(pki) == NULL || make_pki(pki) != 0) {
		print_error("cannot make test certificates in %s (is openssl installed?)\n", pki);
		return -1;
	}
	return http_global_init();
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	http_global_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pki);
	return sh(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls_self_signed_for_another_name_is_refused_before_any_request),
	    cmocka_unit_test(test_tls_ca_file_accepts_what_the_system_store_refuses),
	    cmocka_unit_test(test_tls_mutual_needs_the_client_certificate),
	    cmocka_unit_test(test_tls_verify_false_reads_and_warns_everywhere),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
