/* eureka_parse.c: the Eureka registry parser (JSON or XML, streamed: never a tree of the
 * whole document) into an eu_registry. Bytes in, a model out: it must never do I/O, never
 * log, and never hand out a partial registry. */
#include "eureka_parse.h"

#include <cjson/cJSON.h>
#include <libxml/SAX2.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jstream.h"
#include "limits.h"

/* ================================================================ shared field handling */

/* Instance fields, the same names in JSON and XML. */
enum fld {
	F_NONE = 0,
	F_ID,
	F_HOST,
	F_APP,
	F_IP,
	F_STATUS,
	F_OVR,
	F_OVR_LOWER,
	F_PORT,
	F_SPORT,
	F_VIP,
	F_UPDATED,
	F_DIRTY,
	F_ACTION,
	F_LEASE,
	F_META,
	/* leaseInfo members */
	F_RENEW_INT,
	F_DURATION,
	F_REG,
	F_LAST_RENEW,
	F_RENEW_LEGACY,
	F_EVICT,
	F_SVCUP,
};

/* Field names by enum fld (the same in JSON and XML); F_NONE ends each group. */
static const char *const fld_names[] = {
    [F_NONE] = "field",
    [F_ID] = "instanceId",
    [F_HOST] = "hostName",
    [F_APP] = "app",
    [F_IP] = "ipAddr",
    [F_STATUS] = "status",
    [F_OVR] = "overriddenStatus",
    [F_OVR_LOWER] = "overriddenstatus",
    [F_PORT] = "port",
    [F_SPORT] = "securePort",
    [F_VIP] = "vipAddress",
    [F_UPDATED] = "lastUpdatedTimestamp",
    [F_DIRTY] = "lastDirtyTimestamp",
    [F_ACTION] = "actionType",
    [F_LEASE] = "leaseInfo",
    [F_META] = "metadata",
    [F_RENEW_INT] = "renewalIntervalInSecs",
    [F_DURATION] = "durationInSecs",
    [F_REG] = "registrationTimestamp",
    [F_LAST_RENEW] = "lastRenewalTimestamp",
    [F_RENEW_LEGACY] = "renewalTimestamp",
    [F_EVICT] = "evictionTimestamp",
    [F_SVCUP] = "serviceUpTimestamp",
};

static const char *fld_label(enum fld f)
{
	return fld_names[f];
}

/* The instance member (lease = false) or leaseInfo member (lease = true) called name. */
static enum fld fld_lookup(bool lease, const char *name)
{
	enum fld lo = lease ? F_RENEW_INT : F_ID, hi = lease ? F_SVCUP : F_META;

	for (enum fld f = lo; f <= hi; f++)
		if (name[0] == fld_names[f][0] && strcmp(name, fld_names[f]) == 0)
			return f;
	return F_NONE;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s))
		(*s)++, (*n)--;
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

/* A decimal integer, whitespace around it allowed. 0 ok, 1 empty, -1 not an integer. */
ESRA_STATIC int eureka_parse_i64(const char *s, size_t n, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;

	trim(&s, &n);
	if (n == 0)
		return 1;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++, n--;
		if (n == 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_C(1) << 63) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > (UINT64_C(1) << 63) - (neg ? 0 : 1))
			return -1;
	}
	*out = neg ? (v == (UINT64_C(1) << 63) ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return 0;
}

static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p++;
		size_t more;
		unsigned min, cp;
		if (c < 0x80)
			continue;
		if (c >= 0xC2 && c <= 0xDF)
			more = 1, min = 0x80, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			more = 2, min = 0x800, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			more = 3, min = 0x10000, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - p) < more)
			return false;
		for (size_t i = 0; i < more; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (*p & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
	}
	return true;
}

/* ================================================================ parser state */

enum pstate { P_DETECT = 0, P_JSON, P_XML, P_DONE };

enum xrole {
	X_DOC = 0,
	X_APPS,
	X_VERSIONS,
	X_HASH,
	X_APP,
	X_APPNAME,
	X_INST,
	X_IFIELD,
	X_LEASE,
	X_LFIELD,
	X_META,
	X_MKEY,
	X_OTHER,
};

struct xframe {
	unsigned char role;
	unsigned char f; /* enum fld for X_IFIELD / X_LFIELD */
};

struct eureka_parser {
	enum pstate state;
	struct eu_registry *reg;
	int rc; /* sticky error */
	struct esra_err err;
	uint64_t bytes;
	struct buf head;     /* bytes held while the format is being detected */
	size_t head_checked; /* of which checked as UTF-8 */
	char fmt;            /* '<' XML, '{' JSON, 0 not known yet */
	/* UTF-8 check of the whole input */
	unsigned u8_need;
	uint32_t u8_cp, u8_min;
	uint64_t checked, line;
	char u8_bad[128]; /* the message for the first invalid byte, "" while there is none */
	struct buf meta;  /* "k\0v\0..." of the instance being read */
	struct buf text;  /* text of the XML leaf being read */
	/* the application being read: instances from app_first on get app_name if they
	 * carry no "app" of their own */
	size_t app_first;
	const char *app_name;
	const char *last_app, *last_vip; /* share repeated strings */
	/* per instance */
	bool have_ovr_camel, have_last_renew;
	/* JSON */
	struct jstream *js;
	bool bare;         /* the document is one bare instance object */
	bool emit_inst;    /* the value being emitted is an instance ... */
	size_t emit_depth; /* ... at this depth (for json_drop) */
	bool seen_content; /* a key we know was seen (structured documents) */
	/* XML */
	xmlParserCtxtPtr xml;
	struct xframe stack[ESRA_MAX_XML_DEPTH + 1];
	size_t depth;
	bool root_seen;
	size_t text_run;           /* bytes of the text since the last tag (one text node) */
	struct eu_instance *xinst; /* the instance being read (valid until the next add) */
	char mkey[ESRA_MAX_STRING + 1];
};

static int fail(struct eureka_parser *p, int code, const char *fmt, ...) ESRA_PRINTF(3, 4);

static int fail(struct eureka_parser *p, int code, const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof(p->err.msg)];

	if (p->rc != 0)
		return p->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->rc = esra_err_set(&p->err, code, "%s", msg);
	if (p->xml != NULL)
		xmlStopParser(p->xml);
	return p->rc;
}

static const char *keep_str(struct eureka_parser *p, const char *s, size_t n)
{
	return pool_strndup(p->reg->pool, s, n);
}

