/* model.c: building, linking and querying the gathered views (see model.h). Knows nothing
 * of HTTP, JSON or DNS wire formats. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "hmap.h"
#include "limits.h"

_Static_assert(HMAP_NONE == MODEL_NONE, "an absent hmap key reads as no index");

/* Grow a pool-independent array (the big arrays are malloc'ed: they are resized often). */
static void *grow_array(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (n >= ESRA_MAX_OBJECTS && elem != sizeof(struct eu_instance))
		return NULL;
	if ((p = array_grow(*arr, cap, n, elem, 64)) == NULL)
		return NULL;
	*arr = p;
	memset((char *)*arr + n * elem, 0, elem);
	return (char *)*arr + n * elem;
}

/* ---------------------------------------------------------------- registry */

struct eu_registry *model_reg_new(void)
{
	struct eu_registry *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->pool = pool_new();
	if (r->pool == NULL) {
		free(r);
		return NULL;
	}
	r->versions_delta = -1;
	r->apps_hashcode = "";
	r->source_url = "";
	return r;
}

void model_reg_free(struct eu_registry *r)
{
	if (r == NULL)
		return;
	free(r->inst);
	free(r->apps);
	pool_free(r->pool);
	free(r);
}

struct eu_instance *model_reg_add(struct eu_registry *r)
{
	struct eu_instance *in;

	if (r->n_inst >= ESRA_MAX_INSTANCES)
		return NULL;
	in = grow_array((void **)&r->inst, &r->cap_inst, r->n_inst, sizeof(*in));
	if (in == NULL)
		return NULL;
	in->seq = (uint32_t)r->n_inst;
	r->n_inst++;
	in->app = in->instance_id = in->hostname = in->ip_str = in->vip_address = "";
	in->port = in->secure_port = -1;
	in->lease_duration_s = 90;
	in->renewal_interval_s = 30;
	return in;
}

const char *model_inst_id(const struct eu_instance *in)
{
	return (in->instance_id != NULL && in->instance_id[0] != '\0') ? in->instance_id
	                                                               : in->hostname;
}

static int inst_cmp(const void *a, const void *b)
{
	const struct eu_instance *x = a, *y = b;
	int c = esra_strcasecmp(x->app, y->app);

	if (c == 0)
		c = strcmp(model_inst_id(x), model_inst_id(y));
	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq); /* stable */
}

