/* fakedns.c: a DNS responder for esra's tests and benchmarks: UDP and TCP on one loopback
 * port, answers from rules by name, counts what it was asked. A test fixture: it trusts its
 * rules, answers class IN questions only as far as esra needs, and is never product code. */
#include "fakedns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS      128         /* TCP clients at once; more are closed on accept */
#define MAX_RRS        4000        /* records in one answer (a TCP message holds ~4,000) */
#define MAX_NAME       256         /* a name in dotted form, with its NUL */
#define UDP_LIMIT      512         /* a UDP answer to a client without EDNS */
#define MSG_CAP        (2 + 65535) /* a TCP message with its length prefix */
#define DEFAULT_TTL    600
#define TRUNCATE_COUNT 40

enum kind { K_A, K_NXDOMAIN, K_NODATA, K_SERVFAIL, K_REFUSED, K_DROP, K_TRUNCATE };

struct rr {
	uint32_t ip; /* host order */
	uint32_t ttl;
};

struct rule {
	char *name; /* lower case, no trailing dot */
	enum kind kind;
	struct rr *rrs;
	size_t n_rrs;
	unsigned long drop_first;
};

struct counter {
	char *name; /* NULL: empty slot */
	unsigned long n[2];
};

/* An answer held back by the delay. */
struct held {
	int64_t due;
	bool tcp;
	struct sockaddr_in to; /* UDP */
	uint64_t conn_id;      /* TCP */
	unsigned char *msg;    /* TCP: with its length prefix */
	size_t len;
};

struct conn {
	int fd;
	uint64_t id;
	bool dead; /* a write failed: closed by the loop */
	unsigned char *buf;
	size_t len;
};

struct fakedns {
	int udp, lsn, wake[2];
	int port;
	pthread_t thread;
	bool started;

	pthread_mutex_t mu; /* guards everything below up to the serving-thread part */
	struct rule *rules;
	size_t n_rules, cap_rules;
	struct counter *ctr;
	size_t n_ctr, cap_ctr;
	unsigned long total[2];
	unsigned long max_out;
	int delay_ms;
	unsigned loss_permille;
	unsigned long capacity, dropped;
	uint64_t rng;

	/* serving thread only */
	struct conn conns[MAX_CONNS];
	size_t n_conns;
	uint64_t next_conn_id;
	struct held *held;
	size_t n_held, cap_held;
	unsigned char out[MSG_CAP];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static void lower_copy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] - 'A' + 'a') : src[i];
	dst[n] = '\0';
}