/* Copy an identity string (trimmed, capped, valid UTF-8) into the pool. */
static int set_str(struct eureka_parser *p, const char **dst, const char *s, size_t n,
                   const char *label, const char **share, struct esra_err *err)
{
	trim(&s, &n);
	if (n > ESRA_MAX_STRING)
		return esra_err_set(err, ESRA_ETOOLARGE, "%s is over %d bytes", label,
		                    ESRA_MAX_STRING);
	if (!utf8_valid(s, n))
		return esra_err_set(err, ESRA_EPARSE, "%s is not valid UTF-8", label);
	if (share != NULL && *share != NULL && strlen(*share) == n && memcmp(*share, s, n) == 0) {
		*dst = *share;
		return ESRA_OK;
	}
	*dst = keep_str(p, s, n);
	if (*dst == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "out of memory");
	if (share != NULL)
		*share = *dst;
	return ESRA_OK;
}

static int parse_bool(const char *s, size_t n, bool *out)
{
	trim(&s, &n);
	if (n == 4 && esra_strncasecmp(s, "true", 4) == 0)
		*out = true;
	else if (n == 5 && esra_strncasecmp(s, "false", 5) == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static int set_int(int64_t *dst, const char *s, size_t n, int64_t lo, int64_t hi, const char *label,
                   struct esra_err *err)
{
	int64_t v;
	char ex[40];
	int r = eureka_parse_i64(s, n, &v);

	if (r == 1)
		return ESRA_OK; /* empty: absent */
	if (r < 0) {
		esra_excerpt(s, n, ex, sizeof(ex));
		return esra_err_set(err, ESRA_EPARSE, "%s: \"%s\" is not an integer", label, ex);
	}
	if (v < lo || v > hi)
		return esra_err_set(err, ESRA_EPARSE, "%s: %lld is out of range", label,
		                    (long long)v);
	*dst = v;
	return ESRA_OK;
}

static enum eu_action parse_action(const char *s, size_t n)
{
	trim(&s, &n);
	if (n == 5 && memcmp(s, "ADDED", 5) == 0)
		return EU_ACT_ADDED;
	if (n == 8 && memcmp(s, "MODIFIED", 8) == 0)
		return EU_ACT_MODIFIED;
	if (n == 7 && memcmp(s, "DELETED", 7) == 0)
		return EU_ACT_DELETED;
	return EU_ACT_NONE;
}

/* Set one scalar field of an instance from its text (JSON numbers arrive as text too). */
static int set_field(struct eureka_parser *p, struct eu_instance *in, enum fld f, const char *s,
                     size_t n, struct esra_err *err)
{
	const char *label = fld_label(f);
	int64_t v = 0;
	int rc = ESRA_OK;

	switch (f) {
	case F_ID:
		return set_str(p, &in->instance_id, s, n, label, NULL, err);
	case F_HOST:
		return set_str(p, &in->hostname, s, n, label, NULL, err);
	case F_APP:
		return set_str(p, &in->app, s, n, label, &p->last_app, err);
	case F_IP:
		return set_str(p, &in->ip_str, s, n, label, NULL, err);
	case F_VIP:
		return set_str(p, &in->vip_address, s, n, label, &p->last_vip, err);
	case F_STATUS:
		trim(&s, &n);
		in->status = model_eu_status_parse(s, n);
		return ESRA_OK;
	case F_OVR:
		trim(&s, &n);
		in->overridden = model_eu_status_parse(s, n);
		p->have_ovr_camel = true;
		return ESRA_OK;
	case F_OVR_LOWER: /* the legacy spelling yields to overriddenStatus */
		trim(&s, &n);
		if (!p->have_ovr_camel)
			in->overridden = model_eu_status_parse(s, n);
		return ESRA_OK;
	case F_ACTION:
		in->action = parse_action(s, n);
		return ESRA_OK;
	case F_PORT:
	case F_SPORT:
		v = -1;
		rc = set_int(&v, s, n, 0, 65535, label, err);
		if (rc == ESRA_OK)
			*(f == F_PORT ? &in->port : &in->secure_port) = (int)v;
		return rc;
	case F_RENEW_INT:
	case F_DURATION:
		v = f == F_DURATION ? in->lease_duration_s : in->renewal_interval_s;
		rc = set_int(&v, s, n, 0, INT32_MAX, label, err);
		if (f == F_DURATION)
			in->lease_duration_s = (int32_t)v;
		else
			in->renewal_interval_s = (int32_t)v;
		return rc;
	case F_LAST_RENEW:
		p->have_last_renew = true;
		return set_int(&in->last_renewal_ms, s, n, INT64_MIN, INT64_MAX, label, err);
	case F_RENEW_LEGACY: /* yields to lastRenewalTimestamp */
		if (p->have_last_renew)
			return set_int(&v, s, n, INT64_MIN, INT64_MAX, label, err);
		return set_int(&in->last_renewal_ms, s, n, INT64_MIN, INT64_MAX, label, err);
	case F_REG:
		return set_int(&in->registration_ms, s, n, INT64_MIN, INT64_MAX, label, err);
	case F_EVICT:
		return set_int(&in->eviction_ms, s, n, INT64_MIN, INT64_MAX, label, err);
	case F_SVCUP:
		return set_int(&in->service_up_ms, s, n, INT64_MIN, INT64_MAX, label, err);
	case F_UPDATED:
		return set_int(&in->last_updated_ms, s, n, INT64_MIN, INT64_MAX, label, err);
	case F_DIRTY:
		return set_int(&in->last_dirty_ms, s, n, INT64_MIN, INT64_MAX, label, err);
	case F_LEASE:
	case F_META:
	case F_NONE:
		break;
	}
	return ESRA_OK;
}

static int meta_add(struct eureka_parser *p, const char *k, size_t kn, const char *v, size_t vn,
                    struct esra_err *err)
{
	char ex[40];

	if (kn == 0)
		return ESRA_OK; /* an empty key cannot be stored: it ends the pair list */
	esra_excerpt(k, kn, ex, sizeof(ex));
	if (kn > ESRA_MAX_STRING || vn > ESRA_MAX_XML_TEXT)
		return esra_err_set(err, ESRA_ETOOLARGE, "metadata %s: over %u bytes", ex,
		                    kn > ESRA_MAX_STRING ? ESRA_MAX_STRING : ESRA_MAX_XML_TEXT);
	if (!utf8_valid(k, kn) || !utf8_valid(v, vn))
		return esra_err_set(err, ESRA_EPARSE, "metadata %s: not valid UTF-8", ex);
	if (memchr(k, '\0', kn) != NULL || memchr(v, '\0', vn) != NULL)
		return esra_err_set(err, ESRA_EPARSE, "metadata %s: holds a NUL byte", ex);
	if (buf_append(&p->meta, k, kn) != 0 || buf_append(&p->meta, "", 1) != 0 ||
	    buf_append(&p->meta, v, vn) != 0 || buf_append(&p->meta, "", 1) != 0)
		return esra_err_set(err, ESRA_ENOMEM, "out of memory");
	return ESRA_OK;
}

static int meta_store(struct eureka_parser *p, struct eu_instance *in, struct esra_err *err)
{
	char *m;

	if (p->meta.len == 0) {
		in->metadata = NULL;
		return ESRA_OK;
	}
	m = pool_alloc(p->reg->pool, p->meta.len + 1); /* zeroed: the final '\0' ends it */
	if (m == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "out of memory");
	memcpy(m, p->meta.data, p->meta.len);
	in->metadata = m;
	buf_reset(&p->meta);
	return ESRA_OK;
}

static struct eu_instance *inst_begin(struct eureka_parser *p, struct esra_err *err)
{
	struct eu_instance *in;

	if (p->reg->n_inst >= ESRA_MAX_INSTANCES) {
		esra_err_set(err, ESRA_ETOOLARGE, "more than %d instances", ESRA_MAX_INSTANCES);
		return NULL;
	}
	in = model_reg_add(p->reg);
	if (in == NULL) {
		esra_err_set(err, ESRA_ENOMEM, "out of memory");
		return NULL;
	}
	p->have_ovr_camel = p->have_last_renew = false;
	buf_reset(&p->meta);
	return in;
}

static bool ipv4_literal(const char *s, ip4_t *ip)
{
	int prefix = -1;

	return s[0] != '\0' && ip4_parse(s, (size_t)-1, ip, &prefix) == 0 && prefix < 0;
}

static int inst_end(struct eureka_parser *p, struct eu_instance *in, struct esra_err *err)
{
	ip4_t ip;

	if (in->instance_id[0] == '\0' && in->hostname[0] == '\0')
		return esra_err_set(err, ESRA_EPARSE,
		                    "instance %zu has neither instanceId nor hostName",
		                    p->reg->n_inst - 1);
	in->ip_valid = ipv4_literal(in->ip_str, &in->ip);
	if (!in->ip_valid)
		in->ip = 0;
	in->hostname_is_ip = ipv4_literal(in->hostname, &ip);
	return meta_store(p, in, err);
}

/* An application starts: the previous one ends (its instances without "app" get its name). */
static void app_close(struct eureka_parser *p)
{
	if (p->app_name != NULL)
		for (size_t i = p->app_first; i < p->reg->n_inst; i++)
			if (p->reg->inst[i].app[0] == '\0')
				p->reg->inst[i].app = p->app_name;
	p->app_first = p->reg->n_inst;
	p->app_name = NULL;
}

/* ================================================================ JSON */

enum jrole {
	J_TOP,
	J_APPS,
	J_VERSIONS,
	J_HASH,
	J_APPLIST,
	J_APP,
	J_APPNAME,
	J_INSTLIST,
	J_INST,
	J_OTHER
};

/* Which part of a Eureka document the value at path[0..depth) is. */
static enum jrole jrole_of(const struct jstream_frame *path, size_t depth)
{
	enum jrole r = J_TOP;

	for (size_t i = 0; i < depth && r != J_OTHER; i++) {
		const char *k = path[i].key;
		switch (r) {
		case J_TOP:
		case J_APPS:
			if (k == NULL)
				r = J_OTHER;
			else if (r == J_TOP && strcmp(k, "applications") == 0)
				r = J_APPS;
			else if (strcmp(k, "application") == 0)
				r = J_APPLIST;
			else if (strcmp(k, "versions__delta") == 0)
				r = J_VERSIONS;
			else if (strcmp(k, "apps__hashcode") == 0)
				r = J_HASH;
			else if (r == J_TOP && strcmp(k, "name") == 0)
				r = J_APPNAME; /* one application object */
			else if (r == J_TOP && strcmp(k, "instance") == 0)
				r = J_INSTLIST; /* one application, or {"instance":{...}} */
			else
				r = J_OTHER;
			break;
		case J_APPLIST: /* an array of applications, or one collapsed to an object */
			if (k == NULL) {
				r = J_APP;
				break;
			}
			ESRA_FALLTHROUGH;
		case J_APP:
			if (k != NULL && strcmp(k, "name") == 0)
				r = J_APPNAME;
			else if (k != NULL && strcmp(k, "instance") == 0)
				r = J_INSTLIST;
			else
				r = J_OTHER;
			break;
		case J_INSTLIST:
			r = k == NULL ? J_INST : J_OTHER;
			break;
		default:
			r = J_OTHER;
			break;
		}
	}
	return r;
}

static void json_where(const struct jstream_frame *path, size_t depth, char *out, size_t outsz)
{
	size_t w = 0;

	out[0] = '\0';
	if (depth == 0) {
		snprintf(out, outsz, "the top-level object");
		return;
	}
	for (size_t i = 0; i < depth && w < outsz; i++) {
		int k;
		if (path[i].key != NULL)
			k = snprintf(out + w, outsz - w, "%s%s", i ? "." : "",
			             path[i].key_cut ? "(long key)" : path[i].key);
		else
			k = snprintf(out + w, outsz - w, "[%zu]", path[i].index);
		if (k < 0)
			break;
		w += (size_t)k;
	}
}

static enum jstream_want json_want(void *ud, const struct jstream_frame *path, size_t depth,
                                   enum jstream_type type)
{
	struct eureka_parser *p = ud;
	enum jrole r;

	if (p->bare) {
		p->emit_inst = depth == 0;
		p->emit_depth = 0;
		return JS_EMIT;
	}
	r = jrole_of(path, depth);
	/* what json_drop needs to know of the value, should it be emitted */
	p->emit_inst = r == J_INST || (r == J_INSTLIST && type == JS_OBJECT);
	p->emit_depth = depth;
	if (r != J_TOP && r != J_OTHER && r != J_INST && r != J_APP)
		p->seen_content = true;
	switch (r) {
	case J_TOP:
		return JS_DESCEND;
	case J_APPS:
		return type == JS_OBJECT ? JS_DESCEND : JS_EMIT; /* EMIT: reported as wrong */
	case J_APPLIST:
		if (type == JS_ARRAY)
			return JS_DESCEND;
		if (type == JS_OBJECT) {
			app_close(p);
			return JS_DESCEND;
		}
		return JS_EMIT;
	case J_APP:
		if (type == JS_OBJECT) {
			app_close(p);
			return JS_DESCEND;
		}
		return JS_EMIT;
	case J_INSTLIST:
		return type == JS_ARRAY ? JS_DESCEND : JS_EMIT;
	case J_VERSIONS:
	case J_HASH:
	case J_APPNAME:
	case J_INST:
		return JS_EMIT;
	case J_OTHER:
		break;
	}
	return JS_SKIP;
}

static const char *cjson_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	return "an object";
}

/* Decimal text of v into out (at least 21 bytes); returns its length. */
static size_t fmt_i64(int64_t v, char *out)
{
	char rev[24];
	size_t n = 0, len = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		out[len++] = '-';
	while (n > 0)
		out[len++] = rev[--n];
	out[len] = '\0';
	return len;
}

/* A JSON scalar as text: strings as they are, integers printed, booleans as true/false.
 * Returns 1 for null (absent). tmp holds printed numbers. */
static int json_text(const cJSON *v, bool want_string, const char *label, char tmp[32],
                     const char **s, size_t *n, struct esra_err *err)
{
	if (cJSON_IsNull(v))
		return 1;
	if (cJSON_IsString(v)) {
		*s = v->valuestring;
		*n = strlen(v->valuestring);
		return ESRA_OK;
	}
	if (!want_string && cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d) || d != floor(d))
			return esra_err_set(err, ESRA_EPARSE, "%s: %g is not an integer", label, d);
		if (fabs(d) > 9007199254740992.0)
			return esra_err_set(err, ESRA_EPARSE, "%s: %g is out of range", label, d);
		*n = fmt_i64((int64_t)d, tmp);
		*s = tmp;
		return ESRA_OK;
	}
	if (!want_string && cJSON_IsBool(v)) {
		*s = cJSON_IsTrue(v) ? "true" : "false";
		*n = strlen(*s);
		return ESRA_OK;
	}
	return esra_err_set(err, ESRA_EPARSE, "%s: expected %s, got %s", label,
	                    want_string ? "a string" : "a number or string", cjson_type(v));
}

