/* finding.c: the finding kind table and the finding list (see finding.h). */
#include "finding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* THE table: one row per finding kind: name, severity, the fields it carries, its summary
 * labels, and the templates of its subject, message and remedy (placeholders: finding.h). */
static const struct fkind_info kinds[FK_COUNT] = {
    [FK_POISONED_NAME] =
        {"poisoned_name",
         SEV_CRITICAL,
         FF_NAME | FF_SERVICE | FF_NETWORK | FF_IPS | FF_PROPOSAL,
         "poisoned name",
         "poisoned names",
         "{name}",
         /* {1}: "its tasks" or "its VIP" */
         {[POISONED_ALIAS] = "{name} resolves to {stale_ips} besides {1} {expected_ips} (node "
                             "{node}, network {network})",
          [POISONED_PREFLIGHT] = "{name} is poisoned: DNS on {node} answers {stale_ips} with "
                                 "nothing live behind it"},
         {[POISONED_ALIAS] = "{2} carries the alias {3}: remove that alias (or that {4}); until "
                             "then deploy as {proposal}",
          [POISONED_CONTAINER] = "container {2} answers to {3} (a network alias): remove that "
                                 "alias or that container; until then deploy as {proposal}",
          [POISONED_STALE] = "stale record in swarm DNS on {node}: deploy as {proposal} now; to "
                             "clear it, docker system prune and restart docker on {node} (and "
                             "on every node whose DNS answers it)",
          [POISONED_LIVE] = "another live object answers to {name}: rename one of them (e.g. "
                            "deploy as {proposal})",
          [POISONED_PREFLIGHT] = "deploy as {proposal}; to clear the stale record, docker "
                                 "system prune and restart docker on {node}"}},
    [FK_STALE_INSTANCE] =
        {"stale_instance",
         SEV_CRITICAL,
         FF_APP | FF_INSTANCE | FF_SERVICE | FF_ACTION | FF_LEASE,
         "stale instance",
         "stale instances",
         NULL,
         /* {1}: STALE_OTHER_CLUSTER: "instanceId" or "hostName" */
         {[STALE_DEREGISTER] = "{app} instance {instance_id} at {ip}:{port} has no live task or "
                               "container behind it",
          [STALE_OTHER_CLUSTER] = "{app} instance {instance_id} at {ip}:{port} has no live task "
                                  "here, and its {1} names a container this swarm never ran: "
                                  "another cluster's instance in a subnet this swarm also "
                                  "uses"},
         /* {1}: how long ago the lease was last renewed, or "never" */
         {[STALE_DEREGISTER] = "deregister it (esra check --apply): its lease is not renewed "
                               "(last renewal {1} ago, lease {lease_seconds}s)",
          [STALE_FLAG] = "flag it OUT_OF_SERVICE (esra check --apply): something still renews "
                         "its lease (last {1} ago), so a delete would not stick; find the "
                         "process heartbeating for {ip}",
          [STALE_OTHER_CLUSTER] = "nothing is written to it; to make ownership exact, mark this "
                                  "swarm's instances (policy.owner_metadata, e.g. "
                                  "eureka.instance.metadata-map.swarm)"}},
    [FK_ORPHAN_ENDPOINT] =
        {"orphan_endpoint",
         SEV_CRITICAL,
         FF_SERVICE | FF_NETWORK | FF_ENDPOINT | FF_INSTANCE,
         "orphan endpoint",
         "orphan endpoints",
         "{service}",
         {[ORPHAN_VIP_GONE] = "node {node}'s view of network {network} holds VIP {ip} for "
                              "service {service}, which does not exist",
          [ORPHAN_VIP_OLD] = "node {node}'s view of network {network} holds VIP {ip} for "
                             "service {service}, which is not that service's VIP (an old one)",
          [ORPHAN_VIP_DEAD] = "node {node}'s view of network {network} holds VIP {ip} for "
                              "service {service}, which has no running task",
          [ORPHAN_TASK_UNKNOWN] = "node {node}'s view of network {network} lists endpoint "
                                  "{endpoint} ({ip}) of service {service}, a task swarm does "
                                  "not know",
          [ORPHAN_TASK_DEAD] = "node {node}'s view of network {network} lists endpoint "
                               "{endpoint} ({ip}) of service {service}, whose task is not "
                               "running"},
         {[ORPHAN_VIP_GONE] = "stale swarm network state (NetworkDB): docker system prune and "
                              "restart docker on {node}",
          [ORPHAN_VIP_OLD] = "stale swarm network state (NetworkDB): docker system prune and "
                             "restart docker on {node}",
          [ORPHAN_VIP_DEAD] = "remove or scale up service {service}; if the entry outlives it, "
                              "docker system prune and restart docker on {node}",
          /* {1}: the node the endpoint belongs to */
          [ORPHAN_TASK_UNKNOWN] = "stale swarm network state on {1}: docker system prune and "
                                  "restart docker on {1}",
          [ORPHAN_TASK_DEAD] = "stale swarm network state on {1}: docker system prune and "
                               "restart docker on {1}"}},
    [FK_WRONG_NETWORK] =
        {"wrong_network",
         SEV_CRITICAL,
         FF_APP | FF_INSTANCE | FF_SERVICE | FF_NETWORK,
         "instance on the wrong network",
         "instances on the wrong network",
         NULL,
         /* {1}: the task */
         {[WRONG_TASK_NET] = "{app} instance {instance_id} registered {ip}, the address of task "
                             "{1} on network {network}, which the gateway's networks do not "
                             "reach",
          [WRONG_LOCAL_NET] = "{app} instance {instance_id} registered its {network} address "
                              "{ip} (a node-local network): task {1} is live, but the "
                              "gateway's networks do not reach that address"},
         {"make the service register its address on a watched network (Spring: "
          "spring.cloud.inetutils.preferred-networks, or eureka.instance.ip-address)"}},
    [FK_UNREACHABLE_INSTANCE] =
        {"unreachable_instance",
         SEV_WARNING,
         FF_APP | FF_INSTANCE,
         "unreachable instance",
         "unreachable instances",
         NULL,
         /* {1}: "is refused", "timed out" or "failed" */
         {"{app} instance {instance_id}: TCP to {ip}:{port} {1}"},
         {"check that the instance listens on {port} and that this node can reach it"}},
    [FK_HOSTNAME_MISMATCH] =
        {"hostname_mismatch",
         SEV_WARNING,
         FF_APP | FF_INSTANCE | FF_NAME | FF_IPS,
         "hostname mismatch",
         "hostname mismatches",
         NULL,
         {"{app} instance {instance_id}: hostName {hostname} resolves to {resolved_ips}, not to "
          "its ipAddr {ip}"},
         {"clients that use the hostName reach another host: register with preferIpAddress, or "
          "fix the name"}},
    [FK_REPLICA_DRIFT] =
        {"replica_drift",
         SEV_WARNING,
         FF_SERVICE | FF_REPLICAS,
         "replica drift",
         "replica drifts",
         "{service}",
         /* {1}: policy.history_seconds */
         {[DRIFT_REPLICAS] = "service {service} runs {running} task{s:running} for {desired} "
                             "desired",
          [DRIFT_FAILURES] = "service {service} had {failed_recent} failed task{s:failed_recent} "
                             "in the last {1}s"},
         {"docker service ps {service} --no-trunc: look for crash loops and tasks running "
          "without being desired"}},
    [FK_UNREGISTERED_SERVICE] =
        {"unregistered_service",
         SEV_INFO,
         FF_SERVICE | FF_APP,
         "unregistered service",
         "unregistered services",
         "{service}",
         /* {1}: its live tasks */
         {"service {service} has {1} live task{s:1} but no Eureka app maps to it"},
         {"check its Eureka client settings, or map it with names.map"}},
    [FK_DNS_DIVERGENCE] =
        {"dns_divergence",
         SEV_CRITICAL,
         FF_NAME | FF_IPS | FF_NODES,
         "DNS divergence",
         "DNS divergences",
         "{name}",
         /* {1}: "; ADDR only on NODES" per extra address, {2}: the nodes that answered */
         {"{name} resolves differently between nodes:{1} ({n_nodes} of {2} nodes hold an extra "
          "address)"},
         {[DIVERGENCE_ONE_NODE] = "the stale DNS record lives in swarm's state on {nodes} only: "
                                  "on that node, drain the node, `docker system prune` and "
                                  "restart docker, then make it active again; the other nodes "
                                  "need nothing",
          [DIVERGENCE_NODES] = "the stale DNS record lives in swarm's state on {nodes} only: on "
                               "each of them, drain the node, `docker system prune` and "
                               "restart docker, then make it active again; the other nodes "
                               "need nothing"}},
    [FK_REGISTRY_DIVERGENCE] =
        {"registry_divergence",
         SEV_WARNING,
         FF_APP | FF_INSTANCE | FF_NODES,
         "registry divergence",
         "registry divergences",
         NULL,
         /* {1}: the peers holding it, {2}: the peers missing it */
         {"Eureka peers disagree about {app} instance {instance_id}: present on {1}, missing on "
          "{2}"},
         {"no action is taken on it while they disagree; if it lasts, check peer replication "
          "between the Eureka servers"}},
    [FK_NAME_TAKEN] = {"name_taken",
                       SEV_CRITICAL,
                       FF_NAME | FF_IPS | FF_PROPOSAL,
                       "name taken",
                       "names taken",
                       "{name}",
                       /* {1}: what holds it */
                       {[TAKEN_BY_DNS] = "{name} is taken: DNS on {node} answers {stale_ips}",
                        [TAKEN_BY_DNS_AND_OBJECT] =
                            "{name} is taken: DNS on {node} answers {stale_ips}, and "
                            "it is {1}",
                        [TAKEN_BY_OBJECT] = "{name} is taken: it is {1}"},
                       {"deploy as {proposal}, or free the name first"}},
    [FK_SOURCE_ERROR] =
        {"source_error",
         SEV_UNKNOWN,
         FF_SOURCE,
         "source error",
         "source errors",
         "{source}",
         /* {1}: the error, naming its source */
         {"{1}"},
         {[SRC_CONFIG] = "fix it and run esra config check",
          [SRC_DOCKER] = "check docker.host / DOCKER_HOST and that esra may read the socket "
                         "(mounted into the container for a swarm service)",
          [SRC_EUREKA] = "check eureka.urls / ESRA_EUREKA_URLS, that the server is reachable "
                         "from this node and, for https://, that its certificate verifies "
                         "(eureka.ca_file, eureka.cert_file)",
          [SRC_EUREKA_NOTREADY] = "wait and retry: a Eureka server refuses reads (403) for "
                                  "minutes after starting with an empty registry; nothing was "
                                  "judged or changed",
          [SRC_EUREKA_AUTH] = "check the user:password in eureka.urls / ESRA_EUREKA_URLS",
          [SRC_EUREKA_PEER] = "a Eureka peer could not be read: no instance is changed until "
                              "every peer answers",
          [SRC_DNS] = "check dns.server, dns.port and dns.netns",
          [SRC_DNS_SEAT] = "check dns.netns: the container must be running on this node",
          [SRC_DNS_NOTHING] = "swarm DNS (127.0.0.11) exists only inside containers on "
                              "user-defined networks: run esra in one (the stack file) or set "
                              "dns.netns = \"container:NAME\"",
          [SRC_DNS_SOME] = "names without an answer were not judged; retry, or raise "
                           "dns.timeout_ms / dns.attempts",
          [SRC_PROBE] = "check dns.netns",
          [SRC_SCOPE] = "fix swarm.networks (or leave it empty: every swarm-scoped network but "
                        "ingress)"}},
    [FK_FOREIGN_INSTANCE] =
        {"foreign_instance",
         SEV_INFO,
         FF_APP | FF_INSTANCE | FF_LEASE,
         "instance outside this swarm",
         "instances outside this swarm",
         NULL,
         {"{app} instance {instance_id} at {ip} is outside this swarm: not judged"},
         {"nothing: esra judges and writes only what this swarm provably owns (names.map maps "
          "an app to a service)"}},
};

