/* pool.h: an arena for the many small strings and arrays of a view; freed all at once.
 * Everything a pool hands out is owned by the pool. */
#ifndef ESRA_POOL_H
#define ESRA_POOL_H

#include "common.h"

struct pool;

struct pool *pool_new(void);
void pool_free(struct pool *p);                /* NULL is a no-op */
void *pool_alloc(struct pool *p, size_t size); /* zeroed, 8-aligned; NULL on ENOMEM */
void *pool_memdup(struct pool *p, const void *src, size_t size);
char *pool_strndup(struct pool *p, const char *s, size_t n); /* NUL-terminated copy */
char *pool_strdup(struct pool *p, const char *s);            /* s NULL -> NULL */
size_t pool_bytes(const struct pool *p);                     /* memory held */
/* Everything src holds now belongs to dst (pointers into it stay valid); src is freed.
 * src NULL is a no-op. */
void pool_adopt(struct pool *dst, struct pool *src);

#endif
