/* agent.c: what the commands of the esra executable share: finding and loading the
 * configuration, setting up the log, rendering a report and writing it atomically. Knows
 * no command line; never exits. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "buf.h"
#include "cfg.h"
#include "log.h"
#include "report.h"

const char *agent_config_path(const char *given)
{
	if (given != NULL)
		return given;
	return access(AGENT_DEFAULT_CONFIG, R_OK) == 0 ? AGENT_DEFAULT_CONFIG : NULL;
}

int agent_load_config(const char *path, struct esra_config *cfg, bool via_log, struct esra_err *err)
{
	struct buf problems;
	const char *what;
	int rc;

	buf_init(&problems, 0);
	rc = cfg_load(cfg, path, NULL, &problems, err);
	if (rc != ESRA_OK) {
		what = problems.len ? problems.data : err->msg;
		if (via_log) {
			log_error("configuration error%s:\n%s", problems.len ? "s" : "", what);
		} else {
			fprintf(stderr, "esra: configuration error%s:\n%s", problems.len ? "s" : "",
			        what);
			if (problems.len == 0)
				fputc('\n', stderr);
		}
	}
	buf_free(&problems);
	return rc;
}

void agent_setup_logging(const struct esra_config *cfg)
{
	int level = log_level_parse(cfg->log.level);

	log_setup(level < 0 ? ESRA_LOG_INFO : (enum log_level)level,
	          cfg->log.format == CFG_LOG_JSON);
}

int agent_write_output(const char *path, const struct buf *text)
{
	char tmp[4096];
	int fd;
	ssize_t w = 0;
	size_t off = 0;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (text->len > 0 && fwrite(text->data, 1, text->len, stdout) != text->len)
			return -1;
		return fflush(stdout) == 0 ? 0 : -1;
	}
	/* beside FILE, so rename() is atomic: a textfile collector never reads half a report */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_warn("cannot write %s", tmp);
		return -1;
	}
	while (off < text->len && (w = write(fd, text->data + off, text->len - off)) > 0)
		off += (size_t)w;
	if (off != text->len || fsync(fd) != 0) {
		log_warn("cannot write %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		log_warn("cannot rename %s to %s", tmp, path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int agent_listen_port(const char *listen)
{
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	if (colon == NULL)
		return 0;
	port = strtol(colon + 1, &end, 10);
	return *end == '\0' && port > 0 && port <= 65535 ? (int)port : 0;
}

int agent_render(const struct report *rep, const char *format, struct buf *out)
{
	struct report_counters c;

	if (strcmp(format, "json") == 0)
		return report_json(rep, out);
	if (strcmp(format, "prometheus") == 0) {
		memset(&c, 0, sizeof(c));
		report_count_actions(rep, &c);
		return report_prometheus(rep, &c, out);
	}
	return report_text(rep, out);
}
