/* test_dns.c: the DNS reader against the fake DNS server (tests/harness/fakedns) running
 * in-process: answers, the distinct failure kinds, TCP fallback, in-flight bounds, retries,
 * time bounds, option errors and network namespaces. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns.h"
#include "netns.h"
#include "fakedns.h"
#include "testutil.h"

#define N_DEAD 20 /* dead0.test .. dead19.test never answer */

static const char *const rules[] = {
    "multi.test A 10.0.0.9 10.0.0.1:30 10.0.0.5 10.0.0.1 10.0.0.9 ttl=42",
    "one.test. A 192.168.1.1 ttl=7",
    "nx.test NXDOMAIN",
    "nodata.test NODATA",
    "servfail.test SERVFAIL",
    "refused.test REFUSED",
    "drop.test DROP",
    "attempts.test DROP",
    "slow.test DROP",
    "big.test TRUNCATE 40",
    "many.test TRUNCATE 300",
    "flaky.test A 10.0.0.77 drop=1",
    "dup.test A 10.1.1.1",
};

static int setup(void **state)
{
	char err[256], line[64];
	struct fakedns *s = fakedns_new("127.0.0.1", 0, err, sizeof(err));

	if (s == NULL) {
		print_error("fakedns: %s\n", err);
		return -1;
	}
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (fakedns_rule(s, rules[i], err, sizeof(err)) != 0) {
			print_error("fakedns rule: %s\n", err);
			return -1;
		}
	for (int i = 0; i < N_DEAD; i++) {
		snprintf(line, sizeof(line), "dead%d.test DROP", i);
		if (fakedns_rule(s, line, err, sizeof(err)) != 0)
			return -1;
	}
	/* 60 records: over 512 bytes, so truncated over UDP without any TRUNCATE rule. */
	{
		char wide[1200] = "wide.test A";

		for (int i = 60; i >= 1; i--) {
			snprintf(line, sizeof(line), " 10.60.0.%d", i);
			strcat(wide, line);
		}
		if (fakedns_rule(s, wide, err, sizeof(err)) != 0)
			return -1;
	}
	if (fakedns_start(s, err, sizeof(err)) != 0)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	fakedns_free(*state);
	return 0;
}

static struct dns_opts opts_for(struct fakedns *s)
{
	struct dns_opts o;

	memset(&o, 0, sizeof(o));
	o.server = "127.0.0.1";
	o.port = fakedns_port(s);
	o.timeout_ms = 1000;
	o.attempts = 2;
	return o;
}

static struct dns_view *resolve_ok(const struct dns_opts *o, const char *const *names, size_t n)
{
	struct dns_view *v = NULL;
	struct esra_err err;

	esra_err_clear(&err);
	if (dns_resolve(o, names, n, &v, &err) != ESRA_OK)
		fail_msg("dns_resolve: %s", err.msg);
	assert_non_null(v);
	assert_int_equal(v->n, n);
	return v;
}

static ip4_t ip(const char *s)
{
	ip4_t a;

	assert_int_equal(ip4_parse(s, (size_t)-1, &a, NULL), 0);
	return a;
}

static void test_dns_a_records_come_back_sorted_deduplicated_with_smallest_ttl(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"multi.test", "one.test"};
	struct dns_view *v = resolve_ok(&o, names, 2);
	char where[32];

	assert_int_equal(v->ans[0].rc, DNS_RC_OK);
	assert_int_equal(v->ans[0].n_ips, 3);
	assert_int_equal(v->ans[0].ips[0], ip("10.0.0.1"));
	assert_int_equal(v->ans[0].ips[1], ip("10.0.0.5"));
	assert_int_equal(v->ans[0].ips[2], ip("10.0.0.9"));
	assert_int_equal(v->ans[0].ttl, 30);
	assert_string_equal(v->ans[0].name, "multi.test");
	assert_int_equal(v->ans[1].rc, DNS_RC_OK);
	assert_int_equal(v->ans[1].n_ips, 1);
	assert_int_equal(v->ans[1].ips[0], ip("192.168.1.1"));
	assert_int_equal(v->ans[1].ttl, 7);
	snprintf(where, sizeof(where), "127.0.0.1:%d", fakedns_port(s));
	assert_string_equal(v->server, where);
	assert_null(v->netns);
	assert_int_equal(v->queries, 2);
	model_dns_free(v);
}

