/* esra-views.c: a test tool that prints what esra's readers see, as JSON, so integration
 * tests can compare the models with the docker CLI and the Eureka emulator.
 *   esra-views [-c FILE] docker              the swarm model (DOCKER_HOST etc. apply)
 *   esra-views [-c FILE] eureka              the registry model of the first peer answering
 *   esra-views [-c FILE] dns NAME...         A records of each name (dns.* and dns.netns)
 * Exit 0, or 3 with the reader's error on stderr. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "dns.h"
#include "docker.h"
#include "eureka.h"
#include "http.h"
#include "netns.h"

static cJSON *ip_json(ip4_t ip)
{
	char b[IP4_STRLEN];

	return cJSON_CreateString(ip4_format(ip, b));
}

static const char *net_name(const struct sw_view *v, size_t net)
{
	return net != MODEL_NONE && net < v->n_nets ? v->nets[net].name : "?";
}

static cJSON *docker_json(const struct sw_view *v)
{
	cJSON *o = cJSON_CreateObject(), *a, *x, *y;

	cJSON_AddStringToObject(o, "node_id", v->self.id);
	cJSON_AddStringToObject(o, "hostname", v->self.hostname);
	cJSON_AddBoolToObject(o, "manager", v->self.manager);
	cJSON_AddBoolToObject(o, "leader", v->self.leader);
	cJSON_AddBoolToObject(o, "worker_view", v->worker_view);
	cJSON_AddStringToObject(o, "api_version", v->api_version);
	a = cJSON_AddArrayToObject(o, "services");
	for (size_t i = 0; i < v->n_services; i++) {
		const struct sw_service *s = &v->services[i];
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", s->id);
		cJSON_AddStringToObject(x, "name", s->name);
		cJSON_AddBoolToObject(x, "dnsrr", s->dnsrr);
		cJSON_AddNumberToObject(x, "replicas", (double)s->replicas);
		cJSON_AddNumberToObject(x, "running_tasks", (double)s->running_tasks);
		y = cJSON_AddObjectToObject(x, "vips");
		for (size_t j = 0; j < s->n_vips; j++)
			cJSON_AddItemToObject(y, net_name(v, s->vips[j].net),
			                      ip_json(s->vips[j].ip));
		y = cJSON_AddArrayToObject(x, "aliases");
		for (size_t j = 0; j < s->n_aliases; j++)
			cJSON_AddItemToArray(y, cJSON_CreateString(s->aliases[j].alias));
		cJSON_AddItemToArray(a, x);
	}
	a = cJSON_AddArrayToObject(o, "tasks");
	for (size_t i = 0; i < v->n_tasks; i++) {
		const struct sw_task *t = &v->tasks[i];
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", t->id);
		cJSON_AddStringToObject(
		    x, "service", t->service != MODEL_NONE ? v->services[t->service].name : "?");
		cJSON_AddNumberToObject(x, "slot", (double)t->slot);
		cJSON_AddStringToObject(x, "state", model_sw_state_name(t->state));
		cJSON_AddStringToObject(x, "desired", model_sw_state_name(t->desired));
		cJSON_AddBoolToObject(x, "live", model_task_live(t));
		y = cJSON_AddObjectToObject(x, "addrs");
		for (size_t j = 0; j < t->n_addrs; j++)
			cJSON_AddItemToObject(y, net_name(v, t->addrs[j].net),
			                      ip_json(t->addrs[j].ip));
		cJSON_AddItemToArray(a, x);
	}
	a = cJSON_AddArrayToObject(o, "networks");
	for (size_t i = 0; i < v->n_nets; i++) {
		const struct sw_network *n = &v->nets[i];
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", n->id);
		cJSON_AddStringToObject(x, "name", n->name);
		cJSON_AddStringToObject(x, "scope", n->scope ? n->scope : "");
		cJSON_AddBoolToObject(x, "ingress", n->ingress);
		cJSON_AddBoolToObject(x, "verbose_read", n->verbose_read);
		y = cJSON_AddObjectToObject(x, "services");
		for (size_t j = 0; j < n->n_svcs; j++) {
			cJSON *s = cJSON_CreateObject(), *eps;
			if (n->svcs[j].has_vip)
				cJSON_AddItemToObject(s, "vip", ip_json(n->svcs[j].vip));
			eps = cJSON_AddObjectToObject(s, "endpoints");
			for (size_t k = 0; k < n->svcs[j].n_eps; k++)
				cJSON_AddItemToObject(eps, n->svcs[j].eps[k].name,
				                      ip_json(n->svcs[j].eps[k].ip));
			cJSON_AddItemToObject(y, n->svcs[j].name, s);
		}
		cJSON_AddItemToArray(a, x);
	}
	a = cJSON_AddArrayToObject(o, "containers");
	for (size_t i = 0; i < v->n_containers; i++) {
		const struct sw_container *c = &v->containers[i];
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", c->name);
		if (c->task_id != NULL)
			cJSON_AddStringToObject(x, "task_id", c->task_id);
		y = cJSON_AddObjectToObject(x, "nets");
		for (size_t j = 0; j < c->n_nets; j++) {
			cJSON *n = cJSON_CreateObject(), *al;
			if (c->nets[j].has_ip)
				cJSON_AddItemToObject(n, "ip", ip_json(c->nets[j].ip));
			al = cJSON_AddArrayToObject(n, "aliases");
			for (size_t k = 0; k < c->nets[j].n_aliases; k++)
				cJSON_AddItemToArray(al, cJSON_CreateString(c->nets[j].aliases[k]));
			cJSON_AddItemToObject(y, c->nets[j].net_name, n);
		}
		cJSON_AddItemToArray(a, x);
	}
	return o;
}

static cJSON *eureka_json(const struct eu_registry *r)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "instances");
	char hc[256];

	model_reg_hashcode(r, hc, sizeof(hc));
	cJSON_AddStringToObject(o, "url", r->source_url);
	cJSON_AddStringToObject(o, "apps_hashcode", r->apps_hashcode);
	cJSON_AddStringToObject(o, "computed_hashcode", hc);
	for (size_t i = 0; i < r->n_inst; i++) {
		const struct eu_instance *in = &r->inst[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "app", in->app);
		cJSON_AddStringToObject(x, "instance_id", model_inst_id(in));
		cJSON_AddStringToObject(x, "ip", in->ip_str);
		cJSON_AddNumberToObject(x, "port", in->port);
		cJSON_AddStringToObject(x, "status", model_eu_status_name(in->status));
		cJSON_AddNumberToObject(x, "last_renewal_ms", (double)in->last_renewal_ms);
		cJSON_AddItemToArray(a, x);
	}
	return o;
}

static cJSON *dns_json(const struct dns_view *d)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < d->n; i++) {
		cJSON *x = cJSON_CreateObject(), *ips = cJSON_AddArrayToObject(x, "ips");
		cJSON_AddStringToObject(x, "rc", model_dns_rc_name(d->ans[i].rc));
		for (size_t k = 0; k < d->ans[i].n_ips; k++)
			cJSON_AddItemToArray(ips, ip_json(d->ans[i].ips[k]));
		cJSON_AddItemToObject(o, d->ans[i].name, x);
	}
	return o;
}

static int print(cJSON *o)
{
	char *s = cJSON_Print(o);

	if (s != NULL)
		puts(s);
	free(s);
	cJSON_Delete(o);
	return s != NULL ? 0 : 3;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	struct esra_config cfg;
	struct esra_err err;
	int ch, rc = 3;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		if (ch != 'c') {
			fputs("usage: esra-views [-c FILE] docker | eureka | dns NAME...\n",
			      stderr);
			return 3;
		}
		path = optarg;
	}
	if (optind >= argc || cfg_load(&cfg, path, NULL, NULL, &err) != ESRA_OK) {
		fprintf(stderr, "esra-views: %s\n", optind >= argc ? "no view named" : err.msg);
		return 3;
	}
	http_global_init();
	if (strcmp(argv[optind], "docker") == 0) {
		struct docker_opts o = {cfg.docker.host,
		                        cfg.docker.tls_verify,
		                        cfg.docker.cert_path,
		                        cfg.docker.timeout_ms,
		                        0,
		                        NULL,
		                        0};
		struct docker *d = docker_new(&o, &err);
		struct sw_view *v = NULL;
		if (d != NULL && docker_read(d, &v, &err) == ESRA_OK)
			rc = print(docker_json(v));
		model_sw_free(v);
		docker_free(d);
	} else if (strcmp(argv[optind], "eureka") == 0) {
		struct eureka_opts o = {(const char *const *)cfg.eureka.urls.v,
		                        cfg.eureka.urls.n,
		                        cfg.eureka.format == CFG_FORMAT_XML ? EUREKA_XML
		                                                            : EUREKA_JSON,
		                        cfg.eureka.timeout_ms,
		                        0,
		                        !cfg.eureka.tls_verify,
		                        cfg.eureka.ca_file[0] ? cfg.eureka.ca_file : NULL,
		                        cfg.eureka.cert_file[0] ? cfg.eureka.cert_file : NULL,
		                        cfg.eureka.key_file[0] ? cfg.eureka.key_file : NULL,
		                        NULL};
		struct eureka *e = eureka_new(&o, &err);
		struct eu_registry *r = NULL;
		size_t peer;
		if (e != NULL && eureka_fetch(e, &r, &peer, &err) == ESRA_OK)
			rc = print(eureka_json(r));
		model_reg_free(r);
		eureka_free(e);
	} else if (strcmp(argv[optind], "dns") == 0) {
		struct dns_opts o;
		struct dns_view *dv = NULL;
		char seat[64] = "";
		memset(&o, 0, sizeof(o));
		o.server = cfg.dns.server;
		o.port = (int)cfg.dns.port;
		o.timeout_ms = cfg.dns.timeout_ms;
		o.attempts = (int)cfg.dns.attempts;
		if (strncmp(cfg.dns.netns, "container:", 10) == 0) {
			struct docker_opts dop = {cfg.docker.host,
			                          cfg.docker.tls_verify,
			                          cfg.docker.cert_path,
			                          cfg.docker.timeout_ms,
			                          0,
			                          NULL,
			                          0};
			struct docker *d = docker_new(&dop, &err);
			pid_t pid = 0;
			if (d == NULL ||
			    docker_container_pid(d, cfg.dns.netns + 10, &pid, &err) != 0 ||
			    netns_path_for_pid(pid, seat, sizeof(seat)) != 0) {
				fprintf(stderr, "esra-views: %s\n", err.msg);
				docker_free(d);
				goto out;
			}
			docker_free(d);
			o.netns = seat;
		} else if (cfg.dns.netns[0] != '\0') {
			o.netns = cfg.dns.netns;
		}
		if (dns_resolve(&o, (const char *const *)argv + optind + 1,
		                (size_t)(argc - optind - 1), &dv, &err) == ESRA_OK)
			rc = print(dns_json(dv));
		model_dns_free(dv);
	} else {
		esra_err_set(&err, ESRA_EINVAL, "unknown view %s", argv[optind]);
	}
	if (rc != 0)
		fprintf(stderr, "esra-views: %s\n", err.msg);
out:
	cfg_free(&cfg);
	http_global_cleanup();
	return rc;
}
