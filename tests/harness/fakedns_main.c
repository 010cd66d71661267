/* fakedns_main.c: esra-fakedns, the fake DNS server as a process, for integration tests and
 * the DNS benchmark. Prints "port N" once serving; on SIGTERM/SIGINT prints its counters
 * and exits 0; SIGUSR1 prints the counters and goes on. A test fixture, never shipped. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakedns.h"

static void usage(FILE *f)
{
	fputs("usage: esra-fakedns [-a ADDR] [-p PORT] [-d DELAY_MS] [-f RULEFILE]... "
	      "[-r RULE]... [-s STATSFILE]\n"
	      "  -a ADDR      listen address (default 127.0.0.1)\n"
	      "  -p PORT      UDP and TCP port (default 0: a free one, printed as \"port N\")\n"
	      "  -d MS        hold every answer MS milliseconds\n"
	      "  -f FILE      rules, one per line (see tests/harness/fakedns.h)\n"
	      "  -r RULE      one rule, e.g. -r 'gbs-cms A 10.0.1.2 10.0.1.8 ttl=600'\n"
	      "  -s FILE      at exit, write \"name udp tcp\" per name asked\n"
	      "Names svcN and tasks.svcN answer generated addresses; others are NXDOMAIN.\n",
	      f);
}

static void print_stats(struct fakedns *s)
{
	printf("udp=%lu tcp=%lu max_outstanding=%lu\n", fakedns_total(s, FAKEDNS_UDP),
	       fakedns_total(s, FAKEDNS_TCP), fakedns_max_outstanding(s));
	fflush(stdout);
}

static void write_count(void *ud, const char *name, unsigned long udp, unsigned long tcp)
{
	fprintf(ud, "%s %lu %lu\n", name, udp, tcp);
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *stats = NULL;
	char err[512];
	struct fakedns *s;
	sigset_t set;
	int opt, port = 0, delay = 0, sig = 0;

	/* Rules are added after binding, so parse the port first. */
	while ((opt = getopt(argc, argv, "a:p:d:f:r:s:h")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'd':
			delay = atoi(optarg);
			break;
		case 's':
			stats = optarg;
			break;
		case 'f':
		case 'r':
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((s = fakedns_new(addr, port, err, sizeof(err))) == NULL) {
		fprintf(stderr, "esra-fakedns: %s\n", err);
		return 1;
	}
	optind = 1;
	while ((opt = getopt(argc, argv, "a:p:d:f:r:s:h")) != -1) {
		int rc = 0;

		if (opt == 'f')
			rc = fakedns_load(s, optarg, err, sizeof(err));
		else if (opt == 'r')
			rc = fakedns_rule(s, optarg, err, sizeof(err));
		if (rc != 0) {
			fprintf(stderr, "esra-fakedns: %s\n", err);
			fakedns_free(s);
			return 2;
		}
	}
	fakedns_set_delay(s, delay);
	/* Block the signals before the thread starts so only sigwait below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (fakedns_start(s, err, sizeof(err)) != 0) {
		fprintf(stderr, "esra-fakedns: %s\n", err);
		fakedns_free(s);
		return 1;
	}
	printf("port %d\n", fakedns_port(s));
	fflush(stdout);
	while (sigwait(&set, &sig) == 0 && sig == SIGUSR1)
		print_stats(s);
	print_stats(s);
	if (stats != NULL) {
		FILE *f = fopen(stats, "w");

		if (f == NULL) {
			perror(stats);
		} else {
			fakedns_each_count(s, write_count, f);
			fclose(f);
		}
	}
	fakedns_free(s);
	return 0;
}
