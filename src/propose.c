/* propose.c: clean names for poisoned or taken names (see propose.h): candidates of
 * names.rename_pattern, free locally (recon) and in DNS (asked in rounds). It must never
 * propose a name it did not ask DNS about, and never change anything. */
#include "propose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "limits.h"

int propose_candidate(const struct esra_config *cfg, const char *name, unsigned k, char *out,
                      size_t outsz)
{
	const char *pat = cfg->names.rename_pattern, *p = strstr(pat, "{name}");
	char suffix[16] = "";
	int w;

	if (p == NULL || k == 0)
		return ESRA_EINVAL;
	if (k > 1)
		snprintf(suffix, sizeof(suffix), "%u", k);
	w = snprintf(out, outsz, "%.*s%s%s%s", (int)(p - pat), pat, name, p + 6, suffix);
	return (w < 0 || (size_t)w >= outsz) ? ESRA_ETOOLARGE : ESRA_OK;
}

static const char *base_name(const char *name)
{
	return strncmp(name, "tasks.", 6) == 0 ? name + 6 : name;
}

static bool wants_proposal(const struct finding *f)
{
	return (f->kind == FK_POISONED_NAME || f->kind == FK_NAME_TAKEN) && f->name != NULL &&
	       f->proposal == NULL;
}

int propose_names(const struct esra_config *cfg, const struct recon *r, const struct dns_opts *dns,
                  struct finding_list *l, size_t *queries, struct esra_err *err)
{
	unsigned *next_k = calloc(l->n + 1, sizeof(*next_k));
	const char *canary = recon_canary(r);
	bool alive;
	int rc = ESRA_OK;

	if (next_k == NULL)
		return esra_err_set(err, ESRA_ENOMEM, "out of memory");
	for (size_t i = 0; i < l->n; i++)
		next_k[i] = 1;
	for (int round = 0; round < 25; round++) {
		const char **names = NULL, **nv;
		size_t n = 0, cap = 0;
		struct dns_view *dv = NULL;
		struct esra_err e;
		char cand[ESRA_MAX_STRING];
		bool pending = false;

		/* up to 4 candidates per finding per round, locally free ones only */
		for (size_t i = 0; i < l->n && rc == 0; i++) {
			struct finding *f = &l->v[i];
			int got = 0;
			if (!wants_proposal(f) || next_k[i] > ESRA_MAX_PROPOSALS)
				continue;
			for (; got < 4 && next_k[i] <= ESRA_MAX_PROPOSALS; next_k[i]++) {
				if (propose_candidate(cfg, base_name(f->name), next_k[i], cand,
				                      sizeof(cand)) != 0)
					break;
				if (recon_name_taken_locally(r, cand, NULL))
					continue;
				/* room for this pair and the canary */
				nv = array_grow(names, &cap, n + 2, sizeof(*nv), 16);
				if (nv == NULL) {
					rc = ESRA_ENOMEM;
					break;
				}
				names = nv;
				names[n] = finding_strdup(l, cand);
				names[n + 1] = finding_printf(l, "tasks.%s", cand);
				if (names[n] == NULL || names[n + 1] == NULL) {
					rc = ESRA_ENOMEM;
					break;
				}
				n += 2;
				got++;
			}
			pending = pending || got > 0;
		}
		if (rc != 0 || !pending) {
			free(names);
			break;
		}
		if (canary != NULL)
			names[n++] = canary; /* room: cap keeps 2 spare slots */
		esra_err_clear(&e);
		if (dns_resolve(dns, names, n, &dv, &e) != ESRA_OK) {
			free(names);
			rc = esra_err_set(err, ESRA_EDNS, "%s", e.msg);
			break;
		}
		if (queries != NULL)
			*queries += dv->queries;
		alive = recon_resolver_alive(dv, canary);
		/* first free candidate per finding, in candidate order */
		for (size_t i = 0; i < l->n; i++) {
			struct finding *f = &l->v[i];
			if (!wants_proposal(f))
				continue;
			for (unsigned k = 1; k <= ESRA_MAX_PROPOSALS; k++) {
				if (propose_candidate(cfg, base_name(f->name), k, cand,
				                      sizeof(cand)) != 0)
					break;
				if (model_dns_find(dv, cand) == NULL)
					continue;
				if (recon_name_free_in_dns(dv, cand, alive)) {
					f->proposal = finding_strdup(l, cand);
					break;
				}
			}
		}
		model_dns_free(dv);
		free(names);
	}
	free(next_k);
	if (rc == ESRA_ENOMEM)
		esra_err_set(err, ESRA_ENOMEM, "out of memory");
	return rc;
}