static int seq_cmp(const void *a, const void *b)
{
	const struct eu_instance *x = *(const struct eu_instance *const *)a;
	const struct eu_instance *y = *(const struct eu_instance *const *)b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

int model_reg_finish(struct eu_registry *r, struct esra_err *err)
{
	size_t n_apps = 0;

	free(r->apps);
	r->apps = NULL;
	r->n_apps = 0;
	if (r->n_inst == 0)
		return ESRA_OK;
	qsort(r->inst, r->n_inst, sizeof(*r->inst), inst_cmp);
	for (size_t i = 0; i < r->n_inst; i++)
		if (i == 0 || esra_strcasecmp(r->inst[i].app, r->inst[i - 1].app) != 0)
			n_apps++;
	r->apps = calloc(n_apps, sizeof(*r->apps));
	if (r->apps == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "registry: out of memory");
	for (size_t i = 0; i < r->n_inst; i++) {
		if (i == 0 || esra_strcasecmp(r->inst[i].app, r->inst[i - 1].app) != 0) {
			r->apps[r->n_apps].name = r->inst[i].app;
			r->apps[r->n_apps].first = i;
			r->n_apps++;
		}
		r->apps[r->n_apps - 1].count++;
	}
	return ESRA_OK;
}

const struct eu_instance *model_reg_find(const struct eu_registry *r, const char *app,
                                         const char *id)
{
	size_t lo = 0, hi = r->n_apps;

	while (lo < hi) { /* apps are sorted case-insensitively */
		size_t mid = lo + (hi - lo) / 2;
		int c = esra_strcasecmp(r->apps[mid].name, app);
		if (c == 0) {
			const struct eu_app *a = &r->apps[mid];
			size_t l = a->first, h = a->first + a->count;
			while (l < h) {
				size_t m = l + (h - l) / 2;
				int d = strcmp(model_inst_id(&r->inst[m]), id);
				if (d == 0)
					return &r->inst[m];
				if (d < 0)
					l = m + 1;
				else
					h = m;
			}
			return NULL;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *model_eu_status_name(enum eu_status s)
{
	switch (s) {
	case EU_UP:
		return "UP";
	case EU_DOWN:
		return "DOWN";
	case EU_STARTING:
		return "STARTING";
	case EU_OUT_OF_SERVICE:
		return "OUT_OF_SERVICE";
	case EU_UNKNOWN:
		break;
	}
	return "UNKNOWN";
}

enum eu_status model_eu_status_parse(const char *s, size_t n)
{
	static const enum eu_status all[] = {EU_UP, EU_DOWN, EU_STARTING, EU_OUT_OF_SERVICE};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *name = model_eu_status_name(all[i]);
		if (strlen(name) == n && esra_strncasecmp(name, s, n) == 0)
			return all[i];
	}
	return EU_UNKNOWN;
}

void model_reg_hashcode(const struct eu_registry *r, char *out, size_t outsz)
{
	/* statuses sorted by name: DOWN, OUT_OF_SERVICE, STARTING, UNKNOWN, UP */
	static const enum eu_status order[] = {EU_DOWN, EU_OUT_OF_SERVICE, EU_STARTING, EU_UNKNOWN,
	                                       EU_UP};
	size_t counts[5] = {0}, len = 0;

	for (size_t i = 0; i < r->n_inst; i++)
		counts[r->inst[i].status]++;
	if (outsz == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		size_t c = counts[order[i]];
		int w;
		if (c == 0)
			continue;
		w = snprintf(out + len, outsz - len, "%s_%zu_", model_eu_status_name(order[i]), c);
		if (w < 0 || (size_t)w >= outsz - len)
			return;
		len += (size_t)w;
	}
}

const char *model_inst_meta(const struct eu_instance *in, const char *key)
{
	const char *p = in->metadata;

	if (p == NULL)
		return NULL;
	while (*p != '\0') {
		const char *v = p + strlen(p) + 1;
		if (strcmp(p, key) == 0)
			return v;
		p = v + strlen(v) + 1;
	}
	return NULL;
}

bool model_inst_has_meta_pair(const struct eu_instance *in, const char *pair)
{
	const char *eq = pair != NULL ? strchr(pair, '=') : NULL;
	const char *p = in->metadata;
	size_t klen;

	if (eq == NULL || p == NULL)
		return false;
	klen = (size_t)(eq - pair);
	while (*p != '\0') {
		const char *v = p + strlen(p) + 1;
		if (strlen(p) == klen && strncmp(p, pair, klen) == 0 && strcmp(v, eq + 1) == 0)
			return true;
		p = v + strlen(v) + 1;
	}
	return false;
}

static const char *copy_str(struct pool *p, const char *s, bool *fail)
{
	const char *c;

	if (s == NULL)
		return NULL;
	c = pool_strdup(p, s);
	if (c == NULL)
		*fail = true;
	return c;
}

static const char *copy_meta(struct pool *p, const char *m, bool *fail)
{
	const char *q = m;
	char *c;

	if (m == NULL)
		return NULL;
	while (*q != '\0') { /* pairs end with an empty key */
		q += strlen(q) + 1;
		q += strlen(q) + 1;
	}
	c = pool_memdup(p, m, (size_t)(q - m) + 1);
	if (c == NULL)
		*fail = true;
	return c;
}

/* Deep-copy an instance's strings into r's pool. */
static void copy_instance(struct eu_registry *r, struct eu_instance *dst,
                          const struct eu_instance *src, bool *fail)
{
	*dst = *src;
	dst->app = copy_str(r->pool, src->app, fail);
	dst->instance_id = copy_str(r->pool, src->instance_id, fail);
	dst->hostname = copy_str(r->pool, src->hostname, fail);
	dst->ip_str = copy_str(r->pool, src->ip_str, fail);
	dst->vip_address = copy_str(r->pool, src->vip_address, fail);
	dst->metadata = copy_meta(r->pool, src->metadata, fail);
}

/* "app\nid" with the app lower-cased: apps match case-insensitively, ids exactly. */
static const char *delta_key(struct pool *p, const struct eu_instance *in)
{
	const char *id = model_inst_id(in);
	size_t na = strlen(in->app), ni = strlen(id);
	char *k = pool_alloc(p, na + ni + 2);

	if (k == NULL)
		return NULL;
	for (size_t i = 0; i < na; i++)
		k[i] =
		    (in->app[i] >= 'A' && in->app[i] <= 'Z') ? (char)(in->app[i] + 32) : in->app[i];
	k[na] = '\n';
	memcpy(k + na + 1, id, ni + 1);
	return k;
}

int model_reg_apply_delta(struct eu_registry *r, const struct eu_registry *delta,
                          struct esra_err *err)
{
	size_t cap = r->n_inst + delta->n_inst + 1, w = 0;
	const struct eu_instance **order = malloc(cap * sizeof(*order));
	bool *removed = calloc(cap, sizeof(*removed)), fail = false;
	struct hmap *where = hmap_new(cap, false);
	struct pool *keys = pool_new();
	int rc = ESRA_OK;

	if (order == NULL || removed == NULL || where == NULL || keys == NULL)
		goto nomem;
	/* where every instance is now: the map follows appends and removals */
	for (size_t i = 0; i < r->n_inst; i++) {
		const char *k = delta_key(keys, &r->inst[i]);
		if (k == NULL || hmap_set(where, k, i) != 0)
			goto nomem;
	}
	for (size_t i = 0; i < delta->n_inst; i++)
		order[i] = &delta->inst[i];
	qsort(order, delta->n_inst, sizeof(*order), seq_cmp);
	for (size_t i = 0; i < delta->n_inst && !fail; i++) {
		const struct eu_instance *d = order[i];
		const char *k = delta_key(keys, d);
		size_t at;
		if (k == NULL)
			goto nomem;
		at = hmap_get(where, k);
		if (at != MODEL_NONE && removed[at])
			at = MODEL_NONE;
		if (d->action == EU_ACT_DELETED) {
			if (at != MODEL_NONE)
				removed[at] = true;
			continue;
		}
		if (at == MODEL_NONE) { /* ADDED, or a MODIFIED we never saw */
			struct eu_instance *in = model_reg_add(r);
			if (in == NULL)
				goto nomem;
			at = r->n_inst - 1;
			if (hmap_set(where, k, at) != 0)
				goto nomem;
		}
		{
			uint32_t seq = r->inst[at].seq;
			copy_instance(r, &r->inst[at], d, &fail);
			r->inst[at].seq = seq;
		}
	}
	if (fail)
		goto nomem;
	for (size_t i = 0; i < r->n_inst; i++)
		if (!removed[i])
			r->inst[w++] = r->inst[i];
	r->n_inst = w;
	for (size_t i = 0; i < r->n_inst; i++) {
		r->inst[i].action = EU_ACT_NONE;
		r->inst[i].seq = (uint32_t)i;
	}
	r->versions_delta = delta->versions_delta;
	rc = model_reg_finish(r, err);
	goto out;
nomem:
	rc = esra_err_set(err, ESRA_ENOMEM, "registry delta: out of memory");
out:
	free(order);
	free(removed);
	hmap_free(where);
	pool_free(keys);
	return rc;
}

/* ---------------------------------------------------------------- swarm */

struct sw_view *model_sw_new(void)
{
	struct sw_view *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->pool = pool_new();
	if (v->pool == NULL) {
		free(v);
		return NULL;
	}
	v->self.id = v->self.hostname = v->self.node_addr = v->self.server_version = "";
	v->api_version = "";
	return v;
}

void model_sw_free(struct sw_view *v)
{
	if (v == NULL)
		return;
	free(v->services);
	free(v->tasks);
	free(v->nets);
	free(v->containers);
	free(v->nodes);
	free(v->events);
	pool_free(v->pool);
	free(v);
}

struct sw_service *model_sw_add_service(struct sw_view *v)
{
	struct sw_service *s =
	    grow_array((void **)&v->services, &v->cap_services, v->n_services, sizeof(*s));
	if (s == NULL)
		return NULL;
	v->n_services++;
	s->replicas = s->running_tasks = s->desired_tasks = -1;
	return s;
}

struct sw_task *model_sw_add_task(struct sw_view *v)
{
	struct sw_task *t = grow_array((void **)&v->tasks, &v->cap_tasks, v->n_tasks, sizeof(*t));

	if (t == NULL)
		return NULL;
	v->n_tasks++;
	t->service = MODEL_NONE;
	t->exit_code = -1;
	return t;
}

struct sw_network *model_sw_add_network(struct sw_view *v)
{
	struct sw_network *n = grow_array((void **)&v->nets, &v->cap_nets, v->n_nets, sizeof(*n));

	if (n == NULL)
		return NULL;
	v->n_nets++;
	n->prefix = -1;
	return n;
}

struct sw_container *model_sw_add_container(struct sw_view *v)
{
	struct sw_container *c =
	    grow_array((void **)&v->containers, &v->cap_containers, v->n_containers, sizeof(*c));
	if (c == NULL)
		return NULL;
	v->n_containers++;
	return c;
}

struct sw_node *model_sw_add_node(struct sw_view *v)
{
	struct sw_node *n = grow_array((void **)&v->nodes, &v->cap_nodes, v->n_nodes, sizeof(*n));

	if (n == NULL)
		return NULL;
	v->n_nodes++;
	return n;
}

struct sw_event *model_sw_add_event(struct sw_view *v)
{
	struct sw_event *e =
	    grow_array((void **)&v->events, &v->cap_events, v->n_events, sizeof(*e));

	if (e == NULL)
		return NULL;
	v->n_events++;
	e->exit_code = -1;
	return e;
}

static size_t lookup_net(const struct hmap *ids, const struct hmap *names, const char *s)
{
	size_t i;

	if (s == NULL)
		return MODEL_NONE;
	i = hmap_get(ids, s);
	return i != MODEL_NONE ? i : hmap_get(names, s);
}

int model_sw_link(struct sw_view *v, struct esra_err *err)
{
	struct hmap *svc_ids = hmap_new(v->n_services, false);
	struct hmap *net_ids = hmap_new(v->n_nets, false);
	struct hmap *net_names = hmap_new(v->n_nets, false);
	int rc = ESRA_OK;

	if (svc_ids == NULL || net_ids == NULL || net_names == NULL)
		goto nomem;
	for (size_t i = 0; i < v->n_services; i++)
		if (v->services[i].id != NULL && hmap_put(svc_ids, v->services[i].id, i) != 0)
			goto nomem;
	for (size_t i = 0; i < v->n_nets; i++) {
		if (v->nets[i].id != NULL && hmap_put(net_ids, v->nets[i].id, i) != 0)
			goto nomem;
		if (v->nets[i].name != NULL && hmap_put(net_names, v->nets[i].name, i) != 0)
			goto nomem;
	}
	for (size_t i = 0; i < v->n_services; i++) {
		struct sw_service *s = &v->services[i];
		for (size_t j = 0; j < s->n_vips; j++)
			s->vips[j].net = lookup_net(net_ids, net_names, s->vips[j].net_id);
		for (size_t j = 0; j < s->n_aliases; j++)
			s->aliases[j].net = lookup_net(net_ids, net_names, s->aliases[j].net_id);
	}
	for (size_t i = 0; i < v->n_tasks; i++) {
		struct sw_task *t = &v->tasks[i];
		t->service = t->service_id != NULL ? hmap_get(svc_ids, t->service_id) : MODEL_NONE;
		for (size_t j = 0; j < t->n_addrs; j++)
			t->addrs[j].net = lookup_net(net_ids, net_names, t->addrs[j].net_id);
	}
	for (size_t i = 0; i < v->n_containers; i++) {
		struct sw_container *c = &v->containers[i];
		for (size_t j = 0; j < c->n_nets; j++) {
			size_t k = lookup_net(net_ids, net_names, c->nets[j].net_id);
			c->nets[j].net = k != MODEL_NONE
			                     ? k
			                     : lookup_net(net_ids, net_names, c->nets[j].net_name);
		}
	}
	goto out;
nomem:
	rc = esra_err_set(err, ESRA_ENOMEM, "swarm model: out of memory");
out:
	hmap_free(svc_ids);
	hmap_free(net_ids);
	hmap_free(net_names);
	return rc;
}

size_t model_sw_net_by_id_or_name(const struct sw_view *v, const char *s)
{
	for (size_t i = 0; i < v->n_nets; i++)
		if ((v->nets[i].id != NULL && strcmp(v->nets[i].id, s) == 0) ||
		    (v->nets[i].name != NULL && strcmp(v->nets[i].name, s) == 0))
			return i;
	return MODEL_NONE;
}

static const char *const sw_state_names[] = {"unknown",  "new",      "allocated", "pending",
                                             "assigned", "accepted", "preparing", "ready",
                                             "starting", "running",  "complete",  "shutdown",
                                             "failed",   "rejected", "remove",    "orphaned"};

const char *model_sw_state_name(enum sw_state s)
{
	if ((size_t)s >= sizeof(sw_state_names) / sizeof(sw_state_names[0]))
		return "unknown";
	return sw_state_names[s];
}

enum sw_state model_sw_state_parse(const char *s)
{
	if (s == NULL)
		return SW_ST_UNKNOWN;
	for (size_t i = 0; i < sizeof(sw_state_names) / sizeof(sw_state_names[0]); i++)
		if (strcmp(s, sw_state_names[i]) == 0)
			return (enum sw_state)i;
	return SW_ST_UNKNOWN;
}

bool model_task_live(const struct sw_task *t)
{
	return t->state == SW_ST_RUNNING && t->desired == SW_ST_RUNNING;
}

/* ---------------------------------------------------------------- DNS */

struct dns_view *model_dns_new(size_t n_names)
{
	struct dns_view *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->pool = pool_new();
	if (v->pool == NULL)
		goto fail;
	v->ans = pool_alloc(v->pool, (n_names ? n_names : 1) * sizeof(*v->ans));
	if (v->ans == NULL)
		goto fail;
	v->n = n_names;
	v->server = "";
	return v;
fail:
	pool_free(v->pool);
	free(v);
	return NULL;
}

void model_dns_free(struct dns_view *v)
{
	if (v == NULL)
		return;
	hmap_free(v->index);
	pool_free(v->pool);
	free(v);
}

const struct dns_answer *model_dns_find(const struct dns_view *v, const char *name)
{
	struct dns_view *m = (struct dns_view *)v; /* the index is a cache of the answers */
	size_t i;

	if (v == NULL)
		return NULL;
	if (v->index == NULL) {
		m->index = hmap_new(v->n + 1, true);
		for (i = 0; m->index != NULL && i < v->n; i++)
			if (v->ans[i].name != NULL && hmap_put(m->index, v->ans[i].name, i) != 0) {
				hmap_free(m->index);
				m->index = NULL;
			}
		if (m->index == NULL) { /* out of memory: scan */
			for (i = 0; i < v->n; i++)
				if (v->ans[i].name != NULL &&
				    esra_strcasecmp(v->ans[i].name, name) == 0)
					return &v->ans[i];
			return NULL;
		}
	}
	i = hmap_get(v->index, name);
	return i == MODEL_NONE ? NULL : &v->ans[i];
}

int model_dns_set(struct dns_view *v, size_t i, const struct dns_answer *src)
{
	struct dns_answer *a = &v->ans[i];

	a->rc = src->rc;
	a->ttl = src->ttl;
	a->n_ips = src->n_ips;
	a->ips = NULL;
	if (src->n_ips > 0 &&
	    (a->ips = pool_memdup(v->pool, src->ips, src->n_ips * sizeof(*src->ips))) == NULL)
		return ESRA_ENOMEM;
	return ESRA_OK;
}

void model_dns_add_counts(struct dns_view *v, const struct dns_view *round)
{
	bool first = v->queries == 0 && v->window_max == 0;

	v->queries += round->queries;
	v->retransmits += round->retransmits;
	v->lost += round->lost;
	if (first) {
		v->window_start = round->window_start;
		v->window_min = round->window_min;
		v->srtt_us = round->srtt_us;
	}
	if (round->window_min < v->window_min)
		v->window_min = round->window_min;
	if (round->window_max > v->window_max)
		v->window_max = round->window_max;
	v->window_end = round->window_end;
	if (round->srtt_us >= 0)
		v->srtt_us = round->srtt_us;
}

struct dns_view *model_dns_pick(const char *const *names, size_t n,
                                const struct dns_view *const *from, size_t n_from, size_t **missing,
                                size_t *n_missing)
{
	struct dns_view *v = model_dns_new(n);
	size_t *miss = NULL, nm = 0;

	*missing = NULL;
	*n_missing = 0;
	if (v == NULL)
		return NULL;
	v->srtt_us = -1;
	for (size_t k = 0; k < n_from; k++)
		if (from[k] != NULL) {
			if (v->server[0] == '\0') {
				v->server = from[k]->server;
				v->netns = from[k]->netns;
			}
			model_dns_add_counts(v, from[k]);
		}
	if ((v->server = pool_strdup(v->pool, v->server)) == NULL ||
	    (v->netns != NULL && (v->netns = pool_strdup(v->pool, v->netns)) == NULL))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct dns_answer *src = NULL;
		struct dns_answer *a = &v->ans[i];
		for (size_t k = 0; k < n_from && src == NULL; k++)
			src = model_dns_find(from[k], names[i]);
		memset(a, 0, sizeof(*a));
		if ((a->name = pool_strdup(v->pool, names[i])) == NULL)
			goto fail;
		a->ttl = -1;
		a->rc = DNS_RC_ERROR;
		if (src != NULL && model_dns_set(v, i, src) != ESRA_OK)
			goto fail;
		if (src != NULL)
			continue;
		if (miss == NULL && (miss = malloc(n * sizeof(*miss))) == NULL)
			goto fail;
		miss[nm++] = i;
	}
	*missing = miss;
	*n_missing = nm;
	return v;
fail:
	free(miss);
	model_dns_free(v);
	return NULL;
}

const char *model_dns_rc_name(enum dns_rc rc)
{
	switch (rc) {
	case DNS_RC_OK:
		return "ok";
	case DNS_RC_NXDOMAIN:
		return "nxdomain";
	case DNS_RC_NODATA:
		return "nodata";
	case DNS_RC_SERVFAIL:
		return "servfail";
	case DNS_RC_REFUSED:
		return "refused";
	case DNS_RC_TIMEOUT:
		return "timeout";
	case DNS_RC_ERROR:
		break;
	}
	return "error";
}

bool model_dns_rc_definite(enum dns_rc rc)
{
	return rc == DNS_RC_OK || rc == DNS_RC_NXDOMAIN || rc == DNS_RC_NODATA;
}

/* ---------------------------------------------------------------- time */

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int model_parse_time(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, frac_ms = 0, off = 0;
	const char *p;
	struct tm tm;
	int64_t days;

	if (s == NULL || strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
		return ESRA_EPARSE;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return ESRA_EPARSE;
	p = s + 19;
	if (*p == '.') {
		int n = 0;
		p++;
		while (*p >= '0' && *p <= '9') {
			if (n < 3)
				frac_ms = frac_ms * 10 + (*p - '0');
			n++;
			p++;
		}
		if (n == 0)
			return ESRA_EPARSE;
		for (; n < 3; n++)
			frac_ms *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
			return ESRA_EPARSE;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return ESRA_EPARSE;
	}
	if (*p != '\0')
		return ESRA_EPARSE;
	memset(&tm, 0, sizeof(tm));
	/* days from civil (proleptic Gregorian), valid for year 1 too */
	{
		int yy = y - (mo <= 2);
		int era = (yy >= 0 ? yy : yy - 399) / 400;
		int yoe = yy - era * 400;
		int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		days = (int64_t)era * 146097 + doe - 719468;
	}
	*ms = ((days * 86400 + h * 3600 + mi * 60 + sec) - off) * 1000 + frac_ms;
	return ESRA_OK;
}
