/* cluster.c: the cluster view (see cluster.h): nodes and their answers, reading the peers'
 * /status concurrently with a bound, and the merge into dns_divergence findings. */
#include "cluster.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "buf.h"
#include "http.h"
#include "limits.h"
#include "netns.h"

#define CLUSTER_MAX_BODY    (64u << 20) /* bytes of one peer's /status */
#define CLUSTER_MAX_NODES   4096        /* nodes in one cluster view */
#define CLUSTER_MAX_INFLGHT 32          /* peers asked at once */
#define CLUSTER_MAX_SHOWN   8           /* addresses / nodes spelled out in one sentence */

struct cluster *cluster_new(const char *service, const char *how)
{
	struct cluster *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if ((c->pool = pool_new()) == NULL ||
	    (c->service = pool_strdup(c->pool, service != NULL ? service : "")) == NULL ||
	    (c->how = pool_strdup(c->pool, how != NULL ? how : "")) == NULL) {
		cluster_free(c);
		return NULL;
	}
	return c;
}

void cluster_free(struct cluster *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_nodes; i++) {
		free(c->nodes[i].findings);
		free(c->nodes[i].answers);
	}
	free(c->nodes);
	pool_free(c->pool);
	free(c);
}

struct cluster_node *cluster_add_node(struct cluster *c)
{
	struct cluster_node *n;

