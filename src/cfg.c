/* cfg.c: the configuration key table and everything it drives: defaults, libconfig parsing,
 * unknown-key and type errors with file:line, environment overrides, validation, dump. */
#include "cfg.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ipaddr.h"
#include "limits.h"
#include "log.h"

extern char **environ;

enum ktype { K_STR, K_INT, K_BOOL, K_FLOAT, K_STRLIST, K_PAIRS, K_ENUM };

struct key {
	const char *path; /* "group.name" */
	enum ktype type;
	size_t off;
	const char *def_s; /* K_STR, K_ENUM (the default name), K_STRLIST (one element or NULL) */
	double def_n;      /* K_INT, K_BOOL, K_FLOAT */
	double min, max;   /* numeric bounds (inclusive) */
	const char *const *names; /* K_ENUM values, NULL-terminated */
};

#define OFF(f) offsetof(struct esra_config, f)
static const char *const formats[] = {"json", "xml", NULL};
static const char *const modes[] = {"report", "flag", "deregister", NULL};
static const char *const log_formats[] = {"text", "json", NULL};

/* THE key table: one row per configuration key (etc/esra.conf, esra.conf(5)). */
static const struct key keys[] = {
    {"eureka.urls", K_STRLIST, OFF(eureka.urls), "http://eureka:8761/eureka/", 0, 0, 0, NULL},
    {"eureka.format", K_ENUM, OFF(eureka.format), "json", 0, 0, 0, formats},
    {"eureka.timeout_ms", K_INT, OFF(eureka.timeout_ms), NULL, 5000, 1, 600000, NULL},
    {"eureka.tls_verify", K_BOOL, OFF(eureka.tls_verify), NULL, 1, 0, 1, NULL},
    {"eureka.ca_file", K_STR, OFF(eureka.ca_file), "", 0, 0, 0, NULL},
    {"eureka.cert_file", K_STR, OFF(eureka.cert_file), "", 0, 0, 0, NULL},
    {"eureka.key_file", K_STR, OFF(eureka.key_file), "", 0, 0, 0, NULL},
    {"docker.host", K_STR, OFF(docker.host), "unix:///var/run/docker.sock", 0, 0, 0, NULL},
    {"docker.tls_verify", K_BOOL, OFF(docker.tls_verify), NULL, 0, 0, 1, NULL},
    {"docker.cert_path", K_STR, OFF(docker.cert_path), "", 0, 0, 0, NULL},
    {"docker.timeout_ms", K_INT, OFF(docker.timeout_ms), NULL, 5000, 1, 600000, NULL},
    {"dns.server", K_STR, OFF(dns.server), "127.0.0.11", 0, 0, 0, NULL},
    {"dns.port", K_INT, OFF(dns.port), NULL, 53, 1, 65535, NULL},
    {"dns.timeout_ms", K_INT, OFF(dns.timeout_ms), NULL, 1000, 1, 60000, NULL},
    {"dns.attempts", K_INT, OFF(dns.attempts), NULL, 2, 1, 10, NULL},
    {"dns.netns", K_STR, OFF(dns.netns), "", 0, 0, 0, NULL},
    {"swarm.networks", K_STRLIST, OFF(swarm.networks), NULL, 0, 0, 0, NULL},
    {"swarm.stack_prefix", K_STR, OFF(swarm.stack_prefix), "", 0, 0, 0, NULL},
    {"names.map", K_PAIRS, OFF(names.map), NULL, 0, 0, 0, NULL},
    {"names.rename_pattern", K_STR, OFF(names.rename_pattern), "{name}-new", 0, 0, 0, NULL},
    {"names.expect_registered", K_STRLIST, OFF(names.expect_registered), NULL, 0, 0, 0, NULL},
    {"probe.tcp", K_BOOL, OFF(probe.tcp), NULL, 0, 0, 1, NULL},
    {"probe.timeout_ms", K_INT, OFF(probe.timeout_ms), NULL, 1000, 1, 60000, NULL},
    {"policy.mode", K_ENUM, OFF(policy.mode), "report", 0, 0, 0, modes},
    {"policy.grace_seconds", K_INT, OFF(policy.grace_seconds), NULL, 120, 0, 86400 * 7, NULL},
    {"policy.history_seconds", K_INT, OFF(policy.history_seconds), NULL, 3600, 0, 86400 * 30, NULL},
    {"policy.confirm_cycles", K_INT, OFF(policy.confirm_cycles), NULL, 3, 1, 1000, NULL},
    {"policy.max_actions_per_run", K_INT, OFF(policy.max_actions_per_run), NULL, 5, 0, 100000,
     NULL},
    {"policy.max_fraction_per_app", K_FLOAT, OFF(policy.max_fraction_per_app), NULL, 0.34, 0, 1,
     NULL},
    {"policy.max_fraction_registry", K_FLOAT, OFF(policy.max_fraction_registry), NULL, 0.15, 0, 1,
     NULL},
    {"policy.allow_empty_app", K_BOOL, OFF(policy.allow_empty_app), NULL, 0, 0, 1, NULL},
    {"policy.leader_only", K_BOOL, OFF(policy.leader_only), NULL, 1, 0, 1, NULL},
    {"policy.audit_log", K_STR, OFF(policy.audit_log), "", 0, 0, 0, NULL},
    {"policy.owner_metadata", K_STR, OFF(policy.owner_metadata), "", 0, 0, 0, NULL},
    {"watch.interval_seconds", K_INT, OFF(watch.interval_seconds), NULL, 30, 1, 86400, NULL},
    {"watch.listen", K_STR, OFF(watch.listen), "127.0.0.1:9477", 0, 0, 0, NULL},
    {"cluster.service", K_STR, OFF(cluster.service), "", 0, 0, 0, NULL},
    {"cluster.timeout_ms", K_INT, OFF(cluster.timeout_ms), NULL, 2000, 1, 60000, NULL},
    {"state.dir", K_STR, OFF(state.dir), "/var/lib/esra", 0, 0, 0, NULL},
    {"log.level", K_ENUM, OFF(log.level), "info", 0, 0, 0, log_level_names},
    {"log.format", K_ENUM, OFF(log.format), "text", 0, 0, 0, log_formats},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* log.level is stored as its string (the log module parses it); other enums as an int. */
static bool enum_as_string(const struct key *k)
{
	return k->names == log_level_names;
}

struct loadctx {
	struct esra_config *cfg;
	const char *file;
	struct buf *problems;
	struct esra_err *err;
	int count;
	bool oom;
};

static void problem(struct loadctx *c, int line, const char *key, const char *fmt, ...)
    ESRA_PRINTF(4, 5);

static void problem(struct loadctx *c, int line, const char *key, const char *fmt, ...)
{
	char reason[200], msg[sizeof(c->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(msg, sizeof(msg), "%s:%d: %s: %s", c->file, line, key, reason);
	else
		snprintf(msg, sizeof(msg), "%s: %s: %s", c->file, key, reason);
	esra_redact(msg);
	if (c->problems != NULL && buf_printf(c->problems, "%s\n", msg) != 0)
		c->oom = true;
	if (c->count == 0)
		esra_err_set(c->err, ESRA_ECONFIG, "%s", msg);
	c->count++;
}

static void *field(struct esra_config *cfg, const struct key *k)
{
	return (char *)cfg + k->off;
}

static const void *cfield(const struct esra_config *cfg, const struct key *k)
{
	return (const char *)cfg + k->off;
}

static void free_strlist(struct cfg_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void free_pairs(struct cfg_pairlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].from);
		free(l->v[i].to);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void cfg_free(struct esra_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (k->type == K_STR || (k->type == K_ENUM && enum_as_string(k))) {
			char **p = field(cfg, k);
			free(*p);
			*p = NULL;
		} else if (k->type == K_STRLIST) {
			free_strlist(field(cfg, k));
		} else if (k->type == K_PAIRS) {
			free_pairs(field(cfg, k));
		}
	}
	free(cfg->source);
	cfg->source = NULL;
}

static int set_str(char **dst, const char *s)
{
	char *c = strdup(s);

	if (c == NULL)
		return ESRA_ENOMEM;
	free(*dst);
	*dst = c;
	return ESRA_OK;
}

static int strlist_add(struct cfg_strlist *l, const char *s)
{
	char **v;

	if (l->n >= ESRA_MAX_CONFIG_LIST)
		return ESRA_ETOOLARGE;
	v = array_grow(l->v, &l->cap, l->n, sizeof(*v), 4);
	if (v == NULL)
		return ESRA_ENOMEM;
	l->v = v;
	if ((l->v[l->n] = strdup(s)) == NULL)
		return ESRA_ENOMEM;
	l->n++;
	return ESRA_OK;
}

static int enum_index(const struct key *k, const char *s)
{
	for (int i = 0; k->names[i] != NULL; i++)
		if (strcmp(k->names[i], s) == 0)
			return i;
	return -1;
}

static int set_enum(struct esra_config *cfg, const struct key *k, const char *s)
{
	int i = enum_index(k, s);

	if (i < 0)
		return ESRA_EINVAL;
	if (enum_as_string(k))
		return set_str(field(cfg, k), k->names[i]);
	*(int *)field(cfg, k) = i;
	return ESRA_OK;
}

int cfg_defaults(struct esra_config *cfg, struct esra_err *err)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		int rc = ESRA_OK;
		switch (k->type) {
		case K_STR:
			rc = set_str(field(cfg, k), k->def_s);
			break;
		case K_INT:
			*(long *)field(cfg, k) = (long)k->def_n;
			break;
		case K_BOOL:
			*(bool *)field(cfg, k) = k->def_n != 0;
			break;
		case K_FLOAT:
			*(double *)field(cfg, k) = k->def_n;
			break;
		case K_ENUM:
			rc = set_enum(cfg, k, k->def_s);
			break;
		case K_STRLIST:
			if (k->def_s != NULL)
				rc = strlist_add(field(cfg, k), k->def_s);
			break;
		case K_PAIRS:
			break;
		}
		if (rc != ESRA_OK) {
			cfg_free(cfg);
			return esra_err_set(err, ESRA_ENOMEM, "config: out of memory");
		}
	}
	return ESRA_OK;
}

