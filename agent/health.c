/* health.c: `esra health`: asks a running `esra watch` on this machine for GET /healthz
 * (libcurl, through the library's http client) and exits 0 when it answers 200, else 1.
 * Meant as a container healthcheck: the image has no shell and no curl. It never asks
 * anything but the address it was given (or watch.listen), and never acts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "cfg.h"
#include "http.h"

#define HEALTH_TIMEOUT_MS 5000

static const char usage_health[] =
    "usage: esra health [-c FILE] [--listen ADDR:PORT]\n"
    "\n"
    "Asks the local `esra watch` for GET /healthz; exit 0 when it answers 200 (cycles keep\n"
    "completing), 1 otherwise (not listening, starting, stalled, or bad usage). A\n"
    "container healthcheck: needs no shell and no curl in the image.\n"
    "\n"
    "  -c, --config FILE        read watch.listen from FILE (default /etc/esra/esra.conf\n"
    "                           if it exists)\n"
    "  -l, --listen ADDR:PORT   where esra watch listens (overrides watch.listen); an\n"
    "                           address of 0.0.0.0 is asked on 127.0.0.1\n"
    "  -h, --help               this help\n";

/* http://HOST:PORT/healthz for a watch.listen value; -1 when it is not ADDR:PORT. */
static int health_url(const char *listen, char *url, size_t n)
{
	const char *colon = strrchr(listen, ':');
	int hlen;

	if (colon == NULL || colon == listen || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	hlen = (int)(colon - listen);
	if (hlen == 7 && strncmp(listen, "0.0.0.0", 7) == 0)
		return snprintf(url, n, "http://127.0.0.1:%s/healthz", colon + 1) < (int)n ? 0 : -1;
	return snprintf(url, n, "http://%.*s:%s/healthz", hlen, listen, colon + 1) < (int)n ? 0
	                                                                                    : -1;
}

int agent_health(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"listen", required_argument, NULL, 'l'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *path = NULL, *listen = NULL;
	struct esra_config cfg;
	struct esra_err err;
	struct http_opts ho;
	struct http_req req;
	struct http_resp resp;
	struct http *h;
	char url[300];
	bool loaded = false;
	int ch, code = 1;

	while ((ch = getopt_long(argc, argv, "c:l:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'h':
			fputs(usage_health, stdout);
			return 0;
		default:
			fputs(usage_health, stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "esra health: unexpected argument\n%s", usage_health);
		return 1;
	}
	if (listen == NULL) {
		if (agent_load_config(agent_config_path(path), &cfg, false, &err) != ESRA_OK)
			return 1;
		loaded = true;
		listen = cfg.watch.listen;
	}
	if (listen[0] == '\0' || health_url(listen, url, sizeof(url)) != 0) {
		fprintf(stderr, "esra health: watch.listen \"%s\" is not ADDR:PORT\n", listen);
		goto out;
	}
	memset(&ho, 0, sizeof(ho));
	ho.timeout_ms = HEALTH_TIMEOUT_MS;
	ho.max_body = 4096;
	if ((h = http_new(&ho, &err)) == NULL) {
		fprintf(stderr, "esra health: %s\n", err.msg);
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	http_resp_init(&resp);
	if (http_do(h, &req, &resp, &err) != ESRA_OK) {
		fprintf(stderr, "esra health: %s\n", err.msg);
	} else if (resp.status != 200) {
		fprintf(stderr, "esra health: %s: HTTP %ld %.*s\n", url, resp.status,
		        (int)strcspn(resp.body.len ? resp.body.data : "", "\n"),
		        resp.body.len ? resp.body.data : "");
	} else {
		printf("esra health: %s: ok\n", url);
		code = 0;
	}
	http_resp_free(&resp);
	http_free(h);
out:
	if (loaded)
		cfg_free(&cfg);
	return code;
}