	if (c->n_nodes >= CLUSTER_MAX_NODES)
		return NULL;
	if ((n = array_grow(c->nodes, &c->cap_nodes, c->n_nodes, sizeof(*n), 8)) == NULL)
		return NULL;
	c->nodes = n;
	n = &c->nodes[c->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->id = n->hostname = n->addr = n->status = "";
	return n;
}

static const char *dup_or_empty(struct cluster *c, const char *s)
{
	return pool_strdup(c->pool, s != NULL ? s : "");
}

int cluster_node_set(struct cluster *c, struct cluster_node *n, const char *id,
                     const char *hostname, const char *addr)
{
	if ((id != NULL && (n->id = dup_or_empty(c, id)) == NULL) ||
	    (hostname != NULL && (n->hostname = dup_or_empty(c, hostname)) == NULL) ||
	    (addr != NULL && (n->addr = dup_or_empty(c, addr)) == NULL))
		return ESRA_ENOMEM;
	return ESRA_OK;
}

int cluster_node_add_finding(struct cluster *c, struct cluster_node *n, const char *kind,
                             const char *severity, const char *subject, const char *key,
                             const char *message)
{
	struct cluster_finding *f;

	if ((f = array_grow(n->findings, &n->cap_findings, n->n_findings, sizeof(*f), 8)) == NULL)
		return ESRA_ENOMEM;
	n->findings = f;
	f = &n->findings[n->n_findings];
	f->kind = dup_or_empty(c, kind);
	f->severity = dup_or_empty(c, severity);
	f->subject = pool_strdup(c->pool, subject);
	f->key = pool_strdup(c->pool, key);
	f->message = pool_strdup(c->pool, message);
	if (f->kind == NULL || f->severity == NULL || (subject != NULL && f->subject == NULL) ||
	    (key != NULL && f->key == NULL) || (message != NULL && f->message == NULL))
		return ESRA_ENOMEM;
	n->n_findings++;
	return ESRA_OK;
}

static int cmp_ip(const void *a, const void *b)
{
	ip4_t x = *(const ip4_t *)a, y = *(const ip4_t *)b;

	return x < y ? -1 : x > y;
}

/* Index of name in n->answers, or where it would go (*found false). */
static size_t answer_pos(const struct cluster_node *n, const char *name, bool *found)
{
	size_t lo = 0, hi = n->n_answers;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = esra_strcasecmp(n->answers[mid].name, name);
		if (d == 0) {
			*found = true;
			return mid;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct cluster_answer *answer_find(const struct cluster_node *n, const char *name)
{
	bool found;
	size_t i = answer_pos(n, name, &found);

	return found ? &n->answers[i] : NULL;
}

int cluster_node_add_answer(struct cluster *c, struct cluster_node *n, const char *name,
                            const ip4_t *ips, size_t n_ips)
{
	struct cluster_answer a, *grown;
	bool found;
	size_t pos = answer_pos(n, name, &found), k = 0;

	if (found)
		return ESRA_OK;
	grown = array_grow(n->answers, &n->cap_answers, n->n_answers, sizeof(*grown), 64);
	if (grown == NULL)
		return ESRA_ENOMEM;
	n->answers = grown;
	a.name = pool_strdup(c->pool, name);
	a.ips = pool_alloc(c->pool, (n_ips + 1) * sizeof(*a.ips));
	if (a.name == NULL || a.ips == NULL)
		return ESRA_ENOMEM;
	if (n_ips > 0)
		memcpy(a.ips, ips, n_ips * sizeof(*ips));
	qsort(a.ips, n_ips, sizeof(*a.ips), cmp_ip);
	for (size_t i = 0; i < n_ips; i++) /* drop duplicates */
		if (k == 0 || a.ips[k - 1] != a.ips[i])
			a.ips[k++] = a.ips[i];
	a.n_ips = k;
	memmove(&n->answers[pos + 1], &n->answers[pos], (n->n_answers - pos) * sizeof(a));
	n->answers[pos] = a;
	n->n_answers++;
	return ESRA_OK;
}

int cluster_node_add_dns(struct cluster *c, struct cluster_node *n, const struct dns_view *v)
{
	for (size_t i = 0; v != NULL && i < v->n; i++) {
		const struct dns_answer *a = &v->ans[i];
		int rc;
		if (!model_dns_rc_definite(a->rc))
			continue;
		if ((rc = cluster_node_add_answer(c, n, a->name, a->ips,
		                                  a->rc == DNS_RC_OK ? a->n_ips : 0)) != ESRA_OK)
			return rc;
	}
	return ESRA_OK;
}

/* ---------------------------------------------------------------- a peer's /status */

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The subject a finding is listed by: as report.c's summary does it. */
static const char *subject_of(const cJSON *f)
{
	static const char *const keys[] = {"name", "service", "app", "source"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (str_of(f, keys[i]) != NULL)
			return str_of(f, keys[i]);
	return NULL;
}

static int parse_answers(struct cluster *c, struct cluster_node *n, const char *where,
                         const cJSON *answers, struct esra_err *err)
{
	const cJSON *a;
	ip4_t ips[ESRA_MAX_DNS_IPS];

	if (answers == NULL)
		return esra_err_set(err, ESRA_EPARSE,
		                    "%s: /status has no dns_answers (an esra older than the "
		                    "cluster view?)",
		                    where);
	if (!cJSON_IsObject(answers))
		return esra_err_set(err, ESRA_EPARSE, "%s: /status dns_answers is not an object",
		                    where);
	cJSON_ArrayForEach(a, answers)
	{
		const cJSON *ip;
		size_t k = 0;
		int rc;
		if (!cJSON_IsArray(a) || a->string == NULL)
			return esra_err_set(
			    err, ESRA_EPARSE,
			    "%s: /status dns_answers.%s is not an array of addresses", where,
			    a->string != NULL ? a->string : "?");
		cJSON_ArrayForEach(ip, a)
		{
			if (k == ESRA_MAX_DNS_IPS)
				return esra_err_set(err, ESRA_ETOOLARGE,
				                    "%s: /status dns_answers.%s: over %d addresses",
				                    where, a->string, ESRA_MAX_DNS_IPS);
			if (!cJSON_IsString(ip) ||
			    ip4_parse(ip->valuestring, (size_t)-1, &ips[k], NULL) != ESRA_OK)
				return esra_err_set(
				    err, ESRA_EPARSE,
				    "%s: /status dns_answers.%s holds something that is "
				    "not an IPv4 address",
				    where, a->string);
			k++;
		}
		if ((rc = cluster_node_add_answer(c, n, a->string, ips, k)) != ESRA_OK)
			return esra_err_set(err, rc, "out of memory");
	}
	return ESRA_OK;
}

int cluster_node_parse_status(struct cluster *c, struct cluster_node *n, const char *where,
                              const char *body, size_t len, struct esra_err *err)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *node, *findings, *f, *leader;
	const char *id, *hostname, *status;
	int rc = ESRA_OK;

	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return esra_err_set(err, ESRA_EPARSE, "%s: /status is not a JSON object", where);
	}
	node = cJSON_GetObjectItemCaseSensitive(root, "node");
	findings = cJSON_GetObjectItemCaseSensitive(root, "findings");
	status = str_of(root, "status");
	id = cJSON_IsObject(node) ? str_of(node, "id") : NULL;
	hostname = cJSON_IsObject(node) ? str_of(node, "hostname") : NULL;
	if (id == NULL || status == NULL || !cJSON_IsArray(findings)) {
		rc = esra_err_set(err, ESRA_EPARSE, "%s: /status is not an esra report (no %s)",
		                  where,
		                  id == NULL       ? "node.id"
		                  : status == NULL ? "status"
		                                   : "findings");
		goto out;
	}
	leader = cJSON_GetObjectItemCaseSensitive(node, "leader");
	n->leader = cJSON_IsTrue(leader);
	if ((n->id = pool_strdup(c->pool, id)) == NULL ||
	    (n->hostname = dup_or_empty(c, hostname)) == NULL ||
	    (n->status = pool_strdup(c->pool, status)) == NULL) {
		rc = esra_err_set(err, ESRA_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(f, findings)
	{
		const char *kind = str_of(f, "kind"), *sev = str_of(f, "severity");
		if (kind == NULL || sev == NULL) {
			rc = esra_err_set(err, ESRA_EPARSE,
			                  "%s: /status holds a finding without kind or severity",
			                  where);
			goto out;
		}
		if (cluster_node_add_finding(c, n, kind, sev, subject_of(f), str_of(f, "id"),
		                             str_of(f, "message")) != ESRA_OK) {
			rc = esra_err_set(err, ESRA_ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = parse_answers(c, n, where, cJSON_GetObjectItemCaseSensitive(root, "dns_answers"), err);
out:
	cJSON_Delete(root);
	return rc;
}

/* ---------------------------------------------------------------- reading the peers */

struct peer_job {
	const struct cluster_peer *peer;
	const struct cluster_fetch_opts *o;
	char url[64];
	struct http_resp resp;
	int rc;
	struct esra_err err;
};

static void *peer_get(void *arg)
{
	struct peer_job *j = arg;
	struct http_opts ho;
	struct http_req req;
	struct http *h;

	memset(&ho, 0, sizeof(ho));
	ho.timeout_ms = j->o->timeout_ms;
	ho.stop = j->o->stop;
	ho.max_body = j->o->max_body != 0 ? j->o->max_body : CLUSTER_MAX_BODY;
	memset(&req, 0, sizeof(req));
	req.url = j->url;
	req.accept = "application/json";
	if ((h = http_new(&ho, &j->err)) == NULL) {
		j->rc = j->err.code;
		return NULL;
	}
	j->rc = http_do(h, &req, &j->resp, &j->err);
	http_free(h);
	return NULL;
}

static bool known_id(const struct cluster *c, const char *id)
{
	for (size_t i = 0; id[0] != '\0' && i < c->n_nodes; i++)
		if (strcmp(c->nodes[i].id, id) == 0)
			return true;
	return false;
}

/* One peer's outcome into the cluster. */
static int add_peer(struct cluster *c, struct peer_job *j)
{
	struct cluster_node *n;
	struct cluster *tmp;
	struct cluster_node *t;
	struct esra_err e;
	const struct cluster_peer *p = j->peer;
	char where[80];
	int rc;

	snprintf(where, sizeof(where), "peer %s", j->url + 7); /* after "http://" */
	*strrchr(where, '/') = '\0';
	if (j->rc == ESRA_ENOMEM)
		return ESRA_ENOMEM;
	esra_err_clear(&e);
	rc = j->rc;
	if (rc == ESRA_OK && j->resp.status != 200)
		rc = esra_err_set(&e, ESRA_EHTTP, "GET %s: HTTP %ld%s", j->url, j->resp.status,
		                  j->resp.status == 503 ? " (its first cycle has not ended)" : "");
	else if (rc != ESRA_OK)
		e = j->err;
	/* parse into a scratch node first: this node may turn out to be one already known */
	if ((tmp = cluster_new(NULL, NULL)) == NULL || (t = cluster_add_node(tmp)) == NULL) {
		cluster_free(tmp);
		return ESRA_ENOMEM;
	}
	if (rc == ESRA_OK)
		rc = cluster_node_parse_status(tmp, t, where, j->resp.body.data, j->resp.body.len,
		                               &e);
	if (rc == ESRA_ENOMEM) {
		cluster_free(tmp);
		return rc;
	}
	if (rc == ESRA_OK && known_id(c, t->id)) {
		cluster_free(tmp);
		return ESRA_OK;
	}
	if ((n = cluster_add_node(c)) == NULL) {
		cluster_free(tmp);
		return ESRA_ENOMEM;
	}
	rc = rc == ESRA_OK ? ESRA_OK : ESRA_EIO; /* the peer's failure is data, not ours */
	if (rc == ESRA_OK) {
		n->answered = true;
		n->leader = t->leader;
		if (cluster_node_set(c, n, t->id, t->hostname, where + 5) != ESRA_OK ||
		    (n->status = pool_strdup(c->pool, t->status)) == NULL)
			goto nomem;
		for (size_t i = 0; i < t->n_findings; i++) {
			const struct cluster_finding *f = &t->findings[i];
			if (cluster_node_add_finding(c, n, f->kind, f->severity, f->subject, f->key,
			                             f->message) != ESRA_OK)
				goto nomem;
		}
		for (size_t i = 0; i < t->n_answers; i++)
			if (cluster_node_add_answer(c, n, t->answers[i].name, t->answers[i].ips,
			                            t->answers[i].n_ips) != ESRA_OK)
				goto nomem;
	} else {
		if (cluster_node_set(c, n, p->node_id, p->hostname, where + 5) != ESRA_OK ||
		    (n->error = pool_strdup(c->pool, e.msg)) == NULL)
			goto nomem;
	}
	cluster_free(tmp);
	return ESRA_OK;
nomem:
	cluster_free(tmp);
	return ESRA_ENOMEM;
}

struct fetch_all {
	struct cluster *c;
	struct peer_job *jobs;
	size_t n;
};

/* Runs in the namespace the peers are reached from (threads made here inherit it): asks
 * the peers in waves of CLUSTER_MAX_INFLGHT and adds each wave's outcomes before the next,
 * so that only one wave's bodies are held at once. */
static int fetch_all(void *arg, struct esra_err *err)
{
	struct fetch_all *fa = arg;
	size_t first = 0;

	while (first < fa->n) {
		pthread_t th[CLUSTER_MAX_INFLGHT];
		bool started[CLUSTER_MAX_INFLGHT];
		size_t m = 0;
		int rc = ESRA_OK;
		for (; m < CLUSTER_MAX_INFLGHT && first + m < fa->n; m++) {
			started[m] =
			    pthread_create(&th[m], NULL, peer_get, &fa->jobs[first + m]) == 0;
			if (!started[m]) /* no thread to spare: ask it here */
				peer_get(&fa->jobs[first + m]);
		}
		for (size_t i = 0; i < m; i++) {
			if (started[i])
				pthread_join(th[i], NULL);
		}
		for (size_t i = 0; i < m; i++) {
			if (rc == ESRA_OK)
				rc = add_peer(fa->c, &fa->jobs[first + i]);
			http_resp_free(&fa->jobs[first + i].resp);
		}
		if (rc != ESRA_OK)
			return esra_err_set(err, ESRA_ENOMEM, "cluster: out of memory");
		first += m;
	}
	return ESRA_OK;
}

int cluster_fetch(struct cluster *c, const struct cluster_peer *peers, size_t n,
                  const struct cluster_fetch_opts *o, struct esra_err *err)
{
	struct fetch_all fa;
	char ip[IP4_STRLEN];
	int rc = ESRA_OK;

	if (n == 0)
		return ESRA_OK;
	fa.c = c;
	fa.n = n;
	fa.jobs = calloc(n, sizeof(*fa.jobs));
	if (fa.jobs == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "cluster: out of memory");
	for (size_t i = 0; i < n; i++) {
		fa.jobs[i].peer = &peers[i];
		fa.jobs[i].o = o;
		http_resp_init(&fa.jobs[i].resp);
		snprintf(fa.jobs[i].url, sizeof(fa.jobs[i].url), "http://%s:%d/status",
		         ip4_format(peers[i].ip, ip), peers[i].port);
	}
	rc = netns_run(o->netns, fetch_all, &fa, NULL, err);
	for (size_t i = 0; i < n; i++) /* what a failed wave left */
		http_resp_free(&fa.jobs[i].resp);
	free(fa.jobs);
	return rc;
}

/* ---------------------------------------------------------------- the merge */

const char *cluster_node_label(const struct cluster_node *n)
{
	return n->hostname[0] ? n->hostname : n->id[0] ? n->id : n->addr;
}

size_t cluster_answered(const struct cluster *c)
{
	size_t k = 0;

	for (size_t i = 0; i < c->n_nodes; i++)
		k += c->nodes[i].answered;
	return k;
}

size_t cluster_poisoned_on(const struct cluster *c, const char *name, const char **out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct cluster_node *n = &c->nodes[i];
		for (size_t j = 0; j < n->n_findings; j++)
			if (strcmp(n->findings[j].kind, "poisoned_name") == 0 &&
			    n->findings[j].subject != NULL &&
			    esra_strcasecmp(n->findings[j].subject, name) == 0) {
				if (k < cap)
					out[k] = cluster_node_label(n);
				k++;
				break;
			}
	}
	return k;
}

static bool has_ip(const struct cluster_answer *a, ip4_t ip)
{
	return bsearch(&ip, a->ips, a->n_ips, sizeof(ip), cmp_ip) != NULL;
}

/* "10.0.1.2, 10.0.1.8" (or "no record") into b. */
static int ips_text(struct buf *b, const ip4_t *ips, size_t n)
{
	char ip[IP4_STRLEN];
	int rc = n == 0 ? buf_puts(b, "no record") : ESRA_OK;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = buf_printf(b, "%s%s", i ? ", " : "", ip4_format(ips[i], ip));
	return rc;
}

/* One name, asked by the answering nodes in ans[] (NULL where a node did not judge it). */
static int judge_name(const struct cluster *c, const struct cluster_answer *const *ans,
                      const char *name, struct finding_list *out)
{
	ip4_t *all = NULL, *common = NULL;
	struct stale_ip *extra = NULL;
	const char **nodes = NULL;
	size_t n_all = 0, n_common = 0, n_extra = 0, n_nodes = 0, askers = 0, total = 0;
	struct finding *f;
	struct buf b;
	char ip[IP4_STRLEN];
	int rc = ESRA_ENOMEM;

	for (size_t i = 0; i < c->n_nodes; i++)
		if (ans[i] != NULL) {
			askers++;
			total += ans[i]->n_ips;
		}
	all = malloc((total + 1) * sizeof(*all));
	if (all == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < c->n_nodes; i++)
		if (ans[i] != NULL && ans[i]->n_ips > 0) {
			memcpy(all + n_all, ans[i]->ips, ans[i]->n_ips * sizeof(*all));
			n_all += ans[i]->n_ips;
		}
	qsort(all, n_all, sizeof(*all), cmp_ip);
	total = 0;
	for (size_t i = 0; i < n_all; i++)
		if (total == 0 || all[total - 1] != all[i])
			all[total++] = all[i];
	n_all = total;
	/* an address not in every answer is extra */
	for (size_t k = 0; k < n_all; k++) {
		size_t holders = 0;
		for (size_t i = 0; i < c->n_nodes; i++)
			holders += ans[i] != NULL && has_ip(ans[i], all[k]);
		if (holders < askers)
			n_extra++;
	}
	if (n_extra == 0) {
		free(all);
		return ESRA_OK;
	}
	f = finding_add(out, FK_DNS_DIVERGENCE);
	if (f == NULL)
		goto out;
	f->name = finding_strdup(out, name);
	common = pool_alloc(out->pool, (n_all + 1) * sizeof(*common));
	extra = pool_alloc(out->pool, (n_extra + 1) * sizeof(*extra));
	f->resolved_ips = pool_memdup(out->pool, all, (n_all + 1) * sizeof(*all));
	nodes = pool_alloc(out->pool, (c->n_nodes + 1) * sizeof(*nodes));
	if (f->name == NULL || common == NULL || extra == NULL || f->resolved_ips == NULL ||
	    nodes == NULL)
		goto out;
	f->n_resolved = n_all;
	n_extra = 0;
	for (size_t k = 0; k < n_all; k++) {
		size_t holders = 0;
		for (size_t i = 0; i < c->n_nodes; i++)
			holders += ans[i] != NULL && has_ip(ans[i], all[k]);
		if (holders == askers) {
			common[n_common++] = all[k];
		} else {
			extra[n_extra].ip = all[k];
			extra[n_extra].owner = NULL;
			extra[n_extra].backends = -1;
			n_extra++;
		}
	}
	/* the nodes whose answer holds an extra address, in cluster order */
	for (size_t i = 0; i < c->n_nodes; i++) {
		bool holds = false;
		for (size_t k = 0; ans[i] != NULL && k < n_extra && !holds; k++)
			holds = has_ip(ans[i], extra[k].ip);
		if (holds)
			nodes[n_nodes++] = cluster_node_label(&c->nodes[i]);
	}
	f->expected_ips = common;
	f->n_expected = n_common;
	f->stale = extra;
	f->n_stale = n_extra;
	f->nodes = nodes;
	f->n_nodes = n_nodes;
	if (finding_set_key(f, out, "%s", name) != ESRA_OK)
		goto out;
	buf_init(&b, 0);
	/* message: which address, on which nodes (the texts are the finding table's) */
	rc = ESRA_OK;
	for (size_t k = 0; k < n_extra && rc == 0; k++) {
		size_t shown = 0;
		if (k == CLUSTER_MAX_SHOWN) {
			rc = buf_printf(&b, " and %zu more", n_extra - k);
			break;
		}
		rc = buf_printf(&b, "%s %s only on ", k ? ";" : "", ip4_format(extra[k].ip, ip));
		for (size_t i = 0; i < c->n_nodes && rc == 0; i++)
			if (ans[i] != NULL && has_ip(ans[i], extra[k].ip))
				rc = buf_printf(&b, "%s%s", shown++ ? ", " : "",
				                cluster_node_label(&c->nodes[i]));
	}
	if (rc == 0 && ((f->words[0] = finding_strdup(out, b.data != NULL ? b.data : "")) == NULL ||
	                (f->words[1] = finding_printf(out, "%zu", askers)) == NULL))
		rc = ESRA_ENOMEM;
	/* remedy: exactly those nodes */
	f->variant = n_nodes == 1 ? DIVERGENCE_ONE_NODE : DIVERGENCE_NODES;
	if (rc == 0)
		rc = finding_texts(f, out);
	/* evidence: every node's answer, and who was not compared */
	for (size_t i = 0; i < c->n_nodes && rc == 0; i++) {
		const struct cluster_node *nd = &c->nodes[i];
		buf_reset(&b);
		if (!nd->answered)
			rc = buf_printf(&b, "%s did not answer: not compared",
			                cluster_node_label(nd));
		else if (ans[i] == NULL)
			rc = buf_printf(&b, "%s did not judge %s", cluster_node_label(nd), name);
		else if ((rc = buf_printf(&b, "%s answers ", cluster_node_label(nd))) == 0)
			rc = ips_text(&b, ans[i]->ips, ans[i]->n_ips);
		if (rc == 0)
			rc = finding_add_evidence(f, out, "%s", b.data);
	}
	buf_free(&b);
out:
	free(all);
	return rc;
}

int cluster_merge(const struct cluster *c, struct finding_list *out, struct esra_err *err)
{
	const struct cluster_answer **ans = calloc(c->n_nodes + 1, sizeof(*ans));
	int rc = ESRA_OK;

	if (ans == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "cluster: out of memory");
	/* every name of every answering node, judged once: at the first node that has it */
	for (size_t i = 0; i < c->n_nodes && rc == ESRA_OK; i++) {
		const struct cluster_node *ni = &c->nodes[i];
		if (!ni->answered)
			continue;
		for (size_t a = 0; a < ni->n_answers && rc == ESRA_OK; a++) {
			const char *name = ni->answers[a].name;
			size_t askers = 0;
			bool earlier = false;
			for (size_t j = 0; j < i && !earlier; j++)
				earlier = c->nodes[j].answered && answer_find(&c->nodes[j], name);
			if (earlier)
				continue;
			for (size_t j = 0; j < c->n_nodes; j++) {
				ans[j] =
				    c->nodes[j].answered ? answer_find(&c->nodes[j], name) : NULL;
				askers += ans[j] != NULL;
			}
			if (askers >= 2)
				rc = judge_name(c, ans, name, out);
		}
	}
	free(ans);
	if (rc != ESRA_OK)
		return esra_err_set(err, rc, "cluster: out of memory");
	return ESRA_OK;
}

/* ---------------------------------------------------------------- finding the peers */

static bool is_esra_name(const char *name)
{
	const char *u = strrchr(name, '_');

	return strcmp(name, "esra") == 0 || (u != NULL && u != name && strcmp(u, "_esra") == 0);
}

const struct sw_container *cluster_self_container(const struct sw_view *sw, const char *hostname)
{
	size_t len = hostname != NULL ? strlen(hostname) : 0;

	for (size_t i = 0; sw != NULL && len >= 12 && i < sw->n_containers; i++)
		if (strncmp(sw->containers[i].id, hostname, len) == 0)
			return &sw->containers[i];
	return NULL;
}

const char *cluster_find_service(const struct sw_view *sw, const char *hostname)
{
	if (sw == NULL)
		return NULL;
	if (hostname != NULL) {
		const struct sw_container *ct = cluster_self_container(sw, hostname);
		return ct != NULL ? ct->service_name : NULL;
	}
	for (size_t i = 0; i < sw->n_services; i++)
		if (sw->services[i].mode == SW_MODE_GLOBAL && is_esra_name(sw->services[i].name))
			return sw->services[i].name;
	return NULL;
}

const struct sw_container *cluster_local_task(const struct sw_view *sw, const char *service)
{
	for (size_t i = 0; sw != NULL && i < sw->n_containers; i++) {
		const struct sw_container *ct = &sw->containers[i];
		if (ct->service_name != NULL && strcmp(ct->service_name, service) == 0 &&
		    strcmp(ct->state, "running") == 0)
			return ct;
	}
	return NULL;
}

static const struct sw_node *node_by_id(const struct sw_view *sw, const char *id)
{
	for (size_t i = 0; id != NULL && i < sw->n_nodes; i++)
		if (strcmp(sw->nodes[i].id, id) == 0)
			return &sw->nodes[i];
	return NULL;
}

static size_t service_index(const struct sw_view *sw, const char *service)
{
	for (size_t i = 0; i < sw->n_services; i++)
		if (strcmp(sw->services[i].name, service) == 0)
			return i;
	return MODEL_NONE;
}

static void peer_of_task(const struct sw_view *sw, const struct sw_task *t, ip4_t ip, int port,
                         struct cluster_peer *p)
{
	const struct sw_node *nd = node_by_id(sw, t->node_id);

	p->ip = ip;
	p->port = port;
	p->node_id = t->node_id;
	p->hostname = nd != NULL ? nd->hostname : NULL;
}

int cluster_peers_from_tasks(const struct sw_view *sw, const char *service, int port,
                             struct cluster_peer **out, size_t *n)
{
	size_t svc = service_index(sw, service), k = 0;
	struct cluster_peer *v = calloc(sw->n_tasks + 1, sizeof(*v));

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; svc != MODEL_NONE && i < sw->n_tasks; i++) {
		const struct sw_task *t = &sw->tasks[i];
		if (t->service != svc || !model_task_live(t) || t->n_addrs == 0 ||
		    (t->node_id != NULL && strcmp(t->node_id, sw->self.id) == 0))
			continue;
		peer_of_task(sw, t, t->addrs[0].ip, port, &v[k++]);
	}
	*out = v;
	*n = k;
	return ESRA_OK;
}

int cluster_peers_from_dns(const struct sw_view *sw, const char *service,
                           const struct sw_container *self, const ip4_t *ips, size_t n_ips,
                           int port, struct cluster_peer **out, size_t *n)
{
	size_t svc = sw != NULL ? service_index(sw, service) : MODEL_NONE, k = 0;
	struct cluster_peer *v = calloc(n_ips + 1, sizeof(*v));

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < n_ips; i++) {
		bool mine = false;
		for (size_t c = 0; self != NULL && c < self->n_nets && !mine; c++)
			mine = self->nets[c].has_ip && self->nets[c].ip == ips[i];
		if (mine)
			continue;
		v[k].ip = ips[i];
		v[k].port = port;
		/* a manager's view says which node the address is on */
		for (size_t t = 0; svc != MODEL_NONE && t < sw->n_tasks; t++) {
			const struct sw_task *tk = &sw->tasks[t];
			bool at = false;
			for (size_t a = 0; tk->service == svc && a < tk->n_addrs && !at; a++)
				at = tk->addrs[a].ip == ips[i];
			if (at && model_task_live(tk)) {
				peer_of_task(sw, tk, ips[i], port, &v[k]);
				break;
			}
		}
		k++;
	}
	*out = v;
	*n = k;
	return ESRA_OK;
}