static bool string_field(enum fld f)
{
	return f == F_ID || f == F_HOST || f == F_APP || f == F_IP || f == F_VIP || f == F_STATUS ||
	       f == F_OVR || f == F_OVR_LOWER || f == F_ACTION;
}

static int json_scalar_field(struct eureka_parser *p, struct eu_instance *in, enum fld f,
                             const cJSON *v, struct esra_err *err)
{
	char tmp[32];
	const char *s = NULL;
	size_t n = 0;
	int rc = json_text(v, string_field(f), fld_label(f), tmp, &s, &n, err);

	if (rc == 1)
		return ESRA_OK;
	if (rc != ESRA_OK)
		return rc;
	return set_field(p, in, f, s, n, err);
}

/* port: {"$": 8080, "@enabled": "true"}, {"$": "8080", ...} or a plain number/string. */
static int json_port(struct eureka_parser *p, struct eu_instance *in, enum fld f, const cJSON *v,
                     struct esra_err *err)
{
	const char *label = fld_label(f);
	bool *enabled = f == F_PORT ? &in->port_enabled : &in->secure_port_enabled;
	const cJSON *num, *en;
	char tmp[32];
	const char *s = NULL;
	size_t n = 0;
	int rc;

	*enabled = f == F_PORT; /* Eureka's defaults when no @enabled is sent */
	if (!cJSON_IsObject(v))
		return json_scalar_field(p, in, f, v, err);
	num = cJSON_GetObjectItemCaseSensitive(v, "$");
	en = cJSON_GetObjectItemCaseSensitive(v, "@enabled");
	if (num == NULL)
		return esra_err_set(err, ESRA_EPARSE, "%s: object without \"$\"", label);
	rc = json_scalar_field(p, in, f, num, err);
	if (rc != ESRA_OK)
		return rc;
	if (en != NULL) {
		rc = json_text(en, false, label, tmp, &s, &n, err);
		if (rc == 1)
			return ESRA_OK;
		if (rc != ESRA_OK)
			return rc;
		if (parse_bool(s, n, enabled) != 0)
			return esra_err_set(err, ESRA_EPARSE,
			                    "%s: @enabled is neither true nor false", label);
	}
	return ESRA_OK;
}

