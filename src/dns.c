/* dns.c: asks one DNS server for the A records of many names at once: c-ares for the wire,
 * poll for the loop, a congestion window on the queries out; retransmits, backoff and the TCP
 * fallback are decided here. Never logs, never asks any server but the given one (no
 * resolv.conf, search domains or /etc/hosts), never changes the caller's network namespace.
 *
 * Why retransmits are ours and not c-ares's: c-ares 1.18 waits a fixed timeout per try and
 * doubles it on every try (timeout << try), so one lost UDP packet would cost a whole
 * timeout_ms. Here each name has a budget, timeout_ms x attempts from its first send; a send
 * with no answer after a retransmit timeout measured from the server's round trips (a few
 * times the smoothed RTT, at least RTO_FLOOR_US, doubled per loss of the same name, at most
 * timeout_ms) is sent again, and the earlier send stays out: whichever answer comes first
 * decides. Only a spent budget (or the batch's deadline) makes a name a timeout. c-ares
 * channels therefore have tries = 1 and a timeout of the whole budget.
 *
 * The window (AIMD, as TCP does it): at most cwnd names have a send out; every answer grows
 * cwnd (by one below ssthresh, by 1/cwnd above), a loss halves it once per round of sends
 * (losses of sends made before the last halving do not halve again), never below CWND_MIN
 * nor above max_inflight. Names sent again go before new ones. A server that drops queries
 * when too many arrive at once (dnsmasq's socket buffer, swarm's forwarding cap) thus gets
 * about as many as it can take, and a loss costs a round trip or so, not timeout_ms.
 *
 * A truncated UDP answer (ARES_FLAG_IGNTC hands it to us) is asked again on a second channel
 * with ARES_FLAG_USEVC (TCP), in the same budget, so every message sent is counted in
 * dns_view.queries. ARES_FLAG_NOCHECKRESP makes a SERVFAIL or REFUSED an answer (c-ares
 * would otherwise resend it to the only server). A refused port (ICMP) spends one attempt.
 * The stop flag is looked at every STOP_POLL_MS. */
#include "dns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "hmap.h"
#include "limits.h"
#include "netns.h"
#include "pool.h"

#define MAX_ATTEMPTS   100
#define MAX_TIMEOUT_MS 3600000L

/* The retransmit timeout: max(RTO_FLOOR, 3 x srtt, srtt + 4 x rttvar), doubled per loss of
 * the same name, never over timeout_ms; RTO_INITIAL (or timeout_ms if smaller) until a round
 * trip was measured. The window starts at CWND_INITIAL, doubles each round trip (one more per
 * answer) up to SSTHRESH_INITIAL, then grows by one per round trip: real servers drop when a
 * burst outgrows their queue (dnsmasq at about 200 here, swarm's forwarder caps at 100), and
 * probing up to there gently costs fewer losses than overshooting. Never below CWND_MIN. */
#define RTO_FLOOR_US     30000
#define RTO_INITIAL_US   250000
#define CWND_INITIAL     32
#define SSTHRESH_INITIAL 64
#define CWND_MIN         4
#define STOP_POLL_MS     50 /* how often the stop flag is looked at while waiting */

/* The checked options of one call. */
struct plan {
	const struct dns_opts *opts;
	const char *const *names;
	size_t n;
	struct in_addr server;
	char where[32]; /* "ip:port", for the view and messages */
	size_t max_inflight;
	int rcvbuf; /* SO_RCVBUF of the UDP socket: room for every answer in flight */
	int64_t total_ms;
	int64_t budget_ms;    /* patience per name: timeout_ms x attempts */
	struct dns_view *out; /* the result, when resolve succeeds */
};

struct run;

/* A name's life: QUEUED (never sent), OUT (a send awaits its answer: one window slot), LOST
 * (its last send outlived the retransmit timeout: waits for a slot to be sent again; a late
 * answer to any earlier send still counts), DONE. */
enum jstate { J_QUEUED, J_OUT, J_LOST, J_DONE };

