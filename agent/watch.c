/* watch.c: `esra watch`: runs the check cycle forever and serves /metrics, /healthz and
 * /status with libmicrohttpd. Signal handlers only set flags: SIGHUP reloads the config,
 * SIGTERM/SIGINT stop within a second, mid-cycle too: the cycle gets the stop flag (its reads,
 * DNS and writes look at it) and returns ESRA_ESTOPPED. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "cfg.h"
#include "cycle.h"
#include "log.h"

#define EXIT_UNKNOWN 3

static volatile sig_atomic_t stop_flag, reload_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_flag = 1;
}

/* What the HTTP thread serves; replaced after every cycle under the lock. */
struct served {
	pthread_mutex_t lock;
	char *status_json; /* last report, NULL before the first cycle */
	char *metrics;
	int64_t last_cycle_ms; /* monotonic end of the last cycle */
	long interval_s;
};

static const char usage_watch[] =
    "usage: esra watch [-c FILE] [--interval SECONDS] [--listen ADDR:PORT]\n"
    "\n"
    "Runs a check every interval and serves GET /metrics (Prometheus), /healthz and\n"
    "/status (the last report as JSON). Acts only on findings confirmed in\n"
    "policy.confirm_cycles consecutive cycles and, with policy.leader_only, only on the\n"
    "swarm leader. SIGHUP reloads the configuration; SIGTERM or SIGINT stop.\n"
    "As a task of a global service, the leader reads every peer's /status (found as\n"
    "tasks.SERVICE in DNS, on this port) and reports the cluster view.\n"
    "\n"
    "  -c, --config FILE        configuration (default /etc/esra/esra.conf if it exists)\n"
    "  -i, --interval SECONDS   overrides watch.interval_seconds\n"
    "  -l, --listen ADDR:PORT   overrides watch.listen (\"\" = no HTTP endpoint)\n"
    "  -h, --help               this help\n";

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
	struct served *s = cls;
	struct MHD_Response *resp;
	const char *type = "text/plain; charset=utf-8";
	char *body = NULL;
	unsigned code = MHD_HTTP_OK;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		body = strdup("method not allowed\n");
	} else {
		pthread_mutex_lock(&s->lock);
		if (strcmp(url, "/metrics") == 0) {
			type = "text/plain; version=0.0.4; charset=utf-8";
			body = strdup(s->metrics != NULL ? s->metrics : "");
		} else if (strcmp(url, "/status") == 0) {
			type = "application/json";
			if (s->status_json == NULL) {
				code = MHD_HTTP_SERVICE_UNAVAILABLE;
				body = strdup("{\"status\":\"starting\"}\n");
			} else {
				body = strdup(s->status_json);
			}
		} else if (strcmp(url, "/healthz") == 0) {
			/* healthy while cycles keep completing */
			int64_t age = esra_mono_ms() - s->last_cycle_ms;
			bool ok = s->last_cycle_ms > 0 && age < 3 * s->interval_s * 1000 + 30000;
			code = ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
			body =
			    strdup(ok ? "ok\n" : (s->last_cycle_ms ? "stalled\n" : "starting\n"));
		} else {
			code = MHD_HTTP_NOT_FOUND;
			body = strdup("not found: try /metrics, /status or /healthz\n");
		}
		pthread_mutex_unlock(&s->lock);
	}
	if (body == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	ret = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static struct MHD_Daemon *start_http(const char *listen, struct served *s)
{
	struct sockaddr_in sa;
	const char *colon = strrchr(listen, ':');
	char host[64];
	long port;

	if (listen[0] == '\0')
		return NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	port = colon != NULL ? strtol(colon + 1, NULL, 10) : -1;
	snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - listen) : 0, listen);
	if (port < 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		log_error("watch.listen \"%s\": need IPv4ADDR:PORT", listen);
		return NULL;
	}
	sa.sin_port = htons((uint16_t)port);
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL, answer,
	                        s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_END);
}

