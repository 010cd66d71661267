/* docker_parse.c: the Docker Engine API payload parsers (see docker_parse.h). Every payload
 * is streamed through jstream and parsed one element at a time, so memory follows the
 * model, not the payload. Bytes in, a view out: it must never do I/O, never log, and never
 * leave an element half-read without an error. */
#include "docker_parse.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "jstream.h"
#include "limits.h"

#define SHORT_ID_LEN 12 /* the container id prefix dockerd adds as a network alias */

/* ---------------------------------------------------------------- element access */

/* What one element parse needs: where to copy strings, and the first error. Accessors do
 * nothing once an error is recorded, so an element parse reads straight through and checks
 * c->rc at the end. */
struct ectx {
	struct pool *pool;
	struct esra_err *err;
	const char *what; /* "task", "service", ...; NULL for a whole document (/info) */
	size_t index;     /* position in the payload's array or map, MODEL_NONE if none */
	const char *id;   /* the element's id once known, for messages */
	int rc;
};

static int efail(struct ectx *c, int code, const char *fmt, ...) ESRA_PRINTF(3, 4);

static int efail(struct ectx *c, int code, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (c->rc != 0)
		return c->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->rc = code;
	if (c->what == NULL)
		esra_err_set(c->err, code, "%s", msg);
	else if (c->index == MODEL_NONE && c->id != NULL)
		esra_err_set(c->err, code, "%s %.40s: %s", c->what, c->id, msg);
	else if (c->index == MODEL_NONE)
		esra_err_set(c->err, code, "%s: %s", c->what, msg);
	else if (c->id != NULL)
		esra_err_set(c->err, code, "%s[%zu] %.40s: %s", c->what, c->index, c->id, msg);
	else
		esra_err_set(c->err, code, "%s[%zu]: %s", c->what, c->index, msg);
	return code;
}

/* The value at a dotted path ("Status.ContainerStatus.ContainerID") below o; NULL when a
 * step is missing or null. A step that is not an object is an error. Keys holding dots
 * (labels) are looked up with member(). */
static const cJSON *at(struct ectx *c, const cJSON *o, const char *path)
{
	const char *p = path;

	while (c->rc == 0 && o != NULL) {
		const char *dot = strchr(p, '.');
		size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		char key[64];

		if (!cJSON_IsObject(o)) {
			if (p == path)
				efail(c, ESRA_EPARSE, "not a JSON object");
			else
				efail(c, ESRA_EPARSE, "%.*s is not an object", (int)(p - path - 1),
				      path);
			return NULL;
		}
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, p, len);
		key[len] = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		if (o == NULL || cJSON_IsNull(o))
			return NULL;
		if (dot == NULL)
			return o;
		p = dot + 1;
	}
	return NULL;
}

static const cJSON *member(const cJSON *o, const char *key)
{
	const cJSON *m = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsNull(m) ? NULL : m;
}

static const char *copy_str(struct ectx *c, const char *field, const char *s)
{
	size_t len = strlen(s);
	const char *r;

	if (len > ESRA_MAX_STRING) {
		efail(c, ESRA_ETOOLARGE, "%s is over %d bytes", field, ESRA_MAX_STRING);
		return NULL;
	}
	r = pool_strndup(c->pool, s, len);
	if (r == NULL)
		efail(c, ESRA_ENOMEM, "out of memory");
	return r;
}

/* A string value (copied into the pool): NULL when missing or null, an error when required
 * or when it is another type. */
static const char *str_of(struct ectx *c, const cJSON *item, const char *field, bool required)
{
	if (c->rc != 0)
		return NULL;
	if (item == NULL || cJSON_IsNull(item)) {
		if (required)
			efail(c, ESRA_EPARSE, "%s is missing", field);
		return NULL;
	}
	if (!cJSON_IsString(item) || item->valuestring == NULL) {
		efail(c, ESRA_EPARSE, "%s is not a string", field);
		return NULL;
	}
	return copy_str(c, field, item->valuestring);
}

static const char *str_at(struct ectx *c, const cJSON *o, const char *path, bool required)
{
	return str_of(c, at(c, o, path), path, required);
}

/* A string that is only compared, not kept: borrowed from the tree, NULL when absent. */
static const char *peek_at(struct ectx *c, const cJSON *o, const char *path)
{
	const cJSON *item = at(c, o, path);

	if (item == NULL || c->rc != 0)
		return NULL;
	if (!cJSON_IsString(item) || item->valuestring == NULL) {
		efail(c, ESRA_EPARSE, "%s is not a string", path);
		return NULL;
	}
	return item->valuestring;
}

/* An integral number (within +-2^53); dflt when missing or null. */
static int64_t int_of(struct ectx *c, const cJSON *item, const char *field, int64_t dflt)
{
	double d;

	if (c->rc != 0 || item == NULL || cJSON_IsNull(item))
		return dflt;
	if (!cJSON_IsNumber(item)) {
		efail(c, ESRA_EPARSE, "%s is not a number", field);
		return dflt;
	}
	d = item->valuedouble;
	if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0) {
		efail(c, ESRA_EPARSE, "%s is not an integer", field);
		return dflt;
	}
	return (int64_t)d;
}

static int64_t int_at(struct ectx *c, const cJSON *o, const char *path, int64_t dflt)
{
	return int_of(c, at(c, o, path), path, dflt);
}

static bool bool_at(struct ectx *c, const cJSON *o, const char *path, bool dflt)
{
	const cJSON *item = at(c, o, path);

	if (c->rc != 0 || item == NULL)
		return dflt;
	if (!cJSON_IsBool(item)) {
		efail(c, ESRA_EPARSE, "%s is not a boolean", path);
		return dflt;
	}
	return cJSON_IsTrue(item);
}

/* An RFC 3339 time as epoch ms; 0 when missing, an error when malformed. */
static int64_t time_at(struct ectx *c, const cJSON *o, const char *path)
{
	const char *s = peek_at(c, o, path);
	int64_t ms = 0;

	if (s != NULL && model_parse_time(s, &ms) != ESRA_OK)
		efail(c, ESRA_EPARSE, "%s \"%.40s\" is not an RFC 3339 time", path, s);
	return ms;
}

static const cJSON *typed_at(struct ectx *c, const cJSON *o, const char *path, bool array)
{
	const cJSON *item = at(c, o, path);

	if (c->rc != 0 || item == NULL)
		return NULL;
	if (array ? !cJSON_IsArray(item) : !cJSON_IsObject(item)) {
		efail(c, ESRA_EPARSE, "%s is not an %s", path, array ? "array" : "object");
		return NULL;
	}
	return item;
}

static const cJSON *obj_at(struct ectx *c, const cJSON *o, const char *path)
{
	return typed_at(c, o, path, false);
}

