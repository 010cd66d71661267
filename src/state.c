/* state.c: esra's memory file (see state.h). JSON through cJSON, written to a temporary file
 * in the same directory, fsynced and renamed over the old one, so a crash or a full disk
 * leaves either the old file or the new one, never half of one. */
#include "state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "hmap.h"
#include "limits.h"
#include "pool.h"

#define NONE   HMAP_NONE
#define FORMAT "esra-state"

struct sowner {
	struct state_owner o;
	const char *key; /* "ip|kind|id-or-name" */
	size_t next;     /* next owner of the same address, NONE */
};

struct sfind {
	const char *id;
	int64_t first, last;
};

struct state {
	struct pool *pool;
	const char *node_id; /* the node this memory belongs to ("" unknown) */
	struct sowner *ow;
	size_t n_ow, cap_ow;
	struct sfind *fi;
	size_t n_fi, cap_fi;
	struct hmap *ow_key, *ow_ip, *fi_key;
};

static void clear(struct state *st)
{
	pool_free(st->pool);
	hmap_free(st->ow_key);
	hmap_free(st->ow_ip);
	hmap_free(st->fi_key);
	free(st->ow);
	free(st->fi);
	st->pool = NULL;
	st->ow_key = st->ow_ip = st->fi_key = NULL;
	st->ow = NULL;
	st->fi = NULL;
	st->n_ow = st->cap_ow = st->n_fi = st->cap_fi = 0;
}

static int init(struct state *st, const char *node_id)
{
	st->pool = pool_new();
	st->ow_key = hmap_new(256, false);
	st->ow_ip = hmap_new(256, false);
	st->fi_key = hmap_new(64, false);
	if (st->pool == NULL || st->ow_key == NULL || st->ow_ip == NULL || st->fi_key == NULL)
		return ESRA_ENOMEM;
	st->node_id = pool_strdup(st->pool, node_id != NULL ? node_id : "");
	return st->node_id != NULL ? ESRA_OK : ESRA_ENOMEM;
}

struct state *state_new(const char *node_id)
{
	struct state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	if (init(st, node_id) != ESRA_OK) {
		state_free(st);
		return NULL;
	}
	return st;
}

void state_free(struct state *st)
{
	if (st == NULL)
		return;
	clear(st);
	free(st);
}

size_t state_n_owners(const struct state *st)
{
	return st->n_ow;
}

size_t state_n_findings(const struct state *st)
{
	return st->n_fi;
}

/* ---------------------------------------------------------------- owners */

static const char *owner_key(struct state *st, const struct state_owner *o)
{
	char ib[IP4_STRLEN], tmp[ESRA_MAX_STRING];

	snprintf(tmp, sizeof(tmp), "%s|%s|%s", ip4_format(o->ip, ib), o->kind,
	         o->id != NULL && o->id[0] ? o->id : (o->name != NULL ? o->name : ""));
	return pool_strdup(st->pool, tmp);
}

static const char *dup0(struct state *st, const char *s)
{
	return pool_strdup(st->pool, s != NULL ? s : "");
}

/* Append o with its own times (for load and compaction). */
static int add_owner(struct state *st, const struct state_owner *o)
{
	struct sowner *w;
	const char *key = owner_key(st, o);
	size_t head;

	if (key == NULL)
		return ESRA_ENOMEM;
	if (hmap_get(st->ow_key, key) != NONE)
		return ESRA_OK; /* a duplicate in the file: the first wins */
	if ((w = array_grow(st->ow, &st->cap_ow, st->n_ow, sizeof(*st->ow), 64)) == NULL)
		return ESRA_ENOMEM;
	st->ow = w;
	w = &st->ow[st->n_ow];
	memset(w, 0, sizeof(*w));
	w->o.ip = o->ip;
	w->o.first_ms = o->first_ms;
	w->o.last_ms = o->last_ms;
	w->key = key;
	if ((w->o.kind = dup0(st, o->kind)) == NULL || (w->o.name = dup0(st, o->name)) == NULL ||
	    (w->o.id = dup0(st, o->id)) == NULL || (w->o.service = dup0(st, o->service)) == NULL ||
	    (w->o.node = dup0(st, o->node)) == NULL || (w->o.state = dup0(st, o->state)) == NULL)
		return ESRA_ENOMEM;
	head = hmap_get_u64(st->ow_ip, o->ip);
	w->next = head;
	if (hmap_put(st->ow_key, key, st->n_ow) != 0 ||
	    hmap_set_u64(st->ow_ip, o->ip, st->n_ow) != 0)
		return ESRA_ENOMEM;
	st->n_ow++;
	return ESRA_OK;
}

