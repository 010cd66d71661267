/* ipaddr.h: IPv4 addresses as host-order integers, parsed from "a.b.c.d" or "a.b.c.d/nn". */
#ifndef ESRA_IPADDR_H
#define ESRA_IPADDR_H

#include "common.h"

typedef uint32_t ip4_t;
#define IP4_STRLEN 16

/* Parse s (n bytes, or up to NUL when n == (size_t)-1). prefix gets the /nn or -1.
 * Returns 0 or ESRA_EPARSE. Leading zeros, empty octets and values > 255 are rejected. */
int ip4_parse(const char *s, size_t n, ip4_t *ip, int *prefix) ESRA_WUR;
/* Writes the dotted quad into out (at least IP4_STRLEN bytes) and returns out. */
char *ip4_format(ip4_t ip, char *out);
bool ip4_in_subnet(ip4_t ip, ip4_t net, int prefix);

#endif
