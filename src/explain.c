/* explain.c: `esra explain` (see explain.h). One pass over the views per subject: the
 * address history, the DNS answers (this node's, and every node's where the cluster view
 * exists), the Eureka instances and the report's findings. */
#include "explain.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cluster.h"
#include "history.h"
#include "limits.h"

#define MAX_HOLDERS 16

static bool has(const ip4_t *ips, size_t n, ip4_t ip)
{
	for (size_t i = 0; i < n; i++)
		if (ips[i] == ip)
			return true;
	return false;
}

static bool finding_names_ip(const struct finding *f, ip4_t ip)
{
	for (size_t i = 0; i < f->n_stale; i++)
		if (f->stale[i].ip == ip)
			return true;
	return f->has_ip && f->ip == ip;
}

static bool finding_names_name(const struct finding *f, const char *n)
{
	if (f->name != NULL &&
	    (esra_strcasecmp(f->name, n) == 0 ||
	     (esra_strncasecmp(f->name, "tasks.", 6) == 0 && esra_strcasecmp(f->name + 6, n) == 0)))
		return true;
	if (f->service != NULL && esra_strcasecmp(f->service, n) == 0)
		return true;
	return f->app != NULL && esra_strcasecmp(f->app, n) == 0;
}

static int add_findings(const struct report *rep, const char *name, ip4_t ip, bool by_ip,
                        struct buf *t, cJSON *o, bool *hit)
{
	cJSON *a = o != NULL ? cJSON_AddArrayToObject(o, "findings") : NULL;
	int rc = 0;

	if (o != NULL && a == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < rep->findings.n && rc == 0; i++) {
		const struct finding *f = &rep->findings.v[i];
		if (f->kind == FK_SOURCE_ERROR ||
		    !(by_ip ? finding_names_ip(f, ip) : finding_names_name(f, name)))
			continue;
		*hit = true;
		if (a != NULL)
			cJSON_AddItemToArray(a, cJSON_CreateString(f->key != NULL ? f->key : ""));
		if (t != NULL)
			rc = buf_printf(t, "  finding: %s %s (%s)%s%s\n",
			                finding_severity_name(f->severity),
			                finding_kind(f->kind)->name, f->key != NULL ? f->key : "",
			                f->message ? ": " : "", f->message ? f->message : "");
	}
	return rc;
}

/* Live tasks (State and DesiredState running) of the service with id; -1 unknown. */
static long live_tasks(const struct sw_view *v, const char *id)
{
	long n = 0;

	if (v == NULL || id == NULL || v->worker_view)
		return -1;
	for (size_t i = 0; i < v->n_tasks; i++)
		if (v->tasks[i].service_id != NULL && strcmp(v->tasks[i].service_id, id) == 0 &&
		    model_task_live(&v->tasks[i]))
			n++;
	return n;
}

/* The service's tasks that still run while swarm wants them gone: what keeps a VIP (and a
 * network alias) in DNS with nothing serving behind it. */
static int add_lingering(const struct sw_view *v, const char *id, const char *indent, struct buf *t,
                         cJSON *e)
{
	cJSON *a = NULL;
	int rc = 0;

	for (size_t i = 0; v != NULL && id != NULL && i < v->n_tasks && rc == 0; i++) {
		const struct sw_task *k = &v->tasks[i];
		const char *node = k->node_id != NULL ? k->node_id : "?";
		char ib[32];
		if (k->service_id == NULL || strcmp(k->service_id, id) != 0 ||
		    k->state != SW_ST_RUNNING || k->desired == SW_ST_RUNNING)
			continue;
		for (size_t n = 0; n < v->n_nodes; n++)
			if (v->nodes[n].id != NULL && strcmp(v->nodes[n].id, node) == 0 &&
			    v->nodes[n].hostname[0])
				node = v->nodes[n].hostname;
		snprintf(ib, sizeof(ib), "%.12s", k->id);
		if (e != NULL &&
		    (a != NULL || (a = cJSON_AddArrayToObject(e, "lingering_tasks")) != NULL))
			cJSON_AddItemToArray(a, cJSON_CreateString(k->id));
		if (t != NULL)
			rc = buf_printf(t, "%s  task %s on %s still runs while swarm wants it %s\n",
			                indent, ib, node, model_sw_state_name(k->desired));
	}
	return rc;
}

