/* report.c: renders a cycle's report as text, JSON (cJSON) or Prometheus text. Reads only. */
#include "report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "limits.h"

#define WIDTH 78

int report_init(struct report *r, const char *command)
{
	memset(r, 0, sizeof(*r));
	r->command = command;
	r->docker_api = "";
	r->dns_seat = "";
	r->node.id = r->node.hostname = "";
	return finding_list_init(&r->findings);
}

void report_free(struct report *r)
{
	if (r == NULL)
		return;
	finding_list_free(&r->findings);
	free(r->actions);
	free(r->names);
	free(r->notes);
	free(r->warnings);
	free(r->answers);
	cluster_free(r->cluster);
	r->cluster = NULL;
	r->answers = NULL;
	r->actions = NULL;
	r->names = NULL;
	r->notes = NULL;
	r->warnings = NULL;
}

int report_add_action(struct report *r, const struct report_action *a)
{
	struct report_action *c;

	c = array_grow(r->actions, &r->cap_actions, r->n_actions, sizeof(*c), 8);
	if (c == NULL)
		return ESRA_ENOMEM;
	r->actions = c;
	c = &r->actions[r->n_actions];
	*c = *a;
	c->action = finding_strdup(&r->findings, a->action ? a->action : "");
	c->app = finding_strdup(&r->findings, a->app ? a->app : "");
	c->instance_id = finding_strdup(&r->findings, a->instance_id ? a->instance_id : "");
	c->reason = finding_strdup(&r->findings, a->reason ? a->reason : "");
	c->rule = a->rule != NULL ? finding_strdup(&r->findings, a->rule) : NULL;
	if (!c->action || !c->app || !c->instance_id || !c->reason || (a->rule && !c->rule))
		return ESRA_ENOMEM;
	r->n_actions++;
	return ESRA_OK;
}

static int add_line(struct report *r, const char ***list, size_t *n, size_t *cap, const char *fmt,
                    va_list ap) ESRA_PRINTF(5, 0);

static int add_line(struct report *r, const char ***list, size_t *n, size_t *cap, const char *fmt,
                    va_list ap)
{
	char tmp[512];
	const char **v;

	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	v = array_grow(*list, cap, *n, sizeof(*v), 4);
	if (v == NULL)
		return ESRA_ENOMEM;
	*list = v;
	if ((v[*n] = finding_strdup(&r->findings, tmp)) == NULL)
		return ESRA_ENOMEM;
	(*n)++;
	return ESRA_OK;
}

int report_add_note(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = add_line(r, &r->notes, &r->n_notes, &r->cap_notes, fmt, ap);
	va_end(ap);
	return rc;
}

int report_add_warning(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = add_line(r, &r->warnings, &r->n_warnings, &r->cap_warnings, fmt, ap);
	va_end(ap);
	return rc;
}

static int cmp_answer(const void *a, const void *b)
{
	return esra_strcasecmp(((const struct dns_answer *)a)->name,
	                       ((const struct dns_answer *)b)->name);
}

/* Sorted by name, each name once (a batch may hold a name twice). */
int report_set_answers(struct report *r, const struct dns_view *v)
{
	size_t k = 0;

	free(r->answers);
	r->answers = NULL;
	r->n_answers = 0;
	if (v == NULL || v->n == 0)
		return ESRA_OK;
	if ((r->answers = calloc(v->n, sizeof(*r->answers))) == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		const struct dns_answer *a = &v->ans[i];
		struct dns_answer *c = &r->answers[k];
		if (!model_dns_rc_definite(a->rc))
			continue;
		*c = *a;
		c->name = finding_strdup(&r->findings, a->name);
		c->ips = a->n_ips > 0
		             ? pool_memdup(r->findings.pool, a->ips, a->n_ips * sizeof(*a->ips))
		             : pool_alloc(r->findings.pool, sizeof(*a->ips));
		if (c->name == NULL || c->ips == NULL)
			return ESRA_ENOMEM;
		k++;
	}
	qsort(r->answers, k, sizeof(*r->answers), cmp_answer);
	r->n_answers = 0;
	for (size_t i = 0; i < k; i++)
		if (r->n_answers == 0 ||
		    esra_strcasecmp(r->answers[r->n_answers - 1].name, r->answers[i].name) != 0)
			r->answers[r->n_answers++] = r->answers[i];
	return ESRA_OK;
}

void report_finish(struct report *r)
{
	r->status = finding_list_status(&r->findings);
}

static const char *result_name(enum act_result a)
{
	return a == ACT_DONE      ? "done"
	       : a == ACT_SKIPPED ? "skipped"
	       : a == ACT_PLANNED ? "planned"
	                          : "failed";
}

/* ---------------------------------------------------------------- text */

/* Append text wrapped at WIDTH: first line after `first`, continuation lines indented by
 * `rest` spaces. */
