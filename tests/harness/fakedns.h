/* fakedns.h: a small DNS responder (UDP and TCP on one loopback port) for esra's tests and
 * benchmarks. Answers A questions from rules by name and counts what it was asked, per name
 * and per transport. A test fixture: never linked into the product.
 * Ownership: fakedns_new returns a handle the caller frees with fakedns_free (which stops
 * the server thread). Strings passed in are copied.
 *
 * Rules, one per line ('#' starts a comment), names case-insensitive, a trailing dot ignored:
 *   NAME A IP[:TTL]... [ttl=N]      these A records (TTL N, default 600; IP:TTL overrides)
 *   NAME NXDOMAIN | NODATA | SERVFAIL | REFUSED
 *   NAME DROP                        never answer (the client times out)
 *   NAME TRUNCATE [COUNT|IP...] [ttl=N]  over UDP: TC bit and no records; over TCP: the IPs,
 *                                    or COUNT (default 40) records 10.99.x.y counting from 1
 * Any rule may add drop=N: the first N queries for the name are not answered.
 * A later rule for the same name replaces the earlier one.
 * Names without a rule: "svcN" answers 10.1.hi.lo and "tasks.svcN" answers 10.3.hi.lo and
 * 10.2.hi.lo (in that order, TTL 600), where N < 65536 and hi.lo are N's two bytes
 * (fakedns_gen_ips); every other name is NXDOMAIN. A UDP answer over 512 bytes is sent as
 * TC with no records, as a real server does for a client without EDNS. */
#ifndef ESRA_FAKEDNS_H
#define ESRA_FAKEDNS_H

#include <stddef.h>
#include <stdint.h>

enum fakedns_transport { FAKEDNS_UDP = 0, FAKEDNS_TCP = 1, FAKEDNS_ANY = 2 };

struct fakedns;

/* Bind UDP and TCP on addr ("127.0.0.1" when NULL) and port (0 = a free one, the same for
 * both). NULL on failure with a reason in err (errsz bytes). Not serving until started. */
struct fakedns *fakedns_new(const char *addr, int port, char *err, size_t errsz);
/* Serve on a new thread. 0 or -1 (reason in err). */
int fakedns_start(struct fakedns *s, char *err, size_t errsz);
/* Stop the thread (if started), close the sockets, free everything. NULL is a no-op. */
void fakedns_free(struct fakedns *s);
int fakedns_port(const struct fakedns *s);

/* Add one rule line, or every line of a file. 0 or -1 (reason in err). Safe while serving. */
int fakedns_rule(struct fakedns *s, const char *line, char *err, size_t errsz);
int fakedns_load(struct fakedns *s, const char *path, char *err, size_t errsz);
/* Hold every answer this long before sending it (0 = answer at once). With a delay, the
 * number of queries held at once is the client's number in flight (fakedns_max_outstanding). */
void fakedns_set_delay(struct fakedns *s, int ms);

/* Congestion, over UDP: drop permille of the queries received (0..1000, chosen by a fixed
 * pseudo-random sequence, so a run is repeatable), and, with a delay, drop every query that
 * arrives while capacity answers are held (0 = no limit), as a server with a full queue
 * does. Dropped queries are counted as received, and in fakedns_dropped. */
void fakedns_set_loss(struct fakedns *s, unsigned permille);
void fakedns_set_capacity(struct fakedns *s, unsigned long capacity);
unsigned long fakedns_dropped(struct fakedns *s);

/* Queries received for name (any case) over transport, and in total. */
unsigned long fakedns_count(struct fakedns *s, const char *name, enum fakedns_transport t);
unsigned long fakedns_total(struct fakedns *s, enum fakedns_transport t);
/* The most answered-later queries held at one moment (only meaningful with a delay; DROP
 * and drop=N queries are never held). */
unsigned long fakedns_max_outstanding(struct fakedns *s);
void fakedns_reset_counts(struct fakedns *s);
/* Call fn for every name asked so far (lower case) with its UDP and TCP counts. */
void fakedns_each_count(struct fakedns *s,
                        void (*fn)(void *ud, const char *name, unsigned long udp,
                                   unsigned long tcp),
                        void *ud);

/* The generated family: the A records (host order, in answer order) for "svcN" or
 * "tasks.svcN", or 0 when name is not one of them. cap must be at least 2. */
size_t fakedns_gen_ips(const char *name, uint32_t *ips, size_t cap);

#endif