/* The holders of ip, now and before, with the source of each fact. */
static int add_holders(const struct cycle_look *look, ip4_t ip, const char *indent, struct buf *t,
                       cJSON *o)
{
	struct addr_owner h[MAX_HOLDERS];
	size_t n = look->hist != NULL ? history_get(look->hist, ip, h, MAX_HOLDERS) : 0;
	cJSON *now = NULL, *before = NULL;
	char line[768];
	bool any_now = false;
	int rc = 0;

	if (o != NULL) {
		now = cJSON_AddArrayToObject(o, "holders_now");
		before = cJSON_AddArrayToObject(o, "history");
		if (now == NULL || before == NULL)
			return ESRA_ENOMEM;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		long live = -1;
		any_now |= h[i].live;
		if (h[i].live && strcmp(h[i].kind, "service_vip") == 0)
			live = live_tasks(look->sw, h[i].id);
		if (o != NULL) {
			cJSON *e = report_owner_json(&h[i]);
			if (e != NULL && live >= 0)
				cJSON_AddNumberToObject(e, "live_tasks", (double)live);
			cJSON_AddItemToArray(h[i].live ? now : before, e);
		}
		if (t != NULL) {
			history_describe(&h[i], line, sizeof(line));
			rc = buf_printf(t, "%s%s: %s", indent, h[i].live ? "now" : "before", line);
			if (rc == 0 && live >= 0)
				rc = buf_printf(t, ", %ld live task%s behind it", live,
				                live == 1 ? "" : "s");
			if (rc == 0)
				rc = buf_printf(t, " [%s]\n", h[i].source);
		}
		if (live >= 0 && rc == 0)
			rc = add_lingering(
			    look->sw, h[i].id, indent, t,
			    o != NULL ? cJSON_GetArrayItem(now, cJSON_GetArraySize(now) - 1)
			              : NULL);
	}
	if (rc == 0 && t != NULL && !any_now)
		rc = buf_printf(t, "%snow: no service, task or container holds it\n", indent);
	if (rc == 0 && t != NULL && n == 0)
		rc = buf_printf(t,
		                "%sbefore: nothing esra can see (Docker's task history, its "
		                "events, esra's memory) ever held it\n",
		                indent);
	return rc;
}

static const char *self_name(const struct report *rep)
{
	if (!rep->node.known)
		return "this node";
	return rep->node.hostname[0] ? rep->node.hostname : rep->node.id;
}

/* Names whose answer holds ip: every node's answers where the cluster view exists, else
 * this node's. */
static int add_names(const struct cycle_look *look, const struct report *rep, ip4_t ip,
                     struct buf *t, cJSON *o)
{
	cJSON *a = o != NULL ? cJSON_AddArrayToObject(o, "resolved_by") : NULL;
	int rc = 0;

	if (o != NULL && a == NULL)
		return ESRA_ENOMEM;
	if (rep->cluster != NULL && rep->cluster->n_nodes > 0) {
		for (size_t i = 0; i < rep->cluster->n_nodes && rc == 0; i++) {
			const struct cluster_node *nd = &rep->cluster->nodes[i];
			for (size_t k = 0; k < nd->n_answers && rc == 0; k++) {
				const struct cluster_answer *an = &nd->answers[k];
				cJSON *e;
				if (!has(an->ips, an->n_ips, ip))
					continue;
				if (a != NULL && (e = cJSON_CreateObject()) != NULL) {
					cJSON_AddStringToObject(e, "name", an->name);
					cJSON_AddStringToObject(e, "node", cluster_node_label(nd));
					cJSON_AddItemToArray(a, e);
				}
				if (t != NULL)
					rc = buf_printf(t, "  resolves from %s on node %s\n",
					                an->name, cluster_node_label(nd));
			}
		}
		return rc;
	}
	for (size_t i = 0; look->dns != NULL && i < look->dns->n && rc == 0; i++) {
		const struct dns_answer *an = &look->dns->ans[i];
		cJSON *e;
		if (an->rc != DNS_RC_OK || !has(an->ips, an->n_ips, ip))
			continue;
		if (a != NULL && (e = cJSON_CreateObject()) != NULL) {
			cJSON_AddStringToObject(e, "name", an->name);
			cJSON_AddStringToObject(e, "node", self_name(rep));
			cJSON_AddItemToArray(a, e);
		}
		if (t != NULL)
			rc = buf_printf(t, "  resolves from %s on node %s\n", an->name,
			                self_name(rep));
	}
	return rc;
}