static const cJSON *arr_at(struct ectx *c, const cJSON *o, const char *path)
{
	return typed_at(c, o, path, true);
}

/* An array entry that must be an object (field names it in the message). */
static bool entry_obj(struct ectx *c, const cJSON *e, const char *field)
{
	if (c->rc != 0)
		return false;
	if (!cJSON_IsObject(e)) {
		efail(c, ESRA_EPARSE, "%s is not an object", field);
		return false;
	}
	return true;
}

/* An address as docker writes it ("10.0.1.2/24", or "10.0.1.2"): 0 and ip/prefix set,
 * 1 when it is an IPv6 address (esra's model is IPv4; such an entry is skipped), or an
 * error when it is neither. */
static int addr_parse(struct ectx *c, const char *field, const char *s, ip4_t *ip, int *prefix)
{
	if (c->rc != 0)
		return c->rc;
	if (strchr(s, ':') != NULL)
		return 1;
	if (ip4_parse(s, (size_t)-1, ip, prefix) != ESRA_OK)
		return efail(c, ESRA_EPARSE, "%s \"%.40s\" is not an IPv4 address", field, s);
	return 0;
}

static void *ealloc(struct ectx *c, size_t n, size_t size)
{
	void *p;

	if (c->rc != 0 || n == 0)
		return NULL;
	p = pool_alloc(c->pool, n * size);
	if (p == NULL)
		efail(c, ESRA_ENOMEM, "out of memory");
	return p;
}

static int too_many(struct ectx *c, size_t have, const char *what)
{
	if (have >= ESRA_MAX_OBJECTS)
		return efail(c, ESRA_ETOOLARGE, "more than %d %s (ESRA_MAX_OBJECTS)",
		             ESRA_MAX_OBJECTS, what);
	return efail(c, ESRA_ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------- elements */

/* /info. No "Swarm" key (old daemons) or LocalNodeState "inactive" (or none) means this
 * node is in no swarm: not an error. "pending" (joining), "locked" (autolock, needs docker
 * swarm unlock) and "error" mean a swarm node whose swarm state cannot be read: an error
 * (ESRA_ENOTREADY) quoting Swarm.Error, rather than a silent empty swarm. */
static void parse_info(struct ectx *c, const cJSON *o, struct sw_view *v)
{
	const char *state;
	struct sw_self *self = &v->self;
	const char *s;

	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not a JSON object");
		return;
	}
	if ((s = str_at(c, o, "Name", false)) != NULL)
		self->hostname = s;
	if ((s = str_at(c, o, "ServerVersion", false)) != NULL)
		self->server_version = s;
	if (obj_at(c, o, "Swarm") == NULL)
		return;
	if ((s = str_at(c, o, "Swarm.NodeID", false)) != NULL)
		self->id = s;
	if ((s = str_at(c, o, "Swarm.NodeAddr", false)) != NULL)
		self->node_addr = s;
	state = peek_at(c, o, "Swarm.LocalNodeState");
	self->swarm_active = state != NULL && strcmp(state, "active") == 0;
	self->manager = self->swarm_active && bool_at(c, o, "Swarm.ControlAvailable", false);
	if (c->rc == 0 && state != NULL && state[0] != '\0' && !self->swarm_active &&
	    strcmp(state, "inactive") != 0) {
		const char *why = peek_at(c, o, "Swarm.Error");
		efail(c, ESRA_ENOTREADY, "Swarm.LocalNodeState is \"%.20s\"%s%.120s", state,
		      why != NULL && why[0] != '\0' ? ": " : "", why != NULL ? why : "");
	}
}

static void parse_node(struct ectx *c, const cJSON *o, struct sw_view *v)
{
	struct sw_node *n;

	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not a JSON object");
		return;
	}
	if ((n = model_sw_add_node(v)) == NULL) {
		too_many(c, v->n_nodes, "nodes");
		return;
	}
	n->id = c->id = str_at(c, o, "ID", true);
	n->hostname = str_at(c, o, "Description.Hostname", false);
	n->role = str_at(c, o, "Spec.Role", false);
	n->availability = str_at(c, o, "Spec.Availability", false);
	n->state = str_at(c, o, "Status.State", false);
	n->addr = str_at(c, o, "Status.Addr", false);
	n->leader = bool_at(c, o, "ManagerStatus.Leader", false);
	if (c->rc == 0 && n->leader && n->id != NULL && strcmp(n->id, v->self.id) == 0)
		v->self.leader = true;
}

/* Endpoint.VirtualIPs. An entry without Addr (or "") has no VIP on that network and an IPv6
 * VIP is outside the model: both skipped. A malformed address is an error. */
static void parse_vips(struct ectx *c, const cJSON *o, struct sw_service *s)
{
	const cJSON *vips = arr_at(c, o, "Endpoint.VirtualIPs"), *e;
	int n = cJSON_GetArraySize(vips);

	if (vips == NULL || n == 0)
		return;
	if (n > ESRA_MAX_ADDRS) {
		efail(c, ESRA_ETOOLARGE, "more than %d Endpoint.VirtualIPs (ESRA_MAX_ADDRS)",
		      ESRA_MAX_ADDRS);
		return;
	}
	s->vips = ealloc(c, (size_t)n, sizeof(*s->vips));
	cJSON_ArrayForEach(e, vips)
	{
		struct sw_addr *a;
		const char *addr;

		if (!entry_obj(c, e, "Endpoint.VirtualIPs[]"))
			return;
		addr = peek_at(c, e, "Addr");
		if (addr == NULL || addr[0] == '\0')
			continue;
		a = &s->vips[s->n_vips];
		a->net = MODEL_NONE;
		if (addr_parse(c, "Endpoint.VirtualIPs[].Addr", addr, &a->ip, &a->prefix) != 0)
			continue;
		a->net_id = str_at(c, e, "NetworkID", false);
		s->n_vips++;
	}
}

/* The task template's network attachments (Spec.TaskTemplate.Networks, or the deprecated
 * Spec.Networks of services created through API < 1.25) and their aliases. */
