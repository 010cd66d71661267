/* cfg.h: esra's configuration: one key table drives defaults, the libconfig file, environment
 * overrides, error messages (file:line: key: reason) and `esra config show`.
 * The struct is plain data, read-only once cfg_load returns; cfg_free releases its strings. */
#ifndef ESRA_CFG_H
#define ESRA_CFG_H

#include "buf.h"
#include "common.h"

enum cfg_format { CFG_FORMAT_JSON = 0, CFG_FORMAT_XML };
enum cfg_policy_mode { CFG_MODE_REPORT = 0, CFG_MODE_FLAG, CFG_MODE_DEREGISTER };
enum cfg_log_format { CFG_LOG_TEXT = 0, CFG_LOG_JSON };

struct cfg_strlist {
	char **v;
	size_t n, cap;
};

struct cfg_pair {
	char *from, *to;
};
struct cfg_pairlist {
	struct cfg_pair *v;
	size_t n;
};

struct esra_config {
	struct {
		struct cfg_strlist urls;
		int format; /* enum cfg_format */
		long timeout_ms;
		bool tls_verify;            /* verify the servers' certificates (https://) */
		char *ca_file;              /* "" = the system CA store */
		char *cert_file, *key_file; /* client certificate (mutual TLS), "" = none */
	} eureka;
	struct {
		char *host;
		bool tls_verify;
		char *cert_path;
		long timeout_ms;
	} docker;
	struct {
		char *server;
		long port;
		long timeout_ms;
		long attempts;
		char *netns;
	} dns;
	struct {
		struct cfg_strlist networks;
		char *stack_prefix;
	} swarm;
	struct {
		struct cfg_pairlist map; /* Eureka app -> swarm service */
		char *rename_pattern;
		struct cfg_strlist expect_registered;
	} names;
	struct {
		bool tcp;
		long timeout_ms;
	} probe;
	struct {
		int mode; /* enum cfg_policy_mode */
		long grace_seconds, history_seconds, confirm_cycles, max_actions_per_run;
		double max_fraction_per_app, max_fraction_registry;
		bool allow_empty_app, leader_only;
		char *audit_log;
		char *owner_metadata; /* "key=value": only instances carrying it are written to */
	} policy;
	struct {
		long interval_seconds;
		char *listen;
	} watch;
	struct {
		char *service; /* "" = found from Docker (see cluster.h) */
		long timeout_ms;
	} cluster;
	struct {
		char *dir; /* esra's memory (state.c); "" = none */
	} state;
	struct {
		char *level;
		int format; /* enum cfg_log_format */
	} log;
	char *source; /* the file read, NULL when only defaults */
};

/* Defaults only (no file, no environment). */
int cfg_defaults(struct esra_config *cfg, struct esra_err *err) ESRA_WUR;
/* Defaults, then path (NULL = none), then the environment (env = NULL: the process env;
 * otherwise a NULL-terminated "KEY=VALUE" array, for tests). Every problem found is
 * appended to problems (NULL tolerated), one line each, "file:line: key: reason"; err gets
 * the first one and the count; the code is ESRA_ECONFIG. On failure cfg is left freed. */
int cfg_load(struct esra_config *cfg, const char *path, const char *const *env,
             struct buf *problems, struct esra_err *err) ESRA_WUR;
/* Like cfg_load but the file text is given (path is only used in messages). */
int cfg_load_string(struct esra_config *cfg, const char *text, const char *path,
                    const char *const *env, struct buf *problems, struct esra_err *err) ESRA_WUR;
void cfg_free(struct esra_config *cfg);
/* Print the effective configuration in libconfig syntax (credentials redacted). */
int cfg_dump(const struct esra_config *cfg, struct buf *out) ESRA_WUR;

/* Split a docker.host into a curl base URL and unix socket: "unix:///x.sock" -> base
 * "http://localhost", socket "/x.sock"; "tcp://h:2376" -> "https://h:2376" when TLS is used
 * (tls_verify or cert_path set), else "http://h:2376". Strings go into the given buffers. */
int cfg_docker_endpoint(const struct esra_config *cfg, char *base, size_t basesz, char *sock,
                        size_t socksz, bool *tls, struct esra_err *err) ESRA_WUR;

#endif
