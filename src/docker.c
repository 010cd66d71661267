/* docker.c: reads the Docker Engine API into a sw_view. Arrays (/tasks can be tens of MB)
 * are streamed element by element through jstream and cJSON; nothing builds a tree of a
 * whole big document. Never logs, never writes to Docker. */
#include "docker.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "jstream.h"
#include "limits.h"

#define API_MIN_MINOR 41 /* 1.41: Docker 20.10, the oldest esra reads */
#define API_MAX_MINOR 51 /* the newest esra knows; the fields it reads are stable */

struct docker {
	struct http *http;
	char base[512];       /* "http://localhost" (unix socket) or "http(s)://host:port" */
	char sock[512];
	char api[16];         /* "1.41" once negotiated */
	char ca[600], cert[600], key[600];
	size_t max_body;
};

/* ---------------------------------------------------------------- JSON helpers */

/* Parse context: which payload, where errors go, and the view being filled. */
struct pctx {
	struct sw_view *v;
	struct esra_err *err;
	const char *what;     /* "GET /v1.41/tasks" */
	size_t index;         /* array element being read */
	bool in_array;
	int rc;
	void *ud;             /* for parsers that fill something other than the view */
};

static int bad(struct pctx *c, const char *field, const char *why)
{
	if (c->rc != 0)
		return c->rc;
	if (c->in_array)
		c->rc = esra_err_set(c->err, ESRA_EPARSE, "docker %s: element %zu: %s %s", c->what,
		                     c->index, field, why);
	else
		c->rc = esra_err_set(c->err, ESRA_EPARSE, "docker %s: %s %s", c->what, field, why);
	return c->rc;
}

static int nomem(struct pctx *c)
{
	if (c->rc == 0)
		c->rc = esra_err_set(c->err, ESRA_ENOMEM, "docker %s: out of memory", c->what);
	return c->rc;
}

/* A member that must be an object when present; NULL when absent or null. */
static const cJSON *obj(struct pctx *c, const cJSON *o, const char *key)
{
	const cJSON *x = o != NULL ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (x == NULL || cJSON_IsNull(x))
		return NULL;
	if (!cJSON_IsObject(x)) {
		bad(c, key, "is not an object");
		return NULL;
	}
	return x;
}

static const cJSON *arr(struct pctx *c, const cJSON *o, const char *key)
{
	const cJSON *x = o != NULL ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (x == NULL || cJSON_IsNull(x))
		return NULL;
	if (!cJSON_IsArray(x)) {
		bad(c, key, "is not an array");
		return NULL;
	}
	return x;
}

/* A string member copied into the view's pool; NULL when absent or null. */
static const char *str(struct pctx *c, const cJSON *o, const char *key)
{
	const cJSON *x = o != NULL ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	const char *s;

	if (x == NULL || cJSON_IsNull(x))
		return NULL;
	if (!cJSON_IsString(x)) {
		bad(c, key, "is not a string");
		return NULL;
	}
	if (strlen(x->valuestring) > ESRA_MAX_STRING) {
		if (c->rc == 0)
			c->rc = esra_err_set(c->err, ESRA_ETOOLARGE, "docker %s: %s is over %d bytes",
			                     c->what, key, ESRA_MAX_STRING);
		return NULL;
	}
	s = pool_strdup(c->v->pool, x->valuestring);
	if (s == NULL)
		nomem(c);
	return s;
}

static bool num(struct pctx *c, const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *x = o != NULL ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (x == NULL || cJSON_IsNull(x))
		return false;
	if (!cJSON_IsNumber(x) || x->valuedouble < -9e15 || x->valuedouble > 9e15) {
		bad(c, key, "is not a number");
		return false;
	}
	*out = (int64_t)x->valuedouble;
	return true;
}

static bool boolean(struct pctx *c, const cJSON *o, const char *key)
{
	const cJSON *x = o != NULL ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (x == NULL || cJSON_IsNull(x))
		return false;
	if (!cJSON_IsBool(x)) {
		bad(c, key, "is not a boolean");
		return false;
	}
	return cJSON_IsTrue(x);
}

static int64_t when(struct pctx *c, const cJSON *o, const char *key)
{
	const char *s = str(c, o, key);
	int64_t ms = 0;

	if (s != NULL && model_parse_time(s, &ms) != 0) {
		bad(c, key, "is not an RFC 3339 time");
		return 0;
	}
	return ms;
}