const struct fkind_info *finding_kind(enum fkind k)
{
	return (unsigned)k < FK_COUNT ? &kinds[k] : NULL;
}

const char *finding_severity_name(enum severity s)
{
	switch (s) {
	case SEV_OK:
		return "ok";
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_CRITICAL:
		return "critical";
	case SEV_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

static int rank(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return 4;
	case SEV_UNKNOWN:
		return 3;
	case SEV_WARNING:
		return 2;
	case SEV_INFO:
		return 1;
	case SEV_OK:
		break;
	}
	return 0;
}

enum severity finding_worse(enum severity a, enum severity b)
{
	return rank(a) >= rank(b) ? a : b;
}

int finding_exit_code(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return 2;
	case SEV_UNKNOWN:
		return 3;
	case SEV_WARNING:
		return 1;
	case SEV_INFO:
	case SEV_OK:
		break;
	}
	return 0;
}

int finding_list_init(struct finding_list *l)
{
	memset(l, 0, sizeof(*l));
	l->pool = pool_new();
	return l->pool != NULL ? ESRA_OK : ESRA_ENOMEM;
}

void finding_list_free(struct finding_list *l)
{
	if (l == NULL)
		return;
	free(l->v);
	pool_free(l->pool);
	memset(l, 0, sizeof(*l));
}