static int wrap(struct buf *b, const char *first, size_t rest, const char *text)
{
	size_t col = strlen(first);
	bool words_on_line = false;
	const char *p = text;
	int rc = buf_puts(b, first);

	while (rc == 0) {
		size_t len;
		while (*p == ' ')
			p++;
		if ((len = strcspn(p, " ")) == 0)
			break;
		if (words_on_line && col + 1 + len > WIDTH) {
			rc = buf_printf(b, "\n%*s", (int)rest, "");
			col = rest;
		} else if (words_on_line) {
			rc = buf_puts(b, " ");
			col++;
		}
		if (rc == 0)
			rc = buf_append(b, p, len);
		col += len;
		words_on_line = true;
		p += len;
	}
	return rc != 0 ? rc : buf_puts(b, "\n");
}

static const char *status_word(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "CRITICAL";
	case SEV_WARNING:
		return "WARNING";
	case SEV_UNKNOWN:
		return "UNKNOWN";
	case SEV_INFO:
	case SEV_OK:
		break;
	}
	return "OK";
}

static int summary(const struct report *r, struct buf *b)
{
	const struct finding_list *l = &r->findings;
	bool any = false;
	int rc = buf_printf(b, "ESRA %s - ", status_word(r->status));

	/* severe kinds first, in table order within a severity */
	static const enum severity order[] = {SEV_CRITICAL, SEV_UNKNOWN, SEV_WARNING, SEV_INFO};
	for (size_t o = 0; o < 4 && rc == 0; o++) {
		for (int k = 0; k < FK_COUNT && rc == 0; k++) {
			const struct fkind_info *ki = finding_kind((enum fkind)k);
			size_t n = finding_count(l, (enum fkind)k), shown = 0;
			if (n == 0 || ki->severity != order[o])
				continue;
			rc = buf_printf(b, "%s%zu %s", any ? ", " : "", n,
			                n == 1 ? ki->label : ki->label_plural);
			any = true;
			for (size_t i = 0; i < l->n && rc == 0; i++) {
				char sb[ESRA_MAX_STRING + 1], ob[ESRA_MAX_STRING + 1];
				const char *s = NULL;
				bool dup = false;
				if (l->v[i].kind == (enum fkind)k)
					rc = finding_subject(&l->v[i], sb, sizeof(sb), &s);
				if (rc != 0 || s == NULL)
					continue;
				for (size_t j = 0; j < i && !dup && rc == 0;
				     j++) { /* each subject once */
					const char *t = NULL;
					if (l->v[j].kind == (enum fkind)k)
						rc = finding_subject(&l->v[j], ob, sizeof(ob), &t);
					dup = t != NULL && strcmp(t, s) == 0;
				}
				if (rc != 0)
					break;
				if (dup)
					continue;
				if (shown == 3) {
					rc = buf_puts(b, ", ...");
					shown++;
					break;
				}
				rc = buf_printf(b, "%s%s", shown ? ", " : " (", s);
				shown++;
			}
			if (rc == 0 && shown > 0)
				rc = buf_puts(b, ")");
		}
	}
	if (rc == 0 && !any) {
		if (strcmp(r->command, "preflight") == 0)
			rc = buf_printf(b, "%zu name%s free and clean", r->n_names,
			                r->n_names == 1 ? "" : "s");
		else
			rc = buf_printf(b, "no findings (%zu services, %zu instances)",
			                r->docker.count_a, r->eureka.count_b);
	}
	if (rc == 0)
		rc = buf_puts(b, " |");
	for (int k = 0; k < FK_COUNT && rc == 0; k++)
		rc = buf_printf(b, " %s=%zu;;;0", finding_kind((enum fkind)k)->name,
		                finding_count(l, (enum fkind)k));
	if (rc == 0)
		rc = buf_printf(b, " duration=%.2fs\n", r->duration_s);
	return rc;
}

static int source_line(struct buf *b, const char *name, const struct report_source *s,
                       const char *detail)
{
	char first[32];

	snprintf(first, sizeof(first), "%-7s", name);
	if (!s->attempted)
		return wrap(b, first, 8, "not asked");
	if (!s->ok) {
		char tmp[600];
		snprintf(tmp, sizeof(tmp), "FAILED: %s", s->error);
		return wrap(b, first, 8, tmp);
	}
	return wrap(b, first, 8, detail);
}

