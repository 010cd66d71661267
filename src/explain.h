/* explain.h: everything esra knows about one address or one name (`esra explain`): who
 * holds it now, who held it before (with times and the source of each fact), which names
 * resolve to it (and on which nodes, where the cluster view exists), which Eureka
 * instances use it, and which findings name it. Reads one cycle's views, history and
 * report; never judges again and never acts. */
#ifndef ESRA_EXPLAIN_H
#define ESRA_EXPLAIN_H

#include "buf.h"
#include "common.h"
#include "cycle.h"
#include "report.h"

struct cJSON;

/* Explain subject (an IPv4 address, else a DNS name / service / app) as text appended to
 * text (when non-NULL) and as one JSON object appended to the array json (when
 * non-NULL). *in_finding is set when a finding of rep names the subject. */
int explain_subject(const struct cycle_look *look, const struct report *rep, const char *subject,
                    struct buf *text, struct cJSON *json, bool *in_finding) ESRA_WUR;

#endif
