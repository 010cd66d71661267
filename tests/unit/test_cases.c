/* test_cases.c: the data-driven tests. Each folder tests/data/recon/NAME is one reconcile
 * case, made of files only (tests/data/README.md says what each holds): the three views as
 * captured payloads (the docker/ payloads as the Engine API answered, eureka.json or eureka.xml as
 * GET apps answered, dns.txt as swarm DNS answered), optional esra.conf, the moment of the
 * check (now), and what must come out: findings.txt (kind and key of every finding, in
 * order), report.txt and report.json (the golden reports). Adding a case is adding a folder.
 * ESRA_UPDATE_GOLDEN=1 writes the expected files from what esra produces (then review the
 * diff). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cfg.h"
#include "docker_parse.h"
#include "eureka_parse.h"
#include "finding.h"
#include "model.h"
#include "recon.h"
#include "report.h"
#include "testutil.h"

static const char *data_dir(void)
{
	const char *d = getenv("ESRA_DATA");

	return d != NULL ? d : ESRA_DATA;
}

/* The file at dir/name (NUL-terminated, caller frees), NULL when there is none. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return tu_read_file(path, len);
}

typedef int (*payload_fn)(struct sw_view *, const char *, size_t, struct esra_err *);

/* docker/<name> into v when the file is there; whether it was. */
static bool docker_file(const char *dir, const char *name, payload_fn fn, struct sw_view *v)
{
	char sub[4096];
	struct esra_err err;
	size_t len;
	char *data;

	snprintf(sub, sizeof(sub), "docker/%s", name);
	if ((data = slurp(dir, sub, &len)) == NULL)
		return false;
	if (fn(v, data, len, &err) != ESRA_OK)
		tu_fail("%s/%s: %s", dir, sub, err.msg);
	free(data);
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The swarm as this node's daemon answered: info, nodes, services, tasks (absent on a
 * worker), networks, each network-*.json (verbose inspect) in name order, containers. */
static struct sw_view *docker_view(const char *dir)
{
	struct sw_view *v = model_sw_new();
	struct esra_err err;
	char path[4096];
	char *names[64];
	size_t n = 0;
	DIR *d;
	struct dirent *e;

	assert_non_null(v);
	if (!docker_file(dir, "info.json", docker_parse_info, v))
		tu_fail("%s: docker/info.json is missing", dir);
	if (!docker_file(dir, "nodes.json", docker_parse_nodes, v)) {
		v->worker_view = true; /* a worker: no manager-only payloads */
		v->self.manager = v->self.leader = false;
	}
	docker_file(dir, "services.json", docker_parse_services, v);
	docker_file(dir, "tasks.json", docker_parse_tasks, v);
	docker_file(dir, "networks.json", docker_parse_networks, v);
	snprintf(path, sizeof(path), "%s/docker", dir);
	if ((d = opendir(path)) == NULL)
		tu_fail("%s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL && n < 64)
		if (strncmp(e->d_name, "network-", 8) == 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		docker_file(dir, names[i], docker_parse_network_verbose, v);
		free(names[i]);
	}
	docker_file(dir, "containers.json", docker_parse_containers, v);
	if (model_sw_link(v, &err) != ESRA_OK)
		tu_fail("%s: docker view: %s", dir, err.msg);
	return v;
}

static struct eu_registry *eureka_view(const char *dir)
{
	struct eu_registry *r = NULL;
	struct esra_err err;
	size_t len;
	char *data = slurp(dir, "eureka.json", &len);

	if (data == NULL)
		data = slurp(dir, "eureka.xml", &len);
	if (data == NULL)
		tu_fail("%s: eureka.json or eureka.xml is missing", dir);
	if (eureka_parse(data, len, &r, &err) != ESRA_OK)
		tu_fail("%s: eureka: %s", dir, err.msg);
	free(data);
	return r;
}

/* dns.txt: "NAME: IP IP ..." (no IP: an empty answer), or "NAME: !NXDOMAIN" (any rc name:
 * NXDOMAIN, NODATA, SERVFAIL, REFUSED, TIMEOUT, ERROR); '#' starts a comment line. */
static struct dns_view *dns_view(const char *dir, size_t *n_names)
{
	static const struct {
		const char *name;
		enum dns_rc rc;
	} rcs[] = {{"NXDOMAIN", DNS_RC_NXDOMAIN}, {"NODATA", DNS_RC_NODATA},
	           {"SERVFAIL", DNS_RC_SERVFAIL}, {"REFUSED", DNS_RC_REFUSED},
	           {"TIMEOUT", DNS_RC_TIMEOUT},   {"ERROR", DNS_RC_ERROR}};
	char *text = slurp(dir, "dns.txt", NULL), *save = NULL;
	struct dns_view *d;
	size_t n = 0, k = 0;