/* The cluster view: one line per node, then per poisoned name the nodes it is poisoned on. */
static int cluster_text(const struct cluster *c, struct buf *b)
{
	char tmp[1024];
	const char **on = NULL;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s: %zu node%s, %zu answered (peers from %s)",
	         c->service[0] ? c->service : "(no service)", c->n_nodes,
	         c->n_nodes == 1 ? "" : "s", cluster_answered(c), c->how);
	rc = wrap(b, "cluster ", 8, tmp);
	for (size_t i = 0; i < c->n_nodes && rc == 0; i++) {
		const struct cluster_node *n = &c->nodes[i];
		struct buf line;
		buf_init(&line, 0);
		rc = buf_printf(&line, "%s", cluster_node_label(n));
		if (rc == 0 && n->id[0] && strcmp(n->id, cluster_node_label(n)) != 0)
			rc = buf_printf(&line, " (%s)", n->id);
		if (rc == 0 && n->addr[0])
			rc = buf_printf(&line, " at %s", n->addr);
		if (rc == 0 && n->self)
			rc = buf_puts(&line, ", this node");
		if (rc == 0 && n->leader)
			rc = buf_puts(&line, ", leader");
		if (rc == 0 && !n->answered)
			rc = buf_printf(&line, ": did not answer: %s", n->error ? n->error : "?");
		else if (rc == 0)
			rc = buf_printf(&line, ": %s, %zu finding%s", n->status, n->n_findings,
			                n->n_findings == 1 ? "" : "s");
		for (size_t k = 0; k < n->n_findings && rc == 0; k++)
			rc = buf_printf(&line, "%s%s%s%s", k ? ", " : ": ", n->findings[k].kind,
			                n->findings[k].subject ? " " : "",
			                n->findings[k].subject ? n->findings[k].subject : "");
		if (rc == 0)
			rc = wrap(b, "  ", 4, line.data);
		buf_free(&line);
	}
	if (rc == 0 && c->n_nodes > 0 && (on = calloc(c->n_nodes, sizeof(*on))) == NULL)
		rc = ESRA_ENOMEM;
	/* per poisoned name (each once), the nodes it is poisoned on */
	for (size_t i = 0; i < c->n_nodes && rc == 0; i++) {
		const struct cluster_node *n = &c->nodes[i];
		for (size_t k = 0; k < n->n_findings && rc == 0; k++) {
			const struct cluster_finding *f = &n->findings[k];
			bool dup = false;
			size_t m;
			struct buf line;
			if (strcmp(f->kind, "poisoned_name") != 0 || f->subject == NULL)
				continue;
			for (size_t j = 0; j <= i && !dup; j++)
				for (size_t q = 0; q < c->nodes[j].n_findings && !dup; q++) {
					const struct cluster_finding *g = &c->nodes[j].findings[q];
					if (j == i && q >= k)
						break;
					dup = strcmp(g->kind, "poisoned_name") == 0 && g->subject &&
					      esra_strcasecmp(g->subject, f->subject) == 0;
				}
			if (dup)
				continue;
			m = cluster_poisoned_on(c, f->subject, on, c->n_nodes);
			buf_init(&line, 0);
			rc = buf_printf(&line, "%s is poisoned on", f->subject);
			for (size_t j = 0; j < m && rc == 0; j++)
				rc = buf_printf(&line, "%s %s", j ? "," : "", on[j]);
			if (rc == 0)
				rc = buf_printf(&line, " (%zu of %zu nodes that answered)", m,
				                cluster_answered(c));
			if (rc == 0)
				rc = wrap(b, "  ", 4, line.data);
			buf_free(&line);
		}
	}
	free(on);
	return rc;
}

void report_age(int64_t ms, char *out, size_t outsz)
{
	int64_t s = ms / 1000;

	if (s < 60)
		snprintf(out, outsz, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, outsz, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, outsz, "%lldh %lldm", (long long)(s / 3600),
		         (long long)(s % 3600 / 60));
	else
		snprintf(out, outsz, "%lldd %lldh", (long long)(s / 86400),
		         (long long)(s % 86400 / 3600));
}

/* "3 instances of 1 app are outside this swarm: not judged (LEGACY-BILLING)". */
static int foreign_line(const struct report *r, struct buf *b)
{
	const struct finding_list *l = &r->findings;
	size_t n = 0, apps = 0, len;
	char names[256] = "", tmp[512];

	for (size_t i = 0; i < l->n; i++) {
		bool seen = false;
		if (l->v[i].kind != FK_FOREIGN_INSTANCE)
			continue;
		n++;
		for (size_t j = 0; j < i && !seen; j++)
			seen = l->v[j].kind == FK_FOREIGN_INSTANCE &&
			       esra_strcasecmp(l->v[j].app, l->v[i].app) == 0;
		if (seen)
			continue;
		len = strlen(names);
		if (apps < 3)
			snprintf(names + len, sizeof(names) - len, "%s%s", apps ? ", " : "",
			         l->v[i].app);
		else if (apps == 3)
			snprintf(names + len, sizeof(names) - len, ", ...");
		apps++;
	}
	if (n == 0)
		return 0;
	snprintf(tmp, sizeof(tmp),
	         "%zu instance%s of %zu app%s %s outside this swarm: not judged (%s)", n,
	         n == 1 ? "" : "s", apps, apps == 1 ? "" : "s", n == 1 ? "is" : "are", names);
	return wrap(b, "foreign: ", 9, tmp);
}

