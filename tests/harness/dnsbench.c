/* dnsbench.c: esra-dnsbench, the DNS benchmark: resolves many names through dns_resolve
 * (the congestion window, retransmits and all) and checks every answer. The names are svcN
 * and tasks.svcN for N < COUNT, checked against the generated family (esra-fakedns answers
 * it; bench/dns.sh gives dnsmasq the same records), or the lines of a file: "NAME [IP...]",
 * the IPs the answer must hold exactly (none: any A record will do). Prints each run, then
 * one "result" line: the median run's wall time and its counts. Exit 1 when a run left a
 * name unanswered or answered wrong. A harness program: never shipped. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "fakedns.h"
#include "ipaddr.h"

#define MAX_WANT 8

static void usage(FILE *f)
{
	fputs(
	    "usage: esra-dnsbench (-p PORT | --self [--loss PERMILLE]) [-s SERVER] [-n COUNT]\n"
	    "                     [-f FILE] [-i INFLIGHT] [-r RUNS] [-t TIMEOUT_MS] [-a ATTEMPTS]\n"
	    "                     [--netns PATH]\n"
	    "  resolves svc0..svcCOUNT-1 and tasks.svc0.. (2 x COUNT names, default 2000), or\n"
	    "  the names of FILE (lines \"NAME [IP...]\"), against SERVER:PORT, or an in-process\n"
	    "  esra-fakedns with --self (dropping PERMILLE of the queries); --netns asks from\n"
	    "  that network namespace (e.g. /proc/PID/ns/net of a container: 127.0.0.11)\n",
	    f);
}

struct names {
	char **name;
	ip4_t (*want)[MAX_WANT];
	size_t *n_want; /* (size_t)-1: the generated family */
	size_t n, cap;
};

static int names_add(struct names *ns, const char *name)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 1024;
		char **n = realloc(ns->name, cap * sizeof(*n));
		ip4_t(*w)[MAX_WANT] = n ? realloc(ns->want, cap * sizeof(*w)) : NULL;
		size_t *k = w ? realloc(ns->n_want, cap * sizeof(*k)) : NULL;

		if (n != NULL)
			ns->name = n;
		if (w != NULL)
			ns->want = w;
		if (k == NULL)
			return -1;
		ns->n_want = k;
		ns->cap = cap;
	}
	if ((ns->name[ns->n] = strdup(name)) == NULL)
		return -1;
	ns->n_want[ns->n++] = 0;
	return 0;
}

static int cmp_ip(const void *a, const void *b)
{
	ip4_t x = *(const ip4_t *)a, y = *(const ip4_t *)b;

	return x < y ? -1 : x > y;
}

static int names_load(struct names *ns, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
		size_t i;

		if (tok == NULL || tok[0] == '#')
			continue;
		if (names_add(ns, tok) != 0)
			break;
		i = ns->n - 1;
		while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL && ns->n_want[i] < MAX_WANT)
			if (ip4_parse(tok, (size_t)-1, &ns->want[i][ns->n_want[i]], NULL) == 0)
				ns->n_want[i]++;
		qsort(ns->want[i], ns->n_want[i], sizeof(ip4_t), cmp_ip);
	}
	fclose(f);
	return 0;
}

/* Unanswered names (no A records) and wrong ones (records other than expected). */
static void check(const struct dns_view *v, const struct names *ns, size_t *unanswered,
                  size_t *wrong)
{
	*unanswered = *wrong = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct dns_answer *a = &v->ans[i];
		ip4_t want[MAX_WANT];
		size_t n = ns->n_want[i];

		if (a->rc != DNS_RC_OK) {
			(*unanswered)++;
			continue;
		}
		if (n == (size_t)-1) {
			uint32_t g[2];

			n = fakedns_gen_ips(a->name, g, 2);
			want[0] = n == 2 && g[1] < g[0] ? g[1] : g[0];
			want[1] = n == 2 && g[1] < g[0] ? g[0] : g[1];
			if (a->ttl != 600)
				n = (size_t)-1; /* never matches */
		} else if (n == 0) {
			continue; /* any answer will do */
		} else {
			memcpy(want, ns->want[i], n * sizeof(*want));
		}
		if (a->n_ips != n || memcmp(a->ips, want, n * sizeof(*want)) != 0)
			(*wrong)++;
	}
}

struct run_result {
	double ms;
	size_t queries, retransmits, lost, w_start, w_end, w_min, w_max, unanswered, wrong;
	long srtt_us;
};

