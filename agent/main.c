/* main.c: the esra executable: parses argv, loads the config, runs a command from the
 * library and prints its report. The only place that knows about argv, output streams and
 * exit codes (0 ok, 1 warning, 2 critical, 3 unknown: the monitoring-plugins convention). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "buf.h"
#include "cfg.h"
#include "cycle.h"
#include "explain.h"
#include "http.h"
#include "log.h"
#include "report.h"

#define EXIT_UNKNOWN 3

static const char usage_main[] =
    "usage: esra <command> [options]\n"
    "\n"
    "Eureka/Swarm reconciliation agent: compares the Eureka registry, the Docker swarm and\n"
    "swarm DNS, reports poisoned names, stale registrations, orphaned endpoints and replica\n"
    "drift, and cleans stale instances within strict safety limits.\n"
    "\n"
    "commands:\n"
    "  check      one check cycle, report, exit (cron, CI, monitoring plugins)\n"
    "  watch      check forever; serve /metrics, /healthz and /status\n"
    "  preflight  before a release: is each NAME safe to deploy?\n"
    "  explain    what esra knows about an ADDRESS or a NAME: owners now and before\n"
    "  config     check | show the configuration\n"
    "  health     ask the local esra watch's /healthz: exit 0 healthy, 1 not\n"
    "  version    print the version\n"
    "\n"
    "Run `esra <command> --help` for a command's options. Exit codes: 0 ok, 1 warning,\n"
    "2 critical, 3 unknown (a source failed, bad config, bad usage).\n";

static const char usage_check[] =
    "usage: esra check [-c FILE] [--format text|json|prometheus] [--output FILE]\n"
    "                  [--apply | --plan] [--service NAME]... [--cluster]\n"
    "\n"
    "  -c, --config FILE   configuration (default " AGENT_DEFAULT_CONFIG " if it exists)\n"
    "  -f, --format FMT    text (default), json or prometheus\n"
    "  -o, --output FILE   write the report to FILE atomically (temp file + rename)\n"
    "      --apply         act on findings (within policy limits) even in mode \"report\"\n"
    "      --plan          list every action --apply would take, with the rule that\n"
    "                      refuses each; write nothing (wins over --apply)\n"
    "  -s, --service NAME  only report on this service (repeatable)\n"
    "      --cluster       on a manager: also read every node's esra of the global service\n"
    "                      (its tasks, /status on the port of watch.listen) and compare\n"
    "                      the nodes' DNS answers; without one, this node only\n"
    "  -h, --help          this help\n";

static const char usage_preflight[] =
    "usage: esra preflight [-c FILE] [--format text|json] NAME...\n"
    "\n"
    "Exit 0 when every NAME is free (or held cleanly by its own service), 2 when one is\n"
    "poisoned or taken (a clean name is proposed), 3 when it cannot be told.\n"
    "\n"
    "  -c, --config FILE   configuration (default " AGENT_DEFAULT_CONFIG " if it exists)\n"
    "  -f, --format FMT    text (default) or json\n"
    "  -h, --help          this help\n";

static const char usage_explain[] =
    "usage: esra explain [-c FILE] [--format text|json] [--cluster] ADDRESS|NAME...\n"
    "\n"
    "Everything esra knows about an address or a name: who holds it now, who held it\n"
    "before (Docker's task history and esra's memory, with times and the source of each\n"
    "fact), which names resolve to it, which Eureka instances use it, which findings name\n"
    "it. Never acts and writes nothing. Exit 0 when every subject is clean, 2 when one is\n"
    "part of a finding, 3 when a source failed.\n"
    "\n"
    "  -c, --config FILE   configuration (default " AGENT_DEFAULT_CONFIG " if it exists)\n"
    "  -f, --format FMT    text (default) or json\n"
    "      --cluster       on a manager: also read every node's esra of the global service\n"
    "  -h, --help          this help\n";

static const char usage_config[] =
    "usage: esra config check [-c FILE]   validate, exit 0 or 3\n"
    "       esra config show  [-c FILE]   print the effective configuration\n";

/* A report that says only "this could not run" (bad config): status unknown. */
static int report_failure(const char *command, const char *source, const char *msg,
                          const char *format, const char *output)
{
	struct report rep;
	struct finding *f;
	struct buf out;

	if (report_init(&rep, command) != 0)
		return EXIT_UNKNOWN;
	rep.generated_ms = esra_now_ms();
	f = finding_add(&rep.findings, FK_SOURCE_ERROR);
	if (f != NULL) {
		f->source = source;
		f->variant = SRC_CONFIG;
		f->words[0] = msg;
		if (finding_texts(f, &rep.findings) != ESRA_OK)
			f->message = f->remedy = NULL;
	}
	report_finish(&rep);
	buf_init(&out, 0);
	if (agent_render(&rep, format, &out) == 0)
		(void)agent_write_output(output, &out);
	buf_free(&out);
	report_free(&rep);
	return EXIT_UNKNOWN;
}

