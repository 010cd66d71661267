/* eureka.h: Eureka's REST API: reads the registry (JSON or XML, every dialect seen in the
 * wild, parsed by eureka_parse.h) into an eu_registry, and performs the few writes act.c
 * asks for. Never logs; never prints credentials (URLs in messages are redacted). Peers are
 * the configured urls, in order, each with its own connection: calls about different peers
 * may run at the same time on different threads, calls about one peer one at a time.
 * Ownership: registries returned through out-parameters belong to the caller
 * (model_reg_free). */
#ifndef ESRA_EUREKA_H
#define ESRA_EUREKA_H

#include <signal.h>

#include "common.h"
#include "model.h"

enum eureka_format { EUREKA_JSON = 0, EUREKA_XML };

struct eureka_opts {
	const char *const *urls; /* base URLs ending in "/eureka/" (a missing '/' is added) */
	size_t n_urls;
	enum eureka_format format; /* the Accept header sent */
	long timeout_ms;
	size_t max_body; /* 0 = ESRA_MAX_EUREKA_BODY */
	/* https:// peers: the server's certificate and name are verified unless no_tls_verify
	 * (against ca_file, NULL = the system CA store); cert_file + key_file (NULL = none) are
	 * the client certificate for mutual TLS. No request (and so no credential from a URL's
	 * userinfo) is sent before the peer is verified: a failed verification is
	 * ESRA_ECONNECT naming the reason, failed over like an unreachable peer. */
	bool no_tls_verify;
	const char *ca_file, *cert_file, *key_file;
	const volatile sig_atomic_t *stop; /* NULL, or ends reads early: see http_opts.stop */
};

struct eureka;

struct eureka *eureka_new(const struct eureka_opts *opts, struct esra_err *err);
void eureka_free(struct eureka *e); /* NULL is a no-op */
size_t eureka_peer_count(const struct eureka *e);
/* The peer's URL without userinfo (borrowed). */
const char *eureka_peer_url(const struct eureka *e, size_t peer);

/* GET {url}apps from the peers in order until one answers 200 (failover on connect errors,
 * timeouts, 5xx and 403). *peer (NULL allowed) gets the one that answered, MODEL_NONE on
 * failure; registry->source_url is that peer's URL without userinfo. A 403 from every peer
 * is ESRA_ENOTREADY ("server not ready", never an empty registry); 401 is ESRA_EAUTH and
 * is not failed over (a credentials problem); a malformed body is ESRA_EPARSE, a body over
 * max_body ESRA_ETOOLARGE, neither failed over. On any failure *out is NULL. */
int eureka_fetch(struct eureka *e, struct eu_registry **out, size_t *peer,
                 struct esra_err *err) ESRA_WUR;
/* GET {url}apps from one peer only (no failover). */
int eureka_fetch_peer(struct eureka *e, size_t peer, struct eu_registry **out,
                      struct esra_err *err) ESRA_WUR;
/* GET {url}apps/delta from one peer; instances carry their action (ADDED/MODIFIED/DELETED). */
int eureka_fetch_delta(struct eureka *e, size_t peer, struct eu_registry **out,
                       struct esra_err *err) ESRA_WUR;
/* GET {url}apps/{APP}/{ID} (not cached by the server). *out holds that one instance;
 * 404 is ESRA_ENOTFOUND. */
int eureka_get_instance(struct eureka *e, size_t peer, const char *app, const char *id,
                        struct eu_registry **out, struct esra_err *err) ESRA_WUR;
/* Writes (never with the peer replication header; path segments percent-encoded).
 * *status (NULL allowed) gets the HTTP status, 0 when there was no answer. Returns ESRA_OK
 * on 2xx, ESRA_EAUTH on 401, ESRA_ENOTFOUND on 404, ESRA_EHTTP on any other status (403
 * included: on a write it is a refusal), or the transport error.
 * DELETE {url}apps/{APP}/{ID}; PUT .../status?value=STATUS; DELETE .../status?value=UP
 * (Eureka's REST operations: value=UP is the suggested status once the override is gone). */
int eureka_delete_instance(struct eureka *e, size_t peer, const char *app, const char *id,
                           long *status, struct esra_err *err) ESRA_WUR;
int eureka_set_status(struct eureka *e, size_t peer, const char *app, const char *id,
                      enum eu_status st, long *status, struct esra_err *err) ESRA_WUR;
int eureka_clear_status(struct eureka *e, size_t peer, const char *app, const char *id,
                        long *status, struct esra_err *err) ESRA_WUR;
/* Bytes received by this client so far (for the watch-mode delta measurement). */
uint64_t eureka_bytes_received(const struct eureka *e);

#endif