static void parse_service_aliases(struct ectx *c, const cJSON *o, struct sw_service *s)
{
	const cJSON *nets = arr_at(c, o, "Spec.TaskTemplate.Networks"), *e, *a;
	size_t total = 0;

	if (nets == NULL)
		nets = arr_at(c, o, "Spec.Networks");
	if (nets == NULL)
		return;
	cJSON_ArrayForEach(e, nets)
	{
		int n;
		if (!entry_obj(c, e, "Spec.TaskTemplate.Networks[]"))
			return;
		n = cJSON_GetArraySize(arr_at(c, e, "Aliases"));
		if (n > ESRA_MAX_ALIASES) {
			efail(c, ESRA_ETOOLARGE,
			      "more than %d aliases on one network (ESRA_MAX_ALIASES)",
			      ESRA_MAX_ALIASES);
			return;
		}
		total += (size_t)n;
	}
	if (c->rc != 0 || total == 0)
		return;
	s->aliases = ealloc(c, total, sizeof(*s->aliases));
	cJSON_ArrayForEach(e, nets)
	{
		const char *target = str_at(c, e, "Target", false);
		const cJSON *list = arr_at(c, e, "Aliases");
		cJSON_ArrayForEach(a, list)
		{
			struct sw_alias *al;
			if (c->rc != 0)
				return;
			al = &s->aliases[s->n_aliases++];
			al->net = MODEL_NONE;
			al->net_id = target;
			al->alias = str_of(c, a, "Spec.TaskTemplate.Networks[].Aliases[]", true);
		}
	}
}

static void parse_service(struct ectx *c, const cJSON *o, struct sw_view *v)
{
	struct sw_service *s;
	const cJSON *mode, *labels;
	const char *epmode;

	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not a JSON object");
		return;
	}
	if ((s = model_sw_add_service(v)) == NULL) {
		too_many(c, v->n_services, "services");
		return;
	}
	s->id = c->id = str_at(c, o, "ID", true);
	s->name = str_at(c, o, "Spec.Name", true);
	if ((labels = obj_at(c, o, "Spec.Labels")) != NULL)
		s->stack = str_of(c, member(labels, "com.docker.stack.namespace"),
		                  "Spec.Labels.com.docker.stack.namespace", false);
	/* Spec.Mode holds exactly one of these; none (or another) is SW_MODE_OTHER. A
	 * replicated service without Replicas has dockerd's default of 1. */
	mode = obj_at(c, o, "Spec.Mode");
	if (member(mode, "Replicated") != NULL) {
		s->mode = SW_MODE_REPLICATED;
		s->replicas = int_at(c, mode, "Replicated.Replicas", 1);
	} else if (member(mode, "Global") != NULL) {
		s->mode = SW_MODE_GLOBAL;
	} else if (member(mode, "ReplicatedJob") != NULL) {
		s->mode = SW_MODE_REPLICATED_JOB;
	} else if (member(mode, "GlobalJob") != NULL) {
		s->mode = SW_MODE_GLOBAL_JOB;
	} else {
		s->mode = SW_MODE_OTHER;
	}
	epmode = peek_at(c, o, "Spec.EndpointSpec.Mode");
	if (epmode == NULL)
		epmode = peek_at(c, o, "Endpoint.Spec.Mode");
	s->dnsrr = epmode != NULL && strcmp(epmode, "dnsrr") == 0;
	s->running_tasks = int_at(c, o, "ServiceStatus.RunningTasks", -1);
	s->desired_tasks = int_at(c, o, "ServiceStatus.DesiredTasks", -1);
	s->created_ms = time_at(c, o, "CreatedAt");
	s->updated_ms = time_at(c, o, "UpdatedAt");
	parse_vips(c, o, s);
	parse_service_aliases(c, o, s);
}

/* NetworksAttachments[].Addresses[]. No attachments (a task not yet allocated, or on the
 * host network) is fine; IPv6 addresses are skipped; a malformed address is an error. */
static void parse_task_addrs(struct ectx *c, const cJSON *o, struct sw_task *t)
{
	const cJSON *atts = arr_at(c, o, "NetworksAttachments"), *e, *a;
	size_t total = 0;

	cJSON_ArrayForEach(e, atts)
	{
		if (!entry_obj(c, e, "NetworksAttachments[]"))
			return;
		total += (size_t)cJSON_GetArraySize(arr_at(c, e, "Addresses"));
	}
	if (c->rc != 0 || total == 0)
		return;
	if (total > ESRA_MAX_ADDRS) {
		efail(c, ESRA_ETOOLARGE, "more than %d addresses (ESRA_MAX_ADDRS)", ESRA_MAX_ADDRS);
		return;
	}
	t->addrs = ealloc(c, total, sizeof(*t->addrs));
	cJSON_ArrayForEach(e, atts)
	{
		const char *net_id = str_at(c, e, "Network.ID", false);
		const cJSON *list = arr_at(c, e, "Addresses");
		cJSON_ArrayForEach(a, list)
		{
			struct sw_addr *ad;
			if (c->rc != 0)
				return;
			if (!cJSON_IsString(a)) {
				efail(c, ESRA_EPARSE,
				      "NetworksAttachments[].Addresses[] is not a string");
				return;
			}
			ad = &t->addrs[t->n_addrs];
			ad->net = MODEL_NONE;
			ad->net_id = net_id;
			if (addr_parse(c, "NetworksAttachments[].Addresses[]", a->valuestring,
			               &ad->ip, &ad->prefix) == 0)
				t->n_addrs++;
		}
	}
}

/* A State or DesiredState this version does not know is SW_ST_UNKNOWN, not an error. */
static void parse_task(struct ectx *c, const cJSON *o, struct sw_view *v)
{
	struct sw_task *t;
	const char *s;
	int64_t ec;

	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not a JSON object");
		return;
	}
	if ((t = model_sw_add_task(v)) == NULL) {
		too_many(c, v->n_tasks, "tasks");
		return;
	}
	t->id = c->id = str_at(c, o, "ID", true);
	t->service_id = str_at(c, o, "ServiceID", false);
	t->slot = int_at(c, o, "Slot", 0);
	t->node_id = str_at(c, o, "NodeID", false);
	t->state = model_sw_state_parse(peek_at(c, o, "Status.State"));
	t->desired = model_sw_state_parse(peek_at(c, o, "DesiredState"));
	t->created_ms = time_at(c, o, "CreatedAt");
	t->updated_ms = time_at(c, o, "UpdatedAt");
	t->status_ms = time_at(c, o, "Status.Timestamp");
	s = peek_at(c, o, "Status.ContainerStatus.ContainerID");
	if (s != NULL && s[0] != '\0')
		t->container_id = copy_str(c, "Status.ContainerStatus.ContainerID", s);
	s = peek_at(c, o, "Status.Err");
	if (s != NULL && s[0] != '\0')
		t->message = copy_str(c, "Status.Err", s);
	else
		t->message = str_at(c, o, "Status.Message", false);
	ec = int_at(c, o, "Status.ContainerStatus.ExitCode", -1);
	t->exit_code = ec >= -2147483647 && ec <= 2147483647 ? (int)ec : -1;
	parse_task_addrs(c, o, t);
}

/* The fields /networks and /networks/{id} share. The first IPv4 IPAM subnet is kept (IPv6
 * ones are skipped); a subnet that is not an IPv4 prefix is an error. */