int state_note_owner(struct state *st, const struct state_owner *o, int64_t now_ms)
{
	char ib[IP4_STRLEN], key[ESRA_MAX_STRING];
	struct state_owner n;
	size_t k;

	snprintf(key, sizeof(key), "%s|%s|%s", ip4_format(o->ip, ib), o->kind,
	         o->id != NULL && o->id[0] ? o->id : (o->name != NULL ? o->name : ""));
	k = hmap_get(st->ow_key, key);
	if (k != NONE) {
		struct sowner *w = &st->ow[k];
		w->o.last_ms = now_ms;
		if (o->state != NULL && strcmp(o->state, w->o.state) != 0 &&
		    (w->o.state = dup0(st, o->state)) == NULL)
			return ESRA_ENOMEM;
		return ESRA_OK;
	}
	n = *o;
	n.first_ms = n.last_ms = now_ms;
	return add_owner(st, &n);
}

static int by_last_desc(const void *a, const void *b)
{
	const struct state_owner *x = *(const struct state_owner *const *)a;
	const struct state_owner *y = *(const struct state_owner *const *)b;

	return (x->last_ms < y->last_ms) - (x->last_ms > y->last_ms);
}

size_t state_owners(const struct state *st, ip4_t ip, const struct state_owner **out, size_t max)
{
	size_t n = 0;

	for (size_t i = hmap_get_u64(st->ow_ip, ip); i != NONE && n < max; i = st->ow[i].next)
		out[n++] = &st->ow[i].o;
	qsort(out, n, sizeof(*out), by_last_desc);
	return n;
}

/* ---------------------------------------------------------------- findings */

static int add_finding(struct state *st, const char *id, int64_t first, int64_t last)
{
	struct sfind *f;

	if (hmap_get(st->fi_key, id) != NONE)
		return ESRA_OK;
	if ((f = array_grow(st->fi, &st->cap_fi, st->n_fi, sizeof(*st->fi), 64)) == NULL)
		return ESRA_ENOMEM;
	st->fi = f;
	f = &st->fi[st->n_fi];
	if ((f->id = pool_strdup(st->pool, id)) == NULL)
		return ESRA_ENOMEM;
	f->first = first;
	f->last = last;
	if (hmap_put(st->fi_key, f->id, st->n_fi) != 0)
		return ESRA_ENOMEM;
	st->n_fi++;
	return ESRA_OK;
}

int state_note_finding(struct state *st, const char *id, int64_t now_ms, int64_t *first_ms)
{
	size_t k = hmap_get(st->fi_key, id);

	if (k != NONE) {
		st->fi[k].last = now_ms;
		*first_ms = st->fi[k].first;
		return ESRA_OK;
	}
	*first_ms = now_ms;
	return add_finding(st, id, now_ms, now_ms);
}

int64_t state_finding_first(const struct state *st, const char *id)
{
	size_t k = hmap_get(st->fi_key, id);

	return k != NONE ? st->fi[k].first : 0;
}

/* ---------------------------------------------------------------- prune (compacts) */

static int cmp_owner_last(const void *a, const void *b)
{
	const struct sowner *x = *(const struct sowner *const *)a;
	const struct sowner *y = *(const struct sowner *const *)b;

	return (x->o.last_ms < y->o.last_ms) - (x->o.last_ms > y->o.last_ms);
}