int report_text(const struct report *r, struct buf *b)
{
	char ts[ESRA_TIME_MAX], tmp[1024];
	int rc = summary(r, b);

	if (rc == 0) {
		snprintf(tmp, sizeof(tmp), "node %s%s%s%s%s, %s",
		         r->node.known ? (r->node.hostname[0] ? r->node.hostname : r->node.id)
		                       : "?",
		         r->node.known ? (r->node.manager ? " (manager" : " (worker") : "",
		         r->node.known && r->node.leader ? ", leader" : "",
		         r->node.known && r->node.worker_view ? ", worker view" : "",
		         r->node.known ? ")" : "",
		         esra_format_time(r->generated_ms, false, ts, sizeof(ts)));
		rc = wrap(b, "", 2, tmp);
	}
	if (rc == 0) {
		snprintf(tmp, sizeof(tmp), "ok, %s, %zu apps, %zu instances", r->eureka.where,
		         r->eureka.count_a, r->eureka.count_b);
		rc = source_line(b, "eureka", &r->eureka, tmp);
	}
	if (rc == 0) {
		snprintf(tmp, sizeof(tmp),
		         "ok, %s, API %s, %zu services, %zu tasks, %zu containers", r->docker.where,
		         r->docker_api, r->docker.count_a, r->docker.count_b, r->docker.count_c);
		rc = source_line(b, "docker", &r->docker, tmp);
	}
	if (rc == 0) {
		snprintf(tmp, sizeof(tmp), "ok, %s%s%s, %zu names, %zu queries", r->dns.where,
		         r->dns_seat[0] ? " from " : "", r->dns_seat, r->dns.count_a,
		         r->dns.count_b);
		rc = source_line(b, "dns", &r->dns, tmp);
	}
	for (size_t i = 0; i < r->n_warnings && rc == 0; i++)
		rc = wrap(b, "warning: ", 9, r->warnings[i]);
	for (size_t i = 0; i < r->n_notes && rc == 0; i++)
		rc = wrap(b, "note: ", 6, r->notes[i]);
	if (rc == 0 && r->cluster != NULL)
		rc = cluster_text(r->cluster, b);
	for (size_t i = 0; i < r->n_names && rc == 0; i++) {
		const struct report_name *n = &r->names[i];
		snprintf(tmp, sizeof(tmp), "%s: %s%s%s", n->name, n->state,
		         n->proposal ? ", use " : "", n->proposal ? n->proposal : "");
		rc = wrap(b, "name ", 5, tmp);
	}
	if (rc == 0)
		rc = foreign_line(r, b);
	for (size_t i = 0; i < r->findings.n && rc == 0; i++) {
		const struct finding *f = &r->findings.v[i];
		char head[128], sb[ESRA_MAX_STRING + 1];
		const char *subject = NULL;
		if (f->kind == FK_FOREIGN_INSTANCE) /* one line for all (JSON lists each) */
			continue;
		rc = buf_puts(b, "\n");
		snprintf(head, sizeof(head), "%s %s", status_word(f->severity),
		         finding_kind(f->kind)->name);
		if (rc == 0)
			rc = finding_subject(f, sb, sizeof(sb), &subject);
		if (rc == 0 && subject != NULL)
			snprintf(head + strlen(head), sizeof(head) - strlen(head), " %s", sb);
		if (rc == 0 && f->first_seen_ms > 0 && f->first_seen_ms < r->generated_ms) {
			char age[32];
			report_age(r->generated_ms - f->first_seen_ms, age, sizeof(age));
			snprintf(head + strlen(head), sizeof(head) - strlen(head), " (since %s)",
			         age);
		}
		if (rc == 0)
			rc = wrap(b, head, 2, "");
		if (rc == 0 && f->message)
			rc = wrap(b, "  ", 2, f->message);
		for (size_t e = 0; e < f->n_evidence && rc == 0; e++)
			rc = wrap(b, "  - ", 4, f->evidence[e]);
		if (rc == 0 && f->proposal)
			rc = buf_printf(b, "  proposal: %s\n", f->proposal);
		if (rc == 0 && f->remedy)
			rc = wrap(b, "  do: ", 6, f->remedy);
	}
	if (rc == 0 && r->n_actions > 0)
		rc = buf_puts(b, "\nactions:\n");
	for (size_t i = 0; i < r->n_actions && rc == 0; i++) {
		const struct report_action *a = &r->actions[i];
		snprintf(tmp, sizeof(tmp), "%s %s/%s: %s%s%s%s%s%s", a->action, a->app,
		         a->instance_id, result_name(a->result), a->reason[0] ? " (" : "",
		         a->reason, a->rule ? "; rule " : "", a->rule ? a->rule : "",
		         a->reason[0] ? ")" : "");
		rc = wrap(b, "  ", 4, tmp);
	}
	return rc;
}

/* ---------------------------------------------------------------- JSON */

