/* recon.h: compares the three views (Eureka, swarm, DNS) and derives findings. Knows no
 * HTTP, no DNS wire and no output format: it only reads models and writes findings.
 * A struct recon holds the indexes built over one cycle's views; it borrows the views and
 * the config (they must outlive it). */
#ifndef ESRA_RECON_H
#define ESRA_RECON_H

#include "cfg.h"
#include "common.h"
#include "finding.h"
#include "model.h"

struct recon_input {
	const struct esra_config *cfg;
	const struct eu_registry *reg; /* NULL when Eureka could not be read */
	const struct sw_view *sw;      /* NULL when Docker could not be read */
	int64_t now_ms;
};

struct recon;

struct recon *recon_new(const struct recon_input *in, struct esra_err *err);
void recon_free(struct recon *r); /* NULL is a no-op */
/* The registry for an r made without one (in->reg NULL), once it is read: r is then as if
 * made with it. Lets the swarm's names be known (recon_dns_names) before Eureka answers. */
int recon_add_registry(struct recon *r, const struct eu_registry *reg,
                       struct esra_err *err) ESRA_WUR;

/* The names to ask DNS this cycle: service names and tasks.<name> of services on the watched
 * networks, and Eureka hostNames that are not IP literals. *names is a malloc'ed array the
 * caller frees (not the strings, which r owns). */
int recon_dns_names(struct recon *r, const char ***names, size_t *n, struct esra_err *err) ESRA_WUR;

/* Instances worth a TCP probe (valid ip and port): index into in->reg->inst. */
int recon_probe_targets(const struct recon *r, size_t **idx, size_t *n) ESRA_WUR;

/* Derive every finding that needs no write. dns may be NULL (DNS failed: names are not
 * judged); probes may be NULL, else one per registry instance. Findings are appended. */
int recon_judge(struct recon *r, const struct dns_view *dns, const enum probe_rc *probes,
                struct finding_list *out, struct esra_err *err) ESRA_WUR;

/* Name freedom, for proposals and preflight. A name is taken locally when a service
 * (full or prefix-stripped name), a container name, a network alias (service task template
 * or container), or a Eureka app or hostName equals it, case-insensitively. *by (may be
 * NULL) gets a description such as "service gbs-cms" (owned by r). */
bool recon_name_taken_locally(const struct recon *r, const char *name, const char **by);
/* Swarm's embedded resolver answers the names it holds itself and forwards the others
 * upstream; where the upstream does not answer (air-gapped swarms, this test bed) those
 * time out or fail. So a name that times out while a name swarm holds (the canary) answers
 * in the same batch has no swarm record. */
/* A name swarm itself must answer (a service with a VIP, or tasks.<name> with live tasks),
 * to ask alongside names whose freedom is judged; NULL when there is none. */
const char *recon_canary(const struct recon *r);
/* Whether swarm must answer name (its failure is a DNS failure, not an upstream one). */
bool recon_name_expected(const struct recon *r, const char *name);
/* The resolver answered the canary in dns (so silence means "no swarm record"). */
bool recon_resolver_alive(const struct dns_view *dns, const char *canary);
/* Free by DNS: neither name nor tasks.<name> has a swarm record: NXDOMAIN/NODATA, or no
 * answer while the resolver is alive. */
bool recon_name_free_in_dns(const struct dns_view *dns, const char *name, bool alive);

/* Preflight of one name about to be deployed. */
enum recon_name_state {
	NAME_FREE = 0, /* nothing holds it anywhere */
	NAME_CLEAN,    /* the live service of that name holds it and DNS agrees exactly */
	NAME_TAKEN,    /* something else holds it */
	NAME_POISONED, /* DNS answers IPs with nothing live behind them */
	NAME_UNKNOWN   /* DNS gave no definite answer */
};
const char *recon_name_state_name(enum recon_name_state s);
/* Judge name with a DNS view that holds name and tasks.<name> (and the canary: alive says
 * whether it answered). A taken or poisoned name gets a finding (name_taken / poisoned_name)
 * appended to out; *state gets the verdict. */
int recon_preflight(struct recon *r, const struct dns_view *dns, const char *name, bool alive,
                    struct finding_list *out, enum recon_name_state *state,
                    struct esra_err *err) ESRA_WUR;

/* registry_divergence: instances that some Eureka peers hold and others do not (peer
 * replication is asynchronous and best effort). regs[i] is what peer names[i] answered;
 * a NULL registry (unreadable peer) is left out. Findings are appended. */
int recon_peer_divergence(struct recon *r, const struct eu_registry *const *regs,
                          const char *const *names, size_t n, struct finding_list *out,
                          struct esra_err *err) ESRA_WUR;

/* A wrong scope: swarm.networks names a network this swarm does not have (judged on a
 * manager only). Writes a message naming the key, the missing names and the networks that
 * exist into out. While it is wrong, instances are not judged (recon_judge leaves
 * stale_instance and wrong_network out), and the caller must not act. */
bool recon_scope_error(const struct recon *r, char *out, size_t outsz);

/* The swarm service an Eureka app maps to (names.map, then case-insensitive match with
 * swarm.stack_prefix or the stack namespace stripped); MODEL_NONE if none. */
size_t recon_service_of_app(const struct recon *r, const char *app);

/* --service NAME...: keep the findings of l about one of services[0..n) (by service, by
 * name with "tasks." stripped, by app, or by the service an app maps to) and every
 * source_error; the others are dropped. r may be NULL (no app mapping); n == 0 keeps all. */
void recon_filter_services(const struct recon *r, struct finding_list *l,
                           const char *const *services, size_t n);

#endif
