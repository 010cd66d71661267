/* agent.h: what the esra executable's files share: rendering, atomic output, commands. */
#ifndef ESRA_AGENT_H
#define ESRA_AGENT_H

#include "buf.h"
#include "report.h"

/* Render rep as "text", "json" or "prometheus" into out. */
int agent_render(const struct report *rep, const char *format, struct buf *out);
/* Write text to path atomically (temp file beside it + fsync + rename); NULL or "-" =
 * stdout. Returns 0 or -1 (logged). */
int agent_write_output(const char *path, const struct buf *text);
/* The port of "ADDR:PORT", 0 when there is none ("" = no endpoint). */
int agent_listen_port(const char *listen);
/* esra watch (watch.c). */
int agent_watch(int argc, char **argv);

#endif
