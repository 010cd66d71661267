/* testsrv.h: a canned HTTP server for unit tests (libmicrohttpd, own thread): answers each
 * path with a fixed status and body (optionally after a delay), on 127.0.0.1 or on a unix
 * socket, and counts the requests it saw. */
#ifndef ESRA_TESTSRV_H
#define ESRA_TESTSRV_H

#include <stddef.h>

struct tsrv;

/* unix_path NULL: TCP on 127.0.0.1, a free port. Fails the test when it cannot start. */
struct tsrv *tsrv_start(const char *unix_path);
void tsrv_stop(struct tsrv *s);
unsigned short tsrv_port(const struct tsrv *s);
/* Answer requests whose URI (path + query) equals uri, or starts with it when uri ends in
 * '*'. Later routes win. body is copied. */
void tsrv_route(struct tsrv *s, const char *uri, unsigned status, const char *body, size_t len,
                long delay_ms);
/* Requests seen whose URI starts with prefix. */
int tsrv_hits(struct tsrv *s, const char *prefix);

#endif