/* Sleep until the deadline or a signal flag, waking every 100 ms. */
static void nap_until(int64_t deadline)
{
	while (!stop_flag && !reload_flag && esra_mono_ms() < deadline) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* What the command line says. */
struct watch_args {
	const char *path;   /* -c FILE, NULL = the default */
	const char *listen; /* --listen, NULL = watch.listen */
	long interval;      /* --interval, 0 = watch.interval_seconds */
};

/* -1 when watch should run, else the exit code (help, or a usage error). */
static int parse_args(int argc, char **argv, struct watch_args *a)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"interval", required_argument, NULL, 'i'},
	                                     {"listen", required_argument, NULL, 'l'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	char *end;
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = getopt_long(argc, argv, "c:i:l:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->path = optarg;
			break;
		case 'i':
			a->interval = strtol(optarg, &end, 10);
			if (*end != '\0' || a->interval < 1 || a->interval > 86400) {
				fprintf(stderr, "esra watch: bad --interval \"%s\"\n", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case 'l':
			a->listen = optarg;
			break;
		case 'h':
			fputs(usage_watch, stdout);
			return 0;
		default:
			fputs(usage_watch, stderr);
			return EXIT_UNKNOWN;
		}
	}
	if (optind != argc) {
		fputs(usage_watch, stderr);
		return EXIT_UNKNOWN;
	}
	return -1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The report becomes what /status and /metrics serve. */
static void publish(struct served *s, const struct report *rep, struct report_counters *counters)
{
	struct buf js, prom;

	buf_init(&js, 0);
	buf_init(&prom, 0);
	report_count_actions(rep, counters);
	if (report_json(rep, &js) == 0 && report_prometheus(rep, counters, &prom) == 0) {
		pthread_mutex_lock(&s->lock);
		free(s->status_json);
		free(s->metrics);
		s->status_json = buf_take(&js, NULL);
		s->metrics = buf_take(&prom, NULL);
		s->last_cycle_ms = esra_mono_ms();
		pthread_mutex_unlock(&s->lock);
	}
	buf_free(&js);
	buf_free(&prom);
}

/* One cycle, published and logged; -1 when esra cannot go on (no memory for a report). */
static int run_one(struct cycle *cyc, const char *listen, struct served *s,
                   struct report_counters *counters)
{
	struct report rep;
	struct cycle_opts co;
	struct esra_err err;
	int rc;

	memset(&co, 0, sizeof(co));
	co.watch = true;
	/* the leader of a global service reads its peers, which serve where it does */
	co.cluster_port = agent_listen_port(listen);
	co.cluster = co.cluster_port > 0 ? CYCLE_CLUSTER_WATCH : CYCLE_CLUSTER_OFF;
	if (report_init(&rep, "watch") != 0)
		return -1;
	rc = cycle_check(cyc, &co, &rep, &err);
	if (rc == ESRA_ESTOPPED) {
		log_info("cycle stopped: a stop signal arrived mid-cycle");
	} else if (rc != ESRA_OK) {
		log_error("cycle failed: %s", err.msg);
	} else {
		publish(s, &rep, counters);
		log_info("cycle: %s, %zu findings, %zu actions, %.2fs",
		         finding_severity_name(rep.status), rep.findings.n, rep.n_actions,
		         rep.duration_s);
	}
	report_free(&rep);
	return 0;
}

/* Run cycles with cfg until a signal (0) or a failure (EXIT_UNKNOWN); the HTTP endpoint is
 * started on the first pass and kept across reloads. */
static int run_config(const struct esra_config *cfg, const struct watch_args *a, struct served *s,
                      struct MHD_Daemon **httpd, struct report_counters *counters)
{
	const char *listen = a->listen != NULL ? a->listen : cfg->watch.listen;
	long interval = a->interval > 0 ? a->interval : cfg->watch.interval_seconds;
	struct cycle *cyc;
	struct esra_err err;
	int code = 0;

	agent_setup_logging(cfg);
	s->interval_s = interval;
	if (*httpd == NULL && listen[0] != '\0') {
		*httpd = start_http(listen, s);
		if (*httpd == NULL) {
			log_error("cannot listen on %s", listen);
			return EXIT_UNKNOWN;
		}
		log_info("serving /metrics, /healthz and /status on %s", listen);
	}
	if ((cyc = cycle_new(cfg, &stop_flag, &err)) == NULL) {
		log_error("%s", err.msg);
		return EXIT_UNKNOWN;
	}
	while (!stop_flag && !reload_flag) {
		int64_t start = esra_mono_ms();
		if (run_one(cyc, listen, s, counters) != 0) {
			code = EXIT_UNKNOWN;
			stop_flag = 1;
			break;
		}
		nap_until(start + interval * 1000);
	}
	cycle_free(cyc);
	return code;
}

/* SIGHUP: the file again; a broken one keeps the running configuration. */
static void reload(const char *path, struct esra_config *cfg)
{
	struct esra_config fresh;
	struct esra_err err;

	reload_flag = 0;
	if (agent_load_config(path, &fresh, true, &err) == ESRA_OK) {
		cfg_free(cfg);
		*cfg = fresh;
		log_info("configuration reloaded");
	} else {
		log_warnx("keeping the previous configuration");
	}
}

int agent_watch(int argc, char **argv)
{
	struct watch_args a;
	struct esra_config cfg;
	struct MHD_Daemon *httpd = NULL;
	struct served s;
	struct report_counters counters;
	struct esra_err err;
	int code;

	if ((code = parse_args(argc, argv, &a)) >= 0)
		return code;
	a.path = agent_config_path(a.path);
	if (agent_load_config(a.path, &cfg, false, &err) != ESRA_OK)
		return EXIT_UNKNOWN;
	install_signals();
	memset(&s, 0, sizeof(s));
	memset(&counters, 0, sizeof(counters));
	pthread_mutex_init(&s.lock, NULL);
	for (;;) {
		code = run_config(&cfg, &a, &s, &httpd, &counters);
		if (code != 0 || stop_flag)
			break;
		reload(a.path, &cfg);
	}
	if (httpd != NULL)
		MHD_stop_daemon(httpd);
	free(s.status_json);
	free(s.metrics);
	pthread_mutex_destroy(&s.lock);
	cfg_free(&cfg);
	log_info("stopped");
	return code;
}