/* One distinct name. */
struct job {
	struct run *run;
	const char *name; /* the caller's string */
	size_t slot;      /* the answer it fills: its first occurrence */
	enum jstate state;
	bool tcp;          /* answered truncated once: ask over TCP from now on */
	bool resent;       /* sent more than once: its round trip is ambiguous (Karn) */
	bool in_lostq;     /* has an entry in run->lostq */
	int refusals_left; /* sends left after refused ones */
	unsigned losses;   /* sends deemed lost: the backoff exponent */
	size_t act;        /* index in run->act while OUT or LOST */
	uint64_t seq;      /* the run's send number at its last send */
	int64_t sent_us;   /* its last send */
	int64_t deadline_us;
};

/* One resolution: two channels, the jobs and the congestion window. Lives on the resolving
 * thread's stack. */
struct run {
	const struct plan *p;
	ares_channel udp, tcp;
	struct job *jobs;
	size_t n_jobs, next, done;
	struct job **act; /* the OUT and LOST jobs */
	size_t n_act;
	size_t *lostq; /* ring of LOST jobs waiting to be sent again, oldest first */
	size_t lq_head, lq_len;
	size_t inflight; /* OUT jobs over UDP or TCP: what the window bounds */
	double cwnd, ssthresh;
	size_t cwnd_min, cwnd_max;
	uint64_t seq, recover; /* sends numbered; losses of sends before recover were seen */
	int64_t srtt_us, rttvar_us;
	bool have_rtt;
	int64_t budget_us;
	bool stopping; /* past the deadline, stopped or tearing down: never send again */
	bool nomem;
	struct dns_view *view;
};

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---------------------------------------------------------------- c-ares setup */

/* ares_library_init is not thread-safe in 1.18: done once per process, here. Nothing calls
 * ares_library_cleanup (a no-op on Linux). These two are the module's only statics. */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status = ARES_ENOTINITIALIZED;

static void lib_init(void)
{
	lib_status = ares_library_init(ARES_LIB_INIT_ALL);
}

/* Our own socket calls: c-ares 1.18 writes TCP with writev, which raises SIGPIPE when the
 * server has closed the connection; sendmsg with MSG_NOSIGNAL does not. With these set,
 * c-ares leaves socket setup to us: non-blocking, close-on-exec, no Nagle, and a UDP receive
 * buffer that holds every answer in flight (a server answers a burst of 256 queries at once;
 * the default 208 KiB drops about 60 of them, each then a timeout). The kernel caps the size
 * at net.core.rmem_max. ud is the plan. */
static ares_socket_t sock_open(int af, int type, int proto, void *ud)
{
	const struct plan *p = ud;
	int fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto), one = 1;

	if (fd < 0)
		return ARES_SOCKET_BAD;
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (type == SOCK_DGRAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &p->rcvbuf, sizeof(p->rcvbuf));
	return fd;
}

static int sock_close(ares_socket_t fd, void *ud)
{
	(void)ud;
	return close(fd);
}

static int sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *ud)
{
	(void)ud;
	return connect(fd, sa, len);
}

static ares_ssize_t sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
                                  struct sockaddr *from, ares_socklen_t *fromlen, void *ud)
{
	(void)ud;
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

static ares_ssize_t sock_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *ud)
{
	struct msghdr m;

	(void)ud;
	memset(&m, 0, sizeof(m));
	m.msg_iov = (struct iovec *)iov;
	m.msg_iovlen = (size_t)n;
	return sendmsg(fd, &m, MSG_NOSIGNAL);
}

static const struct ares_socket_functions sock_funcs = {
    sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv,
};

/* A channel that asks only p's server, each name as given. Every option c-ares would
 * otherwise take from resolv.conf, nsswitch.conf or host.conf is set, so 1.18 reads none of
 * them (ARES_CONFIG_CHECK in ares_init.c); LOCALDOMAIN and RES_OPTIONS only fill unset
 * options, and none is unset. Lookups "b" keeps /etc/hosts out even of calls we never make. */