static int cmp_find_last(const void *a, const void *b)
{
	const struct sfind *x = *(const struct sfind *const *)a;
	const struct sfind *y = *(const struct sfind *const *)b;

	return (x->last < y->last) - (x->last > y->last);
}

int state_prune(struct state *st, int64_t now_ms, int64_t keep_owner_ms, int64_t keep_finding_ms)
{
	struct state old = *st;
	const struct sowner **ow = calloc(old.n_ow + 1, sizeof(*ow));
	const struct sfind **fi = calloc(old.n_fi + 1, sizeof(*fi));
	size_t no = 0, nf = 0;
	int rc = ESRA_ENOMEM;

	if (ow == NULL || fi == NULL)
		goto out;
	/* newest first, then the caps and the ages cut the tail */
	for (size_t i = 0; i < old.n_ow; i++)
		ow[i] = &old.ow[i];
	for (size_t i = 0; i < old.n_fi; i++)
		fi[i] = &old.fi[i];
	qsort(ow, old.n_ow, sizeof(*ow), cmp_owner_last);
	qsort(fi, old.n_fi, sizeof(*fi), cmp_find_last);
	memset(st, 0, sizeof(*st));
	if ((rc = init(st, old.node_id)) != ESRA_OK)
		goto fail;
	for (size_t i = 0; i < old.n_ow && no < ESRA_MAX_STATE_OWNERS; i++, no++) {
		if (ow[i]->o.last_ms < now_ms - keep_owner_ms)
			break;
		if ((rc = add_owner(st, &ow[i]->o)) != ESRA_OK)
			goto fail;
	}
	for (size_t i = 0; i < old.n_fi && nf < ESRA_MAX_STATE_FINDINGS; i++, nf++) {
		if (fi[i]->last < now_ms - keep_finding_ms)
			break;
		if ((rc = add_finding(st, fi[i]->id, fi[i]->first, fi[i]->last)) != ESRA_OK)
			goto fail;
	}
	clear(&old);
	rc = ESRA_OK;
	goto out;
fail:
	/* keep the old memory rather than half a new one */
	clear(st);
	*st = old;
out:
	free(ow);
	free(fi);
	return rc;
}

/* ---------------------------------------------------------------- file */

static int fresh(struct state *st, char *warn, size_t warnsz, const char *path, const char *why)
{
	char node[ESRA_MAX_STRING];

	snprintf(warn, warnsz, "state file %s %s: starting with no memory", path, why);
	snprintf(node, sizeof(node), "%s", st->node_id);
	clear(st);
	return init(st, node);
}

static bool get_str(const cJSON *o, const char *k, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (v == NULL) {
		*out = "";
		return true;
	}
	if (!cJSON_IsString(v))
		return false;
	*out = v->valuestring;
	return true;
}

