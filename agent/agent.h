/* agent.h: what the esra executable's files share: configuration loading, rendering, atomic
 * output (agent.c), and the commands that live in their own files. */
#ifndef ESRA_AGENT_H
#define ESRA_AGENT_H

#include "buf.h"
#include "cfg.h"
#include "report.h"

/* Read when no -c FILE is given and it exists. */
#define AGENT_DEFAULT_CONFIG "/etc/esra/esra.conf"

/* The configuration file to read: given (-c FILE), else /etc/esra/esra.conf when it can
 * be read, else NULL (built-in defaults and the environment). */
const char *agent_config_path(const char *given);
/* The one configuration loader (check, preflight, config and watch): cfg_load, and on
 * failure every problem printed: on stderr, or through the log (via_log, once logging is
 * set up, as when watch reloads). Returns the cfg_load code; cfg is then not set. */
int agent_load_config(const char *path, struct esra_config *cfg, bool via_log,
                      struct esra_err *err);
/* log.level and log.format of cfg take effect. */
void agent_setup_logging(const struct esra_config *cfg);

/* Render rep as "text", "json" or "prometheus" into out. */
int agent_render(const struct report *rep, const char *format, struct buf *out);
/* Write text to path atomically (temp file beside it + fsync + rename); NULL or "-" =
 * stdout. Returns 0 or -1 (logged). */
int agent_write_output(const char *path, const struct buf *text);
/* The port of "ADDR:PORT", 0 when there is none ("" = no endpoint). */
int agent_listen_port(const char *listen);
/* esra watch (watch.c). */
int agent_watch(int argc, char **argv);
/* esra health (health.c): exit 0 when the local watch's /healthz answers 200, else 1. */
int agent_health(int argc, char **argv);

#endif