static void parse_network_fields(struct ectx *c, const cJSON *o, struct sw_network *n)
{
	const cJSON *cfg, *e;

	n->id = c->id = str_at(c, o, "Id", true);
	n->name = str_at(c, o, "Name", false);
	n->driver = str_at(c, o, "Driver", false);
	n->scope = str_at(c, o, "Scope", false);
	n->ingress = bool_at(c, o, "Ingress", false);
	n->attachable = bool_at(c, o, "Attachable", false);
	n->internal = bool_at(c, o, "Internal", false);
	cfg = arr_at(c, o, "IPAM.Config");
	cJSON_ArrayForEach(e, cfg)
	{
		const char *sub;
		ip4_t ip;
		int prefix;

		if (n->has_subnet || !entry_obj(c, e, "IPAM.Config[]"))
			break;
		sub = peek_at(c, e, "Subnet");
		if (sub == NULL || sub[0] == '\0' ||
		    addr_parse(c, "IPAM.Config[].Subnet", sub, &ip, &prefix) != 0)
			continue;
		if (prefix < 0) {
			efail(c, ESRA_EPARSE, "IPAM.Config[].Subnet \"%.40s\" has no prefix length",
			      sub);
			break;
		}
		n->has_subnet = true;
		n->subnet = ip;
		n->prefix = prefix;
	}
}

static void parse_network(struct ectx *c, const cJSON *o, struct sw_view *v)
{
	struct sw_network *n;

	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not a JSON object");
		return;
	}
	if ((n = model_sw_add_network(v)) == NULL) {
		too_many(c, v->n_nets, "networks");
		return;
	}
	parse_network_fields(c, o, n);
}

static bool is_short_id(const char *alias, const char *container_id)
{
	return container_id != NULL && strlen(alias) == SHORT_ID_LEN &&
	       strncmp(alias, container_id, SHORT_ID_LEN) == 0;
}

/* A container network's Aliases (null in /containers/json, a list in the inspect), without
 * the short id dockerd adds itself. */
static void parse_cnet_aliases(struct ectx *c, const cJSON *net, const char *cid,
                               struct sw_cnet *cn)
{
	const cJSON *al = arr_at(c, net, "Aliases"), *a;
	int n = cJSON_GetArraySize(al);

	cn->aliases = NULL;
	cn->n_aliases = 0;
	if (al == NULL || n == 0)
		return;
	if (n > ESRA_MAX_ALIASES) {
		efail(c, ESRA_ETOOLARGE, "more than %d aliases on network %.40s (ESRA_MAX_ALIASES)",
		      ESRA_MAX_ALIASES, cn->net_name);
		return;
	}
	cn->aliases = ealloc(c, (size_t)n, sizeof(*cn->aliases));
	cJSON_ArrayForEach(a, al)
	{
		if (c->rc != 0)
			return;
		if (!cJSON_IsString(a)) {
			efail(c, ESRA_EPARSE,
			      "NetworkSettings.Networks.%.40s.Aliases[] is not a string",
			      cn->net_name);
			return;
		}
		if (!is_short_id(a->valuestring, cid))
			cn->aliases[cn->n_aliases++] =
			    copy_str(c, "NetworkSettings.Networks.*.Aliases[]", a->valuestring);
	}
}

/* /containers/json. An empty IPAddress (no address on that network yet) is has_ip false. */
static void parse_container(struct ectx *c, const cJSON *o, struct sw_view *v)
{
	struct sw_container *ct;
	const cJSON *names, *labels, *nets, *e;
	const char *name;
	int n;

	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not a JSON object");
		return;
	}
	if ((ct = model_sw_add_container(v)) == NULL) {
		too_many(c, v->n_containers, "containers");
		return;
	}
	ct->id = c->id = str_at(c, o, "Id", true);
	names = arr_at(c, o, "Names");
	if (names != NULL && names->child != NULL) {
		if (!cJSON_IsString(names->child)) {
			efail(c, ESRA_EPARSE, "Names[0] is not a string");
			return;
		}
		name = names->child->valuestring;
		ct->name = copy_str(c, "Names[0]", name[0] == '/' ? name + 1 : name);
	} else {
		ct->name = "";
	}
	ct->state = str_at(c, o, "State", false);
	if ((labels = obj_at(c, o, "Labels")) != NULL) {
		ct->service_name = str_of(c, member(labels, "com.docker.swarm.service.name"),
		                          "Labels.com.docker.swarm.service.name", false);
		ct->task_id = str_of(c, member(labels, "com.docker.swarm.task.id"),
		                     "Labels.com.docker.swarm.task.id", false);
	}
	ct->created_ms = int_at(c, o, "Created", 0) * 1000;
	nets = obj_at(c, o, "NetworkSettings.Networks");
	n = cJSON_GetArraySize(nets);
	if (c->rc != 0 || nets == NULL || n == 0)
		return;
	if (n > ESRA_MAX_ADDRS) {
		efail(c, ESRA_ETOOLARGE, "on more than %d networks (ESRA_MAX_ADDRS)",
		      ESRA_MAX_ADDRS);
		return;
	}
	ct->nets = ealloc(c, (size_t)n, sizeof(*ct->nets));
	cJSON_ArrayForEach(e, nets)
	{
		struct sw_cnet *cn;
		const char *ip;
		int64_t prefix;

		if (c->rc != 0)
			return;
		if (!cJSON_IsObject(e)) {
			efail(c, ESRA_EPARSE, "NetworkSettings.Networks.%.40s is not an object",
			      e->string);
			return;
		}
		cn = &ct->nets[ct->n_nets++];
		cn->net = MODEL_NONE;
		cn->prefix = -1;
		cn->net_name = copy_str(c, "NetworkSettings.Networks key", e->string);
		cn->net_id = str_at(c, e, "NetworkID", false);
		ip = peek_at(c, e, "IPAddress");
		prefix = int_at(c, e, "IPPrefixLen", -1);
		if (ip != NULL && ip[0] != '\0') {
			int p = -1;
			if (addr_parse(c, "NetworkSettings.Networks.*.IPAddress", ip, &cn->ip,
			               &p) == 0)
				cn->has_ip = true;
			if (prefix < -1 || prefix > 32) {
				efail(c, ESRA_EPARSE, "IPPrefixLen %lld is not 0..32",
				      (long long)prefix);
				return;
			}
			cn->prefix = (int)prefix;
		}
		parse_cnet_aliases(c, e, ct->id, cn);
	}
}

/* ---------------------------------------------------------------- the streaming parser */

/* One payload being parsed: the jstream splitter, and what the payload kind gathers until
 * its end. */