static bool format_ok(const char *f, bool prometheus)
{
	return strcmp(f, "text") == 0 || strcmp(f, "json") == 0 ||
	       (prometheus && strcmp(f, "prometheus") == 0);
}

/* One cycle (check, or preflight when names are given) with the loaded config: render the
 * report in format to output and return the exit code. */
static int run_cycle(const struct esra_config *cfg, const char *command,
                     const struct cycle_opts *co, const char *const *names, size_t n_names,
                     const char *format, const char *output)
{
	struct esra_err err;
	struct cycle *cyc;
	struct report rep;
	struct buf out;
	int code = EXIT_UNKNOWN, rc;

	if ((cyc = cycle_new(cfg, NULL, &err)) == NULL) {
		log_error("%s", err.msg);
		return EXIT_UNKNOWN;
	}
	if (report_init(&rep, command) != 0) {
		cycle_free(cyc);
		return EXIT_UNKNOWN;
	}
	rc = names != NULL ? cycle_preflight(cyc, names, n_names, &rep, &err)
	                   : cycle_check(cyc, co, &rep, &err);
	if (rc != ESRA_OK) {
		log_error("%s failed: %s", command, err.msg);
	} else {
		buf_init(&out, 0);
		code = finding_exit_code(rep.status);
		if (agent_render(&rep, format, &out) != 0 || agent_write_output(output, &out) != 0)
			code = EXIT_UNKNOWN;
		buf_free(&out);
	}
	report_free(&rep);
	cycle_free(cyc);
	return code;
}

/* Where the global service's peers serve /status: the port of watch.listen, 9477 when
 * watch.listen names none. */