static int channel_new(ares_channel *ch, struct plan *p, bool tcp, struct esra_err *err)
{
	struct ares_options o;
	struct ares_addr_port_node srv;
	char lookups[] = "b";
	int st, mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
	               ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS | ARES_OPT_SORTLIST |
	               ARES_OPT_NOROTATE;

	*ch = NULL;
	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_IGNTC |
	          ARES_FLAG_NOCHECKRESP | (tcp ? ARES_FLAG_USEVC : 0);
	o.timeout = (int)p->budget_ms; /* c-ares gives up on a send only when the name would */
	o.tries = 1;
	o.ndots = 1;
	o.servers = &p->server;
	o.nservers = 1;
	o.ndomains = 0;
	o.lookups = lookups;
	o.nsort = 0;
	if ((st = ares_init_options(ch, &o, mask)) != ARES_SUCCESS) {
		*ch = NULL;
		goto fail;
	}
	/* ARES_OPT_SERVERS has no port; this sets it (host order, as 1.18 documents). */
	memset(&srv, 0, sizeof(srv));
	srv.family = AF_INET;
	srv.addr.addr4 = p->server;
	srv.udp_port = p->opts->port;
	srv.tcp_port = p->opts->port;
	if ((st = ares_set_servers_ports(*ch, &srv)) != ARES_SUCCESS)
		goto fail;
	ares_set_socket_functions(*ch, &sock_funcs, p);
	return ESRA_OK;
fail:
	if (*ch != NULL)
		ares_destroy(*ch);
	*ch = NULL;
	return esra_err_set(err, st == ARES_ENOMEM ? ESRA_ENOMEM : ESRA_EDNS,
	                    "dns %s: cannot set up c-ares: %s", p->where, ares_strerror(st));
}

/* ---------------------------------------------------------------- answers */

static int cmp_ip(const void *a, const void *b)
{
	ip4_t x = *(const ip4_t *)a, y = *(const ip4_t *)b;

	return x < y ? -1 : x > y;
}

/* The A records of an answer (abuf, alen bytes off the wire) into a, in pool: sorted,
 * without duplicates, the smallest TTL. *nomem is set when memory ran out. */
ESRA_STATIC enum dns_rc dns_parse_answer(struct pool *pool, const unsigned char *abuf, int alen,
                                         struct dns_answer *a, bool *nomem)
{
	struct ares_addrttl at[ESRA_MAX_DNS_IPS + 1];
	int n = ESRA_MAX_DNS_IPS + 1, st;
	size_t k = 0;
	ip4_t *ips;

	st = ares_parse_a_reply(abuf, alen, NULL, at, &n);
	if (st == ARES_ENODATA || (st == ARES_SUCCESS && n <= 0))
		return DNS_RC_NODATA;
	if (st == ARES_ENOMEM)
		*nomem = true;
	if (st != ARES_SUCCESS || n > ESRA_MAX_DNS_IPS)
		return DNS_RC_ERROR; /* malformed, or more records than the cap: never a cut list */
	if ((ips = pool_alloc(pool, (size_t)n * sizeof(*ips))) == NULL) {
		*nomem = true;
		return DNS_RC_ERROR;
	}
	a->ttl = at[0].ttl;
	for (int i = 0; i < n; i++) {
		ips[i] = ntohl(at[i].ipaddr.s_addr);
		if (at[i].ttl < a->ttl)
			a->ttl = at[i].ttl;
	}
	qsort(ips, (size_t)n, sizeof(*ips), cmp_ip);
	for (int i = 0; i < n; i++)
		if (k == 0 || ips[k - 1] != ips[i])
			ips[k++] = ips[i];
	a->ips = ips;
	a->n_ips = k;
	return DNS_RC_OK;
}

/* ---------------------------------------------------------------- the window */

static void act_add(struct run *r, struct job *j)
{
	j->act = r->n_act;
	r->act[r->n_act++] = j;
}

static void act_remove(struct run *r, struct job *j)
{
	struct job *last = r->act[--r->n_act];

	r->act[j->act] = last;
	last->act = j->act;
}

static void lostq_push(struct run *r, struct job *j)
{
	if (j->in_lostq)
		return; /* its entry is still there */
	j->in_lostq = true;
	r->lostq[(r->lq_head + r->lq_len++) % r->n_jobs] = (size_t)(j - r->jobs);
}