struct docker_parser {
	enum docker_payload kind;
	struct sw_view *v; /* NULL for /version and a pid inspect */
	size_t target;     /* network (verbose) or container (inspect) index */
	struct jstream *js;
	/* network verbose: its members other than the two maps (the Id may come last), and
	 * the map entries gathered until the document ends */
	cJSON *top;
	struct sw_netsvc *svcs;
	size_t n_svcs, cap_svcs;
	struct sw_netep *local;
	size_t n_local, cap_local;
	/* /version */
	char api[DOCKER_VERSION_MAX], min_api[DOCKER_VERSION_MAX];
	/* inspect: State */
	bool has_state, running;
	int64_t pid;
};

static const char *payload_name(enum docker_payload k)
{
	switch (k) {
	case DK_VERSION:
		return "/version";
	case DK_INFO:
		return "/info";
	case DK_NODES:
		return "/nodes";
	case DK_SERVICES:
		return "/services";
	case DK_TASKS:
		return "/tasks";
	case DK_NETWORKS:
		return "/networks";
	case DK_NETWORK_VERBOSE:
		return "/networks/{id}";
	case DK_CONTAINERS:
		return "/containers/json";
	case DK_INSPECT:
		return "/containers/{id}/json";
	}
	return "?";
}

static const char *element_name(enum docker_payload k)
{
	switch (k) {
	case DK_VERSION:
		return "version";
	case DK_INFO:
		return "info";
	case DK_NODES:
		return "node";
	case DK_SERVICES:
		return "service";
	case DK_TASKS:
		return "task";
	case DK_NETWORKS:
		return "network";
	case DK_NETWORK_VERBOSE:
		return "network";
	case DK_CONTAINERS:
		return "container";
	case DK_INSPECT:
		return "container";
	}
	return "element";
}

static bool is_array_payload(enum docker_payload k)
{
	return k == DK_NODES || k == DK_SERVICES || k == DK_TASKS || k == DK_NETWORKS ||
	       k == DK_CONTAINERS;
}

static bool key_is(const struct jstream_frame *f, const char *key)
{
	return f->key != NULL && !f->key_cut && strcmp(f->key, key) == 0;
}

/* Arrays: each element is emitted and parsed alone. /version and /info are small and
 * emitted whole. A network's verbose inspect descends into its two maps (Services,
 * Containers) whose entries are emitted one by one; its other members are emitted alone.
 * A container inspect keeps only State and NetworkSettings. A top-level value of the wrong
 * type is emitted so that on_value can name it. */
static enum jstream_want want(void *ud, const struct jstream_frame *path, size_t depth,
                              enum jstream_type type)
{
	const struct docker_parser *p = ud;

	if (p->kind == DK_VERSION || p->kind == DK_INFO)
		return JS_EMIT;
	if (depth == 0) {
		if (is_array_payload(p->kind))
			return type == JS_ARRAY ? JS_DESCEND : JS_EMIT;
		return type == JS_OBJECT ? JS_DESCEND : JS_EMIT;
	}
	if (is_array_payload(p->kind))
		return JS_EMIT;
	if (p->kind == DK_NETWORK_VERBOSE) {
		if (depth == 1 && type == JS_OBJECT &&
		    (key_is(&path[0], "Services") || key_is(&path[0], "Containers")))
			return JS_DESCEND;
		return JS_EMIT;
	}
	/* DK_INSPECT */
	if (depth == 1 && key_is(&path[0], "State"))
		return JS_EMIT;
	if (depth == 1 && key_is(&path[0], "NetworkSettings") && p->target != MODEL_NONE)
		return JS_EMIT;
	return JS_SKIP;
}

/* Members esra never reads, left out before cJSON builds a tree (jstream_set_drop): in
 * /tasks a task's Spec (its service's template again: most of a task's bytes), Version and
 * Labels, and all of an attachment's Network but its ID; in /services PreviousSpec,
 * UpdateStatus, the update and rollback configs and all of the task template but its
 * Networks. What is read is listed in parse_task and parse_service. */
static bool drop(void *ud, const struct jstream_frame *path, size_t depth)
{
	const struct docker_parser *p = ud;
	const struct jstream_frame *f = &path[depth - 1];

	if (f->key == NULL || f->key_cut)
		return false;
	if (p->kind == DK_TASKS) {
		if (depth == 2)
			return strcmp(f->key, "Spec") == 0 || strcmp(f->key, "Version") == 0 ||
			       strcmp(f->key, "Labels") == 0;
		return depth == 5 && key_is(&path[1], "NetworksAttachments") &&
		       key_is(&path[3], "Network") && strcmp(f->key, "ID") != 0;
	}
	if (p->kind == DK_SERVICES) {
		if (depth == 2)
			return strcmp(f->key, "PreviousSpec") == 0 ||
			       strcmp(f->key, "UpdateStatus") == 0;
		if (depth == 3)
			return key_is(&path[1], "Spec") && (strcmp(f->key, "UpdateConfig") == 0 ||
			                                    strcmp(f->key, "RollbackConfig") == 0);
		return depth == 4 && key_is(&path[1], "Spec") && key_is(&path[2], "TaskTemplate") &&
		       strcmp(f->key, "Networks") != 0;
	}
	return false;
}

static const char *json_type_name(char c)
{
	if (c == '{')
		return "an object";
	if (c == '[')
		return "an array";
	if (c == '"')
		return "a string";
	if (c == 't' || c == 'f')
		return "a boolean";
	if (c == 'n')
		return "null";
	return "a number";
}

/* A map key as the document wrote it (jstream keeps keys raw): JSON escapes decoded. */
static int decode_key(struct ectx *c, const struct jstream_frame *f, char *out, size_t outsz)
{
	if (f->key == NULL || f->key_cut)
		return efail(c, ESRA_ETOOLARGE, "a map key is over %d bytes", JSTREAM_KEY_MAX - 1);
	if (strchr(f->key, '\\') == NULL) {
		snprintf(out, outsz, "%s", f->key);
		return ESRA_OK;
	} else {
		char quoted[JSTREAM_KEY_MAX + 2];
		cJSON *s;
		snprintf(quoted, sizeof(quoted), "\"%s\"", f->key);
		s = cJSON_Parse(quoted);
		if (!cJSON_IsString(s)) {
			cJSON_Delete(s);
			return efail(c, ESRA_EPARSE, "map key \"%.40s\" has a bad escape", f->key);
		}
		snprintf(out, outsz, "%s", s->valuestring);
		cJSON_Delete(s);
		return ESRA_OK;
	}
}

