/* finding.c: the finding kind table and the finding list (see finding.h). */
#include "finding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* THE table: one row per finding kind (SPEC section 2). */
static const struct fkind_info kinds[FK_COUNT] = {
    [FK_POISONED_NAME] = {"poisoned_name", SEV_CRITICAL,
                          FF_NAME | FF_SERVICE | FF_NETWORK | FF_IPS | FF_PROPOSAL, "poisoned name",
                          "poisoned names"},
    [FK_STALE_INSTANCE] = {"stale_instance", SEV_CRITICAL,
                           FF_APP | FF_INSTANCE | FF_SERVICE | FF_ACTION | FF_LEASE,
                           "stale instance", "stale instances"},
    [FK_ORPHAN_ENDPOINT] = {"orphan_endpoint", SEV_CRITICAL,
                            FF_SERVICE | FF_NETWORK | FF_ENDPOINT | FF_INSTANCE, "orphan endpoint",
                            "orphan endpoints"},
    [FK_WRONG_NETWORK] = {"wrong_network", SEV_CRITICAL,
                          FF_APP | FF_INSTANCE | FF_SERVICE | FF_NETWORK,
                          "instance on the wrong network", "instances on the wrong network"},
    [FK_UNREACHABLE_INSTANCE] = {"unreachable_instance", SEV_WARNING, FF_APP | FF_INSTANCE,
                                 "unreachable instance", "unreachable instances"},
    [FK_HOSTNAME_MISMATCH] = {"hostname_mismatch", SEV_WARNING,
                              FF_APP | FF_INSTANCE | FF_NAME | FF_IPS, "hostname mismatch",
                              "hostname mismatches"},
    [FK_REPLICA_DRIFT] = {"replica_drift", SEV_WARNING, FF_SERVICE | FF_REPLICAS, "replica drift",
                          "replica drifts"},
    [FK_UNREGISTERED_SERVICE] = {"unregistered_service", SEV_INFO, FF_SERVICE | FF_APP,
                                 "unregistered service", "unregistered services"},
    [FK_DNS_DIVERGENCE] = {"dns_divergence", SEV_CRITICAL, FF_NAME | FF_IPS | FF_NODES,
                           "DNS divergence", "DNS divergences"},
    [FK_REGISTRY_DIVERGENCE] = {"registry_divergence", SEV_WARNING, FF_APP | FF_INSTANCE | FF_NODES,
                                "registry divergence", "registry divergences"},
    [FK_NAME_TAKEN] = {"name_taken", SEV_CRITICAL, FF_NAME | FF_IPS | FF_PROPOSAL, "name taken",
                       "names taken"},
    [FK_SOURCE_ERROR] = {"source_error", SEV_UNKNOWN, FF_SOURCE, "source error", "source errors"},
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
		          adopt_str(p, &f->suggested_action) && adopt_str(p, &f->source) &&
		          adopt_str(p, &f->endpoint) && adopt_str(p, &f->message) &&
		          adopt_str(p, &f->remedy) &&
		          adopt_mem(p, &f->expected_ips, f->n_expected * sizeof(ip4_t)) &&
		          adopt_mem(p, &f->resolved_ips, f->n_resolved * sizeof(ip4_t)) &&
		          adopt_mem(p, &f->stale, f->n_stale * sizeof(*f->stale)) &&
		          adopt_mem(p, &f->evidence, f->n_evidence * sizeof(*f->evidence)) &&
		          adopt_mem(p, &f->nodes, f->n_nodes * sizeof(*f->nodes));
		for (size_t k = 0; ok && k < f->n_stale; k++)
			ok = adopt_str(p, &f->stale[k].owner);
		for (size_t k = 0; ok && k < f->n_evidence; k++)
			ok = adopt_str(p, &f->evidence[k]);
		for (size_t k = 0; ok && k < f->n_nodes; k++)
			ok = adopt_str(p, &f->nodes[k]);
		if (!ok)
			return ESRA_ENOMEM;
	}
	return ESRA_OK;
}

int finding_list_fill_proposals(struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct finding *f = &l->v[i];
		const char *p;
		if (f->remedy == NULL || (p = strstr(f->remedy, "{proposal}")) == NULL)
			continue;
		f->remedy =
		    finding_printf(l, "%.*s%s%s", (int)(p - f->remedy), f->remedy,
		                   f->proposal ? f->proposal : "a free name (none found)", p + 10);
		if (f->remedy == NULL)
			return ESRA_ENOMEM;
	}
	return ESRA_OK;
}