struct finding *finding_add(struct finding_list *l, enum fkind k)
{
	struct finding *f;

	if ((f = array_grow(l->v, &l->cap, l->n, sizeof(*f), 16)) == NULL)
		return NULL;
	l->v = f;
	f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	f->kind = k;
	f->severity = kinds[k].severity;
	f->port = -1;
	f->desired = f->running = f->failed_recent = -1;
	f->lease_seconds = -1;
	return f;
}

ESRA_PRINTF(2, 0)
static const char *vprintf_pool(struct pool *p, const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = pool_alloc(p, (size_t)n + 1);
	if (s != NULL)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

const char *finding_printf(struct finding_list *l, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = vprintf_pool(l->pool, fmt, ap);
	va_end(ap);
	return s;
}

const char *finding_strdup(struct finding_list *l, const char *s)
{
	return pool_strdup(l->pool, s);
}

int finding_add_evidence(struct finding *f, struct finding_list *l, const char *fmt, ...)
{
	const char **v;
	const char *s;
	va_list ap;

	va_start(ap, fmt);
	s = vprintf_pool(l->pool, fmt, ap);
	va_end(ap);
	if (s == NULL)
		return ESRA_ENOMEM;
	/* evidence arrays live in the pool: copy on growth (lists are short) */
	v = pool_alloc(l->pool, (f->n_evidence + 1) * sizeof(*v));
	if (v == NULL)
		return ESRA_ENOMEM;
	if (f->n_evidence > 0)
		memcpy(v, f->evidence, f->n_evidence * sizeof(*v));
	v[f->n_evidence++] = s;
	f->evidence = v;
	return ESRA_OK;
}

int finding_set_key(struct finding *f, struct finding_list *l, const char *fmt, ...)
{
	char subject[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(subject, sizeof(subject), fmt, ap);
	va_end(ap);
	f->key = finding_printf(l, "%s:%s", kinds[f->kind].name, subject);
	return f->key != NULL ? ESRA_OK : ESRA_ENOMEM;
}

size_t finding_count(const struct finding_list *l, enum fkind k)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == k)
			n++;
	return n;
}

