/* dns.h: asks a DNS server (swarm's embedded resolver by default) for the A records of many
 * names at once with c-ares, a bounded number in flight. NXDOMAIN, NODATA, SERVFAIL,
 * REFUSED and timeouts stay distinct per name; truncated answers are retried over TCP.
 * Can ask from inside another network namespace (a container's seat). Never logs.
 * Ownership: the dns_view returned belongs to the caller (model_dns_free). */
#ifndef ESRA_DNS_H
#define ESRA_DNS_H

#include "common.h"
#include "model.h"

struct dns_opts {
	const char *server;   /* IPv4 literal */
	int port;
	long timeout_ms;      /* per attempt */
	int attempts;
	size_t max_inflight;  /* 0 = ESRA_MAX_DNS_INFLIGHT */
	const char *netns;    /* NULL/"" = esra's own; else a path like /proc/PID/ns/net */
};

/* Resolve names[0..n) (duplicates allowed, answered once each). *out gets one answer per
 * name in the given order. Fails only when DNS cannot be asked at all (bad server, no
 * namespace, c-ares init); per-name failures are in the answers. */
int dns_resolve(const struct dns_opts *opts, const char *const *names, size_t n,
                struct dns_view **out, struct esra_err *err) ESRA_WUR;

#endif