/* "10.0.1.2/24" into an address; an empty string is "no address" (false, no error). */
static bool addr(struct pctx *c, const char *field, const char *s, ip4_t *ip, int *prefix)
{
	if (s == NULL || s[0] == '\0')
		return false;
	if (ip4_parse(s, (size_t)-1, ip, prefix) != 0) {
		bad(c, field, "is not an IPv4 address");
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- element parsers */

static int parse_info(struct pctx *c, const cJSON *o)
{
	struct sw_self *self = &c->v->self;
	const cJSON *sw = obj(c, o, "Swarm");
	const char *s;

	if ((s = str(c, o, "Name")) != NULL)
		self->hostname = s;
	if ((s = str(c, o, "ServerVersion")) != NULL)
		self->server_version = s;
	if (sw != NULL) {
		const char *state = str(c, sw, "LocalNodeState");
		if ((s = str(c, sw, "NodeID")) != NULL)
			self->id = s;
		if ((s = str(c, sw, "NodeAddr")) != NULL)
			self->node_addr = s;
		self->swarm_active = state != NULL && strcmp(state, "active") == 0;
		self->manager = boolean(c, sw, "ControlAvailable");
	}
	return c->rc;
}

static int parse_node(struct pctx *c, const cJSON *o)
{
	struct sw_node *n = model_sw_add_node(c->v);
	const cJSON *spec, *st, *ms, *desc;

	if (n == NULL)
		return nomem(c);
	n->id = str(c, o, "ID");
	desc = obj(c, o, "Description");
	n->hostname = str(c, desc, "Hostname");
	spec = obj(c, o, "Spec");
	n->role = str(c, spec, "Role");
	n->availability = str(c, spec, "Availability");
	st = obj(c, o, "Status");
	n->state = str(c, st, "State");
	n->addr = str(c, st, "Addr");
	ms = obj(c, o, "ManagerStatus");
	n->leader = boolean(c, ms, "Leader");
	if (n->id == NULL)
		return bad(c, "ID", "is missing");
	if (n->leader && strcmp(n->id, c->v->self.id) == 0)
		c->v->self.leader = true;
	return c->rc;
}

static int parse_aliases(struct pctx *c, struct sw_service *s, const cJSON *nets)
{
	size_t total = 0, k = 0;
	const cJSON *n;

	cJSON_ArrayForEach(n, nets) {
		const cJSON *a = arr(c, n, "Aliases");
		total += a != NULL ? (size_t)cJSON_GetArraySize(a) : 0;
	}
	if (total == 0 || c->rc != 0)
		return c->rc;
	if (total > ESRA_MAX_ALIASES * 16)
		return bad(c, "Spec.TaskTemplate.Networks", "holds too many aliases");
	s->aliases = pool_alloc(c->v->pool, total * sizeof(*s->aliases));
	if (s->aliases == NULL)
		return nomem(c);
	cJSON_ArrayForEach(n, nets) {
		const char *target = str(c, n, "Target");
		const cJSON *a = arr(c, n, "Aliases"), *x;
		cJSON_ArrayForEach(x, a) {
			if (!cJSON_IsString(x))
				return bad(c, "Aliases", "holds a non-string");
			s->aliases[k].net = MODEL_NONE;
			s->aliases[k].net_id = target;
			s->aliases[k].alias = pool_strdup(c->v->pool, x->valuestring);
			if (s->aliases[k].alias == NULL)
				return nomem(c);
			k++;
		}
	}
	s->n_aliases = k;
	return c->rc;
}

static int parse_service(struct pctx *c, const cJSON *o)
{
	struct sw_service *s = model_sw_add_service(c->v);
	const cJSON *spec, *mode, *ep, *vips, *status, *tt, *es, *labels, *v;
	const char *m;
	size_t k = 0;

	if (s == NULL)
		return nomem(c);
	s->id = str(c, o, "ID");
	s->created_ms = when(c, o, "CreatedAt");
	s->updated_ms = when(c, o, "UpdatedAt");
	spec = obj(c, o, "Spec");
	s->name = str(c, spec, "Name");
	if (s->id == NULL || s->name == NULL)
		return c->rc ? c->rc : bad(c, s->id == NULL ? "ID" : "Spec.Name", "is missing");
	labels = obj(c, spec, "Labels");
	s->stack = str(c, labels, "com.docker.stack.namespace");
	mode = obj(c, spec, "Mode");
	s->mode = SW_MODE_OTHER;
	if (obj(c, mode, "Replicated") != NULL) {
		s->mode = SW_MODE_REPLICATED;
		if (!num(c, obj(c, mode, "Replicated"), "Replicas", &s->replicas))
			s->replicas = 1; /* the engine's default */
	} else if (cJSON_GetObjectItemCaseSensitive(mode, "Global") != NULL) {
		s->mode = SW_MODE_GLOBAL;
	} else if (cJSON_GetObjectItemCaseSensitive(mode, "ReplicatedJob") != NULL) {
		s->mode = SW_MODE_REPLICATED_JOB;
	} else if (cJSON_GetObjectItemCaseSensitive(mode, "GlobalJob") != NULL) {
		s->mode = SW_MODE_GLOBAL_JOB;
	}
	es = obj(c, spec, "EndpointSpec");
	ep = obj(c, o, "Endpoint");
	m = str(c, es, "Mode");
	if (m == NULL)
		m = str(c, obj(c, ep, "Spec"), "Mode");
	s->dnsrr = m != NULL && strcmp(m, "dnsrr") == 0;
	vips = arr(c, ep, "VirtualIPs");
	if (vips != NULL && cJSON_GetArraySize(vips) > 0) {
		int n = cJSON_GetArraySize(vips);
		if (n > ESRA_MAX_ADDRS)
			return bad(c, "Endpoint.VirtualIPs", "holds too many addresses");
		s->vips = pool_alloc(c->v->pool, (size_t)n * sizeof(*s->vips));
		if (s->vips == NULL)
			return nomem(c);
		cJSON_ArrayForEach(v, vips) {
			struct sw_addr *a = &s->vips[k];
			a->net = MODEL_NONE;
			a->net_id = str(c, v, "NetworkID");
			if (addr(c, "Endpoint.VirtualIPs.Addr", str(c, v, "Addr"), &a->ip, &a->prefix))
				k++;
		}
		s->n_vips = k;
	}
	tt = obj(c, spec, "TaskTemplate");
	if (arr(c, tt, "Networks") != NULL)
		parse_aliases(c, s, arr(c, tt, "Networks"));
	else if (arr(c, spec, "Networks") != NULL) /* the pre-1.25 place */
		parse_aliases(c, s, arr(c, spec, "Networks"));
	status = obj(c, o, "ServiceStatus");
	if (status != NULL) {
		num(c, status, "RunningTasks", &s->running_tasks);
		num(c, status, "DesiredTasks", &s->desired_tasks);
	}
	return c->rc;
}

static int parse_task(struct pctx *c, const cJSON *o)
{
	struct sw_task *t = model_sw_add_task(c->v);
	const cJSON *st, *cs, *nas, *na;
	size_t total = 0, k = 0;

	if (t == NULL)
		return nomem(c);
	t->id = str(c, o, "ID");
	t->service_id = str(c, o, "ServiceID");
	if (t->id == NULL)
		return c->rc ? c->rc : bad(c, "ID", "is missing");
	num(c, o, "Slot", &t->slot);
	t->node_id = str(c, o, "NodeID");
	t->created_ms = when(c, o, "CreatedAt");
	t->updated_ms = when(c, o, "UpdatedAt");
	t->desired = model_sw_state_parse(str(c, o, "DesiredState"));
	st = obj(c, o, "Status");
	t->state = model_sw_state_parse(str(c, st, "State"));
	t->status_ms = when(c, st, "Timestamp");
	t->message = str(c, st, "Err");
	if (t->message == NULL)
		t->message = str(c, st, "Message");
	cs = obj(c, st, "ContainerStatus");
	t->container_id = str(c, cs, "ContainerID");
	if (t->container_id != NULL && t->container_id[0] == '\0')
		t->container_id = NULL;
	nas = arr(c, o, "NetworksAttachments");
	cJSON_ArrayForEach(na, nas) {
		const cJSON *a = arr(c, na, "Addresses");
		total += a != NULL ? (size_t)cJSON_GetArraySize(a) : 0;
	}
	if (total == 0 || c->rc != 0)
		return c->rc;
	if (total > ESRA_MAX_ADDRS)
		return bad(c, "NetworksAttachments", "holds too many addresses");
	t->addrs = pool_alloc(c->v->pool, total * sizeof(*t->addrs));
	if (t->addrs == NULL)
		return nomem(c);
	cJSON_ArrayForEach(na, nas) {
		const char *net_id = str(c, obj(c, na, "Network"), "ID");
		const cJSON *x;
		cJSON_ArrayForEach(x, arr(c, na, "Addresses")) {
			if (!cJSON_IsString(x))
				return bad(c, "NetworksAttachments.Addresses", "holds a non-string");
			t->addrs[k].net = MODEL_NONE;
			t->addrs[k].net_id = net_id;
			if (addr(c, "NetworksAttachments.Addresses", x->valuestring, &t->addrs[k].ip,
			         &t->addrs[k].prefix))
				k++;
		}
	}
	t->n_addrs = k;
	return c->rc;
}

static int parse_network(struct pctx *c, const cJSON *o)
{
	struct sw_network *n = model_sw_add_network(c->v);
	const cJSON *cfgs, *x;

	if (n == NULL)
		return nomem(c);
	n->id = str(c, o, "Id");
	n->name = str(c, o, "Name");
	if (n->id == NULL || n->name == NULL)
		return c->rc ? c->rc : bad(c, n->id == NULL ? "Id" : "Name", "is missing");
	n->driver = str(c, o, "Driver");
	n->scope = str(c, o, "Scope");
	n->ingress = boolean(c, o, "Ingress");
	n->attachable = boolean(c, o, "Attachable");
	n->internal = boolean(c, o, "Internal");
	cfgs = arr(c, obj(c, o, "IPAM"), "Config");
	cJSON_ArrayForEach(x, cfgs) {
		const char *sub = str(c, x, "Subnet");
		ip4_t ip;
		int prefix;
		/* the first IPv4 subnet; IPv6 ones are not esra's business */
		if (!n->has_subnet && sub != NULL && strchr(sub, ':') == NULL &&
		    addr(c, "IPAM.Config.Subnet", sub, &ip, &prefix)) {
			n->has_subnet = true;
			n->subnet = ip;
			n->prefix = prefix;
		}
	}
	return c->rc;
}

/* The ?verbose=true inspect of one swarm network: this node's view of its services. */
static int parse_network_verbose(struct pctx *c, const cJSON *o)
{
	const char *id = str(c, o, "Id");
	const cJSON *svcs = obj(c, o, "Services"), *conts = obj(c, o, "Containers"), *s;
	struct sw_network *n = NULL;
	size_t k = 0;

	if (id == NULL)
		return c->rc ? c->rc : bad(c, "Id", "is missing");
	for (size_t i = 0; i < c->v->n_nets; i++)
		if (strcmp(c->v->nets[i].id, id) == 0)
			n = &c->v->nets[i];
	if (n == NULL) { /* not listed by /networks: add it (tests parse it alone) */
		if (parse_network(c, o) != 0)
			return c->rc;
		n = &c->v->nets[c->v->n_nets - 1];
	}
	n->verbose_read = true;
	if (svcs != NULL && cJSON_GetArraySize(svcs) > 0) {
		n->svcs = pool_alloc(c->v->pool, (size_t)cJSON_GetArraySize(svcs) * sizeof(*n->svcs));
		if (n->svcs == NULL)
			return nomem(c);
		cJSON_ArrayForEach(s, svcs) {
			struct sw_netsvc *ns = &n->svcs[k];
			const char *vip = str(c, s, "VIP");
			const cJSON *tasks = arr(c, s, "Tasks"), *t;
			size_t e = 0;
			ns->name = pool_strdup(c->v->pool, s->string);
			if (ns->name == NULL)
				return nomem(c);
			/* "<nil>" (no VIP: dnsrr or plain containers) is no VIP, not an error */
			if (vip != NULL && strcmp(vip, "<nil>") != 0)
				ns->has_vip = addr(c, "Services.VIP", vip, &ns->vip, NULL);
			if (tasks != NULL && cJSON_GetArraySize(tasks) > 0) {
				ns->eps = pool_alloc(c->v->pool,
				                     (size_t)cJSON_GetArraySize(tasks) * sizeof(*ns->eps));
				if (ns->eps == NULL)
					return nomem(c);
				cJSON_ArrayForEach(t, tasks) {
					struct sw_netep *ep = &ns->eps[e];
					ep->name = str(c, t, "Name");
					ep->host_ip = str(c, obj(c, t, "Info"), "Host IP");
					if (ep->name != NULL &&
					    addr(c, "Services.Tasks.EndpointIP", str(c, t, "EndpointIP"),
					         &ep->ip, NULL))
						e++;
				}
			}
			ns->n_eps = e;
			k++;
		}
		n->n_svcs = k;
	}
	k = 0;
	if (conts != NULL && cJSON_GetArraySize(conts) > 0) {
		n->local = pool_alloc(c->v->pool, (size_t)cJSON_GetArraySize(conts) * sizeof(*n->local));
		if (n->local == NULL)
			return nomem(c);
		cJSON_ArrayForEach(s, conts) {
			struct sw_netep *ep = &n->local[k];
			ep->name = str(c, s, "Name");
			if (ep->name != NULL &&
			    addr(c, "Containers.IPv4Address", str(c, s, "IPv4Address"), &ep->ip, NULL))
				k++;
		}
		n->n_local = k;
	}
	return c->rc;
}

static int parse_container(struct pctx *c, const cJSON *o)
{
	struct sw_container *ct = model_sw_add_container(c->v);
	const cJSON *names, *labels, *nets, *x;
	int64_t created = 0;
	size_t k = 0;

	if (ct == NULL)
		return nomem(c);
	ct->id = str(c, o, "Id");
	if (ct->id == NULL)
		return c->rc ? c->rc : bad(c, "Id", "is missing");
	names = arr(c, o, "Names");
	x = names != NULL ? cJSON_GetArrayItem(names, 0) : NULL;
	if (x != NULL) {
		if (!cJSON_IsString(x))
			return bad(c, "Names", "holds a non-string");
		ct->name = pool_strdup(c->v->pool, x->valuestring[0] == '/' ? x->valuestring + 1
		                                                            : x->valuestring);
		if (ct->name == NULL)
			return nomem(c);
	}
	if (ct->name == NULL)
		ct->name = ct->id;
	ct->state = str(c, o, "State");
	if (num(c, o, "Created", &created))
		ct->created_ms = created * 1000;
	labels = obj(c, o, "Labels");
	ct->service_name = str(c, labels, "com.docker.swarm.service.name");
	ct->task_id = str(c, labels, "com.docker.swarm.task.id");
	nets = obj(c, obj(c, o, "NetworkSettings"), "Networks");
	if (nets != NULL && cJSON_GetArraySize(nets) > 0) {
		ct->nets = pool_alloc(c->v->pool, (size_t)cJSON_GetArraySize(nets) * sizeof(*ct->nets));
		if (ct->nets == NULL)
			return nomem(c);
		cJSON_ArrayForEach(x, nets) {
			struct sw_cnet *cn = &ct->nets[k++];
			int64_t plen = -1;
			cn->net = MODEL_NONE;
			cn->net_name = pool_strdup(c->v->pool, x->string);
			if (cn->net_name == NULL)
				return nomem(c);
			cn->net_id = str(c, x, "NetworkID");
			cn->has_ip = addr(c, "NetworkSettings.Networks.IPAddress",
			                  str(c, x, "IPAddress"), &cn->ip, &cn->prefix);
			if (num(c, x, "IPPrefixLen", &plen) && plen >= 0 && plen <= 32)
				cn->prefix = (int)plen;
		}
		ct->n_nets = k;
	}
	return c->rc;
}

/* Aliases of one container from its inspect (the list endpoint leaves them null). The
 * alias docker adds itself (the short id) is dropped. */
static int parse_inspect_aliases(struct pctx *c, struct sw_container *ct, const cJSON *o)
{
	const cJSON *nets = obj(c, obj(c, o, "NetworkSettings"), "Networks"), *x;

	cJSON_ArrayForEach(x, nets) {
		const cJSON *al = arr(c, x, "Aliases"), *a;
		struct sw_cnet *cn = NULL;
		size_t n = 0;
		for (size_t i = 0; i < ct->n_nets; i++)
			if (strcmp(ct->nets[i].net_name, x->string) == 0)
				cn = &ct->nets[i];
		if (cn == NULL || al == NULL || cJSON_GetArraySize(al) == 0)
			continue;
		if (cJSON_GetArraySize(al) > ESRA_MAX_ALIASES)
			return bad(c, "NetworkSettings.Networks.Aliases", "holds too many aliases");
		cn->aliases = pool_alloc(c->v->pool, (size_t)cJSON_GetArraySize(al) * sizeof(char *));
		if (cn->aliases == NULL)
			return nomem(c);
		cJSON_ArrayForEach(a, al) {
			if (!cJSON_IsString(a))
				return bad(c, "Aliases", "holds a non-string");
			if (strncmp(a->valuestring, ct->id, 12) == 0 && strlen(a->valuestring) == 12)
				continue;
			if ((cn->aliases[n++] = pool_strdup(c->v->pool, a->valuestring)) == NULL)
				return nomem(c);
		}
		cn->n_aliases = n;
	}
	return c->rc;
}

/* ---------------------------------------------------------------- streaming */

typedef int (*elem_fn)(struct pctx *c, const cJSON *e);

struct stream {
	struct pctx *c;
	elem_fn fn;           /* for arrays: per element; else NULL (whole document) */
	struct jstream *js;
	bool not_array;
	struct buf whole;     /* object documents are small: gathered, then parsed */
};

static enum jstream_want want_elem(void *ud, const struct jstream_frame *path, size_t depth,
                                   enum jstream_type type)
{
	struct stream *s = ud;

	(void)path;
	if (depth == 0) {
		if (type != JS_ARRAY) {
			s->not_array = true;
			return JS_SKIP;
		}
		return JS_DESCEND;
	}
	return JS_EMIT;
}

static int on_elem(void *ud, const struct jstream_frame *path, size_t depth, const char *json,
                   size_t len, struct esra_err *err)
{
	struct stream *s = ud;
	struct pctx *c = s->c;
	cJSON *e;
	int rc;

	(void)depth;
	c->in_array = true;
	c->index = path[0].index;
	e = cJSON_ParseWithLength(json, len);
	if (e == NULL)
		rc = bad(c, "the element", "is not valid JSON");
	else if (!cJSON_IsObject(e))
		rc = bad(c, "the element", "is not an object");
	else
		rc = s->fn(c, e);
	cJSON_Delete(e);
	if (rc != 0 && err != NULL && err != c->err)
		*err = *c->err;
	return rc;
}

static int stream_init(struct stream *s, struct pctx *c, elem_fn fn)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->fn = fn;
	buf_init(&s->whole, ESRA_MAX_JSON_ELEMENT);
	if (fn != NULL) {
		s->js = jstream_new(want_elem, on_elem, s, ESRA_MAX_JSON_ELEMENT, ESRA_MAX_JSON_DEPTH);
		if (s->js == NULL)
			return nomem(c);
	}
	return ESRA_OK;
}

static void stream_free(struct stream *s)
{
	jstream_free(s->js);
	buf_free(&s->whole);
}

static int stream_feed(void *ud, const char *data, size_t n, struct esra_err *err)
{
	struct stream *s = ud;
	int rc;

	if (s->fn == NULL) {
		rc = buf_append(&s->whole, data, n);
		if (rc != 0)
			return esra_err_set(err, rc, "a JSON document over %u bytes",
			                    ESRA_MAX_JSON_ELEMENT);
		return ESRA_OK;
	}
	rc = jstream_feed(s->js, data, n, err);
	if (rc == ESRA_OK && s->c->rc != 0)
		rc = s->c->rc;
	return rc;
}

/* Complete the document; for object documents parse it and hand it to fn_obj. */
static int stream_finish(struct stream *s, int (*fn_obj)(struct pctx *, const cJSON *))
{
	struct pctx *c = s->c;
	struct esra_err e;
	cJSON *doc;
	int rc;

	if (c->rc != 0)
		return c->rc;
	if (s->fn != NULL) {
		esra_err_clear(&e);
		rc = jstream_finish(s->js, &e);
		if (rc != 0)
			return c->rc = esra_err_set(c->err, rc, "docker %s: %s", c->what, e.msg);
		if (s->not_array)
			return bad(c, "the answer", "is not a JSON array");
		return c->rc;
	}
	c->in_array = false;
	doc = cJSON_ParseWithLength(s->whole.data != NULL ? s->whole.data : "", s->whole.len);
	if (doc == NULL || !cJSON_IsObject(doc))
		rc = bad(c, "the answer", doc == NULL ? "is not valid JSON" : "is not a JSON object");
	else
		rc = fn_obj(c, doc);
	cJSON_Delete(doc);
	return rc;
}

/* Run one parser over a buffer fed in pieces of `piece` bytes (0 = whole), as the network
 * path does (tests use this; docker_read streams the same code). */
static int parse_buffer(struct sw_view *v, const char *json, size_t n, size_t piece,
                        const char *what, elem_fn fn,
                        int (*fn_obj)(struct pctx *, const cJSON *), struct esra_err *err)
{
	struct pctx c = {v, err, what, 0, false, 0, NULL};
	struct stream s;
	int rc;

	if (piece == 0)
		piece = n ? n : 1;
	if ((rc = stream_init(&s, &c, fn)) == ESRA_OK) {
		for (size_t off = 0; rc == ESRA_OK && off < n; off += piece)
			rc = stream_feed(&s, json + off, n - off < piece ? n - off : piece, err);
		if (rc != 0 && c.rc == 0) {
			char msg[sizeof(err->msg)];
			snprintf(msg, sizeof(msg), "%s", err != NULL ? err->msg : "");
			c.rc = esra_err_set(err, rc, "docker %s: %s", what, msg);
		}
		rc = c.rc != 0 ? c.rc : stream_finish(&s, fn_obj);
	}
	stream_free(&s);
	return rc;
}

#ifdef ESRA_TESTING
int docker_parse_pieces(struct sw_view *v, const char *endpoint, const char *json, size_t n,
                        size_t piece, struct esra_err *err)
{
	static const struct {
		const char *name;
		elem_fn fn;
		int (*fn_obj)(struct pctx *, const cJSON *);
	} eps[] = {{"info", NULL, parse_info},       {"nodes", parse_node, NULL},
	           {"services", parse_service, NULL}, {"tasks", parse_task, NULL},
	           {"networks", parse_network, NULL}, {"network", NULL, parse_network_verbose},
	           {"containers", parse_container, NULL}};

	for (size_t i = 0; i < sizeof(eps) / sizeof(eps[0]); i++)
		if (strcmp(eps[i].name, endpoint) == 0)
			return parse_buffer(v, json, n, piece, endpoint, eps[i].fn, eps[i].fn_obj, err);
	return esra_err_set(err, ESRA_EINVAL, "no endpoint %s", endpoint);
}
#endif

int docker_parse_info(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return parse_buffer(v, json, n, 0, "/info", NULL, parse_info, err);
}

int docker_parse_nodes(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return parse_buffer(v, json, n, 0, "/nodes", parse_node, NULL, err);
}

int docker_parse_services(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return parse_buffer(v, json, n, 0, "/services", parse_service, NULL, err);
}

int docker_parse_tasks(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return parse_buffer(v, json, n, 0, "/tasks", parse_task, NULL, err);
}

int docker_parse_networks(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return parse_buffer(v, json, n, 0, "/networks", parse_network, NULL, err);
}

int docker_parse_network_verbose(struct sw_view *v, const char *json, size_t n,
                                 struct esra_err *err)
{
	return parse_buffer(v, json, n, 0, "/networks/{id}?verbose=true", NULL,
	                    parse_network_verbose, err);
}

int docker_parse_containers(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return parse_buffer(v, json, n, 0, "/containers/json", parse_container, NULL, err);
}

/* ---------------------------------------------------------------- client */

struct docker *docker_new(const struct docker_opts *opts, struct esra_err *err)
{
	struct docker *d = calloc(1, sizeof(*d));
	struct http_opts ho;
	const char *h = opts->host;
	bool tls;

	if (d == NULL) {
		esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
		return NULL;
	}
	d->max_body = opts->max_body ? opts->max_body : ESRA_MAX_DOCKER_BODY;
	memset(&ho, 0, sizeof(ho));
	ho.timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 5000;
	ho.max_body = d->max_body;
	if (strncmp(h, "unix://", 7) == 0 && h[7] == '/' && strlen(h) < sizeof(d->sock) + 7) {
		snprintf(d->sock, sizeof(d->sock), "%s", h + 7);
		snprintf(d->base, sizeof(d->base), "http://localhost");
		ho.unix_socket = d->sock;
	} else if (strncmp(h, "tcp://", 6) == 0 && h[6] != '\0' && strlen(h) < 400) {
		const char *cp = opts->cert_path != NULL ? opts->cert_path : "";
		tls = opts->tls_verify || cp[0] != '\0';
		snprintf(d->base, sizeof(d->base), "%s://%s", tls ? "https" : "http", h + 6);
		if (d->base[strlen(d->base) - 1] == '/')
			d->base[strlen(d->base) - 1] = '\0';
		if (cp[0] != '\0') {
			snprintf(d->ca, sizeof(d->ca), "%s/ca.pem", cp);
			snprintf(d->cert, sizeof(d->cert), "%s/cert.pem", cp);
			snprintf(d->key, sizeof(d->key), "%s/key.pem", cp);
			ho.cert_file = d->cert;
			ho.key_file = d->key;
			ho.ca_file = d->ca;
		}
		ho.tls_verify = opts->tls_verify;
	} else {
		free(d);
		esra_err_set(err, ESRA_ECONFIG, "docker host \"%s\": must be unix:///path or "
		                                "tcp://host:port", h);
		return NULL;
	}
	d->http = http_new(&ho, err);
	if (d->http == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void docker_free(struct docker *d)
{
	if (d == NULL)
		return;
	http_free(d->http);
	free(d);
}

const char *docker_api_version(const struct docker *d)
{
	return d->api;
}

/* The message of an error body ({"message":"..."}), cut to fit. */
static void error_message(const struct http_resp *r, char *out, size_t outsz)
{
	cJSON *j = r->body.len ? cJSON_ParseWithLength(r->body.data, r->body.len) : NULL;
	const cJSON *m = j != NULL ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;

	if (m != NULL && cJSON_IsString(m))
		snprintf(out, outsz, "%s", m->valuestring);
	else
		snprintf(out, outsz, "%.*s", (int)(r->body.len < 200 ? r->body.len : 200),
		         r->body.data ? r->body.data : "");
	cJSON_Delete(j);
}

/* GET path (after /vX.Y, or as given when raw) and stream the answer through s.
 * 503 "not a swarm manager" is ESRA_ENOTMANAGER, 404 ESRA_ENOTFOUND. */
static int get(struct docker *d, const char *path, bool raw, struct stream *s, struct esra_err *err)
{
	char url[1200], msg[256];
	struct http_req req;
	struct http_resp resp;
	int rc;

	if (raw)
		snprintf(url, sizeof(url), "%s%s", d->base, path);
	else
		snprintf(url, sizeof(url), "%s/v%s%s", d->base, d->api, path);
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.accept = "application/json";
	req.sink = stream_feed;
	req.sink_ud = s;
	http_resp_init(&resp);
	rc = http_do(d->http, &req, &resp, err);
	if (rc == ESRA_ECONNECT && d->sock[0] != '\0') {
		/* curl speaks of "localhost port 80": name the socket and why instead */
		struct stat st;
		int e = stat(d->sock, &st) != 0 ? errno : 0;
		esra_err_set(err, rc, "docker unix://%s: %s", d->sock,
		             e != 0                 ? strerror(e)
		             : !S_ISSOCK(st.st_mode) ? "not a socket"
		             : access(d->sock, R_OK | W_OK) != 0
		                     ? "permission denied (esra needs read and write on the socket)"
		                     : "cannot connect (is dockerd running?)");
	}
	if (rc != ESRA_OK) {
		if (s->c->rc == 0)
			s->c->rc = rc;
		if (rc != ESRA_EPARSE && rc != ESRA_ENOMEM && strncmp(err->msg, "docker ", 7) != 0)
			esra_err_prefix(err, "docker: ");
		goto out;
	}
	if (resp.status < 200 || resp.status > 299) {
		error_message(&resp, msg, sizeof(msg));
		if (resp.status == 503 && strstr(msg, "not a swarm manager") != NULL)
			rc = esra_err_set(err, ESRA_ENOTMANAGER, "docker %s: %s", s->c->what, msg);
		else if (resp.status == 404)
			rc = esra_err_set(err, ESRA_ENOTFOUND, "docker %s: 404 %s", s->c->what, msg);
		else
			rc = esra_err_set(err, ESRA_EHTTP, "docker %s: HTTP %ld: %s", s->c->what,
			                  resp.status, msg);
		goto out;
	}
	if (s->c->v != NULL)
		s->c->v->bytes += resp.bytes;
out:
	http_resp_free(&resp);
	return rc;
}

/* One endpoint into v: an array through fn, or an object through fn_obj. */
static int read_endpoint(struct docker *d, struct sw_view *v, const char *path, elem_fn fn,
                         int (*fn_obj)(struct pctx *, const cJSON *), struct esra_err *err)
{
	char what[600];
	struct pctx c;
	struct stream s;
	int rc;

	snprintf(what, sizeof(what), "GET /v%s%s", d->api, path);
	memset(&c, 0, sizeof(c));
	c.v = v;
	c.err = err;
	c.what = what;
	if ((rc = stream_init(&s, &c, fn)) == ESRA_OK) {
		rc = get(d, path, false, &s, err);
		if (rc == ESRA_OK)
			rc = stream_finish(&s, fn_obj);
	}
	stream_free(&s);
	return rc;
}

static int minor_of(const char *v)
{
	int major = 0, minor = -1;

	if (v == NULL || sscanf(v, "%d.%d", &major, &minor) != 2 || major != 1)
		return -1;
	return minor;
}

struct version_ud {
	char api[32];
};

static int parse_version(struct pctx *c, const cJSON *o)
{
	struct version_ud *u = c->ud;
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, "ApiVersion");

	if (x == NULL || !cJSON_IsString(x))
		return bad(c, "ApiVersion", "is missing");
	snprintf(u->api, sizeof(u->api), "%s", x->valuestring);
	return ESRA_OK;
}

int docker_negotiate(struct docker *d, struct esra_err *err)
{
	struct version_ud u;
	struct pctx c;
	struct stream s;
	int rc, minor;

	if (d->api[0] != '\0')
		return ESRA_OK;
	memset(&u, 0, sizeof(u));
	memset(&c, 0, sizeof(c));
	c.ud = &u;
	c.err = err;
	c.what = "GET /version";
	if ((rc = stream_init(&s, &c, NULL)) == ESRA_OK) {
		rc = get(d, "/version", true, &s, err);
		if (rc == ESRA_OK)
			rc = stream_finish(&s, parse_version);
	}
	stream_free(&s);
	if (rc != ESRA_OK)
		return rc;
	minor = minor_of(u.api);
	if (minor < 0)
		return esra_err_set(err, ESRA_EPARSE, "docker GET /version: ApiVersion \"%s\" is not "
		                                      "1.N", u.api);
	if (minor < API_MIN_MINOR)
		return esra_err_set(err, ESRA_EHTTP, "docker: the daemon speaks API %s; esra needs "
		                                     "1.%d or newer (Docker 20.10+)", u.api,
		                    API_MIN_MINOR);
	snprintf(d->api, sizeof(d->api), "1.%d", minor < API_MAX_MINOR ? minor : API_MAX_MINOR);
	return ESRA_OK;
}

/* Aliases come only from inspect: ask for the containers that are not swarm tasks. */
static int read_aliases(struct docker *d, struct sw_view *v, struct esra_err *err)
{
	for (size_t i = 0; i < v->n_containers; i++) {
		struct sw_container *ct = &v->containers[i];
		char path[256], what[300];
		struct pctx c;
		struct stream s;
		cJSON *doc;
		int rc;

		if (ct->task_id != NULL || ct->n_nets == 0)
			continue;
		snprintf(path, sizeof(path), "/containers/%.128s/json", ct->id);
		snprintf(what, sizeof(what), "GET /v%s%s", d->api, path);
		memset(&c, 0, sizeof(c));
		c.v = v;
		c.err = err;
		c.what = what;
		if ((rc = stream_init(&s, &c, NULL)) != ESRA_OK) {
			stream_free(&s);
			return rc;
		}
		rc = get(d, path, false, &s, err);
		if (rc == ESRA_ENOTFOUND) { /* gone since the list: nothing to learn */
			stream_free(&s);
			continue;
		}
		if (rc == ESRA_OK) {
			doc = cJSON_ParseWithLength(s.whole.data ? s.whole.data : "", s.whole.len);
			if (doc == NULL || !cJSON_IsObject(doc))
				rc = bad(&c, "the answer", "is not a JSON object");
			else
				rc = parse_inspect_aliases(&c, ct, doc);
			cJSON_Delete(doc);
		}
		stream_free(&s);
		if (rc != ESRA_OK)
			return rc;
	}
	return ESRA_OK;
}

int docker_read(struct docker *d, struct sw_view **out, struct esra_err *err)
{
	struct sw_view *v = NULL;
	int rc;

	*out = NULL;
	if ((rc = docker_negotiate(d, err)) != ESRA_OK)
		return rc;
	v = model_sw_new();
	if (v == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
	if ((v->api_version = pool_strdup(v->pool, d->api)) == NULL) {
		rc = esra_err_set(err, ESRA_ENOMEM, "docker: out of memory");
		goto fail;
	}
	if ((rc = read_endpoint(d, v, "/info", NULL, parse_info, err)) != ESRA_OK)
		goto fail;
	if (v->self.swarm_active && !v->self.manager)
		v->worker_view = true;
	if (v->self.swarm_active && !v->worker_view) {
		rc = read_endpoint(d, v, "/nodes", parse_node, NULL, err);
		if (rc == ESRA_OK)
			rc = read_endpoint(d, v, "/services?status=true", parse_service, NULL, err);
		if (rc == ESRA_OK)
			rc = read_endpoint(d, v, "/tasks", parse_task, NULL, err);
		if (rc == ESRA_ENOTMANAGER) {
			/* demoted since /info, or a worker: judge what a worker can */
			v->worker_view = true;
			v->n_nodes = v->n_services = v->n_tasks = 0;
			rc = ESRA_OK;
		}
		if (rc != ESRA_OK)
			goto fail;
	}
	if ((rc = read_endpoint(d, v, "/networks", parse_network, NULL, err)) != ESRA_OK)
		goto fail;
	for (size_t i = 0, n = v->n_nets; i < n; i++) {
		char path[256];
		if (v->nets[i].scope == NULL || strcmp(v->nets[i].scope, "swarm") != 0)
			continue;
		snprintf(path, sizeof(path), "/networks/%.128s?verbose=true", v->nets[i].id);
		rc = read_endpoint(d, v, path, NULL, parse_network_verbose, err);
		if (rc == ESRA_ENOTFOUND) /* removed since the list */
			rc = ESRA_OK;
		if (rc != ESRA_OK)
			goto fail;
	}
	if ((rc = read_endpoint(d, v, "/containers/json", parse_container, NULL, err)) != ESRA_OK)
		goto fail;
	if ((rc = read_aliases(d, v, err)) != ESRA_OK)
		goto fail;
	if ((rc = model_sw_link(v, err)) != ESRA_OK)
		goto fail;
	*out = v;
	return ESRA_OK;
fail:
	model_sw_free(v);
	return rc;
}

static int parse_pid(struct pctx *c, const cJSON *o)
{
	pid_t *pid = c->ud;
	const cJSON *st = obj(c, o, "State");
	int64_t p = 0;

	if (!boolean(c, st, "Running"))
		return c->rc ? c->rc : (c->rc = esra_err_set(c->err, ESRA_EINVAL, "is not running"));
	if (!num(c, st, "Pid", &p) || p <= 0)
		return bad(c, "State.Pid", "is missing");
	*pid = (pid_t)p;
	return c->rc;
}

int docker_container_pid(struct docker *d, const char *name, pid_t *pid, struct esra_err *err)
{
	struct buf path;
	char what[400];
	struct pctx c;
	struct stream s;
	pid_t p = 0;
	int rc;

	*pid = 0;
	if ((rc = docker_negotiate(d, err)) != ESRA_OK)
		return rc;
	buf_init(&path, 1024);
	if (buf_puts(&path, "/containers/") != 0 || http_escape(&path, name) != 0 ||
	    buf_puts(&path, "/json") != 0) {
		buf_free(&path);
		return esra_err_set(err, ESRA_ETOOLARGE, "docker: container name too long");
	}
	snprintf(what, sizeof(what), "GET /v%s%s", d->api, path.data);
	memset(&c, 0, sizeof(c));
	c.ud = &p;
	c.err = err;
	c.what = what;
	if ((rc = stream_init(&s, &c, NULL)) == ESRA_OK) {
		rc = get(d, path.data, false, &s, err);
		if (rc == ESRA_OK)
			rc = stream_finish(&s, parse_pid);
	}
	stream_free(&s);
	buf_free(&path);
	if (rc == ESRA_ENOTFOUND)
		return esra_err_set(err, ESRA_ENOTFOUND, "docker: no container named %s", name);
	if (rc == ESRA_EINVAL)
		return esra_err_set(err, ESRA_EINVAL, "docker: container %s is not running", name);
	if (rc == ESRA_OK)
		*pid = p;
	return rc;
}