/* The oldest job still LOST, or NULL. */
static struct job *lostq_pop(struct run *r)
{
	while (r->lq_len > 0) {
		struct job *j = &r->jobs[r->lostq[r->lq_head]];

		r->lq_head = (r->lq_head + 1) % r->n_jobs;
		r->lq_len--;
		j->in_lostq = false;
		if (j->state == J_LOST)
			return j;
	}
	return NULL;
}

static void window_note(struct run *r)
{
	size_t w = (size_t)r->cwnd;

	if (w < r->view->window_min)
		r->view->window_min = w;
	if (w > r->view->window_max)
		r->view->window_max = w;
}

/* The retransmit timeout of j's last send. */
static int64_t rto_us(const struct run *r, const struct job *j)
{
	int64_t cap = (int64_t)r->p->opts->timeout_ms * 1000, rto;

	if (!r->have_rtt) {
		rto = RTO_INITIAL_US;
	} else {
		rto = r->srtt_us + 4 * r->rttvar_us;
		if (rto < 3 * r->srtt_us)
			rto = 3 * r->srtt_us;
		if (rto < RTO_FLOOR_US)
			rto = RTO_FLOOR_US;
	}
	for (unsigned i = 0; i < j->losses && rto < cap; i++)
		rto *= 2;
	return rto < cap ? rto : cap;
}

/* An answer over UDP came for j: a round trip measured (RFC 6298 smoothing) when it was sent
 * once, and the window grows: by one per answer below ssthresh, by one per window above. */
static void window_ack(struct run *r, const struct job *j, int64_t now)
{
	if (!j->resent) {
		int64_t m = now - j->sent_us;

		if (!r->have_rtt) {
			r->srtt_us = m;
			r->rttvar_us = m / 2;
			r->have_rtt = true;
		} else {
			int64_t d = r->srtt_us > m ? r->srtt_us - m : m - r->srtt_us;

			r->rttvar_us = (3 * r->rttvar_us + d) / 4;
			r->srtt_us = (7 * r->srtt_us + m) / 8;
		}
	}
	r->cwnd += r->cwnd < r->ssthresh ? 1.0 : 1.0 / r->cwnd;
	if (r->cwnd > (double)r->cwnd_max)
		r->cwnd = (double)r->cwnd_max;
	window_note(r);
}

/* j's last send outlived its retransmit timeout: the name waits to be sent again, and the
 * window halves, once for all the sends that were out when the first loss was seen. */
static void window_lose(struct run *r, struct job *j)
{
	r->view->lost++;
	j->losses++;
	j->state = J_LOST;
	r->inflight--;
	lostq_push(r, j);
	if (j->seq < r->recover)
		return;
	r->ssthresh = r->cwnd / 2;
	if (r->ssthresh < (double)r->cwnd_min)
		r->ssthresh = (double)r->cwnd_min;
	r->cwnd = r->ssthresh;
	r->recover = r->seq;
	window_note(r);
}

/* ---------------------------------------------------------------- answers */

static void finish(struct job *j, int status, const unsigned char *abuf, int alen)
{
	struct run *r = j->run;
	struct dns_answer *a = &r->view->ans[j->slot];

	if (j->state == J_OUT)
		r->inflight--;
	if (j->state == J_OUT || j->state == J_LOST)
		act_remove(r, j);
	j->state = J_DONE;
	a->ips = NULL;
	a->n_ips = 0;
	a->ttl = -1;
	switch (status) {
	case ARES_SUCCESS:
		a->rc = dns_parse_answer(r->view->pool, abuf, alen, a, &r->nomem);
		break;
	case ARES_ENODATA:
		a->rc = DNS_RC_NODATA;
		break;
	case ARES_ENOTFOUND:
		a->rc = DNS_RC_NXDOMAIN;
		break;
	case ARES_ESERVFAIL:
		a->rc = DNS_RC_SERVFAIL;
		break;
	case ARES_EREFUSED:
		a->rc = DNS_RC_REFUSED;
		break;
	case ARES_ETIMEOUT: /* the name's budget or the batch's deadline passed */
		a->rc = DNS_RC_TIMEOUT;
		break;
	case ARES_ENOMEM:
		r->nomem = true;
		a->rc = DNS_RC_ERROR;
		break;
	default:
		a->rc = DNS_RC_ERROR;
		break; /* refused port, bad name, FORMERR, NOTIMP... */
	}
	r->done++;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen);