	if (text == NULL)
		tu_fail("%s: dns.txt is missing", dir);
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	d = model_dns_new(n + 1);
	assert_non_null(d);
	d->server = "127.0.0.11:53";
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *tok, *s2 = NULL;
		struct dns_answer *a;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (colon == NULL)
			tu_fail("%s/dns.txt: \"%s\" is not NAME: ANSWER", dir, line);
		a = &d->ans[k++];
		a->name = pool_strndup(d->pool, line, (size_t)(colon - line));
		a->rc = DNS_RC_OK;
		a->ttl = 600;
		a->ips = pool_alloc(d->pool, 64 * sizeof(ip4_t));
		assert_non_null(a->ips);
		for (tok = strtok_r(colon + 1, " \t", &s2); tok; tok = strtok_r(NULL, " \t", &s2)) {
			int prefix;
			if (tok[0] == '!') {
				size_t r = 0;
				while (r < sizeof(rcs) / sizeof(rcs[0]) &&
				       strcmp(rcs[r].name, tok + 1))
					r++;
				if (r == sizeof(rcs) / sizeof(rcs[0]))
					tu_fail("%s/dns.txt: unknown answer %s", dir, tok);
				a->rc = rcs[r].rc;
				a->ttl = -1;
			} else if (a->n_ips == 64 || ip4_parse(tok, (size_t)-1, &a->ips[a->n_ips],
			                                       &prefix) != ESRA_OK) {
				tu_fail("%s/dns.txt: bad address %s", dir, tok);
			} else {
				a->n_ips++;
			}
		}
		/* sorted ascending, as the resolver hands them over */
		for (size_t i = 1; i < a->n_ips; i++)
			for (size_t j = i; j > 0 && a->ips[j - 1] > a->ips[j]; j--) {
				ip4_t t = a->ips[j];
				a->ips[j] = a->ips[j - 1];
				a->ips[j - 1] = t;
			}
	}
	d->n = k;
	*n_names = k;
	free(text);
	return d;
}

/* Compare got with dir/name, or write it there under ESRA_UPDATE_GOLDEN. */
static void golden(const char *dir, const char *name, const char *got)
{
	char path[4096];
	const char *update = getenv("ESRA_UPDATE_GOLDEN");
	char *want;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (update != NULL && update[0] == '1') {
		FILE *f = fopen(path, "wb");
		if (f == NULL || fputs(got, f) < 0 || fclose(f) != 0)
			tu_fail("cannot write %s", path);
		return;
	}
	if ((want = slurp(dir, name, NULL)) == NULL)
		tu_fail("%s is missing (ESRA_UPDATE_GOLDEN=1 writes it)", path);
	if (strcmp(want, got) != 0) {
		print_error("%s differs; esra produced:\n%s\n", path, got);
		free(want);
		tu_fail("%s: not what esra produces", path);
	}
	free(want);
}