static void test_dns_nxdomain_nodata_servfail_refused_timeout_stay_distinct(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"nx.test",      "nodata.test", "servfail.test",
	                       "refused.test", "drop.test",   "unknown.test"};
	const enum dns_rc want[] = {DNS_RC_NXDOMAIN, DNS_RC_NODATA,  DNS_RC_SERVFAIL,
	                            DNS_RC_REFUSED,  DNS_RC_TIMEOUT, DNS_RC_NXDOMAIN};
	struct dns_view *v;

	/* a budget of 1 s: a loaded machine (ASan, a parallel ctest) inflates the measured round
	 * trips, and the retransmit timeout with them, so 200 ms could leave room for one send */
	o.timeout_ms = 1000;
	o.attempts = 1;
	fakedns_reset_counts(s);
	v = resolve_ok(&o, names, 6);
	for (size_t i = 0; i < 6; i++) {
		if (v->ans[i].rc != want[i])
			fail_msg("%s: got %s, want %s", names[i], model_dns_rc_name(v->ans[i].rc),
			         model_dns_rc_name(want[i]));
		assert_int_equal(v->ans[i].n_ips, 0);
		assert_null(v->ans[i].ips);
		assert_int_equal(v->ans[i].ttl, -1);
		/* A SERVFAIL or REFUSED is an answer, asked once, not resent as a server fault;
		 * the silent name is sent again (the others' round trips set its retransmit
		 * timeout, well under its 1 s budget), with backoff (at most about 6 sends from a
		 * 30 ms floor doubling within 1 s). */
		if (i == 4) {
			unsigned long k = fakedns_count(s, names[i], FAKEDNS_ANY);

			if (k < 2 || k > 6)
				fail_msg("drop.test sent %lu times, want 2..6", k);
		} else {
			assert_int_equal(fakedns_count(s, names[i], FAKEDNS_ANY), 1);
		}
	}
	assert_true(model_dns_rc_definite(v->ans[1].rc));
	assert_false(model_dns_rc_definite(v->ans[2].rc));
	assert_int_equal(v->queries, 5 + fakedns_count(s, "drop.test", FAKEDNS_ANY));
	assert_int_equal(v->retransmits, fakedns_count(s, "drop.test", FAKEDNS_ANY) - 1);
	model_dns_free(v);
}

static void test_dns_truncated_udp_answer_is_asked_again_over_tcp(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"big.test", "wide.test"};
	struct dns_view *v;

	fakedns_reset_counts(s);
	v = resolve_ok(&o, names, 2);
	assert_int_equal(v->ans[0].rc, DNS_RC_OK);
	assert_int_equal(v->ans[0].n_ips, 40);
	for (size_t i = 0; i < 40; i++)
		assert_int_equal(v->ans[0].ips[i], ip("10.99.0.0") + i + 1);
	assert_int_equal(fakedns_count(s, "big.test", FAKEDNS_UDP), 1);
	assert_int_equal(fakedns_count(s, "big.test", FAKEDNS_TCP), 1);
	/* Too big for 512 bytes: the server truncated it by itself. */
	assert_int_equal(v->ans[1].rc, DNS_RC_OK);
	assert_int_equal(v->ans[1].n_ips, 60);
	assert_int_equal(v->ans[1].ips[0], ip("10.60.0.1"));
	assert_int_equal(v->ans[1].ips[59], ip("10.60.0.60"));
	assert_int_equal(fakedns_count(s, "wide.test", FAKEDNS_TCP), 1);
	assert_int_equal(v->queries, 4);
	model_dns_free(v);
}