static cJSON *ip_array(const ip4_t *ips, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	char b[IP4_STRLEN];

	for (size_t i = 0; a != NULL && i < n; i++)
		if (!cJSON_AddItemToArray(a, cJSON_CreateString(ip4_format(ips[i], b)))) {
			cJSON_Delete(a);
			return NULL;
		}
	return a;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void add_time(cJSON *o, const char *k, int64_t ms)
{
	char ts[ESRA_TIME_MAX];

	if (ms > 0)
		cJSON_AddStringToObject(o, k, esra_format_time(ms, false, ts, sizeof(ts)));
	else
		cJSON_AddNullToObject(o, k);
}

cJSON *report_owner_json(const struct addr_owner *w)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return NULL;
	add_str(o, "kind", w->kind);
	add_str(o, "name", w->name);
	add_str(o, "id", w->id);
	add_str(o, "service", w->service);
	add_str(o, "node", w->node);
	add_str(o, "state", w->state);
	add_str(o, "message", w->message);
	if (w->exit_code >= 0)
		cJSON_AddNumberToObject(o, "exit_code", w->exit_code);
	add_time(o, "from", w->from_ms);
	add_time(o, "until", w->live ? 0 : w->until_ms);
	cJSON_AddBoolToObject(o, "holds_now", w->live);
	if (w->until_event)
		cJSON_AddStringToObject(o, "until_from", "events");
	add_str(o, "source", w->source);
	return o;
}

static cJSON *finding_json(const struct finding *f)
{
	const struct fkind_info *ki = finding_kind(f->kind);
	cJSON *o = cJSON_CreateObject();
	char b[IP4_STRLEN];

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "kind", ki->name);
	cJSON_AddStringToObject(o, "severity", finding_severity_name(f->severity));
	if (ki->fields & FF_NAME)
		add_str(o, "name", f->name);
	if (ki->fields & FF_SERVICE)
		add_str(o, "service", f->service);
	if (ki->fields & FF_NETWORK)
		add_str(o, "network", f->network);
	if (ki->fields & FF_APP)
		add_str(o, "app", f->app);
	if (ki->fields & FF_INSTANCE) {
		if (f->instance_id != NULL || !(ki->fields & FF_ENDPOINT)) {
			add_str(o, "instance_id", f->instance_id);
			add_str(o, "hostname", f->hostname);
		}
		if (f->has_ip)
			cJSON_AddStringToObject(o, "ip", ip4_format(f->ip, b));
		else
			cJSON_AddNullToObject(o, "ip");
		if (f->port >= 0)
			cJSON_AddNumberToObject(o, "port", f->port);
		if (f->status != NULL)
			cJSON_AddStringToObject(o, "status", f->status);
	}
	if (ki->fields & FF_ENDPOINT)
		add_str(o, "endpoint", f->endpoint);
	if (ki->fields & FF_IPS) {
		cJSON *owners = cJSON_CreateObject(), *backends = cJSON_CreateObject();
		ip4_t stale[256];
		size_t n = 0;
		if (f->n_expected > 0 || !(ki->fields & FF_INSTANCE))
			cJSON_AddItemToObject(o, "expected_ips",
			                      ip_array(f->expected_ips, f->n_expected));
		cJSON_AddItemToObject(o, "resolved_ips", ip_array(f->resolved_ips, f->n_resolved));
		for (size_t i = 0; i < f->n_stale && n < 256; i++) {
			stale[n++] = f->stale[i].ip;
			ip4_format(f->stale[i].ip, b);
			if (f->stale[i].owner != NULL)
				cJSON_AddStringToObject(owners, b, f->stale[i].owner);
			else
				cJSON_AddNullToObject(owners, b);
			if (f->stale[i].backends >= 0)
				cJSON_AddNumberToObject(backends, b, (double)f->stale[i].backends);
			else
				cJSON_AddNullToObject(backends, b);
		}
		cJSON_AddItemToObject(o, "stale_ips", ip_array(stale, n));
		cJSON_AddItemToObject(o, "owners", owners);
		cJSON_AddItemToObject(o, "backends", backends);
	}
	if (ki->fields & FF_PROPOSAL)
		add_str(o, "proposal", f->proposal);
	if (ki->fields & FF_ACTION)
		add_str(o, "suggested_action", f->suggested_action);
	if (f->not_ours != NULL)
		add_str(o, "not_ours", f->not_ours);
	if (ki->fields & FF_LEASE) {
		add_time(o, "registered_at", f->registered_ms);
		add_time(o, "last_renewal_at", f->last_renewal_ms);
		if (f->lease_seconds >= 0)
			cJSON_AddNumberToObject(o, "lease_seconds", (double)f->lease_seconds);
	}
	if (ki->fields & FF_REPLICAS) {
		cJSON_AddNumberToObject(o, "desired", (double)f->desired);
		cJSON_AddNumberToObject(o, "running", (double)f->running);
		cJSON_AddNumberToObject(o, "failed_recent", (double)f->failed_recent);
	}
	if (ki->fields & FF_SOURCE)
		add_str(o, "source", f->source);
	if (ki->fields & FF_NODES) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; a && i < f->n_nodes; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(f->nodes[i]));
		cJSON_AddItemToObject(o, "nodes", a);
	}
	add_str(o, "node", f->node != NULL && f->node[0] ? f->node : NULL);
	add_str(o, "message", f->message);
	add_str(o, "remedy", f->remedy);
	{
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; a && i < f->n_evidence; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(f->evidence[i]));
		cJSON_AddItemToObject(o, "evidence", a);
	}
	add_time(o, "first_seen", f->first_seen_ms);
	if (f->n_history > 0) {
		cJSON *h = cJSON_AddObjectToObject(o, "history");
		for (size_t i = 0; h != NULL && i < f->n_history; i++) {
			cJSON *a = cJSON_AddArrayToObject(h, ip4_format(f->history[i].ip, b));
			for (size_t k = 0; a != NULL && k < f->history[i].n; k++)
				cJSON_AddItemToArray(a,
				                     report_owner_json(&f->history[i].owners[k]));
		}
	}
	add_str(o, "id", f->key);
	return o;
}