/* Send j (again) over its transport. The callback may run inside ares_query (a bad name, a
 * socket that cannot be opened): every count is settled before. */
static void ask(struct run *r, struct job *j, int64_t now)
{
	if (j->state == J_QUEUED) {
		j->deadline_us = now + r->budget_us;
		act_add(r, j);
	} else {
		j->resent = true;
		r->view->retransmits++;
	}
	j->state = J_OUT;
	j->seq = r->seq++;
	j->sent_us = now;
	r->inflight++;
	r->view->queries++;
	ares_query(j->tcp ? r->tcp : r->udp, j->name, ns_c_in, ns_t_a, on_answer, j);
}

/* Called by c-ares for every send, including the ones a retransmit made redundant: the first
 * answer decides, later ones are dropped. Timeouts are not c-ares's to decide (timers() is):
 * its own come only when the name's budget is spent anyway. New sends are left to pump(). */
static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct job *j = arg;
	struct run *r = j->run;

	(void)timeouts;
	if (r->stopping || j->state == J_DONE || j->state == J_QUEUED)
		return;
	switch (status) {
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return;
	case ARES_EBADNAME:
	case ARES_EBADQUERY:
		r->view->queries--; /* refused before anything was sent */
		finish(j, status, abuf, alen);
		return;
	case ARES_ECONNREFUSED:
		/* Nothing listens: definite, so it spends an attempt, and is sent again at once. */
		if (j->state != J_OUT)
			return;
		if (j->refusals_left-- > 0) {
			j->state = J_LOST;
			r->inflight--;
			lostq_push(r, j);
			return;
		}
		finish(j, status, abuf, alen);
		return;
	default:
		break;
	}
	if (!j->tcp)
		window_ack(r, j, mono_us());
	if (!j->tcp && abuf != NULL && alen >= HFIXEDSZ && (abuf[2] & 0x02) != 0) {
		/* Truncated: the same name goes on over TCP, keeping its deadline. */
		if (j->state == J_LOST) {
			j->state = J_OUT;
			r->inflight++;
		}
		j->tcp = true;
		j->seq = r->seq++;
		r->view->queries++;
		ares_query(r->tcp, j->name, ns_c_in, ns_t_a, on_answer, j);
		return;
	}
	finish(j, status, abuf, alen);
}

/* Fill the window: names waiting to be sent again first, then new ones. */
static void pump(struct run *r)
{
	int64_t now = mono_us();

	while (!r->stopping && (double)r->inflight < r->cwnd) {
		struct job *j = lostq_pop(r);

		if (j == NULL && r->next < r->n_jobs) {
			j = &r->jobs[r->next++];
			j->refusals_left = r->p->opts->attempts - 1;
		}
		if (j == NULL)
			break;
		ask(r, j, now);
	}
}

/* Budgets and retransmit timeouts at now; returns when the next one falls due. */
static int64_t timers(struct run *r, int64_t now)
{
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < r->n_act;) {
		struct job *j = r->act[i];

		if (now >= j->deadline_us) {
			finish(j, ARES_ETIMEOUT, NULL, 0); /* r->act[i] is another job now */
			continue;
		}
		if (j->state == J_OUT && !j->tcp) {
			int64_t due = j->sent_us + rto_us(r, j);

			if (now >= due)
				window_lose(r, j);
			else if (due < next)
				next = due;
		}
		if (j->deadline_us < next)
			next = j->deadline_us;
		i++;
	}
	return next;
}

/* ---------------------------------------------------------------- the loop */