static const char *type_name(enum ktype t)
{
	switch (t) {
	case K_STR:
		return "a string";
	case K_INT:
		return "an integer";
	case K_BOOL:
		return "a boolean (true or false)";
	case K_FLOAT:
		return "a number";
	case K_STRLIST:
		return "a list of strings [ \"...\", ... ]";
	case K_PAIRS:
		return "a list of pairs ( (\"APP\", \"service\"), ... )";
	case K_ENUM:
		return "a string";
	}
	return "?";
}

static void enum_choices(const struct key *k, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; k->names[i] != NULL && len < outsz; i++) {
		int w = snprintf(out + len, outsz - len, "%s\"%s\"", i ? " | " : "", k->names[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static void check_range(struct loadctx *c, const struct key *k, int line, double v)
{
	if (v < k->min || v > k->max)
		problem(c, line, k->path, "%g is out of range [%g, %g]", v, k->min, k->max);
}

/* Read one libconfig setting into its key. */
static void read_setting(struct loadctx *c, const struct key *k, config_setting_t *s)
{
	int line = (int)config_setting_source_line(s);
	int t = config_setting_type(s);
	struct esra_config *cfg = c->cfg;
	char choices[128];
	int erc;

	switch (k->type) {
	case K_STR:
	case K_ENUM:
		if (t != CONFIG_TYPE_STRING)
			break;
		if (k->type == K_STR) {
			if (set_str(field(cfg, k), config_setting_get_string(s)) != 0)
				c->oom = true;
		} else if ((erc = set_enum(cfg, k, config_setting_get_string(s))) == ESRA_ENOMEM) {
			c->oom = true;
		} else if (erc != ESRA_OK) {
			enum_choices(k, choices, sizeof(choices));
			problem(c, line, k->path, "\"%s\" is not one of %s",
			        config_setting_get_string(s), choices);
		}
		return;
	case K_INT:
		if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
			long long v = config_setting_get_int64(s);
			check_range(c, k, line, (double)v);
			*(long *)field(cfg, k) = (long)v;
			return;
		}
		break;
	case K_BOOL:
		if (t == CONFIG_TYPE_BOOL) {
			*(bool *)field(cfg, k) = config_setting_get_bool(s) != 0;
			return;
		}
		break;
	case K_FLOAT:
		if (t == CONFIG_TYPE_FLOAT || t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
			double v = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
			                                  : (double)config_setting_get_int64(s);
			check_range(c, k, line, v);
			*(double *)field(cfg, k) = v;
			return;
		}
		break;
	case K_STRLIST:
		if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST) {
			struct cfg_strlist *l = field(cfg, k);
			int n = config_setting_length(s);
			free_strlist(l);
			for (int i = 0; i < n; i++) {
				config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
				if (config_setting_type(e) != CONFIG_TYPE_STRING) {
					problem(c, (int)config_setting_source_line(e), k->path,
					        "element %d must be a string", i + 1);
					continue;
				}
				int rc = strlist_add(l, config_setting_get_string(e));
				if (rc == ESRA_ETOOLARGE)
					problem(c, line, k->path, "more than %d entries",
					        ESRA_MAX_CONFIG_LIST);
				else if (rc != 0)
					c->oom = true;
			}
			return;
		}
		break;
	case K_PAIRS:
		if (t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY) {
			struct cfg_pairlist *l = field(cfg, k);
			int n = config_setting_length(s);
			free_pairs(l);
			if (n > ESRA_MAX_CONFIG_LIST) {
				problem(c, line, k->path, "more than %d entries",
				        ESRA_MAX_CONFIG_LIST);
				return;
			}
			l->v = calloc((size_t)n + 1, sizeof(*l->v));
			if (l->v == NULL) {
				c->oom = true;
				return;
			}
			for (int i = 0; i < n; i++) {
				config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
				config_setting_t *a = NULL, *b = NULL;
				int et = config_setting_type(e);
				if ((et == CONFIG_TYPE_LIST || et == CONFIG_TYPE_ARRAY) &&
				    config_setting_length(e) == 2) {
					a = config_setting_get_elem(e, 0);
					b = config_setting_get_elem(e, 1);
				}
				if (a == NULL || b == NULL ||
				    config_setting_type(a) != CONFIG_TYPE_STRING ||
				    config_setting_type(b) != CONFIG_TYPE_STRING) {
					problem(
					    c, (int)config_setting_source_line(e), k->path,
					    "entry %d must be a pair (\"EUREKA-APP\", \"service\")",
					    i + 1);
					continue;
				}
				l->v[l->n].from = strdup(config_setting_get_string(a));
				l->v[l->n].to = strdup(config_setting_get_string(b));
				if (l->v[l->n].from == NULL || l->v[l->n].to == NULL)
					c->oom = true;
				l->n++;
			}
			return;
		}
		break;
	}
	problem(c, line, k->path, "must be %s", type_name(k->type));
}

static const struct key *find_key(const char *path)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].path, path) == 0)
			return &keys[i];
	return NULL;
}

