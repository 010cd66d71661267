/* history.c: the address history join (see history.h): one hash index from address to the
 * holders Docker shows, merged at lookup time with the holders the state remembers. */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "hmap.h"
#include "limits.h"
#include "pool.h"

#define NONE HMAP_NONE

struct hentry {
	ip4_t ip;
	struct addr_owner o;
	size_t next; /* next holder of the same address, NONE */
};

struct history {
	const struct sw_view *sw;
	const struct state *st;
	struct pool *pool;
	struct hentry *e;
	size_t n, cap;
	struct hmap *by_ip;
	struct hmap *nodes;   /* node id -> index into sw->nodes */
	struct hmap *ended;   /* container id -> its last die/destroy event (sw->events) */
	struct hmap *removed; /* service name -> its last remove event */
};

void history_free(struct history *h)
{
	if (h == NULL)
		return;
	pool_free(h->pool);
	hmap_free(h->by_ip);
	hmap_free(h->nodes);
	hmap_free(h->ended);
	hmap_free(h->removed);
	free(h->e);
	free(h);
}

static const char *node_host(const struct history *h, const char *node_id)
{
	size_t k;

	if (node_id == NULL || node_id[0] == '\0' || h->sw == NULL)
		return NULL;
	k = hmap_get(h->nodes, node_id);
	if (k == NONE) {
		if (strcmp(node_id, h->sw->self.id) == 0 && h->sw->self.hostname[0])
			return h->sw->self.hostname;
		return node_id;
	}
	return h->sw->nodes[k].hostname[0] ? h->sw->nodes[k].hostname : node_id;
}

static const char *task_name(struct pool *p, const struct sw_view *v, const struct sw_task *t)
{
	char tmp[ESRA_MAX_STRING];
	const char *svc = t->service != MODEL_NONE ? v->services[t->service].name
	                  : t->service_id != NULL  ? t->service_id
	                                           : "?";

	if (t->slot > 0)
		snprintf(tmp, sizeof(tmp), "%s.%lld", svc, (long long)t->slot);
	else
		snprintf(tmp, sizeof(tmp), "%s.%.12s", svc, t->node_id != NULL ? t->node_id : "?");
	return pool_strdup(p, tmp);
}

static struct addr_owner *add(struct history *h, ip4_t ip)
{
	struct hentry *x;

	if ((x = array_grow(h->e, &h->cap, h->n, sizeof(*h->e), 256)) == NULL)
		return NULL;
	h->e = x;
	x = &h->e[h->n];
	memset(x, 0, sizeof(*x));
	x->ip = ip;
	x->o.exit_code = -1;
	x->o.source = "docker";
	x->next = hmap_get_u64(h->by_ip, ip);
	if (hmap_set_u64(h->by_ip, ip, h->n) != 0)
		return NULL;
	h->n++;
	return &x->o;
}

/* A task holds its addresses until its container is gone: running tasks (even those
 * swarm wants shut down) hold them, ended ones held them until their status time. */
static bool task_holds(const struct sw_task *t)
{
	return t->state >= SW_ST_NEW && t->state <= SW_ST_RUNNING;
}

/* The events that end a holder: a container's die or destroy, a service's remove (the last
 * of each, in the daemon's order). */
static int index_events(struct history *h)
{
	const struct sw_view *v = h->sw;

	for (size_t i = 0; i < v->n_events; i++) {
		const struct sw_event *e = &v->events[i];
		int rc = ESRA_OK;
		if (strcmp(e->type, "container") == 0 &&
		    (strcmp(e->action, "die") == 0 || strcmp(e->action, "destroy") == 0)) {
			size_t k = hmap_get(h->ended, e->actor_id);
			/* die carries the exit code: a later destroy does not hide it */
			if (k == NONE || strcmp(e->action, "die") == 0 ||
			    strcmp(v->events[k].action, "die") != 0)
				rc = hmap_set(h->ended, e->actor_id, i);
		} else if (strcmp(e->type, "service") == 0 && strcmp(e->action, "remove") == 0 &&
		           e->name[0] != '\0') {
			rc = hmap_set(h->removed, e->name, i);
		}
		if (rc != ESRA_OK)
			return rc;
	}
	return ESRA_OK;
}