/* One entry of a verbose network's Services map (this node's view of a service). VIP
 * "<nil>", "" or missing means no VIP (the "" entry holding plain containers, dnsrr
 * services): fine. Every endpoint needs an EndpointIP: a task entry without one is an
 * error (IPv6 ones are skipped). */
static void parse_netsvc(struct ectx *c, const char *name, const cJSON *o, struct docker_parser *p)
{
	struct sw_netsvc s;
	const cJSON *tasks, *e;
	const char *vip;
	void *grown;
	int n;

	memset(&s, 0, sizeof(s));
	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not an object");
		return;
	}
	if (p->n_svcs >= ESRA_MAX_OBJECTS) {
		too_many(c, p->n_svcs, "services in a network");
		return;
	}
	s.name = copy_str(c, "Services key", name);
	vip = peek_at(c, o, "VIP");
	if (vip != NULL && vip[0] != '\0' && strcmp(vip, "<nil>") != 0) {
		int prefix;
		if (addr_parse(c, "VIP", vip, &s.vip, &prefix) == 0)
			s.has_vip = true;
	}
	tasks = arr_at(c, o, "Tasks");
	n = cJSON_GetArraySize(tasks);
	s.eps = ealloc(c, (size_t)n, sizeof(*s.eps));
	cJSON_ArrayForEach(e, tasks)
	{
		struct sw_netep *ep;
		const char *ip;
		int prefix;

		if (!entry_obj(c, e, "Tasks[]"))
			return;
		ep = &s.eps[s.n_eps];
		ep->name = str_at(c, e, "Name", false);
		ip = peek_at(c, e, "EndpointIP");
		if (ip == NULL && c->rc == 0) {
			efail(c, ESRA_EPARSE, "Tasks[].EndpointIP is missing");
			return;
		}
		if (addr_parse(c, "Tasks[].EndpointIP", ip, &ep->ip, &prefix) != 0)
			continue;
		ep->host_ip = str_at(c, e, "Info.Host IP", false);
		s.n_eps++;
	}
	if (c->rc != 0)
		return;
	if ((grown = array_grow(p->svcs, &p->cap_svcs, p->n_svcs, sizeof(*p->svcs), 16)) == NULL) {
		efail(c, ESRA_ENOMEM, "out of memory");
		return;
	}
	p->svcs = grown;
	p->svcs[p->n_svcs++] = s;
}

/* One entry of a network's Containers map (attached on this node). An empty IPv4Address
 * (an IPv6-only endpoint) is skipped. */
static void parse_netlocal(struct ectx *c, const cJSON *o, struct docker_parser *p)
{
	struct sw_netep ep;
	const char *ip;
	void *grown;
	int prefix;

	memset(&ep, 0, sizeof(ep));
	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not an object");
		return;
	}
	if (p->n_local >= ESRA_MAX_OBJECTS) {
		too_many(c, p->n_local, "containers in a network");
		return;
	}
	ep.name = str_at(c, o, "Name", false);
	ip = peek_at(c, o, "IPv4Address");
	if (ip == NULL || ip[0] == '\0' ||
	    addr_parse(c, "Containers.*.IPv4Address", ip, &ep.ip, &prefix) != 0)
		return;
	if ((grown = array_grow(p->local, &p->cap_local, p->n_local, sizeof(*p->local), 16)) ==
	    NULL) {
		efail(c, ESRA_ENOMEM, "out of memory");
		return;
	}
	p->local = grown;
	p->local[p->n_local++] = ep;
}

/* A container inspect's NetworkSettings: aliases per network of the target container. A
 * network the list did not show (connected in between) is ignored. */
static void parse_inspect_nets(struct ectx *c, const cJSON *ns, struct docker_parser *p)
{
	struct sw_container *ct = &p->v->containers[p->target];
	const cJSON *nets = obj_at(c, ns, "Networks"), *e;

	c->id = ct->id;
	cJSON_ArrayForEach(e, nets)
	{
		if (c->rc != 0)
			return;
		if (!cJSON_IsObject(e)) {
			efail(c, ESRA_EPARSE, "NetworkSettings.Networks.%.40s is not an object",
			      e->string);
			return;
		}
		for (size_t i = 0; i < ct->n_nets; i++)
			if (strcmp(ct->nets[i].net_name, e->string) == 0)
				parse_cnet_aliases(c, e, ct->id, &ct->nets[i]);
	}
}

static void parse_version(struct ectx *c, const cJSON *o, struct docker_parser *p)
{
	const char *api, *min;

	if (!cJSON_IsObject(o)) {
		efail(c, ESRA_EPARSE, "not a JSON object");
		return;
	}
	api = peek_at(c, o, "ApiVersion");
	min = peek_at(c, o, "MinAPIVersion");
	if (c->rc != 0)
		return;
	if (api == NULL) {
		efail(c, ESRA_EPARSE, "ApiVersion is missing");
		return;
	}
	if (strlen(api) >= sizeof(p->api) || (min != NULL && strlen(min) >= sizeof(p->min_api))) {
		efail(c, ESRA_EPARSE, "ApiVersion or MinAPIVersion is too long");
		return;
	}
	snprintf(p->api, sizeof(p->api), "%s", api);
	snprintf(p->min_api, sizeof(p->min_api), "%s", min != NULL ? min : "");
}

/* Called by jstream with each emitted value: parse it alone, copy what the model needs,
 * free the tree. */
