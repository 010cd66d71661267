/* state.h: esra's own memory across runs (state.dir): for each address, the owners esra has
 * seen hold it and when; for each finding id, when it was first and last seen. Loaded once,
 * updated each cycle, saved atomically (temporary file, fsync, rename). A corrupt, truncated,
 * oversized or foreign file is a warning and a fresh start, never an error. The state is
 * evidence for people: it never decides an action.
 * Ownership: a struct state owns every string it holds (copied in); pointers it hands out
 * are borrowed and valid until the next state_note_owner, state_prune or state_free. */
#ifndef ESRA_STATE_H
#define ESRA_STATE_H

#include "common.h"
#include "ipaddr.h"

#define STATE_FILE "state.json"

/* One holder of an address as esra saw it. */
struct state_owner {
	ip4_t ip;
	const char *kind;    /* "task" | "service_vip" | "container" */
	const char *name;    /* task "gbs-cms.2", service or container name */
	const char *id;      /* task, service or container id ("" unknown) */
	const char *service; /* the service a task or VIP belongs to, "" for a container */
	const char *node;    /* hostname of the node it lived on, "" unknown */
	const char *state;   /* the task's state when last seen, "" otherwise */
	int64_t first_ms, last_ms;
};

struct state;

struct state *state_new(const char *node_id); /* empty; NULL on ENOMEM */
void state_free(struct state *st);            /* NULL is a no-op */

/* Read dir/state.json. A missing file is a fresh start with no warning. A file that cannot
 * be used (unreadable, corrupt, truncated, over ESRA_MAX_STATE_BYTES, another format or
 * another node's) leaves st fresh and puts the reason in warn (non-empty); it returns
 * ESRA_OK all the same. Only ESRA_ENOMEM is an error. */
int state_load(struct state *st, const char *dir, char *warn, size_t warnsz) ESRA_WUR;
/* Write dir/state.json atomically (dir/.state.json.tmp, fsync, rename, fsync dir). On
 * failure the previous file is left as it was and err names the path and the reason. */
int state_save(const struct state *st, const char *dir, int64_t now_ms,
               struct esra_err *err) ESRA_WUR;

/* Record that o (o->first_ms/last_ms ignored) holds o->ip at now_ms: a new entry, or the
 * known one (same address, kind and id, else name) gets last_ms = now_ms and its state. */
int state_note_owner(struct state *st, const struct state_owner *o, int64_t now_ms) ESRA_WUR;
/* The owners recorded for ip, newest last_ms first, into out (at most max); the count. */
size_t state_owners(const struct state *st, ip4_t ip, const struct state_owner **out, size_t max);
/* Record that finding id is open at now_ms; *first_ms gets when it was first seen (now_ms
 * for a new one). */
int state_note_finding(struct state *st, const char *id, int64_t now_ms,
                       int64_t *first_ms) ESRA_WUR;
/* When finding id was first seen, 0 when unknown. */
int64_t state_finding_first(const struct state *st, const char *id);
/* Drop owners last seen before now_ms - keep_owner_ms, findings last seen before
 * now_ms - keep_finding_ms (a finding that went away and came back is a new one), and the
 * oldest entries over the caps (ESRA_MAX_STATE_OWNERS, ESRA_MAX_STATE_FINDINGS). */
int state_prune(struct state *st, int64_t now_ms, int64_t keep_owner_ms,
                int64_t keep_finding_ms) ESRA_WUR;
size_t state_n_owners(const struct state *st);
size_t state_n_findings(const struct state *st);

#endif