static void test_dns_more_records_than_the_cap_is_an_error_not_a_cut_list(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"many.test"};
	struct dns_view *v = resolve_ok(&o, names, 1);

	assert_int_equal(v->ans[0].rc, DNS_RC_ERROR);
	assert_int_equal(v->ans[0].n_ips, 0);
	model_dns_free(v);
}

static void test_dns_4000_names_resolve_with_at_most_64_in_flight(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const size_t count = 2000, n = 2 * count;
	char **names = calloc(n, sizeof(*names));
	struct dns_view *v;

	assert_non_null(names);
	for (size_t i = 0; i < count; i++) {
		assert_true(asprintf(&names[2 * i], "svc%zu", i) > 0);
		assert_true(asprintf(&names[2 * i + 1], "tasks.svc%zu", i) > 0);
	}
	o.max_inflight = 64;
	o.timeout_ms = 5000;
	fakedns_reset_counts(s);
	fakedns_set_delay(s, 3); /* answers held 3 ms: what is held at once is what is in flight */
	v = resolve_ok(&o, (const char *const *)names, n);
	fakedns_set_delay(s, 0);
	for (size_t i = 0; i < n; i++) {
		const struct dns_answer *a = &v->ans[i];
		uint32_t want[2];
		size_t k = fakedns_gen_ips(names[i], want, 2);

		assert_string_equal(a->name, names[i]);
		if (a->rc != DNS_RC_OK)
			fail_msg("%s: %s", names[i], model_dns_rc_name(a->rc));
		assert_int_equal(a->n_ips, k);
		assert_int_equal(a->ttl, 600);
		if (k == 1) {
			assert_int_equal(a->ips[0], want[0]);
		} else {
			assert_int_equal(a->ips[0], want[1]); /* the server sent them descending */
			assert_int_equal(a->ips[1], want[0]);
		}
	}
	/* A loaded machine may hold an answer past the retransmit timeout: the name is sent
	 * again (and the server may not have read that redundant send yet). */
	assert_int_equal(v->queries, n + v->retransmits);
	assert_true(v->retransmits <= v->lost);
	assert_true(fakedns_total(s, FAKEDNS_UDP) >= n);
	assert_true(fakedns_total(s, FAKEDNS_UDP) <= v->queries);
	assert_int_equal(fakedns_total(s, FAKEDNS_TCP), 0);
	/* at most 64 sends awaited; a send deemed lost stops counting (a lost one never
	 * comes back), so a late answer to it may be held on top */
	assert_true(fakedns_max_outstanding(s) <= 64 + v->lost);
	assert_true(fakedns_max_outstanding(s) >= 32); /* and they really were concurrent */
	assert_int_equal(v->window_max, 64);
	if (v->lost == 0) /* nothing lost: the window only grew */
		assert_int_equal(v->window_min, v->window_start);
	model_dns_free(v);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* svc0, tasks.svc0, svc1, ... : 2 x count names of the generated family. */
static char **gen_names(size_t count)
{
	char **names = calloc(2 * count, sizeof(*names));

	assert_non_null(names);
	for (size_t i = 0; i < count; i++) {
		assert_true(asprintf(&names[2 * i], "svc%zu", i) > 0);
		assert_true(asprintf(&names[2 * i + 1], "tasks.svc%zu", i) > 0);
	}
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Every name answered, with the family's records. */
static void expect_gen_answers(const struct dns_view *v, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct dns_answer *a = &v->ans[i];
		uint32_t want[2];
		size_t k = fakedns_gen_ips(names[i], want, 2);

		if (a->rc != DNS_RC_OK)
			fail_msg("%s: %s", names[i], model_dns_rc_name(a->rc));
		assert_int_equal(a->n_ips, k);
		assert_int_equal(a->ips[0], k == 1 ? want[0] : want[1]);
	}
}

static void test_dns_lost_queries_are_sent_again_after_a_round_trip_not_a_timeout(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const size_t n = 4000;
	char **names = gen_names(n / 2);
	struct dns_view *v;
	int64_t t0, ms;

	/* One query in ten dropped: the old reader paid timeout_ms (3 s) per loss. */
	o.timeout_ms = 3000;
	o.attempts = 2;
	fakedns_reset_counts(s);
	fakedns_set_loss(s, 100);
	t0 = esra_mono_ms();
	v = resolve_ok(&o, (const char *const *)names, n);
	ms = esra_mono_ms() - t0;
	fakedns_set_loss(s, 0);
	expect_gen_answers(v, names, n);
	assert_true(fakedns_dropped(s) >= 200);
	assert_true(v->lost >= fakedns_dropped(s) / 2); /* each drop is a loss, or answered late */
	assert_true(v->retransmits >= fakedns_dropped(s) / 2); /* a dropped resend may be moot */
	assert_int_equal(v->queries, n + v->retransmits);
	assert_true(fakedns_total(s, FAKEDNS_UDP) >= n + fakedns_dropped(s) / 2);
	assert_true(fakedns_total(s, FAKEDNS_UDP) <= v->queries); /* the last may be unread */
	assert_true(v->window_min < v->window_start);             /* losses shrank the window */
	if (ms >= 2000)
		fail_msg("took %lld ms: a loss should cost a round trip, not a timeout",
		         (long long)ms);
	model_dns_free(v);
	free_names(names, n);
}

static void
test_dns_a_server_that_drops_when_too_many_are_in_flight_answers_every_name(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const size_t n = 4000;
	char **names = gen_names(n / 2);
	struct dns_view *v;
	int64_t t0, ms;

	/* Answers held 2 ms; a query arriving while 40 are held is dropped. */
	o.timeout_ms = 3000;
	o.max_inflight = 256;
	fakedns_reset_counts(s);
	fakedns_set_delay(s, 2);
	fakedns_set_capacity(s, 40);
	t0 = esra_mono_ms();
	v = resolve_ok(&o, (const char *const *)names, n);
	ms = esra_mono_ms() - t0;
	fakedns_set_capacity(s, 0);
	fakedns_set_delay(s, 0);
	expect_gen_answers(v, names, n);
	assert_true(fakedns_dropped(s) > 0);
	assert_true(v->lost > 0);
	assert_true(v->window_max > 40);            /* it grew past what the server takes */
	assert_true(v->window_end < v->window_max); /* and the losses brought it down */
	assert_true(v->window_end <= 2 * 40);       /* to about what the server takes */
	/* the held answers were measured (no delay measures about 0.1 ms); a late answer to an
	 * earlier query that reused a query id can pull a sample below 2 ms on a loaded run */
	assert_true(v->srtt_us >= 1000);
	assert_true(fakedns_max_outstanding(s) <= 40);
	if (ms >= 2500)
		fail_msg("took %lld ms, about one timeout", (long long)ms);
	model_dns_free(v);
	free_names(names, n);
}

struct stopper {
	volatile sig_atomic_t flag;
	int after_ms;
};

static void *stop_later(void *arg)
{
	struct stopper *st = arg;

	usleep((useconds_t)st->after_ms * 1000);
	st->flag = 1;
	return NULL;
}

static void test_dns_stop_flag_ends_the_batch_at_once_without_a_view(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	struct stopper st = {0, 100};
	const char *names[N_DEAD];
	char buf[N_DEAD][16];
	struct dns_view *v = (struct dns_view *)&v;
	struct esra_err err;
	pthread_t t;
	int64_t t0, ms;
	int rc;

	for (int i = 0; i < N_DEAD; i++) {
		snprintf(buf[i], sizeof(buf[i]), "dead%d.test", i);
		names[i] = buf[i];
	}
	o.timeout_ms = 5000;
	o.stop = &st.flag;
	esra_err_clear(&err);
	assert_int_equal(pthread_create(&t, NULL, stop_later, &st), 0);
	t0 = esra_mono_ms();
	rc = dns_resolve(&o, names, N_DEAD, &v, &err);
	ms = esra_mono_ms() - t0;
	pthread_join(t, NULL);
	assert_int_equal(rc, ESRA_ESTOPPED);
	assert_null(v);
	assert_non_null(strstr(err.msg, "stopped"));
	if (ms < 90 || ms > 600)
		fail_msg("stopped after %lld ms, want about 100", (long long)ms);
}

static void test_dns_duplicate_names_are_asked_once_and_answered_for_each(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"dup.test", "DUP.Test", "nx.test", "dup.test", "nx.test"};
	struct dns_view *v;

	fakedns_reset_counts(s);
	v = resolve_ok(&o, names, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(v->ans[i].name, names[i]);
	for (size_t i = 0; i < 4; i += 3) {
		assert_int_equal(v->ans[i].rc, DNS_RC_OK);
		assert_int_equal(v->ans[i].n_ips, 1);
		assert_int_equal(v->ans[i].ips[0], ip("10.1.1.1"));
	}
	assert_int_equal(v->ans[1].rc, DNS_RC_OK);
	assert_int_equal(v->ans[1].ips[0], ip("10.1.1.1"));
	assert_int_equal(v->ans[2].rc, DNS_RC_NXDOMAIN);
	assert_int_equal(v->ans[4].rc, DNS_RC_NXDOMAIN);
	assert_int_equal(fakedns_count(s, "dup.test", FAKEDNS_ANY), 1);
	assert_int_equal(fakedns_count(s, "nx.test", FAKEDNS_ANY), 1);
	assert_int_equal(v->queries, 2);
	model_dns_free(v);
}

static void test_dns_unanswered_name_alone_is_sent_once_per_timeout_ms(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"attempts.test"};
	struct dns_view *v;

	/* No round trip measured: the retransmit timeout is timeout_ms, so a budget of
	 * 3 x 100 ms is three sends, as dns.attempts always meant. */
	o.timeout_ms = 100;
	o.attempts = 3;
	fakedns_reset_counts(s);
	v = resolve_ok(&o, names, 1);
	assert_int_equal(v->ans[0].rc, DNS_RC_TIMEOUT);
	assert_int_equal(fakedns_count(s, "attempts.test", FAKEDNS_UDP), 3);
	assert_int_equal(fakedns_count(s, "attempts.test", FAKEDNS_TCP), 0);
	assert_int_equal(v->queries, 3);
	model_dns_free(v);
}