static bool group_known(const char *group)
{
	size_t n = strlen(group);

	for (size_t i = 0; i < NKEYS; i++)
		if (strncmp(keys[i].path, group, n) == 0 && keys[i].path[n] == '.')
			return true;
	return false;
}

static void read_config(struct loadctx *c, config_t *lc)
{
	config_setting_t *root = config_root_setting(lc);
	int ng = config_setting_length(root);

	for (int i = 0; i < ng; i++) {
		config_setting_t *g = config_setting_get_elem(root, (unsigned)i);
		const char *gname = config_setting_name(g);
		int line = (int)config_setting_source_line(g);

		if (gname == NULL || !group_known(gname)) {
			problem(c, line, gname ? gname : "?", "unknown key");
			continue;
		}
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			problem(c, line, gname, "must be a group { ... }");
			continue;
		}
		for (int j = 0; j < config_setting_length(g); j++) {
			config_setting_t *s = config_setting_get_elem(g, (unsigned)j);
			char path[256];
			const struct key *k;
			snprintf(path, sizeof(path), "%s.%s", gname, config_setting_name(s));
			k = find_key(path);
			if (k == NULL)
				problem(c, (int)config_setting_source_line(s), path, "unknown key");
			else
				read_setting(c, k, s);
		}
	}
}

