/* hmap.h: open-addressing hash maps used to join views without quadratic scans.
 * Keys are borrowed (the caller keeps them alive); values are size_t indexes.
 * A key put twice keeps the first value unless hmap_set is used. */
#ifndef ESRA_HMAP_H
#define ESRA_HMAP_H

#include "common.h"

struct hmap;

/* nocase: string keys compare ASCII case-insensitively. */
struct hmap *hmap_new(size_t expected, bool nocase);
void hmap_free(struct hmap *m); /* NULL is a no-op */
/* String keys. put keeps an existing value; set replaces it. ESRA_ENOMEM on failure. */
int hmap_put(struct hmap *m, const char *key, size_t val) ESRA_WUR;
int hmap_set(struct hmap *m, const char *key, size_t val) ESRA_WUR;
/* "No value": what the look-ups return for a key that is absent. */
#define HMAP_NONE ((size_t)-1)

/* Value for key, or HMAP_NONE when absent. */
size_t hmap_get(const struct hmap *m, const char *key);
/* Integer keys (IPv4 addresses, hashes) in the same map type; do not mix with string keys. */
int hmap_put_u64(struct hmap *m, uint64_t key, size_t val) ESRA_WUR;
int hmap_set_u64(struct hmap *m, uint64_t key, size_t val) ESRA_WUR;
size_t hmap_get_u64(const struct hmap *m, uint64_t key);
size_t hmap_count(const struct hmap *m);

#endif