static void test_dns_unanswered_name_takes_about_timeout_times_attempts(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"slow.test"};
	struct dns_view *v;
	int64_t t0, ms;

	o.timeout_ms = 250;
	o.attempts = 2;
	t0 = esra_mono_ms();
	v = resolve_ok(&o, names, 1);
	ms = esra_mono_ms() - t0;
	assert_int_equal(v->ans[0].rc, DNS_RC_TIMEOUT);
	/* 2 x 250 ms, not c-ares's doubling (250 + 500); generous slack above. */
	if (ms < 450 || ms > 700)
		fail_msg("took %lld ms, want about 500", (long long)ms);
	model_dns_free(v);
}

static void test_dns_timed_out_send_is_retried_and_the_retry_answers(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"flaky.test"};
	struct dns_view *v;

	o.timeout_ms = 150;
	o.attempts = 2;
	fakedns_reset_counts(s);
	v = resolve_ok(&o, names, 1);
	assert_int_equal(v->ans[0].rc, DNS_RC_OK);
	assert_int_equal(v->ans[0].n_ips, 1);
	assert_int_equal(v->ans[0].ips[0], ip("10.0.0.77"));
	assert_int_equal(fakedns_count(s, "flaky.test", FAKEDNS_UDP), 2);
	assert_int_equal(v->queries, 2);
	model_dns_free(v);
}