static int index_view(struct history *h)
{
	const struct sw_view *v = h->sw;

	for (size_t i = 0; i < v->n_nodes; i++)
		if (v->nodes[i].id != NULL && hmap_put(h->nodes, v->nodes[i].id, i) != 0)
			return ESRA_ENOMEM;
	for (size_t i = 0; i < v->n_tasks; i++) {
		const struct sw_task *t = &v->tasks[i];
		const char *name = NULL;
		for (size_t k = 0; k < t->n_addrs; k++) {
			struct addr_owner *o = add(h, t->addrs[k].ip);
			if (o == NULL ||
			    (name == NULL && (name = task_name(h->pool, v, t)) == NULL))
				return ESRA_ENOMEM;
			o->kind = "task";
			o->name = name;
			o->id = t->id;
			o->service =
			    t->service != MODEL_NONE ? v->services[t->service].name : t->service_id;
			o->node = node_host(h, t->node_id);
			o->state = model_sw_state_name(t->state);
			o->message = t->message != NULL && t->message[0] ? t->message : NULL;
			o->exit_code = t->exit_code;
			o->from_ms = t->created_ms > 0 ? t->created_ms : 0;
			o->live = task_holds(t);
			o->until_ms =
			    o->live ? 0 : (t->status_ms > 0 ? t->status_ms : t->updated_ms);
		}
	}
	for (size_t i = 0; i < v->n_services; i++) {
		const struct sw_service *s = &v->services[i];
		for (size_t k = 0; k < s->n_vips; k++) {
			struct addr_owner *o = add(h, s->vips[k].ip);
			if (o == NULL)
				return ESRA_ENOMEM;
			o->kind = "service_vip";
			o->name = s->name;
			o->id = s->id;
			o->service = s->name;
			o->from_ms = s->created_ms > 0 ? s->created_ms : 0;
			o->live = true;
		}
	}
	for (size_t i = 0; i < v->n_containers; i++) {
		const struct sw_container *c = &v->containers[i];
		if (c->task_id != NULL)
			continue; /* a task's container: its task says more */
		for (size_t k = 0; k < c->n_nets; k++) {
			struct addr_owner *o;
			if (!c->nets[k].has_ip)
				continue;
			if ((o = add(h, c->nets[k].ip)) == NULL)
				return ESRA_ENOMEM;
			o->kind = "container";
			o->name = c->name;
			o->id = c->id;
			o->node = v->self.hostname[0] ? v->self.hostname : NULL;
			o->state = c->state;
			o->from_ms = c->created_ms > 0 ? c->created_ms : 0;
			o->live = c->state != NULL && strcmp(c->state, "running") == 0;
		}
	}
	return ESRA_OK;
}

struct history *history_new(const struct sw_view *sw, const struct state *st, struct esra_err *err)
{
	struct history *h = calloc(1, sizeof(*h));

	if (h == NULL)
		goto nomem;
	h->sw = sw;
	h->st = st;
	h->pool = pool_new();
	h->by_ip = hmap_new(sw != NULL ? sw->n_tasks + sw->n_services + 16 : 16, false);
	h->nodes = hmap_new(sw != NULL ? sw->n_nodes + 4 : 4, false);
	if (h->pool == NULL || h->by_ip == NULL || h->nodes == NULL)
		goto nomem;
	h->ended = hmap_new(sw != NULL ? sw->n_events + 4 : 4, false);
	h->removed = hmap_new(sw != NULL ? sw->n_events + 4 : 4, false);
	if (h->ended == NULL || h->removed == NULL)
		goto nomem;
	if (sw != NULL && (index_view(h) != ESRA_OK || index_events(h) != ESRA_OK))
		goto nomem;
	return h;
nomem:
	history_free(h);
	esra_err_set(err, ESRA_ENOMEM, "history: out of memory");
	return NULL;
}

static int rank(const void *a, const void *b)
{
	const struct addr_owner *x = a, *y = b;

	if (x->live != y->live)
		return x->live ? -1 : 1;
	if (x->until_ms != y->until_ms)
		return x->until_ms > y->until_ms ? -1 : 1;
	return (x->from_ms < y->from_ms) - (x->from_ms > y->from_ms);
}

static bool same(const struct addr_owner *a, const char *kind, const char *id, const char *name)
{
	if (strcmp(a->kind, kind) != 0)
		return false;
	if (id != NULL && id[0] && a->id != NULL)
		return strcmp(a->id, id) == 0;
	return a->name != NULL && name != NULL && strcmp(a->name, name) == 0;
}

/* A remembered holder Docker no longer shows: the event that ended it, when Docker still has
 * one, gives the end time (and a container's exit code). */