static int peer_port(const struct esra_config *cfg)
{
	int port = agent_listen_port(cfg->watch.listen);

	return port != 0 ? port : 9477;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"apply", no_argument, NULL, 'a'},
	                                     {"plan", no_argument, NULL, 'p'},
	                                     {"service", required_argument, NULL, 's'},
	                                     {"cluster", no_argument, NULL, 'C'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *path = NULL, *format = "text", *output = NULL;
	const char **services = calloc((size_t)argc + 1, sizeof(char *));
	struct cycle_opts co;
	struct esra_config cfg;
	struct esra_err err;
	int ch, code = EXIT_UNKNOWN;
	size_t n_services = 0;

	if (services == NULL)
		return EXIT_UNKNOWN;
	memset(&co, 0, sizeof(co));
	while ((ch = getopt_long(argc, argv, "c:f:o:s:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'a':
			co.apply = true;
			break;
		case 'p':
			co.plan = true;
			break;
		case 's':
			services[n_services++] = optarg;
			break;
		case 'C':
			co.cluster = CYCLE_CLUSTER_CHECK;
			break;
		case 'h':
			fputs(usage_check, stdout);
			free(services);
			return 0;
		default:
			fputs(usage_check, stderr);
			free(services);
			return EXIT_UNKNOWN;
		}
	}
	if (optind != argc || !format_ok(format, true)) {
		fprintf(stderr, "esra check: %s\n%s",
		        optind != argc ? "unexpected argument" : "bad --format", usage_check);
		free(services);
		return EXIT_UNKNOWN;
	}
	co.services = services;
	co.n_services = n_services;
	path = agent_config_path(path);
	if (agent_load_config(path, &cfg, false, &err) != ESRA_OK) {
		free(services);
		return report_failure("check", "config", err.msg, format, output);
	}
	agent_setup_logging(&cfg);
	/* the peers serve /status where watch.listen says (the stack file's port otherwise) */
	co.cluster_port = peer_port(&cfg);
	code = run_cycle(&cfg, "check", &co, NULL, 0, format, output);
	cfg_free(&cfg);
	free(services);
	return code;
}

static int cmd_preflight(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *path = NULL, *format = "text";
	struct esra_config cfg;
	struct esra_err err;
	int ch, code = EXIT_UNKNOWN;

	while ((ch = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			fputs(usage_preflight, stdout);
			return 0;
		default:
			fputs(usage_preflight, stderr);
			return EXIT_UNKNOWN;
		}
	}
	if (optind == argc || !format_ok(format, false)) {
		fprintf(stderr, "esra preflight: %s\n%s",
		        optind == argc ? "no NAME given" : "bad --format", usage_preflight);
		return EXIT_UNKNOWN;
	}
	for (int i = optind; i < argc; i++)
		if (argv[i][0] == '\0' || strlen(argv[i]) > 200) {
			fprintf(stderr, "esra preflight: bad name \"%s\"\n", argv[i]);
			return EXIT_UNKNOWN;
		}
	path = agent_config_path(path);
	if (agent_load_config(path, &cfg, false, &err) != ESRA_OK)
		return report_failure("preflight", "config", err.msg, format, NULL);
	agent_setup_logging(&cfg);
	code = run_cycle(&cfg, "preflight", NULL, (const char *const *)argv + optind,
	                 (size_t)(argc - optind), format, NULL);
	cfg_free(&cfg);
	return code;
}

struct explain_run {
	const char *const *subjects;
	size_t n;
	struct buf *text;
	cJSON *json;
	bool in_finding;
};

static int explain_inspect(void *ud, const struct cycle_look *look, struct report *rep)
{
	struct explain_run *x = ud;

	for (size_t i = 0; i < x->n; i++) {
		bool hit = false;
		int rc;
		if (x->text != NULL && i > 0 && buf_puts(x->text, "\n") != 0)
			return ESRA_ENOMEM;
		if ((rc = explain_subject(look, rep, x->subjects[i], x->text, x->json, &hit)) != 0)
			return rc;
		x->in_finding |= hit;
	}
	return ESRA_OK;
}

/* The sources' state first: a subject judged on a partial view says so. */
static int explain_sources(const struct report *rep, struct buf *t, cJSON *j)
{
	const struct {
		const char *name;
		const struct report_source *s;
	} src[] = {{"eureka", &rep->eureka}, {"docker", &rep->docker}, {"dns", &rep->dns}};
	cJSON *o = j != NULL ? cJSON_AddObjectToObject(j, "sources") : NULL;
	int rc = 0;

	for (size_t i = 0; i < 3 && rc == 0; i++) {
		bool ok = src[i].s->attempted && src[i].s->ok;
		cJSON *e = o != NULL ? cJSON_AddObjectToObject(o, src[i].name) : NULL;
		if (e != NULL) {
			cJSON_AddBoolToObject(e, "ok", ok);
			if (!ok)
				cJSON_AddStringToObject(e, "error", src[i].s->error);
		}
		if (t != NULL && !ok)
			rc = buf_printf(t, "%s: FAILED: %s\n", src[i].name, src[i].s->error);
	}
	for (size_t i = 0; i < rep->n_warnings && rc == 0 && t != NULL; i++)
		rc = buf_printf(t, "warning: %s\n", rep->warnings[i]);
	return rc;
}

static int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"cluster", no_argument, NULL, 'C'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *path = NULL, *format = "text";
	const char **extra = NULL;
	struct explain_run x;
	struct cycle_opts co;
	struct esra_config cfg;
	struct esra_err err;
	struct cycle *cyc = NULL;
	struct report rep;
	struct buf text, out;
	cJSON *doc = NULL;
	bool cluster = false, rep_ok = false;
	int ch, code = EXIT_UNKNOWN;
	size_t n;

	while ((ch = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'C':
			cluster = true;
			break;
		case 'h':
			fputs(usage_explain, stdout);
			return 0;
		default:
			fputs(usage_explain, stderr);
			return EXIT_UNKNOWN;
		}
	}
	if (optind == argc || !format_ok(format, false)) {
		fprintf(stderr, "esra explain: %s\n%s",
		        optind == argc ? "no ADDRESS or NAME given" : "bad --format",
		        usage_explain);
		return EXIT_UNKNOWN;
	}
	n = (size_t)(argc - optind);
	for (int i = optind; i < argc; i++)
		if (argv[i][0] == '\0' || strlen(argv[i]) > 200) {
			fprintf(stderr, "esra explain: bad subject \"%s\"\n", argv[i]);
			return EXIT_UNKNOWN;
		}
	path = agent_config_path(path);
	if (agent_load_config(path, &cfg, false, &err) != ESRA_OK)
		return report_failure("explain", "config", err.msg, format, NULL);
	agent_setup_logging(&cfg);
	buf_init(&text, 0);
	buf_init(&out, 0);
	memset(&x, 0, sizeof(x));
	memset(&co, 0, sizeof(co));
	/* a name is asked of DNS as itself and as tasks.NAME */
	if ((extra = calloc(2 * n + 1, sizeof(*extra))) == NULL)
		goto done;
	co.n_extra = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = argv[optind + (int)i];
		char *t;
		ip4_t ip;
		int prefix;
		if (ip4_parse(s, strlen(s), &ip, &prefix) == ESRA_OK)
			continue;
		extra[co.n_extra++] = s;
		if ((t = malloc(strlen(s) + 7)) == NULL)
			goto done;
		sprintf(t, "tasks.%s", s);
		extra[co.n_extra++] = t;
	}
	co.extra_names = extra;
	co.read_only = true;
	co.inspect = explain_inspect;
	co.inspect_ud = &x;
	if (cluster) {
		co.cluster = CYCLE_CLUSTER_CHECK;
		co.cluster_port = peer_port(&cfg);
	}
	x.subjects = (const char *const *)argv + optind;
	x.n = n;
	if (strcmp(format, "json") == 0) {
		if ((doc = cJSON_CreateObject()) == NULL ||
		    (x.json = cJSON_AddArrayToObject(doc, "subjects")) == NULL)
			goto done;
	} else {
		x.text = &text;
	}
	if ((cyc = cycle_new(&cfg, NULL, &err)) == NULL) {
		log_error("%s", err.msg);
		goto done;
	}
	if (report_init(&rep, "explain") != 0)
		goto done;
	rep_ok = true;
	if (cycle_check(cyc, &co, &rep, &err) != ESRA_OK) {
		log_error("explain failed: %s", err.msg);
		goto done;
	}
	if (!rep.eureka.ok || !rep.docker.ok || !rep.dns.ok)
		code = EXIT_UNKNOWN;
	else
		code = x.in_finding ? 2 : 0;
	if (doc != NULL) {
		char *s;
		if (explain_sources(&rep, NULL, doc) != 0 ||
		    (s = cJSON_PrintUnformatted(doc)) == NULL) {
			code = EXIT_UNKNOWN;
			goto done;
		}
		if (buf_puts(&out, s) != 0 || buf_puts(&out, "\n") != 0)
			code = EXIT_UNKNOWN;
		free(s);
	} else if (explain_sources(&rep, &out, NULL) != 0 ||
	           (text.len > 0 && buf_append(&out, text.data, text.len) != 0)) {
		code = EXIT_UNKNOWN;
	}
	if (agent_write_output(NULL, &out) != 0)
		code = EXIT_UNKNOWN;