enum severity finding_list_status(const struct finding_list *l)
{
	enum severity s = SEV_OK;

	for (size_t i = 0; i < l->n; i++)
		s = finding_worse(s, l->v[i].severity);
	return s == SEV_INFO ? SEV_OK : s;
}

static bool adopt_str(struct pool *p, const char **s)
{
	if (*s == NULL)
		return true;
	*s = pool_strdup(p, *s);
	return *s != NULL;
}

static bool adopt_mem(struct pool *p, void *ptr, size_t size)
{
	void **m = ptr;

	if (*m == NULL || size == 0)
		return true;
	*m = pool_memdup(p, *m, size);
	return *m != NULL;
}

int finding_list_adopt(struct finding_list *l)
{
	struct pool *p = l->pool;

	for (size_t i = 0; i < l->n; i++) {
		struct finding *f = &l->v[i];
		bool ok = adopt_str(p, &f->key) && adopt_str(p, &f->name) &&
		          adopt_str(p, &f->service) && adopt_str(p, &f->network) &&
		          adopt_str(p, &f->node) && adopt_str(p, &f->app) &&
		          adopt_str(p, &f->instance_id) && adopt_str(p, &f->hostname) &&
		          adopt_str(p, &f->status) && adopt_str(p, &f->proposal) &&
		          adopt_str(p, &f->suggested_action) && adopt_str(p, &f->not_ours) &&
		          adopt_str(p, &f->source) && adopt_str(p, &f->endpoint) &&
		          adopt_str(p, &f->message) && adopt_str(p, &f->remedy) &&
		          adopt_mem(p, &f->expected_ips, f->n_expected * sizeof(ip4_t)) &&
		          adopt_mem(p, &f->resolved_ips, f->n_resolved * sizeof(ip4_t)) &&
		          adopt_mem(p, &f->stale, f->n_stale * sizeof(*f->stale)) &&
		          adopt_mem(p, &f->evidence, f->n_evidence * sizeof(*f->evidence)) &&
		          adopt_mem(p, &f->nodes, f->n_nodes * sizeof(*f->nodes));
		for (size_t k = 0; ok && k < sizeof(f->words) / sizeof(f->words[0]); k++)
			ok = adopt_str(p, &f->words[k]);
		for (size_t k = 0; ok && k < f->n_stale; k++)
			ok = adopt_str(p, &f->stale[k].owner);
		for (size_t k = 0; ok && k < f->n_evidence; k++)
			ok = adopt_str(p, &f->evidence[k]);
		for (size_t k = 0; ok && k < f->n_nodes; k++)
			ok = adopt_str(p, &f->nodes[k]);
		ok = ok && adopt_mem(p, &f->history, f->n_history * sizeof(*f->history));
		for (size_t k = 0; ok && k < f->n_history; k++) {
			struct addr_history *h = &f->history[k];
			ok = adopt_mem(p, &h->owners, h->n * sizeof(*h->owners));
			for (size_t j = 0; ok && j < h->n; j++) {
				struct addr_owner *o = &h->owners[j];
				ok = adopt_str(p, &o->kind) && adopt_str(p, &o->name) &&
				     adopt_str(p, &o->id) && adopt_str(p, &o->service) &&
				     adopt_str(p, &o->node) && adopt_str(p, &o->state) &&
				     adopt_str(p, &o->message) && adopt_str(p, &o->source);
			}
		}
		if (!ok)
			return ESRA_ENOMEM;
	}
	return ESRA_OK;
}

