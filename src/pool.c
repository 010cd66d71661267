/* pool.c: arena allocator in growing chunks; everything is freed by pool_free. */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct pool {
	struct chunk *head;
	size_t bytes;
};

#define POOL_CHUNK (64u << 10)

struct pool *pool_new(void)
{
	return calloc(1, sizeof(struct pool));
}

void pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	for (struct chunk *c = p->head, *n; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	free(p);
}

void *pool_alloc(struct pool *p, size_t size)
{
	struct chunk *c = p->head;
	size_t asize = (size + 7) & ~(size_t)7;
	void *r;

	if (size > SIZE_MAX / 2)
		return NULL;
	if (asize == 0)
		asize = 8;
	if (c == NULL || c->size - c->used < asize) {
		size_t csize = asize > POOL_CHUNK / 4 ? asize : POOL_CHUNK;
		struct chunk *n = malloc(sizeof(*n) + csize);
		if (n == NULL)
			return NULL;
		n->size = csize;
		n->used = 0;
		p->bytes += sizeof(*n) + csize;
		if (asize > POOL_CHUNK / 4 && c != NULL) {
			/* a big block gets its own chunk behind the current one */
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			p->head = n;
		}
		c = n;
	}
	r = (char *)c->data + c->used;
	c->used += asize;
	memset(r, 0, size);
	return r;
}

void *pool_memdup(struct pool *p, const void *src, size_t size)
{
	void *r = pool_alloc(p, size);

	if (r != NULL && size > 0)
		memcpy(r, src, size);
	return r;
}

char *pool_strndup(struct pool *p, const char *s, size_t n)
{
	char *r = pool_alloc(p, n + 1);

	if (r != NULL) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

char *pool_strdup(struct pool *p, const char *s)
{
	return s == NULL ? NULL : pool_strndup(p, s, strlen(s));
}

size_t pool_bytes(const struct pool *p)
{
	return p->bytes;
}

void pool_adopt(struct pool *dst, struct pool *src)
{
	struct chunk *last;

	if (src == NULL)
		return;
	if (src->head != NULL) {
		/* behind dst's current chunk, which keeps serving allocations */
		for (last = src->head; last->next != NULL; last = last->next)
			;
		if (dst->head == NULL) {
			dst->head = src->head;
		} else {
			last->next = dst->head->next;
			dst->head->next = src->head;
		}
		dst->bytes += src->bytes;
	}
	free(src);
}