static int on_value(void *ud, const struct jstream_frame *path, size_t depth, const char *json,
                    size_t len, struct esra_err *err)
{
	struct docker_parser *p = ud;
	struct ectx c;
	cJSON *item;
	const char *end = NULL;
	bool kept = false;

	memset(&c, 0, sizeof(c));
	c.pool = p->v != NULL ? p->v->pool : NULL;
	c.err = err;
	c.what = is_array_payload(p->kind) ? element_name(p->kind) : NULL;
	c.index = depth > 0 ? path[depth - 1].index : MODEL_NONE;
	if (depth == 0 && p->kind != DK_VERSION && p->kind != DK_INFO)
		return esra_err_set(err, ESRA_EPARSE, "expected a JSON %s, got %s",
		                    is_array_payload(p->kind) ? "array" : "object",
		                    json_type_name(json[0]));
	item = cJSON_ParseWithLengthOpts(json, len, &end, false);
	if (item == NULL) {
		size_t off = end != NULL && end >= json ? (size_t)(end - json) : 0;
		return efail(&c, ESRA_EPARSE, "malformed JSON at byte %zu of this element", off);
	}
	switch (p->kind) {
	case DK_VERSION:
		parse_version(&c, item, p);
		break;
	case DK_INFO:
		parse_info(&c, item, p->v);
		break;
	case DK_NODES:
		parse_node(&c, item, p->v);
		break;
	case DK_SERVICES:
		parse_service(&c, item, p->v);
		break;
	case DK_TASKS:
		parse_task(&c, item, p->v);
		break;
	case DK_NETWORKS:
		parse_network(&c, item, p->v);
		break;
	case DK_CONTAINERS:
		parse_container(&c, item, p->v);
		break;
	case DK_NETWORK_VERBOSE:
		if (depth == 2 && key_is(&path[0], "Services")) {
			char name[JSTREAM_KEY_MAX];
			c.what = "Services";
			if (decode_key(&c, &path[1], name, sizeof(name)) == 0) {
				c.id = name;
				parse_netsvc(&c, name, item, p);
			}
		} else if (depth == 2) {
			c.what = "Containers";
			parse_netlocal(&c, item, p);
		} else if (path[0].key != NULL && !path[0].key_cut &&
		           strchr(path[0].key, '\\') == NULL) {
			/* a plain member (Id, Name, Scope, IPAM, ...): kept for the end */
			kept = cJSON_AddItemToObject(p->top, path[0].key, item);
			if (!kept)
				efail(&c, ESRA_ENOMEM, "out of memory");
		}
		break;
	case DK_INSPECT:
		c.index = MODEL_NONE;
		if (key_is(&path[0], "State")) {
			c.what = "State";
			p->has_state = cJSON_IsObject(item);
			p->running = bool_at(&c, item, "Running", false);
			p->pid = int_at(&c, item, "Pid", 0);
		} else if (p->v != NULL && p->target != MODEL_NONE) {
			c.what = "NetworkSettings of container";
			parse_inspect_nets(&c, item, p);
		}
		break;
	}
	if (!kept)
		cJSON_Delete(item);
	return c.rc;
}

static int parser_init(struct docker_parser *p, enum docker_payload kind, struct sw_view *v,
                       size_t target, struct esra_err *err)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->v = v;
	p->target = target;
	p->js = jstream_new(want, on_value, p, ESRA_MAX_JSON_ELEMENT, ESRA_MAX_JSON_DEPTH);
	if (p->js != NULL && (kind == DK_TASKS || kind == DK_SERVICES))
		jstream_set_drop(p->js, drop);
	if (kind == DK_NETWORK_VERBOSE)
		p->top = cJSON_CreateObject();
	if (p->js == NULL || (kind == DK_NETWORK_VERBOSE && p->top == NULL))
		return esra_err_set(err, ESRA_ENOMEM, "out of memory");
	return ESRA_OK;
}

static void parser_free(struct docker_parser *p)
{
	jstream_free(p->js);
	cJSON_Delete(p->top);
	free(p->svcs);
	free(p->local);
	memset(p, 0, sizeof(*p));
}

/* The end of a network's verbose inspect: attach the gathered maps to the target network,
 * or (without a target) to the network with the document's Id, added when v lacks it. */
static int verbose_finish(struct docker_parser *p, struct esra_err *err)
{
	struct sw_view *v = p->v;
	struct sw_network *n = NULL;
	struct ectx c;
	const char *id;

	memset(&c, 0, sizeof(c));
	c.pool = v->pool;
	c.err = err;
	c.index = MODEL_NONE;
	/* The two maps reach top only when they are not objects: null (nothing attached, or
	 * a local network's missing Services) is fine, another type is an error. */
	obj_at(&c, p->top, "Services");
	obj_at(&c, p->top, "Containers");
	id = peek_at(&c, p->top, "Id");
	if (c.rc != 0)
		return c.rc;
	if (p->target != MODEL_NONE) {
		n = &v->nets[p->target];
		if (id != NULL && n->id != NULL && strcmp(id, n->id) != 0)
			return efail(&c, ESRA_EPARSE, "the answer is for network %.40s, not %.40s",
			             id, n->id);
	} else {
		if (id == NULL)
			return efail(&c, ESRA_EPARSE, "Id is missing");
		for (size_t i = 0; i < v->n_nets && n == NULL; i++)
			if (v->nets[i].id != NULL && strcmp(v->nets[i].id, id) == 0)
				n = &v->nets[i];
		if (n == NULL) {
			if ((n = model_sw_add_network(v)) == NULL)
				return too_many(&c, v->n_nets, "networks");
			parse_network_fields(&c, p->top, n);
			if (c.rc != 0)
				return c.rc;
		}
	}
	n->svcs = NULL;
	n->local = NULL;
	if (p->n_svcs > 0 &&
	    (n->svcs = pool_memdup(v->pool, p->svcs, p->n_svcs * sizeof(*p->svcs))) == NULL)
		return efail(&c, ESRA_ENOMEM, "out of memory");
	if (p->n_local > 0 &&
	    (n->local = pool_memdup(v->pool, p->local, p->n_local * sizeof(*p->local))) == NULL)
		return efail(&c, ESRA_ENOMEM, "out of memory");
	n->n_svcs = p->n_svcs;
	n->n_local = p->n_local;
	n->verbose_read = true;
	return ESRA_OK;
}

static int parser_finish(struct docker_parser *p, struct esra_err *err)
{
	int rc = jstream_finish(p->js, err);

	if (rc == ESRA_OK && p->kind == DK_NETWORK_VERBOSE)
		rc = verbose_finish(p, err);
	if (rc == ESRA_OK && p->kind == DK_VERSION && p->api[0] == '\0')
		rc = esra_err_set(err, ESRA_EPARSE, "ApiVersion is missing");
	return rc;
}

struct docker_parser *docker_parser_new(enum docker_payload kind, struct sw_view *v, size_t target,
                                        struct esra_err *err)
{
	struct docker_parser *p = malloc(sizeof(*p));

	if (p == NULL) {
		esra_err_set(err, ESRA_ENOMEM, "out of memory");
		return NULL;
	}
	if (parser_init(p, kind, v, target, err) != ESRA_OK) {
		parser_free(p);
		free(p);
		return NULL;
	}
	return p;
}

void docker_parser_free(struct docker_parser *p)
{
	if (p == NULL)
		return;
	parser_free(p);
	free(p);
}

int docker_parser_feed(struct docker_parser *p, const char *data, size_t n, struct esra_err *err)
{
	return jstream_feed(p->js, data, n, err);
}

int docker_parser_finish(struct docker_parser *p, struct esra_err *err)
{
	return parser_finish(p, err);
}

void docker_parser_version(const struct docker_parser *p, const char **api, const char **min_api)
{
	*api = p->api;
	*min_api = p->min_api;
}

void docker_parser_state(const struct docker_parser *p, bool *has_state, bool *running,
                         int64_t *pid)
{
	*has_state = p->has_state;
	*running = p->running;
	*pid = p->pid;
}