static cJSON *source_json(const struct report_source *s)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return NULL;
	cJSON_AddBoolToObject(o, "ok", s->attempted && s->ok);
	if (s->attempted && !s->ok)
		cJSON_AddStringToObject(o, "error", s->error);
	return o;
}

static cJSON *cluster_json(const struct cluster *c)
{
	cJSON *o = cJSON_CreateObject(), *nodes, *poisoned;
	const char **on = calloc(c->n_nodes + 1, sizeof(*on));

	if (o == NULL || on == NULL) {
		cJSON_Delete(o);
		free(on);
		return NULL;
	}
	add_str(o, "service", c->service[0] ? c->service : NULL);
	cJSON_AddStringToObject(o, "peers_from", c->how);
	cJSON_AddNumberToObject(o, "nodes_total", (double)c->n_nodes);
	cJSON_AddNumberToObject(o, "answered", (double)cluster_answered(c));
	nodes = cJSON_AddArrayToObject(o, "nodes");
	poisoned = cJSON_AddObjectToObject(o, "poisoned");
	for (size_t i = 0; nodes != NULL && i < c->n_nodes; i++) {
		const struct cluster_node *n = &c->nodes[i];
		cJSON *no = cJSON_CreateObject(), *fa;
		if (no == NULL)
			break;
		add_str(no, "id", n->id[0] ? n->id : NULL);
		add_str(no, "hostname", n->hostname[0] ? n->hostname : NULL);
		add_str(no, "address", n->addr[0] ? n->addr : NULL);
		cJSON_AddBoolToObject(no, "self", n->self);
		cJSON_AddBoolToObject(no, "answered", n->answered);
		cJSON_AddBoolToObject(no, "leader", n->leader);
		add_str(no, "status", n->answered ? n->status : NULL);
		add_str(no, "error", n->error);
		cJSON_AddNumberToObject(no, "dns_names", (double)n->n_answers);
		fa = cJSON_AddArrayToObject(no, "findings");
		for (size_t k = 0; fa != NULL && k < n->n_findings; k++) {
			const struct cluster_finding *f = &n->findings[k];
			cJSON *fo = cJSON_CreateObject();
			if (fo == NULL)
				break;
			cJSON_AddStringToObject(fo, "kind", f->kind);
			cJSON_AddStringToObject(fo, "severity", f->severity);
			add_str(fo, "subject", f->subject);
			add_str(fo, "message", f->message);
			add_str(fo, "id", f->key);
			cJSON_AddItemToArray(fa, fo);
			if (poisoned != NULL && strcmp(f->kind, "poisoned_name") == 0 &&
			    f->subject != NULL && !cJSON_HasObjectItem(poisoned, f->subject)) {
				size_t m = cluster_poisoned_on(c, f->subject, on, c->n_nodes);
				cJSON *a = cJSON_CreateArray();
				for (size_t j = 0; a != NULL && j < m; j++)
					cJSON_AddItemToArray(a, cJSON_CreateString(on[j]));
				cJSON_AddItemToObject(poisoned, f->subject, a);
			}
		}
		cJSON_AddItemToArray(nodes, no);
	}
	free(on);
	return o;
}

