/* history.h: who holds an address now and who held it before. Joins by address what the
 * Docker API still shows (tasks swarm keeps in /tasks after they end, a few per slot, with
 * their addresses; services' VIPs; containers) with esra's own memory (state.c) of holders
 * Docker no longer shows. Reads the model and the state; never judges, never acts.
 * Ownership: a struct history borrows the view and the state it was built from (they must
 * outlive it); the addr_owner records it hands out are borrowed from it. */
#ifndef ESRA_HISTORY_H
#define ESRA_HISTORY_H

#include "common.h"
#include "finding.h"
#include "model.h"
#include "state.h"

#define HISTORY_MAX_PER_ADDR 8 /* holders kept per address (JSON history) */

struct history;

/* sw and st may each be NULL (nothing from that source). NULL on ENOMEM (err set). */
struct history *history_new(const struct sw_view *sw, const struct state *st, struct esra_err *err);
void history_free(struct history *h); /* NULL is a no-op */

/* The holders of ip into out (room for max), those holding it now first, then by the end
 * of their hold, newest first; a holder both Docker and the state know is listed once,
 * from Docker. Strings are borrowed from h and its inputs. Returns the count. */
size_t history_get(const struct history *h, ip4_t ip, struct addr_owner *out, size_t max);

/* One sentence about a holder, e.g. "was task gbs-cms.2 (x2h3t9a6d103, node2, failed
 * 2026-11-30T10:02:00Z: non-zero exit (137))" or "was the VIP of service gbs-cms until
 * 2026-11-29T08:00:00Z (seen by esra)". */
void history_describe(const struct addr_owner *o, char *out, size_t outsz);

/* Give each finding that names an address (the stale addresses of poisoned_name, the ip
 * of stale_instance, wrong_network and orphan_endpoint) the history of that address, and
 * one evidence line per past holder ("10.0.1.7 was task ..."). Strings are copied into the
 * list's pool. */
int history_annotate(const struct history *h, struct finding_list *l) ESRA_WUR;

/* Remember in st every address holder the view shows now (tasks with their state,
 * services' VIPs, containers), at now_ms. */
int history_remember(const struct sw_view *sw, struct state *st, int64_t now_ms) ESRA_WUR;

#endif