static void ended_by_event(const struct history *h, struct addr_owner *o)
{
	const struct sw_event *e = NULL;
	size_t k = NONE;

	if (h->sw == NULL)
		return;
	if (strcmp(o->kind, "container") == 0 && o->id != NULL)
		k = hmap_get(h->ended, o->id);
	else if (o->service != NULL)
		k = hmap_get(h->removed, o->service);
	if (k == NONE)
		return;
	e = &h->sw->events[k];
	o->until_ms = e->time_ms;
	o->state = strcmp(e->action, "remove") == 0 ? "removed" : e->action;
	if (e->exit_code >= 0)
		o->exit_code = e->exit_code;
	o->until_event = true;
}

size_t history_get(const struct history *h, ip4_t ip, struct addr_owner *out, size_t max)
{
	size_t n = 0, nd;
	const struct state_owner *so[HISTORY_MAX_PER_ADDR * 4];
	size_t ns;

	for (size_t i = hmap_get_u64(h->by_ip, ip); i != NONE && n < max; i = h->e[i].next)
		out[n++] = h->e[i].o;
	nd = n;
	ns = h->st != NULL ? state_owners(h->st, ip, so, sizeof(so) / sizeof(so[0])) : 0;
	for (size_t i = 0; i < ns && n < max; i++) {
		bool dup = false;
		struct addr_owner *o;
		for (size_t k = 0; k < nd && !dup; k++)
			dup = same(&out[k], so[i]->kind, so[i]->id, so[i]->name);
		if (dup)
			continue;
		o = &out[n++];
		memset(o, 0, sizeof(*o));
		o->kind = so[i]->kind;
		o->name = so[i]->name;
		o->id = so[i]->id[0] ? so[i]->id : NULL;
		o->service = so[i]->service[0] ? so[i]->service : NULL;
		o->node = so[i]->node[0] ? so[i]->node : NULL;
		o->state = so[i]->state[0] ? so[i]->state : NULL;
		o->exit_code = -1;
		o->from_ms = so[i]->first_ms;
		o->until_ms = so[i]->last_ms;
		o->live = false; /* Docker does not show it now */
		o->source = "state";
		ended_by_event(h, o);
	}
	qsort(out, n, sizeof(*out), rank);
	return n;
}

void history_describe(const struct addr_owner *o, char *out, size_t outsz)
{
	char ts[32], ex[32] = "";
	const bool seen = strcmp(o->source, "state") == 0;
	const bool evt = o->until_event;
	const char *by = seen && evt ? " (seen by esra; the end from Docker's events)"
	                 : seen      ? " (seen by esra)"
	                 : evt       ? " (the end from Docker's events)"
	                             : "";

	if (o->until_ms > 0)
		esra_format_time(o->until_ms, false, ts, sizeof(ts));
	else
		snprintf(ts, sizeof(ts), "at an unknown time");
	if (strcmp(o->kind, "service_vip") == 0) {
		if (o->live)
			snprintf(out, outsz, "is the VIP of service %s", o->name);
		else
			snprintf(out, outsz, "was the VIP of service %s until %s%s%s", o->name, ts,
			         evt ? ", when the service was removed" : "", by);
		return;
	}
	if (strcmp(o->kind, "container") == 0) {
		if (o->exit_code >= 0)
			snprintf(ex, sizeof(ex), ", exit code %d", o->exit_code);
		if (o->live)
			snprintf(out, outsz, "is container %s (%.12s%s%s)", o->name,
			         o->id != NULL ? o->id : "?", o->node ? ", " : "",
			         o->node ? o->node : "");
		else
			snprintf(out, outsz, "was container %s (%.12s%s%s%s%s%s) until %s%s",
			         o->name, o->id != NULL ? o->id : "?", o->node ? ", " : "",
			         o->node ? o->node : "", o->state ? ", " : "",
			         o->state ? o->state : "", ex, ts, by);
		return;
	}
	if (o->exit_code > 0 && o->message != NULL) {
		char code[16];
		snprintf(code, sizeof(code), "(%d)", o->exit_code);
		if (strstr(o->message, code) == NULL)
			snprintf(ex, sizeof(ex), ", exit code %d", o->exit_code);
	} else if (o->exit_code > 0) {
		snprintf(ex, sizeof(ex), ": exit code %d", o->exit_code);
	}
	if (o->live)
		snprintf(out, outsz, "is task %s (%.12s, %s, %s) of service %s", o->name,
		         o->id != NULL ? o->id : "?", o->node ? o->node : "node unknown",
		         o->state ? o->state : "state unknown", o->service ? o->service : "?");
	else if (seen && evt)
		snprintf(out, outsz,
		         "was task %s (%.12s, %s) of service %s until %s, when the "
		         "service was removed%s",
		         o->name, o->id != NULL ? o->id : "?", o->node ? o->node : "node unknown",
		         o->service ? o->service : "?", ts, by);
	else if (seen)
		snprintf(out, outsz,
		         "was task %s (%.12s, %s) of service %s, last seen %s at %s (seen by esra)",
		         o->name, o->id != NULL ? o->id : "?", o->node ? o->node : "node unknown",
		         o->service ? o->service : "?", o->state ? o->state : "", ts);
	else
		snprintf(out, outsz, "was task %s (%.12s, %s, %s %s%s%s%s) of service %s", o->name,
		         o->id != NULL ? o->id : "?", o->node ? o->node : "node unknown",
		         o->state ? o->state : "ended", ts, o->message ? ": " : "",
		         o->message ? o->message : "", ex, o->service ? o->service : "?");
}