static const char *env_get(const char *const *env, const char *name)
{
	size_t n = strlen(name);

	if (env == NULL)
		env = (const char *const *)environ;
	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* Environment overrides (the docker CLI's meanings for DOCKER_*). */
static void apply_env(struct loadctx *c, const char *const *env)
{
	struct esra_config *cfg = c->cfg;
	const char *v;
	struct loadctx ec = *c;

	ec.file = "environment";
	if ((v = env_get(env, "DOCKER_HOST")) != NULL && v[0] != '\0')
		if (set_str(&cfg->docker.host, v) != 0)
			c->oom = true;
	if ((v = env_get(env, "DOCKER_TLS_VERIFY")) != NULL && v[0] != '\0')
		cfg->docker.tls_verify = true; /* the docker CLI: any non-empty value */
	if ((v = env_get(env, "DOCKER_CERT_PATH")) != NULL && v[0] != '\0')
		if (set_str(&cfg->docker.cert_path, v) != 0)
			c->oom = true;
	if ((v = env_get(env, "ESRA_EUREKA_URLS")) != NULL && v[0] != '\0') {
		const char *p = v;
		free_strlist(&cfg->eureka.urls);
		while (*p != '\0') {
			const char *e = strchr(p, ',');
			size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
			char one[ESRA_MAX_STRING];
			while (n > 0 && (*p == ' ' || *p == '\t'))
				p++, n--;
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			if (n >= sizeof(one)) {
				problem(&ec, 0, "ESRA_EUREKA_URLS", "a URL is too long");
			} else if (n > 0) {
				memcpy(one, p, n);
				one[n] = '\0';
				if (strlist_add(&cfg->eureka.urls, one) != 0)
					c->oom = true;
			}
			p += e != NULL ? (size_t)(e - p) + 1 : strlen(p);
		}
	}
	if ((v = env_get(env, "ESRA_CLUSTER_SERVICE")) != NULL && v[0] != '\0' &&
	    set_str(&cfg->cluster.service, v) != 0)
		c->oom = true;
	if ((v = env_get(env, "ESRA_DNS_SERVER")) != NULL && v[0] != '\0') {
		/* "ip" or "ip:port" */
		const char *colon = strchr(v, ':');
		char host[64];
		size_t n = colon != NULL ? (size_t)(colon - v) : strlen(v);
		if (n >= sizeof(host)) {
			problem(&ec, 0, "ESRA_DNS_SERVER", "\"%s\" is not an IPv4 address", v);
		} else {
			memcpy(host, v, n);
			host[n] = '\0';
			if (set_str(&cfg->dns.server, host) != 0)
				c->oom = true;
			if (colon != NULL) {
				char *end;
				long port;
				errno = 0;
				port = strtol(colon + 1, &end, 10);
				if (errno != 0 || *end != '\0' || port < 1 || port > 65535)
					problem(&ec, 0, "ESRA_DNS_SERVER", "bad port in \"%s\"", v);
				else
					cfg->dns.port = port;
			}
		}
	}
	c->count = ec.count;
	c->oom = c->oom || ec.oom;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* A file key ("" = not set) must name a file esra can read now, not at the first request. */
static void check_readable(struct loadctx *c, const char *key, const char *path)
{
	FILE *f;

	if (path[0] == '\0')
		return;
	if ((f = fopen(path, "r")) == NULL) {
		problem(c, 0, key, "\"%s\" cannot be read: %s", path, strerror(errno));
		return;
	}
	fclose(f);
}

/* Cross-field and value checks, after file and environment. */
static void validate(struct loadctx *c)
{
	struct esra_config *cfg = c->cfg;
	ip4_t ip;

	if (cfg->eureka.urls.n == 0)
		problem(c, 0, "eureka.urls", "at least one URL is needed");
	if (cfg->eureka.urls.n > ESRA_MAX_URLS)
		problem(c, 0, "eureka.urls", "more than %d URLs", ESRA_MAX_URLS);
	for (size_t i = 0; i < cfg->eureka.urls.n; i++) {
		const char *u = cfg->eureka.urls.v[i];
		if (!has_prefix(u, "http://") && !has_prefix(u, "https://"))
			problem(c, 0, "eureka.urls", "\"%s\" must start with http:// or https://",
			        u);
		else if (strlen(u) >= ESRA_MAX_STRING - 64)
			problem(c, 0, "eureka.urls", "URL too long");
	}
	check_readable(c, "eureka.ca_file", cfg->eureka.ca_file);
	check_readable(c, "eureka.cert_file", cfg->eureka.cert_file);
	check_readable(c, "eureka.key_file", cfg->eureka.key_file);
	if ((cfg->eureka.cert_file[0] == '\0') != (cfg->eureka.key_file[0] == '\0'))
		problem(c, 0, cfg->eureka.cert_file[0] ? "eureka.key_file" : "eureka.cert_file",
		        "eureka.cert_file and eureka.key_file go together (a client certificate "
		        "and its private key)");
	if (!has_prefix(cfg->docker.host, "unix://") && !has_prefix(cfg->docker.host, "tcp://"))
		problem(c, 0, "docker.host", "\"%s\" must be unix:///path or tcp://host:port",
		        cfg->docker.host);
	if (ip4_parse(cfg->dns.server, (size_t)-1, &ip, NULL) != 0)
		problem(c, 0, "dns.server", "\"%s\" is not an IPv4 address", cfg->dns.server);
	if (cfg->dns.netns[0] != '\0' && cfg->dns.netns[0] != '/' &&
	    !(has_prefix(cfg->dns.netns, "container:") && cfg->dns.netns[10] != '\0'))
		problem(c, 0, "dns.netns",
		        "\"%s\" must be \"\", /proc/PID/ns/net or container:NAME", cfg->dns.netns);
	if (cfg->policy.owner_metadata[0] != '\0' &&
	    (cfg->policy.owner_metadata[0] == '=' ||
	     strchr(cfg->policy.owner_metadata, '=') == NULL))
		problem(c, 0, "policy.owner_metadata", "must be \"key=value\" (or \"\" for none)");
	if (strstr(cfg->names.rename_pattern, "{name}") == NULL)
		problem(c, 0, "names.rename_pattern", "must contain {name}");
	{
		const char *colon = strrchr(cfg->watch.listen, ':');
		char *end;
		long port = colon != NULL ? strtol(colon + 1, &end, 10) : -1;
		if (cfg->watch.listen[0] != '\0' && /* "" = no HTTP endpoint */
		    (colon == NULL || colon == cfg->watch.listen || *end != '\0' || port < 0 ||
		     port > 65535))
			problem(c, 0, "watch.listen", "\"%s\" must be ADDR:PORT",
			        cfg->watch.listen);
	}
	if (cfg->docker.tls_verify && cfg->docker.cert_path[0] == '\0') {
		/* the docker CLI's default certificate folder */
		const char *home = getenv("HOME");
		char path[ESRA_MAX_STRING];
		snprintf(path, sizeof(path), "%s/.docker", home != NULL ? home : "/root");
		if (set_str(&cfg->docker.cert_path, path) != 0)
			c->oom = true;
	}
}

static int finish(struct loadctx *c)
{
	if (c->oom) {
		cfg_free(c->cfg);
		return esra_err_set(c->err, ESRA_ENOMEM, "config: out of memory");
	}
	if (c->count > 0) {
		if (c->count > 1) {
			char first[sizeof(c->err->msg)];
			memcpy(first, c->err->msg, sizeof(first));
			esra_err_set(c->err, ESRA_ECONFIG, "%.200s (and %d more)", first,
			             c->count - 1);
		}
		cfg_free(c->cfg);
		return ESRA_ECONFIG;
	}
	return ESRA_OK;
}

static int load(struct esra_config *cfg, const char *text, const char *path, const char *const *env,
                struct buf *problems, struct esra_err *err)
{
	struct loadctx c = {cfg, path != NULL ? path : "config", problems, err, 0, false};
	config_t lc;
	int rc;

	if ((rc = cfg_defaults(cfg, err)) != ESRA_OK)
		return rc;
	if (path != NULL && (cfg->source = strdup(path)) == NULL)
		c.oom = true;
	if (path != NULL || text != NULL) {
		int ok;
		config_init(&lc);
		if (text != NULL) {
			ok = config_read_string(&lc, text);
		} else {
			FILE *f = fopen(path, "r");
			if (f == NULL) {
				problem(&c, 0, "file", "cannot open: %s", strerror(errno));
				config_destroy(&lc);
				return finish(&c);
			}
			ok = config_read(&lc, f);
			fclose(f);
		}
		if (ok != CONFIG_TRUE) {
			problem(&c, config_error_line(&lc), "syntax", "%s", config_error_text(&lc));
			config_destroy(&lc);
			return finish(&c);
		}
		read_config(&c, &lc);
		config_destroy(&lc);
	}
	apply_env(&c, env);
	validate(&c);
	return finish(&c);
}

int cfg_load(struct esra_config *cfg, const char *path, const char *const *env,
             struct buf *problems, struct esra_err *err)
{
	return load(cfg, NULL, path, env, problems, err);
}

int cfg_load_string(struct esra_config *cfg, const char *text, const char *path,
                    const char *const *env, struct buf *problems, struct esra_err *err)
{
	return load(cfg, text, path != NULL ? path : "config", env, problems, err);
}

static int dump_str(struct buf *out, const char *s)
{
	char red[ESRA_MAX_STRING];

	esra_redact_url(s, red, sizeof(red));
	return buf_json_str(out, red); /* libconfig strings escape like JSON for our values */
}

int cfg_dump(const struct esra_config *cfg, struct buf *out)
{
	const char *group = "";
	int rc = ESRA_OK;

	for (size_t i = 0; i < NKEYS && rc == 0; i++) {
		const struct key *k = &keys[i];
		const char *dot = strchr(k->path, '.');
		size_t glen = (size_t)(dot - k->path);
		const void *f = cfield(cfg, k);

		if (strncmp(group, k->path, glen) != 0 || group[glen] != '.') {
			if (group[0] != '\0')
				rc = buf_puts(out, "};\n");
			if (rc == 0)
				rc = buf_printf(out, "%.*s = {\n", (int)glen, k->path);
			group = k->path;
		}
		if (rc == 0)
			rc = buf_printf(out, "  %s = ", dot + 1);
		switch (k->type) {
		case K_STR:
			if (rc == 0)
				rc = dump_str(out, *(char *const *)f);
			break;
		case K_ENUM:
			if (rc == 0)
				rc = buf_printf(out, "\"%s\"",
				                enum_as_string(k) ? *(char *const *)f
				                                  : k->names[*(const int *)f]);
			break;
		case K_INT:
			if (rc == 0)
				rc = buf_printf(out, "%ld", *(const long *)f);
			break;
		case K_BOOL:
			if (rc == 0)
				rc = buf_puts(out, *(const bool *)f ? "true" : "false");
			break;
		case K_FLOAT: {
			double d = *(const double *)f;
			if (rc == 0)
				rc = buf_printf(out, d == floor(d) ? "%.1f" : "%g", d);
			break;
		}
		case K_STRLIST: {
			const struct cfg_strlist *l = f;
			if (rc == 0)
				rc = buf_puts(out, "[");
			for (size_t j = 0; j < l->n && rc == 0; j++) {
				rc = buf_puts(out, j ? ", " : " ");
				if (rc == 0)
					rc = dump_str(out, l->v[j]);
			}
			if (rc == 0)
				rc = buf_puts(out, l->n ? " ]" : "]");
			break;
		}
		case K_PAIRS: {
			const struct cfg_pairlist *l = f;
			if (rc == 0)
				rc = buf_puts(out, "(");
			for (size_t j = 0; j < l->n && rc == 0; j++) {
				rc = buf_puts(out, j ? ", (" : " (");
				if (rc == 0)
					rc = dump_str(out, l->v[j].from);
				if (rc == 0)
					rc = buf_puts(out, ", ");
				if (rc == 0)
					rc = dump_str(out, l->v[j].to);
				if (rc == 0)
					rc = buf_puts(out, ")");
			}
			if (rc == 0)
				rc = buf_puts(out, l->n ? " )" : ")");
			break;
		}
		}
		if (rc == 0)
			rc = buf_puts(out, ";\n");
	}
	if (rc == 0 && group[0] != '\0')
		rc = buf_puts(out, "};\n");
	return rc;
}

int cfg_docker_endpoint(const struct esra_config *cfg, char *base, size_t basesz, char *sock,
                        size_t socksz, bool *tls, struct esra_err *err)
{
	const char *h = cfg->docker.host;

	*tls = false;
	sock[0] = '\0';
	if (has_prefix(h, "unix://")) {
		if (strlen(h + 7) >= socksz || h[7] != '/')
			return esra_err_set(err, ESRA_ECONFIG,
			                    "docker.host \"%s\": bad socket path", h);
		snprintf(sock, socksz, "%s", h + 7);
		snprintf(base, basesz, "http://localhost");
		return ESRA_OK;
	}
	if (has_prefix(h, "tcp://")) {
		*tls = cfg->docker.tls_verify || cfg->docker.cert_path[0] != '\0';
		if ((size_t)snprintf(base, basesz, "%s://%s", *tls ? "https" : "http", h + 6) >=
		    basesz)
			return esra_err_set(err, ESRA_ECONFIG, "docker.host \"%s\": too long", h);
		/* drop a trailing slash */
		if (base[strlen(base) - 1] == '/')
			base[strlen(base) - 1] = '\0';
		return ESRA_OK;
	}
	return esra_err_set(err, ESRA_ECONFIG, "docker.host \"%s\": must be unix:// or tcp://", h);
}