static bool get_ms(const cJSON *o, const char *k, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

/* Entries into st; false on the first malformed one (why says which). */
static int read_doc(struct state *st, const cJSON *doc, char *why, size_t whysz)
{
	const cJSON *ows, *fis, *e;
	const char *s;
	size_t i = 0, k = 0;

	if (!cJSON_IsObject(doc) || !get_str(doc, "format", &s) || strcmp(s, FORMAT) != 0) {
		snprintf(why, whysz, "is not an esra state file");
		return ESRA_EPARSE;
	}
	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "version")) ||
	    cJSON_GetObjectItemCaseSensitive(doc, "version")->valueint != 1) {
		snprintf(why, whysz, "has a version this esra does not read");
		return ESRA_EPARSE;
	}
	if (!get_str(doc, "node_id", &s)) {
		snprintf(why, whysz, "has a malformed node_id");
		return ESRA_EPARSE;
	}
	if (st->node_id[0] && s[0] && strcmp(s, st->node_id) != 0) {
		snprintf(why, whysz, "belongs to node %.40s, not to this node %.40s", s,
		         st->node_id);
		return ESRA_EPARSE;
	}
	ows = cJSON_GetObjectItemCaseSensitive(doc, "owners");
	fis = cJSON_GetObjectItemCaseSensitive(doc, "findings");
	if (!cJSON_IsArray(ows) || !cJSON_IsArray(fis)) {
		snprintf(why, whysz, "has no owners or findings list");
		return ESRA_EPARSE;
	}
	if ((size_t)cJSON_GetArraySize(ows) > ESRA_MAX_STATE_OWNERS ||
	    (size_t)cJSON_GetArraySize(fis) > ESRA_MAX_STATE_FINDINGS) {
		snprintf(why, whysz, "holds more entries than esra keeps");
		return ESRA_ETOOLARGE;
	}
	cJSON_ArrayForEach(e, ows)
	{
		struct state_owner o;
		const char *ip;
		int prefix;
		memset(&o, 0, sizeof(o));
		if (!cJSON_IsObject(e) || !get_str(e, "ip", &ip) ||
		    ip4_parse(ip, strlen(ip), &o.ip, &prefix) != ESRA_OK || prefix >= 0 ||
		    !get_str(e, "kind", &o.kind) || o.kind[0] == '\0' ||
		    !get_str(e, "name", &o.name) || !get_str(e, "id", &o.id) ||
		    !get_str(e, "service", &o.service) || !get_str(e, "node", &o.node) ||
		    !get_str(e, "state", &o.state) || !get_ms(e, "first", &o.first_ms) ||
		    !get_ms(e, "last", &o.last_ms) || strlen(o.name) > ESRA_MAX_STRING / 4 ||
		    strlen(o.id) > ESRA_MAX_STRING / 4) {
			snprintf(why, whysz, "has a malformed owner entry (#%zu)", i);
			return ESRA_EPARSE;
		}
		if (add_owner(st, &o) != ESRA_OK)
			return ESRA_ENOMEM;
		i++;
	}
	cJSON_ArrayForEach(e, fis)
	{
		const char *id;
		int64_t first, last;
		if (!cJSON_IsObject(e) || !get_str(e, "id", &id) || id[0] == '\0' ||
		    strlen(id) > ESRA_MAX_STRING / 2 || !get_ms(e, "first", &first) ||
		    !get_ms(e, "last", &last)) {
			snprintf(why, whysz, "has a malformed finding entry (#%zu)", k);
			return ESRA_EPARSE;
		}
		if (add_finding(st, id, first, last) != ESRA_OK)
			return ESRA_ENOMEM;
		k++;
	}
	return ESRA_OK;
}

int state_load(struct state *st, const char *dir, char *warn, size_t warnsz)
{
	char path[ESRA_MAX_STRING], why[160];
	FILE *f;
	struct stat sb;
	char *text = NULL;
	cJSON *doc = NULL;
	int rc;

	warn[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return ESRA_OK;
		snprintf(why, sizeof(why), "cannot be read (%s)", strerror(errno));
		return fresh(st, warn, warnsz, path, why);
	}
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return fresh(st, warn, warnsz, path, "is not a regular file");
	}
	if ((uint64_t)sb.st_size > ESRA_MAX_STATE_BYTES) {
		fclose(f);
		snprintf(why, sizeof(why), "is over %u bytes", (unsigned)ESRA_MAX_STATE_BYTES);
		return fresh(st, warn, warnsz, path, why);
	}
	if ((text = malloc((size_t)sb.st_size + 1)) == NULL) {
		fclose(f);
		return ESRA_ENOMEM;
	}
	if (fread(text, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fclose(f);
		free(text);
		return fresh(st, warn, warnsz, path, "could not be read whole");
	}
	fclose(f);
	text[sb.st_size] = '\0';
	doc = cJSON_ParseWithLength(text, (size_t)sb.st_size);
	free(text);
	if (doc == NULL)
		return fresh(st, warn, warnsz, path, "is not valid JSON (corrupt or truncated)");
	rc = read_doc(st, doc, why, sizeof(why));
	cJSON_Delete(doc);
	if (rc == ESRA_ENOMEM)
		return rc;
	if (rc != ESRA_OK)
		return fresh(st, warn, warnsz, path, why);
	return ESRA_OK;
}

