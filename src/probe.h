/* probe.h: optional TCP reachability probe of Eureka instances (probe.tcp): connect to
 * ip:port with a timeout, many at once, a bounded number in flight. Sends no data. */
#ifndef ESRA_PROBE_H
#define ESRA_PROBE_H

#include <signal.h>

#include "common.h"
#include "ipaddr.h"
#include "model.h"

struct probe_target {
	ip4_t ip;
	int port;
};

/* out[i] gets the result for targets[i]. Fails only when nothing could be tried, or when
 * stop (NULL, or a flag a signal handler sets) became non-zero: then ESRA_ESTOPPED within
 * 50 ms, the probes not finished PROBE_NOT_RUN. */
int probe_tcp(const struct probe_target *targets, size_t n, long timeout_ms, size_t max_inflight,
              const volatile sig_atomic_t *stop, enum probe_rc *out, struct esra_err *err) ESRA_WUR;

#endif