static void watch(ares_channel ch, struct pollfd *pfd, ares_channel *owner, nfds_t *nfds,
                  int64_t *wait_ms)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	/* Not ARES_GETSOCK_WRITABLE: it shifts an int 1 into the sign bit for socket 15. */
	unsigned bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
	struct timeval tv, *tp;

	for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		short ev = 0;

		if (bits & (1u << i))
			ev |= POLLIN;
		if (bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
			ev |= POLLOUT;
		if (ev == 0)
			continue;
		pfd[*nfds].fd = socks[i];
		pfd[*nfds].events = ev;
		pfd[*nfds].revents = 0;
		owner[(*nfds)++] = ch;
	}
	if ((tp = ares_timeout(ch, NULL, &tv)) != NULL) {
		int64_t ms = (int64_t)tp->tv_sec * 1000 + (tp->tv_usec + 999) / 1000;

		if (ms < *wait_ms)
			*wait_ms = ms;
	}
}

/* Past the deadline: every name still out or never sent is a timeout. */
static void expire(struct run *r)
{
	r->stopping = true;
	while (r->n_act > 0)
		finish(r->act[0], ARES_ETIMEOUT, NULL, 0);
	while (r->next < r->n_jobs) {
		struct job *j = &r->jobs[r->next++];

		finish(j, ARES_ETIMEOUT, NULL, 0);
	}
}

static bool stopped(const struct plan *p)
{
	return p->opts->stop != NULL && *p->opts->stop != 0;
}