static int add_instance(const struct eu_instance *in, struct buf *t, cJSON *a)
{
	char ts[32];
	cJSON *e;

	if (a != NULL && (e = cJSON_CreateObject()) != NULL) {
		cJSON_AddStringToObject(e, "app", in->app);
		cJSON_AddStringToObject(e, "instance_id", model_inst_id(in));
		cJSON_AddStringToObject(e, "hostname", in->hostname);
		cJSON_AddStringToObject(e, "ip", in->ip_str);
		cJSON_AddStringToObject(e, "status", model_eu_status_name(in->status));
		if (in->last_renewal_ms > 0)
			cJSON_AddStringToObject(
			    e, "last_renewal_at",
			    esra_format_time(in->last_renewal_ms, false, ts, sizeof(ts)));
		cJSON_AddItemToArray(a, e);
	}
	if (t == NULL)
		return 0;
	return buf_printf(t, "  eureka: %s/%s %s, ipAddr %s, hostName %s%s%s\n", in->app,
	                  model_inst_id(in), model_eu_status_name(in->status), in->ip_str,
	                  in->hostname, in->last_renewal_ms > 0 ? ", last renewal " : "",
	                  in->last_renewal_ms > 0
	                      ? esra_format_time(in->last_renewal_ms, false, ts, sizeof(ts))
	                      : "");
}

static int add_instances(const struct cycle_look *look, const char *name, ip4_t ip, bool by_ip,
                         struct buf *t, cJSON *o)
{
	cJSON *a = o != NULL ? cJSON_AddArrayToObject(o, "instances") : NULL;
	int rc = 0;

	if (o != NULL && a == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; look->reg != NULL && i < look->reg->n_inst && rc == 0; i++) {
		const struct eu_instance *in = &look->reg->inst[i];
		bool hit = by_ip ? in->ip_valid && in->ip == ip
		                 : esra_strcasecmp(in->app, name) == 0 ||
		                       esra_strcasecmp(in->hostname, name) == 0;
		if (hit)
			rc = add_instance(in, t, a);
	}
	return rc;
}

static int explain_address(const struct cycle_look *look, const struct report *rep,
                           const char *subject, ip4_t ip, struct buf *t, cJSON *o, bool *hit)
{
	int rc = 0;

	if (o != NULL) {
		cJSON_AddStringToObject(o, "subject", subject);
		cJSON_AddStringToObject(o, "type", "address");
	}
	if (t != NULL)
		rc = buf_printf(t, "%s (address)\n", subject);
	if (rc == 0)
		rc = add_holders(look, ip, "  ", t, o);
	if (rc == 0)
		rc = add_names(look, rep, ip, t, o);
	if (rc == 0)
		rc = add_instances(look, NULL, ip, true, t, o);
	if (rc == 0)
		rc = add_findings(rep, NULL, ip, true, t, o, hit);
	return rc;
}

static const struct sw_service *service_named(const struct sw_view *v, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; v != NULL && i < v->n_services; i++) {
		const char *s = v->services[i].name;
		size_t m = strlen(s);
		if (strcmp(s, name) == 0 ||
		    (m > n + 1 && s[m - n - 1] == '_' && strcmp(s + m - n, name) == 0))
			return &v->services[i];
	}
	return NULL;
}

/* One DNS name: its answer on this node, every node's where the cluster view exists, and
 * each address it answers with. */
static int explain_answer(const struct cycle_look *look, const struct report *rep, const char *name,
                          struct buf *t, cJSON *dns, cJSON *addrs)
{
	const struct dns_answer *an = look->dns != NULL ? model_dns_find(look->dns, name) : NULL;
	char ib[IP4_STRLEN];
	cJSON *e = NULL, *ips = NULL;
	int rc = 0;

	if (dns != NULL && (e = cJSON_AddObjectToObject(dns, name)) == NULL)
		return ESRA_ENOMEM;
	if (e != NULL) {
		cJSON_AddStringToObject(e, "rc",
		                        an != NULL ? model_dns_rc_name(an->rc) : "not asked");
		ips = cJSON_AddArrayToObject(e, "ips");
	}
	if (t != NULL) {
		rc = buf_printf(t, "  dns %s on %s: %s", name, self_name(rep),
		                an != NULL ? model_dns_rc_name(an->rc) : "not asked");
		for (size_t i = 0; an != NULL && i < an->n_ips && rc == 0; i++)
			rc = buf_printf(t, " %s", ip4_format(an->ips[i], ib));
		if (rc == 0)
			rc = buf_puts(t, "\n");
	}
	if (rep->cluster != NULL && e != NULL) {
		cJSON *nodes = cJSON_AddObjectToObject(e, "nodes");
		for (size_t i = 0; nodes != NULL && i < rep->cluster->n_nodes; i++) {
			const struct cluster_node *nd = &rep->cluster->nodes[i];
			for (size_t k = 0; k < nd->n_answers; k++)
				if (esra_strcasecmp(nd->answers[k].name, name) == 0) {
					cJSON *a =
					    cJSON_AddArrayToObject(nodes, cluster_node_label(nd));
					for (size_t j = 0; a != NULL && j < nd->answers[k].n_ips;
					     j++)
						cJSON_AddItemToArray(
						    a, cJSON_CreateString(
						           ip4_format(nd->answers[k].ips[j], ib)));
				}
		}
	}
	for (size_t i = 0; an != NULL && i < an->n_ips && rc == 0; i++) {
		cJSON *ao = NULL;
		ip4_format(an->ips[i], ib);
		if (ips != NULL)
			cJSON_AddItemToArray(ips, cJSON_CreateString(ib));
		if (addrs != NULL && cJSON_GetObjectItemCaseSensitive(addrs, ib) == NULL &&
		    (ao = cJSON_AddObjectToObject(addrs, ib)) == NULL)
			return ESRA_ENOMEM;
		if (t != NULL)
			rc = buf_printf(t, "    %s:\n", ib);
		if (rc == 0 && (t != NULL || ao != NULL))
			rc = add_holders(look, an->ips[i], "      ", t, ao);
	}
	return rc;
}