int report_json(const struct report *r, struct buf *out)
{
	cJSON *root = cJSON_CreateObject(), *node, *src, *s, *arr;
	char ts[ESRA_TIME_MAX];
	char *text = NULL;
	int rc = ESRA_ENOMEM;

	if (root == NULL)
		return ESRA_ENOMEM;
	cJSON_AddStringToObject(root, "esra_version", ESRA_VERSION);
	cJSON_AddStringToObject(root, "command", r->command);
	cJSON_AddStringToObject(root, "generated_at",
	                        esra_format_time(r->generated_ms, false, ts, sizeof(ts)));
	cJSON_AddNumberToObject(root, "duration_seconds", r->duration_s);
	node = cJSON_AddObjectToObject(root, "node");
	if (node != NULL) {
		add_str(node, "id", r->node.known ? r->node.id : NULL);
		add_str(node, "hostname", r->node.known ? r->node.hostname : NULL);
		cJSON_AddBoolToObject(node, "manager", r->node.manager);
		cJSON_AddBoolToObject(node, "leader", r->node.leader);
		cJSON_AddStringToObject(node, "view",
		                        !r->node.known        ? "none"
		                        : r->node.worker_view ? "worker"
		                                              : "manager");
	}
	src = cJSON_AddObjectToObject(root, "sources");
	if (src != NULL) {
		if ((s = source_json(&r->eureka)) != NULL) {
			add_str(s, "url", r->eureka.where[0] ? r->eureka.where : NULL);
			cJSON_AddNumberToObject(s, "apps", (double)r->eureka.count_a);
			cJSON_AddNumberToObject(s, "instances", (double)r->eureka.count_b);
			cJSON_AddItemToObject(src, "eureka", s);
		}
		if ((s = source_json(&r->docker)) != NULL) {
			add_str(s, "host", r->docker.where[0] ? r->docker.where : NULL);
			add_str(s, "api_version", r->docker_api[0] ? r->docker_api : NULL);
			cJSON_AddNumberToObject(s, "services", (double)r->docker.count_a);
			cJSON_AddNumberToObject(s, "tasks", (double)r->docker.count_b);
			cJSON_AddNumberToObject(s, "containers", (double)r->docker.count_c);
			cJSON_AddItemToObject(src, "docker", s);
		}
		if ((s = source_json(&r->dns)) != NULL) {
			add_str(s, "server", r->dns.where[0] ? r->dns.where : NULL);
			add_str(s, "netns", r->dns_seat[0] ? r->dns_seat : NULL);
			cJSON_AddNumberToObject(s, "names", (double)r->dns.count_a);
			cJSON_AddNumberToObject(s, "queries", (double)r->dns.count_b);
			cJSON_AddItemToObject(src, "dns", s);
		}
	}
	cJSON_AddStringToObject(root, "status",
	                        r->status == SEV_INFO ? "ok" : finding_severity_name(r->status));
	arr = cJSON_AddArrayToObject(root, "findings");
	for (size_t i = 0; arr != NULL && i < r->findings.n; i++)
		cJSON_AddItemToArray(arr, finding_json(&r->findings.v[i]));
	arr = cJSON_AddArrayToObject(root, "actions");
	for (size_t i = 0; arr != NULL && i < r->n_actions; i++) {
		const struct report_action *a = &r->actions[i];
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			break;
		cJSON_AddStringToObject(o, "action", a->action);
		cJSON_AddStringToObject(o, "app", a->app);
		cJSON_AddStringToObject(o, "instance_id", a->instance_id);
		cJSON_AddStringToObject(o, "result", result_name(a->result));
		cJSON_AddStringToObject(o, "reason", a->reason);
		add_str(o, "rule", a->rule);
		if (a->peers_agree >= 0)
			cJSON_AddBoolToObject(o, "peers_agree", a->peers_agree == 1);
		else
			cJSON_AddNullToObject(o, "peers_agree");
		if (a->http_status > 0)
			cJSON_AddNumberToObject(o, "http_status", (double)a->http_status);
		cJSON_AddItemToArray(arr, o);
	}
	if (r->n_names > 0 && (arr = cJSON_AddArrayToObject(root, "names")) != NULL) {
		for (size_t i = 0; i < r->n_names; i++) {
			cJSON *o = cJSON_CreateObject();
			if (o == NULL)
				break;
			cJSON_AddStringToObject(o, "name", r->names[i].name);
			cJSON_AddStringToObject(o, "state", r->names[i].state);
			add_str(o, "proposal", r->names[i].proposal);
			cJSON_AddItemToArray(arr, o);
		}
	}
	arr = cJSON_AddArrayToObject(root, "notes");
	for (size_t i = 0; arr != NULL && i < r->n_notes; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(r->notes[i]));
	arr = cJSON_AddArrayToObject(root, "warnings");
	for (size_t i = 0; arr != NULL && i < r->n_warnings; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(r->warnings[i]));
	if (r->cluster != NULL)
		cJSON_AddItemToObject(root, "cluster", cluster_json(r->cluster));
	/* what this node's DNS answered, so the cluster view can compare the nodes */
	if ((s = cJSON_AddObjectToObject(root, "dns_answers")) != NULL)
		for (size_t i = 0; i < r->n_answers; i++)
			cJSON_AddItemToObject(s, r->answers[i].name,
			                      ip_array(r->answers[i].ips, r->answers[i].n_ips));
	text = cJSON_Print(root);
	if (text != NULL) {
		rc = buf_puts(out, text);
		if (rc == 0)
			rc = buf_puts(out, "\n");
	}
	free(text);
	cJSON_Delete(root);
	return rc;
}

/* ---------------------------------------------------------------- Prometheus */

void report_count_actions(const struct report *r, struct report_counters *c)
{
	for (size_t i = 0; i < r->n_actions; i++) {
		const struct report_action *a = &r->actions[i];
		int k = strcmp(a->action, "deregister") == 0 ? 0
		        : strcmp(a->action, "flag") == 0     ? 1
		                                             : 2;
		if (a->result != ACT_PLANNED) /* --plan sends nothing */
			c->actions[k][a->result]++;
	}
	if (r->eureka.ok && r->docker.ok && r->dns.ok)
		c->last_success_ms = r->generated_ms;
}

/* A Prometheus label value: backslash, double quote and newline escaped. */
static int label_value(struct buf *b, const char *s)
{
	int rc = 0;

	for (; *s != '\0' && rc == 0; s++) {
		if (*s == '\\' || *s == '"')
			rc = buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			rc = buf_puts(b, "\\n");
		else
			rc = buf_append(b, s, 1);
	}
	return rc;
}