static void test_dns_whole_batch_stops_at_the_total_deadline(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[N_DEAD];
	char buf[N_DEAD][16];
	struct dns_view *v;
	int64_t t0, ms;

	for (int i = 0; i < N_DEAD; i++) {
		snprintf(buf[i], sizeof(buf[i]), "dead%d.test", i);
		names[i] = buf[i];
	}
	o.timeout_ms = 100;
	o.attempts = 1;
	o.max_inflight = 2;
	o.total_ms = 250; /* 20 names, 2 at a time, 100 ms each would need 1 s */
	fakedns_reset_counts(s);
	t0 = esra_mono_ms();
	v = resolve_ok(&o, names, N_DEAD);
	ms = esra_mono_ms() - t0;
	if (ms < 240 || ms > 450)
		fail_msg("took %lld ms, want about 250", (long long)ms);
	for (int i = 0; i < N_DEAD; i++)
		assert_int_equal(v->ans[i].rc, DNS_RC_TIMEOUT);
	assert_true(fakedns_total(s, FAKEDNS_UDP) <= 8);
	assert_int_equal(v->queries, fakedns_total(s, FAKEDNS_UDP));
	model_dns_free(v);
}

static void test_dns_asks_only_the_server_never_hosts_file_or_search_domains(void **state)
{
	struct fakedns *s = *state;
	struct dns_opts o = opts_for(s);
	const char *names[] = {"localhost", "svc7"};
	struct dns_view *v;

	/* What the system resolver would use: none of it may matter. */
	setenv("LOCALDOMAIN", "corp.example", 1);
	setenv("RES_OPTIONS", "ndots:9 attempts:5 timeout:9 rotate", 1);
	fakedns_reset_counts(s);
	v = resolve_ok(&o, names, 2);
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
	/* /etc/hosts says 127.0.0.1; the server says there is no such name. */
	assert_int_equal(v->ans[0].rc, DNS_RC_NXDOMAIN);
	assert_int_equal(v->ans[1].rc, DNS_RC_OK);
	assert_int_equal(v->ans[1].ips[0], ip("10.1.0.7"));
	assert_int_equal(fakedns_count(s, "localhost", FAKEDNS_UDP), 1);
	assert_int_equal(fakedns_count(s, "svc7", FAKEDNS_UDP), 1);
	assert_int_equal(fakedns_total(s, FAKEDNS_ANY), 2); /* no localhost.corp.example */
	model_dns_free(v);
}

