/* dns.h: asks a DNS server (swarm's embedded resolver by default) for the A records of many
 * names at once with c-ares, a bounded number in flight. NXDOMAIN, NODATA, SERVFAIL,
 * REFUSED and timeouts stay distinct per name; truncated answers are retried over TCP.
 * Can ask from inside another network namespace (a container's seat). Never logs.
 * Ownership: the dns_view returned belongs to the caller (model_dns_free). */
#ifndef ESRA_DNS_H
#define ESRA_DNS_H

#include <signal.h>
#include <sys/types.h>

#include "common.h"
#include "model.h"

struct dns_opts {
	const char *server; /* IPv4 literal */
	int port;
	long timeout_ms;     /* with attempts: a name's patience is timeout_ms x attempts from */
	int attempts;        /* its first send; within it, unanswered sends are sent again after
	                      * a retransmit timeout measured from the server's round trips
	                      * (backing off, never over timeout_ms); a refused port spends one
	                      * of attempts. TCP after a truncated answer is in the same budget. */
	size_t max_inflight; /* the window's ceiling: sends awaited at once, not counting those
	                      * deemed lost; 0 = ESRA_MAX_DNS_INFLIGHT; more is ESRA_EINVAL */
	const char *netns;   /* NULL/"" = esra's own; else a path like /proc/PID/ns/net */
	long total_ms;       /* the whole batch; 0 = (attempts + 1) x timeout_ms. Names not
	                      * answered by then (or never sent) are DNS_RC_TIMEOUT. */
	const volatile sig_atomic_t *stop; /* NULL, or: non-zero ends the batch within 50 ms
	                                    * (ESRA_ESTOPPED, no view) */
};

/* Resolve names[0..n) (duplicates allowed, case-insensitively asked once each). *out gets
 * one answer per name in the given order, its name the caller's string. Only the given
 * server is asked, each name exactly as given (no search domains, no /etc/hosts, nothing
 * from resolv.conf). Answers: the A records sorted ascending without duplicates, the
 * smallest TTL; at most ESRA_MAX_DNS_IPS records, more is DNS_RC_ERROR for that name.
 * Fails only when DNS cannot be asked at all: a bad option (ESRA_EINVAL naming it), a
 * namespace that cannot be entered or a c-ares failure (ESRA_EDNS naming the path or the
 * server), ESRA_ENOMEM, a stop (ESRA_ESTOPPED); per-name failures are in the answers. c-ares is
 * initialised once per process here (pthread_once); callers need not call ares_library_init. */
int dns_resolve(const struct dns_opts *opts, const char *const *names, size_t n,
                struct dns_view **out, struct esra_err *err) ESRA_WUR;

#ifdef ESRA_TESTING
struct pool;
/* One answer message off the wire into a (its ips in pool): the A records sorted without
 * duplicates, the smallest TTL; DNS_RC_NODATA without records, DNS_RC_ERROR when malformed
 * or over ESRA_MAX_DNS_IPS (*nomem set when memory ran out). For the fuzz target. */
enum dns_rc dns_parse_answer(struct pool *pool, const unsigned char *abuf, int alen,
                             struct dns_answer *a, bool *nomem);
#endif

#endif