static cJSON *doc_of(const struct state *st, int64_t now_ms)
{
	cJSON *doc = cJSON_CreateObject(), *ows, *fis;
	char ib[IP4_STRLEN];

	if (doc == NULL)
		return NULL;
	cJSON_AddStringToObject(doc, "format", FORMAT);
	cJSON_AddNumberToObject(doc, "version", 1);
	cJSON_AddStringToObject(doc, "node_id", st->node_id);
	cJSON_AddNumberToObject(doc, "saved", (double)now_ms);
	ows = cJSON_AddArrayToObject(doc, "owners");
	fis = cJSON_AddArrayToObject(doc, "findings");
	if (ows == NULL || fis == NULL)
		goto nomem;
	for (size_t i = 0; i < st->n_ow; i++) {
		const struct state_owner *o = &st->ow[i].o;
		cJSON *e = cJSON_CreateObject();
		if (e == NULL || !cJSON_AddItemToArray(ows, e))
			goto nomem;
		if (!cJSON_AddStringToObject(e, "ip", ip4_format(o->ip, ib)) ||
		    !cJSON_AddStringToObject(e, "kind", o->kind) ||
		    !cJSON_AddStringToObject(e, "name", o->name) ||
		    !cJSON_AddStringToObject(e, "id", o->id) ||
		    !cJSON_AddStringToObject(e, "service", o->service) ||
		    !cJSON_AddStringToObject(e, "node", o->node) ||
		    !cJSON_AddStringToObject(e, "state", o->state) ||
		    !cJSON_AddNumberToObject(e, "first", (double)o->first_ms) ||
		    !cJSON_AddNumberToObject(e, "last", (double)o->last_ms))
			goto nomem;
	}
	for (size_t i = 0; i < st->n_fi; i++) {
		cJSON *e = cJSON_CreateObject();
		if (e == NULL || !cJSON_AddItemToArray(fis, e))
			goto nomem;
		if (!cJSON_AddStringToObject(e, "id", st->fi[i].id) ||
		    !cJSON_AddNumberToObject(e, "first", (double)st->fi[i].first) ||
		    !cJSON_AddNumberToObject(e, "last", (double)st->fi[i].last))
			goto nomem;
	}
	return doc;
nomem:
	cJSON_Delete(doc);
	return NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int state_save(const struct state *st, const char *dir, int64_t now_ms, struct esra_err *err)
{
	char path[ESRA_MAX_STRING], tmp[ESRA_MAX_STRING];
	cJSON *doc = doc_of(st, now_ms);
	char *text;
	int fd, dfd, e;

	if (doc == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "state: out of memory");
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (text == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "state: out of memory");
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, STATE_FILE);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		e = errno;
		free(text);
		return esra_err_set(err, ESRA_EIO, "state: cannot create %s: %s", tmp, strerror(e));
	}
	if (write_all(fd, text, strlen(text)) != 0 || write_all(fd, "\n", 1) != 0 ||
	    fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		free(text);
		return esra_err_set(err, ESRA_EIO, "state: cannot write %s: %s", tmp, strerror(e));
	}
	free(text);
	if (close(fd) != 0) {
		e = errno;
		unlink(tmp);
		return esra_err_set(err, ESRA_EIO, "state: cannot write %s: %s", tmp, strerror(e));
	}
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return esra_err_set(err, ESRA_EIO, "state: cannot rename %s to %s: %s", tmp, path,
		                    strerror(e));
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return ESRA_OK;
}