static int json_meta(struct eureka_parser *p, const cJSON *v, struct esra_err *err)
{
	const cJSON *c;

	if (cJSON_IsNull(v))
		return ESRA_OK;
	if (!cJSON_IsObject(v))
		return esra_err_set(err, ESRA_EPARSE, "metadata: expected an object, got %s",
		                    cjson_type(v));
	buf_reset(&p->meta);
	cJSON_ArrayForEach(c, v)
	{
		char tmp[32];
		const char *s = "";
		size_t n = 0;
		int rc;
		if (c->string == NULL || strcmp(c->string, "@class") == 0)
			continue;
		if (cJSON_IsNumber(c) && (c->valuedouble != floor(c->valuedouble) ||
		                          fabs(c->valuedouble) > 9007199254740992.0)) {
			snprintf(tmp, sizeof(tmp), "%.17g", c->valuedouble);
			s = tmp;
			n = strlen(tmp);
			rc = ESRA_OK;
		} else {
			rc = json_text(c, false, "metadata value", tmp, &s, &n, err);
		}
		if (rc == 1)
			s = "", n = 0;
		else if (rc != ESRA_OK)
			return esra_err_prefix(err, "metadata %s: ", c->string);
		rc = meta_add(p, c->string, strlen(c->string), s, n, err);
		if (rc != ESRA_OK)
			return rc;
	}
	return ESRA_OK;
}

static int json_lease(struct eureka_parser *p, struct eu_instance *in, const cJSON *v,
                      struct esra_err *err)
{
	const cJSON *c;

	if (cJSON_IsNull(v))
		return ESRA_OK;
	if (!cJSON_IsObject(v))
		return esra_err_set(err, ESRA_EPARSE, "leaseInfo: expected an object, got %s",
		                    cjson_type(v));
	/* lastRenewalTimestamp wins over the legacy renewalTimestamp wherever it appears */
	if (cJSON_GetObjectItemCaseSensitive(v, "lastRenewalTimestamp") != NULL)
		p->have_last_renew = true;
	cJSON_ArrayForEach(c, v)
	{
		enum fld f;
		int rc;
		if (c->string == NULL)
			continue;
		f = fld_lookup(true, c->string);
		if (f == F_NONE)
			continue;
		rc = json_scalar_field(p, in, f, c, err);
		if (rc != ESRA_OK)
			return rc;
	}
	return ESRA_OK;
}

static int json_instance(struct eureka_parser *p, const char *json, size_t len,
                         struct esra_err *err)
{
	cJSON *o = cJSON_ParseWithLength(json, len);
	struct eu_instance *in;
	const cJSON *c;
	int rc = ESRA_OK;

	if (o == NULL)
		return esra_err_set(err, ESRA_EPARSE, "instance is not valid JSON");
	if (!cJSON_IsObject(o)) {
		rc = esra_err_set(err, ESRA_EPARSE, "instance: expected an object, got %s",
		                  cjson_type(o));
		goto out;
	}
	in = inst_begin(p, err);
	if (in == NULL) {
		rc = err != NULL ? err->code : ESRA_ENOMEM;
		goto out;
	}
	/* overriddenStatus (Eureka's current field) wins over overriddenstatus, in any order */
	if (cJSON_GetObjectItemCaseSensitive(o, "overriddenStatus") != NULL)
		p->have_ovr_camel = true;
	cJSON_ArrayForEach(c, o)
	{
		enum fld f;
		if (c->string == NULL)
			continue;
		f = fld_lookup(false, c->string);
		switch (f) {
		case F_NONE:
			continue;
		case F_PORT:
		case F_SPORT:
			rc = json_port(p, in, f, c, err);
			break;
		case F_LEASE:
			rc = json_lease(p, in, c, err);
			break;
		case F_META:
			rc = json_meta(p, c, err);
			break;
		default:
			rc = json_scalar_field(p, in, f, c, err);
			break;
		}
		if (rc != ESRA_OK) {
			if (model_inst_id(in)[0] != '\0')
				esra_err_prefix(err, "instance %.80s: ", model_inst_id(in));
			goto out;
		}
	}
	rc = inst_end(p, in, err);
out:
	cJSON_Delete(o);
	return rc;
}

