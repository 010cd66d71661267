/* hmap.c: linear-probing hash map with FNV-1a string hashing (see hmap.h). */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	const char *key; /* NULL = empty (string maps) */
	uint64_t ikey;   /* integer maps: the key; string maps: the key's hash */
	size_t val;
	bool used;
};

struct hmap {
	struct slot *slots;
	size_t cap, count;
	bool nocase;
};

static uint64_t hash_str(const char *s, bool nocase)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (nocase && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h ^= c;
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

struct hmap *hmap_new(size_t expected, bool nocase)
{
	struct hmap *m = calloc(1, sizeof(*m));
	size_t cap = 16;

	if (m == NULL)
		return NULL;
	while (cap < expected * 2 && cap < ((size_t)1 << 40))
		cap <<= 1;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return NULL;
	}
	m->cap = cap;
	m->nocase = nocase;
	return m;
}

void hmap_free(struct hmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m);
}

static bool key_eq(const struct hmap *m, const struct slot *s, const char *key, uint64_t ikey)
{
	if (key == NULL)
		return s->key == NULL && s->ikey == ikey;
	if (s->key == NULL || s->ikey != ikey) /* ikey: the hash, compared first */
		return false;
	return m->nocase ? esra_strcasecmp(s->key, key) == 0 : strcmp(s->key, key) == 0;
}

/* ikey: the integer key, or the string key's hash (hash_str) */
static struct slot *find(const struct hmap *m, const char *key, uint64_t ikey)
{
	uint64_t h = key != NULL ? ikey : hash_u64(ikey);
	size_t i = (size_t)h & (m->cap - 1);

	for (;;) {
		struct slot *s = &m->slots[i];
		if (!s->used || key_eq(m, s, key, ikey))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

static int grow(struct hmap *m)
{
	struct slot *old = m->slots;
	size_t oldcap = m->cap;

	m->slots = calloc(oldcap * 2, sizeof(*m->slots));
	if (m->slots == NULL) {
		m->slots = old;
		return ESRA_ENOMEM;
	}
	m->cap = oldcap * 2;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			*find(m, old[i].key, old[i].ikey) = old[i];
	free(old);
	return ESRA_OK;
}

static int put(struct hmap *m, const char *key, uint64_t ikey, size_t val, bool replace)
{
	struct slot *s;

	if ((m->count + 1) * 4 > m->cap * 3 && grow(m) != ESRA_OK)
		return ESRA_ENOMEM;
	s = find(m, key, ikey);
	if (s->used) {
		if (replace)
			s->val = val;
		return ESRA_OK;
	}
	s->used = true;
	s->key = key;
	s->ikey = ikey;
	s->val = val;
	m->count++;
	return ESRA_OK;
}

int hmap_put(struct hmap *m, const char *key, size_t val)
{
	return put(m, key, hash_str(key, m->nocase), val, false);
}
int hmap_set(struct hmap *m, const char *key, size_t val)
{
	return put(m, key, hash_str(key, m->nocase), val, true);
}
int hmap_put_u64(struct hmap *m, uint64_t key, size_t val)
{
	return put(m, NULL, key, val, false);
}
int hmap_set_u64(struct hmap *m, uint64_t key, size_t val)
{
	return put(m, NULL, key, val, true);
}

size_t hmap_get(const struct hmap *m, const char *key)
{
	const struct slot *s;

	if (m == NULL || key == NULL)
		return HMAP_NONE;
	s = find(m, key, hash_str(key, m->nocase));
	return s->used ? s->val : HMAP_NONE;
}

size_t hmap_get_u64(const struct hmap *m, uint64_t key)
{
	const struct slot *s;

	if (m == NULL)
		return HMAP_NONE;
	s = find(m, NULL, key);
	return s->used ? s->val : HMAP_NONE;
}

size_t hmap_count(const struct hmap *m)
{
	return m->count;
}