static void test_dns_port_with_no_server_is_an_error_per_name_not_a_failure(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct dns_opts o = opts_for(*state);
	const char *names[] = {"svc1"};
	struct dns_view *v;
	int64_t t0;

	/* A port that was free a moment ago: nothing answers, the kernel refuses. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	o.port = ntohs(sa.sin_port);
	o.timeout_ms = 2000;
	t0 = esra_mono_ms();
	v = resolve_ok(&o, names, 1);
	assert_int_equal(v->ans[0].rc, DNS_RC_ERROR);
	assert_true(esra_mono_ms() - t0 < 1000); /* refused at once, not timed out */
	assert_int_equal(v->queries, 2);         /* both attempts */
	model_dns_free(v);
}

static void test_dns_no_names_is_an_empty_view(void **state)
{
	struct dns_opts o = opts_for(*state);
	struct dns_view *v = resolve_ok(&o, NULL, 0);

	assert_int_equal(v->queries, 0);
	assert_non_null(v->server);
	model_dns_free(v);
}

static void expect_einval(const struct dns_opts *o, const char *needle)
{
	const char *names[] = {"svc1"};
	struct dns_view *v = (struct dns_view *)&v; /* must be reset to NULL */
	struct esra_err err;

	esra_err_clear(&err);
	assert_int_equal(dns_resolve(o, names, 1, &v, &err), ESRA_EINVAL);
	assert_null(v);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, needle);
}