/* An instance's members that are no field of the parser (fld_lookup: the URLs,
 * dataCenterInfo, secureVipAddress, countryId, ...) are dropped before cJSON builds a tree. */
static bool json_drop(void *ud, const struct jstream_frame *path, size_t depth)
{
	const struct eureka_parser *p = ud;
	const struct jstream_frame *f = &path[depth - 1];

	/* an instance's own members only (J_INSTLIST as an object: one instance) */
	if (!p->emit_inst || depth != p->emit_depth + 1)
		return false;
	if (f->key == NULL || f->key_cut || strchr(f->key, '\\') != NULL) /* raw: escapes kept */
		return false;
	return fld_lookup(false, f->key) == F_NONE;
}

static int json_value(void *ud, const struct jstream_frame *path, size_t depth, const char *json,
                      size_t len, struct esra_err *err)
{
	struct eureka_parser *p = ud;
	enum jrole r = p->bare ? J_INST : jrole_of(path, depth);
	cJSON *v = NULL;
	char where[160], ex[40], tmp[32];
	const char *s = NULL;
	size_t n = 0;
	int rc = ESRA_OK;

	switch (r) {
	case J_INSTLIST:
		if (len == 4 && memcmp(json, "null", 4) == 0)
			return ESRA_OK;
		if (len == 0 || json[0] != '{')
			goto wrong_type;
		/* one instance collapsed to an object */
		ESRA_FALLTHROUGH;
	case J_INST:
		rc = json_instance(p, json, len, err);
		break;
	case J_APPLIST:
		if (len == 4 && memcmp(json, "null", 4) == 0)
			return ESRA_OK;
		goto wrong_type;
	case J_APPS:
	case J_APP:
		goto wrong_type;
	case J_VERSIONS:
	case J_HASH:
	case J_APPNAME:
		v = cJSON_ParseWithLength(json, len);
		if (v == NULL) {
			rc = esra_err_set(err, ESRA_EPARSE, "not valid JSON");
			break;
		}
		rc = json_text(v, r != J_VERSIONS,
		               r == J_VERSIONS ? "versions__delta"
		               : r == J_HASH   ? "apps__hashcode"
		                               : "name",
		               tmp, &s, &n, err);
		if (rc == 1) {
			rc = ESRA_OK;
			break;
		}
		if (rc != ESRA_OK)
			break;
		if (r == J_VERSIONS)
			rc = set_int(&p->reg->versions_delta, s, n, INT64_MIN, INT64_MAX,
			             "versions__delta", err);
		else if (r == J_HASH)
			rc = set_str(p, &p->reg->apps_hashcode, s, n, "apps__hashcode", NULL, err);
		else
			rc = set_str(p, &p->app_name, s, n, "application name", NULL, err);
		break;
	case J_TOP:
	case J_OTHER:
		break;
	}
	cJSON_Delete(v);
	if (rc != ESRA_OK) {
		json_where(path, depth, where, sizeof(where));
		return esra_err_prefix(err, "Eureka JSON at %s: ", where);
	}
	return ESRA_OK;
wrong_type:
	json_where(path, depth, where, sizeof(where));
	esra_excerpt(json, len, ex, sizeof(ex));
	return esra_err_set(err, ESRA_EPARSE, "Eureka JSON at %s: expected %s, got %s", where,
	                    r == J_APPLIST    ? "an application object or array"
	                    : r == J_INSTLIST ? "an instance object or array"
	                                      : "an object",
	                    ex);
}

/* Decide from the first member name whether the object is a bare instance. 1 decided,
 * 0 need more bytes. */
static int json_decide(struct eureka_parser *p, size_t start)
{
	static const char *const wrapper[] = {"applications",   "application", "versions__delta",
	                                      "apps__hashcode", "name",        "instance"};
	const char *d = p->head.data;
	size_t n = p->head.len, i = start + 1, k;

	while (i < n && is_space(d[i]))
		i++;
	if (i == n)
		return 0;
	if (d[i] != '"')
		return 1; /* '}' or malformed: structured, jstream judges it */
	for (k = i + 1; k < n && d[k] != '"' && d[k] != '\\'; k++)
		;
	if (k == n)
		return 0;
	if (d[k] == '"') {
		for (size_t w = 0; w < sizeof(wrapper) / sizeof(wrapper[0]); w++)
			if (strlen(wrapper[w]) == k - i - 1 &&
			    memcmp(wrapper[w], d + i + 1, k - i - 1) == 0)
				return 1;
	}
	p->bare = true;
	return 1;
}

/* ================================================================ XML */

static int xml_line(struct eureka_parser *p)
{
	return p->xml != NULL ? xmlSAX2GetLineNumber(p->xml) : 0;
}

static void on_xml_error(void *ud, xmlErrorPtr e)
{
	struct eureka_parser *p = ud;
	char msg[200];
	size_t n;

	if (p == NULL || e == NULL || e->level < XML_ERR_ERROR || p->rc != 0)
		return;
	if (e->code == XML_ERR_DOCUMENT_END && (p->depth > 0 || !p->root_seen)) {
		/* libxml2 says "Extra content at the end of the document" */
		if (p->root_seen)
			p->rc =
			    esra_err_set(&p->err, ESRA_EPARSE,
			                 "Eureka XML line %d: document is truncated (%zu elements "
			                 "still open)",
			                 e->line, p->depth);
		else
			p->rc = esra_err_set(&p->err, ESRA_EPARSE,
			                     "Eureka XML line %d: document is truncated (no root "
			                     "element)",
			                     e->line);
		return;
	}
	snprintf(msg, sizeof(msg), "%s", e->message != NULL ? e->message : "malformed");
	n = strlen(msg);
	while (n > 0 && is_space(msg[n - 1]))
		msg[--n] = '\0';
	for (char *q = msg; *q != '\0'; q++) /* some messages carry a second line */
		if (*q == '\n' || *q == '\r')
			*q = ';';
	p->rc = esra_err_set(&p->err, ESRA_EPARSE, "Eureka XML line %d: %s", e->line, msg);
}

static void on_doctype(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct eureka_parser *p = ud;

	(void)name, (void)ext, (void)sys;
	fail(p, ESRA_EPARSE, "Eureka XML line %d: DOCTYPE not allowed", xml_line(p));
}