done:
	if (rep_ok)
		report_free(&rep);
	cycle_free(cyc);
	cJSON_Delete(doc);
	for (size_t i = 1; extra != NULL && i < co.n_extra; i += 2)
		free((char *)extra[i]);
	free(extra);
	buf_free(&text);
	buf_free(&out);
	cfg_free(&cfg);
	return code;
}

static int cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *path = NULL, *sub;
	struct esra_config cfg;
	struct esra_err err;
	struct buf out;
	int ch, code = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_config, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_UNKNOWN : 0;
	}
	sub = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			fputs(usage_config, stdout);
			return 0;
		default:
			fputs(usage_config, stderr);
			return EXIT_UNKNOWN;
		}
	}
	if (optind != argc || (strcmp(sub, "check") != 0 && strcmp(sub, "show") != 0)) {
		fputs(usage_config, stderr);
		return EXIT_UNKNOWN;
	}
	path = agent_config_path(path);
	if (agent_load_config(path, &cfg, false, &err) != ESRA_OK)
		return EXIT_UNKNOWN;
	if (strcmp(sub, "check") == 0) {
		printf("esra: %s: configuration ok\n", path != NULL ? path : "(defaults)");
	} else {
		buf_init(&out, 0);
		if (cfg_dump(&cfg, &out) != 0 || agent_write_output(NULL, &out) != 0)
			code = EXIT_UNKNOWN;
		buf_free(&out);
	}
	cfg_free(&cfg);
	return code;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int code;

	if (cmd == NULL) {
		fputs(usage_main, stderr);
		return EXIT_UNKNOWN;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("esra %s\n", ESRA_VERSION);
		return 0;
	}
	if (http_global_init() != ESRA_OK) {
		fputs("esra: cannot initialise libcurl\n", stderr);
		return EXIT_UNKNOWN;
	}
	if (strcmp(cmd, "check") == 0)
		code = cmd_check(argc - 1, argv + 1);
	else if (strcmp(cmd, "preflight") == 0)
		code = cmd_preflight(argc - 1, argv + 1);
	else if (strcmp(cmd, "explain") == 0)
		code = cmd_explain(argc - 1, argv + 1);
	else if (strcmp(cmd, "watch") == 0)
		code = agent_watch(argc - 1, argv + 1);
	else if (strcmp(cmd, "config") == 0)
		code = cmd_config(argc - 1, argv + 1);
	else if (strcmp(cmd, "health") == 0)
		code = agent_health(argc - 1, argv + 1);
	else {
		fprintf(stderr, "esra: unknown command \"%s\"\n%s", cmd, usage_main);
		code = EXIT_UNKNOWN;
	}
	http_global_cleanup();
	return code;
}