static void test_dns_bad_options_are_einval_naming_them(void **state)
{
	struct dns_opts o = opts_for(*state);

	o.server = "10.0.0.300";
	expect_einval(&o, "\"10.0.0.300\"");
	o.server = "gbs-cms";
	expect_einval(&o, "\"gbs-cms\"");
	o.server = "10.0.0.1/24";
	expect_einval(&o, "\"10.0.0.1/24\"");
	o.server = NULL;
	expect_einval(&o, "not an IPv4 address");
	o = opts_for(*state);
	o.port = 0;
	expect_einval(&o, "port 0");
	o = opts_for(*state);
	o.attempts = 0;
	expect_einval(&o, "attempts 0");
	o = opts_for(*state);
	o.timeout_ms = 0;
	expect_einval(&o, "timeout_ms 0");
	o = opts_for(*state);
	o.max_inflight = 1000;
	expect_einval(&o, "max_inflight 1000");
}

static void expect_netns_error(const char *path, const char *needle)
{
	struct dns_opts o;
	const char *names[] = {"svc1"};
	struct dns_view *v = NULL;
	struct esra_err err;

	memset(&o, 0, sizeof(o));
	o.server = "127.0.0.1";
	o.port = 53;
	o.timeout_ms = 100;
	o.attempts = 1;
	o.netns = path;
	esra_err_clear(&err);
	assert_int_equal(dns_resolve(&o, names, 1, &v, &err), ESRA_EDNS);
	assert_null(v);
	if (strstr(err.msg, path) == NULL || strstr(err.msg, needle) == NULL)
		fail_msg("message \"%s\" does not name %s and \"%s\"", err.msg, path, needle);
}

static void test_dns_missing_netns_path_is_edns_naming_it(void **state)
{
	(void)state;
	expect_netns_error("/nonexistent/esra-test/ns/net", "no such file");
}

static void test_dns_file_that_is_not_a_network_namespace_is_a_clear_error(void **state)
{
	char path[] = "/tmp/esra-test-dns-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	expect_netns_error(path, "not a namespace file");
	unlink(path);
	expect_netns_error("/proc/self/ns/uts", "a uts namespace, not a network one");
}

static void test_netns_path_for_pid_builds_the_proc_path(void **state)
{
	char out[32], tiny[8];

	(void)state;
	assert_int_equal(netns_path_for_pid(1234, out, sizeof(out)), ESRA_OK);
	assert_string_equal(out, "/proc/1234/ns/net");
	assert_int_equal(netns_path_for_pid(0, out, sizeof(out)), ESRA_EINVAL);
	assert_int_equal(netns_path_for_pid(1234, tiny, sizeof(tiny)), ESRA_EINVAL);
}

/* ---------------------------------------------------------------- a real namespace (root) */

static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

/* A child in a new network namespace (lo up) serving inside.test; *port gets its port, or
 * -1 when the namespace could not be made. */
static pid_t spawn_namespaced_server(int *port)
{
	int pfd[2];
	pid_t pid;

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	if ((pid = fork()) == 0) {
		struct fakedns *s = NULL;
		int p = -1;

		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWNET) == 0 && lo_up() == 0 &&
		    (s = fakedns_new("127.0.0.1", 0, NULL, 0)) != NULL &&
		    fakedns_rule(s, "inside.test A 10.9.8.7 ttl=5", NULL, 0) == 0 &&
		    fakedns_start(s, NULL, 0) == 0)
			p = fakedns_port(s);
		if (write(pfd[1], &p, sizeof(p)) != (ssize_t)sizeof(p) || p < 0)
			_exit(1);
		for (;;)
			pause();
	}
	assert_true(pid > 0);
	close(pfd[1]);
	if (read(pfd[0], port, sizeof(*port)) != (ssize_t)sizeof(*port))
		*port = -1;
	close(pfd[0]);
	return pid;
}

static void own_netns(char *out, size_t outsz)
{
	ssize_t n = readlink("/proc/thread-self/ns/net", out, outsz - 1);

	assert_true(n > 0);
	out[n] = '\0';
}