static void on_entity_decl(void *ud, const xmlChar *name, int type, const xmlChar *pub,
                           const xmlChar *sys, xmlChar *content)
{
	struct eureka_parser *p = ud;

	(void)name, (void)type, (void)pub, (void)sys, (void)content;
	fail(p, ESRA_EPARSE, "Eureka XML line %d: entity declarations not allowed", xml_line(p));
}

static xmlEntityPtr on_get_entity(void *ud, const xmlChar *name)
{
	(void)ud, (void)name;
	return NULL; /* only the predefined entities exist */
}

static bool xml_leaf(enum xrole r)
{
	return r == X_VERSIONS || r == X_HASH || r == X_APPNAME || r == X_IFIELD || r == X_LFIELD ||
	       r == X_MKEY;
}

static void xml_start(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                      int nb_ns, const xmlChar **ns, int nb_attr, int nb_def, const xmlChar **attrs)
{
	struct eureka_parser *p = ud;
	const char *name = (const char *)localname;
	enum xrole parent, r = X_OTHER;
	enum fld f = F_NONE;
	struct esra_err e;

	(void)uri, (void)nb_ns, (void)ns, (void)nb_def;
	if (p->rc != 0)
		return;
	p->root_seen = true;
	p->text_run = 0;
	if (p->depth >= ESRA_MAX_XML_DEPTH) {
		fail(p, ESRA_ETOOLARGE, "Eureka XML line %d: nested deeper than %d elements",
		     xml_line(p), ESRA_MAX_XML_DEPTH);
		return;
	}
	parent = (enum xrole)p->stack[p->depth].role;
	switch (parent) {
	case X_DOC:
		if (strcmp(name, "applications") == 0)
			r = X_APPS;
		else if (strcmp(name, "application") == 0)
			r = X_APP;
		else if (strcmp(name, "instance") == 0)
			r = X_INST;
		else {
			fail(p, ESRA_EPARSE,
			     "Eureka XML line %d: root element <%.64s> is not applications, "
			     "application or instance",
			     xml_line(p), name);
			return;
		}
		break;
	case X_APPS:
		if (strcmp(name, "versions__delta") == 0)
			r = X_VERSIONS;
		else if (strcmp(name, "apps__hashcode") == 0)
			r = X_HASH;
		else if (strcmp(name, "application") == 0)
			r = X_APP;
		break;
	case X_APP:
		if (strcmp(name, "name") == 0)
			r = X_APPNAME;
		else if (strcmp(name, "instance") == 0)
			r = X_INST;
		break;
	case X_INST:
		f = fld_lookup(false, name);
		r = f == F_LEASE  ? X_LEASE
		    : f == F_META ? X_META
		    : f != F_NONE ? X_IFIELD
		                  : X_OTHER;
		break;
	case X_LEASE:
		f = fld_lookup(true, name);
		r = f != F_NONE ? X_LFIELD : X_OTHER;
		break;
	case X_META:
		r = X_MKEY;
		if (strlen(name) + (prefix != NULL ? strlen((const char *)prefix) + 1 : 0) >
		    ESRA_MAX_STRING) {
			fail(p, ESRA_ETOOLARGE, "Eureka XML line %d: metadata key over %d bytes",
			     xml_line(p), ESRA_MAX_STRING);
			return;
		}
		if (prefix != NULL)
			snprintf(p->mkey, sizeof(p->mkey), "%s:%s", (const char *)prefix, name);
		else
			snprintf(p->mkey, sizeof(p->mkey), "%s", name);
		break;
	default:
		break;
	}
	if (r == X_APP)
		app_close(p);
	if (r == X_INST) {
		esra_err_clear(&e);
		p->xinst = inst_begin(p, &e);
		if (p->xinst == NULL) {
			fail(p, e.code, "Eureka XML line %d: %s", xml_line(p), e.msg);
			return;
		}
	}
	if (r == X_META)
		buf_reset(&p->meta);
	if (r == X_IFIELD && (f == F_PORT || f == F_SPORT)) {
		bool *en = f == F_PORT ? &p->xinst->port_enabled : &p->xinst->secure_port_enabled;
		*en = f == F_PORT;
		for (int i = 0; i < nb_attr; i++) {
			const xmlChar **a = attrs + 5 * i;
			if (a[1] == NULL && strcmp((const char *)a[0], "enabled") == 0 &&
			    parse_bool((const char *)a[3], (size_t)(a[4] - a[3]), en) != 0) {
				fail(p, ESRA_EPARSE,
				     "Eureka XML line %d: %s: enabled is neither true nor false",
				     xml_line(p), fld_label(f));
				return;
			}
		}
	}
	if (xml_leaf(r))
		buf_reset(&p->text);
	p->depth++;
	p->stack[p->depth].role = (unsigned char)r;
	p->stack[p->depth].f = (unsigned char)f;
}

static void xml_chars(void *ud, const xmlChar *ch, int len)
{
	struct eureka_parser *p = ud;
	bool leaf;

	if (p->rc != 0 || len <= 0 || p->depth == 0)
		return;
	/* one text node, anywhere (libxml2 hands it over in pieces and keeps none of it), and
	 * the text kept for a value, are capped; whitespace between elements is neither */
	leaf = xml_leaf((enum xrole)p->stack[p->depth].role);
	p->text_run += (size_t)len;
	if (p->text_run > ESRA_MAX_XML_TEXT ||
	    (leaf && p->text.len + (size_t)len > ESRA_MAX_XML_TEXT)) {
		fail(p, ESRA_ETOOLARGE, "Eureka XML line %d: text over %u bytes", xml_line(p),
		     ESRA_MAX_XML_TEXT);
		return;
	}
	if (leaf && buf_append(&p->text, ch, (size_t)len) != 0)
		fail(p, ESRA_ENOMEM, "Eureka XML: out of memory");
}

static void xml_end(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	struct eureka_parser *p = ud;
	struct xframe fr;
	const char *t;
	size_t n;
	struct esra_err e;
	int rc = ESRA_OK;

	(void)localname, (void)prefix, (void)uri;
	if (p->rc != 0 || p->depth == 0)
		return;
	p->text_run = 0;
	fr = p->stack[p->depth];
	p->depth--;
	t = p->text.data != NULL ? p->text.data : "";
	n = p->text.len;
	esra_err_clear(&e);
	switch ((enum xrole)fr.role) {
	case X_VERSIONS:
		rc = set_int(&p->reg->versions_delta, t, n, INT64_MIN, INT64_MAX, "versions__delta",
		             &e);
		break;
	case X_HASH:
		rc = set_str(p, &p->reg->apps_hashcode, t, n, "apps__hashcode", NULL, &e);
		break;
	case X_APPNAME:
		rc = set_str(p, &p->app_name, t, n, "application name", NULL, &e);
		break;
	case X_IFIELD:
	case X_LFIELD:
		rc = set_field(p, p->xinst, (enum fld)fr.f, t, n, &e);
		break;
	case X_MKEY:
		rc = meta_add(p, p->mkey, strlen(p->mkey), t, n, &e);
		break;
	case X_INST:
		rc = inst_end(p, p->xinst, &e);
		p->xinst = NULL;
		break;
	case X_APP:
		app_close(p);
		break;
	default:
		break;
	}
	if (xml_leaf((enum xrole)fr.role))
		buf_reset(&p->text);
	if (rc != ESRA_OK)
		fail(p, rc, "Eureka XML line %d: %s", xml_line(p), e.msg);
}