/* Feed json to an initialized parser in pieces, then finish it. */
static int parse_buffer(struct docker_parser *p, const char *json, size_t n, size_t piece,
                        struct esra_err *err)
{
	int rc = ESRA_OK;

	if (n > ESRA_MAX_DOCKER_BODY)
		return esra_err_set(err, ESRA_ETOOLARGE,
		                    "%zu bytes is over %u (ESRA_MAX_DOCKER_BODY)", n,
		                    ESRA_MAX_DOCKER_BODY);
	if (piece == 0)
		piece = n > 0 ? n : 1;
	for (size_t off = 0; off < n && rc == ESRA_OK; off += piece)
		rc = jstream_feed(p->js, json + off, n - off < piece ? n - off : piece, err);
	if (rc == ESRA_OK)
		rc = parser_finish(p, err);
	return rc;
}

ESRA_STATIC int docker_parse_pieces(enum docker_payload kind, struct sw_view *v, size_t target,
                                    const char *json, size_t n, size_t piece, struct esra_err *err)
{
	struct docker_parser p;
	int rc;

	if (v == NULL || json == NULL)
		return esra_err_set(err, ESRA_EINVAL, "docker %s payload: no view or no data",
		                    payload_name(kind));
	if (kind == DK_INSPECT && target >= v->n_containers)
		return esra_err_set(err, ESRA_EINVAL, "docker %s payload: no container %zu",
		                    payload_name(kind), target);
	if (kind == DK_NETWORK_VERBOSE && target != MODEL_NONE && target >= v->n_nets)
		return esra_err_set(err, ESRA_EINVAL, "docker %s payload: no network %zu",
		                    payload_name(kind), target);
	rc = parser_init(&p, kind, v, target, err);
	if (rc == ESRA_OK)
		rc = parse_buffer(&p, json, n, piece, err);
	parser_free(&p);
	if (rc != ESRA_OK)
		esra_err_prefix(err, "docker %s payload: ", payload_name(kind));
	return rc;
}

int docker_parse_info(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return docker_parse_pieces(DK_INFO, v, MODEL_NONE, json, n, 0, err);
}

int docker_parse_nodes(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return docker_parse_pieces(DK_NODES, v, MODEL_NONE, json, n, 0, err);
}

int docker_parse_services(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return docker_parse_pieces(DK_SERVICES, v, MODEL_NONE, json, n, 0, err);
}

int docker_parse_tasks(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return docker_parse_pieces(DK_TASKS, v, MODEL_NONE, json, n, 0, err);
}

int docker_parse_networks(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return docker_parse_pieces(DK_NETWORKS, v, MODEL_NONE, json, n, 0, err);
}

int docker_parse_network_verbose(struct sw_view *v, const char *json, size_t n,
                                 struct esra_err *err)
{
	return docker_parse_pieces(DK_NETWORK_VERBOSE, v, MODEL_NONE, json, n, 0, err);
}

int docker_parse_containers(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	return docker_parse_pieces(DK_CONTAINERS, v, MODEL_NONE, json, n, 0, err);
}

int docker_parse_container_aliases(struct sw_view *v, size_t container, const char *json, size_t n,
                                   struct esra_err *err)
{
	return docker_parse_pieces(DK_INSPECT, v, container, json, n, 0, err);
}

/* ---------------------------------------------------------------- /events */

static const char *event_attr(const cJSON *attrs, const char *k)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(attrs, k);

	return cJSON_IsString(a) ? a->valuestring : NULL;
}

/* One event object into v; only what says when something ended (or began) is kept. */
static int parse_event(struct sw_view *v, const cJSON *o, size_t i, struct esra_err *err)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "Type");
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(o, "Action");
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(o, "Actor");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(actor, "ID");
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(actor, "Attributes");
	const cJSON *nano = cJSON_GetObjectItemCaseSensitive(o, "timeNano");
	const cJSON *secs = cJSON_GetObjectItemCaseSensitive(o, "time");
	const char *s;
	struct sw_event *e;
	static const char *const keep[] = {"die",    "destroy", "stop",       "create", "remove",
	                                   "update", "connect", "disconnect", NULL};
	bool wanted = false;

	if (!cJSON_IsObject(o) || !cJSON_IsString(type) || !cJSON_IsString(action) ||
	    !cJSON_IsObject(actor) || !cJSON_IsString(id) ||
	    (!cJSON_IsNumber(nano) && !cJSON_IsNumber(secs)))
		return esra_err_set(err, ESRA_EPARSE,
		                    "event #%zu has no Type, Action, Actor.ID or time", i);
	for (size_t k = 0; keep[k] != NULL && !wanted; k++)
		wanted = strcmp(action->valuestring, keep[k]) == 0;
	if (!wanted)
		return ESRA_OK;
	if ((e = model_sw_add_event(v)) == NULL)
		return esra_err_set(err, ESRA_ETOOLARGE, "more than %u events",
		                    (unsigned)ESRA_MAX_OBJECTS);
	e->time_ms = cJSON_IsNumber(nano) ? (int64_t)(nano->valuedouble / 1e6)
	                                  : (int64_t)(secs->valuedouble * 1000.0);
	if ((e->type = pool_strdup(v->pool, type->valuestring)) == NULL ||
	    (e->action = pool_strdup(v->pool, action->valuestring)) == NULL ||
	    (e->actor_id = pool_strdup(v->pool, id->valuestring)) == NULL ||
	    (e->name = pool_strdup(v->pool, (s = event_attr(attrs, "name")) ? s : "")) == NULL ||
	    (e->container = pool_strdup(v->pool, (s = event_attr(attrs, "container")) ? s : "")) ==
	        NULL)
		return esra_err_set(err, ESRA_ENOMEM, "out of memory");
	if ((s = event_attr(attrs, "exitCode")) != NULL) {
		char *end;
		long c = strtol(s, &end, 10);
		if (*s != '\0' && *end == '\0' && c >= 0 && c <= 255)
			e->exit_code = (int)c;
	}
	return ESRA_OK;
}

int docker_parse_events(struct sw_view *v, const char *json, size_t n, struct esra_err *err)
{
	const char *p = json, *end = json + n;
	size_t i = 0;

	for (;;) {
		const char *next = NULL;
		cJSON *o;
		int rc;
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
			p++;
		if (p >= end)
			return ESRA_OK;
		o = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &next, 0);
		if (o == NULL || next == NULL || next <= p) {
			cJSON_Delete(o);
			return esra_err_set(err, ESRA_EPARSE,
			                    "event #%zu is not JSON (at byte %zu)", i,
			                    (size_t)(p - json));
		}
		rc = parse_event(v, o, i, err);
		cJSON_Delete(o);
		if (rc != ESRA_OK)
			return rc;
		p = next;
		i++;
	}
}