int report_prometheus(const struct report *r, const struct report_counters *c, struct buf *b)
{
	static const char *const acts[3] = {"deregister", "flag", "other"};
	static const enum severity sevs[] = {SEV_INFO, SEV_WARNING, SEV_CRITICAL, SEV_UNKNOWN};
	const struct report_source *src[3] = {&r->eureka, &r->docker, &r->dns};
	static const char *const srcn[3] = {"eureka", "docker", "dns"};
	int rc;

	rc = buf_puts(b, "# HELP esra_findings Findings of the last check, by kind and severity.\n"
	                 "# TYPE esra_findings gauge\n");
	for (int k = 0; k < FK_COUNT && rc == 0; k++) {
		const struct fkind_info *ki = finding_kind((enum fkind)k);
		for (size_t s = 0; s < 4 && rc == 0; s++) {
			size_t n = 0;
			for (size_t i = 0; i < r->findings.n; i++)
				if (r->findings.v[i].kind == (enum fkind)k &&
				    r->findings.v[i].severity == sevs[s])
					n++;
			if (n == 0 && sevs[s] != ki->severity)
				continue;
			rc = buf_printf(b, "esra_findings{kind=\"%s\",severity=\"%s\"} %zu\n",
			                ki->name, finding_severity_name(sevs[s]), n);
		}
	}
	if (rc == 0)
		rc = buf_puts(b, "# HELP esra_finding_first_seen_timestamp_seconds When esra first "
		                 "saw each open finding (its memory, state.dir).\n"
		                 "# TYPE esra_finding_first_seen_timestamp_seconds gauge\n");
	for (size_t i = 0; i < r->findings.n && rc == 0; i++) {
		const struct finding *f = &r->findings.v[i];
		if (f->first_seen_ms <= 0 || f->key == NULL)
			continue;
		rc = buf_puts(b, "esra_finding_first_seen_timestamp_seconds{id=\"");
		if (rc == 0)
			rc = label_value(b, f->key);
		if (rc == 0)
			rc = buf_printf(b, "\",kind=\"%s\"} %lld\n", finding_kind(f->kind)->name,
			                (long long)(f->first_seen_ms / 1000));
	}
	if (rc == 0)
		rc = buf_puts(b, "# HELP esra_source_up Whether a source could be read in the last "
		                 "check.\n# TYPE esra_source_up gauge\n");
	for (int i = 0; i < 3 && rc == 0; i++)
		rc = buf_printf(b, "esra_source_up{source=\"%s\"} %d\n", srcn[i],
		                src[i]->attempted && src[i]->ok ? 1 : 0);
	if (rc == 0)
		rc = buf_printf(b,
		                "# HELP esra_check_duration_seconds Wall time of the last check.\n"
		                "# TYPE esra_check_duration_seconds gauge\n"
		                "esra_check_duration_seconds %.6f\n",
		                r->duration_s);
	if (rc == 0)
		rc = buf_puts(b,
		              "# HELP esra_actions_total Registry actions, by action and result.\n"
		              "# TYPE esra_actions_total counter\n");
	for (int a = 0; a < 2 && rc == 0; a++)
		for (int res = 0; res < 3 && rc == 0; res++)
			rc = buf_printf(b, "esra_actions_total{action=\"%s\",result=\"%s\"} %llu\n",
			                acts[a], result_name((enum act_result)res),
			                (unsigned long long)c->actions[a][res]);
	if (rc == 0)
		rc = buf_printf(b,
		                "# HELP esra_last_success_timestamp_seconds End of the last check "
		                "whose sources were all read.\n"
		                "# TYPE esra_last_success_timestamp_seconds gauge\n"
		                "esra_last_success_timestamp_seconds %.3f\n",
		                c->last_success_ms / 1000.0);
	if (rc == 0)
		rc = buf_printf(b,
		                "# HELP esra_is_leader Whether this node is the swarm leader.\n"
		                "# TYPE esra_is_leader gauge\nesra_is_leader %d\n",
		                r->node.leader ? 1 : 0);
	if (rc == 0 && r->cluster != NULL)
		rc = buf_printf(
		    b,
		    "# HELP esra_cluster_nodes Nodes in the cluster view of esra's global "
		    "service, by whether their esra answered.\n"
		    "# TYPE esra_cluster_nodes gauge\n"
		    "esra_cluster_nodes{answered=\"true\"} %zu\n"
		    "esra_cluster_nodes{answered=\"false\"} %zu\n",
		    cluster_answered(r->cluster),
		    r->cluster->n_nodes - cluster_answered(r->cluster));
	if (rc == 0)
		rc = buf_printf(
		    b,
		    "# HELP esra_config_warnings Warnings about esra's own configuration "
		    "in the last check (e.g. eureka.tls_verify = false).\n"
		    "# TYPE esra_config_warnings gauge\nesra_config_warnings %zu\n",
		    r->n_warnings);
	return rc;
}