static int xml_start_parser(struct eureka_parser *p)
{
	xmlSAXHandler sax;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = xml_start;
	sax.endElementNs = xml_end;
	sax.characters = xml_chars;
	sax.ignorableWhitespace = xml_chars;
	sax.cdataBlock = xml_chars;
	sax.internalSubset = on_doctype;
	sax.externalSubset = on_doctype;
	sax.entityDecl = on_entity_decl;
	sax.getEntity = on_get_entity;
	sax.getParameterEntity = on_get_entity;
	sax.serror = on_xml_error;
	p->xml = xmlCreatePushParserCtxt(&sax, p, NULL, 0, NULL);
	if (p->xml == NULL)
		return fail(p, ESRA_ENOMEM, "Eureka XML: cannot create a parser");
	/* no network, no DTD loading, no entity substitution; errors reach on_xml_error only */
	xmlCtxtUseOptions(p->xml, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	return ESRA_OK;
}

static int xml_feed(struct eureka_parser *p, const char *data, size_t n, bool terminate)
{
	xmlStructuredErrorFunc old = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	int xrc = 0;

	/* libxml2 reports some errors (encodings) without a parser context: route them to
	 * this parser for the duration of the call, then put the caller's handler back */
	xmlSetStructuredErrorFunc(p, on_xml_error);
	do {
		int piece = n > (1u << 20) ? (1 << 20) : (int)n;
		bool last = terminate && (size_t)piece == n;
		xrc = xmlParseChunk(p->xml, data, piece, last ? 1 : 0);
		n -= (size_t)piece;
		if (n > 0) /* data may be NULL when there is nothing (left) to feed */
			data += piece;
	} while (n > 0 && xrc == 0 && p->rc == 0);
	xmlSetStructuredErrorFunc(old_ctx, old);
	if (p->rc != 0)
		return p->rc;
	if (xrc != 0 || !p->xml->wellFormed)
		return fail(p, ESRA_EPARSE, "Eureka XML line %d: malformed (libxml2 error %d)",
		            xml_line(p), xrc);
	return ESRA_OK;
}

/* ================================================================ parser API */

struct eureka_parser *eureka_parser_new(void)
{
	struct eureka_parser *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->reg = model_reg_new();
	if (p->reg == NULL) {
		free(p);
		return NULL;
	}
	p->line = 1;
	buf_init(&p->head, 0);
	buf_init(&p->meta, 0);
	buf_init(&p->text, 0);
	return p;
}

void eureka_parser_free(struct eureka_parser *p)
{
	if (p == NULL)
		return;
	jstream_free(p->js);
	if (p->xml != NULL)
		xmlFreeParserCtxt(p->xml);
	model_reg_free(p->reg);
	buf_free(&p->head);
	buf_free(&p->meta);
	buf_free(&p->text);
	free(p);
}

#define HEAD_MAX (64u << 10) /* bytes read while looking for the format */

static int sticky(struct eureka_parser *p, struct esra_err *err)
{
	if (err != NULL)
		*err = p->err;
	return p->rc;
}

/* jstream's own messages ("malformed JSON at byte N: ...") get the source named; messages
 * from json_value already carry it. */
static int json_fail(struct eureka_parser *p, int rc, const struct esra_err *e)
{
	if (strncmp(e->msg, "Eureka", 6) == 0)
		return fail(p, rc, "%s", e->msg);
	return fail(p, rc, "Eureka JSON: %s", e->msg);
}

static int json_start(struct eureka_parser *p, size_t bom)
{
	struct esra_err e;
	int rc;

	p->js = jstream_new(json_want, json_value, p, ESRA_MAX_JSON_ELEMENT, ESRA_MAX_JSON_DEPTH);
	if (p->js == NULL)
		return fail(p, ESRA_ENOMEM, "Eureka JSON: out of memory");
	jstream_set_drop(p->js, json_drop);
	p->state = P_JSON;
	esra_err_clear(&e);
	rc = jstream_feed(p->js, p->head.data + bom, p->head.len - bom, &e);
	buf_free(&p->head);
	if (rc != ESRA_OK)
		return json_fail(p, rc, &e);
	return ESRA_OK;
}

/* The input must be UTF-8 (RFC 8259; Eureka writes its XML in UTF-8). Checked before any
 * byte reaches jstream or libxml2: the count of bytes before the first invalid one is
 * returned (n when there is none, else p->u8_bad says what it is). The callers give the
 * parser those bytes, then fail with u8_bad unless the parser failed first: the error is
 * the first in the document, however the input is cut. */
static size_t check_utf8(struct eureka_parser *p, const char *data, size_t n)
{
	const unsigned char *d = (const unsigned char *)data;
	const uint64_t hi = 0x8080808080808080ULL, lo7 = 0x7F7F7F7F7F7F7F7FULL;

	for (size_t i = 0; i < n; i++) {
		unsigned c;
		/* ASCII fast path: 8 bytes at a time, counting the newlines (exact zero-byte
		 * test of w ^ '\n' in every byte) */
		while (p->u8_need == 0 && n - i >= 8) {
			uint64_t w, x, z;
			memcpy(&w, d + i, 8);
			if ((w & hi) != 0)
				break;
			x = w ^ 0x0A0A0A0A0A0A0A0AULL;
			z = ~(((x & lo7) + lo7) | x | lo7);
			p->line += (uint64_t)__builtin_popcountll(z);
			i += 8;
		}
		if (i == n)
			break;
		c = d[i];
		if (p->u8_need == 0) {
			if (c < 0x80) {
				if (c == '\n')
					p->line++;
				continue;
			}
			if (c >= 0xC2 && c <= 0xDF)
				p->u8_need = 1, p->u8_min = 0x80, p->u8_cp = c & 0x1F;
			else if (c >= 0xE0 && c <= 0xEF)
				p->u8_need = 2, p->u8_min = 0x800, p->u8_cp = c & 0x0F;
			else if (c >= 0xF0 && c <= 0xF4)
				p->u8_need = 3, p->u8_min = 0x10000, p->u8_cp = c & 0x07;
			else
				goto bad;
			continue;
		}
		if ((c & 0xC0) != 0x80)
			goto bad;
		p->u8_cp = (p->u8_cp << 6) | (c & 0x3F);
		if (--p->u8_need == 0 && (p->u8_cp < p->u8_min || p->u8_cp > 0x10FFFF ||
		                          (p->u8_cp >= 0xD800 && p->u8_cp <= 0xDFFF)))
			goto bad;
		continue;
	bad:
		snprintf(p->u8_bad, sizeof(p->u8_bad),
		         "Eureka %s: not valid UTF-8 at line %llu (byte 0x%02x at offset %llu)",
		         p->fmt == '<' ? "XML" : "JSON", (unsigned long long)p->line, c,
		         (unsigned long long)(p->checked + i));
		p->checked += i;
		return i;
	}
	p->checked += n;
	return n;
}

/* After the bytes before an invalid one went to the parser: the UTF-8 error, unless the
 * parser failed on them. */
static int utf8_fail(struct eureka_parser *p)
{
	return p->u8_bad[0] != '\0' ? fail(p, ESRA_EPARSE, "%s", p->u8_bad) : p->rc;
}

/* The format is the first byte that is not whitespace (after a UTF-8 BOM): '<' or '{'.
 * 0: need more bytes; 1: p->fmt is set and *start is its offset; < 0: error. */
static int sniff(struct eureka_parser *p, bool at_end, size_t *start, size_t *bom)
{
	const unsigned char *d = (const unsigned char *)p->head.data;
	size_t n = p->head.len, i = 0;

	*bom = 0;
	if (n >= 1 && d[0] == 0xEF) {
		if (n < 3 && !at_end)
			return 0;
		if (n >= 3 && d[1] == 0xBB && d[2] == 0xBF)
			i = *bom = 3;
	}
	while (i < n && is_space((char)d[i]))
		i++;
	if (i == n) {
		if (!at_end && n < HEAD_MAX)
			return 0;
		return fail(p, ESRA_EPARSE,
		            at_end ? "Eureka payload is empty"
		                   : "Eureka payload: only whitespace in the first "
		                     "64 KiB");
	}
	if (d[i] != '<' && d[i] != '{')
		return fail(p, ESRA_EPARSE,
		            "Eureka payload is neither JSON nor XML: byte 0x%02x at offset %zu "
		            "(expected '{' or '<')",
		            d[i], i);
	p->fmt = (char)d[i];
	*start = i;
	return 1;
}

/* Start the parser for the held bytes: 1 started, 0 need more bytes, < 0 error. */
static int start_parser(struct eureka_parser *p, bool at_end)
{
	size_t start = 0, bom = 0;
	int rc = sniff(p, at_end, &start, &bom);

	if (rc <= 0)
		return rc;
	/* the parser gets the bytes before an invalid one, as if the input ended there */
	p->head.len = p->head_checked +
	              check_utf8(p, p->head.data + p->head_checked, p->head.len - p->head_checked);
	p->head_checked = p->head.len;
	if (p->u8_bad[0] != '\0')
		at_end = true;
	if (p->fmt == '<') {
		rc = xml_start_parser(p);
		if (rc != ESRA_OK)
			return rc;
		p->state = P_XML;
		rc = xml_feed(p, p->head.data, p->head.len, false);
		buf_free(&p->head);
		return rc != ESRA_OK || utf8_fail(p) != ESRA_OK ? p->rc : 1;
	}
	/* JSON: wait for the first member name, unless the input ended or it is absurdly far
	 * (then jstream judges what there is) */
	if (!json_decide(p, start) && !at_end && p->head.len < HEAD_MAX)
		return 0;
	return json_start(p, bom) != ESRA_OK || utf8_fail(p) != ESRA_OK ? p->rc : 1;
}

int eureka_parser_feed(struct eureka_parser *p, const char *data, size_t n, struct esra_err *err)
{
	struct esra_err e;
	size_t good;
	int rc;

	if (p->rc != 0)
		return sticky(p, err);
	if (p->state == P_DONE)
		return esra_err_set(err, ESRA_EINVAL, "Eureka parser: fed after finish");
	p->bytes += n;
	switch (p->state) {
	case P_DETECT:
		if (buf_append(&p->head, data, n) != 0) {
			fail(p, ESRA_ENOMEM, "Eureka parser: out of memory");
			break;
		}
		start_parser(p, false);
		break;
	case P_JSON:
		good = check_utf8(p, data, n);
		esra_err_clear(&e);
		rc = jstream_feed(p->js, data, good, &e);
		if (rc != ESRA_OK)
			json_fail(p, rc, &e);
		else
			utf8_fail(p);
		break;
	case P_XML:
		good = check_utf8(p, data, n);
		if (xml_feed(p, data, good, false) == ESRA_OK)
			utf8_fail(p);
		break;
	case P_DONE:
		break;
	}
	return p->rc != 0 ? sticky(p, err) : ESRA_OK;
}

int eureka_parser_finish(struct eureka_parser *p, struct eu_registry **out, struct esra_err *err)
{
	struct esra_err e;
	int rc;

	*out = NULL;
	if (p->rc != 0)
		return sticky(p, err);
	if (p->state == P_DONE)
		return esra_err_set(err, ESRA_EINVAL, "Eureka parser: finished twice");
	if (p->state == P_DETECT && start_parser(p, true) < 0)
		return sticky(p, err);
	if (p->u8_need != 0) {
		fail(p, ESRA_EPARSE,
		     "Eureka %s: not valid UTF-8: the input ends inside a character",
		     p->fmt == '<' ? "XML" : "JSON");
		return sticky(p, err);
	}
	esra_err_clear(&e);
	if (p->state == P_JSON) {
		rc = jstream_finish(p->js, &e);
		if (rc != ESRA_OK)
			json_fail(p, rc, &e);
		else if (!p->bare && !p->seen_content)
			fail(p, ESRA_EPARSE,
			     "Eureka JSON: the object holds no applications, "
			     "application or instance");
	} else if (p->state == P_XML) {
		xml_feed(p, NULL, 0, true);
	}
	if (p->rc != 0)
		return sticky(p, err);
	app_close(p);
	rc = model_reg_finish(p->reg, &e);
	if (rc != ESRA_OK) {
		fail(p, rc, "%s", e.msg);
		return sticky(p, err);
	}
	p->reg->bytes = (size_t)p->bytes;
	p->state = P_DONE;
	*out = p->reg;
	p->reg = NULL;
	return ESRA_OK;
}

int eureka_parse(const char *data, size_t n, struct eu_registry **out, struct esra_err *err)
{
	struct eureka_parser *p = eureka_parser_new();
	int rc;

	*out = NULL;
	if (p == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "Eureka parser: out of memory");
	rc = eureka_parser_feed(p, data, n, err);
	if (rc == ESRA_OK)
		rc = eureka_parser_finish(p, out, err);
	eureka_parser_free(p);
	return rc;
}