static void test_dns_netns_answers_come_only_through_the_namespace(void **state)
{
	const char *names[] = {"inside.test"};
	char path[64], before[64], after[64];
	const char *require = getenv("ESRA_REQUIRE_ROOT_TESTS");
	bool required = require != NULL && strcmp(require, "1") == 0;
	struct dns_opts o;
	struct dns_view *v;
	int port = -1;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		if (required)
			fail_msg(
			    "not root, and ESRA_REQUIRE_ROOT_TESTS=1: this test needs a network "
			    "namespace");
		print_message("skipped: creating a network namespace needs root "
		              "(set ESRA_REQUIRE_ROOT_TESTS=1 to make this a failure)\n");
		skip();
	}
	pid = spawn_namespaced_server(&port);
	if (port < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (required)
			fail_msg("cannot create a network namespace (unshare needs CAP_SYS_ADMIN)");
		print_message("skipped: cannot create a network namespace here\n");
		skip();
	}
	memset(&o, 0, sizeof(o));
	o.server = "127.0.0.1";
	o.port = port;
	o.timeout_ms = 300;
	o.attempts = 1;
	assert_int_equal(netns_path_for_pid(pid, path, sizeof(path)), ESRA_OK);
	o.netns = path;
	own_netns(before, sizeof(before));
	v = resolve_ok(&o, names, 1);
	own_netns(after, sizeof(after));
	assert_string_equal(before, after); /* the caller never moved */
	assert_int_equal(v->ans[0].rc, DNS_RC_OK);
	assert_int_equal(v->ans[0].n_ips, 1);
	assert_int_equal(v->ans[0].ips[0], ip("10.9.8.7"));
	assert_string_equal(v->netns, path);
	model_dns_free(v);
	/* The same question from our own namespace: nothing listens there. */
	o.netns = NULL;
	v = resolve_ok(&o, names, 1);
	assert_int_not_equal(v->ans[0].rc, DNS_RC_OK);
	model_dns_free(v);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dns_a_records_come_back_sorted_deduplicated_with_smallest_ttl),
	    cmocka_unit_test(test_dns_nxdomain_nodata_servfail_refused_timeout_stay_distinct),
	    cmocka_unit_test(test_dns_truncated_udp_answer_is_asked_again_over_tcp),
	    cmocka_unit_test(test_dns_more_records_than_the_cap_is_an_error_not_a_cut_list),
	    cmocka_unit_test(test_dns_4000_names_resolve_with_at_most_64_in_flight),
	    cmocka_unit_test(test_dns_lost_queries_are_sent_again_after_a_round_trip_not_a_timeout),
	    cmocka_unit_test(
	        test_dns_a_server_that_drops_when_too_many_are_in_flight_answers_every_name),
	    cmocka_unit_test(test_dns_stop_flag_ends_the_batch_at_once_without_a_view),
	    cmocka_unit_test(test_dns_duplicate_names_are_asked_once_and_answered_for_each),
	    cmocka_unit_test(test_dns_unanswered_name_alone_is_sent_once_per_timeout_ms),
	    cmocka_unit_test(test_dns_unanswered_name_takes_about_timeout_times_attempts),
	    cmocka_unit_test(test_dns_timed_out_send_is_retried_and_the_retry_answers),
	    cmocka_unit_test(test_dns_whole_batch_stops_at_the_total_deadline),
	    cmocka_unit_test(test_dns_asks_only_the_server_never_hosts_file_or_search_domains),
	    cmocka_unit_test(test_dns_port_with_no_server_is_an_error_per_name_not_a_failure),
	    cmocka_unit_test(test_dns_no_names_is_an_empty_view),
	    cmocka_unit_test(test_dns_bad_options_are_einval_naming_them),
	    cmocka_unit_test(test_dns_missing_netns_path_is_edns_naming_it),
	    cmocka_unit_test(test_dns_file_that_is_not_a_network_namespace_is_a_clear_error),
	    cmocka_unit_test(test_netns_path_for_pid_builds_the_proc_path),
	    cmocka_unit_test(test_dns_netns_answers_come_only_through_the_namespace),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