static int put_ips(struct buf *out, const ip4_t *ips, size_t n)
{
	char b[IP4_STRLEN];
	int rc = ESRA_OK;

	for (size_t i = 0; i < n && rc == ESRA_OK; i++)
		rc = buf_printf(out, "%s%s", i ? " " : "", ip4_format(ips[i], b));
	return rc;
}

static int put_str(struct buf *out, const char *s, bool *missing)
{
	if (s == NULL)
		*missing = true;
	return buf_puts(out, s != NULL ? s : "?");
}

/* One placeholder (name, n bytes); 1 when it is not one. */
static int put_field(const struct finding *f, const char *name, size_t n, struct buf *out,
                     bool *missing)
{
	char ib[IP4_STRLEN];
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
	if (n == 1 && name[0] >= '1' && name[0] <= '4')
		return put_str(out, f->words[name[0] - '1'], missing);
	if (IS("name"))
		return put_str(out, f->name, missing);
	if (IS("service"))
		return put_str(out, f->service, missing);
	if (IS("network"))
		return put_str(out, f->network, missing);
	if (IS("node"))
		return put_str(out, f->node, missing);
	if (IS("app"))
		return put_str(out, f->app, missing);
	if (IS("instance_id"))
		return put_str(out, f->instance_id, missing);
	if (IS("hostname"))
		return put_str(out, f->hostname, missing);
	if (IS("status"))
		return put_str(out, f->status, missing);
	if (IS("endpoint"))
		return put_str(out, f->endpoint, missing);
	if (IS("source"))
		return put_str(out, f->source, missing);
	if (IS("proposal"))
		return buf_puts(out,
		                f->proposal != NULL ? f->proposal : "a free name (none found)");
	if (IS("ip"))
		return buf_puts(out, f->has_ip ? ip4_format(f->ip, ib) : "?");
	if (IS("port"))
		return buf_printf(out, "%d", f->port);
	if (IS("desired"))
		return buf_printf(out, "%ld", f->desired);
	if (IS("running"))
		return buf_printf(out, "%ld", f->running);
	if (IS("failed_recent"))
		return buf_printf(out, "%ld", f->failed_recent);
	if (IS("lease_seconds"))
		return buf_printf(out, "%ld", f->lease_seconds);
	if (IS("n_nodes"))
		return buf_printf(out, "%zu", f->n_nodes);
	if (IS("expected_ips"))
		return put_ips(out, f->expected_ips, f->n_expected);
	if (IS("resolved_ips"))
		return put_ips(out, f->resolved_ips, f->n_resolved);
	if (IS("stale_ips")) {
		int rc = ESRA_OK;
		for (size_t i = 0; i < f->n_stale && rc == ESRA_OK; i++)
			rc = buf_printf(out, "%s%s", i ? " " : "", ip4_format(f->stale[i].ip, ib));
		return rc;
	}
	if (IS("nodes")) {
		int rc = ESRA_OK;
		for (size_t i = 0; i < f->n_nodes && rc == ESRA_OK; i++)
			rc = buf_printf(out, "%s%s",
			                i == 0                ? ""
			                : i + 1 == f->n_nodes ? " and "
			                                      : ", ",
			                f->nodes[i] != NULL ? f->nodes[i] : "?");
		return rc;
	}
#undef IS
	return 1;
}