static int loop(struct run *r, const struct plan *p, struct esra_err *err)
{
	int64_t deadline = esra_mono_ms() + p->total_ms;

	while (r->done < r->n_jobs) {
		struct pollfd pfd[2 * ARES_GETSOCK_MAXNUM];
		ares_channel owner[2 * ARES_GETSOCK_MAXNUM];
		nfds_t nfds = 0;
		int64_t now_us, next_us, now = esra_mono_ms(), wait_ms = deadline - now;

		if (stopped(p)) {
			r->stopping = true;
			return esra_err_set(err, ESRA_ESTOPPED, "dns %s: stopped", p->where);
		}
		if (wait_ms <= 0) {
			expire(r);
			break;
		}
		now_us = mono_us();
		(void)timers(r, now_us); /* losses and spent budgets */
		pump(r);
		if (r->done == r->n_jobs)
			break;
		next_us = timers(r, now_us); /* nothing new falls due: when the next one does */
		if (next_us != INT64_MAX && (next_us - now_us + 999) / 1000 < wait_ms)
			wait_ms = (next_us - now_us + 999) / 1000;
		if (p->opts->stop != NULL && wait_ms > STOP_POLL_MS)
			wait_ms = STOP_POLL_MS;
		watch(r->udp, pfd, owner, &nfds, &wait_ms);
		watch(r->tcp, pfd, owner, &nfds, &wait_ms);
		if (poll(pfd, nfds, (int)(wait_ms < 0 ? 0 : wait_ms)) < 0 && errno != EINTR)
			return esra_err_set(err, ESRA_EDNS, "dns %s: poll: %s", p->where,
			                    strerror(errno));
		for (nfds_t i = 0; i < nfds; i++) {
			short ev = pfd[i].revents;

			if (ev == 0)
				continue;
			ares_process_fd(
			    owner[i],
			    (ev & (POLLIN | POLLERR | POLLHUP)) ? pfd[i].fd : ARES_SOCKET_BAD,
			    (ev & (POLLOUT | POLLERR | POLLHUP)) ? pfd[i].fd : ARES_SOCKET_BAD);
		}
		/* c-ares's own timeouts, whether or not a socket was ready. */
		ares_process_fd(r->udp, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		ares_process_fd(r->tcp, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
	r->view->window_end = (size_t)r->cwnd;
	r->view->srtt_us = r->have_rtt ? r->srtt_us : -1;
	return ESRA_OK;
}

/* A view with every name copied and marked unanswered; server and namespace filled in. */
static struct dns_view *view_new(const struct plan *p)
{
	struct dns_view *v = model_dns_new(p->n);
	const char *ns = p->opts->netns;

	if (v == NULL)
		return NULL;
	if ((v->server = pool_strdup(v->pool, p->where)) == NULL ||
	    (ns != NULL && ns[0] != '\0' && (v->netns = pool_strdup(v->pool, ns)) == NULL)) {
		model_dns_free(v);
		return NULL;
	}
	for (size_t i = 0; i < p->n; i++) {
		struct dns_answer *a = &v->ans[i];

		if ((a->name = pool_strdup(v->pool, p->names[i])) == NULL) {
			model_dns_free(v);
			return NULL;
		}
		a->rc = DNS_RC_ERROR;
		a->ttl = -1;
	}
	return v;
}

/* One job per distinct name (case-insensitive); first[i] is the answer name i shares. */
static int plan_jobs(const struct plan *p, struct run *r, struct hmap *seen, size_t *first)
{
	for (size_t i = 0; i < p->n; i++) {
		if (hmap_put(seen, p->names[i], i) != ESRA_OK)
			return ESRA_ENOMEM;
		first[i] = hmap_get(seen, p->names[i]);
		if (first[i] == i) {
			struct job *j = &r->jobs[r->n_jobs++];

			j->run = r;
			j->name = p->names[i];
			j->slot = i;
		}
	}
	return ESRA_OK;
}

/* The whole resolution, on whichever thread (and so network namespace) calls it. */
static int resolve(struct plan *p, struct esra_err *err)
{
	struct run r;
	struct hmap *seen = NULL;
	size_t *first = NULL;
	int rc = ESRA_ENOMEM;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.cwnd_max = p->max_inflight;
	r.cwnd_min = p->max_inflight < CWND_MIN ? p->max_inflight : CWND_MIN;
	r.cwnd = (double)(p->max_inflight < CWND_INITIAL ? p->max_inflight : CWND_INITIAL);
	r.ssthresh =
	    (double)(p->max_inflight < SSTHRESH_INITIAL ? p->max_inflight : SSTHRESH_INITIAL);
	r.budget_us = p->budget_ms * 1000;
	if ((r.view = view_new(p)) == NULL)
		goto out;
	r.view->window_start = r.view->window_min = r.view->window_max = (size_t)r.cwnd;
	r.view->window_end = (size_t)r.cwnd;
	r.view->srtt_us = -1;
	if (p->n > 0 && ((seen = hmap_new(p->n, true)) == NULL ||
	                 (first = calloc(p->n, sizeof(*first))) == NULL ||
	                 (r.jobs = calloc(p->n, sizeof(*r.jobs))) == NULL ||
	                 (r.act = calloc(p->n, sizeof(*r.act))) == NULL ||
	                 (r.lostq = calloc(p->n, sizeof(*r.lostq))) == NULL ||
	                 plan_jobs(p, &r, seen, first) != ESRA_OK))
		goto out;
	if (r.n_jobs > 0 && ((rc = channel_new(&r.udp, p, false, err)) != ESRA_OK ||
	                     (rc = channel_new(&r.tcp, p, true, err)) != ESRA_OK ||
	                     (rc = loop(&r, p, err)) != ESRA_OK))
		goto out;
	rc = r.nomem ? ESRA_ENOMEM : ESRA_OK;
	for (size_t i = 0; rc == ESRA_OK && i < p->n; i++)
		if (first[i] != i) {
			const char *name = r.view->ans[i].name;

			r.view->ans[i] =
			    r.view->ans[first[i]]; /* the ips array is shared, pool-owned */
			r.view->ans[i].name = name;
		}
out:
	if (rc == ESRA_ENOMEM)
		esra_err_set(err, ESRA_ENOMEM, "dns %s: out of memory", p->where);
	/* Tearing down calls back whatever is still out (redundant sends, or everything after
	 * a failure or a stop) with ARES_EDESTRUCTION: ignored, but the jobs must be alive. */
	r.stopping = true;
	if (r.udp != NULL)
		ares_destroy(r.udp);
	if (r.tcp != NULL)
		ares_destroy(r.tcp);
	free(r.jobs);
	free(r.act);
	free(r.lostq);
	free(first);
	hmap_free(seen);
	if (rc == ESRA_OK)
		p->out = r.view; /* ownership moves to the caller */
	else
		model_dns_free(r.view);
	return rc;
}

/* ---------------------------------------------------------------- network namespaces */

static int resolve_cb(void *arg, struct esra_err *err)
{
	return resolve(arg, err);
}

/* Resolve from inside the namespace at opts->netns (netns.c runs it on its own thread). */
static int resolve_in(struct plan *p, struct esra_err *err)
{
	bool entered;
	int rc = netns_run(p->opts->netns, resolve_cb, p, &entered, err);

	if (rc != ESRA_OK && !entered) {
		esra_err_prefix(err, "dns ");
		if (err != NULL)
			err->code = ESRA_EDNS;
		return ESRA_EDNS;
	}
	return rc;
}

/* ---------------------------------------------------------------- the API */

static int plan_check(struct plan *p, const struct dns_opts *o, const char *const *names, size_t n,
                      struct esra_err *err)
{
	char ipstr[IP4_STRLEN];
	ip4_t ip;
	int prefix = -1;

	memset(p, 0, sizeof(*p));
	if (o->server == NULL || ip4_parse(o->server, (size_t)-1, &ip, &prefix) != 0 ||
	    prefix != -1)
		return esra_err_set(err, ESRA_EINVAL, "dns server \"%s\" is not an IPv4 address",
		                    o->server ? o->server : "");
	if (o->port < 1 || o->port > 65535)
		return esra_err_set(err, ESRA_EINVAL, "dns port %d is not in 1..65535", o->port);
	if (o->timeout_ms < 1 || o->timeout_ms > MAX_TIMEOUT_MS)
		return esra_err_set(err, ESRA_EINVAL, "dns timeout_ms %ld is not in 1..%ld",
		                    o->timeout_ms, MAX_TIMEOUT_MS);
	if (o->attempts < 1 || o->attempts > MAX_ATTEMPTS)
		return esra_err_set(err, ESRA_EINVAL, "dns attempts %d is not in 1..%d",
		                    o->attempts, MAX_ATTEMPTS);
	if (o->max_inflight > ESRA_MAX_DNS_INFLIGHT)
		return esra_err_set(err, ESRA_EINVAL, "dns max_inflight %zu is over %d",
		                    o->max_inflight, ESRA_MAX_DNS_INFLIGHT);
	if (o->total_ms < 0)
		return esra_err_set(err, ESRA_EINVAL, "dns total_ms %ld is negative", o->total_ms);
	if (n > ESRA_MAX_DNS_NAMES)
		return esra_err_set(err, ESRA_ETOOLARGE, "dns: %zu names is over %d", n,
		                    ESRA_MAX_DNS_NAMES);
	if (n > 0 && names == NULL)
		return esra_err_set(err, ESRA_EINVAL, "dns: %zu names but no array", n);
	for (size_t i = 0; i < n; i++)
		if (names[i] == NULL)
			return esra_err_set(err, ESRA_EINVAL, "dns: name %zu is NULL", i);
	p->opts = o;
	p->names = names;
	p->n = n;
	p->server.s_addr = htonl(ip);
	snprintf(p->where, sizeof(p->where), "%s:%d", ip4_format(ip, ipstr), o->port);
	p->max_inflight = o->max_inflight ? o->max_inflight : ESRA_MAX_DNS_INFLIGHT;
	p->rcvbuf = (int)(p->max_inflight < 64 ? 64 : p->max_inflight) * 4096;
	p->budget_ms = (int64_t)o->attempts * o->timeout_ms;
	p->total_ms = o->total_ms ? o->total_ms : (int64_t)(o->attempts + 1) * o->timeout_ms;
	return ESRA_OK;
}

int dns_resolve(const struct dns_opts *opts, const char *const *names, size_t n,
                struct dns_view **out, struct esra_err *err)
{
	struct plan p;
	int rc;

	if (out == NULL || opts == NULL)
		return esra_err_set(err, ESRA_EINVAL,
		                    "dns: no options or no place for the answers");
	*out = NULL;
	if ((rc = plan_check(&p, opts, names, n, err)) != ESRA_OK)
		return rc;
	pthread_once(&lib_once, lib_init);
	if (lib_status != ARES_SUCCESS)
		return esra_err_set(err, ESRA_EDNS, "dns: cannot initialise c-ares: %s",
		                    ares_strerror(lib_status));
	if (opts->netns != NULL && opts->netns[0] != '\0')
		rc = resolve_in(&p, err);
	else
		rc = resolve(&p, err);
	if (rc == ESRA_OK)
		*out = p.out;
	return rc;
}