/* ---------------------------------------------------------------- findings */

static int attach(const struct history *h, struct finding *f, struct finding_list *l, ip4_t ip)
{
	struct addr_owner tmp[HISTORY_MAX_PER_ADDR];
	size_t n = history_get(h, ip, tmp, HISTORY_MAX_PER_ADDR), past = 0;
	struct addr_history *nh;
	char ib[IP4_STRLEN], line[768];

	if (n == 0)
		return ESRA_OK;
	for (size_t i = 0; i < f->n_history; i++)
		if (f->history[i].ip == ip)
			return ESRA_OK;
	nh = pool_alloc(l->pool, (f->n_history + 1) * sizeof(*nh));
	if (nh == NULL)
		return ESRA_ENOMEM;
	if (f->n_history > 0)
		memcpy(nh, f->history, f->n_history * sizeof(*nh));
	nh[f->n_history].ip = ip;
	nh[f->n_history].n = n;
	if ((nh[f->n_history].owners = pool_memdup(l->pool, tmp, n * sizeof(*tmp))) == NULL)
		return ESRA_ENOMEM;
	/* the list's own copies: the state may compact (and free) its strings before the
	 * report is rendered */
	for (size_t i = 0; i < n; i++) {
		struct addr_owner *o = &nh[f->n_history].owners[i];
		const char **s[] = {&o->kind, &o->name,  &o->id,      &o->service,
		                    &o->node, &o->state, &o->message, &o->source};
		for (size_t k = 0; k < sizeof(s) / sizeof(s[0]); k++)
			if (*s[k] != NULL && (*s[k] = finding_strdup(l, *s[k])) == NULL)
				return ESRA_ENOMEM;
	}
	f->history = nh;
	f->n_history++;
	/* one evidence line per past holder, the newest three */
	for (size_t i = 0; i < n && past < 3; i++) {
		if (tmp[i].live)
			continue;
		history_describe(&tmp[i], line, sizeof(line));
		if (finding_add_evidence(f, l, "%s %s", ip4_format(ip, ib), line) != 0)
			return ESRA_ENOMEM;
		past++;
	}
	return ESRA_OK;
}

int history_annotate(const struct history *h, struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct finding *f = &l->v[i];
		int rc = ESRA_OK;
		switch (f->kind) {
		case FK_POISONED_NAME:
			for (size_t k = 0; k < f->n_stale && rc == ESRA_OK; k++)
				rc = attach(h, f, l, f->stale[k].ip);
			break;
		case FK_STALE_INSTANCE:
		case FK_WRONG_NETWORK:
		case FK_ORPHAN_ENDPOINT:
			if (f->has_ip)
				rc = attach(h, f, l, f->ip);
			break;
		default:
			break;
		}
		if (rc != ESRA_OK)
			return rc;
	}
	return ESRA_OK;
}

/* ---------------------------------------------------------------- memory */

int history_remember(const struct sw_view *sw, struct state *st, int64_t now_ms)
{
	struct history *h;
	struct esra_err err;
	int rc = ESRA_OK;

	if (sw == NULL)
		return ESRA_OK;
	if ((h = history_new(sw, NULL, &err)) == NULL)
		return ESRA_ENOMEM;
	for (size_t i = 0; i < h->n && rc == ESRA_OK; i++) {
		const struct hentry *x = &h->e[i];
		struct state_owner o;
		if (!x->o.live)
			continue; /* Docker still shows ended tasks itself */
		memset(&o, 0, sizeof(o));
		o.ip = x->ip;
		o.kind = x->o.kind;
		o.name = x->o.name;
		o.id = x->o.id;
		o.service = x->o.service;
		o.node = x->o.node;
		o.state = x->o.state;
		rc = state_note_owner(st, &o, now_ms);
	}
	history_free(h);
	return rc;
}