/* finding_render; *missing is set when a field the template names is not set. */
static int render(const struct finding *f, const char *tpl, struct buf *out, bool *missing)
{
	const char *p = tpl;

	while (*p != '\0') {
		const char *open = strchr(p, '{'), *close;
		bool plural;
		int rc;
		if (open == NULL)
			return buf_puts(out, p);
		if (open > p && buf_append(out, p, (size_t)(open - p)) != ESRA_OK)
			return ESRA_ENOMEM;
		close = strchr(open, '}');
		if (close == NULL)
			return buf_puts(out, open);
		plural = strncmp(open + 1, "s:", 2) == 0;
		if (plural) {
			struct buf v;
			buf_init(&v, 0);
			rc = put_field(f, open + 3, (size_t)(close - open - 3), &v, missing);
			if (rc == 0)
				rc = buf_puts(
				    out, v.data != NULL && strcmp(v.data, "1") == 0 ? "" : "s");
			buf_free(&v);
		} else {
			rc = put_field(f, open + 1, (size_t)(close - open - 1), out, missing);
		}
		if (rc == 1) /* not a placeholder: as written */
			rc = buf_append(out, open, (size_t)(close - open + 1));
		if (rc != ESRA_OK)
			return ESRA_ENOMEM;
		p = close + 1;
	}
	return ESRA_OK;
}

int finding_render(const struct finding *f, const char *tpl, struct buf *out)
{
	bool missing = false;

	return render(f, tpl, out, &missing);
}

/* The template of a variant, falling back to variant 0. */
static const char *pick(const char *const *v, unsigned variant)
{
	return variant < FK_VARIANTS && v[variant] != NULL ? v[variant] : v[0];
}

static int text_of(const struct finding *f, struct finding_list *l, const char *tpl,
                   const char **out)
{
	struct buf b;
	int rc;

	if (tpl == NULL)
		return ESRA_OK;
	buf_init(&b, 0);
	rc = finding_render(f, tpl, &b);
	if (rc == ESRA_OK && (*out = finding_strdup(l, b.data != NULL ? b.data : "")) == NULL)
		rc = ESRA_ENOMEM;
	buf_free(&b);
	return rc;
}

int finding_texts(struct finding *f, struct finding_list *l)
{
	const struct fkind_info *k = finding_kind(f->kind);

	if (k == NULL)
		return ESRA_EINVAL;
	if (text_of(f, l, pick(k->message, f->variant), &f->message) != ESRA_OK ||
	    text_of(f, l, pick(k->remedy, f->variant), &f->remedy) != ESRA_OK)
		return ESRA_ENOMEM;
	return ESRA_OK;
}

int finding_list_texts(struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (finding_texts(&l->v[i], l) != ESRA_OK)
			return ESRA_ENOMEM;
	return ESRA_OK;
}

int finding_subject(const struct finding *f, char *out, size_t outsz, const char **subject)
{
	const struct fkind_info *k = finding_kind(f->kind);
	struct buf b;
	bool missing = false;
	int rc;

	*subject = NULL;
	if (k == NULL || k->subject == NULL || outsz == 0)
		return ESRA_OK;
	buf_init(&b, 0);
	rc = render(f, k->subject, &b, &missing);
	/* a field that is not set means nothing to list */
	if (rc == ESRA_OK && !missing && b.data != NULL) {
		snprintf(out, outsz, "%s", b.data);
		*subject = out;
	}
	buf_free(&b);
	return rc;
}