/* ---------------------------------------------------------------- counters */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct counter *ctr_slot(struct counter *tab, size_t cap, const char *name)
{
	size_t i = (size_t)hash(name) & (cap - 1);

	while (tab[i].name != NULL && strcmp(tab[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Count one query; returns the name's count over both transports, 0 when out of memory. */
static unsigned long ctr_add(struct fakedns *s, const char *name, int t)
{
	struct counter *c;

	if ((s->n_ctr + 1) * 2 > s->cap_ctr) {
		size_t cap = s->cap_ctr ? s->cap_ctr * 2 : 1024;
		struct counter *tab = calloc(cap, sizeof(*tab));

		if (tab == NULL)
			return 0;
		for (size_t i = 0; i < s->cap_ctr; i++)
			if (s->ctr[i].name != NULL)
				*ctr_slot(tab, cap, s->ctr[i].name) = s->ctr[i];
		free(s->ctr);
		s->ctr = tab;
		s->cap_ctr = cap;
	}
	c = ctr_slot(s->ctr, s->cap_ctr, name);
	if (c->name == NULL) {
		if ((c->name = strdup(name)) == NULL)
			return 0;
		s->n_ctr++;
	}
	c->n[t]++;
	s->total[t]++;
	return c->n[0] + c->n[1];
}

/* ---------------------------------------------------------------- rules */

static void rule_free(struct rule *r)
{
	free(r->name);
	free(r->rrs);
}

static const struct rule *rule_find(const struct fakedns *s, const char *name)
{
	for (size_t i = 0; i < s->n_rules; i++)
		if (strcmp(s->rules[i].name, name) == 0)
			return &s->rules[i];
	return NULL;
}

static int kind_parse(const char *t, enum kind *k)
{
	static const struct {
		const char *name;
		enum kind kind;
	} kinds[] = {
	    {"A", K_A},
	    {"NXDOMAIN", K_NXDOMAIN},
	    {"NODATA", K_NODATA},
	    {"SERVFAIL", K_SERVFAIL},
	    {"REFUSED", K_REFUSED},
	    {"DROP", K_DROP},
	    {"TRUNCATE", K_TRUNCATE},
	};
	char up[16];
	size_t n = strlen(t);

	if (n >= sizeof(up))
		return -1;
	for (size_t i = 0; i <= n; i++)
		up[i] = (t[i] >= 'a' && t[i] <= 'z') ? (char)(t[i] - 'a' + 'A') : t[i];
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(up, kinds[i].name) == 0) {
			*k = kinds[i].kind;
			return 0;
		}
	return -1;
}

static int ulong_parse(const char *t, unsigned long max, unsigned long *v)
{
	char *end;

	if (*t < '0' || *t > '9')
		return -1;
	errno = 0;
	*v = strtoul(t, &end, 10);
	return (errno != 0 || *end != '\0' || *v > max) ? -1 : 0;
}

/* One "IP" or "IP:TTL" token; ttl stays UINT32_MAX when not given. */
static int rr_parse(const char *t, struct rr *rr)
{
	char ip[INET_ADDRSTRLEN];
	const char *colon = strchr(t, ':');
	size_t n = colon ? (size_t)(colon - t) : strlen(t);
	struct in_addr a;
	unsigned long ttl;

	if (n == 0 || n >= sizeof(ip))
		return -1;
	memcpy(ip, t, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET, ip, &a) != 1)
		return -1;
	rr->ip = ntohl(a.s_addr);
	rr->ttl = UINT32_MAX;
	if (colon != NULL) {
		if (ulong_parse(colon + 1, INT32_MAX, &ttl) != 0)
			return -1;
		rr->ttl = (uint32_t)ttl;
	}
	return 0;
}

static int rule_parse(char *line, struct rule *r, char *err, size_t errsz)
{
	char *save = NULL, *tok, *hash_at = strchr(line, '#');
	unsigned long ttl = DEFAULT_TTL, count = 0, v;
	bool have_count = false;
	size_t n;

	if (hash_at != NULL)
		*hash_at = '\0';
	memset(r, 0, sizeof(*r));
	if ((tok = strtok_r(line, " \t\r\n", &save)) == NULL)
		return 1; /* blank */
	n = strlen(tok);
	if (n > 0 && tok[n - 1] == '.')
		n--;
	if (n == 0 || n >= MAX_NAME) {
		say(err, errsz, "rule name \"%s\" is empty or too long", tok);
		return -1;
	}
	if ((r->name = malloc(n + 1)) == NULL ||
	    (r->rrs = calloc(MAX_RRS, sizeof(*r->rrs))) == NULL)
		goto nomem;
	lower_copy(r->name, tok, n);
	if ((tok = strtok_r(NULL, " \t\r\n", &save)) == NULL || kind_parse(tok, &r->kind) != 0) {
		say(err, errsz,
		    "rule for %s: expected A, NXDOMAIN, NODATA, SERVFAIL, REFUSED, DROP or "
		    "TRUNCATE, got \"%s\"",
		    r->name, tok ? tok : "");
		goto fail;
	}
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		if (strncmp(tok, "ttl=", 4) == 0 && ulong_parse(tok + 4, INT32_MAX, &ttl) == 0)
			continue;
		if (strncmp(tok, "drop=", 5) == 0 &&
		    ulong_parse(tok + 5, 1000000, &r->drop_first) == 0)
			continue;
		if (r->kind == K_TRUNCATE && ulong_parse(tok, MAX_RRS, &v) == 0) {
			count = v;
			have_count = true;
			continue;
		}
		if ((r->kind == K_A || r->kind == K_TRUNCATE) && r->n_rrs < MAX_RRS &&
		    rr_parse(tok, &r->rrs[r->n_rrs]) == 0) {
			r->n_rrs++;
			continue;
		}
		say(err, errsz, "rule for %s: cannot use \"%s\"", r->name, tok);
		goto fail;
	}
	if (r->kind == K_TRUNCATE && r->n_rrs == 0) {
		count = have_count ? count : TRUNCATE_COUNT;
		for (unsigned long i = 1; i <= count; i++)
			r->rrs[r->n_rrs++].ip = (10u << 24) | (99u << 16) | (uint32_t)i;
	}
	if (r->kind == K_A && r->n_rrs == 0) {
		say(err, errsz, "rule for %s: A needs at least one address", r->name);
		goto fail;
	}
	for (size_t i = 0; i < r->n_rrs; i++)
		if (r->rrs[i].ttl == UINT32_MAX)
			r->rrs[i].ttl = (uint32_t)ttl;
	return 0;
nomem:
	say(err, errsz, "out of memory");
fail:
	rule_free(r);
	return -1;
}

int fakedns_rule(struct fakedns *s, const char *line, char *err, size_t errsz)
{
	char *copy = strdup(line);
	struct rule r;
	int rc;

	if (copy == NULL) {
		say(err, errsz, "out of memory");
		return -1;
	}
	rc = rule_parse(copy, &r, err, errsz);
	free(copy);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->n_rules; i++)
		if (strcmp(s->rules[i].name, r.name) == 0) {
			rule_free(&s->rules[i]);
			s->rules[i] = r;
			pthread_mutex_unlock(&s->mu);
			return 0;
		}
	if (s->n_rules == s->cap_rules) {
		size_t cap = s->cap_rules ? s->cap_rules * 2 : 16;
		struct rule *nr = realloc(s->rules, cap * sizeof(*nr));

		if (nr == NULL) {
			pthread_mutex_unlock(&s->mu);
			rule_free(&r);
			say(err, errsz, "out of memory");
			return -1;
		}
		s->rules = nr;
		s->cap_rules = cap;
	}
	s->rules[s->n_rules++] = r;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

int fakedns_load(struct fakedns *s, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, msg[256];
	size_t cap = 0;
	int rc = 0, lineno = 0;

	if (f == NULL) {
		say(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		if ((rc = fakedns_rule(s, line, msg, sizeof(msg))) != 0 && err != NULL)
			snprintf(err, errsz, "%s:%d: %s", path, lineno, msg);
	}
	free(line);
	fclose(f);
	return rc;
}

size_t fakedns_gen_ips(const char *name, uint32_t *ips, size_t cap)
{
	char low[MAX_NAME];
	const char *p = low;
	size_t len = strlen(name);
	unsigned long n;
	bool tasks;

	if (len >= sizeof(low) || cap < 2)
		return 0;
	lower_copy(low, name, len);
	tasks = strncmp(p, "tasks.", 6) == 0;
	if (tasks)
		p += 6;
	if (strncmp(p, "svc", 3) != 0 || ulong_parse(p + 3, 65535, &n) != 0 ||
	    (p[3] == '0' && p[4] != '\0'))
		return 0;
	if (!tasks) {
		ips[0] = (10u << 24) | (1u << 16) | (uint32_t)n;
		return 1;
	}
	ips[0] = (10u << 24) | (3u << 16) | (uint32_t)n;
	ips[1] = (10u << 24) | (2u << 16) | (uint32_t)n;
	return 2;
}

/* ---------------------------------------------------------------- the wire */

/* The question of a query: its name (lower case, dotted) and type, and where it ends. */
static int parse_question(const unsigned char *q, size_t len, char *name, size_t *qend,
                          unsigned *qtype)
{
	size_t p = 12, n = 0;

	if (len < 12 || (q[2] & 0x80) != 0 || q[4] != 0 || q[5] != 1)
		return -1; /* short, a response, or not exactly one question */
	for (;;) {
		size_t l;

		if (p >= len)
			return -1;
		l = q[p];
		if (l == 0)
			break;
		if ((l & 0xC0) != 0 || p + 1 + l > len || n + l + 2 > MAX_NAME)
			return -1;
		if (n > 0)
			name[n++] = '.';
		lower_copy(name + n, (const char *)q + p + 1, l);
		n += l;
		p += 1 + l;
	}
	name[n] = '\0';
	if (p + 5 > len)
		return -1;
	*qtype = (unsigned)q[p + 1] << 8 | q[p + 2];
	*qend = p + 5;
	return 0;
}

/* Header and question of q (qend bytes) with the given rcode, TC bit and records into out. */
static size_t build(unsigned char *out, size_t cap, const unsigned char *q, size_t qend, int rcode,
                    bool tc, const struct rr *rrs, size_t n)
{
	size_t p = qend;

	if (qend + n * 16 > cap)
		return 0;
	memcpy(out, q, qend);
	out[2] = (unsigned char)(0x80 | (q[2] & 0x79) | 0x04 | (tc ? 0x02 : 0)); /* QR AA RD */
	out[3] = (unsigned char)(0x80 | rcode);                                  /* RA */
	out[6] = (unsigned char)(n >> 8);
	out[7] = (unsigned char)n;
	memset(out + 8, 0, 4);
	for (size_t i = 0; i < n; i++) {
		static const unsigned char head[] = {0xC0, 0x0C, 0, 1, 0, 1};

		memcpy(out + p, head, sizeof(head));
		p += sizeof(head);
		out[p++] = (unsigned char)(rrs[i].ttl >> 24);
		out[p++] = (unsigned char)(rrs[i].ttl >> 16);
		out[p++] = (unsigned char)(rrs[i].ttl >> 8);
		out[p++] = (unsigned char)rrs[i].ttl;
		out[p++] = 0;
		out[p++] = 4;
		out[p++] = (unsigned char)(rrs[i].ip >> 24);
		out[p++] = (unsigned char)(rrs[i].ip >> 16);
		out[p++] = (unsigned char)(rrs[i].ip >> 8);
		out[p++] = (unsigned char)rrs[i].ip;
	}
	return p;
}

/* Count the query and write its answer into out; 0 = do not answer. */
static size_t respond(struct fakedns *s, const unsigned char *q, size_t len, bool tcp,
                      unsigned char *out, size_t cap)
{
	char name[MAX_NAME];
	struct rr gen[2];
	const struct rr *rrs = NULL;
	size_t qend, n_rrs = 0, n = 0, outlen = 0;
	unsigned qtype;
	const struct rule *r;
	enum kind kind = K_NXDOMAIN;
	unsigned long seen;
	int rcode = 0;
	bool tc = false;

	if (parse_question(q, len, name, &qend, &qtype) != 0)
		return 0;
	pthread_mutex_lock(&s->mu);
	seen = ctr_add(s, name, tcp ? FAKEDNS_TCP : FAKEDNS_UDP);
	if ((r = rule_find(s, name)) != NULL) {
		kind = r->kind;
		rrs = r->rrs;
		n_rrs = r->n_rrs;
		if (seen <= r->drop_first)
			kind = K_DROP;
	} else {
		uint32_t ips[2];

		n_rrs = fakedns_gen_ips(name, ips, 2);
		for (size_t i = 0; i < n_rrs; i++) {
			gen[i].ip = ips[i];
			gen[i].ttl = DEFAULT_TTL;
		}
		if (n_rrs > 0) {
			kind = K_A;
			rrs = gen;
		}
	}
	switch (kind) {
	case K_DROP:
		break;
	case K_NXDOMAIN:
		rcode = 3;
		break;
	case K_SERVFAIL:
		rcode = 2;
		break;
	case K_REFUSED:
		rcode = 5;
		break;
	case K_NODATA:
		break;
	case K_TRUNCATE:
		tc = !tcp;
		__attribute__((fallthrough));
	case K_A:
		if (qtype == 1 && !tc)
			n = n_rrs;
		break;
	}
	if (kind != K_DROP) {
		outlen = build(out, cap, q, qend, rcode, tc, rrs, n);
		if (!tcp && outlen > UDP_LIMIT)
			outlen = build(out, cap, q, qend, rcode, true, NULL, 0);
	}
	pthread_mutex_unlock(&s->mu);
	return outlen;
}

/* ---------------------------------------------------------------- serving */

static struct conn *conn_by_id(struct fakedns *s, uint64_t id)
{
	for (size_t i = 0; i < s->n_conns; i++)
		if (s->conns[i].id == id && !s->conns[i].dead)
			return &s->conns[i];
	return NULL;
}

static void send_now(struct fakedns *s, bool tcp, const struct sockaddr_in *to, uint64_t conn_id,
                     const unsigned char *msg, size_t len)
{
	struct conn *c;

	if (!tcp) {
		(void)sendto(s->udp, msg, len, 0, (const struct sockaddr *)to, sizeof(*to));
		return;
	}
	/* A fixture simplification: a client too slow to take a whole answer is dropped. */
	if ((c = conn_by_id(s, conn_id)) != NULL &&
	    send(c->fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
		c->dead = true;
}

static void answer(struct fakedns *s, const unsigned char *q, size_t len, bool tcp,
                   const struct sockaddr_in *from, uint64_t conn_id)
{
	unsigned char *out = tcp ? s->out + 2 : s->out;
	size_t n = respond(s, q, len, tcp, out, sizeof(s->out) - 2);
	struct held *h;
	int delay;
	bool drop = false;

	if (n == 0)
		return;
	if (tcp) {
		s->out[0] = (unsigned char)(n >> 8);
		s->out[1] = (unsigned char)n;
		n += 2;
	}
	pthread_mutex_lock(&s->mu);
	delay = s->delay_ms;
	if (!tcp && s->loss_permille > 0) {
		s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
		drop = (s->rng >> 33) % 1000 < s->loss_permille;
	}
	if (!tcp && delay > 0 && s->capacity > 0 && s->n_held >= s->capacity)
		drop = true;
	if (drop)
		s->dropped++;
	pthread_mutex_unlock(&s->mu);
	if (drop)
		return;
	if (delay <= 0) {
		send_now(s, tcp, from, conn_id, s->out, n);
		return;
	}
	if (s->n_held == s->cap_held) {
		size_t cap = s->cap_held ? s->cap_held * 2 : 256;
		struct held *nh = realloc(s->held, cap * sizeof(*nh));

		if (nh == NULL)
			return; /* out of memory: the query goes unanswered */
		s->held = nh;
		s->cap_held = cap;
	}
	h = &s->held[s->n_held];
	memset(h, 0, sizeof(*h));
	if ((h->msg = malloc(n)) == NULL)
		return;
	memcpy(h->msg, s->out, n);
	h->len = n;
	h->tcp = tcp;
	h->conn_id = conn_id;
	if (from != NULL)
		h->to = *from;
	h->due = now_ms() + delay;
	s->n_held++;
	pthread_mutex_lock(&s->mu);
	if (s->n_held > s->max_out)
		s->max_out = s->n_held;
	pthread_mutex_unlock(&s->mu);
}

static void send_due(struct fakedns *s)
{
	int64_t now = now_ms();
	size_t keep = 0;

	for (size_t i = 0; i < s->n_held; i++) {
		struct held *h = &s->held[i];

		if (h->due > now) {
			s->held[keep++] = *h;
			continue;
		}
		send_now(s, h->tcp, &h->to, h->conn_id, h->msg, h->len);
		free(h->msg);
	}
	s->n_held = keep;
}

static void read_udp(struct fakedns *s)
{
	unsigned char q[4096];

	for (int i = 0; i < 4096; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s->udp, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);

		if (n < 0)
			return; /* EAGAIN, or an error we cannot act on */
		answer(s, q, (size_t)n, false, &from, 0);
	}
}

static void read_conn(struct fakedns *s, struct conn *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, MSG_CAP - c->len, 0);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		c->dead = true;
		return;
	}
	if (n < 0)
		return;
	c->len += (size_t)n;
	while (c->len >= 2 && !c->dead) {
		size_t m = (size_t)c->buf[0] << 8 | c->buf[1];

		if (c->len < 2 + m)
			break;
		answer(s, c->buf + 2, m, true, NULL, c->id);
		memmove(c->buf, c->buf + 2 + m, c->len - 2 - m);
		c->len -= 2 + m;
	}
}

static void conn_close(struct fakedns *s, size_t i)
{
	close(s->conns[i].fd);
	free(s->conns[i].buf);
	s->conns[i] = s->conns[--s->n_conns];
}

static void accept_conns(struct fakedns *s)
{
	int fd;

	while ((fd = accept4(s->lsn, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct conn *c = &s->conns[s->n_conns];

		if (s->n_conns == MAX_CONNS || (c->buf = malloc(MSG_CAP)) == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->id = ++s->next_conn_id;
		c->dead = false;
		c->len = 0;
		s->n_conns++;
	}
}

static void *serve(void *arg)
{
	struct fakedns *s = arg;
	struct pollfd pfd[3 + MAX_CONNS];

	for (;;) {
		size_t nconn = s->n_conns;
		int timeout = -1;

		pfd[0] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = s->udp, .events = POLLIN};
		pfd[2] = (struct pollfd){.fd = s->lsn, .events = POLLIN};
		for (size_t i = 0; i < nconn; i++)
			pfd[3 + i] = (struct pollfd){.fd = s->conns[i].fd, .events = POLLIN};
		if (s->n_held > 0) {
			int64_t first = s->held[0].due, now = now_ms();

			for (size_t i = 1; i < s->n_held; i++)
				if (s->held[i].due < first)
					first = s->held[i].due;
			timeout = first <= now ? 0 : (int)(first - now);
		}
		if (poll(pfd, 3 + nconn, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents != 0)
			break;
		if (pfd[1].revents & POLLIN)
			read_udp(s);
		for (size_t i = 0; i < nconn; i++)
			if (pfd[3 + i].revents != 0)
				read_conn(s, &s->conns[i]);
		send_due(s);
		for (size_t i = s->n_conns; i-- > 0;)
			if (s->conns[i].dead)
				conn_close(s, i);
		if (pfd[2].revents & POLLIN)
			accept_conns(s);
	}
	return NULL;
}

/* ---------------------------------------------------------------- lifecycle */

static int bind_pair(struct fakedns *s, struct in_addr addr, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = addr};
	socklen_t sl = sizeof(sa);
	int one = 1, rcvbuf = 4 << 20;

	sa.sin_port = htons((uint16_t)port);
	s->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->lsn = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->udp < 0 || s->lsn < 0)
		return -1;
	(void)setsockopt(s->udp, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(s->udp, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(s->udp, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	s->port = ntohs(sa.sin_port);
	if (setsockopt(s->lsn, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(s->lsn, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(s->lsn, 128) != 0)
		return -1;
	return 0;
}

static void close_pair(struct fakedns *s)
{
	if (s->udp >= 0)
		close(s->udp);
	if (s->lsn >= 0)
		close(s->lsn);
	s->udp = s->lsn = -1;
}

struct fakedns *fakedns_new(const char *addr, int port, char *err, size_t errsz)
{
	struct fakedns *s = calloc(1, sizeof(*s));
	struct in_addr a;
	int tries;

	if (s == NULL) {
		say(err, errsz, "out of memory");
		return NULL;
	}
	s->udp = s->lsn = s->wake[0] = s->wake[1] = -1;
	pthread_mutex_init(&s->mu, NULL);
	if (addr == NULL)
		addr = "127.0.0.1";
	if (inet_pton(AF_INET, addr, &a) != 1 || port < 0 || port > 65535) {
		say(err, errsz, "bad address %s or port %d", addr, port);
		goto fail;
	}
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		say(err, errsz, "pipe: %s", strerror(errno));
		goto fail;
	}
	/* A free UDP port may be taken for TCP: try a few when the port is ours to pick. */
	for (tries = 0; tries < 64; tries++) {
		if (bind_pair(s, a, port) == 0)
			break;
		close_pair(s);
		if (port != 0)
			break;
	}
	if (s->udp < 0) {
		say(err, errsz, "cannot bind %s: %s", addr, strerror(errno));
		goto fail;
	}
	return s;
fail:
	fakedns_free(s);
	return NULL;
}

int fakedns_start(struct fakedns *s, char *err, size_t errsz)
{
	int e;

	if (s->started)
		return 0;
	if ((e = pthread_create(&s->thread, NULL, serve, s)) != 0) {
		say(err, errsz, "pthread_create: %s", strerror(e));
		return -1;
	}
	s->started = true;
	return 0;
}

void fakedns_free(struct fakedns *s)
{
	if (s == NULL)
		return;
	if (s->started) {
		(void)write(s->wake[1], "x", 1);
		pthread_join(s->thread, NULL);
	}
	close_pair(s);
	if (s->wake[0] >= 0)
		close(s->wake[0]);
	if (s->wake[1] >= 0)
		close(s->wake[1]);
	while (s->n_conns > 0)
		conn_close(s, s->n_conns - 1);
	for (size_t i = 0; i < s->n_held; i++)
		free(s->held[i].msg);
	free(s->held);
	for (size_t i = 0; i < s->n_rules; i++)
		rule_free(&s->rules[i]);
	free(s->rules);
	for (size_t i = 0; i < s->cap_ctr; i++)
		free(s->ctr[i].name);
	free(s->ctr);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int fakedns_port(const struct fakedns *s)
{
	return s->port;
}

void fakedns_set_delay(struct fakedns *s, int ms)
{
	pthread_mutex_lock(&s->mu);
	s->delay_ms = ms;
	pthread_mutex_unlock(&s->mu);
}

void fakedns_set_loss(struct fakedns *s, unsigned permille)
{
	pthread_mutex_lock(&s->mu);
	s->loss_permille = permille > 1000 ? 1000 : permille;
	s->rng = 0x9e3779b97f4a7c15ULL;
	pthread_mutex_unlock(&s->mu);
}

void fakedns_set_capacity(struct fakedns *s, unsigned long capacity)
{
	pthread_mutex_lock(&s->mu);
	s->capacity = capacity;
	pthread_mutex_unlock(&s->mu);
}

unsigned long fakedns_dropped(struct fakedns *s)
{
	unsigned long n;

	pthread_mutex_lock(&s->mu);
	n = s->dropped;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* ---------------------------------------------------------------- counts */

unsigned long fakedns_count(struct fakedns *s, const char *name, enum fakedns_transport t)
{
	char low[MAX_NAME];
	size_t len = strlen(name);
	unsigned long n = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len >= sizeof(low))
		return 0;
	lower_copy(low, name, len);
	pthread_mutex_lock(&s->mu);
	if (s->cap_ctr > 0) {
		const struct counter *c = ctr_slot(s->ctr, s->cap_ctr, low);

		if (c->name != NULL)
			n = t == FAKEDNS_ANY ? c->n[0] + c->n[1] : c->n[t];
	}
	pthread_mutex_unlock(&s->mu);
	return n;
}

unsigned long fakedns_total(struct fakedns *s, enum fakedns_transport t)
{
	unsigned long n;

	pthread_mutex_lock(&s->mu);
	n = t == FAKEDNS_ANY ? s->total[0] + s->total[1] : s->total[t];
	pthread_mutex_unlock(&s->mu);
	return n;
}

unsigned long fakedns_max_outstanding(struct fakedns *s)
{
	unsigned long n;

	pthread_mutex_lock(&s->mu);
	n = s->max_out;
	pthread_mutex_unlock(&s->mu);
	return n;
}

void fakedns_reset_counts(struct fakedns *s)
{
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->cap_ctr; i++)
		free(s->ctr[i].name);
	free(s->ctr);
	s->ctr = NULL;
	s->n_ctr = s->cap_ctr = 0;
	s->total[0] = s->total[1] = 0;
	s->max_out = 0;
	s->dropped = 0;
	pthread_mutex_unlock(&s->mu);
}

void fakedns_each_count(struct fakedns *s,
                        void (*fn)(void *ud, const char *name, unsigned long udp,
                                   unsigned long tcp),
                        void *ud)
{
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->cap_ctr; i++)
		if (s->ctr[i].name != NULL)
			fn(ud, s->ctr[i].name, s->ctr[i].n[0], s->ctr[i].n[1]);
	pthread_mutex_unlock(&s->mu);
}