static int explain_name(const struct cycle_look *look, const struct report *rep, const char *name,
                        struct buf *t, cJSON *o, bool *hit)
{
	const struct sw_service *s = service_named(look->sw, name);
	cJSON *dns = NULL, *addrs = NULL;
	char tasks[ESRA_MAX_STRING], ib[IP4_STRLEN];
	int rc = 0;

	snprintf(tasks, sizeof(tasks), "tasks.%s", name);
	if (o != NULL) {
		cJSON_AddStringToObject(o, "subject", name);
		cJSON_AddStringToObject(o, "type", "name");
		dns = cJSON_AddObjectToObject(o, "dns");
		addrs = cJSON_AddObjectToObject(o, "addresses");
		if (dns == NULL || addrs == NULL)
			return ESRA_ENOMEM;
	}
	if (t != NULL)
		rc = buf_printf(t, "%s (name)\n", name);
	if (o != NULL) {
		cJSON *so = s != NULL ? cJSON_AddObjectToObject(o, "service")
		                      : cJSON_AddNullToObject(o, "service");
		if (s != NULL && so != NULL) {
			cJSON *v = cJSON_AddArrayToObject(so, "vips");
			cJSON_AddStringToObject(so, "name", s->name);
			cJSON_AddStringToObject(so, "id", s->id);
			for (size_t i = 0; v != NULL && i < s->n_vips; i++)
				cJSON_AddItemToArray(
				    v, cJSON_CreateString(ip4_format(s->vips[i].ip, ib)));
		}
	}
	if (rc == 0 && t != NULL) {
		if (s == NULL)
			rc = buf_printf(t, "  swarm: no service of that name\n");
		else {
			rc = buf_printf(t, "  swarm: service %s (%.12s), VIP%s", s->name, s->id,
			                s->n_vips == 1 ? "" : "s");
			for (size_t i = 0; i < s->n_vips && rc == 0; i++)
				rc = buf_printf(t, " %s", ip4_format(s->vips[i].ip, ib));
			if (rc == 0 && s->n_vips == 0)
				rc = buf_puts(t, " none");
			if (rc == 0)
				rc = buf_puts(t, "\n");
		}
	}
	if (rc == 0)
		rc = explain_answer(look, rep, name, t, dns, addrs);
	if (rc == 0)
		rc = explain_answer(look, rep, tasks, t, dns, addrs);
	if (rc == 0)
		rc = add_instances(look, name, 0, false, t, o);
	if (rc == 0)
		rc = add_findings(rep, name, 0, false, t, o, hit);
	return rc;
}

int explain_subject(const struct cycle_look *look, const struct report *rep, const char *subject,
                    struct buf *text, cJSON *json, bool *in_finding)
{
	cJSON *o = NULL;
	ip4_t ip;
	int prefix, rc;

	if (json != NULL) {
		if ((o = cJSON_CreateObject()) == NULL)
			return ESRA_ENOMEM;
		if (!cJSON_AddItemToArray(json, o)) {
			cJSON_Delete(o);
			return ESRA_ENOMEM;
		}
	}
	if (ip4_parse(subject, strlen(subject), &ip, &prefix) == ESRA_OK && prefix < 0)
		rc = explain_address(look, rep, subject, ip, text, o, in_finding);
	else
		rc = explain_name(look, rep, subject, text, o, in_finding);
	if (o != NULL)
		cJSON_AddBoolToObject(o, "in_finding", *in_finding);
	return rc == 0 ? ESRA_OK : ESRA_ENOMEM;
}