static int cmp_run(const void *a, const void *b)
{
	double x = ((const struct run_result *)a)->ms, y = ((const struct run_result *)b)->ms;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"self", no_argument, NULL, 'S'},
	                                         {"loss", required_argument, NULL, 'L'},
	                                         {"netns", required_argument, NULL, 'N'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	struct dns_opts o = {
	    .server = "127.0.0.1", .timeout_ms = 1000, .attempts = 2, .max_inflight = 256};
	struct fakedns *self = NULL;
	struct names ns = {0};
	struct run_result *res;
	const char *file = NULL;
	char err[256];
	size_t count = 2000;
	int opt, runs = 5, rc = 0, done = 0;
	unsigned loss = 0;

	while ((opt = getopt_long(argc, argv, "s:p:n:f:i:r:t:a:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			o.server = optarg;
			break;
		case 'p':
			o.port = atoi(optarg);
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'f':
			file = optarg;
			break;
		case 'i':
			o.max_inflight = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 't':
			o.timeout_ms = atol(optarg);
			break;
		case 'a':
			o.attempts = atoi(optarg);
			break;
		case 'L':
			loss = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'N':
			o.netns = optarg;
			break;
		case 'S':
			if ((self = fakedns_new("127.0.0.1", 0, err, sizeof(err))) == NULL ||
			    fakedns_start(self, err, sizeof(err)) != 0) {
				fprintf(stderr, "esra-dnsbench: %s\n", err);
				return 1;
			}
			o.port = fakedns_port(self);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (o.port == 0 || count == 0 || count > 65536 || runs < 1) {
		usage(stderr);
		return 2;
	}
	if (self != NULL)
		fakedns_set_loss(self, loss);
	if (file != NULL) {
		if (names_load(&ns, file) != 0 || ns.n == 0) {
			fprintf(stderr, "esra-dnsbench: no names in %s\n", file);
			return 2;
		}
	} else {
		for (size_t i = 0; i < count; i++) {
			char buf[32];

			snprintf(buf, sizeof(buf), "svc%zu", i);
			if (names_add(&ns, buf) != 0)
				return 1;
			ns.n_want[ns.n - 1] = (size_t)-1;
			snprintf(buf, sizeof(buf), "tasks.svc%zu", i);
			if (names_add(&ns, buf) != 0)
				return 1;
			ns.n_want[ns.n - 1] = (size_t)-1;
		}
	}
	if ((res = calloc((size_t)runs, sizeof(*res))) == NULL)
		return 1;
	printf("%zu names against %s:%d%s%s, max_inflight %zu, %d runs\n", ns.n, o.server, o.port,
	       o.netns ? " from " : "", o.netns ? o.netns : "", o.max_inflight, runs);
	for (int r = 0; r < runs; r++) {
		struct dns_view *v = NULL;
		struct esra_err e;
		struct run_result *x = &res[r];
		int64_t t0 = esra_mono_ms();

		if (dns_resolve(&o, (const char *const *)ns.name, ns.n, &v, &e) != ESRA_OK) {
			fprintf(stderr, "esra-dnsbench: %s\n", e.msg);
			rc = 1;
			break;
		}
		x->ms = (double)(esra_mono_ms() - t0);
		check(v, &ns, &x->unanswered, &x->wrong);
		x->queries = v->queries;
		x->retransmits = v->retransmits;
		x->lost = v->lost;
		x->w_start = v->window_start;
		x->w_end = v->window_end;
		x->w_min = v->window_min;
		x->w_max = v->window_max;
		x->srtt_us = v->srtt_us;
		printf("run %d: %.0f ms, %zu queries, %zu retransmits, %zu lost, window %zu -> %zu "
		       "(min %zu, max %zu), srtt %ld us, %zu unanswered, %zu wrong\n",
		       r + 1, x->ms, x->queries, x->retransmits, x->lost, x->w_start, x->w_end,
		       x->w_min, x->w_max, x->srtt_us, x->unanswered, x->wrong);
		if (x->unanswered != 0 || x->wrong != 0)
			rc = 1;
		done++;
		model_dns_free(v);
	}
	if (done > 0) {
		const struct run_result *m;

		qsort(res, (size_t)done, sizeof(*res), cmp_run);
		m = &res[(done - 1) / 2];
		printf("result names=%zu window=%zu->%zu max=%zu wall_ms=%.0f queries=%zu "
		       "retransmits=%zu lost=%zu unanswered=%zu wrong=%zu\n",
		       ns.n, m->w_start, m->w_end, m->w_max, m->ms, m->queries, m->retransmits,
		       m->lost, m->unanswered, m->wrong);
	}
	if (self != NULL)
		printf("server: %lu UDP and %lu TCP queries received, %lu dropped\n",
		       fakedns_total(self, FAKEDNS_UDP), fakedns_total(self, FAKEDNS_TCP),
		       fakedns_dropped(self));
	for (size_t i = 0; i < ns.n; i++)
		free(ns.name[i]);
	free(ns.name);
	free(ns.want);
	free(ns.n_want);
	free(res);
	fakedns_free(self);
	return rc;
}
