/* propose.h: clean names. For every poisoned or taken name in a finding list, the first
 * candidate of names.rename_pattern that nothing holds locally and swarm DNS (asked for
 * real, from the given seat) does not answer. Reads the recon indexes and asks DNS; it
 * never changes anything and never prints.
 * Ownership: proposals are strings in the finding list's pool; cfg, recon and dns options
 * are borrowed for the call. */
#ifndef ESRA_PROPOSE_H
#define ESRA_PROPOSE_H

#include "cfg.h"
#include "common.h"
#include "dns.h"
#include "finding.h"
#include "recon.h"

/* The k-th candidate (k >= 1) of names.rename_pattern for name: k = 1 -> "{name}-new",
 * k = 2 -> "{name}-new2", ... ESRA_EINVAL without "{name}" in the pattern or k == 0,
 * ESRA_ETOOLARGE when it does not fit outsz. */
int propose_candidate(const struct esra_config *cfg, const char *name, unsigned k, char *out,
                      size_t outsz) ESRA_WUR;

/* Fill f->proposal of every poisoned_name / name_taken finding in l that has a name and no
 * proposal yet (up to ESRA_MAX_PROPOSALS candidates each, asked in rounds of up to 4 per
 * finding, with recon's canary so silence can be told from "no record"). *queries (NULL
 * allowed) is increased by the DNS queries sent. Returns ESRA_OK, ESRA_ENOMEM, or
 * ESRA_EDNS when DNS could not be asked (err says why; proposals found before stay). */
int propose_names(const struct esra_config *cfg, const struct recon *r, const struct dns_opts *dns,
                  struct finding_list *l, size_t *queries, struct esra_err *err) ESRA_WUR;

#endif