static void run_recon_case(const char *dir)
{
	struct esra_config cfg;
	struct esra_err err;
	const char *env[] = {NULL};
	char *conf = slurp(dir, "esra.conf", NULL), *now_s = slurp(dir, "now", NULL);
	struct sw_view *sw = docker_view(dir);
	struct eu_registry *reg = eureka_view(dir);
	size_t n_names = 0;
	struct dns_view *dns = dns_view(dir, &n_names);
	struct recon_input in;
	struct recon *r;
	struct report rep;
	struct buf list, text, json;
	int64_t now = 0;

	if (now_s != NULL)
		now_s[strcspn(now_s, " \t\r\n")] = '\0';
	if (now_s == NULL || model_parse_time(now_s, &now) != ESRA_OK)
		tu_fail("%s/now: the moment of the check (RFC 3339) is missing or malformed", dir);
	if (cfg_load_string(&cfg, conf != NULL ? conf : "", "esra.conf", env, NULL, &err) !=
	    ESRA_OK)
		tu_fail("%s/esra.conf: %s", dir, err.msg);
	assert_int_equal(report_init(&rep, "check"), ESRA_OK);
	memset(&in, 0, sizeof(in));
	in.cfg = &cfg;
	in.reg = reg;
	in.sw = sw;
	in.now_ms = now;
	r = recon_new(&in, &err);
	if (r == NULL)
		tu_fail("%s: recon_new: %s", dir, err.msg);
	if (recon_judge(r, dns, NULL, &rep.findings, &err) != ESRA_OK)
		tu_fail("%s: recon_judge: %s", dir, err.msg);
	assert_int_equal(finding_list_texts(&rep.findings), ESRA_OK);
	assert_int_equal(finding_list_adopt(&rep.findings), ESRA_OK);
	/* the report cycle.c would fill from these views (no proposals: DNS is not asked) */
	rep.generated_ms = now;
	rep.node.known = true;
	rep.node.id = finding_strdup(&rep.findings, sw->self.id);
	rep.node.hostname = finding_strdup(&rep.findings, sw->self.hostname);
	rep.node.manager = sw->self.manager;
	rep.node.leader = sw->self.leader;
	rep.node.worker_view = sw->worker_view;
	rep.docker.attempted = rep.docker.ok = true;
	snprintf(rep.docker.where, sizeof(rep.docker.where), "docker/");
	rep.docker.count_a = sw->n_services;
	rep.docker.count_b = sw->n_tasks;
	rep.docker.count_c = sw->n_containers;
	rep.eureka.attempted = rep.eureka.ok = true;
	snprintf(rep.eureka.where, sizeof(rep.eureka.where), "eureka");
	rep.eureka.count_a = reg->n_apps;
	rep.eureka.count_b = reg->n_inst;
	rep.dns.attempted = rep.dns.ok = true;
	snprintf(rep.dns.where, sizeof(rep.dns.where), "dns.txt");
	rep.dns.count_a = n_names;
	report_finish(&rep);
	buf_init(&list, 0);
	buf_init(&text, 0);
	buf_init(&json, 0);
	for (size_t i = 0; i < rep.findings.n; i++)
		assert_int_equal(buf_printf(&list, "%s %s\n",
		                            finding_kind(rep.findings.v[i].kind)->name,
		                            rep.findings.v[i].key),
		                 ESRA_OK);
	assert_int_equal(buf_puts(&list, ""), ESRA_OK);
	assert_int_equal(report_text(&rep, &text), ESRA_OK);
	assert_int_equal(report_json(&rep, &json), ESRA_OK);
	golden(dir, "findings.txt", list.data);
	golden(dir, "report.txt", text.data);
	golden(dir, "report.json", json.data);
	buf_free(&list);
	buf_free(&text);
	buf_free(&json);
	report_free(&rep);
	recon_free(r);
	model_dns_free(dns);
	model_reg_free(reg);
	model_sw_free(sw);
	cfg_free(&cfg);
	free(conf);
	free(now_s);
}

/* Every folder of tests/data/recon, in name order; each must hold a case. */
static void test_cases_recon(void **state)
{
	char root[4096], dir[4096 + 256];
	struct dirent **list = NULL;
	int n;
	size_t ran = 0;

	(void)state;
	snprintf(root, sizeof(root), "%s/recon", data_dir());
	n = scandir(root, &list, NULL, alphasort);
	if (n < 0)
		tu_fail("%s: %s", root, strerror(errno));
	for (int i = 0; i < n; i++) {
		struct stat st;
		snprintf(dir, sizeof(dir), "%s/%s", root, list[i]->d_name);
		if (list[i]->d_name[0] != '.' && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
			print_message("[ CASE     ] recon/%s\n", list[i]->d_name);
			run_recon_case(dir);
			ran++;
		}
		free(list[i]);
	}
	free(list);
	assert_true(ran > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases_recon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
