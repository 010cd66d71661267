/* dnsbench.c: esra-dnsbench, the DNS benchmark (SPEC section 6): resolves svcN and
 * tasks.svcN for N < COUNT through dns_resolve against a fake DNS server on loopback,
 * checks every answer against the generated family, prints the wall time of each run.
 * A harness program: never shipped. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "fakedns.h"

static void usage(FILE *f)
{
	fputs("usage: esra-dnsbench (-p PORT | --self) [-s SERVER] [-n COUNT] [-i INFLIGHT]\n"
	      "                     [-r RUNS] [-t TIMEOUT_MS]\n"
	      "  resolves svc0..svcCOUNT-1 and tasks.svc0.. (2 x COUNT names, default 2000)\n"
	      "  against esra-fakedns on SERVER:PORT, or an in-process one with --self\n",
	      f);
}

/* Mismatched answers against the generated family (each list ascending). */
static size_t check(const struct dns_view *v)
{
	size_t bad = 0;

	for (size_t i = 0; i < v->n; i++) {
		const struct dns_answer *a = &v->ans[i];
		uint32_t want[2];
		size_t n = fakedns_gen_ips(a->name, want, 2);

		if (n == 2 && want[0] > want[1]) {
			uint32_t t = want[0];

			want[0] = want[1];
			want[1] = t;
		}
		if (a->rc != DNS_RC_OK || a->n_ips != n || a->ttl != 600 ||
		    (n > 0 && a->ips[0] != want[0]) || (n > 1 && a->ips[1] != want[1]))
			bad++;
	}
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"self", no_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct dns_opts o = {
	    .server = "127.0.0.1", .timeout_ms = 1000, .attempts = 2, .max_inflight = 256};
	struct fakedns *self = NULL;
	char **names = NULL, err[256];
	size_t count = 2000, n;
	int opt, runs = 5, rc = 0;
	double best = 1e9, sum = 0;

	while ((opt = getopt_long(argc, argv, "s:p:n:i:r:t:h", longopts, NULL)) != -1) {
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
		case 'i':
			o.max_inflight = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 't':
			o.timeout_ms = atol(optarg);
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
	n = 2 * count;
	if ((names = calloc(n, sizeof(*names))) == NULL)
		return 1;
	for (size_t i = 0; i < count; i++) {
		char buf[32];

		snprintf(buf, sizeof(buf), "svc%zu", i);
		names[2 * i] = strdup(buf);
		snprintf(buf, sizeof(buf), "tasks.svc%zu", i);
		names[2 * i + 1] = strdup(buf);
		if (names[2 * i] == NULL || names[2 * i + 1] == NULL)
			return 1;
	}
	printf("%zu names against %s:%d, max_inflight %zu, %d runs\n", n, o.server, o.port,
	       o.max_inflight, runs);
	for (int r = 0; r < runs && rc == 0; r++) {
		struct dns_view *v = NULL;
		struct esra_err e;
		int64_t t0 = esra_mono_ms();
		double ms;
		size_t bad;

		if (dns_resolve(&o, (const char *const *)names, n, &v, &e) != ESRA_OK) {
			fprintf(stderr, "esra-dnsbench: %s\n", e.msg);
			rc = 1;
			break;
		}
		ms = (double)(esra_mono_ms() - t0);
		bad = check(v);
		printf("run %d: %.0f ms, %zu queries, %zu retransmits, %zu lost, window %zu -> %zu "
		       "(max %zu), srtt %ld us, %zu wrong answers\n",
		       r + 1, ms, v->queries, v->retransmits, v->lost, v->window_start,
		       v->window_end, v->window_max, v->srtt_us, bad);
		if (bad != 0)
			rc = 1;
		sum += ms;
		if (ms < best)
			best = ms;
		model_dns_free(v);
	}
	if (rc == 0)
		printf("best %.0f ms, mean %.0f ms\n", best, sum / runs);
	if (self != NULL)
		printf("server: %lu UDP and %lu TCP queries received\n",
		       fakedns_total(self, FAKEDNS_UDP), fakedns_total(self, FAKEDNS_TCP));
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	fakedns_free(self);
	return rc;
}
